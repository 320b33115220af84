// The demo's generator as the page starts it (www/demo-generator.js, issue
// 17's first card): on a new profile the page starts it beside the analytics
// worker and hands the worker its port; when stored data is reopened it is
// not started at all (it would only take a core from the reopening); and
// when it cannot start, or its module cannot, the page says the data could
// not be loaded, naming the generator, instead of waiting for chunks that
// never come. A database of ours created empty by another opener (a test
// polling for the record before the first store, say) is upgraded to hold
// the record instead of refusing every store. That the figures it loads
// equal the Node binding's is dashboard.test.mjs's (a new profile, so this
// generator).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady, storedRecord } from "./helpers.mjs";

const INTERACTIONS = 3000;
/** Both outcomes show within this; a page left waiting would not. */
const SETTLED_MS = 30_000;

let server;
let url;

before(async () => {
  const started = await startServer(0);
  server = started.server;
  url = `${started.url}?seed=11&interactions=${INTERACTIONS}`;
});

after(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** Opens a new profile; `run(page, context)`; closes it, whatever happens. */
async function withProfile(name, run) {
  const pageErrors = [];
  const consoleErrors = [];
  const { context, page, profileDir } = await openProfile(name, { pageErrors, consoleErrors });
  try {
    await run(page, context);
    assert.deepEqual(pageErrors, [], "no uncaught error in the page");
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/** Requests for the generator's script from the page or its workers (the service worker caches it too). */
function generatorRequests(context) {
  const seen = [];
  context.on("request", (request) => {
    if (!request.serviceWorker() && new URL(request.url()).pathname.endsWith("/worker/generator.js")) seen.push(request.url());
  });
  return seen;
}

test("a new profile: the generator starts once and the demo loads; reopened from storage, none starts", async () => {
  await withProfile("generator-reopen", async (page, context) => {
    const requests = generatorRequests(context);
    await page.goto(url);
    await waitReady(page, SETTLED_MS);
    assert.equal(requests.length, 1, "one generator on a new profile");
    const interactions = Number((await page.textContent('[data-load="interactions"]')).replace(/,/g, ""));
    assert.ok(interactions > INTERACTIONS / 2, `the demo loaded (${interactions} interactions shown)`);
    // Stored once the first card is drawn: reopened only after that.
    const deadline = Date.now() + SETTLED_MS;
    while (!(await storedRecord(page))) {
      assert.ok(Date.now() < deadline, "the first load was stored");
      await page.waitForTimeout(100);
    }

    requests.length = 0;
    await page.reload();
    await waitReady(page, SETTLED_MS);
    assert.equal(await page.textContent('[data-load="source"]'), "Reopened from this browser's storage");
    assert.equal(requests.length, 0, "no generator when stored data is reopened");
  });
});

test("a database of ours opened empty by another script before the first store: the load is stored and reopens", async () => {
  await withProfile("generator-empty-db", async (page, context) => {
    // Before the page's own scripts, on every navigation: opening the name
    // without a version creates the database, with no object store in it.
    await context.addInitScript(() => {
      const open = indexedDB.open("rapport-dashboard");
      open.onsuccess = () => open.result.close();
    });
    await page.goto(url);
    await waitReady(page, SETTLED_MS);
    const deadline = Date.now() + SETTLED_MS;
    while (!(await storedRecord(page))) {
      assert.ok(Date.now() < deadline, `the first load was stored (${await page.textContent("#storage-note")})`);
      await page.waitForTimeout(100);
    }
    await page.reload();
    await waitReady(page, SETTLED_MS);
    assert.equal(await page.textContent('[data-load="source"]'), "Reopened from this browser's storage");
  });
});

for (const [what, pattern, code] of [
  ["the generator's script", "**/worker/generator.js", "WORKER_FAILED"],
  ["the generator's module", "**/pkg/rapport_demo_bg.wasm", null],
]) {
  test(`${what} cannot be loaded: the page says the data could not be loaded, and does not wait`, async () => {
    await withProfile("generator-fails", async (page, context) => {
      await context.route(pattern, (route) => route.fulfill({ status: 404, body: "not found" }));
      await page.goto(url);
      await page.waitForSelector('main[data-state="ready"], main[data-state="error"]', { timeout: SETTLED_MS });
      assert.equal(await page.getAttribute("main", "data-state"), "error");
      const failure = await page.textContent("#failure");
      assert.match(failure, /could not load its data/);
      if (code) assert.match(failure, new RegExp(`${code}.*generator`));
      else assert.match(failure, /rapport_demo_bg\.wasm/);
    });
  });
}
