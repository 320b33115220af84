// The relationship card's story, beside its snapshot figures: the health
// line over the window (the engine's weekly health history, one score a
// week, gaps where there was too little data), the engine's suggested next
// step, and the activity list behind the figures (newest first, a page at a
// time, "Show more" asks the worker for the next one).

import { el, svg, plural, shortDateFormat, dateFormat, formatDuration, timeElement } from "../ui.js";

/**
 * @typedef {import("../pkg/rapport.js").HealthPoint} HealthPoint
 * @typedef {import("../pkg/rapport.js").NextStep} NextStep
 * @typedef {import("../pkg/rapport.js").Activity} Activity
 * @typedef {import("../pkg/rapport.js").ActivityItem} ActivityItem
 * @typedef {import("./parts.js").ViewContext} ViewContext
 */

const W = 560;
const H = 140;
const PAD = { left: 30, right: 10, top: 10, bottom: 22 };

/**
 * The health line: weekly scores 0–100, the fair and good thresholds drawn
 * as guides; a week without a score breaks the line.
 * @param {HealthPoint[]} history
 * @param {string} name
 */
export function healthLine(history, name) {
  const n = history.length;
  const x = (/** @type {number} */ i) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (/** @type {number} */ v) => PAD.top + ((100 - v) * (H - PAD.top - PAD.bottom)) / 100;
  /** @type {string[]} */
  const runs = [];
  let run = "";
  history.forEach((p, i) => {
    if (p.score === null) {
      if (run) runs.push(run);
      run = "";
    } else run += `${run ? " L" : "M"}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`;
  });
  if (run) runs.push(run);
  const scored = history.filter((p) => p.score !== null);
  const first = scored[0];
  const last = scored.at(-1);
  const summary = !scored.length
    ? `Not scored in any week of the window: too little data.`
    : `Health of ${name}, week by week: ${first?.score} in the week of ${shortDateFormat.format(new Date(first?.week ?? 0))}, ${last?.score} now.`;
  const guides = [40, 60].map((v) =>
    svg("g", { class: "guide" }, svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }), svg("text", { x: PAD.left - 4, y: y(v) + 4, "text-anchor": "end" }, String(v))),
  );
  const ticks = history
    .map((p, i) => [p, i])
    .filter(([, i]) => n <= 6 || Number(i) % Math.ceil(n / 6) === 0)
    .map(([p, i]) => svg("text", { x: x(Number(i)), y: H - 6, "text-anchor": "middle", class: "tick" }, shortDateFormat.format(new Date(/** @type {HealthPoint} */ (p).week))));
  const dots = history.flatMap((p, i) =>
    p.score === null ? [] : [svg("circle", { cx: x(i), cy: y(p.score), r: 2.5, "data-health-week": p.week, "data-score": p.score }, svg("title", {}, `${dateFormat.format(new Date(p.week))}: ${p.score}`))],
  );
  const chart = svg(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, class: "health-line", role: "img", "aria-label": summary, preserveAspectRatio: "none" },
    ...guides,
    ...ticks,
    ...runs.map((d) => svg("path", { d, class: "line" })),
    ...dots,
  );
  return el(
    "figure",
    { class: "card health-history", "data-health-history": JSON.stringify(history.map((p) => p.score)) },
    el("figcaption", {}, el("h4", { text: "Health over time" }), el("p", { class: "muted small", text: "Weekly score; 60 and above is good, below 40 poor." })),
    chart,
    el(
      "details",
      { class: "chart-table" },
      el("summary", { text: "Show the weekly scores as a table" }),
      el(
        "div",
        { class: "table-scroll" },
        el(
          "table",
          {},
          el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Week of" }), el("th", { scope: "col", text: "Score" }))),
          el("tbody", {}, ...history.map((p) => el("tr", {}, el("th", { scope: "row", text: dateFormat.format(new Date(p.week)) }), el("td", { text: p.score === null ? "not scored" : String(p.score) })))),
        ),
      ),
    ),
  );
}

/** @type {Record<NextStep["rule"], string>} */
const STEP_ICONS = { unanswered: "✉", quiet: "◷", "no-meeting": "▦", declining: "↘", "single-threaded": "⚇" };

/**
 * The engine's suggestion, or nothing.
 * @param {NextStep | null} step
 */
export function nextStepCard(step) {
  if (!step) return null;
  return el(
    "aside",
    { class: "next-step", "data-next-step": step.rule, "aria-label": "Suggested next step" },
    el("span", { class: "next-icon", "aria-hidden": "true", text: STEP_ICONS[step.rule] ?? "→" }),
    el("div", {}, el("p", { class: "next-title", text: "Suggested next step" }), el("p", { class: "next-text", text: step.text })),
  );
}

const DIRECTIONS = {
  sent: { icon: "↗", word: "E-mail from us" },
  received: { icon: "↙", word: "E-mail from them" },
  meeting: { icon: "▦", word: "Meeting" },
  call: { icon: "☏", word: "Call" },
};

/**
 * @param {{ id: string, name: string | null }[]} people
 */
const names = (people) => people.map((p) => p.name ?? p.id).join(", ");

/** @param {ActivityItem} item */
function activityItem(item) {
  const d = DIRECTIONS[item.direction];
  const people = item.direction === "received" ? `${names(item.them)} → ${names(item.us)}` : item.direction === "sent" ? `${names(item.us)} → ${names(item.them)}` : `${names(item.us)} with ${names(item.them)}`;
  const extra = [
    item.durationMinutes !== null ? formatDuration(item.durationMinutes) : null,
    item.reply ? "a reply" : null,
    item.answered === true ? "answered" : item.answered === false && item.direction === "sent" ? "not answered yet" : null,
  ].filter(Boolean);
  return el(
    "li",
    { class: `activity-item dir-${item.direction}`, "data-activity": item.id, "data-at": item.at },
    el("span", { class: "activity-icon", "aria-hidden": "true", text: d.icon }),
    el(
      "div",
      { class: "activity-body" },
      el("p", { class: "activity-what" }, el("strong", { text: d.word }), ` · ${people}`),
      el("p", { class: "activity-when muted small" }, timeElement("activity-at", item.at, dateFormat.format(new Date(item.at))), extra.length ? ` · ${extra.join(" · ")}` : ""),
    ),
  );
}

/**
 * Puts the activity list in the card drawn in `host` in place of its placeholder (removed when `activity` is null).
 * @param {HTMLElement} host
 * @param {Activity | null} activity
 * @param {ViewContext} ctx
 * @param {{ kind: "contact" | "account", id: string }} target
 */
export function fillActivity(host, activity, ctx, target) {
  const slot = host.querySelector('[data-list="activity"]');
  if (!slot) return;
  const list = activityList(activity, ctx, target);
  if (list) slot.replaceWith(list);
  else slot.remove();
}

/**
 * The activity list, newest first, with "Show more" while there is more;
 * undefined: a placeholder until it comes (fillActivity).
 * @param {Activity | null | undefined} activity
 * @param {ViewContext} ctx
 * @param {{ kind: "contact" | "account", id: string }} target
 */
export function activityList(activity, ctx, target) {
  if (activity === undefined) {
    return el("section", { class: "card activity", "aria-label": "Activity", "data-list": "activity", "data-pending": "true" }, el("h4", { text: "Activity" }), el("p", { class: "muted small", text: "Loading the interactions…" }));
  }
  if (!activity) return null;
  const list = el("ol", { class: "activity-list" }, ...activity.items.map(activityItem));
  const count = el("p", { class: "muted small", "data-activity-total": String(activity.total) });
  const more = el("button", { type: "button", class: "secondary more", text: "Show more" });
  let next = activity.next;
  const update = () => {
    count.textContent = `${plural(list.children.length, "interaction")} of ${plural(activity.total, "interaction")} in the window, newest first.`;
    more.hidden = next === null;
  };
  more.addEventListener("click", async () => {
    if (next === null) return;
    more.disabled = true;
    try {
      const page = await ctx.more(target, next);
      list.append(...page.items.map(activityItem));
      next = page.next;
      update();
      /** @type {HTMLElement | null} */ (list.children[list.children.length - page.items.length])?.focus?.();
    } catch (err) {
      count.textContent = `More could not be shown: ${/** @type {Error} */ (err).message}`;
    } finally {
      more.disabled = false;
    }
  });
  update();
  return el(
    "section",
    { class: "card activity", "aria-labelledby": "activity-title", "data-list": "activity" },
    el("h4", { id: "activity-title", text: "Activity" }),
    count,
    activity.items.length ? list : el("p", { class: "muted", text: "No interaction in this period." }),
    more,
  );
}
