// What the browser tests (and the Chromium half of the benchmark) share: how
// Chromium is launched on these machines, and how a test reads the
// dashboard's readiness and its stored snapshot.
import assert from "node:assert/strict";

/** Debian's Chromium, installed by scripts/setup.sh --test. */
export const CHROMIUM = "/usr/bin/chromium";

/** Flags every run needs here: without the background-networking ones,
 * Chromium's own connections are refused by this machine's closed network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Waits until the dashboard is ready (or failed, which fails the test with its message). */
export async function waitReady(page, timeout) {
  await page.waitForSelector('main[data-state="ready"], main[data-state="error"]', { timeout });
  assert.equal(await page.getAttribute("main", "data-state"), "ready", `the page did not get ready: ${await page.textContent("#failure")}`);
}

/** The snapshot record the dashboard keeps in IndexedDB, read in the page (bytes as an array), or null. */
export async function storedRecord(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("rapport-dashboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("data")) {
            db.close();
            resolve(null);
            return;
          }
          const get = db.transaction("data").objectStore("data").get("snapshot");
          get.onsuccess = () => {
            // Closed at once: an open connection would hold up "Forget stored data".
            db.close();
            const r = get.result;
            resolve(r ? { ...r, bytes: r.bytes instanceof Uint8Array ? Array.from(r.bytes) : null } : null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
}
