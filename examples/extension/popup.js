// The extension's popup (also opened as a tab): a contact's relationship
// summary and who on the team knows them, computed by rapport's .wasm in this
// page. Runs under the extension-page CSP of manifest.json (scripts from the
// extension only, plus 'wasm-unsafe-eval'): no eval, no inline script or
// handler, elements built with DOM APIs only. Nothing is fetched but the
// extension's own files, and nothing is stored: the data lives in the engine
// (and, for a loaded file, its bytes in memory) while the page is open.
// The DOM and formatting helpers are the dashboard's (www/ui.js), and so is
// the rule of when to load the data again for consent (www/reload.js):
// scripts/build.sh copies both into shared/, beside the wasm package in pkg/.

import init, { Engine } from "./pkg/rapport.js";
import initDemo, { demoDataset } from "./pkg/rapport_demo.js";
import { $, el, countFormat, pointsFormat, decimalFormat, formatters, timeElement, plural } from "./shared/ui.js";
import { othersNeedReload } from "./shared/reload.js";

/** The built-in demo data the popup opens with. */
export const DEMO = { seed: 42, interactions: 20000 };
/** How many colleagues "who knows whom" shows (the engine's default). */
export const WHO_KNOWS_WHOM_TOP = 5;

const encoder = new TextEncoder();

const state = {
  engine: null,
  /** Where the data comes from, to load it again: the demo, or a file's bytes kept in memory. */
  source: { kind: "demo", ...DEMO },
  viewer: null,
  identifiable: false,
  /** The contact on screen, shown again when the scope or consent changes. */
  shown: null,
  /** True while data loads or consent changes. */
  working: false,
};

// ---------------------------------------------------------------- formatting

/** The popup writes dates day first, whatever the browser's language. */
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** A <time> with its raw value in data-value (JSON), for tests and tools. */
function time(field, iso, format = dateTime) {
  return timeElement(field, iso, iso ? `${format.format(new Date(iso))} UTC` : "none");
}

function setStatus(text) {
  $("status").textContent = text;
}

/** Lets the page paint (the status line) before a long synchronous call. */
const paint = () => new Promise((resolve) => setTimeout(resolve, 20));

/** "CODE: message", with the record's index and field when the engine names them. */
function describeError(err) {
  if (!err || typeof err !== "object" || !("code" in err)) return String(err?.message ?? err);
  const where = err.index !== undefined ? ` (record ${err.index}${err.field ? `, field ${err.field}` : ""})` : "";
  return `${err.code}: ${err.message}${where}`;
}

// ---------------------------------------------------------------- engine and data

/** A new engine on `source`, with identifiable consent or none; the caller frees the old one. */
function open(source, identifiable) {
  const consent = { identifiable, aggregated: false };
  let viewer;
  let internalDomains;
  let people;
  let interactions;
  let now;
  let load = {};
  if (source.kind === "demo") {
    const demo = demoDataset({ seed: source.seed, interactions: source.interactions });
    // The reference time the demo data was made for.
    ({ viewer, internalDomains, now } = demo);
    people = demo.people;
    interactions = encoder.encode(demo.interactions);
  } else {
    // The clock when the file was chosen: kept with it, so that reopening it
    // (a change of consent) shows the same window.
    ({ viewer, internalDomains, people, bytes: interactions, now } = source);
    load = { lenient: source.lenient };
    if (source.format) load.format = source.format;
  }
  const engine = new Engine({ viewer, internalDomains, consent, now });
  try {
    const peopleReport = people ? engine.loadPeople(people, { lenient: load.lenient }) : null;
    const report = engine.loadInteractions(interactions, load);
    return { engine, viewer, report, peopleReport };
  } catch (err) {
    engine.free();
    throw err;
  }
}

function use(source, opened) {
  state.engine?.free();
  state.engine = opened.engine;
  state.viewer = opened.viewer;
  state.source = source;
  $("data-name").textContent =
    source.kind === "demo"
      ? `demo (seed ${source.seed}, ${countFormat.format(source.interactions)} interactions)`
      : `${source.name} (${countFormat.format(opened.report.accepted)} interactions)`;
  refreshContacts();
}

/** The datalist: the contacts the consented view knows, busiest first (own scope: only the viewer's). */
function refreshContacts() {
  const scope = state.identifiable ? "team" : "own";
  const contacts = state.engine
    .relationshipSummaries({ level: "contact", scope })
    .sort((a, b) => b.interactionsUsed - a.interactionsUsed || a.id.localeCompare(b.id));
  $("contacts").replaceChildren(
    ...contacts.map((c) => el("option", { value: c.id, text: [c.name, c.account].filter(Boolean).join(" · ") || c.id })),
  );
  $("contacts").dataset.scope = scope;
  $("contact-help").textContent =
    `Type an address, or pick one of the ${countFormat.format(contacts.length)} contacts ` +
    (scope === "own" ? `you (${state.viewer}) have been in touch with.` : "your team has been in touch with.");
}

// ---------------------------------------------------------------- the lookup

function currentScope() {
  return $("scope-team").checked ? "team" : "own";
}

/** Runs `fn`; a rapport error comes back as { error }, anything else is thrown. */
function attempt(fn) {
  try {
    return { value: fn() };
  } catch (err) {
    if (err && typeof err === "object" && "code" in err) return { error: err };
    throw err;
  }
}

function show(contact) {
  const scope = currentScope();
  const target = { contact };
  const relationship = attempt(() => state.engine.relationship(target, { scope }));
  const who = attempt(() => state.engine.whoKnowsWhom(target, { top: WHO_KNOWS_WHOM_TOP }));
  state.shown = contact;
  $("result").replaceChildren(relationshipSection(relationship, contact, scope), whoKnowsWhomSection(who, contact));

  const name = relationship.value?.target.name ?? who.value?.target.name ?? contact;
  const why = (err) => ({ CONSENT_REQUIRED: "consent needed", UNKNOWN_TARGET: "not found" })[err.code] ?? err.code;
  const notes = [];
  if (relationship.error) notes.push(`Relationship: ${why(relationship.error)}.`);
  if (who.error) notes.push(`Who knows whom: ${why(who.error)}.`);
  const said = `${name}, ${scope === "own" ? "your interactions" : "whole team"}. ${notes.join(" ")}`.trim();
  setStatus(said);
  return said;
}

function relationshipSection(res, contact, scope) {
  if (res.error) {
    const section = el("section", { class: "card", "data-view": "relationship", "aria-labelledby": "rel-title" });
    section.append(el("h2", { id: "rel-title", text: "Relationship" }));
    if (res.error.code === "CONSENT_REQUIRED") {
      section.dataset.shown = "refusal";
      section.append(
        refusal(
          res.error,
          "The whole-team view uses everyone's interactions with this contact, so it needs consent to identifiable team data, which is not granted.",
          "Tick “Allow identifiable team data” above, or choose “Mine only” to see the interactions you took part in (no consent needed).",
        ),
      );
    } else {
      section.dataset.shown = "error";
      section.append(failure(res.error, contact, scope));
    }
    return section;
  }
  const r = res.value;
  const section = el("section", {
    class: "card",
    "data-view": "relationship",
    "data-shown": "result",
    "data-scope": r.scope,
    "data-target-id": r.target.id,
    "aria-labelledby": "rel-title",
  });
  section.append(
    el("h2", { id: "rel-title", class: "name", text: r.target.name ?? r.target.id }),
    el("p", { class: "muted small id", text: [r.target.name ? r.target.id : null, r.target.account].filter(Boolean).join(" · ") }),
    el("p", {
      class: "scope-line",
      "data-field": "scope",
      text: r.scope === "own" ? "Your own interactions only." : "Everyone on the team's interactions (identifiable team data).",
    }),
    health(r.health),
    facts(r),
    kpis(r.kpis, r.scope === "own", r.window.days),
  );
  return section;
}

const BANDS = { good: "Good", fair: "Fair", poor: "Poor" };
const TRENDS = { improving: "↑ improving", steady: "→ steady", declining: "↓ declining" };
const FACTORS = { frequency: "Frequency", recency: "Recency", reciprocity: "Reciprocity", responsiveness: "Responsiveness", breadth: "Breadth" };

function health(h) {
  const band = h.band ?? "insufficient-data";
  const scored = h.state === "scored";
  const trend = h.trend;
  const change = trend ? `${trend.change > 0 ? "+" : trend.change < 0 ? "−" : "±"}${Math.abs(trend.change)}` : null;
  const box = el(
    "div",
    { class: `health band-${band}`, "data-health-state": h.state },
    el("h3", { text: "Health" }),
    el(
      "p",
      { class: "score-line" },
      el("data", { "data-health": "score", "data-value": JSON.stringify(h.score), value: String(h.score ?? ""), class: "score", text: scored ? String(h.score) : "Not scored" }),
      scored ? el("span", { class: "out-of", text: "/100" }) : null,
      " ",
      el("span", { "data-health": "band", "data-value": JSON.stringify(band), class: "band", text: BANDS[band] ?? "Too little data" }),
      trend
        ? el("span", {
            "data-health": "trend",
            "data-value": JSON.stringify(trend.direction),
            class: "trend",
            text: ` ${TRENDS[trend.direction]}${trend.previousScore === null ? "" : ` (${change})`}`,
          })
        : null,
    ),
    el("p", { "data-health": "summary", text: h.summary }),
  );
  if (h.factors.length) {
    box.append(
      el("h4", { text: "Why this score" }),
      el(
        "ul",
        { class: "factors" },
        ...h.factors.map((f) =>
          el(
            "li",
            { "data-factor": f.factor },
            el(
              "span",
              { class: "factor-head" },
              el("strong", { text: FACTORS[f.factor] ?? f.factor }),
              " ",
              el("data", { "data-factor-points": f.factor, value: String(f.points), text: pointsFormat.format(f.points) }),
              ` of ${pointsFormat.format(f.maxPoints)} points`,
            ),
            el("meter", { min: 0, max: f.maxPoints || 1, value: f.points, "aria-label": `${FACTORS[f.factor] ?? f.factor}: ${f.points} of ${f.maxPoints} points` }),
            el("span", { class: "muted small", text: f.value === null ? "does not apply; its weight goes to the others" : f.explanation }),
          ),
        ),
      ),
    );
  }
  return box;
}

function facts(r) {
  const fact = (label, ...value) => el("div", {}, el("dt", { text: label }), el("dd", {}, ...value));
  return el(
    "dl",
    { class: "facts" },
    fact("Last interaction", time("last-interaction", r.lastInteractionAt)),
    fact("Next interaction", time("next-interaction", r.nextInteractionAt)),
    fact("Window", time("window-start", r.window.start, date), " – ", time("window-end", r.window.end, date), ` (${r.window.days} days)`),
    fact("Interactions counted", el("data", { "data-field": "interactions-used", value: String(r.interactionsUsed), text: countFormat.format(r.interactionsUsed) })),
  );
}

function kpis(k, own, days) {
  const us = own ? "you" : "us";
  const Our = own ? "Your" : "Our";
  const rows = [
    ["emailsSent", "count", `E-mails by ${us}`],
    ["emailsReceived", "count", "E-mails by them"],
    ["replies", "count", `Replies by ${us}`],
    ["repliesReceived", "count", "Replies by them"],
    ["meetings", "count", "Meetings"],
    ["meetingMinutes", "duration", "In meetings"],
    ["calls", "count", "Calls"],
    ["callMinutes", "duration", "On calls"],
    ["timeSpentMinutes", "duration", "Time spent (meetings + calls)"],
    ["responseRate", "percent", `${Our} response rate`],
    ["medianResponseMinutes", "delay", `${Our} median reply time`],
    ["p90ResponseMinutes", "delay", `${Our} 90th-percentile reply time`],
    ["theirResponseRate", "percent", "Their response rate"],
    ["theirMedianResponseMinutes", "delay", "Their median reply time"],
    ["theirP90ResponseMinutes", "delay", "Their 90th-percentile reply time"],
  ];
  return el(
    "div",
    { class: "kpis-box" },
    el("h3", { text: `The last ${days} days` }),
    el(
      "dl",
      { class: "kpis" },
      ...rows.map(([field, format, label]) => {
        const value = k[field] ?? null;
        return el(
          "div",
          {},
          el("dt", { text: label }),
          el("dd", {}, el("data", { "data-kpi": field, "data-value": JSON.stringify(value), value: JSON.stringify(value), text: formatters[format](value) })),
        );
      }),
    ),
  );
}

function whoKnowsWhomSection(res, contact) {
  const section = el("section", { class: "card", "data-view": "who-knows-whom", "aria-labelledby": "who-title" }, el("h2", { id: "who-title", text: "Who knows whom" }));
  if (res.error) {
    if (res.error.code === "CONSENT_REQUIRED") {
      section.dataset.shown = "refusal";
      section.append(
        refusal(
          res.error,
          "Who knows whom names your colleagues and uses their interactions, so it needs consent to identifiable team data, which is not granted.",
          "Tick “Allow identifiable team data” above to see it.",
        ),
      );
    } else {
      section.dataset.shown = "error";
      section.append(failure(res.error, contact, "team"));
    }
    return section;
  }
  const w = res.value;
  section.dataset.shown = "result";
  section.dataset.scope = w.scope;
  section.dataset.targetId = w.target.id;
  section.append(
    el("p", { class: "muted small" }, "Colleagues by connection strength (0–1, from frequency, recency and reciprocity), as of ", time("as-of", w.asOf), "."),
  );
  if (!w.colleagues.length) {
    section.append(el("p", { "data-field": "nobody", text: "No colleague has been in touch with this contact." }));
    return section;
  }
  section.append(
    el(
      "ol",
      { class: "colleagues" },
      ...w.colleagues.map((c) => {
        const e = c.evidence;
        const label = c.name ?? c.id;
        return el(
          "li",
          { "data-person": c.id, "data-strength": JSON.stringify(c.strength) },
          el("span", { class: "who" }, el("strong", { text: label }), el("span", { class: "muted small", text: [c.name ? c.id : null, c.department].filter(Boolean).join(" · ") })),
          el(
            "span",
            { class: "strength" },
            el("meter", { min: 0, max: 1, value: c.strength, "aria-label": `${label}: connection strength` }),
            el("data", { "data-field": "strength", value: String(c.strength), text: decimalFormat.format(c.strength) }),
          ),
          el(
            "span",
            { class: "muted small evidence", "data-evidence": JSON.stringify([e.emails, e.meetings, e.calls]) },
            `${plural(e.emails, "e-mail")} · ${plural(e.meetings, "meeting")} · ${plural(e.calls, "call")} · last `,
            time("last", e.lastInteractionAt, date),
          ),
        );
      }),
    ),
  );
  return section;
}

function refusal(err, why, how) {
  return el(
    "div",
    { class: "refusal", "data-refusal": err.scope ?? "unknown", "data-code": err.code },
    el("h3", { text: "Consent needed: identifiable team data" }),
    el("p", { text: `Not shown. ${why}` }),
    el("p", { text: how }),
    el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
  );
}

function failure(err, contact, scope) {
  const text =
    err.code === "UNKNOWN_TARGET"
      ? scope === "own"
        ? `No external contact “${contact}” among your own interactions.`
        : `No external contact “${contact}” in the loaded data.`
      : "This could not be computed.";
  return el(
    "div",
    { class: "failure", "data-code": err.code },
    el("p", { text }),
    el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
  );
}

// ---------------------------------------------------------------- controls

function busy(on) {
  const app = $("app");
  if (on) app.setAttribute("aria-busy", "true");
  else app.removeAttribute("aria-busy");
  state.working = on;
  for (const id of ["contact", "show", "scope-own", "scope-team", "consent-identifiable", "load", "use-demo"]) {
    // The focused control stays enabled, so that keyboard users keep their place; `working` guards it.
    $(id).disabled = on && $(id) !== document.activeElement;
  }
}

function lookup(event) {
  event.preventDefault();
  if (state.working) return;
  const contact = $("contact").value.trim();
  if (!contact) {
    setStatus("Enter a contact's e-mail address first.");
    $("contact").focus();
    return;
  }
  show(contact);
}

async function changeConsent() {
  const identifiable = $("consent-identifiable").checked;
  if (state.working) {
    $("consent-identifiable").checked = state.identifiable;
    return;
  }
  busy(true);
  try {
    // Withdrawn, the engine purges others' interactions; granted, it brings
    // none back by itself.
    state.engine.setConsent({ identifiable, aggregated: false });
    if (othersNeedReload(state.engine)) {
      // Others' interactions were not kept without consent (or were deleted when
      // it was withdrawn): load the data again, with the consent.
      setStatus("Loading the data again with identifiable consent…");
      await paint();
      use(state.source, open(state.source, true));
    }
    state.identifiable = identifiable;
    refreshContacts();
    const said = identifiable
      ? "Identifiable team data allowed."
      : "Identifiable team data withdrawn: others' interactions were deleted from this page's memory.";
    setStatus(state.shown ? `${said} ${show(state.shown)}` : said);
  } catch (err) {
    // The data could not be loaded again: the engine goes back to the consent the page shows.
    state.engine?.setConsent({ identifiable: state.identifiable, aggregated: false });
    setStatus(`Consent could not be changed: ${describeError(err)}`);
  } finally {
    busy(false);
    $("consent-identifiable").checked = state.identifiable;
  }
}

function formatOf(name, chosen) {
  if (chosen !== "auto") return chosen;
  return /\.(ndjson|jsonl)$/i.test(name) ? "ndjson" : undefined; // otherwise the engine tells a JSON array, a Graph page and NDJSON apart
}

function loadReport(report, peopleReport) {
  const parts = [`${countFormat.format(report.accepted)} interactions loaded`];
  if (report.duplicates) parts.push(`${countFormat.format(report.duplicates)} repeated ids skipped`);
  if (report.droppedOptedOut) parts.push(`${countFormat.format(report.droppedOptedOut)} dropped (opted out)`);
  if (report.droppedNoConsent) parts.push(`${countFormat.format(report.droppedNoConsent)} of others' not kept (no consent)`);
  if (report.cancelled) parts.push(`${countFormat.format(report.cancelled)} cancelled meetings left out`);
  if (report.skippedDrafts) parts.push(`${countFormat.format(report.skippedDrafts)} drafts skipped`);
  if (report.rejected) parts.push(`${countFormat.format(report.rejected)} bad records skipped (${Object.entries(report.rejectedByReason).map(([k, v]) => `${k}: ${v}`).join(", ")})`);
  if (peopleReport) parts.push(`${countFormat.format(peopleReport.accepted)} people in the directory`);
  return `${parts.join("; ")}.`;
}

async function loadFile(event) {
  event.preventDefault();
  if (state.working) return;
  const file = $("file").files[0];
  const peopleFile = $("people-file").files[0];
  const viewer = $("viewer").value.trim();
  const report = $("data-report");
  if (!file) {
    report.textContent = "Choose an interactions file first.";
    $("file").focus();
    return;
  }
  if (!viewer.includes("@")) {
    report.textContent = "Enter your e-mail address: the figures are seen from you.";
    $("viewer").focus();
    return;
  }
  let internalDomains = $("domains").value.split(/[\s,]+/).filter(Boolean);
  if (!internalDomains.length) internalDomains = [viewer.slice(viewer.lastIndexOf("@") + 1)];
  busy(true);
  report.textContent = `Reading ${file.name}…`;
  try {
    const source = {
      kind: "file",
      name: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
      people: peopleFile ? new Uint8Array(await peopleFile.arrayBuffer()) : null,
      format: formatOf(file.name, $("format").value),
      lenient: $("lenient").checked,
      viewer,
      internalDomains,
      now: Date.now(),
    };
    await paint();
    const opened = open(source, state.identifiable);
    use(source, opened);
    state.shown = null;
    $("result").replaceChildren();
    report.textContent = `${file.name}: ${loadReport(opened.report, opened.peopleReport)}`;
    setStatus(`Loaded ${file.name}. Enter a contact.`);
  } catch (err) {
    report.textContent = `${file.name} was not loaded: ${describeError(err)}. The data shown before is kept.`;
  } finally {
    busy(false);
  }
}

async function useDemo() {
  if (state.working) return;
  busy(true);
  setStatus("Generating the demo data…");
  await paint();
  try {
    const source = { kind: "demo", ...DEMO };
    use(source, open(source, state.identifiable));
    state.shown = null;
    $("result").replaceChildren();
    $("data-report").textContent = "";
    setStatus(`Demo data ready, seen from ${state.viewer}. Enter a contact.`);
  } catch (err) {
    setStatus(`The demo data could not be loaded: ${describeError(err)}`);
  } finally {
    busy(false);
  }
}

async function start() {
  $("lookup").addEventListener("submit", lookup);
  $("consent-identifiable").addEventListener("change", changeConsent);
  for (const id of ["scope-own", "scope-team"]) $(id).addEventListener("change", () => state.shown && !state.working && show(state.shown));
  $("load-file").addEventListener("submit", loadFile);
  $("use-demo").addEventListener("click", useDemo);
  busy(true);
  try {
    await Promise.all([
      init({ module_or_path: new URL("./pkg/rapport_bg.wasm", import.meta.url) }),
      initDemo({ module_or_path: new URL("./pkg/rapport_demo_bg.wasm", import.meta.url) }),
    ]);
  } catch (err) {
    setStatus(`The engine could not start: ${describeError(err)} (if examples/extension/pkg is missing, "npm run build" copies it there).`);
    $("app").dataset.state = "failed";
    $("app").removeAttribute("aria-busy");
    return;
  }
  busy(false);
  await useDemo();
  $("app").dataset.state = state.engine ? "ready" : "failed";
}

start();
