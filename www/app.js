// The dashboard page: UI only. Every wasm call (dataset, engine, queries) runs
// in worker.js; this module sends it requests, shows progress, and renders the
// results with DOM APIs (no innerHTML, no inline scripts or styles: the page
// runs under script-src 'self' 'wasm-unsafe-eval').

const DEFAULT_SEED = 42;
const DEFAULT_INTERACTIONS = 20000;

// ---------------------------------------------------------------- worker RPC

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let nextRequestId = 1;

/** Sends a request to the worker; resolves with its value or rejects with its coded error. */
function call(type, params = {}, onProgress = null) {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, type, params });
  });
}

worker.addEventListener("message", (event) => {
  const msg = event.data;
  const req = pending.get(msg?.id);
  if (!req) return;
  if (msg.type === "progress") {
    req.onProgress?.(msg);
    return;
  }
  pending.delete(msg.id);
  if (msg.ok) req.resolve(msg.value);
  else req.reject(Object.assign(new Error(msg.error.message), msg.error));
});

function workerFailed(message) {
  const err = Object.assign(new Error(message), { code: "WORKER_FAILED" });
  for (const req of pending.values()) req.reject(err);
  pending.clear();
  showFailure(err);
}

worker.addEventListener("error", (event) => {
  event.preventDefault();
  workerFailed(
    `The analytics worker stopped: ${event.message || "it could not be started"}. ` +
      "If www/pkg is missing, run `bash scripts/build.sh`.",
  );
});
worker.addEventListener("messageerror", () => workerFailed("A message from the analytics worker could not be read."));

// ---------------------------------------------------------------- formatting

const $ = (id) => document.getElementById(id);
const SVG_NS = "http://www.w3.org/2000/svg";

const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });

const NO_DATA = "—";

/** A total duration: minutes under an hour, else hours and minutes. */
function formatDuration(minutes) {
  if (minutes === null || minutes === undefined) return NO_DATA;
  if (minutes === 0) return "0 min";
  if (minutes < 1) return "< 1 min";
  const total = Math.round(minutes);
  if (total < 60) return `${total} min`;
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m ? `${countFormat.format(h)} h ${m} min` : `${countFormat.format(h)} h`;
}

/** A waiting time: like a duration, but in days and hours past two days. */
function formatDelay(minutes) {
  if (minutes === null || minutes === undefined) return NO_DATA;
  if (minutes < 48 * 60) return formatDuration(minutes);
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${countFormat.format(d)} d ${h} h` : `${countFormat.format(d)} d`;
}

const formatters = {
  count: (v) => (v === null ? NO_DATA : countFormat.format(v)),
  percent: (v) => (v === null ? NO_DATA : percentFormat.format(v)),
  duration: formatDuration,
  delay: formatDelay,
};

function formatInstant(iso) {
  return iso ? `${dateTimeFormat.format(new Date(iso))} UTC` : "none";
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

/** A <time> element with the raw value kept in data-value for tests and tools. */
function timeElement(field, iso, text) {
  const t = el("time", { "data-field": field, "data-value": JSON.stringify(iso ?? null), text });
  if (iso) t.dateTime = iso;
  return t;
}

// ---------------------------------------------------------------- page state

const main = $("app");
const statusLine = $("status");

function setState(state) {
  main.dataset.state = state;
  main.setAttribute("aria-busy", String(state === "loading"));
}

function setStatus(...parts) {
  statusLine.replaceChildren(...parts);
}

function showFailure(err) {
  setState("error");
  const box = $("failure");
  box.replaceChildren(
    el("h2", { text: "The dashboard could not load its data" }),
    el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`),
    el("p", { class: "muted", text: "Reload the page to try again, or change the seed and interactions parameters." }),
  );
  box.hidden = false;
  setStatus(`Failed: ${err.code ?? "ERROR"}`);
}

function readParams() {
  const params = new URLSearchParams(location.search);
  const integer = (name, fallback) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") return fallback;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
  };
  return { seed: integer("seed", DEFAULT_SEED), interactions: integer("interactions", DEFAULT_INTERACTIONS) };
}

// ---------------------------------------------------------------- own insights

/** The KPI cards: one main figure each, with its related figures below. */
const KPI_CARDS = [
  { title: "E-mails sent", main: ["emailsSent", "count"] },
  { title: "E-mails received", main: ["emailsReceived", "count"] },
  {
    title: "Replies",
    main: ["replies", "count"],
    hint: "your answers to e-mails from others",
    subs: [["repliesReceived", "count", "answers you received"]],
  },
  { title: "Meetings", main: ["meetings", "count"], subs: [["meetingMinutes", "duration", "in meetings"]] },
  { title: "Calls", main: ["calls", "count"], subs: [["callMinutes", "duration", "on calls"]] },
  {
    title: "Time spent",
    main: ["timeSpentMinutes", "duration"],
    hint: "meetings plus calls; e-mail time is not estimated",
  },
  {
    title: "Your response rate",
    main: ["responseRate", "percent"],
    hint: "share of e-mails to you that you answered",
    subs: [
      ["medianResponseMinutes", "delay", "median time to answer"],
      ["p90ResponseMinutes", "delay", "90th percentile"],
    ],
  },
  {
    title: "Others' response rate",
    main: ["theirResponseRate", "percent"],
    hint: "share of your e-mails that were answered",
    subs: [
      ["theirMedianResponseMinutes", "delay", "median time to answer"],
      ["theirP90ResponseMinutes", "delay", "90th percentile"],
    ],
  },
];

function kpiValue(kpis, field, format) {
  const value = kpis[field] ?? null;
  const node = el("data", {
    "data-kpi": field,
    "data-value": JSON.stringify(value),
    value: JSON.stringify(value),
    text: formatters[format](value),
  });
  if (value === null) node.title = "no data in this window";
  else if (format === "duration" || format === "delay") node.title = `${value} minutes`;
  return node;
}

function renderKpis(kpis) {
  const cards = KPI_CARDS.map((card) => {
    const [field, format] = card.main;
    const subs = (card.subs ?? []).map(([subField, subFormat, label]) =>
      el("div", {}, el("dt", { text: label }), el("dd", {}, kpiValue(kpis, subField, subFormat))),
    );
    return el(
      "article",
      { class: "card kpi" },
      el("h3", { text: card.title }),
      el("p", { class: "kpi-main" }, kpiValue(kpis, field, format)),
      card.hint ? el("p", { class: "hint", text: card.hint }) : null,
      subs.length ? el("dl", { class: "kpi-subs" }, ...subs) : null,
    );
  });
  $("kpis").replaceChildren(...cards);
}

function renderFacts(insights) {
  const w = insights.window;
  $("window").replaceChildren(
    ...(w
      ? [
          timeElement("window-start", w.start, dateFormat.format(new Date(w.start))),
          " – ",
          timeElement("window-end", w.end, dateFormat.format(new Date(w.end))),
          el("span", { class: "muted", text: ` (${w.days} days)` }),
        ]
      : [timeElement("window-end", null, "no data loaded")]),
  );
  $("last").replaceChildren(
    timeElement("last-interaction", insights.lastInteractionAt, formatInstant(insights.lastInteractionAt)),
  );
  $("next").replaceChildren(
    timeElement("next-interaction", insights.nextInteractionAt, formatInstant(insights.nextInteractionAt)),
  );
  $("used").textContent = countFormat.format(insights.interactionsUsed);
}

function renderPeople(listId, people) {
  const list = $(listId);
  if (!people.length) {
    list.replaceChildren(el("li", { class: "muted", text: "No one in this window." }));
    return;
  }
  list.replaceChildren(
    ...people.map((p) =>
      el(
        "li",
        { "data-person": p.id },
        el(
          "span",
          { class: "person" },
          el("span", { class: "person-name", text: p.name ?? p.id }),
          el("span", { class: "person-id", text: p.name ? p.id : "" }),
        ),
        el("span", { class: `badge ${p.internal ? "internal" : "external"}`, text: p.internal ? "colleague" : "external" }),
        el("span", { class: "count", text: `${countFormat.format(p.interactions)}` }),
      ),
    ),
  );
}

// ---------------------------------------------------------------- weekly chart

const SERIES = [
  { key: "emailsSent", label: "sent", class: "sent" },
  { key: "emailsReceived", label: "received", class: "received" },
  { key: "meetings", label: "meetings", class: "meetings" },
];

let chartWeeks = [];
let chartWidth = 0;

/** A round step for about `ticks` gridlines up to `max`. */
function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return Math.max(1, step);
}

function renderChart() {
  const host = $("chart");
  const weeks = chartWeeks;
  const width = Math.max(280, Math.round(host.clientWidth || 640));
  chartWidth = width;
  const height = width < 480 ? 190 : 230;
  const margin = { top: 10, right: 8, bottom: 26, left: 34 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = Math.max(1, ...weeks.flatMap((w) => SERIES.map((s) => w[s.key])));
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;
  const y = (v) => margin.top + plotH - (v / top) * plotH;

  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": weeks.length
      ? `Weekly activity over ${weeks.length} weeks: e-mails sent, e-mails received and meetings per week.`
      : "No weekly activity",
  });
  chart.append(svg("title", {}, "Weekly activity"));

  const grid = svg("g", { class: "grid", "aria-hidden": "true" });
  for (let v = 0; v <= top; v += step) {
    grid.append(
      svg("line", { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v) }),
      svg("text", { x: margin.left - 6, y: y(v) + 4, "text-anchor": "end" }, countFormat.format(v)),
    );
  }
  chart.append(grid);

  const groupW = weeks.length ? plotW / weeks.length : plotW;
  const barW = Math.max(2, Math.min(14, (groupW * 0.78) / SERIES.length));
  const labelEvery = Math.max(1, Math.ceil(weeks.length / Math.max(1, Math.floor(plotW / 52))));
  weeks.forEach((w, i) => {
    const x0 = margin.left + i * groupW + (groupW - barW * SERIES.length) / 2;
    const g = svg("g", { class: "week", "data-week": w.week });
    const day = shortDateFormat.format(new Date(`${w.week}T00:00:00Z`));
    g.append(
      svg("title", {}, `Week of ${day}: ${SERIES.map((s) => `${w[s.key]} ${s.label}`).join(", ")}`),
    );
    SERIES.forEach((s, j) => {
      const value = w[s.key];
      g.append(
        svg("rect", {
          class: `bar ${s.class}`,
          "data-series": s.key,
          "data-value": value,
          x: x0 + j * barW,
          y: y(value),
          width: Math.max(1, barW - 1),
          height: Math.max(0, y(0) - y(value)),
        }),
      );
    });
    if (i % labelEvery === 0) {
      g.append(svg("text", { class: "x-label", x: margin.left + (i + 0.5) * groupW, y: height - 8, "text-anchor": "middle" }, day));
    }
    chart.append(g);
  });
  chart.append(svg("line", { class: "axis", x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0) }));
  host.replaceChildren(chart);
}

function renderWeeklyTable(weeks) {
  const head = el(
    "thead",
    {},
    el(
      "tr",
      {},
      ...["Week of", "Sent", "Received", "Meetings", "Meeting time", "Calls", "Call time"].map((h) =>
        el("th", { scope: "col", text: h }),
      ),
    ),
  );
  const body = el(
    "tbody",
    {},
    ...weeks.map((w) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", text: dateFormat.format(new Date(`${w.week}T00:00:00Z`)) }),
        el("td", { text: countFormat.format(w.emailsSent) }),
        el("td", { text: countFormat.format(w.emailsReceived) }),
        el("td", { text: countFormat.format(w.meetings) }),
        el("td", { text: formatDuration(w.meetingMinutes) }),
        el("td", { text: countFormat.format(w.calls) }),
        el("td", { text: formatDuration(w.callMinutes) }),
      ),
    ),
  );
  $("weekly-table").replaceChildren(head, body);
}

new ResizeObserver(() => {
  const width = Math.round($("chart").clientWidth);
  if (chartWeeks.length && Math.abs(width - chartWidth) > 4) renderChart();
}).observe($("chart"));

function renderOwnInsights(insights) {
  $("viewer").textContent = `Signed in as ${insights.viewer}`;
  renderFacts(insights);
  renderKpis(insights.kpis);
  chartWeeks = insights.weekly;
  renderChart();
  renderWeeklyTable(insights.weekly);
  renderPeople("top-contacted", insights.topContacted);
  renderPeople("top-contacted-by", insights.topContactedBy);
}

// ---------------------------------------------------------------- consent

const consentBoxes = { identifiable: $("consent-identifiable"), aggregated: $("consent-aggregated") };
const SCOPE_LABELS = { identifiable: "Identifiable team data", aggregated: "Anonymized aggregates" };
/** Bumped on every consent change: results asked for under older consent are dropped. */
let consentGeneration = 0;

function currentConsent() {
  return { identifiable: consentBoxes.identifiable.checked, aggregated: consentBoxes.aggregated.checked };
}

async function onConsentChange() {
  consentGeneration++;
  teamMessage("Consent changed. Run a view again to see what it allows now.");
  const consent = currentConsent();
  const note = $("consent-note");
  note.textContent = "Applying…";
  try {
    const result = await call("setConsent", consent, (p) => (note.textContent = p.message));
    if (result.purged) {
      note.textContent =
        "Both scopes withdrawn: other people's interactions were deleted from this page's engine. Your own activity is unaffected.";
    } else if (result.reloaded) {
      note.textContent = `Granted. The demo data was reloaded for the team views (${countFormat.format(
        result.reloaded.accepted,
      )} interactions restored).`;
    } else {
      const granted = Object.keys(SCOPE_LABELS).filter((s) => result.consent[s]);
      note.textContent = `Granted: ${granted.map((s) => SCOPE_LABELS[s]).join(" and ")}.`;
    }
  } catch (err) {
    note.textContent = `Consent could not be changed: ${err.code} ${err.message}`;
  }
}

for (const box of Object.values(consentBoxes)) box.addEventListener("change", onConsentChange);

// ---------------------------------------------------------------- team view

const QUERIES = {
  relationship: { title: "Relationship analytics", needsContact: true },
  whoKnowsWhom: { title: "Who knows whom", needsContact: true },
  aggregates: { title: "Organization aggregates", needsContact: false },
};
let queryToken = 0;

function teamMessage(text) {
  $("team-result").replaceChildren(el("p", { class: "muted", text }));
}

function contactLabel(option) {
  return option ? option.textContent : "the selected contact";
}

function renderRefusal(query, err) {
  const scope = err.scope ?? "unknown";
  const label = SCOPE_LABELS[scope] ?? scope;
  const box = $(`consent-${scope}`);
  const go = box
    ? el("button", { type: "button", class: "secondary", text: `Go to “${label}”` })
    : null;
  go?.addEventListener("click", () => {
    box.focus();
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  });
  $("team-result").replaceChildren(
    el(
      "div",
      { class: "card refusal", role: "alert", "data-refusal": scope },
      el("h3", { text: `Consent needed: ${label}` }),
      el("p", {
        text:
          `${QUERIES[query].title} needs the “${scope}” consent scope, which is not granted. ` +
          `To allow it, tick “${label}” in the Consent panel.`,
      }),
      el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
      go,
    ),
  );
}

function renderNotice(query, contactText) {
  const about = QUERIES[query].needsContact ? ` for ${contactText}` : "";
  $("team-result").replaceChildren(
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "not-implemented" },
      el("h3", { text: `${QUERIES[query].title}: coming in a later release` }),
      el("p", {
        text: `Consent allows this view${about}, but this version of rapport does not compute its figures yet.`,
      }),
    ),
  );
}

function renderQueryError(query, err) {
  $("team-result").replaceChildren(
    el(
      "div",
      { class: "card error", role: "alert", "data-error-code": err.code ?? "ERROR" },
      el("h3", { text: `${QUERIES[query].title} failed` }),
      el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`),
    ),
  );
}

function renderQueryValue(query, value) {
  // The engine returns no figures for these views yet; show whatever a newer
  // build returns rather than nothing.
  $("team-result").replaceChildren(
    el(
      "div",
      { class: "card", "data-result": query },
      el("h3", { text: QUERIES[query].title }),
      el("pre", { class: "raw", text: JSON.stringify(value, null, 2) }),
    ),
  );
}

async function runQuery(query) {
  const token = ++queryToken;
  const generation = consentGeneration;
  const select = $("contact");
  const option = select.selectedOptions[0];
  const contact = select.value;
  const params = query === "aggregates" ? { groupBy: "department", period: "week" } : { contact };
  teamMessage(`${QUERIES[query].title}: asking the engine…`);
  const stale = () => token !== queryToken || generation !== consentGeneration;
  try {
    const value = await call(query, params);
    if (!stale()) renderQueryValue(query, value);
  } catch (err) {
    if (stale()) return;
    if (err.code === "CONSENT_REQUIRED") renderRefusal(query, err);
    else if (err.code === "NOT_IMPLEMENTED") renderNotice(query, contactLabel(option));
    else renderQueryError(query, err);
  }
}

for (const button of document.querySelectorAll("button[data-query]")) {
  button.addEventListener("click", () => runQuery(button.dataset.query));
}

function renderContacts(contacts) {
  const select = $("contact");
  if (!contacts.length) {
    select.replaceChildren(el("option", { value: "", text: "No external contacts in the data" }));
    return;
  }
  select.replaceChildren(
    ...contacts.map((c) => el("option", { value: c.id, text: c.name ? `${c.name} (${c.id})` : c.id })),
  );
  select.disabled = false;
}

// ---------------------------------------------------------------- start

function loadSummary(load) {
  const p = load.people;
  const i = load.interactions;
  const skipped = [
    [i.duplicates, "duplicates"],
    [i.cancelled, "cancelled"],
    [i.droppedOptedOut, "from opted-out people"],
    [i.rejected, "rejected"],
  ]
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${countFormat.format(n)} ${what}`);
  const seconds = (load.timings.generatedMs + load.timings.loadedMs) / 1000;
  return [
    el("span", { class: "dot ok", "aria-hidden": "true" }),
    `Demo data (seed ${load.seed}): `,
    el("strong", { "data-load": "people", text: countFormat.format(p.accepted) }),
    " people and ",
    el("strong", { "data-load": "interactions", text: countFormat.format(i.accepted) }),
    ` interactions loaded${skipped.length ? ` (skipped: ${skipped.join(", ")})` : ""} in ${seconds.toFixed(1)} s.`,
  ];
}

async function start() {
  const { seed, interactions } = readParams();
  setState("loading");
  setStatus(el("span", { class: "dot busy", "aria-hidden": "true" }), "Starting the analytics worker…");
  const progress = (p) => setStatus(el("span", { class: "dot busy", "aria-hidden": "true" }), p.message);
  try {
    const load = await call("load", { seed, interactions, consent: currentConsent() }, progress);
    setStatus(...loadSummary(load));
    const insights = await call("ownInsights", {});
    renderOwnInsights(insights);
    renderContacts(load.contacts);
    for (const box of Object.values(consentBoxes)) box.disabled = false;
    for (const button of document.querySelectorAll("button[data-query]")) button.disabled = false;
    setState("ready");
  } catch (err) {
    showFailure(err);
  }
}

start();
