// The Chromium half of `npm run bench` (bench/chromium.mjs opens this page in
// headless Chromium; it also runs in any browser from a local server):
// bench/suite.mjs's operations through the web package (www/pkg), on demo
// data generated in the page. Each result is logged to the console as one
// JSON line, and shown in the page; the last line is { op: "done" } or
// { op: "error", message }.
import init, * as api from "../www/pkg/rapport.js";
import { runSize } from "./suite.mjs";

const out = document.getElementById("out");
const report = (record) => {
  const line = JSON.stringify(record);
  console.log(line);
  out.textContent += `${line}\n`;
};

const sizes = (new URLSearchParams(location.search).get("sizes") ?? "100000").split(",").map(Number).filter(Boolean);
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
  for (const size of sizes) await runSize(size, { api, memory, fresh, report });
  report({ op: "done" });
} catch (err) {
  report({ op: "error", message: String(err?.stack ?? err) });
}
