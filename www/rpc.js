// The page's side of the worker protocol (see worker.js): module workers,
// requests matched to their answers by id, progress passed to a callback.
//
// One worker holds the data shown and answers `call`. Loading the user's
// files runs in a spare worker (`spareWorker`), so that the data shown stays
// usable during the load and Cancel can `terminate` the spare at any moment,
// even inside a long wasm call, without touching it; once the load
// succeeded, `adopt` makes the spare the worker that answers `call` and
// terminates the old one.

let onFailure = () => {};

function coded(code, message) {
  return Object.assign(new Error(message), { code });
}

/** A module worker running worker.js, with its own requests. */
function createClient() {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  const pending = new Map();
  let nextRequestId = 1;
  let closed = null; // the error every later request gets, once the worker is gone
  let failed = (err) => onFailure(err);

  const rejectAll = (err) => {
    for (const req of pending.values()) req.reject(err);
    pending.clear();
  };
  const fail = (message) => {
    if (closed) return;
    closed = coded("WORKER_FAILED", message);
    rejectAll(closed);
    failed(closed);
  };

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
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    fail(
      `The analytics worker stopped: ${event.message || "it could not be started"}. ` +
        "If www/pkg is missing, run `bash scripts/build.sh`.",
    );
  });
  worker.addEventListener("messageerror", () => fail("A message from the analytics worker could not be read."));

  return {
    /** Sends a request; resolves with its value or rejects with its coded error. */
    call(type, params = {}, onProgress = null) {
      if (closed) return Promise.reject(closed);
      const id = nextRequestId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        worker.postMessage({ id, type, params });
      });
    },
    /** What to do when this worker fails by itself (its pending requests are rejected too). */
    onFailure(handler) {
      failed = handler;
    },
    /** Stops the worker at once, wherever it is; its pending requests reject with `code`. */
    terminate(code = "WORKER_TERMINATED", message = "The analytics worker was stopped.") {
      if (closed) return;
      worker.terminate();
      closed = coded(code, message);
      rejectAll(closed);
    },
  };
}

let current = createClient();

/** Sends a request to the worker holding the data shown. */
export function call(type, params = {}, onProgress = null) {
  return current.call(type, params, onProgress);
}

/** What to do when the worker holding the data shown fails (every pending request is rejected too). */
export function onWorkerFailure(handler) {
  onFailure = handler;
}

/** A second worker, for work that may be cancelled by terminating it (loading files). */
export function spareWorker() {
  const client = createClient();
  client.onFailure(() => {}); // its requests reject; the page's data is not affected
  return client;
}

/** Makes `client` (from spareWorker) the worker holding the data shown; the old one is terminated. */
export function adopt(client) {
  const old = current;
  current = client;
  client.onFailure((err) => onFailure(err));
  old.terminate("WORKER_REPLACED", "The data was replaced by a new load.");
}
