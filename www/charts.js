// Inline SVG charts built with DOM APIs: the weekly activity chart (own
// insights and relationships), bars for strengths and health factors, the
// health gauge, and introduction paths drawn as small left-to-right graphs.
// Charts sized from their host's width are drawn again when it changes.

import { el, svg, countFormat, decimalFormat, shortDateFormat, dateFormat, formatDuration } from "./ui.js";

/**
 * @typedef {import("./pkg/rapport.js").WeekFigures} WeekFigures
 * @typedef {import("./pkg/rapport.js").Health} Health
 * @typedef {import("./pkg/rapport.js").IntroductionPath} IntroductionPath
 * @typedef {"emailsSent" | "emailsReceived" | "meetings" | "calls"} SeriesKey
 * @typedef {{ key: SeriesKey, label: string, class: string }} Series
 * @typedef {Partial<Record<SeriesKey, string>>} SeriesLabels
 */

// ---------------------------------------------------------------- responsive drawing

/** host → { draw, width }: charts drawn at their host's pixel width. @type {WeakMap<Element, { draw: (width: number) => void, width: number }>} */
const drawn = new WeakMap();
const resizeObserver = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const state = drawn.get(entry.target);
    if (!state || !entry.target.isConnected) continue;
    const width = Math.round(entry.target.clientWidth);
    if (Math.abs(width - state.width) > 4) {
      state.width = width;
      state.draw(width);
    }
  }
});

/**
 * Draws into `host` now, at its width, and again whenever that width changes.
 * @param {HTMLElement} host
 * @param {(width: number) => void} draw
 */
function drawResponsive(host, draw) {
  const width = Math.round(host.clientWidth);
  const state = drawn.get(host);
  if (state) {
    state.draw = draw;
    state.width = width;
  } else {
    drawn.set(host, { draw, width });
    resizeObserver.observe(host);
  }
  draw(width);
}

// ---------------------------------------------------------------- weekly chart

/** @type {Series[]} */
export const SERIES = [
  { key: "emailsSent", label: "sent", class: "sent" },
  { key: "emailsReceived", label: "received", class: "received" },
  { key: "meetings", label: "meetings", class: "meetings" },
];
/** The relationship timeline adds calls. */
/** @type {Series[]} */
export const SERIES_WITH_CALLS = [...SERIES, { key: "calls", label: "calls", class: "calls" }];

/**
 * A round step for about `ticks` gridlines up to `max`.
 * @param {number} max
 * @param {number} ticks
 */
function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // 10 × magnitude is always ≥ raw: `find` finds one.
  const step = /** @type {number} */ ([1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw));
  return Math.max(1, step);
}

/**
 * The weekly bar chart (e-mails sent, received, meetings per week) in `host`.
 * `labels` names the series for the tooltips, e.g. { emailsSent: "by us" }.
 * @param {HTMLElement} host
 * @param {WeekFigures[]} weeks
 * @param {{ title?: string, labels?: SeriesLabels, series?: Series[] }} [how]
 */
export function weeklyChart(host, weeks, { title = "Weekly activity", labels = {}, series = SERIES } = {}) {
  drawResponsive(host, (hostWidth) => host.replaceChildren(weeklySvg(weeks, hostWidth, title, labels, series)));
}

/**
 * @param {WeekFigures[]} weeks
 * @param {number} hostWidth
 * @param {string} title
 * @param {SeriesLabels} labels
 * @param {Series[]} series
 */
function weeklySvg(weeks, hostWidth, title, labels, series) {
  const width = Math.max(280, hostWidth || 640);
  const height = width < 480 ? 190 : 230;
  const margin = { top: 10, right: 8, bottom: 26, left: 34 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = Math.max(1, ...weeks.flatMap((w) => series.map((s) => w[s.key])));
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;
  /** @param {number} v */
  const y = (v) => margin.top + plotH - (v / top) * plotH;
  /** @param {Series} s */
  const label = (s) => labels[s.key] ?? s.label;

  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": weeks.length
      ? `${title} over ${weeks.length} weeks: ${series.map(label).join(", ")} per week.`
      : `${title}: no weeks in the window`,
  });
  chart.append(svg("title", {}, title));

  const grid = svg("g", { class: "grid", "aria-hidden": "true" });
  for (let v = 0; v <= top; v += step) {
    grid.append(
      svg("line", { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v) }),
      svg("text", { x: margin.left - 6, y: y(v) + 4, "text-anchor": "end" }, countFormat.format(v)),
    );
  }
  chart.append(grid);

  const groupW = weeks.length ? plotW / weeks.length : plotW;
  const barW = Math.max(2, Math.min(14, (groupW * 0.78) / series.length));
  const labelEvery = Math.max(1, Math.ceil(weeks.length / Math.max(1, Math.floor(plotW / 52))));
  weeks.forEach((w, i) => {
    const x0 = margin.left + i * groupW + (groupW - barW * series.length) / 2;
    const g = svg("g", { class: "week", "data-week": w.week });
    const day = shortDateFormat.format(new Date(`${w.week}T00:00:00Z`));
    g.append(svg("title", {}, `Week of ${day}: ${series.map((s) => `${w[s.key]} ${label(s)}`).join(", ")}`));
    series.forEach((s, j) => {
      const value = w[s.key];
      g.append(
        svg("rect", {
          class: `bar ${s.class}`,
          "data-series": s.key,
          "data-value": value,
          x: x0 + j * barW,
          y: y(value),
          width: Math.max(1, barW - 1),
          height: Math.max(0, y(0) - y(value)),
        }),
      );
    });
    if (i % labelEvery === 0) {
      g.append(svg("text", { class: "x-label", x: margin.left + (i + 0.5) * groupW, y: height - 8, "text-anchor": "middle" }, day));
    }
    chart.append(g);
  });
  chart.append(svg("line", { class: "axis", x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0) }));
  return chart;
}

/**
 * The legend of the weekly chart; `labels` as for weeklyChart.
 * @param {SeriesLabels} [labels]
 * @param {Series[]} [series]
 */
export function weeklyLegend(labels = {}, series = SERIES) {
  const names = { emailsSent: "E-mails sent", emailsReceived: "E-mails received", meetings: "Meetings", calls: "Calls" };
  return el(
    "ul",
    { class: "legend", "aria-hidden": "true" },
    ...series.map((s) => el("li", {}, el("span", { class: `swatch ${s.class}` }), labels[s.key] ?? names[s.key])),
  );
}

/**
 * The weekly figures as table rows (the chart's accessible twin).
 * @param {WeekFigures[]} weeks
 * @param {string[]} [headings]
 */
export function weeklyTableRows(weeks, headings = ["Week of", "Sent", "Received", "Meetings", "Meeting time", "Calls", "Call time"]) {
  const head = el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", { scope: "col", text: h }))));
  const body = el(
    "tbody",
    {},
    ...weeks.map((w) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", text: dateFormat.format(new Date(`${w.week}T00:00:00Z`)) }),
        el("td", { text: countFormat.format(w.emailsSent) }),
        el("td", { text: countFormat.format(w.emailsReceived) }),
        el("td", { text: countFormat.format(w.meetings) }),
        el("td", { text: formatDuration(w.meetingMinutes) }),
        el("td", { text: countFormat.format(w.calls) }),
        el("td", { text: formatDuration(w.callMinutes) }),
      ),
    ),
  );
  return [head, body];
}

// ---------------------------------------------------------------- bars and gauge

/**
 * A horizontal bar filled to `fraction` (0–1), stretched to its box by CSS; decorative (the figure is printed next to it).
 * @param {number} fraction
 * @param {string} [className]
 */
export function bar(fraction, className = "") {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  return svg(
    "svg",
    { class: `hbar ${className}`.trim(), viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" },
    svg("rect", { class: "hbar-track", x: 0, y: 0, width: 100, height: 10, rx: 0 }),
    svg("rect", { class: "hbar-fill", x: 0, y: 0, width: (f * 100).toFixed(2), height: 10 }),
  );
}

/**
 * The health score as a ring filled to score/100 (decorative: the score is printed in its middle by the caller); dashed when not scored.
 * @param {Health} health
 */
export function healthGauge(health) {
  const r = 34;
  const c = 2 * Math.PI * r;
  const score = health.state === "scored" ? health.score : null;
  const scored = score !== null;
  const ring = svg(
    "svg",
    { class: `gauge ${scored ? `gauge-${health.band}` : "gauge-none"}`, viewBox: "0 0 84 84", "aria-hidden": "true", focusable: "false" },
    svg("circle", { class: "gauge-track", cx: 42, cy: 42, r }),
  );
  if (scored) {
    ring.append(
      svg("circle", {
        class: "gauge-fill",
        cx: 42,
        cy: 42,
        r,
        "stroke-dasharray": `${((score / 100) * c).toFixed(2)} ${c.toFixed(2)}`,
        transform: "rotate(-90 42 42)",
      }),
    );
  }
  return ring;
}

// ---------------------------------------------------------------- introduction paths

/**
 * Up to two lines of a node's label, each cut to about `chars` characters.
 * @param {string} name
 * @param {number} chars
 */
function labelLines(name, chars) {
  /** @param {string} s */
  const cut = (s) => (s.length > chars ? `${s.slice(0, Math.max(1, chars - 1))}…` : s);
  const words = String(name).trim().split(/\s+/);
  if (words.length === 1) {
    const id = words[0];
    const at = id.indexOf("@");
    return at > 0 ? [cut(id.slice(0, at)), cut(id.slice(at))] : [cut(id)];
  }
  return [cut(words[0]), cut(words.slice(1).join(" "))];
}

/** @param {string} name */
function initials(name) {
  const words = String(name).replace(/@.*/, "").split(/[\s._-]+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] ?? "?").slice(0, 2)).toUpperCase();
}

/**
 * An introduction path as a graph in `host`: people as labelled circles from
 * left (the viewer) to right (the contact), each edge labelled with its
 * strength and drawn thicker the stronger it is.
 * @param {HTMLElement} host
 * @param {IntroductionPath} path
 */
export function pathGraph(host, path) {
  drawResponsive(host, (hostWidth) => host.replaceChildren(pathSvg(path, hostWidth)));
}

/**
 * @param {IntroductionPath} path
 * @param {number} hostWidth
 */
function pathSvg(path, hostWidth) {
  const n = path.people.length;
  const width = Math.max(260, hostWidth || 560);
  const narrow = width < 420;
  const radius = narrow ? 15 : 17;
  const marginX = narrow ? 40 : 56;
  const cy = 36;
  const spacing = n > 1 ? (width - 2 * marginX) / (n - 1) : 0;
  /** @param {number} i */
  const x = (i) => (n > 1 ? marginX + i * spacing : width / 2);
  const chars = Math.max(6, Math.floor((n > 1 ? Math.min(spacing, 2 * marginX + 20) : width) / 7.2));
  /** @param {number} i */
  const name = (i) => path.names?.[i] ?? path.people[i];
  const lines = path.people.map((id, i) => (i === 0 ? ["You"] : labelLines(name(i), chars)));
  const height = cy + radius + 15 + 14 * (Math.max(...lines.map((l) => l.length)) - 1) + 8;

  const graph = svg("svg", {
    class: "path-graph",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": path.explanation,
  });

  path.steps.forEach((step, i) => {
    const x1 = x(i) + radius;
    const x2 = x(i + 1) - radius;
    const mid = (x(i) + x(i + 1)) / 2;
    const e = step.evidence;
    graph.append(
      svg(
        "g",
        { class: "edge", "data-from": step.from, "data-to": step.to, "data-strength": step.strength },
        svg(
          "title",
          {},
          `${name(i)} – ${name(i + 1)}: strength ${decimalFormat.format(step.strength)} (${e.emails} e-mails, ${e.meetings} meetings, ${e.calls} calls)`,
        ),
        svg("line", { x1, x2, y1: cy, y2: cy, "stroke-width": (1 + 9 * step.strength ** 2).toFixed(2) }),
        svg("text", { class: "edge-label", x: mid, y: cy - 9, "text-anchor": "middle" }, decimalFormat.format(step.strength)),
      ),
    );
  });

  path.people.forEach((id, i) => {
    const role = i === 0 ? "viewer" : i === n - 1 ? "target" : "colleague";
    const label = svg("text", { class: "node-label", x: x(i), y: cy + radius + 15, "text-anchor": "middle" });
    lines[i].forEach((line, k) => label.append(svg("tspan", { x: x(i), dy: k === 0 ? 0 : 14 }, line)));
    graph.append(
      svg(
        "g",
        { class: `node ${role}`, "data-person": id },
        svg("title", {}, `${name(i)}${name(i) !== id ? ` (${id})` : ""}`),
        svg("circle", { cx: x(i), cy, r: radius }),
        svg("text", { class: "node-initials", x: x(i), y: cy + 4, "text-anchor": "middle" }, initials(name(i))),
        label,
      ),
    );
  });
  return graph;
}
