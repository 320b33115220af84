// The opt-out control of the team panel: a confirmation step that says what
// opting the selected contact out does, before anything is deleted; then the
// worker purges them from the engine and rewrites the stored copy before it
// answers, and the page draws again whatever may have shown them. An account
// is many people: only a contact can be opted out.

import { call } from "../rpc.js";
import { $ } from "../ui.js";
import { state, selectedTarget, nameOf } from "./state.js";

const optOut = {
  /** @type {string | null} the contact the confirmation is about */
  id: null,
  /** True while an opt-out runs. */
  running: false,
  /** True while the user's files load: an opt-out then would miss the data being loaded. */
  dataBusy: false,
};

const button = () => /** @type {HTMLButtonElement} */ ($("optout"));

/** The opt-out button works on the selected contact; picking another one closes the confirmation. */
export function updateOptOut() {
  const target = selectedTarget();
  button().disabled = !state.ready || optOut.running || optOut.dataBusy || target?.kind !== "contact";
  // The confirmation names one contact: picking another one closes it.
  if (optOut.id !== null && (target?.kind !== "contact" || target.id !== optOut.id)) closeOptOut();
}

/**
 * The user's files are loading (true) or done (false).
 * @param {boolean} busy
 */
export function optOutWaits(busy) {
  optOut.dataBusy = busy;
  updateOptOut();
}

/** @param {string} id */
function contactLabel(id) {
  const name = nameOf(id);
  return name && name !== id ? `${name} (${id})` : id;
}

/** Shows the confirmation step: what opting out does, before anything is deleted. */
export function openOptOut() {
  const target = selectedTarget();
  if (target?.kind !== "contact") return;
  optOut.id = target.id;
  $("optout-title").textContent = `Opt ${contactLabel(target.id)} out?`;
  $("optout-confirm").hidden = false;
  button().setAttribute("aria-expanded", "true");
  // The safe choice has the focus: Enter does not delete anything.
  $("optout-cancel").focus();
}

/** @param {{ focus?: boolean }} [how] */
export function closeOptOut({ focus = false } = {}) {
  optOut.id = null;
  $("optout-confirm").hidden = true;
  button().setAttribute("aria-expanded", "false");
  if (focus) button().focus();
}

/**
 * Opts the confirmed contact out. `after.refreshTargets()` fills the selector
 * again (they are no longer offered), `after.redraw()` draws the view on
 * screen again, `after.dataChanged()` the page's own insights.
 * @param {{ refreshTargets: () => Promise<void>, redraw: () => void, dataChanged: () => Promise<void> | void }} after
 */
export async function confirmOptOut(after) {
  const id = optOut.id;
  if (!id) return;
  const label = contactLabel(id);
  const note = $("optout-note");
  closeOptOut();
  optOut.running = true;
  updateOptOut();
  // Answers asked for before the opt-out may still count or name them: dropped.
  state.generation++;
  delete note.dataset.optedOut;
  note.textContent = `Opting ${label} out…`;
  try {
    const answer = await call("optOut", { personId: id }, (p) => (note.textContent = p.message));
    await after.refreshTargets(); // no longer offered: the worker dropped them from its lists
    const stored = {
      saved: " and from the copy stored in this browser",
      deleted: "; the stored copy could not be rewritten, so it was deleted",
      failed: "; this browser's storage could not be written (use Forget stored data to be sure nothing is kept)",
    }[answer.stored] ?? "";
    // What is on screen may show them: the view is drawn again, for the
    // selector's new choice when it was about them (as on any change of target).
    after.redraw();
    await after.dataChanged();
    // Said last, once the page no longer shows them anywhere.
    note.textContent = `Done: ${label} is opted out. Their interactions were deleted from this browser's engine${stored}; they will not be shown or counted again.`;
    note.dataset.optedOut = answer.personId;
  } catch (err) {
    const e = /** @type {{ code?: string, message?: string }} */ (err);
    note.textContent = `${label} could not be opted out: ${e.code} ${e.message}`;
  } finally {
    optOut.running = false;
    updateOptOut();
  }
}
