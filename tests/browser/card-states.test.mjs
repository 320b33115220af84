// Every view and state of the dashboard, checked with axe-core in headless
// Chromium at desktop (1280 px) and phone (390 px) widths: no violation of
// serious or critical impact, and no sideways scrolling of the page. Each
// state's screenshot is written to test-artifacts/screens/<state>-<width>.png
// (git-ignored), to be looked at. `npm test` runs it (scripts/test.sh).
import { test, before, after } from "node:test";
import { rmSync } from "node:fs";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady } from "./helpers.mjs";
import { SEED, INTERACTIONS, nodeEngine, pickContact } from "./dashboard-helpers.mjs";
import { checkState, cardShows, openTab, openLink, openSettings, closeSettings, assertNone } from "./card-helpers.mjs";

let server;
let base;
const profiles = [];
const pageErrors = [];
const consoleErrors = [];
let contactId;
let accountId;

async function open(name, query = "") {
  const p = await openProfile(name, { pageErrors, consoleErrors });
  profiles.push(p);
  await p.page.goto(`${base}?seed=${SEED}&interactions=${INTERACTIONS}${query}`);
  await waitReady(p.page, 30_000);
  return p.page;
}

before(async () => {
  const team = nodeEngine({ identifiable: true, aggregated: true });
  contactId = pickContact(team);
  accountId = team.relationship({ contact: contactId }, { scope: "team" }).target.account;
  team.free();
  const started = await startServer(0);
  server = started.server;
  base = started.url;
});

after(async () => {
  for (const p of profiles) {
    await p.context.close();
    rmSync(p.profileDir, { recursive: true, force: true });
  }
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test("with the administrator's permission: every view and state passes axe at 1280 and 390 px", async () => {
  const page = await open("states-granted");
  const found = [];
  await openLink(page, `#contact=${encodeURIComponent(contactId)}`);
  await cardShows(page, `[data-view="relationship"][data-target-id="${contactId}"]`);
  found.push(...(await checkState(page, "relationship")));

  await page.click("#search");
  await page.keyboard.type(contactId.slice(0, 2));
  await page.locator("#search-list [role=option]").first().waitFor();
  found.push(...(await checkState(page, "search")));
  await page.fill("#search", "");
  await page.keyboard.press("Escape");
  await page.evaluate(() => document.activeElement?.blur());

  await openLink(page, `#account=${encodeURIComponent(accountId)}`);
  await cardShows(page, `[data-view="relationship"][data-target-id="${accountId}"]`);
  found.push(...(await checkState(page, "account")));

  await openLink(page, `#contact=${encodeURIComponent(contactId)}`);
  await cardShows(page, `[data-view="relationship"][data-target-id="${contactId}"]`);
  await page.click("#scope-own + label");
  await cardShows(page, '[data-view="relationship"][data-scope="own"]');
  found.push(...(await checkState(page, "relationship-mine")));
  await page.click("#scope-team + label");
  await cardShows(page, '[data-view="relationship"][data-scope="identifiable"]');

  for (const [tab, state, shows] of [
    ["Who knows them", "who-knows-them", '[data-view="who-knows-whom"]'],
    ["Introductions", "introductions", '[data-view="introduction-paths"]'],
    ["Accounts", "accounts", "table.accounts"],
    ["Organization", "organization", '[data-view="aggregates"] table.heatmap'],
  ]) {
    await openTab(page, tab);
    await cardShows(page, shows);
    found.push(...(await checkState(page, state)));
  }
  await page.selectOption('[data-control="group-by"]', "account");
  await cardShows(page, '[data-view="aggregates"][data-group-by="account"] [data-figure="heatmap"]');
  found.push(...(await checkState(page, "organization-accounts")));

  await openTab(page, "Your activity");
  await page.waitForSelector("#own:not([hidden]) [data-kpi]");
  found.push(...(await checkState(page, "your-activity")));

  await openTab(page, "Relationship");
  await cardShows(page, '[data-view="relationship"]');
  await page.click("#optout");
  await page.locator("#optout-confirm").waitFor();
  found.push(...(await checkState(page, "opt-out-confirm")));
  await page.click("#optout-cancel");

  await openSettings(page);
  found.push(...(await checkState(page, "settings")));
  await page.getByRole("button", { name: "Load your own data…" }).click();
  await page.locator("#load-form").waitFor();
  found.push(...(await checkState(page, "settings-load")));
  await closeSettings(page);

  await openLink(page, "#contact=nobody%40nowhere.example");
  await cardShows(page, '[data-error-code="UNKNOWN_TARGET"]');
  found.push(...(await checkState(page, "unknown-contact")));
  assertNone(found, "serious or critical accessibility violations");
});

test("without permission and once the privacy allowance is spent: locked views, refusals and notices pass axe too", async () => {
  const page = await open("states-none", "&grant=none&epsilonBudget=1");
  const found = [];
  await cardShows(page, '[data-view="relationship"][data-scope="own"]');
  found.push(...(await checkState(page, "locked-relationship-mine")));
  await openTab(page, "Who knows them");
  await cardShows(page, '[data-refusal="identifiable"]');
  found.push(...(await checkState(page, "locked-who-knows-them")));
  await openTab(page, "Organization");
  await cardShows(page, '[data-refusal="aggregated"]');
  found.push(...(await checkState(page, "locked-organization")));
  await openSettings(page);
  found.push(...(await checkState(page, "settings-no-permission")));
  await page.check("#consent-aggregated");
  await page.waitForFunction(() => /Granted/.test(document.getElementById("consent-note").textContent));
  await closeSettings(page);
  await openTab(page, "Organization");
  await cardShows(page, '[data-view="aggregates"] table.heatmap');
  await page.selectOption('[data-control="group-by"]', "account");
  await cardShows(page, '[data-notice="budget-exhausted"]');
  found.push(...(await checkState(page, "allowance-spent")));
  assertNone(found, "serious or critical accessibility violations");
});

test("no page errors", () => {
  assertNone([...pageErrors, ...consoleErrors], "page errors");
});
