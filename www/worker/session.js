// What the analytics worker holds between requests: the engine of the data
// shown, where that data came from (to load the demo again), the consent last
// given, the selector's frequent contacts and what the stored record keeps
// beside the snapshot's bytes. One object, so that every job of the worker
// (worker/demo.js, ingest.js, consent.js, queries.js) sees the same state;
// requests run one at a time (worker.js), so no two change it at once.

import { codedError } from "../errors.js";

/**
 * @typedef {import("../pkg/rapport.js").Engine} Engine
 * @typedef {import("../pkg/rapport.js").ConsentFlags} ConsentFlags
 * @typedef {import("../protocol.js").Choice} Choice
 * @typedef {import("./store.js").RecordMeta} RecordMeta
 */

/**
 * @typedef {object} Session
 * @property {Engine | null} engine          the engine holding the data shown, or null before the first load
 * @property {{ seed: number, interactions: number } | null} demoOptions
 *   the options the demo was generated with, null for the user's files: the
 *   demo is deterministic, so it is generated again to bring others'
 *   interactions back rather than kept (hundreds of megabytes at a million
 *   interactions); the user's files are not kept at all
 * @property {{ aggregated: boolean, identifiable: boolean }} consent  the flags last given to the engine
 * @property {Choice[]} frequentContacts     the viewer's own top external counterparts, picked at load time
 * @property {RecordMeta | null} storedMeta  what the stored record keeps beside the bytes (store.js), set at load time
 * @property {string | null} token          the signed consent token in force (worker/admin.js), stored with the snapshot
 * @property {boolean} requireNoise          the deployment's noise policy: the engine refuses exact aggregates
 */

/** @type {Session} */
export const session = {
  engine: null,
  demoOptions: null,
  consent: { aggregated: false, identifiable: false },
  frequentContacts: [],
  storedMeta: null,
  token: null,
  requireNoise: false,
};

/**
 * The engine of the data shown; NOT_READY before the first load.
 * @returns {Engine}
 */
export function requireEngine() {
  if (!session.engine) throw codedError("NOT_READY", "the demo data is not loaded yet");
  return session.engine;
}

/**
 * Consent flags from a request's params, every one a boolean.
 * @param {ConsentFlags | null | undefined} c
 * @returns {{ aggregated: boolean, identifiable: boolean }}
 */
export function consentFlags(c) {
  return { aggregated: Boolean(c?.aggregated), identifiable: Boolean(c?.identifiable) };
}
