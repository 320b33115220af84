// The opt-outs made in this browser (the team view's opt-out control), held
// by an engine of their own that holds no data: no id of an opted-out person
// is kept in clear, in memory or in IndexedDB, only the one-way digests of
// Engine.exportOptOuts(). Those bytes are kept in the stored record
// (store.js) and imported into every engine before it loads anything
// (applyOptOuts): the data's engine and its snapshot remember opt-outs too,
// but the demo is also generated afresh (a discarded snapshot, another seed)
// into a new engine that remembers nothing. Kept apart from the data's
// engine, whose digests also hold the opt-outs its directory declared: those
// belong to that data (its snapshot keeps them), and would change the figures
// of another demo. Lists are filtered by asking the data's engine
// (isOptedOut), which keeps the rule in one place.

import { Engine } from "../pkg/rapport.js";

/** @typedef {import("./store.js").StoredRecord} StoredRecord */

/** Any made-up viewer: the ledger engine holds no data, only opt-out digests. */
const LEDGER_VIEWER = "opt-outs@ledger.invalid";

/** @type {Engine | null} */
let ledger = null;

/**
 * The engine that holds the opt-outs made in this browser and nothing else.
 * @returns {Engine}
 */
export function optOutLedger() {
  ledger ??= new Engine({ viewer: LEDGER_VIEWER, now: 0 });
  return ledger;
}

/** Forgets every opt-out (with the rest of what this browser keeps). */
export function forgetOptOuts() {
  ledger?.free();
  ledger = null;
}

/**
 * Adds opt-outs to the ledger: `digests`, exportOptOuts() bytes (null
 * skipped), imported; `ids`, opted-out ids a record of the previous version
 * kept in clear, applied with optOut. Bytes that do not open (a damaged
 * record) are skipped: the snapshot carries the engine's opt-outs too.
 * @param {(Uint8Array | null)[]} digests
 * @param {string[]} [ids]
 */
export function remember(digests, ids = []) {
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

/**
 * Opts out in `e` everyone opted out in this browser (a no-op for those it knows already).
 * @param {Engine} e
 */
export function applyOptOuts(e) {
  e.importOptOuts(optOutLedger().exportOptOuts());
}

/**
 * The opt-out digests a stored record keeps, or null.
 * @param {Partial<StoredRecord> | null | undefined} record
 * @returns {Uint8Array | null}
 */
export function storedOptOuts(record) {
  return record?.optOuts instanceof Uint8Array ? record.optOuts : null;
}

/**
 * The opted-out ids a record written by the previous version kept in clear
 * (migrated: applied with `remember`, and the record rewritten without them).
 * @param {Partial<StoredRecord> | null | undefined} record
 * @returns {string[]}
 */
export function legacyOptOuts(record) {
  return Array.isArray(record?.optedOut) ? record.optedOut.filter((id) => typeof id === "string" && id.trim() !== "") : [];
}
