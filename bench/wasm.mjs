// The wasm-in-Node half of `npm run bench`: the operations of bench/suite.mjs
// (the same as examples/bench.rs) through the Node binding (pkg/node), on the
// files bench/data.mjs wrote. Prints one JSON line per measurement, like the
// native half.
// Usage: node bench/wasm.mjs DATA_DIR 100000 1000000
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { read } from "./data.mjs";
import { runSize } from "./suite.mjs";

const require = createRequire(import.meta.url);
const binding = require.resolve("../pkg/node/rapport.js");

/**
 * Loads pkg/node/rapport.js as a new module, with its own wasm instance, and
 * returns its exports and that instance's WebAssembly.Memory. The nodejs glue
 * keeps its instance (`wasm = wasmInstance.exports`) to itself: it makes it
 * with `new WebAssembly.Instance(…)` when it is required, so the constructor
 * is wrapped for that one require to see the instance it makes.
 */
function instantiate() {
  delete require.cache[binding];
  const Instance = WebAssembly.Instance;
  let made = null;
  WebAssembly.Instance = new Proxy(Instance, {
    construct(target, args, newTarget) {
      made = Reflect.construct(target, args, newTarget);
      return made;
    },
  });
  let api;
  try {
    api = require(binding);
  } finally {
    WebAssembly.Instance = Instance;
  }
  if (!(made?.exports.memory instanceof WebAssembly.Memory)) throw new Error("pkg/node/rapport.js made no wasm instance with a memory");
  return { api, memory: made.exports.memory };
}

const report = (record) => console.log(JSON.stringify(record));
report({ op: "env", runtime: "node", version: process.version });

// One instance generates the data and runs the timed operations; each size's
// peak memory is read from a new instance that only loads.
const main = instantiate();
const [dir, ...sizes] = process.argv.slice(2);
for (const size of sizes.map(Number).filter(Boolean)) {
  const data = read(dir, size);
  const files = { bytes: () => readFileSync(data.ndjsonPath), text: () => readFileSync(data.ndjsonPath, "utf8") };
  await runSize(size, { data, files, api: main.api, memory: main.memory, fresh: async () => instantiate(), report });
  console.error(`wasm in Node ${size}: done, wasm memory of the timed instance ${main.memory.buffer.byteLength >> 20} MiB`);
}
