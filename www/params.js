// The demo's settings, from the page's URL: the seed and size of the demo
// dataset, and what a real deployment would set in its own code (the
// administrator's first grant, the noise policy, the privacy budget). Read
// by boot.js, which asks for the data with them, and by app.js.

const DEFAULT_SEED = 42;
const DEFAULT_INTERACTIONS = 20000;

/** The demo's settings (each absent or malformed one: its default). */
export function readParams() {
  const params = new URLSearchParams(location.search);
  /** @type {(name: string, fallback: number) => number} */
  const integer = (name, fallback) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") return fallback;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
  };
  // The engine's privacy budget for noisy aggregates; absent or not a positive number: the engine's default.
  const budget = Number(params.get("epsilonBudget") ?? NaN);
  // What the demo administrator grants on a first load (`grant=none`,
  // `identifiable`, `aggregated`; default both), and the noise policy
  // (`requireNoise=0` turns the engine's requireNoise off; default on).
  const grant = params.get("grant") ?? "identifiable,aggregated";
  return {
    seed: integer("seed", DEFAULT_SEED),
    interactions: integer("interactions", DEFAULT_INTERACTIONS),
    epsilonBudget: Number.isFinite(budget) && budget > 0 ? budget : undefined,
    grant: { identifiable: /identifiable/.test(grant), aggregated: /aggregated/.test(grant) },
    requireNoise: params.get("requireNoise") !== "0",
  };
}
