// Loading the user's files ("loadFiles", then "commitLoad"): a new engine for
// the viewer given, the files read as files.js tells them apart (people
// first, so that the directory decides who is internal, who is whom and who
// opted out before interactions are counted), one engine call a chunk with a
// progress message and a turn of the event loop after each. The new engine
// replaces the worker's only once every file loaded; on an error the worker
// keeps what it had. The page sends this to a spare worker (rpc.js), so that
// Cancel can terminate it while the data shown stays in the other, and asks
// it to store the new data ("commitLoad") once it holds the data shown.

import { Engine } from "../pkg/rapport.js";
import { detect, chunksOf } from "./files.js";
import { csvToNdjson } from "./csv.js";
import { getSnapshot } from "./store.js";
import { remember, applyOptOuts, storedOptOuts, legacyOptOuts } from "./ledger.js";
import { persist } from "./persist.js";
import { topCounterparts } from "./contacts.js";
import { emptyReport, addReport, sumReports } from "./reports.js";
import { session, requireEngine, consentFlags } from "./session.js";
import { keyedOptions, grant, consentStatus } from "./admin.js";
import { codedError } from "../errors.js";
import { splitDomains, notDomains, domainsOrViewers } from "../domains.js";

/**
 * @typedef {import("../pkg/rapport.js").RecordError} RecordError
 * @typedef {import("../pkg/rapport.js").LoadOptions} LoadOptions
 * @typedef {import("../pkg/rapport.js").LoadReport} LoadReport
 * @typedef {import("../protocol.js").FileReport} FileReport
 * @typedef {import("../protocol.js").WireError} WireError
 * @typedef {import("../protocol.js").Report} Report
 * @typedef {import("../protocol.js").Handlers} Handlers
 * @typedef {import("./files.js").Detected} Detected
 * @typedef {import("./files.js").Chunk} Chunk
 */

/** A turn of the event loop: progress messages go out, and the page stays in touch. */
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

/** @type {Pick<Handlers, "loadFiles" | "commitLoad">} */
export const ingestHandlers = {
  async loadFiles({ files, viewer, internalDomains, now: asOf, lenient = false, consent, epsilonBudget, requireNoise, optOuts: known = null }, progress) {
    const list = Array.isArray(files) ? files.filter((f) => f instanceof Blob) : [];
    if (!list.length) throw codedError("INVALID_OPTIONS", "choose at least one file to load", { option: "files" });
    const who = typeof viewer === "string" ? viewer.trim() : "";
    if (who === "") throw codedError("INVALID_OPTIONS", "give your e-mail address: the figures are about the signed-in user", { option: "viewer" });
    const domains = domainsFor(internalDomains, who);
    const started = performance.now();
    const total = list.reduce((sum, f) => sum + f.size, 0);

    // Opt-outs are a person's choice, not a dataset's: those of the data
    // shown (passed by the page) and those stored apply to the new engine too.
    const record = await getSnapshot().catch(() => null);

    progress("detect", `Looking at ${list.length === 1 ? "the file" : `${list.length} files`}…`, { done: 0, total });
    const plan = [];
    for (const file of list) plan.push({ file, detected: await detect(file) });
    // People first: their directory decides who is internal, who is whom
    // (aliases) and who opted out before the interactions are counted.
    plan.sort((a, b) => (a.detected.kind === "people" ? 0 : 1) - (b.detected.kind === "people" ? 0 : 1));

    // Without `now` the reference time is the clock (the engine's default).
    // Either is kept with the stored data, so that it reopens at the same time.
    const next = new Engine({
      viewer: who,
      internalDomains: domains,
      ...(asOf !== undefined && Number.isFinite(asOf) ? { now: asOf } : {}),
      ...keyedOptions(),
      ...(requireNoise ? { requireNoise: true } : {}),
      ...(epsilonBudget === undefined || epsilonBudget === null ? {} : { epsilonBudget }),
    });
    try {
      // The administrator's grant for this viewer, before any data (admin.js).
      const token = await grant(next, who, consentFlags(consent));
      remember([storedOptOuts(record), known instanceof Uint8Array ? known : null], legacyOptOuts(record));
      applyOptOuts(next);
      /** @type {FileReport[]} */
      const reports = [];
      let base = 0;
      for (const { file, detected } of plan) {
        reports.push(await loadFile(next, file, detected, { lenient: Boolean(lenient), base, total, progress }));
        base += file.size;
      }
      progress("contacts", "Preparing the views…", { done: total, total });
      const own = next.ownInsights({});
      const contacts = topCounterparts(next, own);
      const people = sumReports(reports.filter((r) => r.kind === "people"));
      const interactions = sumReports(reports.filter((r) => r.kind !== "people" && r.kind !== "empty"));
      if (session.engine && session.engine !== next) session.engine.free();
      session.engine = next;
      session.demoOptions = null;
      // Without consent to others' data only the viewer's own interactions
      // were kept (the engine says so: othersWithheld): others' come back only
      // with the files, once it is granted.
      session.token = token;
      session.requireNoise = Boolean(requireNoise);
      const granted = consentStatus(next, token);
      session.consent = consentFlags(granted);
      session.frequentContacts = contacts;
      const now = own.now;
      const loadedAt = new Date().toISOString();
      session.storedMeta = {
        source: "files",
        viewer: who,
        internalDomains: domains,
        files: reports.map((r) => ({ name: r.name, size: r.size, kind: r.kind })),
        now,
        people,
        interactionsReport: interactions,
        contacts,
        loadedAt,
      };
      return {
        dataset: "files",
        viewer: who,
        internalDomains: domains,
        now,
        loadedAt,
        lenient: Boolean(lenient),
        files: reports,
        people,
        interactions,
        stats: next.stats(),
        contacts,
        consent: granted,
        timings: { loadedMs: performance.now() - started },
      };
    } catch (err) {
      if (session.engine !== next) next.free();
      throw err;
    }
  },

  /** The files loaded by loadFiles are the data now: stored in place of what was. */
  async commitLoad(_params, progress) {
    requireEngine();
    return { stored: await persist(progress) };
  },
};

/**
 * The engine's internal domains: those given (a list or comma-separated
 * text), else the domain of the viewer's address.
 * @param {unknown} given
 * @param {string} viewer
 * @returns {string[]}
 */
function domainsFor(given, viewer) {
  const list = splitDomains(given);
  const [bad] = notDomains(list);
  if (bad !== undefined) throw codedError("INVALID_OPTIONS", `"${bad}" is not a domain name (like contoso.com)`, { option: "internalDomains" });
  return domainsOrViewers(list, viewer);
}

/** What the progress line calls the records of each kind of file. */
const NOUNS = { people: "people", interactions: "records", graph: "items", empty: "records" };

/**
 * Loads one file into `e`, chunk by chunk (files.js): a progress message after
 * each call and a turn of the event loop before the next. Resolves to the
 * file's report; a strict load's error names the file and the record in it.
 * @param {Engine} e
 * @param {File} file
 * @param {Detected} detected
 * @param {{ lenient: boolean, base: number, total: number, progress: Report }} how
 * @returns {Promise<FileReport>}
 */
async function loadFile(e, file, detected, { lenient, base, total, progress }) {
  /** @type {FileReport} */
  const report = {
    name: file.name,
    size: file.size,
    kind: detected.kind,
    syntax: detected.syntax,
    graph: detected.graph ?? null,
    pages: 0,
    messages: 0,
    events: 0,
    chunks: 0,
    ...emptyReport(),
  };
  if (detected.kind === "empty") return report;
  /** @type {(bytes: Uint8Array, opts: LoadOptions) => LoadReport} */
  const load = detected.kind === "people" ? (bytes, opts) => e.loadPeople(bytes, opts) : (bytes, opts) => e.loadInteractions(bytes, opts);
  const noun = NOUNS[detected.kind];
  progress("read", `Reading ${file.name}…`, { done: base, total, file: file.name });
  // CSV becomes NDJSON, one record a line: data row N is line N (worker/csv.js).
  const source = detected.syntax === "csv" ? new File([csvToNdjson(await file.text()).ndjson], file.name) : file;
  const how = detected.syntax === "csv" ? { ...detected, syntax: /** @type {const} */ ("ndjson") } : detected;
  for await (const chunk of chunksOf(source, how)) {
    if (chunk.page !== undefined) report.pages++;
    /** @param {unknown} err */
    const locate = (err) => locateError(err, file, detected, chunk);
    let r;
    try {
      r = load(chunk.bytes, { format: chunk.format, lenient });
    } catch (err) {
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), locate(err));
    }
    addReport(report, r, locate);
    // What a Graph file held, as the engine read it (its items' kinds, drafts
    // and items with nobody else included).
    if (chunk.format === "graph") {
      report.messages += r.emails;
      report.events += r.meetings;
    }
    report.chunks++;
    const done = base + chunk.end;
    progress(
      "load",
      `Loading ${file.name}: ${report.accepted.toLocaleString()} ${noun} loaded (${megabytes(done)} of ${megabytes(total)} MB)…`,
      { done, total, file: file.name },
    );
    await breathe();
  }
  return report;
}

/** @param {number} bytes */
function megabytes(bytes) {
  return (bytes / (1024 * 1024)).toLocaleString(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/**
 * A chunk's error as the file's: `index` counted from the file's start (for
 * NDJSON, the 0-based line), `line` (1-based, NDJSON), `page` (Graph, 1-based)
 * and `file`; the message says the same in words.
 * @param {unknown} error
 * @param {File} file
 * @param {Detected} detected
 * @param {Chunk} chunk
 * @returns {import("../protocol.js").LocatedError & Partial<WireError>}
 */
function locateError(error, file, detected, chunk) {
  const err = /** @type {Partial<WireError> | null | undefined} */ (error);
  /** @type {Partial<WireError> & { file: string }} */
  const out = { file: file.name };
  const hasIndex = typeof err?.index === "number";
  if (typeof err?.index === "number") out.index = chunk.firstIndex + err.index;
  if (chunk.page !== undefined) out.page = chunk.page + 1;
  let where;
  if (out.index === undefined) where = chunk.page !== undefined ? `page ${out.page}` : null;
  else if (chunk.page !== undefined) where = `page ${out.page}, item ${out.index + 1} of "value" (index ${out.index})`;
  else if (detected.syntax === "ndjson") {
    out.line = out.index + 1;
    where = `line ${out.line}`;
  } else if (detected.syntax === "csv") {
    // The header is line 1: data row N is on line N + 1 (without line breaks inside quotes).
    out.line = out.index + 2;
    where = `row ${out.index + 1} (line ${out.line})`;
  } else where = `record ${out.index + 1} (index ${out.index})`;
  if (err?.field !== undefined) out.field = err.field;
  if (err?.reason !== undefined) out.reason = err.reason;
  if (error instanceof Error || typeof err?.message === "string") {
    const detail = hasIndex && err?.reason !== undefined ? `${err.field ? `field "${err.field}": ` : ""}${err.reason}` : err?.message;
    out.message = `${file.name}${where ? `, ${where}` : ""}: ${detail}`;
  }
  return /** @type {import("../protocol.js").LocatedError & Partial<WireError>} */ (out);
}
