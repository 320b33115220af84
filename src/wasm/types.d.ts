/** A consent scope (SPEC 4.1). */
export type ScopeName = "own" | "aggregated" | "identifiable";

export interface ConsentFlags {
  aggregated?: boolean;
  identifiable?: boolean;
}

export interface WorkingHours {
  /** Hour of the day the working day starts, 0–24. */
  start: number;
  end: number;
  /** Only "UTC" so far. */
  timeZone?: string;
  /** 0 = Sunday … 6 = Saturday; default Monday to Friday. */
  days?: number[];
}

export interface EngineOptions {
  /** The signed-in user's person id. */
  viewer: string;
  consent?: ConsentFlags;
  internalDomains?: string[];
  /** Default 5, lowest 5. */
  minGroupSize?: number;
  /** Reference time, RFC 3339 or epoch ms; default: the latest e-mail. */
  now?: string | number;
  workingHours?: WorkingHours;
  /** Inputs larger than this many bytes are refused before parsing (default 512 MiB). */
  maxInputBytes?: number;
}

/** A directory entry (SPEC 2.1). */
export interface Person {
  id: string;
  name?: string;
  internal?: boolean;
  department?: string;
  accountId?: string;
  optedOut?: boolean;
  aliases?: string[];
}

/** An e-mail, meeting or call (SPEC 2.2). */
export interface Interaction {
  id: string;
  kind: "email" | "meeting" | "call";
  from: string;
  to?: string[];
  cc?: string[];
  /** RFC 3339 with an offset, or epoch milliseconds. */
  at: string | number;
  durationMinutes?: number;
  threadId?: string;
  inReplyTo?: string;
  cancelled?: boolean;
}

export interface LoadOptions {
  /** Default: a JSON array when the text starts with "[", NDJSON otherwise. */
  format?: "json" | "ndjson";
  /** Skip bad records and count them instead of refusing the batch. */
  lenient?: boolean;
}

export interface RecordError {
  index: number;
  field: string;
  reason: string;
}

export interface LoadReport {
  accepted: number;
  duplicates: number;
  droppedOptedOut: number;
  droppedNoConsent: number;
  cancelled: number;
  rejected: number;
  errors: RecordError[];
  rejectedByReason: Record<string, number>;
}

/** The window `(start, end]` a result covers. */
export interface TimeWindow {
  start: string;
  end: string;
  days: number;
}

export interface Kpis {
  emailsSent: number;
  emailsReceived: number;
  replies: number;
  repliesReceived: number;
  meetings: number;
  meetingMinutes: number;
  calls: number;
  callMinutes: number;
  timeSpentMinutes: number;
  responseRate: number | null;
  medianResponseMinutes: number | null;
  p90ResponseMinutes: number | null;
  theirResponseRate: number | null;
  theirMedianResponseMinutes: number | null;
  theirP90ResponseMinutes: number | null;
}

export interface WeekFigures {
  /** Monday (UTC) the week starts on, YYYY-MM-DD. */
  week: string;
  emailsSent: number;
  emailsReceived: number;
  meetings: number;
  meetingMinutes: number;
  calls: number;
  callMinutes: number;
}

export interface Counterpart {
  id: string;
  name: string | null;
  internal: boolean;
  interactions: number;
}

export interface OwnInsights {
  scope: "own";
  viewer: string;
  window: TimeWindow | null;
  kpis: Kpis;
  lastInteractionAt: string | null;
  nextInteractionAt: string | null;
  weekly: WeekFigures[];
  topContacted: Counterpart[];
  topContactedBy: Counterpart[];
  interactionsUsed: number;
}

export type Target = { contact: string } | { account: string };

export interface RelationshipOptions {
  scope?: "own" | "team";
  days?: number;
}

export interface EngineStats {
  interactions: number;
  storeBytes: number;
}

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
  now: string;
}

export type ErrorCode =
  | "INVALID_INPUT"
  | "INVALID_OPTIONS"
  | "INPUT_TOO_LARGE"
  | "CONSENT_REQUIRED"
  | "UNKNOWN_TARGET"
  | "NOT_IMPLEMENTED";

/** Every error the module throws is an `Error` with these extra properties. */
export interface RapportError extends Error {
  code: ErrorCode;
  /** INVALID_INPUT on one record: its index, field and reason. */
  index?: number;
  field?: string;
  reason?: string;
  /** CONSENT_REQUIRED: the scope that is missing. */
  scope?: ScopeName;
  /** INVALID_OPTIONS: the option at fault. */
  option?: string;
}
