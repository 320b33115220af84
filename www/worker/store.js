// The dashboard's storage: one IndexedDB object store holding one record, the
// engine's latest snapshot. Read and written by the analytics worker only
// (workers have IndexedDB), so that no snapshot bytes cross to the page's
// thread; the page only asks whether there may be one (mayHoldSnapshot).
//
// The record (StoredRecord below) keeps, beside the bytes of
// Engine.exportSnapshot(): viewer and internalDomains, because
// Engine.fromSnapshot needs the same ones as at export; now, people and
// contacts, what the page's load summary and team view need without
// generating the demo; purged, true when the snapshot holds only the viewer's
// own interactions (the consent in force did not keep others', or some were
// dropped for lack of it: reload.js othersIncomplete). optOuts is
// Engine.exportOptOuts(): the opt-outs made in this browser as one-way
// digests (no opted-out id is stored in clear), imported into every engine
// the worker makes, so that a demo generated again never brings them back;
// it is optional (a record without it has none), so FORMAT did not change.
// The previous version stored the ids in clear instead (optedOut: string[]):
// such a record is migrated when read (worker/ledger.js: the ids are applied
// with Engine.optOut and the record rewritten at once with only the digests).
// A record of the user's own files (worker/ingest.js) has source: "files"
// and, instead of seed and interactions, files, loadedAt and
// interactionsReport (the load's totals); it is reopened whatever demo the
// page asks for. A record without source is the demo's. consentToken is the
// administrator's signed grant in force when it was written (worker/admin.js),
// checked again, expiry included, when the record is reopened.

/**
 * @typedef {import("../pkg/rapport.js").LoadReport} LoadReport
 * @typedef {import("../protocol.js").Choice} Choice
 * @typedef {import("../protocol.js").StoredFile} StoredFile
 */

/**
 * What a record keeps beside the bytes, set when the data is loaded.
 * @typedef {object} RecordMeta
 * @property {"files"} [source]          the user's files; absent for the demo
 * @property {string} viewer
 * @property {string[]} internalDomains
 * @property {string} now                the reference time the data is shown at
 * @property {LoadReport} [people]       the load's people report
 * @property {Choice[]} contacts
 * @property {number} [seed]             the demo's parameters
 * @property {number} [interactions]
 * @property {StoredFile[]} [files]      the user's files
 * @property {LoadReport} [interactionsReport]
 * @property {string} [loadedAt]
 */

/**
 * A record as written (readers check every field: a record is input).
 * @typedef {RecordMeta & {
 *   format: number, bytes: Uint8Array, optOuts?: Uint8Array, purged: boolean, savedAt: string,
 *   consentToken?: string | null,
 *   optedOut?: string[],
 * }} StoredRecord
 */

export const DB_NAME = "rapport-dashboard";
export const STORE = "data";
export const KEY = "snapshot";
/** Bumped when the record's shape changes; a record of another format is ignored and replaced. */
export const FORMAT = 1;

/**
 * Whether this browser may hold a snapshot: false only when the database does
 * not exist (a new profile, or after "Forget stored data"), which is found
 * without opening it (opening creates it). True when that cannot be told.
 * @returns {Promise<boolean>}
 */
export async function mayHoldSnapshot() {
  try {
    const databases = await indexedDB.databases();
    return databases.some((d) => d.name === DB_NAME);
  } catch {
    return true;
  }
}

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

/**
 * The open database (one connection per worker, reused).
 * @returns {Promise<IDBDatabase>}
 */
function db() {
  opening ??= connect().then((conn) => {
    // A database of this name without our store: created empty by whoever
    // opened the name first without creating it (a script of this origin,
    // a test polling for the record). Upgraded to hold it, or nothing could
    // ever be stored.
    if (conn.objectStoreNames.contains(STORE)) return conn;
    conn.close();
    return connect(conn.version + 1);
  });
  opening.then((conn) => {
    // Another tab's "Forget stored data" deletes the database: let it, and
    // open a fresh connection on the next use.
    conn.onversionchange = () => {
      conn.close();
      opening = null;
    };
  }, () => (opening = null));
  return opening;
}

/**
 * Opens the database at `version` (default: as it is, or created at 1),
 * creating the store when it is created or upgraded without it.
 * @param {number} [version]
 * @returns {Promise<IDBDatabase>}
 */
function connect(version) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, version);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Runs one request in a transaction; resolves once the transaction has committed (durable, not just queued).
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} use
 * @returns {Promise<T>}
 */
async function tx(mode, use) {
  const conn = await db();
  return new Promise((resolve, reject) => {
    const t = conn.transaction(STORE, mode);
    const req = use(t.objectStore(STORE));
    t.oncomplete = () => resolve(req.result);
    t.onerror = t.onabort = () => reject(t.error ?? req.error ?? new Error("IndexedDB transaction failed"));
  });
}

/**
 * The record stored, unchecked (anything IndexedDB holds under the key), or undefined.
 * @returns {Promise<Partial<StoredRecord> | undefined>}
 */
export const getSnapshot = () => tx("readonly", (s) => s.get(KEY));
/** @param {Omit<StoredRecord, "format">} record */
export const putSnapshot = (record) => tx("readwrite", (s) => s.put({ format: FORMAT, ...record }, KEY));
export const deleteSnapshot = () => tx("readwrite", (s) => s.delete(KEY));

/** Deletes the whole database (the "Forget stored data" control). */
export async function forgetAll() {
  if (opening) {
    const conn = await opening.catch(() => null);
    conn?.close();
    opening = null;
  }
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      // Blocked: another tab has not closed its connection yet; the deletion
      // still happens once it does (its onversionchange closes it at once).
    })
  );
}
