// The dashboard's storage: one IndexedDB object store holding one record, the
// engine's latest snapshot. Used by worker.js (workers have IndexedDB), so
// that no snapshot bytes cross to the page's thread.
//
// Record under key "snapshot":
//   { format, bytes: Uint8Array (Engine.exportSnapshot()), viewer, internalDomains,
//     seed, interactions (the demo's parameters), savedAt (RFC 3339),
//     now, people (the load's people report), contacts, purged, optOuts }
// viewer and internalDomains are kept because Engine.fromSnapshot needs the same
// ones as at export; now, people and contacts are what the page's load summary
// and team view need without generating the demo; purged says the snapshot
// holds only the viewer's own interactions (consent to others' was withdrawn),
// so that granting consent again reloads the demo. optOuts is
// Engine.exportOptOuts(): the opt-outs made in this browser as one-way
// digests (no opted-out id is stored in clear), imported into every engine
// the worker makes, so that a demo generated again never brings them back;
// it is optional (a record without it has none), so FORMAT did not change.
// The previous version stored the ids in clear instead (optedOut: string[]):
// such a record is migrated when read (the ids are applied with
// Engine.optOut and the record rewritten at once with only the digests).
// A record of the user's own files (worker.js loadFiles) has source: "files"
// and, instead of seed and interactions, files ([{ name, size, kind }]),
// loadedAt and interactionsReport (the load's totals); it is reopened
// whatever demo the page asks for. A record without source is the demo's.

export const DB_NAME = "rapport-dashboard";
export const STORE = "data";
export const KEY = "snapshot";
/** Bumped when the record's shape changes; a record of another format is ignored and replaced. */
export const FORMAT = 1;

let opening = null;

/** The open database (one connection per worker, reused). */
function db() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const conn = req.result;
      // Another tab's "Forget stored data" deletes the database: let it, and
      // open a fresh connection on the next use.
      conn.onversionchange = () => {
        conn.close();
        opening = null;
      };
      resolve(conn);
    };
    req.onerror = () => reject(req.error);
  });
  opening.catch(() => (opening = null));
  return opening;
}

/** Runs one request in a transaction; resolves once the transaction has committed (durable, not just queued). */
async function tx(mode, use) {
  const conn = await db();
  return new Promise((resolve, reject) => {
    const t = conn.transaction(STORE, mode);
    const req = use(t.objectStore(STORE));
    t.oncomplete = () => resolve(req.result);
    t.onerror = t.onabort = () => reject(t.error ?? req.error ?? new Error("IndexedDB transaction failed"));
  });
}

export const getSnapshot = () => tx("readonly", (s) => s.get(KEY));
export const putSnapshot = (record) => tx("readwrite", (s) => s.put({ format: FORMAT, ...record }, KEY));
export const deleteSnapshot = () => tx("readwrite", (s) => s.delete(KEY));

/** Deletes the whole database (the "Forget stored data" control). */
export async function forgetAll() {
  if (opening) {
    const conn = await opening.catch(() => null);
    conn?.close();
    opening = null;
  }
  await new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    // Blocked: another tab has not closed its connection yet; the deletion
    // still happens once it does (its onversionchange closes it at once).
  });
}
