// The "load" request: the data the dashboard opens with. A snapshot stored in
// this browser is reopened when there is one for the demo asked for, or of
// the user's own files (kept until "Forget stored data", whatever the demo
// asked for); else the demo dataset is generated from its seed, loaded into a
// new engine and stored. Also how the demo brings others' interactions back
// (reloadOthers) once consent keeps them again: it is generated anew, never
// kept.

import { Engine } from "../pkg/rapport.js";
import { demoSource } from "./demo-source.js";
import { FORMAT, getSnapshot, deleteSnapshot } from "./store.js";
import { remember, applyOptOuts, storedOptOuts, legacyOptOuts } from "./ledger.js";
import { persist } from "./persist.js";
import { pickContacts, withoutOptedOut } from "./contacts.js";
import { session, requireEngine, consentFlags } from "./session.js";
import { keyedOptions, grant, consentStatus } from "./admin.js";
import { othersNeedReload } from "../reload.js";

/**
 * @typedef {import("../pkg/rapport.js").EngineOptions} EngineOptions
 * @typedef {import("../pkg/rapport.js").LoadReport} LoadReport
 * @typedef {import("../protocol.js").LoadParams} LoadParams
 * @typedef {import("../protocol.js").StoredLoad} StoredLoad
 * @typedef {import("../protocol.js").DemoLoad} DemoLoad
 * @typedef {import("../protocol.js").Stored} Stored
 * @typedef {import("../protocol.js").Report} Report
 * @typedef {import("../protocol.js").Handlers} Handlers
 * @typedef {import("./store.js").StoredRecord} StoredRecord
 */

/** What a stored record of the demo keeps beside the bytes, and one of the user's files. */
const DEMO_META = /** @type {const} */ (["viewer", "internalDomains", "seed", "interactions", "now", "people"]);
const FILES_META = /** @type {const} */ (["source", "viewer", "internalDomains", "files", "now", "people", "interactionsReport", "loadedAt"]);

/**
 * The engine's options for data of `viewer`. `now`: the reference time the
 * data was made for (demoDataset's), or the one the user's files were loaded
 * at; the engine's default is the clock.
 * @param {LoadParams} params
 * @param {string} viewer
 * @param {string[]} internalDomains
 * @param {unknown} now
 * @returns {EngineOptions}
 */
function engineOptions({ epsilonBudget, requireNoise }, viewer, internalDomains, now) {
  return {
    viewer,
    internalDomains,
    ...(typeof now === "string" ? { now } : {}),
    // Consent arrives only as a token signed by the administrator (admin.js).
    ...keyedOptions(),
    ...(requireNoise ? { requireNoise: true } : {}),
    // Only when asked for (?epsilonBudget= in the page's URL): else the engine's default.
    ...(epsilonBudget === undefined || epsilonBudget === null ? {} : { epsilonBudget }),
  };
}

/** @type {Pick<Handlers, "load">} */
export const demoHandlers = {
  async load(params, progress) {
    session.engine?.free();
    session.engine = null;
    session.requireNoise = Boolean(params.requireNoise);

    // A snapshot stored for the same demo parameters opens in a fraction of the
    // time the demo takes to generate and load. The page hands over a
    // generator only when this browser has no database of ours (boot.js):
    // then there is nothing to look for, and opening the database to find
    // that out took 45–65 ms on a new profile.
    progress("open", "Looking for data stored in this browser…");
    const nothingStored = Boolean(params.generator);
    const record = nothingStored ? null : await getSnapshot().catch(() => null); // no IndexedDB: load the demo
    // Opt-outs are a person's choice, not a dataset's: kept from any record
    // found, even one of another seed or one whose bytes are refused below.
    // A record of the previous version kept the ids in clear: applied, then
    // the record is rewritten at once with only the digests.
    const legacy = legacyOptOuts(record);
    remember([storedOptOuts(record)], legacy);
    let discarded = null;
    // The user's own files replace the demo until "Forget stored data": reopened whatever the seed.
    const files = record?.source === "files";
    if (record && record.format === FORMAT && (files || (record.seed === params.seed && record.interactions === params.interactions))) {
      const opened = await openStored(/** @type {StoredRecord} */ (record), params, legacy.length > 0, progress);
      if ("discarded" in opened) discarded = opened.discarded;
      else return opened;
    }
    return generate(params, discarded, progress);
  },
};

/**
 * Reopens a stored record: its answer, or `{ discarded }` when its bytes are
 * refused (the record is then deleted).
 * @param {StoredRecord} record
 * @param {LoadParams} params
 * @param {boolean} migrate   the record kept opt-outs in clear: rewrite it at once
 * @param {Report} progress
 * @returns {Promise<StoredLoad | { discarded: { code: string, message: string } }>}
 */
async function openStored(record, params, migrate, progress) {
  const { seed, interactions } = params;
  const files = record.source === "files";
  const started = performance.now();
  progress("open", "Opening the data stored in this browser…");
  let opened;
  /** @type {string | null} why the stored grant no longer grants (expired, say) */
  let consentEnded = null;
  const options = engineOptions(params, record.viewer, record.internalDomains, record.now);
  const token = typeof record.consentToken === "string" ? record.consentToken : null;
  try {
    // The data keeps the reference time it was stored with: the demo's, or
    // the clock when the user's files were loaded (the figures shown then are
    // the figures shown now). The grant stored with it is checked before the
    // data is installed, so that what it still covers is kept.
    try {
      opened = Engine.fromSnapshot(record.bytes, options, token ?? undefined);
    } catch (err) {
      const e = /** @type {{ code?: string, reason?: string, message?: string }} */ (err);
      if (e?.code !== "INVALID_CONSENT_TOKEN") throw err;
      // A real end of consent (expired): reopened with the viewer's own only.
      consentEnded = e.reason ?? e.message ?? "the grant ended";
      opened = Engine.fromSnapshot(record.bytes, options);
    }
  } catch (err) {
    // Damaged, truncated or foreign (INVALID_SNAPSHOT, INVALID_OPTIONS), or a
    // record that is not what store.js writes: never worth keeping, and never
    // a reason for a blank page.
    const e = /** @type {{ code?: unknown, message?: unknown } | null} */ (err);
    await deleteSnapshot().catch(() => {});
    return {
      discarded: {
        code: typeof e?.code === "string" ? e.code : "INVALID_SNAPSHOT",
        message: typeof e?.message === "string" ? e.message : String(err),
      },
    };
  }
  session.engine = opened;
  session.token = consentEnded ? null : token;
  applyOptOuts(opened); // the snapshot carries them already: this keeps the two in step
  // Files are not kept: only the demo can be loaded again after a purge.
  session.demoOptions = files ? null : { seed, interactions };
  const consent = consentStatus(opened, session.token);
  session.consent = consentFlags(consent);
  session.frequentContacts = withoutOptedOut(record.contacts ?? []);
  const meta = Object.fromEntries((files ? FILES_META : DEMO_META).map((k) => [k, record[k]]));
  session.storedMeta = { .../** @type {import("./store.js").RecordMeta} */ (/** @type {unknown} */ (meta)), contacts: session.frequentContacts };
  const openedMs = performance.now() - started;
  // Stored after a purge, opened under consent to others' data (a page whose
  // consent boxes the browser restored): the demo brings them back; the
  // user's files cannot (they are not kept).
  const withheld = othersNeedReload(opened);
  const reloaded = withheld && session.demoOptions ? await reloadOthers(progress) : null;
  let stored = reloaded ? await persist(progress) : null;
  // Stored while consent covered others' data, opened without it (the page
  // does not restore its consent boxes): the copy on disk is rewritten at
  // once to what the consent in force covers, the viewer's own interactions
  // (exportSnapshot keeps no more), and marked purged, so that granting
  // consent after a reload loads the demo again. The engine in memory holds
  // no more either.
  const restricted = !record.purged && !opened.keepsOthers();
  if (restricted || migrate || consentEnded) stored = await persist(progress);
  return {
    source: "stored",
    dataset: files ? "files" : "demo",
    files: files ? record.files ?? [] : undefined,
    loadedAt: files ? record.loadedAt ?? null : undefined,
    othersMissing: withheld && !session.demoOptions,
    restricted,
    consentEnded,
    consent,
    requireNoise: session.requireNoise,
    viewer: record.viewer,
    internalDomains: record.internalDomains,
    now: record.now,
    seed,
    requested: interactions,
    savedAt: record.savedAt,
    purged: !opened.keepsOthers() || opened.othersWithheld(),
    reloaded,
    stored,
    people: record.people,
    stats: opened.stats(),
    contacts: session.frequentContacts,
    timings: { openedMs },
  };
}

/**
 * Generates the demo, loads it into a new engine (opted-out people dropped)
 * and stores it.
 * @param {LoadParams} params
 * @param {{ code: string, message: string } | null} discarded  a stored record refused first
 * @param {Report} progress
 * @returns {Promise<DemoLoad>}
 */
async function generate(params, discarded, progress) {
  const { seed, interactions } = params;
  progress("generate", `Generating the demo dataset (seed ${seed}, ${interactions.toLocaleString()} interactions)…`);
  const started = performance.now();
  // Made in a worker of its own, a chunk at a time: each chunk is loaded
  // while the next is made.
  const source = demoSource({ seed, interactions }, params.generator);
  const demo = await source.header;
  const generatedMs = performance.now() - started;

  session.demoOptions = null;
  /** @type {Engine | null} */
  let next = null;
  try {
    next = new Engine(engineOptions(params, demo.viewer, demo.internalDomains, demo.now));
    // The administrator's grant, before any data: what it covers is kept.
    session.token = await grant(next, demo.viewer, consentFlags(params.consent));
    // Before loading: the load then drops them (counted in droppedOptedOut).
    applyOptOuts(next);
    progress("people", "Loading the people directory…");
    const people = next.loadPeople(demo.people);
    progress("interactions", `Loaded ${people.accepted.toLocaleString()} people; loading interactions…`);
    // Made without consent to others' data, the engine keeps only the viewer's own
    // interactions (and says so: othersWithheld); granting a scope loads the
    // demo's again.
    const loaded = await source.load(next, (sum) =>
      progress("interactions", `Loaded ${people.accepted.toLocaleString()} people and ${sum.accepted.toLocaleString()} interactions…`),
    );
    progress("contacts", `Loaded ${loaded.accepted.toLocaleString()} interactions; preparing the views…`);
    const contacts = pickContacts(next, demo);
    session.engine = next;
    session.demoOptions = { seed, interactions };
    const consent = consentStatus(next, session.token);
    session.consent = consentFlags(consent);
    session.frequentContacts = contacts;
    const loadedMs = performance.now() - started - generatedMs;
    const { viewer, internalDomains, now } = demo;
    session.storedMeta = { viewer, internalDomains, seed, interactions, now, people, contacts };
    // Stored by the "store" request the page sends once the first card is
    // drawn (persist.js): the card does not wait for the write.
    const stored = null;
    return {
      source: "demo",
      dataset: "demo",
      discarded,
      stored,
      consent,
      requireNoise: session.requireNoise,
      viewer,
      internalDomains,
      now,
      seed,
      requested: interactions,
      people,
      interactions: loaded,
      stats: next.stats(),
      contacts,
      timings: { generatedMs, loadedMs },
    };
  } catch (err) {
    source.close();
    next?.free();
    throw err;
  }
}

/**
 * Loads the demo's interactions again, for others' that were dropped.
 * Interactions the viewer took part in are still held: they come back as
 * duplicates and are skipped; everyone else's are stored again.
 * @param {Report} progress
 * @returns {Promise<LoadReport>}
 */
export async function reloadOthers(progress) {
  const options = session.demoOptions;
  if (!options) throw new Error("only the demo can be loaded again");
  progress("reload", "Reloading the demo data for the team views…");
  const source = demoSource(options);
  // The regenerated demo still holds the opted-out people's interactions: the
  // engine remembers its opt-outs (and the snapshot it came from carried
  // them), and importing this worker's again before the load makes sure,
  // whatever path this engine took, that the load drops them.
  applyOptOuts(requireEngine());
  return source.load(requireEngine());
}
