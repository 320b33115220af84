// The input of `npm run bench`, written once per size into a temporary
// folder by bench/run.mjs and read by every half, so that rapport, DuckDB and
// the plain JavaScript implementation load the very same files:
// people.json (the demo's directory), interactions.ndjson and
// interactions.json (the demo's interactions in both formats, byte-identical
// to what demoDataset gives in any runtime), people-16000.json (a directory
// of 16,000 people for the directory load: the demo's people and more of the
// same shapes) and meta.json (viewer, internalDomains, now).
// Usage: node bench/data.mjs DIR 100000 1000000
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { directory } from "./directory.mjs";

/** The folder of one size's files. */
export const folder = (dir, size) => join(dir, String(size));

/** Writes one size's files (unless they are there from an earlier run into the same folder). */
export function prepare(dir, size) {
  const at = folder(dir, size);
  if (existsSync(join(at, "meta.json"))) return at;
  const { demoDataset } = createRequire(import.meta.url)("../pkg/node/rapport_demo.js");
  mkdirSync(at, { recursive: true });
  const json = demoDataset({ seed: 42, interactions: size });
  writeFileSync(join(at, "people.json"), json.people);
  writeFileSync(join(at, "interactions.json"), json.interactions);
  writeFileSync(join(at, "people-16000.json"), directory(JSON.parse(json.people)));
  const ndjson = demoDataset({ seed: 42, interactions: size, format: "ndjson" });
  writeFileSync(join(at, "interactions.ndjson"), ndjson.interactions);
  const { viewer, internalDomains, now } = json;
  writeFileSync(join(at, "meta.json"), JSON.stringify({ size, viewer, internalDomains, now }));
  return at;
}

/** One size's files, read back: the texts as strings, the meta parsed. */
export function read(dir, size) {
  const at = folder(dir, size);
  const text = (name) => readFileSync(join(at, name), "utf8");
  return {
    ...JSON.parse(text("meta.json")),
    people: text("people.json"),
    jsonText: text("interactions.json"),
    ndjsonText: text("interactions.ndjson"),
    directory: text("people-16000.json"),
    ndjsonPath: join(at, "interactions.ndjson"),
    peoplePath: join(at, "people.json"),
    directoryPath: join(at, "people-16000.json"),
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const [dir, ...sizes] = process.argv.slice(2);
  for (const size of sizes.map(Number).filter(Boolean)) console.log(prepare(dir, size));
}
