// The cells of the aggregates' tables (heatmap and collaboration matrix): a
// figure coloured by its quantile band, or a suppressed cell drawn hatched
// that says why and carries no figure; the colour key; and roving focus, so
// that arrow keys move from cell to cell and each cell's details are read
// out. Colours are classes (six quantile bands), never inline styles (the
// page runs under style-src 'self').

import { el, NO_DATA } from "../../ui.js";
import { formatMetric, figureText, GROUP_WORDS } from "./metrics.js";

/**
 * @typedef {import("./metrics.js").Metric} Metric
 * @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable
 * @typedef {import("../../pkg/rapport.js").NoiseReport} NoiseReport
 * @typedef {{ band: (v: number) => number, ranges: ([number, number] | null)[], count: number }} Bands
 */

/** Quantile bands of the colour scale. */
const BANDS = 6;

/**
 * Quantile bands of `values` (the figures on screen): a value's band is the
 * share of values below it, in sixths, so ties share a band. Returns the band
 * of a value and each band's [min, max] (null for an empty band).
 * @param {(number | null | undefined)[]} values
 * @returns {Bands}
 */
export function quantileBands(values) {
  const sorted = /** @type {number[]} */ (values.filter((v) => v !== null && v !== undefined)).sort((a, b) => a - b);
  const n = sorted.length;
  /** @param {number} v */
  const below = (v) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** @param {number} v */
  const band = (v) => (n ? Math.min(BANDS - 1, Math.floor((BANDS * below(v)) / n)) : 0);
  /** @type {([number, number] | null)[]} */
  const ranges = Array.from({ length: BANDS }, () => null);
  for (const v of sorted) {
    const b = band(v);
    const range = ranges[b];
    ranges[b] = range ? [range[0], v] : [v, v];
  }
  return { band, ranges, count: n };
}

/**
 * Roving focus in a table of cells: arrows, Home and End move; focus or a tap shows the cell's details.
 * @param {HTMLElement} table
 * @param {HTMLElement[][]} cells   rows of cells
 * @param {(cell: HTMLElement) => void} showDetail
 */
export function roving(table, cells, showDetail) {
  const rows = cells.length;
  const cols = rows ? cells[0].length : 0;
  let current = cells[0]?.[0] ?? null;
  if (current) current.tabIndex = 0;
  /** @param {HTMLElement | undefined} cell */
  const move = (cell) => {
    if (!cell) return;
    if (current) current.tabIndex = -1;
    current = cell;
    cell.tabIndex = 0;
    cell.focus();
  };
  /** @param {EventTarget | null} cell */
  const at = (cell) => {
    for (let r = 0; r < rows; r++) {
      const c = cells[r].indexOf(/** @type {HTMLElement} */ (cell));
      if (c >= 0) return [r, c];
    }
    return null;
  };
  table.addEventListener("keydown", (event) => {
    const pos = at(event.target);
    if (!pos) return;
    let [r, c] = pos;
    if (event.key === "ArrowRight") c = Math.min(cols - 1, c + 1);
    else if (event.key === "ArrowLeft") c = Math.max(0, c - 1);
    else if (event.key === "ArrowDown") r = Math.min(rows - 1, r + 1);
    else if (event.key === "ArrowUp") r = Math.max(0, r - 1);
    else if (event.key === "Home") c = 0;
    else if (event.key === "End") c = cols - 1;
    else return;
    event.preventDefault();
    move(cells[r][c]);
  });
  for (const row of cells) {
    for (const cell of row) {
      cell.addEventListener("focus", () => {
        if (current !== cell) {
          if (current) current.tabIndex = -1;
          current = cell;
          cell.tabIndex = 0;
        }
        showDetail(cell);
      });
      cell.addEventListener("pointerenter", () => showDetail(cell));
    }
  }
}

/**
 * The engine's reason as a sentence that says "suppressed" once.
 * @param {string | null | undefined} reason
 */
export function suppressedText(reason) {
  if (!reason) return "Suppressed";
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /suppress/i.test(reason) ? text : `Suppressed: ${reason}`;
}

/**
 * A suppressed cell: hatched, with an icon, no figure, and the engine's reason as tooltip and accessible name.
 * @param {Record<string, string>} attrs
 * @param {string} where
 * @param {string | null} reason
 */
export function suppressedCell(attrs, where, reason) {
  const why = suppressedText(reason);
  return el(
    "td",
    {
      class: "heat suppressed",
      ...attrs,
      "data-suppressed": "true",
      "data-reason": reason ?? "",
      title: why,
      "aria-label": `${where}: ${why}`,
      tabIndex: -1,
    },
    el("span", { class: "cell-icon", "aria-hidden": "true", text: "⊘" }),
  );
}

/**
 * Why else a cell is hidden: a small part shared with another week or month, or (with noise) a noisy count.
 * @param {AggregateTable} table
 */
function suppressedWhy(table) {
  return table.noise ? ", by a noisy count" : ", or in the days shared with another week or month";
}

/**
 * The colour key of a table: each band's range, suppressed cells, cells without a value, and noise.
 * @param {Bands} bands
 * @param {Metric} metric
 * @param {AggregateTable} table
 * @param {{ matrix?: boolean, words?: typeof GROUP_WORDS.department }} [how]
 */
export function legend(bands, metric, table, { matrix = false, words = GROUP_WORDS.department } = {}) {
  const swatches = /** @type {[[number, number], number][]} */ (bands.ranges.map((range, i) => [range, i]).filter(([range]) => range))
    .map(([[lo, hi], i]) =>
      el(
        "li",
        { "data-band": String(i) },
        el("span", { class: `swatch heat q${i}`, "aria-hidden": "true" }),
        lo === hi ? formatMetric(metric, lo) : `${formatMetric(metric, lo)} – ${formatMetric(metric, hi)}`,
      ),
    );
  const items = [
    ...swatches,
    el(
      "li",
      { "data-band": "suppressed" },
      el("span", { class: "swatch heat suppressed", "aria-hidden": "true" }),
      matrix
        ? `Suppressed (⊘): fewer than ${table.minGroupSize} people active on a side${suppressedWhy(table)}`
        : `Suppressed (⊘): fewer than ${table.minGroupSize} ${words.legend}${suppressedWhy(table)}`,
    ),
  ];
  if (!matrix && metric.none) {
    items.push(el("li", { "data-band": "none" }, el("span", { class: "swatch heat none", "aria-hidden": "true" }), `${NO_DATA} ${metric.none}`));
  }
  if (table.noise) {
    items.push(el("li", { "data-band": "approx" }, el("span", { class: "swatch heat approx", "aria-hidden": "true" }), "≈ approximate: privacy noise added, ± its likely range"));
    items.push(el("li", { "data-band": "uncertain" }, el("span", { class: "swatch heat uncertain", "aria-hidden": "true" }), "Grey: the range is wider than the figure, too uncertain to compare"));
  }
  return el("ul", { class: "legend agg-legend", "aria-label": "Colour key" }, ...items);
}

/**
 * A cell with a figure, coloured by its quantile `band`. With `noise` it is
 * marked approximate: a ≈ drawn before it (class "approx"), its tooltip and
 * accessible name say "about", and how far off it may be.
 * @param {Record<string, string>} attrs
 * @param {string} where
 * @param {number} band
 * @param {number} value
 * @param {Metric} metric
 * @param {NoiseReport | null} noise
 * @param {number | null} [range]  with noise: the half-width of the figure's likely range (two standard deviations)
 */
export function figureCell(attrs, where, band, value, metric, noise, range = null) {
  const text = formatMetric(metric, value);
  // A range wider than the figure itself says nothing about it: greyed, not coloured.
  const uncertain = noise !== null && range !== null && 2 * range > value;
  const interval = range !== null ? `±${formatMetric(metric, range)}` : null;
  const cell = el("td", {
    class: uncertain ? "heat uncertain approx" : noise ? `heat q${band} approx` : `heat q${band}`,
    ...attrs,
    "data-value": JSON.stringify(value),
    "data-approx": noise ? "true" : null,
    "data-range": range !== null ? String(range) : null,
    "data-uncertain": uncertain ? "true" : null,
    title: `${where}: ${figureText(metric, value, noise)}${range !== null ? `, likely between ${formatMetric(metric, Math.max(0, value - range))} and ${formatMetric(metric, value + range)}` : ""}${uncertain ? " (too uncertain to compare)" : ""}`,
    "aria-label": noise ? `about ${text}${interval ? ` ${interval}` : ""}${uncertain ? ", too uncertain" : ""}` : null,
    tabIndex: -1,
    text,
  });
  if (interval) cell.append(el("span", { class: "range", "aria-hidden": "true", text: interval }));
  return cell;
}
