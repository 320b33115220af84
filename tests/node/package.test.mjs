// The npm package as a user meets it: dist/npm (assembled by
// scripts/package.mjs, which scripts/build.sh runs) packed with `npm pack`,
// installed offline from the tarball into a fresh project, and used from
// there: the README's Node ES module example as written, `require`, the
// exports map's entries, the web build, and the TypeScript types.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = join(root, "dist", "npm");
const require = createRequire(import.meta.url);
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

const EXAMPLE_HEADING = "## Node (ES modules)";

const temp = mkdtempSync(join(tmpdir(), "rapport-package-"));
after(() => rmSync(temp, { recursive: true, force: true }));

// npm run by `npm test` passes its own npm_* settings down (a local prefix
// among them); the npm commands here must see only the temp project.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
cleanEnv.npm_config_update_notifier = "false";

function run(command, args, cwd, input) {
  const r = spawnSync(command, args, { cwd, env: cleanEnv, encoding: "utf8", input, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

function ok(r, what) {
  assert.equal(r.status, 0, `${what} exited with ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The first fenced block of `lang` after `heading` (a line of its own) in a Markdown text. */
function blockUnder(markdown, heading, lang) {
  const at = markdown.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `no "${heading}" heading`);
  const block = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(markdown.slice(at));
  assert.ok(block, `no \`\`\`${lang} block under "${heading}"`);
  return block[1];
}

/** A minimal package.json "exports" resolver: the first matching condition, in map order. */
function resolveExports(target, conditions) {
  if (typeof target === "string") return target;
  for (const [key, value] of Object.entries(target)) {
    if (key === "default" || conditions.includes(key)) {
      const hit = resolveExports(value, conditions);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

function stringTargets(target) {
  return typeof target === "string" ? [target] : Object.values(target).flatMap(stringTargets);
}

// Packing and installing once, for every test below.
let installed;
function install() {
  installed ??= (() => {
    const manifestPath = join(dist, "package.json");
    assert.ok(
      existsSync(manifestPath),
      "dist/npm is missing: scripts/build.sh assembles it (or run `node scripts/package.mjs` after a build)",
    );
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const packs = join(temp, "packs");
    mkdirSync(packs);
    const packed = JSON.parse(ok(run("npm", ["pack", "--json", "--offline", "--pack-destination", packs], dist), "npm pack"));
    const tarball = join(packs, packed[0].filename);
    const listing = ok(run("tar", ["-tzf", tarball], temp), "tar -tzf")
      .split("\n")
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ""));

    const project = join(temp, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }));
    ok(
      run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], project),
      "npm install <tarball>",
    );
    const readme = readFileSync(join(project, "node_modules", manifest.name, "README.md"), "utf8");
    return { manifest, tarball, listing, project, readme };
  })();
  return installed;
}

/** Runs a module written into the temp project; returns its stdout. */
function runIn(project, file, source) {
  writeFileSync(join(project, file), source);
  return ok(run(process.execPath, [file], project), file);
}

test("dist/npm is assembled from the current build", () => {
  const { manifest } = install();
  for (const [built, packaged] of [
    ["www/pkg/rapport_bg.wasm", "web/rapport_bg.wasm"],
    ["pkg/node/rapport_bg.wasm", "node/rapport_bg.wasm"],
    ["www/pkg/rapport.js", "web/rapport.js"],
    ["www/pkg/rapport_demo_bg.wasm", "web/rapport_demo_bg.wasm"],
    ["pkg/node/rapport_demo_bg.wasm", "node/rapport_demo_bg.wasm"],
  ]) {
    assert.ok(
      readFileSync(join(root, built)).equals(readFileSync(join(dist, packaged))),
      `dist/npm/${packaged} differs from ${built}: run \`node scripts/package.mjs\` (scripts/build.sh does)`,
    );
  }
  const cargo = /^\[package\][\s\S]*?^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"));
  assert.equal(manifest.version, cargo[1], "the version is Cargo.toml's");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.license, "MIT");
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "scripts"]) {
    assert.equal(manifest[field], undefined, `no ${field}`);
  }
});

test("npm pack holds the README, package.json, the types, the .wasm files and every exports target", () => {
  const { manifest, listing } = install();
  for (const file of [
    "README.md",
    "package.json",
    "web/index.js",
    "web/index.d.ts",
    "web/rapport.js",
    "web/rapport.d.ts",
    "web/rapport_bg.wasm",
    "web/rapport_demo.js",
    "web/rapport_demo_bg.wasm",
    "node/index.mjs",
    "node/index.d.mts",
    "node/rapport.cjs",
    "node/rapport.d.cts",
    "node/rapport_bg.wasm",
    "node/rapport_demo.cjs",
    "node/rapport_demo.d.cts",
    "node/rapport_demo_bg.wasm",
  ]) {
    assert.ok(listing.includes(file), `the tarball lacks ${file}: ${listing.join(", ")}`);
  }
  const targets = [manifest.main, manifest.browser, manifest.types, ...stringTargets(manifest.exports)];
  for (const target of new Set(targets)) {
    assert.ok(listing.includes(target.replace(/^\.\//, "")), `${target} (package.json) is not in the tarball`);
  }
  const stray = listing.filter((f) => !/^(web|node)\/|^(README\.md|package\.json|LICENSE.*)$/.test(f));
  assert.deepEqual(stray, [], "nothing else is packed");
  assert.ok(!/@EXAMPLE_OUTPUT@/.test(readFileSync(join(dist, "README.md"), "utf8")), "the README shows real output");
});

test("the README's Node ES module example runs as written after npm install and prints the engine's figures", () => {
  const { manifest, project, readme } = install();
  const example = blockUnder(readme, EXAMPLE_HEADING, "js");
  assert.match(example, new RegExp(`from "${manifest.name}"`), "the example imports the package by name");
  const stdout = runIn(project, "example.mjs", example);

  // The README shows exactly what it prints.
  const shown = blockUnder(readme.slice(readme.indexOf(example)), "It prints:", "text");
  assert.equal(stdout.trimEnd(), shown.trimEnd(), "the output the README shows");

  // The same example through the assembled Node entry (pkg/node's two modules) prints the same.
  const direct = spawnSync(process.execPath, ["--input-type=module"], {
    input: example.replace(`from "${manifest.name}"`, `from ${JSON.stringify(pathToFileURL(join(dist, "node/index.mjs")).href)}`),
    encoding: "utf8",
  });
  assert.equal(direct.status, 0, direct.stderr);
  assert.equal(stdout, direct.stdout);

  // And those are the engine's figures, computed here through pkg/node.
  const { Engine } = require("../../pkg/node/rapport.js");
  const { demoDataset } = require("../../pkg/node/rapport_demo.js");
  const demo = demoDataset({ seed: 1, interactions: 5000 });
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now });
  engine.loadPeople(demo.people);
  const { accepted, droppedNoConsent } = engine.loadInteractions(demo.interactions);
  const { kpis } = engine.ownInsights({ days: 90 });
  const contacts = engine.relationshipSummaries({ level: "contact" });
  const band = (name) => contacts.filter((c) => c.health.band === name).length;
  engine.free();
  assert.ok(accepted > 0 && droppedNoConsent > 0 && contacts.length > 0 && kpis.emailsSent > 0, "a non-trivial demo");
  assert.ok(stdout.includes(`${accepted} interactions loaded, ${droppedNoConsent} of others' not kept without consent\n${demo.viewer}`), stdout);
  assert.ok(
    stdout.includes(`${kpis.emailsSent} e-mails sent, ${kpis.emailsReceived} received, ${kpis.meetings} meetings, ${kpis.calls} calls`),
    stdout,
  );
  assert.ok(stdout.includes(`${contacts.length} contacts: ${band("good")} good, ${band("fair")} fair, ${band("poor")} poor`), stdout);
});

test("require() from CommonJS gets the Node build, the same module instance as import", () => {
  const { manifest, project } = install();
  const cjs = runIn(
    project,
    "check.cjs",
    `const { Engine, demoDataset } = require(${JSON.stringify(manifest.name)});
const demo = demoDataset({ seed: 2, interactions: 1000 });
const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now });
engine.loadPeople(demo.people);
engine.loadInteractions(demo.interactions);
console.log(JSON.stringify(engine.ownInsights().kpis));
engine.free();
`,
  );
  assert.ok(JSON.parse(cjs).emailsSent >= 0, cjs);

  const shared = JSON.parse(
    runIn(
      project,
      "shared.mjs",
      `import init, * as esm from ${JSON.stringify(manifest.name)};
import { createRequire } from "node:module";
const cjs = createRequire(import.meta.url)(${JSON.stringify(manifest.name)});
await init(); // a no-op in Node, for code shared with the web build
console.log(JSON.stringify({
  esm: Object.keys(esm).filter((k) => k !== "default").sort(),
  cjs: Object.keys(cjs).sort(),
  same: Object.keys(cjs).every((k) => esm[k] === cjs[k]),
}));
`,
    ),
  );
  assert.deepEqual(shared.esm, shared.cjs, "import and require expose the same names");
  assert.ok(shared.cjs.includes("Engine") && shared.cjs.includes("demoDataset"));
  assert.equal(shared.same, true, "one module instance behind import and require");
});

test("the exports map: Node gets the Node build, browsers and the ./web entry the web build", () => {
  const { manifest, project } = install();
  const resolved = JSON.parse(
    runIn(
      project,
      "resolve.mjs",
      `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const name = ${JSON.stringify(manifest.name)};
console.log(JSON.stringify({
  import: import.meta.resolve(name),
  require: require.resolve(name),
  web: import.meta.resolve(name + "/web"),
  wasm: require.resolve(name + "/web/rapport_bg.wasm"),
}));
`,
    ),
  );
  const pkgDir = pathToFileURL(join(project, "node_modules", manifest.name)).href;
  assert.equal(resolved.import, `${pkgDir}/node/index.mjs`);
  assert.equal(resolved.require, join(project, "node_modules", manifest.name, "node", "rapport.cjs"));
  assert.equal(resolved.web, `${pkgDir}/web/index.js`);
  assert.equal(resolved.wasm, join(project, "node_modules", manifest.name, "web", "rapport_bg.wasm"));

  // What bundlers resolve (Node itself always sets "node", listed first).
  const dot = manifest.exports["."];
  assert.equal(resolveExports(dot, ["browser", "import"]), "./web/index.js");
  assert.equal(resolveExports(dot, ["types", "browser", "import"]), "./web/index.d.ts");
  assert.equal(resolveExports(dot, ["import"]), "./web/index.js", "no platform: the web build");
  assert.equal(resolveExports(dot, ["types", "node", "import"]), "./node/index.d.mts");
  assert.equal(resolveExports(dot, ["types", "node", "require"]), "./node/rapport.d.cts");

  // The web build itself works (initSync with the packaged .wasm; in a
  // page, init() fetches it) and gives the Node build's figures.
  const figures = JSON.parse(
    runIn(
      project,
      "web.mjs",
      `import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import init, { initSync, initDemoSync, Engine as WebEngine, demoDataset } from ${JSON.stringify(`${manifest.name}/web`)};
import { Engine as NodeEngine } from ${JSON.stringify(manifest.name)};
const require = createRequire(import.meta.url);
if (typeof init !== "function") throw new Error("the web entry has no default init()");
initSync({ module: readFileSync(require.resolve(${JSON.stringify(`${manifest.name}/web/rapport_bg.wasm`)})) });
initDemoSync({ module: readFileSync(require.resolve(${JSON.stringify(`${manifest.name}/web/rapport_demo_bg.wasm`)})) });
const demo = demoDataset({ seed: 4, interactions: 2000 });
const figures = (Engine) => {
  const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now });
  engine.loadPeople(demo.people);
  engine.loadInteractions(demo.interactions);
  const mine = engine.ownInsights({ days: 90 });
  engine.free();
  return mine;
};
console.log(JSON.stringify({ web: figures(WebEngine), node: figures(NodeEngine) }));
`,
    ),
  );
  assert.ok(figures.web.interactionsUsed > 0);
  assert.deepEqual(figures.web, figures.node);
});

test("the TypeScript types resolve: nodenext (import and require) and bundler", () => {
  const { manifest, project } = install();
  assert.ok(existsSync(tsc), `TypeScript is missing at ${tsc} (scripts/setup.sh installs it)`);
  const name = JSON.stringify(manifest.name);
  const compilerOptions = { strict: true, noEmit: true, target: "ES2022", lib: ["ESNext", "DOM"], types: [], skipLibCheck: false };

  writeFileSync(
    join(project, "node.mts"),
    `import init, { Engine, demoDataset, type OwnInsights, type RapportError } from ${name};
await init();
const demo = demoDataset({ seed: 1, interactions: 100 });
const engine = new Engine({ viewer: demo.viewer, internalDomains: demo.internalDomains, now: demo.now });
const mine: OwnInsights = engine.ownInsights({ days: 90 });
export const sent: number = mine.kpis.emailsSent;
export const code = (e: RapportError): string => e.code;
// @ts-expect-error: an unknown option is a type error (the types are not any)
engine.ownInsights({ dayz: 90 });
`,
  );
  writeFileSync(
    join(project, "node.cts"),
    `import rapport = require(${name});
const engine: rapport.Engine = new rapport.Engine({ viewer: "ada@northwind.example" });
export const used: number = engine.ownInsights().interactionsUsed;
`,
  );
  writeFileSync(
    join(project, "tsconfig.node.json"),
    JSON.stringify({ compilerOptions: { ...compilerOptions, module: "nodenext", moduleResolution: "nodenext" }, files: ["node.mts", "node.cts"] }),
  );
  ok(run(process.execPath, [tsc, "-p", "tsconfig.node.json"], project), "tsc (nodenext)");

  writeFileSync(
    join(project, "web.ts"),
    `import init, { Engine, demoDataset, type DemoDataset, type InitOutput } from ${name};
import { initSync } from ${JSON.stringify(`${manifest.name}/web`)};
const output: InitOutput = await init();
export const demo: DemoDataset = demoDataset({ seed: 1, interactions: 100 });
export const memory: WebAssembly.Memory = output.memory;
export const sync: typeof initSync = initSync;
export const engine = new Engine({ viewer: "ada@northwind.example", consent: { aggregated: true } });
`,
  );
  writeFileSync(
    join(project, "tsconfig.web.json"),
    JSON.stringify({ compilerOptions: { ...compilerOptions, module: "esnext", moduleResolution: "bundler" }, files: ["web.ts"] }),
  );
  ok(run(process.execPath, [tsc, "-p", "tsconfig.web.json"], project), "tsc (bundler)");
});
