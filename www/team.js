// The team view: a contact or an account, seen through the engine's
// relationship analytics (own or team scope), who knows whom, introduction
// paths, the accounts list, and the organization aggregates (drawn by
// aggregates.js). Every figure comes from the worker; this
// module only asks for it and draws it. Refusals (missing consent) and
// unknown targets are shown as such, never as empty figures.

import { call } from "./rpc.js";
import {
  $,
  el,
  countFormat,
  decimalFormat,
  pointsFormat,
  wholePercentFormat,
  formatDate,
  formatInstant,
  factsList,
  kpiCards,
  relationshipKpiCards,
  personLabel,
  peopleItems,
  timeElement,
  SCOPE_LABELS,
} from "./ui.js";
import { weeklyChart, weeklyLegend, weeklyTableRows, bar, healthGauge, pathGraph, SERIES_WITH_CALLS } from "./charts.js";
import {
  aggregatesShell,
  aggregatesBody,
  notImplementedBody,
  budgetExhaustedBody,
  metricOf,
  shownMetric,
  NOISE_EPSILON,
} from "./aggregates.js";

/** How many colleagues "who knows whom" asks for (the engine's default is 5). */
export const WHO_KNOWS_WHOM_TOP = 10;
/** Longest introduction chain, in steps (SPEC 3.2 default). */
export const MAX_HOPS = 3;
/** How far back the health trend compares (the engine's default, `health.trendDays`). */
const TREND_DAYS = 30;

const VIEWS = {
  relationship: { title: "Relationship", scoped: true },
  whoKnowsWhom: { title: "Who knows whom", scoped: false },
  introductionPaths: { title: "Introduction paths", scoped: false },
  accounts: { title: "Accounts list", scoped: true },
  aggregates: { title: "Organization aggregates", scoped: false },
};

/**
 * The consent scope each view needs, with Data: Team and with Data: Own (null:
 * none). Shown on each view button and in the consent panel's table.
 */
const NEEDS = {
  relationship: { team: "identifiable", own: null },
  whoKnowsWhom: { team: "identifiable", own: "identifiable" },
  introductionPaths: { team: "identifiable", own: "identifiable" },
  accounts: { team: "identifiable", own: null },
  aggregates: { team: "aggregated", own: "aggregated" },
};

const FACTOR_NAMES = {
  frequency: "Frequency",
  recency: "Recency",
  reciprocity: "Reciprocity",
  responsiveness: "Responsiveness",
  breadth: "Breadth",
};
const BAND_NAMES = { good: "Good", fair: "Fair", poor: "Poor" };
const TREND_ARROWS = { improving: "↑", steady: "→", declining: "↓" };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

const state = {
  /** The selector's choices, from the worker's "targets". */
  targets: { scope: "own", frequent: [], accounts: [], contacts: [] },
  /** Lower-cased person or account id → display name. */
  names: new Map(),
  /** Granted consent, as last applied. */
  consent: { identifiable: false, aggregated: false },
  /** The view on screen, to run again when the target or scope changes. */
  view: null,
  /** Accounts list sorting. */
  sort: { key: "health", dir: "desc" },
  /** Bumped on every request and consent change: older answers are dropped. */
  token: 0,
  generation: 0,
  /** state.token when consent last changed. */
  tokenAtConsent: 0,
  /**
   * The aggregates view's options; the period, grouping and noise are asked of the engine, the metric and the
   * collaboration matrix's period (per kind of period; null = the latest) only drawn.
   */
  agg: {
    period: "week",
    groupBy: "department",
    noise: false,
    metric: { department: "emailsSent", account: "emailsTo" },
    matrixPeriod: { week: null, month: null },
    /** The questions answered with noise ({ groupBy, period }): once the budget is spent, only they still answer (from cache). */
    noisyAsked: [],
  },
  /** The aggregates view's frame on screen ({ root, body, setMetrics, noise }) and the table it last drew. */
  aggShell: null,
  aggTable: null,
  /** The demo data's reference time (ISO), to mark the period in progress. */
  now: null,
  /** True once the data is loaded (teamReady). */
  ready: false,
  /** The contact id the opt-out confirmation is about, and whether an opt-out is running. */
  optOutId: null,
  optingOut: false,
  /** Called after an opt-out changed the data (the page redraws its own insights). */
  onDataChanged: null,
  /** True while the user's files load: an opt-out then would miss the data being loaded. */
  dataBusy: false,
};

const result = () => $("team-result");
const select = () => $("target");

// ---------------------------------------------------------------- controls

function currentScope() {
  return $("scope-own").checked ? "own" : "team";
}

function setScope(scope) {
  $(scope === "own" ? "scope-own" : "scope-team").checked = true;
  updateScopeHelp();
}

/** The "needs" tag of each view button and the consent panel's table, for the consent and the Data choice in force. */
function updateNeeds() {
  const scope = currentScope();
  for (const [view, needs] of Object.entries(NEEDS)) {
    const needed = needs[scope];
    const granted = needed === null || Boolean(state.consent[needed]);
    const tag = $(`needs-${view}`);
    if (tag) {
      tag.dataset.needs = needed ?? "none";
      tag.dataset.granted = String(granted);
      tag.replaceChildren(
        needed === null ? "needs no consent" : `needs: ${needed}`,
        needed === null ? "" : el("span", { class: "tag-state", text: granted ? " · granted" : " · not granted" }),
      );
    }
    const cell = document.querySelector(`[data-needs-view="${view}"] [data-needs-state]`);
    if (!cell) continue;
    const teamOk = Boolean(state.consent[needs.team]);
    const ownOk = needs.own === null || Boolean(state.consent[needs.own]);
    const label = SCOPE_LABELS[needs.team];
    if (teamOk) {
      cell.dataset.needsState = "allowed";
      cell.textContent = "allowed";
    } else if (ownOk) {
      cell.dataset.needsState = "own-only";
      cell.textContent = `refused with Data: Team (tick “${label}”); allowed with Data: Own`;
    } else {
      cell.dataset.needsState = "refused";
      cell.textContent = `refused: tick “${label}”`;
    }
  }
}

function updateScopeHelp() {
  updateNeeds();
  const help = $("scope-help");
  if (currentScope() === "own") {
    help.textContent = "Only interactions you took part in. Needs no consent.";
  } else {
    help.textContent = state.consent.identifiable
      ? "Everyone's interactions with the contact or account (identifiable team data: granted)."
      : "Everyone's interactions with the contact or account. Needs “Identifiable team data” consent, not granted yet.";
  }
}

/** { kind: "contact" | "account", id } of the selector's value "contact:<id>" / "account:<id>". */
function parseTarget(value) {
  const at = value.indexOf(":");
  if (at < 0) return null;
  const kind = value.slice(0, at);
  const id = value.slice(at + 1);
  return (kind === "contact" || kind === "account") && id ? { kind, id } : null;
}

function selectedTarget() {
  return parseTarget(select().value);
}

function nameOf(id) {
  return state.names.get(String(id).toLowerCase()) ?? null;
}

function targetText(target) {
  const name = nameOf(target.id);
  return name && name !== target.id ? name : target.id;
}

function option(kind, item) {
  const text =
    kind === "account"
      ? item.name && item.name !== item.id ? `${item.name} (${item.id})` : item.id
      : item.name ? `${item.name} (${item.id})` : item.id;
  return el("option", { value: `${kind}:${item.id}`, text });
}

function renderTargets() {
  const { frequent, accounts, contacts, scope } = state.targets;
  const previous = select().value;
  state.names = new Map();
  for (const item of [...accounts, ...contacts, ...frequent]) {
    if (item.name) state.names.set(item.id.toLowerCase(), item.name);
  }
  const frequentIds = new Set(frequent.map((c) => c.id.toLowerCase()));
  const others = contacts.filter((c) => !frequentIds.has(c.id.toLowerCase()));
  const groups = [
    ["Your frequent contacts", "contact", frequent],
    [scope === "team" ? "Accounts" : "Accounts (from your own interactions)", "account", accounts],
    [scope === "team" ? "All contacts" : "Other contacts (from your own interactions)", "contact", others],
  ]
    .filter(([, , items]) => items.length)
    .map(([label, kind, items]) => el("optgroup", { label }, ...items.map((item) => option(kind, item))));
  if (!groups.length) {
    select().replaceChildren(el("option", { value: "", text: "No external contacts in the data" }));
    select().disabled = true;
    updateOptOut();
    return;
  }
  select().replaceChildren(...groups);
  select().disabled = false;
  if (previous && [...select().options].some((o) => o.value === previous)) select().value = previous;
  updateOptOut();
  $("target-help").textContent =
    scope === "team"
      ? `${countFormat.format(accounts.length)} accounts and ${countFormat.format(contacts.length)} contacts.`
      : `${countFormat.format(accounts.length)} accounts and ${countFormat.format(
          contacts.length,
        )} contacts from your own interactions; grant identifiable team data for everyone's.`;
}

/** Selects a target in the selector, adding it when it is not offered (e.g. an account's contact). */
function selectTarget(kind, id) {
  const value = `${kind}:${id}`;
  if (![...select().options].some((o) => o.value === value)) {
    select().append(option(kind, { id, name: nameOf(id) }));
  }
  select().value = value;
  updateOptOut();
}

async function refreshTargets() {
  try {
    state.targets = await call("targets");
    renderTargets();
  } catch (err) {
    $("target-help").textContent = `The list of contacts and accounts could not be refreshed: ${err.code} ${err.message}`;
  }
}

function setPressed(view) {
  for (const button of document.querySelectorAll("#team button[data-query]")) {
    button.setAttribute("aria-pressed", String(button.dataset.query === view));
  }
}

function teamStatus(text) {
  $("team-status").textContent = text;
}

// ---------------------------------------------------------------- running a view

function message(text, attrs = {}) {
  result().replaceChildren(el("p", { class: "muted", ...attrs, text }));
}

/** Runs `view` for the selected target (or `target`) and scope, and draws its answer. */
async function run(view, target = selectedTarget()) {
  const token = ++state.token;
  const generation = state.generation;
  const scope = currentScope();
  state.view = view;
  setPressed(view);
  const stale = () => token !== state.token || generation !== state.generation;
  const about = target ? targetText(target) : "";
  const title = VIEWS[view].title;

  let request;
  if (view === "relationship") {
    request = ["relationship", { target: target && { [target.kind]: target.id }, scope }];
  } else if (view === "whoKnowsWhom") {
    request = ["whoKnowsWhom", { target: target && { [target.kind]: target.id }, top: WHO_KNOWS_WHOM_TOP }];
  } else if (view === "introductionPaths") {
    if (target?.kind === "account") {
      renderPathsNeedContact(target);
      teamStatus(`${title}: pick a contact.`);
      return;
    }
    request = ["introductionPaths", { contact: target?.id, maxHops: MAX_HOPS }];
  } else if (view === "accounts") {
    request = ["relationshipSummaries", { level: "account", scope }];
  } else {
    const params = { groupBy: state.agg.groupBy, period: state.agg.period };
    if (state.agg.noise) params.noise = { epsilon: NOISE_EPSILON };
    request = ["aggregates", params];
  }
  if (!target && (view === "relationship" || view === "whoKnowsWhom" || view === "introductionPaths")) {
    message("Pick a contact or an account first.");
    return;
  }

  // A new aggregates query keeps its controls usable: only the figures are dimmed.
  const dim = view === "aggregates" && state.aggShell?.root.isConnected ? state.aggShell.body : result();
  dim.classList.add("stale");
  result().setAttribute("aria-busy", "true");
  teamStatus(`${title}${about && view !== "accounts" && view !== "aggregates" ? ` for ${about}` : ""}: asking the engine…`);
  try {
    const value = await call(...request);
    if (stale()) return;
    let shown = "shown below.";
    if (view === "relationship") renderRelationship(value);
    else if (view === "whoKnowsWhom") renderWhoKnowsWhom(value);
    else if (view === "introductionPaths") renderPaths(value);
    else if (view === "accounts") renderAccounts(value, scope);
    else if (view === "aggregates") shown = renderAggregates(value);
    else renderRaw(view, value);
    teamStatus(`${title}${about && view !== "accounts" && view !== "aggregates" ? ` for ${about}` : ""}: ${shown}`);
  } catch (err) {
    if (stale()) return;
    if (err.code === "CONSENT_REQUIRED") renderRefusal(view, err, scope);
    else if (err.code === "NOT_IMPLEMENTED" && view === "aggregates") renderAggregatesNotice(err);
    else if (err.code === "PRIVACY_BUDGET_EXHAUSTED" && view === "aggregates") renderBudgetExhausted(err);
    else if (err.code === "NOT_IMPLEMENTED") renderNotice(view);
    else if (err.code === "UNKNOWN_TARGET") renderUnknownTarget(view, target, err);
    else renderQueryError(view, err);
    const why = { CONSENT_REQUIRED: "consent needed", PRIVACY_BUDGET_EXHAUSTED: "privacy budget spent, not shown with noise" }[err.code];
    teamStatus(`${title}: ${why ?? "not shown"}.`);
  } finally {
    if (!stale()) {
      dim.classList.remove("stale");
      result().classList.remove("stale");
      result().removeAttribute("aria-busy");
    }
  }
}

// ---------------------------------------------------------------- refusals and errors

function renderRefusal(view, err, scope) {
  const missing = err.scope ?? "unknown";
  const label = SCOPE_LABELS[missing] ?? missing;
  const box = $(`consent-${missing}`);
  const go = box ? el("button", { type: "button", class: "secondary", text: `Go to “${label}”` }) : null;
  go?.addEventListener("click", () => {
    box.focus();
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  });
  const ownInstead =
    VIEWS[view].scoped && scope === "team"
      ? el("button", { type: "button", class: "secondary", text: "Show your own interactions instead" })
      : null;
  ownInstead?.addEventListener("click", () => {
    setScope("own");
    run(view);
  });
  const alternative = VIEWS[view].scoped && scope === "team"
    ? " Or switch Data to “Own” to see only the interactions you took part in, which needs no consent."
    : "";
  result().replaceChildren(
    el(
      "div",
      { class: "card refusal", role: "alert", "data-refusal": missing },
      el("h3", { text: `Consent needed: ${label}` }),
      el("p", {
        text:
          `${VIEWS[view].title}${VIEWS[view].scoped ? " with team data" : ""} needs the “${missing}” consent scope, which is not granted. ` +
          `To allow it, tick “${label}” in the Consent panel.${alternative}`,
      }),
      el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
      el("div", { class: "buttons" }, go, ownInstead),
    ),
  );
}

function renderNotice(view) {
  result().replaceChildren(
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "not-implemented" },
      el("h3", { text: `${VIEWS[view].title}: coming in a later release` }),
      el("p", { text: "Consent allows this view, but this version of rapport does not compute its figures yet." }),
    ),
  );
}

function renderUnknownTarget(view, target, err) {
  const what = target?.kind === "account" ? "account" : "contact";
  result().replaceChildren(
    el(
      "div",
      { class: "card error", role: "alert", "data-error-code": "UNKNOWN_TARGET" },
      el("h3", { text: `No such ${what}: ${target?.id ?? "(none)"}` }),
      el("p", {
        text:
          `The loaded data has no external ${what} “${target?.id ?? ""}”, so there is nothing to show. ` +
          `It may be a colleague rather than an external ${what}, may have opted out, or may not be in this dataset. ` +
          "Pick another one from the list.",
      }),
      el("p", { class: "muted small" }, el("code", { text: err.code }), ` ${err.message}`),
    ),
  );
}

function renderQueryError(view, err) {
  result().replaceChildren(
    el(
      "div",
      { class: "card error", role: "alert", "data-error-code": err.code ?? "ERROR" },
      el("h3", { text: `${VIEWS[view].title} failed` }),
      el("p", {}, el("code", { text: err.code ?? "ERROR" }), ` ${err.message}`),
    ),
  );
}

function renderRaw(view, value) {
  result().replaceChildren(
    el(
      "div",
      { class: "card", "data-result": view },
      el("h3", { text: VIEWS[view].title }),
      el("pre", { class: "raw", text: JSON.stringify(value, null, 2) }),
    ),
  );
}

// ---------------------------------------------------------------- shared pieces

function bandBadge(health, { withScore = false } = {}) {
  if (health.state !== "scored" || health.score === null) {
    return el("span", {
      class: "band band-none",
      "data-health": "band",
      "data-value": JSON.stringify("insufficient-data"),
      text: "Insufficient data",
    });
  }
  return el("span", {
    class: `band band-${health.band}`,
    "data-health": "band",
    "data-value": JSON.stringify(health.band),
    text: withScore ? `${health.score} · ${BAND_NAMES[health.band] ?? health.band}` : BAND_NAMES[health.band] ?? health.band,
  });
}

function signed(n) {
  return n > 0 ? `+${countFormat.format(n)}` : n < 0 ? `−${countFormat.format(-n)}` : "±0";
}

/** The trend as people read it; a missing earlier score is said as such, not as a change from 0. */
function trendText(trend) {
  if (!trend) return null;
  const word = { improving: "Improving", steady: "Steady", declining: "Declining" }[trend.direction] ?? trend.direction;
  if (trend.previousScore === null) return `${word}: not scored ${TREND_DAYS} days earlier`;
  const points = Math.abs(trend.change) === 1 ? "point" : "points";
  return `${word}: ${signed(trend.change)} ${points} in ${TREND_DAYS} days (was ${trend.previousScore})`;
}

function openButton(kind, id, text, className = "link") {
  const button = el("button", { type: "button", class: className, text, "data-open": `${kind}:${id}` });
  button.addEventListener("click", () => {
    selectTarget(kind, id);
    run("relationship", { kind, id });
    select().scrollIntoView({ block: "nearest" });
  });
  return button;
}

// ---------------------------------------------------------------- relationship

function renderRelationship(r) {
  const own = r.scope === "own";
  const t = r.target;
  const name = t.name ?? t.id;
  if (t.name) state.names.set(t.id.toLowerCase(), t.name);

  const about =
    t.kind === "contact"
      ? el(
          "p",
          { class: "rel-meta" },
          el("span", { class: "muted", text: t.id }),
          t.account ? el("span", { class: "muted", text: " · account " }) : null,
          t.account ? openButton("account", t.account, nameOf(t.account) ?? t.account) : null,
        )
      : el(
          "div",
          { class: "rel-meta" },
          el("span", { class: "muted", text: `${countFormat.format(t.contacts.length)} contact${t.contacts.length === 1 ? "" : "s"}: ` }),
          el(
            "ul",
            { class: "chips", "aria-label": `Contacts of ${name}` },
            ...t.contacts.map((id) => el("li", {}, openButton("contact", id, nameOf(id) ?? id, "chip"))),
          ),
        );

  const head = el(
    "header",
    { class: "card rel-head" },
    el(
      "div",
      { class: "rel-title" },
      el("h3", { text: name }),
      el("span", { class: "badge", text: t.kind === "account" ? "account" : "contact" }),
      el("span", {
        class: `badge scope ${own ? "scope-own" : "scope-team"}`,
        "data-scope": r.scope,
        text: own ? "your interactions only" : "team data · identifiable",
      }),
    ),
    about,
    factsList(r),
  );

  const chartHost = el("div", { class: "chart" });
  const tableHost = el("table");
  const labels = { emailsSent: own ? "E-mails by you" : "E-mails by us", emailsReceived: "E-mails by them", meetings: "Meetings", calls: "Calls" };
  const chartCard = el(
    "figure",
    { class: "card chart-card" },
    el("figcaption", {}, el("h4", { text: "Weekly timeline" }), weeklyLegend(labels, SERIES_WITH_CALLS)),
    chartHost,
    el(
      "details",
      { class: "chart-table" },
      el("summary", { text: "Show the weekly figures as a table" }),
      el("div", { class: "table-scroll" }, tableHost),
    ),
  );
  tableHost.replaceChildren(
    ...weeklyTableRows(r.weekly, ["Week of", own ? "By you" : "By us", "By them", "Meetings", "Meeting time", "Calls", "Call time"]),
  );

  const view = el(
    "div",
    {
      class: "rel",
      "data-view": "relationship",
      "data-scope": r.scope,
      "data-target-kind": t.kind,
      "data-target-id": t.id,
    },
    head,
    el("div", { class: "rel-grid" }, healthCard(r.health), chartCard),
    el("section", { class: "rel-section", "aria-label": "Figures" }, el("div", { class: "kpi-grid" }, ...kpiCards(r.kpis, relationshipKpiCards(own)))),
    colleagueLists(r, own),
  );
  result().replaceChildren(view);
  weeklyChart(chartHost, r.weekly, {
    title: `Weekly timeline with ${name}`,
    labels: { emailsSent: own ? "e-mails by you" : "e-mails by us", emailsReceived: "e-mails by them", meetings: "meetings", calls: "calls" },
    series: SERIES_WITH_CALLS,
  });
}

function healthCard(health) {
  const scored = health.state === "scored" && health.score !== null;
  const trend = trendText(health.trend);
  const score = scored
    ? el("data", { class: "gauge-score", "data-health": "score", "data-value": JSON.stringify(health.score), value: String(health.score), text: String(health.score) })
    : el("data", { class: "gauge-score none", "data-health": "score", "data-value": "null", value: "", title: "not scored", text: "—" });
  const scoreLine = el(
    "p",
    { class: "score-line" },
    bandBadge(health),
    el("span", { class: "muted", text: scored ? "score out of 100" : "not scored" }),
  );
  const trendLine = trend
    ? el(
        "p",
        { class: `trend trend-${health.trend.direction}`, "data-health": "trend", "data-value": JSON.stringify(health.trend.direction) },
        el("span", { class: "arrow", "aria-hidden": "true", text: TREND_ARROWS[health.trend.direction] ?? "" }),
        ` ${trend}`,
      )
    : null;

  // A factor that does not apply (value null) gives its weight to the others:
  // each factor's most points are its share of the applicable weights.
  const applicable = health.factors.filter((f) => f.value !== null).reduce((sum, f) => sum + f.weight, 0);
  const factors = health.factors.map((f) => {
    const counted = f.value !== null;
    const maxPoints = counted && applicable > 0 ? (f.weight / applicable) * 100 : 0;
    return el(
      "li",
      { class: `factor${counted ? "" : " not-counted"}`, "data-factor": f.factor },
      el(
        "div",
        { class: "factor-head" },
        el("span", { class: "factor-name", text: FACTOR_NAMES[f.factor] ?? f.factor }),
        el(
          "span",
          { class: "factor-points" },
          el("data", { "data-factor-points": f.factor, value: String(f.points), text: pointsFormat.format(f.points) }),
          counted ? ` of ${pointsFormat.format(maxPoints)} pts` : " pts",
        ),
      ),
      bar(maxPoints > 0 ? f.points / maxPoints : 0, "factor-bar"),
      el(
        "p",
        { class: "factor-expl" },
        f.explanation,
        el("span", {
          class: "muted",
          text: counted
            ? ` · weight ${wholePercentFormat.format(f.weight)}${applicable < 0.999 ? ` (${wholePercentFormat.format(f.weight / applicable)} here)` : ""}`
            : ` · weight ${wholePercentFormat.format(f.weight)}, shared by the other factors`,
        }),
      ),
    );
  });

  return el(
    "section",
    { class: "card health", "data-health-state": health.state, "aria-labelledby": "health-title" },
    el("h4", { id: "health-title", text: "Health" }),
    el("div", { class: "health-score" }, el("div", { class: "gauge-wrap" }, healthGauge(health), score), el("div", {}, scoreLine, trendLine)),
    el("p", { class: "health-summary", "data-health": "summary", text: health.summary }),
    factors.length
      ? el(
          "details",
          { class: "factors-box", open: true },
          el("summary", { text: "How the score is made" }),
          el("ol", { class: "factors" }, ...factors),
        )
      : null,
  );
}

function colleagueLists(r, own) {
  const list = (title, listId, people, count, countLabel) =>
    el(
      "section",
      { class: "card", "aria-labelledby": `${listId}-title`, "data-list": listId },
      el("h4", { id: `${listId}-title`, text: title }),
      el(
        "ol",
        { class: "people" },
        ...peopleItems(people, (p) =>
          el(
            "li",
            { "data-person": p.id },
            el(
              "span",
              { class: "person", title: p.id },
              el("span", { class: "person-name", text: p.name ?? p.id }),
              el("span", {
                class: "person-id",
                text: `started ${countFormat.format(p.initiated)} · received ${countFormat.format(p.received)}`,
              }),
            ),
            el("span", { class: "count", title: `${p[count]} ${countLabel}`, text: countFormat.format(p[count]) }),
          ),
        ),
      ),
    );
  return el(
    "div",
    { class: "top-lists three" },
    list(own ? "Colleagues in your interactions" : "Most involved colleagues", "top-colleagues", r.topColleagues, "interactions", "interactions"),
    list("Reached out to them most", "most-contacting", r.mostContacting, "initiated", "interactions started"),
    list("They reached out to most", "most-contacted", r.mostContacted, "received", "interactions they started"),
  );
}

// ---------------------------------------------------------------- who knows whom

function evidenceText(e) {
  const n = (count, one, many) => `${countFormat.format(count)} ${count === 1 ? one : many}`;
  return `${n(e.emails, "e-mail", "e-mails")} · ${n(e.meetings, "meeting", "meetings")} · ${n(e.calls, "call", "calls")}`;
}

function renderWhoKnowsWhom(w) {
  const t = w.target;
  const name = t.name ?? t.id;
  const items = peopleItems(
    w.colleagues,
    (c) =>
      el(
        "li",
        { "data-person": c.id, "data-strength": String(c.strength) },
        el(
          "div",
          { class: "wkw-row" },
          personLabel(c, c.department),
          el(
            "span",
            { class: "strength" },
            bar(c.strength, "strength-bar"),
            el("data", { class: "strength-value", value: String(c.strength), text: decimalFormat.format(c.strength) }),
          ),
        ),
        el(
          "p",
          { class: "evidence" },
          evidenceText(c.evidence),
          " · last ",
          timeElement("evidence-last", c.evidence.lastInteractionAt, formatDate(c.evidence.lastInteractionAt)),
        ),
      ),
    "No colleague has interacted with them.",
  );
  result().replaceChildren(
    el(
      "section",
      { class: "card wkw", "data-view": "who-knows-whom", "data-target-kind": t.kind, "data-target-id": t.id },
      el(
        "div",
        { class: "view-head" },
        el("h3", { text: `Who knows ${name}` }),
        el("span", { class: "badge scope scope-team", text: "team data · identifiable" }),
      ),
      el("p", {
        class: "muted small",
        text:
          `Colleagues ranked by connection strength, from 0 to 1: how often, how recently and how mutually they interacted with ` +
          `${t.kind === "account" ? "the account's contacts" : "them"}, as of ${formatInstant(w.asOf)}.`,
      }),
      el("ol", { class: "people strengths" }, ...items),
    ),
  );
}

// ---------------------------------------------------------------- introduction paths

function renderPathsNeedContact(target) {
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  result().replaceChildren(
    el(
      "div",
      { class: "card notice", role: "status", "data-notice": "pick-contact" },
      el("h3", { text: "Introduction paths lead to a person" }),
      el("p", {
        text: `“${targetText(target)}” is an account. Pick one of its contacts (open the account's Relationship view to see them) to find a chain of colleagues to them.`,
      }),
    ),
  );
}

function renderPaths(answer) {
  const id = answer.target;
  const name = nameOf(id) ?? answer.paths[0]?.names?.at(-1) ?? id;
  const hosts = [];
  const cards = answer.paths.map((p, i) => {
    const host = el("div", { class: "path-host" });
    hosts.push([host, p]);
    return el(
      "li",
      { class: "card path", "data-path": String(i), "data-people": JSON.stringify(p.people), "data-strength": String(p.strength) },
      el(
        "div",
        { class: "path-head" },
        el("h4", { text: `Path ${i + 1}` }),
        el("span", { class: "muted", text: `${p.hops} ${p.hops === 1 ? "hop" : "hops"} · strength ` }),
        el("data", { class: "path-strength", value: String(p.strength), text: decimalFormat.format(p.strength) }),
      ),
      host,
      el("p", { class: "path-explanation", text: p.explanation }),
    );
  });
  result().replaceChildren(
    el(
      "section",
      { class: "paths-view", "data-view": "introduction-paths", "data-target-id": id },
      el(
        "div",
        { class: "card" },
        el(
          "div",
          { class: "view-head" },
          el("h3", { text: `Introductions to ${name}` }),
          el("span", { class: "badge scope scope-team", text: "team data · identifiable" }),
        ),
        el("p", {
          class: "muted small",
          text:
            `The strongest chains from you to them through colleagues who have not opted out, at most ${answer.maxHops} steps. ` +
            "A path's strength is the product of its steps' strengths; thicker lines are stronger links.",
        }),
      ),
      cards.length
        ? el("ol", { class: "paths" }, ...cards)
        : el("p", { class: "card empty", "data-empty": "paths", text: `No path within ${answer.maxHops} hops to ${name}.` }),
    ),
  );
  for (const [host, p] of hosts) pathGraph(host, p);
}

// ---------------------------------------------------------------- accounts list

const SORTS = {
  name: { label: "Account", first: "asc" },
  health: { label: "Health", first: "desc" },
  last: { label: "Last interaction", first: "desc" },
};

function compareAccounts(key, dir) {
  const sign = dir === "asc" ? 1 : -1;
  const byName = (a, b) => collator.compare(a.name ?? a.id, b.name ?? b.id) || collator.compare(a.id, b.id);
  // Missing values (not scored, never in touch) go last whichever the direction.
  const missingLast = (va, vb) => (va === null ? (vb === null ? 0 : 1) : vb === null ? -1 : null);
  return (a, b) => {
    if (key === "name") return sign * byName(a, b);
    const va = key === "health" ? (a.health.state === "scored" ? a.health.score : null) : a.lastInteractionAt;
    const vb = key === "health" ? (b.health.state === "scored" ? b.health.score : null) : b.lastInteractionAt;
    const missing = missingLast(va, vb);
    if (missing !== null) return missing || byName(a, b);
    const diff = key === "health" ? va - vb : Date.parse(va) - Date.parse(vb);
    return sign * diff || byName(a, b);
  };
}

function renderAccounts(rows, scope) {
  const own = scope === "own";
  const table = el("table", { class: "accounts" });
  const caption = el("caption", { class: "visually-hidden" });
  const headCell = (key, extraClass = "") => {
    const th = el("th", { scope: "col", class: extraClass, "data-sort-key": key });
    const button = el("button", { type: "button", class: "sort", text: SORTS[key].label });
    button.append(el("span", { class: "sort-mark", "aria-hidden": "true" }));
    button.addEventListener("click", () => {
      state.sort = state.sort.key === key
        ? { key, dir: state.sort.dir === "asc" ? "desc" : "asc" }
        : { key, dir: SORTS[key].first };
      fill();
      button.focus();
    });
    th.append(button);
    return th;
  };
  const head = el(
    "thead",
    {},
    el(
      "tr",
      {},
      headCell("name"),
      headCell("health"),
      el("th", { scope: "col", text: "Trend" }),
      el("th", { scope: "col", class: "num mid", text: "Interactions" }),
      headCell("last", "wide"),
      el("th", { scope: "col", class: "wide", text: "Next interaction" }),
    ),
  );
  const body = el("tbody");
  table.append(caption, head, body);

  function fill() {
    const { key, dir } = state.sort;
    for (const th of head.querySelectorAll("th[data-sort-key]")) {
      const active = th.dataset.sortKey === key;
      if (active) th.setAttribute("aria-sort", dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
      th.querySelector(".sort-mark").textContent = active ? (dir === "asc" ? " ▲" : " ▼") : "";
    }
    caption.textContent = `Accounts and their relationship health, sorted by ${SORTS[key].label.toLowerCase()}, ${dir === "asc" ? "ascending" : "descending"}. Choose an account to open it.`;
    const sorted = [...rows].sort(compareAccounts(key, dir));
    body.replaceChildren(
      ...sorted.map((a) => {
        const h = a.health;
        const trend = h.trend;
        const row = el(
          "tr",
          { "data-account": a.id, "data-health-state": h.state },
          el("th", { scope: "row" }, openButton("account", a.id, a.name ?? a.id)),
          el("td", {}, bandBadge(h, { withScore: true })),
          el(
            "td",
            { class: trend ? `trend trend-${trend.direction}` : "muted" },
            trend
              ? trend.previousScore === null
                ? el("span", { title: trendText(trend), text: `${TREND_ARROWS[trend.direction]} new` })
                : el("span", { title: trendText(trend), text: `${TREND_ARROWS[trend.direction]} ${signed(trend.change)}` })
              : "—",
          ),
          el("td", { class: "num mid", text: countFormat.format(a.interactionsUsed) }),
          el("td", { class: "wide" }, timeElement("last-interaction", a.lastInteractionAt, formatDate(a.lastInteractionAt))),
          el("td", { class: "wide" }, timeElement("next-interaction", a.nextInteractionAt, formatDate(a.nextInteractionAt))),
        );
        // The whole row opens the account for a pointer; the name button does it for the keyboard.
        row.addEventListener("click", (event) => {
          if (!event.target.closest("button")) row.querySelector("button[data-open]").click();
        });
        return row;
      }),
    );
  }
  fill();

  const scored = rows.filter((a) => a.health.state === "scored");
  const count = (band) => scored.filter((a) => a.health.band === band).length;
  result().replaceChildren(
    el(
      "section",
      { class: "card accounts-view", "data-view": "accounts", "data-scope": own ? "own" : "identifiable" },
      el(
        "div",
        { class: "view-head" },
        el("h3", { text: "Accounts" }),
        el("span", {
          class: `badge scope ${own ? "scope-own" : "scope-team"}`,
          text: own ? "your interactions only" : "team data · identifiable",
        }),
      ),
      el(
        "p",
        { class: "muted small" },
        `${countFormat.format(rows.length)} accounts: `,
        el("span", { class: "band band-good", text: `${count("good")} good` }),
        " ",
        el("span", { class: "band band-fair", text: `${count("fair")} fair` }),
        " ",
        el("span", { class: "band band-poor", text: `${count("poor")} poor` }),
        " ",
        el("span", { class: "band band-none", text: `${rows.length - scored.length} with insufficient data` }),
        ". Sort by a column heading; choose an account to open it.",
      ),
      el("div", { class: "table-scroll" }, table),
    ),
  );
}

// ---------------------------------------------------------------- organization aggregates

/** The aggregates view's frame (heading and controls), kept across its queries so that focus stays on a control. */
function aggregatesFrame() {
  if (!state.aggShell?.root.isConnected) {
    state.aggShell = aggregatesShell(state.agg, onAggregatesOption);
    state.aggTable = null;
    result().replaceChildren(state.aggShell.root);
  }
  return state.aggShell;
}

/** Draws `table`; returns the status line's ending (which says when noise hid the metric asked for). */
function renderAggregates(table) {
  const { root, body, setMetrics } = aggregatesFrame();
  state.aggTable = table;
  const wanted = metricOf(table.groupBy, state.agg.metric[table.groupBy]);
  // A metric not released with noise gives way to the first released one; the picker follows, so that it shows what is drawn.
  const metric = shownMetric(table, wanted.key);
  state.agg.metric[table.groupBy] = metric.key;
  setMetrics(table.groupBy, metric.key, Boolean(table.noise));
  root.dataset.shown = "table";
  root.dataset.period = table.period;
  root.dataset.groupBy = table.groupBy;
  root.dataset.metric = metric.key;
  root.dataset.minGroupSize = String(table.minGroupSize);
  if (table.noise) {
    root.dataset.noise = "on";
    rememberNoisy(table);
  } else {
    delete root.dataset.noise;
  }
  body.replaceChildren(...aggregatesBody(table, wanted.key, state.now, matrixOptions(table)));
  if (!table.noise) return "shown below.";
  const cost = table.noise.fromCache ? "repeated from cache at no cost" : `ε = ${table.noise.epsilon} spent`;
  return metric === wanted
    ? `shown below with privacy noise (${cost}).`
    : `shown below with privacy noise (${cost}); ${wanted.label.toLowerCase()} is not released with noise: showing ${metric.label.toLowerCase()} instead.`;
}

/** Remembers a question answered with noise, to name it once the budget is spent. */
function rememberNoisy(table) {
  const asked = state.agg.noisyAsked;
  if (!asked.some((q) => q.groupBy === table.groupBy && q.period === table.period)) {
    asked.push({ groupBy: table.groupBy, period: table.period });
  }
}

/** The collaboration matrix's period for `table` and where to keep the one picked. */
function matrixOptions(table) {
  const root = state.aggShell?.root;
  if (root) delete root.dataset.matrixPeriod;
  return {
    period: state.agg.matrixPeriod[table.period],
    onPeriod: (period) => {
      state.agg.matrixPeriod[table.period] = period;
      if (root) root.dataset.matrixPeriod = period;
    },
  };
}

/** The aggregates frame without a table: a notice instead of figures. */
function aggregatesNoticeFrame() {
  const frame = aggregatesFrame();
  state.aggTable = null;
  frame.root.dataset.shown = "notice";
  for (const key of ["period", "groupBy", "metric", "minGroupSize", "matrixPeriod", "noise"]) delete frame.root.dataset[key];
  return frame;
}

function renderAggregatesNotice(err) {
  const { body } = aggregatesNoticeFrame();
  body.replaceChildren(...notImplementedBody(state.agg, err));
}

/** The budget cannot pay for this noisy question: the questions asked before still answer, and so do the figures without noise. */
function renderBudgetExhausted(err) {
  const { body, noise } = aggregatesNoticeFrame();
  const withoutNoise = () => {
    noise.checked = false;
    onAggregatesOption("noise", false);
    noise.focus();
  };
  body.replaceChildren(...budgetExhaustedBody(state.agg, err, state.agg.noisyAsked, withoutNoise));
}

/** A control of the aggregates view changed: the metric is drawn again from the table on screen, the rest asks the engine. */
function onAggregatesOption(key, value) {
  if (key !== "metric") {
    state.agg[key] = value;
    run("aggregates");
    return;
  }
  const shell = state.aggShell;
  const table = state.aggTable;
  if (!table) return;
  const metric = shownMetric(table, value);
  state.agg.metric[table.groupBy] = metric.key;
  if (shell?.root.isConnected && state.view === "aggregates") {
    shell.root.dataset.metric = metric.key;
    shell.body.replaceChildren(...aggregatesBody(table, metric.key, state.now, matrixOptions(table)));
    teamStatus(`Organization aggregates: ${metric.label.toLowerCase()} shown below.`);
  }
}

// ---------------------------------------------------------------- opt-out

/** The opt-out button works on the selected contact (an account is many people: not offered). */
function updateOptOut() {
  const target = selectedTarget();
  $("optout").disabled = !state.ready || state.optingOut || state.dataBusy || target?.kind !== "contact";
  // The confirmation names one contact: picking another one closes it.
  if (state.optOutId !== null && (target?.kind !== "contact" || target.id !== state.optOutId)) closeOptOut();
}

function contactLabel(id) {
  const name = nameOf(id);
  return name && name !== id ? `${name} (${id})` : id;
}

/** Shows the confirmation step: what opting out does, before anything is deleted. */
function openOptOut() {
  const target = selectedTarget();
  if (target?.kind !== "contact") return;
  state.optOutId = target.id;
  $("optout-title").textContent = `Opt ${contactLabel(target.id)} out?`;
  $("optout-confirm").hidden = false;
  $("optout").setAttribute("aria-expanded", "true");
  // The safe choice has the focus: Enter does not delete anything.
  $("optout-cancel").focus();
}

function closeOptOut({ focus = false } = {}) {
  state.optOutId = null;
  $("optout-confirm").hidden = true;
  $("optout").setAttribute("aria-expanded", "false");
  if (focus) $("optout").focus();
}

/** Opts the confirmed contact out: the worker purges them from the engine and rewrites the stored copy before answering. */
async function confirmOptOut() {
  const id = state.optOutId;
  if (!id) return;
  const label = contactLabel(id);
  const note = $("optout-note");
  closeOptOut();
  state.optingOut = true;
  updateOptOut();
  // Answers asked for before the opt-out may still count or name them: dropped.
  state.generation++;
  delete note.dataset.optedOut;
  note.textContent = `Opting ${label} out…`;
  try {
    const answer = await call("optOut", { personId: id }, (p) => (note.textContent = p.message));
    await refreshTargets(); // no longer offered: the worker dropped them from its lists
    const stored = {
      saved: " and from the copy stored in this browser",
      deleted: "; the stored copy could not be rewritten, so it was deleted",
      failed: "; this browser's storage could not be written (use Forget stored data to be sure nothing is kept)",
    }[answer.stored] ?? "";
    // What is on screen may show them: the view is drawn again, for the
    // selector's new choice when it was about them (as on any change of target).
    if (state.view) run(state.view);
    await state.onDataChanged?.();
    // Said last, once the page no longer shows them anywhere.
    note.textContent = `Done: ${label} is opted out. Their interactions were deleted from this browser's engine${stored}; they will not be shown or counted again.`;
    note.dataset.optedOut = answer.personId;
  } catch (err) {
    note.textContent = `${label} could not be opted out: ${err.code} ${err.message}`;
  } finally {
    state.optingOut = false;
    updateOptOut();
  }
}

// ---------------------------------------------------------------- wiring

/** Wires the controls; called once at start. `onDataChanged` runs after an opt-out changed the data. */
export function initTeam({ onDataChanged = null } = {}) {
  state.onDataChanged = onDataChanged;
  $("optout").addEventListener("click", openOptOut);
  $("optout-cancel").addEventListener("click", () => closeOptOut({ focus: true }));
  $("optout-confirm-yes").addEventListener("click", confirmOptOut);
  $("optout-confirm").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeOptOut({ focus: true });
  });
  for (const button of document.querySelectorAll("#team button[data-query]")) {
    button.addEventListener("click", () => run(button.dataset.query));
  }
  for (const radio of document.querySelectorAll('#team input[name="scope"]')) {
    radio.addEventListener("change", () => {
      updateScopeHelp();
      if (state.view && VIEWS[state.view].scoped) run(state.view);
    });
  }
  select().addEventListener("change", () => {
    updateOptOut();
    if (state.view && state.view !== "accounts" && state.view !== "aggregates") run(state.view);
  });
  updateScopeHelp();
}

/** After the data is loaded: fills the selector and enables the controls. */
export async function teamReady(load, consent) {
  state.consent = consent;
  state.now = load.now ?? null;
  state.targets = { scope: "own", frequent: load.contacts, accounts: [], contacts: [] };
  renderTargets();
  await refreshTargets();
  for (const control of document.querySelectorAll("#team button[data-query], #team input[name='scope']")) control.disabled = false;
  state.ready = true;
  updateOptOut();
  updateScopeHelp();
}

/** The user's files are loading (true) or done (false): opting out waits, so that it reaches the data being loaded. */
export function setDataBusy(busy) {
  state.dataBusy = busy;
  updateOptOut();
}

/** The data is about to be replaced: answers still on their way are about the old data and are dropped. */
export function dataSwitching() {
  state.generation++;
}

/**
 * The data was replaced (the user's files loaded): what is on screen is about
 * the old data, and so are the noisy questions asked; the selector is filled
 * again for the new data (teamReady).
 */
export async function dataReplaced(load, consent) {
  state.generation++;
  state.tokenAtConsent = state.token;
  state.view = null;
  setPressed(null);
  closeOptOut();
  $("optout-note").textContent = "";
  state.agg.noisyAsked = [];
  state.agg.matrixPeriod = { week: null, month: null };
  state.aggShell = null;
  state.aggTable = null;
  teamStatus("");
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  message("New data loaded. Pick a contact or an account and a view.");
  await teamReady(load, consent);
}

/** Consent is changing: answers asked for under the old consent are dropped, and so is what is on screen. */
export function consentChanging(consent) {
  state.generation++;
  state.tokenAtConsent = state.token;
  state.consent = consent;
  updateScopeHelp();
  teamStatus("Consent changed.");
  result().classList.remove("stale");
  result().removeAttribute("aria-busy");
  message(
    state.view
      ? `Consent changed: showing ${VIEWS[state.view].title.toLowerCase()} again under the new consent…`
      : "Consent changed. Pick a view to see what it allows now.",
  );
}

/** Consent was applied by the engine: refresh the choices and show the current view again, unless another was asked for since. */
export async function consentApplied() {
  const generation = state.generation;
  await refreshTargets();
  if (generation === state.generation && state.view && state.token === state.tokenAtConsent) run(state.view);
}
