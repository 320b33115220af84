// rapport-batch (batch/, DataFusion) against the wasm module itself, in
// Node: the same 100,000 demo interactions, options and signed token give
// the same aggregate tables, both groupings and both periods, and the same
// list views of contacts and of accounts. The batch's
// own tests (cargo test -p rapport-batch, run before this file by
// scripts/test.sh) build the binary and compare it with the native engine
// byte for byte; this file closes the loop with the .wasm the pages load.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { signConsentToken } from "../../scripts/consent-token.mjs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { Engine } = require("../../pkg/node/rapport.js");
const { demoDataset } = require("../../pkg/node/rapport_demo.js");

const bin = join(process.env.CARGO_TARGET_DIR ?? "target", "debug", "rapport-batch");

function signedToken(viewer) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const t = Math.floor(Date.now() / 1000);
  const claims = { aud: "rapport", tid: "node-batch", sub: viewer, scp: ["identifiable", "aggregated"], iat: t - 60, exp: t + 3600, jti: "node-batch-1" };
  return { key: publicKey.export({ format: "jwk" }).x, token: signConsentToken(privateKey, claims) };
}

test("rapport-batch gives the wasm module's aggregate tables and list views on 100,000 demo interactions", () => {
  assert.ok(existsSync(bin), `${bin} is built by cargo test -p rapport-batch (scripts/test.sh runs it first)`);
  const demo = demoDataset({ seed: 11, interactions: 100_000, format: "ndjson" });
  const dir = mkdtempSync(join(tmpdir(), "rapport-batch-node-"));
  try {
    writeFileSync(join(dir, "people.json"), demo.people);
    writeFileSync(join(dir, "interactions.ndjson"), demo.interactions);
    const { key, token } = signedToken(demo.viewer);
    const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now, consentKey: key, tenant: "node-batch" });
    engine.setConsent(token);
    engine.loadPeople(demo.people);
    engine.loadInteractions(demo.interactions);
    for (const groupBy of ["department", "account"]) {
      for (const period of ["week", "month"]) {
        const expected = engine.aggregates({ groupBy, period });
        assert.ok(expected.rows.some((r) => !r.suppressed), `${groupBy}/${period}: some cells shown`);
        const out = join(dir, `${groupBy}-${period}.json`);
        execFileSync(bin, [
          "aggregates", "--people", join(dir, "people.json"), "--interactions", join(dir, "interactions.ndjson"),
          "--viewer", demo.viewer, "--internal-domains", demo.internalDomains.join(","), "--now", demo.now,
          "--group-by", groupBy, "--period", period, "--consent-key", key, "--tenant", "node-batch",
          "--consent-token", token, "--out", out,
        ]);
        // Serialized the same way on both sides: JavaScript writes 9000.0 as 9000.
        assert.equal(JSON.stringify(JSON.parse(readFileSync(out, "utf8"))), JSON.stringify(expected), `${groupBy}/${period}`);
      }
    }
    for (const level of ["contact", "account"]) {
      const expected = engine.relationshipSummaries({ level, scope: "team" });
      assert.ok(expected.filter((s) => s.health.state === "scored").length > 20, `${level}: scored lines`);
      const out = join(dir, `${level}-list.json`);
      execFileSync(bin, [
        "summaries", "--people", join(dir, "people.json"), "--interactions", join(dir, "interactions.ndjson"),
        "--viewer", demo.viewer, "--internal-domains", demo.internalDomains.join(","), "--now", demo.now,
        "--level", level, "--consent-key", key, "--tenant", "node-batch", "--consent-token", token, "--out", out,
      ]);
      assert.equal(JSON.stringify(JSON.parse(readFileSync(out, "utf8"))), JSON.stringify(expected), `${level} list`);
    }
    engine.free();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
