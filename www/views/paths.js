// The introduction paths view: the strongest chains of colleagues from the
// viewer to a contact, each drawn as a small graph with its strength and the
// engine's explanation. Paths lead to a person: an account is told to pick
// one of its contacts.

import { el, decimalFormat } from "../ui.js";
import { pathGraph } from "../charts.js";

/**
 * @typedef {import("../protocol.js").IntroductionPaths} IntroductionPaths
 * @typedef {import("../pkg/rapport.js").IntroductionPath} IntroductionPath
 * @typedef {import("./parts.js").ViewContext} ViewContext
 */

/**
 * An account was picked: paths lead to a person.
 * @param {HTMLElement} host
 * @param {string} accountText   the account, as the selector names it
 */
export function renderPathsNeedContact(host, accountText) {
  host.replaceChildren(
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "pick-contact" },
      el("h3", { text: "Introduction paths lead to a person" }),
      el("p", {
        text: `“${accountText}” is an account. Pick one of its contacts (open the account's Relationship view to see them) to find a chain of colleagues to them.`,
      }),
    ),
  );
}

/**
 * Draws `answer` in `host`.
 * @param {HTMLElement} host
 * @param {IntroductionPaths} answer
 * @param {ViewContext} ctx
 */
export function renderPaths(host, answer, ctx) {
  const id = answer.target;
  const name = ctx.nameOf(id) ?? answer.paths[0]?.names?.at(-1) ?? id;
  /** @type {[HTMLElement, IntroductionPath][]} */
  const hosts = [];
  const cards = answer.paths.map((p, i) => {
    const host = el("div", { class: "path-host" });
    hosts.push([host, p]);
    return el(
      "li",
      { class: "card path", "data-path": String(i), "data-people": JSON.stringify(p.people), "data-strength": String(p.strength) },
      el(
        "div",
        { class: "path-head" },
        el("h4", { text: `Path ${i + 1}` }),
        el("span", { class: "muted", text: `${p.hops} ${p.hops === 1 ? "hop" : "hops"} · strength ` }),
        el("data", { class: "path-strength", value: String(p.strength), text: decimalFormat.format(p.strength) }),
      ),
      host,
      el("p", { class: "path-explanation", text: p.explanation }),
    );
  });
  host.replaceChildren(
    el(
      "section",
      { class: "paths-view", "data-view": "introduction-paths", "data-target-id": id },
      el(
        "div",
        { class: "card" },
        el(
          "div",
          { class: "view-head" },
          el("h3", { text: `Introductions to ${name}` }),
          el("span", { class: "badge scope scope-team", text: "team data · identifiable" }),
        ),
        el("p", {
          class: "muted small",
          text:
            `The strongest chains from you to them through colleagues who have not opted out, at most ${answer.maxHops} steps. ` +
            "A path's strength is the product of its steps' strengths; thicker lines are stronger links.",
        }),
      ),
      cards.length
        ? el("ol", { class: "paths" }, ...cards)
        : el("p", { class: "card empty", "data-empty": "paths", text: `No path within ${answer.maxHops} hops to ${name}.` }),
    ),
  );
  for (const [graphHost, p] of hosts) pathGraph(graphHost, p);
}
