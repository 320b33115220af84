// The introduction paths view: the strongest chains of colleagues from the
// viewer to a contact, each drawn as a small graph with its strength and the
// engine's explanation. Paths lead to a person: an account is told to pick
// one of its contacts.

import { el, decimalFormat, plural, formatDate } from "../ui.js";
import { pathGraph } from "../charts.js";

/**
 * @typedef {import("../protocol.js").IntroductionPaths} IntroductionPaths
 * @typedef {import("../pkg/rapport.js").IntroductionPath} IntroductionPath
 * @typedef {import("./parts.js").ViewContext} ViewContext
 * @typedef {import("../pkg/rapport.js").IntroductionStep} IntroductionStep
 */

/**
 * A tie's evidence in words: "Ada and Bob: 12 e-mails, 2 meetings, last Mar 3, 2026".
 * @param {IntroductionStep} step
 * @param {(id: string) => string} nameOf
 */
export function evidenceLine(step, nameOf) {
  const e = step.evidence;
  const parts = [plural(e.emails, "e-mail"), plural(e.meetings, "meeting"), plural(e.calls, "call")];
  return `${nameOf(step.from)} and ${nameOf(step.to)}: ${parts.join(", ")}${e.lastInteractionAt ? `, last ${formatDate(e.lastInteractionAt)}` : ""}`;
}

/**
 * The drafted introduction request as a mailto: link to the colleague to
 * ask: the engine's message, then the evidence of both ties. Nothing is
 * sent: the viewer's mail program opens the draft.
 * @param {IntroductionPath} path
 * @param {string} contactName
 * @param {(id: string) => string} nameOf
 */
export function introductionMailto(path, contactName, nameOf) {
  const intro = path.introduction;
  if (!intro) return null;
  const evidence = [intro.viewerTie, intro.contactTie].map((s) => `- ${evidenceLine(s, nameOf)}`).join("\n");
  const body = `${intro.message}\n\nWhat the introduction rests on:\n${evidence}`;
  const subject = `Introduction to ${contactName}?`;
  return `mailto:${encodeURIComponent(intro.ask)}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

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
  /** @type {(id: string) => string} */
  const nameAt = (pid) => {
    for (const p of answer.paths) {
      const at = p.people.indexOf(pid);
      if (at >= 0 && p.names[at]) return /** @type {string} */ (p.names[at]);
    }
    return ctx.nameOf(pid) ?? pid;
  };
  const cards = answer.paths.map((p, i) => {
    const host = el("div", { class: "path-host" });
    hosts.push([host, p]);
    const href = introductionMailto(p, name, nameAt);
    const askName = p.introduction ? p.introduction.askName ?? p.introduction.ask : "";
    const action = href
      ? el("a", { class: "button ask-intro", href, "data-ask": p.introduction?.ask ?? "", text: `Ask ${askName} for an introduction` })
      : p.direct
        ? el("p", { class: "direct-note", text: "You already know them: write to them directly." })
        : null;
    return el(
      "li",
      { class: "card path", "data-path": String(i), "data-people": JSON.stringify(p.people), "data-strength": String(p.strength) },
      el(
        "div",
        { class: "path-head" },
        el("h4", { text: p.direct ? "You know them" : `Through ${p.names.slice(1, -1).map((n, k) => n ?? p.people[k + 1]).join(" and ")}` }),
        el("span", { class: "muted", text: `${p.hops} ${p.hops === 1 ? "step" : "steps"} · strength ` }),
        el("data", { class: "path-strength", value: String(p.strength), text: decimalFormat.format(p.strength) }),
      ),
      host,
      el("p", { class: "path-explanation", text: p.explanation }),
      action,
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
          el("span", { class: "badge scope scope-team", text: "Whole team" }),
        ),
        el("p", {
          class: "muted small",
          text:
            `Who can introduce you: the strongest chains from you to them through colleagues, at most ${answer.maxHops} steps. ` +
            "Thicker lines are stronger links. “Ask for an introduction” opens a drafted e-mail in your mail program; nothing is sent for you.",
        }),
      ),
      cards.length
        ? el("ol", { class: "paths" }, ...cards)
        : el("p", { class: "card empty", "data-empty": "paths", text: `No path within ${answer.maxHops} hops to ${name}.` }),
    ),
  );
  for (const [graphHost, p] of hosts) pathGraph(graphHost, p);
}
