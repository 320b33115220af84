// A plain JavaScript implementation of the figures `npm run bench` times in
// rapport, written for the bench (no library, no wasm): what a page would do
// without rapport. It follows the README's rules where they are cheap to
// follow: ids trimmed and lower-cased, aliases folded, people seen only in
// interactions internal by domain; cancelled meetings, opted-out senders and
// records left with nobody dropped, opted-out people removed; summaries over
// the 90 days before `now` (e-mails sent and received, meetings, calls and
// their minutes, last and next interaction, our response rate and median
// response minutes); tie strength `(1 − 2^(−activity/4)) × (0.6 + 0.4 ×
// reciprocity)` with decayed activity; introduction paths of at most 3 ties
// scored with a hop penalty of 0.5; department × week tables over the weeks
// the 90 days overlap. It leaves out what rapport adds on top (health bands,
// the weekly series, suppression of small groups, the collaboration matrix,
// drafted introductions), so it does less work than rapport, not more.

const DAY = 86_400_000;
const WINDOW = 90 * DAY;
const EMAIL = 0;
const MEETING = 1;
const CALL = 2;
const KINDS = { email: EMAIL, meeting: MEETING, call: CALL };
/** Meetings of more people than this tie attendees to the organizer only. */
const SMALL_MEETING = 15;

const norm = (id) => (id.includes("@") ? id.trim().toLowerCase() : id.trim());
const list = (v) => (v == null ? [] : Array.isArray(v) ? v : [v]);

/** People, interned: one number a person, their attributes in arrays. */
class People {
  constructor(internalDomains) {
    this.domains = internalDomains.map((d) => d.toLowerCase());
    this.index = new Map();
    this.ids = [];
    this.internal = [];
    this.department = [];
    this.account = [];
    this.optedOut = [];
  }
  isInternalDomain(id) {
    const domain = id.slice(id.lastIndexOf("@") + 1);
    return this.domains.some((d) => domain === d || domain.endsWith(`.${d}`));
  }
  /** The person of an id, added (internal by domain) when not seen yet. */
  key(raw) {
    const id = norm(raw);
    let k = this.index.get(id);
    if (k === undefined) {
      k = this.ids.length;
      this.index.set(id, k);
      this.ids.push(id);
      const internal = this.isInternalDomain(id);
      this.internal.push(internal);
      this.department.push(null);
      this.account.push(internal ? null : id.slice(id.lastIndexOf("@") + 1));
      this.optedOut.push(false);
    }
    return k;
  }
  /** Loads a directory (JSON text of SPEC 2.1 people). */
  load(text) {
    for (const p of JSON.parse(text)) {
      const k = this.key(p.id);
      if (p.internal !== undefined) this.internal[k] = p.internal;
      this.department[k] = p.department ?? null;
      this.account[k] = p.accountId ?? (this.internal[k] ? null : this.account[k]);
      this.optedOut[k] = p.optedOut === true;
      for (const alias of list(p.aliases)) this.index.set(norm(alias), k);
    }
  }
}

/** Interactions in columns; `parts[i]` the participants (to ∪ cc, without repeats or the sender). */
export class Store {
  constructor({ viewer, internalDomains, now }) {
    this.people = new People(internalDomains);
    this.viewer = this.people.key(viewer);
    this.people.internal[this.viewer] = true;
    this.now = Date.parse(now);
    this.kind = [];
    this.at = [];
    this.from = [];
    this.parts = [];
    this.minutes = [];
    this.replyTo = [];
    this.byId = new Map();
  }
  loadPeople(text) {
    this.people.load(text);
  }
  /** Loads NDJSON text: split at line ends, one JSON.parse a line. */
  loadNdjson(text) {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      if (end > start) this.add(JSON.parse(text.slice(start, end)));
      start = end + 1;
    }
  }
  add(r) {
    if (r.cancelled) return;
    const { people } = this;
    const from = people.key(r.from);
    if (people.optedOut[from]) return;
    const parts = [];
    for (const id of [...list(r.to), ...list(r.cc)]) {
      const k = people.key(id);
      if (k !== from && !people.optedOut[k] && !parts.includes(k)) parts.push(k);
    }
    if (parts.length === 0) return;
    const i = this.kind.length;
    this.byId.set(r.id, i);
    this.kind.push(KINDS[r.kind]);
    this.at.push(typeof r.at === "number" ? r.at : Date.parse(r.at));
    this.from.push(from);
    this.parts.push(parts);
    this.minutes.push(r.durationMinutes ?? 0);
    this.replyTo.push(r.inReplyTo ?? null);
  }
  /** Replies resolved to record numbers once the whole load is in (-1: none held). */
  finish() {
    this.replyTo = this.replyTo.map((id) => (id === null ? -1 : (this.byId.get(id) ?? -1)));
  }
  get size() {
    return this.kind.length;
  }
}

/** Loads people and NDJSON text into a new store. */
export function load(meta, peopleText, ndjsonText) {
  const store = new Store(meta);
  store.loadPeople(peopleText);
  store.loadNdjson(ndjsonText);
  store.finish();
  return store;
}

const median = (xs) => {
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
};

/** Minutes are rounded to the hundredth, as rapport rounds them. */
const round2 = (x) => (x === null ? null : Math.round(x * 100) / 100);

function blank() {
  return { counted: 0, emailsSent: 0, emailsReceived: 0, meetings: 0, calls: 0, meetingMinutes: 0, callMinutes: 0, answered: 0, responses: [], last: -Infinity, next: Infinity };
}

function finishRow(id, f) {
  return {
    id,
    emailsSent: f.emailsSent,
    emailsReceived: f.emailsReceived,
    meetings: f.meetings,
    calls: f.calls,
    meetingMinutes: f.meetingMinutes,
    callMinutes: f.callMinutes,
    responseRate: f.emailsReceived ? Math.round((f.answered / f.emailsReceived) * 1e4) / 1e4 : null,
    medianResponseMinutes: round2(median(f.responses)),
    lastInteractionAt: Number.isFinite(f.last) ? new Date(f.last).toISOString() : null,
    nextInteractionAt: Number.isFinite(f.next) ? new Date(f.next).toISOString() : null,
  };
}

/** Summaries of every contact and every account with at least one interaction with us in the window. */
export function summaries(store) {
  const { people, now } = store;
  const from = now - WINDOW;
  // Our first reply to each e-mail.
  const firstReply = new Map();
  for (let i = 0; i < store.size; i++) {
    const p = store.replyTo[i];
    if (p < 0 || store.kind[i] !== EMAIL || !people.internal[store.from[i]] || store.at[i] > now) continue;
    const t = firstReply.get(p);
    if (t === undefined || store.at[i] < t) firstReply.set(p, store.at[i]);
  }
  const contacts = new Map();
  const accounts = new Map();
  const row = (map, key) => {
    let f = map.get(key);
    if (!f) map.set(key, (f = blank()));
    return f;
  };
  const them = [];
  const theirAccounts = new Set();
  for (let i = 0; i < store.size; i++) {
    const kind = store.kind[i];
    const at = store.at[i];
    const sender = store.from[i];
    const parts = store.parts[i];
    const usSent = people.internal[sender];
    let usIn = usSent;
    them.length = 0;
    if (!usSent) them.push(sender);
    for (const k of parts) {
      if (people.internal[k]) usIn = true;
      else if (kind !== EMAIL || usSent) them.push(k);
    }
    // E-mail: sent (ours, to them) or received (theirs, to us); meetings and calls: both sides.
    if (!usIn || them.length === 0) continue;
    theirAccounts.clear();
    for (const c of them) {
      const a = people.account[c];
      if (a !== null) theirAccounts.add(a);
    }
    const inWindow = at > from && at <= now;
    const update = (f) => {
      if (at <= now) f.last = Math.max(f.last, at);
      else f.next = Math.min(f.next, at);
      if (!inWindow) return;
      f.counted++;
      if (kind === EMAIL) {
        if (usSent) f.emailsSent++;
        else {
          f.emailsReceived++;
          const t = firstReply.get(i);
          if (t !== undefined) {
            f.answered++;
            f.responses.push((t - at) / 60_000);
          }
        }
      } else if (kind === MEETING) {
        f.meetings++;
        f.meetingMinutes += store.minutes[i];
      } else {
        f.calls++;
        f.callMinutes += store.minutes[i];
      }
    };
    for (const c of them) update(row(contacts, c));
    for (const a of theirAccounts) update(row(accounts, a));
  }
  const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    contacts: [...contacts].filter(([, f]) => f.counted > 0).map(([k, f]) => finishRow(people.ids[k], f)).sort(byId),
    accounts: [...accounts].filter(([, f]) => f.counted > 0).map(([a, f]) => finishRow(a, f)).sort(byId),
  };
}

/** Every tie between two people, from the interactions at or before `now`. */
export function ties(store) {
  const { people, now } = store;
  const n = people.ids.length;
  const slot = new Map();
  const activity = [];
  const started = []; // [by the lower key, by the higher]
  const evidence = []; // [emails, meetings, calls, last]
  const adjacency = Array.from({ length: n }, () => []);
  const tie = (a, b, kind, starter, weight, at) => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const key = lo * n + hi;
    let s = slot.get(key);
    if (s === undefined) {
      s = activity.length;
      slot.set(key, s);
      activity.push(0);
      started.push([0, 0]);
      evidence.push([0, 0, 0, -Infinity]);
      adjacency[lo].push(s, hi);
      adjacency[hi].push(s, lo);
    }
    activity[s] += weight;
    if (starter >= 0) started[s][starter === lo ? 0 : 1]++;
    const e = evidence[s];
    e[kind]++;
    if (at > e[3]) e[3] = at;
  };
  for (let i = 0; i < store.size; i++) {
    const at = store.at[i];
    if (at > now) continue;
    const kind = store.kind[i];
    const weight = (kind === EMAIL ? 1 : 2) * 2 ** (-(now - at) / (90 * DAY));
    const sender = store.from[i];
    const parts = store.parts[i];
    for (const k of parts) tie(sender, k, kind, sender, weight, at);
    if (kind === MEETING && parts.length + 1 <= SMALL_MEETING) {
      for (let x = 0; x < parts.length; x++) {
        for (let y = x + 1; y < parts.length; y++) tie(parts[x], parts[y], kind, -1, weight, at);
      }
    }
  }
  const strength = activity.map((a, s) => {
    const [x, y] = started[s];
    const reciprocity = x === 0 && y === 0 ? 1 : Math.min(x, y) / Math.max(x, y);
    return (1 - 2 ** (-a / 4)) * (0.6 + 0.4 * reciprocity);
  });
  const between = (a, b) => {
    const s = slot.get(a < b ? a * n + b : b * n + a);
    return s === undefined ? 0 : strength[s];
  };
  return { adjacency, strength, evidence, between };
}

/** The colleagues who know `contact`, strongest first (the viewer's own tie apart). */
export function whoKnowsWhom(store, graph, contact, top = 5) {
  const { people } = store;
  const c = people.index.get(norm(contact));
  if (c === undefined) return null;
  const adj = graph.adjacency[c];
  const colleagues = [];
  let viewerTie = null;
  for (let j = 0; j < adj.length; j += 2) {
    const s = adj[j];
    const k = adj[j + 1];
    if (!people.internal[k]) continue;
    const [emails, meetings, calls, last] = graph.evidence[s];
    const row = { id: people.ids[k], strength: Math.round(graph.strength[s] * 1e4) / 1e4, emails, meetings, calls, last };
    if (k === store.viewer) viewerTie = row;
    else colleagues.push(row);
  }
  colleagues.sort((a, b) => b.strength - a.strength || (a.id < b.id ? -1 : 1));
  return { contact: people.ids[c], viewerTie, colleagues: colleagues.slice(0, top), known: colleagues.length };
}

/** Chains viewer → colleagues → contact of at most 3 ties, the direct tie first, then by score. */
export function introductionPaths(store, graph, contact, top = 3, hopPenalty = 0.5) {
  const { people } = store;
  const v = store.viewer;
  const c = people.index.get(norm(contact));
  if (c === undefined) return null;
  const inside = (k) => people.internal[k] && k !== v && k !== c;
  const paths = [];
  const direct = graph.between(v, c);
  const adjC = graph.adjacency[c];
  for (let j = 0; j < adjC.length; j += 2) {
    const k2 = adjC[j + 1];
    if (!inside(k2)) continue;
    const last = graph.strength[adjC[j]];
    const first = graph.between(v, k2);
    if (first > 0) paths.push({ via: [k2], strength: first * last, score: first * last * hopPenalty });
    const adj2 = graph.adjacency[k2];
    for (let i = 0; i < adj2.length; i += 2) {
      const k1 = adj2[i + 1];
      if (!inside(k1) || k1 === k2) continue;
      const s1 = graph.between(v, k1);
      if (s1 === 0) continue;
      const strength = s1 * graph.strength[adj2[i]] * last;
      paths.push({ via: [k1, k2], strength, score: strength * hopPenalty * hopPenalty });
    }
  }
  paths.sort((a, b) => b.score - a.score);
  const chosen = paths.slice(0, direct > 0 ? top - 1 : top).map((p) => ({
    steps: [v, ...p.via, c].map((k) => people.ids[k]),
    strength: Math.round(p.strength * 1e4) / 1e4,
    score: Math.round(p.score * 1e4) / 1e4,
  }));
  const d = Math.round(direct * 1e4) / 1e4;
  if (direct > 0) chosen.unshift({ steps: [people.ids[v], people.ids[c]], strength: d, score: d, direct: true });
  return chosen;
}

const isoWeekStart = (ms) => {
  const day = Math.floor(ms / DAY);
  const weekday = (day + 3) % 7; // 1970-01-01 was a Thursday: Monday is 0
  return (day - weekday) * DAY;
};

/** Is `ms` outside Monday–Friday 08:00–18:00 UTC? */
const afterHours = (ms) => {
  const day = Math.floor(ms / DAY);
  const weekday = (day + 3) % 7;
  const hour = (ms - day * DAY) / 3_600_000;
  return weekday >= 5 || hour < 8 || hour >= 18;
};

/** Department × week: every whole week the 90 days before `now` overlap. */
export function departmentWeeks(store) {
  const { people, now } = store;
  const first = isoWeekStart(now - WINDOW + 1);
  const end = isoWeekStart(now) + 7 * DAY;
  const cells = new Map();
  const cell = (dept, week) => {
    const key = `${dept}\u0000${week}`;
    let f = cells.get(key);
    if (!f) {
      f = { department: dept, week: new Date(week).toISOString().slice(0, 10), emailsSent: 0, emailsReceived: 0, meetings: 0, meetingMinutes: 0, afterHours: 0, contacts: new Set() };
      cells.set(key, f);
    }
    return f;
  };
  const member = (k) => (people.internal[k] ? people.department[k] : null);
  const depts = new Set();
  for (let i = 0; i < store.size; i++) {
    const at = store.at[i];
    if (at < first || at >= end) continue;
    const kind = store.kind[i];
    if (kind === CALL) continue;
    const week = isoWeekStart(at);
    const sender = store.from[i];
    const parts = store.parts[i];
    const externals = [];
    if (!people.internal[sender]) externals.push(sender);
    for (const k of parts) if (!people.internal[k]) externals.push(k);
    if (kind === EMAIL) {
      const sent = member(sender);
      if (sent !== null) {
        const f = cell(sent, week);
        f.emailsSent++;
        if (afterHours(at)) f.afterHours++;
        for (const x of externals) f.contacts.add(x);
      }
      depts.clear();
      for (const k of parts) {
        const d = member(k);
        if (d !== null) depts.add(d);
      }
      for (const d of depts) {
        const f = cell(d, week);
        f.emailsReceived++;
        for (const x of externals) f.contacts.add(x);
      }
    } else {
      depts.clear();
      for (const k of [sender, ...parts]) {
        const d = member(k);
        if (d !== null) depts.add(d);
      }
      for (const d of depts) {
        const f = cell(d, week);
        f.meetings++;
        f.meetingMinutes += store.minutes[i];
        for (const x of externals) f.contacts.add(x);
      }
    }
  }
  return [...cells.values()]
    .map(({ contacts, afterHours: late, ...f }) => ({ ...f, afterHoursShare: f.emailsSent ? late / f.emailsSent : null, externalContacts: contacts.size }))
    .sort((a, b) => (a.department < b.department ? -1 : a.department > b.department ? 1 : a.week < b.week ? -1 : 1));
}
