// The dashboard page: UI only. Every wasm call (dataset, engine, queries)
// runs in the analytics worker (worker.js); the page sends it requests
// (rpc.js, protocol.js), shows progress, and draws the results with DOM APIs
// (no innerHTML, no inline scripts or styles: the page runs under script-src
// 'self' 'wasm-unsafe-eval'). boot.js asks for the first load and imports
// this module, which shows it (`start`), wires the settings dialog (the
// permission in force and the demo administrator's control, "Forget stored
// data") and the data's age banner, and hands the data shown to the card:
// team.js (the card and its tabs), load.js ("Load your own data"), status.js
// (what the page says of the data). ui.js holds the shared helpers, charts.js
// the SVG charts. The data is kept in IndexedDB by the worker and the app's
// files by a service worker (sw.js), so that the page reopens quickly and
// offline.

import { call, onWorkerFailure } from "./rpc.js";
import { readParams } from "./params.js";
import { $, el, countFormat, SCOPE_LABELS } from "./ui.js";
import { renderOwnInsights } from "./views/own.js";
import { consentText, ageText } from "./freshness.js";
import { loadSummary, storedSummary, filesSummary, showDataset, describeData } from "./status.js";
import { initTeam, teamReady, consentChanging, consentApplied, dataReplaced, dataSwitching, setDataBusy } from "./team.js";
import { initLoad, loadReady, prefillViewer } from "./load.js";

/**
 * @typedef {import("./rpc.js").CodedError} CodedError
 * @typedef {import("./protocol.js").Stored} Stored
 * @typedef {import("./status.js").FilesLoaded} FilesLoaded
 * @typedef {import("./protocol.js").ConsentStatus} ConsentStatus
 */

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
    el("p", { class: "muted", text: "Reload the page to try again." }),
    el("details", { class: "error-details" }, el("summary", { text: "Details" }), el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`)),
  );
  box.hidden = false;
  setStatus("The data could not be loaded.");
}

// ---------------------------------------------------------------- consent

const consentBoxes = {
  identifiable: /** @type {HTMLInputElement} */ ($("consent-identifiable")),
  aggregated: /** @type {HTMLInputElement} */ ($("consent-aggregated")),
};

/** What the demo administrator's control asks for. */
function currentConsent() {
  return { identifiable: consentBoxes.identifiable.checked, aggregated: consentBoxes.aggregated.checked };
}

/**
 * Shows the permission in force (the engine's answer) and sets the demo administrator's control to it.
 * @param {ConsentStatus} consent
 */
function showConsent(consent) {
  const p = $("consent-status");
  p.dataset.consent = consent.kind === "token" ? [consent.identifiable && "identifiable", consent.aggregated && "aggregated"].filter(Boolean).join(" ") : "none";
  p.dataset.expires = consent.expiresAt ?? "";
  p.textContent = consentText(consent);
  consentBoxes.identifiable.checked = consent.identifiable;
  consentBoxes.aggregated.checked = consent.aggregated;
}

async function onConsentChange() {
  const consent = currentConsent();
  consentChanging(consent);
  const note = $("consent-note");
  note.textContent = "Signing the new permission…";
  try {
    const result = await call("setConsent", consent, (p) => (note.textContent = p.message));
    showConsent(result.consent);
    if (result.othersMissing) {
      note.textContent =
        "Granted. Your colleagues' interactions from your files were deleted when the permission ended: load the files again to include them.";
    } else if (result.purged) {
      note.textContent =
        "Permission withdrawn: your colleagues' interactions were deleted from this browser. Your own activity is unaffected.";
    } else if (result.reloaded) {
      note.textContent = `Granted. The demo data was loaded again for the team views (${countFormat.format(
        result.reloaded.accepted,
      )} interactions restored).`;
    } else {
      const granted = /** @type {(keyof typeof SCOPE_LABELS)[]} */ (Object.keys(SCOPE_LABELS)).filter((s) => result.consent[s]);
      note.textContent = `Granted: ${granted.map((s) => SCOPE_LABELS[s]).join(" and ")}.`;
    }
    storageNote(result.stored);
    await consentApplied(result.consent);
  } catch (error) {
    const err = /** @type {CodedError} */ (error);
    note.textContent = `The permission could not be changed: ${err.message}`;
  }
}

// ---------------------------------------------------------------- settings and the data's age

const settings = /** @type {HTMLDialogElement} */ ($("settings"));
$("settings-open").addEventListener("click", () => settings.showModal());
$("settings-close").addEventListener("click", () => settings.close());

/**
 * The banner over the card when the data is older than a week.
 * @param {string | null | undefined} dataAsOf
 */
function showAge(dataAsOf) {
  const text = ageText(dataAsOf, Date.now());
  const banner = $("age-banner");
  banner.hidden = text === null;
  banner.textContent = text ?? "";
  banner.dataset.asOf = dataAsOf ?? "";
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
  showConsent(load.consent);
  const own = await call("ownInsights", {});
  renderOwnInsights(own);
  showAge(own.dataAsOf);
  await dataReplaced(load, load.consent);
}

/**
 * Shows the first load (boot.js asked for it before this module arrived).
 * @param {(progress: (p: import("./protocol.js").Progress) => void) => Promise<import("./protocol.js").LoadResult>} firstLoad
 */
export async function start(firstLoad) {
  setState("loading");
  // One busy line, its text changed by each report (one a chunk loaded):
  // rebuilding it each time restarted its animation and laid it out anew,
  // on the thread that also draws the first card.
  const busyText = document.createTextNode("Starting the analytics worker…");
  setStatus(el("span", { class: "dot busy", "aria-hidden": "true" }), busyText);
  /** @param {{ message: string }} p */
  const progress = (p) => (busyText.data = p.message);
  try {
    const load = await firstLoad(progress);
    setStatus(...(load.source === "stored" ? storedSummary(load) : loadSummary(load)));
    storageNote(load.stored);
    showDataset(load);
    showConsent(load.consent);
    $("noise-policy").dataset.noise = load.requireNoise ? "required" : "optional";
    $("noise-policy").textContent = load.requireNoise
      ? "Organization figures are always shown with privacy noise (a setting of this deployment): they are approximate, with a range, and no exact version exists."
      : "Organization figures may be shown exactly (this deployment does not require privacy noise).";
    const teamShown = teamReady(load, load.consent);
    const insights = await call("ownInsights", {});
    renderOwnInsights(insights);
    showAge(insights.dataAsOf);
    await teamShown;
    if (load.source === "demo") {
      // A first load answers before it is stored, so that the card comes first.
      const { stored } = await call("store", {});
      setStatus(...loadSummary({ ...load, stored }));
      storageNote(stored);
    }
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
    $("viewer").textContent = `Your activity could not be refreshed: ${err.message}`;
  }
}

onWorkerFailure(showFailure);
initTeam({ onDataChanged: refreshOwnInsights });
initLoad({
  consent: currentConsent,
  epsilonBudget: readParams().epsilonBudget,
  requireNoise: readParams().requireNoise,
  describeData,
  onBusy: dataBusy,
  onSwitch: dataSwitching,
  onLoaded: dataLoaded,
});
