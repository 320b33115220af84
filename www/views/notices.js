// What the team panel shows instead of a view's figures: a refusal that
// names the missing consent scope and how to grant it, a view this version
// does not compute, an unknown contact or account, or any other error, with
// the engine's code and message. Refusals are never shown as empty figures.

import { $, el, SCOPE_LABELS } from "../ui.js";
import { VIEWS } from "./needs.js";

/**
 * @typedef {import("./needs.js").ViewName} ViewName
 * @typedef {import("../protocol.js").DataScope} DataScope
 * @typedef {{ code: string, message: string, scope?: string }} ShownError
 */

/**
 * CONSENT_REQUIRED: which scope, where to grant it, and (for a view that
 * follows the Data choice) the own-data alternative, `ownInstead`.
 * @param {HTMLElement} host
 * @param {ViewName} view
 * @param {ShownError} err
 * @param {DataScope} scope
 * @param {() => void} ownInstead
 */
export function renderRefusal(host, view, err, scope, ownInstead) {
  const missing = err.scope ?? "unknown";
  const label = SCOPE_LABELS[/** @type {keyof typeof SCOPE_LABELS} */ (missing)] ?? missing;
  const box = $(`consent-${missing}`);
  const go = box ? el("button", { type: "button", class: "secondary", text: `Go to “${label}”` }) : null;
  go?.addEventListener("click", () => {
    box.focus();
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  });
  const own =
    VIEWS[view].scoped && scope === "team"
      ? el("button", { type: "button", class: "secondary", text: "Show your own interactions instead" })
      : null;
  own?.addEventListener("click", ownInstead);
  const alternative = VIEWS[view].scoped && scope === "team"
    ? " Or switch Data to “Own” to see only the interactions you took part in, which needs no consent."
    : "";
  host.replaceChildren(
    el(
      "div",
      { class: "card refusal", role: "alert", "data-refusal": missing },
      el("h3", { text: `Consent needed: ${label}` }),
      el("p", {
        text:
          `${VIEWS[view].title}${VIEWS[view].scoped ? " with team data" : ""} needs the “${missing}” consent scope, which is not granted. ` +
          `To allow it, tick “${label}” in the Consent panel.${alternative}`,
      }),
      el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
      el("div", { class: "buttons" }, go, own),
    ),
  );
}

/**
 * NOT_IMPLEMENTED: consent allows the view, this version does not compute it.
 * @param {HTMLElement} host
 * @param {ViewName} view
 */
export function renderNotice(host, view) {
  host.replaceChildren(
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "not-implemented" },
      el("h3", { text: `${VIEWS[view].title}: coming in a later release` }),
      el("p", { text: "Consent allows this view, but this version of rapport does not compute its figures yet." }),
    ),
  );
}

/**
 * UNKNOWN_TARGET: no such external contact or account in the data.
 * @param {HTMLElement} host
 * @param {{ kind: string, id: string } | null} target
 * @param {ShownError} err
 */
export function renderUnknownTarget(host, target, err) {
  const what = target?.kind === "account" ? "account" : "contact";
  host.replaceChildren(
    el(
      "div",
      { class: "card error", role: "alert", "data-error-code": "UNKNOWN_TARGET" },
      el("h3", { text: `No such ${what}: ${target?.id ?? "(none)"}` }),
      el("p", {
        text:
          `The loaded data has no external ${what} “${target?.id ?? ""}”, so there is nothing to show. ` +
          `It may be a colleague rather than an external ${what}, may have opted out, or may not be in this dataset. ` +
          "Pick another one from the list.",
      }),
      el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
    ),
  );
}

/**
 * Any other error, with its code.
 * @param {HTMLElement} host
 * @param {ViewName} view
 * @param {ShownError} err
 */
export function renderQueryError(host, view, err) {
  host.replaceChildren(
    el(
      "div",
      { class: "card error", role: "alert", "data-error-code": err.code ?? "ERROR" },
      el("h3", { text: `${VIEWS[view].title} failed` }),
      el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`),
    ),
  );
}
