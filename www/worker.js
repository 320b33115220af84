// The dashboard's analytics worker: owns the wasm module, the demo dataset and
// the Engine, so that no generation, load or query runs on the page's thread.
// Requests are handled one at a time, in the order they arrive.
//
// Protocol (every message is a plain object, cloned by postMessage):
//   page → worker  { id, type, params }
//     type "load"          params { seed, interactions, consent, epsilonBudget? } → LoadResult
//       epsilonBudget: what the engine's noisy aggregates may spend together (the engine's default 10)
//     type "ownInsights"   params { days? }                        → OwnInsights
//     type "setConsent"    params { aggregated, identifiable }     → ConsentResult
//     type "targets"       params {}                               → Targets (the team view's selector)
//     type "relationship"  params { target, scope?, days? }        → Relationship
//     type "relationshipSummaries" params { level, scope?, days? } → RelationshipSummary[]
//     type "whoKnowsWhom"  params { target, top? }                 → WhoKnowsWhom
//     type "introductionPaths" params { contact, top?, maxHops? }  → { target, maxHops, paths: IntroductionPath[] }
//     type "aggregates"    params { groupBy, period, noise?, days? } → AggregateTable
//       groupBy "department" (default) or "account"; period "week" (default)
//       or "month"; noise { epsilon }: each new noisy answer spends epsilon of the
//       engine's budget, a repeated one is answered from cache at no cost, and
//       one the budget cannot pay for is PRIVACY_BUDGET_EXHAUSTED. What the
//       engine does not compute yet is NOT_IMPLEMENTED.
//   target is { contact: id } or { account: id }; a bare { contact } in params
//   is accepted too. scope is "own" or "team" (default "team", which needs the
//   identifiable consent scope; "own" needs none).
//   Targets = { scope: "own" | "team", frequent: [{ id, name }],
//               accounts: [{ id, name }], contacts: [{ id, name, account }] }:
//   frequent = the viewer's own top external counterparts; accounts and
//   contacts = every one the relationship summaries list in that scope (team
//   once identifiable is granted, own before), sorted by name.
//   worker → page
//     { id, type: "progress", stage, message }                  while a request runs
//     { id, type: "result", ok: true, value }                   once, when it succeeds
//     { id, type: "result", ok: false, error: { code, message, name, scope?, index?, field?, reason?, option? } }

import init, { Engine, demoDataset } from "./pkg/rapport.js";

/** The wasm module, instantiated once, on the first request. */
let wasmReady = null;
/** The engine holding the demo data, or null before the first load. */
let engine = null;
/**
 * The options the demo data was generated with: it is deterministic, so it is
 * generated again to reload it after a purge rather than kept (hundreds of
 * megabytes at a million interactions).
 */
let demoOptions = null;
/**
 * True once consent to others' data has been withdrawn entirely: the engine
 * then deleted every interaction the viewer did not take part in (SPEC 4.2),
 * and the demo data is reloaded when a scope is granted again.
 */
let othersPurged = false;
/** The consent flags last given to the engine. */
let consentNow = { aggregated: false, identifiable: false };
/** The viewer's own top external counterparts, picked at load time. */
let frequentContacts = [];

/** Requests are chained so that each one sees the state the previous left. */
let queue = Promise.resolve();

self.addEventListener("message", (event) => {
  const { id, type, params } = event.data ?? {};
  queue = queue.then(() => run(id, type, params ?? {}));
});

async function run(id, type, params) {
  const progress = (stage, message) => self.postMessage({ id, type: "progress", stage, message });
  try {
    const handler = handlers[type];
    if (!handler) throw codedError("UNKNOWN_REQUEST", `unknown request type "${type}"`);
    if (!wasmReady) {
      progress("init", "Starting the analytics module…");
      wasmReady = init();
    }
    await wasmReady;
    const value = await handler(params, progress);
    self.postMessage({ id, type: "result", ok: true, value });
  } catch (err) {
    self.postMessage({ id, type: "result", ok: false, error: plainError(err) });
  }
}

const handlers = {
  load({ seed, interactions, consent, epsilonBudget }, progress) {
    progress("generate", `Generating the demo dataset (seed ${seed}, ${interactions.toLocaleString()} interactions)…`);
    const started = performance.now();
    const demo = demoDataset({ seed, interactions });
    const generatedMs = performance.now() - started;

    if (engine) engine.free();
    engine = null;
    demoOptions = null;
    othersPurged = false;
    const next = new Engine({
      viewer: demo.viewer,
      internalDomains: demo.internalDomains,
      consent: consentFlags(consent),
      // Only when asked for (?epsilonBudget= in the page's URL): else the engine's default.
      ...(epsilonBudget === undefined || epsilonBudget === null ? {} : { epsilonBudget }),
    });
    try {
      progress("people", "Loading the people directory…");
      const people = next.loadPeople(demo.people);
      progress("interactions", `Loaded ${people.accepted.toLocaleString()} people; loading interactions…`);
      // UTF-8 bytes are the engine's fast path for bulk input.
      const loaded = next.loadInteractions(new TextEncoder().encode(demo.interactions));
      progress("contacts", `Loaded ${loaded.accepted.toLocaleString()} interactions; preparing the views…`);
      const contacts = pickContacts(next, demo);
      engine = next;
      demoOptions = { seed, interactions };
      consentNow = consentFlags(consent);
      frequentContacts = contacts;
      return {
        viewer: demo.viewer,
        internalDomains: demo.internalDomains,
        now: demo.now,
        seed,
        requested: interactions,
        people,
        interactions: loaded,
        stats: next.stats(),
        contacts,
        timings: { generatedMs, loadedMs: performance.now() - started - generatedMs },
      };
    } catch (err) {
      next.free();
      throw err;
    }
  },

  ownInsights({ days }) {
    return requireEngine().ownInsights(days === undefined ? {} : { days });
  },

  setConsent({ aggregated, identifiable }, progress) {
    const e = requireEngine();
    const consent = consentFlags({ aggregated, identifiable });
    e.setConsent(consent);
    consentNow = consent;
    const coversOthers = consent.aggregated || consent.identifiable;
    let reloaded = null;
    if (!coversOthers) {
      othersPurged = true;
    } else if (othersPurged) {
      // Interactions the viewer took part in are still held: they come back as
      // duplicates and are skipped; everyone else's are stored again.
      progress("reload", "Reloading the demo data for the team views…");
      const demo = demoDataset(demoOptions);
      reloaded = e.loadInteractions(new TextEncoder().encode(demo.interactions));
      othersPurged = false;
    }
    return { consent, purged: !coversOthers, reloaded, stats: e.stats() };
  },

  targets() {
    const e = requireEngine();
    const scope = consentNow.identifiable ? "team" : "own";
    const byName = (a, b) => collator.compare(a.name ?? a.id, b.name ?? b.id) || collator.compare(a.id, b.id);
    const accounts = e
      .relationshipSummaries({ level: "account", scope })
      .map((s) => ({ id: s.id, name: s.name }))
      .sort(byName);
    const contacts = e
      .relationshipSummaries({ level: "contact", scope })
      .map((s) => ({ id: s.id, name: s.name, account: s.account }))
      .sort(byName);
    return { scope, frequent: frequentContacts, accounts, contacts };
  },

  relationship(params) {
    const opts = { scope: teamOrOwn(params.scope) };
    if (params.days !== undefined) opts.days = params.days;
    return requireEngine().relationship(targetOf(params), opts);
  },

  relationshipSummaries({ level = "account", scope, days }) {
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
    const opts = { maxHops };
    if (top !== undefined) opts.top = top;
    const paths = requireEngine().introductionPaths({ contact }, opts);
    return { target: contact, maxHops, paths };
  },

  aggregates({ groupBy = "department", period = "week", noise, days }) {
    const opts = { groupBy, period };
    if (noise !== undefined && noise !== null) opts.noise = noise;
    if (days !== undefined) opts.days = days;
    return requireEngine().aggregates(opts);
  },
};

function requireEngine() {
  if (!engine) throw codedError("NOT_READY", "the demo data is not loaded yet");
  return engine;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** The engine's target object from request params: { target } or a bare { contact } / { account }. */
function targetOf(params) {
  const t = params.target ?? params;
  if (typeof t?.account === "string" && t.account !== "") return { account: t.account };
  if (typeof t?.contact === "string" && t.contact !== "") return { contact: t.contact };
  throw codedError("INVALID_OPTIONS", "pick a contact or an account");
}

function teamOrOwn(scope) {
  if (scope === undefined || scope === "team") return "team";
  if (scope === "own") return "own";
  throw codedError("INVALID_OPTIONS", `scope must be "own" or "team", not "${scope}"`);
}

function consentFlags(c) {
  return { aggregated: Boolean(c?.aggregated), identifiable: Boolean(c?.identifiable) };
}

/** How many contacts the team view offers. */
const CONTACT_CHOICES = 8;

/**
 * External contacts for the team view's selector: the viewer's own top
 * counterparts first (own scope, no consent needed), then the directory's
 * other external people, in directory order.
 */
function pickContacts(e, demo) {
  const chosen = new Map();
  const add = (id, name) => {
    if (id && !chosen.has(id.toLowerCase()) && chosen.size < CONTACT_CHOICES) {
      chosen.set(id.toLowerCase(), { id, name: name || null });
    }
  };
  const own = e.ownInsights({});
  for (const p of [...own.topContacted, ...own.topContactedBy]) {
    if (!p.internal) add(p.id, p.name);
  }
  const domains = demo.internalDomains.map((d) => d.toLowerCase());
  let people = [];
  try {
    people = JSON.parse(demo.people);
  } catch {
    // The engine accepted the directory; NDJSON would land here, and the
    // selector then offers only the top counterparts.
  }
  for (const p of Array.isArray(people) ? people : []) {
    if (!p || typeof p.id !== "string" || p.optedOut) continue;
    const domain = p.id.split("@")[1]?.trim().toLowerCase() ?? "";
    const internal = typeof p.internal === "boolean" ? p.internal : domains.includes(domain);
    if (!internal) add(p.id.trim(), p.name);
  }
  return [...chosen.values()];
}

function codedError(code, message) {
  return Object.assign(new Error(message), { code });
}

/** An Error as a cloneable object, keeping the engine's extra properties. */
function plainError(err) {
  const out = {
    name: err?.name ?? "Error",
    code: typeof err?.code === "string" ? err.code : "INTERNAL",
    message: err?.message ?? String(err),
  };
  for (const key of ["scope", "index", "field", "reason", "option"]) {
    if (err?.[key] !== undefined) out[key] = err[key];
  }
  return out;
}
