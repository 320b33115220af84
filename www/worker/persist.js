// Keeping the data shown in this browser: the stored record (store.js) is
// rewritten after every change of data, consent or opt-outs, before the page
// hears "done", so that IndexedDB never holds what the consent in force no
// longer covers; and "Forget stored data" deletes all of it.

import { putSnapshot, deleteSnapshot, forgetAll } from "./store.js";
import { optOutLedger, forgetOptOuts } from "./ledger.js";
import { session } from "./session.js";
import { othersIncomplete } from "../reload.js";

/**
 * @typedef {import("../protocol.js").Stored} Stored
 * @typedef {import("../protocol.js").Report} Report
 * @typedef {import("../protocol.js").Handlers} Handlers
 */

/**
 * Replaces the stored snapshot with the engine's data as it is now. If that
 * fails (quota, no IndexedDB), the old copy is deleted rather than left
 * holding what consent may no longer cover.
 * @param {Report} progress
 * @returns {Promise<Stored>}
 */
export async function persist(progress) {
  const { engine, storedMeta } = session;
  if (!engine || !storedMeta) return "failed";
  progress("store", "Saving the data in this browser…");
  try {
    // Without consent to others' data the engine exports only the viewer's
    // own interactions, so the stored copy is then a purged one.
    const purged = othersIncomplete(engine);
    // The opt-outs as the engine's digests: no opted-out id is written in clear.
    await putSnapshot({ ...storedMeta, consentToken: session.token, optOuts: optOutLedger().exportOptOuts(), bytes: engine.exportSnapshot(), purged, savedAt: new Date().toISOString() });
    return "saved";
  } catch {
    return deleteSnapshot().then(
      () => /** @type {Stored} */ ("deleted"),
      () => /** @type {Stored} */ ("failed"),
    );
  }
}

/** @type {Pick<Handlers, "forget" | "store">} */
export const storageHandlers = {
  /** The data shown, stored now (after a first load: the page asks once its first card is drawn). */
  async store(_params, progress) {
    return { stored: await persist(progress) };
  },

  async forget() {
    session.engine?.free();
    session.engine = null;
    session.storedMeta = null; // nothing is stored again by this worker; the page reloads
    // Forgotten with the rest: opt-outs are data kept in this browser too.
    forgetOptOuts();
    await forgetAll();
    return {};
  },
};
