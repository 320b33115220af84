// The page's first and only script in index.html: asks the analytics worker
// for the data at once, then brings in the page itself (app.js) and hands it
// the pending answer. The worker's 20-odd modules and its .wasm download
// first, before the page's 35 modules would compete with them for the
// connections, and the worker starts generating or reopening the data while
// the page's modules still download; the page is there long before the data.

import { call } from "./rpc.js";
import { readParams } from "./params.js";

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
const loading = call("load", { seed, interactions, consent: grant, epsilonBudget, requireNoise }, (p) => {
  latest = p;
  shown?.(p);
  showPage();
});
// The page shows a failure too (app.js's start).
loading.then(showPage, showPage);
