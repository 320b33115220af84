// The card's views (its tabs) as the page names them: each one's title,
// whether it follows the "Whose interactions: Team / Mine" choice, and the
// consent scope it needs with each choice (a lock on its tab, and the
// settings' table).
// The engine enforces the scopes; this only says them.

/** @typedef {"relationship" | "whoKnowsWhom" | "introductionPaths" | "accounts" | "aggregates" | "own"} ViewName */

/** @type {Record<ViewName, { title: string, scoped: boolean }>} */
export const VIEWS = {
  relationship: { title: "Relationship", scoped: true },
  whoKnowsWhom: { title: "Who knows them", scoped: false },
  introductionPaths: { title: "Introductions", scoped: false },
  accounts: { title: "Accounts", scoped: true },
  aggregates: { title: "Organization", scoped: false },
  own: { title: "Your activity", scoped: false },
};

/**
 * The consent scope each view needs, with Data: Team and with Data: Own (null: none).
 * @type {Record<Exclude<ViewName, "own">, { team: "identifiable" | "aggregated", own: "identifiable" | "aggregated" | null }>}
 */
export const NEEDS = {
  relationship: { team: "identifiable", own: null },
  whoKnowsWhom: { team: "identifiable", own: "identifiable" },
  introductionPaths: { team: "identifiable", own: "identifiable" },
  accounts: { team: "identifiable", own: null },
  aggregates: { team: "aggregated", own: "aggregated" },
};

/**
 * Whether `name` is one of the views (a button's data-query, say).
 * @param {unknown} name
 * @returns {name is ViewName}
 */
export function isView(name) {
  return typeof name === "string" && Object.hasOwn(VIEWS, name);
}
