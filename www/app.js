// The dashboard page: UI only. Every wasm call (dataset, engine, queries) runs
// in worker.js; this module sends it requests (rpc.js), shows progress, and
// renders the results with DOM APIs (no innerHTML, no inline scripts or
// styles: the page runs under script-src 'self' 'wasm-unsafe-eval').
// ui.js holds the shared helpers, charts.js the SVG charts, team.js the team
// view (contacts, accounts, who knows whom, introduction paths).
// The data is kept in IndexedDB by the worker (store.js) and the app's files
// by a service worker (sw.js), so that the page reopens quickly and offline.
// load.js is the "Load your own data" panel: the user's files replace the
// demo data once they have all loaded.

import { call, onWorkerFailure } from "./rpc.js";
import { $, el, countFormat, dateFormat, formatInstant, timeElement, kpiCards, personLabel, peopleItems, SCOPE_LABELS } from "./ui.js";
import { weeklyChart, weeklyTableRows } from "./charts.js";
import { initTeam, teamReady, consentChanging, consentApplied, dataReplaced, dataSwitching, setDataBusy } from "./team.js";
import { initLoad, loadReady, prefillViewer } from "./load.js";

const DEFAULT_SEED = 42;
const DEFAULT_INTERACTIONS = 20000;

// ---------------------------------------------------------------- page state

const main = $("app");
const statusLine = $("status");

function setState(state) {
  main.dataset.state = state;
  main.setAttribute("aria-busy", String(state === "loading"));
}

function setStatus(...parts) {
  statusLine.replaceChildren(...parts);
}

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

// ---------------------------------------------------------------- own insights

function renderKpis(kpis) {
  $("kpis").replaceChildren(...kpiCards(kpis));
}

function renderFacts(insights) {
  const w = insights.window;
  $("window").replaceChildren(
    ...(w
      ? [
          timeElement("window-start", w.start, dateFormat.format(new Date(w.start))),
          " – ",
          timeElement("window-end", w.end, dateFormat.format(new Date(w.end))),
          el("span", { class: "muted", text: ` (${w.days} days)` }),
        ]
      : [timeElement("window-end", null, "no data loaded")]),
  );
  $("last").replaceChildren(
    timeElement("last-interaction", insights.lastInteractionAt, formatInstant(insights.lastInteractionAt)),
  );
  $("next").replaceChildren(
    timeElement("next-interaction", insights.nextInteractionAt, formatInstant(insights.nextInteractionAt)),
  );
  $("used").textContent = countFormat.format(insights.interactionsUsed);
}

function renderPeople(listId, people) {
  $(listId).replaceChildren(
    ...peopleItems(people, (p) =>
      el(
        "li",
        { "data-person": p.id },
        personLabel(p),
        el("span", { class: `badge ${p.internal ? "internal" : "external"}`, text: p.internal ? "colleague" : "external" }),
        el("span", { class: "count", text: `${countFormat.format(p.interactions)}` }),
      ),
    ),
  );
}

function renderOwnInsights(insights) {
  $("viewer").textContent = `Signed in as ${insights.viewer}`;
  renderFacts(insights);
  renderKpis(insights.kpis);
  weeklyChart($("chart"), insights.weekly);
  $("weekly-table").replaceChildren(...weeklyTableRows(insights.weekly));
  renderPeople("top-contacted", insights.topContacted);
  renderPeople("top-contacted-by", insights.topContactedBy);
}

// ---------------------------------------------------------------- consent

const consentBoxes = { identifiable: $("consent-identifiable"), aggregated: $("consent-aggregated") };

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
      const granted = Object.keys(SCOPE_LABELS).filter((s) => result.consent[s]);
      note.textContent = `Granted: ${granted.map((s) => SCOPE_LABELS[s]).join(" and ")}.`;
    }
    storageNote(result.stored);
    await consentApplied();
  } catch (err) {
    note.textContent = `Consent could not be changed: ${err.code} ${err.message}`;
  }
}

/** What became of the stored copy, when it is not the usual "saved". */
function storageNote(stored) {
  $("storage-note").textContent =
    stored === "deleted"
      ? "The stored copy could not be rewritten, so it was deleted."
      : stored === "failed"
        ? "This browser's storage could not be written: nothing new was stored. Use Forget stored data to be sure nothing is kept."
        : "";
}

// ---------------------------------------------------------------- stored data

$("forget").addEventListener("click", async () => {
  const button = $("forget");
  button.disabled = true;
  $("storage-note").textContent = "Deleting the stored data…";
  try {
    await call("forget");
    location.reload();
  } catch (err) {
    $("storage-note").textContent = `The stored data could not be deleted: ${err.code} ${err.message}`;
    button.disabled = false;
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
    $("storage-note").textContent = `Offline use is not available: ${err.message}`;
  }
}

for (const box of Object.values(consentBoxes)) box.addEventListener("change", onConsentChange);

// ---------------------------------------------------------------- start

function loadSummary(load) {
  const p = load.people;
  const i = load.interactions;
  const skipped = [
    [i.duplicates, "duplicates"],
    [i.cancelled, "cancelled"],
    [i.droppedOptedOut, "from opted-out people"],
    [i.droppedNoConsent, "of others' not kept without consent"],
    [i.rejected, "rejected"],
  ]
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${countFormat.format(n)} ${what}`);
  const seconds = (load.timings.generatedMs + load.timings.loadedMs) / 1000;
  const discarded = load.discarded
    ? [
        el("span", { "data-load": "discarded", "data-code": load.discarded.code },
          `The data stored in this browser could not be opened (${load.discarded.code}) and was deleted; the demo data was loaded again. `),
      ]
    : [];
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    ...discarded,
    `Demo data (seed ${load.seed}): `,
    el("strong", { "data-load": "people", text: countFormat.format(p.accepted) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(i.accepted) }),
    ` interactions loaded${skipped.length ? ` (skipped: ${skipped.join(", ")})` : ""} in ${seconds.toFixed(1)} s.`,
    load.stored === "saved" ? " Stored in this browser for next time." : "",
  ];
}

/** The status line when the data was reopened from this browser's IndexedDB instead of generated. */
function storedSummary(load) {
  const files = load.dataset === "files";
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    el("span", { "data-load": "source", text: "Reopened from this browser's storage" }),
    files
      ? ` (your data from ${filesText(load.files)}, saved ${formatInstant(load.savedAt)}): `
      : ` (demo seed ${load.seed}, saved ${formatInstant(load.savedAt)}): `,
    el("strong", { "data-load": "people", text: countFormat.format(load.people?.accepted ?? 0) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(load.stats.interactions) }),
    ` interactions in ${(load.timings.openedMs / 1000).toFixed(2)} s.`,
    load.reloaded ? " Others' interactions were loaded again under the consent given." : "",
    load.othersMissing ? " Others' interactions were not kept without consent: load your files again to include them." : "",
    load.restricted && load.stored === "saved"
      ? el("span", {
          "data-load": "restricted",
          text: " Without consent to others' data, the stored copy was rewritten at once to hold only your own interactions.",
        })
      : "",
  ];
}

/** The status line after the user's files replaced the data. */
function filesSummary(load) {
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    el("span", { "data-load": "source", text: "Your data" }),
    ` (${filesText(load.files)}): `,
    el("strong", { "data-load": "people", text: countFormat.format(load.people.accepted) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(load.stats.interactions) }),
    ` interactions loaded in ${load.seconds.toFixed(1)} s.`,
    load.stored === "saved" ? " Stored in this browser for next time." : "",
  ];
}

/** "a.json", "a.json and b.json", "3 files". */
function filesText(files = []) {
  const names = files.map((f) => f.name);
  if (names.length === 0) return "no files";
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${countFormat.format(names.length)} files`;
}

// ---------------------------------------------------------------- the data shown

/** What the page shows now, for the Data panel and the load reports. */
let dataShown = null;

function showDataset(load) {
  const files = load.dataset === "files";
  dataShown = files
    ? { kind: "files", text: `your data from ${filesText(load.files)}` }
    : { kind: "demo", text: `the demo data (seed ${load.seed})` };
  const p = $("dataset");
  p.dataset.dataset = dataShown.kind;
  p.textContent = files
    ? `Showing your data from ${filesText(load.files)}${load.loadedAt ? `, loaded ${formatInstant(load.loadedAt)}` : ""}, as ${load.viewer}.`
    : `Showing the demo data (seed ${load.seed}), generated in this browser, as ${load.viewer}.`;
}

/** A load of the user's files starts (true) or ends: what would change the data meanwhile waits. */
function dataBusy(busy) {
  for (const box of Object.values(consentBoxes)) box.disabled = busy;
  $("forget").disabled = busy;
  setDataBusy(busy);
}

/** The user's files are the data now (load.js): everything shown is drawn again from them. */
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
    $("forget").disabled = false;
    loadReady(load.viewer);
    setState("ready");
  } catch (err) {
    showFailure(err);
  }
  registerServiceWorker();
}

/** After an opt-out: own insights named and counted that person too. */
async function refreshOwnInsights() {
  try {
    renderOwnInsights(await call("ownInsights", {}));
  } catch (err) {
    $("viewer").textContent = `Your activity could not be refreshed: ${err.code} ${err.message}`;
  }
}

onWorkerFailure(showFailure);
initTeam({ onDataChanged: refreshOwnInsights });
initLoad({
  consent: currentConsent,
  epsilonBudget: readParams().epsilonBudget,
  describeData: () => dataShown?.text ?? "the data shown before",
  onBusy: dataBusy,
  onSwitch: dataSwitching,
  onLoaded: dataLoaded,
});
start();
