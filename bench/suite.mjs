// The wasm operations of `npm run bench`, shared by the Node half
// (bench/wasm.mjs, through pkg/node) and the Chromium half (bench/browser.mjs,
// through www/pkg): the same operations as examples/bench.rs on the same demo
// data (the files of bench/data.mjs), plus the loads the native half has no
// counterpart for (from a JavaScript string, from the file, the directory of
// 16,000). Plain ECMAScript, no Node or DOM API. Each measurement is reported
// as one object: { op, size, ms } (the median of the runs), plus one
// { op: "memory", … } and one { op: "info", … } per size.

/** Sample contacts for the per-contact operations. */
export const SAMPLE = 1000;
/** The largest NDJSON chunk handed to one load, as a page reading a file would. */
export const CHUNK = 16 << 20;

const NEWLINE = 0x0a;

/** NDJSON bytes split at line ends into views of at most `CHUNK` bytes. */
export function ndjsonChunks(bytes, limit = CHUNK) {
  const out = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.length;
    if (end - start > limit) {
      const newline = bytes.lastIndexOf(NEWLINE, start + limit - 1);
      if (newline < start) throw new Error(`a line longer than ${limit} bytes at byte ${start}`);
      end = newline + 1;
    }
    out.push(bytes.subarray(start, end));
    start = end;
  }
  return out;
}

/** Lets the event loop run (console messages, timers) between runs, outside the timed part. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

// One untimed run first: V8 compiles wasm with its baseline compiler and
// tiers hot functions up later, so a first call measures the compiler.
async function medianMs(runs, f) {
  f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    await pause();
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Runs every operation at one size.
 * `data`: the size's input (bench/data.mjs's `read`: people, jsonText,
 * ndjsonText, directory, viewer, internalDomains, now);
 * `files`: in Node, { bytes(), text() } reading the NDJSON file (the "from
 * the file" rows include the read), else undefined;
 * `api`: { Engine } of the instance that is timed;
 * `memory`: that instance's WebAssembly.Memory (its size ends up in the info record).
 * `fresh()`: resolves to { api, memory } of a new instance nothing has run in
 * yet (its WebAssembly.Memory), for the peak memory of a chunked NDJSON load.
 * `report(record)`: called with each result.
 */
export async function runSize(size, { data, files, api, memory, fresh, report }) {
  const { Engine } = api;
  const runs = size >= 1_000_000 ? 3 : 5;
  const timed = async (op, f) => report({ op, size, ms: Number((await medianMs(runs, f)).toFixed(3)) });

  const demo = { ...data, interactions: data.jsonText };
  const { ndjsonText } = data;
  const encoder = new TextEncoder();
  const jsonBytes = encoder.encode(demo.interactions);
  const ndjsonBytes = encoder.encode(ndjsonText);
  const chunks = ndjsonChunks(ndjsonBytes);
  const options = { viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent: { aggregated: true, identifiable: true } };
  const json = { format: "json" };
  const ndjson = { format: "ndjson" };

  // Peak memory: a new instance loads the people, then the NDJSON chunk by
  // chunk. Wasm memory only grows, so its size after the load is the peak.
  let expected = null;
  {
    const { api: clean, memory: cleanMemory } = await fresh();
    const initialBytes = cleanMemory.buffer.byteLength;
    const engine = new clean.Engine(options);
    engine.loadPeople(demo.people);
    const peopleBytes = cleanMemory.buffer.byteLength;
    const t = performance.now();
    let accepted = 0;
    for (const chunk of chunks) accepted += engine.loadInteractions(chunk, ndjson).accepted;
    const ms = performance.now() - t;
    const { interactions, storeBytes } = engine.stats();
    expected = interactions;
    report({
      op: "memory",
      size,
      interactions,
      accepted,
      storeBytes,
      peakBytes: cleanMemory.buffer.byteLength,
      initialBytes,
      peopleBytes,
      chunks: chunks.length,
      largestChunk: Math.max(...chunks.map((c) => c.length)),
      coldMs: Number(ms.toFixed(3)),
    });
    engine.free();
  }

  // Each load row: a new engine a run; the last one is checked to hold the same data.
  const load = async (op, fill, keep = false) => {
    let engine = null;
    await timed(op, () => {
      engine?.free();
      engine = new Engine(options);
      engine.loadPeople(demo.people);
      fill(engine);
    });
    const { interactions } = engine.stats();
    if (interactions !== expected) throw new Error(`${op} holds ${interactions} interactions, not ${expected}`);
    if (keep) return engine;
    engine.free();
    return null;
  };
  await load("load(ndjson bytes)", (e) => e.loadInteractions(ndjsonBytes, ndjson));
  await load("load(ndjson chunks)", (e) => {
    for (const chunk of chunks) e.loadInteractions(chunk, ndjson);
  });
  await load("load(ndjson string)", (e) => e.loadInteractions(ndjsonText, ndjson));
  if (files) {
    await load("load(ndjson file as bytes)", (e) => e.loadInteractions(files.bytes(), ndjson));
    await load("load(ndjson file as string)", (e) => e.loadInteractions(files.text(), ndjson));
  }
  // The directory alone: a new engine a run, 16,000 people.
  await timed("loadPeople(16000)", () => {
    const engine = new Engine(options);
    engine.loadPeople(data.directory);
    engine.free();
  });
  // The records as a page holds them (parsed once, untimed); the binding turns them into JSON.
  let records = JSON.parse(demo.interactions);
  await load("load(js array)", (e) => e.loadInteractions(records, json));
  records = null;
  const engine = await load("load(json bytes)", (e) => e.loadInteractions(jsonBytes, json), true);

  // The first list views (every contact, then every account) build whatever
  // index the later ones (and every relationship call) read: timed once, on
  // the engine fresh from its load.
  let firstCounts = null;
  {
    const t = performance.now();
    const contactRows = engine.relationshipSummaries({ level: "contact", scope: "team" });
    const accountRows = engine.relationshipSummaries({ level: "account", scope: "team" });
    report({ op: "relationshipSummaries(first call)", size, ms: Number((performance.now() - t).toFixed(3)) });
    firstCounts = { contacts: contactRows.length, accounts: accountRows.length };
  }
  await timed("ownInsights", () => engine.ownInsights());
  let contacts = [];
  await timed("relationshipSummaries(contacts)", () => {
    contacts = engine.relationshipSummaries({ level: "contact", scope: "team" }).map((s) => s.id);
  });
  await timed("relationshipSummaries(accounts)", () => engine.relationshipSummaries({ level: "account", scope: "team" }));
  await timed("relationship(every contact)", () => {
    for (const contact of contacts) engine.relationship({ contact }, { scope: "team" });
  });
  // One call: the contact of the first row (the list's order), many runs.
  await timed("relationship(one contact)", () => engine.relationship({ contact: contacts[0] }, { scope: "team" }));
  // The same sample in every runtime: the first 1,000 contact ids in code-unit order.
  const sample = [...contacts].sort().slice(0, SAMPLE);
  await timed("whoKnowsWhom(1000 contacts)", () => {
    for (const contact of sample) engine.whoKnowsWhom({ contact });
  });
  await timed("introductionPaths(1000 contacts)", () => {
    for (const contact of sample) engine.introductionPaths({ contact });
  });
  await timed("aggregates(department, week)", () => engine.aggregates({ groupBy: "department", period: "week" }));
  // Each run a new question (another epsilon), so none is answered from cache.
  let epsilon = 0.5;
  await timed("aggregates(department, week, noise)", () => {
    epsilon += 0.001;
    engine.aggregates({ groupBy: "department", period: "week", noise: { epsilon } });
  });
  const { interactions, storeBytes, indexBytes } = engine.stats();
  const timedInstanceBytes = memory?.buffer.byteLength;
  report({ op: "info", size, contacts: contacts.length, accounts: firstCounts.accounts, interactions, storeBytes, indexBytes, jsonBytes: jsonBytes.length, ndjsonBytes: ndjsonBytes.length, timedInstanceBytes });
  engine.free();
}
