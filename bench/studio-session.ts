// What the server benchmarks do as a studio's user, over real HTTP: an account made with the CLI, a sign-in, a
// workspace, an upload; and the notebooks and URL batches they send.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const VITRINE = fileURLToPath(new URL("../bin/vitrine", import.meta.url));

/** A signed-in user's cookie and CSRF token, and the headers a same-origin request of the studio's page carries. */
export interface Session {
  cookie: string;
  csrf: string;
  headers: { cookie: string; "x-csrf-token": string };
}

/** A notebook of at least `bytes` (4 MB by default): code cells with text outputs, as a long analysis has. */
export function bigNotebook(bytes = 4 * 1024 * 1024): string {
  const cells = [];
  let size = 0;
  for (let i = 0; cells.length === 0 || size < bytes; i++) {
    const cell = {
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      execution_count: i,
      source: `for row in table[${i}]:\n    print(row)\n`,
      outputs: [
        {
          output_type: "stream",
          name: "stdout",
          text: Array.from({ length: 40 }, (_, k) => `row ${i}.${k}: ${"value ".repeat(8)}\n`),
        },
      ],
    };
    cells.push(cell);
    size += JSON.stringify(cell).length + 1;
  }
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
}

/**
 * The URLs a long notebook sends in one check: 100 links and images over about 40 hosts, as the page batches them.
 * Mostly ordinary sites (prompt; allowed images get a signed proxy URL), with what hostile or careless notebooks
 * carry: private addresses, the studio's own API, `javascript:` and application schemes, raster `data:` images,
 * in-notebook anchors and relative paths.
 */
export function urlCheckBody(): string {
  const tinyPng =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const kinds = [
    (i: number) => ({ url: `https://docs.site${i % 25}.example/guide/page-${i}.html#section-${i}`, context: "link" }),
    (i: number) => ({ url: `https://cdn.images${i % 15}.example/plots/figure-${i}.png`, context: "image" }),
    (i: number) => ({
      url: `https://github.com/org${i % 7}/project/blob/main/notebooks/step${i}.ipynb`,
      context: "link",
    }),
    (i: number) => ({
      url: [
        `http://169.254.169.254/latest/meta-data/${i}`,
        `http://10.0.${i % 256}.1/admin`,
        `http://[::ffff:127.0.0.1]:8888/api/kernels`,
        `/api/session?logout=${i}`,
      ][i % 4]!,
      context: i % 2 ? "image" : "link",
    }),
    (i: number) => ({
      url: [`javascript:alert(${i})`, `vscode://file/home/user/${i}.py`, `mailto:team${i}@example.org`, tinyPng][
        i % 4
      ]!,
      context: i % 4 === 3 ? "image" : "link",
    }),
    (i: number) => ({ url: i % 2 ? `#heading-${i}` : `data/results-${i}.csv`, context: "link" }),
  ];
  const weights = [35, 25, 15, 10, 10, 5];
  const checks: { url: string; context: string }[] = [];
  weights.forEach((count, kind) => {
    for (let i = 0; i < count; i++) checks.push(kinds[kind]!(checks.length));
  });
  return JSON.stringify({ checks });
}

/** Adds an account with the CLI, before the server starts. */
export function addUser(dataDir: string, name: string, password: string): void {
  const add = spawnSync(VITRINE, ["user", "add", name, "--password-stdin", "--data-dir", dataDir], {
    input: `${password}\n`,
    encoding: "utf8",
  });
  if (add.status !== 0) throw new Error(add.stderr);
}

export async function signIn(appUrl: string, name: string, password: string): Promise<Session> {
  const answer = await fetch(`${appUrl}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: name, password }),
  });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${await answer.text()}`);
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const csrf = ((await answer.json()) as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, "x-csrf-token": csrf } };
}

/** Makes a workspace and returns its id. */
export async function createWorkspace(appUrl: string, session: Session, name: string): Promise<string> {
  const answer = await fetch(`${appUrl}/api/workspaces`, {
    method: "POST",
    headers: { ...session.headers, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (answer.status !== 201) throw new Error(`workspace not made: ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { id: string }).id;
}

/** Uploads files (path in the workspace, content) with the trust acknowledgment, as the upload dialog does. */
export async function upload(
  appUrl: string,
  session: Session,
  workspace: string,
  files: { path: string; content: string | Uint8Array<ArrayBuffer> }[],
): Promise<void> {
  const form = new FormData();
  form.append("acknowledgment", "trusted-source-v1");
  for (const file of files) form.append("file", new Blob([file.content]), file.path);
  const answer = await fetch(`${appUrl}/api/workspaces/${workspace}/files`, {
    method: "POST",
    headers: session.headers,
    body: form,
  });
  if (answer.status !== 201) throw new Error(`upload failed: ${answer.status} ${await answer.text()}`);
}
