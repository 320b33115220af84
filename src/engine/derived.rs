//! What the engine derives from its data and keeps until the data or the
//! consent changes: the relationship network (introduction paths), every
//! contact's hits (list views) and the activity of every contact and account
//! that percentile frequency compares with, one per view. A version counts the changes,
//! so that an answer kept elsewhere can say which data it was computed on.

use std::cell::RefCell;
use std::rc::Rc;

use crate::consent::View;
use crate::insights::hits::ContactHits;
use crate::insights::network::Network;
use crate::insights::peers::Peers;
use crate::model::Scope;

/// `(now, the latest interaction at or before it)`.
type Latest = (i64, Option<i64>);

#[derive(Default)]
pub(super) struct Derived {
    /// Built from `identifiable` data by the first introduction paths.
    network: RefCell<Option<Rc<Network>>>,
    /// Every contact's hits, for the `own` and the `identifiable` view.
    contact_hits: RefCell<[Option<Rc<ContactHits>>; 2]>,
    /// Per view, the contacts' and the accounts' peers (built from `contact_hits`).
    peers: RefCell<[[Option<Rc<Peers>>; 2]; 2]>,
    /// Per view, the latest interaction at or before a `now`.
    latest: RefCell<[Option<Latest>; 2]>,
    /// Counts changes of data or consent.
    version: u64,
}

impl Derived {
    /// Drops everything derived: after any change of data or consent.
    pub fn clear(&mut self) {
        *self.network.get_mut() = None;
        *self.contact_hits.get_mut() = [None, None];
        *self.peers.get_mut() = Default::default();
        *self.latest.get_mut() = [None, None];
        self.version += 1;
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// The relationship network, built once.
    pub fn network(&self, view: &View, now: i64) -> Rc<Network> {
        let mut cache = self.network.borrow_mut();
        cache.get_or_insert_with(|| Rc::new(Network::build(view, now))).clone()
    }

    /// Every contact's hits in the view, built by the first list view. (A
    /// single relationship uses them when they are there, and otherwise reads
    /// its own rows: one contact does not pay for indexing them all.)
    pub fn contact_hits(&self, view: &View) -> Rc<ContactHits> {
        let mut cache = self.contact_hits.borrow_mut();
        let slot = &mut cache[Self::slot(view)];
        slot.get_or_insert_with(|| Rc::new(ContactHits::build(view))).clone()
    }

    /// What a contact's (`accounts` false) or an account's frequency is
    /// compared with, built once per view from every contact's hits: a
    /// relationship after the first reads it instead of building it again.
    pub fn peers(&self, view: &View, accounts: bool) -> Rc<Peers> {
        if let Some(peers) = &self.peers.borrow()[Self::slot(view)][usize::from(accounts)] {
            return peers.clone();
        }
        let peers = Rc::new(Peers::build(view, &self.contact_hits(view), accounts));
        self.peers.borrow_mut()[Self::slot(view)][usize::from(accounts)] = Some(peers.clone());
        peers
    }

    /// The view, knowing its latest interaction at or before `now` (every
    /// result states it: worked out once per view and `now`, not per call).
    pub fn with_latest<'s>(&self, view: View<'s>, now: i64) -> View<'s> {
        let slot = Self::slot(&view);
        let known = self.latest.borrow()[slot].filter(|&(at, _)| at == now);
        let latest = match known {
            Some((_, latest)) => latest,
            None => {
                let latest = view.latest_at_or_before(now);
                self.latest.borrow_mut()[slot] = Some((now, latest));
                latest
            }
        };
        view.knowing_latest(now, latest)
    }

    /// The contact hits of the view if a list view built them.
    pub fn built_contact_hits(&self, view: &View) -> Option<Rc<ContactHits>> {
        self.contact_hits.borrow()[Self::slot(view)].clone()
    }

    fn slot(view: &View) -> usize {
        usize::from(view.scope() != Scope::Own)
    }

    /// Approximate heap bytes of the contact hits built so far.
    pub fn index_bytes(&self) -> usize {
        self.contact_hits.borrow().iter().flatten().map(|hits| hits.heap_bytes()).sum()
    }

    /// People and ties of the network, if built.
    pub fn network_size(&self) -> Option<(usize, usize)> {
        self.network.borrow().as_ref().map(|n| (n.graph.node_count(), n.graph.edge_count()))
    }
}
