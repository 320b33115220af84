// The dashboard's analytics worker: owns the wasm module, the demo dataset and
// the Engine, so that no generation, load or query runs on the page's thread.
// Requests are handled one at a time, in the order they arrive.
//
// Protocol (every message is a plain object, cloned by postMessage):
//   page → worker  { id, type, params }
//     type "load"          params { seed, interactions, consent, epsilonBudget? } → LoadResult
//       epsilonBudget: what the engine's noisy aggregates may spend together (the engine's default 10)
//       LoadResult.source: "stored" when the snapshot kept in IndexedDB (store.js)
//       for the same seed and interactions was reopened, else "demo" (generated,
//       loaded, then stored); discarded { code, message }: a stored snapshot was
//       refused and deleted first; stored: "saved" | "deleted" | "failed".
//       LoadResult.dataset: "demo", or "files" when the stored snapshot holds the
//       user's own files (loadFiles below): it is reopened whatever the seed.
//       restricted: true when the snapshot reopened held others' interactions
//       while the consent given covers none: it was rewritten at once with
//       only the viewer's own (stored says how that went).
//     type "loadFiles"     params { files: File[], viewer, internalDomains?, now?, lenient?, consent, epsilonBudget?, optOuts? }
//                                                                 → FilesResult
//       Builds a new engine for `viewer` (internalDomains: default the domain
//       of the viewer's address; now: the reference time, epoch ms, default
//       the clock), reads the files (files.js tells people,
//       SPEC 2 interactions and Microsoft Graph pages apart by content, and
//       cuts them into chunks), people first, one engine call a chunk, with a
//       progress message after each ({ done, total } in bytes) and a turn of
//       the event loop between. The new engine replaces this worker's only
//       once every file loaded; on an error the worker keeps what it had. The
//       page sends this to a spare worker (rpc.js), so that Cancel can
//       terminate it while the data shown stays in the other. optOuts: the
//       bytes of the "optOuts" request below, applied to the new engine first.
//       FilesResult = { dataset: "files", viewer, internalDomains, now, files:
//       FileReport[], people: LoadReport, interactions: LoadReport, stats, contacts, timings }
//       FileReport = LoadReport & { name, size, kind: "people" | "interactions" |
//       "graph" | "empty", syntax, pages, messages, events, chunks }
//     type "commitLoad"    params {}                               → { stored }
//       Stores the engine's snapshot (the loaded files replace the stored data).
//     type "optOuts"       params {}                               → { optOuts: Uint8Array }
//       The opt-outs made in this browser as Engine.exportOptOuts() bytes
//       (one-way digests, never an id), for a spare worker's new engine.
//     type "ownInsights"   params { days? }                        → OwnInsights
//     type "setConsent"    params { aggregated, identifiable }     → ConsentResult
//       the stored snapshot is rewritten (or deleted) before the answer: ConsentResult.stored
//     type "forget"        params {}                               → {} (the IndexedDB database is deleted)
//     type "optOut"        params { personId }                     → { personId, stored, stats }
//       engine.optOut (SPEC 4.3): their data is purged and they are never named or
//       counted again; the stored snapshot is rewritten (or deleted) before the answer.
//     type "targets"       params {}                               → Targets (the team view's selector)
//     type "relationship"  params { target, scope?, days? }        → Relationship
//     type "relationshipSummaries" params { level, scope?, days? } → RelationshipSummary[]
//     type "whoKnowsWhom"  params { target, top? }                 → WhoKnowsWhom
//     type "introductionPaths" params { contact, top?, maxHops? }  → { target, maxHops, paths: IntroductionPath[] }
//     type "aggregates"    params { groupBy, period, noise?, days? } → AggregateTable
//       groupBy "department" (default) or "account"; period "week" (default)
//       or "month"; noise { epsilon }: each new noisy answer spends epsilon of the
//       engine's budget, a repeated one is answered from cache at no cost, and
//       one the budget cannot pay for is PRIVACY_BUDGET_EXHAUSTED. What the
//       engine does not compute yet is NOT_IMPLEMENTED.
//   target is { contact: id } or { account: id }; a bare { contact } in params
//   is accepted too. scope is "own" or "team" (default "team", which needs the
//   identifiable consent scope; "own" needs none).
//   Targets = { scope: "own" | "team", frequent: [{ id, name }],
//               accounts: [{ id, name }], contacts: [{ id, name, account }] }:
//   frequent = the viewer's own top external counterparts; accounts and
//   contacts = every one the relationship summaries list in that scope (team
//   once identifiable is granted, own before), sorted by name.
//   worker → page
//     { id, type: "progress", stage, message, done?, total? }   while a request runs
//     { id, type: "result", ok: true, value }                   once, when it succeeds
//     { id, type: "result", ok: false, error: { code, message, name, scope?, index?, field?, reason?, option? } }

import init, { Engine, demoDataset } from "./pkg/rapport.js";
import { FORMAT, getSnapshot, putSnapshot, deleteSnapshot, forgetAll } from "./store.js";
import { detect, chunksOf, graphItemCounts } from "./files.js";

/** The wasm module, instantiated once, on the first request. */
let wasmReady = null;
/** The engine holding the demo data, or null before the first load. */
let engine = null;
/**
 * The options the demo data was generated with: it is deterministic, so it is
 * generated again to reload it after a purge rather than kept (hundreds of
 * megabytes at a million interactions).
 */
let demoOptions = null;
/**
 * True while the engine holds only the viewer's own interactions: it was made
 * (or reopened) without consent to others' data, and an engine keeps others'
 * interactions only under `aggregated` or `identifiable`; or that consent was
 * withdrawn, which deleted them (SPEC 4.2). The demo data is reloaded when a
 * scope is granted again; the user's files are not kept, so their others'
 * interactions come back only with the files.
 */
let othersPurged = false;
/** The consent flags last given to the engine. */
let consentNow = { aggregated: false, identifiable: false };
/** The viewer's own top external counterparts, picked at load time. */
let frequentContacts = [];
/** What the stored record keeps beside the bytes (see store.js), set at load time. */
let storedMeta = null;
/**
 * The opt-outs made in this browser (the opt-out control), held by an engine
 * of their own that holds no data (see optOutLedger): no id of an opted-out
 * person is kept in clear, in memory or in IndexedDB, only the one-way
 * digests of Engine.exportOptOuts(). Those bytes are kept in the stored
 * record (store.js) and imported into every engine before it loads anything
 * (see applyOptOuts): the data's engine and its snapshot remember opt-outs
 * too, but the demo is also generated afresh (a discarded snapshot, another
 * seed) into a new engine that remembers nothing. Kept apart from the data's
 * engine, whose digests also hold the opt-outs its directory declared: those
 * belong to that data (its snapshot keeps them), and would change the
 * figures of another demo. Lists are filtered by asking the data's engine
 * (isOptedOut), which keeps the rule in one place.
 */
let ledger = null;

/** Requests are chained so that each one sees the state the previous left. */
let queue = Promise.resolve();

self.addEventListener("message", (event) => {
  const { id, type, params } = event.data ?? {};
  queue = queue.then(() => run(id, type, params ?? {}));
});

async function run(id, type, params) {
  const progress = (stage, message, extra = {}) => self.postMessage({ id, type: "progress", stage, message, ...extra });
  try {
    const handler = handlers[type];
    if (!handler) throw codedError("UNKNOWN_REQUEST", `unknown request type "${type}"`);
    if (!wasmReady) {
      progress("init", "Starting the analytics module…");
      wasmReady = init();
    }
    await wasmReady;
    const value = await handler(params, progress);
    self.postMessage({ id, type: "result", ok: true, value });
  } catch (err) {
    self.postMessage({ id, type: "result", ok: false, error: plainError(err) });
  }
}

const handlers = {
  async load({ seed, interactions, consent, epsilonBudget }, progress) {
    // `now`: the reference time the data was made for (demoDataset's), or the
    // one the user's files were loaded at. The engine's default is the clock.
    const options = (viewer, internalDomains, now) => ({
      viewer,
      internalDomains,
      ...(typeof now === "string" ? { now } : {}),
      consent: consentFlags(consent),
      // Only when asked for (?epsilonBudget= in the page's URL): else the engine's default.
      ...(epsilonBudget === undefined || epsilonBudget === null ? {} : { epsilonBudget }),
    });
    if (engine) engine.free();
    engine = null;

    // A snapshot stored for the same demo parameters opens in a fraction of the
    // time the demo takes to generate and load.
    progress("open", "Looking for data stored in this browser…");
    const record = await getSnapshot().catch(() => null); // no IndexedDB: load the demo
    // Opt-outs are a person's choice, not a dataset's: kept from any record
    // found, even one of another seed or one whose bytes are refused below.
    // A record of the previous version kept the ids in clear: applied, then
    // the record is rewritten at once with only the digests.
    const legacy = legacyOptOuts(record);
    remember([storedOptOuts(record)], legacy);
    let discarded = null;
    // The user's own files replace the demo until "Forget stored data": reopened whatever the seed.
    const files = record?.source === "files";
    if (record && record.format === FORMAT && (files || (record.seed === seed && record.interactions === interactions))) {
      const started = performance.now();
      progress("open", "Opening the data stored in this browser…");
      let opened = null;
      try {
        // The data keeps the reference time it was stored with: the demo's,
        // or the clock when the user's files were loaded (the figures shown
        // then are the figures shown now).
        opened = Engine.fromSnapshot(record.bytes, options(record.viewer, record.internalDomains, record.now));
      } catch (err) {
        // Damaged, truncated or foreign (INVALID_SNAPSHOT, INVALID_OPTIONS), or a
        // record that is not what store.js writes: never worth keeping, and never
        // a reason for a blank page.
        discarded = { code: typeof err?.code === "string" ? err.code : "INVALID_SNAPSHOT", message: err?.message ?? String(err) };
        await deleteSnapshot().catch(() => {});
      }
      if (opened) {
        engine = opened;
        applyOptOuts(opened); // the snapshot carries them already: this keeps the two in step
        // Files are not kept: only the demo can be loaded again after a purge.
        demoOptions = files ? null : { seed, interactions };
        consentNow = consentFlags(consent);
        // Reopened without consent to others' data, the engine restores none of it.
        othersPurged = Boolean(record.purged) || !coversOthersNow();
        frequentContacts = withoutOptedOut(record.contacts ?? []);
        storedMeta = files
          ? { ...pick(record, ["source", "viewer", "internalDomains", "files", "now", "people", "interactionsReport", "loadedAt"]), contacts: frequentContacts }
          : { ...pick(record, ["viewer", "internalDomains", "seed", "interactions", "now", "people"]), contacts: frequentContacts };
        const openedMs = performance.now() - started;
        const coversOthers = consentNow.aggregated || consentNow.identifiable;
        // Stored after a purge, opened under consent to others' data (a page
        // whose consent boxes the browser restored): bring others' data back.
        const reloaded = othersPurged && coversOthers && demoOptions ? reloadOthers(progress) : null;
        let stored = reloaded ? await persist(progress) : null;
        // Stored while consent covered others' data, opened without it (the
        // page does not restore its consent boxes): the copy on disk is
        // rewritten at once to what the consent in force covers, the
        // viewer's own interactions (exportSnapshot keeps no more), and
        // marked purged, so that granting consent after a reload loads the
        // demo again. The engine in memory holds no more either.
        const restricted = !record.purged && !coversOthers;
        if (restricted || legacy.length) stored = await persist(progress);
        return {
          source: "stored",
          dataset: files ? "files" : "demo",
          files: files ? record.files ?? [] : undefined,
          loadedAt: files ? record.loadedAt ?? null : undefined,
          othersMissing: othersPurged && coversOthers && !demoOptions,
          restricted,
          viewer: record.viewer,
          internalDomains: record.internalDomains,
          now: record.now,
          seed,
          requested: interactions,
          savedAt: record.savedAt,
          purged: othersPurged,
          reloaded,
          stored,
          people: record.people,
          stats: opened.stats(),
          contacts: frequentContacts,
          timings: { openedMs },
        };
      }
    }

    progress("generate", `Generating the demo dataset (seed ${seed}, ${interactions.toLocaleString()} interactions)…`);
    const started = performance.now();
    const demo = demoDataset({ seed, interactions });
    const generatedMs = performance.now() - started;

    demoOptions = null;
    othersPurged = false;
    const next = new Engine(options(demo.viewer, demo.internalDomains, demo.now));
    try {
      // Before loading: the load then drops them (counted in droppedOptedOut).
      applyOptOuts(next);
      progress("people", "Loading the people directory…");
      const people = next.loadPeople(demo.people);
      progress("interactions", `Loaded ${people.accepted.toLocaleString()} people; loading interactions…`);
      // UTF-8 bytes are the engine's fast path for bulk input.
      const loaded = next.loadInteractions(new TextEncoder().encode(demo.interactions));
      progress("contacts", `Loaded ${loaded.accepted.toLocaleString()} interactions; preparing the views…`);
      const contacts = pickContacts(next, demo);
      engine = next;
      demoOptions = { seed, interactions };
      consentNow = consentFlags(consent);
      // Made without consent to others' data, the engine kept only the viewer's
      // own interactions: granting a scope loads the demo's again.
      othersPurged = !coversOthersNow();
      frequentContacts = contacts;
      const loadedMs = performance.now() - started - generatedMs;
      const { viewer, internalDomains, now } = demo;
      storedMeta = { viewer, internalDomains, seed, interactions, now, people, contacts };
      const stored = await persist(progress);
      return {
        source: "demo",
        dataset: "demo",
        discarded,
        stored,
        viewer: demo.viewer,
        internalDomains: demo.internalDomains,
        now: demo.now,
        seed,
        requested: interactions,
        people,
        interactions: loaded,
        stats: next.stats(),
        contacts,
        timings: { generatedMs, loadedMs },
      };
    } catch (err) {
      next.free();
      throw err;
    }
  },

  ownInsights({ days }) {
    return requireEngine().ownInsights(days === undefined ? {} : { days });
  },

  async setConsent({ aggregated, identifiable }, progress) {
    const e = requireEngine();
    const consent = consentFlags({ aggregated, identifiable });
    e.setConsent(consent);
    consentNow = consent;
    const coversOthers = consent.aggregated || consent.identifiable;
    let reloaded = null;
    let othersMissing = false;
    if (!coversOthers) {
      othersPurged = true;
    } else if (othersPurged && demoOptions) {
      reloaded = reloadOthers(progress);
    } else if (othersPurged) {
      // The user's files are not kept: others' interactions from them come back only with the files.
      othersMissing = true;
    }
    // Data follows consent on disk in the same action: the page hears "done"
    // only once IndexedDB holds what this consent covers (after a purge, only
    // the viewer's own interactions).
    const stored = await persist(progress);
    return { consent, purged: !coversOthers, reloaded, othersMissing, stored, stats: e.stats() };
  },

  async forget() {
    if (engine) engine.free();
    engine = null;
    storedMeta = null; // nothing is stored again by this worker; the page reloads
    // Forgotten with the rest: opt-outs are data kept in this browser too.
    ledger?.free();
    ledger = null;
    await forgetAll();
    return {};
  },

  async loadFiles({ files, viewer, internalDomains, now: asOf, lenient = false, consent, epsilonBudget, optOuts: known = null }, progress) {
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
      ...(Number.isFinite(asOf) ? { now: asOf } : {}),
      consent: consentFlags(consent),
      ...(epsilonBudget === undefined || epsilonBudget === null ? {} : { epsilonBudget }),
    });
    try {
      remember([storedOptOuts(record), known instanceof Uint8Array ? known : null], legacyOptOuts(record));
      applyOptOuts(next);
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
      if (engine && engine !== next) engine.free();
      engine = next;
      demoOptions = null;
      consentNow = consentFlags(consent);
      // Without consent to others' data only the viewer's own interactions
      // were kept: others' come back only with the files, once it is granted.
      othersPurged = !coversOthersNow();
      frequentContacts = contacts;
      const now = own.now;
      const loadedAt = new Date().toISOString();
      storedMeta = {
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
        timings: { loadedMs: performance.now() - started },
      };
    } catch (err) {
      if (engine !== next) next.free();
      throw err;
    }
  },

  /** The files loaded by loadFiles are the data now: stored in place of what was. */
  async commitLoad(_params, progress) {
    requireEngine();
    return { stored: await persist(progress) };
  },

  optOuts() {
    return { optOuts: optOutLedger().exportOptOuts() };
  },

  async optOut({ personId }, progress) {
    const e = requireEngine();
    const id = typeof personId === "string" ? personId.trim() : "";
    if (id === "") throw codedError("INVALID_OPTIONS", "pick a contact to opt out");
    progress("optOut", "Deleting their data…");
    e.optOut(id);
    optOutLedger().optOut(id);
    frequentContacts = withoutOptedOut(frequentContacts);
    if (storedMeta) storedMeta = { ...storedMeta, contacts: frequentContacts };
    // As for consent: the page hears "done" only once IndexedDB no longer
    // holds their data (persist also stores the opt-outs, as digests).
    const stored = await persist(progress);
    return { personId: id, stored, stats: e.stats() };
  },

  targets() {
    const e = requireEngine();
    const scope = consentNow.identifiable ? "team" : "own";
    const byName = (a, b) => collator.compare(a.name ?? a.id, b.name ?? b.id) || collator.compare(a.id, b.id);
    const accounts = e
      .relationshipSummaries({ level: "account", scope })
      .map((s) => ({ id: s.id, name: s.name }))
      .sort(byName);
    const contacts = e
      .relationshipSummaries({ level: "contact", scope })
      .map((s) => ({ id: s.id, name: s.name, account: s.account }))
      .sort(byName);
    return { scope, frequent: frequentContacts, accounts, contacts };
  },

  relationship(params) {
    const opts = { scope: teamOrOwn(params.scope) };
    if (params.days !== undefined) opts.days = params.days;
    return requireEngine().relationship(targetOf(params), opts);
  },

  relationshipSummaries({ level = "account", scope, days }) {
    const opts = { level, scope: teamOrOwn(scope) };
    if (days !== undefined) opts.days = days;
    return requireEngine().relationshipSummaries(opts);
  },

  whoKnowsWhom(params) {
    const opts = params.top === undefined ? {} : { top: params.top };
    return requireEngine().whoKnowsWhom(targetOf(params), opts);
  },

  introductionPaths({ contact, top, maxHops = 3 }) {
    if (typeof contact !== "string" || contact === "") {
      throw codedError("INVALID_OPTIONS", "introduction paths lead to a contact: pick a contact, not an account");
    }
    const opts = { maxHops };
    if (top !== undefined) opts.top = top;
    const paths = requireEngine().introductionPaths({ contact }, opts);
    return { target: contact, maxHops, paths };
  },

  aggregates({ groupBy = "department", period = "week", noise, days }) {
    const opts = { groupBy, period };
    if (noise !== undefined && noise !== null) opts.noise = noise;
    if (days !== undefined) opts.days = days;
    return requireEngine().aggregates(opts);
  },
};

/** A turn of the event loop: progress messages go out, and the page stays in touch. */
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

const REPORT_COUNTS = ["accepted", "duplicates", "droppedOptedOut", "droppedNoConsent", "cancelled", "skippedDrafts", "skippedSolo", "rejected"];
/** How many record errors a report keeps (as the engine does). */
const MAX_ERRORS = 10;

function emptyReport() {
  return { ...Object.fromEntries(REPORT_COUNTS.map((k) => [k, 0])), errors: [], rejectedByReason: {} };
}

/** Adds `r` (a LoadReport) to `into`; `locate(error)` turns a chunk's error into the file's. */
function addReport(into, r, locate = (e) => e) {
  for (const k of REPORT_COUNTS) into[k] += r[k] ?? 0;
  for (const [reason, n] of Object.entries(r.rejectedByReason ?? {})) into.rejectedByReason[reason] = (into.rejectedByReason[reason] ?? 0) + n;
  for (const e of r.errors ?? []) if (into.errors.length < MAX_ERRORS) into.errors.push(locate({ ...e }));
  return into;
}

function sumReports(reports) {
  return reports.reduce((sum, r) => addReport(sum, r), emptyReport());
}

const NOUNS = { people: "people", interactions: "records", graph: "items" };

/**
 * Loads one file into `e`, chunk by chunk (files.js): a progress message after
 * each call and a turn of the event loop before the next. Resolves to the
 * file's report; a strict load's error names the file and the record in it.
 */
async function loadFile(e, file, detected, { lenient, base, total, progress }) {
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
  const load = detected.kind === "people" ? (bytes, opts) => e.loadPeople(bytes, opts) : (bytes, opts) => e.loadInteractions(bytes, opts);
  const noun = NOUNS[detected.kind];
  progress("read", `Reading ${file.name}…`, { done: base, total, file: file.name });
  for await (const chunk of chunksOf(file, detected)) {
    if (chunk.format === "graph") {
      // Graph pages are small (Graph pages at most 1,000 items): parsed here only to say how many e-mails and meetings they hold.
      let parsed = null;
      try {
        parsed = JSON.parse(new TextDecoder().decode(chunk.bytes));
      } catch {
        // The engine says what is wrong with it.
      }
      const items = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.value) ? parsed.value : [];
      const counts = graphItemCounts(items);
      report.messages += counts.messages;
      report.events += counts.events;
      if (chunk.page !== undefined) report.pages++;
    }
    const locate = (err) => locateError(err, file, detected, chunk);
    let r;
    try {
      r = load(chunk.bytes, { format: chunk.format, lenient });
    } catch (err) {
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), locate(err));
    }
    addReport(report, r, locate);
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

function megabytes(bytes) {
  return (bytes / (1024 * 1024)).toLocaleString(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/**
 * A chunk's error as the file's: `index` counted from the file's start (for
 * NDJSON, the 0-based line), `line` (1-based, NDJSON), `page` (Graph, 1-based)
 * and `file`; the message says the same in words.
 */
function locateError(err, file, detected, chunk) {
  const out = { file: file.name };
  const hasIndex = typeof err?.index === "number";
  if (hasIndex) out.index = chunk.firstIndex + err.index;
  if (chunk.page !== undefined) out.page = chunk.page + 1;
  let where;
  if (!hasIndex) where = chunk.page !== undefined ? `page ${out.page}` : null;
  else if (chunk.page !== undefined) where = `page ${out.page}, item ${out.index + 1} of "value" (index ${out.index})`;
  else if (detected.syntax === "ndjson") {
    out.line = out.index + 1;
    where = `line ${out.line}`;
  } else where = `record ${out.index + 1} (index ${out.index})`;
  if (err?.field !== undefined) out.field = err.field;
  if (err?.reason !== undefined) out.reason = err.reason;
  if (err instanceof Error || typeof err?.message === "string") {
    const detail = hasIndex && err.reason !== undefined ? `${err.field ? `field "${err.field}": ` : ""}${err.reason}` : err.message;
    out.message = `${file.name}${where ? `, ${where}` : ""}: ${detail}`;
  }
  return out;
}

/** The engine's internal domains: those given (a list or comma-separated text), else the domain of the viewer's address. */
function domainsFor(given, viewer) {
  const list = (Array.isArray(given) ? given : typeof given === "string" ? given.split(/[\s,;]+/) : [])
    .map((d) => String(d).trim().toLowerCase().replace(/^@/, ""))
    .filter(Boolean);
  for (const d of list) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) {
      throw codedError("INVALID_OPTIONS", `"${d}" is not a domain name (like contoso.com)`, { option: "internalDomains" });
    }
  }
  if (list.length) return [...new Set(list)];
  const at = viewer.lastIndexOf("@");
  const own = at >= 0 ? viewer.slice(at + 1).trim().toLowerCase() : "";
  return own ? [own] : [];
}

/**
 * Loads the demo's interactions again after a purge. Interactions the viewer
 * took part in are still held: they come back as duplicates and are skipped;
 * everyone else's are stored again.
 */
function reloadOthers(progress) {
  progress("reload", "Reloading the demo data for the team views…");
  const demo = demoDataset(demoOptions);
  // The regenerated demo still holds the opted-out people's interactions: the
  // engine remembers its opt-outs (and the snapshot it came from carried
  // them), and importing this worker's again before the load makes sure,
  // whatever path this engine took, that the load drops them.
  applyOptOuts(requireEngine());
  const reloaded = requireEngine().loadInteractions(new TextEncoder().encode(demo.interactions));
  othersPurged = false;
  return reloaded;
}

/**
 * Replaces the stored snapshot with the engine's data as it is now. If that
 * fails (quota, no IndexedDB), the old copy is deleted rather than left
 * holding what consent may no longer cover. Resolves to "saved", "deleted"
 * or "failed" (nothing could be written or deleted).
 */
async function persist(progress) {
  if (!engine || !storedMeta) return "failed";
  progress("store", "Saving the data in this browser…");
  try {
    // Without consent to others' data the engine exports only the viewer's own
    // interactions, so the stored copy is then a purged one.
    const purged = othersPurged || !coversOthersNow();
    // The opt-outs as the engine's digests: no opted-out id is written in clear.
    await putSnapshot({ ...storedMeta, optOuts: optOutLedger().exportOptOuts(), bytes: engine.exportSnapshot(), purged, savedAt: new Date().toISOString() });
    return "saved";
  } catch {
    return deleteSnapshot().then(
      () => "deleted",
      () => "failed",
    );
  }
}

/** Any made-up viewer: the ledger engine holds no data, only opt-out digests. */
const LEDGER_VIEWER = "opt-outs@ledger.invalid";

/** The engine that holds the opt-outs made in this browser and nothing else (see `ledger`). */
function optOutLedger() {
  ledger ??= new Engine({ viewer: LEDGER_VIEWER, now: 0 });
  return ledger;
}

/**
 * Adds opt-outs to the ledger: `digests`, exportOptOuts() bytes (null
 * skipped), imported; `ids`, opted-out ids a record of the previous version
 * kept in clear, applied with optOut. Bytes that do not open (a damaged
 * record) are skipped: the snapshot carries the engine's opt-outs too.
 */
function remember(digests, ids = []) {
  const l = optOutLedger();
  for (const bytes of digests) {
    if (!(bytes instanceof Uint8Array)) continue;
    try {
      l.importOptOuts(bytes);
    } catch {
      // INVALID_SNAPSHOT: nothing was changed; the other sources still apply.
    }
  }
  for (const id of ids) l.optOut(id);
}

/** Opts out in `e` everyone opted out in this browser (a no-op for those it knows already). */
function applyOptOuts(e) {
  e.importOptOuts(optOutLedger().exportOptOuts());
}

/** The opt-out digests a stored record keeps, or null. */
function storedOptOuts(record) {
  return record?.optOuts instanceof Uint8Array ? record.optOuts : null;
}

/** The opted-out ids a record written by the previous version kept in clear (migrated: see applyOptOuts). */
function legacyOptOuts(record) {
  return Array.isArray(record?.optedOut) ? record.optedOut.filter((id) => typeof id === "string" && id.trim() !== "") : [];
}

/** `people` ({ id }[]) without those the engine `e` says are opted out. */
function withoutOptedOut(people, e = requireEngine()) {
  return people.filter((p) => !e.isOptedOut(String(p.id)));
}

function pick(obj, keys) {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

function requireEngine() {
  if (!engine) throw codedError("NOT_READY", "the demo data is not loaded yet");
  return engine;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** The engine's target object from request params: { target } or a bare { contact } / { account }. */
function targetOf(params) {
  const t = params.target ?? params;
  if (typeof t?.account === "string" && t.account !== "") return { account: t.account };
  if (typeof t?.contact === "string" && t.contact !== "") return { contact: t.contact };
  throw codedError("INVALID_OPTIONS", "pick a contact or an account");
}

function teamOrOwn(scope) {
  if (scope === undefined || scope === "team") return "team";
  if (scope === "own") return "own";
  throw codedError("INVALID_OPTIONS", `scope must be "own" or "team", not "${scope}"`);
}

/** Whether the consent in force covers others' data, which the engine keeps only then. */
function coversOthersNow() {
  return consentNow.aggregated || consentNow.identifiable;
}

function consentFlags(c) {
  return { aggregated: Boolean(c?.aggregated), identifiable: Boolean(c?.identifiable) };
}

/** How many contacts the team view offers. */
const CONTACT_CHOICES = 8;

/** The viewer's own top external counterparts (own insights' top lists) in `e`, at most CONTACT_CHOICES. */
function topCounterparts(e, own) {
  const chosen = new Map();
  for (const p of [...own.topContacted, ...own.topContactedBy]) {
    const key = String(p.id).toLowerCase();
    if (!p.internal && !chosen.has(key) && !e.isOptedOut(key) && chosen.size < CONTACT_CHOICES) {
      chosen.set(key, { id: p.id, name: p.name || null });
    }
  }
  return [...chosen.values()];
}

/**
 * External contacts for the team view's selector: the viewer's own top
 * counterparts first (own scope, no consent needed), then the directory's
 * other external people, in directory order.
 */
function pickContacts(e, demo) {
  const chosen = new Map();
  const add = (id, name) => {
    // The directory still lists people opted out in this browser: never offer them.
    if (id && !chosen.has(id.toLowerCase()) && !e.isOptedOut(id) && chosen.size < CONTACT_CHOICES) {
      chosen.set(id.toLowerCase(), { id, name: name || null });
    }
  };
  for (const p of topCounterparts(e, e.ownInsights({}))) add(p.id, p.name);
  const domains = demo.internalDomains.map((d) => d.toLowerCase());
  let people = [];
  try {
    people = JSON.parse(demo.people);
  } catch {
    // The engine accepted the directory; NDJSON would land here, and the
    // selector then offers only the top counterparts.
  }
  for (const p of Array.isArray(people) ? people : []) {
    if (!p || typeof p.id !== "string" || p.optedOut) continue;
    const domain = p.id.split("@")[1]?.trim().toLowerCase() ?? "";
    const internal = typeof p.internal === "boolean" ? p.internal : domains.includes(domain);
    if (!internal) add(p.id.trim(), p.name);
  }
  return [...chosen.values()];
}

function codedError(code, message) {
  return Object.assign(new Error(message), { code });
}

/** An Error as a cloneable object, keeping the engine's extra properties. */
function plainError(err) {
  const out = {
    name: err?.name ?? "Error",
    code: typeof err?.code === "string" ? err.code : "INTERNAL",
    message: err?.message ?? String(err),
  };
  for (const key of ["scope", "index", "field", "reason", "option", "file", "line", "page"]) {
    if (err?.[key] !== undefined) out[key] = err[key];
  }
  return out;
}
