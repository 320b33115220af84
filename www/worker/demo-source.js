// The demo dataset as the analytics worker reads it: made in a worker of its
// own (generator.js) a chunk at a time, so that loading a chunk overlaps
// making the next, on the other core. Before, the analytics worker made all
// of it (0.26 s at 200,000 interactions on a 2-core machine) and only then
// loaded it (0.42 s), holding the 37.6 MB text and a copy of it; the chunks
// are loaded as they come and then dropped. The page starts one ahead
// (demo-generator.js) and hands over its port with the first load; later
// loads start their own, inside this worker, the same way.

import { codedError } from "../errors.js";
import { startGenerator } from "../demo-generator.js";
import { addReport, emptyReport } from "./reports.js";

/**
 * @typedef {import("../pkg/rapport.js").Engine} Engine
 * @typedef {import("../pkg/rapport.js").LoadReport} LoadReport
 * @typedef {{ people: string, viewer: string, internalDomains: string[], now: string }} DemoHeader
 * @typedef {{ type: "header" } & DemoHeader | { type: "chunk", bytes: Uint8Array } | { type: "end" } | { type: "error", error: import("../protocol.js").WireError }} GeneratorMessage
 */

/** Text a chunk holds at least: 4 MiB chunks loaded 200,000 interactions faster than one call or 1 MiB chunks. */
const CHUNK_BYTES = 4 << 20;
/**
 * The first is small, and each next one twice the last up to CHUNK_BYTES
 * (generator.js): loading starts sooner, and the engine's loader, whose
 * first calls run in the browser's baseline code, reaches its optimized
 * code after a few small calls rather than one large one.
 */
const FIRST_CHUNK_BYTES = 256 << 10;

/**
 * A demo source: `header` (people, viewer, internal domains, reference time)
 * once the world is made, then `load` adds the interactions to an engine as
 * they are made. `close` stops the generator (done by `load` when it ends).
 * `port`: a generator's, started by the page; else one is started here.
 * @param {{ seed: number, interactions: number }} options
 * @param {MessagePort | null} [port]
 */
export function demoSource({ seed, interactions }, port = null) {
  const started = port ? null : startGenerator({ seed, interactions });
  const channel = port ?? started?.port;
  if (!channel) {
    throw codedError("UNSUPPORTED", "This browser cannot start the demo's generator (a worker inside a worker).");
  }
  /** @type {GeneratorMessage[]} */
  const arrived = [];
  /** @type {(() => void) | null} */
  let wake = null;
  /** @param {GeneratorMessage} msg */
  const receive = (msg) => {
    arrived.push(msg);
    wake?.();
  };
  channel.addEventListener("message", (event) => receive(event.data));
  channel.start();
  channel.postMessage({ seed, interactions, chunkBytes: CHUNK_BYTES, firstChunkBytes: FIRST_CHUNK_BYTES });

  /** @returns {Promise<GeneratorMessage>} the next message, in order */
  const next = async () => {
    while (arrived.length === 0) await new Promise((resolve) => (wake = () => resolve(undefined)));
    wake = null;
    const msg = /** @type {GeneratorMessage} */ (arrived.shift());
    if (msg.type === "error") {
      close();
      throw Object.assign(new Error(msg.error.message), msg.error);
    }
    return msg;
  };

  // The page stops a generator it started, once the load has answered.
  const close = () => {
    channel.close();
    started?.stop();
  };
  /** @type {Promise<DemoHeader>} */
  const header = next().then((msg) => {
    if (msg.type !== "header") throw codedError("INTERNAL", `the demo's generator sent "${msg.type}" first`);
    const { people, viewer, internalDomains, now } = msg;
    return { people, viewer, internalDomains, now };
  });
  header.catch(close);

  /**
   * Loads every chunk into `engine` as it arrives (after `header`); the
   * engine's reports summed. `onChunk` hears the running total.
   * @param {Engine} engine
   * @param {(sum: LoadReport) => void} [onChunk]
   * @returns {Promise<LoadReport>}
   */
  async function load(engine, onChunk = () => {}) {
    await header;
    const sum = emptyReport();
    try {
      for (let msg = await next(); msg.type !== "end"; msg = await next()) {
        if (msg.type !== "chunk") throw codedError("INTERNAL", `the demo's generator sent "${msg.type}" among the chunks`);
        addReport(sum, engine.loadInteractions(msg.bytes, { format: "ndjson" }));
        onChunk(sum);
      }
    } finally {
      close();
    }
    return sum;
  }

  return { header, load, close };
}
