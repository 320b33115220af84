// Two or more builds of the analytics module timed against each other in one
// Node process, taking turns run by run (the order reversed every other run).
// On a shared machine whose pace swings by a fifth within minutes, separate
// processes, or one build's bench after another's, give contradictory
// answers; builds that take turns in one process see the same swings.
// A measurement, not a test: it asserts nothing.
//
// Usage: node --max-old-space-size=8192 bench/ab.mjs [--op OP] [--size N] [--runs N] DIR...
//   DIR: a folder holding a Node build (rapport.js and rapport_bg.wasm), such
//        as pkg/node after `npm run build` in another clone or worktree;
//   OP:  load (NDJSON bytes whole, the default), chunks (NDJSON in 16 MiB
//        chunks), string (NDJSON as a JavaScript string) or lists (after a
//        load, relationshipSummaries of every contact then every account:
//        the first list view);
//   N:   interactions (default 1000000; the data comes from bench/data.mjs,
//        written once into BENCH_DATA, default the system's temporary folder)
//        and runs a build (default 6, after one warm-up run each).
// Prints each build's median and fastest run, its runs in order, and the
// ratio of each later build's median to the first's.
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { prepare, read } from "./data.mjs";
import { ndjsonChunks } from "./suite.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};
const op = flag("op", "load");
const size = Number(flag("size", 1_000_000));
const runs = Number(flag("runs", 6));
const dirs = args.map((d) => resolve(d));
if (dirs.length === 0 || !["load", "chunks", "string", "lists"].includes(op)) {
  console.error("usage: node bench/ab.mjs [--op load|chunks|string|lists] [--size N] [--runs N] DIR...");
  process.exit(2);
}

const dataDir = process.env.BENCH_DATA ?? join(tmpdir(), "rapport-bench-ab");
prepare(dataDir, size);
const data = read(dataDir, size);
const bytes = new TextEncoder().encode(data.ndjsonText);
const chunks = ndjsonChunks(bytes);
const options = { viewer: data.viewer, internalDomains: data.internalDomains, now: data.now, consent: { aggregated: true, identifiable: true } };
const ndjson = { format: "ndjson" };
const builds = dirs.map((dir) => createRequire(import.meta.url)(join(dir, "rapport.js")));

/** Milliseconds of one run of `op` in a new engine of `api`. */
function once(api) {
  const engine = new api.Engine(options);
  try {
    engine.loadPeople(data.people);
    const load = () => {
      if (op === "chunks") for (const chunk of chunks) engine.loadInteractions(chunk, ndjson);
      else engine.loadInteractions(op === "string" ? data.ndjsonText : bytes, ndjson);
    };
    if (op === "lists") load();
    const started = performance.now();
    if (op === "lists") {
      engine.relationshipSummaries({ level: "contact", scope: "team" });
      engine.relationshipSummaries({ level: "account", scope: "team" });
    } else {
      load();
    }
    return performance.now() - started;
  } finally {
    engine.free();
  }
}

const times = builds.map(() => []);
for (let run = 0; run <= runs; run++) {
  const order = builds.map((_, i) => i);
  if (run % 2) order.reverse();
  for (const i of order) {
    const ms = once(builds[i]);
    if (run > 0) times[i].push(ms);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const first = median(times[0]);
console.log(`${op} at ${size}, ${runs} runs a build (after a warm-up run), taking turns in one process:`);
dirs.forEach((dir, i) => {
  const m = median(times[i]);
  const ratio = i === 0 ? "" : `, ${(m / first).toFixed(3)} of the first`;
  const all = times[i].map((t) => t.toFixed(0)).join(", ");
  console.log(`${dir}: median ${m.toFixed(1)} ms, fastest ${Math.min(...times[i]).toFixed(1)} ms${ratio} (${all})`);
});
