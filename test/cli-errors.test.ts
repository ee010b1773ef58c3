// Every command given its worst inputs, as a person or a script would give them: each mistake is one line that
// names the option or the path, the reason and a stable code, with a documented exit code, and never a stack trace.
// Files that cannot be written are tried for real: a missing folder, a folder in the file's place, a file in a
// folder's place, and, in bubblewrap, a read-only directory seen by an ordinary user (root writes through mode
// 0555), a read-only file system and a full one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "vitrine");
const tour = join(root, "examples", "tour.ipynb");
const work = mkdtempSync(join(tmpdir(), "vitrine-cli-errors-"));
// Searchable by others: one case runs the command as an ordinary user.
chmodSync(work, 0o755);
const aFile = join(work, "file.txt");
writeFileSync(aFile, "not a folder\n");
const garbage = join(work, "garbage.ipynb");
writeFileSync(garbage, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28]));
const aFolder = join(work, "folder.ipynb");
mkdirSync(aFolder);

function run(args: string[], options: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(bin, args, {
    cwd: options.cwd ?? work,
    encoding: "utf8",
    timeout: 60_000,
    input: options.input ?? "",
    env: { ...process.env, PATH: "/usr/bin:/bin", VITRINE_DATA_DIR: join(work, "data") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command in bubblewrap with `setup` (bwrap options) around the whole file system. */
function runIn(setup: string[], script: string) {
  const r = spawnSync("bwrap", [...setup.slice(0, 0), "--dev-bind", "/", "/", ...setup, "sh", "-c", script], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PATH: "/usr/bin:/bin" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bwrapWorks = spawnSync("bwrap", ["--dev-bind", "/", "/", "true"]).status === 0;

function assertOneLine(stderr: string, line: string): void {
  assert.equal(stderr, `${line}\n`);
}

const STACK_LINE = /^ {4}at /m;
/** A line with its stable code ("... [code]", "... [code] at /cells/0", "... [code]; installed kernels: ..."). */
const CODED_LINE = /\[[a-z0-9_]+\]/;

test("option mistakes: one line each, quotes balanced, a code, the usage after; exit 2", () => {
  const cases: [string[], string][] = [
    [["render", "x.ipynb", "--bogus"], "vitrine render: unknown option --bogus [unknown_option]"],
    [["render", "x.ipynb", "-x"], "vitrine render: unknown option -x [unknown_option]"],
    [["render", "x.ipynb", "--bogus=1"], "vitrine render: unknown option --bogus [unknown_option]"],
    [["render", "x.ipynb", "--output"], "vitrine render: -o, --output needs a value [option_needs_value]"],
    [
      ["render", "x.ipynb", "-o", "--remote-images=allow"],
      'vitrine render: -o, --output needs a value, and "--remote-images=allow" looks like an option (to give a value that starts with "-", write --output=--remote-images=allow) [option_needs_value]',
    ],
    [
      ["render", "--help=yes"],
      'vitrine render: -h, --help takes no value, but was given "yes" [option_takes_no_value]',
    ],
    [["render"], "vitrine render: render needs a NOTEBOOK [missing_argument]"],
    [
      ["render", "a.ipynb", "-o", "x", "-d", "y"],
      "vitrine render: use -o or --output-dir, not both [conflicting_options]",
    ],
    [["scan", "--fail-on"], "vitrine scan: --fail-on needs a value [option_needs_value]"],
    [
      ["scan", "x", "--fail-on", "critical"],
      'vitrine scan: --fail-on must be high, medium, low or never, not "critical" [bad_option_value]',
    ],
    [["scan", "x", "--no-colour"], "vitrine scan: unknown option --no-colour [unknown_option]"],
    [["run", "--bogus"], "vitrine run: unknown option --bogus [unknown_option]"],
    [["run", "x.ipynb", "-p", "only-name"], "vitrine run: -p needs a NAME and a VALUE [option_needs_value]"],
    [["serve", "--bogus"], "vitrine serve: unknown option --bogus [unknown_option]"],
    [["serve", "--app-port", "eighty"], 'vitrine serve: --app-port: "eighty" is not a whole number [bad_setting]'],
    [["user", "add", "--bogus"], "vitrine user: unknown option --bogus [unknown_option]"],
    [["user", "remove", "x"], 'vitrine user: unknown action "remove" [unknown_action]'],
    [["audit", "--limit"], "vitrine audit: --limit needs a value [option_needs_value]"],
    [["audit", "--limit", "0"], 'vitrine audit: --limit: "0" is not a positive whole number [bad_option_value]'],
    [["check-url", "--bogus"], "vitrine check-url: unknown option --bogus [unknown_option]"],
    [["check-url", "-c"], "vitrine check-url: -c, --context needs a value [option_needs_value]"],
    [["blocklist", "--bogus"], "vitrine blocklist: unknown option --bogus [unknown_option]"],
    [["blocklist", "frob"], 'vitrine blocklist: unknown action "frob" [unknown_action]'],
  ];
  for (const [args, line] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    const [first, blank, usage] = r.stderr.split("\n");
    assert.equal(first, line, args.join(" "));
    assert.equal((first!.match(/"/g) ?? []).length % 2, 0, `balanced quotes: ${first}`);
    assert.ok(!first!.includes("'"), `no quote of the option parser's: ${first}`);
    assert.equal(blank, "");
    assert.match(usage!, /^Usage:/);
  }
});

test("render: an output it cannot write is one line with the path, the reason and a code; nothing is left", () => {
  const cases: [string, string][] = [
    [join(work, "no-such-folder", "tour.html"), "its folder does not exist [folder_missing]"],
    [aFolder, "it is a folder [is_a_folder]"],
    [join(aFile, "tour.html"), "a part of the path is a file, not a folder [not_a_folder]"],
  ];
  const before = readdirSync(work).sort();
  for (const [output, reason] of cases) {
    const r = run(["render", tour, "-o", output]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, `vitrine render: cannot write ${output}: ${reason}`);
  }
  assert.deepEqual(readdirSync(work).sort(), before, "no temporary file left beside the outputs");
  assert.deepEqual(readdirSync(aFolder), []);
  const dir = run(["render", tour, "--output-dir", join(aFile, "pages")]);
  assert.equal(dir.code, 2);
  assertOneLine(
    dir.stderr,
    `vitrine render: cannot create ${join(aFile, "pages")}: a part of the path is a file, not a folder [not_a_folder]`,
  );
});

test("render --output-dir creates the folder with its parents", () => {
  const dir = join(work, "new", "nested", "pages");
  const r = run(["render", tour, "--output-dir", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ["tour.html"]);
});

test(
  "render into a read-only folder (as an ordinary user), a read-only file system and a full one",
  { skip: bwrapWorks ? false : "bubblewrap cannot run here" },
  () => {
    const readOnly = join(work, "read-only");
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    // As root, mode 0555 does not stop a write (root has CAP_DAC_OVERRIDE); uid 1000 in a user namespace has no
    // such capability, and the folder is not its own.
    const denied = runIn(
      ["--unshare-user", "--uid", "1000", "--gid", "1000"],
      `"${bin}" render "${tour}" -o "${readOnly}/tour.html"; echo "exit $?"; ls -A "${readOnly}"`,
    );
    assert.equal(
      denied.stderr,
      `vitrine render: cannot write ${readOnly}/tour.html: permission denied [permission_denied]\n`,
    );
    assert.equal(denied.stdout, "exit 2\n", "exit 2 and nothing in the folder");

    const mounted = join(work, "mounted");
    mkdirSync(mounted);
    const readOnlyFs = runIn(
      ["--ro-bind", mounted, mounted],
      `"${bin}" render "${tour}" -o "${mounted}/tour.html"; echo "exit $?"`,
    );
    assert.equal(
      readOnlyFs.stderr,
      `vitrine render: cannot write ${mounted}/tour.html: the file system is read-only [read_only_filesystem]\n`,
    );
    assert.equal(readOnlyFs.stdout, "exit 2\n");

    // A 16 kB tmpfs: the page (over 100 kB) fills it part way through, and the part written is removed.
    const full = runIn(
      ["--size", "16384", "--tmpfs", mounted],
      `"${bin}" render "${tour}" -o "${mounted}/tour.html"; echo "exit $?"; ls -A "${mounted}"`,
    );
    assert.equal(
      full.stderr,
      `vitrine render: cannot write ${mounted}/tour.html: no space left on the device [disk_full]\n`,
    );
    assert.equal(full.stdout, "exit 2\n", "exit 2 and nothing half-written on the full file system");
  },
);

test("scan, run and blocklist report unreadable and unwritable paths the same way", () => {
  const scan = run(["scan", tour, "-o", join(aFile, "report.txt")]);
  assert.equal(scan.code, 2);
  assertOneLine(
    scan.stderr,
    `vitrine scan: cannot write ${join(aFile, "report.txt")}: a part of the path is a file, not a folder [not_a_folder]`,
  );
  const missing = run(["scan", "nope.ipynb", "--format", "json"]);
  assert.equal(missing.code, 2);
  assertOneLine(missing.stderr, "vitrine scan: cannot read nope.ipynb: no such file or folder [not_found]");
  const runMissing = run(["run", "nope.ipynb"]);
  assert.equal(runMissing.code, 2);
  assertOneLine(runMissing.stderr, "vitrine run: cannot read nope.ipynb: no such file or folder [not_found]");
  const runFolder = run(["run", aFolder]);
  assertOneLine(runFolder.stderr, `vitrine run: cannot read ${aFolder}: it is a folder [is_a_folder]`);
  const feed = run(["blocklist", "import", aFolder]);
  assert.equal(feed.code, 1);
  assertOneLine(feed.stderr, `vitrine blocklist: cannot read ${aFolder}: it is a folder [is_a_folder]`);
  const store = run(["blocklist", "add", "evil.example", "--data-dir", aFile]);
  assert.equal(store.code, 1);
  assertOneLine(
    store.stderr,
    `vitrine blocklist: cannot write ${join(aFile, "blocklists")}: a part of the path is a file, not a folder [not_a_folder]`,
  );
});

test("every command with its worst inputs: never a stack trace, always a code and a documented exit", async () => {
  const dbFolder = join(work, "db-is-a-folder");
  mkdirSync(join(dbFolder, "vitrine.db"), { recursive: true });
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = String((taken.address() as { port: number }).port);
  const serveOn = ["--app-host", "127.0.0.1", "--content-host", "127.0.0.1", "--log-level", "silent"];
  const anyPorts = ["--app-port", "0", "--content-port", "0"];
  // A signing key others may read is refused at start.
  const openKey = join(work, "signing.key");
  writeFileSync(openKey, "k".repeat(64), { mode: 0o644 });
  const cases: { args: string[]; input?: string }[] = [
    { args: ["render", "nope.ipynb"] },
    { args: ["render", aFolder] },
    { args: ["render", garbage] },
    { args: ["render", aFile, "-o", "-"] },
    { args: ["render", tour, "-o", join(aFile, "x.html")] },
    { args: ["render", tour, "-d", aFile] },
    { args: ["render", tour, "--max-seconds", "-1"] },
    { args: ["run", "nope.ipynb"] },
    { args: ["run", aFolder] },
    { args: ["run", garbage] },
    { args: ["run", tour, "--kernel", "no-such-kernel"] },
    { args: ["scan", "nope", aFolder, garbage] },
    { args: ["scan", tour, "-o", aFolder] },
    { args: ["scan", tour, "--data-dir", aFile] },
    { args: ["check-url", "--data-dir", aFile, "https://example.org/"] },
    { args: ["check-url", "--base", "not a url", "x"] },
    { args: ["check-url", "-"], input: "" },
    { args: ["blocklist", "import", "nope.txt"] },
    { args: ["blocklist", "import", garbage] },
    { args: ["blocklist", "import", aFile, "--data-dir", aFile] },
    { args: ["blocklist", "add", "not a pattern at all"] },
    { args: ["blocklist", "remove", "evil.example", "--data-dir", aFile] },
    { args: ["blocklist", "list", "--data-dir", aFile] },
    { args: ["user", "add", "ada", "--data-dir", aFile] },
    { args: ["user", "passwd", "ada", "--data-dir", dbFolder] },
    { args: ["user", "add", "ada", "--database-url", "postgres://u:p@127.0.0.1:1/db", "--data-dir", work] },
    { args: ["audit", "--data-dir", aFile] },
    { args: ["audit", "--data-dir", dbFolder] },
    { args: ["serve", "--data-dir", aFile, ...serveOn, ...anyPorts] },
    { args: ["serve", "--signing-key-file", openKey, "--data-dir", join(work, "d1"), ...serveOn, ...anyPorts] },
    { args: ["serve", "--data-dir", join(work, "d2"), ...serveOn, "--app-port", port, "--content-port", "0"] },
  ];
  const wrong: string[] = [];
  try {
    for (const { args, input } of cases) {
      const r = run(args, input === undefined ? {} : { input });
      const first = r.stderr.split("\n")[0]!;
      // A refusal is exit 1 or 2 with a first line of the command's; a run that skips what it cannot read (the
      // lines of a feed) is exit 0 with each skipped line's code.
      const coded = r.stderr
        .split("\n")
        .filter(Boolean)
        .every((line) => CODED_LINE.test(line) || line === "" || /^Usage:/.test(line));
      const refused = [1, 2].includes(r.code ?? -1) && /^vitrine [a-z-]+: /.test(first) && CODED_LINE.test(first);
      const skipped = r.code === 0 && coded;
      if (STACK_LINE.test(r.stderr) || /internal error/.test(r.stderr) || !(refused || skipped))
        wrong.push(`vitrine ${args.join(" ")} (exit ${r.code}):\n${r.stderr}`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    taken.close();
  }
});

test("nothing is left beside a page that failed part way", () => {
  assert.equal(existsSync(join(work, "no-such-folder")), false);
  assert.deepEqual(
    readdirSync(work).filter((name) => name.endsWith(".tmp")),
    [],
  );
});

test("a reader that closes standard output early stops the command quietly", async () => {
  const child = spawn(bin, ["render", tour, "-o", "-"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  // As `| head -c 0` does: the reader closes the pipe before the page (over 100 kB) is written.
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(stderr, "");
  assert.equal(code, 0);
});
