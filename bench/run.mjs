// `npm run bench`: runs the native and the wasm (Node) halves on the same
// demo data and prints one table: the median time of each operation, the
// wasm/native ratio, and each operation's 1M/100k ratio. A benchmark, not a
// test: it asserts nothing and is not part of `npm test`.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? "100000,1000000").split(",");

function run(cmd, args) {
  const out = execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 });
  return out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

console.error("native (cargo --release) …");
const native = run("cargo", ["run", "--quiet", "--release", "--example", "bench", "--", ...sizes]);
console.error("wasm in Node …");
const wasm = run(process.execPath, ["--max-old-space-size=8192", "bench/wasm.mjs", ...sizes]);

const key = (r) => `${r.op}@${r.size}`;
const wasmBy = new Map(wasm.map((r) => [key(r), r.ms]));
const nativeBy = new Map(native.map((r) => [key(r), r.ms]));
const ops = [...new Set(native.map((r) => r.op))];
const fmt = (ms) => (ms === undefined ? "-" : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "-");

console.log(`\nrapport benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
console.log("median ms; wasm/native per row; growth = time at the largest size / time at the smallest\n");
const header = ["operation", ...sizes.flatMap((s) => [`native ${s}`, `wasm ${s}`, `wasm/native ${s}`]), "growth native", "growth wasm"];
const rows = ops.map((op) => {
  const cells = sizes.flatMap((s) => {
    const n = nativeBy.get(`${op}@${s}`);
    const w = wasmBy.get(`${op}@${s}`);
    return [fmt(n), fmt(w), ratio(w, n)];
  });
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  return [op, ...cells, ratio(nativeBy.get(`${op}@${last}`), nativeBy.get(`${op}@${first}`)), ratio(wasmBy.get(`${op}@${last}`), wasmBy.get(`${op}@${first}`))];
});
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
