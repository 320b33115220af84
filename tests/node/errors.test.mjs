// The dashboard's errors on their way from the worker to the page
// (www/errors.js): an error made by the worker keeps the properties the
// engine's errors have (the worker's old codedError dropped them, so
// `option` never reached the page), and the cloneable copy the protocol
// carries keeps them too, for the engine's errors as for the worker's own.
import { test } from "node:test";
import assert from "node:assert/strict";

import { codedError, plainError } from "../../www/errors.js";
import { Engine } from "../../pkg/node/rapport.js";

test("a worker error keeps its option on the way to the page", () => {
  const err = codedError("INVALID_OPTIONS", '"intranet" is not a domain name', { option: "internalDomains" });
  assert.equal(err.option, "internalDomains");
  const wire = structuredClone(plainError(err));
  assert.deepEqual(wire, {
    name: "Error",
    code: "INVALID_OPTIONS",
    message: '"intranet" is not a domain name',
    option: "internalDomains",
  });
});

test("an engine error crosses with its code, option and record place", () => {
  let refused;
  try {
    new Engine({ viewer: "ada@northwind.example", minGroupSize: 2 });
  } catch (e) {
    refused = plainError(e);
  }
  assert.equal(refused?.code, "INVALID_OPTIONS");
  assert.equal(refused?.option, "minGroupSize");

  const engine = new Engine({ viewer: "ada@northwind.example", now: "2026-01-10T00:00:00Z" });
  let bad;
  try {
    engine.loadInteractions('[{"id":"a1","kind":"email","from":"ada@northwind.example","to":[],"at":"2026-01-05T10:00:00Z"}]');
  } catch (e) {
    bad = plainError(e);
  }
  assert.equal(bad?.code, "INVALID_INPUT");
  assert.equal(bad?.index, 0);
  assert.equal(bad?.field, "to");
  engine.free();
});

test("errors.js is the only codedError of the dashboard", async () => {
  const { execFileSync } = await import("node:child_process");
  const hits = execFileSync("grep", ["-rln", "function codedError", "www", "--include=*.js"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .filter((f) => !f.startsWith("www/pkg/"));
  assert.deepEqual(hits, ["www/errors.js"]);
});
