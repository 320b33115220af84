// The "who knows whom" view: the colleagues who know a contact or an
// account's contacts, ranked by connection strength, with the evidence (how
// many e-mails, meetings and calls, and when last).

import { el, plural, decimalFormat, formatDate, formatInstant, personLabel, peopleItems, timeElement } from "../ui.js";
import { bar } from "../charts.js";

/**
 * @typedef {import("../pkg/rapport.js").WhoKnowsWhom} WhoKnowsWhom
 * @typedef {import("../pkg/rapport.js").Evidence} Evidence
 */

/** @param {Evidence} e */
function evidenceText(e) {
  return `${plural(e.emails, "e-mail")} · ${plural(e.meetings, "meeting")} · ${plural(e.calls, "call")}`;
}

/**
 * Draws answer `w` in `host`.
 * @param {HTMLElement} host
 * @param {WhoKnowsWhom} w
 */
export function renderWhoKnowsWhom(host, w) {
  const t = w.target;
  const name = t.name ?? t.id;
  const items = peopleItems(
    w.colleagues,
    (c) =>
      el(
        "li",
        { "data-person": c.id, "data-strength": String(c.strength) },
        el(
          "div",
          { class: "wkw-row" },
          personLabel(c, c.department),
          el(
            "span",
            { class: "strength" },
            bar(c.strength, "strength-bar"),
            el("data", { class: "strength-value", value: String(c.strength), text: decimalFormat.format(c.strength) }),
          ),
        ),
        el(
          "p",
          { class: "evidence" },
          evidenceText(c.evidence),
          " · last ",
          timeElement("evidence-last", c.evidence.lastInteractionAt, formatDate(c.evidence.lastInteractionAt)),
        ),
      ),
    "No colleague has interacted with them.",
  );
  host.replaceChildren(
    el(
      "section",
      { class: "card wkw", "data-view": "who-knows-whom", "data-target-kind": t.kind, "data-target-id": t.id },
      el(
        "div",
        { class: "view-head" },
        el("h3", { text: `Who knows ${name}` }),
        el("span", { class: "badge scope scope-team", text: "Whole team" }),
      ),
      el("p", {
        class: "muted small",
        text:
          `Colleagues ranked by connection strength, from 0 to 1: how often, how recently and how mutually they interacted with ` +
          `${t.kind === "account" ? "the account's contacts" : "them"}, as of ${formatInstant(w.asOf)}.`,
      }),
      el("ol", { class: "people strengths" }, ...items),
    ),
  );
}
