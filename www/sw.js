// The dashboard's service worker: keeps the app shell (page, scripts, styles,
// the wasm module) so that the dashboard reopens offline. The data is not
// here: the analytics worker keeps it in IndexedDB (worker/store.js).
//
// Cache-first: the files are static and versioned together, so a cached copy
// is served without a network round trip; anything not cached goes to the
// network. Every module the page or its worker imports is listed (protocol.js
// holds only types, imported by none at run time). Bump VERSION whenever a
// file below changes (or www/pkg is rebuilt): the new worker caches the new
// files on install and deletes the old caches on activate; without a bump,
// browsers that have the shell keep the old one.

const VERSION = "rapport-shell-v10";
const PREFIX = "rapport-shell-";
const SHELL = [
  "./",
  "./index.html",
  "./style.css",
  "./card.css",
  "./freshness.js",
  "./app.js",
  "./boot.js",
  "./charts.js",
  "./demo-generator.js",
  "./domains.js",
  "./errors.js",
  "./load-report.js",
  "./load.js",
  "./params.js",
  "./reload.js",
  "./rpc.js",
  "./status.js",
  "./team.js",
  "./team/controls.js",
  "./team/dispatch.js",
  "./team/optout.js",
  "./team/search.js",
  "./team/state.js",
  "./ui.js",
  "./views/accounts.js",
  "./views/aggregates/body.js",
  "./views/aggregates/cells.js",
  "./views/aggregates/controls.js",
  "./views/aggregates/heatmap.js",
  "./views/aggregates/matrix.js",
  "./views/aggregates/metrics.js",
  "./views/aggregates/privacy.js",
  "./views/aggregates/view.js",
  "./views/needs.js",
  "./views/notices.js",
  "./views/own.js",
  "./views/parts.js",
  "./views/paths.js",
  "./views/relationship.js",
  "./views/story.js",
  "./views/who-knows-whom.js",
  "./worker.js",
  "./worker/admin.js",
  "./worker/consent.js",
  "./worker/csv.js",
  "./worker/contacts.js",
  "./worker/demo.js",
  "./worker/demo-source.js",
  "./worker/files.js",
  "./worker/generator.js",
  "./worker/ingest.js",
  "./worker/ledger.js",
  "./worker/persist.js",
  "./worker/queries.js",
  "./worker/reports.js",
  "./worker/session.js",
  "./worker/store.js",
  "./pkg/rapport.js",
  "./pkg/rapport_bg.wasm",
  "./pkg/rapport_demo.js",
  "./pkg/rapport_demo_bg.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      // cache: "reload" skips the HTTP cache, so a new version never caches a stale file.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      // Take over at once: the shell is complete, and the old one is not needed.
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== VERSION).map((k) => caches.delete(k))))
      // Control the page that registered us too, so that it reloads offline.
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    // A page's query (?seed=…&interactions=…) does not change the page itself.
    caches.match(request, { cacheName: VERSION, ignoreSearch: request.mode === "navigate" }).then((hit) => hit ?? fetch(request)),
  );
});
