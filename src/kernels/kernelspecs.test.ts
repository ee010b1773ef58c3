import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { KernelError } from "./errors.ts";
import { findKernelSpecs, jupyterDataDirs, kernelSpecByName } from "./kernelspecs.ts";

let root: string;

async function spec(dataDir: string, name: string, json: unknown): Promise<void> {
  await mkdir(path.join(dataDir, "kernels", name), { recursive: true });
  const text = typeof json === "string" ? json : JSON.stringify(json);
  await writeFile(path.join(dataDir, "kernels", name, "kernel.json"), text);
}

const good = (displayName: string) => ({
  argv: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
  display_name: displayName,
  language: "python",
  interrupt_mode: "message",
  env: { A: "1" },
  metadata: { debugger: true },
});

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "vitrine-kernelspecs-"));
  await spec(path.join(root, "first"), "python3", good("First Python"));
  await spec(path.join(root, "first"), "broken", {
    argv: ["python3", "-f"],
    display_name: "Broken",
    language: "python",
  });
  await spec(path.join(root, "first"), "notjson", "{ argv: ");
  await spec(path.join(root, "first"), "badenv", { ...good("Bad env"), env: { PATH: 3 } });
  await spec(path.join(root, "second"), "python3", good("Shadowed Python"));
  await spec(path.join(root, "second"), "ir", { ...good("R"), language: "R", interrupt_mode: undefined });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test("the data dirs are jupyter's own, in its order (compared with `jupyter --paths --json`)", () => {
  const env = { JUPYTER_PATH: `${root}/first:${root}/second/`, HOME: root, PATH: "/usr/bin:/bin" };
  const jupyter = JSON.parse(
    execFileSync("/usr/bin/python3", ["-m", "jupyter", "--paths", "--json"], { env, encoding: "utf8" }),
  ) as { data: string[] };
  // jupyter lists the user-site dir only when Python's user site is enabled; it equals the data dir here.
  assert.deepEqual([...new Set(jupyterDataDirs(env, root))], jupyter.data);
});

test("a good and a broken kernelspec on JUPYTER_PATH: the good one is found, the broken ones are located errors", async () => {
  const found = await findKernelSpecs({
    allowlist: "all",
    env: { JUPYTER_PATH: `${root}/first:${root}/second`, HOME: path.join(root, "home") },
  });
  const names = found.specs.map((entry) => entry.name);
  assert.ok(names.includes("python3") && names.includes("ir"));
  assert.ok(!names.includes("broken") && !names.includes("notjson") && !names.includes("badenv"));
  const python = kernelSpecByName(found, "python3");
  assert.equal(python.displayName, "First Python", "the first directory wins");
  assert.equal(python.interruptMode, "message");
  assert.deepEqual(python.env, { A: "1" });
  assert.equal(kernelSpecByName(found, "ir").interruptMode, "signal");

  const byFile = new Map(found.errors.map((error) => [path.basename(path.dirname(error.details.file!)), error]));
  assert.equal(byFile.get("broken")?.code, "kernelspec_invalid");
  assert.equal(byFile.get("broken")?.details.field, "/argv");
  assert.equal(byFile.get("notjson")?.details.field, "");
  assert.equal(byFile.get("badenv")?.details.field, "/env/PATH");
  assert.match(
    String(byFile.get("badenv")),
    /kernel\.json: env values must be strings \[kernelspec_invalid\] at \/env\/PATH/,
  );
  assert.throws(
    () => kernelSpecByName(found, "broken"),
    (error: KernelError) => error.code === "kernelspec_invalid",
  );
  assert.throws(
    () => kernelSpecByName(found, "nope"),
    (error: KernelError) => error.code === "kernelspec_unknown",
  );
});

test("the allowlist (default python3) hides every other kernelspec", async () => {
  const found = await findKernelSpecs({ dataDirs: [`${root}/first`, `${root}/second`] });
  assert.deepEqual(
    found.specs.map((entry) => entry.name),
    ["python3"],
  );
  assert.deepEqual(found.errors, []);
  assert.throws(
    () => kernelSpecByName(found, "ir"),
    (error: KernelError) => error.code === "kernelspec_unknown",
  );
});

test("Debian's python3 kernelspec is found where Jupyter looks", async () => {
  const found = await findKernelSpecs();
  const python = kernelSpecByName(found, "python3");
  assert.ok(python.argv.includes("{connection_file}"));
  assert.equal(python.language, "python");
});
