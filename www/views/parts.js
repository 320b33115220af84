// Pieces the team panel's views share: a relationship's health band and
// trend in words, and the button that opens a contact's or an account's
// relationship (the dispatcher, team/dispatch.js, says what opening does,
// through the ViewContext every view is drawn with).

import { el, countFormat } from "../ui.js";

/**
 * @typedef {import("../pkg/rapport.js").Health} Health
 * @typedef {"contact" | "account"} TargetKind
 */

/**
 * What a view is drawn with, from the team panel.
 * @typedef {object} ViewContext
 * @property {(id: string) => string | null} nameOf   a person's or account's name, as the selector knows it
 * @property {(kind: TargetKind, id: string) => void} open   shows the relationship of a contact or an account
 * @property {(target: { kind: TargetKind, id: string }, before: string) => Promise<import("../pkg/rapport.js").Activity>} more
 *   the activity list's next page
 */

/** How far back the health trend compares (the engine's default, `health.trendDays`). */
export const TREND_DAYS = 30;

export const BAND_NAMES = { good: "Good", fair: "Fair", poor: "Poor" };
export const TREND_ARROWS = { improving: "↑", steady: "→", declining: "↓", new: "★" };

/**
 * The health band as a badge (and the score, with `withScore`); "Insufficient data" when not scored.
 * @param {Health} health
 * @param {{ withScore?: boolean }} [how]
 */
export function bandBadge(health, { withScore = false } = {}) {
  if (health.state !== "scored" || health.score === null || health.band === null) {
    return el("span", {
      class: "band band-none",
      "data-health": "band",
      "data-value": JSON.stringify("insufficient-data"),
      text: "Insufficient data",
    });
  }
  return el("span", {
    class: `band band-${health.band}`,
    "data-health": "band",
    "data-value": JSON.stringify(health.band),
    text: withScore ? `${health.score} · ${BAND_NAMES[health.band] ?? health.band}` : BAND_NAMES[health.band] ?? health.band,
  });
}

/** @param {number} n */
export function signed(n) {
  return n > 0 ? `+${countFormat.format(n)}` : n < 0 ? `−${countFormat.format(-n)}` : "±0";
}

/**
 * The trend as people read it; a missing earlier score is said as such, not as a change from 0.
 * @param {Health["trend"]} trend
 */
export function trendText(trend) {
  if (!trend) return null;
  const word = { improving: "Improving", steady: "Steady", declining: "Declining", new: "New" }[trend.direction] ?? trend.direction;
  if (trend.direction === "new") return `New relationship: no score ${TREND_DAYS} days earlier`;
  if (trend.previousScore === null || trend.change === null) return `${word}: not scored ${TREND_DAYS} days earlier`;
  const points = Math.abs(trend.change) === 1 ? "point" : "points";
  return `${word}: ${signed(trend.change)} ${points} in ${TREND_DAYS} days (was ${trend.previousScore})`;
}

/**
 * A button that opens the relationship of a contact or an account.
 * @param {ViewContext} ctx
 * @param {TargetKind} kind
 * @param {string} id
 * @param {string} text
 * @param {string} [className]
 */
export function openButton(ctx, kind, id, text, className = "link") {
  const button = el("button", { type: "button", class: className, text, "data-open": `${kind}:${id}` });
  button.addEventListener("click", () => ctx.open(kind, id));
  return button;
}
