// How the aggregates tests (aggregates.test.mjs, and the consent test of
// dashboard.test.mjs) read the organization aggregates view from a page —
// heatmap, collaboration matrix, privacy panel — and compare it with the
// Node binding's AggregateTable: every cell, suppressed ones marked and
// explained, noisy ones marked approximate.
import assert from "node:assert/strict";
import { BEFORE_17, setScope, viewTab } from "./helpers.mjs";

export const AGG_METRICS = ["emailsSent", "emailsReceived", "meetings", "meetingMinutes", "afterHoursShare", "externalContacts"];
export const ACCOUNT_METRICS = [
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
export const PLAIN_METRICS = new Set([
  ...AGG_METRICS.filter((m) => m !== "afterHoursShare"),
  "emailsTo",
  "emailsFrom",
  "internalPeople",
  "accountPeople",
  "daysSinceLastEmail",
  "daysSinceLastMeeting",
  "engagementScore",
]);

/** Everything the aggregates view shows that the tests compare, read from `p`. */
export async function shownAggregates(p) {
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
      // The figure, without the noise range drawn under it (data-range).
      text: [...td.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim(),
      range: td.dataset.range,
      title: td.title,
      label: td.getAttribute("aria-label"),
      className: td.className,
    });
    return {
      period: view.dataset.period,
      metric: view.dataset.metric,
      heatmapMetric: view.querySelector('[data-figure="heatmap"]').dataset.heatmapMetric,
      grid: heat !== null,
      minGroupSize: Number(view.dataset.minGroupSize),
      groups: heat ? [...heat.querySelectorAll('tbody th[scope="row"]')].map((th) => th.textContent) : [],
      periods: heat ? [...heat.querySelectorAll("thead th[data-period]")].map((th) => th.dataset.period) : null,
      cells: heat ? [...heat.querySelectorAll("tbody td[data-period]")].map(cell) : [],
      folded: Number(view.querySelector("[data-folded]")?.dataset.folded ?? 0),
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
      markedPeriods: [...(heat?.querySelectorAll("thead th.matrix-period") ?? [])].map((th) => th.dataset.period),
      legends: [...view.querySelectorAll(".agg-legend, [data-legend]")].map((n) => n.textContent).join("\n"),
      tableText: [...view.querySelectorAll("table")].map((t) => t.textContent).join(" "),
      footers: view.querySelectorAll("tfoot").length,
    };
  });
}

/** A suppressed cell: marked, hatched, explained (tooltip and accessible name), with no figure. */
export function assertSuppressedCell(c, reason, where) {
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
export function assertHeatmap(shown, table, metric) {
  assert.equal(shown.period, table.period);
  assert.equal(shown.groupBy, table.groupBy);
  assert.equal(shown.metric, metric);
  assert.equal(shown.heatmapMetric, metric);
  assert.equal(shown.minGroupSize, table.minGroupSize);
  // Groups with nothing to show in any period are folded into one line (issue 17): counted, not drawn.
  const withFigures = table.periods.length
    ? table.groups.filter((g) => table.rows.some((r) => r.group === g && !r.suppressed))
    : table.groups;
  assert.deepEqual(shown.groups, withFigures, "one row per group with something shown, in the engine's order");
  assert.equal(shown.folded, table.groups.length - withFigures.length, "the others folded into one line, counted");
  // Every row folded: the line alone, no empty grid.
  assert.equal(shown.grid, withFigures.length > 0 || shown.folded === 0, "a grid exactly when some row shows");
  if (shown.grid) assert.deepEqual(shown.periods, table.periods, "one column per period, in the engine's order");
  assert.deepEqual(
    shown.cells.map((c) => [c.group, c.period]),
    withFigures.flatMap((g) => table.periods.map((p) => [g, p])),
    "every group shown × every period, row by row",
  );
  const rows = new Map(table.rows.map((r) => [`${r.group}\u0000${r.period}`, r]));
  assert.equal(rows.size, table.groups.length * table.periods.length, "the engine gives every group × period once");
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
export function assertMatrix(shown, table, period) {
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

/** The epsilon each noisy answer of the dashboard spends (www/views/aggregates/metrics.js NOISE_EPSILON). */
export const NOISE_EPSILON = 1;
/** Metrics the engine does not release with noise (null), per grouping. */
export const UNRELEASED = {
  department: ["externalContacts"],
  account: ["internalPeople", "accountPeople", "daysSinceLastEmail", "daysSinceLastMeeting", "averageReplyMinutes"],
};

/**
 * A new page in `context` of the dashboard at `url` + `query` (seed, interactions, …) with the
 * aggregated scope granted and the aggregates view open on its default
 * table; `shows(selector)` waits for the view to show `selector`, `errors`
 * collects the page's errors.
 */
export async function aggregatesPage(context, url, query) {
  const p = await context.newPage();
  const errors = [];
  p.on("pageerror", (err) => errors.push(err.message));
  p.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  const shows = async (selector) => {
    await p.locator(`#team-result ${selector}`).first().waitFor({ state: "visible" });
    await p.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
  };
  await p.goto(`${url}?${query}${BEFORE_17}`);
  await p.waitForSelector('main[data-state="ready"]', { timeout: 20_000 });
  await setScope(p, "aggregated", true, /Granted/);
  await viewTab(p, "Organization aggregates").click();
  await shows('[data-view="aggregates"][data-shown="table"]');
  return { p, errors, shows };
}

/** The privacy panel of the aggregates view on `p`, or null when it shows none. */
export async function shownPrivacy(p) {
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
export async function metricOptions(p) {
  return p.$$eval('#team-result [data-view="aggregates"] select[data-control="metric"] option', (o) =>
    o.map((n) => [n.value, n.textContent, n.disabled]),
  );
}

/** Every text a person can read or hear in the aggregates view: its text, tooltips and accessible names. */
export async function viewTexts(p) {
  return p.$eval('#team-result [data-view="aggregates"]', (view) =>
    [
      view.textContent,
      ...[...view.querySelectorAll("[title]")].map((n) => n.title),
      ...[...view.querySelectorAll("[aria-label]")].map((n) => n.getAttribute("aria-label")),
    ].join("\n"),
  );
}

/** One standard deviation of the noise on `figure`, as the privacy panel says it: ± about round(1.41·b). */
export function spreadOf(table, figure) {
  const b = table.noise.scales[figure];
  assert.ok(Number.isFinite(b), `the engine gives the scale of ${figure}`);
  return Math.round(1.41 * b);
}

/** Asserts that `text` says "± about <sd>" (digits compared, whatever the locale's separators). */
export function assertSpread(text, sd, what) {
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
export function assertNoisyHeatmap(shown, exact, metric) {
  assert.equal(shown.metric, metric);
  // A group whose every cell the noisy count suppresses is folded into the
  // one line (issue 17): which groups those are is itself noisy, so the
  // shown groups are the exact answer's, in order, less the folded ones.
  assert.deepEqual(shown.groups, exact.groups.filter((g) => shown.groups.includes(g)), "the exact answer's groups, in order");
  assert.equal(shown.groups.length + shown.folded, exact.groups.length, "every group drawn or counted in the folded line");
  assert.deepEqual(shown.periods, exact.periods);
  assert.equal(shown.cells.length, shown.groups.length * exact.periods.length, "every key of a drawn group is drawn");
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
