// The demo's generator, a worker of its own started by the analytics worker
// (demo-source.js): it makes the demo dataset a chunk at a time (the demo
// module's DemoStream) and posts each chunk as it is made, so that the
// analytics worker loads one while this one makes the next, on the other
// core. Messages: "header" (people, viewer, internalDomains, now), then
// "chunk" (UTF-8 NDJSON bytes, whole lines, transferred), then "end"; or
// "error" (a WireError) at any point.

import init, { DemoStream } from "../pkg/rapport_demo.js";
import { plainError } from "../errors.js";

// Compiled while the first message is on its way.
const ready = init();
ready.catch(() => {});

self.addEventListener("message", async (event) => {
  const { seed, interactions, chunkBytes, firstChunkBytes } = event.data ?? {};
  /** @type {DemoStream | null} */
  let stream = null;
  try {
    await ready;
    stream = new DemoStream({ seed, interactions });
    const { people, viewer, internalDomains, now } = stream;
    self.postMessage({ type: "header", people, viewer, internalDomains, now });
    for (let bytes = stream.next(firstChunkBytes); bytes; bytes = stream.next(chunkBytes)) {
      self.postMessage({ type: "chunk", bytes }, { transfer: [bytes.buffer] });
    }
    self.postMessage({ type: "end" });
  } catch (err) {
    self.postMessage({ type: "error", error: plainError(err) });
  } finally {
    stream?.free();
  }
});
