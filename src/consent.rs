//! Consent: the scopes of SPEC 4.1, the gate every insight passes through, and
//! the purges that withdrawing consent requires (SPEC 4.2). Insights never
//! touch the store: they read rows through a [`View`], which only this module
//! can open and which holds exactly the rows the granted scope allows.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Kind, Person, PersonFlags, PersonKey, Scope};
use crate::store::Store;

/// The consent flags in force. `identifiable` does not imply `aggregated`:
/// each scope is granted on its own (SPEC 4.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Consent {
    pub aggregated: bool,
    pub identifiable: bool,
}

impl Consent {
    pub fn grants(self, scope: Scope) -> bool {
        match scope {
            Scope::Own => true,
            Scope::Aggregated => self.aggregated,
            Scope::Identifiable => self.identifiable,
        }
    }

    /// Whether any scope that covers other people's interactions is granted.
    pub fn covers_others(self) -> bool {
        self.aggregated || self.identifiable
    }
}

/// Where the consent in force comes from, for the provenance of results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ConsentBasis {
    /// Flags the host passed (an engine without `consentKey`).
    Flags { aggregated: bool, identifiable: bool },
    /// A verified token (SPEC 4.5): its `jti`, and when it stops granting.
    Token {
        jti: String,
        #[serde(rename = "expiresAt")]
        expires_at: String,
    },
    /// An engine with `consentKey` and no token in force: only `own`.
    None,
}

/// Deletes every stored interaction the viewer did not take part in (all of
/// them when the viewer is not held, having opted out), with every string
/// only those carried: what withdrawing both `aggregated` and `identifiable`
/// requires (SPEC 4.2).
pub fn purge_others(store: &mut Store, viewer: Option<PersonKey>) {
    store.retain_rows(|rows, row| viewer.is_some_and(|v| rows.involves(row, v)));
}

/// What a load may store: everything while `aggregated` or `identifiable` is
/// granted, else only the interactions the viewer takes part in, so that
/// others' data is never held without consent to it (never given, or
/// withdrawn) and withdrawn data does not come back by a later load.
#[derive(Clone, Copy, Debug)]
pub struct Retention {
    pub viewer: Option<PersonKey>,
    pub others: bool,
}

/// A handle on one interaction that a [`View`] allows; only a view makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Row(u32);

impl Row {
    /// A dense index, for insights that keep per-row scratch tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Opens views on the store for the consent in force.
pub struct Gate<'s> {
    store: &'s Store,
    consent: Consent,
    viewer: Option<PersonKey>,
    basis: ConsentBasis,
}

impl<'s> Gate<'s> {
    /// A gate for consent given as flags.
    pub fn new(store: &'s Store, consent: Consent, viewer: Option<PersonKey>) -> Gate<'s> {
        let basis =
            ConsentBasis::Flags { aggregated: consent.aggregated, identifiable: consent.identifiable };
        Gate { store, consent, viewer, basis }
    }

    /// Where the consent comes from, as every result will state it.
    pub fn with_basis(self, basis: ConsentBasis) -> Gate<'s> {
        Gate { basis, ..self }
    }

    /// The rows `scope` may read, or `CONSENT_REQUIRED` naming the scope.
    pub fn open(&self, scope: Scope) -> Result<View<'s>> {
        if !self.consent.grants(scope) {
            return Err(Error::ConsentRequired { scope });
        }
        Ok(View { scope, store: self.store, viewer: self.viewer, basis: self.basis.clone(), latest: None })
    }
}

/// The interactions one call may read, and the people they name. Its scope is
/// the scope of every result built from it.
pub struct View<'s> {
    scope: Scope,
    store: &'s Store,
    viewer: Option<PersonKey>,
    basis: ConsentBasis,
    /// `latest_at_or_before(now)` as the engine already knows it for this
    /// view's rows, if it does: `(now, latest)`.
    latest: Option<(i64, Option<i64>)>,
}

/// The rows of a view (`View::rows`): every row, or a list of them. (Not
/// a boxed iterator: the scans of every row call `next` a million times.)
pub enum Rows<'s> {
    All(std::ops::Range<u32>),
    Listed(std::slice::Iter<'s, u32>),
}

impl Iterator for Rows<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        match self {
            Rows::All(rows) => rows.next().map(Row),
            Rows::Listed(rows) => rows.next().map(|&r| Row(r)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Rows::All(rows) => rows.size_hint(),
            Rows::Listed(rows) => rows.size_hint(),
        }
    }
}

impl<'s> View<'s> {
    /// The consent that opened this view: every result states it (provenance).
    pub fn basis(&self) -> ConsentBasis {
        self.basis.clone()
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    pub fn viewer(&self) -> Option<PersonKey> {
        self.viewer
    }

    fn allows(&self, row: usize) -> bool {
        match (self.scope, self.viewer) {
            (Scope::Own, Some(v)) => self.store.rows().involves(row, v),
            (Scope::Own, None) => false,
            _ => true,
        }
    }

    /// Every row the view allows: in load order, or the viewer's own in
    /// time order.
    pub fn rows(&self) -> Rows<'s> {
        match (self.scope, self.viewer) {
            (Scope::Own, Some(v)) => Rows::Listed(self.store.rows_of(v).iter()),
            (Scope::Own, None) => Rows::Listed([].iter()),
            _ => Rows::All(0..self.store.rows().len() as u32),
        }
    }

    /// The rows a person sends or takes part in, among those the view allows.
    pub fn rows_of(&self, p: PersonKey) -> impl Iterator<Item = Row> + '_ {
        self.store.rows_of(p).iter().filter(move |&&r| self.allows(r as usize)).map(|&r| Row(r))
    }

    /// Whether the view may name this person: not opted out, and listed in
    /// the directory or on a row the view allows. (A person seen only on rows
    /// that were purged is as unknown as one never seen.)
    fn knows(&self, p: PersonKey) -> bool {
        let person = self.store.person(p);
        !person.opted_out && (person.in_directory || self.rows_of(p).next().is_some())
    }

    /// The canonical person behind a normalised id, if the view may name them.
    pub fn lookup(&self, id: &str) -> Option<PersonKey> {
        self.store.lookup(id).filter(|&p| self.knows(p))
    }

    /// Every person the view may name, in key order: load history, so a
    /// result never shows this order (it sorts by ids or figures).
    pub fn people(&self) -> impl Iterator<Item = PersonKey> + '_ {
        self.store.people().filter(move |&p| self.knows(p))
    }

    pub fn kind(&self, r: Row) -> Kind {
        self.store.rows().kind[r.index()]
    }

    pub fn from(&self, r: Row) -> PersonKey {
        self.store.rows().from[r.index()]
    }

    pub fn at(&self, r: Row) -> i64 {
        self.store.rows().at[r.index()]
    }

    pub fn duration_s(&self, r: Row) -> u32 {
        self.store.rows().duration_s[r.index()]
    }

    pub fn participants(&self, r: Row) -> &'s [PersonKey] {
        self.store.rows().participants(r.index())
    }

    /// The participants, each with whether they were only copied.
    pub fn participants_copied(&self, r: Row) -> impl Iterator<Item = (PersonKey, bool)> + 's {
        self.store.rows().participants_copied(r.index())
    }

    /// The sender and the participants addressed or invited, not those only
    /// copied (see `Columns::copied`).
    pub fn took_part(&self, r: Row) -> impl Iterator<Item = PersonKey> + 's {
        self.store.rows().took_part(r.index())
    }

    /// The row `r` answers, when it is stored and this view allows it.
    pub fn reply_parent(&self, r: Row) -> Option<Row> {
        let parent = self.store.reply_parent_in(r.index(), self.scope == Scope::Own)?;
        self.allows(parent).then_some(Row(parent as u32))
    }

    /// The interaction's id as loaded: a row handle comes only from this
    /// view, so only ids of rows it allows can be read.
    pub fn interaction_id(&self, r: Row) -> &'s str {
        self.store.interaction_id(r.index())
    }

    /// The time of the latest row the view allows at or before `now`. Each
    /// person's rows are kept in time order, so a binary search finds their
    /// latest; every row is on its sender's list, so the whole store's latest
    /// is the latest over its people: O(people · log rows) for every result
    /// that states its freshness, instead of a pass over every row.
    pub fn latest_at_or_before(&self, now: i64) -> Option<i64> {
        if let Some((_, latest)) = self.latest.filter(|&(known, _)| known == now) {
            return latest;
        }
        let at = &self.store.rows().at;
        let latest_of = |rows: &[u32]| {
            let before = rows.partition_point(|&r| at[r as usize] <= now);
            before.checked_sub(1).map(|i| at[rows[i] as usize])
        };
        match (self.scope, self.viewer) {
            (Scope::Own, Some(v)) => latest_of(self.store.rows_of(v)),
            (Scope::Own, None) => None,
            _ => self.store.people().filter_map(|p| latest_of(self.store.rows_of(p))).max(),
        }
    }

    /// The view with `latest_at_or_before(now)` known (kept by the engine
    /// between calls: the same rows and the same `now` give the same answer).
    pub fn knowing_latest(self, now: i64, latest: Option<i64>) -> View<'s> {
        View { latest: Some((now, latest)), ..self }
    }

    /// Every person key's flags (see `PersonFlags`), for a pass over every row.
    pub fn person_flags(&self) -> PersonFlags {
        PersonFlags::of((0..self.store.person_slots()).map(|i| self.store.person(PersonKey::new(i as u32))))
    }

    pub fn person(&self, p: PersonKey) -> &'s Person {
        self.store.person(p)
    }

    pub fn person_id(&self, p: PersonKey) -> &'s str {
        self.store.person_id(p)
    }

    /// Whether a suggestion built from this view may name colleague `p`: in
    /// scope `own`, only the viewer (others on the viewer's rows count as
    /// "us" but are not named as anyone to turn to).
    pub fn may_suggest(&self, p: PersonKey) -> bool {
        self.scope != Scope::Own || self.viewer == Some(p)
    }
}
