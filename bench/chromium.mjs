// The wasm-in-Chromium half of `npm run bench`: serves the repository on
// 127.0.0.1, opens bench/browser.html in headless Chromium (playwright-core,
// /usr/bin/chromium, the flags the browser tests use) and prints the JSON
// lines the page logs, like the native and Node halves. The files of
// bench/data.mjs are served under /data/, and the page reads them.
// Usage: node bench/chromium.mjs DATA_DIR 100000 1000000
// BENCH_CHROMIUM_TIMEOUT_MS (default 3,600,000): the longest the page may take.
// CHROMIUM: another Chromium executable.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/browser/helpers.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const [dataDir, ...args] = process.argv.slice(2);
const sizes = args.map(Number).filter(Boolean);
const timeout = Number(process.env.BENCH_CHROMIUM_TIMEOUT_MS ?? 3_600_000);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ndjson": "application/x-ndjson",
};

/**
 * A static server for the repository root (the page imports ../www/pkg and
 * scripts/serve.mjs serves www/ only). Cross-origin isolated (COOP + COEP),
 * so that performance.now() in the page ticks in microseconds, not in 100 µs.
 */
function serve() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    // /data/…: the benchmark's input files; everything else from the repository.
    const [base, rest] = path.startsWith("/data/") ? [normalize(dataDir) + sep, path.slice(6)] : [root, path];
    const file = normalize(join(base, rest));
    if (!file.startsWith(base) || !types[extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": types[extname(file)],
        "cache-control": "no-store",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const server = await serve();
let browser = null;
let timer = null;
let failed = false;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      // A long run in one tab: no throttling, and room for 1M records as strings and objects.
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--js-flags=--max-old-space-size=4096",
    ],
  });
  console.log(JSON.stringify({ op: "env", runtime: "chromium", version: browser.version() }));
  const page = await browser.newPage();
  const finished = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not finish within ${timeout} ms`)), timeout);
    const end = (f) => (value) => {
      clearTimeout(timer);
      f(value);
    };
    page.on("console", (msg) => {
      const text = msg.text();
      if (msg.type() !== "log" || !text.startsWith("{")) {
        if (msg.type() === "error" || msg.type() === "warning") console.error(`chromium ${msg.type()}: ${text}`);
        return;
      }
      const record = JSON.parse(text);
      if (record.op === "done") end(resolve)();
      else if (record.op === "error") end(reject)(new Error(`in the page: ${record.message}`));
      else if (record.op !== "env") console.log(text);
      else console.error(`chromium: ${record.userAgent}, cross-origin isolated: ${record.crossOriginIsolated}`);
      if (record.op === "info") {
        console.error(`wasm in Chromium ${record.size}: done, wasm memory of the timed instance ${record.timedInstanceBytes >> 20} MiB`);
      }
    });
    page.on("pageerror", (err) => end(reject)(new Error(`page error: ${err.message}`)));
    page.on("crash", () => end(reject)(new Error("the page crashed (out of memory?)")));
  });
  finished.catch(() => {}); // awaited below; a failure before that is the one reported
  const address = server.address();
  // Not waiting for the load event: the page's module runs the whole benchmark before it ends.
  await page.goto(`http://127.0.0.1:${address.port}/bench/browser.html?data=1&sizes=${sizes.join(",")}`, { waitUntil: "commit" });
  await finished;
} catch (err) {
  console.error(`chromium half: ${err.message}`);
  failed = true;
} finally {
  clearTimeout(timer);
  await browser?.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
