//! Load-level tests of Graph pages: a long sync in small pages costs each
//! page its own conversations.

use super::{load, page_items};
use crate::consent::Retention;
use crate::load::batch::{Format, LoadOptions};
use crate::store::threads::reply_work;
use crate::store::Store;

/// Issue 12 (class 12, Graph part): a 20,000-message sync in pages of 10,
/// each page continuing stored conversations, looks at each stored row a
/// bounded number of times in all, not at the whole store per page.
#[test]
fn class_12_a_page_that_continues_stored_conversations_costs_its_own_conversations() {
    let party = |a: &str| format!(r#"{{"emailAddress":{{"address":"{a}"}}}}"#);
    let n = 20_000;
    let mut store = Store::new(vec!["northwind.example".into()]);
    let opts = LoadOptions { format: Format::Graph, ..LoadOptions::default() };
    let retention = Retention { viewer: None, others: true };
    reply_work::ROWS.with(|c| c.set(0));
    for page in 0..n / 10 {
        let items: Vec<String> = (0..10)
            .map(|i| {
                let m = page * 10 + i;
                // 500 conversations, each continued by every 50th page.
                let (from, to) = if m % 2 == 0 { ("ada", "cleo") } else { ("cleo", "ada") };
                format!(
                    r#"{{"id":"m{m}","conversationId":"conv-{}","sentDateTime":"2026-01-01T{:02}:{:02}:{:02}Z","from":{},"toRecipients":[{}]}}"#,
                    m % 500,
                    (m / 3600) % 24,
                    (m / 60) % 60,
                    m % 60,
                    party(&format!("{from}@northwind.example")),
                    party(&format!("{to}@contoso.example")),
                )
            })
            .collect();
        let text = format!(r#"{{"value":[{}]}}"#, items.join(","));
        load(&mut store, page_items(&text).unwrap(), opts.clone(), &retention).unwrap();
    }
    assert_eq!(store.rows().len(), n);
    let rows = reply_work::ROWS.with(|c| c.get());
    // Each page reads its conversations' stored e-mails: 10 conversations
    // of up to n / 500 e-mails each, so n / 10 pages · 10 · n / 500 in all.
    let bound = (n / 10) * 10 * (n / 500);
    assert!(rows <= bound, "{rows} stored rows visited for {n} messages (bound {bound})");
}
