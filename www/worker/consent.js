// Consent and opt-outs, as the worker applies them: the engine is told (it
// purges what the new consent no longer covers, or the person opted out), the
// demo's others' interactions are loaded again when consent keeps them once
// more (reload.js decides when), and the stored copy is rewritten before the
// page hears "done", so that IndexedDB holds what the consent in force
// covers and nothing of an opted-out person.

import { persist } from "./persist.js";
import { optOutLedger } from "./ledger.js";
import { reloadOthers } from "./demo.js";
import { withoutOptedOut } from "./contacts.js";
import { session, requireEngine, consentFlags } from "./session.js";
import { codedError } from "../errors.js";
import { othersNeedReload } from "../reload.js";
import { grant, consentStatus } from "./admin.js";

/** @typedef {import("../protocol.js").Handlers} Handlers */

/** @type {Pick<Handlers, "setConsent" | "optOuts" | "optOut">} */
export const consentHandlers = {
  async setConsent({ aggregated, identifiable, days }, progress) {
    const e = requireEngine();
    const viewer = session.storedMeta?.viewer;
    if (!viewer) throw codedError("NOT_READY", "the data is not loaded yet");
    // The administrator signs a new grant (or withdraws): as a deployment's
    // identity provider would, never a flag the engine would take.
    session.token = null;
    session.token = await grant(e, viewer, consentFlags({ aggregated, identifiable }), typeof days === "number" && days > 0 ? { days } : {});
    const consent = consentStatus(e, session.token);
    session.consent = consentFlags(consent);
    let reloaded = null;
    let othersMissing = false;
    if (othersNeedReload(e)) {
      // The user's files are not kept: others' interactions from them come
      // back only with the files.
      if (session.demoOptions) reloaded = await reloadOthers(progress);
      else othersMissing = true;
    }
    // Data follows consent on disk in the same action: the page hears "done"
    // only once IndexedDB holds what this consent covers (after a purge, only
    // the viewer's own interactions).
    const stored = await persist(progress);
    return { consent, purged: !e.keepsOthers(), reloaded, othersMissing, stored, stats: e.stats() };
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
    session.frequentContacts = withoutOptedOut(session.frequentContacts);
    if (session.storedMeta) session.storedMeta = { ...session.storedMeta, contacts: session.frequentContacts };
    // As for consent: the page hears "done" only once IndexedDB no longer
    // holds their data (persist also stores the opt-outs, as digests).
    const stored = await persist(progress);
    return { personId: id, stored, stats: e.stats() };
  },
};
