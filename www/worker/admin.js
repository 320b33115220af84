// The demo's administrator: how consent reaches the dashboard's engines. A
// deployment sets the engine's `consentKey` and `tenant` and receives signed
// tokens from its identity provider; this demo plays that provider itself.
// It ships a DEMO key pair (the private half below is public knowledge and
// protects nothing: it exists only so that the demo goes through the same
// signed-token path as a deployment) and signs tokens with WebCrypto's
// Ed25519. Every engine the worker makes is keyed with the public half, so
// flags can never grant; the page's "demo administrator" control asks for a
// token with other scopes, and the token is stored with the snapshot and
// checked again (expiry included) when the data is reopened.

/**
 * @typedef {import("../pkg/rapport.js").Engine} Engine
 * @typedef {{ aggregated: boolean, identifiable: boolean }} Flags
 */

/** The demo tenant (the token's `tid`). */
export const DEMO_TENANT = "rapport-demo";

/** The demo key pair, as a JWK. DEMO ONLY: anyone can sign with it. */
const DEMO_JWK = {
  kty: "OKP",
  crv: "Ed25519",
  x: "RWIZ6gcELKMQaDcNKm7q8XWL9_X-uz0AD5xvw7HI6ec",
  d: "_NnGy3oujaDEAbI7vfLmCU4HyvOMnW79DDttcrCIr00",
};

/** The engine's `consentKey`: the public half, base64url. */
export const DEMO_CONSENT_KEY = DEMO_JWK.x;

/** How long a demo grant lasts unless the page asks otherwise. */
export const GRANT_DAYS = 30;

/** The engine options every engine of this worker carries for consent. */
export const keyedOptions = () => ({ consentKey: DEMO_CONSENT_KEY, tenant: DEMO_TENANT });

/** @type {Promise<CryptoKey> | null} */
let signingKey = null;

/** @param {Uint8Array | string} value */
function b64url(value) {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * A token granting `flags` to `viewer` for `days` from `nowMs`, or null when
 * nothing is granted (a withdrawal is flags, never a token).
 * @param {string} viewer
 * @param {Flags} flags
 * @param {{ days?: number, nowMs?: number }} [how]
 * @returns {Promise<string | null>}
 */
export async function signDemoToken(viewer, flags, { days = GRANT_DAYS, nowMs = Date.now() } = {}) {
  const scp = /** @type {const} */ (["aggregated", "identifiable"]).filter((s) => flags[s]);
  if (!scp.length) return null;
  signingKey ??= crypto.subtle.importKey("jwk", DEMO_JWK, { name: "Ed25519" }, false, ["sign"]);
  const now = Math.floor(nowMs / 1000);
  const claims = {
    aud: "rapport",
    tid: DEMO_TENANT,
    sub: viewer,
    scp,
    iat: now,
    exp: now + Math.round(days * 86400),
    jti: `demo-${now}-${scp.join("+")}`,
  };
  const input = `${b64url(JSON.stringify({ alg: "EdDSA", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, await signingKey, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/**
 * Puts `flags` in force on `engine` the way a deployment does: a signed
 * token, or a withdrawal (`setConsent({})`, which deletes others' data).
 * Returns the token in force, to store with the snapshot.
 * @param {Engine} engine
 * @param {string} viewer
 * @param {Flags} flags
 * @param {{ days?: number, nowMs?: number }} [how]
 * @returns {Promise<string | null>}
 */
export async function grant(engine, viewer, flags, how) {
  const token = await signDemoToken(viewer, flags, how);
  if (token === null) engine.setConsent({});
  else engine.setConsent(token);
  return token;
}

/**
 * The consent in force as the page shows it: its scopes, and for a token
 * until when. The scopes are read from the token in force (`token`, which
 * the engine verified: its basis names the same `jti`).
 * @param {Engine} engine
 * @param {string | null} token
 * @returns {import("../protocol.js").ConsentStatus}
 */
export function consentStatus(engine, token) {
  const basis = engine.consentBasis();
  if (basis.kind === "token" && token) {
    const claims = claimsOf(token);
    if (claims?.jti === basis.jti) {
      const scp = Array.isArray(claims.scp) ? claims.scp : [];
      return { kind: "token", expiresAt: basis.expiresAt, aggregated: scp.includes("aggregated"), identifiable: scp.includes("identifiable") };
    }
  }
  return { kind: "none", expiresAt: null, aggregated: false, identifiable: false };
}

/**
 * A token's claims, or null.
 * @param {string} token
 * @returns {{ jti?: string, scp?: unknown } | null}
 */
function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}
