//! The interaction records: `Gen` draws e-mail threads, meetings and calls from
//! the `World` in one pass and writes them as JSON array or NDJSON text.

use std::rc::Rc;

use super::calendar::{
    after_weekend, is_weekend, push_padded, push_time, to_weekday, Work, DAY, END, END_DAY, HOUR, SPAN_DAYS,
    START_DAY, WEEK,
};
use super::random::{exp, Rng};
use super::world::{Trend, World};

/// Share of address occurrences written in another letter case.
const MIXED_CASE: f64 = 0.05;
/// Chance that a person with an alias is written with it.
const ALIAS_USE: f64 = 0.3;

const THREAD_LEN: [f64; 6] = [0.34, 0.26, 0.17, 0.11, 0.07, 0.05];
const MEAN_THREAD_LEN: f64 = 2.46;
const MEETING_MINUTES: [u32; 5] = [15, 30, 45, 60, 90];
const MEETING_MINUTES_W: [f64; 5] = [0.1, 0.35, 0.12, 0.33, 0.1];
/// Weights of meeting start hours 08..=17.
const MEETING_HOUR_W: [f64; 10] = [1.0, 3.0, 4.0, 4.0, 2.0, 3.0, 4.0, 4.0, 3.0, 1.0];

pub(super) struct Gen {
    /// Shared so that a record's writer can read the world while it writes.
    w: Rc<World>,
    rng: Rng,
    out: String,
    ndjson: bool,
    written: usize,
    /// Number of the next record (1-based).
    seq: u64,
    threads: u64,
    width: usize,
    side: [Vec<usize>; 2],
    to: Vec<usize>,
    cc: Vec<usize>,
    work: Work,
    /// Records still to write, of each kind: e-mails, meetings, calls.
    remaining: [usize; 3],
    first_email: bool,
    first_meeting: bool,
    /// Pieces given so far (the JSON array opens in the first).
    chunks: usize,
}

impl Gen {
    /// A generator of `n` records of the world `w`, drawn from `rng` as it
    /// stands after the world was built.
    pub(super) fn new(w: World, rng: Rng, n: usize, ndjson: bool) -> Gen {
        let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
        let n_email = ((n as u64 * 7 + 5) / 10) as usize;
        let n_meet = (((n as u64 * 2 + 5) / 10) as usize).min(n - n_email);
        Gen {
            w: Rc::new(w),
            rng,
            out: String::new(),
            ndjson,
            written: 0,
            seq: 1,
            threads: 0,
            width: digits.max(6),
            side: [Vec::with_capacity(8), Vec::with_capacity(8)],
            to: Vec::with_capacity(8),
            cc: Vec::with_capacity(8),
            work: Work::new(),
            remaining: [n_email, n_meet, n - n_email - n_meet],
            first_email: true,
            first_meeting: true,
            chunks: 0,
        }
    }

    /// The next piece of the text: whole records, at least one and at least
    /// `min_bytes` of them unless the text ends first; `None` once all of it
    /// was given. Together the pieces are the whole text.
    pub(super) fn next_chunk(&mut self, min_bytes: usize) -> Option<&str> {
        self.out.clear();
        if self.remaining == [0; 3] && (self.ndjson || self.chunks > 0) {
            return None;
        }
        if !self.ndjson && self.chunks == 0 {
            self.out.push('[');
        }
        self.chunks += 1;
        // Room for the piece, reserved once: about 205 bytes a record.
        let left = self.remaining.iter().sum::<usize>();
        self.out.reserve(min_bytes.min(left.saturating_mul(205)).min(1 << 30).saturating_add(4096));
        // At least one record a piece, whatever `min_bytes`.
        while self.draw() && self.out.len() < min_bytes {}
        if self.remaining == [0; 3] && !self.ndjson {
            self.out.push_str(if self.written == 0 { "]" } else { "\n]" });
        }
        Some(self.out.as_str())
    }

    /// The whole text at once, not copied out of the generator.
    pub(super) fn whole_text(mut self) -> String {
        self.next_chunk(usize::MAX);
        self.out
    }

    /// Writes the next e-mail thread, meeting or call; false when none is left.
    fn draw(&mut self) -> bool {
        let [rem_e, rem_m, rem_c] = self.remaining;
        if rem_e + rem_m + rem_c == 0 {
            return false;
        }
        let kind = if self.first_email && rem_e > 0 {
            0
        } else {
            self.rng.pick(&[rem_e as f64 / MEAN_THREAD_LEN, rem_m as f64, rem_c as f64])
        };
        match kind {
            0 if rem_e > 0 => {
                let len = (1 + self.rng.pick(&THREAD_LEN)).min(rem_e);
                self.email_thread(len, self.first_email);
                self.first_email = false;
                self.remaining[0] -= len;
            }
            1 if rem_m > 0 => {
                self.meeting(self.first_meeting);
                self.first_meeting = false;
                self.remaining[1] -= 1;
            }
            _ if rem_c > 0 => {
                self.call();
                self.remaining[2] -= 1;
            }
            _ => {}
        }
        true
    }

    // --- time sampling ---

    fn sample_day(&mut self, trend: Trend) -> i64 {
        let mut d = 0;
        for _ in 0..8 {
            let u = self.rng.f64();
            let u = match trend {
                Trend::Steady => u,
                Trend::Growing => u.max(self.rng.f64()),
                Trend::Declining => u.min(self.rng.f64()),
                Trend::Churned => u * 0.72,
                Trend::New => 0.55 + 0.45 * u,
            };
            d = ((u * SPAN_DAYS as f64) as i64).clamp(0, SPAN_DAYS - 1);
            if self.rng.f64() < self.w.day_accept[d as usize] {
                break;
            }
        }
        START_DAY + d
    }

    /// A time in the year, in working hours with probability `work`.
    fn sample_time(&mut self, trend: Trend, work: f64) -> i64 {
        let mut day = self.sample_day(trend);
        let sec = if self.rng.chance(work) {
            day = to_weekday(day);
            self.work.start + self.rng.below((self.work.end - self.work.start) as u64) as i64
        } else if is_weekend(day) {
            self.rng.below(DAY as u64) as i64
        } else {
            // Off hours: after work, or before it.
            let (evening, off) = (DAY - self.work.end, DAY - (self.work.end - self.work.start));
            let r = self.rng.below(off as u64) as i64;
            if r < evening {
                self.work.end + r
            } else {
                r - evening
            }
        };
        let t = day * DAY + sec;
        if t > END {
            t - WEEK
        } else {
            t
        }
    }

    /// A meeting start on a half-hour slot.
    fn meeting_slot(&mut self, day: i64) -> i64 {
        let day = to_weekday(day);
        if self.rng.chance(0.05) {
            // early or late calls with other time zones
            let h = [6, 7, 18, 19][self.rng.below(4) as usize];
            return day * DAY + h * HOUR;
        }
        let h = 8 + self.rng.pick(&MEETING_HOUR_W) as i64;
        let m = match self.rng.below(10) {
            0 => 15,
            1 => 45,
            2..=5 => 30,
            _ => 0,
        };
        day * DAY + h * HOUR + m * 60
    }

    // --- writing ---

    fn begin(&mut self, prefix: &str, kind: &str) {
        if !self.ndjson {
            self.out.push_str(if self.written == 0 { "\n" } else { ",\n" });
        }
        self.out.push_str("{\"id\":\"");
        self.out.push_str(prefix);
        push_padded(&mut self.out, self.seq, self.width);
        self.out.push_str("\",\"kind\":\"");
        self.out.push_str(kind);
        self.out.push_str("\",\"from\":");
    }

    fn end(&mut self) {
        self.out.push('}');
        if self.ndjson {
            self.out.push('\n');
        }
        self.written += 1;
        self.seq += 1;
    }

    fn addr(&mut self, p: usize, force_alias: bool) {
        let w = Rc::clone(&self.w);
        let person = &w.people[p];
        let s: &str = match &person.alias {
            Some(a) if force_alias || self.rng.chance(ALIAS_USE) => a,
            _ => &person.id,
        };
        let variant = if self.rng.chance(MIXED_CASE) { 1 + self.rng.below(3) as u8 } else { 0 };
        self.out.push('"');
        push_cased(&mut self.out, s, variant);
        self.out.push('"');
    }

    /// Writes `,"to":[...]` and, when not empty, `,"cc":[...]`.
    fn recipients(&mut self, alias_first: bool) {
        self.out.push_str(",\"to\":[");
        for i in 0..self.to.len() {
            if i > 0 {
                self.out.push(',');
            }
            let p = self.to[i];
            self.addr(p, alias_first && i == 0);
        }
        self.out.push(']');
        if !self.cc.is_empty() {
            self.out.push_str(",\"cc\":[");
            for i in 0..self.cc.len() {
                if i > 0 {
                    self.out.push(',');
                }
                let p = self.cc[i];
                self.addr(p, false);
            }
            self.out.push(']');
        }
    }

    fn push_at(&mut self, t: i64) {
        self.out.push_str(",\"at\":\"");
        push_time(&mut self.out, t);
        self.out.push('"');
    }

    // --- records ---

    /// A conversation of `len` e-mails alternating between two sides.
    fn email_thread(&mut self, len: usize, first: bool) {
        let w = Rc::clone(&self.w);
        let len = len.clamp(1, 6);
        self.side[0].clear();
        self.side[1].clear();
        let mut trend = Trend::Steady;
        let mut acc_resp = 1.0;
        if first || self.rng.chance(0.75) {
            // With a customer account.
            let a = if first { 0 } else { w.acc_cdf.sample(&mut self.rng) };
            trend = w.accounts[a].trend;
            acc_resp = w.accounts[a].resp;
            let ip = if first { 0 } else { w.pick_internal_for(&mut self.rng, a) };
            let ep = if first { w.accounts[a].first_contact } else { w.pick_contact(&mut self.rng, a) };
            self.side[0].push(ip);
            self.side[1].push(ep);
            if self.rng.chance(0.3) {
                let q = w.pick_internal_for(&mut self.rng, a);
                push_distinct(&mut self.side[0], q);
            }
            let extra = self.rng.pick(&[0.55, 0.3, 0.15]);
            for _ in 0..extra * 2 {
                if self.side[1].len() > extra {
                    break;
                }
                let q = w.pick_contact(&mut self.rng, a);
                push_distinct(&mut self.side[1], q);
            }
            if !first && self.rng.chance(0.4) {
                self.side.swap(0, 1); // the customer writes first
            }
        } else {
            // Internal only.
            let a = w.int_cdf.sample(&mut self.rng);
            self.side[0].push(a);
            if self.rng.chance(0.2) {
                let q = w.pick_colleague(&mut self.rng, a, 0.6);
                push_distinct(&mut self.side[0], q);
            }
            let want = 1 + self.rng.pick(&[0.6, 0.28, 0.12]);
            for _ in 0..want * 3 {
                if self.side[1].len() >= want {
                    break;
                }
                let q = w.pick_colleague(&mut self.rng, a, 0.6);
                if !self.side[0].contains(&q) {
                    push_distinct(&mut self.side[1], q);
                }
            }
            if self.side[1].is_empty() {
                let start = self.rng.below(w.n_int as u64) as usize;
                for k in 0..w.n_int {
                    let q = (start + k) % w.n_int;
                    if !self.side[0].contains(&q) {
                        self.side[1].push(q);
                        break;
                    }
                }
            }
        }

        // Senders and times.
        let mut froms = [0usize; 6];
        let mut times = [0i64; 6];
        for (k, f) in froms.iter_mut().enumerate().take(len) {
            let s = &self.side[k % 2];
            *f = if k < 2 || s.len() == 1 || self.rng.chance(0.85) {
                s[0]
            } else {
                s[1 + self.rng.below(s.len() as u64 - 1) as usize]
            };
        }
        if first {
            // The dataset's latest e-mail, at END; earlier messages backwards.
            times[len - 1] = END;
            for k in (1..len).rev() {
                let delay = self.reply_delay(froms[k], acc_resp);
                let mut t = times[k] - delay;
                if !self.work.contains(t) {
                    t = self.work.prev_end(t) - 1 - self.rng.below(90 * 60) as i64;
                }
                times[k - 1] = t;
            }
        } else {
            times[0] = self.sample_time(trend, 0.87);
            for k in 1..len {
                let mut t = times[k - 1] + self.reply_delay(froms[k], acc_resp);
                if !self.work.contains(t) && self.rng.chance(0.8) {
                    t = self.work.next_start(t) + self.rng.below(90 * 60) as i64;
                }
                times[k] = t;
            }
        }
        let last = times[len - 1];
        let shift = if last > END { -((last - END + WEEK - 1) / WEEK) * WEEK } else { 0 };

        self.threads += 1;
        let thread = self.threads;
        for k in 0..len {
            let s = k % 2;
            let r = 1 - s;
            let from = froms[k];
            self.to.clear();
            self.cc.clear();
            self.to.push(if k == 0 { self.side[r][0] } else { froms[k - 1] });
            // Whoever answers next must have received this message.
            if k + 1 < len && !self.to.contains(&froms[k + 1]) {
                self.to.push(froms[k + 1]);
            }
            let p_to = if k == 0 { 0.6 } else { 0.35 };
            for i in 0..self.side[r].len() {
                let q = self.side[r][i];
                if self.to.len() < 4 && !self.to.contains(&q) && self.rng.chance(p_to) {
                    self.to.push(q);
                }
            }
            let p_cc = if k == 0 { 0.4 } else { 0.2 };
            for i in 0..self.side[s].len() {
                let q = self.side[s][i];
                if q != from && self.rng.chance(p_cc) {
                    self.cc.push(q);
                }
            }
            self.begin("e", "email");
            self.addr(from, false);
            self.recipients(first && k == 0);
            self.push_at(times[k] + shift);
            self.out.push_str(",\"threadId\":\"t");
            push_padded(&mut self.out, thread, self.width);
            self.out.push('"');
            if k > 0 {
                self.out.push_str(",\"inReplyTo\":\"e");
                push_padded(&mut self.out, self.seq - 1, self.width);
                self.out.push('"');
            }
            self.end();
        }
    }

    /// Seconds until `p` answers: log-normal, median about 1.5 h for colleagues
    /// and about 3 h for customers (times personal and account factors).
    fn reply_delay(&mut self, p: usize, acc_resp: f64) -> i64 {
        let p = &self.w.people[p];
        let median = if p.internal { 100.0 } else { 170.0 * acc_resp } * p.resp;
        let minutes = (median * exp(1.15 * self.rng.normal())).clamp(2.0, 14.0 * 1440.0);
        (minutes * 60.0) as i64
    }

    fn meeting(&mut self, force_future: bool) {
        let w = Rc::clone(&self.w);
        self.to.clear();
        self.cc.clear();
        let mut trend = Trend::Steady;
        let organizer;
        if force_future || self.rng.chance(0.7) {
            let a = if force_future { 0 } else { w.acc_cdf.sample(&mut self.rng) };
            trend = w.accounts[a].trend;
            let n_ext = 1 + self.rng.pick(&[0.35, 0.35, 0.2, 0.1]);
            let n_int = 1 + self.rng.pick(&[0.45, 0.35, 0.2]);
            let ext_org = !force_future && self.rng.chance(0.15);
            organizer = if force_future {
                0
            } else if ext_org {
                w.pick_contact(&mut self.rng, a)
            } else {
                w.pick_internal_for(&mut self.rng, a)
            };
            let (want_ext, want_int) = if ext_org { (n_ext - 1, n_int) } else { (n_ext, n_int - 1) };
            let mut got = 0;
            for _ in 0..want_ext * 3 {
                if got >= want_ext {
                    break;
                }
                let q = w.pick_contact(&mut self.rng, a);
                if q != organizer && push_distinct(&mut self.to, q) {
                    got += 1;
                }
            }
            got = 0;
            for _ in 0..want_int * 3 {
                if got >= want_int {
                    break;
                }
                let q = w.pick_internal_for(&mut self.rng, a);
                if q != organizer && push_distinct(&mut self.to, q) {
                    got += 1;
                }
            }
        } else {
            organizer = w.int_cdf.sample(&mut self.rng);
            let size = 2 + self.rng.pick(&[0.25, 0.25, 0.2, 0.12, 0.08, 0.05, 0.05]);
            for _ in 0..size * 3 {
                if self.to.len() + 1 >= size {
                    break;
                }
                let q = w.pick_colleague(&mut self.rng, organizer, 0.55);
                if q != organizer {
                    push_distinct(&mut self.to, q);
                }
            }
        }
        if self.to.is_empty() {
            let q = if w.people[organizer].internal { self.other_internal(organizer) } else { 0 };
            self.to.push(q);
        }
        self.to.truncate(7);
        let future = force_future || self.rng.chance(0.02);
        let cancelled = !force_future && self.rng.chance(0.03);
        let t = if future {
            let day = END_DAY + 1 + self.rng.below(29) as i64;
            let day = after_weekend(day);
            let t = self.meeting_slot(day);
            if t > END + 30 * DAY {
                t - WEEK
            } else {
                t
            }
        } else {
            let day = self.sample_day(trend);
            let t = self.meeting_slot(day);
            if t > END {
                t - WEEK
            } else {
                t
            }
        };
        let minutes = MEETING_MINUTES[self.rng.pick(&MEETING_MINUTES_W)];
        self.begin("m", "meeting");
        self.addr(organizer, false);
        self.recipients(false);
        self.push_at(t);
        self.out.push_str(",\"durationMinutes\":");
        push_padded(&mut self.out, minutes as u64, 1);
        if cancelled {
            self.out.push_str(",\"cancelled\":true");
        }
        self.end();
    }

    fn call(&mut self) {
        let w = Rc::clone(&self.w);
        self.to.clear();
        self.cc.clear();
        let mut trend = Trend::Steady;
        let (from, to) = if self.rng.chance(0.85) {
            let a = w.acc_cdf.sample(&mut self.rng);
            trend = w.accounts[a].trend;
            let i = w.pick_internal_for(&mut self.rng, a);
            let c = w.pick_contact(&mut self.rng, a);
            if self.rng.chance(0.7) {
                (i, c)
            } else {
                (c, i)
            }
        } else {
            let i = w.int_cdf.sample(&mut self.rng);
            (i, self.other_internal(i))
        };
        self.to.push(to);
        let t = self.sample_time(trend, 0.92);
        let minutes = (7.0 * exp(0.9 * self.rng.normal())).round().clamp(2.0, 60.0) as u64;
        self.begin("c", "call");
        self.addr(from, false);
        self.recipients(false);
        self.push_at(t);
        self.out.push_str(",\"durationMinutes\":");
        push_padded(&mut self.out, minutes, 1);
        self.end();
    }

    /// Another internal person than `p`.
    fn other_internal(&mut self, p: usize) -> usize {
        let w = Rc::clone(&self.w);
        for _ in 0..6 {
            let q = w.pick_colleague(&mut self.rng, p, 0.5);
            if q != p {
                return q;
            }
        }
        (p + 1) % w.n_int.max(2)
    }
}

fn push_distinct(v: &mut Vec<usize>, p: usize) -> bool {
    if v.contains(&p) {
        false
    } else {
        v.push(p);
        true
    }
}

/// Writes an ASCII address, changing its letter case for `variant` 1..=3.
pub(super) fn push_cased(out: &mut String, s: &str, variant: u8) {
    if variant == 0 {
        out.push_str(s);
        return;
    }
    let mut in_domain = false;
    let mut word_start = true;
    let mut domain_label = 0;
    for &b in s.as_bytes() {
        let c = match variant {
            // "Ada.Lovelace@Northwind.example"
            1 => {
                if word_start && (!in_domain || domain_label == 0) {
                    b.to_ascii_uppercase()
                } else {
                    b
                }
            }
            // "ADA.LOVELACE@NORTHWIND.EXAMPLE"
            2 => b.to_ascii_uppercase(),
            // "Ada.Lovelace@northwind.example"
            _ => {
                if word_start && !in_domain {
                    b.to_ascii_uppercase()
                } else {
                    b
                }
            }
        };
        out.push(c as char);
        word_start = matches!(b, b'.' | b'-' | b'@');
        if b == b'@' {
            in_domain = true;
        } else if in_domain && b == b'.' {
            domain_label += 1;
        }
    }
}
