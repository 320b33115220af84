// The team panel's views as the page names them: each one's title, whether
// it follows the "Data: Team / Own" choice, and the consent scope it needs
// with each choice (shown on its button and in the consent panel's table).
// The engine enforces the scopes; this only says them.

/** @typedef {"relationship" | "whoKnowsWhom" | "introductionPaths" | "accounts" | "aggregates"} ViewName */

/** @type {Record<ViewName, { title: string, scoped: boolean }>} */
export const VIEWS = {
  relationship: { title: "Relationship", scoped: true },
  whoKnowsWhom: { title: "Who knows whom", scoped: false },
  introductionPaths: { title: "Introduction paths", scoped: false },
  accounts: { title: "Accounts list", scoped: true },
  aggregates: { title: "Organization aggregates", scoped: false },
};

/**
 * The consent scope each view needs, with Data: Team and with Data: Own (null: none).
 * @type {Record<ViewName, { team: "identifiable" | "aggregated", own: "identifiable" | "aggregated" | null }>}
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
