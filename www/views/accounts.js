// The accounts list: every account the consented scope knows, with its
// health, trend, interactions and last and next interaction, in a table
// sorted by a column heading (the sort is kept while the page is open); an
// account's name opens its relationship.

import { el, countFormat, formatDate, timeElement } from "../ui.js";
import { bandBadge, trendText, signed, openButton, TREND_ARROWS } from "./parts.js";

/**
 * @typedef {import("../pkg/rapport.js").RelationshipSummary} RelationshipSummary
 * @typedef {import("../protocol.js").DataScope} DataScope
 * @typedef {import("./parts.js").ViewContext} ViewContext
 * @typedef {"name" | "health" | "last"} SortKey
 */

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** The sort in force, kept across redraws. @type {{ key: SortKey, dir: "asc" | "desc" }} */
let sort = { key: "health", dir: "desc" };

/** @type {Record<SortKey, { label: string, first: "asc" | "desc" }>} */
const SORTS = {
  name: { label: "Account", first: "asc" },
  health: { label: "Health", first: "desc" },
  last: { label: "Last interaction", first: "desc" },
};

/**
 * @param {SortKey} key
 * @param {"asc" | "desc"} dir
 * @returns {(a: RelationshipSummary, b: RelationshipSummary) => number}
 */
function compareAccounts(key, dir) {
  const sign = dir === "asc" ? 1 : -1;
  /** @type {(a: RelationshipSummary, b: RelationshipSummary) => number} */
  const byName = (a, b) => collator.compare(a.name ?? a.id, b.name ?? b.id) || collator.compare(a.id, b.id);
  // Missing values (not scored, never in touch) go last whichever the direction.
  /** @type {(va: unknown, vb: unknown) => number | null} */
  const missingLast = (va, vb) => (va === null ? (vb === null ? 0 : 1) : vb === null ? -1 : null);
  return (a, b) => {
    if (key === "name") return sign * byName(a, b);
    const va = key === "health" ? (a.health.state === "scored" ? a.health.score : null) : a.lastInteractionAt;
    const vb = key === "health" ? (b.health.state === "scored" ? b.health.score : null) : b.lastInteractionAt;
    const missing = missingLast(va, vb);
    if (missing !== null || va === null || vb === null) return missing || byName(a, b);
    const diff = typeof va === "number" && typeof vb === "number" ? va - vb : Date.parse(String(va)) - Date.parse(String(vb));
    return sign * diff || byName(a, b);
  };
}

/**
 * Draws the accounts `rows` in `host`.
 * @param {HTMLElement} host
 * @param {RelationshipSummary[]} rows
 * @param {DataScope} scope
 * @param {ViewContext} ctx
 */
export function renderAccounts(host, rows, scope, ctx) {
  const own = scope === "own";
  const table = el("table", { class: "accounts" });
  const caption = el("caption", { class: "visually-hidden" });
  /** @type {(key: SortKey, extraClass?: string) => HTMLElement} */
  const headCell = (key, extraClass = "") => {
    const th = el("th", { scope: "col", class: extraClass, "data-sort-key": key });
    const button = el("button", { type: "button", class: "sort", text: SORTS[key].label });
    button.append(el("span", { class: "sort-mark", "aria-hidden": "true" }));
    button.addEventListener("click", () => {
      sort = sort.key === key
        ? { key, dir: sort.dir === "asc" ? "desc" : "asc" }
        : { key, dir: SORTS[key].first };
      fill();
      button.focus();
    });
    th.append(button);
    return th;
  };
  const head = el(
    "thead",
    {},
    el(
      "tr",
      {},
      headCell("name"),
      headCell("health"),
      el("th", { scope: "col", text: "Trend" }),
      el("th", { scope: "col", class: "num mid", text: "Interactions" }),
      headCell("last", "wide"),
      el("th", { scope: "col", class: "wide", text: "Next interaction" }),
    ),
  );
  const body = el("tbody");
  table.append(caption, head, body);

  function fill() {
    const { key, dir } = sort;
    for (const th of /** @type {NodeListOf<HTMLElement>} */ (head.querySelectorAll("th[data-sort-key]"))) {
      const active = th.dataset.sortKey === key;
      if (active) th.setAttribute("aria-sort", dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
      /** @type {HTMLElement} */ (th.querySelector(".sort-mark")).textContent = active ? (dir === "asc" ? " ▲" : " ▼") : "";
    }
    caption.textContent = `Accounts and their relationship health, sorted by ${SORTS[key].label.toLowerCase()}, ${dir === "asc" ? "ascending" : "descending"}. Choose an account to open it.`;
    const sorted = [...rows].sort(compareAccounts(key, dir));
    body.replaceChildren(
      ...sorted.map((a) => {
        const h = a.health;
        const trend = h.trend;
        const row = el(
          "tr",
          { "data-account": a.id, "data-health-state": h.state },
          el("th", { scope: "row" }, openButton(ctx, "account", a.id, a.name ?? a.id)),
          el("td", {}, bandBadge(h, { withScore: true })),
          el(
            "td",
            { class: trend ? `trend trend-${trend.direction}` : "muted" },
            trend
              ? trend.previousScore === null || trend.change === null
                ? el("span", { title: trendText(trend), text: `${TREND_ARROWS[trend.direction]} new` })
                : el("span", { title: trendText(trend), text: `${TREND_ARROWS[trend.direction]} ${signed(trend.change)}` })
              : "—",
          ),
          el("td", { class: "num mid", text: countFormat.format(a.interactionsUsed) }),
          el("td", { class: "wide" }, timeElement("last-interaction", a.lastInteractionAt, formatDate(a.lastInteractionAt))),
          el("td", { class: "wide" }, timeElement("next-interaction", a.nextInteractionAt, formatDate(a.nextInteractionAt))),
        );
        // The whole row opens the account for a pointer; the name button does it for the keyboard.
        row.addEventListener("click", (event) => {
          if (!(/** @type {Element} */ (event.target)).closest("button")) /** @type {HTMLButtonElement} */ (row.querySelector("button[data-open]")).click();
        });
        return row;
      }),
    );
  }
  fill();

  const scored = rows.filter((a) => a.health.state === "scored");
  /** @param {string} band */
  const count = (band) => scored.filter((a) => a.health.band === band).length;
  host.replaceChildren(
    el(
      "section",
      { class: "card accounts-view", "data-view": "accounts", "data-scope": own ? "own" : "identifiable" },
      el(
        "div",
        { class: "view-head" },
        el("h3", { text: "Accounts" }),
        el("span", {
          class: `badge scope ${own ? "scope-own" : "scope-team"}`,
          text: own ? "Your interactions" : "Whole team",
        }),
      ),
      el(
        "p",
        { class: "muted small" },
        `${countFormat.format(rows.length)} accounts: `,
        el("span", { class: "band band-good", text: `${count("good")} good` }),
        " ",
        el("span", { class: "band band-fair", text: `${count("fair")} fair` }),
        " ",
        el("span", { class: "band band-poor", text: `${count("poor")} poor` }),
        " ",
        el("span", { class: "band band-none", text: `${rows.length - scored.length} with insufficient data` }),
        ". Sort by a column heading; choose an account to open it.",
      ),
      el("div", { class: "table-scroll" }, table),
    ),
  );
}
