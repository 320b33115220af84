// "Load your own data": the page's side. Files are chosen with the file
// picker or dropped on the drop zone, and handed as File objects (cloned by
// reference, never read here) to a spare analytics worker (rpc.js
// spareWorker), which detects what each holds, loads them chunk by chunk into
// a new engine and reports progress. The data shown stays in the other worker
// until the load succeeds; then the spare one takes over (adopt) and stores
// its snapshot in place of the old one. Cancel terminates the spare worker,
// even inside a long wasm call: nothing shown or stored changes.

import { call, spareWorker, adopt } from "./rpc.js";
import { $, el, countFormat } from "./ui.js";

const state = {
  /** The files chosen so far (File objects), in the order chosen. */
  files: [],
  /** The spare worker of the load under way, or null. */
  loader: null,
  /** True between "loaded" and the end of the switch-over: Cancel no longer applies. */
  committing: false,
  /** The page's hooks (initLoad). */
  hooks: null,
  /** The viewer the form was last filled with by the page (not typed by the user). */
  prefilled: null,
};

const sizeFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A file size in words. */
export function formatSize(bytes) {
  if (bytes < 1024) return `${countFormat.format(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} KB`;
  return `${sizeFormat.format(bytes / (1024 * 1024))} MB`;
}

function plural(n, one, many = `${one}s`) {
  return `${countFormat.format(n)} ${n === 1 ? one : many}`;
}

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

/** Adds `files` to the choice (a file chosen twice counts once). */
function addFiles(files) {
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
  const input = $("load-files");
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  input.addEventListener("change", () => {
    addFiles([...input.files]);
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
    event.dataTransfer.dropEffect = state.loader ? "none" : "copy";
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
  for (const type of ["dragover", "drop"]) {
    document.addEventListener(type, (event) => {
      if (hasFiles(event) && !zone.contains(event.target)) {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "none";
      }
    });
  }
}

// ---------------------------------------------------------------- the form

/** The internal domains typed, or null when one is not a domain name. */
/**
 * The reference time of the load: the end (UTC) of the "Figures as of" date,
 * as epoch ms, or undefined when it is empty (the engine then takes the clock).
 */
function asOf() {
  const day = $("load-as-of").value;
  const start = day ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return Number.isFinite(start) ? start + 86_400_000 : undefined;
}

function typedDomains() {
  const raw = $("load-domains").value.trim();
  if (raw === "") return [];
  const list = raw.split(/[\s,;]+/).map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
  return list.every((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) ? list : null;
}

function domainOf(address) {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(at + 1).trim().toLowerCase() : "";
}

/** The domains field's placeholder and help follow the address typed: empty means its domain. */
function updateDomainsHint() {
  const own = domainOf($("load-viewer").value.trim());
  $("load-domains").placeholder = own || "contoso.com";
  $("load-domains-help").textContent =
    "People with these domains are colleagues, everyone else external. Separate several with commas. " +
    (own ? `Empty: the domain of your address (${own}).` : "Empty: the domain of your address.");
}

/** Fills the e-mail field with the viewer of the data shown, unless the user typed another one. */
export function prefillViewer(viewer) {
  const input = $("load-viewer");
  if (input.value.trim() === "" || input.value === state.prefilled) {
    input.value = viewer ?? "";
    state.prefilled = input.value;
  }
  updateDomainsHint();
}

function toggleForm(open) {
  const form = $("load-form");
  form.hidden = !open;
  $("load-open").setAttribute("aria-expanded", String(open));
}

// ---------------------------------------------------------------- loading

function showProgress(p) {
  if (state.committing && p.stage !== "store") return;
  const bar = $("load-progress");
  if (typeof p.total === "number" && p.total > 0 && typeof p.done === "number") {
    bar.max = p.total;
    bar.value = Math.min(p.done, p.total);
    bar.dataset.done = String(p.done);
  }
  if (p.message) $("load-progress-text").textContent = p.message;
}

function setLoading(loading) {
  $("load-progress-box").hidden = !loading;
  $("load-start").disabled = loading;
  $("load-files").disabled = loading;
  $("load-clear").disabled = loading;
  $("dropzone").classList.toggle("disabled", loading);
  $("load-cancel").disabled = !loading;
  $("data").setAttribute("aria-busy", String(loading));
  if (loading) {
    const bar = $("load-progress");
    bar.removeAttribute("value"); // indeterminate until the worker says how far it is
    bar.max = 1;
    delete bar.dataset.done;
    $("load-progress-text").textContent = "Starting…";
  }
}

async function onSubmit(event) {
  event.preventDefault();
  if (state.loader) return;
  const error = $("load-form-error");
  error.textContent = "";
  const viewerInput = $("load-viewer");
  const domainsInput = $("load-domains");
  domainsInput.setCustomValidity(typedDomains() === null ? "Give domain names like contoso.com, separated by commas." : "");
  if (!$("load-form").reportValidity()) return;
  if (!state.files.length) {
    error.textContent = "Choose or drop at least one file first.";
    $("load-files").focus();
    return;
  }
  const viewer = viewerInput.value.trim();
  const internalDomains = typedDomains().length ? typedDomains() : [domainOf(viewer)].filter(Boolean);
  const now = asOf();
  const files = [...state.files];
  const hooks = state.hooks;
  const previous = hooks.describeData();

  hooks.onBusy(true);
  setLoading(true);
  $("load-report").replaceChildren();
  // Opt-outs made in this browser follow the person into the new data, as
  // the engine's digests (the page never sees an opted-out id).
  const { optOuts = null } = await call("optOuts").catch(() => ({}));
  const loader = spareWorker();
  state.loader = loader;
  state.committing = false;
  $("load-cancel").focus();
  const started = performance.now();
  let outcome;
  try {
    const result = await loader.call(
      "loadFiles",
      { files, viewer, internalDomains, now, lenient: $("load-lenient").checked, consent: hooks.consent(), epsilonBudget: hooks.epsilonBudget, optOuts },
      showProgress,
    );
    // The point of no return: the new data becomes the data shown, then is stored.
    state.committing = true;
    $("load-cancel").disabled = true;
    hooks.onSwitch?.();
    adopt(loader);
    const { stored } = await call("commitLoad", {}, showProgress).catch(() => ({ stored: "failed" }));
    const loaded = { ...result, stored, seconds: (performance.now() - started) / 1000 };
    await hooks.onLoaded(loaded);
    state.files = [];
    renderChosen();
    outcome = loadedReport(loaded, previous);
  } catch (err) {
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

// ---------------------------------------------------------------- the report

const KIND_WORDS = {
  people: "people directory",
  interactions: "interactions",
  empty: "empty file",
};
const SYNTAX_WORDS = { json: "JSON", ndjson: "NDJSON", "json-object": "JSON" };

/** What a file was read as, in words. */
function fileKindText(r) {
  if (r.kind === "graph") {
    const what = r.messages && r.events ? "messages and events" : r.events ? "events" : "messages";
    return `Microsoft Graph ${what}${r.pages ? ` (${plural(r.pages, "page")})` : ""}`;
  }
  if (r.kind === "empty") return KIND_WORDS.empty;
  return `${KIND_WORDS[r.kind]} (${SYNTAX_WORDS[r.syntax] ?? r.syntax}, ${formatSize(r.size)})`;
}

/** Where a record error is, in words (locateError in worker.js sets these). */
function whereText(e) {
  if (e.page !== undefined) return `page ${e.page}, item ${countFormat.format(e.index + 1)}`;
  if (e.line !== undefined) return `line ${countFormat.format(e.line)}`;
  return `record ${countFormat.format(e.index + 1)}`;
}

/** The parts of a LoadReport beyond what was loaded, in words. */
function skippedParts(r, kind) {
  const parts = [];
  if (r.duplicates) parts.push(`${plural(r.duplicates, "repeated id")} skipped (the first one counts)`);
  if (r.cancelled) parts.push(`${plural(r.cancelled, "cancelled meeting")} left out of every figure`);
  if (r.skippedDrafts) parts.push(`${plural(r.skippedDrafts, "draft")} skipped`);
  if (r.skippedSolo) parts.push(`${countFormat.format(r.skippedSolo)} with nobody but the sender or organizer skipped`);
  if (r.droppedOptedOut) parts.push(`${countFormat.format(r.droppedOptedOut)} of opted-out people dropped`);
  if (r.droppedNoConsent) parts.push(`${countFormat.format(r.droppedNoConsent)} without you dropped (no consent to others' data)`);
  if (r.rejected) {
    const reasons = Object.entries(r.rejectedByReason ?? {})
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([reason, n]) => `${reason} (${countFormat.format(n)})`);
    parts.push(`${plural(r.rejected, kind === "people" ? "bad entry" : "bad record", kind === "people" ? "bad entries" : "bad records")} skipped: ${reasons.join(", ")}`);
  }
  return parts;
}

function fileItem(r) {
  const attrs = {
    class: "file-report",
    "data-file": r.name,
    "data-kind": r.kind,
    "data-accepted": String(r.accepted),
    "data-duplicates": String(r.duplicates),
    "data-rejected": String(r.rejected),
    "data-cancelled": String(r.cancelled),
    "data-drafts": String(r.skippedDrafts),
    "data-solo": String(r.skippedSolo),
    "data-messages": String(r.messages),
    "data-events": String(r.events),
  };
  let loaded;
  if (r.kind === "empty") loaded = "nothing to load";
  else if (r.kind === "people") loaded = `${plural(r.accepted, "person", "people")} loaded`;
  else if (r.kind === "graph" && (r.messages || r.events)) {
    const read = r.messages && r.events
      ? `${countFormat.format(r.messages + r.events)} items read (${plural(r.messages, "e-mail")}, ${plural(r.events, "meeting")})`
      : r.events
        ? `${plural(r.events, "meeting")} read`
        : `${plural(r.messages, "e-mail")} read`;
    loaded = `${read}: ${countFormat.format(r.accepted)} loaded`;
  } else loaded = `${plural(r.accepted, "interaction")} loaded`;
  const parts = [loaded, ...skippedParts(r, r.kind)];
  const errors = (r.errors ?? []).length
    ? el(
        "details",
        { class: "file-errors" },
        el("summary", { text: `First ${plural(r.errors.length, "skipped record")}` }),
        el(
          "ol",
          {},
          ...r.errors.map((e) =>
            el("li", { "data-error-index": String(e.index) }, `${whereText(e)}${e.field ? `, field “${e.field}”` : ""}: ${e.reason ?? e.message ?? ""}`),
          ),
        ),
      )
    : null;
  return el(
    "li",
    attrs,
    el("strong", { class: "file-name", text: r.name }),
    el("span", { class: "muted", text: ` · ${fileKindText(r)}` }),
    el("p", { class: "file-outcome", text: `${parts.join("; ")}.` }),
    errors,
  );
}

/** What replacing the data did, in words (the stored copy: see worker.js persist). */
function replacedText(previous, stored) {
  if (stored === "saved") return `It replaces ${previous}, here and in the copy stored in this browser.`;
  if (stored === "deleted") {
    return `It replaces ${previous}. The copy stored in this browser could not be rewritten, so it was deleted: reopened, the page shows the demo data again.`;
  }
  return `It replaces ${previous} on this page. This browser's storage could not be written: reopened, the page shows what was stored before.`;
}

function loadedReport(r, previous) {
  const interactions = r.interactions.accepted;
  const people = r.people.accepted;
  const fileCount = r.files.length;
  const loaded = [
    el("strong", { "data-total": "interactions", text: countFormat.format(interactions) }),
    ` ${interactions === 1 ? "interaction" : "interactions"} and `,
    el("strong", { "data-total": "people", text: countFormat.format(people) }),
    ` ${people === 1 ? "person" : "people"} loaded from ${plural(fileCount, "file")} in ${sizeFormat.format(r.seconds)} s, for `,
    el("strong", { text: r.viewer }),
    ` (colleagues: ${r.internalDomains.length ? r.internalDomains.join(", ") : "none"}).`,
  ];
  const extra = [];
  const all = [r.interactions, r.people];
  const rejected = all.reduce((n, x) => n + x.rejected, 0);
  if (rejected) extra.push(`${plural(rejected, "bad record")} skipped (Skip bad records was on).`);
  return el(
    "section",
    { class: "card load-result ok", "data-outcome": "loaded", "aria-labelledby": "load-result-title" },
    el("h3", { id: "load-result-title", tabIndex: -1, text: "Your data is loaded" }),
    el("p", {}, ...loaded),
    el("p", { class: "muted", "data-stored": r.stored, text: replacedText(previous, r.stored) }),
    extra.length ? el("p", { text: extra.join(" ") }) : null,
    el("ul", { class: "file-reports", "aria-label": "What each file held" }, ...r.files.map(fileItem)),
  );
}

function cancelledReport(previous) {
  return el(
    "section",
    { class: "card load-result notice", "data-outcome": "cancelled", "aria-labelledby": "load-result-title" },
    el("h3", { id: "load-result-title", tabIndex: -1, text: "Loading cancelled" }),
    el("p", { text: `Nothing was loaded and nothing changed: the dashboard still shows ${previous}.` }),
  );
}

function failedReport(err, previous) {
  const strictRecord = err.code === "INVALID_INPUT" && err.index !== undefined;
  return el(
    "section",
    { class: "card load-result error", "data-outcome": "failed", "data-code": err.code ?? "ERROR", role: "alert", "aria-labelledby": "load-result-title" },
    el("h3", { id: "load-result-title", tabIndex: -1, text: "Nothing was loaded" }),
    el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`),
    el("p", {
      text:
        `The dashboard still shows ${previous}.` +
        (strictRecord ? " Fix that record, or tick “Skip bad records” to load the rest and see what was skipped." : ""),
    }),
  );
}

// ---------------------------------------------------------------- wiring

/**
 * Wires the load panel. hooks: consent() (the consent in force),
 * epsilonBudget, describeData() (the data shown, in words), onBusy(busy)
 * (a load starts or ends), onSwitch() (the worker holding the new data is
 * about to answer in place of the old one), onLoaded(result) (the new data
 * is the data shown: redraw).
 */
export function initLoad(hooks) {
  state.hooks = hooks;
  $("load-open").addEventListener("click", () => {
    const open = $("load-form").hidden;
    toggleForm(open);
    if (open) $("load-files").focus();
  });
  $("load-form").addEventListener("submit", onSubmit);
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
  $("load-domains").addEventListener("input", () => $("load-domains").setCustomValidity(""));
  wireDropZone();
  renderChosen();
  updateDomainsHint();
}

/** The data is ready: the panel can be used. */
export function loadReady(viewer) {
  prefillViewer(viewer);
  $("load-open").disabled = false;
}
