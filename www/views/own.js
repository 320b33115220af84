// The "Your activity" view: the viewer's own figures (no consent needed),
// drawn into the page's own-insights panel: the window and the last and next
// interaction, the KPI cards, the weekly chart and its table, and the people
// the viewer reached out to most and who reached out to them.

import { $, el, countFormat, dateFormat, formatInstant, timeElement, kpiCards, personLabel, peopleItems } from "../ui.js";
import { weeklyChart, weeklyTableRows } from "../charts.js";

/**
 * @typedef {import("../pkg/rapport.js").OwnInsights} OwnInsights
 * @typedef {import("../pkg/rapport.js").Counterpart} Counterpart
 */

/** @param {OwnInsights["kpis"]} kpis */
function renderKpis(kpis) {
  $("kpis").replaceChildren(...kpiCards(kpis));
}

/** @param {OwnInsights} insights */
function renderFacts(insights) {
  const w = insights.window;
  $("window").replaceChildren(
    ...(w
      ? [
          timeElement("window-start", w.start, dateFormat.format(new Date(w.start))),
          " – ",
          timeElement("window-end", w.end, dateFormat.format(new Date(w.end))),
          el("span", { class: "muted", text: ` (${w.days} days)` }),
        ]
      : [timeElement("window-end", null, "no data loaded")]),
  );
  $("last").replaceChildren(
    timeElement("last-interaction", insights.lastInteractionAt, formatInstant(insights.lastInteractionAt)),
  );
  $("next").replaceChildren(
    timeElement("next-interaction", insights.nextInteractionAt, formatInstant(insights.nextInteractionAt)),
  );
  $("used").textContent = countFormat.format(insights.interactionsUsed);
}

/**
 * @param {string} listId
 * @param {Counterpart[]} people
 */
function renderPeople(listId, people) {
  $(listId).replaceChildren(
    ...peopleItems(people, (p) =>
      el(
        "li",
        { "data-person": p.id },
        personLabel(p),
        el("span", { class: `badge ${p.internal ? "internal" : "external"}`, text: p.internal ? "colleague" : "external" }),
        el("span", { class: "count", text: `${countFormat.format(p.interactions)}` }),
      ),
    ),
  );
}

/**
 * Draws the viewer's own insights.
 * @param {OwnInsights} insights
 */
export function renderOwnInsights(insights) {
  $("viewer").textContent = `Signed in as ${insights.viewer}`;
  renderFacts(insights);
  renderKpis(insights.kpis);
  weeklyChart($("chart"), insights.weekly);
  $("weekly-table").replaceChildren(...weeklyTableRows(insights.weekly));
  renderPeople("top-contacted", insights.topContacted);
  renderPeople("top-contacted-by", insights.topContactedBy);
}
