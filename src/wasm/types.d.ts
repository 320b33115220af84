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
  colleagues: KnownColleague[];
  /** Provenance: the interactions the result was computed from. */
  interactionsUsed: number;
  /** Provenance: the consent that allowed this result (flags, or a token's jti). */
  consentBasis: ConsentBasis;
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
}

export interface AggregatesOptions {
  groupBy: "department" | "account";
  period: "week" | "month";
  /** Differential-privacy noise (README: Differential privacy); each new answer spends `epsilon`. */
  noise?: NoiseOptions;
  /**
   * The window whose whole periods are shown (default 90 days up to `now`). A table may have at most
   * 250,000 cells (groups, and pairs of departments, × the weeks and months it spans and the parts
   * where they overlap); a larger one is refused with INVALID_OPTIONS naming `days` (or `groupBy`).
   */
  days?: number;
}

export interface NoiseOptions {
  /** 0.001 to 100, in thousandths. */
  epsilon: number;
  /** Records (e-mails sent, meetings organized) of one person counted per period: default 20 a week, 80 a month; 1 to 1000. */
  recordsPerPeriod?: number;
  /** Groups one record counts for: default 2; 1 to 5. */
  groupsPerRecord?: number;
  /** Minutes one meeting adds: default 60; 1 to 480. */
  minutesPerMeeting?: number;
}

export interface NoiseReport {
  epsilon: number;
  /** Whose data one epsilon protects: "one person's records in one period". */
  unit: string;
  caps: { recordsPerPeriod: number; groupsPerRecord: number; minutesPerMeeting: number };
  /** True when this answer repeats an earlier one, at no cost. */
  fromCache: boolean;
  /** True when the noise came from the `noiseSeed` option (tests only): reproducible, so it protects nothing. */
  seeded: boolean;
  /**
   * Per figure, the scale b of its noise: P(x) ∝ exp(−|x|/b), standard deviation about 1.41·b.
   * `people` is the noisy count of a cell's people who sent or organized something, which decides
   * whether the cell is shown (at least `minGroupSize`; in the matrix, on each side).
   */
  scales: Record<string, number>;
}

export interface DepartmentMetrics {
  emailsSent: number;
  /** E-mails with at least one recipient in the department, each once. */
  emailsReceived: number;
  /** Meetings with at least one member, each once. */
  meetings: number;
  meetingMinutes: number;
  /** Share of the e-mails sent outside working hours; null when none were sent. */
  afterHoursShare: number | null;
  /** Null with noise: distinct people have no bounded sensitivity. */
  externalContacts: number | null;
}

export interface AccountMetrics {
  /** E-mails from an internal person to the account's contacts. */
  emailsTo: number;
  /** E-mails from the account's contacts. */
  emailsFrom: number;
  /** Meetings with internal people and the account's contacts, each once. */
  meetings: number;
  /** Null with noise, as are the days since, and the reply time. */
  internalPeople: number | null;
  accountPeople: number | null;
  /** Whole days from the period's last e-mail (meeting) to the period's end. */
  daysSinceLastEmail: number | null;
  daysSinceLastMeeting: number | null;
  averageMeetingMinutes: number | null;
  /** Mean delay of our replies in the period to the account's e-mails of the period. */
  averageReplyMinutes: number | null;
  /** 0–100 against the most active account shown for the same period. */
  engagementScore: number | null;
}

export interface AggregateRow {
  group: string;
  /** "2026-08-03" (the Monday a week starts) or "2026-08" (a month). */
  period: string;
  /**
   * Without noise: fewer than `minGroupSize` people were active in the cell, or some (but fewer) in the
   * days it shares with another week or month. With noise: decided on a noisy count of its people.
   */
  suppressed: boolean;
  /** Why the cell is suppressed (one text for every cause); null when it is shown. */
  reason: string | null;
  /** DepartmentMetrics when grouped by department, AccountMetrics by account. */
  metrics: DepartmentMetrics | AccountMetrics | null;
}

export interface MatrixCell {
  from: string;
  to: string;
  period: string;
  suppressed: boolean;
  reason: string | null;
  /** E-mails and meetings linking a member of each side in the period. */
  interactions: number | null;
}

export interface AggregateTable {
  scope: "aggregated";
  groupBy: "department" | "account";
  period: "week" | "month";
  minGroupSize: number;
  /** The span of the whole periods shown, [start, end). */
  window: TimeWindow;
  groups: string[];
  /** Display names of `groups`, same order: an account's `accountName`, else null (departments, unnamed accounts). */
  groupNames: (string | null)[];
  periods: string[];
  /** Every group × every period, suppressed cells included. */
  rows: AggregateRow[];
  /** Every unordered pair of departments (a department with itself included) × every period; empty by account. */
  matrix: MatrixCell[];
  /** With noise: what the engine has spent so far, and what it has left. */
  epsilonSpent: number | null;
  epsilonRemaining: number | null;
  /** With noise: its epsilon, caps and scales; null without. */
  noise: NoiseReport | null;
  /**
   * Provenance: the consent that allowed this result (flags, or a token's jti). A table carries no
   * count of the interactions it used: a total minus the shown cells would give the suppressed ones.
   */
  consentBasis: ConsentBasis;
}

export interface EngineStats {
  interactions: number;
  storeBytes: number;
  /** Every contact's relationship rows, built by the first list view; 0 until then, and again after any change of data or consent. */
  indexBytes: number;
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
  /** The reference time the data was made for (its latest e-mail): give it as the engine's `now`. */
  now: string;
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
