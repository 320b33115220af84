// The layout rules of the repository, checked in `npm test` (issue 13): no
// import cycle among the Rust modules of src/ (read from their `crate::`,
// `super::` and child-module paths, `use` lines and inline paths alike), none
// among the ES modules of www/, no source file over 600 lines outside the
// generated tables, and every module opening with a comment on what it owns.
// Prints what it finds and exits 1 on any breach; `--graph` also prints the
// module graph.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 600;
// Generated or vendored files: written by a tool, read by nobody.
const GENERATED = [
  'src/time/zone_table.rs', // scripts/gen_zone_table.py
  'www/pkg/', // wasm-bindgen, and copies of it
  'examples/extension/pkg/',
  'examples/extension/shared/', // copies of www/ui.js and www/reload.js (scripts/build.sh)
  'tests/data/',
  'scripts/data/',
];
const isGenerated = (file) => GENERATED.some((g) => file === g || (g.endsWith('/') && file.startsWith(g)));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = posix.join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

// ---- Rust --------------------------------------------------------------

// The code of a Rust file with comments, strings and char literals blanked
// (so that a doc link or a URL is not read as a path).
function stripRust(src) {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      let depth = 0;
      do {
        if (src[i] === '/' && src[i + 1] === '*') { depth++; i += 2; }
        else if (src[i] === '*' && src[i + 1] === '/') { depth--; i += 2; }
        else i++;
      } while (i < n && depth > 0);
      out += ' ';
    } else if ((c === 'r' || (c === 'b' && next === 'r')) && /^b?r#*"/.test(src.slice(i, i + 40)) && !/[A-Za-z0-9_]/.test(src[i - 1] ?? '')) {
      const m = /^b?r(#*)"/.exec(src.slice(i));
      const end = '"' + m[1];
      const close = src.indexOf(end, i + m[0].length);
      i = close < 0 ? n : close + end.length;
      out += '""';
    } else if (c === '"') {
      i++;
      while (i < n && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
      out += '""';
    } else if (c === "'" && (/^'\\[^']{1,10}'/.test(src.slice(i, i + 12)) || /^'[^\\']'/u.test(src.slice(i, i + 4)))) {
      const close = src.indexOf("'", i + 2);
      i = close + 1;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// Expands a `use` tree (`a::{b, c::{d, e}}`) into full paths.
function expandUse(tree) {
  tree = tree.replace(/\s+/g, '');
  const paths = [];
  const rec = (prefix, t) => {
    const brace = t.indexOf('{');
    if (brace < 0) {
      paths.push(prefix + t.replace(/as\w+$/, ''));
      return;
    }
    const head = t.slice(0, brace);
    const body = t.slice(brace + 1, t.lastIndexOf('}'));
    let depth = 0;
    let start = 0;
    for (let k = 0; k <= body.length; k++) {
      const ch = body[k];
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      else if ((ch === ',' || k === body.length) && depth === 0) {
        const part = body.slice(start, k);
        if (part) rec(prefix + head, part === 'self' ? '' : part);
        start = k + 1;
      }
    }
  };
  rec('', tree);
  return paths.map((p) => p.replace(/::$/, ''));
}

function rustModules() {
  const files = walk('src').filter((f) => f.endsWith('.rs'));
  const modOf = new Map(); // module path ("crate::a::b") -> file
  const fileMod = new Map();
  for (const f of files) {
    let p = f.slice(4, -3);
    if (p === 'lib') p = '';
    else if (p.endsWith('/mod')) p = p.slice(0, -4);
    const mod = p ? 'crate::' + p.split('/').join('::') : 'crate';
    modOf.set(mod, f);
    fileMod.set(f, mod);
  }
  return { files, modOf, fileMod };
}

function rustGraph() {
  const { files, modOf, fileMod } = rustModules();
  const edges = new Map(files.map((f) => [f, new Map()]));
  // The deepest module a path names (items and re-exports resolve to the
  // module that holds them).
  const resolve = (segments) => {
    for (let k = segments.length; k >= 1; k--) {
      const mod = segments.slice(0, k).join('::');
      if (modOf.has(mod)) return modOf.get(mod);
    }
    return null;
  };
  for (const file of files) {
    const code = stripRust(readFileSync(join(root, file), 'utf8'));
    const fileModule = fileMod.get(file);
    // Inline modules (`mod tests { … }`) shift what `super` and `self` mean.
    const inline = []; // [{ name, depth }]
    let depth = 0;
    const here = () => [fileModule, ...inline.map((m) => m.name)].join('::');
    const children = (mod) => [...modOf.keys()].filter((m) => m.startsWith(mod + '::') && !m.slice(mod.length + 2).includes('::')).map((m) => m.slice(mod.length + 2));
    const absolute = (segs) => {
      let base = here().split('::');
      if (segs[0] === 'crate') return segs;
      if (segs[0] === 'self') return [...base, ...segs.slice(1)];
      let k = 0;
      while (segs[k] === 'super') { base = base.slice(0, -1); k++; }
      if (k > 0) return [...base, ...segs.slice(k)];
      // A path through a child module of the file's module.
      if (children(fileModule).includes(segs[0]) && inline.length === 0) return [...base, ...segs];
      return null;
    };
    const addEdge = (segs, line) => {
      const abs = absolute(segs);
      if (!abs) return;
      const target = resolve(abs);
      if (!target || target === file) return;
      const e = edges.get(file);
      if (!e.has(target)) e.set(target, line);
    };
    const lineAt = (idx) => code.slice(0, idx).split('\n').length;
    const tokens = /\b(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);|\bmod\s+(\w+)\s*\{|[{}]|\b((?:crate|super|self|[a-z_][a-z0-9_]*)(?:\s*::\s*(?:[A-Za-z_]\w*|\{))+)/g;
    let m;
    while ((m = tokens.exec(code))) {
      if (m[1] !== undefined) {
        for (const p of expandUse(m[1])) addEdge(p.split('::').filter(Boolean), lineAt(m.index));
      } else if (m[2] !== undefined) {
        depth++;
        inline.push({ name: m[2], depth });
      } else if (m[0] === '{') depth++;
      else if (m[0] === '}') {
        if (inline.length && inline[inline.length - 1].depth === depth) inline.pop();
        depth--;
      } else if (m[3] !== undefined) {
        const segs = m[3].replace(/\s+/g, '').replace(/::\{$/, '').split('::');
        addEdge(segs, lineAt(m.index));
      }
    }
  }
  return edges;
}

// ---- JavaScript --------------------------------------------------------

function jsGraph() {
  const files = walk('www').filter((f) => /\.m?js$/.test(f) && !isGenerated(f));
  const edges = new Map(files.map((f) => [f, new Map()]));
  for (const file of files) {
    const code = readFileSync(join(root, file), 'utf8');
    const re = /(?:\bimport\s*(?:[^'"]*?\bfrom\s*)?|\bimport\s*\(\s*|\bexport\s+[^'"]*?\bfrom\s*|importScripts\s*\(\s*)['"](\.[^'"]+)['"]/g;
    let m;
    while ((m = re.exec(code))) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[1]));
      if (edges.has(target)) edges.get(file).set(target, code.slice(0, m.index).split('\n').length);
    }
  }
  return edges;
}

// ---- Checks ------------------------------------------------------------

// Strongly connected components with more than one member (Tarjan).
function cycles(edges) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v).keys()) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

function describe(edges, scc) {
  const set = new Set(scc);
  const lines = [];
  for (const a of scc) {
    for (const [b, line] of edges.get(a)) if (set.has(b)) lines.push(`    ${a}:${line} → ${b}`);
  }
  return lines.join('\n');
}

// The same graph with each top-level module of the crate as one node: the
// layers (model, store, consent, load, insights, engine, json, wasm) are
// acyclic too, not only their files.
function layers(edges) {
  const top = (f) => f.replace(/^src\//, '').replace(/\.rs$/, '').split('/')[0];
  const out = new Map();
  for (const [a, targets] of edges) {
    const from = top(a);
    if (!out.has(from)) out.set(from, new Map());
    for (const [b, line] of targets) {
      const to = top(b);
      if (to !== from && !out.get(from).has(to)) out.get(from).set(to, `${a}:${line}`);
    }
  }
  for (const targets of out.values()) for (const to of targets.keys()) if (!out.has(to)) out.set(to, new Map());
  return out;
}

const problems = [];
const rust = rustGraph();
for (const [label, edges] of [['src/', rust], ['src/ top-level', layers(rust)], ['www/', jsGraph()]]) {
  if (process.argv.includes('--graph')) {
    for (const [a, targets] of edges) console.log(`${a} → ${[...targets.keys()].join(', ')}`);
  }
  for (const scc of cycles(edges)) {
    problems.push(`import cycle among ${label} modules: ${scc.join(', ')}\n${describe(edges, scc)}`);
  }
}

const sources = ['src', 'www', 'tests', 'scripts', 'bench', 'examples', 'batch', 'demo']
  .filter((d) => { try { return statSync(join(root, d)).isDirectory(); } catch { return false; } })
  .flatMap(walk)
  .filter((f) => /\.(rs|m?js|ts|py|sh|css|html)$/.test(f) && !isGenerated(f) && !f.includes('/target/') && !f.includes('node_modules/'));
for (const f of sources) {
  const text = readFileSync(join(root, f), 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) problems.push(`${f}: ${lines} lines (at most ${MAX_LINES} outside generated tables)`);
  const opening = text.replace(/^#!.*\n/, '').trimStart();
  const module = f.startsWith('src/') || f.startsWith('www/') || f.startsWith('batch/src/') || f.startsWith('demo/src/');
  if (module && /\.(rs|m?js)$/.test(f)) {
    const ok = f.endsWith('.rs') ? opening.startsWith('//!') : /^(\/\/|\/\*)/.test(opening);
    if (!ok) problems.push(`${f}: does not open with a comment on what it owns`);
  }
}

if (problems.length) {
  console.error(problems.join('\n\n'));
  console.error(`\nlayout: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`layout: no import cycle, no file over ${MAX_LINES} lines, every module says what it owns`);
