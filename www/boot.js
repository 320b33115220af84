// The page's first and only script in index.html: asks the analytics worker
// for the data at once, then brings in the page itself (app.js) and hands it
// the pending answer. The worker's 20-odd modules and its .wasm download
// first, before the page's 35 modules would compete with them for the
// connections, and the worker starts generating or reopening the data while
// the page's modules still download; the page is there long before the data.

import { call } from "./rpc.js";
import { readParams } from "./params.js";
import { startGenerator } from "./demo-generator.js";
import { mayHoldSnapshot } from "./worker/store.js";

/**
 * @typedef {import("./protocol.js").Progress} Progress
 * @typedef {import("./protocol.js").LoadResult} LoadResult
 */

/** @type {((p: Progress) => void) | null} who shows the progress, once the page runs */
let shown = null;
/** @type {Progress | null} the latest progress, for whoever comes to show it */
let latest = null;
/** @type {Promise<unknown> | null} */
let page = null;

/**
 * The first load's answer; `progress` gets the latest report at once and every later one.
 * @param {(p: Progress) => void} progress
 * @returns {Promise<LoadResult>}
 */
function firstLoad(progress) {
  shown = progress;
  if (latest) progress(latest);
  return loading;
}

/** The page, once the worker answers (the first progress) or fails. */
const showPage = () => (page ??= import("./app.js").then((app) => app.start(firstLoad)));

const { seed, interactions, epsilonBudget, grant, requireNoise } = readParams();
// Where this browser has no database of ours (a new profile, or after
// "Forget stored data"), nothing stored can be reopened and the demo will be
// made: its generator starts beside the worker, and the worker, handed it,
// does not look for stored data. Else the stored copy is reopened, and a
// generator would only take a core from it; the worker starts one of its own
// if the copy turns out not to be usable.
const generator = (await mayHoldSnapshot()) ? null : startGenerator({ seed, interactions });
const port = generator?.port ?? null;
const params = { seed, interactions, consent: grant, epsilonBudget, requireNoise, generator: port };
const onProgress = (/** @type {Progress} */ p) => {
  latest = p;
  shown?.(p);
  showPage();
};
const loading = call("load", params, onProgress, port ? [port] : []);
if (generator) loading.finally(generator.stop).catch(() => {});
// The page shows a failure too (app.js's start).
loading.then(showPage, showPage);
