// Drives the dashboard (www/) in headless Chromium: the figures it renders
// must equal what the Node binding computes on the same demo data (own
// insights; a contact's and an account's relationship, who knows whom and
// introduction paths; the organization aggregates heatmap and collaboration
// matrix, suppressed cells included), team views must refuse without consent
// and pass the consent gate with it, own scope must work without it, noisy
// aggregates must say what they cost and mark their figures approximate, a
// spent privacy budget must be said as such, and the page must make no
// request beyond the local server and throw no error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const SEED = 7;
const INTERACTIONS = 5000;

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
/** The aggregates test opens its own page on more data, so that most weekly cells are shown. */
const AGG_INTERACTIONS = 30000;
const AGG_METRICS = ["emailsSent", "emailsReceived", "meetings", "meetingMinutes", "afterHoursShare", "externalContacts"];
const ACCOUNT_METRICS = [
  "emailsTo",
  "emailsFrom",
  "meetings",
  "internalPeople",
  "accountPeople",
  "daysSinceLastEmail",
  "daysSinceLastMeeting",
  "averageMeetingMinutes",
  "averageReplyMinutes",
  "engagementScore",
];
/** Metrics a cell shows as a plain number (possibly with a unit after it). */
const PLAIN_METRICS = new Set([
  ...AGG_METRICS.filter((m) => m !== "afterHoursShare"),
  "emailsTo",
  "emailsFrom",
  "internalPeople",
  "accountPeople",
  "daysSinceLastEmail",
  "daysSinceLastMeeting",
  "engagementScore",
]);
let serverUrl;
const WHO_KNOWS_WHOM_TOP = 10; // as www/team.js asks
const MAX_HOPS = 3;
const pageErrors = [];
const consoleErrors = [];
const requests = [];

/** A Node engine with the same demo data and options as the page's worker (`options`: more engine options, e.g. epsilonBudget). */
function nodeEngine(consent = {}, interactions = INTERACTIONS, options = {}) {
  const { Engine, demoDataset } = require("../../pkg/node/rapport.js");
  const demo = demoDataset({ seed: SEED, interactions });
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent, ...options });
  engine.loadPeople(demo.people);
  engine.loadInteractions(demo.interactions);
  return engine;
}

/** The busiest scored contact with at least two introduction paths and three colleagues who know them. */
function pickContact(engine) {
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the team view shows `selector` and no request is in flight. */
async function teamShows(selector) {
  await page.locator(`#team-result ${selector}`).first().waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
}

/** Everything the relationship view shows that the tests compare, read from the page. */
async function shownRelationship() {
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
function assertRelationship(shown, r) {
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

/** Everything the aggregates view shows that the tests compare, read from `p`. */
async function shownAggregates(p) {
  return p.$eval('#team-result [data-view="aggregates"]', (view) => {
    const heat = view.querySelector("table[data-heatmap]");
    const matrix = view.querySelector("table[data-matrix]");
    const picker = view.querySelector('select[data-control="matrix-period"]');
    const cell = (td) => ({
      group: td.dataset.group,
      period: td.dataset.period,
      from: td.dataset.from,
      to: td.dataset.to,
      suppressed: td.dataset.suppressed,
      reason: td.dataset.reason,
      value: td.hasAttribute("data-value") ? JSON.parse(td.dataset.value) : undefined,
      text: td.textContent.trim(),
      title: td.title,
      label: td.getAttribute("aria-label"),
      className: td.className,
    });
    return {
      period: view.dataset.period,
      metric: view.dataset.metric,
      heatmapMetric: heat.dataset.heatmap,
      minGroupSize: Number(view.dataset.minGroupSize),
      groups: [...heat.querySelectorAll('tbody th[scope="row"]')].map((th) => th.textContent),
      periods: [...heat.querySelectorAll("thead th[data-period]")].map((th) => th.dataset.period),
      cells: [...heat.querySelectorAll("tbody td")].map(cell),
      groupBy: view.dataset.groupBy,
      matrixRows: matrix ? [...matrix.querySelectorAll('tbody th[scope="row"]')].map((th) => th.textContent) : null,
      matrixCols: matrix ? [...matrix.querySelectorAll("thead th[data-group]")].map((th) => th.dataset.group) : null,
      matrix: matrix ? [...matrix.querySelectorAll("tbody td")].map(cell) : null,
      matrixPeriod: matrix ? matrix.dataset.period : null,
      matrixFigurePeriod: view.querySelector('[data-figure="matrix"]')?.dataset.period ?? null,
      viewMatrixPeriod: view.dataset.matrixPeriod ?? null,
      pickerValue: picker ? picker.value : null,
      pickerLabel: picker ? [...picker.labels].map((l) => l.textContent).join(" ") : null,
      pickerOptions: picker ? [...picker.options].map((o) => o.value) : null,
      markedPeriods: [...heat.querySelectorAll("thead th.matrix-period")].map((th) => th.dataset.period),
      legends: [...view.querySelectorAll(".agg-legend, [data-legend]")].map((n) => n.textContent).join("\n"),
      tableText: [...view.querySelectorAll("table")].map((t) => t.textContent).join(" "),
      footers: view.querySelectorAll("tfoot").length,
    };
  });
}

/** A suppressed cell: marked, hatched, explained (tooltip and accessible name), with no figure. */
function assertSuppressedCell(c, reason, where) {
  assert.equal(c.suppressed, "true", `${where} is marked suppressed`);
  assert.match(c.className, /\bsuppressed\b/, `${where} is drawn as suppressed`);
  assert.equal(c.value, undefined, `${where} has no data-value`);
  assert.doesNotMatch(c.text, /\d/, `${where} shows no figure`);
  assert.ok(reason, `${where} has a reason`);
  assert.equal(c.reason, reason, `${where} keeps the engine's reason`);
  assert.ok(c.title.toLowerCase().includes(reason.toLowerCase()), `${where}'s tooltip gives the engine's reason`);
  assert.ok(c.label?.toLowerCase().includes(reason.toLowerCase()), `${where}'s accessible name gives the engine's reason`);
  assert.match(c.label, /suppressed/i);
}

/** Asserts that the heatmap shows exactly `table`'s cells for `metric`, suppressed cells marked as such. */
function assertHeatmap(shown, table, metric) {
  assert.equal(shown.period, table.period);
  assert.equal(shown.groupBy, table.groupBy);
  assert.equal(shown.metric, metric);
  assert.equal(shown.heatmapMetric, metric);
  assert.equal(shown.minGroupSize, table.minGroupSize);
  assert.deepEqual(shown.groups, table.groups, "one row per department, in the engine's order");
  assert.deepEqual(shown.periods, table.periods, "one column per period, in the engine's order");
  assert.deepEqual(
    shown.cells.map((c) => [c.group, c.period]),
    table.groups.flatMap((g) => table.periods.map((p) => [g, p])),
    "every department × every period, row by row",
  );
  const rows = new Map(table.rows.map((r) => [`${r.group}\u0000${r.period}`, r]));
  assert.equal(rows.size, shown.cells.length, "the engine gives every department × period once");
  for (const c of shown.cells) {
    const r = rows.get(`${c.group}\u0000${c.period}`);
    const where = `${metric} of ${c.group} in ${c.period}`;
    assert.ok(r, `${where} is in the engine's table`);
    if (r.suppressed) {
      assertSuppressedCell(c, r.reason, where);
      continue;
    }
    assert.equal(c.suppressed, undefined, `${where} is not marked suppressed`);
    const v = r.metrics[metric];
    assert.deepEqual(c.value, v, `data-value of ${where}`);
    if (v === null) assert.equal(c.text, "—", `${where}: no share without e-mails`);
    else if (metric === "afterHoursShare") {
      assert.ok(Math.abs(parseFloat(c.text.replace(",", ".")) / 100 - v) < 0.0005 + 1e-9, `${where} shows ${c.text} for ${v}`);
    } else if (PLAIN_METRICS.has(metric)) assert.equal(Number(c.text.replace(/\D/g, "")), v, `${where} shows ${c.text} for ${v}`);
    else assert.match(c.text, /\d/, `${where} shows a figure for ${v}`);
  }
}

/**
 * Asserts that the matrix shows `period` (the selector says so too) and every
 * unordered pair of `table.matrix` in that period, on both sides of the
 * diagonal, suppressed cells marked as such. Returns the cells compared.
 */
function assertMatrix(shown, table, period) {
  const n = table.groups.length;
  assert.ok(table.periods.includes(period), `${period} is a period of the table`);
  assert.equal(table.matrix.length, ((n * (n + 1)) / 2) * table.periods.length, "the engine gives every unordered pair × every period");
  assert.equal(shown.pickerLabel, "Matrix period", "the selector is labelled");
  assert.deepEqual(shown.pickerOptions, table.periods, "the selector offers every period, in the engine's order");
  assert.equal(shown.pickerValue, period, "the selector shows the matrix's period");
  assert.equal(shown.matrixPeriod, period, "the matrix shows the period asked for");
  assert.equal(shown.matrixFigurePeriod, period);
  assert.equal(shown.viewMatrixPeriod, period);
  assert.deepEqual(shown.markedPeriods, [period], "the heatmap marks the matrix's period");
  assert.deepEqual(shown.matrixRows, table.groups);
  assert.deepEqual(shown.matrixCols, table.groups);
  assert.equal(shown.matrix.length, n ** 2, "a full square");
  assert.deepEqual(
    shown.matrix.map((c) => [c.from, c.to, c.period]),
    table.groups.flatMap((from) => table.groups.map((to) => [from, to, period])),
    "every department × every department, row by row, all of the period",
  );
  const key = (a, b) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const ofPeriod = table.matrix.filter((m) => m.period === period);
  const pairs = new Map(ofPeriod.map((m) => [key(m.from, m.to), m]));
  assert.equal(pairs.size, ofPeriod.length, "each pair once per period");
  assert.equal(pairs.size, (n * (n + 1)) / 2, "every unordered pair in the period");
  const covered = new Set();
  for (const c of shown.matrix) {
    const m = pairs.get(key(c.from, c.to));
    const where = `matrix ${c.from} × ${c.to} in ${period}`;
    assert.ok(m, `${where} is in the engine's matrix`);
    covered.add(key(c.from, c.to));
    if (m.suppressed) assertSuppressedCell(c, m.reason, where);
    else {
      assert.equal(c.suppressed, undefined, `${where} is not marked suppressed`);
      assert.equal(c.value, m.interactions, `data-value of ${where}`);
      assert.equal(Number(c.text.replace(/\D/g, "")), m.interactions, `${where} shows ${c.text}`);
    }
  }
  assert.equal(covered.size, pairs.size, "every pair is drawn");
  const at = new Map(shown.matrix.map((c) => [`${c.from}\u0000${c.to}`, c]));
  for (const c of shown.matrix) {
    const mirror = at.get(`${c.to}\u0000${c.from}`);
    assert.deepEqual([mirror.value, mirror.suppressed, mirror.reason], [c.value, c.suppressed, c.reason], `${c.from} × ${c.to} is symmetric`);
  }
  return ofPeriod;
}

/** The epsilon each noisy answer of the dashboard spends (www/aggregates.js NOISE_EPSILON). */
const NOISE_EPSILON = 1;
/** Metrics the engine does not release with noise (null), per grouping. */
const UNRELEASED = {
  department: ["externalContacts"],
  account: ["internalPeople", "accountPeople", "daysSinceLastEmail", "daysSinceLastMeeting", "averageReplyMinutes"],
};

/**
 * A new page of the dashboard at `query` (seed, interactions, …) with the
 * aggregated scope granted and the aggregates view open on its default
 * table; `shows(selector)` waits for the view to show `selector`, `errors`
 * collects the page's errors.
 */
async function aggregatesPage(query) {
  const p = await context.newPage();
  const errors = [];
  p.on("pageerror", (err) => errors.push(err.message));
  p.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  const shows = async (selector) => {
    await p.locator(`#team-result ${selector}`).first().waitFor({ state: "visible" });
    await p.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
  };
  await p.goto(`${serverUrl}?${query}`);
  await p.waitForSelector('main[data-state="ready"]', { timeout: 20_000 });
  await p.getByLabel("Anonymized aggregates").check();
  await p.locator("#consent-note", { hasText: "Granted" }).waitFor();
  await p.getByRole("button", { name: "Organization aggregates" }).click();
  await shows('[data-view="aggregates"][data-shown="table"]');
  return { p, errors, shows };
}

/** The privacy panel of the aggregates view on `p`, or null when it shows none. */
async function shownPrivacy(p) {
  return p.$eval('#team-result [data-view="aggregates"]', (view) => {
    const panel = view.querySelector('[data-privacy="noise"]');
    const field = (name) => panel.querySelector(`[data-field="${name}"]`)?.textContent ?? null;
    return panel
      ? {
          epsilon: Number(panel.dataset.epsilon),
          fromCache: panel.dataset.fromCache,
          spent: Number(panel.dataset.epsilonSpent),
          remaining: Number(panel.dataset.epsilonRemaining),
          cost: field("noise-cost"),
          fallback: field("noise-fallback"),
          metric: field("noise-metric"),
          matrix: field("noise-matrix"),
          unit: field("noise-unit"),
          text: panel.textContent,
        }
      : null;
  });
}

/** The metric picker's options: [key, text, disabled]. */
async function metricOptions(p) {
  return p.$$eval('#team-result [data-view="aggregates"] select[data-control="metric"] option', (o) =>
    o.map((n) => [n.value, n.textContent, n.disabled]),
  );
}

/** Every text a person can read or hear in the aggregates view: its text, tooltips and accessible names. */
async function viewTexts(p) {
  return p.$eval('#team-result [data-view="aggregates"]', (view) =>
    [
      view.textContent,
      ...[...view.querySelectorAll("[title]")].map((n) => n.title),
      ...[...view.querySelectorAll("[aria-label]")].map((n) => n.getAttribute("aria-label")),
    ].join("\n"),
  );
}

/** One standard deviation of the noise on `figure`, as the privacy panel says it: ± about round(1.41·b). */
function spreadOf(table, figure) {
  const b = table.noise.scales[figure];
  assert.ok(Number.isFinite(b), `the engine gives the scale of ${figure}`);
  return Math.round(1.41 * b);
}

/** Asserts that `text` says "± about <sd>" (digits compared, whatever the locale's separators). */
function assertSpread(text, sd, what) {
  const said = [...text.matchAll(/± about ([\d.,\u00a0\u202f ]+\d)/g)].map((m) => Number(m[1].replace(/\D/g, "")));
  assert.ok(said.includes(sd), `${what} says ± about ${sd}: ${text}`);
}

/**
 * Asserts that the heatmap of a noisy answer has the keys of `exact` (the
 * same question without noise) and shows each cell either suppressed, by the
 * noisy count (issue 12: which cells show is itself noisy, so it is not
 * compared with the exact answer), or as a noisy figure marked approximate,
 * never null text.
 */
function assertNoisyHeatmap(shown, exact, metric) {
  assert.equal(shown.metric, metric);
  assert.deepEqual(shown.groups, exact.groups);
  assert.deepEqual(shown.periods, exact.periods);
  assert.equal(shown.cells.length, exact.rows.length, "every key is drawn");
  let approx = 0;
  for (const c of shown.cells) {
    const where = `noisy ${metric} of ${c.group} in ${c.period}`;
    if (c.suppressed === "true") {
      assert.match(c.reason ?? "", /noisy count/, `${where} is suppressed by the noisy count`);
      assertSuppressedCell(c, c.reason, where);
      continue;
    }
    if (c.value === null) {
      assert.equal(c.text, "—", `${where}: no value is said as such`);
      continue;
    }
    approx++;
    assert.match(c.className, /\bapprox\b/, `${where} is drawn as approximate`);
    assert.match(c.title, /: ≈ /, `${where}'s tooltip says ≈`);
    assert.match(c.label, /^about /, `${where}'s accessible name says "about"`);
    if (PLAIN_METRICS.has(metric)) {
      assert.ok(Number.isInteger(c.value) && c.value >= 0, `${where} is a whole number ≥ 0: ${c.value}`);
      assert.equal(Number(c.text.replace(/\D/g, "")), c.value, `${where} shows ${c.text} for ${c.value}`);
    } else {
      assert.match(c.text, /\d/, `${where} shows a figure`);
    }
  }
  assert.ok(approx > 0, `some ${metric} cells carry a figure`);
}

/** The ranked colleagues of the who-knows-whom view: [id, strength] in order. */
async function shownWhoKnowsWhom() {
  return page.$$eval('#team-result [data-view="who-knows-whom"] li[data-person]', (items) =>
    items.map((li) => [li.dataset.person, Number(li.dataset.strength)]),
  );
}

before(async () => {
  ownEngine = nodeEngine();
  teamEngine = nodeEngine({ identifiable: true });
  expected = ownEngine.ownInsights();
  contactId = pickContact(teamEngine);
  const started = await startServer(0);
  server = started.server;
  serverUrl = started.url;
  // Requests from the page and from its worker both reach the context.
  ({ context, page, profileDir } = await openProfile("dashboard", { pageErrors, consoleErrors, requests }));
  await page.goto(`${started.url}?seed=${SEED}&interactions=${INTERACTIONS}`);
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
  assert.equal(await page.isChecked("#scope-team"), true, "the team view starts on team data");
  const options = await page.$$eval("#target option", (o) => o.map((n) => n.value).filter(Boolean));
  assert.ok(options.some((v) => v.startsWith("contact:")), "the selector offers contacts");
  assert.ok(options.some((v) => v.startsWith("account:")), "the selector offers accounts from the viewer's own interactions");

  await page.getByRole("button", { name: "Relationship" }).click();
  const refusal = page.locator('#team-result [role="alert"][data-refusal]');
  await refusal.waitFor({ state: "visible" });
  assert.equal(await refusal.getAttribute("data-refusal"), "identifiable");
  assert.match(await refusal.textContent(), /identifiable/i);
  assert.equal(await page.locator('#team-result [data-view="relationship"]').count(), 0, "no partial result");

  for (const name of ["Who knows whom", "Introduction paths", "All accounts"]) {
    await page.getByRole("button", { name }).click();
    await teamShows('[role="alert"][data-refusal="identifiable"]');
  }

  await page.getByRole("button", { name: "Organization aggregates" }).click();
  await page.locator('#team-result [data-refusal="aggregated"]').waitFor({ state: "visible" });
  assert.match(await refusal.textContent(), /aggregated/);
});

test("own scope works without consent and equals the Node binding's own-scope relationship", async () => {
  const contact = expected.topContacted.find((p) => !p.internal).id;
  await page.selectOption("#target", `contact:${contact}`);
  await page.locator('label[for="scope-own"]').click();
  assert.equal(await page.isChecked("#scope-own"), true);
  await page.getByRole("button", { name: "Relationship" }).click();
  await teamShows('[data-view="relationship"][data-scope="own"]');
  assert.equal(await page.locator("#team-result [data-refusal]").count(), 0);
  assertRelationship(await shownRelationship(), ownEngine.relationship({ contact }, { scope: "own" }));

  // The accounts list in own scope, too.
  await page.getByRole("button", { name: "All accounts" }).click();
  await teamShows('[data-view="accounts"][data-scope="own"]');
  const rows = await page.$$eval('#team-result [data-view="accounts"] tbody tr', (r) => r.map((n) => n.dataset.account));
  assert.deepEqual(
    [...rows].sort(),
    ownEngine.relationshipSummaries({ level: "account", scope: "own" }).map((a) => a.id).sort(),
  );

  // Back to team data: refused again, with a way to own data offered.
  await page.locator('label[for="scope-team"]').click();
  await page.getByRole("button", { name: "Relationship" }).click();
  await teamShows('[data-refusal="identifiable"]');
  assert.equal(await page.getByRole("button", { name: "Show your own interactions instead" }).count(), 1);
});

test("with identifiable consent, Relationship passes the gate and aggregates still need their own", async () => {
  await page.getByLabel("Identifiable team data").check();
  await page.getByRole("button", { name: "Relationship" }).click();
  await teamShows('[data-view="relationship"][data-scope="identifiable"]');
  assert.equal(await page.locator("#team-result [data-refusal]").count(), 0);

  await page.getByRole("button", { name: "Organization aggregates" }).click();
  await page.locator('#team-result [data-refusal="aggregated"]').waitFor({ state: "visible" });

  // The selector now lists every account and contact of the team data.
  await page.waitForFunction(
    (n) => document.querySelectorAll('#target option[value^="account:"]').length === n,
    teamEngine.relationshipSummaries({ level: "account", scope: "team" }).length,
  );
});

test("a contact's relationship, who knows whom and introduction paths equal the Node binding's", async () => {
  await page.selectOption("#target", `contact:${contactId}`);
  await page.getByRole("button", { name: "Relationship" }).click();
  await teamShows(`[data-view="relationship"][data-target-id="${contactId}"]`);
  const r = teamEngine.relationship({ contact: contactId }, { scope: "team" });
  assert.equal(r.health.state, "scored");
  assertRelationship(await shownRelationship(), r);

  await page.getByRole("button", { name: "Who knows whom" }).click();
  await teamShows(`[data-view="who-knows-whom"][data-target-id="${contactId}"]`);
  const wkw = teamEngine.whoKnowsWhom({ contact: contactId }, { top: WHO_KNOWS_WHOM_TOP });
  assert.deepEqual(await shownWhoKnowsWhom(), wkw.colleagues.map((c) => [c.id, c.strength]), "ranked colleagues, strongest first");
  const evidence = await page.$$eval('#team-result [data-view="who-knows-whom"] .evidence', (n) => n.map((e) => e.textContent));
  evidence.forEach((text, i) => assert.match(text, new RegExp(`^${wkw.colleagues[i].evidence.emails} e-mails?`)));

  await page.getByRole("button", { name: "Introduction paths" }).click();
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
  await page.getByRole("button", { name: "All accounts" }).click();
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
  assert.equal(await page.inputValue("#target"), `account:${account}`, "the selector follows");
  const r = teamEngine.relationship({ account }, { scope: "team" });
  assertRelationship(await shownRelationship(), r);
  const contacts = await page.$$eval('#team-result [data-view="relationship"] .chips [data-open]', (b) => b.map((n) => n.dataset.open));
  assert.deepEqual(contacts, r.target.contacts.map((c) => `contact:${c}`));

  await page.getByRole("button", { name: "Who knows whom" }).click();
  await teamShows(`[data-view="who-knows-whom"][data-target-id="${account}"]`);
  const wkw = teamEngine.whoKnowsWhom({ account }, { top: WHO_KNOWS_WHOM_TOP });
  assert.deepEqual(await shownWhoKnowsWhom(), wkw.colleagues.map((c) => [c.id, c.strength]));

  await page.getByRole("button", { name: "Introduction paths" }).click();
  await teamShows('[data-notice="pick-contact"]');

  // With the keyboard: an unscored account from the list, opened with Enter.
  const weak = summaries.find((a) => a.health.state === "insufficient-data").id;
  await page.getByRole("button", { name: "All accounts" }).click();
  await teamShows('[data-view="accounts"]');
  await page.focus(`#team-result button[data-open="account:${weak}"]`);
  await page.keyboard.press("Enter");
  await teamShows(`[data-view="relationship"][data-target-id="${weak}"]`);
  const shownWeak = await shownRelationship();
  assertRelationship(shownWeak, teamEngine.relationship({ account: weak }, { scope: "team" }));
  assert.equal(shownWeak.score, null);
});

test("an unknown contact gets a clear message", async () => {
  await page.$eval("#target", (select) => {
    const option = document.createElement("option");
    option.value = "contact:nobody@nowhere.example";
    option.textContent = "nobody@nowhere.example";
    select.append(option);
  });
  await page.selectOption("#target", "contact:nobody@nowhere.example");
  await page.getByRole("button", { name: "Relationship" }).click();
  const box = page.locator('#team-result [role="alert"][data-error-code="UNKNOWN_TARGET"]');
  await box.waitFor({ state: "visible" });
  assert.match(await box.textContent(), /No such contact: nobody@nowhere\.example/);
  await page.$eval('#target option[value="contact:nobody@nowhere.example"]', (o) => o.remove());
});

test("screenshots of the relationship view at desktop and 390 px width, with no horizontal overflow", async () => {
  mkdirSync(join(repo, "test-artifacts"), { recursive: true });
  await page.selectOption("#target", `contact:${contactId}`);
  await page.getByRole("button", { name: "Relationship" }).click();
  await teamShows(`[data-view="relationship"][data-target-id="${contactId}"]`);
  await page.screenshot({ path: join(repo, "test-artifacts", "relationship.png"), fullPage: true });

  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(200); // the charts redraw at the new width
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await overflow(), 0, "the relationship view fits 390 px");
    await page.locator("#team").screenshot({ path: join(repo, "test-artifacts", "relationship-390.png") });

    await page.getByRole("button", { name: "Introduction paths" }).click();
    await teamShows("[data-view=\"introduction-paths\"]");
    await sleep(100);
    assert.equal(await overflow(), 0, "introduction paths fit 390 px");
    const graphWidth = await page.$eval("#team-result .path-graph", (g) => g.getBoundingClientRect().width);
    assert.ok(graphWidth <= 390 && graphWidth > 250, `the path graph is drawn at the phone's width (${graphWidth})`);
    await page.locator("#team-result").screenshot({ path: join(repo, "test-artifacts", "introduction-paths-390.png") });

    await page.getByRole("button", { name: "All accounts" }).click();
    await teamShows('[data-view="accounts"]');
    assert.equal(await overflow(), 0, "the accounts list fits 390 px");
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("withdrawing both scopes purges, granting again reloads, own insights stay", async () => {
  const kpisBefore = await page.$$eval("#own [data-kpi]", (n) => n.map((e) => e.dataset.value));
  await page.getByLabel("Identifiable team data").uncheck();
  await page.locator("#consent-note", { hasText: "deleted" }).waitFor();
  await page.getByRole("button", { name: "Relationship" }).click();
  await teamShows('[role="alert"][data-refusal="identifiable"]');
  await page.getByLabel("Anonymized aggregates").check();
  await page.locator("#consent-note", { hasText: "reloaded" }).waitFor();
  await page.getByRole("button", { name: "Organization aggregates" }).click();
  await teamShows('[data-view="aggregates"][data-shown="table"] table[data-heatmap]');
  assert.equal(await page.locator("#team-result [data-notice], #team-result [data-refusal]").count(), 0);
  const reloaded = nodeEngine({ aggregated: true });
  try {
    assertHeatmap(await shownAggregates(page), reloaded.aggregates({ groupBy: "department", period: "week" }), "emailsSent");
  } finally {
    reloaded.free();
  }
  await page.getByRole("button", { name: "Who knows whom" }).click();
  await page.locator('#team-result [data-refusal="identifiable"]').waitFor({ state: "visible" });
  assert.deepEqual(await page.$$eval("#own [data-kpi]", (n) => n.map((e) => e.dataset.value)), kpisBefore);
});

test("with aggregated consent, the heatmap and the matrix equal the Node binding's aggregates, suppressed cells marked", async () => {
  // More data than the main page, so that most weekly cells pass the minimum group size.
  const engine = nodeEngine({ aggregated: true }, AGG_INTERACTIONS);
  const agg = await context.newPage();
  const errors = [];
  agg.on("pageerror", (err) => errors.push(err.message));
  agg.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  const shows = async (selector) => {
    await agg.locator(`#team-result ${selector}`).first().waitFor({ state: "visible" });
    await agg.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
  };
  const view = '#team-result [data-view="aggregates"]';
  /** Picks the matrix's period with its labelled selector. */
  const pickMatrixPeriod = async (period) => {
    await agg.getByLabel("Matrix period", { exact: true }).selectOption(period);
    await shows(`[data-figure="matrix"][data-period="${period}"]`);
  };
  try {
    await agg.goto(`${serverUrl}?seed=${SEED}&interactions=${AGG_INTERACTIONS}`);
    await agg.waitForSelector('main[data-state="ready"]', { timeout: 20_000 });

    // Without the scope: refused, naming it.
    await agg.getByRole("button", { name: "Organization aggregates" }).click();
    await shows('[role="alert"][data-refusal="aggregated"]');

    await agg.getByLabel("Anonymized aggregates").check();
    await agg.locator("#consent-note", { hasText: "Granted" }).waitFor();
    await shows('[data-view="aggregates"][data-shown="table"][data-period="week"]');

    const week = engine.aggregates({ groupBy: "department", period: "week" });
    assert.ok(week.groups.length >= 2 && week.periods.length >= 10, "the demo data has departments and weeks");
    assert.ok(week.rows.some((r) => r.suppressed) && week.rows.some((r) => !r.suppressed), "both shown and suppressed cells are compared");
    let shown = await shownAggregates(agg);
    assertHeatmap(shown, week, "emailsSent");
    // The matrix shows one period at a time: the latest by default, then any other picked.
    const latestWeek = week.periods.at(-1);
    const weekCells = [...assertMatrix(shown, week, latestWeek)];
    const mixed = (table, p) => {
      const cells = table.matrix.filter((m) => m.period === p);
      return cells.some((m) => m.suppressed) && cells.some((m) => !m.suppressed);
    };
    const otherWeek = week.periods.slice(0, -1).reverse().find((p) => mixed(week, p)) ?? week.periods[0];
    await pickMatrixPeriod(otherWeek);
    shown = await shownAggregates(agg);
    assertHeatmap(shown, week, "emailsSent");
    weekCells.push(...assertMatrix(shown, week, otherWeek));
    // A click on a heatmap column heading picks its week too.
    const clickedWeek = week.periods.find((p) => p !== otherWeek && p !== latestWeek);
    await agg.locator(`${view} table[data-heatmap] thead th[data-period="${clickedWeek}"]`).click();
    await shows(`[data-figure="matrix"][data-period="${clickedWeek}"]`);
    weekCells.push(...assertMatrix(await shownAggregates(agg), week, clickedWeek));
    assert.ok(weekCells.some((m) => m.suppressed) && weekCells.some((m) => !m.suppressed), "both shown and suppressed pairs are compared");
    assert.match(shown.legends, new RegExp(`fewer than ${week.minGroupSize} people`), "the legend explains suppression");
    assert.match(shown.legends, /no totals/i, "the legend says why there are no totals");
    assert.match(shown.legends, /subtract/i);
    assert.doesNotMatch(shown.tableText, /total/i, "no total row or column");
    assert.equal(shown.footers, 0);
    const bands = await agg.$$eval(`${view} table[data-heatmap] td.heat:not(.suppressed)`, (tds) =>
      [...new Set(tds.map((td) => /\bq(\d)\b/.exec(td.className)?.[1]))].sort(),
    );
    assert.deepEqual(bands, ["0", "1", "2", "3", "4", "5"], "six colour bands");

    // Every metric, drawn from the same answer.
    for (const metric of AGG_METRICS.slice(1)) {
      await agg.locator(`${view} select[data-control="metric"]`).selectOption(metric);
      await shows(`[data-view="aggregates"][data-metric="${metric}"]`);
      assertHeatmap(await shownAggregates(agg), week, metric);
    }
    assertMatrix(await shownAggregates(agg), week, clickedWeek); // a metric change keeps the matrix's period

    // Months: the worker is asked again with period "month".
    await agg.locator(`${view} [data-control="period"] label`, { hasText: "Month" }).click();
    await shows('[data-view="aggregates"][data-shown="table"][data-period="month"]');
    const month = engine.aggregates({ groupBy: "department", period: "month" });
    shown = await shownAggregates(agg);
    assertHeatmap(shown, month, "externalContacts");
    assert.ok(month.periods.length >= 2, "the demo data spans several months");
    const monthCells = [...assertMatrix(shown, month, month.periods.at(-1))];
    await pickMatrixPeriod(month.periods[0]);
    shown = await shownAggregates(agg);
    assertHeatmap(shown, month, "externalContacts");
    monthCells.push(...assertMatrix(shown, month, month.periods[0]));
    assert.ok(monthCells.some((m) => !m.suppressed), "shown month pairs are compared");
    assert.ok(monthCells.some((m) => m.suppressed && /fewer than/.test(m.reason)), "pairs hidden for too few people are compared");
    await agg.locator(`${view} select[data-control="metric"]`).selectOption("meetingMinutes");
    await shows('[data-view="aggregates"][data-metric="meetingMinutes"]');
    shown = await shownAggregates(agg);
    assertHeatmap(shown, month, "meetingMinutes");
    assertMatrix(shown, month, month.periods[0]);

    // Keyboard: the cells are one tab stop; arrows move and the cell is read out below.
    const first = agg.locator(`${view} table[data-heatmap] tbody td`).first();
    await first.focus();
    await agg.keyboard.press("ArrowRight");
    await agg.keyboard.press("ArrowDown");
    const focused = await agg.evaluate(() => ({ ...document.activeElement.dataset }));
    assert.deepEqual([focused.group, focused.period], [month.groups[1], month.periods[1]]);
    const detail = await agg.textContent(`${view} [data-detail]`);
    assert.ok(detail.includes(month.groups[1]), `the detail line names the cell: ${detail}`);
    assert.equal(await agg.locator(`${view} table[data-heatmap] td[tabindex="0"]`).count(), 1, "one tab stop in the heatmap");

    // Per account: compared like the departments when the engine computes it, else said to come later.
    let byAccount = null;
    try {
      byAccount = engine.aggregates({ groupBy: "account", period: "month" });
    } catch (err) {
      assert.equal(err.code, "NOT_IMPLEMENTED", err.message);
    }
    await agg.locator(`${view} select[data-control="group-by"]`).selectOption("account");
    if (byAccount) {
      await shows('[data-view="aggregates"][data-shown="table"][data-group-by="account"]');
      assert.equal(await agg.locator(`${view} table[data-matrix]`).count(), 0, "no department matrix per account");
      for (const metric of ACCOUNT_METRICS) {
        await agg.locator(`${view} select[data-control="metric"]`).selectOption(metric);
        await shows(`[data-view="aggregates"][data-group-by="account"][data-metric="${metric}"]`);
        assertHeatmap(await shownAggregates(agg), byAccount, metric);
      }
    } else {
      await shows('[data-view="aggregates"][data-shown="notice"] [data-notice="not-implemented"]');
    }
    // With noise: a noisy table with its privacy panel (tested in depth below); unticked, the exact figures again.
    await agg.locator(`${view} select[data-control="group-by"]`).selectOption("department");
    await shows('[data-view="aggregates"][data-shown="table"][data-period="month"]');
    await agg.locator(`${view} [data-control="noise"]`).check();
    await shows('[data-view="aggregates"][data-shown="table"][data-noise="on"] [data-privacy="noise"]');
    await agg.locator(`${view} [data-control="noise"]`).uncheck();
    await shows('[data-view="aggregates"][data-shown="table"][data-period="month"]:not([data-noise])');
    assert.equal(await agg.locator(`${view} [data-privacy], ${view} td.approx`).count(), 0, "no noise marks without noise");
    await agg.locator(`${view} [data-control="period"] label`, { hasText: "Week" }).click();
    await shows('[data-view="aggregates"][data-shown="table"][data-period="week"]');
    shown = await shownAggregates(agg);
    assertHeatmap(shown, week, "meetingMinutes");
    assertMatrix(shown, week, clickedWeek); // the week picked before is kept

    await agg.locator(`${view} select[data-control="metric"]`).selectOption("emailsSent");
    await shows('[data-view="aggregates"][data-metric="emailsSent"]');
    mkdirSync(join(repo, "test-artifacts"), { recursive: true });
    await agg.locator(`${view} table[data-heatmap] tbody td`).nth(week.periods.length + 3).hover();
    await agg.locator("#team").screenshot({ path: join(repo, "test-artifacts", "aggregates.png") });

    // On a phone: the heatmap scrolls inside its box, the page does not.
    await agg.setViewportSize({ width: 390, height: 844 });
    await sleep(150);
    const overflow = await agg.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, "the aggregates view fits 390 px");
    const scroll = await agg.$eval(`${view} .heatmap-scroll`, (box) => ({ scroll: box.scrollWidth, client: box.clientWidth }));
    assert.ok(scroll.scroll > scroll.client, `the heatmap scrolls sideways inside its box (${scroll.scroll} > ${scroll.client})`);
    await agg.locator("#team").screenshot({ path: join(repo, "test-artifacts", "aggregates-390.png") });
    assert.deepEqual(errors, []);
  } finally {
    engine.free();
    await agg.close();
  }
});

test("with privacy noise, the heatmap says what the answer cost and how far off it is, marks figures approximate and never shows null", async () => {
  const engine = nodeEngine({ aggregated: true }, AGG_INTERACTIONS);
  const { p, errors, shows } = await aggregatesPage(`seed=${SEED}&interactions=${AGG_INTERACTIONS}`);
  const view = '#team-result [data-view="aggregates"]';
  const noiseBox = p.locator(`${view} [data-control="noise"]`);
  const pickMetric = async (metric) => {
    await p.locator(`${view} select[data-control="metric"]`).selectOption(metric);
    await shows(`[data-view="aggregates"][data-metric="${metric}"]`);
  };
  /** No "null", "NaN" or "undefined" anywhere a person reads or hears. */
  const assertNoNullText = async (where) => {
    const text = await viewTexts(p);
    assert.doesNotMatch(text, /\bnull\b|\bNaN\b|\bundefined\b/, `${where}: no null, NaN or undefined is shown`);
  };
  try {
    const exact = engine.aggregates({ groupBy: "department", period: "week" });
    // The Node engine's noisy answer gives the scales (they depend on epsilon and the caps, not on the draw).
    const noisy = engine.aggregates({ groupBy: "department", period: "week", noise: { epsilon: NOISE_EPSILON } });

    // External contacts picked first: noise does not release it, so the view falls back and says so.
    await pickMetric("externalContacts");
    assert.equal(await p.locator(`${view} [data-privacy]`).count(), 0, "no privacy panel without noise");
    await noiseBox.check();
    await shows('[data-view="aggregates"][data-shown="table"][data-noise="on"] [data-privacy="noise"]');
    let privacy = await shownPrivacy(p);
    assert.equal(privacy.epsilon, NOISE_EPSILON);
    assert.equal(privacy.fromCache, "false");
    assert.deepEqual([privacy.spent, privacy.remaining], [1, 9], "the default budget of 10, one answer spent");
    assert.match(privacy.cost, /Privacy noise on: ε = 1 for this answer; budget spent 1 of 10, 9 left\./);
    assert.match(privacy.fallback, /External contacts is not released with noise: showing e-mails sent instead/);
    assert.match(await p.textContent("#team-status"), /not released with noise/, "the status line says so too");
    assert.match(privacy.metric, /^E-mails sent: each figure ± about/);
    assertSpread(privacy.metric, spreadOf(noisy, "emailsSent"), "the e-mails sent line");
    assert.match(privacy.metric, /one standard deviation/);
    assertSpread(privacy.matrix, spreadOf(noisy, "matrixInteractions"), "the collaboration matrix line");
    assert.match(privacy.unit, /one person's records in one period/);
    assert.match(privacy.unit, /Not released with noise.*external contacts/);

    // The picker follows: external contacts cannot be picked, and says why.
    assert.equal(await p.inputValue(`${view} select[data-control="metric"]`), "emailsSent");
    let options = await metricOptions(p);
    for (const [key, text, disabled] of options) {
      const unreleased = UNRELEASED.department.includes(key);
      assert.equal(disabled, unreleased, `${key} is ${unreleased ? "disabled" : "enabled"} with noise`);
      if (unreleased) assert.match(text, /not released with noise/, `${key} says why`);
    }

    // The figures: suppressed by the noisy count, every other cell approximate; the matrix too.
    let shown = await shownAggregates(p);
    assertNoisyHeatmap(shown, exact, "emailsSent");
    const firstNoisy = shown.cells.map((c) => c.value);
    assert.ok(shown.matrix.some((c) => c.suppressed !== "true"), "the matrix shows noisy pairs");
    for (const c of shown.matrix.filter((m) => m.suppressed !== "true")) {
      assert.match(c.className, /\bapprox\b/, `matrix ${c.from} × ${c.to} is drawn as approximate`);
      assert.ok(Number.isInteger(c.value) && c.value >= 0, `matrix ${c.from} × ${c.to} is a whole number ≥ 0`);
    }
    assert.match(shown.legends, /≈ approximate/, "the legend explains ≈");
    const cell = p.locator(`${view} table[data-heatmap] td.approx`).first();
    await cell.hover();
    assert.match(await p.textContent(`${view} [data-detail]`), /: ≈ .*± about/, "the detail line says ≈ and how far off");
    await assertNoNullText("e-mails sent with noise");

    // Every released metric, drawn from the same noisy answer: its own explanation, no null text.
    for (const metric of AGG_METRICS.filter((m) => !UNRELEASED.department.includes(m)).slice(1)) {
      await pickMetric(metric);
      shown = await shownAggregates(p);
      assertNoisyHeatmap(shown, exact, metric);
      privacy = await shownPrivacy(p);
      assert.equal(privacy.fallback, null, "no fallback note once a released metric is picked");
      if (metric === "afterHoursShare") {
        assert.match(privacy.metric, /^After-hours share: a share of noisy counts/);
        assertSpread(privacy.metric, spreadOf(noisy, "afterHoursEmails"), "the after-hours line");
      } else {
        assertSpread(privacy.metric, spreadOf(noisy, metric), `the ${metric} line`);
      }
      await assertNoNullText(`${metric} with noise`);
    }
    mkdirSync(join(repo, "test-artifacts"), { recursive: true });
    await p.locator("#team").screenshot({ path: join(repo, "test-artifacts", "aggregates-noise.png") });

    // Unticked: the exact figures, nothing marked; ticked again: the same question, from cache, at no cost.
    await pickMetric("emailsSent");
    await noiseBox.uncheck();
    await shows('[data-view="aggregates"][data-shown="table"]:not([data-noise])');
    assertHeatmap(await shownAggregates(p), exact, "emailsSent");
    assert.equal(await p.locator(`${view} [data-privacy], ${view} td.approx`).count(), 0, "no noise marks without noise");
    options = await metricOptions(p);
    assert.ok(options.every(([, text, disabled]) => !disabled && !/not released/.test(text)), "every metric can be picked without noise");
    await noiseBox.check();
    await shows('[data-view="aggregates"][data-noise="on"] [data-privacy="noise"][data-from-cache="true"]');
    privacy = await shownPrivacy(p);
    assert.deepEqual([privacy.spent, privacy.remaining], [1, 9], "a repeated question spends nothing");
    assert.match(privacy.cost, /Repeated from cache, no cost.*budget spent 1 of 10, 9 left/);
    assert.deepEqual((await shownAggregates(p)).cells.map((c) => c.value), firstNoisy, "the cached answer is the same answer");

    // Per account: a new question (one more ε), and the metrics noise does not release cannot be picked.
    const exactAccounts = engine.aggregates({ groupBy: "account", period: "week" });
    const noisyAccounts = engine.aggregates({ groupBy: "account", period: "week", noise: { epsilon: NOISE_EPSILON } });
    await p.locator(`${view} select[data-control="group-by"]`).selectOption("account");
    await shows('[data-view="aggregates"][data-group-by="account"][data-noise="on"] [data-privacy="noise"][data-from-cache="false"]');
    privacy = await shownPrivacy(p);
    assert.deepEqual([privacy.spent, privacy.remaining], [2, 8]);
    assert.equal(privacy.matrix, null, "no matrix line per account");
    options = await metricOptions(p);
    assert.deepEqual(
      options.filter(([, , disabled]) => disabled).map(([key]) => key),
      UNRELEASED.account,
      "the account metrics noise does not release are disabled",
    );
    for (const metric of ACCOUNT_METRICS.filter((m) => !UNRELEASED.account.includes(m))) {
      if (metric !== "emailsTo") await pickMetric(metric);
      assertNoisyHeatmap(await shownAggregates(p), exactAccounts, metric);
      privacy = await shownPrivacy(p);
      if (metric === "averageMeetingMinutes") assert.match(privacy.metric, /noisy minutes ÷ noisy meetings/);
      else if (metric === "engagementScore") assert.match(privacy.metric, /noisy counts/);
      else assertSpread(privacy.metric, spreadOf(noisyAccounts, metric), `the ${metric} line`);
      await assertNoNullText(`${metric} per account with noise`);
    }
    assert.deepEqual(errors, []);
  } finally {
    engine.free();
    await p.close();
  }
});

test("once the privacy budget is spent, a card says so; earlier noisy answers come from cache and the exact figures stay", async () => {
  // A budget of 2 (?epsilonBudget=2): two noisy questions, and the third is refused.
  const budget = 2;
  const engine = nodeEngine({ aggregated: true }, INTERACTIONS, { epsilonBudget: budget });
  const { p, errors, shows } = await aggregatesPage(`seed=${SEED}&interactions=${INTERACTIONS}&epsilonBudget=${budget}`);
  const view = '#team-result [data-view="aggregates"]';
  const noiseBox = p.locator(`${view} [data-control="noise"]`);
  const card = p.locator(`${view} [data-notice="budget-exhausted"]`);
  try {
    // The Node engine asks the same questions, for the refusal's message.
    engine.aggregates({ groupBy: "department", period: "week", noise: { epsilon: NOISE_EPSILON } });
    engine.aggregates({ groupBy: "department", period: "month", noise: { epsilon: NOISE_EPSILON } });
    let refusal = null;
    try {
      engine.aggregates({ groupBy: "account", period: "month", noise: { epsilon: NOISE_EPSILON } });
    } catch (err) {
      refusal = err;
    }
    assert.equal(refusal?.code, "PRIVACY_BUDGET_EXHAUSTED", "the Node engine refuses the third question");

    await noiseBox.check();
    await shows('[data-view="aggregates"][data-period="week"][data-noise="on"] [data-privacy="noise"]');
    let privacy = await shownPrivacy(p);
    assert.deepEqual([privacy.spent, privacy.remaining], [1, 1]);
    assert.match(privacy.cost, /budget spent 1 of 2, 1 left/);

    await p.locator(`${view} [data-control="period"] label`, { hasText: "Month" }).click();
    await shows('[data-view="aggregates"][data-period="month"][data-noise="on"] [data-privacy="noise"]');
    privacy = await shownPrivacy(p);
    assert.deepEqual([privacy.spent, privacy.remaining], [2, 0]);
    assert.match(privacy.cost, /budget spent 2 of 2, 0 left\. Too little is left for a new question/);

    // A third question: refused with a card, the controls kept.
    await p.locator(`${view} select[data-control="group-by"]`).selectOption("account");
    await shows('[data-view="aggregates"][data-shown="notice"] [data-notice="budget-exhausted"]');
    const text = await card.textContent();
    assert.match(text, /budget/i);
    assert.match(text, /cache/i, "earlier answers are said to come from cache");
    assert.match(text, /per department by week; per department by month/, "the questions asked before are named");
    assert.match(text, /without noise remain available: untick the noise option/);
    assert.ok(text.includes("PRIVACY_BUDGET_EXHAUSTED"), "the error code is shown");
    assert.ok(text.includes(refusal.message), `the engine's message is shown: ${refusal.message}`);
    assert.equal(await card.getAttribute("role"), "alert");
    assert.equal(await p.locator(`${view} table[data-heatmap], ${view} [data-privacy]`).count(), 0, "no figures under the card");
    assert.equal(await noiseBox.isChecked(), true, "the noise option stays ticked");
    assert.match(await p.textContent("#team-status"), /privacy budget spent/);

    // An earlier question still answers, from cache.
    await p.locator(`${view} select[data-control="group-by"]`).selectOption("department");
    await shows('[data-view="aggregates"][data-group-by="department"][data-period="month"] [data-privacy="noise"][data-from-cache="true"]');
    privacy = await shownPrivacy(p);
    assert.deepEqual([privacy.spent, privacy.remaining], [2, 0]);

    // The new question again, then its card's button: the exact figures, noise unticked.
    await p.locator(`${view} select[data-control="group-by"]`).selectOption("account");
    await shows('[data-view="aggregates"][data-shown="notice"] [data-notice="budget-exhausted"]');
    await card.getByRole("button", { name: "Show the figures without noise" }).click();
    await shows('[data-view="aggregates"][data-shown="table"][data-group-by="account"][data-period="month"]:not([data-noise])');
    assert.equal(await noiseBox.isChecked(), false, "the noise option is unticked");
    assertHeatmap(await shownAggregates(p), engine.aggregates({ groupBy: "account", period: "month" }), "emailsTo");
    assert.deepEqual(errors, []);
  } finally {
    engine.free();
    await p.close();
  }
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
