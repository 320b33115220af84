// The dashboard's service worker: keeps the app shell (page, scripts, styles,
// the wasm module) so that the dashboard reopens offline. The data is not
// here: the worker keeps it in IndexedDB (store.js).
//
// Cache-first: the files are static and versioned together, so a cached copy
// is served without a network round trip; anything not cached goes to the
// network. Bump VERSION whenever a file below changes (or www/pkg is rebuilt):
// the new worker caches the new files on install and deletes the old caches
// on activate; without a bump, browsers that have the shell keep the old one.

const VERSION = "rapport-shell-v5";
const PREFIX = "rapport-shell-";
const SHELL = [
  "./",
  "./index.html",
  "./style.css",
  "./app.js",
  "./rpc.js",
  "./ui.js",
  "./charts.js",
  "./team.js",
  "./aggregates.js",
  "./worker.js",
  "./store.js",
  "./load.js",
  "./files.js",
  "./pkg/rapport.js",
  "./pkg/rapport_bg.wasm",
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
