// What the card's browser tests share (card.test.mjs, card-states.test.mjs):
// axe-core run inside the page (its source evaluated through the DevTools
// protocol, which the page's CSP does not govern), screenshots written to
// test-artifacts/screens/, and how a test opens a view, a deep link or the
// settings dialog the way a user does.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Where the screenshots go (git-ignored). */
export const SCREENS = join(repo, "test-artifacts", "screens");
/** The two widths every view and state is checked at. */
export const WIDTHS = [1280, 390];

/**
 * axe-core's violations of serious or critical impact on `page` now, as
 * "rule: target" lines (empty when none).
 * @param {import("playwright-core").Page} page
 */
export async function seriousViolations(page) {
  const loaded = await page.evaluate(() => typeof globalThis.axe === "object");
  if (!loaded) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(", ")}`);
}

/**
 * Checks `page` with axe and writes its screenshot, at each width; `state`
 * names the files. Returns the violations found, by width.
 * @param {import("playwright-core").Page} page
 * @param {string} state
 */
export async function checkState(page, state) {
  mkdirSync(SCREENS, { recursive: true });
  const found = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150); // charts redraw on resize
    for (const v of await seriousViolations(page)) found.push(`${state} at ${width} px: ${v}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 1) found.push(`${state} at ${width} px: the page scrolls sideways by ${overflow} px`);
    // A modal dialog is drawn over the viewport: a full-page capture would leave it out.
    const modal = await page.evaluate(() => Boolean(document.querySelector("dialog[open]")));
    await page.screenshot({ path: join(SCREENS, `${state}-${width}.png`), fullPage: !modal });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return found;
}

/** Waits until the card shows `selector` and no request is in flight. */
export async function cardShows(page, selector) {
  await page.locator(`#team-result ${selector}`).first().waitFor({ state: "visible", timeout: 20_000 });
  await page.waitForFunction(() => !document.getElementById("team-result").hasAttribute("aria-busy"));
}

/** Clicks the tab named `name` (its visible text). */
export async function openTab(page, name) {
  await page.getByRole("tab", { name: new RegExp(`^${name}`) }).click();
}

/** Opens a deep link (`#contact=…`) on the page as it is. */
export async function openLink(page, hash) {
  await page.evaluate((h) => (location.hash = h), hash);
}

/** Opens the settings dialog. */
export async function openSettings(page) {
  if (!(await page.evaluate(() => document.getElementById("settings").open))) await page.click("#settings-open");
  await page.locator("#settings").waitFor({ state: "visible" });
}

/** Closes the settings dialog. */
export async function closeSettings(page) {
  if (await page.evaluate(() => document.getElementById("settings").open)) await page.click("#settings-close");
}

/** The relationship the card shows: its kind, id, score and window. */
export async function shownCard(page) {
  return page.$eval('#team-result [data-view="relationship"]', (view) => ({
    kind: view.dataset.targetKind,
    id: view.dataset.targetId,
    scope: view.dataset.scope,
    score: JSON.parse(view.querySelector('[data-health="score"]').dataset.value),
    windowEnd: JSON.parse(view.querySelector('[data-field="window-end"]').dataset.value),
    windowStart: JSON.parse(view.querySelector('[data-field="window-start"]').dataset.value),
    history: JSON.parse(view.querySelector("[data-health-history]").dataset.healthHistory),
    activity: [...view.querySelectorAll("[data-activity]")].map((li) => li.dataset.activity),
    total: Number(view.querySelector("[data-activity-total]")?.dataset.activityTotal ?? NaN),
    nextStep: view.querySelector("[data-next-step]")?.dataset.nextStep ?? null,
  }));
}

/** Asserts no violation was found, listing them all when some were. */
export function assertNone(found, what) {
  assert.deepEqual(found, [], `${what}:\n${found.join("\n")}`);
}
