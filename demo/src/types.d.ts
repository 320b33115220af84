// The declarations of demoDataset's options and result (wasm-bindgen adds them to rapport_demo.d.ts).

export interface DemoOptions {
  seed?: number;
  interactions?: number;
  format?: "json" | "ndjson";
}

export interface DemoDataset {
  people: string;
  interactions: string;
  viewer: string;
  internalDomains: string[];
  /** The reference time the data was made for (its latest e-mail): give it as the engine's `now`. */
  now: string;
}


/** `DemoDataset` with the interactions as UTF-8 bytes, as `loadInteractions` reads them fastest. */
export interface DemoDatasetBytes extends Omit<DemoDataset, "interactions"> {
  interactions: Uint8Array;
}
