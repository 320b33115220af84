// Reading the user's files in the analytics worker (worker/ingest.js): what each file
// holds, told from its content, and its records cut into chunks that the
// engine loads one call at a time, so that a long load reports progress and
// can be cancelled between calls. Nothing here runs on the page's thread.
//
// A file is one of:
//   "people"        a people directory (SPEC 2.1): records without `kind` or `from`
//   "interactions"  SPEC 2.2 records (`kind` / `from`)
//   "graph"         Microsoft Graph pages (objects with a `value` array), or a
//                   bare array of Graph messages and events
// in the syntax "json" (one JSON array, or one JSON object) or "ndjson" (one
// object a line). Chunks:
//   NDJSON         read as a stream and cut at line boundaries (at most
//                  CHUNK_RECORDS lines or CHUNK_BYTES bytes, give or take
//                  one read), never holding the whole file
//   JSON array     read whole; a byte scan (strings and nesting followed)
//                  finds each record's bounds, and a chunk is the bytes of
//                  consecutive records wrapped in [ ]; an array it cannot
//                  follow is loaded in one call, where the engine says what
//                  is wrong with it
//   Graph          one call a page (a file holding several pages, as a JSON
//                  array or one a line, is loaded page by page); a bare
//                  array of Graph items in chunks like a JSON array
// Each chunk carries the index of its first record (the line for NDJSON, the
// page and the position in `value` for Graph) so that errors name the record
// in the file, not in the chunk. How many e-mails and meetings a Graph file
// held is the engine's answer (its LoadReport), not this module's.

import { codedError } from "../errors.js";
import { csvKind } from "./csv.js";

/**
 * What a file holds, as `detect` tells it.
 * @typedef {object} Detected
 * @property {import("../protocol.js").FileKind} kind
 * @property {import("../protocol.js").FileSyntax} syntax
 * @property {"pages" | "items"} [graph]   for kind "graph": Graph pages, or a bare array of Graph items
 */

/**
 * One engine call's worth of a file.
 * @typedef {object} Chunk
 * @property {Uint8Array} bytes
 * @property {number} firstIndex     the index of its first record in the file (NDJSON: the 0-based line; Graph pages: 0)
 * @property {number} end            bytes of the file done once it is loaded
 * @property {"json" | "ndjson" | "graph"} format   the engine's
 * @property {number} [page]         Graph pages: the page's number, 0-based
 * @property {number} [pageLine]     Graph pages one a line: the page's 0-based line
 */

/** Most records an engine call takes, and most bytes (a chunk ends at the record that crosses it). */
export const CHUNK_RECORDS = 10_000;
export const CHUNK_BYTES = 8 * 1024 * 1024;
/** A line this long is handed to the engine unfinished (which refuses it) rather than read on for ever. */
const LONGEST_LINE = 64 * 1024 * 1024;
/** How far into a file its kind is looked for. */
const HEAD_BYTES = 1024 * 1024;

const NL = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const COMMA = 44;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

const decoder = new TextDecoder();
/** @param {number | undefined} c */
const isSpace = (c) => c === SPACE || c === NL || c === CR || c === TAB;

/**
 * The UTF-8 byte order mark's length at the start of `bytes` (3 or 0).
 * @param {Uint8Array} bytes
 */
function bomLength(bytes) {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * Index of the first byte at or after `from` that is not white space, or -1.
 * @param {Uint8Array} bytes
 * @param {number} [from]
 */
function firstNonSpace(bytes, from = 0) {
  for (let i = from; i < bytes.length; i++) if (!isSpace(bytes[i])) return i;
  return -1;
}

/**
 * The end (exclusive) of the JSON value that starts with `{` or `[` at
 * `start`, following strings and nesting; -1 when `bytes` ends first.
 * @param {Uint8Array} bytes
 * @param {number} start
 */
function valueEnd(bytes, start) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The bounds of every element of the JSON array starting at `open` (its `[`),
 * as a flat list [start0, end0, start1, end1, …], when every element is an
 * object and nothing but white space follows the array; else null (the
 * engine is then given the whole text and says what is wrong).
 * @param {Uint8Array} bytes
 * @param {number} open
 * @returns {number[] | null}
 */
export function arrayRecordBounds(bytes, open) {
  /** @type {number[]} */
  const bounds = [];
  let depth = 0; // inside the array: 0 between elements
  let inString = false;
  let escaped = false;
  let recordStart = -1;
  let expectValue = true; // after "[" or ",": an element must come (no "[,", no ",,")
  for (let i = open + 1; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (depth > 0) {
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          if (c !== CLOSE_BRACE) return null;
          bounds.push(recordStart, i + 1);
          expectValue = false;
        }
      }
      continue;
    }
    if (isSpace(c)) continue;
    if (c === OPEN_BRACE && expectValue) {
      depth = 1;
      recordStart = i;
    } else if (c === COMMA && !expectValue) {
      expectValue = true;
    } else if (c === CLOSE_BRACKET && (!expectValue || bounds.length === 0)) {
      return firstNonSpace(bytes, i + 1) === -1 ? bounds : null;
    } else {
      return null; // a string, number or nested array as an element, or a stray character
    }
  }
  return null; // the array never closed
}

/**
 * Whether a parsed object looks like a Microsoft Graph message or event
 * (which of the two is the engine's business).
 * @param {Record<string, unknown>} o
 */
function isGraphItem(o) {
  return (
    "sentDateTime" in o ||
    "toRecipients" in o ||
    "isDraft" in o ||
    "organizer" in o ||
    "attendees" in o ||
    (o.start !== null && typeof o.start === "object") ||
    (o.from !== null && typeof o.from === "object" && "emailAddress" in o.from)
  );
}

/**
 * What one record says its file holds.
 * @param {unknown} o
 * @returns {"graph-page" | "graph-item" | "interactions" | "people" | null}
 */
function kindOfRecord(o) {
  if (o === null || typeof o !== "object" || Array.isArray(o)) return null;
  const record = /** @type {Record<string, unknown>} */ (o);
  if (Array.isArray(record.value)) return "graph-page";
  if (isGraphItem(record)) return "graph-item";
  if ("kind" in record || "from" in record) return "interactions";
  if ("id" in record) return "people";
  return null;
}

/**
 * @param {string} text
 * @returns {unknown}
 */
function parseOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * What `file` holds, from its first megabyte:
 * { kind: "people" | "interactions" | "graph" | "empty", syntax: "json" | "ndjson" | "json-object",
 *   graph: "pages" | "items" (for kind "graph") }.
 * Throws INVALID_INPUT (with `file`) when it is neither JSON nor NDJSON of records.
 * @param {File} file
 * @returns {Promise<Detected>}
 */
export async function detect(file) {
  const head = new Uint8Array(await file.slice(0, Math.min(file.size, HEAD_BYTES)).arrayBuffer());
  const start = firstNonSpace(head, bomLength(head));
  if (start === -1) {
    if (file.size <= HEAD_BYTES) return { kind: "empty", syntax: "json" };
    throw codedError("INVALID_INPUT", `${file.name}: the first megabyte is blank`, { file: file.name });
  }
  /** @param {string} why */
  const unknown = (why) =>
    codedError(
      "INVALID_INPUT",
      `${file.name}: ${why}. Expected a JSON array or NDJSON of interactions or people (SPEC 2), or Microsoft Graph pages.`,
      { file: file.name },
    );
  if (head[start] === OPEN_BRACKET) {
    // A JSON array: its first element says what the file holds.
    const first = firstNonSpace(head, start + 1);
    if (first === -1 && file.size > HEAD_BYTES) throw unknown("its first megabyte holds no record");
    if (first === -1 || head[first] === CLOSE_BRACKET) return { kind: "empty", syntax: "json" };
    if (head[first] !== OPEN_BRACE) throw unknown("the array does not hold objects");
    const end = valueEnd(head, first);
    const record = end === -1 ? null : parseOrNull(decoder.decode(head.subarray(first, end)));
    const kind = kindOfRecord(record);
    if (kind === "graph-page") return { kind: "graph", syntax: "json", graph: "pages" };
    if (kind === "graph-item") return { kind: "graph", syntax: "json", graph: "items" };
    if (kind) return { kind, syntax: "json" };
    throw unknown(record ? "its first record is neither an interaction (kind, from) nor a person (id)" : "its first record is not JSON");
  }
  if (head[start] === OPEN_BRACE) {
    // NDJSON when the first line is a whole object; else one (pretty-printed) JSON object.
    const nl = head.indexOf(NL, start);
    const firstLine = decoder.decode(head.subarray(start, nl === -1 ? head.length : nl)).trim();
    const record = parseOrNull(firstLine);
    if (record !== null && (nl !== -1 || file.size <= HEAD_BYTES)) {
      const kind = kindOfRecord(record);
      if (kind === "graph-page") return { kind: "graph", syntax: "ndjson", graph: "pages" };
      if (kind === "graph-item") throw unknown("Microsoft Graph items one a line are not read; keep the pages as Graph returns them");
      if (kind) return { kind, syntax: "ndjson" };
      throw unknown("its first record is neither an interaction (kind, from) nor a person (id)");
    }
    const end = valueEnd(head, start);
    const whole = end === -1 ? null : parseOrNull(decoder.decode(head.subarray(start, end)));
    const kind = kindOfRecord(whole);
    if (kind === "graph-page") return { kind: "graph", syntax: "json-object", graph: "pages" };
    if (kind === "graph-item") return { kind: "graph", syntax: "json-object", graph: "items" };
    if (kind) return { kind, syntax: "json-object" };
    if (end === -1 && file.size > HEAD_BYTES) {
      // A large pretty-printed object: most likely a Graph page; the engine says if not.
      return { kind: "graph", syntax: "json-object", graph: "pages" };
    }
    throw unknown(whole ? "it is one JSON object that is neither a Graph page nor a record" : "it is not JSON");
  }
  // CSV: a header row naming SPEC 2 fields (worker/csv.js); loaded as NDJSON.
  const nl = head.indexOf(NL, start);
  const csv = csvKind(decoder.decode(head.subarray(start, nl === -1 ? head.length : nl)));
  if (csv) return { kind: csv, syntax: "csv" };
  throw unknown("it does not start with [ or {, nor with a CSV header naming id and from");
}

/**
 * `bytes` wrapped in [ ] (a run of comma-separated records → a JSON array).
 * @param {Uint8Array} bytes
 */
function bracketed(bytes) {
  const out = new Uint8Array(bytes.length + 2);
  out[0] = OPEN_BRACKET;
  out.set(bytes, 1);
  out[out.length - 1] = CLOSE_BRACKET;
  return out;
}

/**
 * @param {Uint8Array[]} pieces
 * @param {number} total   their length
 */
function concat(pieces, total) {
  if (pieces.length === 1) return pieces[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * NDJSON lines of `file` in chunks, read as a stream: yields
 * { bytes, firstIndex (0-based line of the chunk's first line), lines, end (bytes of the file done) }.
 * @param {File} file
 * @param {number} maxRecords
 * @param {number} maxBytes
 * @returns {AsyncGenerator<{ bytes: Uint8Array, firstIndex: number, lines: number, end: number }>}
 */
async function* ndjsonChunks(file, maxRecords, maxBytes) {
  const reader = file.stream().getReader();
  /** @type {Uint8Array[]} */
  let pieces = []; // bytes read and not yet yielded; they start at a line boundary
  let pending = 0; // their length
  let lines = 0; // newlines among them
  let lastBreak = -1; // offset in them just after their last newline
  let firstLine = 0;
  let consumed = 0; // bytes of the file yielded (or skipped)
  let first = true;
  /** @param {number} cut */
  const take = (cut) => {
    const all = concat(pieces, pending);
    const bytes = all.slice(0, cut);
    const rest = all.subarray(cut);
    pieces = rest.length ? [rest.slice()] : [];
    pending = rest.length;
    consumed += cut;
    return bytes;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (value && value.length) {
        let piece = value;
        if (first) {
          const bom = bomLength(piece);
          if (bom) {
            piece = piece.subarray(bom);
            consumed += bom;
          }
          first = false;
        }
        for (let at = piece.indexOf(NL); at !== -1; at = piece.indexOf(NL, at + 1)) {
          lines++;
          lastBreak = pending + at + 1;
        }
        pieces.push(piece);
        pending += piece.length;
      }
      while (lastBreak > 0 && (lines >= maxRecords || pending >= maxBytes)) {
        let cut = lastBreak;
        let n = lines;
        if (lines > maxRecords) {
          // Cut just after the maxRecords-th line.
          pieces = [concat(pieces, pending)];
          let at = -1;
          for (let k = 0; k < maxRecords; k++) at = pieces[0].indexOf(NL, at + 1);
          cut = at + 1;
          n = maxRecords;
        }
        const bytes = take(cut);
        yield { bytes, firstIndex: firstLine, lines: n, end: consumed };
        firstLine += n;
        lines -= n;
        lastBreak = lines > 0 ? lastBreak - cut : -1;
      }
      if (lastBreak === -1 && pending > LONGEST_LINE) {
        // One line longer than any record can be: given to the engine as it is, which refuses it.
        const bytes = take(pending);
        yield { bytes, firstIndex: firstLine, lines: 1, end: consumed };
        firstLine += 1;
      }
      if (done) break;
    }
    if (pending > 0) {
      const n = lines + 1;
      const bytes = take(pending);
      yield { bytes, firstIndex: firstLine, lines: n, end: consumed };
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Records of a JSON array held in `bytes`, in chunks of consecutive records
 * wrapped in [ ]; `bounds` from arrayRecordBounds. `wrap: false` yields each
 * record alone (Graph pages).
 * @param {Uint8Array} bytes
 * @param {number[]} bounds
 * @param {number} maxRecords
 * @param {number} maxBytes
 * @param {{ wrap?: boolean, offset?: number }} [how]
 */
function* arrayChunks(bytes, bounds, maxRecords, maxBytes, { wrap = true, offset = 0 } = {}) {
  const records = bounds.length / 2;
  let i = 0;
  while (i < records) {
    const start = bounds[2 * i];
    let j = i + 1;
    while (j < records && j - i < maxRecords && bounds[2 * j + 1] - start <= maxBytes) j++;
    const end = bounds[2 * (j - 1) + 1];
    const slice = bytes.subarray(start, end);
    yield { bytes: wrap ? bracketed(slice) : slice.slice(), firstIndex: i, records: j - i, end: offset + (j === records ? bytes.length : end) };
    i = j;
  }
}

/**
 * The chunks of `file` as `detect` saw it: an async iterator of
 * { bytes, firstIndex, end, format, page? } where format is the engine's
 * ("json", "ndjson", "graph") and `page` (Graph pages) the page's number, 0-based.
 * @param {File} file
 * @param {Detected} detected
 * @param {{ maxRecords?: number, maxBytes?: number }} [limits]
 * @returns {AsyncGenerator<Chunk>}
 */
export async function* chunksOf(file, detected, { maxRecords = CHUNK_RECORDS, maxBytes = CHUNK_BYTES } = {}) {
  const { kind, syntax } = detected;
  if (kind === "empty") return;
  /** @type {Chunk["format"]} */
  const engineFormat = kind === "graph" ? "graph" : syntax === "ndjson" ? "ndjson" : "json";
  if (syntax === "ndjson") {
    if (kind === "graph") {
      // One page a line: each line is one call.
      let page = 0;
      for await (const chunk of ndjsonChunks(file, 1, Infinity)) {
        const text = decoder.decode(chunk.bytes).trim();
        if (text === "") continue;
        yield { bytes: chunk.bytes, firstIndex: 0, end: chunk.end, format: "graph", page: page++, pageLine: chunk.firstIndex };
      }
      return;
    }
    for await (const chunk of ndjsonChunks(file, maxRecords, maxBytes)) {
      yield { bytes: chunk.bytes, firstIndex: chunk.firstIndex, end: chunk.end, format: engineFormat };
    }
    return;
  }
  const buffer = new Uint8Array(await file.arrayBuffer());
  const bom = bomLength(buffer);
  const bytes = bom ? buffer.subarray(bom) : buffer;
  if (syntax === "json-object") {
    // One object: a Graph page as it is, or a single record wrapped into an array.
    const single = kind === "graph" ? bytes : bracketed(bytes);
    yield { bytes: single, firstIndex: 0, end: buffer.length, format: engineFormat, ...(kind === "graph" ? { page: 0 } : {}) };
    return;
  }
  const open = firstNonSpace(bytes);
  const bounds = arrayRecordBounds(bytes, open);
  if (bounds === null) {
    // Not an array this scan follows: one call, and the engine's error names the fault.
    yield { bytes, firstIndex: 0, end: buffer.length, format: engineFormat };
    return;
  }
  if (kind === "graph" && detected.graph === "pages") {
    let page = 0;
    for (const chunk of arrayChunks(bytes, bounds, 1, Infinity, { wrap: false, offset: bom })) {
      yield { bytes: chunk.bytes, firstIndex: 0, end: chunk.end, format: "graph", page: page++ };
    }
    return;
  }
  for (const chunk of arrayChunks(bytes, bounds, maxRecords, maxBytes, { offset: bom })) {
    yield { bytes: chunk.bytes, firstIndex: chunk.firstIndex, end: chunk.end, format: engineFormat };
  }
}
