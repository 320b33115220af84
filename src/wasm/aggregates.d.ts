/** The types of `aggregates` (SPEC 3.4, 4.4): its options, the noise it takes, and the table it returns. */
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
  /** The reference time (RFC 3339) the table was computed at. */
  now: string;
  /**
   * The start (RFC 3339) of the latest period in which a shown (not suppressed) row or cell has activity;
   * null when none. Never the time of a row: that could be a suppressed cell's.
   */
  dataAsOf: string | null;
}
