// `vitrine run` as a user runs it: bin/vitrine as a process, real Python kernels in the real sandbox, standard
// output and error as pipes. Each child gets a TMPDIR of its own, so the test can see that the run leaves nothing
// behind there (the files copy, the kernel's runtime folder) nor beside the output (the atomic write's temp file).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

const REPOSITORY = join(import.meta.dirname, "..");
const VITRINE = join(REPOSITORY, "bin", "vitrine");

let base: string;
let folder: string;

before(() => {
  base = mkdtempSync(join(tmpdir(), "vitrine-run-test-"));
  chmodSync(base, 0o755);
  folder = join(base, "notebooks");
  mkdirSync(folder, { mode: 0o755 });
  writeFileSync(join(folder, "data.csv"), "a,b\n1,2\n");
});

after(() => rmSync(base, { recursive: true, force: true }));

interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[] };
  execution_count?: number | null;
  outputs?: Record<string, unknown>[];
}

function code(id: string, source: string, extra: Partial<Cell> = {}): Cell {
  return { cell_type: "code", id, source, metadata: {}, execution_count: null, outputs: [], ...extra };
}

function writeNotebook(name: string, cells: Cell[], metadata: Record<string, unknown> = {}): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }, null, 1));
  return path;
}

function readNotebook(path: string): { cells: Cell[] } {
  return JSON.parse(readFileSync(path, "utf8")) as { cells: Cell[] };
}

function text(value: string | string[] | unknown): string {
  return Array.isArray(value) ? value.join("") : String(value);
}

function stdoutOf(cell: Cell): string {
  return (cell.outputs ?? [])
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .map((output) => text(output.text))
    .join("");
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the run left in its TMPDIR (should be nothing). */
  leftInTmp: string[];
}

function vitrine(
  args: string[],
  options: { wrapper?: string[]; env?: Record<string, string>; onSpawn?: (pid: number) => void } = {},
): Promise<Ran> {
  const tmp = mkdtempSync(join(base, "tmp-"));
  // The kernel's runtime folder and files copy are made here; bwrap reaches them as the kernel's uid.
  chmodSync(tmp, 0o711);
  const argv = [...(options.wrapper ?? []), VITRINE, "run", ...args];
  const child = spawn(argv[0] as string, argv.slice(1), {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TMPDIR: tmp, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const leftInTmp = readdirSync(tmp);
      rmSync(tmp, { recursive: true, force: true });
      // Never a stack trace, whatever happened.
      assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace on stderr");
      resolve({ code, stdout, stderr, leftInTmp });
    });
  });
}

function noTempFiles(dir: string): void {
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.endsWith(".tmp")),
    [],
    "the atomic write left no temp file",
  );
}

test("parameters of each type are injected after the cell tagged parameters; outputs and counts are written", async () => {
  const input = writeNotebook(
    "params.ipynb",
    [
      { cell_type: "markdown", id: "intro", source: "# Report", metadata: {} },
      code("defaults", "i = 0\nf = 0.0\nt = False\nn = 1\ns = ''\nbig = 0\nraw = 0", {
        metadata: { tags: ["parameters"] },
      }),
      code(
        "show",
        "for v in (i, f, t, n, s, big, raw):\n    print(type(v).__name__, repr(v))\nprint(open('data.csv').read().splitlines()[1])",
        { execution_count: 9, outputs: [{ output_type: "stream", name: "stdout", text: "stale\n" }] },
      ),
      code("last", "i * 2"),
    ],
    { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  );
  const before = readFileSync(input);
  const ran = await vitrine([
    input,
    ...["-p", "i", "42"],
    ...["-p", "f", "2.5"],
    ...["-p", "t", "True"],
    ...["-p", "n", "None"],
    ...["-p", "s", 'say "hi"\n\u00e9'],
    ...["-p", "big", "123456789012345678901234567890"],
    ...["-p", "raw", "1e400"],
  ]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stderr, "", "nothing but the result on a pipe");
  const output = join(folder, "params.out.ipynb");
  assert.match(ran.stdout, /^\S*params\.out\.ipynb: 4 of 4 code cells ran in [\d.]+ s\n$/);
  assert.deepEqual(readFileSync(input), before, "the notebook itself is not touched");
  const cells = readNotebook(output).cells;
  assert.deepEqual(
    cells.map((cell) => cell.id),
    ["intro", "defaults", "injected-parameters", "show", "last"],
  );
  const injected = cells[2] as Cell;
  assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
  assert.equal(
    text(injected.source),
    '# Parameters\ni = 42\nf = 2.5\nt = True\nn = None\ns = "say \\"hi\\"\\n\\xe9"\n' +
      "big = 123456789012345678901234567890\nraw = float('inf')\n",
  );
  assert.deepEqual(
    cells.filter((cell) => cell.cell_type === "code").map((cell) => cell.execution_count),
    [1, 2, 3, 4],
  );
  assert.equal(
    stdoutOf(cells[3] as Cell),
    "int 42\nfloat 2.5\nbool True\nNoneType None\nstr 'say \"hi\"\\né'\nint 123456789012345678901234567890\n" +
      "float inf\n1,2\n",
  );
  const result = (cells[4] as Cell).outputs?.[0];
  assert.equal(result?.output_type, "execute_result");
  assert.equal(result?.execution_count, 4);
  assert.equal(text((result?.data as Record<string, unknown>)["text/plain"]), "84");
  assert.deepEqual(ran.leftInTmp, []);
  noTempFiles(folder);
});

test("a failing cell: exit 1, the notebook written with the error in place, later cells not run", async () => {
  const input = writeNotebook("fails.ipynb", [
    code("one", "print('ran')"),
    code("two", "undefined_name"),
    code("three", "print('must not run')", {
      execution_count: 7,
      outputs: [{ output_type: "stream", name: "stdout", text: "from an earlier run\n" }],
    }),
  ]);
  const output = join(base, "fails-result.ipynb");
  const ran = await vitrine([input, "-o", output]);
  assert.equal(ran.code, 1);
  assert.equal(
    ran.stdout,
    `${output}: 2 of 3 code cells ran, 1 failed in ${/in ([\d.]+) s/.exec(ran.stdout)?.[1]} s\n`,
  );
  assert.equal(ran.stderr, `vitrine run: ${input}: cell 2 (id two): NameError: name 'undefined_name' is not defined\n`);
  const cells = readNotebook(output).cells;
  assert.equal(stdoutOf(cells[0] as Cell), "ran\n");
  const error = (cells[1] as Cell).outputs?.find((o) => o.output_type === "error");
  assert.equal(error?.ename, "NameError");
  assert.equal((cells[1] as Cell).execution_count, 2);
  // Not run, and no output of an earlier run left to be mistaken for this one's.
  assert.equal((cells[2] as Cell).execution_count, null);
  assert.deepEqual((cells[2] as Cell).outputs, []);
  assert.deepEqual(ran.leftInTmp, []);
  noTempFiles(base);

  const allowed = await vitrine([input, "-o", output, "--allow-errors"]);
  assert.equal(allowed.code, 0, "--allow-errors: an error does not stop the run");
  assert.match(allowed.stdout, /3 of 3 code cells ran, 1 failed/);
  assert.equal(stdoutOf(readNotebook(output).cells[2] as Cell), "must not run\n");
});

test("without --allow-network a kernel has no network; with it, only the egress proxy, which refuses loopback", async () => {
  let accepted = 0;
  const server = createServer((_request, response) => {
    accepted++;
    response.end("reached");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const probe = [
    "import json, os, socket, urllib.request, urllib.error",
    "found = {'proxy': os.environ.get('HTTP_PROXY')}",
    "try:",
    `    urllib.request.urlopen('http://127.0.0.1:${port}/', timeout=5).read(); found['http'] = 'reached'`,
    "except urllib.error.HTTPError as e:",
    "    found['http'] = [e.code, e.headers.get('X-Vitrine-Egress-Refusal')]",
    "except OSError as e:",
    "    found['http'] = type(e).__name__",
    "try:",
    `    socket.create_connection(('127.0.0.1', ${port}), timeout=2); found['direct'] = 'connected'`,
    "except OSError:",
    "    found['direct'] = 'refused'",
    "print(json.dumps(found))",
  ].join("\n");
  try {
    const input = writeNotebook("network.ipynb", [code("probe", probe)]);
    const output = join(base, "network-result.ipynb");
    const without = await vitrine([input, "-o", output]);
    assert.equal(without.code, 0, without.stderr);
    const offline = JSON.parse(stdoutOf(readNotebook(output).cells[0] as Cell));
    assert.deepEqual(offline, { proxy: null, http: "URLError", direct: "refused" });
    const withNetwork = await vitrine([input, "-o", output, "--allow-network"]);
    assert.equal(withNetwork.code, 0, withNetwork.stderr);
    const proxied = JSON.parse(stdoutOf(readNotebook(output).cells[0] as Cell));
    assert.match(proxied.proxy, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(proxied.http, [403, "private_address"]);
    assert.equal(proxied.direct, "refused");
    assert.equal(accepted, 0, "nothing reached the host's loopback listener");
  } finally {
    server.close();
  }
});

test("--timeout interrupts a cell that runs too long: exit 1, a timed-out error, later cells not run", async () => {
  const input = writeNotebook("loops.ipynb", [code("spin", "while True:\n    pass"), code("after", "print(1)")]);
  const ran = await vitrine([input, "--timeout", "1"]);
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /cell 1 \(id spin\): CellTimeoutError: the cell ran longer than 1 s and was interrupted\n$/);
  const cells = readNotebook(join(folder, "loops.out.ipynb")).cells;
  const names = ((cells[0] as Cell).outputs ?? []).map((o) => o.ename);
  assert.deepEqual(names, ["KeyboardInterrupt", "CellTimeoutError"]);
  assert.equal((cells[1] as Cell).execution_count, null);
});

test("Ctrl-C (SIGINT) stops the run: exit 130 and nothing written", async () => {
  const input = writeNotebook("forever.ipynb", [code("spin", "while True:\n    pass")]);
  let pid = 0;
  const running = vitrine([input], { onSpawn: (p) => (pid = p) });
  // Whether it arrives while the kernel starts or while the cell runs, the answer is the same.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.kill(pid, "SIGINT");
  const ran = await running;
  assert.equal(ran.code, 130);
  assert.deepEqual(
    readdirSync(folder).filter((name) => name.startsWith("forever.out")),
    [],
  );
  assert.deepEqual(ran.leftInTmp, []);
});

test("bad input is exit 2 with one located line", async () => {
  const broken = join(folder, "broken.ipynb");
  writeFileSync(broken, '{"nbformat": 4,\n');
  const ran = await vitrine([broken]);
  assert.equal(ran.code, 2);
  assert.equal(
    ran.stderr,
    `vitrine run: ${broken}:2:1: expected a string key after ',', found the end of the document [invalid_json]\n`,
  );
  assert.deepEqual(
    readdirSync(folder).filter((name) => name.startsWith("broken.out")),
    [],
  );

  const good = writeNotebook("good.ipynb", [code("a", "1")]);
  const unknown = await vitrine([good, "--kernel", "no-such-kernel"]);
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.stderr,
    /^vitrine run: no allowed kernelspec is named "no-such-kernel" \[kernelspec_unknown\]; installed kernels: .*python3/,
  );

  const badName = await vitrine([good, "-p", "1st", "x"]);
  assert.equal(badName.code, 2);
  assert.match(
    badName.stderr,
    /^vitrine run: .*good\.ipynb: -p 1st: parameter name "1st" is not a Python identifier.*\[parameter_name_invalid\]\n$/,
  );
  const keyword = await vitrine([good, "-p", "class", "x"]);
  assert.equal(keyword.code, 2);

  // A kernel whose language is not Python takes no -p: its kernel.json is valid, it is never started.
  const jupyter = join(base, "jupyter");
  mkdirSync(join(jupyter, "kernels", "other-lang"), { recursive: true });
  writeFileSync(
    join(jupyter, "kernels", "other-lang", "kernel.json"),
    JSON.stringify({ argv: ["/usr/bin/false", "{connection_file}"], display_name: "R", language: "R" }),
  );
  const otherLanguage = await vitrine([good, "--kernel", "other-lang", "-p", "a", "1"], {
    env: { JUPYTER_PATH: jupyter },
  });
  assert.equal(otherLanguage.code, 2);
  assert.match(otherLanguage.stderr, /kernel other-lang: .*language is R \[parameters_unsupported_language\]\n$/);

  const usage = await vitrine([good, "-p", "only-name"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^vitrine run: -p needs a NAME and a VALUE \[option_needs_value\]\n\nUsage: vitrine run/);
  const timeout = await vitrine([good, "--timeout", "soon"]);
  assert.equal(timeout.code, 2);
});

test("exit 3 with what the host needs when the sandbox cannot run", async () => {
  // The whole command inside an outer bwrap that forbids further user namespaces: the sandbox's own bwrap is
  // refused its namespaces exactly as on a host that does not allow them.
  const jail = mkdtempSync(join(base, "jail-"));
  chmodSync(jail, 0o755);
  const input = join(jail, "nb.ipynb");
  writeFileSync(input, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [code("a", "1")] }));
  const ran = await vitrine([input], {
    wrapper: [
      "/usr/bin/bwrap",
      ...["--unshare-user", "--disable-userns", "--uid", "1000", "--gid", "1000"],
      ...["--ro-bind", "/", "/", "--tmpfs", "/tmp", "--bind", base, base, "--proc", "/proc", "--dev", "/dev"],
      // The checkout may itself be under /tmp, which the tmpfs above hides.
      ...["--ro-bind", REPOSITORY, REPOSITORY],
      ...["--setenv", "NODE_COMPILE_CACHE", "/tmp/compile-cache", "--"],
    ],
    // The outer sandbox's uid cannot write the test's folders; its own /tmp is a tmpfs.
    env: { TMPDIR: "/tmp" },
  });
  assert.equal(ran.code, 3, ran.stderr);
  assert.match(
    ran.stderr,
    /^vitrine run: the kernel sandbox cannot run here: .*user\.max_user_namespaces.*\[sandbox_namespaces_refused\]\n$/,
  );
  assert.deepEqual(readdirSync(jail), ["nb.ipynb"]);
});
