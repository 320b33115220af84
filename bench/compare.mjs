// The second table of `npm run bench`: rapport (wasm in Node and in
// Chromium) beside native DuckDB (bench/duckdb.mjs) and plain JavaScript
// (bench/plain.mjs) on the same files, phase by phase, with the ratio of each
// to rapport in Node; and the check that the three agree on what they counted
// (a warning on stderr, not a test).

const fmt = (v) => (!Number.isFinite(v) ? "-" : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×` : "-");

/** [phase, { runtime: op }]: the op each runtime reports the phase under. */
export const PHASES = [
  ["load people + interactions from the file (rapport: read as bytes)", {
    Node: "load(ndjson file as bytes)", Chromium: "load(ndjson bytes)", DuckDB: "load(ndjson file)", plain: "load(ndjson file as string)",
  }],
  ["load people + interactions from the file (rapport: read as a string)", {
    Node: "load(ndjson file as string)", Chromium: "load(ndjson string)", DuckDB: "load(ndjson file)", plain: "load(ndjson file as string)",
  }],
  ["people directory of 16,000", { Node: "loadPeople(16000)", Chromium: "loadPeople(16000)", DuckDB: "loadPeople(16000)", plain: "loadPeople(16000)" }],
  ["summaries of every contact and every account (first call)", {
    Node: "relationshipSummaries(first call)", Chromium: "relationshipSummaries(first call)", DuckDB: "relationshipSummaries(first call)", plain: "relationshipSummaries(first call)",
  }],
  ["who knows whom, 1,000 contacts", { Node: "whoKnowsWhom(1000 contacts)", Chromium: "whoKnowsWhom(1000 contacts)", DuckDB: "whoKnowsWhom(1000 contacts)", plain: "whoKnowsWhom(1000 contacts)" }],
  ["introduction paths, 1,000 contacts", { Node: "introductionPaths(1000 contacts)", Chromium: "introductionPaths(1000 contacts)", plain: "introductionPaths(1000 contacts)" }],
  ["weekly department aggregates", { Node: "aggregates(department, week)", Chromium: "aggregates(department, week)", DuckDB: "aggregates(department, week)", plain: "aggregates(department, week)" }],
];
const RUNTIMES = ["Node", "Chromium", "DuckDB", "plain"];
const NAMES = { Node: "rapport, wasm in Node", Chromium: "rapport, wasm in Chromium", DuckDB: "DuckDB (native)", plain: "plain JS" };

/** Prints the comparison at each size; `get(runtime, op, size)` is a record or undefined. */
export function printComparison(get, sizes, sizeName) {
  const ms = (rt, op, size) => (op ? get(rt, op, size)?.ms : undefined);
  for (const size of sizes) {
    console.log(`\nrapport, DuckDB and plain JavaScript at ${sizeName(size)}, median ms (× = that runtime's time ÷ rapport's in Node; above 1, rapport is faster)\n`);
    const header = ["phase", ...RUNTIMES.map((rt) => NAMES[rt]), "DuckDB ÷ rapport", "plain JS ÷ rapport"];
    console.log(`| ${header.join(" | ")} |`);
    console.log(`|${header.map(() => "---").join("|")}|`);
    const total = Object.fromEntries(RUNTIMES.map((rt) => [rt, 0]));
    // The overall row adds the load (as a string), the directory, and every query phase.
    for (const [i, [phase, ops]] of PHASES.entries()) {
      const v = Object.fromEntries(RUNTIMES.map((rt) => [rt, ms(rt, ops[rt], size)]));
      if (i !== 0) for (const rt of RUNTIMES) if (ops[rt]) total[rt] += Number.isFinite(v[rt]) ? v[rt] : NaN;
      console.log(`| ${[phase, ...RUNTIMES.map((rt) => fmt(v[rt])), ratio(v.DuckDB, v.Node), ratio(v.plain, v.Node)].join(" | ")} |`);
    }
    // DuckDB has no introduction paths: its overall leaves them out, and so does the rapport figure it is compared with.
    const paths = ms("Node", PHASES[5][1].Node, size) ?? NaN;
    console.log(`| overall (every row but the first) | ${RUNTIMES.map((rt) => fmt(total[rt])).join(" | ")} | ${ratio(total.DuckDB, total.Node - paths)}¹ | ${ratio(total.plain, total.Node)} |`);
    console.log("\n¹ DuckDB has no introduction paths (\"-\"): its overall is compared with rapport's without them.");
  }
}

/** Warns (stderr) where the runtimes counted differently at `size`: interactions stored, contacts and accounts listed, colleagues known. */
export function checkAgreement(get, size) {
  const info = Object.fromEntries(RUNTIMES.map((rt) => [rt, get(rt, "info", size)]));
  const base = info.Node;
  if (!base) return;
  const problems = [];
  for (const rt of ["DuckDB", "plain"]) {
    const other = info[rt];
    if (!other) continue;
    for (const key of ["interactions", "contacts", "accounts"]) {
      if (other[key] !== base[key]) problems.push(`${NAMES[rt]} counts ${other[key]} ${key}, rapport ${base[key]}`);
    }
  }
  if (info.DuckDB && info.plain && info.DuckDB.known !== info.plain.known) {
    problems.push(`colleagues who know the sampled contacts: DuckDB ${info.DuckDB.known}, plain JS ${info.plain.known}`);
  }
  if (problems.length) console.error(`\nwarning: the runtimes disagree at ${size}: ${problems.join("; ")}`);
  else console.error(`\nat ${size}, rapport, DuckDB and plain JS count the same interactions (${base.interactions}), contacts (${base.contacts}) and accounts (${base.accounts}).`);
}
