// The type-ahead search of the card: one text field over the names,
// addresses and companies of the contacts and accounts the consent in force
// lets the viewer see (the worker's "targets"), as an ARIA combobox: typing
// filters, the arrow keys move, Enter or a click opens the card, Escape
// closes the list. Matching is by words: every word typed must start a word
// of the name, the address or the company.

import { $, el } from "../ui.js";
import { state, nameOf } from "./state.js";

/**
 * @typedef {import("./state.js").PickedTarget} PickedTarget
 * @typedef {{ kind: "contact" | "account", id: string, name: string | null, account: string | null, frequent: boolean, words: string }} Entry
 */

/** The most matches shown at once. */
export const MAX_MATCHES = 8;

const input = () => /** @type {HTMLInputElement} */ ($("search"));
const list = () => $("search-list");

/** @type {Entry[]} */
let entries = [];
/** @type {Entry[]} */
let shown = [];
let active = -1;
/** @type {(target: PickedTarget) => void} */
let onPick = () => {};

/** @param {string} text */
const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/** Builds the index from state.targets (after the data or the consent changed). */
export function indexTargets() {
  const { frequent, accounts, contacts } = state.targets;
  const frequentIds = new Set(frequent.map((c) => c.id.toLowerCase()));
  /** @type {Map<string, Entry>} */
  const byKey = new Map();
  /** @type {(kind: "contact" | "account", id: string, name: string | null, account: string | null) => void} */
  const add = (kind, id, name, account) => {
    const key = `${kind}:${id.toLowerCase()}`;
    if (byKey.has(key)) return;
    const company = account ? nameOf(account) ?? account : "";
    byKey.set(key, { kind, id, name, account, frequent: kind === "contact" && frequentIds.has(id.toLowerCase()), words: fold(`${name ?? ""} ${id} ${company}`) });
  };
  for (const c of frequent) add("contact", c.id, c.name, null);
  for (const a of accounts) add("account", a.id, a.name, null);
  for (const c of contacts) add("contact", c.id, c.name, c.account);
  entries = [...byKey.values()];
  input().disabled = entries.length === 0;
  input().placeholder = entries.length ? "Find a contact or an account…" : "No contacts in the data";
}

/**
 * The entries matching `query`: frequent contacts first, then accounts, then the rest, each by name.
 * @param {string} query
 */
export function matches(query) {
  const terms = fold(query).split(/[\s@.,;]+/).filter(Boolean);
  if (!terms.length) return entries.filter((e) => e.frequent).slice(0, MAX_MATCHES);
  const found = entries.filter((e) => {
    const words = e.words.split(/[\s@.,;()]+/);
    return terms.every((t) => words.some((w) => w.startsWith(t)) || e.words.includes(t));
  });
  const rank = (/** @type {Entry} */ e) => (e.frequent ? 0 : e.kind === "account" ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b)).slice(0, MAX_MATCHES);
}

/**
 * @param {Entry} e
 * @param {number} i
 */
function option(e, i) {
  const company = e.account ? nameOf(e.account) ?? e.account : null;
  const detail = e.kind === "account" ? "Account" : [company, e.name ? e.id : null].filter(Boolean).join(" · ") || "Contact";
  const item = el(
    "li",
    { role: "option", id: `search-option-${i}`, class: "search-option", "aria-selected": "false", "data-open": `${e.kind}:${e.id}` },
    el("span", { class: `kind kind-${e.kind}`, "aria-hidden": "true", text: e.kind === "account" ? "▣" : "●" }),
    el("span", { class: "option-text" }, el("span", { class: "option-name", text: e.name ?? e.id }), el("span", { class: "option-detail", text: detail })),
  );
  item.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the field
  item.addEventListener("click", () => choose(i));
  return item;
}

function render() {
  const open = shown.length > 0;
  list().replaceChildren(...shown.map(option));
  list().hidden = !open;
  input().setAttribute("aria-expanded", String(open));
  highlight(open ? Math.min(Math.max(active, 0), shown.length - 1) : -1);
}

/** @param {number} i */
function highlight(i) {
  active = i;
  for (const [n, item] of [...list().children].entries()) item.setAttribute("aria-selected", String(n === i));
  if (i >= 0) {
    input().setAttribute("aria-activedescendant", `search-option-${i}`);
    list().children[i]?.scrollIntoView?.({ block: "nearest" });
  } else input().removeAttribute("aria-activedescendant");
}

/** @param {number} i */
function choose(i) {
  const e = shown[i];
  if (!e) return;
  close();
  input().value = "";
  onPick({ kind: e.kind, id: e.id });
}

export function close() {
  shown = [];
  active = -1;
  render();
}

/**
 * Wires the field; `pick` opens a target's card.
 * @param {(target: PickedTarget) => void} pick
 */
export function initSearch(pick) {
  onPick = pick;
  const field = input();
  field.addEventListener("input", () => {
    active = 0;
    shown = matches(field.value);
    render();
  });
  field.addEventListener("focus", () => {
    if (!field.value) {
      shown = matches("");
      active = -1;
      render();
    }
  });
  field.addEventListener("blur", () => close());
  field.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!shown.length) shown = matches(field.value);
      if (!shown.length) return;
      render();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + shown.length) % shown.length);
    } else if (event.key === "Enter") {
      if (active >= 0 && shown.length) {
        event.preventDefault();
        choose(active);
      }
    } else if (event.key === "Escape") {
      if (shown.length) event.preventDefault();
      close();
    }
  });
}
