// The privacy panel above a noisy answer's figures: what the answer cost and
// the budget left, how far off a figure of the metric shown may be, whose
// data the noise protects, and which metrics are not released with noise.

import { el, countFormat } from "../../ui.js";
import { MATRIX_METRIC, NOISE_EPSILON, plusMinus, metricsOf } from "./metrics.js";

/**
 * @typedef {import("./metrics.js").Metric} Metric
 * @typedef {import("./metrics.js").NoiseWay} NoiseWay
 * @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable
 * @typedef {import("../../pkg/rapport.js").NoiseReport} NoiseReport
 * @typedef {AggregateTable & { noise: NoiseReport }} NoisyTable
 */

/** Epsilons are given in thousandths. */
const epsilonFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

/**
 * The engine's noisy figures (the keys of `noise.scales`), as people name them.
 * @type {Record<string, string>}
 */
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

/**
 * "meetings ± about 226": a noisy figure and its spread.
 * @param {NoiseReport} noise
 * @param {string} figure
 */
function figureSpread(noise, figure) {
  return [FIGURE_WORDS[figure] ?? figure, plusMinus(noise, figure)].filter(Boolean).join(" ");
}

/**
 * What the noise on `metric` means for a figure shown, in plain words.
 * @param {Metric} metric
 * @param {NoiseReport} noise
 */
function noiseMeaning(metric, noise) {
  /** @type {NoiseWay} */
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

/**
 * "ε = 1 for this answer; budget spent 1 of 10, 9 left." (or repeated from cache), and a warning when too little is left for a new one.
 * @param {NoisyTable} table
 */
function noiseCost(table) {
  const n = table.noise;
  const eps = epsilonFormat.format(n.epsilon);
  const cost = n.fromCache ? `Repeated at no cost (it used ${eps} when first asked)` : `This answer used ${eps} of the privacy allowance`;
  const spent = table.epsilonSpent;
  const left = table.epsilonRemaining;
  if (spent === null || left === null || !Number.isFinite(spent) || !Number.isFinite(left)) return `${cost}.`;
  // The engine counts in thousandths: round the sum so that 0.1 + 0.2 reads 0.3.
  const total = Math.round((spent + left) * 1000) / 1000;
  const low = left < NOISE_EPSILON ? " Too little is left for a new question: only those asked before can be shown with noise." : "";
  return `${cost}; ${epsilonFormat.format(spent)} of ${epsilonFormat.format(total)} used so far, ${epsilonFormat.format(left)} left.${low}`;
}

/**
 * Whose data the noise protects, and the caps that bound one person's part in a figure.
 * @param {NoisyTable} table
 */
function noiseUnit(table) {
  const n = table.noise;
  const { recordsPerPeriod: records, groupsPerRecord: groups, minutesPerMeeting: minutes } = /** @type {Partial<NoiseReport["caps"]>} */ (n.caps ?? {});
  const per = table.period === "month" ? "month" : "week";
  const caps =
    records !== undefined && groups !== undefined && minutes !== undefined && Number.isFinite(records) && Number.isFinite(groups) && Number.isFinite(minutes)
      ? ` A person counts for at most ${countFormat.format(records)} records (e-mails sent, meetings organized) a ${per}, ` +
        `each in at most ${countFormat.format(groups)} groups, a meeting for at most ${countFormat.format(minutes)} min.`
      : "";
  return `Protects ${n.unit ?? "one person's records in one period"}.${caps} Counts are whole numbers, never below 0.`;
}

/**
 * The panel above a noisy answer's figures: its cost and the budget left,
 * how far off a figure of `metric` may be, and what is not released with
 * noise. `wanted` is the metric asked for when noise hid it (`metric` is
 * shown instead), null otherwise.
 * @param {NoisyTable} table
 * @param {Metric} metric
 * @param {Metric | null} wanted
 */
export function privacyPanel(table, metric, wanted) {
  const n = table.noise;
  const unreleased = metricsOf(table.groupBy).filter((m) => !m.noise);
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
