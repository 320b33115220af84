// DOM and formatting helpers shared by the page's modules: elements are built
// with DOM APIs only (no innerHTML; the page runs under a strict CSP), figures
// are formatted for people while their raw values stay in data-value
// attributes for tests and tools. The extension popup uses them too: the
// build copies this file into examples/extension/shared/, so it imports
// nothing.

export const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The page's element with `id`. A page has every id its modules ask for: a
 * missing one is a bug, and fails at first use.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The page's <input>, <button> or <select> with `id` (see `$`).
 * @param {string} id
 */
export const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
export const $button = (id) => /** @type {HTMLButtonElement} */ ($(id));

export const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
export const decimalFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const pointsFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
export const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
export const wholePercentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 });
export const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
export const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });

export const NO_DATA = "—";

/** The consent scopes, as the consent panel names them. */
export const SCOPE_LABELS = { identifiable: "Identifiable team data", aggregated: "Anonymized aggregates" };

/**
 * A total duration: minutes under an hour, else hours and minutes.
 * @param {number | null | undefined} minutes
 */
export function formatDuration(minutes) {
  if (minutes === null || minutes === undefined) return NO_DATA;
  if (minutes === 0) return "0 min";
  if (minutes < 1) return "< 1 min";
  const total = Math.round(minutes);
  if (total < 60) return `${total} min`;
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m ? `${countFormat.format(h)} h ${m} min` : `${countFormat.format(h)} h`;
}

/**
 * A waiting time: like a duration, but in days and hours past two days.
 * @param {number | null | undefined} minutes
 */
export function formatDelay(minutes) {
  if (minutes === null || minutes === undefined) return NO_DATA;
  if (minutes < 48 * 60) return formatDuration(minutes);
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${countFormat.format(d)} d ${h} h` : `${countFormat.format(d)} d`;
}

/** How each kind of figure is written; null is "—". */
export const formatters = {
  /** @param {number | null} v */
  count: (v) => (v === null ? NO_DATA : countFormat.format(v)),
  /** @param {number | null} v */
  percent: (v) => (v === null ? NO_DATA : percentFormat.format(v)),
  duration: formatDuration,
  delay: formatDelay,
};

/** @typedef {keyof typeof formatters} FormatName */

/** @param {string | null | undefined} iso */
export function formatInstant(iso) {
  return iso ? `${dateTimeFormat.format(new Date(iso))} UTC` : "none";
}

/**
 * "1 file", "3 files": a count and its noun.
 * @param {number} n
 * @param {string} one
 * @param {string} [many]
 */
export function plural(n, one, many = `${one}s`) {
  return `${countFormat.format(n)} ${n === 1 ? one : many}`;
}

/** @param {string | null | undefined} iso */
export function formatDate(iso) {
  return iso ? dateFormat.format(new Date(iso)) : "none";
}

/** @typedef {Node | string | null | undefined | false} Child  null, undefined and false are left out */

/**
 * An element: `props` are its class ("class"), text ("text"), attributes
 * (data-*, aria-*, role, for) and properties (the rest); null, undefined and
 * false are left out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = String(value);
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "for") node.setAttribute(key, String(value));
    else /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (node))[key] = value;
  }
  node.append(...present(children));
  return node;
}

/**
 * The children that are drawn.
 * @param {Child[]} children
 * @returns {(Node | string)[]}
 */
function present(children) {
  return /** @type {(Node | string)[]} */ (children.filter((c) => c !== null && c !== undefined && c !== false));
}

/**
 * An SVG element with `attrs` as attributes (null and undefined left out).
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node | string)} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  node.append(...children);
  return node;
}

/**
 * A <time> element with the raw value kept in data-value for tests and tools.
 * @param {string} field
 * @param {string | null | undefined} iso
 * @param {string} text
 */
export function timeElement(field, iso, text) {
  const t = el("time", { "data-field": field, "data-value": JSON.stringify(iso ?? null), text });
  if (iso) t.dateTime = iso;
  return t;
}

/**
 * What a result with a window says of it (own insights, a relationship).
 * @typedef {object} Facts
 * @property {{ start: string, end: string, days: number } | null} window
 * @property {string | null} lastInteractionAt
 * @property {string | null} nextInteractionAt
 * @property {number} interactionsUsed
 */

/**
 * The facts row (window, last and next interaction, interactions counted) of own insights or a relationship.
 * @param {Facts} result
 * @param {{ usedLabel?: string }} [how]
 */
export function factsList(result, { usedLabel = "Interactions counted" } = {}) {
  const w = result.window;
  const windowValue = w
    ? [
        timeElement("window-start", w.start, dateFormat.format(new Date(w.start))),
        " – ",
        timeElement("window-end", w.end, dateFormat.format(new Date(w.end))),
        el("span", { class: "muted", text: ` (${w.days} days)` }),
      ]
    : [timeElement("window-end", null, "no data loaded")];
  /** @type {(label: string, ...value: Child[]) => HTMLElement} */
  const fact = (label, ...value) => el("div", {}, el("dt", { text: label }), el("dd", {}, ...value));
  return el(
    "dl",
    { class: "facts" },
    fact("Window", ...windowValue),
    fact("Last interaction", timeElement("last-interaction", result.lastInteractionAt, formatInstant(result.lastInteractionAt))),
    fact("Next interaction", timeElement("next-interaction", result.nextInteractionAt, formatInstant(result.nextInteractionAt))),
    fact(usedLabel, el("data", { "data-field": "interactions-used", value: String(result.interactionsUsed), text: countFormat.format(result.interactionsUsed) })),
  );
}

// ---------------------------------------------------------------- KPI cards

/**
 * A KPI card: its main figure ([field, format]), a hint, and related figures ([field, format, label]).
 * @typedef {{ title: string, main: [string, FormatName], hint?: string, subs?: [string, FormatName, string][] }} KpiCard
 */

/**
 * The own-insights KPI cards: one main figure each, with its related figures below.
 * @type {KpiCard[]}
 */
export const OWN_KPI_CARDS = [
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

/**
 * The relationship KPI cards: the same figures seen as "us" (the viewer in own
 * scope, every internal colleague in team scope) and "them" (the contact, or
 * the account's contacts).
 */
/**
 * @param {boolean} own
 * @returns {KpiCard[]}
 */
export function relationshipKpiCards(own) {
  const we = own ? "you" : "we";
  const us = own ? "you" : "us";
  const our = own ? "your" : "our";
  const Our = own ? "Your" : "Our";
  return [
    { title: `E-mails by ${us}`, main: ["emailsSent", "count"], hint: `sent by ${us} to them (to or cc)` },
    { title: "E-mails by them", main: ["emailsReceived", "count"], hint: `sent by them to ${us}` },
    {
      title: "Replies",
      main: ["replies", "count"],
      hint: `${our} answers to their e-mails`,
      subs: [["repliesReceived", "count", `their answers to ${us}`]],
    },
    { title: "Meetings", main: ["meetings", "count"], subs: [["meetingMinutes", "duration", "in meetings"]] },
    { title: "Calls", main: ["calls", "count"], subs: [["callMinutes", "duration", "on calls"]] },
    { title: "Time spent", main: ["timeSpentMinutes", "duration"], hint: "meetings plus calls; e-mail time is not estimated" },
    {
      title: `${Our} response rate`,
      main: ["responseRate", "percent"],
      hint: `share of their e-mails ${we} answered`,
      subs: [
        ["medianResponseMinutes", "delay", "median time to answer"],
        ["p90ResponseMinutes", "delay", "90th percentile"],
      ],
    },
    {
      title: "Their response rate",
      main: ["theirResponseRate", "percent"],
      hint: `share of ${our} e-mails they answered`,
      subs: [
        ["theirMedianResponseMinutes", "delay", "median time to answer"],
        ["theirP90ResponseMinutes", "delay", "90th percentile"],
      ],
    },
  ];
}

/**
 * @param {object} kpis
 * @param {string} field
 * @param {FormatName} format
 */
function kpiValue(kpis, field, format) {
  const value = /** @type {Record<string, number | null | undefined>} */ (kpis)[field] ?? null;
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

/**
 * The KPI cards for `kpis` (the engine's Kpis), as <article> elements.
 * @param {object} kpis
 * @param {KpiCard[]} [cards]
 */
export function kpiCards(kpis, cards = OWN_KPI_CARDS) {
  return cards.map((card) => {
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
}

// ---------------------------------------------------------------- people

/**
 * A person's name over their id (or just the id when there is no name).
 * @param {{ id: string, name?: string | null }} p
 * @param {string | null} [extra]
 */
export function personLabel(p, extra = null) {
  return el(
    "span",
    { class: "person" },
    el("span", { class: "person-name", text: p.name ?? p.id }),
    el("span", { class: "person-id", text: [p.name ? p.id : "", extra].filter(Boolean).join(" · ") }),
  );
}

/**
 * Items of a ranked list of people, or one "nobody" item.
 * @template P
 * @param {P[]} people
 * @param {(p: P) => HTMLElement} item
 * @param {string} [emptyText]
 * @returns {HTMLElement[]}
 */
export function peopleItems(people, item, emptyText = "No one in this window.") {
  if (!people.length) return [el("li", { class: "muted", text: emptyText })];
  return people.map(item);
}
