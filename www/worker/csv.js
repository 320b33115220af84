// CSV files read as the same records as NDJSON (worker/files.js, ingest.js):
// one interaction (or person) a row, the first row naming the columns with
// the SPEC 2 field names (id, kind, from, to, cc, at, durationMinutes, …).
// RFC 4180 quoting: a field in double quotes may hold commas, line breaks
// and doubled quotes. Lists (`to`, `cc`, `aliases`) hold several addresses
// separated by ";". Numbers and booleans are converted by column; an empty
// cell is an absent field; any other column is passed on as text, so that
// the engine refuses an unknown field by name as it does in NDJSON. The
// records are handed on as NDJSON text, one record a line, so that the
// engine's error for line N is the CSV's data row N.

/** Columns holding several values, separated by ";". */
const LISTS = new Set(["to", "cc", "aliases"]);
/** Columns holding a number. */
const NUMBERS = new Set(["durationMinutes"]);
/** Columns holding true or false. */
const BOOLEANS = new Set(["cancelled", "internal", "optedOut"]);
/** Columns that may hold epoch milliseconds instead of RFC 3339 text. */
const TIMES = new Set(["at", "modifiedAt"]);

/**
 * The rows of CSV `text` (RFC 4180; a BOM and a final line break are ignored).
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ""));
}

/**
 * A cell as the field's JSON value, or undefined when empty.
 * @param {string} column
 * @param {string} raw
 * @returns {unknown}
 */
function value(column, raw) {
  const cell = raw.trim();
  if (cell === "") return undefined;
  if (LISTS.has(column)) return cell.split(";").map((s) => s.trim()).filter(Boolean);
  if (NUMBERS.has(column)) return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  if (BOOLEANS.has(column)) {
    const b = cell.toLowerCase();
    return b === "true" || b === "1" || b === "yes" ? true : b === "false" || b === "0" || b === "no" ? false : cell;
  }
  if (TIMES.has(column) && /^\d{10,}$/.test(cell)) return Number(cell);
  return cell;
}

/**
 * Whether a first line looks like a CSV header of records: it names `id`
 * and, for interactions, `from` or `kind`.
 * @param {string} firstLine
 * @returns {"interactions" | "people" | null}
 */
export function csvKind(firstLine) {
  const names = (parseCsv(firstLine)[0] ?? []).map((h) => h.trim());
  if (!names.includes("id")) return null;
  if (names.includes("from") || names.includes("kind")) return "interactions";
  return names.includes("name") || names.includes("internal") || names.includes("department") ? "people" : null;
}

/**
 * The records of CSV `text` as NDJSON, one line a data row.
 * @param {string} text
 * @returns {{ ndjson: string, records: number }}
 */
export function csvToNdjson(text) {
  const [header = [], ...rows] = parseCsv(text);
  const columns = header.map((h) => h.trim());
  const lines = rows.map((row) => {
    /** @type {Record<string, unknown>} */
    const record = {};
    columns.forEach((column, k) => {
      const v = value(column, row[k] ?? "");
      if (v !== undefined && column !== "") record[column] = v;
    });
    // A row with more cells than the header: kept, so that the engine refuses it by name.
    for (let k = columns.length; k < row.length; k++) if (row[k].trim() !== "") record[`column${k + 1}`] = row[k];
    return JSON.stringify(record);
  });
  return { ndjson: lines.join("\n") + (lines.length ? "\n" : ""), records: lines.length };
}
