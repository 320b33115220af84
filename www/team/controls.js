// The team panel's controls: the contact or account selector (filled from
// the worker's "targets", the viewer's frequent contacts first), the
// "Data: Team / Own" choice and its help, the view buttons' pressed state, and
// what each view needs under the consent in force (on its button and in the
// consent panel's table).

import { call } from "../rpc.js";
import { $, el, countFormat, SCOPE_LABELS } from "../ui.js";
import { NEEDS } from "../views/needs.js";
import { state, select, currentScope, nameOf } from "./state.js";
import { updateOptOut } from "./optout.js";

/**
 * @typedef {import("../protocol.js").DataScope} DataScope
 * @typedef {import("../protocol.js").Choice} Choice
 * @typedef {import("../views/needs.js").ViewName} ViewName
 */

/** @param {DataScope} scope */
export function setScope(scope) {
  /** @type {HTMLInputElement} */ ($(scope === "own" ? "scope-own" : "scope-team")).checked = true;
  updateScopeHelp();
}

/** The "needs" tag of each view button and the consent panel's table, for the consent and the Data choice in force. */
function updateNeeds() {
  const views = /** @type {[ViewName, typeof NEEDS[ViewName]][]} */ (Object.entries(NEEDS));
  const scope = currentScope();
  for (const [view, needs] of views) {
    const needed = needs[scope];
    const granted = needed === null || Boolean(state.consent[needed]);
    const tag = $(`needs-${view}`);
    if (tag) {
      tag.dataset.needs = needed ?? "none";
      tag.dataset.granted = String(granted);
      tag.replaceChildren(
        needed === null ? "needs no consent" : `needs: ${needed}`,
        needed === null ? "" : el("span", { class: "tag-state", text: granted ? " · granted" : " · not granted" }),
      );
    }
    const cell = /** @type {HTMLElement | null} */ (document.querySelector(`[data-needs-view="${view}"] [data-needs-state]`));
    if (!cell) continue;
    const teamOk = Boolean(state.consent[needs.team]);
    const ownOk = needs.own === null || Boolean(state.consent[needs.own]);
    const label = SCOPE_LABELS[needs.team];
    if (teamOk) {
      cell.dataset.needsState = "allowed";
      cell.textContent = "allowed";
    } else if (ownOk) {
      cell.dataset.needsState = "own-only";
      cell.textContent = `refused with Data: Team (tick “${label}”); allowed with Data: Own`;
    } else {
      cell.dataset.needsState = "refused";
      cell.textContent = `refused: tick “${label}”`;
    }
  }
}

/** The Data choice's help, and what each view needs under it. */
export function updateScopeHelp() {
  updateNeeds();
  const help = $("scope-help");
  if (currentScope() === "own") {
    help.textContent = "Only interactions you took part in. Needs no consent.";
  } else {
    help.textContent = state.consent.identifiable
      ? "Everyone's interactions with the contact or account (identifiable team data: granted)."
      : "Everyone's interactions with the contact or account. Needs “Identifiable team data” consent, not granted yet.";
  }
}

/**
 * @param {"contact" | "account"} kind
 * @param {Choice} item
 */
function option(kind, item) {
  const text =
    kind === "account"
      ? item.name && item.name !== item.id ? `${item.name} (${item.id})` : item.id
      : item.name ? `${item.name} (${item.id})` : item.id;
  return el("option", { value: `${kind}:${item.id}`, text });
}

/** Fills the selector from state.targets, keeping the choice when it is still offered. */
export function renderTargets() {
  const { frequent, accounts, contacts, scope } = state.targets;
  const previous = select().value;
  state.names = new Map();
  for (const item of [...accounts, ...contacts, ...frequent]) {
    if (item.name) state.names.set(item.id.toLowerCase(), item.name);
  }
  const frequentIds = new Set(frequent.map((c) => c.id.toLowerCase()));
  const others = contacts.filter((c) => !frequentIds.has(c.id.toLowerCase()));
  /** @type {[string, "contact" | "account", Choice[]][]} */
  const offered = [
    ["Your frequent contacts", "contact", frequent],
    [scope === "team" ? "Accounts" : "Accounts (from your own interactions)", "account", accounts],
    [scope === "team" ? "All contacts" : "Other contacts (from your own interactions)", "contact", others],
  ];
  const groups = offered
    .filter(([, , items]) => items.length)
    .map(([label, kind, items]) => el("optgroup", { label }, ...items.map((item) => option(kind, item))));
  if (!groups.length) {
    select().replaceChildren(el("option", { value: "", text: "No external contacts in the data" }));
    select().disabled = true;
    updateOptOut();
    return;
  }
  select().replaceChildren(...groups);
  select().disabled = false;
  if (previous && [...select().options].some((o) => o.value === previous)) select().value = previous;
  updateOptOut();
  $("target-help").textContent =
    scope === "team"
      ? `${countFormat.format(accounts.length)} accounts and ${countFormat.format(contacts.length)} contacts.`
      : `${countFormat.format(accounts.length)} accounts and ${countFormat.format(
          contacts.length,
        )} contacts from your own interactions; grant identifiable team data for everyone's.`;
}

/**
 * Selects a target in the selector, adding it when it is not offered (e.g. an account's contact).
 * @param {"contact" | "account"} kind
 * @param {string} id
 */
export function selectTarget(kind, id) {
  const value = `${kind}:${id}`;
  if (![...select().options].some((o) => o.value === value)) {
    select().append(option(kind, { id, name: nameOf(id) }));
  }
  select().value = value;
  updateOptOut();
}

/** Asks the worker for the selector's choices again (after a change of consent or an opt-out). */
export async function refreshTargets() {
  try {
    state.targets = await call("targets");
    renderTargets();
  } catch (err) {
    const e = /** @type {{ code?: string, message?: string }} */ (err);
    $("target-help").textContent = `The list of contacts and accounts could not be refreshed: ${e.code} ${e.message}`;
  }
}

/** @param {ViewName | null} view */
export function setPressed(view) {
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("#team button[data-query]"))) {
    button.setAttribute("aria-pressed", String(button.dataset.query === view));
  }
}
