// What the page says, in plain words, of the permission in force ("granted
// by your administrator until …") and of the data's age ("data as of March
// 6, 9 months old", shown only when the data is older than a week). Pure
// functions of their inputs, so that a test can check the words.

/**
 * @typedef {import("./protocol.js").ConsentStatus} ConsentStatus
 */

const longDate = new Intl.DateTimeFormat("en", { month: "long", day: "numeric", year: "numeric", timeZone: "UTC" });
const DAY = 86_400_000;

/** A week: data older than this is flagged. */
export const STALE_AFTER_DAYS = 7;

/**
 * @param {ConsentStatus} consent
 * @returns {string}
 */
export function consentText(consent) {
  if (consent.kind !== "token" || (!consent.identifiable && !consent.aggregated)) {
    return "Your administrator has not granted access to team data: you see only your own interactions.";
  }
  const what = [consent.identifiable && "your colleagues' interactions by name", consent.aggregated && "anonymized figures for the organization"]
    .filter(Boolean)
    .join(" and ");
  const until = consent.expiresAt ? ` until ${longDate.format(new Date(consent.expiresAt))}` : "";
  return `Granted by your administrator${until}: ${what}.`;
}

/**
 * "3 days", "5 weeks", "9 months", "2 years".
 * @param {number} days
 */
export function ageWords(days) {
  /** @type {(n: number, unit: string) => string} */
  const unit = (n, u) => `${n} ${u}${n === 1 ? "" : "s"}`;
  if (days < 14) return unit(days, "day");
  if (days < 61) return unit(Math.floor(days / 7), "week");
  if (days < 730) return unit(Math.floor(days / 30.44), "month");
  return unit(Math.floor(days / 365.25), "year");
}

/**
 * The banner's text, or null when the data is at most a week old (or there is none).
 * @param {string | null | undefined} dataAsOf  the latest interaction the data holds
 * @param {number} nowMs                          the clock
 * @returns {string | null}
 */
export function ageText(dataAsOf, nowMs) {
  if (!dataAsOf) return null;
  const at = Date.parse(dataAsOf);
  if (!Number.isFinite(at)) return null;
  const days = Math.floor((nowMs - at) / DAY);
  if (days <= STALE_AFTER_DAYS) return null;
  return `Data as of ${longDate.format(new Date(at))}, ${ageWords(days)} old: figures describe that time, not today.`;
}
