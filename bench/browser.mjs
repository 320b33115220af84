// The Chromium half of `npm run bench` (bench/chromium.mjs opens this page in
// headless Chromium; it also runs in any browser from a local server):
// bench/suite.mjs's operations through the web package (www/pkg), on the
// files of bench/data.mjs when the page is served with them under /data/
// (`?data=1`, as bench/chromium.mjs does), else on demo data generated in the
// page by the demo module. Each result is logged to the console as one JSON
// line, and shown in the page; the last line is { op: "done" } or
// { op: "error", message }.
import init, * as api from "../www/pkg/rapport.js";
import initDemo, { demoDataset } from "../www/pkg/rapport_demo.js";
import { directory } from "./directory.mjs";
import { runSize } from "./suite.mjs";

const out = document.getElementById("out");
const report = (record) => {
  const line = JSON.stringify(record);
  console.log(line);
  out.textContent += `${line}\n`;
};

const query = new URLSearchParams(location.search);
const sizes = (query.get("sizes") ?? "100000").split(",").map(Number).filter(Boolean);

/** One size's input: the served files, or the same texts generated here. */
async function input(size) {
  if (query.get("data")) {
    const text = async (name) => {
      const res = await fetch(`/data/${size}/${name}`);
      if (!res.ok) throw new Error(`/data/${size}/${name}: HTTP ${res.status}`);
      return res.text();
    };
    const [meta, people, jsonText, ndjsonText, dir] = await Promise.all(
      ["meta.json", "people.json", "interactions.json", "interactions.ndjson", "people-16000.json"].map(text),
    );
    return { ...JSON.parse(meta), people, jsonText, ndjsonText, directory: dir };
  }
  await initDemo();
  const json = demoDataset({ seed: 42, interactions: size });
  const ndjsonText = demoDataset({ seed: 42, interactions: size, format: "ndjson" }).interactions;
  return { ...json, jsonText: json.interactions, ndjsonText, directory: directory(JSON.parse(json.people)) };
}
const wasmUrl = new URL("../www/pkg/rapport_bg.wasm", import.meta.url);

try {
  report({ op: "env", runtime: "browser", userAgent: navigator.userAgent, crossOriginIsolated: globalThis.crossOriginIsolated === true });
  // Compiled once: every instance below shares the code (and its tier-up).
  const module = await WebAssembly.compileStreaming(fetch(wasmUrl));
  const { memory } = await init({ module_or_path: module });
  // A new instance nothing has run in: the same glue imported again under
  // another URL is another module, with its own `wasm`; its init() resolves
  // to the instance's exports, `memory` among them.
  let instances = 0;
  const fresh = async () => {
    const glue = await import(`../www/pkg/rapport.js?instance=${++instances}`);
    const exports = await glue.default({ module_or_path: module });
    return { api: glue, memory: exports.memory };
  };
  for (const size of sizes) await runSize(size, { data: await input(size), api, memory, fresh, report });
  report({ op: "done" });
} catch (err) {
  report({ op: "error", message: String(err?.stack ?? err) });
}
