// The card's controls: the search's choices (filled from the worker's
// "targets", the viewer's frequent contacts first: team/search.js), the
// "Whose interactions: Team / Mine" choice, the tabs (which one is
// selected, which panel shows, and a lock on a view the permission in force
// does not allow), the period presets, and the deep link (#contact=… or
// #account=…, with &view= and &days=) that says what the card shows.

import { call } from "../rpc.js";
import { $, countFormat, SCOPE_LABELS } from "../ui.js";
import { NEEDS, VIEWS } from "../views/needs.js";
import { state, currentScope } from "./state.js";
import { updateOptOut } from "./optout.js";
import { indexTargets } from "./search.js";

/**
 * @typedef {import("../protocol.js").DataScope} DataScope
 * @typedef {import("../views/needs.js").ViewName} ViewName
 * @typedef {import("./state.js").PickedTarget} PickedTarget
 */

/** The presets a period can take (days). */
export const PRESETS = [30, 90, 180, 365];

/** @param {DataScope} scope */
export function setScope(scope) {
  /** @type {HTMLInputElement} */ ($(scope === "own" ? "scope-own" : "scope-team")).checked = true;
  updateScopeHelp();
}

/** Locks on the tabs, and the settings table of what each view needs, for the consent and the choice in force. */
function updateNeeds() {
  const views = /** @type {[Exclude<ViewName, "own">, typeof NEEDS[Exclude<ViewName, "own">]][]} */ (Object.entries(NEEDS));
  const scope = currentScope();
  for (const [view, needs] of views) {
    const needed = needs[scope];
    const granted = needed === null || Boolean(state.consent[needed]);
    const lock = document.getElementById(`lock-${view}`);
    if (lock) lock.hidden = granted;
    const tab = document.getElementById(`tab-${view}`);
    if (tab) tab.dataset.locked = String(!granted);
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
      cell.textContent = `only your own interactions (the team's need “${label}”)`;
    } else {
      cell.dataset.needsState = "refused";
      cell.textContent = `needs “${label}” from your administrator`;
    }
  }
}

/** The Team / Mine choice's help, and the locks. */
export function updateScopeHelp() {
  updateNeeds();
  const team = /** @type {HTMLInputElement} */ ($("scope-team"));
  team.disabled = !state.ready || !state.consent.identifiable;
  $("scope-help").textContent =
    currentScope() === "own"
      ? "Mine: only interactions you took part in."
      : "Team: everyone's interactions with the contact or account.";
}

/** Fills the search from state.targets. */
export function renderTargets() {
  const { frequent, accounts, contacts } = state.targets;
  state.names = new Map();
  for (const item of [...accounts, ...contacts, ...frequent]) {
    if (item.name) state.names.set(item.id.toLowerCase(), item.name);
  }
  indexTargets();
  $("search-help").textContent =
    `Type a name, an e-mail address or a company: ${countFormat.format(accounts.length)} accounts and ` +
    `${countFormat.format(contacts.length)} contacts. Use the arrow keys and Enter to open one.`;
  updateOptOut();
}

/**
 * Picks a target: the card is about it from now on, and the address bar says so.
 * @param {"contact" | "account"} kind
 * @param {string} id
 */
export function selectTarget(kind, id) {
  state.picked = { kind, id };
  writeLink();
  updateOptOut();
}

/** Asks the worker for the search's choices again (after a change of consent or an opt-out). */
export async function refreshTargets() {
  try {
    state.targets = await call("targets");
    renderTargets();
  } catch (err) {
    const e = /** @type {{ code?: string, message?: string }} */ (err);
    $("search-help").textContent = `The list of contacts and accounts could not be refreshed: ${e.message}`;
  }
}

/**
 * Selects `view`'s tab and shows its panel.
 * @param {ViewName | null} view
 */
export function setPressed(view) {
  for (const tab of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#tabs [role="tab"]'))) {
    const on = tab.dataset.query === view;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on || (view === null && tab.dataset.query === "relationship") ? 0 : -1;
  }
  revealSelectedTab();
  const own = view === "own";
  $("own").hidden = !own;
  $("team-result").hidden = own;
  if (view && !own) $("team-result").setAttribute("aria-labelledby", `tab-${view}`);
  // Team / Mine applies to the views that follow it (VIEWS[view].scoped).
  /** @type {HTMLElement} */ (document.querySelector(".scope-field")).hidden = !(view && VIEWS[view].scoped);
  $("danger-zone").hidden = !(state.picked?.kind === "contact" && (view === "relationship" || view === "whoKnowsWhom" || view === "introductionPaths"));
  writeLink();
}

/** On a phone the tabs scroll sideways: the selected one is brought into sight (also after a resize). */
export function revealSelectedTab() {
  const bar = $("tabs");
  const tab = /** @type {HTMLElement | null} */ (bar.querySelector('[aria-selected="true"]'));
  if (!tab) return;
  const left = tab.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
  if (left < bar.scrollLeft || left + tab.offsetWidth > bar.scrollLeft + bar.clientWidth) bar.scrollLeft = Math.max(0, left - 16);
}
window.addEventListener("resize", () => revealSelectedTab());

/** @param {number} days */
export function setDays(days) {
  state.days = days;
  for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll(".presets [data-days]"))) {
    b.setAttribute("aria-pressed", String(Number(b.dataset.days) === days));
  }
  writeLink();
}

/** The deep link of what the card shows, in the address bar (replaced: Back leaves the page as before). */
function writeLink() {
  const parts = [];
  if (state.picked) parts.push(`${state.picked.kind}=${encodeURIComponent(state.picked.id)}`);
  if (state.view && state.view !== "relationship") parts.push(`view=${state.view}`);
  if (state.days !== 90) parts.push(`days=${state.days}`);
  const hash = parts.length ? `#${parts.join("&")}` : "";
  if (hash !== location.hash && (hash || location.hash)) history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
}

/**
 * What a deep link asks for: `#contact=ada@example.com`, `#account=acme.example`, with `&view=` and `&days=`.
 * @param {string} hash
 * @returns {{ target: PickedTarget | null, view: string | null, days: number | null }}
 */
export function readLink(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const contact = params.get("contact");
  const account = params.get("account");
  /** @type {PickedTarget | null} */
  const target = contact ? { kind: "contact", id: contact.trim() } : account ? { kind: "account", id: account.trim() } : null;
  const days = Number(params.get("days"));
  return { target: target && target.id ? target : null, view: params.get("view"), days: PRESETS.includes(days) ? days : null };
}
