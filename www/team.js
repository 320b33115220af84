// The team panel, its entry point: a contact or an account, seen through the
// engine's relationship analytics (own or team scope), who knows whom,
// introduction paths, the accounts list and the organization aggregates.
// Every figure comes from the worker; the panel only asks for it and draws
// it, and refusals (missing consent) and unknown targets are shown as such,
// never as empty figures. Its parts:
//   team/state.js      what the panel's modules share
//   team/controls.js   the selector, the Data choice, what each view needs
//   team/dispatch.js   running a view and drawing its answer (www/views/)
//   team/optout.js     the opt-out confirmation
// This module wires them and follows the page's life: data loaded, consent
// changing, files loading, data replaced.

import { $ } from "./ui.js";
import { VIEWS, isView } from "./views/needs.js";
import { resetAggregates } from "./views/aggregates/view.js";
import { state, result, select, teamStatus, message } from "./team/state.js";
import { updateScopeHelp, renderTargets, refreshTargets, setPressed } from "./team/controls.js";
import { run } from "./team/dispatch.js";
import { updateOptOut, optOutWaits, openOptOut, closeOptOut, confirmOptOut } from "./team/optout.js";

/**
 * @typedef {import("./protocol.js").Choice} Choice
 * @typedef {{ identifiable: boolean, aggregated: boolean }} Consent
 * @typedef {{ now?: string | null, contacts: Choice[] }} LoadedData
 */

/** Called after an opt-out changed the data (the page redraws its own insights). @type {() => Promise<void> | void} */
let onDataChanged = () => {};

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
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("#team button[data-query]"))) {
    const view = button.dataset.query;
    if (isView(view)) button.addEventListener("click", () => run(view));
  }
  for (const radio of document.querySelectorAll('#team input[name="scope"]')) {
    radio.addEventListener("change", () => {
      updateScopeHelp();
      if (state.view && VIEWS[state.view].scoped) run(state.view);
    });
  }
  select().addEventListener("change", () => {
    updateOptOut();
    if (state.view && state.view !== "accounts" && state.view !== "aggregates") run(state.view);
  });
  updateScopeHelp();
}

/**
 * After the data is loaded: fills the selector and enables the controls.
 * @param {LoadedData} load
 * @param {Consent} consent
 */
export async function teamReady(load, consent) {
  state.consent = consent;
  state.now = load.now ?? null;
  state.targets = { scope: "own", frequent: load.contacts, accounts: [], contacts: [] };
  renderTargets();
  await refreshTargets();
  for (const control of /** @type {NodeListOf<HTMLButtonElement | HTMLInputElement>} */ (document.querySelectorAll("#team button[data-query], #team input[name='scope']"))) {
    control.disabled = false;
  }
  state.ready = true;
  updateOptOut();
  updateScopeHelp();
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
 * The data was replaced (the user's files loaded): what is on screen is about
 * the old data, and so are the noisy questions asked; the selector is filled
 * again for the new data (teamReady).
 * @param {LoadedData} load
 * @param {Consent} consent
 */
export async function dataReplaced(load, consent) {
  state.generation++;
  state.tokenAtConsent = state.token;
  state.view = null;
  setPressed(null);
  closeOptOut();
  $("optout-note").textContent = "";
  resetAggregates();
  teamStatus("");
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  message("New data loaded. Pick a contact or an account and a view.");
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
  teamStatus("Consent changed.");
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  message(
    state.view
      ? `Consent changed: showing ${VIEWS[state.view].title.toLowerCase()} again under the new consent…`
      : "Consent changed. Pick a view to see what it allows now.",
  );
}

/** Consent was applied by the engine: refresh the choices and show the current view again, unless another was asked for since. */
export async function consentApplied() {
  const generation = state.generation;
  await refreshTargets();
  if (generation === state.generation && state.view && state.token === state.tokenAtConsent) run(state.view);
}
