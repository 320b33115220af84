// What "internal domains" the user typed mean, for the load form (load.js)
// and the worker that makes the engine (worker/ingest.js): one reading of the
// text, one test of a domain name, one default (the viewer's own domain).
// Who is internal is the engine's rule (Engine.isInternal), not this
// module's: these are only the engine's `internalDomains` option.

/** A domain name like contoso.com: two or more labels of letters, digits and hyphens. */
const DOMAIN_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * The domains of a list or of comma-separated text, lower-cased, without a
 * leading "@", empty entries dropped (not yet checked: see `notDomains`).
 * @param {unknown} given
 * @returns {string[]}
 */
export function splitDomains(given) {
  const parts = Array.isArray(given) ? given : typeof given === "string" ? given.split(/[\s,;]+/) : [];
  return parts.map((d) => String(d).trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
}

/**
 * The entries of `domains` that are not domain names.
 * @param {string[]} domains
 * @returns {string[]}
 */
export function notDomains(domains) {
  return domains.filter((d) => !DOMAIN_NAME.test(d));
}

/**
 * The domain of an e-mail address, lower-cased ("" without one).
 * @param {string} address
 * @returns {string}
 */
export function domainOf(address) {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(at + 1).trim().toLowerCase() : "";
}

/**
 * The engine's internal domains: `domains` when there are any, else the
 * viewer's own domain (none when the address has none).
 * @param {string[]} domains
 * @param {string} viewer
 * @returns {string[]}
 */
export function domainsOrViewers(domains, viewer) {
  if (domains.length) return [...new Set(domains)];
  const own = domainOf(viewer);
  return own ? [own] : [];
}
