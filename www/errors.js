// Errors as values with stable codes, on both sides of the worker boundary:
// `codedError` makes one (the engine's errors already are), and `plainError`
// turns any of them into the cloneable object the protocol carries
// (protocol.js WireError), keeping the engine's extra properties, so that the
// page sees `code`, `scope`, `option`, the record's place, as thrown.

/** @typedef {import("./protocol.js").WireError} WireError */

/**
 * An Error with a machine-readable `code` and the properties of `extra`
 * (`option`, `file`, …), as the engine's errors have.
 * @param {string} code
 * @param {string} message
 * @param {Partial<Omit<WireError, "code" | "message" | "name">>} [extra]
 * @returns {Error & { code: string } & Partial<WireError>}
 */
export function codedError(code, message, extra = {}) {
  return Object.assign(new Error(message), { code }, extra);
}

/** The properties of an engine error (or one of ours) that cross to the page. */
const CARRIED = /** @type {const} */ (["scope", "index", "field", "reason", "option", "file", "line", "page"]);

/**
 * An error as a cloneable object, keeping the engine's extra properties.
 * @param {unknown} err
 * @returns {WireError}
 */
export function plainError(err) {
  const e = /** @type {Record<string, unknown> | null | undefined} */ (typeof err === "object" ? err : null);
  /** @type {WireError} */
  const out = {
    name: typeof e?.name === "string" ? e.name : "Error",
    code: typeof e?.code === "string" ? e.code : "INTERNAL",
    message: typeof e?.message === "string" ? e.message : String(err),
  };
  for (const key of CARRIED) {
    if (e?.[key] !== undefined) Object.assign(out, { [key]: e[key] });
  }
  return out;
}
