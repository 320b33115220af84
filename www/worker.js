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

/**
 * @typedef {import("./protocol.js").Handlers} Handlers
 * @typedef {import("./protocol.js").RequestType} RequestType
 * @typedef {import("./protocol.js").Report} Report
 * @typedef {import("./protocol.js").WorkerMessage} WorkerMessage
 */

/**
 * The wasm module, instantiated at once: compiling it overlaps the page's own
 * start. A failure is reported by the first request, which awaits it.
 * @type {Promise<unknown>}
 */
const wasmReady = init();
wasmReady.catch(() => {});

/**
 * The jobs, imported once the module's download has begun (above): imported
 * statically, the .wasm's download waited for every module of the worker,
 * fetched level by level as each one's imports came to light (130 ms on a
 * new profile). `prepare` runs after each answer (queries.js prepareViews).
 * @type {Promise<{ handlers: Handlers, prepare: () => void }>}
 */
const jobsReady = Promise.all([
  import("./worker/demo.js"),
  import("./worker/ingest.js"),
  import("./worker/consent.js"),
  import("./worker/persist.js"),
  import("./worker/queries.js"),
]).then(([demo, ingest, consent, storage, queries]) => ({
  handlers: {
    ...demo.demoHandlers,
    ...ingest.ingestHandlers,
    ...consent.consentHandlers,
    ...storage.storageHandlers,
    ...queries.queryHandlers,
  },
  prepare: queries.prepareViews,
}));
jobsReady.catch(() => {});

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
    const { handlers, prepare } = await jobsReady;
    if (!Object.hasOwn(handlers, type)) throw codedError("UNKNOWN_REQUEST", `unknown request type "${type}"`);
    const handler = /** @type {(params: object, progress: Report) => unknown} */ (handlers[/** @type {RequestType} */ (type)]);
    await wasmReady;
    const value = await handler(params, progress);
    send({ id, type: "result", ok: true, value });
    prepare();
  } catch (err) {
    send({ id, type: "result", ok: false, error: plainError(err) });
  }
}
