// The organization aggregates view in the team panel: the options it asks
// the engine with (period, grouping, noise) and those only drawn (the
// metric, the collaboration matrix's period), its frame kept across queries
// (controls.js), the table it last drew, and the noisy questions answered so
// far (once the privacy budget is spent, only they still answer, from
// cache). The team panel's dispatcher (team/dispatch.js) asks the worker and
// hands the answer, or the refusal, to the functions here.

import { aggregatesShell } from "./controls.js";
import { aggregatesBody, notImplementedBody, budgetExhaustedBody } from "./body.js";
import { metricOf, shownMetric, NOISE_EPSILON } from "./metrics.js";
import { el } from "../../ui.js";

/**
 * @typedef {import("../../pkg/rapport.js").AggregateTable} AggregateTable
 * @typedef {import("../../protocol.js").Params<"aggregates">} AggregatesParams
 * @typedef {{ code: string, message: string }} ShownError
 */

/**
 * What the view's controls say: period, grouping and noise are asked of the
 * engine; the metric (per grouping) and the matrix's period (per kind of
 * period; null = the latest) are only drawn.
 */
export const options = {
  period: "week",
  groupBy: "department",
  noise: false,
  metric: { department: "emailsSent", account: "emailsTo" },
  /** @type {{ week: string | null, month: string | null }} */
  matrixPeriod: { week: null, month: null },
  /** @type {{ groupBy: string, period: string }[]} the questions answered with noise */
  noisyAsked: [],
};

/** The frame on screen, and the table it last drew. @type {import("./controls.js").Frame | null} */
let shell = null;
/** @type {AggregateTable | null} */
let shownTable = null;

/**
 * What the team panel does for the view: ask the engine again, say something
 * in its status line, and whether the view is the one on screen.
 */
let hooks = {
  rerun: () => {},
  /** @param {string} _text */
  status: (_text) => {},
  shown: () => false,
  /** @returns {string | null} the data's reference time (ISO), to mark the period in progress */
  now: () => null,
  /** The deployment requires noise (the engine's requireNoise): no exact figures, and no control offers them. */
  requireNoise: () => false,
};

/**
 * Wires the view to the team panel (team/dispatch.js).
 * @param {typeof hooks} given
 */
export function wireAggregates(given) {
  hooks = given;
}

/**
 * The params of the "aggregates" request for the options in force.
 * @returns {AggregatesParams}
 */
export function aggregatesRequest() {
  /** @type {AggregatesParams} */
  const params = { groupBy: /** @type {"department" | "account"} */ (options.groupBy), period: /** @type {"week" | "month"} */ (options.period) };
  if (options.noise || hooks.requireNoise()) params.noise = { epsilon: NOISE_EPSILON };
  return params;
}

/**
 * What a new query dims while it runs: only the figures, when the frame is on
 * screen (its controls stay usable), else `host`.
 * @param {HTMLElement} host
 * @returns {HTMLElement}
 */
export function dimmedDuringQuery(host) {
  return shell?.root.isConnected ? shell.body : host;
}

/** The data was replaced: the noisy questions and the frame are about the old data. */
export function resetAggregates() {
  options.noisyAsked = [];
  options.matrixPeriod = { week: null, month: null };
  shell = null;
  shownTable = null;
}

/**
 * The view's frame (heading and controls), kept across its queries so that focus stays on a control.
 * @param {HTMLElement} host
 */
function frame(host) {
  if (!shell?.root.isConnected) {
    shell = aggregatesShell({ ...options, noise: options.noise || hooks.requireNoise(), noiseRequired: hooks.requireNoise() }, onOption);
    shownTable = null;
    host.replaceChildren(shell.root);
  }
  return shell;
}

/**
 * Draws `table` in `host`; returns the status line's ending (which says when
 * noise hid the metric asked for).
 * @param {HTMLElement} host
 * @param {AggregateTable} table
 * @returns {string}
 */
export function renderAggregates(host, table) {
  const { root, body, setMetrics } = frame(host);
  shownTable = table;
  const wanted = metricOf(table.groupBy, options.metric[table.groupBy]);
  // A metric not released with noise gives way to the first released one; the picker follows, so that it shows what is drawn.
  const metric = shownMetric(table, wanted.key);
  options.metric[table.groupBy] = metric.key;
  setMetrics(table.groupBy, metric.key, Boolean(table.noise));
  root.dataset.shown = "table";
  root.dataset.period = table.period;
  root.dataset.groupBy = table.groupBy;
  root.dataset.metric = metric.key;
  root.dataset.minGroupSize = String(table.minGroupSize);
  if (table.noise) {
    root.dataset.noise = "on";
    rememberNoisy(table);
  } else {
    delete root.dataset.noise;
  }
  body.replaceChildren(...aggregatesBody(table, wanted.key, hooks.now(), matrixOptions(table)));
  offerLongerPeriods(body, table);
  if (!table.noise) return "shown below.";
  const cost = table.noise.fromCache ? "repeated at no cost" : "part of the privacy allowance used";
  return metric === wanted
    ? `shown below with privacy noise (${cost}).`
    : `shown below with privacy noise (${cost}); ${wanted.label.toLowerCase()} is not released with noise: showing ${metric.label.toLowerCase()} instead.`;
}

/**
 * Rows were folded away (nobody to show in any period): offer the longer
 * periods the engine accepts (PERIODS: weeks and months; it has no
 * quarters), where more people are active in each cell. Whether they show
 * more is the engine's answer once asked, never worked out here.
 * @param {HTMLElement} body
 * @param {AggregateTable} table
 */
function offerLongerPeriods(body, table) {
  const folded = body.querySelector("[data-folded]");
  if (!folded || table.period !== "week") return;
  const button = el("button", { type: "button", class: "secondary", "data-offer-period": "month", text: "Show by month instead" });
  button.addEventListener("click", () => onOption("period", "month"));
  folded.after(
    el(
      "div",
      { class: "period-offer", "data-period-offer": "month" },
      el("p", { class: "help", text: "A month gathers more people active in each cell than a week, so some of the hidden rows may show." }),
      button,
    ),
  );
}

/**
 * Remembers a question answered with noise, to name it once the budget is spent.
 * @param {AggregateTable} table
 */
function rememberNoisy(table) {
  const asked = options.noisyAsked;
  if (!asked.some((q) => q.groupBy === table.groupBy && q.period === table.period)) {
    asked.push({ groupBy: table.groupBy, period: table.period });
  }
}

/**
 * The collaboration matrix's period for `table` and where to keep the one picked.
 * @param {AggregateTable} table
 */
function matrixOptions(table) {
  const root = shell?.root;
  if (root) delete root.dataset.matrixPeriod;
  return {
    period: options.matrixPeriod[table.period],
    /** @param {string} period */
    onPeriod: (period) => {
      options.matrixPeriod[table.period] = period;
      if (root) root.dataset.matrixPeriod = period;
    },
  };
}

/**
 * The frame without a table: a notice instead of figures.
 * @param {HTMLElement} host
 */
function noticeFrame(host) {
  const f = frame(host);
  shownTable = null;
  f.root.dataset.shown = "notice";
  for (const key of ["period", "groupBy", "metric", "minGroupSize", "matrixPeriod", "noise"]) delete f.root.dataset[key];
  return f;
}

/**
 * What the engine does not compute yet (NOT_IMPLEMENTED).
 * @param {HTMLElement} host
 * @param {ShownError} err
 */
export function renderAggregatesNotice(host, err) {
  const { body } = noticeFrame(host);
  body.replaceChildren(...notImplementedBody(options, err));
}

/**
 * The budget cannot pay for this noisy question: the questions asked before
 * still answer, and so do the figures without noise.
 * @param {HTMLElement} host
 * @param {ShownError} err
 */
export function renderBudgetExhausted(host, err) {
  const { body, noise } = noticeFrame(host);
  const withoutNoise = () => {
    noise.checked = false;
    onOption("noise", false);
    noise.focus();
  };
  // With noise required by the deployment, nothing offers the exact figures instead.
  body.replaceChildren(...budgetExhaustedBody(options, err, options.noisyAsked, hooks.requireNoise() ? null : withoutNoise));
}

/**
 * A control changed: the metric is drawn again from the table on screen, the rest asks the engine.
 * @param {string} key
 * @param {string | boolean} value
 */
function onOption(key, value) {
  if (key !== "metric") {
    Object.assign(options, { [key]: value });
    hooks.rerun();
    return;
  }
  const table = shownTable;
  if (!table) return;
  const metric = shownMetric(table, /** @type {string} */ (value));
  options.metric[table.groupBy] = metric.key;
  if (shell?.root.isConnected && hooks.shown()) {
    shell.root.dataset.metric = metric.key;
    shell.body.replaceChildren(...aggregatesBody(table, metric.key, hooks.now(), matrixOptions(table)));
    hooks.status(`Organization: ${metric.label.toLowerCase()} shown below.`);
  }
}
