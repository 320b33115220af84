// The organization aggregates' figures for one answer of the engine (an
// AggregateTable): the privacy panel with noise, a summary of the window, the
// heatmap, a line that reads the cell in focus, and the collaboration matrix;
// or, instead of figures, what the engine does not compute yet or why the
// privacy budget cannot pay for a noisy answer.

import { el, countFormat, dateFormat } from "../../ui.js";
import { GROUP_WORDS, MATRIX_METRIC, metricOf, shownMetric, figureText, periodLong } from "./metrics.js";
import { suppressedText } from "./cells.js";
import { heatmap } from "./heatmap.js";
import { matrixPeriodOf, collaborationMatrix } from "./matrix.js";
import { privacyPanel } from "./privacy.js";

/**
 * @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable
 * @typedef {import("./privacy.js").NoisyTable} NoisyTable
 * @typedef {{ code: string, message: string }} ShownError
 * @typedef {{ groupBy: string, period: string }} Question
 */

/**
 * The figures of `table` for `metric` (a key of METRICS); `now` (ISO) marks
 * the period in progress. `matrix.period` is the period the collaboration
 * matrix shows (default: the table's latest), `matrix.onPeriod(period)` is
 * told when it changes. A metric not released with noise gives way to the
 * first one released (see shownMetric), and the privacy panel says so.
 * @param {AggregateTable} table
 * @param {string} metricKey
 * @param {string | null} [now]
 * @param {{ period?: string | null, onPeriod?: (period: string) => void }} [matrix]
 * @returns {HTMLElement[]}
 */
export function aggregatesBody(table, metricKey, now = null, matrix = {}) {
  const wanted = metricOf(table.groupBy, metricKey);
  const metric = shownMetric(table, metricKey);
  const privacy = table.noise ? privacyPanel(/** @type {NoisyTable} */ (table), metric, metric === wanted ? null : wanted) : null;
  const words = GROUP_WORDS[table.groupBy] ?? GROUP_WORDS.department;
  const detail = el("p", { class: "agg-detail", "data-detail": "", "aria-hidden": "true" });
  const defaultDetail = "Hover, tap or focus a cell (arrow keys move) to read it here.";
  detail.textContent = defaultDetail;
  /** @param {HTMLElement} cell */
  const show = (cell) => {
    // Every cell carries its period and, unless suppressed, its value (heatmap.js, matrix.js).
    const d = /** @type {DOMStringMap & { period: string, value: string }} */ (cell.dataset);
    const where = d.group
      ? `${d.group} · ${periodLong(d.period)}`
      : `${d.from === d.to ? `Within ${d.from}` : `${d.from} × ${d.to}`} · ${periodLong(d.period)}`;
    if (d.suppressed === "true") {
      detail.replaceChildren(el("strong", { text: where }), `: ${suppressedText(d.reason)}.`);
    } else if (d.value === "null") {
      detail.replaceChildren(el("strong", { text: where }), `: ${metric.label.toLowerCase()}: ${metric.none ?? "no value"}.`);
    } else if (d.group) {
      detail.replaceChildren(el("strong", { text: where }), `: ${figureText(metric, JSON.parse(d.value), table.noise)}.`);
    } else {
      detail.replaceChildren(el("strong", { text: where }), `: ${figureText(MATRIX_METRIC, JSON.parse(d.value), table.noise)}.`);
    }
  };
  const nowDate = now ? new Date(now) : null;
  const periodWord = table.period === "month" ? "months" : "weeks";
  const summary = el(
    "p",
    { class: "muted small agg-summary" },
    `${countFormat.format(table.groups.length)} ${words.one}s × ${countFormat.format(table.periods.length)} whole ${periodWord} (${
      table.period === "month" ? "calendar months" : "Monday to Sunday"
    }, UTC): `,
    el("time", { dateTime: table.window.start, "data-field": "window-start", text: dateFormat.format(new Date(table.window.start)) }),
    " – ",
    el("time", {
      dateTime: table.window.end,
      "data-field": "window-end",
      text: dateFormat.format(new Date(new Date(table.window.end).getTime() - 86_400_000)),
    }),
    `. Only groups of at least ${table.minGroupSize} active people are shown; no one is named.`,
  );
  if (!table.groups.length) {
    return present([
      privacy,
      summary,
      el("p", { class: "empty", "data-empty": "groups", text: `The people directory lists no ${words.one}s, so there is nothing to aggregate.` }),
    ]);
  }
  const withMatrix = (table.groupBy === "department" || table.matrix.length > 0) && table.periods.length > 0;
  /** @type {((period: string) => void) | null} */
  let pick = null;
  const heat = heatmap(table, metric, nowDate, show, withMatrix ? (p) => pick?.(p) : null);
  const parts = present([privacy, summary, heat.figure, detail]);
  if (withMatrix) {
    const m = collaborationMatrix(table, matrixPeriodOf(table, matrix.period), nowDate, show, (p) => {
      heat.mark(p);
      matrix.onPeriod?.(p);
    });
    pick = m.setPeriod;
    parts.push(m.figure);
  } else if (table.groupBy === "department") {
    parts.push(el("p", { class: "muted small", "data-empty": "matrix", text: "No whole period in the window, so no collaboration matrix." }));
  } else {
    parts.push(el("p", { class: "muted small", "data-empty": "matrix", text: "The collaboration matrix compares departments: group by department to see it." }));
  }
  return parts;
}

/**
 * @param {(HTMLElement | null)[]} parts
 * @returns {HTMLElement[]}
 */
function present(parts) {
  return /** @type {HTMLElement[]} */ (parts.filter(Boolean));
}

/**
 * What the engine does not compute yet (aggregates per account, in builds before they landed).
 * @param {{ groupBy: string }} options
 * @param {ShownError | null} err
 */
export function notImplementedBody(options, err) {
  return [
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "not-implemented" },
      el("h3", { text: `Aggregates per ${options.groupBy}: coming in a later release` }),
      el("p", {
        text: "Consent allows this view, but this version of rapport does not compute these figures yet. Group by department to see the current figures.",
      }),
      err ? el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`) : null,
    ),
  ];
}

/**
 * The engine's privacy budget cannot pay for this noisy question
 * (PRIVACY_BUDGET_EXHAUSTED). `asked` lists the noisy questions answered
 * before ({ groupBy, period }), which still answer from cache;
 * `withoutNoise()` unticks the noise option.
 * @param {{ groupBy: string, period: string }} options
 * @param {ShownError} err
 * @param {Question[]} [asked]
 * @param {(() => void) | null} [withoutNoise]
 */
export function budgetExhaustedBody(options, err, asked = [], withoutNoise = null) {
  const periodWord = options.period === "month" ? "month" : "week";
  const earlier = asked.map((q) => `per ${q.groupBy} by ${q.period === "month" ? "month" : "week"}`);
  const button = withoutNoise ? el("button", { type: "button", class: "secondary", text: "Show the figures without noise" }) : null;
  if (button && withoutNoise) button.addEventListener("click", withoutNoise);
  return [
    el(
      "div",
      { class: "card notice budget-exhausted", role: "alert", "data-notice": "budget-exhausted" },
      el("h3", { text: "Privacy allowance used up: no new organization figures" }),
      el("p", {
        text:
          `Every new answer with privacy noise spends part of this engine's privacy budget, so that together they reveal no more than it allows about anyone. ` +
          `It is spent: aggregates per ${options.groupBy} by ${periodWord} cannot be released with noise any more.`,
      }),
      el("p", {
        text:
          (earlier.length
            ? `Earlier answers are still shown, from cache and at no cost while the data is unchanged: pick them again (${earlier.join("; ")}). `
            : "Earlier noisy answers are still shown, from cache and at no cost while the data is unchanged: pick the same grouping and period again. ") +
          (withoutNoise ? "The figures without noise remain available: untick the noise option." : "Figures without noise are not offered here: that is this deployment's privacy policy."),
      }),
      el("details", { class: "error-details" }, el("summary", { text: "Details" }), el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`)),
      button ? el("div", { class: "buttons" }, button) : null,
    ),
  ];
}
