// Drives the dashboard (www/) in headless Chromium on one page: the figures
// it renders must equal what the Node binding computes on the same demo data
// (own insights; a contact's and an account's relationship, who knows whom
// and introduction paths), team views must refuse without consent and pass
// the consent gate with it, own scope must work without it, withdrawing and
// granting consent again must bring the figures back, and the page must make
// no request beyond the local server and throw no error. The organization
// aggregates have their own file, aggregates.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady, BEFORE_17, setScope, pickTarget, searchOffers, viewTab } from "./helpers.mjs";
import {
  SEED,
  INTERACTIONS,
  WHO_KNOWS_WHOM_TOP,
  MAX_HOPS,
  nodeEngine,
  pickContact,
  sleep,
  teamShows as teamShowsIn,
  shownRelationship as shownRelationshipIn,
  shownWhoKnowsWhom as shownWhoKnowsWhomIn,
  assertRelationship,
} from "./dashboard-helpers.mjs";
import { shownAggregates, assertHeatmap } from "./aggregates-helpers.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));

let server;
let context;
let page;
let profileDir;
let expected;
/** Node engines on the same data: without consent, and with identifiable consent. */
let ownEngine;
let teamEngine;
/** The contact the team tests open: scored, with several colleagues and introduction paths. */
let contactId;
const pageErrors = [];
const consoleErrors = [];
const requests = [];

const teamShows = (selector) => teamShowsIn(page, selector);
const shownRelationship = () => shownRelationshipIn(page);
const shownWhoKnowsWhom = () => shownWhoKnowsWhomIn(page);

before(async () => {
  ownEngine = nodeEngine();
  teamEngine = nodeEngine({ identifiable: true });
  expected = ownEngine.ownInsights();
  contactId = pickContact(teamEngine);
  const started = await startServer(0);
  server = started.server;
  // Requests from the page and from its worker both reach the context.
  ({ context, page, profileDir } = await openProfile("dashboard", { pageErrors, consoleErrors, requests }));
  await page.goto(`${started.url}?seed=${SEED}&interactions=${INTERACTIONS}${BEFORE_17}`);
  await waitReady(page, 20_000);
});

after(async () => {
  ownEngine?.free();
  teamEngine?.free();
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test("the demo data is not empty, so the comparisons below compare something", () => {
  assert.ok(expected.interactionsUsed > 0, "the viewer has interactions in the window");
  assert.ok(expected.kpis.emailsSent > 0 && expected.kpis.meetings > 0);
});

test("own insights on the page equal the Node binding's figures", async () => {
  const shown = await page.$$eval("#own [data-kpi]", (nodes) =>
    nodes.map((n) => ({ field: n.dataset.kpi, value: n.dataset.value, text: n.textContent.trim() })),
  );
  const fields = shown.map((s) => s.field).sort();
  assert.deepEqual(fields, Object.keys(expected.kpis).sort(), "every KPI is rendered exactly once");
  for (const { field, value, text } of shown) {
    assert.deepEqual(JSON.parse(value), expected.kpis[field], `data-value of ${field}`);
    assert.ok(text.length > 0, `${field} has a display text`);
  }
  // Spot-check the display texts: a count and a rate as a person reads them.
  const sent = shown.find((s) => s.field === "emailsSent");
  assert.equal(sent.text.replace(/\D/g, ""), String(expected.kpis.emailsSent));
  const rate = shown.find((s) => s.field === "responseRate");
  if (expected.kpis.responseRate !== null) assert.match(rate.text, /%/);

  const windowEnd = await page.getAttribute('#own [data-field="window-end"]', "data-value");
  assert.equal(JSON.parse(windowEnd), expected.window.end);
  const last = await page.getAttribute('#own [data-field="last-interaction"]', "data-value");
  assert.equal(JSON.parse(last), expected.lastInteractionAt);

  const weeks = await page.$$eval("#chart svg [data-week]", (groups) =>
    groups.map((g) => ({
      week: g.dataset.week,
      bars: [...g.querySelectorAll("rect[data-series]")].map((r) => [r.dataset.series, Number(r.dataset.value)]),
    })),
  );
  assert.equal(weeks.length, expected.weekly.length, "one bar group per week");
  weeks.forEach((w, i) => {
    const e = expected.weekly[i];
    assert.equal(w.week, e.week);
    assert.deepEqual(w.bars, [
      ["emailsSent", e.emailsSent],
      ["emailsReceived", e.emailsReceived],
      ["meetings", e.meetings],
    ]);
  });

  const topIds = await page.$$eval("#top-contacted [data-person]", (li) => li.map((n) => n.dataset.person));
  assert.deepEqual(topIds, expected.topContacted.map((p) => p.id));
});

test("without consent, team views show a refusal naming the missing scope", async () => {
  assert.equal(await page.isChecked("#consent-identifiable"), false);
  assert.equal(await page.isChecked("#consent-aggregated"), false);
  // Without the permission the card reads the viewer's own interactions; Team cannot be chosen.
  assert.equal(await page.isChecked("#scope-own"), true, "the card starts on the viewer's own interactions");
  assert.equal(await page.isDisabled("#scope-team"), true);
  const options = await searchOffers(page, "");
  assert.ok(options.some((v) => v.startsWith("contact:")), "the search offers contacts");
  const someAccount = teamEngine.relationshipSummaries({ level: "account", scope: "own" })[0].id;
  assert.ok((await searchOffers(page, someAccount)).includes(`account:${someAccount}`), "and accounts from the viewer's own interactions");

  await viewTab(page, "Relationship").click();
  await teamShows('[data-view="relationship"][data-scope="own"]');
  const refusal = page.locator('#team-result [role="alert"][data-refusal]');

  await viewTab(page, "Who knows whom").click();
  await refusal.waitFor({ state: "visible" });
  assert.equal(await refusal.getAttribute("data-refusal"), "identifiable");
  assert.match(await refusal.textContent(), /Identifiable team data/);
  assert.equal(await page.locator('#team-result [data-view="who-knows-whom"]').count(), 0, "no partial result");

  for (const name of ["Who knows whom", "Introduction paths"]) {
    await viewTab(page, name).click();
    await teamShows('[role="alert"][data-refusal="identifiable"]');
  }

  await viewTab(page, "Organization aggregates").click();
  await page.locator('#team-result [data-refusal="aggregated"]').waitFor({ state: "visible" });
  assert.match(await refusal.textContent(), /Anonymized aggregates/);
});

test("own scope works without consent and equals the Node binding's own-scope relationship", async () => {
  const contact = expected.topContacted.find((p) => !p.internal).id;
  await pickTarget(page, `contact:${contact}`);
  await page.locator('label[for="scope-own"]').click();
  assert.equal(await page.isChecked("#scope-own"), true);
  await viewTab(page, "Relationship").click();
  await teamShows('[data-view="relationship"][data-scope="own"]');
  assert.equal(await page.locator("#team-result [data-refusal]").count(), 0);
  assertRelationship(await shownRelationship(), ownEngine.relationship({ contact }, { scope: "own" }));

  // The accounts list in own scope, too.
  await viewTab(page, "All accounts").click();
  await teamShows('[data-view="accounts"][data-scope="own"]');
  const rows = await page.$$eval('#team-result [data-view="accounts"] tbody tr', (r) => r.map((n) => n.dataset.account));
  assert.deepEqual(
    [...rows].sort(),
    ownEngine.relationshipSummaries({ level: "account", scope: "own" }).map((a) => a.id).sort(),
  );

  // Team data cannot be chosen without the permission.
  assert.equal(await page.isDisabled("#scope-team"), true);
});

test("with identifiable consent, Relationship passes the gate and aggregates still need their own", async () => {
  await setScope(page, "identifiable", true, /Granted/);
  await viewTab(page, "Relationship").click();
  await teamShows('[data-view="relationship"][data-scope="identifiable"]');
  assert.equal(await page.locator("#team-result [data-refusal]").count(), 0);

  await viewTab(page, "Organization aggregates").click();
  await page.locator('#team-result [data-refusal="aggregated"]').waitFor({ state: "visible" });

  // The search now finds the accounts of the team data too.
  const own = new Set(ownEngine.relationshipSummaries({ level: "account", scope: "own" }).map((a) => a.id));
  const teamOnly = teamEngine.relationshipSummaries({ level: "account", scope: "team" }).find((a) => !own.has(a.id));
  assert.ok(teamOnly, "an account only colleagues deal with");
  assert.ok((await searchOffers(page, teamOnly.id)).includes(`account:${teamOnly.id}`));
});

test("a contact's relationship, who knows whom and introduction paths equal the Node binding's", async () => {
  await pickTarget(page, `contact:${contactId}`);
  await viewTab(page, "Relationship").click();
  await teamShows(`[data-view="relationship"][data-target-id="${contactId}"]`);
  const r = teamEngine.relationship({ contact: contactId }, { scope: "team" });
  assert.equal(r.health.state, "scored");
  assertRelationship(await shownRelationship(), r);

  await viewTab(page, "Who knows whom").click();
  await teamShows(`[data-view="who-knows-whom"][data-target-id="${contactId}"]`);
  const wkw = teamEngine.whoKnowsWhom({ contact: contactId }, { top: WHO_KNOWS_WHOM_TOP });
  assert.deepEqual(await shownWhoKnowsWhom(), wkw.colleagues.map((c) => [c.id, c.strength]), "ranked colleagues, strongest first");
  const evidence = await page.$$eval('#team-result [data-view="who-knows-whom"] .evidence', (n) => n.map((e) => e.textContent));
  evidence.forEach((text, i) => assert.match(text, new RegExp(`^${wkw.colleagues[i].evidence.emails} e-mails?`)));

  await viewTab(page, "Introduction paths").click();
  await teamShows(`[data-view="introduction-paths"][data-target-id="${contactId}"]`);
  const paths = teamEngine.introductionPaths({ contact: contactId }, { maxHops: MAX_HOPS });
  const shownPaths = await page.$$eval('#team-result [data-view="introduction-paths"] [data-path]', (items) =>
    items.map((p) => ({
      people: JSON.parse(p.dataset.people),
      nodes: [...p.querySelectorAll("svg .node")].map((n) => n.dataset.person),
      edges: [...p.querySelectorAll("svg .edge")].map((e) => Number(e.dataset.strength)),
      explanation: p.querySelector(".path-explanation").textContent,
    })),
  );
  assert.equal(shownPaths.length, paths.length);
  assert.deepEqual(shownPaths[0].people, paths[0].people, "the first path's people");
  shownPaths.forEach((p, i) => {
    assert.deepEqual(p.nodes, paths[i].people, `path ${i + 1} is drawn node by node, viewer first`);
    assert.deepEqual(p.edges, paths[i].steps.map((s) => s.strength), `path ${i + 1} edges`);
    assert.equal(p.explanation, paths[i].explanation);
  });
});

test("the accounts list sorts, says 'insufficient data' as such, and opens an account equal to the Node binding's", async () => {
  const summaries = teamEngine.relationshipSummaries({ level: "account", scope: "team" });
  await viewTab(page, "All accounts").click();
  await teamShows('[data-view="accounts"][data-scope="identifiable"]');
  const rows = () =>
    page.$$eval('#team-result [data-view="accounts"] tbody tr', (r) =>
      r.map((n) => ({
        id: n.dataset.account,
        state: n.dataset.healthState,
        band: JSON.parse(n.querySelector('[data-health="band"]').dataset.value),
        badge: n.querySelector('[data-health="band"]').textContent.trim(),
      })),
    );

  // Default: health, best first; accounts without a score last.
  let shown = await rows();
  assert.equal(shown.length, summaries.length);
  const byId = new Map(summaries.map((a) => [a.id, a]));
  const scores = shown.map((r) => byId.get(r.id).health.score);
  const scored = scores.filter((s) => s !== null);
  assert.deepEqual(scored, [...scored].sort((a, b) => b - a), "sorted by health, descending");
  assert.ok(scores.indexOf(null) === -1 || scores.slice(scores.indexOf(null)).every((s) => s === null), "unscored accounts last");
  const unscored = shown.filter((r) => byId.get(r.id).health.state === "insufficient-data");
  assert.ok(unscored.length > 0, "the demo data has accounts with too little data");
  for (const row of unscored) {
    assert.equal(row.band, "insufficient-data");
    assert.equal(row.badge, "Insufficient data", `${row.id} says so, and shows no 0`);
  }
  for (const row of shown.filter((r) => r.state === "scored")) {
    const h = byId.get(row.id).health;
    assert.equal(row.band, h.band);
    assert.ok(row.badge.startsWith(`${h.score} `), `${row.id} shows its score ${h.score}`);
  }

  // By name, then by name descending (the same heading again).
  const sortButton = (label) => page.locator('#team-result [data-view="accounts"] thead button', { hasText: label });
  await sortButton("Account").click();
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const names = summaries.map((a) => a.name ?? a.id).sort(collator.compare);
  shown = await rows();
  assert.deepEqual(shown.map((r) => byId.get(r.id).name ?? r.id), names);
  assert.equal(await page.getAttribute('#team-result th[data-sort-key="name"]', "aria-sort"), "ascending");
  await sortButton("Account").click();
  assert.deepEqual((await rows()).map((r) => byId.get(r.id).name ?? r.id), [...names].reverse());
  assert.equal(await page.getAttribute('#team-result th[data-sort-key="name"]', "aria-sort"), "descending");

  // By last interaction, latest first, never-in-touch last.
  await sortButton("Last interaction").click();
  const lasts = (await rows()).map((r) => byId.get(r.id).lastInteractionAt);
  const dated = lasts.filter(Boolean);
  assert.deepEqual(dated, [...dated].sort().reverse());
  assert.ok(lasts.indexOf(null) === -1 || lasts.slice(lasts.indexOf(null)).every((v) => v === null));

  // A click on a row opens that account.
  const account = summaries.filter((a) => a.health.state === "scored").sort((a, b) => b.interactionsUsed - a.interactionsUsed)[0].id;
  await page.locator(`#team-result tr[data-account="${account}"] td.num`).click();
  await teamShows(`[data-view="relationship"][data-target-id="${account}"]`);
  assert.match(decodeURIComponent(page.url()), new RegExp(`#account=${account.replace(/[.]/g, "\\.")}`), "the address bar follows");
  const r = teamEngine.relationship({ account }, { scope: "team" });
  assertRelationship(await shownRelationship(), r);
  const contacts = await page.$$eval('#team-result [data-view="relationship"] .chips [data-open]', (b) => b.map((n) => n.dataset.open));
  assert.deepEqual(contacts, r.target.contacts.map((c) => `contact:${c}`));

  await viewTab(page, "Who knows whom").click();
  await teamShows(`[data-view="who-knows-whom"][data-target-id="${account}"]`);
  const wkw = teamEngine.whoKnowsWhom({ account }, { top: WHO_KNOWS_WHOM_TOP });
  assert.deepEqual(await shownWhoKnowsWhom(), wkw.colleagues.map((c) => [c.id, c.strength]));

  await viewTab(page, "Introduction paths").click();
  await teamShows('[data-notice="pick-contact"]');

  // With the keyboard: an unscored account from the list, opened with Enter.
  const weak = summaries.find((a) => a.health.state === "insufficient-data").id;
  await viewTab(page, "All accounts").click();
  await teamShows('[data-view="accounts"]');
  await page.focus(`#team-result button[data-open="account:${weak}"]`);
  await page.keyboard.press("Enter");
  await teamShows(`[data-view="relationship"][data-target-id="${weak}"]`);
  const shownWeak = await shownRelationship();
  assertRelationship(shownWeak, teamEngine.relationship({ account: weak }, { scope: "team" }));
  assert.equal(shownWeak.score, null);

  // An account's contact opens from its chip, and the selector follows, offering it when it did not.
  const chip = r.target.contacts[0];
  await pickTarget(page, `account:${account}`);
  await viewTab(page, "Relationship").click();
  await teamShows(`[data-view="relationship"][data-target-id="${account}"]`);
  await page.locator(`#team-result .chips [data-open="contact:${chip}"]`).click();
  await teamShows(`[data-view="relationship"][data-target-id="${chip}"]`);
  assert.match(decodeURIComponent(page.url()), new RegExp(`#contact=${chip.replace(/[.]/g, "\\.")}`), "the address bar shows the contact opened");
  assertRelationship(await shownRelationship(), teamEngine.relationship({ contact: chip }, { scope: "team" }));
});

test("an unknown contact gets a clear message", async () => {
  await pickTarget(page, "contact:nobody@nowhere.example");
  await viewTab(page, "Relationship").click();
  const box = page.locator('#team-result [role="alert"][data-error-code="UNKNOWN_TARGET"]');
  await box.waitFor({ state: "visible" });
  assert.match(await box.textContent(), /No contact “nobody@nowhere\.example” here/);
});

test("screenshots of the relationship view at desktop and 390 px width, with no horizontal overflow", async () => {
  mkdirSync(join(repo, "test-artifacts"), { recursive: true });
  await pickTarget(page, `contact:${contactId}`);
  await viewTab(page, "Relationship").click();
  await teamShows(`[data-view="relationship"][data-target-id="${contactId}"]`);
  await page.screenshot({ path: join(repo, "test-artifacts", "relationship.png"), fullPage: true });

  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(200); // the charts redraw at the new width
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await overflow(), 0, "the relationship view fits 390 px");
    await page.locator("#team").screenshot({ path: join(repo, "test-artifacts", "relationship-390.png") });

    await viewTab(page, "Introduction paths").click();
    await teamShows("[data-view=\"introduction-paths\"]");
    await sleep(100);
    assert.equal(await overflow(), 0, "introduction paths fit 390 px");
    const graphWidth = await page.$eval("#team-result .path-graph", (g) => g.getBoundingClientRect().width);
    assert.ok(graphWidth <= 390 && graphWidth > 250, `the path graph is drawn at the phone's width (${graphWidth})`);
    await page.locator("#team-result").screenshot({ path: join(repo, "test-artifacts", "introduction-paths-390.png") });

    await viewTab(page, "All accounts").click();
    await teamShows('[data-view="accounts"]');
    assert.equal(await overflow(), 0, "the accounts list fits 390 px");
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("withdrawing both scopes purges, granting again reloads, own insights stay", async () => {
  const kpisBefore = await page.$$eval("#own [data-kpi]", (n) => n.map((e) => e.dataset.value));
  await setScope(page, "identifiable", false, /deleted/);
  await viewTab(page, "Who knows whom").click();
  await teamShows('[role="alert"][data-refusal="identifiable"]');
  await setScope(page, "aggregated", true, /loaded again/);
  await viewTab(page, "Organization aggregates").click();
  await teamShows('[data-view="aggregates"][data-shown="table"] table[data-heatmap]');
  assert.equal(await page.locator("#team-result [data-notice], #team-result [data-refusal]").count(), 0);
  const reloaded = nodeEngine({ aggregated: true });
  try {
    assertHeatmap(await shownAggregates(page), reloaded.aggregates({ groupBy: "department", period: "week" }), "emailsSent");
  } finally {
    reloaded.free();
  }
  await viewTab(page, "Who knows whom").click();
  await page.locator('#team-result [data-refusal="identifiable"]').waitFor({ state: "visible" });
  assert.deepEqual(await page.$$eval("#own [data-kpi]", (n) => n.map((e) => e.dataset.value)), kpisBefore);
});

test("no page errors and no request beyond 127.0.0.1; full-page screenshot", async () => {
  mkdirSync(join(repo, "test-artifacts"), { recursive: true });
  await page.screenshot({ path: join(repo, "test-artifacts", "dashboard.png"), fullPage: true });

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  assert.ok(requests.some((u) => u.endsWith("/pkg/rapport_bg.wasm")), "the wasm was fetched");
  assert.ok(requests.some((u) => u.endsWith("/worker.js")), "the worker was fetched");
  const foreign = requests.filter((u) => {
    const { protocol, hostname } = new URL(u);
    return !(protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1");
  });
  assert.deepEqual(foreign, []);
});
