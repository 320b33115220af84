// The external contacts the team view's selector offers first, picked when
// the data is loaded: the viewer's own top counterparts (own insights' top
// lists, no consent needed), then, for the demo, the directory's other
// external people. Who is external is the engine's rule (isInternal, with
// subdomains and the directory's flag), and who is opted out too
// (isOptedOut): the lists only ask.

import { requireEngine } from "./session.js";

/**
 * @typedef {import("../pkg/rapport.js").Engine} Engine
 * @typedef {import("../pkg/rapport.js").OwnInsights} OwnInsights
 * @typedef {import("../pkg/rapport_demo.js").DemoDataset} DemoDataset
 * @typedef {import("../protocol.js").Choice} Choice
 */

/** How many contacts the team view offers. */
const CONTACT_CHOICES = 8;

/**
 * The viewer's own top external counterparts (own insights' top lists) in `e`, at most CONTACT_CHOICES.
 * @param {Engine} e
 * @param {OwnInsights} own
 * @returns {Choice[]}
 */
export function topCounterparts(e, own) {
  /** @type {Map<string, Choice>} */
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
 * counterparts first, then the directory's other external people, in
 * directory order.
 * @param {Engine} e
 * @param {Pick<DemoDataset, "people">} demo
 * @returns {Choice[]}
 */
export function pickContacts(e, demo) {
  /** @type {Map<string, Choice>} */
  const chosen = new Map();
  /** @type {(id: string, name: unknown) => void} */
  const add = (id, name) => {
    // The directory still lists people opted out in this browser: never offer them.
    if (id && !chosen.has(id.toLowerCase()) && !e.isOptedOut(id) && chosen.size < CONTACT_CHOICES) {
      chosen.set(id.toLowerCase(), { id, name: typeof name === "string" && name ? name : null });
    }
  };
  for (const p of topCounterparts(e, e.ownInsights({}))) add(p.id, p.name);
  /** @type {unknown} */
  let people = [];
  try {
    people = JSON.parse(demo.people);
  } catch {
    // The engine accepted the directory; NDJSON would land here, and the
    // selector then offers only the top counterparts.
  }
  for (const p of Array.isArray(people) ? people : []) {
    if (!p || typeof p.id !== "string" || p.optedOut) continue;
    if (!e.isInternal(p.id)) add(p.id.trim(), p.name);
  }
  return [...chosen.values()];
}

/**
 * `people` without those the engine `e` says are opted out.
 * @template {{ id: string }} P
 * @param {P[]} people
 * @param {Engine} [e]
 * @returns {P[]}
 */
export function withoutOptedOut(people, e = requireEngine()) {
  return people.filter((p) => !e.isOptedOut(String(p.id)));
}
