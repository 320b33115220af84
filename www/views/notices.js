// What the card shows instead of a view's figures, in plain words: a view
// the administrator's permission does not allow (a lock, and what would
// allow it), a view this version does not compute, an unknown contact or
// account, or any other error. The engine's code and message are kept
// behind a "Details" disclosure, for whoever supports the user. Refusals are
// never shown as empty figures.

import { el, SCOPE_LABELS } from "../ui.js";
import { VIEWS } from "./needs.js";

/**
 * @typedef {import("./needs.js").ViewName} ViewName
 * @typedef {import("../protocol.js").DataScope} DataScope
 * @typedef {{ code: string, message: string, scope?: string }} ShownError
 */

/**
 * The engine's code and message, folded away.
 * @param {ShownError} err
 */
export function details(err) {
  return el(
    "details",
    { class: "error-details" },
    el("summary", { text: "Details" }),
    el("p", { class: "muted small" }, el("code", { "data-error-code": err.code ?? "ERROR", text: err.code ?? "ERROR" }), ` ${err.message}`),
  );
}

/** What each scope lets a salesperson see, in their words. */
const ALLOWS = {
  identifiable: "your colleagues' interactions by name",
  aggregated: "figures for the whole organization",
};

/**
 * CONSENT_REQUIRED: a lock, what the permission would allow, and (for a view
 * that can read only the viewer's own interactions) that alternative.
 * @param {HTMLElement} host
 * @param {ViewName} view
 * @param {ShownError} err
 * @param {DataScope} scope
 * @param {() => void} ownInstead
 */
export function renderRefusal(host, view, err, scope, ownInstead) {
  const missing = err.scope ?? "unknown";
  const label = SCOPE_LABELS[/** @type {keyof typeof SCOPE_LABELS} */ (missing)] ?? missing;
  const allows = ALLOWS[/** @type {keyof typeof ALLOWS} */ (missing)] ?? "this view";
  const own =
    VIEWS[view].scoped && scope === "team"
      ? el("button", { type: "button", class: "secondary", text: "Show only my interactions" })
      : null;
  own?.addEventListener("click", ownInstead);
  const settings = el("button", { type: "button", class: "secondary", text: "See permissions in Settings" });
  settings.addEventListener("click", () => document.getElementById("settings-open")?.click());
  host.replaceChildren(
    el(
      "div",
      { class: "card refusal", role: "alert", "data-refusal": missing },
      el("h3", {}, `${VIEWS[view].title} is locked`, el("span", { class: "lock-glyph", "aria-hidden": "true" })),
      el("p", {
        text:
          `Seeing ${allows} needs permission from your administrator (“${label}”), which this browser does not have right now.` +
          (own ? " You can still see the interactions you took part in yourself." : ""),
      }),
      el("div", { class: "buttons" }, own, settings),
      details(err),
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
      el("p", { text: "This version of rapport does not compute these figures yet." }),
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
      el("h3", { text: `No ${what} “${target?.id ?? ""}” here` }),
      el("p", {
        text:
          `There is nothing to show for “${target?.id ?? ""}”: it may be a colleague rather than a customer, ` +
          `may have asked not to be tracked, or may not be in this data. Search for another ${what} above.`,
      }),
      details(err),
    ),
  );
}

/**
 * Any other error.
 * @param {HTMLElement} host
 * @param {ViewName} view
 * @param {ShownError} err
 */
export function renderQueryError(host, view, err) {
  host.replaceChildren(
    el(
      "div",
      { class: "card error", role: "alert", "data-error-code": err.code ?? "ERROR" },
      el("h3", { text: `${VIEWS[view].title} could not be shown` }),
      el("p", { text: "Something went wrong while working out these figures. Try another period or reload the page." }),
      details(err),
    ),
  );
}
