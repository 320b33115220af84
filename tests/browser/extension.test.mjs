// Loads the Manifest V3 extension (examples/extension) unpacked in headless
// Chromium and drives its popup, opened as a tab: it must run the .wasm under
// the extension-page CSP (script-src 'self' 'wasm-unsafe-eval') without a
// single violation, show a contact's relationship and who knows whom equal to
// what the Node binding computes on the same demo data, refuse who knows whom
// and the whole-team view without identifiable consent and show them once it
// is granted (also after a withdrawal, which deletes others' interactions),
// and load a user's NDJSON file. The extension id is computed from the
// manifest's "key", as Chromium does: the first 32 hex digits of the SHA-256
// of the public key, each digit 0-f written as a letter a-p.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset } = require("../../pkg/node/rapport_demo.js");
const repo = fileURLToPath(new URL("../../", import.meta.url));
const extensionDir = join(repo, "examples", "extension");
const manifest = JSON.parse(readFileSync(join(extensionDir, "manifest.json"), "utf8"));
/** As examples/extension/popup.js: DEMO and WHO_KNOWS_WHOM_TOP (the page states the demo's, checked below). */
const SEED = 42;
const INTERACTIONS = 20000;
const TOP = 5;
const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";

let context;
let page;
let profileDir;
let workDir;
let extensionId;
let demo;
/** Node engines on the popup's data: without consent, and with identifiable consent. */
let ownEngine;
let teamEngine;
/** The contact the tests open: scored in own scope, with colleagues who know them. */
let contactId;
const pageErrors = [];
const consoleErrors = [];
const requests = [];

/** Chromium's id for an extension with this manifest "key" (base64 DER public key). */
function idFromKey(key) {
  const hex = createHash("sha256").update(Buffer.from(key, "base64")).digest("hex").slice(0, 32);
  return [...hex].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join("");
}

function nodeEngine(consent, data = demo) {
  const engine = new Engine({ viewer: data.viewer, internalDomains: data.internalDomains, now: data.now, consent });
  if (data.people) engine.loadPeople(data.people);
  engine.loadInteractions(data.interactions, data.format ? { format: data.format } : undefined);
  return engine;
}

/** The busiest contact the viewer knows that is scored in own scope and known to at least three colleagues. */
function pickContact(own, team) {
  const candidates = own
    .relationshipSummaries({ level: "contact", scope: "own" })
    .filter((c) => c.health.state === "scored")
    .filter((c) => team.whoKnowsWhom({ contact: c.id }, { top: TOP }).colleagues.length >= 3)
    .sort((a, b) => b.interactionsUsed - a.interactionsUsed || a.id.localeCompare(b.id));
  assert.ok(candidates.length > 0, "the demo data has a contact worth showing");
  return candidates[0].id;
}

/** The datalist's contacts, in the page's order (busiest first), as the engine lists them. */
function contactsOf(engine, scope) {
  return engine
    .relationshipSummaries({ level: "contact", scope })
    .sort((a, b) => b.interactionsUsed - a.interactionsUsed || a.id.localeCompare(b.id))
    .map((c) => c.id);
}

/** Waits until the popup is idle and `selector` is visible. */
async function shows(selector) {
  await page.locator(selector).first().waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("app").hasAttribute("aria-busy"));
}

async function showContact(id) {
  await page.locator("#contact").fill(id);
  await page.locator("#contact").press("Enter"); // the form submits from the keyboard
  await shows(`#result [data-view="relationship"]`);
}

/** What the relationship section shows, read from the page. */
async function shownRelationship() {
  return page.$eval('#result [data-view="relationship"]', (view) => ({
    shown: view.dataset.shown,
    scope: view.dataset.scope,
    id: view.dataset.targetId,
    name: view.querySelector("h2").textContent,
    kpis: [...view.querySelectorAll("[data-kpi]")].map((n) => [n.dataset.kpi, JSON.parse(n.dataset.value), n.textContent.trim()]),
    score: JSON.parse(view.querySelector('[data-health="score"]').dataset.value),
    scoreText: view.querySelector('[data-health="score"]').textContent.trim(),
    band: JSON.parse(view.querySelector('[data-health="band"]').dataset.value),
    bandText: view.querySelector('[data-health="band"]').textContent.trim(),
    trend: view.querySelector('[data-health="trend"]') ? JSON.parse(view.querySelector('[data-health="trend"]').dataset.value) : null,
    summary: view.querySelector('[data-health="summary"]').textContent,
    factors: [...view.querySelectorAll("[data-factor-points]")].map((n) => [n.dataset.factorPoints, Number(n.value)]),
    explanations: [...view.querySelectorAll("[data-factor]")].map((li) => li.textContent),
    last: JSON.parse(view.querySelector('[data-field="last-interaction"]').dataset.value),
    lastText: view.querySelector('[data-field="last-interaction"]').textContent,
    next: JSON.parse(view.querySelector('[data-field="next-interaction"]').dataset.value),
    nextText: view.querySelector('[data-field="next-interaction"]').textContent,
    windowStart: JSON.parse(view.querySelector('[data-field="window-start"]').dataset.value),
    windowEnd: JSON.parse(view.querySelector('[data-field="window-end"]').dataset.value),
    used: Number(view.querySelector('[data-field="interactions-used"]').value),
  }));
}

function assertRelationship(shown, r) {
  assert.equal(shown.shown, "result");
  assert.equal(shown.scope, r.scope);
  assert.equal(shown.id, r.target.id);
  assert.equal(shown.name, r.target.name ?? r.target.id);
  assert.deepEqual(shown.kpis.map(([field]) => field).sort(), Object.keys(r.kpis).sort(), "every KPI is shown exactly once");
  for (const [field, value, text] of shown.kpis) {
    assert.deepEqual(value, r.kpis[field], `KPI ${field}`);
    assert.ok(text.length > 0, `${field} has a display text`);
  }
  assert.equal(shown.score, r.health.score, "health score");
  assert.equal(shown.band, r.health.band ?? "insufficient-data", "health band");
  if (r.health.state === "scored") {
    assert.equal(shown.scoreText, String(r.health.score));
    assert.equal(shown.bandText.toLowerCase(), r.health.band);
  } else {
    assert.doesNotMatch(shown.scoreText, /\d/, "an unscored relationship shows no number as its score");
  }
  assert.equal(shown.trend, r.health.trend?.direction ?? null, "trend");
  assert.equal(shown.summary, r.health.summary, "the health explanation");
  assert.deepEqual(shown.factors, r.health.factors.map((f) => [f.factor, f.points]), "each factor's points");
  r.health.factors.forEach((f, i) => {
    if (f.value !== null) assert.ok(shown.explanations[i].includes(f.explanation), `the ${f.factor} factor is explained`);
  });
  assert.equal(shown.last, r.lastInteractionAt, "last interaction");
  assert.equal(shown.next, r.nextInteractionAt, "next interaction");
  if (r.lastInteractionAt) assert.match(shown.lastText, /UTC$/);
  if (r.nextInteractionAt) assert.match(shown.nextText, /UTC$/);
  assert.equal(shown.windowStart, r.window.start);
  assert.equal(shown.windowEnd, r.window.end);
  assert.equal(shown.used, r.interactionsUsed);
}

async function shownWhoKnowsWhom() {
  return page.$eval('#result [data-view="who-knows-whom"]', (view) => ({
    shown: view.dataset.shown,
    scope: view.dataset.scope,
    id: view.dataset.targetId,
    colleagues: [...view.querySelectorAll("li[data-person]")].map((li) => ({
      id: li.dataset.person,
      strength: JSON.parse(li.dataset.strength),
      evidence: JSON.parse(li.querySelector("[data-evidence]").dataset.evidence),
      last: JSON.parse(li.querySelector('[data-field="last"]').dataset.value),
      text: li.textContent,
    })),
  }));
}

function assertWhoKnowsWhom(shown, w) {
  assert.equal(shown.shown, "result");
  assert.equal(shown.scope, w.scope);
  assert.equal(shown.id, w.target.id);
  assert.deepEqual(
    shown.colleagues.map(({ id, strength, evidence, last }) => ({ id, strength, evidence, last })),
    w.colleagues.map((c) => ({
      id: c.id,
      strength: c.strength,
      evidence: [c.evidence.emails, c.evidence.meetings, c.evidence.calls],
      last: c.evidence.lastInteractionAt,
    })),
    "the colleagues, strongest first, with their evidence",
  );
  w.colleagues.forEach((c, i) => assert.ok(shown.colleagues[i].text.includes(c.name ?? c.id), `${c.id} is named`));
}

/** Asserts that `view` shows the identifiable-consent refusal, with the engine's own message. */
async function assertRefused(view, message) {
  const section = page.locator(`#result [data-view="${view}"]`);
  assert.equal(await section.getAttribute("data-shown"), "refusal", `${view} is refused`);
  const box = section.locator("[data-refusal]");
  assert.equal(await box.getAttribute("data-refusal"), "identifiable");
  assert.equal(await box.getAttribute("data-code"), "CONSENT_REQUIRED");
  const text = await box.textContent();
  assert.match(text, /Consent needed: identifiable team data/);
  assert.match(text, /Allow identifiable team data/, "the refusal says which switch grants it");
  assert.ok(text.includes(message), `the engine's message is shown: ${message}`);
  assert.equal(await section.locator("[data-kpi], li[data-person]").count(), 0, "no figures under a refusal");
}

function refusalMessage(fn) {
  try {
    fn();
  } catch (err) {
    assert.equal(err.code, "CONSENT_REQUIRED");
    return err.message;
  }
  assert.fail("the Node engine did not refuse");
}

before(async () => {
  const wasm = join(extensionDir, "pkg", "rapport_bg.wasm");
  assert.ok(existsSync(wasm), "examples/extension/pkg is missing: run `npm run build`");
  assert.ok(
    readFileSync(wasm).equals(readFileSync(join(repo, "www", "pkg", "rapport_bg.wasm"))),
    "examples/extension/pkg is not the current build: run `npm run build`",
  );
  // The popup's DOM and formatting helpers and its reload rule are the dashboard's, copied by the build.
  for (const name of ["ui.js", "reload.js"]) {
    const copy = join(extensionDir, "shared", name);
    assert.ok(existsSync(copy) && readFileSync(copy).equals(readFileSync(join(repo, "www", name))), `examples/extension/shared/${name} is not www/${name}: run \`npm run build\``);
  }
  demo = demoDataset({ seed: SEED, interactions: INTERACTIONS });
  ownEngine = nodeEngine({});
  teamEngine = nodeEngine({ identifiable: true });
  contactId = pickContact(ownEngine, teamEngine);
  extensionId = idFromKey(manifest.key);

  profileDir = mkdtempSync(join(tmpdir(), "rapport-extension-"));
  workDir = mkdtempSync(join(tmpdir(), "rapport-extension-files-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 360, height: 800 },
    args: [
      "--headless=new",
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...CHROMIUM_ARGS,
    ],
  });
  context.on("request", (request) => requests.push(request.url()));
  page = await context.newPage();
  // Runs before any script of the page: records every CSP violation the page reports.
  await page.addInitScript(() => {
    if (window.__cspViolations) return; // once per document
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, policy: e.originalPolicy });
    });
  });
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => {
    // Warnings too: wasm-bindgen warns when it cannot stream-compile the .wasm.
    if (msg.type() === "error" || msg.type() === "warning" || /Content Security Policy/i.test(msg.text())) consoleErrors.push(msg.text());
  });
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.waitForSelector('#app[data-state="ready"], #app[data-state="failed"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute("#app", "data-state"), "ready", `the popup did not get ready: ${await page.textContent("#status")}`);
});

after(async () => {
  ownEngine?.free();
  teamEngine?.free();
  await context?.close();
  for (const dir of [profileDir, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the manifest: MV3, no permissions, no background, the extension-page CSP allows only 'self' and 'wasm-unsafe-eval'", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.action.default_popup, "popup.html");
  assert.deepEqual(manifest.content_security_policy, { extension_pages: CSP });
  for (const key of ["permissions", "host_permissions", "optional_permissions", "background", "content_scripts", "web_accessible_resources"]) {
    assert.equal(manifest[key], undefined, `no ${key}`);
  }
  const html = readFileSync(join(extensionDir, "popup.html"), "utf8");
  const js = readFileSync(join(extensionDir, "popup.js"), "utf8");
  assert.deepEqual(
    [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]),
    ['<script type="module" src="popup.js">'],
    "one script, from the extension, nothing inline",
  );
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "no inline event handlers");
  assert.doesNotMatch(html + js, /https?:\/\//, "no remote URL");
  assert.doesNotMatch(js, /\beval\s*\(|new\s+Function\b|innerHTML|outerHTML|insertAdjacentHTML|document\.write/, "no eval, new Function or HTML strings");
  assert.doesNotMatch(js, /chrome\.storage|indexedDB|localStorage|sessionStorage|document\.cookie/, "stores nothing");
});

test("the popup loads the demo data and offers the viewer's own contacts, consent off", async () => {
  assert.equal(await page.textContent("#data-name"), `demo (seed ${SEED}, 20,000 interactions)`, "the demo the test computes");
  assert.equal(await page.isChecked("#consent-identifiable"), false);
  assert.equal(await page.isChecked("#scope-own"), true);
  assert.match(await page.textContent("#status"), new RegExp(`seen from ${demo.viewer}`));
  const options = await page.$$eval("#contacts option", (os) => os.map((o) => o.value));
  assert.deepEqual(options, contactsOf(ownEngine, "own"), "the datalist lists the viewer's own contacts, busiest first");
  assert.ok(options.includes(contactId));
  // Every control has a label.
  const unlabeled = await page.$$eval("input, select", (els) => els.filter((e) => !e.labels?.length).map((e) => e.id));
  assert.deepEqual(unlabeled, []);
});

test("mine only: the relationship equals the Node engine's; who knows whom and the whole team are refused without consent", async () => {
  await showContact(contactId);
  const own = ownEngine.relationship({ contact: contactId }, { scope: "own" });
  assert.equal(own.health.state, "scored");
  assertRelationship(await shownRelationship(), own);
  const whoMessage = refusalMessage(() => ownEngine.whoKnowsWhom({ contact: contactId }, { top: TOP }));
  await assertRefused("who-knows-whom", whoMessage);
  assert.match(await page.textContent("#status"), /Who knows whom: consent needed/);

  // The whole team, still without consent: refused too, whatever the contact.
  await page.locator("#scope-team").check();
  await shows('#result [data-view="relationship"][data-shown="refusal"]');
  await assertRefused("relationship", refusalMessage(() => ownEngine.relationship({ contact: contactId }, { scope: "team" })));
  await assertRefused("who-knows-whom", whoMessage);
  await page.locator("#scope-own").check();
  await shows('#result [data-view="relationship"][data-shown="result"]');
  assertRelationship(await shownRelationship(), own);
});

test("with identifiable consent: who knows whom and the whole-team relationship equal the Node engine's", async () => {
  await page.locator("#consent-identifiable").focus();
  await page.keyboard.press("Space"); // the consent switch works from the keyboard
  await shows('#result [data-view="who-knows-whom"][data-shown="result"]');
  assert.equal(await page.isChecked("#consent-identifiable"), true);
  assertWhoKnowsWhom(await shownWhoKnowsWhom(), teamEngine.whoKnowsWhom({ contact: contactId }, { top: TOP }));
  assertRelationship(await shownRelationship(), teamEngine.relationship({ contact: contactId }, { scope: "own" }));

  await page.locator("#scope-team").check();
  await shows('#result [data-view="relationship"][data-scope="identifiable"]');
  const team = teamEngine.relationship({ contact: contactId }, { scope: "team" });
  assertRelationship(await shownRelationship(), team);
  assert.deepEqual(
    await page.$$eval("#contacts option", (os) => os.map((o) => o.value)),
    contactsOf(teamEngine, "team"),
    "with consent, the datalist lists the team's contacts",
  );

  // Readable at 360 px: nothing sticks out sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, "the popup fits 360 px");
  mkdirSync(join(repo, "test-artifacts"), { recursive: true });
  await page.screenshot({ path: join(repo, "test-artifacts", "extension.png"), fullPage: true });
});

test("withdrawing refuses again; granting again loads the data anew and shows the same figures", async () => {
  await page.locator("#consent-identifiable").uncheck();
  await shows('#result [data-view="relationship"][data-shown="refusal"]');
  assert.match(await page.textContent("#status"), /withdrawn/);
  const message = refusalMessage(() => ownEngine.whoKnowsWhom({ contact: contactId }));
  await assertRefused("relationship", refusalMessage(() => ownEngine.relationship({ contact: contactId }, { scope: "team" })));
  await assertRefused("who-knows-whom", message);
  assert.deepEqual(await page.$$eval("#contacts option", (os) => os.map((o) => o.value)), contactsOf(ownEngine, "own"));
  await page.locator("#scope-own").check();
  await shows('#result [data-view="relationship"][data-shown="result"]');
  assertRelationship(await shownRelationship(), ownEngine.relationship({ contact: contactId }));

  // The withdrawal deleted others' interactions; a new grant must not show figures from what was left.
  await page.locator("#scope-team").check();
  await page.locator("#consent-identifiable").check();
  await shows('#result [data-view="relationship"][data-shown="result"][data-scope="identifiable"]');
  assertRelationship(await shownRelationship(), teamEngine.relationship({ contact: contactId }, { scope: "team" }));
  assertWhoKnowsWhom(await shownWhoKnowsWhom(), teamEngine.whoKnowsWhom({ contact: contactId }, { top: TOP }));
});

test("an unknown address is said to be unknown, not shown as zeros", async () => {
  await showContact("nobody@nowhere.example");
  const section = page.locator('#result [data-view="relationship"]');
  assert.equal(await section.getAttribute("data-shown"), "error");
  assert.equal(await section.locator("[data-code]").getAttribute("data-code"), "UNKNOWN_TARGET");
  assert.match(await section.textContent(), /No external contact “nobody@nowhere\.example”/);
  assert.equal(await page.locator("#result [data-kpi]").count(), 0);
});

test("a user's NDJSON file and directory replace the demo; a bad file is refused and the data kept", async () => {
  // A slice of the demo as the user's own export: NDJSON interactions, a JSON directory.
  const records = JSON.parse(demo.interactions).slice(0, 6000);
  const ndjson = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
  const file = join(workDir, "my-interactions.ndjson");
  const peopleFile = join(workDir, "people.json");
  writeFileSync(file, ndjson);
  writeFileSync(peopleFile, demo.people);
  const domain = demo.viewer.split("@")[1];
  assert.deepEqual(demo.internalDomains, [domain], "the page's default internal domain is the demo's");
  const data = { viewer: demo.viewer, internalDomains: [domain], people: demo.people, interactions: ndjson, format: "ndjson" };
  // A user's file has no `now`: the popup's engine takes the clock when the
  // file is loaded. The contact is picked on an engine at about that time; the
  // figures are checked against one at the exact time the popup states.
  const picker = nodeEngine({ identifiable: true }, { ...data, now: Date.now() });
  let fileEngine = null;
  try {
    // The popup has identifiable consent now (granted above): it keeps everyone's interactions.
    const counter = new Engine({ viewer: demo.viewer, internalDomains: [domain], consent: { identifiable: true } });
    counter.loadPeople(demo.people);
    const report = counter.loadInteractions(ndjson, { format: "ndjson" });
    counter.free();
    await page.locator("#data summary").click();
    await page.locator("#file").setInputFiles(file);
    await page.locator("#people-file").setInputFiles(peopleFile);
    await page.locator("#viewer").fill(demo.viewer);
    const clicked = Date.now();
    await page.locator("#load").click();
    await page.waitForFunction(() => /interactions loaded|not loaded/.test(document.getElementById("data-report").textContent));
    const loaded = Date.now();
    const said = await page.textContent("#data-report");
    assert.match(said, new RegExp(`^my-interactions\\.ndjson: ${report.accepted.toLocaleString("en")} interactions loaded`), said);
    assert.equal(await page.textContent("#data-name"), `my-interactions.ndjson (${report.accepted.toLocaleString("en")} interactions)`);
    assert.equal(await page.locator("#result *").count(), 0, "the demo's result is cleared");

    const [contact] = contactsOf(picker, "team");
    await showContact(contact);
    await shows('#result [data-view="who-knows-whom"][data-shown="result"]');
    const shown = await shownRelationship();
    const now = Date.parse(shown.windowEnd);
    assert.ok(clicked <= now && now <= loaded, `the reference time ${shown.windowEnd} is the clock when the file was loaded`);
    fileEngine = nodeEngine({ identifiable: true }, { ...data, now: shown.windowEnd });
    assertRelationship(shown, fileEngine.relationship({ contact }, { scope: "team" }));
    assertWhoKnowsWhom(await shownWhoKnowsWhom(), fileEngine.whoKnowsWhom({ contact }, { top: TOP }));

    // A broken line: refused whole, with the engine's reason; the loaded file stays.
    const bad = join(workDir, "broken.ndjson");
    writeFileSync(bad, `${JSON.stringify(records[0])}\n{"id": "x2", "kind": "email"\n`);
    await page.locator("#file").setInputFiles(bad);
    await page.locator("#load").click();
    await page.waitForFunction(() => /not loaded/.test(document.getElementById("data-report").textContent));
    assert.match(await page.textContent("#data-report"), /^broken\.ndjson was not loaded: INVALID_INPUT: .*\(record 1\b.*The data shown before is kept\.$/);
    assert.match(await page.textContent("#data-name"), /^my-interactions\.ndjson/);
    await showContact(contact);
    assertRelationship(await shownRelationship(), fileEngine.relationship({ contact }, { scope: "team" }));

    // Back to the demo: the demo's figures again.
    await page.locator("#use-demo").click();
    await page.waitForFunction(() => document.getElementById("data-name").textContent.startsWith("demo"));
    await showContact(contactId);
    assertRelationship(await shownRelationship(), teamEngine.relationship({ contact: contactId }, { scope: "team" }));
  } finally {
    picker.free();
    fileEngine?.free();
  }
});

test("no CSP violation, no error, no request outside the extension; and the CSP is really in force", async () => {
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], "no securitypolicyviolation event");
  assert.deepEqual(consoleErrors, [], "no console error or warning (none mentions the Content Security Policy)");
  assert.deepEqual(pageErrors, []);
  const origin = `chrome-extension://${extensionId}/`;
  assert.ok(requests.includes(`${origin}pkg/rapport_bg.wasm`), "the .wasm came from the extension");
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), [], "nothing fetched from outside the extension");

  // The listener works and the policy is the strict one: eval and an inline script are refused.
  // (DevTools' own evaluation bypasses the CSP, so the string goes through a timer, which the page compiles.)
  await page.evaluate(() => setTimeout("window.__evalRan = true;", 0));
  const reported = (blocked) =>
    page.waitForFunction(([b, csp]) => window.__cspViolations.some((v) => v.blocked === b && v.policy === csp), [blocked, CSP]);
  await reported("eval");
  assert.equal(await page.evaluate(() => window.__evalRan ?? false), false, "a string was not compiled as code");
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true;";
    document.head.append(s);
  });
  await reported("inline");
  // The page is under two policies, Chromium's minimum for extensions and the manifest's; both refuse both.
  const underManifest = (await page.evaluate(() => window.__cspViolations))
    .filter((v) => v.policy === CSP)
    .map((v) => [v.directive, v.blocked]);
  assert.deepEqual(underManifest, [["script-src", "eval"], ["script-src-elem", "inline"]], "the manifest's policy refused both");
  assert.equal(await page.evaluate(() => window.__inlineRan ?? false), false, "the inline script did not run");
  assert.ok(consoleErrors.some((m) => /Content Security Policy/i.test(m)), "the console listener sees CSP messages");
});
