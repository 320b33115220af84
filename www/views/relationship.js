// The relationship view: a contact's or an account's relationship with us
// (the viewer alone with Data: Own, every colleague with Data: Team): its
// health score and how it is made, the weekly timeline, the figures seen
// from both sides, and the colleagues most involved.

import { el, countFormat, pointsFormat, wholePercentFormat, factsList, kpiCards, relationshipKpiCards, peopleItems } from "../ui.js";
import { weeklyChart, weeklyLegend, weeklyTableRows, bar, healthGauge, SERIES_WITH_CALLS } from "../charts.js";
import { bandBadge, trendText, openButton, TREND_ARROWS } from "./parts.js";
import { healthLine, nextStepCard, activityList } from "./story.js";

/**
 * @typedef {import("../pkg/rapport.js").Relationship} Relationship
 * @typedef {import("../pkg/rapport.js").Health} Health
 * @typedef {import("../pkg/rapport.js").Colleague} Colleague
 * @typedef {import("./parts.js").ViewContext} ViewContext
 * @typedef {import("../pkg/rapport.js").Activity} Activity
 */

const FACTOR_NAMES = {
  frequency: "Frequency",
  recency: "Recency",
  reciprocity: "Reciprocity",
  responsiveness: "Responsiveness",
  breadth: "Breadth",
};

/**
 * Draws relationship `r` in `host`.
 * @param {HTMLElement} host
 * @param {Relationship} r
 * @param {ViewContext} ctx
 * @param {Activity | null} [activity]  the first page of the activity list; undefined: it follows (story.js fillActivity)
 */
export function renderRelationship(host, r, ctx, activity = undefined) {
  const own = r.scope === "own";
  const t = r.target;
  const name = t.name ?? t.id;

  const about =
    t.kind === "contact"
      ? el(
          "p",
          { class: "rel-meta" },
          el("span", { class: "muted", text: t.id }),
          t.account ? el("span", { class: "muted", text: " · account " }) : null,
          t.account ? openButton(ctx, "account", t.account, t.accountName ?? ctx.nameOf(t.account) ?? t.account) : null,
        )
      : el(
          "div",
          { class: "rel-meta" },
          el("span", { class: "muted", text: `${countFormat.format(t.contacts.length)} contact${t.contacts.length === 1 ? "" : "s"}: ` }),
          el(
            "ul",
            { class: "chips", "aria-label": `Contacts of ${name}` },
            ...t.contacts.map((id) => el("li", {}, openButton(ctx, "contact", id, ctx.nameOf(id) ?? id, "chip"))),
          ),
        );

  const head = el(
    "header",
    { class: "card rel-head" },
    el(
      "div",
      { class: "rel-title" },
      el("h3", { text: name }),
      el("span", { class: "badge", text: t.kind === "account" ? "Account" : "Contact" }),
      el("span", {
        class: `badge scope ${own ? "scope-own" : "scope-team"}`,
        "data-scope": r.scope,
        text: own ? "Your interactions" : "Whole team",
      }),
    ),
    about,
    nextStepCard(r.nextStep),
    factsList(r),
  );

  const chartHost = el("div", { class: "chart" });
  const tableHost = el("table");
  const labels = { emailsSent: own ? "E-mails by you" : "E-mails by us", emailsReceived: "E-mails by them", meetings: "Meetings", calls: "Calls" };
  const chartCard = el(
    "figure",
    { class: "card chart-card" },
    el("figcaption", {}, el("h4", { text: "Weekly timeline" }), weeklyLegend(labels, SERIES_WITH_CALLS)),
    chartHost,
    el(
      "details",
      { class: "chart-table" },
      el("summary", { text: "Show the weekly figures as a table" }),
      el("div", { class: "table-scroll" }, tableHost),
    ),
  );
  tableHost.replaceChildren(
    ...weeklyTableRows(r.weekly, ["Week of", own ? "By you" : "By us", "By them", "Meetings", "Meeting time", "Calls", "Call time"]),
  );

  const view = el(
    "div",
    {
      class: "rel",
      "data-view": "relationship",
      "data-scope": r.scope,
      "data-target-kind": t.kind,
      "data-target-id": t.id,
    },
    head,
    el(
      "div",
      { class: "rel-grid" },
      healthCard(r.health),
      el("div", { class: "rel-stack" }, healthLine(r.healthHistory, name), activityList(activity, ctx, { kind: t.kind, id: t.id })),
    ),
    chartCard,
    el("section", { class: "rel-section", "aria-label": "Figures" }, el("div", { class: "kpi-grid" }, ...kpiCards(r.kpis, relationshipKpiCards(own)))),
    colleagueLists(r, own),
  );
  host.replaceChildren(view);
  weeklyChart(chartHost, r.weekly, {
    title: `Weekly timeline with ${name}`,
    labels: { emailsSent: own ? "e-mails by you" : "e-mails by us", emailsReceived: "e-mails by them", meetings: "meetings", calls: "calls" },
    series: SERIES_WITH_CALLS,
  });
}

/**
 * The health card: score, band, trend, and each factor's points.
 * @param {Health} health
 */
function healthCard(health) {
  const scored = health.state === "scored" && health.score !== null;
  const trend = trendText(health.trend);
  const score = scored
    ? el("data", { class: "gauge-score", "data-health": "score", "data-value": JSON.stringify(health.score), value: String(health.score), text: String(health.score) })
    : el("data", { class: "gauge-score none", "data-health": "score", "data-value": "null", value: "", title: "not scored", text: "—" });
  const scoreLine = el(
    "p",
    { class: "score-line" },
    bandBadge(health),
    el("span", { class: "muted", text: scored ? "score out of 100" : "not scored" }),
  );
  const direction = health.trend?.direction;
  const trendLine = trend && direction
    ? el(
        "p",
        { class: `trend trend-${direction}`, "data-health": "trend", "data-value": JSON.stringify(direction) },
        el("span", { class: "arrow", "aria-hidden": "true", text: TREND_ARROWS[direction] ?? "" }),
        ` ${trend}`,
      )
    : null;

  // A factor that does not apply (value null) gives its weight to the others:
  // each factor's most points are its share of the applicable weights.
  const applicable = health.factors.filter((f) => f.value !== null).reduce((sum, f) => sum + f.weight, 0);
  const factors = health.factors.map((f) => {
    const counted = f.value !== null;
    const maxPoints = counted && applicable > 0 ? (f.weight / applicable) * 100 : 0;
    return el(
      "li",
      { class: `factor${counted ? "" : " not-counted"}`, "data-factor": f.factor },
      el(
        "div",
        { class: "factor-head" },
        el("span", { class: "factor-name", text: FACTOR_NAMES[f.factor] ?? f.factor }),
        el(
          "span",
          { class: "factor-points" },
          el("data", { "data-factor-points": f.factor, value: String(f.points), text: pointsFormat.format(f.points) }),
          counted ? ` of ${pointsFormat.format(maxPoints)} pts` : " pts",
        ),
      ),
      bar(maxPoints > 0 ? f.points / maxPoints : 0, "factor-bar"),
      el(
        "p",
        { class: "factor-expl" },
        f.explanation,
        el("span", {
          class: "muted",
          text: counted
            ? ` · weight ${wholePercentFormat.format(f.weight)}${applicable < 0.999 ? ` (${wholePercentFormat.format(f.weight / applicable)} here)` : ""}`
            : ` · weight ${wholePercentFormat.format(f.weight)}, shared by the other factors`,
        }),
      ),
    );
  });

  return el(
    "section",
    { class: "card health", "data-health-state": health.state, "aria-labelledby": "health-title" },
    el("h4", { id: "health-title", text: "Health" }),
    el("div", { class: "health-score" }, el("div", { class: "gauge-wrap" }, healthGauge(health), score), el("div", {}, scoreLine, trendLine)),
    el("p", { class: "health-summary", "data-health": "summary", text: health.summary }),
    factors.length
      ? el(
          "details",
          { class: "factors-box", open: true },
          el("summary", { text: "How the score is made" }),
          el("ol", { class: "factors" }, ...factors),
        )
      : null,
  );
}

/**
 * The colleagues most involved, who reached out to them most, and whom they reached out to most.
 * @param {Relationship} r
 * @param {boolean} own
 */
function colleagueLists(r, own) {
  /** @type {(title: string, listId: string, people: Colleague[], count: "interactions" | "initiated" | "received", countLabel: string) => HTMLElement} */
  const list = (title, listId, people, count, countLabel) =>
    el(
      "section",
      { class: "card", "aria-labelledby": `${listId}-title`, "data-list": listId },
      el("h4", { id: `${listId}-title`, text: title }),
      el(
        "ol",
        { class: "people" },
        ...peopleItems(people, (p) =>
          el(
            "li",
            { "data-person": p.id },
            el(
              "span",
              { class: "person", title: p.id },
              el("span", { class: "person-name", text: p.name ?? p.id }),
              el("span", {
                class: "person-id",
                text: `started ${countFormat.format(p.initiated)} · received ${countFormat.format(p.received)}`,
              }),
            ),
            el("span", { class: "count", title: `${p[count]} ${countLabel}`, text: countFormat.format(p[count]) }),
          ),
        ),
      ),
    );
  return el(
    "div",
    { class: "top-lists three" },
    list(own ? "Colleagues in your interactions" : "Most involved colleagues", "top-colleagues", r.topColleagues, "interactions", "interactions"),
    list("Reached out to them most", "most-contacting", r.mostContacting, "initiated", "interactions started"),
    list("They reached out to most", "most-contacted", r.mostContacted, "received", "interactions they started"),
  );
}
