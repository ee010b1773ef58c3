// The host's processes as a tree, read from /proc: how the sandbox finds the kernel inside bwrap, and how tests
// find everything a sandbox started.
import { readdirSync, readFileSync } from "node:fs";

/** Each running process's children, by parent pid, as /proc lists them now. */
export function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Ended meanwhile.
    }
  }
  return children;
}
