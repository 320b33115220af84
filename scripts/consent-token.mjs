// A signed consent token (SPEC 4.5) made with Node's crypto: the header
// {"alg":"EdDSA","typ":"JWT"}, the claims and the Ed25519 signature of the
// two, each base64url. One home for the admin's script (sign-consent.mjs)
// and the tests that need a token; the dashboard's demo administrator signs
// in the browser with WebCrypto instead (www/worker/admin.js).
import { sign } from "node:crypto";

/** @param {string | Uint8Array} value */
const b64url = (value) => Buffer.from(value).toString("base64url");

/**
 * The token for `claims`, signed with `privateKey` (an Ed25519 KeyObject).
 * @param {import("node:crypto").KeyObject} privateKey
 * @param {object} claims
 */
export function signConsentToken(privateKey, claims) {
  const input = `${b64url(JSON.stringify({ alg: "EdDSA", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign(null, Buffer.from(input), privateKey))}`;
}
