// The dashboard's views (tabs) against the administrator's permission, in
// headless Chromium: a lock on each tab the permission in force does not
// allow, the settings' table of what each view needs; every combination of
// the two scopes shows exactly the views it allows and refuses the others in
// plain words, naming the missing permission (dashboard.test.mjs checks the
// figures themselves; card-states.test.mjs takes the screenshots).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady, BEFORE_17, setScope, pickTarget, viewTab } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset } = require("../../pkg/node/rapport_demo.js");
const SEED = 7;
const INTERACTIONS = 5000;

/** The views: button name, what they show when allowed, the scope they need with Data: Team and Data: Own, the refusal's title. */
const VIEWS = [
  { key: "relationship", button: "Relationship", shown: '[data-view="relationship"]', team: "identifiable", own: null, title: "Relationship" },
  { key: "whoKnowsWhom", button: "Who knows whom", shown: '[data-view="who-knows-whom"]', team: "identifiable", own: "identifiable", title: "Who knows them" },
  { key: "introductionPaths", button: "Introduction paths", shown: '[data-view="introduction-paths"]', team: "identifiable", own: "identifiable", title: "Introductions" },
  { key: "accounts", button: "All accounts", shown: '[data-view="accounts"]', team: "identifiable", own: null, title: "Accounts" },
  { key: "aggregates", button: "Organization aggregates", shown: '[data-view="aggregates"][data-shown="table"]', team: "aggregated", own: "aggregated", title: "Organization" },
];

let server;
let context;
let page;
let profileDir;
let contactId;
const pageErrors = [];
const consoleErrors = [];

/** A contact with a scored relationship, colleagues who know them and introduction paths (as dashboard.test.mjs picks). */
function pickContact() {
  const demo = demoDataset({ seed: SEED, interactions: INTERACTIONS });
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent: { identifiable: true } });
  try {
    engine.loadPeople(demo.people);
    engine.loadInteractions(demo.interactions);
    const candidates = engine
      .relationshipSummaries({ level: "contact", scope: "team" })
      .filter((c) => c.health.state === "scored")
      .filter((c) => engine.introductionPaths({ contact: c.id }, { maxHops: 3 }).length >= 2 && engine.whoKnowsWhom({ contact: c.id }, { top: 10 }).colleagues.length >= 3)
      .sort((a, b) => b.interactionsUsed - a.interactionsUsed || a.id.localeCompare(b.id));
    assert.ok(candidates.length > 0);
    return candidates[0].id;
  } finally {
    engine.free();
  }
}

/** Has the administrator grant exactly these scopes; waits until the worker applied them. */
async function setConsent({ identifiable, aggregated }) {
  await setScope(page, "identifiable", identifiable);
  await setScope(page, "aggregated", aggregated);
}

/** Which tabs carry a lock. */
async function locks() {
  return page.$$eval('#tabs [role="tab"]', (tabs) => Object.fromEntries(tabs.map((t) => [t.dataset.query, t.dataset.locked === "true"])));
}

/** The settings' table: view → its "Now" state. */
async function needsTable() {
  return page.$$eval("#settings [data-needs-view]", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.needsView, r.querySelector("[data-needs-state]").dataset.needsState])));
}

/** Opens a view's tab; resolves to "shown" or the refused scope once the answer is drawn. */
async function openView(view) {
  await viewTab(page, view.button).click();
  await page.locator(`#team-result ${view.shown}, #team-result [data-refusal]`).first().waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
  if (await page.locator(`#team-result ${view.shown}`).count()) return "shown";
  const refusal = page.locator("#team-result [data-refusal]");
  const text = await refusal.textContent();
  assert.ok(text.startsWith(`${view.title} is locked`), `a refusal card about ${view.title}: ${text}`);
  assert.match(text, /permission from your administrator/);
  assert.ok(!/CONSENT_REQUIRED/.test(text.replace(/Details[\s\S]*/, "")), "no error code before the details");
  return refusal.getAttribute("data-refusal");
}

before(async () => {
  contactId = pickContact();
  const started = await startServer(0);
  server = started.server;
  ({ context, page, profileDir } = await openProfile("views", { pageErrors, consoleErrors }));
  await page.goto(`${started.url}?seed=${SEED}&interactions=${INTERACTIONS}${BEFORE_17}`);
  await waitReady(page, 20_000);
  await pickTarget(page, `contact:${contactId}`);
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test("each tab shows a lock when the permission in force does not allow it, and the settings say what each view needs", async () => {
  // Without the permission the card reads only the viewer's own interactions.
  assert.equal(await page.isChecked("#scope-own"), true);
  const locked = await locks();
  for (const v of VIEWS) assert.equal(locked[v.key], v.own !== null, `${v.key} is ${v.own !== null ? "" : "not "}locked`);
  assert.equal(locked.own, false, "your activity never needs permission");
  // The lock is said to screen readers too, in the tab's name.
  assert.equal(await page.getByRole("tab", { name: /Who knows them.*locked/ }).count(), 1);
  assert.deepEqual(await needsTable(), {
    own: "allowed",
    relationship: "own-only",
    whoKnowsWhom: "refused",
    introductionPaths: "refused",
    accounts: "own-only",
    aggregates: "refused",
  });
  const rows = await page.$$eval("#settings [data-needs-view]", (r) => r.map((n) => n.textContent.replace(/\s+/g, " ").trim()));
  assert.match(rows[1], /^Relationship identifiable/);
  assert.match(rows[5], /^Organization aggregates aggregated/);
});

test("each combination of the administrator's scopes changes what each view shows and what it refuses, naming the missing one", async () => {
  const combos = [
    { identifiable: true, aggregated: false },
    { identifiable: true, aggregated: true },
    { identifiable: false, aggregated: true },
    { identifiable: false, aggregated: false },
  ];
  for (const consent of combos) {
    await setConsent(consent);
    // The card follows the permission: Team with identifiable, else Mine.
    assert.equal(await page.isChecked(consent.identifiable ? "#scope-team" : "#scope-own"), true);
    const locked = await locks();
    const table = await needsTable();
    for (const v of VIEWS) {
      const granted = consent[v.team];
      const scope = consent.identifiable ? "team" : "own";
      const allowed = v[scope] === null || consent[v[scope]];
      assert.equal(locked[v.key], !allowed, `${v.key}'s lock under ${JSON.stringify(consent)}`);
      assert.equal(table[v.key], granted ? "allowed" : v.own === null ? "own-only" : "refused", `${v.key}'s row under ${JSON.stringify(consent)}`);
      const outcome = await openView(v);
      assert.equal(outcome, allowed ? "shown" : v[scope], `${v.button} under ${JSON.stringify(consent)}`);
      if (allowed && v.own === null) {
        assert.equal(await page.getAttribute(`#team-result ${v.shown}`, "data-scope"), scope === "own" ? "own" : "identifiable");
      }
    }
  }
});

test("no page errors", () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
});
