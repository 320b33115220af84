#!/usr/bin/env node
// Issues signed consent tokens (SPEC 4.5) for engines configured with
// `consentKey` and `tenant`. Node's built-in crypto only; run by an admin,
// never shipped to the browser (the private key stays on the admin's side).
//
//   node scripts/sign-consent.mjs keygen [--out private.pem]
//       a new Ed25519 key pair: the private key (PKCS8 PEM; with --out, written
//       to that file, mode 0600) and the public key as base64url: the consentKey.
//   node scripts/sign-consent.mjs pubkey --key private.pem
//       the consentKey of an existing private key.
//   node scripts/sign-consent.mjs sign --key private.pem --tenant T --sub user@example.com
//       --scopes aggregated,identifiable [--days 1] [--eps 5] [--jti id] [--now epoch-seconds]
//       prints the token (header {"alg":"EdDSA","typ":"JWT"}).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { signConsentToken } from "./consent-token.mjs";

const SCOPES = new Set(["aggregated", "identifiable"]);

const usage = () => {
  const text = readFileSync(new URL(import.meta.url), "utf8").split("\n").slice(5, 13);
  console.error(text.map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(2);
};
const fail = (message) => {
  console.error(`sign-consent: ${message}`);
  process.exit(1);
};
const consentKey = (publicKey) => publicKey.export({ format: "jwk" }).x; // the raw 32 bytes, base64url

const [command, ...rest] = process.argv.slice(2);
const strings = ["out", "key", "tenant", "sub", "scopes", "days", "eps", "jti", "now"];
let opt;
try {
  opt = parseArgs({ args: rest, options: Object.fromEntries(strings.map((name) => [name, { type: "string" }])) }).values;
} catch (e) {
  fail(e.message);
}
const privateKey = () => {
  if (!opt.key) fail("--key private.pem is required");
  const key = createPrivateKey(readFileSync(opt.key));
  if (key.asymmetricKeyType !== "ed25519") fail(`${opt.key} is not an Ed25519 private key`);
  return key;
};

if (command === "keygen") {
  const { publicKey, privateKey: secret } = generateKeyPairSync("ed25519");
  const pem = secret.export({ type: "pkcs8", format: "pem" });
  if (opt.out) {
    writeFileSync(opt.out, pem, { mode: 0o600, flag: "wx" });
    console.error(`private key written to ${opt.out}`);
  } else {
    process.stdout.write(pem);
  }
  console.log(`consentKey: ${consentKey(publicKey)}`);
} else if (command === "pubkey") {
  console.log(consentKey(createPublicKey(privateKey())));
} else if (command === "sign") {
  const key = privateKey();
  if (!opt.tenant) fail("--tenant is required (the engine's `tenant` option)");
  if (!opt.sub) fail("--sub is required (the signed-in user's person id, the engine's `viewer`)");
  const scp = (opt.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = scp.filter((s) => !SCOPES.has(s));
  if (unknown.length) fail(`unknown scope ${unknown.join(", ")}: use aggregated and/or identifiable`);
  const days = Number(opt.days ?? 1);
  if (!(days > 0 && days <= 366)) fail("--days must be more than 0 and at most 366");
  const now = opt.now === undefined ? Math.floor(Date.now() / 1000) : Number(opt.now);
  if (!Number.isInteger(now)) fail("--now must be whole seconds since the epoch");
  const claims = { aud: "rapport", tid: opt.tenant, sub: opt.sub, scp, iat: now, exp: now + Math.round(days * 86400), jti: opt.jti ?? randomUUID() };
  if (opt.eps !== undefined) {
    claims.eps = Number(opt.eps);
    if (!(claims.eps >= 0.001 && claims.eps <= 100)) fail("--eps must be 0.001 to 100");
  }
  console.log(signConsentToken(key, claims));
} else {
  usage();
}
