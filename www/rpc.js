// The page's side of the worker protocol (protocol.js): module workers
// running worker.js, requests matched to their answers by id, progress passed
// to a callback, errors rejected as Errors with the worker's `code` and the
// rest of its WireError.
//
// One worker holds the data shown and answers `call`. Loading the user's
// files runs in a spare worker (`spareWorker`), so that the data shown stays
// usable during the load and Cancel can `terminate` the spare at any moment,
// even inside a long wasm call, without touching it; once the load
// succeeded, `adopt` makes the spare the worker that answers `call` and
// terminates the old one.

import { codedError } from "./errors.js";

/**
 * @typedef {import("./protocol.js").RequestType} RequestType
 * @typedef {import("./protocol.js").Progress} Progress
 * @typedef {import("./protocol.js").WorkerMessage} WorkerMessage
 * @typedef {import("./protocol.js").WireError} WireError
 */
/**
 * @template {RequestType} T
 * @typedef {import("./protocol.js").Params<T>} Params
 */
/**
 * @template {RequestType} T
 * @typedef {import("./protocol.js").Result<T>} Result
 */

/** A request's failure as the page sees it: an Error with the worker's code and details. @typedef {Error & WireError} CodedError */
/** @typedef {(err: CodedError) => void} FailureHandler */
/** @typedef {((p: Progress) => void) | null} OnProgress */

/**
 * @typedef {object} Client
 * @property {<T extends RequestType>(type: T, params?: Params<T>, onProgress?: OnProgress, transfer?: Transferable[]) => Promise<Result<T>>} call
 *   sends a request (`transfer`: what in its params moves to the worker); resolves with its value or rejects with its coded error
 * @property {(handler: FailureHandler) => void} onFailure
 *   what to do when this worker fails by itself (its pending requests are rejected too)
 * @property {(code?: string, message?: string) => void} terminate
 *   stops the worker at once, wherever it is; its pending requests reject with `code`
 */

/** @type {FailureHandler} */
let onFailure = () => {};

/**
 * A module worker running worker.js, with its own requests.
 * @returns {Client}
 */
function createClient() {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  /** @type {Map<number, { resolve: (value: any) => void, reject: (err: CodedError) => void, onProgress: OnProgress }>} */
  const pending = new Map();
  let nextRequestId = 1;
  /** @type {CodedError | null} the error every later request gets, once the worker is gone */
  let closed = null;
  /** @type {FailureHandler} */
  let failed = (err) => onFailure(err);

  /** @param {CodedError} err */
  const rejectAll = (err) => {
    for (const req of pending.values()) req.reject(err);
    pending.clear();
  };
  /** @param {string} message */
  const fail = (message) => {
    if (closed) return;
    closed = /** @type {CodedError} */ (codedError("WORKER_FAILED", message));
    rejectAll(closed);
    failed(closed);
  };

  worker.addEventListener("message", (event) => {
    /** @type {WorkerMessage} */
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
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    fail(
      `The analytics worker stopped: ${event.message || "it could not be started"}. ` +
        "If www/pkg is missing, run `bash scripts/build.sh`.",
    );
  });
  worker.addEventListener("messageerror", () => fail("A message from the analytics worker could not be read."));

  return {
    call(type, params = /** @type {any} */ ({}), onProgress = null, transfer = []) {
      if (closed) return Promise.reject(closed);
      const id = nextRequestId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        worker.postMessage({ id, type, params }, transfer);
      });
    },
    onFailure(handler) {
      failed = handler;
    },
    terminate(code = "WORKER_TERMINATED", message = "The analytics worker was stopped.") {
      if (closed) return;
      worker.terminate();
      closed = /** @type {CodedError} */ (codedError(code, message));
      rejectAll(closed);
    },
  };
}

let current = createClient();

/**
 * Sends a request to the worker holding the data shown.
 * @template {RequestType} T
 * @param {T} type
 * @param {Params<T>} [params]
 * @param {OnProgress} [onProgress]
 * @param {Transferable[]} [transfer]  what in `params` moves to the worker
 * @returns {Promise<Result<T>>}
 */
export function call(type, params, onProgress = null, transfer = []) {
  return current.call(type, params, onProgress, transfer);
}

/**
 * What to do when the worker holding the data shown fails (every pending request is rejected too).
 * @param {FailureHandler} handler
 */
export function onWorkerFailure(handler) {
  onFailure = handler;
}

/**
 * A second worker, for work that may be cancelled by terminating it (loading files).
 * @returns {Client}
 */
export function spareWorker() {
  const client = createClient();
  client.onFailure(() => {}); // its requests reject; the page's data is not affected
  return client;
}

/**
 * Makes `client` (from spareWorker) the worker holding the data shown; the old one is terminated.
 * @param {Client} client
 */
export function adopt(client) {
  const old = current;
  current = client;
  client.onFailure((err) => onFailure(err));
  old.terminate("WORKER_REPLACED", "The data was replaced by a new load.");
}
