// Starts the demo's generator (worker/generator.js) and hands it a
// MessagePort: the one way a generator is started. The page starts it on a
// new profile, beside the analytics worker rather than inside it: a worker
// started by a worker waits on its parent, which is busy compiling its own
// .wasm, so the nested generator was ready 150 ms after the analytics worker
// asked for it (on a new profile, the critical path to the first card).
// Started by the page, its module compiles and the demo's world is made
// while the analytics worker starts, and the analytics worker gets its port
// with the load request. For a later load the analytics worker starts one
// itself the same way (worker/demo-source.js).
//
// The port reaches the generator only once the generator runs: if its
// script cannot be started, the starter still holds the port and sends the
// error through it, instead of leaving the reader waiting.

/**
 * Starts the generator for the demo of `seed` and `interactions` (it makes
 * the world ahead, so that the header is ready when asked). `port` goes to
 * whoever reads the demo (the analytics worker, with the load request when
 * the page started it); `stop` ends the generator once the load is done
 * (it is then finished with, or never used).
 * @param {{ seed: number, interactions: number }} demo
 * @returns {{ port: MessagePort | null, stop: () => void }}
 */
export function startGenerator(demo) {
  if (typeof Worker !== "function" || typeof MessageChannel !== "function") return { port: null, stop: () => {} };
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL("./worker/generator.js", import.meta.url), { type: "module" });
  let handed = false;
  worker.addEventListener("message", (event) => {
    if (event.data?.type !== "alive" || handed) return;
    handed = true;
    worker.postMessage({ type: "port", port: port2 }, [port2]);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    worker.terminate();
    if (handed) return; // past this point the generator reports its own errors on the port
    handed = true;
    const message = `The demo's generator stopped: ${event.message || "it could not be started"}.`;
    port2.postMessage({ type: "error", error: { name: "Error", code: "WORKER_FAILED", message } });
    port2.close();
  });
  worker.postMessage({ type: "hello", ...demo });
  return { port: port1, stop: () => worker.terminate() };
}
