// Persistence in the dashboard (www/store.js, www/worker.js, www/sw.js), in
// headless Chromium on a fresh profile: the first load stores a snapshot in
// IndexedDB; offline, a reload reopens the app shell from the service worker
// and the data from that snapshot, with the same figures; withdrawing consent
// rewrites the stored snapshot before the page says so, leaving only the
// viewer's own interactions (checked in Node against an engine loaded with
// exactly those); a damaged or foreign snapshot is deleted and the demo loaded
// again; "Forget stored data" deletes the database; opting a contact out
// rewrites the stored snapshot without them, and they stay out after a
// reload, a purge and reload of the demo, a demo generated afresh and the
// user's own files loaded; no opted-out address is stored anywhere, in clear
// or in any byte (issue 12 class 2, at rest), and a record of the previous
// version, which kept them in clear, is migrated.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, storedRecord as storedIn, waitReady as readyIn, BEFORE_17, setScope, pickTarget, contactsOfferedIn, viewTab, openSettingsIn, closeSettingsIn } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset } = require("../../pkg/node/rapport_demo.js");
const SEED = 7;
const INTERACTIONS = 5000;
const FULL_CONSENT = { aggregated: true, identifiable: true };

let server;
let serverUrl;
let context;
let page;
let profileDir;
let demo;
/** The Node engine on the whole demo data, with full consent. */
let fullEngine;
/** The figures the page showed on its first load: own KPIs and a team relationship's KPIs. */
let firstOwn;
let firstTeam;
let contactId;
/** Every contact opted out by the tests so far (they stay out for the rest of the profile). */
const optedOutHere = [];
const pageErrors = [];
const consoleErrors = [];
const requests = [];

/** An engine on `interactions` (JSON text) of the demo, with full consent. */
function nodeEngine(interactions = demo.interactions) {
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consent: FULL_CONSENT });
  engine.loadPeople(demo.people);
  engine.loadInteractions(interactions);
  return engine;
}

/**
 * Changes the stored record in the page, the change picked by name: "garbage"
 * (the bytes), "foreign" (the viewer), or "legacy" (the record as the
 * previous version wrote it: no digests, the opted-out ids `arg` in clear).
 */
async function alterRecord(change, arg = null) {
  await page.evaluate(
    ([source, arg]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("rapport-dashboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("data", "readwrite");
          const store = tx.objectStore("data");
          const get = store.get("snapshot");
          // The page's CSP allows no eval: the change is picked by name.
          get.onsuccess = () => {
            const { optOuts, ...rest } = get.result;
            const changed =
              source === "garbage"
                ? { ...get.result, bytes: new Uint8Array(4096).fill(0x5a) }
                : source === "legacy"
                  ? { ...rest, optedOut: arg }
                  : { ...get.result, viewer: "someone.else@northwind.example" };
            store.put(changed, "snapshot");
          };
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [change, arg],
  );
}

/**
 * The stored record as it lies in IndexedDB, every field of it: byte fields
 * (Uint8Array, ArrayBuffer, any typed array) as arrays of numbers, the
 * others as they are. What a privacy reviewer opening the browser's storage reads.
 */
async function recordAtRest() {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("rapport-dashboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction("data").objectStore("data").getAll();
          all.onsuccess = () => {
            db.close();
            const bytesOf = (v) =>
              v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : ArrayBuffer.isView(v) ? Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) : null;
            resolve(all.result.map((r) => Object.entries(r).map(([key, v]) => (bytesOf(v) ? { key, bytes: bytesOf(v) } : { key, value: v }))));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/**
 * Asserts that `address` (case-insensitively) is in no field of anything
 * stored: not in the bytes of any byte field (read as Latin-1, so that
 * UTF-8 text shows as itself), nor in the JSON of any other field.
 */
async function assertNowhereAtRest(address) {
  const needle = address.toLowerCase();
  const records = await recordAtRest();
  assert.ok(records.length > 0, "something is stored");
  for (const fields of records) {
    for (const f of fields) {
      const text = f.bytes ? Buffer.from(f.bytes).toString("latin1") : JSON.stringify(f.value) ?? "";
      assert.ok(!text.toLowerCase().includes(needle), `the stored field "${f.key}" holds ${address}`);
    }
  }
}

/** The stored snapshot opened in Node with full consent (the viewer and domains of the demo). */
function openInNode(record) {
  return Engine.fromSnapshot(new Uint8Array(record.bytes), {
    viewer: demo.viewer,
    internalDomains: demo.internalDomains,
    now: demo.now,
    consent: FULL_CONSENT,
  });
}

/** The interactions the viewer took part in (from, to or cc; ids compared
 * case-insensitively), loaded on their own: what a purged snapshot must equal. */
function ownOnlyEngine() {
  const viewer = demo.viewer.toLowerCase();
  const isViewer = (id) => typeof id === "string" && id.trim().toLowerCase() === viewer;
  const own = JSON.parse(demo.interactions).filter((i) => isViewer(i.from) || (i.to ?? []).some(isViewer) || (i.cc ?? []).some(isViewer));
  return nodeEngine(JSON.stringify(own));
}

/** The contact ids the search offers (the viewer's frequent contacts), or offers for `query`. */
async function contactsOffered(query = "") {
  return contactsOfferedIn(page, query);
}

/** The people named in the own-insights top lists. */
async function ownPeople() {
  return page.$$eval("#own [data-person]", (n) => n.map((li) => li.dataset.person.toLowerCase()));
}

/** Whether the page's consent boxes cover others' data. */
async function consentCoversOthers() {
  return (await page.isChecked("#consent-aggregated")) || (await page.isChecked("#consent-identifiable"));
}

/** The own-insights KPIs as shown (raw values). */
async function ownKpis() {
  return page.$$eval("#own [data-kpi]", (nodes) => nodes.map((n) => [n.dataset.kpi, n.dataset.value]));
}

/** Grants identifiable consent (unless granted), opens the contact's relationship in team scope and reads its KPIs. */
async function teamKpis() {
  await setScope(page, "identifiable", true, /Granted/);
  await pickTarget(page, `contact:${contactId}`);
  await viewTab(page, "Relationship").click();
  const view = page.locator(`#team-result [data-view="relationship"][data-scope="identifiable"][data-target-id="${contactId}"]`);
  await view.waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
  return view.evaluate((v) => [...v.querySelectorAll("[data-kpi]")].map((n) => [n.dataset.kpi, n.dataset.value]));
}

/** Whether a request for a file the service worker does not cache gets an answer (it must not, offline). */
async function networkReachable() {
  return page.evaluate(() => fetch(`./not-cached-${Date.now()}.txt`).then(() => true, () => false));
}

const storedRecord = () => storedIn(page);
const waitReady = () => readyIn(page, 20_000);

before(async () => {
  demo = demoDataset({ seed: SEED, interactions: INTERACTIONS });
  fullEngine = nodeEngine();
  const started = await startServer(0);
  server = started.server;
  serverUrl = `${started.url}?seed=${SEED}&interactions=${INTERACTIONS}${BEFORE_17}`;
  ({ context, page, profileDir } = await openProfile("persistence", { pageErrors, consoleErrors, requests }));
  await page.goto(serverUrl);
  await waitReady();
  // A contact the team view offers, with interactions in the window.
  contactId = (await contactsOfferedIn(page))[0];
});

after(async () => {
  fullEngine?.free();
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test("the first load stores only the viewer's own interactions until consent covers others', then all of them", async () => {
  assert.match(await page.textContent("#status"), /Demo data \(seed 7\).*Stored in this browser/s);
  const record = await storedRecord();
  assert.ok(record, "a snapshot is stored");
  assert.equal(record.seed, SEED);
  assert.equal(record.interactions, INTERACTIONS);
  assert.equal(record.viewer, demo.viewer);
  assert.deepEqual(record.internalDomains, demo.internalDomains);
  assert.equal(record.purged, true, "no consent to others' data yet: none of it on disk");
  assert.ok(Date.parse(record.savedAt) > Date.now() - 60_000, "savedAt is a recent RFC 3339 time");
  assert.ok(record.bytes.length > 1000, "the bytes are stored as a Uint8Array");
  const ownOnly = ownOnlyEngine();
  const stored = openInNode(record);
  try {
    assert.equal(stored.stats().interactions, ownOnly.stats().interactions, "only the viewer's interactions are stored");
    assert.deepEqual(stored.ownInsights(), fullEngine.ownInsights());
  } finally {
    stored.free();
    ownOnly.free();
  }
  firstOwn = await ownKpis();
  firstTeam = await teamKpis(); // grants identifiable
  const granted = await storedRecord();
  assert.equal(granted.purged, false);
  const whole = openInNode(granted);
  try {
    assert.equal(whole.stats().interactions, fullEngine.stats().interactions, "with consent, every interaction is stored");
  } finally {
    whole.free();
  }
  assert.ok(firstOwn.length > 0 && firstTeam.length > 0);
  assert.deepEqual(
    Object.fromEntries(firstTeam),
    Object.fromEntries(Object.entries(fullEngine.relationship({ contact: contactId }, { scope: "team" }).kpis).map(([k, v]) => [k, JSON.stringify(v)])),
  );
});

test("offline, a reload reopens the app from the service worker and the data from IndexedDB, with the same figures", async () => {
  // The service worker controls the page once it has cached the shell and claimed it.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  await context.setOffline(true);
  assert.equal(await networkReachable(), false, "the network is really gone");
  await page.reload();
  await waitReady();
  assert.equal(await networkReachable(), false, "still offline");
  assert.match(await page.textContent("#status"), /Reopened from this browser's storage/);
  // Reopened under the consent the page has now (its boxes may or may not be
  // restored): everything, or only the viewer's own, which is all an engine
  // without consent to others' data holds; granting then loads the demo again.
  const ownOnly = ownOnlyEngine();
  const held = (await consentCoversOthers()) ? fullEngine.stats().interactions : ownOnly.stats().interactions;
  ownOnly.free();
  assert.equal((await page.textContent('#status [data-load="interactions"]')).replace(/\D/g, ""), String(held));
  assert.deepEqual(await ownKpis(), firstOwn, "own insights as before");
  assert.deepEqual(await teamKpis(), firstTeam, "the team view's relationship as before");
});

test("withdrawing both scopes rewrites the stored snapshot before the page says so: only the viewer's own interactions remain", async () => {
  const before = await storedRecord();
  assert.equal(await page.isChecked("#consent-aggregated"), false);
  await setScope(page, "identifiable", false, /deleted/);
  // Read at once: the worker answered only after the rewrite.
  const record = await storedRecord();
  assert.equal(record.purged, true);
  assert.ok(record.savedAt > before.savedAt, "rewritten");
  assert.ok(record.bytes.length < before.bytes.length);

  const ownOnly = ownOnlyEngine();
  const stored = openInNode(record);
  try {
    assert.ok(ownOnly.stats().interactions < fullEngine.stats().interactions, "others' interactions exist to be removed");
    assert.equal(stored.stats().interactions, ownOnly.stats().interactions, "the snapshot holds only the viewer's interactions");
    assert.deepEqual(stored.ownInsights(), fullEngine.ownInsights(), "and all of them");
    // Even under full consent, the org-wide views see no one else's interactions.
    assert.deepEqual(stored.aggregates({ groupBy: "department", period: "week" }), ownOnly.aggregates({ groupBy: "department", period: "week" }));
    assert.deepEqual(stored.relationshipSummaries({ level: "account", scope: "team" }), ownOnly.relationshipSummaries({ level: "account", scope: "team" }));
  } finally {
    stored.free();
    ownOnly.free();
  }
});

test("a purged snapshot reopens with own data only; granting again reloads the demo and stores it whole", async () => {
  await page.reload();
  await waitReady();
  assert.match(await page.textContent("#status"), /Reopened from this browser's storage/);
  assert.deepEqual(await ownKpis(), firstOwn);
  assert.deepEqual(await teamKpis(), firstTeam, "granting identifiable brought others' interactions back");
  assert.match(await page.textContent("#consent-note"), /loaded again/);
  const record = await storedRecord();
  assert.equal(record.purged, false);
  const stored = openInNode(record);
  try {
    assert.equal(stored.stats().interactions, fullEngine.stats().interactions);
  } finally {
    stored.free();
  }
});

for (const [change, code] of [
  ["garbage", "INVALID_SNAPSHOT"],
  ["foreign", "INVALID_OPTIONS"],
]) {
  test(`a ${change} stored snapshot is deleted, the demo loaded again, and the status line says so (${code})`, async () => {
    await alterRecord(change);
    await page.reload();
    await waitReady();
    const status = await page.textContent("#status");
    assert.match(status, /could not be opened/);
    assert.equal(await page.getAttribute('#status [data-load="discarded"]', "data-code"), code);
    assert.match(status, /Demo data \(seed 7\)/);
    assert.deepEqual(await ownKpis(), firstOwn);
    const record = await storedRecord();
    assert.equal(record.viewer, demo.viewer, "a good snapshot is stored again");
    // As much as the consent boxes now cover: everything, or the viewer's own.
    const covers = (await page.isChecked("#consent-aggregated")) || (await page.isChecked("#consent-identifiable"));
    const expected = covers ? fullEngine : ownOnlyEngine();
    const stored = openInNode(record);
    try {
      assert.equal(record.purged, !covers);
      assert.equal(stored.stats().interactions, expected.stats().interactions);
    } finally {
      stored.free();
      if (expected !== fullEngine) expected.free();
    }
  });
}

test("Forget stored data deletes the database and reloads; the page explains what is stored where", async () => {
  assert.match(await page.textContent("#settings .storage"), /IndexedDB.*service-worker cache/s);
  const savedAt = (await storedRecord()).savedAt;
  await page.evaluate(() => (window.beforeForget = true));
  await openSettingsIn(page);
  await page.getByRole("button", { name: "Forget stored data" }).click();
  await page.waitForFunction(() => !window.beforeForget && document.querySelector('main[data-state="ready"]'), null, { timeout: 20_000 });
  // The reloaded page found nothing stored, so it generated the demo (and stored it anew).
  assert.match(await page.textContent("#status"), /Demo data \(seed 7\)/);
  assert.doesNotMatch(await page.textContent("#status"), /could not be opened|Reopened/);
  assert.ok((await storedRecord()).savedAt > savedAt);
  assert.deepEqual(await ownKpis(), firstOwn);
});

// After "Forget stored data": it changes the data for good in this profile
// (the figures the tests above compare would no longer match).
test("opting a contact out rewrites the stored snapshot without them; they stay out after a reload and after the demo is loaded again", async () => {
  // Consent to others' data: the snapshot then holds everyone's interactions but theirs.
  await setScope(page, "identifiable", true, /Granted/);
  const id = (await contactsOffered())[0]; // a frequent contact: named in the viewer's own top lists
  optedOutHere.push(id);
  const key = id.toLowerCase();
  assert.ok((await ownPeople()).includes(key), "named in own insights before");
  const expected = nodeEngine();
  expected.optOut(id);
  const ownExpected = ownOnlyEngine();
  ownExpected.optOut(id);
  /** The stored snapshot, opened in Node with full consent: no trace of them, and what an engine with them opted out holds. */
  const checkStored = (record, covers) => {
    assert.equal(record.optedOut, undefined, "no list of opted-out ids is stored");
    assert.ok(Array.isArray(record.optOuts) && record.optOuts.length > 0, "the record keeps the engine's opt-out digests");
    const digests = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now });
    try {
      digests.importOptOuts(new Uint8Array(record.optOuts));
      assert.equal(digests.isOptedOut(id), true, "the stored digests opt them out of a new engine");
    } finally {
      digests.free();
    }
    assert.ok(!record.contacts.some((c) => c.id.toLowerCase() === key), "nor offers them");
    assert.equal(record.purged, !covers);
    const want = covers ? expected : ownExpected;
    const stored = openInNode(record);
    try {
      assert.equal(stored.isOptedOut(id), true);
      assert.throws(() => stored.relationship({ contact: id }, { scope: "team" }), (err) => err.code === "UNKNOWN_TARGET");
      assert.equal(stored.stats().interactions, want.stats().interactions);
      assert.deepEqual(stored.relationshipSummaries({ level: "account", scope: "team" }), want.relationshipSummaries({ level: "account", scope: "team" }));
    } finally {
      stored.free();
    }
  };
  const offeredOrNamed = async () =>
    [...(await contactsOffered()), ...(await contactsOffered(id))].some((c) => c.toLowerCase() === key) || (await ownPeople()).includes(key);

  try {
    assert.ok(expected.stats().interactions < fullEngine.stats().interactions, "they have interactions to remove");
    // The control, its confirmation step, and "done" only once stored.
    await pickTarget(page, `contact:${id}`);
    await page.getByRole("button", { name: "Opt this contact out…" }).click();
    const confirm = page.locator("#optout-confirm");
    await confirm.waitFor({ state: "visible" });
    assert.ok((await page.textContent("#optout-title")).includes(id), "the confirmation names the contact");
    assert.match(await confirm.textContent(), /deleted from this browser's engine and from the copy stored in this browser.*not be shown or counted again/s);
    const before = await storedRecord();
    await page.getByRole("button", { name: "Opt out and delete their data" }).click();
    await page.locator(`#optout-note[data-opted-out="${id}"]`).waitFor();
    assert.match(await page.textContent("#optout-note"), /^Done: .* is opted out/);
    assert.ok(await confirm.isHidden());
    // Read at once: the worker answered only after the rewrite.
    const record = await storedRecord();
    assert.ok(record.savedAt > before.savedAt, "rewritten");
    checkStored(record, true);
    await assertNowhereAtRest(id);
    assert.equal(await offeredOrNamed(), false, "no longer offered in the team view nor named in own insights");

    // Reopened from the stored snapshot.
    await page.reload();
    await waitReady();
    assert.match(await page.textContent("#status"), /Reopened from this browser's storage/);
    assert.equal(await offeredOrNamed(), false, "still out after a reload");

    // Consent withdrawn (others' data purged), then granted again: the demo is generated and loaded again.
    // (The reloaded page may or may not have its boxes restored: granted first, so that withdrawing is a change.)
    await setScope(page, "identifiable", true, /Granted/);
    await setScope(page, "aggregated", false);
    await setScope(page, "identifiable", false, /deleted/);
    checkStored(await storedRecord(), false);
    await setScope(page, "identifiable", true, /loaded again/);
    checkStored(await storedRecord(), true);
    assert.equal(await offeredOrNamed(), false, "still out after the demo was reloaded");

    // A snapshot that cannot be opened: the demo is generated afresh into a new engine, which only the record's list tells.
    await alterRecord("garbage");
    await page.reload();
    await waitReady();
    const status = await page.textContent("#status");
    assert.match(status, /could not be opened.*Demo data \(seed 7\).*from people who asked not to be tracked/s);
    assert.equal(await offeredOrNamed(), false, "still out after the demo was generated again");
    checkStored(await storedRecord(), await consentCoversOthers());
    await assertNowhereAtRest(id);
  } finally {
    expected.free();
    ownExpected.free();
  }
});

/** Whether `id` is offered by the search (frequent, or typed) or named in own insights. */
async function offeredOrNamed(id) {
  const key = id.toLowerCase();
  return [...(await contactsOffered()), ...(await contactsOffered(id))].some((c) => c.toLowerCase() === key) || (await ownPeople()).includes(key);
}

/** Grants identifiable consent, unless granted. */
async function grantIdentifiable() {
  await setScope(page, "identifiable", true, /Granted/);
}

test("class 02: an opted-out contact's address is nowhere in IndexedDB, no field and no byte, and they stay out after reloads", async () => {
  await grantIdentifiable();
  // Another frequent contact than the test above opted out: named in own insights, with data in the snapshot.
  const id = (await contactsOffered())[0];
  optedOutHere.push(id);
  assert.ok(await offeredOrNamed(id), "offered before");
  const before = await recordAtRest();
  const snapshotBefore = before[0].find((f) => f.key === "bytes");
  assert.ok(Buffer.from(snapshotBefore.bytes).toString("latin1").toLowerCase().includes(id.toLowerCase()), "the snapshot held their address before");

  await pickTarget(page, `contact:${id}`);
  await page.getByRole("button", { name: "Opt this contact out…" }).click();
  await page.getByRole("button", { name: "Opt out and delete their data" }).click();
  await page.locator(`#optout-note[data-opted-out="${id}"]`).waitFor();
  // Read at once: the worker answered only after the rewrite.
  await assertNowhereAtRest(id);
  assert.equal(await offeredOrNamed(id), false);

  await page.reload();
  await waitReady();
  assert.match(await page.textContent("#status"), /Reopened from this browser's storage/);
  assert.equal(await offeredOrNamed(id), false, "still out after a reload");
  await grantIdentifiable();
  assert.equal(await offeredOrNamed(id), false, "still out with others' data shown");
  await assertNowhereAtRest(id);
});

test("class 02: a record stored by the previous version, with opted-out ids in clear, is migrated: they stay out and the clear list is gone from IndexedDB", async () => {
  await grantIdentifiable();
  const id = (await contactsOffered())[0];
  optedOutHere.push(id);
  assert.ok(await offeredOrNamed(id), "offered before");
  // What the previous version stored: every id opted out in clear (lower-cased), no digests.
  const clear = optedOutHere.map((o) => o.toLowerCase());
  await alterRecord("legacy", clear);
  const legacy = await storedRecord();
  assert.deepEqual(legacy.optedOut, clear);
  assert.equal(legacy.optOuts, undefined);

  await page.reload();
  await waitReady();
  assert.equal(await offeredOrNamed(id), false, "the stored opt-out was applied");
  const record = await storedRecord();
  assert.equal(record.optedOut, undefined, "the clear list is gone");
  assert.ok(Array.isArray(record.optOuts) && record.optOuts.length > 0, "digests in its place");
  for (const o of optedOutHere) await assertNowhereAtRest(o);

  await page.reload();
  await waitReady();
  await grantIdentifiable();
  assert.equal(await offeredOrNamed(id), false, "still out after another reload");
  await assertNowhereAtRest(id);
});

test("class 02: opt-outs follow into the user's own files loaded afresh (the same people in them), and stay out of IndexedDB", async () => {
  assert.equal(optedOutHere.length, 3);
  const dir = mkdtempSync(join(tmpdir(), "rapport-optouts-"));
  try {
    const people = join(dir, "directory.json");
    const mail = join(dir, "mail.json");
    writeFileSync(people, demo.people);
    writeFileSync(mail, demo.interactions);
    await openSettingsIn(page);
    if (await page.isHidden("#load-form")) await page.getByRole("button", { name: "Load your own data…" }).click();
    await page.locator("#load-form").waitFor({ state: "visible" });
    await page.setInputFiles("#load-files", [people, mail]);
    await page.getByLabel("Your e-mail address (the signed-in user)").fill(demo.viewer);
    await page.getByLabel("Figures as of").fill(demo.now.slice(0, 10));
    await page.locator("#load-start").click();
    const report = page.locator("#load-report [data-outcome]");
    await report.waitFor({ state: "visible", timeout: 120_000 });
    assert.equal(await report.getAttribute("data-outcome"), "loaded");
    await closeSettingsIn(page);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal((await storedRecord()).source, "files");
  await grantIdentifiable();
  assert.ok((await contactsOffered()).length > 0, "the files' contacts are offered");
  for (const id of optedOutHere) {
    assert.equal(await offeredOrNamed(id), false, `${id} stays out of the files loaded`);
    await assertNowhereAtRest(id);
  }
  await page.reload();
  await waitReady();
  await grantIdentifiable();
  for (const id of optedOutHere) {
    assert.equal(await offeredOrNamed(id), false, `${id} stays out after a reload of the files`);
    await assertNowhereAtRest(id);
  }
});

test("no page errors and no request beyond 127.0.0.1", async () => {
  await context.setOffline(false);
  assert.deepEqual(pageErrors, []);
  // The offline probes (networkReachable) are meant to fail; nothing else may.
  assert.deepEqual(consoleErrors.filter((e) => !/ERR_FAILED \(.*\/not-cached-\d+\.txt\)$/.test(e)), []);
  const foreign = requests.filter((u) => {
    const { protocol, hostname } = new URL(u);
    return !(protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1");
  });
  assert.deepEqual(foreign, []);
});
