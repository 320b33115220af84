// The wasm half of `npm run bench`: the same operations as examples/bench.rs,
// through the Node binding (pkg/node), on the same demo data. Prints one JSON
// line per measurement ({ op, size, ms }, the median of the runs), like the
// native half. Usage: node bench/wasm.mjs 100000 1000000
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const { Engine, demoDataset } = require("../pkg/node/rapport.js");
const SAMPLE = 1000;

// One untimed run first: V8 compiles wasm with its baseline compiler and
// tiers hot functions up later, so a first call measures the compiler.
function medianMs(runs, f) {
  f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const report = (op, size, ms) => console.log(JSON.stringify({ op, size, ms: Number(ms.toFixed(3)) }));

for (const size of process.argv.slice(2).map(Number).filter(Boolean)) {
  const runs = size >= 1_000_000 ? 3 : 5;
  const demo = demoDataset({ seed: 42, interactions: size });
  const bytes = new TextEncoder().encode(demo.interactions);
  const options = { viewer: demo.viewer, internalDomains: demo.internalDomains, consent: { aggregated: true, identifiable: true } };
  let engine = null;
  report("load", size, medianMs(runs, () => {
    engine?.free();
    engine = new Engine(options);
    engine.loadPeople(demo.people);
    engine.loadInteractions(bytes);
  }));
  report("ownInsights", size, medianMs(runs, () => engine.ownInsights()));
  let contacts = [];
  report("relationshipSummaries(contacts)", size, medianMs(runs, () => {
    contacts = engine.relationshipSummaries({ level: "contact", scope: "team" }).map((s) => s.id);
  }));
  report("relationship(every contact)", size, medianMs(runs, () => {
    for (const contact of contacts) engine.relationship({ contact }, { scope: "team" });
  }));
  const sample = contacts.slice(0, SAMPLE);
  report("whoKnowsWhom(1000 contacts)", size, medianMs(runs, () => {
    for (const contact of sample) engine.whoKnowsWhom({ contact });
  }));
  report("introductionPaths(1000 contacts)", size, medianMs(runs, () => {
    for (const contact of sample) engine.introductionPaths({ contact });
  }));
  report("aggregates(department, week)", size, medianMs(runs, () => engine.aggregates({ groupBy: "department", period: "week" })));
  // Each run a new question (another epsilon), so none is answered from cache.
  let epsilon = 0.5;
  report("aggregates(department, week, noise)", size, medianMs(runs, () => {
    epsilon += 0.001;
    engine.aggregates({ groupBy: "department", period: "week", noise: { epsilon } });
  }));
  const memory = engine.stats();
  console.error(`wasm ${size}: ${contacts.length} contacts, store ${memory.storeBytes >> 20} MB`);
  engine.free();
}
