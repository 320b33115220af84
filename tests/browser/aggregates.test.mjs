// The dashboard's organization aggregates in headless Chromium, each test on
// a page of its own: the heatmap and the collaboration matrix must equal the
// Node binding's aggregates on the same demo data, suppressed cells marked
// and explained; with privacy noise, each answer must say what it cost and
// how far off its figures are, mark them approximate and never show null; a
// spent privacy budget must be said as such, earlier noisy answers coming
// from cache and the exact figures staying available.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, BEFORE_17, setScope, viewTab } from "./helpers.mjs";
import { SEED, INTERACTIONS, AGG_INTERACTIONS, nodeEngine, sleep } from "./dashboard-helpers.mjs";
import {
  AGG_METRICS,
  ACCOUNT_METRICS,
  PLAIN_METRICS,
  NOISE_EPSILON,
  UNRELEASED,
  shownAggregates,
  assertHeatmap,
  assertMatrix,
  aggregatesPage as aggregatesPageIn,
  shownPrivacy,
  metricOptions,
  viewTexts,
  spreadOf,
  assertSpread,
  assertNoisyHeatmap,
} from "./aggregates-helpers.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));

let server;
let serverUrl;
let context;
let profileDir;
const pageErrors = [];
const consoleErrors = [];
const requests = [];

const aggregatesPage = (query) => aggregatesPageIn(context, serverUrl, query);

before(async () => {
  const started = await startServer(0);
  server = started.server;
  serverUrl = started.url;
  // Every test opens its own page in this profile; requests from the pages and their workers reach the context.
  ({ context, profileDir } = await openProfile("aggregates", { pageErrors, consoleErrors, requests }));
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
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
    await agg.goto(`${serverUrl}?seed=${SEED}&interactions=${AGG_INTERACTIONS}${BEFORE_17}`);
    await agg.waitForSelector('main[data-state="ready"]', { timeout: 20_000 });

    // Without the scope: refused, naming it.
    await viewTab(agg, "Organization aggregates").click();
    await shows('[role="alert"][data-refusal="aggregated"]');

    await setScope(agg, "aggregated", true, /Granted/);
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
    assert.match(privacy.cost, /Privacy noise on: This answer used 1 of the privacy allowance; 1 of 10 used so far, 9 left\./);
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
    assert.match(privacy.cost, /Repeated at no cost.*1 of 10 used so far, 9 left/);
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
    assert.match(privacy.cost, /1 of 2 used so far, 1 left/);

    await p.locator(`${view} [data-control="period"] label`, { hasText: "Month" }).click();
    await shows('[data-view="aggregates"][data-period="month"][data-noise="on"] [data-privacy="noise"]');
    privacy = await shownPrivacy(p);
    assert.deepEqual([privacy.spent, privacy.remaining], [2, 0]);
    assert.match(privacy.cost, /2 of 2 used so far, 0 left\. Too little is left for a new question/);

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
    assert.match(await p.textContent("#team-status"), /privacy allowance is used up/);

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

test("no request beyond 127.0.0.1", () => {
  assert.ok(requests.some((u) => u.endsWith("/pkg/rapport_bg.wasm")), "the wasm was fetched");
  const foreign = requests.filter((u) => {
    const { protocol, hostname } = new URL(u);
    return !(protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1");
  });
  assert.deepEqual(foreign, []);
});
