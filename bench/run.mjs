// `npm run bench`: writes the demo data once per size into a temporary
// folder (bench/data.mjs), then runs the native half (examples/bench.rs, on
// the same data generated in memory), the wasm-in-Node half (bench/wasm.mjs),
// the wasm-in-Chromium half (bench/chromium.mjs, which opens
// bench/browser.html), native DuckDB (bench/duckdb.mjs) and plain JavaScript
// (bench/plain.mjs) on those files, one after the other, and prints two
// Markdown tables: rapport's, with the median time of each operation in each
// runtime, each wasm/native ratio, each row's growth from the smallest size
// to the largest, the peak wasm memory of a chunked NDJSON load and the bytes
// per stored interaction; then rapport beside DuckDB and plain JavaScript,
// phase by phase (bench/compare.mjs); then both .wasm sizes.
// A benchmark, not a test: it asserts nothing and is not part of `npm test`.
// BENCH_SIZES (default 100000,1000000): the sizes, in interactions.
// BENCH_DATA: a folder to write the data into and keep (default: a temporary
// folder, removed at the end).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, brotliCompressSync, gzipSync } from "node:zlib";
import { checkAgreement, printComparison } from "./compare.mjs";
import { prepare } from "./data.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? "100000,1000000").split(",").map(Number).filter(Boolean);
const wasmFile = "www/pkg/rapport_bg.wasm";
const demoFile = "www/pkg/rapport_demo_bg.wasm";
const load = loadavg()[0];
const dataDir = process.env.BENCH_DATA ?? mkdtempSync(join(tmpdir(), "rapport-bench-"));
{
  const started = Date.now();
  for (const size of sizes) prepare(dataDir, size);
  console.error(`data: ${dataDir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** Runs one half; returns its JSON lines (those it printed before failing, if it failed). */
function half(name, cmd, args) {
  const started = Date.now();
  console.error(`${name} …`);
  const run = spawnSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 });
  const ok = run.status === 0;
  console.error(`${name}: ${ok ? "done" : `FAILED (${run.error?.message ?? `exit ${run.status ?? run.signal}`})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const records = (run.stdout ?? "").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  return { ok, records };
}

const runtimes = [
  ["native", "native (cargo --release)", "cargo", ["run", "--quiet", "--release", "--example", "bench", "--", ...sizes.map(String)]],
  ["Node", "wasm in Node", process.execPath, ["--max-old-space-size=8192", "bench/wasm.mjs", dataDir, ...sizes.map(String)]],
  ["Chromium", "wasm in headless Chromium", process.execPath, ["bench/chromium.mjs", dataDir, ...sizes.map(String)]],
];
const others = [
  ["DuckDB", "DuckDB (native, @duckdb/node-api)", process.execPath, ["bench/duckdb.mjs", dataDir, ...sizes.map(String)]],
  ["plain", "plain JavaScript", process.execPath, ["--max-old-space-size=8192", "bench/plain.mjs", dataDir, ...sizes.map(String)]],
];
const results = new Map([...runtimes, ...others].map(([key, name, cmd, args]) => [key, half(name, cmd, args)]));
if (!process.env.BENCH_DATA) rmSync(dataDir, { recursive: true, force: true });
const [, node, chromium, duckdb] = [...results.values()];

/** runtime → "op@size" → record */
const by = new Map([...results].map(([key, { records }]) => [key, new Map(records.map((r) => [`${r.op}@${r.size}`, r]))]));
const get = (runtime, op, size) => by.get(runtime).get(`${op}@${size}`);

const ms = (op) => (runtime, size) => get(runtime, op, size)?.ms;
const memory = (f) => (runtime, size) => {
  const r = get(runtime, "memory", size);
  return r ? f(r) : undefined;
};
const fmtMs = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2));
const fmtMiB = (v) => `${(v / 2 ** 20).toFixed(1)} MiB`;
const fmtBytes = (v) => `${v.toFixed(0)} B`;

/** [label, value(runtime, size), format, native value the wasm columns are compared with (default: the row's own)] */
const rows = [
  ["load (JSON bytes)", ms("load(json bytes)"), fmtMs],
  ["load (JS array)", (rt, s) => (rt === "native" ? undefined : ms("load(js array)")(rt, s)), fmtMs, ms("load(json bytes)")],
  ["load (NDJSON bytes)", ms("load(ndjson bytes)"), fmtMs],
  ["load (NDJSON bytes, chunks ≤ 16 MiB)", ms("load(ndjson chunks)"), fmtMs],
  ["load (NDJSON as a JS string)", (rt, s) => (rt === "native" ? undefined : ms("load(ndjson string)")(rt, s)), fmtMs, ms("load(ndjson bytes)")],
  ["load (NDJSON file, read as bytes in the row)", ms("load(ndjson file as bytes)"), fmtMs, ms("load(ndjson bytes)")],
  ["load (NDJSON file, read as a string in the row)", ms("load(ndjson file as string)"), fmtMs, ms("load(ndjson bytes)")],
  ["loadPeople, a directory of 16,000", ms("loadPeople(16000)"), fmtMs],
  ["relationshipSummaries of every contact and every account, first calls after a load (one run)", ms("relationshipSummaries(first call)"), fmtMs],
  ["ownInsights", ms("ownInsights"), fmtMs],
  ["relationshipSummaries, every contact", ms("relationshipSummaries(contacts)"), fmtMs],
  ["relationshipSummaries, every account", ms("relationshipSummaries(accounts)"), fmtMs],
  ["relationship, one call per contact", ms("relationship(every contact)"), fmtMs],
  ["relationship, one contact", ms("relationship(one contact)"), (v) => v.toFixed(3)],
  ["whoKnowsWhom, 1,000 contacts", ms("whoKnowsWhom(1000 contacts)"), fmtMs],
  ["introductionPaths, 1,000 contacts", ms("introductionPaths(1000 contacts)"), fmtMs],
  ["aggregates, department × week", ms("aggregates(department, week)"), fmtMs],
  ["aggregates, department × week, with noise", ms("aggregates(department, week, noise)"), fmtMs],
  ["peak wasm memory, NDJSON in chunks (new instance)", memory((r) => r.peakBytes), fmtMiB],
  ["stats().storeBytes after the chunked load", memory((r) => r.storeBytes), fmtMiB],
  ["stats().storeBytes after one JSON load", (rt, s) => get(rt, "info", s)?.storeBytes, fmtMiB],
  ["stats().indexBytes after the analyses", (rt, s) => get(rt, "info", s)?.indexBytes, fmtMiB],
  ["bytes / stored interaction, peak wasm memory", memory((r) => r.peakBytes / r.interactions), fmtBytes],
  ["bytes / stored interaction, storeBytes after the chunked load", memory((r) => r.storeBytes / r.interactions), fmtBytes],
];

const sizeName = (n) => (n % 1e6 === 0 ? `${n / 1e6}M` : n % 1e3 === 0 ? `${n / 1e3}k` : String(n));
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "-");
const cell = (v, format) => (Number.isFinite(v) ? format(v) : "-");
const wasmRuntimes = ["Node", "Chromium"];
const first = sizes[0];
const last = sizes[sizes.length - 1];
const growth = sizes.length > 1;

const header = [
  "operation",
  ...sizes.flatMap((s) => [
    ...runtimes.map(([rt]) => `${rt} ${sizeName(s)}`),
    ...wasmRuntimes.map((rt) => `${rt}/native ${sizeName(s)}`),
  ]),
  ...(growth ? runtimes.map(([rt]) => `${sizeName(last)}/${sizeName(first)} ${rt}`) : []),
];
const table = rows.map(([label, value, format, nativeValue = value]) => [
  label,
  ...sizes.flatMap((s) => [
    ...runtimes.map(([rt]) => cell(value(rt, s), format)),
    ...wasmRuntimes.map((rt) => ratio(value(rt, s), nativeValue("native", s))),
  ]),
  ...(growth ? runtimes.map(([rt]) => ratio(value(rt, last), value(rt, first))) : []),
]);

const envOf = (records) => records.find((r) => r.op === "env") ?? {};
const runs = sizes.map((s) => `${s >= 1_000_000 ? 3 : 5} runs at ${sizeName(s)}`).join(", ");
console.log(
  `\nrapport benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}` +
    ` (load average ${load.toFixed(2)} at the start), Node ${envOf(node.records).version ?? process.version},` +
    ` Chromium ${envOf(chromium.records).version ?? "-"} (headless)`,
);
console.log(`median ms (${runs}, after one warm-up run); Node/native and Chromium/native per row` +
  `${growth ? `; ${sizeName(last)}/${sizeName(first)} = the row at ${sizeName(last)} ÷ the row at ${sizeName(first)}` : ""}\n`);
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const r of table) console.log(`| ${r.join(" | ")} |`);

// Contacts and chunks, from whichever half got that far.
const info = (s) => ["native", "Node", "Chromium"].map((rt) => get(rt, "info", s)).find(Boolean);
const mem = (s) => ["Node", "Chromium", "native"].map((rt) => get(rt, "memory", s)).find(Boolean);
const counts = sizes.map((s) => {
  const i = info(s);
  const m = mem(s);
  return `${sizeName(s)}: ${i ? `${i.contacts.toLocaleString("en")} contacts, ${i.interactions.toLocaleString("en")} interactions stored` : "-"}` +
    (m ? `, NDJSON ${(i?.ndjsonBytes ?? 0) >> 20} MiB in ${m.chunks} chunk${m.chunks === 1 ? "" : "s"}` : "");
});
console.log(`\n(${counts.join("; ")}. Per-contact rows are for every contact up to 1,000. ` +
  "The JS array row is compared with native JSON bytes; peak memory is the wasm memory's size after loading " +
  "the people and then the NDJSON chunk by chunk into a new instance.)");

printComparison(get, sizes, sizeName);
checkAgreement(get, first);
console.log(`\nDuckDB ${envOf(duckdb.records).version ?? "-"} through @duckdb/node-api; plain JavaScript in Node ${process.version}.`);

const kb = (n) => `${n.toLocaleString("en")} bytes (${(n / 1024).toFixed(0)} KB)`;
for (const file of [wasmFile, demoFile]) {
  const wasm = readFileSync(new URL(`../${file}`, import.meta.url));
  // gzip -9 as scripts/build.sh reports it (zlib's level 9 if there is no gzip: a few KB more).
  const gzip = spawnSync("gzip", ["-9", "-c", file], { cwd: root, maxBuffer: 1 << 26 });
  const gz = gzip.status === 0 ? gzip.stdout.length : gzipSync(wasm, { level: 9 }).length;
  const br = brotliCompressSync(wasm, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length,
    },
  }).length;
  console.log(`${file === wasmFile ? "\n" : ""}${file}: ${kb(wasm.length)} raw, ${kb(gz)} gzip -9, ${kb(br)} brotli (quality 11).`);
}

const failed = [...results].filter(([, r]) => !r.ok).map(([key]) => key);
if (failed.length) {
  console.error(`\nfailed: ${failed.join(", ")} (their cells are "-")`);
  process.exitCode = 1;
}
