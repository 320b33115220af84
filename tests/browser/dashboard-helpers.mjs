// What the dashboard's browser tests share (dashboard.test.mjs,
// aggregates.test.mjs): the demo data they load, the same data in the Node
// binding to compare with, and how a test reads a team view from the page
// and compares it with the Node binding's answer.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The demo the dashboard tests load (?seed=…&interactions=…). */
export const SEED = 7;
export const INTERACTIONS = 5000;
/** The aggregates tests open their own page on more data, so that most weekly cells are shown. */
export const AGG_INTERACTIONS = 30000;
/** As www/team/dispatch.js asks. */
export const WHO_KNOWS_WHOM_TOP = 10;
export const MAX_HOPS = 3;

/** A Node engine with the same demo data and options as the page's worker (`options`: more engine options, e.g. epsilonBudget). */
export function nodeEngine(consent = {}, interactions = INTERACTIONS, options = {}) {
  const { Engine } = require("../../pkg/node/rapport.js");
  const { demoDataset } = require("../../pkg/node/rapport_demo.js");
  const demo = demoDataset({ seed: SEED, interactions });
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent, ...options });
  engine.loadPeople(demo.people);
  engine.loadInteractions(demo.interactions);
  return engine;
}

/** The busiest scored contact with at least two introduction paths and three colleagues who know them. */
export function pickContact(engine) {
  const candidates = engine
    .relationshipSummaries({ level: "contact", scope: "team" })
    .filter((c) => c.health.state === "scored")
    .filter(
      (c) =>
        engine.introductionPaths({ contact: c.id }, { maxHops: MAX_HOPS }).length >= 2 &&
        engine.whoKnowsWhom({ contact: c.id }, { top: WHO_KNOWS_WHOM_TOP }).colleagues.length >= 3,
    )
    .sort((a, b) => b.interactionsUsed - a.interactionsUsed || a.id.localeCompare(b.id));
  assert.ok(candidates.length > 0, "the demo data has a contact worth showing");
  return candidates[0].id;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the team view of `page` shows `selector` and no request is in flight. */
export async function teamShows(page, selector) {
  await page.locator(`#team-result ${selector}`).first().waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
}

/** Everything the relationship view of `page` shows that the tests compare. */
export async function shownRelationship(page) {
  return page.$eval('#team-result [data-view="relationship"]', (view) => ({
    scope: view.dataset.scope,
    kind: view.dataset.targetKind,
    id: view.dataset.targetId,
    kpis: [...view.querySelectorAll("[data-kpi]")].map((n) => [n.dataset.kpi, JSON.parse(n.dataset.value), n.textContent.trim()]),
    score: JSON.parse(view.querySelector('[data-health="score"]').dataset.value),
    scoreText: view.querySelector('[data-health="score"]').textContent.trim(),
    band: JSON.parse(view.querySelector('[data-health="band"]').dataset.value),
    bandText: view.querySelector('[data-health="band"]').textContent.trim(),
    trend: view.querySelector('[data-health="trend"]') ? JSON.parse(view.querySelector('[data-health="trend"]').dataset.value) : null,
    summary: view.querySelector('[data-health="summary"]').textContent,
    factors: [...view.querySelectorAll("[data-factor-points]")].map((n) => [n.dataset.factorPoints, Number(n.value)]),
    weeks: [...view.querySelectorAll("svg [data-week]")].map((g) => g.dataset.week),
    bars: [...view.querySelectorAll("svg [data-week]")].map((g) =>
      [...g.querySelectorAll("rect[data-series]")].map((r) => [r.dataset.series, Number(r.dataset.value)]),
    ),
    last: JSON.parse(view.querySelector('[data-field="last-interaction"]').dataset.value),
    next: JSON.parse(view.querySelector('[data-field="next-interaction"]').dataset.value),
    windowEnd: JSON.parse(view.querySelector('[data-field="window-end"]').dataset.value),
    used: Number(view.querySelector('[data-field="interactions-used"]').value),
    lists: Object.fromEntries(
      [...view.querySelectorAll("[data-list]")].map((l) => [l.dataset.list, [...l.querySelectorAll("[data-person]")].map((li) => li.dataset.person)]),
    ),
  }));
}

/** Asserts that the relationship view shows exactly the Node binding's relationship `r`. */
export function assertRelationship(shown, r) {
  assert.equal(shown.scope, r.scope);
  assert.equal(shown.kind, r.target.kind);
  assert.equal(shown.id, r.target.id);
  assert.deepEqual(shown.kpis.map(([field]) => field).sort(), Object.keys(r.kpis).sort(), "every KPI is rendered exactly once");
  for (const [field, value, text] of shown.kpis) {
    assert.deepEqual(value, r.kpis[field], `data-value of ${field}`);
    assert.ok(text.length > 0, `${field} has a display text`);
  }
  assert.equal(shown.score, r.health.score, "health score");
  assert.equal(shown.band, r.health.band ?? "insufficient-data", "health band");
  if (r.health.state === "scored") {
    assert.equal(shown.scoreText, String(r.health.score));
    assert.equal(shown.bandText.toLowerCase(), r.health.band);
  } else {
    assert.match(shown.bandText, /insufficient data/i, "insufficient data is said as such");
    assert.doesNotMatch(shown.scoreText, /\d/, "an unscored relationship shows no number as its score");
  }
  assert.equal(shown.trend, r.health.trend?.direction ?? null, "trend");
  assert.equal(shown.summary, r.health.summary);
  assert.deepEqual(shown.factors, r.health.factors.map((f) => [f.factor, f.points]), "each factor's points");
  assert.equal(shown.weeks.length, r.weekly.length, "one bar group per week");
  assert.deepEqual(shown.weeks, r.weekly.map((w) => w.week));
  assert.deepEqual(
    shown.bars,
    r.weekly.map((w) => [["emailsSent", w.emailsSent], ["emailsReceived", w.emailsReceived], ["meetings", w.meetings], ["calls", w.calls]]),
    "each week's bars: e-mails by us, by them, meetings, calls",
  );
  assert.equal(shown.last, r.lastInteractionAt);
  assert.equal(shown.next, r.nextInteractionAt);
  assert.equal(shown.windowEnd, r.window.end);
  assert.equal(shown.used, r.interactionsUsed);
  assert.deepEqual(shown.lists["top-colleagues"], r.topColleagues.map((c) => c.id));
  assert.deepEqual(shown.lists["most-contacting"], r.mostContacting.map((c) => c.id));
  assert.deepEqual(shown.lists["most-contacted"], r.mostContacted.map((c) => c.id));
}

/** The ranked colleagues of the who-knows-whom view of `page`: [id, strength] in order. */
export async function shownWhoKnowsWhom(page) {
  return page.$$eval('#team-result [data-view="who-knows-whom"] li[data-person]', (items) =>
    items.map((li) => [li.dataset.person, Number(li.dataset.strength)]),
  );
}
