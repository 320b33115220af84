// The read-only requests: own insights, the team view's selector and its
// views (relationship, summaries, who knows whom, introduction paths,
// organization aggregates), each one engine call on the data shown. The
// engine enforces consent; these only turn the page's params into its
// options, refusing what it would not understand.

import { session, requireEngine } from "./session.js";
import { codedError } from "../errors.js";

/**
 * @typedef {import("../pkg/rapport.js").Target} Target
 * @typedef {import("../pkg/rapport.js").AggregatesOptions} AggregatesOptions
 * @typedef {import("../protocol.js").Handlers} Handlers
 * @typedef {import("../protocol.js").TargetParams} TargetParams
 * @typedef {import("../protocol.js").DataScope} DataScope
 */

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * The engine's target object from request params: { target } or a bare { contact } / { account }.
 * @param {TargetParams} params
 * @returns {Target}
 */
function targetOf(params) {
  /** @type {{ contact?: unknown, account?: unknown } | null | undefined} */
  const t = params.target ?? params;
  if (typeof t?.account === "string" && t.account !== "") return { account: t.account };
  if (typeof t?.contact === "string" && t.contact !== "") return { contact: t.contact };
  throw codedError("INVALID_OPTIONS", "pick a contact or an account");
}

/**
 * @param {unknown} scope
 * @returns {DataScope}
 */
function teamOrOwn(scope) {
  if (scope === undefined || scope === "team") return "team";
  if (scope === "own") return "own";
  throw codedError("INVALID_OPTIONS", `scope must be "own" or "team", not "${scope}"`);
}

/** @type {(a: { id: string, name: string | null }, b: { id: string, name: string | null }) => number} */
const byName = (a, b) => collator.compare(a.name ?? a.id, b.name ?? b.id) || collator.compare(a.id, b.id);

/**
 * Builds what the views start from (the engine's `prepare`) for the data and
 * consent now held. Called once an answer is posted (worker.js), while the
 * page draws it: the card the page asks for next, after a load or a change of
 * consent, then does not wait for every contact's index (60 ms at 200,000
 * interactions, built when the worker had nothing else to do).
 */
export function prepareViews() {
  try {
    session.engine?.prepare();
  } catch {
    // The view asked for next reports its own error.
  }
}

/** @type {Pick<Handlers, "ownInsights" | "targets" | "relationship" | "activity" | "relationshipSummaries" | "whoKnowsWhom" | "introductionPaths" | "aggregates">} */
export const queryHandlers = {
  ownInsights({ days }) {
    return requireEngine().ownInsights(days === undefined ? {} : { days });
  },

  targets() {
    const e = requireEngine();
    const scope = session.consent.identifiable ? "team" : "own";
    const accounts = e
      .relationshipSummaries({ level: "account", scope })
      .map((s) => ({ id: s.id, name: s.name }))
      .sort(byName);
    const contacts = e
      .relationshipSummaries({ level: "contact", scope })
      .map((s) => ({ id: s.id, name: s.name, account: s.account }))
      .sort(byName);
    return { scope, frequent: session.frequentContacts, accounts, contacts };
  },

  relationship(params) {
    /** @type {{ scope: DataScope, days?: number }} */
    const opts = { scope: teamOrOwn(params.scope) };
    if (params.days !== undefined) opts.days = params.days;
    return requireEngine().relationship(targetOf(params), opts);
  },

  activity(params) {
    /** @type {{ scope: DataScope, days?: number, limit?: number, before?: string }} */
    const opts = { scope: teamOrOwn(params.scope) };
    if (params.days !== undefined) opts.days = params.days;
    if (params.limit !== undefined) opts.limit = params.limit;
    if (typeof params.before === "string" && params.before) opts.before = params.before;
    return requireEngine().activity(targetOf(params), opts);
  },

  relationshipSummaries({ level = "account", scope, days }) {
    /** @type {{ level: "account" | "contact", scope: DataScope, days?: number }} */
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
    /** @type {{ maxHops: number, top?: number }} */
    const opts = { maxHops };
    if (top !== undefined) opts.top = top;
    const paths = requireEngine().introductionPaths({ contact }, opts);
    return { target: contact, maxHops, paths };
  },

  aggregates({ groupBy = "department", period = "week", noise, days }) {
    /** @type {AggregatesOptions} */
    const opts = { groupBy, period };
    if (noise !== undefined && noise !== null) opts.noise = noise;
    if (days !== undefined) opts.days = days;
    return requireEngine().aggregates(opts);
  },
};
