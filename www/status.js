// What the page says of the data shown: the status line once it is loaded
// (the demo generated, a copy reopened from this browser, or the user's
// files) and the Data panel's "Showing …" line.

import { $, el, countFormat, formatInstant } from "./ui.js";

/**
 * @typedef {import("./protocol.js").DemoLoad} DemoLoad
 * @typedef {import("./protocol.js").StoredLoad} StoredLoad
 * @typedef {import("./protocol.js").LoadResult} LoadResult
 * @typedef {import("./protocol.js").FilesResult} FilesResult
 * @typedef {import("./protocol.js").StoredFile} StoredFile
 * @typedef {FilesResult & { stored: import("./protocol.js").Stored, seconds: number }} FilesLoaded
 */

/**
 * The status line after the demo was generated and loaded.
 * @param {DemoLoad} load
 */
export function loadSummary(load) {
  const p = load.people;
  const i = load.interactions;
  /** @type {[number, string][]} */
  const counts = [
    [i.duplicates, "duplicates"],
    [i.cancelled, "cancelled"],
    [i.droppedOptedOut, "from people who asked not to be tracked"],
    [i.droppedNoConsent, "of colleagues' not kept without permission"],
    [i.rejected, "rejected"],
  ];
  const skipped = counts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${countFormat.format(n)} ${what}`);
  const seconds = (load.timings.generatedMs + load.timings.loadedMs) / 1000;
  const discarded = load.discarded
    ? [
        el("span", { "data-load": "discarded", "data-code": load.discarded.code },
          `The data stored in this browser could not be opened (${load.discarded.code}) and was deleted; the demo data was loaded again. `),
      ]
    : [];
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    ...discarded,
    `Demo data (seed ${load.seed}): `,
    el("strong", { "data-load": "people", text: countFormat.format(p.accepted) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(i.accepted) }),
    ` interactions loaded${skipped.length ? ` (skipped: ${skipped.join(", ")})` : ""} in ${seconds.toFixed(1)} s.`,
    load.stored === "saved" ? " Stored in this browser for next time." : "",
  ];
}

/** The status line when the data was reopened from this browser's IndexedDB instead of generated. */
/** @param {StoredLoad} load */
export function storedSummary(load) {
  const files = load.dataset === "files";
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    el("span", { "data-load": "source", text: "Reopened from this browser's storage" }),
    files
      ? ` (your data from ${filesText(load.files)}, saved ${formatInstant(load.savedAt)}): `
      : ` (demo seed ${load.seed}, saved ${formatInstant(load.savedAt)}): `,
    el("strong", { "data-load": "people", text: countFormat.format(load.people?.accepted ?? 0) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(load.stats.interactions) }),
    ` interactions in ${(load.timings.openedMs / 1000).toFixed(2)} s.`,
    load.reloaded ? " Others' interactions were loaded again under the consent given." : "",
    load.othersMissing ? " Others' interactions were not kept without consent: load your files again to include them." : "",
    load.restricted && load.stored === "saved"
      ? el("span", {
          "data-load": "restricted",
          text: " Without consent to others' data, the stored copy was rewritten at once to hold only your own interactions.",
        })
      : "",
  ];
}

/** The status line after the user's files replaced the data. */
/** @param {FilesLoaded} load */
export function filesSummary(load) {
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    el("span", { "data-load": "source", text: "Your data" }),
    ` (${filesText(load.files)}): `,
    el("strong", { "data-load": "people", text: countFormat.format(load.people.accepted) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(load.stats.interactions) }),
    ` interactions loaded in ${load.seconds.toFixed(1)} s.`,
    load.stored === "saved" ? " Stored in this browser for next time." : "",
  ];
}

/**
 * "a.json", "a.json and b.json", "3 files".
 * @param {StoredFile[]} [files]
 */
function filesText(files = []) {
  const names = files.map((f) => f.name);
  if (names.length === 0) return "no files";
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${countFormat.format(names.length)} files`;
}

/** What the page shows now, for the Data panel and the load reports. @type {{ kind: "demo" | "files", text: string } | null} */
let dataShown = null;

/** The data shown, in words ("the demo data (seed 42)"), for the load panel's reports. */
export function describeData() {
  return dataShown?.text ?? "the data shown before";
}

/**
 * Says which data the page shows, in the Data panel.
 * @param {LoadResult | FilesLoaded} load
 */
export function showDataset(load) {
  const files = load.dataset === "files";
  dataShown = files
    ? { kind: "files", text: `your data from ${filesText(load.files)}` }
    : { kind: "demo", text: `the demo data (seed ${load.seed})` };
  const p = $("dataset");
  p.dataset.dataset = dataShown.kind;
  p.textContent = files
    ? `Showing your data from ${filesText(load.files)}${load.loadedAt ? `, loaded ${formatInstant(load.loadedAt)}` : ""}, as ${load.viewer}.`
    : `Showing the demo data (seed ${load.seed}), generated in this browser, as ${load.viewer}.`;
}
