// The dashboard's views against its consent switches, in headless Chromium:
// each view button and the consent panel's table say which consent scope the
// view needs and whether it is granted; every combination of the two
// switches shows exactly the views it allows and refuses the others, naming
// the missing scope (dashboard.test.mjs checks the figures themselves); and
// screenshots of each view for test-artifacts/ (those dashboard.test.mjs does
// not already take: own insights, who knows whom, introduction paths at
// desktop width, the accounts table, the consent panel at 390 px).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset } = require("../../pkg/node/rapport_demo.js");
const repo = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = join(repo, "test-artifacts");
const SEED = 7;
const INTERACTIONS = 5000;

/** The views: button name, what they show when allowed, the scope they need with Data: Team and Data: Own, the refusal's title. */
const VIEWS = [
  { key: "relationship", button: "Relationship", shown: '[data-view="relationship"]', team: "identifiable", own: null, title: "Relationship" },
  { key: "whoKnowsWhom", button: "Who knows whom", shown: '[data-view="who-knows-whom"]', team: "identifiable", own: "identifiable", title: "Who knows whom" },
  { key: "introductionPaths", button: "Introduction paths", shown: '[data-view="introduction-paths"]', team: "identifiable", own: "identifiable", title: "Introduction paths" },
  { key: "accounts", button: "All accounts", shown: '[data-view="accounts"]', team: "identifiable", own: null, title: "Accounts list" },
  { key: "aggregates", button: "Organization aggregates", shown: '[data-view="aggregates"][data-shown="table"]', team: "aggregated", own: "aggregated", title: "Organization aggregates" },
];
const LABELS = { identifiable: "Identifiable team data", aggregated: "Anonymized aggregates" };

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

/** Sets the two consent switches; waits until the worker applied them. */
async function setConsent({ identifiable, aggregated }) {
  for (const [scope, on] of [["identifiable", identifiable], ["aggregated", aggregated]]) {
    const box = page.getByLabel(LABELS[scope]);
    if ((await box.isChecked()) === on) continue;
    await box.setChecked(on);
    await page.locator("#consent-note", { hasText: /^(Granted|Both scopes withdrawn)/ }).waitFor();
  }
}

/** The needs tag of each view button, read through the button's accessible description. */
async function needsTags() {
  return page.$$eval("#team button[data-query]", (buttons) =>
    Object.fromEntries(
      buttons.map((b) => {
        const tag = document.getElementById(b.getAttribute("aria-describedby"));
        return [b.dataset.query, { text: tag.textContent, needs: tag.dataset.needs, granted: tag.dataset.granted }];
      }),
    ),
  );
}

/** The consent panel's table: view → its "Now" state. */
async function needsTable() {
  return page.$$eval("#consent [data-needs-view]", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.needsView, r.querySelector("[data-needs-state]").dataset.needsState])));
}

/** Clicks a view's button; resolves to "shown" or the refused scope once the answer is drawn. */
async function openView(view) {
  await page.getByRole("button", { name: view.button, exact: true }).click();
  await page.locator(`#team-result ${view.shown}, #team-result [data-refusal]`).first().waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
  if (await page.locator(`#team-result ${view.shown}`).count()) return "shown";
  const refusal = page.locator("#team-result [data-refusal]");
  assert.ok((await refusal.textContent()).startsWith(`Consent needed`), "a refusal card");
  assert.ok((await refusal.textContent()).includes(view.title), `the refusal is about ${view.title}`);
  return refusal.getAttribute("data-refusal");
}

async function noOverflow() {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

before(async () => {
  contactId = pickContact();
  const started = await startServer(0);
  server = started.server;
  ({ context, page, profileDir } = await openProfile("views", { pageErrors, consoleErrors }));
  await page.goto(`${started.url}?seed=${SEED}&interactions=${INTERACTIONS}`);
  await waitReady(page, 20_000);
  await page.selectOption("#target", `contact:${contactId}`);
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test("each view button and the consent panel say which consent scope the view needs, and whether it is granted", async () => {
  assert.equal(await page.isChecked("#scope-team"), true);
  const tags = await needsTags();
  for (const v of VIEWS) {
    // The tag is the button's description, not part of its name.
    assert.equal(await page.getByRole("button", { name: v.button, exact: true }).count(), 1, `the button is still named "${v.button}"`);
    assert.equal(tags[v.key].needs, v.team);
    assert.equal(tags[v.key].granted, "false");
    assert.equal(tags[v.key].text, `needs: ${v.team} · not granted`);
  }
  assert.deepEqual(await needsTable(), {
    own: "allowed",
    relationship: "own-only",
    whoKnowsWhom: "refused",
    introductionPaths: "refused",
    accounts: "own-only",
    aggregates: "refused",
  });
  const rows = await page.$$eval("#consent [data-needs-view]", (r) => r.map((n) => n.textContent.replace(/\s+/g, " ").trim()));
  assert.match(rows[1], /^Relationship identifiable .*Data: Team; nothing with Data: Own/);
  assert.match(rows[5], /^Organization aggregates aggregated/);

  // Data: Own needs no consent for the relationship and the accounts list.
  await page.locator('label[for="scope-own"]').click();
  const own = await needsTags();
  for (const v of VIEWS) {
    assert.equal(own[v.key].needs, v.own ?? "none", `${v.key} with Data: Own`);
    assert.equal(own[v.key].text, v.own ? `needs: ${v.own} · not granted` : "needs no consent");
  }
  await page.locator('label[for="scope-team"]').click();
});

test("each consent switch changes what each view shows and what it refuses, naming the missing scope", async () => {
  const combos = [
    { identifiable: true, aggregated: false },
    { identifiable: true, aggregated: true },
    { identifiable: false, aggregated: true },
    { identifiable: false, aggregated: false },
  ];
  for (const consent of combos) {
    await setConsent(consent);
    const tags = await needsTags();
    const table = await needsTable();
    for (const v of VIEWS) {
      const granted = consent[v.team];
      assert.equal(tags[v.key].granted, String(granted), `${v.key}'s tag under ${JSON.stringify(consent)}`);
      assert.equal(tags[v.key].text, `needs: ${v.team} · ${granted ? "granted" : "not granted"}`);
      assert.equal(table[v.key], granted ? "allowed" : v.own === null ? "own-only" : "refused", `${v.key}'s row under ${JSON.stringify(consent)}`);
      const outcome = await openView(v);
      assert.equal(outcome, granted ? "shown" : v.team, `${v.button} under ${JSON.stringify(consent)}`);
    }
    // What Data: Own allows does not depend on consent.
    await page.locator('label[for="scope-own"]').click();
    for (const v of VIEWS.filter((x) => x.own === null)) {
      assert.equal(await openView(v), "shown", `${v.button} with Data: Own under ${JSON.stringify(consent)}`);
      assert.equal(await page.getAttribute(`#team-result ${v.shown}`, "data-scope"), "own");
    }
    await page.locator('label[for="scope-team"]').click();
  }
});

test("screenshots of each view: own insights, who knows whom, introduction paths, the accounts table, the consent panel at 390 px", async () => {
  mkdirSync(artifacts, { recursive: true });
  await setConsent({ identifiable: true, aggregated: true });
  await page.locator("#own").screenshot({ path: join(artifacts, "own-insights.png") });
  await page.selectOption("#target", `contact:${contactId}`);
  for (const [key, file] of [
    ["whoKnowsWhom", "who-knows-whom.png"],
    ["introductionPaths", "introduction-paths.png"],
    ["accounts", "accounts.png"],
  ]) {
    const view = VIEWS.find((v) => v.key === key);
    assert.equal(await openView(view), "shown");
    await page.locator("#team").screenshot({ path: join(artifacts, file) });
  }
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(150);
    assert.equal(await noOverflow(), 0, "the consent panel, its table and the view buttons fit 390 px");
    await page.locator("#consent").screenshot({ path: join(artifacts, "consent-390.png") });
    await page.locator("#team .team-controls").screenshot({ path: join(artifacts, "view-buttons-390.png") });
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("no page errors", () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
});
