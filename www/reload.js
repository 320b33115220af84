// When a host loads its data again: the engine keeps others' interactions
// only under consent, and drops them (a purge on withdrawal, a load or a
// snapshot without consent) otherwise; granting consent brings nothing back
// by itself. The engine says both halves (keepsOthers, othersWithheld); this
// is the one place that puts them together, for the dashboard's worker
// (worker/demo.js, worker/consent.js) and the extension popup, which gets a
// copy of this file from scripts/build.sh.

/**
 * Whether `engine` should be given its data again: the consent in force
 * keeps others' interactions, and some were dropped for lack of it since its
 * last load under consent. What it still holds comes back as duplicates.
 * @param {{ keepsOthers(): boolean, othersWithheld(): boolean }} engine
 * @returns {boolean}
 */
export function othersNeedReload(engine) {
  return engine.keepsOthers() && engine.othersWithheld();
}

/**
 * Whether `engine` holds less than all of its data's interactions: consent
 * does not keep others', or some were dropped. A snapshot it exports then
 * holds only what it has (the stored record's `purged`).
 * @param {{ keepsOthers(): boolean, othersWithheld(): boolean }} engine
 * @returns {boolean}
 */
export function othersIncomplete(engine) {
  return !engine.keepsOthers() || engine.othersWithheld();
}
