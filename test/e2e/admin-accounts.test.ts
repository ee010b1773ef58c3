// Accounts and the audit log as an administrator uses them, in Debian's Chromium against a real studio: root creates
// carol's account and copies her one-time link; carol opens it in a browser of her own, chooses a password and is
// signed in; root disables her and her open page loses its session; from a workspace's members form root creates an
// account for a name that has none; the audit page filters and exports. Screenshots at 1200 and 390 px, light and
// dark; every page of root's is watched for console errors and CSP or Trusted Types violations.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, signInThroughPage, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace } from "./studio-session.ts";
import { assertPageClean, type ConsoleWatch, instrumentPage, readPolicies, watchConsole } from "./studio-page-watch.ts";

const PASSWORD = "administrator test password";
const CAROL_PASSWORD = "carol chose this password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;

let studio: BrowserStudio;
let rootBrowser: Browser;
let carolBrowser: Browser;
let root: Page;
let rootWatch: ConsoleWatch;
let carol: Page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "root", password: PASSWORD, admin: true }]);
  const policies = await readPolicies(studio.app, studio.content);
  [rootBrowser, carolBrowser] = await Promise.all([launchBrowser(), launchBrowser()]);
  root = await rootBrowser.context.newPage();
  await instrumentPage(root);
  await signInThroughPage(root, studio.app, "root", PASSWORD);
  rootWatch = watchConsole(root, policies, studio.content);
});

after(async () => {
  await rootBrowser?.close();
  await carolBrowser?.close();
  await studio?.close();
});

/** Screenshots of the page as it is, at a desktop's and a phone's width, light and dark; the page must not scroll sideways. */
async function shots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1200, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
      await page.screenshot({ path: `${SHOTS}${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

const row = (page: Page, name: string) => page.locator(`tr[data-user="${name}"]`);

test("root creates carol's account; carol opens her link in her own browser, sets a password and is signed in", async () => {
  await root.getByRole("link", { name: "Users" }).click();
  await root.getByRole("heading", { name: "Users" }).waitFor();
  await root.getByLabel("New user").fill("carol");
  await root.getByRole("button", { name: "Create and get a link" }).click();
  const linkField = root.getByLabel("One-time link");
  await linkField.waitFor();
  const link = await linkField.inputValue();
  assert.match(link, new RegExp(`^${studio.app}/welcome#token=[A-Za-z0-9_-]{43}$`));
  await row(root, "carol").getByText("invited").waitFor();
  await shots(root, "admin-users");

  carol = await carolBrowser.context.newPage();
  await carol.goto(link);
  await carol.getByRole("heading", { name: "Welcome to Vitrine" }).waitFor();
  assert.equal(new URL(carol.url()).hash, "", "the token leaves the address bar at once");
  await shots(carol, "admin-welcome");
  await carol.getByLabel("New password").fill(CAROL_PASSWORD);
  await carol.getByLabel("The same again").fill(CAROL_PASSWORD);
  await carol.getByRole("button", { name: "Set password and sign in" }).click();
  await carol.getByRole("heading", { name: "Workspaces" }).waitFor();
  assert.equal(await carol.locator(".vt-user").innerText(), "carol");
  assert.equal(await carol.getByRole("link", { name: "Users" }).count(), 0, "carol is no administrator");

  // The same link a second time, in a fresh page of root's browser: spent.
  const again = await rootBrowser.context.newPage();
  await again.goto(link);
  await again.getByLabel("New password").fill("someone else's password");
  await again.getByLabel("The same again").fill("someone else's password");
  await again.getByRole("button", { name: "Set password and sign in" }).click();
  await again.getByRole("alert").getByText("already used").waitFor();
  await again.close();

  await root.reload();
  await row(root, "carol").getByText("active").waitFor();
  await assertPageClean(root, rootWatch);
});

test("root disables carol: her open page loses its session, and she cannot sign in again", async () => {
  await row(root, "carol").getByRole("button", { name: "Disable" }).click();
  await row(root, "carol").getByText("disabled").waitFor();
  await carol.reload();
  await carol.getByRole("button", { name: "Sign in" }).waitFor();
  await carol.getByLabel("User name").fill("carol");
  await carol.getByLabel("Password").fill(CAROL_PASSWORD);
  await carol.getByRole("button", { name: "Sign in" }).click();
  await carol.getByRole("alert").getByText("disabled").waitFor();

  // The studio's first administrator, "admin", loses the role; root is then the last, and removing that is refused.
  await row(root, "admin").getByRole("button", { name: "Remove administrator" }).click();
  await row(root, "admin").getByRole("button", { name: "Make administrator" }).waitFor();
  await row(root, "root").getByRole("button", { name: "Remove administrator" }).click();
  await root.getByRole("alert").getByText("last enabled administrator").waitFor();
  // The refusal's 409 is logged by the browser; it is the one asked for.
  rootWatch.errors.splice(
    rootWatch.errors.findIndex((e) => e.includes("status of 409")),
    1,
  );
  await assertPageClean(root, rootWatch);
});

test("from a workspace's members form, root creates an account for a name that has none", async () => {
  const ws = await createWorkspace(root, "Team");
  await root.goto(`${studio.app}/w/${ws}`);
  await root.getByRole("heading", { name: "Team" }).waitFor();
  await root.getByText(/^Members/).click();
  await root.getByLabel("User name").fill("dave");
  await root.getByRole("button", { name: "Invite" }).click();
  await root.getByRole("button", { name: "Create the account and add them as viewer" }).click();
  const link = await root.getByLabel("One-time link").inputValue();
  assert.match(link, /\/welcome#token=/);
  await root.locator(".vt-members li", { hasText: "dave" }).waitFor();
  rootWatch.errors.splice(
    rootWatch.errors.findIndex((e) => e.includes("status of 404")),
    1,
  );
  await shots(root, "admin-members-new-account");
  await assertPageClean(root, rootWatch);
});

test("the audit page filters by event and user and exports what it shows as CSV and JSON lines", async () => {
  await root.goto(`${studio.app}/admin/audit`);
  await root.getByRole("heading", { name: "Audit log" }).waitFor();
  await root.locator("tr[data-event]").first().waitFor();
  await root.getByLabel("Event").fill("user_disabled");
  await root.getByRole("button", { name: "Filter" }).click();
  await root.locator('tr[data-event="user_disabled"]').first().waitFor();
  assert.deepEqual(
    [
      ...new Set(
        await root.locator("tr[data-event]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-event"))),
      ),
    ],
    ["user_disabled"],
  );
  await root.getByLabel("Event").fill("");
  await root.getByLabel("User").fill("carol");
  await root.getByRole("button", { name: "Filter" }).click();
  await root.locator('tr[data-event="invitation_accepted"]').waitFor();
  await shots(root, "admin-audit");

  // The filter is the page's address: a reload keeps it, and back returns to the previous filter.
  assert.equal(new URL(root.url()).search, "?user=carol");
  await root.reload();
  await root.locator('tr[data-event="invitation_accepted"]').waitFor();
  assert.equal(await root.getByLabel("User").inputValue(), "carol");
  await root.goBack();
  await root.locator('tr[data-event="user_disabled"]').first().waitFor();
  assert.equal(await root.getByLabel("Event").inputValue(), "user_disabled");
  assert.equal(await root.getByLabel("User").inputValue(), "");
  await root.goForward();
  await root.locator('tr[data-event="invitation_accepted"]').waitFor();

  for (const [name, check] of [
    ["CSV", (text: string) => assert.match(text, /^id,at,event,actor,clientAddress,workspace,details\r\n/)],
    [
      "JSON lines",
      (text: string) =>
        assert.ok(
          text
            .trim()
            .split("\n")
            .every((l) => JSON.parse(l).id > 0),
        ),
    ],
  ] as const) {
    const [download] = await Promise.all([root.waitForEvent("download"), root.getByRole("link", { name }).click()]);
    const text = readFileSync((await download.path())!, "utf8");
    check(text);
    assert.match(text, /invitation_accepted/);
    assert.doesNotMatch(text, /workspace_created/, "the export holds only the filtered events");
  }
  await assertPageClean(root, rootWatch);
});
