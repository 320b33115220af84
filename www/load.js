// "Load your own data": the page's side. Files are chosen with the file
// picker or dropped on the drop zone, and handed as File objects (cloned by
// reference, never read here) to a spare analytics worker (rpc.js
// spareWorker), which detects what each holds, loads them chunk by chunk into
// a new engine and reports progress. The data shown stays in the other worker
// until the load succeeds; then the spare one takes over (adopt) and stores
// its snapshot in place of the old one. Cancel terminates the spare worker,
// even inside a long wasm call: nothing shown or stored changes.

import { call, spareWorker, adopt } from "./rpc.js";
import { $, $input, $button, el, plural } from "./ui.js";
import { splitDomains, notDomains, domainOf, domainsOrViewers } from "./domains.js";
import { formatSize, loadedReport, cancelledReport, failedReport } from "./load-report.js";

/**
 * @typedef {import("./rpc.js").Client} Client
 * @typedef {import("./rpc.js").CodedError} CodedError
 * @typedef {import("./protocol.js").Progress} Progress
 * @typedef {import("./protocol.js").ConsentFlags} ConsentFlags
 * @typedef {import("./status.js").FilesLoaded} FilesLoaded
 */

/**
 * What the page gives the panel (initLoad).
 * @typedef {object} LoadHooks
 * @property {() => ConsentFlags} consent          the consent in force
 * @property {number | undefined} epsilonBudget
 * @property {boolean} [requireNoise]              the deployment's noise policy
 * @property {() => string} describeData           the data shown, in words
 * @property {(busy: boolean) => void} onBusy      a load starts or ends
 * @property {() => void} [onSwitch]               the worker holding the new data is about to answer in place of the old one
 * @property {(loaded: FilesLoaded) => Promise<void>} onLoaded   the new data is the data shown: redraw
 */

const state = {
  /** @type {File[]} the files chosen so far, in the order chosen */
  files: [],
  /** @type {Client | null} the spare worker of the load under way */
  loader: null,
  /** True between "loaded" and the end of the switch-over: Cancel no longer applies. */
  committing: false,
  /** @type {LoadHooks | null} the page's hooks (initLoad) */
  hooks: null,
  /** @type {string | null} the viewer the form was last filled with by the page (not typed by the user) */
  prefilled: null,
};

// ---------------------------------------------------------------- choosing files

function renderChosen() {
  const list = $("load-file-list");
  list.replaceChildren(
    ...state.files.map((file, i) => {
      const remove = el("button", { type: "button", class: "link remove", text: "Remove", "aria-label": `Remove ${file.name}` });
      remove.addEventListener("click", () => {
        state.files.splice(i, 1);
        renderChosen();
        ($("load-file-list").querySelector("button") ?? $("load-files")).focus();
      });
      return el(
        "li",
        { "data-chosen": file.name },
        el("span", { class: "file-name", text: file.name }),
        el("span", { class: "muted small", text: formatSize(file.size) }),
        remove,
      );
    }),
  );
  $("load-chosen").hidden = state.files.length === 0;
  $("load-start").textContent = state.files.length
    ? `Load ${plural(state.files.length, "file")} and replace the data shown`
    : "Load and replace the data shown";
}

/**
 * Adds `files` to the choice (a file chosen twice counts once).
 * @param {File[]} files
 */
function addFiles(files) {
  /** @param {File} f */
  const key = (f) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;
  const known = new Set(state.files.map(key));
  for (const f of files) {
    if (!known.has(key(f))) {
      state.files.push(f);
      known.add(key(f));
    }
  }
  $("load-form-error").textContent = "";
  renderChosen();
}

function wireDropZone() {
  const zone = $("dropzone");
  const input = $input("load-files");
  /** @param {DragEvent} event */
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  input.addEventListener("change", () => {
    addFiles([...(input.files ?? [])]);
    input.value = ""; // choosing the same file again still reports a change
  });
  let depth = 0; // dragenter/dragleave also fire for the zone's children
  zone.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = state.loader ? "none" : "copy";
  });
  zone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove("dragging");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    depth = 0;
    zone.classList.remove("dragging");
    if (state.loader) return;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) addFiles(files);
    $("load-files").focus();
  });
  // A file dropped beside the zone must not make the browser leave the page to show it.
  for (const type of /** @type {const} */ (["dragover", "drop"])) {
    document.addEventListener(type, (event) => {
      if (hasFiles(event) && !zone.contains(/** @type {Node | null} */ (event.target))) {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "none";
      }
    });
  }
}

// ---------------------------------------------------------------- the form

/**
 * The reference time of the load: the end (UTC) of the "Figures as of" date,
 * as epoch ms, or undefined when it is empty (the engine then takes the clock).
 */
function asOf() {
  const day = $input("load-as-of").value;
  const start = day ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return Number.isFinite(start) ? start + 86_400_000 : undefined;
}

/**
 * The internal domains typed, or null when one is not a domain name.
 * @returns {string[] | null}
 */
function typedDomains() {
  const list = splitDomains($input("load-domains").value.trim());
  return notDomains(list).length ? null : list;
}

/** The domains field's placeholder and help follow the address typed: empty means its domain. */
function updateDomainsHint() {
  const own = domainOf($input("load-viewer").value.trim());
  $input("load-domains").placeholder = own || "contoso.com";
  $("load-domains-help").textContent =
    "People with these domains are colleagues, everyone else external. Separate several with commas. " +
    (own ? `Empty: the domain of your address (${own}).` : "Empty: the domain of your address.");
}

/**
 * Fills the e-mail field with the viewer of the data shown, unless the user typed another one.
 * @param {string | null | undefined} viewer
 */
export function prefillViewer(viewer) {
  const input = $input("load-viewer");
  if (input.value.trim() === "" || input.value === state.prefilled) {
    input.value = viewer ?? "";
    state.prefilled = input.value;
  }
  updateDomainsHint();
}

/** @param {boolean} open */
function toggleForm(open) {
  const form = $("load-form");
  form.hidden = !open;
  $("load-open").setAttribute("aria-expanded", String(open));
}

// ---------------------------------------------------------------- loading

/** @param {Progress} p */
function showProgress(p) {
  if (state.committing && p.stage !== "store") return;
  const bar = /** @type {HTMLProgressElement} */ ($("load-progress"));
  if (typeof p.total === "number" && p.total > 0 && typeof p.done === "number") {
    bar.max = p.total;
    bar.value = Math.min(p.done, p.total);
    bar.dataset.done = String(p.done);
  }
  if (p.message) $("load-progress-text").textContent = p.message;
}

/** @param {boolean} loading */
function setLoading(loading) {
  $("load-progress-box").hidden = !loading;
  $button("load-start").disabled = loading;
  $input("load-files").disabled = loading;
  $button("load-clear").disabled = loading;
  $("dropzone").classList.toggle("disabled", loading);
  $button("load-cancel").disabled = !loading;
  $("data").setAttribute("aria-busy", String(loading));
  if (loading) {
    const bar = /** @type {HTMLProgressElement} */ ($("load-progress"));
    bar.removeAttribute("value"); // indeterminate until the worker says how far it is
    bar.max = 1;
    delete bar.dataset.done;
    $("load-progress-text").textContent = "Starting…";
  }
}

/** @param {SubmitEvent} event */
async function onSubmit(event) {
  event.preventDefault();
  const hooks = state.hooks;
  if (state.loader || !hooks) return;
  const error = $("load-form-error");
  error.textContent = "";
  const viewerInput = $input("load-viewer");
  const domainsInput = $input("load-domains");
  domainsInput.setCustomValidity(typedDomains() === null ? "Give domain names like contoso.com, separated by commas." : "");
  if (!/** @type {HTMLFormElement} */ ($("load-form")).reportValidity()) return;
  if (!state.files.length) {
    error.textContent = "Choose or drop at least one file first.";
    $("load-files").focus();
    return;
  }
  const viewer = viewerInput.value.trim();
  const internalDomains = domainsOrViewers(typedDomains() ?? [], viewer);
  const now = asOf();
  const files = [...state.files];
  const previous = hooks.describeData();

  hooks.onBusy(true);
  setLoading(true);
  $("load-report").replaceChildren();
  // Opt-outs made in this browser follow the person into the new data, as
  // the engine's digests (the page never sees an opted-out id).
  const optOuts = await call("optOuts").then(
    (r) => r.optOuts,
    () => null,
  );
  const loader = spareWorker();
  state.loader = loader;
  state.committing = false;
  $("load-cancel").focus();
  const started = performance.now();
  let outcome;
  try {
    const result = await loader.call(
      "loadFiles",
      { files, viewer, internalDomains, now, lenient: $input("load-lenient").checked, consent: hooks.consent(), epsilonBudget: hooks.epsilonBudget, requireNoise: hooks.requireNoise, optOuts },
      showProgress,
    );
    // The point of no return: the new data becomes the data shown, then is stored.
    state.committing = true;
    $button("load-cancel").disabled = true;
    hooks.onSwitch?.();
    adopt(loader);
    const { stored } = await call("commitLoad", {}, showProgress).catch(() => ({ stored: /** @type {const} */ ("failed") }));
    const loaded = { ...result, stored, seconds: (performance.now() - started) / 1000 };
    await hooks.onLoaded(loaded);
    state.files = [];
    renderChosen();
    outcome = loadedReport(loaded, previous);
  } catch (error) {
    const err = /** @type {CodedError} */ (error);
    loader.terminate();
    outcome = err.code === "CANCELLED" ? cancelledReport(previous) : failedReport(err, previous);
  } finally {
    state.loader = null;
    state.committing = false;
    setLoading(false);
    hooks.onBusy(false);
  }
  $("load-report").replaceChildren(outcome);
  outcome.querySelector("h3")?.focus();
}

function cancel() {
  if (!state.loader || state.committing) return;
  $("load-progress-text").textContent = "Cancelling…";
  state.loader.terminate("CANCELLED", "Loading was cancelled.");
}

// ---------------------------------------------------------------- wiring

/**
 * Wires the load panel. hooks: consent() (the consent in force),
 * epsilonBudget, describeData() (the data shown, in words), onBusy(busy)
 * (a load starts or ends), onSwitch() (the worker holding the new data is
 * about to answer in place of the old one), onLoaded(result) (the new data
 * is the data shown: redraw).
 * @param {LoadHooks} hooks
 */
export function initLoad(hooks) {
  state.hooks = hooks;
  $("load-open").addEventListener("click", () => {
    const open = $("load-form").hidden;
    toggleForm(open);
    if (open) $("load-files").focus();
  });
  $("load-form").addEventListener("submit", (event) => onSubmit(/** @type {SubmitEvent} */ (event)));
  $("load-clear").addEventListener("click", () => {
    state.files = [];
    renderChosen();
    $("load-files").focus();
  });
  $("load-cancel").addEventListener("click", cancel);
  $("load-progress-box").addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel();
  });
  $("load-viewer").addEventListener("input", updateDomainsHint);
  $("load-domains").addEventListener("input", () => $input("load-domains").setCustomValidity(""));
  wireDropZone();
  renderChosen();
  updateDomainsHint();
}

/**
 * The data is ready: the panel can be used.
 * @param {string} viewer
 */
export function loadReady(viewer) {
  prefillViewer(viewer);
  $button("load-open").disabled = false;
}
