//! The rows that count for one relationship ("hits"), oldest first, each with
//! everything its figures need: when, how it counted, who started it, how
//! long it took or which e-mail it answers, and the people of either side who
//! took part in it (sent it, were addressed, attended: someone only copied
//! is on the row, which counts for them, but took no part, so breadth and
//! the rankings of people leave them out). The figures then read one compact list instead of the store's columns,
//! whose rows lie scattered across memory.
//!
//! The hits of every external contact are built together, in one pass over
//! the rows a view allows, and kept until the data or the consent changes
//! (`ContactHits`): relationship figures for a contact are answered from
//! there. Accounts and the viewer's own figures build theirs from their rows
//! with the same function, so both ways classify a row alike.

use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::sides::{classify, Class, RowSides, Sides, Started, Them};
use crate::consent::{Row, View};
use crate::ids::NONE;
use crate::model::{Kind, PersonKey};
use crate::time::Window;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub at: i64,
    pub row: Row,
    /// A meeting's or call's length in seconds; for an e-mail, the row of
    /// the other side's e-mail it answers, or `NONE`. (One field for both
    /// keeps a hit at 32 bytes.)
    detail: u32,
    /// Where the hit's people of our side (the sender first when ours) and
    /// of theirs start in the relationship's people list. Two offsets, not
    /// one: the contact index lists a row's colleagues, when there are more
    /// than `COPY_MAX`, once in a list shared by all the contacts on it
    /// (`us_at` then has the `SHARED` bit), so a meeting of a thousand
    /// colleagues and a thousand contacts costs two thousand entries, not a
    /// million. A count cut at `u16::MAX` (loads allow about 2,000 people a
    /// row) only shortens its own list.
    us_at: u32,
    them_at: u32,
    n_us: u16,
    n_them: u16,
    pub class: Class,
    pub started: Started,
    /// The row is an e-mail that answers an earlier e-mail, whoever sent
    /// it: an account's hits look up what it answers only then.
    replies: bool,
    /// In the contact index, on an e-mail the contact sent: how many other
    /// contacts took part (listed after theirs, which is the sender), or
    /// `ALSO_UNLISTED` when too many to list. It counts for none of them,
    /// but for their account, whose hit lists them (`push_merged`).
    also: u8,
}

/// `Hit::also` of a row with more contacts than a `u8` counts: read again.
const ALSO_UNLISTED: u8 = u8::MAX;

impl Hit {
    fn new(
        at: i64,
        row: Row,
        class: Class,
        started: Started,
        (detail, replies): (u32, bool),
        us: (usize, usize),
        them: (usize, usize),
    ) -> Hit {
        let ((us_at, n_us), (them_at, n_them)) = (span(us.0, us.1), span(them.0, them.1));
        Hit { at, row, detail, us_at, them_at, n_us, n_them, class, started, replies, also: 0 }
    }

    pub fn duration_s(&self) -> u32 {
        if self.class == Class::Meeting || self.class == Class::Call {
            self.detail
        } else {
            0
        }
    }

    /// The row index of the e-mail this one answers: one of theirs that we
    /// answer (`Sent`), or one of ours that they answer (`Received`).
    pub fn answers(&self) -> Option<u32> {
        let email = self.class == Class::Sent || self.class == Class::Received;
        (email && self.detail != NONE).then_some(self.detail)
    }
}

/// One relationship's hits, oldest first (ties in row order), and the
/// people of either side they point into: its own list, and for the
/// colleagues of the largest rows, the contact index's shared one. Its own
/// list keeps the people of its hits together in memory: the figures read
/// them hit after hit, and in one list for all they were a cache miss each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    pub list: Vec<Hit>,
    people: Vec<PersonKey>,
    shared: Rc<Vec<PersonKey>>,
}

/// Above this many colleagues, a row's colleagues are listed once for all
/// its contacts (`ContactHits::shared`), not copied into each contact's
/// list: the copies then stay within a few entries a hit.
const COPY_MAX: usize = 8;

/// The bit of `Hit::us_at` that says the offset is in the shared list.
const SHARED: u32 = 1 << 31;

/// A slice of the people list as a hit stores it: its start and length.
fn span(start: usize, len: usize) -> (u32, u16) {
    (start as u32, len.min(usize::from(u16::MAX)) as u16)
}

impl Hits {
    /// The hits of `rows` (any order) between the two sides.
    pub fn of(view: &View, rows: impl Iterator<Item = Row>, sides: &impl Sides) -> Hits {
        let mut hits = Hits::default();
        for r in rows {
            hits.push(view, r, sides);
        }
        hits.sort();
        hits
    }

    /// The hits among time-ordered `rows` in `window`, and the nearest one
    /// either side of it: all that a `tally` of that window reads.
    pub fn around(view: &View, rows: &[Row], window: Window, sides: &impl Sides) -> Hits {
        let start = rows.partition_point(|&r| view.at(r) <= window.start);
        let end = start + rows[start..].partition_point(|&r| view.at(r) <= window.end);
        let mut hits = Hits::default();
        rows[..start].iter().rev().any(|&r| hits.push(view, r, sides));
        for &r in &rows[start..end] {
            hits.push(view, r, sides);
        }
        rows[end..].iter().any(|&r| hits.push(view, r, sides));
        hits.sort();
        hits
    }

    /// Adds row `r` if it counts for the relationship, and says whether it did.
    fn push(&mut self, view: &View, r: Row, sides: &impl Sides) -> bool {
        let Some(class) = classify(view, r, sides) else { return false };
        let from = view.from(r);
        let started = Started::by(sides.is_us(from), sides.is_them(from));
        let detail = detail(view, r, class, None, sides);
        let on_row = || view.took_part(r);
        // Only people are listed (a colleague, a counterpart): a list or a
        // shared mailbox still makes the row count, but is nobody.
        let person = |p: PersonKey| view.person(p).is_person();
        let us = extend(&mut self.people, on_row().filter(|&p| sides.is_us(p) && person(p)));
        let them = extend(&mut self.people, on_row().filter(|&p| sides.is_them(p) && person(p)));
        self.list.push(Hit::new(view.at(r), r, class, started, detail, us, them));
        true
    }

    fn sort(&mut self) {
        self.list.sort_unstable_by_key(|h| (h.at, h.row.index()));
    }

    /// Adds the account's hit for one row from its contacts' hits on it
    /// (`group`: each contact with their hit and where their people list
    /// starts in this one's, in key order).
    fn push_merged(&mut self, view: &View, group: &[(PersonKey, &Hit, usize)], sides: &impl Sides) {
        let (_, h, base) = group[0];
        let sender = group.iter().find(|(_, o, _)| o.started == Started::Them);
        let started = if sender.is_some() { Started::Them } else { h.started };
        // A reply of ours answers their e-mail if any contact of theirs sent it.
        let detail = match h.class {
            Class::Sent if h.replies && h.detail == NONE => detail(view, h.row, h.class, None, sides),
            _ => (h.detail, h.replies),
        };
        // A contact's hit lists them (no other) unless they were only copied.
        let others = group.iter().filter(|(_, o, _)| o.started != Started::Them);
        let people = sender.into_iter().chain(others).filter(|(_, o, _)| o.n_them > 0).map(|&(c, ..)| c);
        let them = extend(&mut self.people, people);
        // The other contacts on an e-mail from one of theirs: listed by the
        // sender's hit, as the row was not theirs (see `Hit::also`).
        let them = match sender {
            Some(&(_, s, _)) if s.also == ALSO_UNLISTED => {
                // After the sender (`took_part` starts with them, as `them` does).
                let on_row = view.took_part(s.row).skip(1).filter(|&p| sides.is_them(p));
                self.people.extend(on_row);
                (them.0, self.people.len() - them.0)
            }
            Some(&(_, s, base)) if s.also > 0 => {
                let at = base + s.them_at as usize + usize::from(s.n_them);
                for i in at..at + usize::from(s.also) {
                    let p = self.people[i];
                    if sides.is_them(p) {
                        self.people.push(p);
                    }
                }
                (them.0, self.people.len() - them.0)
            }
            _ => them,
        };
        // Our people: in the shared list, or in the contact's, copied whole.
        let at = if h.us_at & SHARED != 0 { h.us_at as usize } else { h.us_at as usize + base };
        let us = (at, usize::from(h.n_us));
        self.list.push(Hit::new(h.at, h.row, h.class, started, detail, us, them));
    }

    /// Our people on the hit's row, the sender first when ours.
    pub fn us(&self, h: &Hit) -> &[PersonKey] {
        if h.us_at & SHARED != 0 {
            slice(&self.shared, h.us_at & !SHARED, h.n_us)
        } else {
            slice(&self.people, h.us_at, h.n_us)
        }
    }

    /// Their people on the hit's row, the sender first when theirs.
    pub fn them(&self, h: &Hit) -> &[PersonKey] {
        slice(&self.people, h.them_at, h.n_them)
    }

    /// Bytes of the hits and of their own people list (`ContactHits`
    /// counts its shared one once).
    pub fn heap_bytes(&self) -> usize {
        self.list.capacity() * std::mem::size_of::<Hit>() + self.people.capacity() * 4
    }
}

/// The people a hit's offset and count point to in a people list.
fn slice(list: &[PersonKey], at: u32, n: u16) -> &[PersonKey] {
    &list[at as usize..at as usize + usize::from(n)]
}

/// Adds `people` to a people list; returns where they start, and how many.
fn extend(list: &mut Vec<PersonKey>, people: impl Iterator<Item = PersonKey>) -> (usize, usize) {
    let at = list.len();
    list.extend(people);
    (at, list.len() - at)
}

/// The e-mail an e-mail answers, if it answers one (and is not dated
/// before it), whoever sent it.
fn reply_of(view: &View, r: Row) -> Option<Row> {
    let parent = view.reply_parent(r)?;
    (view.kind(parent) == Kind::Email && view.at(r) >= view.at(parent)).then_some(parent)
}

/// A hit's `detail` and whether its row replies to anything: a meeting's
/// or call's length, or for an e-mail the e-mail of the other side it
/// answers (a reply across the sides), or `NONE`. `parent`: the row's
/// `reply_of`, when the caller already looked it up.
fn detail(view: &View, r: Row, class: Class, parent: Option<Option<Row>>, sides: &impl Sides) -> (u32, bool) {
    let across = |p: Row| match class {
        Class::Sent => sides.is_them(view.from(p)),
        Class::Received => sides.is_us(view.from(p)),
        Class::Meeting | Class::Call => false,
    };
    match class {
        Class::Meeting | Class::Call => (view.duration_s(r), false),
        Class::Sent | Class::Received => {
            let parent = parent.unwrap_or_else(|| reply_of(view, r));
            (parent.filter(|&p| across(p)).map_or(NONE, |p| p.index() as u32), parent.is_some())
        }
    }
}

/// Every external contact's hits, from one pass over the rows of a view.
/// A large row's colleagues are listed once, for all the contacts on it:
/// the index is linear in the participants of the rows, however large a meeting.
pub struct ContactHits {
    by_contact: FxHashMap<PersonKey, Hits>,
    /// The colleagues of the rows with more than `COPY_MAX`.
    shared: Rc<Vec<PersonKey>>,
    /// The hits of a contact no row counts for.
    none: Hits,
}

impl ContactHits {
    pub fn build(view: &View) -> ContactHits {
        // By person key: lists, not a map, looked up for every hit.
        let mut lists: Vec<Hits> = Vec::new();
        let mut shared: Vec<PersonKey> = Vec::new();
        let mut colleagues: Vec<PersonKey> = Vec::new();
        let mut others: Vec<PersonKey> = Vec::new();
        let flags = view.person_flags();
        for r in view.rows() {
            let from = view.from(r);
            let on_row = || std::iter::once(from).chain(view.participants(r).iter().copied());
            // Our side of any contact's relationship: the row's internal
            // people (lists and shared mailboxes make it count, unlisted).
            let ours_on_row = on_row().any(|p| flags.internal(p));
            colleagues.clear();
            others.clear();
            // The other contacts matter only on an e-mail a contact sent (`Hit::also`).
            let from_contact = view.kind(r) == Kind::Email && flags.contact(from);
            for p in view.took_part(r) {
                if flags.colleague(p) {
                    colleagues.push(p);
                } else if from_contact && flags.contact(p) && p != from {
                    others.push(p);
                }
            }
            let mut in_shared = None;
            let ours_sent = flags.internal(from);
            // What the row answers: looked up once, for all its contacts.
            let mut parent = None;
            // Only people are contacts: no relationship reads a non-person's hits.
            let everyone = std::iter::once((from, false)).chain(view.participants_copied(r));
            for (c, copied) in everyone.filter(|&(p, _)| flags.contact(p)) {
                // `classify` for this contact, who is on the row: what the
                // row says of each side is known without scanning it again.
                let on_row = RowSides {
                    us_sent: ours_sent,
                    them_sent: c == from,
                    them_received: c != from,
                    us_on: ours_on_row,
                    them_on: true,
                };
                let Some(class) = on_row.class(view.kind(r)) else { continue };
                let started = Started::by(ours_sent, c == from);
                if class == Class::Sent || class == Class::Received {
                    parent.get_or_insert_with(|| reply_of(view, r));
                }
                let detail = detail(view, r, class, parent, &(view, &Them::Contact(c)));
                if c.index() >= lists.len() {
                    lists.resize_with(c.index() + 1, Hits::default);
                }
                let hits = &mut lists[c.index()];
                let us = if colleagues.len() > COPY_MAX {
                    let at =
                        *in_shared.get_or_insert_with(|| extend(&mut shared, colleagues.iter().copied()).0);
                    (at | SHARED as usize, colleagues.len())
                } else {
                    extend(&mut hits.people, colleagues.iter().copied())
                };
                // A contact only copied is on the row but took no part in it.
                let them = extend(&mut hits.people, std::iter::once(c).filter(|_| !copied));
                let mut hit = Hit::new(view.at(r), r, class, started, detail, us, them);
                if class == Class::Received && c == from && !others.is_empty() {
                    hit.also = match u8::try_from(others.len()) {
                        Ok(n) if n < ALSO_UNLISTED => {
                            hits.people.extend_from_slice(&others);
                            n
                        }
                        _ => ALSO_UNLISTED,
                    };
                }
                hits.list.push(hit);
            }
        }
        let shared = Rc::new(shared);
        let by_contact = lists
            .into_iter()
            .enumerate()
            .filter(|(_, hits)| !hits.list.is_empty())
            .map(|(c, mut hits)| {
                hits.shared = shared.clone();
                hits.sort();
                (PersonKey::new(c as u32), hits)
            })
            .collect();
        ContactHits { by_contact, shared, none: Hits::default() }
    }

    /// An account's hits, from its contacts' (`Them::Account`, contacts in
    /// key order) instead of its rows: the rows that count for an account are
    /// exactly those that count for one of its contacts, with the same class
    /// (see `sides`), so they are merged and only what differs is worked out
    /// again: who started a row (theirs if any contact of the account sent
    /// it), the e-mail of theirs a row of ours answers (any contact's: looked
    /// up only for a reply), and their people on it: the contacts whose hits
    /// list them, the sender first, the others in key order (not the row's:
    /// only counted, never listed, so the row is not read again); on an
    /// e-mail from one of them, the others its sender's hit lists (or, past
    /// 254 of them, the row's: see `Hit::also`). Our people are the row's,
    /// listed by any contact's hit.
    /// `None` for an account with a contact who is not a person (a shared
    /// mailbox counts for its account, but has no hits here). With `span`,
    /// only the hits in it and the nearest one either side of it (each
    /// contact's: all that a `tally` of a window in the span reads), as
    /// `Hits::around` gives them; an account's hits outside it may then
    /// miss the people of contacts whose nearest hit is another.
    pub fn account(&self, view: &View, them: &Them, span: Option<Window>) -> Option<Hits> {
        let Them::Account(_, contacts) = them else { return None };
        if contacts.iter().any(|&c| !view.person(c).is_person()) {
            return None;
        }
        let owners: Vec<(PersonKey, &Hits)> =
            contacts.iter().map(|&c| (c, self.of(c))).filter(|(_, h)| !h.list.is_empty()).collect();
        let lists: Vec<&[Hit]> = owners.iter().map(|(_, h)| around(&h.list, span)).collect();
        let sides = (view, them);
        let mut hits = Hits { shared: self.shared.clone(), ..Hits::default() };
        // The contacts' people lists, one after the other, each hit's where its own was.
        let bases: Vec<usize> =
            owners.iter().map(|(_, o)| extend(&mut hits.people, o.people.iter().copied()).0).collect();
        let mut group: Vec<(PersonKey, &Hit, usize)> = Vec::new();
        for (h, l) in merged(&lists) {
            if group.first().is_some_and(|(_, g, _)| g.row != h.row) {
                hits.push_merged(view, &group, &sides);
                group.clear();
            }
            group.push((owners[l].0, h, bases[l]));
        }
        if !group.is_empty() {
            hits.push_merged(view, &group, &sides);
        }
        Some(hits)
    }

    /// A contact's hits (none when no row counts for them).
    pub fn of(&self, contact: PersonKey) -> &Hits {
        self.by_contact.get(&contact).unwrap_or(&self.none)
    }

    /// Every contact some row counts for, with their hits (in no order).
    pub fn contacts(&self) -> impl Iterator<Item = (PersonKey, &Hits)> + '_ {
        self.by_contact.iter().map(|(&c, h)| (c, h))
    }

    pub fn heap_bytes(&self) -> usize {
        self.shared.capacity() * 4
            + self.by_contact.values().map(Hits::heap_bytes).sum::<usize>()
            + self.by_contact.capacity() * (std::mem::size_of::<(PersonKey, Hits)>() + 1)
    }
}

/// The time-ordered `list`'s hits in `span` and the nearest one either side
/// of it (all of them without a span).
fn around(list: &[Hit], span: Option<Window>) -> &[Hit] {
    let Some(w) = span else { return list };
    let start = list.partition_point(|h| h.at <= w.start).saturating_sub(1);
    let end = (list.partition_point(|h| h.at <= w.end) + 1).min(list.len());
    &list[start..end]
}

/// The hits of the time-ordered `lists`, each with the number of its list,
/// in (time, row) order, ties in list order: what a stable sort of the lists
/// one after another gives. Merged two by two: lists already in order are
/// not sorted again, and no heap or sort is compiled for it.
pub fn merged<'h>(lists: &[&'h [Hit]]) -> Vec<(&'h Hit, usize)> {
    let mut runs: Vec<Vec<(&Hit, usize)>> =
        lists.iter().enumerate().map(|(l, list)| list.iter().map(|h| (h, l)).collect()).collect();
    while runs.len() > 1 {
        let mut pairs = std::mem::take(&mut runs).into_iter();
        while let Some(a) = pairs.next() {
            runs.push(match pairs.next() {
                Some(b) => merge_two(&a, &b),
                None => a,
            });
        }
    }
    runs.pop().unwrap_or_default()
}

/// Two runs in (time, row) order as one, `a`'s first on ties.
fn merge_two<'h>(a: &[(&'h Hit, usize)], b: &[(&'h Hit, usize)]) -> Vec<(&'h Hit, usize)> {
    let key = |(h, _): &(&Hit, usize)| (h.at, h.row.index());
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if key(&b[j]) < key(&a[i]) {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
