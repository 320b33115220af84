// The Node entry point (pkg/node, --target nodejs) as a Node user meets it:
// errors are real Error objects with codes, results are plain objects, and
// the bulk fast path (Uint8Array) gives the same figures as a string.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset, demoDatasetBytes } = require("../../pkg/node/rapport_demo.js");

function loaded(demo, input) {
  // Consent to others' data: without it only the viewer's own interactions are kept.
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent: { aggregated: true } });
  engine.loadPeople(demo.people);
  const report = engine.loadInteractions(input);
  return { engine, report };
}

test("a Uint8Array and a string give byte-identical results", () => {
  const demo = demoDataset({ seed: 3, interactions: 3000 });
  const a = loaded(demo, demo.interactions);
  const b = loaded(demo, new TextEncoder().encode(demo.interactions));
  assert.deepEqual(a.report, b.report);
  assert.ok(a.report.accepted > 2500, `accepted ${a.report.accepted}`);
  assert.equal(JSON.stringify(a.engine.ownInsights()), JSON.stringify(b.engine.ownInsights()));
  assert.equal(Object.getPrototypeOf(a.engine.ownInsights()), Object.prototype, "a plain object, not a Map");
  a.engine.free();
  b.engine.free();
});

// The binding encodes a string itself (TextEncoder.encodeInto into wasm
// memory, growing its buffer when the text is not all ASCII): names in other
// scripts early, in the middle and at the end of the text, an emoji, and a
// lone surrogate (U+FFFD, as TextEncoder writes it) must reach the engine as
// the same bytes as the page's own UTF-8, whether passed as a string, as the
// parsed array or as bytes.
test("text in any script crosses as a string, an array or UTF-8 bytes alike", () => {
  const demo = demoDataset({ seed: 3, interactions: 3000 });
  const people = JSON.parse(demo.people);
  const names = ["Jörg Müller", "王小明", "Zoë 😀 Ångström", "Łukasz \uD800Ż"];
  const external = people.filter((p) => !p.internal);
  for (const [i, p] of external.entries()) {
    if (i < 3 || i % 7 === 0 || i >= external.length - 3) p.name = `${names[i % names.length]} ${i}`;
  }
  const texts = JSON.stringify(people);
  const engineWith = (peopleInput, interactions) => {
    const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent: { identifiable: true } });
    engine.loadPeople(peopleInput);
    engine.loadInteractions(interactions);
    return engine;
  };
  const utf8 = new TextEncoder();
  const engines = [
    engineWith(texts, demo.interactions),
    engineWith(people, JSON.parse(demo.interactions)),
    engineWith(utf8.encode(texts), utf8.encode(demo.interactions)),
  ];
  const [a, b, c] = engines.map((e) => JSON.stringify(e.relationshipSummaries({ level: "contact", scope: "team" })));
  assert.equal(a, b, "string and array");
  assert.equal(a, c, "string and bytes");
  const shown = JSON.parse(a).map((s) => s.name);
  for (const name of ["王小明", "Zoë 😀 Ångström", "Łukasz \uFFFDŻ"]) {
    assert.ok(shown.some((n) => n?.startsWith(name)), `${name} among ${shown.slice(0, 5)}`);
  }
  for (const e of engines) e.free();
});

test("demoDatasetBytes gives demoDataset's interactions as their UTF-8 bytes, and its errors", () => {
  for (const format of ["json", "ndjson"]) {
    const text = demoDataset({ seed: 5, interactions: 2000, format });
    const bytes = demoDatasetBytes({ seed: 5, interactions: 2000, format });
    assert.ok(bytes.interactions instanceof Uint8Array);
    assert.equal(new TextDecoder("utf-8", { fatal: true }).decode(bytes.interactions), text.interactions);
    assert.deepEqual({ ...bytes, interactions: null }, { ...text, interactions: null });
  }
  assert.throws(() => demoDatasetBytes({ interactions: 6_000_000 }), (e) => e instanceof Error && e.code === "INVALID_OPTIONS" && e.option === "interactions");
});

test("errors are Error instances with a stable code", () => {
  // aggregated: a record Ada is not on is kept; identifiable is still refused.
  const engine = new Engine({ viewer: "ada@northwind.example", consent: { aggregated: true } });
  assert.throws(() => engine.loadInteractions("[{]"), (e) => e instanceof Error && e.code === "INVALID_INPUT");
  assert.throws(
    () => engine.whoKnowsWhom({ contact: "x@contoso.example" }),
    (e) => e instanceof Error && e.code === "CONSENT_REQUIRED" && e.scope === "identifiable",
  );
  assert.throws(() => new Engine({ viewer: "a@b.example", consent: { everything: true } }), { code: "INVALID_OPTIONS" });
  // A token needs an engine with a consentKey (SPEC 4.5).
  assert.throws(() => engine.setConsent("a.signed.token"), { code: "INVALID_OPTIONS", option: "consentKey" });
  const bad = [{ id: "a", kind: "email", from: "x@y.example", to: ["z@y.example"], at: "soon" }];
  assert.throws(() => engine.loadInteractions(bad), (e) => e.index === 0 && e.field === "at" && typeof e.reason === "string");
  // The engine is still usable after every refusal.
  assert.equal(engine.loadInteractions([{ ...bad[0], at: 0 }]).accepted, 1);
  engine.free();
});

test("a freed engine refuses further use instead of crashing the process", () => {
  const engine = new Engine({ viewer: "ada@northwind.example" });
  engine.free();
  assert.throws(() => engine.ownInsights());
});

test("noisy aggregates spend the budget once per question and refuse when it is spent", () => {
  const demo = demoDataset({ seed: 3, interactions: 5000 });
  const engine = new Engine({
    viewer: demo.viewer,
    internalDomains: demo.internalDomains,
    now: demo.now,
    consent: { aggregated: true },
    epsilonBudget: 1.5,
  });
  engine.loadPeople(demo.people);
  engine.loadInteractions(demo.interactions);
  const ask = (epsilon) => engine.aggregates({ groupBy: "department", period: "month", noise: { epsilon } });
  const first = ask(1);
  assert.equal(first.noise.fromCache, false);
  assert.deepEqual([first.epsilonSpent, first.epsilonRemaining], [1, 0.5]);
  const again = ask(1);
  assert.equal(again.noise.fromCache, true);
  assert.deepEqual(again.rows, first.rows, "the cached answer, figure for figure");
  assert.equal(again.epsilonSpent, 1, "a repeat spends nothing");
  assert.throws(() => ask(0.6), (e) => e instanceof Error && e.code === "PRIVACY_BUDGET_EXHAUSTED");
  assert.equal(ask(0.5).epsilonRemaining, 0);
  engine.free();
});

test("class 02: opt-outs cross between engines as opaque bytes, never as ids; damaged bytes are INVALID_SNAPSHOT", () => {
  const demo = demoDataset({ seed: 3, interactions: 3000 });
  const a = loaded(demo, demo.interactions);
  const b = loaded(demo, demo.interactions);
  try {
    const id = a.engine.ownInsights().topContacted.find((p) => !p.internal).id;
    assert.equal(b.engine.isOptedOut(id), false);
    a.engine.optOut(` ${id.toUpperCase()} `);
    assert.equal(a.engine.isOptedOut(id), true, "ids are normalised");
    const bytes = a.engine.exportOptOuts();
    assert.ok(bytes instanceof Uint8Array);
    assert.ok(!Buffer.from(bytes).toString("latin1").toLowerCase().includes(id.toLowerCase()), "no id in the bytes");
    const damaged = bytes.slice();
    damaged[damaged.length - 1] ^= 1;
    const before = b.engine.stats();
    assert.throws(() => b.engine.importOptOuts(damaged), (e) => e instanceof Error && e.code === "INVALID_SNAPSHOT");
    assert.throws(() => b.engine.importOptOuts(b.engine.exportSnapshot()), { code: "INVALID_SNAPSHOT" });
    assert.deepEqual(b.engine.stats(), before, "refused bytes change nothing");
    b.engine.importOptOuts(bytes);
    assert.equal(b.engine.isOptedOut(id), true);
    assert.deepEqual(b.engine.ownInsights(), a.engine.ownInsights(), "as if optOut had been called");
    assert.deepEqual(b.engine.stats(), a.engine.stats());
  } finally {
    a.engine.free();
    b.engine.free();
  }
});
