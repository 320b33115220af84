// The card's dispatcher: runs a view (a tab) for the target picked, the
// Team / Mine choice and the period — the request it sends the worker, the
// answer drawn by the view's renderer (www/views/), or the refusal or error
// drawn instead — and drops answers that come back after the target,
// consent or data changed.

import { call } from "../rpc.js";
import { VIEWS } from "../views/needs.js";
import { $ } from "../ui.js";
import { renderRelationship } from "../views/relationship.js";
import { fillActivity } from "../views/story.js";
import { renderOwnInsights } from "../views/own.js";
import { renderWhoKnowsWhom } from "../views/who-knows-whom.js";
import { renderPaths, renderPathsNeedContact } from "../views/paths.js";
import { renderAccounts } from "../views/accounts.js";
import { renderRefusal, renderNotice, renderUnknownTarget, renderQueryError } from "../views/notices.js";
import {
  wireAggregates,
  aggregatesRequest,
  dimmedDuringQuery,
  renderAggregates,
  renderAggregatesNotice,
  renderBudgetExhausted,
} from "../views/aggregates/view.js";
import { state, result, currentScope, selectedTarget, nameOf, targetText, teamStatus, message } from "./state.js";
import { setPressed, setScope, selectTarget } from "./controls.js";

/**
 * @typedef {import("../views/needs.js").ViewName} ViewName
 * @typedef {import("../views/parts.js").ViewContext} ViewContext
 * @typedef {import("./state.js").PickedTarget} PickedTarget
 * @typedef {import("../rpc.js").CodedError} CodedError
 */

/** How many colleagues "who knows whom" asks for (the engine's default is 5). */
export const WHO_KNOWS_WHOM_TOP = 10;
/** Longest introduction chain, in steps (SPEC 3.2 default). */
export const MAX_HOPS = 3;
/** Interactions a page of the activity list holds. */
export const ACTIVITY_PAGE = 10;

/** What the views are drawn with: names as the selector knows them, and opening a target. @type {ViewContext} */
const context = {
  nameOf,
  open(kind, id) {
    selectTarget(kind, id);
    run("relationship", { kind, id });
    document.getElementById("tabs")?.scrollIntoView({ block: "nearest" });
  },
  /** More of the activity list: the page before `before`, from the worker. */
  more: (target, before) =>
    call("activity", { target: engineTarget(target), scope: currentScope(), days: state.days, limit: ACTIVITY_PAGE, before }),
};

wireAggregates({
  rerun: () => run("aggregates"),
  status: teamStatus,
  shown: () => state.view === "aggregates",
  now: () => state.now,
  requireNoise: () => state.requireNoise,
});

/**
 * The engine's target for a picked one.
 * @param {PickedTarget} t
 * @returns {import("../pkg/rapport.js").Target}
 */
const engineTarget = (t) => (t.kind === "account" ? { account: t.id } : { contact: t.id });

/**
 * Runs `view` for the picked target (or `target`), the choice and the period, and draws its answer.
 * @param {ViewName} view
 * @param {PickedTarget | null} [target]
 */
export async function run(view, target = selectedTarget()) {
  const token = ++state.token;
  const generation = state.generation;
  const scope = currentScope();
  const days = state.days;
  state.view = view;
  setPressed(view);
  const stale = () => token !== state.token || generation !== state.generation;
  const about = target ? targetText(target) : "";
  const title = VIEWS[view].title;
  const host = result();

  if (view === "own") {
    teamStatus(`${title}: asking the engine…`);
    try {
      const value = await call("ownInsights", { days });
      if (stale()) return;
      renderOwnInsights(value);
      teamStatus(`${title}: shown.`);
    } catch (error) {
      if (stale()) return;
      $("viewer").textContent = `Your activity could not be shown: ${/** @type {CodedError} */ (error).message}`;
    }
    return;
  }
  if (view === "introductionPaths" && target?.kind === "account") {
    host.classList.remove("stale");
    host.removeAttribute("aria-busy");
    renderPathsNeedContact(host, targetText(target));
    teamStatus(`${title}: pick a contact.`);
    return;
  }
  if (!target && (view === "relationship" || view === "whoKnowsWhom" || view === "introductionPaths")) {
    message("Find a contact or an account above.");
    return;
  }

  // A new aggregates query keeps its controls usable: only the figures are dimmed.
  const dim = view === "aggregates" ? dimmedDuringQuery(host) : host;
  dim.classList.add("stale");
  host.setAttribute("aria-busy", "true");
  const named = about && view !== "accounts" && view !== "aggregates" ? ` for ${about}` : "";
  teamStatus(`${title}${named}: asking the engine…`);
  try {
    let shown = "shown below.";
    if (view === "relationship" && target) {
      const asked = call("relationship", { target: engineTarget(target), scope, days });
      // Asked at once, answered right after the card's figures (the worker
      // answers in order); drawn once the card is.
      const activityAsked = call("activity", { target: engineTarget(target), scope, days, limit: ACTIVITY_PAGE }).catch(() => null);
      const value = await asked;
      if (stale()) return;
      if (value.target.name) state.names.set(value.target.id.toLowerCase(), value.target.name);
      renderRelationship(host, value, context);
      const activity = await activityAsked;
      if (stale()) return;
      fillActivity(host, activity, context, { kind: value.target.kind, id: value.target.id });
    } else if (view === "whoKnowsWhom" && target) {
      const value = await call("whoKnowsWhom", { target: engineTarget(target), top: WHO_KNOWS_WHOM_TOP });
      if (stale()) return;
      renderWhoKnowsWhom(host, value);
    } else if (view === "introductionPaths" && target) {
      const value = await call("introductionPaths", { contact: target.id, maxHops: MAX_HOPS });
      if (stale()) return;
      renderPaths(host, value, context);
    } else if (view === "accounts") {
      const value = await call("relationshipSummaries", { level: "account", scope, days });
      if (stale()) return;
      renderAccounts(host, value, scope, context);
    } else if (view === "aggregates") {
      const value = await call("aggregates", { ...aggregatesRequest(), days });
      if (stale()) return;
      shown = renderAggregates(host, value);
    }
    teamStatus(`${title}${named}: ${shown}`);
  } catch (error) {
    if (stale()) return;
    const err = /** @type {CodedError} */ (error);
    if (err.code === "CONSENT_REQUIRED") {
      renderRefusal(host, view, err, scope, () => {
        setScope("own");
        run(view);
      });
    } else if (err.code === "NOT_IMPLEMENTED" && view === "aggregates") renderAggregatesNotice(host, err);
    else if (err.code === "PRIVACY_BUDGET_EXHAUSTED" && view === "aggregates") renderBudgetExhausted(host, err);
    else if (err.code === "NOT_IMPLEMENTED") renderNotice(host, view);
    else if (err.code === "UNKNOWN_TARGET") renderUnknownTarget(host, target ?? null, err);
    else renderQueryError(host, view, err);
    const why = /** @type {Record<string, string>} */ ({ CONSENT_REQUIRED: "needs your administrator's permission", PRIVACY_BUDGET_EXHAUSTED: "the privacy allowance is used up" })[err.code];
    teamStatus(`${title}: ${why ?? "not shown"}.`);
  } finally {
    if (!stale()) {
      dim.classList.remove("stale");
      host.classList.remove("stale");
      host.removeAttribute("aria-busy");
    }
  }
}
