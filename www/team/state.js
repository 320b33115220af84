// What the card's modules share: the search's choices and the names they
// carry, the consent as last applied, the target picked, the view on screen
// and the period, and the counters that drop answers asked for before a
// change (of target, consent, or data); with the panel's elements.

import { $, el } from "../ui.js";

/**
 * @typedef {import("../protocol.js").Targets} Targets
 * @typedef {import("../protocol.js").DataScope} DataScope
 * @typedef {import("../views/needs.js").ViewName} ViewName
 * @typedef {{ kind: "contact" | "account", id: string }} PickedTarget
 */

export const state = {
  /** @type {Targets} the selector's choices, from the worker's "targets" */
  targets: { scope: "own", frequent: [], accounts: [], contacts: [] },
  /** @type {Map<string, string>} lower-cased person or account id → display name */
  names: new Map(),
  /** Granted consent, as last applied. */
  consent: { identifiable: false, aggregated: false },
  /** @type {ViewName | null} the view on screen, to run again when the target or scope changes */
  view: null,
  /** Bumped on every request; `generation` on every change of consent or data: older answers are dropped. */
  token: 0,
  generation: 0,
  /** state.token when consent last changed. */
  tokenAtConsent: 0,
  /** @type {string | null} the data's reference time (ISO), to mark the period in progress */
  now: null,
  /** True once the data is loaded (teamReady). */
  ready: false,
  /** @type {PickedTarget | null} the contact or account the card is about */
  picked: null,
  /** The period shown, in days (the presets). */
  days: 90,
  /** The deployment requires noise on organization figures (the engine's requireNoise). */
  requireNoise: false,
};

/** Where the views draw. */
export const result = () => $("team-result");

/**
 * The "Data" choice: everyone's interactions, or only the viewer's.
 * @returns {DataScope}
 */
export function currentScope() {
  return /** @type {HTMLInputElement} */ ($("scope-own")).checked ? "own" : "team";
}

/**
 * { kind, id } of the selector's value "contact:<id>" / "account:<id>".
 * @param {string} value
 * @returns {PickedTarget | null}
 */
export function parseTarget(value) {
  const at = value.indexOf(":");
  if (at < 0) return null;
  const kind = value.slice(0, at);
  const id = value.slice(at + 1);
  return (kind === "contact" || kind === "account") && id ? { kind, id } : null;
}

/** The target picked, if any. */
export function selectedTarget() {
  return state.picked;
}

/**
 * A person's or account's name, as the selector's choices (and the views shown) carry it.
 * @param {string} id
 * @returns {string | null}
 */
export function nameOf(id) {
  return state.names.get(String(id).toLowerCase()) ?? null;
}

/**
 * A target as the status line names it.
 * @param {PickedTarget} target
 */
export function targetText(target) {
  const name = nameOf(target.id);
  return name && name !== target.id ? name : target.id;
}

/** @param {string} text */
export function teamStatus(text) {
  $("team-status").textContent = text;
}

/**
 * A line of text in place of a view.
 * @param {string} text
 * @param {Record<string, string>} [attrs]
 */
export function message(text, attrs = {}) {
  result().replaceChildren(el("p", { class: "muted", ...attrs, text }));
}
