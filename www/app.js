// The dashboard page, its entry point: UI only. Every wasm call (dataset,
// engine, queries) runs in the analytics worker (worker.js); the page sends
// it requests (rpc.js, protocol.js), shows progress, and draws the results
// with DOM APIs (no innerHTML, no inline scripts or styles: the page runs
// under script-src 'self' 'wasm-unsafe-eval'). This module starts the load,
// wires the consent panel and "Forget stored data", and hands the data shown
// to the panels: views/own.js ("Your activity"), team.js (the team panel),
// load.js ("Load your own data"), status.js (what the page says of the data).
// ui.js holds the shared helpers, charts.js the SVG charts. The data is kept
// in IndexedDB by the worker and the app's files by a service worker (sw.js),
// so that the page reopens quickly and offline.

import { call, onWorkerFailure } from "./rpc.js";
import { $, el, countFormat, SCOPE_LABELS } from "./ui.js";
import { renderOwnInsights } from "./views/own.js";
import { loadSummary, storedSummary, filesSummary, showDataset, describeData } from "./status.js";
import { initTeam, teamReady, consentChanging, consentApplied, dataReplaced, dataSwitching, setDataBusy } from "./team.js";
import { initLoad, loadReady, prefillViewer } from "./load.js";

/**
 * @typedef {import("./rpc.js").CodedError} CodedError
 * @typedef {import("./protocol.js").Stored} Stored
 * @typedef {import("./status.js").FilesLoaded} FilesLoaded
 */

const DEFAULT_SEED = 42;
const DEFAULT_INTERACTIONS = 20000;

// ---------------------------------------------------------------- page state

const main = $("app");
const statusLine = $("status");

/** @param {"loading" | "ready" | "error"} state */
function setState(state) {
  main.dataset.state = state;
  main.setAttribute("aria-busy", String(state === "loading"));
}

/** @param {(string | Node)[]} parts */
function setStatus(...parts) {
  statusLine.replaceChildren(...parts);
}

/** @param {{ code?: string, message: string }} err */
function showFailure(err) {
  setState("error");
  const box = $("failure");
  box.replaceChildren(
    el("h2", { text: "The dashboard could not load its data" }),
    el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`),
    el("p", { class: "muted", text: "Reload the page to try again, or change the seed and interactions parameters." }),
  );
  box.hidden = false;
  setStatus(`Failed: ${err.code ?? "ERROR"}`);
}

function readParams() {
  const params = new URLSearchParams(location.search);
  /** @type {(name: string, fallback: number) => number} */
  const integer = (name, fallback) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") return fallback;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
  };
  // The engine's privacy budget for noisy aggregates; absent or not a positive number: the engine's default.
  const budget = Number(params.get("epsilonBudget") ?? NaN);
  return {
    seed: integer("seed", DEFAULT_SEED),
    interactions: integer("interactions", DEFAULT_INTERACTIONS),
    epsilonBudget: Number.isFinite(budget) && budget > 0 ? budget : undefined,
  };
}

// ---------------------------------------------------------------- consent

const consentBoxes = {
  identifiable: /** @type {HTMLInputElement} */ ($("consent-identifiable")),
  aggregated: /** @type {HTMLInputElement} */ ($("consent-aggregated")),
};

function currentConsent() {
  return { identifiable: consentBoxes.identifiable.checked, aggregated: consentBoxes.aggregated.checked };
}

async function onConsentChange() {
  const consent = currentConsent();
  consentChanging(consent);
  const note = $("consent-note");
  note.textContent = "Applying…";
  try {
    const result = await call("setConsent", consent, (p) => (note.textContent = p.message));
    if (result.othersMissing) {
      note.textContent =
        "Granted. Other people's interactions from your files were not kept without consent (or were deleted when it was withdrawn) and are stored nowhere: load the files again to include them.";
    } else if (result.purged) {
      note.textContent =
        "Both scopes withdrawn: other people's interactions were deleted from this page's engine and from the copy stored in this browser. Your own activity is unaffected.";
    } else if (result.reloaded) {
      note.textContent = `Granted. The demo data was reloaded for the team views (${countFormat.format(
        result.reloaded.accepted,
      )} interactions restored).`;
    } else {
      const granted = /** @type {(keyof typeof SCOPE_LABELS)[]} */ (Object.keys(SCOPE_LABELS)).filter((s) => result.consent[s]);
      note.textContent = `Granted: ${granted.map((s) => SCOPE_LABELS[s]).join(" and ")}.`;
    }
    storageNote(result.stored);
    await consentApplied();
  } catch (error) {
    const err = /** @type {CodedError} */ (error);
    note.textContent = `Consent could not be changed: ${err.code} ${err.message}`;
  }
}

/**
 * What became of the stored copy, when it is not the usual "saved".
 * @param {Stored | null} stored
 */
function storageNote(stored) {
  $("storage-note").textContent =
    stored === "deleted"
      ? "The stored copy could not be rewritten, so it was deleted."
      : stored === "failed"
        ? "This browser's storage could not be written: nothing new was stored. Use Forget stored data to be sure nothing is kept."
        : "";
}

// ---------------------------------------------------------------- stored data

const forgetButton = /** @type {HTMLButtonElement} */ ($("forget"));

forgetButton.addEventListener("click", async () => {
  forgetButton.disabled = true;
  $("storage-note").textContent = "Deleting the stored data…";
  try {
    await call("forget");
    location.reload();
  } catch (error) {
    const err = /** @type {CodedError} */ (error);
    $("storage-note").textContent = `The stored data could not be deleted: ${err.code} ${err.message}`;
    forgetButton.disabled = false;
  }
});

/**
 * The service worker (sw.js) keeps the app's files so that the page reopens
 * offline; the data itself comes from IndexedDB. Registered once the data is
 * shown, so that its downloads do not compete with the first load.
 */
async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("./sw.js", { scope: "./" });
  } catch (err) {
    // Not a failure of the dashboard: it only will not open offline.
    $("storage-note").textContent = `Offline use is not available: ${/** @type {Error} */ (err).message}`;
  }
}

for (const box of Object.values(consentBoxes)) box.addEventListener("change", onConsentChange);

// ---------------------------------------------------------------- the data shown

/**
 * A load of the user's files starts (true) or ends: what would change the data meanwhile waits.
 * @param {boolean} busy
 */
function dataBusy(busy) {
  for (const box of Object.values(consentBoxes)) box.disabled = busy;
  forgetButton.disabled = busy;
  setDataBusy(busy);
}

/**
 * The user's files are the data now (load.js): everything shown is drawn again from them.
 * @param {FilesLoaded} load
 */
async function dataLoaded(load) {
  setStatus(...filesSummary(load));
  storageNote(load.stored);
  showDataset(load);
  prefillViewer(load.viewer);
  $("consent-note").textContent = "";
  renderOwnInsights(await call("ownInsights", {}));
  await dataReplaced(load, currentConsent());
}

async function start() {
  const { seed, interactions, epsilonBudget } = readParams();
  setState("loading");
  setStatus(el("span", { class: "dot busy", "aria-hidden": "true" }), "Starting the analytics worker…");
  /** @param {{ message: string }} p */
  const progress = (p) => setStatus(el("span", { class: "dot busy", "aria-hidden": "true" }), p.message);
  try {
    const load = await call("load", { seed, interactions, consent: currentConsent(), epsilonBudget }, progress);
    setStatus(...(load.source === "stored" ? storedSummary(load) : loadSummary(load)));
    storageNote(load.stored);
    showDataset(load);
    const insights = await call("ownInsights", {});
    renderOwnInsights(insights);
    await teamReady(load, currentConsent());
    for (const box of Object.values(consentBoxes)) box.disabled = false;
    forgetButton.disabled = false;
    loadReady(load.viewer);
    setState("ready");
  } catch (err) {
    showFailure(/** @type {CodedError} */ (err));
  }
  registerServiceWorker();
}

/** After an opt-out: own insights named and counted that person too. */
async function refreshOwnInsights() {
  try {
    renderOwnInsights(await call("ownInsights", {}));
  } catch (error) {
    const err = /** @type {CodedError} */ (error);
    $("viewer").textContent = `Your activity could not be refreshed: ${err.code} ${err.message}`;
  }
}

onWorkerFailure(showFailure);
initTeam({ onDataChanged: refreshOwnInsights });
initLoad({
  consent: currentConsent,
  epsilonBudget: readParams().epsilonBudget,
  describeData,
  onBusy: dataBusy,
  onSwitch: dataSwitching,
  onLoaded: dataLoaded,
});
start();
