// Load reports added up: a file is loaded in chunks, one engine call each,
// and the page is shown one report a file and one for all the files of a
// kind. The counts are the engine's (LoadReport), summed; what a record error
// says of where it is is the file's, not the chunk's (ingest.js).

/** @typedef {import("../pkg/rapport.js").LoadReport} LoadReport */
/** @typedef {import("../pkg/rapport.js").RecordError} RecordError */

/** The counts of a LoadReport, every one summed. */
const REPORT_COUNTS = /** @type {const} */ ([
  "accepted",
  "duplicates",
  "droppedOptedOut",
  "droppedNoConsent",
  "cancelled",
  "skippedDrafts",
  "skippedSolo",
  "rejected",
  "emails",
  "meetings",
  "calls",
  "updated",
  "deleted",
  "notFound",
  "sameMessage",
]);
/** How many record errors a report keeps (as the engine does). */
const MAX_ERRORS = 10;

/** @returns {LoadReport} */
export function emptyReport() {
  const counts = /** @type {Record<typeof REPORT_COUNTS[number], number>} */ (Object.fromEntries(REPORT_COUNTS.map((k) => [k, 0])));
  return { ...counts, errors: [], rejectedByReason: {} };
}

/**
 * Adds `r` to `into`; `locate(error)` turns a chunk's error into the file's.
 * @template {LoadReport} R
 * @param {R} into
 * @param {LoadReport} r
 * @param {(e: RecordError) => RecordError} [locate]
 * @returns {R}
 */
export function addReport(into, r, locate = (e) => e) {
  for (const k of REPORT_COUNTS) into[k] += r[k] ?? 0;
  for (const [reason, n] of Object.entries(r.rejectedByReason ?? {})) into.rejectedByReason[reason] = (into.rejectedByReason[reason] ?? 0) + n;
  for (const e of r.errors ?? []) if (into.errors.length < MAX_ERRORS) into.errors.push(locate({ ...e }));
  return into;
}

/**
 * @param {LoadReport[]} reports
 * @returns {LoadReport}
 */
export function sumReports(reports) {
  return reports.reduce((sum, r) => addReport(sum, r), emptyReport());
}
