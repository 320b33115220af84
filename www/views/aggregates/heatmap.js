// The aggregates heatmap: groups × periods of one metric, each cell coloured
// by its quantile band or suppressed, with the current period marked and, by
// department, a click on a period's heading showing it in the collaboration
// matrix. No totals are drawn: a row or column total beside its visible
// cells would give away the hidden one.

import { el, countFormat, NO_DATA } from "../../ui.js";
import { GROUP_WORDS, periodStart, periodEnd, periodShort, periodLong, noiseSpread } from "./metrics.js";
import { quantileBands, roving, suppressedCell, legend, figureCell } from "./cells.js";

/**
 * @typedef {import("./metrics.js").Metric} Metric
 * @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable
 */

/**
 * "63 accounts hidden: fewer than 5 colleagues active in any month".
 * @param {number} n
 * @param {AggregateTable} table
 * @param {typeof GROUP_WORDS.department} words
 */
export function foldedText(n, table, words) {
  const period = table.period === "month" ? "month" : "week";
  return `${countFormat.format(n)} ${words.one}${n === 1 ? "" : "s"} hidden: fewer than ${table.minGroupSize} ${words.who} active in any ${period}${table.noise ? " (by a noisy count)" : ""}.`;
}

/**
 * The heatmap figure. With `pickPeriod`, a click on a period's heading shows
 * that period in the collaboration matrix (its selector does the same from
 * the keyboard); `mark(period)` outlines the heading of the matrix's period.
 * @param {AggregateTable} table
 * @param {Metric} metric
 * @param {Date | null} now
 * @param {(cell: HTMLElement) => void} showDetail
 * @param {((period: string) => void) | null} [pickPeriod]
 */
export function heatmap(table, metric, now, showDetail, pickPeriod = null) {
  const periodWord = table.period === "month" ? "month" : "week";
  const words = GROUP_WORDS[table.groupBy] ?? GROUP_WORDS.department;
  const current = now ? table.periods.filter((p) => periodStart(p) <= now && now < periodEnd(p)) : [];
  /** @type {(metrics: object, key: string) => number | null | undefined} */
  const metricValue = (metrics, key) => /** @type {Record<string, number | null | undefined>} */ (metrics)[key];
  // With noise: each figure's likely range, two standard deviations of its noise (metrics.js).
  const sd = table.noise && metric.noise?.scale ? noiseSpread(table.noise, metric.noise.scale) : null;
  const range = sd === null ? null : 2 * sd;
  const values = table.rows
    .filter((r) => !r.suppressed && r.metrics)
    .map((r) => metricValue(/** @type {object} */ (r.metrics), metric.key))
    // Cells too uncertain to compare (greyed) do not set the colour scale.
    .filter((v) => range === null || (typeof v === "number" && 2 * range <= v));
  const bands = quantileBands(values);
  const byKey = new Map(table.rows.map((r) => [`${r.group}\u0000${r.period}`, r]));
  // Rows with nothing to show (every cell suppressed) are folded into one line: display only.
  const shownGroups = table.groups.filter((g) => table.periods.some((p) => {
    const row = byKey.get(`${g}\u0000${p}`);
    return row && !row.suppressed && row.metrics;
  }));
  const folded = table.periods.length ? table.groups.length - shownGroups.length : 0;

  const headings = table.periods.map((p) => {
    const inProgress = current.includes(p);
    const t = el("time", { dateTime: p, text: periodShort(p) });
    const title = inProgress ? `${periodLong(p)}: in progress` : periodLong(p);
    const th = el(
      "th",
      {
        scope: "col",
        "data-period": p,
        class: [inProgress ? "in-progress" : null, pickPeriod ? "pickable" : null].filter(Boolean).join(" ") || null,
        title: pickPeriod ? `${title} (click to show it in the collaboration matrix)` : title,
      },
      t,
      inProgress ? el("span", { class: "progress-mark", "aria-label": "in progress", text: "•" }) : null,
    );
    if (pickPeriod) th.addEventListener("click", () => pickPeriod(p));
    return th;
  });
  const head = el("thead", {}, el("tr", {}, el("th", { scope: "col", class: "corner", text: words.heading }), ...headings));
  /**
   * Outlines the heading of the period the matrix shows.
   * @param {string} period
   */
  const mark = (period) => {
    for (const th of headings) th.classList.toggle("matrix-period", th.dataset.period === period);
  };

  /** @type {HTMLElement[][]} */
  const cells = [];
  const body = el(
    "tbody",
    {},
    ...(table.periods.length ? shownGroups : table.groups).map((group) => {
      const rowCells = table.periods.map((period) => {
        const row = byKey.get(`${group}\u0000${period}`);
        const attrs = { "data-group": group, "data-period": period };
        const where = `${group}, ${periodLong(period)}`;
        if (!row || row.suppressed || !row.metrics) {
          return suppressedCell(attrs, where, row?.reason ?? (row ? null : "no figure in the engine's answer"));
        }
        const value = metricValue(row.metrics, metric.key);
        if (value === null || value === undefined) {
          const none = metric.none ?? "no value";
          return el("td", {
            class: "heat none",
            ...attrs,
            "data-value": "null",
            title: `${where}: ${none}`,
            "aria-label": `${where}: ${none}`,
            tabIndex: -1,
            text: NO_DATA,
          });
        }
        return figureCell(attrs, where, bands.band(value), value, metric, table.noise, range);
      });
      cells.push(rowCells);
      return el("tr", { "data-group": group }, el("th", { scope: "row", text: group }), ...rowCells);
    }),
  );

  const grid = el(
    "table",
    { class: "heatmap", role: "grid", "aria-readonly": "true", "data-heatmap": metric.key },
    el("caption", { class: "visually-hidden", text: `${metric.label} per ${words.one} and ${periodWord}; suppressed cells are marked.` }),
    head,
    body,
  );
  roving(grid, cells, showDetail);

  const suppressed = table.rows.filter((r) => r.suppressed).length;
  const notes = [
    `Colours: six quantile bands of the ${countFormat.format(bands.count)} cells shown, lightest = lowest. `,
    `A cell is suppressed (hatched, ⊘, no figure) when fewer than ${table.minGroupSize} ${words.active} were active in that ${periodWord}`,
    table.noise ? " (with privacy noise: by a noisy count of those who sent or organized something): " : ", or in the days it shares with another week or month (that week or month would give those days away): ",
    `${countFormat.format(suppressed)} of ${countFormat.format(table.rows.length)} here. `,
    `No totals are shown, on purpose: ${words.one === "account" ? "an account's" : "a department's"} or a period's total next to its visible cells would let anyone subtract them and recover a suppressed one.`,
  ];
  if (table.noise) {
    notes.push(
      ` With privacy noise every figure shown is approximate (≈), the colours too; which cells are suppressed is decided on a noisy count of their people too, so it may differ from the answer without noise.`,
    );
  }
  if (current.length) notes.push(` • marks the current ${periodWord}, still in progress.`);
  if (pickPeriod) notes.push(` Click a ${periodWord}'s heading to show it in the collaboration matrix below.`);

  const figure = el(
    "figure",
    { class: "agg-figure", "data-figure": "heatmap", "data-heatmap-metric": metric.key },
    el(
      "figcaption",
      {},
      el("h4", { text: `${metric.label} per ${words.one} and ${periodWord}` }),
      legend(bands, metric, table, { words }),
    ),
    // Every row folded: the line says so, and no empty grid is drawn.
    shownGroups.length === 0 && folded
      ? null
      : el(
          "div",
          {
            class: table.groups.length > 16 ? "heatmap-scroll tall" : "heatmap-scroll",
            role: "group",
            "aria-label": `${metric.label} heatmap, scrolls sideways`,
          },
          grid,
        ),
    // Outside the grid: a line of text, not a row of cells.
    folded ? el("p", { class: "folded-rows", "data-folded": String(folded), text: foldedText(folded, table, words) }) : null,
    el("p", { class: "help agg-notes", "data-legend": "heatmap" }, ...notes),
  );
  return { figure, mark };
}
