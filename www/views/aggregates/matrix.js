// The collaboration matrix: department × department interactions of one
// period at a time, picked with its "Matrix period" selector (or by a click
// on a period's heading in the heatmap). Each pair appears on both sides of
// the diagonal; a pair is suppressed when either side has too few people.

import { el, countFormat } from "../../ui.js";
import { MATRIX_METRIC, plusMinus, periodStart, periodEnd, periodLong, noiseSpread } from "./metrics.js";
import { quantileBands, roving, suppressedCell, legend, figureCell } from "./cells.js";
import { nextControlId } from "./controls.js";

/** @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable */

/**
 * The period the matrix shows: `wanted` when the table has it, else the table's latest period (null without periods).
 * @param {AggregateTable} table
 * @param {string | null | undefined} wanted
 * @returns {string | null}
 */
export function matrixPeriodOf(table, wanted) {
  return wanted && table.periods.includes(wanted) ? wanted : (table.periods.at(-1) ?? null);
}

/**
 * The grid, legend and notes of the matrix for one `period`.
 * @param {AggregateTable} table
 * @param {string} period
 * @param {boolean} inProgress
 * @param {(cell: HTMLElement) => void} showDetail
 */
function matrixParts(table, period, inProgress, showDetail) {
  const periodWord = table.period === "month" ? "month" : "week";
  const when = periodLong(period);
  /** @type {(a: string, b: string) => string} */
  const pairKey = (a, b) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const shown = table.matrix.filter((m) => m.period === period);
  const pairs = new Map(shown.map((m) => [pairKey(m.from, m.to), m]));
  // With noise: the likely range (two standard deviations); cells too uncertain to compare set no colour.
  const sd = table.noise ? noiseSpread(table.noise, "matrixInteractions") : null;
  const range = sd === null ? null : 2 * sd;
  const values = shown
    .filter((m) => !m.suppressed && m.interactions !== null)
    .map((m) => /** @type {number} */ (m.interactions))
    .filter((v) => range === null || 2 * range <= v);
  const bands = quantileBands(values);

  /** @type {HTMLElement[][]} */
  const cells = [];
  const body = el(
    "tbody",
    {},
    ...table.groups.map((from) => {
      const rowCells = table.groups.map((to) => {
        const pair = pairs.get(pairKey(from, to));
        const attrs = { "data-from": from, "data-to": to, "data-period": period };
        const where = `${from === to ? `Within ${from}` : `${from} × ${to}`}, ${when}`;
        let cell;
        if (!pair || pair.suppressed || pair.interactions === null) {
          cell = suppressedCell(attrs, where, pair?.reason ?? (pair ? null : "no figure in the engine's answer"));
        } else {
          cell = figureCell(attrs, where, bands.band(pair.interactions), pair.interactions, MATRIX_METRIC, table.noise, range);
        }
        if (from === to) cell.classList.add("self");
        return cell;
      });
      cells.push(rowCells);
      return el("tr", { "data-group": from }, el("th", { scope: "row", text: from }), ...rowCells);
    }),
  );
  const grid = el(
    "table",
    { class: "heatmap matrix", role: "grid", "aria-readonly": "true", "data-matrix": "departments", "data-period": period },
    el("caption", {
      class: "visually-hidden",
      text: `E-mails and meetings linking the members of two departments, ${when}; suppressed cells are marked.`,
    }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "col", class: "corner", text: "Department" }),
        ...table.groups.map((g) => el("th", { scope: "col", "data-group": g, title: g, text: g })),
      ),
    ),
    body,
  );
  roving(grid, cells, showDetail);
  const suppressed = shown.filter((m) => m.suppressed).length;
  const notes = el(
    "p",
    { class: "help agg-notes", "data-legend": "matrix" },
    `E-mails (a sender and a recipient) and meetings linking a member of each department in ${periodWord === "month" ? "" : "the "}${when}`,
    inProgress ? ` (still in progress)` : "",
    `; the diagonal counts those within one department. `,
    `Each pair appears twice, once on each side of the diagonal. A pair is suppressed in a ${periodWord} when fewer than ${table.minGroupSize} people of either department were active in it that ${periodWord} `,
    `(on the diagonal, fewer than ${table.minGroupSize} of the department's people)`,
    table.noise ? " (with privacy noise: by a noisy count of each side's people who sent or organized something)" : ", or in the days it shares with another week or month (that week or month would give those days away)",
    `: ${countFormat.format(suppressed)} of ${countFormat.format(shown.length)} pairs in this ${periodWord}. `,
    table.noise ? `With privacy noise every figure is approximate (≈), ${plusMinus(table.noise, "matrixInteractions") || "give or take"} (one standard deviation). ` : "",
    `Pick another ${periodWord} with the selector above${table.periods.length > 1 ? " or by clicking its heading in the heatmap" : ""}.`,
  );
  return { grid, legend: legend(bands, MATRIX_METRIC, table, { matrix: true }), notes };
}

/**
 * The collaboration matrix of one period of `table`, with its "Matrix period"
 * selector. `onPeriod(period)` is told when the shown period changes;
 * `setPeriod(period)` shows another one.
 * @param {AggregateTable} table   one with periods
 * @param {string | null} period
 * @param {Date | null} now
 * @param {(cell: HTMLElement) => void} showDetail
 * @param {(period: string) => void} onPeriod
 */
export function collaborationMatrix(table, period, now, showDetail, onPeriod) {
  const current = new Set(now ? table.periods.filter((p) => periodStart(p) <= now && now < periodEnd(p)) : []);
  const id = `agg-matrix-period-${nextControlId()}`;
  const picker = el(
    "select",
    { id, "data-control": "matrix-period" },
    ...table.periods.map((p) => el("option", { value: p, text: current.has(p) ? `${periodLong(p)} (in progress)` : periodLong(p) })),
  );
  const scroll = el("div", { class: "heatmap-scroll matrix-scroll", role: "group", "aria-label": "Collaboration matrix, scrolls sideways" });
  let legendNode = el("ul");
  let notesNode = el("p");
  const figure = el(
    "figure",
    { class: "agg-figure", "data-figure": "matrix" },
    el(
      "figcaption",
      {},
      el("h4", { text: "Collaboration between departments" }),
      el("div", { class: "field matrix-period" }, el("label", { for: id, text: "Matrix period" }), picker),
      legendNode,
    ),
    scroll,
    notesNode,
  );
  /** @param {string | null} p */
  const setPeriod = (p) => {
    const next = matrixPeriodOf(table, p);
    if (next === null || next === figure.dataset.period) return;
    // Keep focus in the matrix when it is redrawn under it.
    const hadFocus = scroll.contains(document.activeElement);
    const parts = matrixParts(table, next, current.has(next), showDetail);
    figure.dataset.period = next;
    picker.value = next;
    scroll.replaceChildren(parts.grid);
    legendNode.replaceWith(parts.legend);
    notesNode.replaceWith(parts.notes);
    legendNode = parts.legend;
    notesNode = parts.notes;
    if (hadFocus) parts.grid.querySelector("td")?.focus();
    onPeriod(next);
  };
  picker.addEventListener("change", () => setPeriod(picker.value));
  setPeriod(period);
  return { figure, setPeriod };
}
