// The organization aggregates view: the engine's AggregateTable (anonymized
// figures per department and week or month) drawn as a departments × periods
// heatmap and a department × department collaboration matrix of one period at
// a time (picked with its "Matrix period" selector, or by clicking a period's
// heading in the heatmap). Both are HTML tables built with DOM APIs; colours are classes (six quantile bands), never
// inline styles (the page runs under style-src 'self'). Suppressed cells are
// drawn hatched, say why, and carry no figure. No totals are drawn: a row or
// column total beside its visible cells would give away the hidden one.
// With privacy noise, a panel above the figures says what the answer cost and
// how far off a figure may be; noisy cells are marked approximate (≈), and
// the metrics the engine does not release with noise cannot be picked.

import { el, countFormat, percentFormat, formatDuration, formatDelay, dateFormat, shortDateFormat, NO_DATA } from "./ui.js";

/**
 * The metrics a heatmap can show per grouping, in the selector's order.
 * format: "count", "minutes" (a count of minutes), "percent", "duration"
 * (minutes as "1 h 5 min"), "delay" (minutes, in days past two days), "days";
 * `none` says why a shown cell has no value (null). `noise` says how the
 * figure is drawn from the engine's noisy figures (the keys of its
 * `noise.scales`): { scale } a noisy count itself, { share: [part, whole] },
 * { ratio: [numerator, denominator] }, { score } a score of noisy counts; a
 * metric without `noise` is not released with noise (the engine gives null).
 */
export const METRICS = {
  department: [
    { key: "emailsSent", label: "E-mails sent", unit: "e-mails sent", format: "count", noise: { scale: "emailsSent" } },
    { key: "emailsReceived", label: "E-mails received", unit: "e-mails received", format: "count", noise: { scale: "emailsReceived" } },
    { key: "meetings", label: "Meetings", unit: "meetings", format: "count", noise: { scale: "meetings" } },
    { key: "meetingMinutes", label: "Meeting minutes", unit: "minutes in meetings", format: "minutes", noise: { scale: "meetingMinutes" } },
    {
      key: "afterHoursShare",
      label: "After-hours share",
      unit: "of e-mails sent after hours",
      format: "percent",
      none: "no e-mails sent, so no share",
      noise: { share: ["afterHoursEmails", "emailsSent"] },
    },
    { key: "externalContacts", label: "External contacts", unit: "external people", format: "count" },
  ],
  account: [
    { key: "emailsTo", label: "E-mails to the account", unit: "e-mails from us to its contacts", format: "count", noise: { scale: "emailsTo" } },
    { key: "emailsFrom", label: "E-mails from the account", unit: "e-mails from its contacts", format: "count", noise: { scale: "emailsFrom" } },
    { key: "meetings", label: "Meetings", unit: "meetings with both sides", format: "count", noise: { scale: "meetings" } },
    { key: "internalPeople", label: "Our people involved", unit: "of our people involved", format: "count" },
    { key: "accountPeople", label: "Their people involved", unit: "of the account's people involved", format: "count" },
    { key: "daysSinceLastEmail", label: "Days since last e-mail", unit: "from the last e-mail to the period's end", format: "days", none: "no e-mail in this period" },
    { key: "daysSinceLastMeeting", label: "Days since last meeting", unit: "from the last meeting to the period's end", format: "days", none: "no meeting in this period" },
    {
      key: "averageMeetingMinutes",
      label: "Average meeting length",
      unit: "per meeting on average",
      format: "duration",
      none: "no meeting in this period",
      noise: { ratio: ["meetingMinutes", "meetings"] },
    },
    { key: "averageReplyMinutes", label: "Average reply time", unit: "for our replies on average", format: "delay", none: "no reply of ours in this period" },
    {
      key: "engagementScore",
      label: "Engagement score",
      unit: "of 100, against the most active account shown",
      format: "count",
      noise: { score: ["emailsTo", "emailsFrom", "meetings"] },
    },
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
/** The epsilon each new noisy answer spends when noise is ticked. */
export const NOISE_EPSILON = 1;
/** The standard deviation of the engine's noise per unit of its scale b (√2). */
const SD_PER_SCALE = 1.41;

/** Quantile bands of the colour scale. */
const BANDS = 6;

/** Epsilons are given in thousandths. */
const epsilonFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

const monthFormat = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });
const longMonthFormat = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

/** The metric `key` of a grouping's metrics, or its first one. */
export function metricOf(groupBy, key) {
  const list = METRICS[groupBy] ?? METRICS.department;
  return list.find((m) => m.key === key) ?? list[0];
}

/** Whether `metric` is released in `table`: with noise, the engine gives null for the metrics it cannot noise safely. */
function released(metric, table) {
  return !table?.noise || Boolean(metric.noise);
}

/** The metric `key` of `table`'s grouping when it is released, else the grouping's first released one. */
export function shownMetric(table, key) {
  const wanted = metricOf(table.groupBy, key);
  if (released(wanted, table)) return wanted;
  return (METRICS[table.groupBy] ?? METRICS.department).find((m) => released(m, table)) ?? wanted;
}

/** One standard deviation of the noise on the engine's figure `figure`, in its units (null when the engine gives no scale). */
function noiseSpread(noise, figure) {
  const b = noise?.scales?.[figure];
  return Number.isFinite(b) ? Math.round(SD_PER_SCALE * b) : null;
}

/** "± about 170" for the engine's figure `figure`, or "" without its scale. */
function plusMinus(noise, figure) {
  const sd = noiseSpread(noise, figure);
  return sd === null ? "" : `± about ${countFormat.format(sd)}`;
}

/** How far off a noisy figure of `metric` may be, in a few words for a tooltip. */
function noiseHint(metric, noise) {
  const how = metric.noise ?? {};
  if (how.scale) return `noisy, ${plusMinus(noise, how.scale) || "approximate"}`;
  if (how.share) return "a share of noisy counts";
  if (how.ratio) return "noisy minutes ÷ noisy meetings";
  if (how.score) return "a score of noisy counts";
  return "approximate";
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

/** The tooltip's figure; with noise, marked approximate and how far off it may be. */
function figureText(metric, value, noise = null) {
  const text = exactFigureText(metric, value);
  return noise ? `≈ ${text} (${noiseHint(metric, noise)})` : text;
}

/** The tooltip's figure: the cell's text, with minutes spelled out as hours too. */
function exactFigureText(metric, value) {
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
  /**
   * Offers the metrics of `groupBy`, with `key` selected; with `noisy`, those
   * the engine does not release with noise are offered disabled, saying so.
   */
  const setMetrics = (groupBy, key, noisy = false) => {
    const offer = `${groupBy}${noisy ? " noisy" : ""}`;
    if (metric.dataset.offer !== offer) {
      metric.replaceChildren(
        ...(METRICS[groupBy] ?? METRICS.department).map((m) =>
          noisy && !m.noise
            ? el("option", { value: m.key, text: `${m.label} (not released with noise)`, disabled: true, "data-unreleased": "noise" })
            : el("option", { value: m.key, text: m.label }),
        ),
      );
      metric.dataset.offer = offer;
    }
    metric.value = metricOf(groupBy, key).key;
  };
  setMetrics(options.groupBy, options.metric[options.groupBy], options.noise);
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
  return { root, body, setMetrics, noise };
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

/** Why else a cell is hidden: a small part shared with another week or month, or (with noise) a noisy count. */
function suppressedWhy(table) {
  return table.noise ? ", by a noisy count" : ", or in the days shared with another week or month";
}

function legend(bands, metric, table, { matrix = false, words = GROUP_WORDS.department } = {}) {
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
        ? `Suppressed (⊘): fewer than ${table.minGroupSize} people active on a side${suppressedWhy(table)}`
        : `Suppressed (⊘): fewer than ${table.minGroupSize} ${words.legend}${suppressedWhy(table)}`,
    ),
  ];
  if (!matrix && metric.none) {
    items.push(el("li", { "data-band": "none" }, el("span", { class: "swatch heat none", "aria-hidden": "true" }), `${NO_DATA} ${metric.none}`));
  }
  if (table.noise) {
    items.push(el("li", { "data-band": "approx" }, el("span", { class: "swatch heat approx", "aria-hidden": "true" }), "≈ approximate: privacy noise added"));
  }
  return el("ul", { class: "legend agg-legend", "aria-label": "Colour key" }, ...items);
}

/**
 * A cell with a figure, coloured by its quantile `band`. With `noise` it is
 * marked approximate: a ≈ drawn before it (class "approx"), its tooltip and
 * accessible name say "about", and how far off it may be.
 */
function figureCell(attrs, where, band, value, metric, noise) {
  const text = formatMetric(metric, value);
  return el("td", {
    class: noise ? `heat q${band} approx` : `heat q${band}`,
    ...attrs,
    "data-value": JSON.stringify(value),
    "data-approx": noise ? "true" : null,
    title: `${where}: ${figureText(metric, value, noise)}`,
    "aria-label": noise ? `about ${text}` : null,
    tabIndex: -1,
    text,
  });
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
        return figureCell(attrs, where, bands.band(value), value, metric, table.noise);
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

const MATRIX_METRIC = {
  key: "interactions",
  label: "Interactions",
  unit: "e-mails and meetings",
  format: "count",
  noise: { scale: "matrixInteractions" },
};

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
          cell = figureCell(attrs, where, bands.band(pair.interactions), pair.interactions, MATRIX_METRIC, table.noise);
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

// ---------------------------------------------------------------- privacy noise

/** The engine's noisy figures (the keys of `noise.scales`), as people name them. */
const FIGURE_WORDS = {
  emailsSent: "e-mails sent",
  afterHoursEmails: "after-hours e-mails",
  emailsReceived: "e-mails received",
  meetings: "meetings",
  meetingMinutes: "meeting minutes",
  matrixInteractions: "interactions",
  emailsTo: "e-mails to",
  emailsFrom: "e-mails from",
  people: "people counted (which cells are shown)",
};

/** "meetings ± about 226": a noisy figure and its spread. */
function figureSpread(noise, figure) {
  return [FIGURE_WORDS[figure] ?? figure, plusMinus(noise, figure)].filter(Boolean).join(" ");
}

/** What the noise on `metric` means for a figure shown, in plain words. */
function noiseMeaning(metric, noise) {
  const how = metric.noise ?? {};
  if (how.scale) {
    const spread = plusMinus(noise, how.scale);
    return spread ? `each figure ${spread} (one standard deviation).` : "each figure is approximate.";
  }
  if (how.share) {
    const [part, whole] = how.share;
    return `a share of noisy counts, ${figureSpread(noise, part)} ÷ ${figureSpread(noise, whole)} (one standard deviation each), so least reliable where few were sent.`;
  }
  if (how.ratio) {
    const [minutes, meetings] = how.ratio;
    return `noisy minutes ÷ noisy meetings, ${figureSpread(noise, minutes)} ÷ ${figureSpread(noise, meetings)} (one standard deviation each), so least reliable where meetings are few.`;
  }
  if (how.score) {
    return `worked out from the noisy counts (${how.score.map((f) => figureSpread(noise, f)).join(", ")}, one standard deviation each), against the most active account shown; it costs no more budget.`;
  }
  return "not released with noise.";
}

/** "ε = 1 for this answer; budget spent 1 of 10, 9 left." (or repeated from cache), and a warning when too little is left for a new one. */
function noiseCost(table) {
  const n = table.noise;
  const eps = `ε = ${epsilonFormat.format(n.epsilon)}`;
  const cost = n.fromCache ? `Repeated from cache, no cost (${eps} when first asked)` : `${eps} for this answer`;
  const spent = table.epsilonSpent;
  const left = table.epsilonRemaining;
  if (!Number.isFinite(spent) || !Number.isFinite(left)) return `${cost}.`;
  // The engine counts in thousandths: round the sum so that 0.1 + 0.2 reads 0.3.
  const total = Math.round((spent + left) * 1000) / 1000;
  const low = left < NOISE_EPSILON ? " Too little is left for a new question: only those asked before can be shown with noise." : "";
  return `${cost}; budget spent ${epsilonFormat.format(spent)} of ${epsilonFormat.format(total)}, ${epsilonFormat.format(left)} left.${low}`;
}

/** Whose data the noise protects, and the caps that bound one person's part in a figure. */
function noiseUnit(table) {
  const n = table.noise;
  const c = n.caps ?? {};
  const per = table.period === "month" ? "month" : "week";
  const caps =
    Number.isFinite(c.recordsPerPeriod) && Number.isFinite(c.groupsPerRecord) && Number.isFinite(c.minutesPerMeeting)
      ? ` A person counts for at most ${countFormat.format(c.recordsPerPeriod)} records (e-mails sent, meetings organized) a ${per}, ` +
        `each in at most ${countFormat.format(c.groupsPerRecord)} groups, a meeting for at most ${countFormat.format(c.minutesPerMeeting)} min.`
      : "";
  return `Protects ${n.unit ?? "one person's records in one period"}.${caps} Counts are whole numbers, never below 0.`;
}

/**
 * The panel above a noisy answer's figures: its cost and the budget left,
 * how far off a figure of `metric` may be, and what is not released with
 * noise. `wanted` is the metric asked for when noise hid it (`metric` is
 * shown instead), null otherwise.
 */
function privacyPanel(table, metric, wanted) {
  const n = table.noise;
  const unreleased = (METRICS[table.groupBy] ?? METRICS.department).filter((m) => !m.noise);
  return el(
    "section",
    {
      class: "privacy-panel",
      "aria-label": "Privacy noise",
      "data-privacy": "noise",
      "data-epsilon": String(n.epsilon),
      "data-from-cache": String(Boolean(n.fromCache)),
      "data-epsilon-spent": String(table.epsilonSpent ?? ""),
      "data-epsilon-remaining": String(table.epsilonRemaining ?? ""),
    },
    el(
      "p",
      { class: "privacy-cost", "data-field": "noise-cost" },
      el("strong", { text: "Privacy noise on: " }),
      noiseCost(table),
    ),
    wanted
      ? el("p", {
          class: "privacy-fallback",
          "data-field": "noise-fallback",
          text: `${wanted.label} is not released with noise: showing ${metric.label.toLowerCase()} instead.`,
        })
      : null,
    el("p", { "data-field": "noise-metric" }, el("strong", { text: `${metric.label}: ` }), noiseMeaning(metric, n)),
    table.groupBy === "department" && table.periods.length
      ? el(
          "p",
          { "data-field": "noise-matrix" },
          el("strong", { text: "Collaboration matrix: " }),
          noiseMeaning(MATRIX_METRIC, n),
        )
      : null,
    el(
      "p",
      { class: "muted small", "data-field": "noise-unit" },
      noiseUnit(table),
      unreleased.length
        ? ` Not released with noise (one person could change them without bound): ${unreleased.map((m) => m.label.toLowerCase()).join(", ")}.`
        : "",
    ),
  );
}

// ---------------------------------------------------------------- the body

/**
 * The figures of `table` for `metric` (a key of METRICS); `now` (ISO) marks
 * the period in progress. `matrix.period` is the period the collaboration
 * matrix shows (default: the table's latest), `matrix.onPeriod(period)` is
 * told when it changes. A metric not released with noise gives way to the
 * first one released (see shownMetric), and the privacy panel says so.
 */
export function aggregatesBody(table, metricKey, now = null, matrix = {}) {
  const wanted = metricOf(table.groupBy, metricKey);
  const metric = shownMetric(table, metricKey);
  const privacy = table.noise ? privacyPanel(table, metric, metric === wanted ? null : wanted) : null;
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
    return [
      privacy,
      summary,
      el("p", { class: "empty", "data-empty": "groups", text: `The people directory lists no ${words.one}s, so there is nothing to aggregate.` }),
    ].filter(Boolean);
  }
  const withMatrix = (table.groupBy === "department" || table.matrix.length > 0) && table.periods.length > 0;
  let pick = null;
  const heat = heatmap(table, metric, nowDate, show, withMatrix ? (p) => pick?.(p) : null);
  const parts = [privacy, summary, heat.figure, detail].filter(Boolean);
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

/** What the engine does not compute yet (aggregates per account, in builds before they landed). */
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
 */
export function budgetExhaustedBody(options, err, asked = [], withoutNoise = null) {
  const periodWord = options.period === "month" ? "month" : "week";
  const earlier = asked.map((q) => `per ${q.groupBy} by ${q.period === "month" ? "month" : "week"}`);
  const button = withoutNoise ? el("button", { type: "button", class: "secondary", text: "Show the figures without noise" }) : null;
  button?.addEventListener("click", withoutNoise);
  return [
    el(
      "div",
      { class: "card notice budget-exhausted", role: "alert", "data-notice": "budget-exhausted" },
      el("h3", { text: "Privacy budget spent: no new noisy figures" }),
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
          "The figures without noise remain available: untick the noise option.",
      }),
      el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
      button ? el("div", { class: "buttons" }, button) : null,
    ),
  ];
}
