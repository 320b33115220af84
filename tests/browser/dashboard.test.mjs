// Drives the dashboard (www/) in headless Chromium: the figures it renders
// must equal what the Node binding computes on the same demo data, team views
// must refuse without consent and pass the consent gate with it, and the page
// must make no request beyond the local server and throw no error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const SEED = 7;
const INTERACTIONS = 5000;

let server;
let context;
let page;
let profileDir;
let expected;
const pageErrors = [];
const consoleErrors = [];
const requests = [];

/** What the Node binding computes for the same demo data and options as the page's worker. */
function engineInsights() {
  const { Engine, demoDataset } = require("../../pkg/node/rapport.js");
  const demo = demoDataset({ seed: SEED, interactions: INTERACTIONS });
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains });
  try {
    engine.loadPeople(demo.people);
    engine.loadInteractions(demo.interactions);
    return engine.ownInsights();
  } finally {
    engine.free();
  }
}

before(async () => {
  expected = engineInsights();
  const started = await startServer(0);
  server = started.server;
  profileDir = mkdtempSync(join(tmpdir(), "rapport-dashboard-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Requests from the page and from its worker both reach the context.
  context.on("request", (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("worker", (worker) =>
    worker.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(`worker: ${msg.text()}`);
    }),
  );
  await page.goto(`${started.url}?seed=${SEED}&interactions=${INTERACTIONS}`);
  await page.waitForSelector('main[data-state="ready"], main[data-state="error"]', { timeout: 20_000 });
  assert.equal(
    await page.getAttribute("main", "data-state"),
    "ready",
    `the page did not get ready: ${await page.textContent("#failure")}`,
  );
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test("the demo data is not empty, so the comparisons below compare something", () => {
  assert.ok(expected.interactionsUsed > 0, "the viewer has interactions in the window");
  assert.ok(expected.kpis.emailsSent > 0 && expected.kpis.meetings > 0);
});

test("own insights on the page equal the Node binding's figures", async () => {
  const shown = await page.$$eval("[data-kpi]", (nodes) =>
    nodes.map((n) => ({ field: n.dataset.kpi, value: n.dataset.value, text: n.textContent.trim() })),
  );
  const fields = shown.map((s) => s.field).sort();
  assert.deepEqual(fields, Object.keys(expected.kpis).sort(), "every KPI is rendered exactly once");
  for (const { field, value, text } of shown) {
    assert.deepEqual(JSON.parse(value), expected.kpis[field], `data-value of ${field}`);
    assert.ok(text.length > 0, `${field} has a display text`);
  }
  // Spot-check the display texts: a count and a rate as a person reads them.
  const sent = shown.find((s) => s.field === "emailsSent");
  assert.equal(sent.text.replace(/\D/g, ""), String(expected.kpis.emailsSent));
  const rate = shown.find((s) => s.field === "responseRate");
  if (expected.kpis.responseRate !== null) assert.match(rate.text, /%/);

  const windowEnd = await page.getAttribute('[data-field="window-end"]', "data-value");
  assert.equal(JSON.parse(windowEnd), expected.window.end);
  const last = await page.getAttribute('[data-field="last-interaction"]', "data-value");
  assert.equal(JSON.parse(last), expected.lastInteractionAt);

  const weeks = await page.$$eval("#chart svg [data-week]", (groups) =>
    groups.map((g) => ({
      week: g.dataset.week,
      bars: [...g.querySelectorAll("rect[data-series]")].map((r) => [r.dataset.series, Number(r.dataset.value)]),
    })),
  );
  assert.equal(weeks.length, expected.weekly.length, "one bar group per week");
  weeks.forEach((w, i) => {
    const e = expected.weekly[i];
    assert.equal(w.week, e.week);
    assert.deepEqual(w.bars, [
      ["emailsSent", e.emailsSent],
      ["emailsReceived", e.emailsReceived],
      ["meetings", e.meetings],
    ]);
  });

  const topIds = await page.$$eval("#top-contacted [data-person]", (li) => li.map((n) => n.dataset.person));
  assert.deepEqual(topIds, expected.topContacted.map((p) => p.id));
});

test("without consent, team views show a refusal naming the missing scope", async () => {
  assert.equal(await page.isChecked("#consent-identifiable"), false);
  assert.equal(await page.isChecked("#consent-aggregated"), false);
  const options = await page.$$eval("#contact option", (o) => o.map((n) => n.value).filter(Boolean));
  assert.ok(options.length > 0, "the contact selector offers contacts");

  await page.getByRole("button", { name: "Relationship" }).click();
  const refusal = page.locator('#team-result [role="alert"][data-refusal]');
  await refusal.waitFor({ state: "visible" });
  assert.equal(await refusal.getAttribute("data-refusal"), "identifiable");
  assert.match(await refusal.textContent(), /identifiable/i);

  await page.getByRole("button", { name: "Organization aggregates" }).click();
  await page.locator('#team-result [data-refusal="aggregated"]').waitFor({ state: "visible" });
  assert.match(await refusal.textContent(), /aggregated/);
});

test("with identifiable consent, Relationship passes the gate and aggregates still need their own", async () => {
  await page.getByLabel("Identifiable team data").check();
  await page.getByRole("button", { name: "Relationship" }).click();
  const notice = page.locator('#team-result [data-notice="not-implemented"]');
  await notice.waitFor({ state: "visible" });
  assert.match(await notice.textContent(), /later release/);
  assert.equal(await page.locator("#team-result [data-refusal]").count(), 0);

  await page.getByRole("button", { name: "Organization aggregates" }).click();
  await page.locator('#team-result [data-refusal="aggregated"]').waitFor({ state: "visible" });
});

test("withdrawing both scopes purges, granting again reloads, own insights stay", async () => {
  const kpisBefore = await page.$$eval("[data-kpi]", (n) => n.map((e) => e.dataset.value));
  await page.getByLabel("Identifiable team data").uncheck();
  await page.locator("#consent-note", { hasText: "deleted" }).waitFor();
  await page.getByLabel("Anonymized aggregates").check();
  await page.locator("#consent-note", { hasText: "reloaded" }).waitFor();
  await page.getByRole("button", { name: "Organization aggregates" }).click();
  await page.locator('#team-result [data-notice="not-implemented"]').waitFor({ state: "visible" });
  await page.getByRole("button", { name: "Who knows whom" }).click();
  await page.locator('#team-result [data-refusal="identifiable"]').waitFor({ state: "visible" });
  assert.deepEqual(await page.$$eval("[data-kpi]", (n) => n.map((e) => e.dataset.value)), kpisBefore);
});

test("no page errors and no request beyond 127.0.0.1; full-page screenshot", async () => {
  mkdirSync(join(repo, "test-artifacts"), { recursive: true });
  await page.screenshot({ path: join(repo, "test-artifacts", "dashboard.png"), fullPage: true });

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  assert.ok(requests.some((u) => u.endsWith("/pkg/rapport_bg.wasm")), "the wasm was fetched");
  assert.ok(requests.some((u) => u.endsWith("/worker.js")), "the worker was fetched");
  const foreign = requests.filter((u) => {
    const { protocol, hostname } = new URL(u);
    return !(protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1");
  });
  assert.deepEqual(foreign, []);
});
