// The card, its entry point: a contact or an account, seen through the
// engine's relationship analytics (the team's or only the viewer's
// interactions), who knows them, introductions, the accounts list, the
// organization figures and the viewer's own activity, as tabs, over a period
// chosen by preset. Every figure comes from the worker; the card only asks
// for it and draws it, and refusals (missing permission) and unknown
// targets are shown as such, never as empty figures. Its parts:
//   team/state.js      what the card's modules share
//   team/search.js     the type-ahead search
//   team/controls.js   tabs, presets, Team / Mine, locks, the deep link
//   team/dispatch.js   running a view and drawing its answer (www/views/)
//   team/optout.js     the opt-out confirmation
// This module wires them and follows the page's life: data loaded, consent
// changing, files loading, data replaced.

import { $ } from "./ui.js";
import { VIEWS, isView } from "./views/needs.js";
import { resetAggregates } from "./views/aggregates/view.js";
import { state, result, teamStatus, message } from "./team/state.js";
import { updateScopeHelp, renderTargets, refreshTargets, setPressed, setScope, setDays, selectTarget, readLink } from "./team/controls.js";
import { initSearch } from "./team/search.js";
import { run } from "./team/dispatch.js";
import { updateOptOut, optOutWaits, openOptOut, closeOptOut, confirmOptOut } from "./team/optout.js";

/**
 * @typedef {import("./protocol.js").Choice} Choice
 * @typedef {{ identifiable: boolean, aggregated: boolean }} Consent
 * @typedef {{ now?: string | null, contacts: Choice[], requireNoise?: boolean }} LoadedData
 * @typedef {import("./team/state.js").PickedTarget} PickedTarget
 */

/** Called after an opt-out changed the data (the page redraws its own insights). @type {() => Promise<void> | void} */
let onDataChanged = () => {};

/** The views a picked target opens on, when none is on screen. */
const TARGET_VIEWS = new Set(["relationship", "whoKnowsWhom", "introductionPaths"]);

/**
 * Opens `target`'s card on the view on screen (the relationship unless a view about one target is shown).
 * @param {PickedTarget} target
 */
function pick(target) {
  selectTarget(target.kind, target.id);
  const view = state.view && TARGET_VIEWS.has(state.view) ? state.view : "relationship";
  return run(view);
}

/** @param {KeyboardEvent} event */
function tabKeys(event) {
  const tabs = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('#tabs [role="tab"]')]);
  const at = tabs.indexOf(/** @type {HTMLButtonElement} */ (event.target));
  if (at < 0) return;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const tab = tabs[(to + tabs.length) % tabs.length];
  tab.focus();
  tab.click();
}

/**
 * Wires the controls; called once at start. `onDataChanged` runs after an opt-out changed the data.
 * @param {{ onDataChanged?: (() => Promise<void> | void) | null }} [hooks]
 */
export function initTeam({ onDataChanged: changed = null } = {}) {
  onDataChanged = changed ?? (() => {});
  $("optout").addEventListener("click", openOptOut);
  $("optout-cancel").addEventListener("click", () => closeOptOut({ focus: true }));
  $("optout-confirm-yes").addEventListener("click", () =>
    confirmOptOut({
      refreshTargets,
      redraw: () => {
        if (state.view) run(state.view);
      },
      dataChanged: () => onDataChanged(),
    }),
  );
  $("optout-confirm").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeOptOut({ focus: true });
  });
  for (const tab of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#tabs [role="tab"]'))) {
    const view = tab.dataset.query;
    if (isView(view)) tab.addEventListener("click", () => run(view));
  }
  $("tabs").addEventListener("keydown", tabKeys);
  for (const preset of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll(".presets [data-days]"))) {
    preset.addEventListener("click", () => {
      setDays(Number(preset.dataset.days));
      if (state.view && state.view !== "whoKnowsWhom" && state.view !== "introductionPaths") run(state.view);
    });
  }
  for (const radio of document.querySelectorAll('#team input[name="scope"]')) {
    radio.addEventListener("change", () => {
      updateScopeHelp();
      if (state.view && VIEWS[state.view].scoped) run(state.view);
    });
  }
  initSearch(pick);
  window.addEventListener("hashchange", () => {
    if (state.ready) openLink();
  });
  updateScopeHelp();
}

/**
 * Opens what the address bar's deep link asks for, calling `before` first
 * when it asks for something; null when it asks for nothing, else settled
 * when the view is shown.
 * @param {() => void} [before]
 */
function openLink(before = () => {}) {
  const link = readLink(location.hash);
  if (link.days) setDays(link.days);
  if (link.target) {
    before();
    selectTarget(link.target.kind, link.target.id);
    return run(isView(link.view) ? link.view : "relationship");
  }
  if (isView(link.view) && !TARGET_VIEWS.has(link.view)) {
    before();
    return run(link.view);
  }
  return null;
}

/**
 * Whose interactions a view reads by default: the team's when the
 * permission allows, else only the viewer's.
 * @param {Consent} consent
 */
function defaultScope(consent) {
  setScope(consent.identifiable ? "team" : "own");
}

/**
 * After the data is loaded: fills the search, enables the controls, and
 * opens the deep link's card, or the viewer's most frequent contact's.
 * @param {LoadedData} load
 * @param {Consent} consent
 */
export async function teamReady(load, consent) {
  state.consent = consent;
  state.now = load.now ?? null;
  state.requireNoise = Boolean(load.requireNoise);
  state.targets = { scope: "own", frequent: load.contacts, accounts: [], contacts: [] };
  renderTargets();
  for (const control of /** @type {NodeListOf<HTMLButtonElement | HTMLInputElement>} */ (document.querySelectorAll("#tabs button, #team input[name='scope'], .presets button"))) {
    control.disabled = false;
  }
  state.ready = true;
  defaultScope(consent);
  updateOptOut();
  updateScopeHelp();
  // The worker answers in order, and the search's full lists (a summary of
  // every contact and every account) take longer than a card. A deep link's
  // view may name people and accounts from them (an account's contacts):
  // they come first. The default card, a contact's, needs nothing from
  // them: they follow it instead of holding it back.
  /** @type {Promise<void> | null} */
  let lists = null;
  const first = load.contacts[0];
  const shown = openLink(() => (lists = refreshTargets())) ?? (first ? pick({ kind: "contact", id: first.id }) : run("own"));
  await shown;
  await (lists ?? refreshTargets());
}

/**
 * The user's files are loading (true) or done (false): opting out waits, so that it reaches the data being loaded.
 * @param {boolean} busy
 */
export function setDataBusy(busy) {
  optOutWaits(busy);
}

/** The data is about to be replaced: answers still on their way are about the old data and are dropped. */
export function dataSwitching() {
  state.generation++;
}

/**
 * The data was replaced (the user's files loaded): what is on screen is
 * about the old data, and so are the noisy questions asked; the search is
 * filled again for the new data (teamReady).
 * @param {LoadedData} load
 * @param {Consent} consent
 */
export async function dataReplaced(load, consent) {
  state.generation++;
  state.tokenAtConsent = state.token;
  state.view = null;
  state.picked = null;
  history.replaceState(null, "", `${location.pathname}${location.search}`);
  setPressed(null);
  closeOptOut();
  $("optout-note").textContent = "";
  resetAggregates();
  teamStatus("");
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  message("New data loaded.");
  await teamReady(load, consent);
}

/**
 * Consent is changing: answers asked for under the old consent are dropped, and so is what is on screen.
 * @param {Consent} consent
 */
export function consentChanging(consent) {
  state.generation++;
  state.tokenAtConsent = state.token;
  state.consent = consent;
  updateScopeHelp();
  teamStatus("Permission changed.");
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  if (state.view !== "own") message(state.view ? `Permission changed: showing ${VIEWS[state.view].title.toLowerCase()} again…` : "Permission changed.");
}

/**
 * Consent was applied by the engine: refresh the choices and show the
 * current view again, unless another was asked for since.
 * @param {Consent} [consent]  the consent the engine reports in force
 */
export async function consentApplied(consent) {
  const generation = state.generation;
  if (consent) {
    state.consent = consent;
    defaultScope(consent);
  }
  updateScopeHelp();
  await refreshTargets();
  if (generation === state.generation && state.view && state.token === state.tokenAtConsent) run(state.view);
}
