// The card as the page (issue 17), driven in headless Chromium like a
// salesperson would: the type-ahead search, deep links, tabs and period
// presets open the card of the contact or account asked for, with the
// figures the Node binding computes on the same data (the health line, the
// activity list, the drafted introduction with its evidence); the
// administrator's signed permission survives a reload with no data lost,
// and an expired or forged one brings nothing back; organization figures
// follow the deployment's noise policy with no exact escape; rows with
// nothing to show are folded; CSV files load like NDJSON. The accessibility
// check of every view and state is card-states.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { signConsentToken } from "../../scripts/consent-token.mjs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import { openProfile, waitReady, storedRecord } from "./helpers.mjs";
import { SEED, INTERACTIONS, MAX_HOPS, nodeEngine, pickContact } from "./dashboard-helpers.mjs";
import { cardShows, openTab, openLink, openSettings, closeSettings, shownCard } from "./card-helpers.mjs";
import { signDemoToken, DEMO_TENANT } from "../../www/worker/admin.js";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset } = require("../../pkg/node/rapport_demo.js");

let server;
let base;
/** Pages opened, closed after the tests. */
const opened = [];
const pageErrors = [];
const consoleErrors = [];
let team; // a Node engine with every scope, on the page's data
let contactId;
let dataDir;

/** A new profile on `query`, ready. */
async function open(name, query = "") {
  const p = await openProfile(name, { pageErrors, consoleErrors });
  opened.push(p);
  await p.page.goto(`${base}?seed=${SEED}&interactions=${INTERACTIONS}${query}`);
  await waitReady(p.page, 30_000);
  return p;
}

before(async () => {
  team = nodeEngine({ identifiable: true, aggregated: true });
  contactId = pickContact(team);
  const started = await startServer(0);
  server = started.server;
  base = started.url;
  dataDir = mkdtempSync(join(tmpdir(), "rapport-card-"));
});

after(async () => {
  team?.free();
  for (const p of opened) {
    await p.context.close();
    rmSync(p.profileDir, { recursive: true, force: true });
  }
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("a card is shown as soon as the page is ready: the viewer's most frequent contact, equal to the Node binding's", async () => {
  const { page } = await open("card-first");
  await cardShows(page, '[data-view="relationship"]');
  const card = await shownCard(page);
  const r = team.relationship({ contact: card.id }, { scope: "team" });
  assert.equal(card.kind, "contact");
  assert.equal(card.score, r.health.score);
  assert.deepEqual(card.history, r.healthHistory.map((p) => p.score), "the health line is the engine's weekly history");
  assert.ok(card.history.length >= 12, "a line over the whole window, not a dot");
  assert.equal(card.nextStep, r.nextStep?.rule ?? null, "the engine's suggested next step");
  // The activity list: the engine's first page, newest first, of exactly the interactions counted.
  const a = team.activity({ contact: card.id }, { scope: "team", limit: 10 });
  assert.deepEqual(card.activity, a.items.map((i) => i.id));
  assert.equal(card.total, r.interactionsUsed);
  await page.getByRole("button", { name: "Show more" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-activity]").length > n, card.activity.length);
  const more = await page.$$eval("[data-activity]", (li) => li.map((n) => n.dataset.activity));
  const page2 = team.activity({ contact: card.id }, { scope: "team", limit: 10, before: a.next });
  assert.deepEqual(more, [...a.items, ...page2.items].map((i) => i.id), "the next page follows on");
  assert.match(page.url(), new RegExp(`#contact=${encodeURIComponent(card.id).replace(/[.]/g, "\\.")}`), "the address bar links to the card");
});

test("search: typing part of a name and an account offers matches; Enter opens the card; Escape closes the list", async () => {
  const { page } = await open("card-search");
  const r = team.relationship({ contact: contactId }, { scope: "team" });
  const name = r.target.name;
  assert.ok(name, "the demo contact has a name");
  const first = name.split(" ")[0].slice(0, 3).toLowerCase();
  const last = name.split(" ").at(-1).slice(0, 2);
  await page.click("#search");
  await page.keyboard.type(`${first} ${last}`);
  const options = page.locator("#search-list [role=option]");
  await options.first().waitFor();
  const offered = await options.evaluateAll((li) => li.map((n) => n.dataset.open));
  assert.ok(offered.includes(`contact:${contactId}`), `"${first} ${last}" finds ${name}: ${offered.join(", ")}`);
  assert.equal(await page.getAttribute("#search", "aria-expanded"), "true");
  // Arrow down to it, Enter.
  const at = offered.indexOf(`contact:${contactId}`);
  for (let i = 0; i < at; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("#search", "aria-activedescendant"), `search-option-${at}`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#team-result [data-view="relationship"][data-target-id="${contactId}"]`);
  assert.equal(await page.isHidden("#search-list"), true);
  assert.equal((await shownCard(page)).score, r.health.score);

  // An account by its id: the match is the account.
  const account = r.target.account;
  await page.click("#search");
  await page.keyboard.type(account.split(/[.-]/)[0]);
  await options.first().waitFor();
  const accounts = await options.evaluateAll((li) => li.map((n) => n.dataset.open));
  assert.ok(accounts.includes(`account:${account}`), `typing the company finds the account: ${accounts.join(", ")}`);
  await page.keyboard.press("Escape");
  assert.equal(await page.isHidden("#search-list"), true);
  assert.equal(await page.getAttribute("#search", "aria-expanded"), "false");
  // Nothing matches a word no one has.
  await page.fill("#search", "zzqx");
  assert.equal(await options.count(), 0);
});

test("deep links open a contact's or an account's card, a view and a period; a link to no one says so", async () => {
  const r = team.relationship({ contact: contactId }, { scope: "team" });
  const p = await openProfile("card-link", { pageErrors, consoleErrors });
  opened.push(p);
  const { page } = p;
  await page.goto(`${base}?seed=${SEED}&interactions=${INTERACTIONS}#contact=${encodeURIComponent(contactId)}`);
  await waitReady(page, 30_000);
  await page.waitForSelector(`#team-result [data-view="relationship"][data-target-id="${contactId}"]`);
  assert.equal((await shownCard(page)).score, r.health.score);

  const account = r.target.account;
  await openLink(page, `#account=${encodeURIComponent(account)}&view=whoKnowsWhom`);
  await cardShows(page, `[data-view="who-knows-whom"][data-target-id="${account}"]`);
  assert.equal(await page.getAttribute("#tab-whoKnowsWhom", "aria-selected"), "true");

  await openLink(page, `#contact=${encodeURIComponent(contactId)}&days=30`);
  await cardShows(page, `[data-view="relationship"][data-target-id="${contactId}"]`);
  const r30 = team.relationship({ contact: contactId }, { scope: "team", days: 30 });
  assert.equal((await shownCard(page)).score, r30.health.score, "the link's period");
  assert.equal(await page.getAttribute('.presets [data-days="30"]', "aria-pressed"), "true");

  await openLink(page, "#contact=nobody%40nowhere.example");
  await cardShows(page, '[data-error-code="UNKNOWN_TARGET"]');
  const said = await page.textContent("#team-result");
  assert.match(said, /nobody@nowhere\.example/);
  assert.doesNotMatch(said.replace(/Details[\s\S]*/, ""), /UNKNOWN_TARGET/, "no error code in the main flow");
});

test("tabs: one selected at a time, its panel shown; arrow keys move between them", async () => {
  const { page } = await open("card-tabs");
  await cardShows(page, '[data-view="relationship"]');
  const selected = () => page.$$eval('#tabs [role="tab"][aria-selected="true"]', (t) => t.map((n) => n.dataset.query));
  assert.deepEqual(await selected(), ["relationship"]);
  for (const [name, view, shows] of [
    ["Who knows them", "whoKnowsWhom", '[data-view="who-knows-whom"]'],
    ["Introductions", "introductionPaths", '[data-view="introduction-paths"]'],
    ["Accounts", "accounts", "table.accounts"],
    ["Organization", "aggregates", '[data-view="aggregates"]'],
  ]) {
    await openTab(page, name);
    await cardShows(page, shows);
    assert.deepEqual(await selected(), [view]);
    assert.equal(await page.getAttribute("#team-result", "aria-labelledby"), `tab-${view}`);
  }
  await openTab(page, "Your activity");
  await page.waitForSelector("#own:not([hidden]) [data-kpi]");
  assert.equal(await page.isHidden("#team-result"), true, "one panel at a time");
  assert.deepEqual(await selected(), ["own"]);
  // Keyboard: Home goes to the first tab and selects it; ArrowRight to the next.
  await page.focus("#tab-own");
  await page.keyboard.press("Home");
  await cardShows(page, '[data-view="relationship"]');
  assert.deepEqual(await selected(), ["relationship"]);
  await page.keyboard.press("ArrowRight");
  await cardShows(page, '[data-view="who-knows-whom"]');
  assert.deepEqual(await selected(), ["whoKnowsWhom"]);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-whoKnowsWhom");
});

test("date presets: 30, 90, 180 and 365 days change the card's window and figures to the engine's for that period", async () => {
  const { page } = await open("card-presets");
  await openLink(page, `#contact=${encodeURIComponent(contactId)}`);
  await cardShows(page, `[data-view="relationship"][data-target-id="${contactId}"]`);
  for (const days of [30, 180, 365, 90]) {
    await page.click(`.presets [data-days="${days}"]`);
    await page.waitForFunction(
      (d) => {
        const v = document.querySelector('#team-result [data-view="relationship"]');
        const s = v?.querySelector('[data-field="window-start"]');
        const e = v?.querySelector('[data-field="window-end"]');
        return s && e && !document.getElementById("team-result").hasAttribute("aria-busy") && Math.round((Date.parse(JSON.parse(e.dataset.value)) - Date.parse(JSON.parse(s.dataset.value))) / 86400000) === d;
      },
      days,
    );
    const r = team.relationship({ contact: contactId }, { scope: "team", days });
    const card = await shownCard(page);
    assert.equal(card.score, r.health.score, `${days} days: score`);
    assert.deepEqual(card.history, r.healthHistory.map((p) => p.score), `${days} days: health line`);
    assert.equal(card.total, r.interactionsUsed, `${days} days: activity total`);
    assert.equal(await page.getAttribute(`.presets [data-days="${days}"]`, "aria-pressed"), "true");
    if (days !== 90) assert.match(page.url(), new RegExp(`days=${days}`));
  }
  // The accounts list follows the period too.
  await page.click('.presets [data-days="30"]');
  await openTab(page, "Accounts");
  await cardShows(page, "table.accounts");
  const rows = await page.$$eval("table.accounts tbody tr[data-account]", (tr) => tr.length);
  assert.equal(rows, team.relationshipSummaries({ level: "account", scope: "team", days: 30 }).length);
});

test("introductions: each path through a colleague opens a drafted e-mail to them with the engine's message and the evidence", async () => {
  const { page } = await open("card-intro");
  await openLink(page, `#contact=${encodeURIComponent(contactId)}&view=introductionPaths`);
  await cardShows(page, '[data-view="introduction-paths"]');
  const paths = team.introductionPaths({ contact: contactId }, { maxHops: MAX_HOPS });
  const asks = paths.filter((p) => p.introduction);
  assert.ok(asks.length >= 1, "the demo contact has a path through a colleague");
  const links = await page.$$eval("a.ask-intro", (a) => a.map((n) => ({ href: n.getAttribute("href"), ask: n.dataset.ask, text: n.textContent })));
  assert.equal(links.length, asks.length, "one draft per path through a colleague, none for the direct tie");
  for (const [i, link] of links.entries()) {
    const intro = asks[i].introduction;
    const url = new URL(link.href);
    assert.equal(url.protocol, "mailto:");
    assert.equal(decodeURIComponent(url.pathname), intro.ask, "to the colleague to ask");
    const body = url.searchParams.get("body");
    assert.ok(body.startsWith(intro.message), "the engine's drafted message first");
    for (const tie of [intro.viewerTie, intro.contactTie]) {
      const e = tie.evidence;
      assert.match(body, new RegExp(`${e.emails} e-mails?, ${e.meetings} meetings?, ${e.calls} calls?`), "each tie's evidence");
    }
    assert.match(url.searchParams.get("subject"), /Introduction to/);
    assert.match(link.text, new RegExp(`Ask ${(intro.askName ?? intro.ask).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  }
});

/** A token for `claims`, signed by a key the dashboard does not trust. */
function forged(claims) {
  return signConsentToken(generateKeyPairSync("ed25519").privateKey, claims);
}

/** Replaces the stored record's consent token, in the page's IndexedDB. */
async function setStoredToken(page, token) {
  await page.evaluate(
    (t) =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open("rapport-dashboard");
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction("data", "readwrite");
          const store = tx.objectStore("data");
          const get = store.get("snapshot");
          get.onsuccess = () => store.put({ ...get.result, consentToken: t }, "snapshot");
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        req.onerror = () => reject(req.error);
      }),
    token,
  );
}

test("permission survives a reload with no data lost; an expired or forged one deletes the team's data", async () => {
  const { page } = await open("card-consent");
  const demo = demoDataset({ seed: SEED, interactions: INTERACTIONS });
  const all = team.stats().interactions;
  let record = await storedRecord(page);
  assert.equal(typeof record.consentToken, "string", "the administrator's grant is stored with the snapshot");
  assert.equal(record.purged, false);
  assert.match(await page.textContent("#consent-status"), /^Granted by your administrator until \w+ \d+, \d{4}/);

  await page.reload();
  await waitReady(page, 30_000);
  assert.match(await page.textContent("#status"), /Reopened from this browser's storage/);
  assert.match(await page.textContent("#status"), new RegExp(`${all.toLocaleString("en")} interactions`), "every interaction is back");
  assert.match(await page.textContent("#consent-status"), /^Granted by your administrator until/);
  assert.equal(await page.getAttribute("#consent-status", "data-consent"), "identifiable aggregated");
  record = await storedRecord(page);
  assert.equal(record.purged, false, "nothing was purged on reopen");
  await openTab(page, "Who knows them");
  await cardShows(page, '[data-view="who-knows-whom"]');

  // Attacker: a token for the same viewer signed by another key, then an expired one signed by the demo key.
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: "rapport", tid: DEMO_TENANT, sub: demo.viewer, scp: ["aggregated", "identifiable"], iat: now, exp: now + 86400, jti: "forged" };
  const expired = await signDemoToken(demo.viewer, { aggregated: true, identifiable: true }, { days: 1, nowMs: Date.now() - 3 * 86_400_000 });
  const ownOnly = nodeEngine({}).stats().interactions;
  for (const [what, token] of [["forged", forged(claims)], ["expired", expired]]) {
    // Put the full snapshot back under a good grant first.
    await setStoredToken(page, await signDemoToken(demo.viewer, { aggregated: true, identifiable: true }));
    await page.reload();
    await waitReady(page, 30_000);
    assert.equal((await storedRecord(page)).purged, false, `${what}: starts whole`);
    await setStoredToken(page, token);
    await page.reload();
    await waitReady(page, 30_000);
    assert.match(await page.textContent("#consent-status"), /has not granted access/, `${what}: no permission`);
    const after = await storedRecord(page);
    assert.equal(after.purged, true, `${what}: the stored copy holds only the viewer's own`);
    assert.equal(after.consentToken, null);
    const stored = Engine.fromSnapshot(new Uint8Array(after.bytes), { viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now });
    try {
      assert.equal(stored.stats().interactions, ownOnly, `${what}: others' interactions are gone from disk`);
    } finally {
      stored.free();
    }
    await openTab(page, "Who knows them");
    await cardShows(page, '[data-refusal="identifiable"]');
    // Put the demo back for the next round (it is generated anew once permission returns).
    await openSettings(page);
    await page.check("#consent-identifiable");
    await page.waitForFunction(() => /Granted/.test(document.getElementById("consent-note").textContent));
    await closeSettings(page);
  }
});

test("noise is the deployment's policy: every organization figure is approximate with its range, uncertain ones greyed, and no control offers exact figures even once the allowance is spent", async () => {
  const { page } = await open("card-noise", "&epsilonBudget=2");
  assert.equal(await page.getAttribute("#noise-policy", "data-noise"), "required");
  await openTab(page, "Organization");
  await cardShows(page, '[data-view="aggregates"] table.heatmap');
  assert.equal(await page.locator('[data-view="aggregates"] input[data-control="noise"]').count(), 0, "no noise switch");
  const cells = await page.$$eval('table.heatmap td[data-value]:not([data-value="null"])', (td) =>
    td.map((n) => ({ approx: n.dataset.approx, range: Number(n.dataset.range), value: JSON.parse(n.dataset.value), cls: n.className })),
  );
  assert.ok(cells.length > 0, "some cells are shown");
  for (const c of cells) {
    assert.equal(c.approx, "true", "every figure is noisy");
    assert.ok(c.range > 0, "with its range");
    const uncertain = 2 * c.range > c.value;
    assert.equal(/\buncertain\b/.test(c.cls), uncertain, `greyed exactly when the range is wider than the figure (${c.value} ± ${c.range})`);
    if (uncertain) assert.doesNotMatch(c.cls, /\bq\d\b/, "a greyed cell has no colour band");
  }
  // Spend the allowance: each new question costs 1 of 2.
  await page.selectOption('[data-control="group-by"]', "account");
  await cardShows(page, '[data-view="aggregates"][data-group-by="account"] [data-figure="heatmap"]');
  await page.click('[data-control="period"] label:has-text("Month")').catch(() => page.check('[data-control="period"] input[value="month"]'));
  await cardShows(page, '[data-notice="budget-exhausted"]');
  const notice = await page.textContent('[data-notice="budget-exhausted"]');
  assert.match(notice, /not offered here/);
  const buttons = await page.$$eval("#team-result button", (b) => b.map((n) => n.textContent));
  assert.ok(!buttons.some((t) => /without noise|exact/i.test(t)), `no way to exact figures: ${buttons.join(", ")}`);
});

test("rows with nothing to show are folded into one line, counted as the engine hides them; weeks offer months", async () => {
  const { page } = await open("card-fold", "&requireNoise=0");
  await openTab(page, "Organization");
  await cardShows(page, '[data-view="aggregates"] table.heatmap');
  await page.selectOption('[data-control="group-by"]', "account");
  await cardShows(page, '[data-view="aggregates"][data-group-by="account"] [data-figure="heatmap"]');
  const table = team.aggregates({ groupBy: "account", period: "week" });
  // An independent count: groups whose every period is suppressed.
  const hidden = table.groups.filter((g) => table.rows.filter((r) => r.group === g).every((r) => r.suppressed));
  assert.ok(hidden.length > 0, "the demo has accounts with too few colleagues");
  const folded = page.locator("[data-folded]");
  assert.equal(Number(await folded.getAttribute("data-folded")), hidden.length);
  assert.match(await folded.textContent(), new RegExp(`^${hidden.length} accounts hidden: fewer than 5 colleagues active in any week`));
  const rows = await page.$$eval("table.heatmap tbody tr[data-group]", (tr) => tr.map((n) => n.dataset.group));
  assert.deepEqual(rows, table.groups.filter((g) => !hidden.includes(g)), "the other rows, in the engine's order");
  // Months: offered, and the engine's answer decides what shows.
  await page.click('[data-offer-period="month"]');
  await cardShows(page, '[data-view="aggregates"][data-period="month"] [data-figure="heatmap"]');
  const months = team.aggregates({ groupBy: "account", period: "month" });
  const hiddenMonths = months.groups.filter((g) => months.rows.filter((r) => r.group === g).every((r) => r.suppressed)).length;
  assert.equal(Number((await page.getAttribute("[data-folded]", "data-folded").catch(() => "0")) ?? 0), hiddenMonths);
});

/** CSV of records, written independently of the page's reader: RFC 4180 quoting, lists joined by ";". */
function toCsv(records) {
  const columns = ["id", "kind", "from", "to", "cc", "at", "durationMinutes", "threadId", "inReplyTo", "cancelled"];
  const cell = (v) => {
    if (v === undefined || v === null) return "";
    const s = Array.isArray(v) ? v.join(";") : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(","), ...records.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\r\n") + "\r\n";
}

test("a CSV file of interactions loads like NDJSON: the same figures as the Node binding given the records", async () => {
  const { page } = await open("card-csv");
  const demo = demoDataset({ seed: SEED, interactions: 2000 });
  const records = JSON.parse(demo.interactions);
  // A thread id with a comma and a quote: the quoting must hold.
  records[0] = { ...records[0], threadId: 'Re: "Q3", budget' };
  const path = join(dataDir, "interactions.csv");
  writeFileSync(path, toCsv(records));
  await openSettings(page);
  await page.getByRole("button", { name: "Load your own data…" }).click();
  await page.setInputFiles("#load-files", path);
  await page.getByLabel("Your e-mail address (the signed-in user)").fill(demo.viewer);
  await page.getByLabel("Internal domains").fill(demo.internalDomains.join(", "));
  await page.getByLabel("Figures as of").fill(demo.now.slice(0, 10));
  await page.locator("#load-start").click();
  const report = page.locator("#load-report [data-outcome]");
  await report.waitFor({ state: "visible", timeout: 60_000 });
  assert.equal(await report.getAttribute("data-outcome"), "loaded", await report.textContent());
  await closeSettings(page);
  await openTab(page, "Your activity");
  await page.waitForSelector("#own:not([hidden]) [data-kpi]");
  const shown = await page.$$eval("#own [data-kpi]", (n) => n.map((k) => [k.dataset.kpi, JSON.parse(k.dataset.value)]));
  // The Node binding, given the NDJSON records, as of the end of that day (the page's "Figures as of").
  const asOf = Date.parse(`${demo.now.slice(0, 10)}T23:59:59.999Z`);
  const node = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: asOf });
  try {
    const loaded = node.loadInteractions(records.map((r) => JSON.stringify(r)).join("\n"), { format: "ndjson" });
    assert.ok(loaded.accepted > 0);
    const kpis = node.ownInsights({}).kpis;
    assert.deepEqual(Object.fromEntries(shown), Object.fromEntries(shown.map(([k]) => [k, kpis[k]])));
  } finally {
    node.free();
  }
});

test("no page errors", () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
});
