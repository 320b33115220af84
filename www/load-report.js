// What a load of the user's files did, in words, for the load panel
// (load.js): what each file was read as and what became of its records (the
// engine's LoadReport: loaded, repeated, cancelled, drafts, dropped, bad
// records by reason, and where the first bad ones are), or why nothing was
// loaded, or that the load was cancelled.

import { el, countFormat, plural } from "./ui.js";

/**
 * @typedef {import("./protocol.js").FileReport} FileReport
 * @typedef {import("./protocol.js").Stored} Stored
 * @typedef {import("./protocol.js").WireError} WireError
 * @typedef {import("./status.js").FilesLoaded} FilesLoaded
 * @typedef {import("./pkg/rapport.js").LoadReport} LoadReport
 */

const sizeFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/**
 * A file size in words.
 * @param {number} bytes
 */
export function formatSize(bytes) {
  if (bytes < 1024) return `${countFormat.format(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} KB`;
  return `${sizeFormat.format(bytes / (1024 * 1024))} MB`;
}

/** @type {Record<string, string>} */
const KIND_WORDS = {
  people: "people directory",
  interactions: "interactions",
  empty: "empty file",
};
/** @type {Record<string, string>} */
const SYNTAX_WORDS = { json: "JSON", ndjson: "NDJSON", "json-object": "JSON" };

/**
 * What a file was read as, in words.
 * @param {FileReport} r
 */
function fileKindText(r) {
  if (r.kind === "graph") {
    const what = r.messages && r.events ? "messages and events" : r.events ? "events" : "messages";
    return `Microsoft Graph ${what}${r.pages ? ` (${plural(r.pages, "page")})` : ""}`;
  }
  if (r.kind === "empty") return KIND_WORDS.empty;
  return `${KIND_WORDS[r.kind]} (${SYNTAX_WORDS[r.syntax] ?? r.syntax}, ${formatSize(r.size)})`;
}

/**
 * Where a record error is, in words (locateError in worker/ingest.js sets these).
 * @param {import("./protocol.js").LocatedError} e
 */
function whereText(e) {
  if (e.page !== undefined) return `page ${e.page}, item ${countFormat.format(e.index + 1)}`;
  if (e.line !== undefined) return `line ${countFormat.format(e.line)}`;
  return `record ${countFormat.format(e.index + 1)}`;
}

/**
 * The parts of a LoadReport beyond what was loaded, in words.
 * @param {LoadReport} r
 * @param {string} kind
 */
function skippedParts(r, kind) {
  const parts = [];
  if (r.updated) parts.push(`${plural(r.updated, "record")} replaced an earlier version`);
  if (r.duplicates && kind === "people") parts.push(`${plural(r.duplicates, "repeated id")} skipped (the first one counts)`);
  else if (r.duplicates) parts.push(`${plural(r.duplicates, "unchanged or older copy", "unchanged or older copies")} skipped`);
  if (r.sameMessage) parts.push(`${plural(r.sameMessage, "other copy", "other copies")} of an e-mail counted once`);
  if (r.deleted) parts.push(`${plural(r.deleted, "deletion")} applied`);
  if (r.notFound) parts.push(`${plural(r.notFound, "deletion")} of something not held ignored`);
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

/** @param {FileReport} r */
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

/**
 * What replacing the data did, in words (the stored copy: see worker/persist.js).
 * @param {string} previous
 * @param {Stored} stored
 */
function replacedText(previous, stored) {
  if (stored === "saved") return `It replaces ${previous}, here and in the copy stored in this browser.`;
  if (stored === "deleted") {
    return `It replaces ${previous}. The copy stored in this browser could not be rewritten, so it was deleted: reopened, the page shows the demo data again.`;
  }
  return `It replaces ${previous} on this page. This browser's storage could not be written: reopened, the page shows what was stored before.`;
}

/**
 * The files loaded and replaced the data shown (`previous`, in words).
 * @param {FilesLoaded} r
 * @param {string} previous
 */
export function loadedReport(r, previous) {
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

/** @param {string} previous */
export function cancelledReport(previous) {
  return el(
    "section",
    { class: "card load-result notice", "data-outcome": "cancelled", "aria-labelledby": "load-result-title" },
    el("h3", { id: "load-result-title", tabIndex: -1, text: "Loading cancelled" }),
    el("p", { text: `Nothing was loaded and nothing changed: the dashboard still shows ${previous}.` }),
  );
}

/**
 * @param {{ code?: string, message: string, index?: number }} err
 * @param {string} previous
 */
export function failedReport(err, previous) {
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
