//! The two sides of a relationship and how a row counts between them: "us"
//! and "them" (the viewer and everyone else for own insights; the
//! organization and a contact or an account for relationship analytics),
//! which side started a row, and the class a row counts as (SPEC 3.1). Every
//! figure of `kpis`, `hits`, `relationship`, `own` and `who_knows_whom`
//! classifies rows here, so none can count a row differently.

use crate::consent::{Row, View};
use crate::error::{Error, Result};
use crate::model::{normalize_person_id, Kind, PersonKey, Target};

/// Which people stand on each side of the relationship.
pub trait Sides {
    fn is_us(&self, p: PersonKey) -> bool;
    fn is_them(&self, p: PersonKey) -> bool;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Sent,
    Received,
    Meeting,
    Call,
}

/// How a row counts for the relationship, if it counts at all.
pub fn classify(view: &View, r: Row, sides: &impl Sides) -> Option<Class> {
    let from = view.from(r);
    let parts = view.participants(r);
    let takes_part = |side: &dyn Fn(PersonKey) -> bool| side(from) || parts.iter().any(|&p| side(p));
    let on_row = RowSides {
        us_sent: sides.is_us(from),
        them_sent: sides.is_them(from),
        them_received: parts.iter().any(|&p| sides.is_them(p)),
        us_on: takes_part(&|p| sides.is_us(p)),
        them_on: takes_part(&|p| sides.is_them(p)),
    };
    on_row.class(view.kind(r))
}

/// What a row says of the two sides: all the rules of SPEC 3.1 need. The
/// contact index works these out once a row for all its contacts, instead of
/// scanning the row again for each (`classify` scans it for one relationship).
pub struct RowSides {
    pub us_sent: bool,
    pub them_sent: bool,
    /// One of them is among the recipients.
    pub them_received: bool,
    /// Each side sends or takes part.
    pub us_on: bool,
    pub them_on: bool,
}

impl RowSides {
    /// How a row of `kind` counts for the relationship, if it counts at all.
    pub fn class(&self, kind: Kind) -> Option<Class> {
        match kind {
            Kind::Email if self.us_sent && self.them_received => Some(Class::Sent),
            Kind::Email if self.them_sent => Some(Class::Received),
            Kind::Email => None,
            kind if self.us_on && self.them_on => {
                Some(if kind == Kind::Meeting { Class::Meeting } else { Class::Call })
            }
            _ => None,
        }
    }
}

/// Which side sent an e-mail or set up a meeting or call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    Us,
    Them,
    Neither,
}

impl Started {
    /// From who sent it: us before them (a row sent by someone on both sides
    /// is ours).
    pub(crate) fn by(us_sent: bool, them_sent: bool) -> Started {
        if us_sent {
            Started::Us
        } else if them_sent {
            Started::Them
        } else {
            Started::Neither
        }
    }
}

/// The other side of a relationship: one contact, or an account's contacts.
#[derive(Clone, Debug)]
pub enum Them {
    Contact(PersonKey),
    /// The account id as the data spells it, and its contacts in key order.
    Account(String, Vec<PersonKey>),
}

impl Sides for (&View<'_>, &Them) {
    fn is_us(&self, p: PersonKey) -> bool {
        self.0.person(p).internal
    }
    fn is_them(&self, p: PersonKey) -> bool {
        match self.1 {
            Them::Contact(c) => *c == p,
            Them::Account(_, contacts) => contacts.binary_search(&p).is_ok(),
        }
    }
}

/// The account a person belongs to, compared case-insensitively.
fn same_account(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Finds the target in what the view may name. An internal person is not a
/// contact; an opted-out one is not known at all.
pub fn resolve(view: &View, target: &Target) -> Result<Them> {
    match target {
        Target::Contact(id) => view
            .lookup(&normalize_person_id(id))
            .filter(|&p| !view.person(p).internal && view.person(p).is_person())
            .map(Them::Contact)
            .ok_or(Error::UnknownTarget { what: "external contact" }),
        Target::Account(id) => {
            let contacts: Vec<PersonKey> = view
                .people()
                .filter(|&p| {
                    let person = view.person(p);
                    !person.internal && person.account.as_deref().is_some_and(|a| same_account(a, id))
                })
                .collect();
            // As the contact with the first id spells it: not the first one loaded.
            let first = contacts.iter().min_by(|&&a, &&b| view.person_id(a).cmp(view.person_id(b)));
            let name = first.and_then(|&c| view.person(c).account.clone());
            name.map(|n| Them::Account(n, contacts)).ok_or(Error::UnknownTarget { what: "account" })
        }
    }
}

/// Every row either side of the relationship may be on: the rows of `them`,
/// oldest first.
pub fn rows(view: &View, them: &Them) -> Vec<Row> {
    match them {
        Them::Contact(c) => view.rows_of(*c).collect(),
        Them::Account(_, contacts) => {
            // (time, row) pairs in their natural order: a sort already compiled (see `sort`).
            let mut rows: Vec<(i64, Row)> =
                contacts.iter().flat_map(|&c| view.rows_of(c)).map(|r| (view.at(r), r)).collect();
            rows.sort_unstable();
            rows.dedup();
            rows.into_iter().map(|(_, r)| r).collect()
        }
    }
}

/// The viewer on one side, everyone else on the other.
pub(crate) struct ViewerSides(pub(crate) PersonKey);

impl Sides for ViewerSides {
    fn is_us(&self, p: PersonKey) -> bool {
        p == self.0
    }
    fn is_them(&self, p: PersonKey) -> bool {
        p != self.0
    }
}
