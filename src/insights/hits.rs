//! The rows that count for one relationship ("hits"), oldest first, each with
//! everything its figures need: when, how it counted, who started it, how
//! long it took or which e-mail it answers, and the people of either side on
//! it. The figures then read one compact list instead of the store's columns,
//! whose rows lie scattered across memory.
//!
//! The hits of every external contact are built together, in one pass over
//! the rows a view allows, and kept until the data or the consent changes
//! (`ContactHits`): relationship figures for a contact are answered from
//! there. Accounts and the viewer's own figures build theirs from their rows
//! with the same function, so both ways classify a row alike.

use rustc_hash::FxHashMap;

use super::kpis::{classify, Class, Sides};
use super::relationship::Them;
use crate::consent::{Row, View};
use crate::ids::NONE;
use crate::model::{Kind, PersonKey};
use crate::time::Window;

/// Which side sent an e-mail or set up a meeting or call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    Us,
    Them,
    Neither,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub at: i64,
    pub row: Row,
    pub class: Class,
    pub started: Started,
    /// A meeting's or call's length in seconds; for an e-mail, the row of
    /// the other side's e-mail it answers, or `NONE`. (One field for both
    /// keeps a hit at 32 bytes.)
    detail: u32,
    /// The hit's people in `Hits::people`: `n_us` of ours (the sender first
    /// when ours), then `n_them` of theirs.
    people: u32,
    n_us: u32,
    n_them: u32,
}

// A million interactions make over a million hits: keep each at 32 bytes.
const _: () = assert!(std::mem::size_of::<Hit>() == 32);

impl Hit {
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

/// One relationship's hits, oldest first (ties in row order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    pub list: Vec<Hit>,
    people: Vec<PersonKey>,
}

/// The hits of a contact no row counts for.
static NO_HITS: Hits = Hits { list: Vec::new(), people: Vec::new() };

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
        let started = if sides.is_us(from) {
            Started::Us
        } else if sides.is_them(from) {
            Started::Them
        } else {
            Started::Neither
        };
        let detail = match class {
            Class::Meeting | Class::Call => view.duration_s(r),
            Class::Sent | Class::Received => {
                answered(view, r, class, sides).map_or(NONE, |p| p.index() as u32)
            }
        };
        let start = self.people.len();
        let on_row = || std::iter::once(from).chain(view.participants(r).iter().copied());
        self.people.extend(on_row().filter(|&p| sides.is_us(p)));
        let n_us = self.people.len() - start;
        self.people.extend(on_row().filter(|&p| sides.is_them(p)));
        let n_them = self.people.len() - start - n_us;
        self.list.push(Hit {
            at: view.at(r),
            row: r,
            class,
            started,
            detail,
            people: start as u32,
            n_us: n_us as u32,
            n_them: n_them as u32,
        });
        true
    }

    fn sort(&mut self) {
        self.list.sort_unstable_by_key(|h| (h.at, h.row.index()));
    }

    /// Our people on the hit's row, the sender first when ours.
    pub fn us(&self, h: &Hit) -> &[PersonKey] {
        let start = h.people as usize;
        &self.people[start..start + h.n_us as usize]
    }

    /// Their people on the hit's row, the sender first when theirs.
    pub fn them(&self, h: &Hit) -> &[PersonKey] {
        let start = (h.people + h.n_us) as usize;
        &self.people[start..start + h.n_them as usize]
    }

    pub fn heap_bytes(&self) -> usize {
        self.list.capacity() * std::mem::size_of::<Hit>() + self.people.capacity() * 4
    }
}

/// The e-mail a counted e-mail answers, when it is a reply across the sides
/// (and not dated before what it answers).
fn answered(view: &View, r: Row, class: Class, sides: &impl Sides) -> Option<Row> {
    let parent = view.reply_parent(r)?;
    if view.kind(parent) != Kind::Email || view.at(r) < view.at(parent) {
        return None;
    }
    let parent_from = view.from(parent);
    let across = match class {
        Class::Sent => sides.is_them(parent_from),
        Class::Received => sides.is_us(parent_from),
        Class::Meeting | Class::Call => false,
    };
    across.then_some(parent)
}

/// Every external contact's hits, from one pass over the rows of a view.
pub struct ContactHits {
    by_contact: FxHashMap<PersonKey, Hits>,
}

impl ContactHits {
    pub fn build(view: &View) -> ContactHits {
        let mut by_contact: FxHashMap<PersonKey, Hits> = FxHashMap::default();
        let mut contacts: Vec<PersonKey> = Vec::new();
        for r in view.rows() {
            contacts.clear();
            let from = view.from(r);
            contacts.extend(std::iter::once(from).chain(view.participants(r).iter().copied()));
            contacts.retain(|&p| !view.person(p).internal);
            for &c in &contacts {
                let them = Them::Contact(c);
                by_contact.entry(c).or_default().push(view, r, &(view, &them));
            }
        }
        for hits in by_contact.values_mut() {
            hits.sort();
        }
        ContactHits { by_contact }
    }

    /// A contact's hits (none when no row counts for them).
    pub fn of(&self, contact: PersonKey) -> &Hits {
        self.by_contact.get(&contact).unwrap_or(&NO_HITS)
    }

    pub fn heap_bytes(&self) -> usize {
        self.by_contact.values().map(Hits::heap_bytes).sum::<usize>()
            + self.by_contact.capacity() * (std::mem::size_of::<(PersonKey, Hits)>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{Consent, Gate, Retention, Scope};
    use crate::demo::{demo_dataset, DemoFormat, DemoOptions};
    use crate::insights::kpis::tally;
    use crate::insights::own::ViewerSides;
    use crate::load::{self, LoadOptions};
    use crate::store::Store;
    use crate::time::DAY_MS;

    fn demo_store() -> (Store, PersonKey) {
        let demo = demo_dataset(&DemoOptions { seed: 3, interactions: 4_000, format: DemoFormat::Json });
        let mut store = Store::new(demo.internal_domains.clone());
        let viewer = store.person_key(&demo.viewer);
        load::people::load(&mut store, &demo.people, LoadOptions::default(), &demo.internal_domains).unwrap();
        let retention = Retention { viewer: Some(viewer), others: true };
        load::interactions::load(&mut store, &demo.interactions, LoadOptions::default(), &retention).unwrap();
        (store, viewer)
    }

    /// What a tally can read of each hit (people by value, not by offset).
    type Seen = (i64, Row, Class, Started, u32, Option<u32>, Vec<PersonKey>, Vec<PersonKey>);
    fn seen(hits: &Hits) -> Vec<Seen> {
        seen_of(hits, &hits.list)
    }
    fn seen_of(hits: &Hits, list: &[Hit]) -> Vec<Seen> {
        let fields = |h: &Hit| (h.at, h.row, h.class, h.started, h.duration_s(), h.answers());
        list.iter()
            .map(|h| {
                let (at, row, class, started, duration, answers) = fields(h);
                (at, row, class, started, duration, answers, hits.us(h).to_vec(), hits.them(h).to_vec())
            })
            .collect()
    }

    /// The one-pass index holds, for every contact and either view, exactly
    /// the hits built from that contact's own rows.
    #[test]
    fn the_index_matches_each_contacts_own_rows() {
        let (store, viewer) = demo_store();
        let consent = Consent { aggregated: false, identifiable: true };
        for scope in [Scope::Own, Scope::Identifiable] {
            let view = Gate::new(&store, consent, Some(viewer)).open(scope).unwrap();
            let index = ContactHits::build(&view);
            let mut compared = 0;
            for c in store.people().filter(|&p| !store.person(p).internal) {
                let them = Them::Contact(c);
                let own = Hits::of(&view, view.rows_of(c), &(&view, &them));
                assert_eq!(seen(index.of(c)), seen(&own), "contact {}", view.person_id(c));
                compared += own.list.len();
            }
            assert!(compared > 500, "{scope:?}: only {compared} hits compared");
        }
    }

    /// Hits around a window tally that window as all of the hits do.
    #[test]
    fn hits_around_a_window_tally_it_like_all_hits() {
        let (store, viewer) = demo_store();
        let view = Gate::new(&store, Consent::default(), Some(viewer)).open(Scope::Own).unwrap();
        let rows: Vec<Row> = view.rows().collect();
        let all = Hits::of(&view, rows.iter().copied(), &ViewerSides(viewer));
        let end = all.list.last().unwrap().at;
        for (back, days) in [(0, 90), (40, 7), (200, 30), (-30, 14)] {
            let w = Window { start: end - (back + days) * DAY_MS, end: end - back * DAY_MS };
            let near = Hits::around(&view, &rows, w, &ViewerSides(viewer));
            assert!(near.list.len() < all.list.len());
            let (a, b) = (tally(&all, w, true), tally(&near, w, true));
            assert_eq!((a.kpis, a.weekly, a.last_at, a.next_at), (b.kpis, b.weekly, b.last_at, b.next_at));
            assert_eq!(seen_of(&all, a.counted), seen_of(&near, b.counted));
        }
    }
}
