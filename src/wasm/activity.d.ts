// The TypeScript of `activity(target, options)` (issue 15, point 4): the
// interactions behind a relationship's figures, newest first, paged. Kept
// apart from types.d.ts, which it extends (TargetInfo, TimeWindow, ...).

export interface ActivityOptions {
  /** "own": only the viewer's interactions; "team": everyone's, needs identifiable. */
  scope?: DataScope;
  days?: number;
  /** Items a page: default 50, 1 to 500. */
  limit?: number;
  /** A page's `next`, or an RFC 3339 time: the page starts after it. */
  before?: string;
}

export interface ActivityPerson {
  id: string;
  name: string | null;
}

export interface ActivityItem {
  /** The interaction's id as loaded. */
  id: string;
  kind: "email" | "meeting" | "call";
  at: string;
  /** From our side's view: "sent" (ours, one of them a recipient), "received" (theirs), "meeting", "call". */
  direction: "sent" | "received" | "meeting" | "call";
  startedBy: "us" | "them" | "neither";
  /** A meeting's or call's minutes; null for an e-mail. */
  durationMinutes: number | null;
  /** Our people who took part in it (sent it, addressed in `to`, attended; the sender first when ours), and theirs. */
  us: ActivityPerson[];
  them: ActivityPerson[];
  /** Answers an e-mail of the other side: counts in `replies` or `repliesReceived`. */
  reply: boolean;
  /** For an e-mail: answered by the other side within the window (what the response rates count); null otherwise. */
  answered: boolean | null;
  answeredAt: string | null;
  /** People of either side only copied (`cc`): the e-mail counts for them, but they took no part (not in breadth). */
  copied: ActivityPerson[];
}

/** `activity(target, options)`: the interactions behind a relationship's figures, newest first. */
export interface Activity {
  scope: "own" | "identifiable";
  target: TargetInfo;
  window: TimeWindow;
  /** Items in the window over all pages: the relationship's `interactionsUsed`. */
  total: number;
  items: ActivityItem[];
  /** `"<RFC 3339> <interaction id>"` of the last item: pass as `before`; null on the last page. */
  next: string | null;
  consentBasis: ConsentBasis;
  /** The reference time (RFC 3339) the result was computed at. */
  now: string;
  /** The latest interaction read (RFC 3339), at or before `now`; null when none (README: "Data freshness"). */
  dataAsOf: string | null;
}
