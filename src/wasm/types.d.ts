/** A consent scope (SPEC 4.1). */
export type ScopeName = "own" | "aggregated" | "identifiable";

/**
 * Whose interactions a relationship reads (the `scope` option of the
 * relationship methods): the viewer's own (needs no consent), or the whole
 * team's (needs the `identifiable` consent scope).
 */
export type DataScope = "own" | "team";

export interface ConsentFlags {
  aggregated?: boolean;
  identifiable?: boolean;
}

/** The second argument of `setConsent`. */
export interface SetConsentOptions {
  /** The current time in epoch milliseconds, that a token is checked at; default `Date.now()`. */
  at?: number;
}

/** Where the consent in force comes from, for the provenance of results. */
export type ConsentBasis =
  | { kind: "flags"; aggregated: boolean; identifiable: boolean }
  /** A verified token (SPEC 4.5): its `jti`, and when it stops granting (RFC 3339). */
  | { kind: "token"; jti: string; expiresAt: string }
  /** An engine with a consentKey and no token in force: only "own". */
  | { kind: "none" };

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
  /** Consent by flags (demos). Not with `consentKey`, where any flag set to true is refused. */
  consent?: ConsentFlags;
  internalDomains?: string[];
  /** Default 5, lowest 5. */
  minGroupSize?: number;
  /**
   * The reference time, RFC 3339 or epoch ms: windows end at it, and the last and next
   * interactions are before and after it. Default: the host's clock (`Date.now()`) when the
   * engine is made or reopened (`fromSnapshot`), never a time taken from the data. Pass
   * the `now` of `demoDataset` with its data, and a fixed time for reproducible figures.
   */
  now?: string | number;
  workingHours?: WorkingHours;
  /** Inputs larger than this many bytes are refused before parsing (default 512 MiB). */
  maxInputBytes?: number;
  /** The epsilon all noisy aggregates of this engine may spend together (default 10, at most 100). */
  epsilonBudget?: number;
  /** Refuse aggregates asked for without noise (INVALID_OPTIONS). */
  requireNoise?: boolean;
  /** A fixed seed for the noise: reproducible figures, for tests only, never for released figures; seeded tables say `noise.seeded`. Refused with `consentKey` or `requireNoise`. */
  noiseSeed?: number;
  /**
   * Signed consent (SPEC 4.5): the 32-byte Ed25519 public key that signs consent tokens,
   * base64url without padding (`node scripts/sign-consent.mjs keygen` prints one).
   * With it, consent is granted only by `setConsent(token)`; flags can only withdraw.
   */
  consentKey?: string;
  /** The tenant (`tid`) consent tokens must name; required with `consentKey`. */
  tenant?: string;
}

/** A directory entry (SPEC 2.1). */
export interface Person {
  id: string;
  name?: string;
  internal?: boolean;
  department?: string;
  accountId?: string;
  /**
   * The display name of the person's account (company), shown where results
   * name an account; its id stays `accountId`. The first entry, by id, of an
   * account's people that gives one names the account.
   */
  accountName?: string;
  optedOut?: boolean;
  aliases?: string[];
  /**
   * What the entry stands for; default "person". A distribution list or
   * Microsoft 365 group, a shared mailbox or a room still carries
   * interactions but never counts as a person: not toward group sizes, not
   * as a colleague, contact or step of an introduction path.
   */
  kind?: "person" | "group" | "shared" | "resource";
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
  /** An interaction id, or an RFC 5322 Message-ID (the interaction with that id when one is stored, else the e-mail with that Message-ID). */
  inReplyTo?: string;
  /** A cancelled meeting: never counted; a held version of it is removed. */
  cancelled?: boolean;
  /** RFC 5322 Message-ID (`<local@domain>`; brackets optional, domain compared without case, local part exactly): copies with the same id, sender and `at` are one e-mail. */
  messageId?: string;
  /** Orders the versions of one id (RFC 3339 or epoch ms): an older version than the held one changes nothing; without it the later load wins. */
  modifiedAt?: string | number;
}

/** Deletes the held interaction `id` (a `modifiedAt` older than the held version's leaves it). */
export interface InteractionDeletion {
  id: string;
  deleted: true;
  modifiedAt?: string | number;
}

export interface LoadOptions {
  /**
   * Default: a JSON array when the text starts with "["; for
   * `loadInteractions`, a Microsoft Graph page when the text is one object
   * with a `value` array; NDJSON otherwise. `"graph"`: what Graph returns
   * for `/messages`, `/events` or `/calendarView`, a page object or its
   * `value` array (messages and events, told apart item by item; error
   * indexes are positions in `value`). Event times are converted from their
   * Windows or IANA `timeZone` with each zone's current daylight-saving rule.
   */
  format?: "json" | "ndjson" | "graph";
  /** Skip bad records and count them instead of refusing the batch. */
  lenient?: boolean;
  /**
   * `loadInteractions` only: the mailbox the batch was read from, which must
   * be the viewer's own address or one of its aliases (anything else throws
   * `INVALID_OPTIONS` with `option: "mailbox"`). Every item in it involves its
   * owner: one that names the viewer nowhere (mail through a distribution
   * list, Bcc) counts the viewer as a participant; an event the viewer
   * declined does not.
   */
  mailbox?: string;
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
  /** Graph drafts (`isDraft`, or a null `sentDateTime`), not loaded. */
  skippedDrafts: number;
  /** Graph items with nobody but their sender or organizer, not loaded. */
  skippedSolo: number;
  rejected: number;
  errors: RecordError[];
  rejectedByReason: Record<string, number>;
  /** Valid interaction records read, per kind, whatever became of them (stored, duplicate, cancelled, dropped, skipped). */
  emails: number;
  meetings: number;
  calls: number;
  /** E-mails that were another copy (same `messageId` / `internetMessageId`, sender and sent time) of one already stored or earlier in the batch: merged, counted once. */
  sameMessage: number;
  /** Records that replaced the held version of their id (a later `modifiedAt` / `lastModifiedDateTime`, or a later load); identical copies and older versions count in `duplicates`. */
  updated: number;
  /** Deletions (`deleted: true`, Graph `@removed`, `removeInteractions`) that removed a held interaction. */
  deleted: number;
  /** Deletions of ids not held (never loaded, already removed, or not kept): counted, not an error, not remembered. */
  notFound: number;
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
  /** The engine's reference time (RFC 3339): the window ends at it. */
  now: string;
  window: TimeWindow;
  kpis: Kpis;
  lastInteractionAt: string | null;
  nextInteractionAt: string | null;
  weekly: WeekFigures[];
  topContacted: Counterpart[];
  topContactedBy: Counterpart[];
  /** Provenance: the interactions the figures were computed from. */
  interactionsUsed: number;
  /** Provenance: the consent that allowed this result (flags, or a token's jti). */
  consentBasis: ConsentBasis;
  /** The latest interaction read (RFC 3339), at or before `now`; null when none (README: "Data freshness"). */
  dataAsOf: string | null;
}

export type Target = { contact: string } | { account: string };

/** Health-score settings (README: "Health score"); every field optional. */
export interface HealthOptions {
  weights?: { frequency?: number; recency?: number; reciprocity?: number; responsiveness?: number; breadth?: number };
  /** Lowest scores of the bands: default good 60, fair 40. */
  bands?: { good?: number; fair?: number };
  /** Interactions a month for full frequency marks; unset: a percentile among scored relationships (README). */
  expectedPerMonth?: number;
  /** Days after which the recency factor halves (default 14). */
  recencyHalfLifeDays?: number;
  /** Fewer counted interactions in the window: "insufficient-data" (default 3). */
  minInteractions?: number;
  /** How many days back the trend compares (default 30). */
  trendDays?: number;
}

export interface RelationshipOptions {
  /** "own": only the viewer's interactions; "team": everyone's, needs identifiable. */
  scope?: DataScope;
  days?: number;
  health?: HealthOptions;
}

export interface SummariesOptions extends RelationshipOptions {
  level: "contact" | "account";
}

export interface TargetInfo {
  kind: "contact" | "account";
  id: string;
  name: string | null;
  /** The contact's account; null for an account. */
  account: string | null;
  /** The display name of `account` (the directory's `accountName`); null for an account, whose `name` is it. */
  accountName: string | null;
  /** The account's contacts; empty for a contact. */
  contacts: string[];
}

export interface Colleague {
  id: string;
  name: string | null;
  /** Interactions in the window the colleague started with the other side. */
  initiated: number;
  /** Interactions in the window the other side started with the colleague. */
  received: number;
  /** Interactions in the window the colleague took part in. */
  interactions: number;
}

export interface HealthFactor {
  factor: "frequency" | "recency" | "reciprocity" | "responsiveness" | "breadth";
  /** 0–1, or null when the factor does not apply (its weight is then shared by the others). */
  value: number | null;
  weight: number;
  /** Points of the score this factor contributes. */
  points: number;
  /** The points it would contribute at full marks (0 when it does not apply). */
  maxPoints: number;
  explanation: string;
}

export interface Health {
  state: "scored" | "insufficient-data";
  score: number | null;
  band: "good" | "fair" | "poor" | null;
  /** "new" (previousScore and change null) when there was no score trendDays earlier. */
  trend: { direction: "improving" | "steady" | "declining" | "new"; previousScore: number | null; change: number | null } | null;
  factors: HealthFactor[];
  /** One sentence for people. */
  summary: string;
}

/** The health score at the end of one week of the window (the last: at the window's end). */
export interface HealthPoint {
  /** The Monday (UTC) the week starts on, as in `weekly`; score null when too little data then. */
  week: string;
  score: number | null;
}

/** At most one suggestion per relationship, from the first rule that applies (README: "Next step"). */
export interface NextStep {
  rule: "unanswered" | "quiet" | "no-meeting" | "declining" | "single-threaded";
  text: string;
  /** The colleague the text names (scope "own": only the viewer), or null. */
  colleague: string | null;
}

export interface Relationship {
  scope: "own" | "identifiable";
  target: TargetInfo;
  /** The engine's reference time (RFC 3339): the window ends at it. */
  now: string;
  window: TimeWindow;
  kpis: Kpis;
  lastInteractionAt: string | null;
  nextInteractionAt: string | null;
  weekly: WeekFigures[];
  topColleagues: Colleague[];
  mostContacting: Colleague[];
  mostContacted: Colleague[];
  health: Health;
  /** Provenance: the interactions the figures were computed from. */
  interactionsUsed: number;
  /** Provenance: the consent that allowed this result (flags, or a token's jti). */
  consentBasis: ConsentBasis;
  /** The latest interaction read (RFC 3339), at or before `now`; null when none (README: "Data freshness"). */
  dataAsOf: string | null;
  /** Weekly health over the window, oldest first; its last score is `health.score`. */
  healthHistory: HealthPoint[];
  nextStep: NextStep | null;
}

export interface RelationshipSummary {
  id: string;
  /** For an account: its `accountName` from the directory, else its id. */
  name: string | null;
  account: string | null;
  /** The display name of `account` (the directory's `accountName`). */
  accountName: string | null;
  kpis: Kpis;
  health: Health;
  lastInteractionAt: string | null;
  nextInteractionAt: string | null;
  /** Provenance: the interactions the figures were computed from. */
  interactionsUsed: number;
  /** Provenance: the consent that allowed this result (flags, or a token's jti). */
  consentBasis: ConsentBasis;
  /** The reference time (RFC 3339) the result was computed at. */
  now: string;
  /** The latest interaction read (RFC 3339), at or before `now`; null when none (README: "Data freshness"). */
  dataAsOf: string | null;
  /** (Lists leave out the weekly health history.) */
  nextStep: NextStep | null;
}

export interface Evidence {
  emails: number;
  meetings: number;
  calls: number;
  lastInteractionAt: string | null;
}

export interface KnownColleague {
  id: string;
  name: string | null;
  department: string | null;
  /** Connection strength 0–1. */
  strength: number;
  evidence: Evidence;
}

export interface WhoKnowsWhom {
  scope: "identifiable";
  target: TargetInfo;
  /** The reference time the strengths are computed at. */
  asOf: string;
  /** Colleagues only: never the viewer, whose own tie is `viewerTie`. */
  colleagues: KnownColleague[];
  /** Provenance: the interactions the result was computed from. */
  interactionsUsed: number;
  /** Provenance: the consent that allowed this result (flags, or a token's jti). */
  consentBasis: ConsentBasis;
  /** The reference time (RFC 3339) the result was computed at. */
  now: string;
  /** The latest interaction read (RFC 3339), at or before `now`; null when none (README: "Data freshness"). */
  dataAsOf: string | null;
  /** The viewer's own tie (strength as a colleague's); null when they have none. */
  viewerTie: { strength: number; evidence: Evidence } | null;
}

export interface IntroductionPathsOptions {
  /** 1 to 20 paths (default 3; a direct tie takes one place); chains of at most `maxHops` ties, 1 to 4 (default 3). */
  top?: number;
  maxHops?: number;
  /** Chains rank by `score` = strength × hopPenalty^(hops − 1); in (0, 1], default 0.5, 1: by strength alone. */
  hopPenalty?: number;
}

export interface IntroductionStep {
  from: string;
  to: string;
  strength: number;
  evidence: Evidence;
}

export interface IntroductionPath {
  /** From the viewer to the target. */
  people: string[];
  names: (string | null)[];
  /** The product of the steps' strengths. */
  strength: number;
  hops: number;
  steps: IntroductionStep[];
  explanation: string;
  /** Provenance: the interactions the result was computed from. */
  interactionsUsed: number;
  /** Provenance: the consent that allowed this result (flags, or a token's jti). */
  consentBasis: ConsentBasis;
  /** The reference time (RFC 3339) the result was computed at. */
  now: string;
  /** The latest interaction read (RFC 3339), at or before `now`; null when none (README: "Data freshness"). */
  dataAsOf: string | null;
  /** The viewer's own tie to the contact ("you already know them"): first, whatever its strength. */
  direct: boolean;
  /** What chains rank by: `strength × hopPenalty^(hops − 1)`, to four decimals. */
  score: number;
  introduction: Introduction | null /* null on the direct tie */;
}

export interface Introduction {
  /** The colleague to ask (the first after the viewer); the viewer's tie to them; the last colleague's tie to the contact. */
  ask: string;
  askName: string | null;
  viewerTie: IntroductionStep;
  contactTie: IntroductionStep;
  /** A drafted request to `ask`, plain text naming only people on the path; the host sends it, the engine never does. */
  message: string;
}

export interface EngineStats {
  interactions: number;
  storeBytes: number;
  /** Every contact's relationship rows, built by the first list view; 0 until then, and again after any change of data or consent. */
  indexBytes: number;
}

export type ErrorCode =
  | "INVALID_INPUT"
  | "INVALID_OPTIONS"
  | "INPUT_TOO_LARGE"
  | "CONSENT_REQUIRED"
  | "UNKNOWN_TARGET"
  | "NOT_IMPLEMENTED"
  | "PRIVACY_BUDGET_EXHAUSTED"
  | "INVALID_CONSENT_TOKEN"
  | "INVALID_SNAPSHOT";

/** Every error the module throws is an `Error` with these extra properties. */
export interface RapportError extends Error {
  code: ErrorCode;
  /** INVALID_INPUT on one record: its index, field and reason; INVALID_CONSENT_TOKEN: why. */
  index?: number;
  field?: string;
  reason?: string;
  /** CONSENT_REQUIRED: the scope that is missing. */
  scope?: ScopeName;
  /** INVALID_OPTIONS: the option at fault. */
  option?: string;
}
