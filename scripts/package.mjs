#!/usr/bin/env node
// Assembles the publishable npm package in dist/npm/ from the two builds of
// scripts/build.sh (which calls this): the web build (www/pkg, ES module,
// init() fetches the .wasm) as web/, and the Node build (pkg/node, CommonJS)
// as node/ with an ES module entry around it, each with the demo module
// (rapport_demo, which has `demoDataset`) beside it and re-exported by the
// entries, so `demoDataset` keeps its name. package.json and README.md come
// from packaging/ (version from Cargo.toml; the README's example output is
// produced here by running its Node example). No build, no cargo, no network.
//
//   node scripts/package.mjs          assemble dist/npm/
//   node scripts/package.mjs --pack   assemble, then `npm pack` it into dist/
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "npm");
const web = join(root, "www", "pkg");
const node = join(root, "pkg", "node");
const packaging = join(root, "packaging");

/** The heading the Node ES module example sits under in packaging/README.md (tests read it too). */
export const EXAMPLE_HEADING = "## Node (ES modules)";
const OUTPUT_MARK = "@EXAMPLE_OUTPUT@";

function fail(message) {
  console.error(`[package] ${message}`);
  process.exit(1);
}

/** The first ```js block after `heading` in a Markdown text. */
export function exampleUnder(markdown, heading) {
  const at = markdown.indexOf(`\n${heading}\n`);
  if (at < 0) return null;
  const block = /```js\n([\s\S]*?)```/.exec(markdown.slice(at));
  return block ? block[1] : null;
}

function cargoVersion() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const section = toml.split(/^(?=\[)/m).find((s) => s.startsWith("[package]"));
  const version = section && /^version\s*=\s*"([^"]+)"/m.exec(section);
  if (!version) fail("no [package] version in Cargo.toml");
  return version[1];
}

// The declarations both builds share: everything before the web build's init glue.
const publicApi = (dts) => dts.split(/^export type InitInput\b/m)[0].replace(/\s+/g, " ").trim();

function assemble() {
  for (const file of ["rapport.js", "rapport_bg.wasm", "rapport.d.ts", "rapport_demo.js", "rapport_demo_bg.wasm", "rapport_demo.d.ts"]) {
    for (const dir of [web, node]) {
      if (!existsSync(join(dir, file))) {
        fail(`${relative(root, join(dir, file))} is missing: build first (npm run build, or bash scripts/build.sh)`);
      }
    }
  }
  const webDts = readFileSync(join(web, "rapport.d.ts"), "utf8");
  const nodeDts = readFileSync(join(node, "rapport.d.ts"), "utf8");
  if (publicApi(webDts) !== publicApi(nodeDts)) {
    fail("www/pkg and pkg/node declare different APIs: they come from different builds; run scripts/build.sh");
  }

  const template = JSON.parse(readFileSync(join(packaging, "package.json"), "utf8"));
  const { name, ...rest } = template;
  const manifest = { name, version: cargoVersion(), ...rest };

  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "web"), { recursive: true });
  mkdirSync(join(out, "node"), { recursive: true });

  // web/: the --target web build as it is (ES module; `init()` fetches
  // rapport_bg.wasm relative to import.meta.url).
  for (const file of ["rapport.js", "rapport_bg.wasm", "rapport.d.ts", "rapport_demo.js", "rapport_demo_bg.wasm", "rapport_demo.d.ts"]) {
    copyFileSync(join(web, file), join(out, "web", file));
  }
  // web/index.js, the web entry: the analytics module's exports and the demo
  // module's demoDataset; init() readies both (the demo's .wasm is small),
  // initSync() the analytics module and initDemoSync() the demo module.
  writeFileSync(
    join(out, "web", "index.js"),
    `// The web entry: the analytics module (rapport.js) and demoDataset from the
// demo module (rapport_demo.js), each with its own .wasm next to it.
import initCore from "./rapport.js";
import initDemo from "./rapport_demo.js";

export * from "./rapport.js";
export { demoDataset, demoDatasetBytes, DemoStream, initSync as initDemoSync } from "./rapport_demo.js";

/** Fetches and compiles both modules (\`input\` is the analytics module's, as rapport.js's init takes it). */
export default async function init(input) {
  const [core] = await Promise.all([initCore(input), initDemo()]);
  return core;
}
`,
  );
  writeFileSync(
    join(out, "web", "index.d.ts"),
    `export * from "./rapport.js";
export { demoDataset, demoDatasetBytes, DemoStream, initSync as initDemoSync, type DemoOptions, type DemoDataset, type DemoDatasetBytes } from "./rapport_demo.js";
import type { InitInput, InitOutput } from "./rapport.js";

/** Fetches and compiles both modules (\`input\` is the analytics module's, as rapport.js's init takes it). */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;
`,
  );

  // node/: the --target nodejs build is CommonJS (it reads rapport_bg.wasm
  // from __dirname when loaded); the package is "type": "module", so it
  // becomes rapport.cjs with rapport.d.cts.
  // demoDataset comes from the demo module (rapport_demo.cjs), added to rapport.cjs's exports.
  const cjs = `${readFileSync(join(node, "rapport.js"), "utf8").trimEnd()}

// The demo module, in its own .wasm: compiled on first require of this module.
exports.demoDataset = require("./rapport_demo.cjs").demoDataset;
exports.demoDatasetBytes = require("./rapport_demo.cjs").demoDatasetBytes;
exports.DemoStream = require("./rapport_demo.cjs").DemoStream;
`;
  writeFileSync(
    join(out, "node", "rapport.cjs"),
    cjs.replace('/* @ts-self-types="./rapport.d.ts" */', '/* @ts-self-types="./rapport.d.cts" */'),
  );
  writeFileSync(
    join(out, "node", "rapport_demo.cjs"),
    readFileSync(join(node, "rapport_demo.js"), "utf8").replace('/* @ts-self-types="./rapport_demo.d.ts" */', '/* @ts-self-types="./rapport_demo.d.cts" */'),
  );
  for (const name of ["rapport", "rapport_demo"]) copyFileSync(join(node, `${name}_bg.wasm`), join(out, "node", `${name}_bg.wasm`));
  copyFileSync(join(node, "rapport_demo.d.ts"), join(out, "node", "rapport_demo.d.cts"));
  writeFileSync(
    join(out, "node", "rapport.d.cts"),
    `${nodeDts.trimEnd()}\nexport { demoDataset, demoDatasetBytes, DemoStream, type DemoOptions, type DemoDataset, type DemoDatasetBytes } from "./rapport_demo.cjs";\n`,
  );

  // node/index.mjs: the ES module entry re-exports the CommonJS build's
  // exports by name (so `import` and `require` share one module instance)
  // and adds a no-op default `init` for code shared with the web build.
  const names = [...cjs.matchAll(/^exports\.([A-Za-z_$][\w$]*)\s*=/gm)].map((m) => m[1]);
  const demoDts = readFileSync(join(node, "rapport_demo.d.ts"), "utf8");
  const declared = [...`${nodeDts}\n${demoDts}`.matchAll(/^export (?:declare )?(?:class|function|const) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  if (names.length === 0) fail("found no exports in pkg/node/rapport.js");
  if ([...names].sort().join() !== [...new Set(declared)].sort().join()) {
    fail(`pkg/node/rapport.js exports ${names.join(", ")} but rapport.d.ts declares ${declared.join(", ")}`);
  }
  writeFileSync(
    join(out, "node", "index.mjs"),
    `// The Node entry for \`import\`: the CommonJS build (rapport.cjs, which compiles
// rapport_bg.wasm when first loaded), its exports re-exported by name, so that
// \`import\` and \`require\` share one instance of the module.
import { createRequire } from "node:module";

const rapport = createRequire(import.meta.url)("./rapport.cjs");

export const { ${names.join(", ")} } = rapport;

/** Nothing to do in Node: the module is ready once imported. Lets code written for the web build (\`await init()\`) run unchanged. */
export default async function init(_input) {}
`,
  );
  writeFileSync(
    join(out, "node", "index.d.mts"),
    `export * from "./rapport.cjs";

/** Nothing to do in Node: the module is ready once imported. Lets code written for the web build (\`await init()\`) run unchanged. */
export default function init(input?: unknown): Promise<void>;
`,
  );

  writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  // README.md, with the output of its own Node example, run here against the
  // assembled node entry.
  const readme = readFileSync(join(packaging, "README.md"), "utf8");
  const example = exampleUnder(readme, EXAMPLE_HEADING);
  if (!example) fail(`packaging/README.md has no \`\`\`js block under "${EXAMPLE_HEADING}"`);
  const specifier = `from "${name}"`;
  if (example.split(specifier).length !== 2) fail(`the README example must import once ${specifier}`);
  const local = example.replace(specifier, `from ${JSON.stringify(pathToFileURL(join(out, "node", "index.mjs")).href)}`);
  let output;
  try {
    output = execFileSync(process.execPath, ["--input-type=module"], { input: local, encoding: "utf8" });
  } catch (e) {
    fail(`the README's Node example failed:\n${e.stderr || e.message}`);
  }
  if (!readme.includes(OUTPUT_MARK)) fail(`packaging/README.md has no ${OUTPUT_MARK} for the example's output`);
  writeFileSync(join(out, "README.md"), readme.replace(OUTPUT_MARK, output.trimEnd()));

  let bytes = 0;
  let files = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        files += 1;
        bytes += statSync(path).size;
      }
    }
  };
  walk(out);
  console.log(`[package] dist/npm: ${manifest.name}@${manifest.version}, ${files} files, ${bytes} bytes`);
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = assemble();
  if (process.argv.includes("--pack")) {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", join(root, "dist")], { cwd: out, encoding: "utf8" }),
    );
    console.log(`[package] dist/${packed.filename}: ${packed.size} bytes, ${packed.entryCount} files (npm install ./dist/${packed.filename})`);
    if (packed.name !== manifest.name) fail(`packed ${packed.name}, expected ${manifest.name}`);
  }
}
