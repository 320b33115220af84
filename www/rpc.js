// The page's side of the worker protocol (see worker.js): one module worker,
// requests matched to their answers by id, progress passed to a callback.

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let nextRequestId = 1;
let onFailure = () => {};

/** Sends a request to the worker; resolves with its value or rejects with its coded error. */
export function call(type, params = {}, onProgress = null) {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, type, params });
  });
}

/** What to do when the worker itself fails (every pending request is rejected too). */
export function onWorkerFailure(handler) {
  onFailure = handler;
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
  onFailure(err);
}

worker.addEventListener("error", (event) => {
  event.preventDefault();
  workerFailed(
    `The analytics worker stopped: ${event.message || "it could not be started"}. ` +
      "If www/pkg is missing, run `bash scripts/build.sh`.",
  );
});
worker.addEventListener("messageerror", () => workerFailed("A message from the analytics worker could not be read."));
