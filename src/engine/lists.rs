//! The engine's list views (SPEC 3.1: every contact's or every account's
//! figures), and their two halves for a partitioned run (`rapport-batch`),
//! where each part holds the records of some accounts: first each part's
//! peers (the times health scores frequency against) and latest
//! interaction, then, once every part's are gathered, each part's lines
//! scored against all of them, as one engine holding everything scores them.

use std::rc::Rc;

use super::Engine;
use crate::consent::View;
use crate::error::Result;
use crate::insights::freshness::data_as_of;
use crate::insights::health::HealthOptions;
use crate::insights::peers::{part_key, Gathered, Peers};
use crate::insights::relationship::{summaries, RelationshipSummary, Scoring};
use crate::model::{DataScope, PersonKey};
use crate::time::format_rfc3339;

impl Engine {
    /// The figures of every contact or every account (`accounts`), without
    /// weekly detail, in one call (SPEC 3.1 list views).
    pub fn relationship_summaries(
        &self,
        accounts: bool,
        scope: DataScope,
        days: Option<u32>,
        health: &HealthOptions,
    ) -> Result<Vec<RelationshipSummary>> {
        self.lists(accounts, scope, days, health, None, |_, _| true)
    }

    /// One part's half of what a list view reads from everyone: the times of
    /// the relationships whose part key (`peers::part_key`) `keep` keeps,
    /// and the latest interaction the view holds at or before now. Checks
    /// the consent and the window as the list view does.
    pub fn summary_peers(
        &self,
        accounts: bool,
        scope: DataScope,
        days: Option<u32>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Gathered> {
        let (window, _) = self.window(days)?;
        let view = self.open(scope.needs())?;
        let index = self.derived.contact_hits(&view);
        Ok(Gathered {
            times: Peers::times(&view, &index, accounts, |v, p| keep(&part_key(v, p))),
            latest: view.latest_at_or_before(window.end),
        })
    }

    /// The lines of the relationships `keep` keeps, scored against
    /// `gathered` (every part's peers) and dated by its latest interaction,
    /// instead of this engine's own.
    pub fn summaries_among(
        &self,
        accounts: bool,
        scope: DataScope,
        days: Option<u32>,
        health: &HealthOptions,
        gathered: Gathered,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<RelationshipSummary>> {
        self.lists(accounts, scope, days, health, Some(gathered), |v, p| keep(&part_key(v, p)))
    }

    fn lists(
        &self,
        accounts: bool,
        scope: DataScope,
        days: Option<u32>,
        health: &HealthOptions,
        gathered: Option<Gathered>,
        keep: impl Fn(&View, PersonKey) -> bool,
    ) -> Result<Vec<RelationshipSummary>> {
        health.validate()?;
        let (window, days) = self.window(days)?;
        let view = self.open(scope.needs())?;
        let index = self.derived.contact_hits(&view);
        // A host-set expectation scores frequency by its fixed rule instead.
        let by_peers = health.expected_per_month.is_none();
        let (peers, as_of) = match gathered {
            Some(g) => (by_peers.then(|| Rc::new(Peers::from_times(g.times))), g.latest.map(format_rfc3339)),
            None => (by_peers.then(|| self.derived.peers(&view, accounts)), data_as_of(&view, window.end)),
        };
        let scoring = Scoring { options: health, peers: peers.as_deref() };
        Ok(summaries(&view, accounts, &index, window, days, scoring, keep, as_of))
    }
}
