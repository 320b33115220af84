// The organization aggregates' figures, as people read them: the metrics a
// heatmap can show per grouping (and which the engine releases with privacy
// noise), how each is formatted, how far off a noisy one may be, and the
// words for groups and periods. No DOM here: the view's modules draw with it.

import { countFormat, percentFormat, formatDuration, formatDelay, dateFormat, shortDateFormat, NO_DATA } from "../../ui.js";

/**
 * @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable
 * @typedef {import("../../pkg/rapport.js").NoiseReport} NoiseReport
 * @typedef {"department" | "account"} Grouping
 * @typedef {"count" | "minutes" | "percent" | "duration" | "delay" | "days"} MetricFormat
 * @typedef {{ scale?: string, share?: [string, string], ratio?: [string, string], score?: string[] }} NoiseWay
 * @typedef {{ key: string, label: string, unit: string, format: MetricFormat, none?: string, noise?: NoiseWay }} Metric
 */

/**
 * The metrics a heatmap can show per grouping, in the selector's order.
 * format: "count", "minutes" (a count of minutes), "percent", "duration"
 * (minutes as "1 h 5 min"), "delay" (minutes, in days past two days), "days";
 * `none` says why a shown cell has no value (null). `noise` says how the
 * figure is drawn from the engine's noisy figures (the keys of its
 * `noise.scales`): { scale } a noisy count itself, { share: [part, whole] },
 * { ratio: [numerator, denominator] }, { score } a score of noisy counts; a
 * metric without `noise` is not released with noise (the engine gives null).
 * @type {Record<Grouping, Metric[]>}
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

const monthFormat = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });
const longMonthFormat = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

/**
 * The metrics of a grouping (the department's for one it does not know).
 * @param {string} groupBy
 * @returns {Metric[]}
 */
export function metricsOf(groupBy) {
  return METRICS[/** @type {Grouping} */ (groupBy)] ?? METRICS.department;
}

/**
 * The metric `key` of a grouping's metrics, or its first one.
 * @param {string} groupBy
 * @param {string | undefined} key
 * @returns {Metric}
 */
export function metricOf(groupBy, key) {
  const list = metricsOf(groupBy);
  return list.find((m) => m.key === key) ?? list[0];
}

/**
 * Whether `metric` is released in `table`: with noise, the engine gives null for the metrics it cannot noise safely.
 * @param {Metric} metric
 * @param {AggregateTable} table
 */
function released(metric, table) {
  return !table?.noise || Boolean(metric.noise);
}

/**
 * The metric `key` of `table`'s grouping when it is released, else the grouping's first released one.
 * @param {AggregateTable} table
 * @param {string | undefined} key
 * @returns {Metric}
 */
export function shownMetric(table, key) {
  const wanted = metricOf(table.groupBy, key);
  if (released(wanted, table)) return wanted;
  return metricsOf(table.groupBy).find((m) => released(m, table)) ?? wanted;
}

/**
 * One standard deviation of the noise on the engine's figure `figure`, in its units (null when the engine gives no scale).
 * @param {NoiseReport | null | undefined} noise
 * @param {string} figure
 */
export function noiseSpread(noise, figure) {
  const b = noise?.scales?.[figure];
  return b !== undefined && Number.isFinite(b) ? Math.round(SD_PER_SCALE * b) : null;
}

/**
 * "± about 170" for the engine's figure `figure`, or "" without its scale.
 * @param {NoiseReport | null | undefined} noise
 * @param {string} figure
 */
export function plusMinus(noise, figure) {
  const sd = noiseSpread(noise, figure);
  return sd === null ? "" : `± about ${countFormat.format(sd)}`;
}

/**
 * How far off a noisy figure of `metric` may be, in a few words for a tooltip.
 * @param {Metric} metric
 * @param {NoiseReport} noise
 */
function noiseHint(metric, noise) {
  /** @type {NoiseWay} */
  const how = metric.noise ?? {};
  if (how.scale) return `noisy, ${plusMinus(noise, how.scale) || "approximate"}`;
  if (how.share) return "a share of noisy counts";
  if (how.ratio) return "noisy minutes ÷ noisy meetings";
  if (how.score) return "a score of noisy counts";
  return "approximate";
}

/**
 * A metric's value as the cell shows it (the raw value stays in data-value).
 * @param {Metric} metric
 * @param {number | null | undefined} value
 */
export function formatMetric(metric, value) {
  if (value === null || value === undefined) return NO_DATA;
  if (metric.format === "percent") return percentFormat.format(value);
  if (metric.format === "duration") return formatDuration(value);
  if (metric.format === "delay") return formatDelay(value);
  if (metric.format === "days") return `${countFormat.format(value)} d`;
  return countFormat.format(value);
}

/**
 * The tooltip's figure; with noise, marked approximate and how far off it may be.
 * @param {Metric} metric
 * @param {number} value
 * @param {NoiseReport | null} [noise]
 */
export function figureText(metric, value, noise = null) {
  const text = exactFigureText(metric, value);
  return noise ? `≈ ${text} (${noiseHint(metric, noise)})` : text;
}

/**
 * The tooltip's figure: the cell's text, with minutes spelled out as hours too.
 * @param {Metric} metric
 * @param {number} value
 */
function exactFigureText(metric, value) {
  const text = formatMetric(metric, value);
  if (metric.format === "minutes") return `${text} ${metric.unit} (${formatDuration(value)})`;
  if (metric.format === "duration" || metric.format === "delay") return `${text} ${metric.unit} (${countFormat.format(value)} min)`;
  if (metric.format === "days") return `${countFormat.format(value)} days ${metric.unit}`;
  return `${text} ${metric.unit}`;
}

/**
 * How the words of the aggregates name a group: one, the column heading, who is active in it, and in the key.
 * @type {Record<Grouping, { one: string, heading: string, active: string, legend: string, who: string }>}
 */
export const GROUP_WORDS = {
  department: { one: "department", heading: "Department", active: "people of the department", legend: "people active", who: "people" },
  account: { one: "account", heading: "Account", active: "of our people dealing with the account", legend: "of our people active with the account", who: "colleagues" },
};

/**
 * The first instant of a period ("2026-08-03", a week from its Monday, or "2026-08", a month).
 * @param {string} period
 */
export function periodStart(period) {
  return new Date(period.length === 7 ? `${period}-01T00:00:00Z` : `${period}T00:00:00Z`);
}

/**
 * The instant just after a period.
 * @param {string} period
 */
export function periodEnd(period) {
  const start = periodStart(period);
  return period.length === 7
    ? new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
    : new Date(start.getTime() + 7 * 86_400_000);
}

/**
 * The column heading: "27 Jul" for a week, "Aug 2026" for a month.
 * @param {string} period
 */
export function periodShort(period) {
  return period.length === 7 ? monthFormat.format(periodStart(period)) : shortDateFormat.format(periodStart(period));
}

/**
 * "week of 27 Jul 2026" or "August 2026".
 * @param {string} period
 */
export function periodLong(period) {
  return period.length === 7 ? longMonthFormat.format(periodStart(period)) : `week of ${dateFormat.format(periodStart(period))}`;
}

/**
 * The collaboration matrix's one figure, as a metric.
 * @type {Metric}
 */
export const MATRIX_METRIC = {
  key: "interactions",
  label: "Interactions",
  unit: "e-mails and meetings",
  format: "count",
  noise: { scale: "matrixInteractions" },
};
