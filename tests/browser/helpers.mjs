// What the browser tests (and the Chromium half of the benchmark) share: how
// Chromium is launched on these machines, a profile with its error and request
// listeners, and how a test reads the dashboard's readiness and its stored
// snapshot.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

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

/**
 * Headless Chromium on a new profile (a temporary directory named
 * `rapport-<name>-…`) and its page, with listeners that collect into the
 * arrays given: `pageErrors` (uncaught errors), `consoleErrors` (console
 * errors of the page, with where they came from, and of its workers) and,
 * when given, `requests` (every URL the profile asks for, page or worker).
 * Resolves to { context, page, profileDir }; the caller closes the context
 * and removes the directory.
 */
export async function openProfile(name, { pageErrors, consoleErrors, requests }) {
  const profileDir = mkdtempSync(join(tmpdir(), `rapport-${name}-`));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: CHROMIUM_ARGS,
    });
  } catch (err) {
    rmSync(profileDir, { recursive: true, force: true });
    throw err;
  }
  if (requests) context.on("request", (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => msg.type() === "error" && consoleErrors.push(`${msg.text()} (${msg.location().url})`));
  page.on("worker", (worker) => worker.on("console", (msg) => msg.type() === "error" && consoleErrors.push(`worker: ${msg.text()}`)));
  return { context, page, profileDir };
}

/** Waits until the dashboard is ready (or failed, which fails the test with its message). */
export async function waitReady(page, timeout) {
  await page.waitForSelector('main[data-state="ready"], main[data-state="error"]', { timeout });
  assert.equal(await page.getAttribute("main", "data-state"), "ready", `the page did not get ready: ${await page.textContent("#failure")}`);
}

/** The snapshot record the dashboard keeps in IndexedDB, read in the page (every Uint8Array field as an array of numbers), or null. */
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
            // Byte fields (the snapshot, the opt-out digests) as arrays: they cross as JSON.
            const plain = (v) => (v instanceof Uint8Array ? Array.from(v) : v);
            resolve(r ? { ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])), bytes: r.bytes instanceof Uint8Array ? Array.from(r.bytes) : null } : null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

// ---------------------------------------------------------------- driving the card (issue 17)

/** The page's query for tests written before issue 17: no permission on a first load, exact organization figures allowed. */
export const BEFORE_17 = "&grant=none&requireNoise=0";

/** Opens the settings dialog, unless open. */
export async function openSettingsIn(page) {
  if (!(await page.evaluate(() => document.getElementById("settings").open))) await page.click("#settings-open");
  await page.locator("#settings").waitFor({ state: "visible" });
}

/** Closes the settings dialog, if open. */
export async function closeSettingsIn(page) {
  if (await page.evaluate(() => document.getElementById("settings").open)) await page.click("#settings-close");
}

/**
 * The demo administrator grants (on) or withdraws (off) a scope, as the
 * settings dialog offers; resolves once the note says `until` (a RegExp or
 * text, default any answer), with the dialog closed again.
 * @param {import("playwright-core").Page} page
 * @param {"identifiable" | "aggregated"} scope
 * @param {boolean} on
 * @param {RegExp | string | null} [until]
 */
export async function setScope(page, scope, on, until = null) {
  await openSettingsIn(page);
  const box = page.locator(`#consent-${scope}`);
  if ((await box.isChecked()) !== on) {
    await page.evaluate(() => (document.getElementById("consent-note").textContent = ""));
    await box.setChecked(on);
    const wait = until ?? /Granted|withdrawn|could not/;
    await page.locator("#consent-note", { hasText: wait }).waitFor({ timeout: 30_000 });
  }
  await closeSettingsIn(page);
}

/** Opens a contact's or an account's card: `value` is "contact:<id>" or "account:<id>". */
export async function pickTarget(page, value) {
  const at = value.indexOf(":");
  await page.evaluate((h) => (location.hash = h), `#${value.slice(0, at)}=${encodeURIComponent(value.slice(at + 1))}`);
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
}

/** What the search offers for `query` ("kind:id" each); an empty query: the viewer's frequent contacts. */
export async function searchOffers(page, query = "") {
  await closeSettingsIn(page);
  await page.fill("#search", "");
  await page.focus("#search");
  if (query) await page.fill("#search", query);
  await page.waitForTimeout(50);
  const offered = await page.$$eval("#search-list [role=option]", (li) => li.map((n) => n.dataset.open));
  await page.keyboard.press("Escape");
  await page.fill("#search", "");
  await page.evaluate(() => document.activeElement?.blur());
  return offered;
}

/** The contact ids the search offers: the viewer's frequent contacts first. */
export async function contactsOfferedIn(page, query = "") {
  return (await searchOffers(page, query)).filter((v) => v.startsWith("contact:")).map((v) => v.slice("contact:".length));
}

/** The tab of a view, by the name it had before issue 17 or its own. */
export function viewTab(page, name) {
  const now = { "Who knows whom": "Who knows them", "Introduction paths": "Introductions", "All accounts": "Accounts", "Organization aggregates": "Organization" }[name] ?? name;
  return page.getByRole("tab", { name: new RegExp(`^${now}`) });
}
