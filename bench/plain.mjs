// The plain-JavaScript half of `npm run bench`: the figures of
// bench/plain-figures.mjs on the files bench/data.mjs wrote, timed like
// bench/suite.mjs times rapport (median of the runs after one warm-up run),
// printed as JSON lines under the op names of the rapport rows they compare
// with. Nothing is kept between runs but the loaded store: whoKnowsWhom and
// introductionPaths build the tie graph they read in each run (plain
// JavaScript keeps no index unless someone writes one), and the graph alone
// is its own row.
// Usage: node bench/plain.mjs DATA_DIR 100000 1000000
import { readFileSync } from "node:fs";
import { read } from "./data.mjs";
import { departmentWeeks, introductionPaths, load, Store, summaries, ties, whoKnowsWhom } from "./plain-figures.mjs";
import { SAMPLE } from "./suite.mjs";

const report = (record) => console.log(JSON.stringify(record));

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

report({ op: "env", runtime: "plain", version: process.version });
const [dir, ...sizes] = process.argv.slice(2);
for (const size of sizes.map(Number).filter(Boolean)) {
  const data = read(dir, size);
  const runs = size >= 1_000_000 ? 3 : 5;
  const timed = (op, f) => report({ op, size, ms: Number(medianMs(runs, f).toFixed(3)) });

  let store = null;
  timed("load(ndjson file as string)", () => {
    store = load(data, data.people, readFileSync(data.ndjsonPath, "utf8"));
  });
  timed("load(ndjson string)", () => {
    store = load(data, data.people, data.ndjsonText);
  });
  timed("loadPeople(16000)", () => new Store(data).loadPeople(data.directory));

  let rows = null;
  timed("relationshipSummaries(first call)", () => {
    rows = summaries(store);
  });
  const sample = rows.contacts.map((r) => r.id).sort().slice(0, SAMPLE);
  timed("ties(graph build)", () => ties(store));
  let known = 0;
  timed("whoKnowsWhom(1000 contacts)", () => {
    const graph = ties(store);
    known = 0;
    for (const contact of sample) known += whoKnowsWhom(store, graph, contact).known;
  });
  let paths = 0;
  timed("introductionPaths(1000 contacts)", () => {
    const graph = ties(store);
    paths = 0;
    for (const contact of sample) paths += introductionPaths(store, graph, contact).length;
  });
  let cells = 0;
  timed("aggregates(department, week)", () => {
    cells = departmentWeeks(store).length;
  });
  report({ op: "info", size, interactions: store.size, contacts: rows.contacts.length, accounts: rows.accounts.length, known, paths, cells });
  console.error(`plain JavaScript ${size}: done`);
}
