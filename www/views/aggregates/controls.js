// The organization aggregates view's frame: its heading and controls
// (period, metric, grouping, privacy noise) above an empty body for the
// figures. Kept across the view's queries (views/aggregates/view.js), so that
// focus stays on the control just used.

import { el } from "../../ui.js";
import { PERIODS, GROUPINGS, NOISE_EPSILON, metricOf, metricsOf } from "./metrics.js";

/**
 * What the controls show: the period, grouping and noise asked of the engine,
 * and the metric drawn per grouping.
 * @typedef {{ period: string, groupBy: string, noise: boolean, noiseRequired?: boolean, metric: Record<string, string> }} ShownOptions
 */

/**
 * The frame: its root, the body the figures go in, how to offer the metrics
 * of a grouping, and the noise box.
 * @typedef {object} Frame
 * @property {HTMLElement} root
 * @property {HTMLElement} body
 * @property {(groupBy: string, key: string, noisy?: boolean) => void} setMetrics
 * @property {HTMLInputElement} noise
 */

let controlIds = 0;

/** A new number for the ids of one frame's (or one matrix's) controls. */
export function nextControlId() {
  return ++controlIds;
}

/**
 * The view's frame: heading, controls and an empty body for the figures.
 * `options` = { period, metric, groupBy, noise }; `onChange(key, value)` is
 * called when a control changes.
 * @param {ShownOptions} options
 * @param {(key: string, value: string | boolean) => void} onChange
 * @returns {Frame}
 */
export function aggregatesShell(options, onChange) {
  const uid = nextControlId();
  /** @param {string} name */
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
  /** @type {Frame["setMetrics"]} */
  const setMetrics = (groupBy, key, noisy = false) => {
    const offer = `${groupBy}${noisy ? " noisy" : ""}`;
    if (metric.dataset.offer !== offer) {
      metric.replaceChildren(
        ...metricsOf(groupBy).map((m) =>
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
      el("h3", { id: id("title"), text: "Organization" }),
      el("span", { class: "badge scope scope-aggregated", text: "Groups only, nobody named" }),
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
      options.noiseRequired
        ? el("p", { class: "agg-noise-policy", "data-noise-policy": "required", text: "Approximate figures: privacy noise is always on here." })
        : el(
            "div",
            { class: "field check agg-noise" },
            noise,
            el("label", { for: id("noise"), text: `Privacy noise (strength ${NOISE_EPSILON})` }),
          ),
    ),
    body,
  );
  return { root, body, setMetrics, noise };
}
