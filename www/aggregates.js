// The organization aggregates view: the engine's AggregateTable (anonymized
// figures per department and week or month) drawn as a departments × periods
// heatmap and a department × department collaboration matrix of one period at
// a time (picked with its "Matrix period" selector, or by clicking a period's
// heading in the heatmap). Both are HTML tables built with DOM APIs; colours are classes (six quantile bands), never
// inline styles (the page runs under style-src 'self'). Suppressed cells are
// drawn hatched, say why, and carry no figure. No totals are drawn: a row or
// column total beside its visible cells would give away the hidden one.

import { el, countFormat, percentFormat, formatDuration, formatDelay, dateFormat, shortDateFormat, NO_DATA } from "./ui.js";

/**
 * The metrics a heatmap can show per grouping, in the selector's order.
 * format: "count", "minutes" (a count of minutes), "percent", "duration"
 * (minutes as "1 h 5 min"), "delay" (minutes, in days past two days), "days";
 * `none` says why a shown cell has no value (null).
 */
export const METRICS = {
  department: [
    { key: "emailsSent", label: "E-mails sent", unit: "e-mails sent", format: "count" },
    { key: "emailsReceived", label: "E-mails received", unit: "e-mails received", format: "count" },
    { key: "meetings", label: "Meetings", unit: "meetings", format: "count" },
    { key: "meetingMinutes", label: "Meeting minutes", unit: "minutes in meetings", format: "minutes" },
    { key: "afterHoursShare", label: "After-hours share", unit: "of e-mails sent after hours", format: "percent", none: "no e-mails sent, so no share" },
    { key: "externalContacts", label: "External contacts", unit: "external people", format: "count" },
  ],
  account: [
    { key: "emailsTo", label: "E-mails to the account", unit: "e-mails from us to its contacts", format: "count" },
    { key: "emailsFrom", label: "E-mails from the account", unit: "e-mails from its contacts", format: "count" },
    { key: "meetings", label: "Meetings", unit: "meetings with both sides", format: "count" },
    { key: "internalPeople", label: "Our people involved", unit: "of our people involved", format: "count" },
    { key: "accountPeople", label: "Their people involved", unit: "of the account's people involved", format: "count" },
    { key: "daysSinceLastEmail", label: "Days since last e-mail", unit: "from the last e-mail to the period's end", format: "days", none: "no e-mail in this period" },
    { key: "daysSinceLastMeeting", label: "Days since last meeting", unit: "from the last meeting to the period's end", format: "days", none: "no meeting in this period" },
    { key: "averageMeetingMinutes", label: "Average meeting length", unit: "per meeting on average", format: "duration", none: "no meeting in this period" },
    { key: "averageReplyMinutes", label: "Average reply time", unit: "for our replies on average", format: "delay", none: "no reply of ours in this period" },
    { key: "engagementScore", label: "Engagement score", unit: "of 100, against the most active account shown", format: "count" },
  ],
};

export const PERIODS = [
  { value: "week", label: "Week" },
  { value: "month", label: "Month" },
];
export const GROUPINGS = [
  { value: "department", label: "Department" },
  { value: "account", label: "Account" },
];
/** The privacy budget asked for when noise is ticked (noise is a later release of the engine). */
export const NOISE_EPSILON = 1;

/** Quantile bands of the colour scale. */
const BANDS = 6;

const monthFormat = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });
const longMonthFormat = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

/** The metric `key` of a grouping's metrics, or its first one. */
export function metricOf(groupBy, key) {
  const list = METRICS[groupBy] ?? METRICS.department;
  return list.find((m) => m.key === key) ?? list[0];
}

/** A metric's value as the cell shows it (the raw value stays in data-value). */
export function formatMetric(metric, value) {
  if (value === null || value === undefined) return NO_DATA;
  if (metric.format === "percent") return percentFormat.format(value);
  if (metric.format === "duration") return formatDuration(value);
  if (metric.format === "delay") return formatDelay(value);
  if (metric.format === "days") return `${countFormat.format(value)} d`;
  return countFormat.format(value);
}

/** The tooltip's figure: the cell's text, with minutes spelled out as hours too. */
function figureText(metric, value) {
  const text = formatMetric(metric, value);
  if (metric.format === "minutes") return `${text} ${metric.unit} (${formatDuration(value)})`;
  if (metric.format === "duration" || metric.format === "delay") return `${text} ${metric.unit} (${countFormat.format(value)} min)`;
  if (metric.format === "days") return `${countFormat.format(value)} days ${metric.unit}`;
  return `${text} ${metric.unit}`;
}

const GROUP_WORDS = {
  department: { one: "department", heading: "Department", active: "people of the department", legend: "people active" },
  account: { one: "account", heading: "Account", active: "of our people dealing with the account", legend: "of our people active with the account" },
};

function periodStart(period) {
  return new Date(period.length === 7 ? `${period}-01T00:00:00Z` : `${period}T00:00:00Z`);
}

function periodEnd(period) {
  const start = periodStart(period);
  return period.length === 7
    ? new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
    : new Date(start.getTime() + 7 * 86_400_000);
}

/** The column heading: "27 Jul" for a week, "Aug 2026" for a month. */
function periodShort(period) {
  return period.length === 7 ? monthFormat.format(periodStart(period)) : shortDateFormat.format(periodStart(period));
}

/** "week of 27 Jul 2026" or "August 2026". */
export function periodLong(period) {
  return period.length === 7 ? longMonthFormat.format(periodStart(period)) : `week of ${dateFormat.format(periodStart(period))}`;
}

/**
 * Quantile bands of `values` (the figures on screen): a value's band is the
 * share of values below it, in sixths, so ties share a band. Returns the band
 * of a value and each band's [min, max] (null for an empty band).
 */
export function quantileBands(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  const n = sorted.length;
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
  const band = (v) => (n ? Math.min(BANDS - 1, Math.floor((BANDS * below(v)) / n)) : 0);
  const ranges = Array.from({ length: BANDS }, () => null);
  for (const v of sorted) {
    const b = band(v);
    ranges[b] = ranges[b] ? [ranges[b][0], v] : [v, v];
  }
  return { band, ranges, count: n };
}

// ---------------------------------------------------------------- controls

let controlIds = 0;

/**
 * The view's frame: heading, controls and an empty body for the figures.
 * `options` = { period, metric, groupBy, noise }; `onChange(key, value)` is
 * called when a control changes.
 */
export function aggregatesShell(options, onChange) {
  const uid = ++controlIds;
  const id = (name) => `agg-${name}-${uid}`;

  const periodRadios = PERIODS.flatMap((p) => {
    const input = el("input", { type: "radio", name: id("period"), id: id(`period-${p.value}`), value: p.value });
    input.checked = options.period === p.value;
    input.addEventListener("change", () => input.checked && onChange("period", p.value));
    return [input, el("label", { for: id(`period-${p.value}`), text: p.label })];
  });

  const metric = el("select", { id: id("metric"), "data-control": "metric" });
  /** Offers the metrics of `groupBy`, with `key` selected. */
  const setMetrics = (groupBy, key) => {
    if (metric.dataset.groupBy !== groupBy) {
      metric.replaceChildren(...(METRICS[groupBy] ?? METRICS.department).map((m) => el("option", { value: m.key, text: m.label })));
      metric.dataset.groupBy = groupBy;
    }
    metric.value = metricOf(groupBy, key).key;
  };
  setMetrics(options.groupBy, options.metric[options.groupBy]);
  metric.addEventListener("change", () => onChange("metric", metric.value));

  const groupBy = el(
    "select",
    { id: id("group-by"), "data-control": "group-by" },
    ...GROUPINGS.map((g) => el("option", { value: g.value, text: g.label })),
  );
  groupBy.value = options.groupBy;
  groupBy.addEventListener("change", () => onChange("groupBy", groupBy.value));

  const noise = el("input", { type: "checkbox", id: id("noise"), "data-control": "noise" });
  noise.checked = options.noise;
  noise.addEventListener("change", () => onChange("noise", noise.checked));

  const body = el("div", { class: "agg-body" });
  const root = el(
    "section",
    { class: "card aggregates-view", "data-view": "aggregates", "aria-labelledby": id("title") },
    el(
      "div",
      { class: "view-head" },
      el("h3", { id: id("title"), text: "Organization aggregates" }),
      el("span", { class: "badge scope scope-aggregated", text: "anonymized · groups only" }),
    ),
    el(
      "div",
      { class: "agg-controls", role: "group", "aria-label": "Aggregates options" },
      el(
        "fieldset",
        { class: "field" },
        el("legend", { text: "Period" }),
        el("div", { class: "segmented", "data-control": "period" }, ...periodRadios),
      ),
      el("div", { class: "field" }, el("label", { for: id("metric"), text: "Metric" }), metric),
      el("div", { class: "field" }, el("label", { for: id("group-by"), text: "Group by" }), groupBy),
      el(
        "div",
        { class: "field check agg-noise" },
        noise,
        el("label", { for: id("noise"), text: `Privacy noise (ε = ${NOISE_EPSILON})` }),
      ),
    ),
    body,
  );
  return { root, body, setMetrics };
}

// ---------------------------------------------------------------- cells

/** Roving focus in a table of cells: arrows, Home and End move; focus or a tap shows the cell's details. */
function roving(table, cells, showDetail) {
  const rows = cells.length;
  const cols = rows ? cells[0].length : 0;
  let current = cells[0]?.[0] ?? null;
  if (current) current.tabIndex = 0;
  const move = (cell) => {
    if (!cell) return;
    if (current) current.tabIndex = -1;
    current = cell;
    cell.tabIndex = 0;
    cell.focus();
  };
  const at = (cell) => {
    for (let r = 0; r < rows; r++) {
      const c = cells[r].indexOf(cell);
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

/** The engine's reason as a sentence that says "suppressed" once. */
function suppressedText(reason) {
  if (!reason) return "Suppressed";
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /suppress/i.test(reason) ? text : `Suppressed: ${reason}`;
}

/** A suppressed cell: hatched, with an icon, no figure, and the engine's reason as tooltip and accessible name. */
function suppressedCell(attrs, where, reason) {
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

function legend(bands, metric, table, { matrix = false, words = GROUP_WORDS.department } = {}) {
  const monthly = table.period === "month";
  const swatches = bands.ranges
    .map((range, i) => [range, i])
    .filter(([range]) => range)
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
        ? `Suppressed (⊘): fewer than ${table.minGroupSize} people active on a side${monthly ? ", or a week of the month suppressed" : ""}`
        : `Suppressed (⊘): fewer than ${table.minGroupSize} ${words.legend}${monthly ? ", or a week of the month suppressed" : ""}`,
    ),
  ];
  if (!matrix && metric.none) {
    items.push(el("li", { "data-band": "none" }, el("span", { class: "swatch heat none", "aria-hidden": "true" }), `${NO_DATA} ${metric.none}`));
  }
  return el("ul", { class: "legend agg-legend", "aria-label": "Colour key" }, ...items);
}

// ---------------------------------------------------------------- heatmap

/**
 * The heatmap figure. With `pickPeriod`, a click on a period's heading shows
 * that period in the collaboration matrix (its selector does the same from
 * the keyboard); `mark(period)` outlines the heading of the matrix's period.
 */
function heatmap(table, metric, now, showDetail, pickPeriod = null) {
  const periodWord = table.period === "month" ? "month" : "week";
  const words = GROUP_WORDS[table.groupBy] ?? GROUP_WORDS.department;
  const current = now ? table.periods.filter((p) => periodStart(p) <= now && now < periodEnd(p)) : [];
  const values = table.rows.filter((r) => !r.suppressed && r.metrics).map((r) => r.metrics[metric.key]);
  const bands = quantileBands(values);
  const byKey = new Map(table.rows.map((r) => [`${r.group}\u0000${r.period}`, r]));

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
  /** Outlines the heading of the period the matrix shows. */
  const mark = (period) => {
    for (const th of headings) th.classList.toggle("matrix-period", th.dataset.period === period);
  };

  const cells = [];
  const body = el(
    "tbody",
    {},
    ...table.groups.map((group) => {
      const rowCells = table.periods.map((period) => {
        const row = byKey.get(`${group}\u0000${period}`);
        const attrs = { "data-group": group, "data-period": period };
        const where = `${group}, ${periodLong(period)}`;
        if (!row || row.suppressed || !row.metrics) {
          return suppressedCell(attrs, where, row?.reason ?? (row ? null : "no figure in the engine's answer"));
        }
        const value = row.metrics[metric.key];
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
        return el("td", {
          class: `heat q${bands.band(value)}`,
          ...attrs,
          "data-value": JSON.stringify(value),
          title: `${where}: ${figureText(metric, value)}`,
          tabIndex: -1,
          text: formatMetric(metric, value),
        });
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
    periodWord === "month" ? ", or when a week it overlaps is suppressed (the month's figure would give that week away): " : ": ",
    `${countFormat.format(suppressed)} of ${countFormat.format(table.rows.length)} here. `,
    `No totals are shown, on purpose: ${words.one === "account" ? "an account's" : "a department's"} or a period's total next to its visible cells would let anyone subtract them and recover a suppressed one.`,
  ];
  if (current.length) notes.push(` • marks the current ${periodWord}, still in progress.`);
  if (pickPeriod) notes.push(` Click a ${periodWord}'s heading to show it in the collaboration matrix below.`);

  const figure = el(
    "figure",
    { class: "agg-figure", "data-figure": "heatmap" },
    el(
      "figcaption",
      {},
      el("h4", { text: `${metric.label} per ${words.one} and ${periodWord}` }),
      legend(bands, metric, table, { words }),
    ),
    el(
      "div",
      {
        class: table.groups.length > 16 ? "heatmap-scroll tall" : "heatmap-scroll",
        role: "group",
        "aria-label": `${metric.label} heatmap, scrolls sideways`,
      },
      grid,
    ),
    el("p", { class: "help agg-notes", "data-legend": "heatmap" }, ...notes),
  );
  return { figure, mark };
}

// ---------------------------------------------------------------- matrix

/** The period the matrix shows: `wanted` when the table has it, else the table's latest period (null without periods). */
export function matrixPeriodOf(table, wanted) {
  return table.periods.includes(wanted) ? wanted : (table.periods.at(-1) ?? null);
}

const MATRIX_METRIC = { key: "interactions", label: "Interactions", unit: "e-mails and meetings", format: "count" };

/** The grid, legend and notes of the matrix for one `period`. */
function matrixParts(table, period, inProgress, showDetail) {
  const periodWord = table.period === "month" ? "month" : "week";
  const when = periodLong(period);
  const pairKey = (a, b) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const shown = table.matrix.filter((m) => m.period === period);
  const pairs = new Map(shown.map((m) => [pairKey(m.from, m.to), m]));
  const values = shown.filter((m) => !m.suppressed && m.interactions !== null).map((m) => m.interactions);
  const bands = quantileBands(values);

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
          const text = countFormat.format(pair.interactions);
          cell = el("td", {
            class: `heat q${bands.band(pair.interactions)}`,
            ...attrs,
            "data-value": JSON.stringify(pair.interactions),
            title: `${where}: ${text} e-mails and meetings`,
            tabIndex: -1,
            text,
          });
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
    periodWord === "month" ? ", or when a week the month overlaps is suppressed for that pair (the month's figure would give the week away)" : "",
    `: ${countFormat.format(suppressed)} of ${countFormat.format(shown.length)} pairs in this ${periodWord}. `,
    `Pick another ${periodWord} with the selector above${table.periods.length > 1 ? " or by clicking its heading in the heatmap" : ""}.`,
  );
  return { grid, legend: legend(bands, MATRIX_METRIC, table, { matrix: true }), notes };
}

/**
 * The collaboration matrix of one period of `table`, with its "Matrix period"
 * selector. `onPeriod(period)` is told when the shown period changes;
 * `setPeriod(period)` shows another one.
 */
function collaborationMatrix(table, period, now, showDetail, onPeriod) {
  const current = new Set(now ? table.periods.filter((p) => periodStart(p) <= now && now < periodEnd(p)) : []);
  const id = `agg-matrix-period-${++controlIds}`;
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
  const setPeriod = (p) => {
    const next = matrixPeriodOf(table, p);
    if (next === figure.dataset.period) return;
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

// ---------------------------------------------------------------- the body

/**
 * The figures of `table` for `metric` (a key of METRICS); `now` (ISO) marks
 * the period in progress. `matrix.period` is the period the collaboration
 * matrix shows (default: the table's latest), `matrix.onPeriod(period)` is
 * told when it changes.
 */
export function aggregatesBody(table, metricKey, now = null, matrix = {}) {
  const metric = metricOf(table.groupBy, metricKey);
  const words = GROUP_WORDS[table.groupBy] ?? GROUP_WORDS.department;
  const detail = el("p", { class: "agg-detail", "data-detail": "", "aria-hidden": "true" });
  const defaultDetail = "Hover, tap or focus a cell (arrow keys move) to read it here.";
  detail.textContent = defaultDetail;
  const show = (cell) => {
    const d = cell.dataset;
    const where = d.group
      ? `${d.group} · ${periodLong(d.period)}`
      : `${d.from === d.to ? `Within ${d.from}` : `${d.from} × ${d.to}`} · ${periodLong(d.period)}`;
    if (d.suppressed === "true") {
      detail.replaceChildren(el("strong", { text: where }), `: ${suppressedText(d.reason)}.`);
    } else if (d.value === "null") {
      detail.replaceChildren(el("strong", { text: where }), `: ${metric.label.toLowerCase()}: ${metric.none ?? "no value"}.`);
    } else if (d.group) {
      detail.replaceChildren(el("strong", { text: where }), `: ${figureText(metric, JSON.parse(d.value))}.`);
    } else {
      detail.replaceChildren(el("strong", { text: where }), `: ${countFormat.format(JSON.parse(d.value))} e-mails and meetings.`);
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
    return [
      summary,
      el("p", { class: "empty", "data-empty": "groups", text: `The people directory lists no ${words.one}s, so there is nothing to aggregate.` }),
    ];
  }
  const withMatrix = (table.groupBy === "department" || table.matrix.length > 0) && table.periods.length > 0;
  let pick = null;
  const heat = heatmap(table, metric, nowDate, show, withMatrix ? (p) => pick?.(p) : null);
  const parts = [summary, heat.figure, detail];
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

/** What the engine does not compute yet (aggregates per account, or with noise). */
export function notImplementedBody(options, err) {
  const what = options.noise
    ? `Aggregates per ${options.groupBy}, with privacy noise`
    : `Aggregates per ${options.groupBy}`;
  return [
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "not-implemented" },
      el("h3", { text: `${what}: coming in a later release` }),
      el("p", {
        text: options.noise
          ? "Consent allows this view, but this version of rapport does not add privacy noise yet. Untick the noise option to see the figures without it."
          : "Consent allows this view, but this version of rapport does not compute these figures yet. Group by department to see the current figures.",
      }),
      err ? el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`) : null,
    ),
  ];
}
