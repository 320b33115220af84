// The dashboard's analytics worker, its entry point: owns the wasm module and
// dispatches the page's requests (protocol.js lists them, with their params,
// answers, progress and errors) to the worker's jobs, one at a time, in the
// order they arrive, so that each sees the state the previous one left:
//   worker/demo.js      "load": the stored snapshot, or the demo generated anew
//   worker/ingest.js    "loadFiles", "commitLoad": the user's files
//   worker/consent.js   "setConsent", "optOut", "optOuts"
//   worker/persist.js   "forget"; and the stored copy rewritten after each change
//   worker/queries.js   own insights, the team view's selector and its views
// What they share between requests is worker/session.js. No generation, load
// or query runs on the page's thread.

import init from "./pkg/rapport.js";
import { codedError, plainError } from "./errors.js";
import { demoHandlers } from "./worker/demo.js";
import { ingestHandlers } from "./worker/ingest.js";
import { consentHandlers } from "./worker/consent.js";
import { storageHandlers } from "./worker/persist.js";
import { queryHandlers, prepareViews } from "./worker/queries.js";

/**
 * @typedef {import("./protocol.js").Handlers} Handlers
 * @typedef {import("./protocol.js").RequestType} RequestType
 * @typedef {import("./protocol.js").Report} Report
 * @typedef {import("./protocol.js").WorkerMessage} WorkerMessage
 */

/** @type {Handlers} */
const handlers = { ...demoHandlers, ...ingestHandlers, ...consentHandlers, ...storageHandlers, ...queryHandlers };

/**
 * The wasm module, instantiated at once: compiling it overlaps the page's own
 * start. A failure is reported by the first request, which awaits it.
 * @type {Promise<unknown>}
 */
const wasmReady = init();
wasmReady.catch(() => {});

/** Requests are chained so that each one sees the state the previous left. */
let queue = Promise.resolve();

/** @param {WorkerMessage} msg */
const send = (msg) => self.postMessage(msg);

self.addEventListener("message", (event) => {
  const { id, type, params } = event.data ?? {};
  queue = queue.then(() => run(id, type, params ?? {}));
});

/**
 * Runs one request and posts its answer (or its error, as a WireError).
 * @param {number} id
 * @param {string} type
 * @param {object} params
 */
async function run(id, type, params) {
  /** @type {Report} */
  const progress = (stage, message, extra = {}) => send({ id, type: "progress", stage, message, ...extra });
  try {
    if (!Object.hasOwn(handlers, type)) throw codedError("UNKNOWN_REQUEST", `unknown request type "${type}"`);
    const handler = /** @type {(params: object, progress: Report) => unknown} */ (handlers[/** @type {RequestType} */ (type)]);
    await wasmReady;
    const value = await handler(params, progress);
    send({ id, type: "result", ok: true, value });
    // While the page draws the answer: what the next view starts from.
    prepareViews();
  } catch (err) {
    send({ id, type: "result", ok: false, error: plainError(err) });
  }
}
