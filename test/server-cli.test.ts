// `vitrine serve`, `vitrine user` and `vitrine audit` as a person or a script runs them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { multipart } from "./server-helpers.ts";
import { spawnServe, VITRINE_BIN as bin } from "./serve-process.ts";

const serve = (dataDir: string) => spawnServe(dataDir);
const run = (args: string[], input?: string) =>
  spawnSync(bin, args, { encoding: "utf8", ...(input !== undefined ? { input } : {}) });

test("user add reads the password from stdin; without it a one-time password is printed once", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-cli-user-"));
  try {
    const scripted = run(
      ["user", "add", "script", "--admin", "--password-stdin", "--data-dir", dataDir],
      "a password from a script\n",
    );
    assert.equal(scripted.status, 0, scripted.stderr);
    assert.equal(scripted.stdout, "created administrator script\n");
    const generated = run(["user", "add", "person", "--data-dir", dataDir]);
    assert.match(generated.stdout, /one-time password \(shown only now; change it at first sign-in\): \S{20}\n$/);
    const duplicate = run(["user", "add", "person", "--data-dir", dataDir]);
    assert.equal(duplicate.status, 1);
    assert.match(duplicate.stderr, /already exists \[user_exists\]/);
    const weak = run(["user", "add", "weak", "--password-stdin", "--data-dir", dataDir], "short\n");
    assert.match(weak.stderr, /\[weak_password\]/);
    const badName = run(["user", "add", "Bad Name", "--data-dir", dataDir]);
    assert.match(badName.stderr, /\[invalid_user_name\]/);
    const passwd = run(
      ["user", "passwd", "person", "--password-stdin", "--data-dir", dataDir],
      "another good password\n",
    );
    assert.equal(passwd.status, 0, passwd.stderr);
    assert.match(run(["user", "passwd", "ghost", "--data-dir", dataDir]).stderr, /no user is named "ghost"/);
    assert.equal(run(["user", "remove", "x", "--data-dir", dataDir]).status, 2);
    const audit = run(["audit", "--data-dir", dataDir, "--json"]);
    const events = audit.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e: { event: string }) => e.event),
      ["password_changed", "user_created", "user_created"],
    );
    assert.equal(statSync(join(dataDir, "vitrine.db")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, "secrets", "signing.key")).mode & 0o777, 0o600);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test(
  "user invite, reset, disable, enable, grant-admin, revoke-admin and list work beside a running server, as the Users page does",
  { timeout: 60_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vitrine-cli-accounts-"));
    const server = serve(dataDir);
    try {
      const url = await server.ready;
      const cli = (...args: string[]) =>
        run(["user", ...args, "--data-dir", dataDir, "--app-url", "http://studio.test:8080"]);
      const useLink = async (link: string, password: string) => {
        const token = /^http:\/\/studio\.test:8080\/welcome#token=(\S+)$/.exec(link)?.[1];
        assert.ok(token, link);
        return fetch(`${url}/api/invitation`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token, password }),
        });
      };
      const signIn = (password: string) =>
        fetch(`${url}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "ana", password }),
        });

      const invited = cli("invite", "ana");
      assert.equal(invited.status, 0, invited.stderr);
      const [said, shown, link] = invited.stdout.trimEnd().split("\n");
      assert.equal(said, "created user ana, without a password until the link is used");
      assert.match(shown!, /^one-time link \(shown only now; valid until \d{4}-\d\d-\d\dT[\d:.]+Z\):$/);
      assert.match(cli("list").stdout, /^ana\tuser\tlink not used yet\tnever signed in$/m);
      assert.equal((await useLink(link!, "ana's first password")).status, 200);
      assert.equal((await useLink(link!, "a password for a second use")).status, 404, "a link works once");
      assert.equal((await signIn("ana's first password")).status, 200);

      const reset = cli("reset", "ana").stdout.trimEnd().split("\n").at(-1)!;
      assert.equal((await useLink(reset, "ana's second password")).status, 200);
      assert.equal((await signIn("ana's first password")).status, 401);

      assert.equal(cli("disable", "ana").stdout, "ana disabled; its sessions and unused links have ended\n");
      assert.equal((await signIn("ana's second password")).status, 403);
      assert.match(cli("list").stdout, /^ana\tuser\tdisabled\tlast signed in /m);
      assert.equal(cli("enable", "ana").status, 0);
      assert.equal((await signIn("ana's second password")).status, 200);

      // The studio always keeps an enabled administrator: the server's first one cannot be demoted alone.
      const last = cli("revoke-admin", "admin");
      assert.equal(last.status, 1);
      assert.match(last.stderr, /^vitrine user: this is the last enabled administrator.*\[last_administrator\]\n$/);
      assert.equal(cli("grant-admin", "ana").stdout, "ana is now an administrator\n");
      assert.equal(cli("revoke-admin", "admin").status, 0);
      const accounts = cli("list", "--json")
        .stdout.trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { name: string; admin: boolean; disabled: boolean; pending: boolean });
      assert.deepEqual(
        accounts.map(({ name, admin, disabled, pending }) => ({ name, admin, disabled, pending })),
        [
          { name: "admin", admin: false, disabled: false, pending: false },
          { name: "ana", admin: true, disabled: false, pending: false },
        ],
      );

      for (const [args, code] of [
        [["disable", "ghost"], 1],
        [["list", "ana"], 2],
        [["reset", "ana", "--admin"], 2],
        [["enable", "ana", "--password-stdin"], 2],
        [["invite", "ana", "--json"], 2],
        [["reset"], 2],
      ] as const) {
        const refused = cli(...args);
        assert.equal(refused.status, code, `${args.join(" ")}: ${refused.stderr}`);
        assert.doesNotMatch(refused.stderr, /\n\s+at /, "no stack trace");
      }
      const events = run(["audit", "--data-dir", dataDir, "--json"])
        .stdout.trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { event: string; clientAddress: string | null });
      // The audit page's filters and CSV export, from the shell.
      const audit = (...args: string[]) => run(["audit", "--data-dir", dataDir, ...args]);
      const disabled = audit("--user", "ana", "--event", "user_disabled", "--json").stdout.trim().split("\n");
      assert.equal(disabled.length, 1);
      assert.equal(JSON.parse(disabled[0]!).event, "user_disabled");
      const csv = audit("--user", "ana", "--csv", "--since", "2000-01-01").stdout;
      assert.match(csv, /^id,at,event,actor,clientAddress,workspace,details\r\n/);
      assert.match(csv, /,admin_granted,/);
      assert.doesNotMatch(csv, /workspace_created|login_failed.*"admin"/);
      assert.equal(audit("--since", "2999-01-01", "--json").stdout, "");
      assert.equal(audit("--since", "next week").status, 2);
      assert.equal(audit("--json", "--csv").status, 2);
      for (const event of ["invitation_issued", "user_disabled", "user_enabled", "admin_granted", "admin_revoked"])
        assert.ok(
          events.some((e) => e.event === event && e.clientAddress === "shell"),
          `${event} recorded as done from the shell`,
        );
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

test(
  "serve prints the first administrator's password once, and on SIGTERM finishes the request in flight",
  { timeout: 60_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vitrine-cli-serve-"));
    try {
      const first = serve(dataDir);
      const url = await first.ready;
      const password = /one-time password: (\S+)/.exec(first.output())?.[1];
      assert.ok(password);
      const signIn = await fetch(`${url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password }),
      });
      assert.equal(signIn.status, 200);
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const csrf = ((await signIn.json()) as { csrfToken: string }).csrfToken;
      const changed = await fetch(`${url}/api/account/password`, {
        method: "PUT",
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
        body: JSON.stringify({ currentPassword: password, newPassword: "the admin's real password" }),
      });
      const cookie2 = (changed.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const csrf2 = ((await changed.json()) as { csrfToken: string }).csrfToken;
      const ws = (
        (await (
          await fetch(`${url}/api/workspaces`, {
            method: "POST",
            headers: { cookie: cookie2, "x-csrf-token": csrf2, "content-type": "application/json" },
            body: JSON.stringify({ name: "w" }),
          })
        ).json()) as { id: string }
      ).id;

      // An upload whose body arrives slowly; SIGTERM lands in the middle of it.
      const body = multipart("trusted-source-v1", [{ path: "slow.txt", content: "x".repeat(100_000) }]);
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${url}/api/workspaces/${ws}/files`,
          {
            method: "POST",
            headers: {
              cookie: cookie2,
              "x-csrf-token": csrf2,
              ...body.headers,
              "content-length": String(body.payload.length),
            },
          },
          (res) => {
            let text = "";
            res.on("data", (c) => (text += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on("error", reject);
        req.write(body.payload.subarray(0, 1000));
        setTimeout(() => {
          first.child.kill("SIGTERM");
          setTimeout(() => req.end(body.payload.subarray(1000)), 300);
        }, 300);
      });
      const result = await answer;
      assert.equal(result.status, 201, result.body);
      assert.equal(await first.exited, 0);
      assert.match(first.output(), /SIGTERM: finishing requests in flight/);

      const second = serve(dataDir);
      const url2 = await second.ready;
      assert.doesNotMatch(second.output(), /one-time password/, "the password is printed on the first start only");
      const list = await fetch(`${url2}/api/workspaces/${ws}/files`, { headers: { cookie: cookie2 } });
      assert.equal(((await list.json()) as { files: { path: string }[] }).files[0]?.path, "slow.txt");
      second.child.kill("SIGINT");
      assert.equal(await second.exited, 0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

test("serve refuses bad settings with the flag's name", () => {
  const r = run(["serve", "--app-port", "eighty"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--app-port: "eighty" is not a whole number/);
  const same = run(["serve", "--app-url", "http://localhost:8080", "--content-url", "http://localhost:8081"]);
  assert.match(same.stderr, /different host names/);
  assert.match(run(["serve", "--help"]).stdout, /VITRINE_DATA_DIR/);
});
