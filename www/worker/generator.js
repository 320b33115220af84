// The demo's generator, a worker of its own: it makes the demo dataset a
// chunk at a time (the demo module's DemoStream) and posts each chunk as it
// is made, so that the analytics worker loads one while this one makes the
// next, on the other core. Started by demo-generator.js, from the page or
// from the analytics worker: "hello", then the requests come on the
// MessagePort it hands over in "port". A request is { seed, interactions,
// chunkBytes, firstChunkBytes }; the answers: "header" (people, viewer,
// internalDomains, now), then "chunk" (UTF-8 NDJSON bytes, whole lines,
// transferred; the first of firstChunkBytes, each next one twice the last
// up to chunkBytes), then "end"; or "error" (a WireError) at any point.

import init, { DemoStream } from "../pkg/rapport_demo.js";
import { plainError } from "../errors.js";

/**
 * @typedef {{ seed: number, interactions: number }} Demo
 * @typedef {{ postMessage: (msg: unknown, options?: StructuredSerializeOptions) => void }} Channel
 */

// Compiled while the first message is on its way.
const ready = init();
ready.catch(() => {});

/** The world of the demo the page said it will ask for, made ahead (see `made`). @type {Promise<{ demo: Demo, stream: DemoStream } | null>} */
let ahead = Promise.resolve(null);

self.addEventListener("message", (event) => {
  const msg = event.data ?? {};
  if (msg.type === "hello") {
    self.postMessage({ type: "alive" });
    ahead = ready.then(() => ({ demo: msg, stream: new DemoStream({ seed: msg.seed, interactions: msg.interactions }) })).catch(() => null);
  } else if (msg.type === "port") {
    /** @type {MessagePort} */
    const port = msg.port;
    port.addEventListener("message", (e) => generate(e.data ?? {}, port));
    port.start();
  }
});

/**
 * A stream of the demo asked for: the one made ahead when it is that demo.
 * @param {Demo} demo
 */
async function made({ seed, interactions }) {
  const early = await ahead;
  ahead = Promise.resolve(null);
  if (early && early.demo.seed === seed && early.demo.interactions === interactions) return early.stream;
  early?.stream.free();
  await ready;
  return new DemoStream({ seed, interactions });
}

/**
 * Answers one request on `channel`.
 * @param {Demo & { chunkBytes: number, firstChunkBytes: number }} request
 * @param {Channel} channel
 */
async function generate({ seed, interactions, chunkBytes, firstChunkBytes }, channel) {
  /** @type {DemoStream | null} */
  let stream = null;
  try {
    stream = await made({ seed, interactions });
    const { people, viewer, internalDomains, now } = stream;
    channel.postMessage({ type: "header", people, viewer, internalDomains, now });
    let size = firstChunkBytes;
    for (let bytes = stream.next(size); bytes; bytes = stream.next(size)) {
      channel.postMessage({ type: "chunk", bytes }, { transfer: [bytes.buffer] });
      size = Math.min(size * 2, chunkBytes);
    }
    channel.postMessage({ type: "end" });
  } catch (err) {
    channel.postMessage({ type: "error", error: plainError(err) });
  } finally {
    stream?.free();
  }
}
