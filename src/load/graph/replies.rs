//! Who answers whom in a Graph conversation. Graph gives no reply link, only
//! `conversationId` and `sentDateTime`: the store works the links out from
//! each conversation's order ([`Store::derive_replies`]), among the rows it
//! holds, so pages may come in any order (Graph lists messages newest first
//! by default) and a purge never leaves a link to a row that is gone.

use crate::load::staging::Staged;
use crate::model::Kind;
use crate::store::Store;

/// Works out the replies of every conversation a stored batch touches.
pub(super) fn thread<'s, 't: 's>(store: &mut Store, staged: impl Iterator<Item = &'s Staged<'t>>) {
    let mut threads: Vec<u32> = staged
        .filter(|s| s.record.kind == Kind::Email)
        .filter_map(|s| s.record.thread.as_deref().and_then(|t| store.thread_key(t)))
        .collect();
    store.derive_replies(&mut threads);
}
