//! One e-mail, one count; replies from headers (issue 14, points 2 and 3),
//! written as the data that broke the old rules and as a hostile sender
//! would write it: copies of one e-mail under other item ids, a Bcc only the
//! sender's copy shows, a Message-ID reused by someone else, a forged
//! In-Reply-To, replies loaded before what they answer, Graph headers and
//! `conversationIndex` that contradict a conversation's order.

mod common;

use common::{directory, engine, ADA, BOB, CLEO, EVE};
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, LoadOptions, LoadReport, Target};
use serde_json::{json, Value};

const NOW: &str = "2026-03-31T00:00:00Z";
const TEAM: Consent = Consent { aggregated: false, identifiable: true };

fn mail(id: &str, from: &str, to: &[&str], at: &str, message_id: &str) -> Value {
    json!({ "id": id, "kind": "email", "from": from, "to": to, "at": at, "messageId": message_id })
}

fn load(e: &mut Engine, records: &[Value]) -> LoadReport {
    e.load_interactions(Value::from(records.to_vec()).to_string().as_bytes(), LoadOptions::default()).unwrap()
}

fn team(records: &[&[Value]]) -> Engine {
    let mut e = engine(ADA, TEAM, NOW);
    e.load_people(directory().to_string().as_bytes(), LoadOptions::default()).unwrap();
    for batch in records {
        load(&mut e, batch);
    }
    e
}

/// `[sent, received, replies, replies received]` with a contact, team scope.
fn kpis(e: &Engine, contact: &str) -> [u32; 4] {
    let r = e
        .relationship(&Target::Contact(contact.into()), DataScope::Team, None, &HealthOptions::default())
        .unwrap();
    let k = r.kpis;
    [k.emails_sent, k.emails_received, k.replies, k.replies_received]
}

#[test]
fn a_sent_copy_and_an_inbox_copy_are_one_email_whatever_the_order() {
    let sent = mail("sent-1", ADA, &[CLEO], "2026-03-02T09:00:00Z", "<Q1@Northwind.example>");
    let inbox = mail("inbox-1", ADA, &[CLEO], "2026-03-02T09:00:00Z", "q1@northwind.example");
    // Same id after normalisation? No: the local part's case counts, so
    // `Q1@…` and `q1@…` are two e-mails; the domain's case does not.
    let inbox_same = mail("inbox-2", ADA, &[CLEO], "2026-03-02T09:00:00Z", "<Q1@northwind.EXAMPLE>");
    for order in [[&sent, &inbox_same], [&inbox_same, &sent]] {
        let mut e = team(&[]);
        load(&mut e, &[order[0].clone()]);
        let second = load(&mut e, &[order[1].clone()]);
        assert_eq!((second.accepted, second.same_message), (0, 1));
        assert_eq!(kpis(&e, CLEO), [1, 0, 0, 0]);
    }
    let mut e = team(&[]);
    let both = load(&mut e, &[sent.clone(), inbox.clone()]);
    assert_eq!((both.accepted, both.same_message), (2, 0), "local parts differ in case: two e-mails");
}

#[test]
fn a_bcc_only_the_senders_copy_shows_never_reaches_the_recipients_view() {
    // Cleo writes to Ada and Bob with Zed (an undeclared address) in Bcc:
    // Cleo's Sent copy lists Zed, Ada's Inbox copy does not.
    let zed = "zed@fabrikam.example";
    let cleo_sent =
        mail("cleo-sent", CLEO, &[ADA, BOB, zed], "2026-03-02T09:00:00Z", "<bcc@contoso.example>");
    let ada_inbox = mail("ada-inbox", CLEO, &[ADA, BOB], "2026-03-02T09:00:00Z", "<bcc@contoso.example>");
    for order in [[&cleo_sent, &ada_inbox], [&ada_inbox, &cleo_sent]] {
        let e = team(&[&[order[0].clone()], &[order[1].clone()]]);
        assert_eq!(e.stats().0, 1);
        // Zed is on no stored row: unknown to every view, own and team alike.
        for scope in [DataScope::Own, DataScope::Team] {
            let r = e.relationship(&Target::Contact(zed.into()), scope, None, &HealthOptions::default());
            assert!(r.is_err(), "{scope:?}: the Bcc'd address is still known");
        }
        assert_eq!(kpis(&e, CLEO), [0, 1, 0, 0]);
    }
}

#[test]
fn a_reused_message_id_neither_hijacks_nor_erases_the_original() {
    let m = "<deal@contoso.example>";
    let original = mail("orig", CLEO, &[ADA], "2026-03-02T09:00:00Z", m);
    // Eve reuses Cleo's Message-ID, at the same time, to the same people.
    let forged = mail("forged", EVE, &[ADA], "2026-03-02T09:00:00Z", m);
    let answer = json!({ "id": "ans", "kind": "email", "from": ADA, "to": [CLEO], "at": "2026-03-02T10:00:00Z", "inReplyTo": m });
    for order in [[&forged, &original], [&original, &forged]] {
        let mut e = team(&[&[order[0].clone()]]);
        let r = load(&mut e, &[order[1].clone(), answer.clone()]);
        assert_eq!((r.accepted, r.same_message), (2, 0));
        assert_eq!(kpis(&e, CLEO), [1, 1, 1, 0], "Cleo's e-mail and Ada's answer to it");
        assert_eq!(kpis(&e, EVE), [0, 1, 0, 0], "Eve's e-mail is her own, answered by nobody");
    }
}

#[test]
fn a_forged_in_reply_to_attaches_nothing_to_mail_the_forger_was_not_on() {
    let m = "<offer@northwind.example>";
    // Ada writes to Cleo; Eve, on neither side of it, claims to answer it.
    let offer = mail("offer", ADA, &[CLEO], "2026-03-02T09:00:00Z", m);
    let forged = json!({ "id": "eve", "kind": "email", "from": EVE, "to": [BOB], "at": "2026-03-02T09:05:00Z", "inReplyTo": m });
    let e = team(&[&[forged.clone(), offer.clone()]]);
    assert_eq!(kpis(&e, EVE), [0, 1, 0, 0], "no reply, no response time for the forger");
    assert_eq!(kpis(&e, CLEO), [1, 0, 0, 0]);
    // Ada's own view: Eve's mail, to Bob, is not hers to see at all.
    let own = e
        .relationship(&Target::Contact(EVE.into()), DataScope::Own, None, &HealthOptions::default())
        .unwrap();
    assert_eq!((own.kpis.emails_received, own.kpis.replies_received), (0, 0));
}

#[test]
fn a_reply_loaded_before_its_original_links_once_the_original_is_stored() {
    let m = "<q@contoso.example>";
    let question = mail("q", CLEO, &[ADA], "2026-03-02T09:00:00Z", m);
    let answer = json!({ "id": "a", "kind": "email", "from": ADA, "to": [CLEO], "at": "2026-03-02T09:30:00Z", "inReplyTo": m });
    let e = team(&[std::slice::from_ref(&answer)]);
    assert_eq!(kpis(&e, CLEO), [1, 0, 0, 0]);
    let e = team(&[std::slice::from_ref(&answer), std::slice::from_ref(&question)]);
    assert_eq!(kpis(&e, CLEO), [1, 1, 1, 0]);
    let r = e
        .relationship(&Target::Contact(CLEO.into()), DataScope::Team, None, &HealthOptions::default())
        .unwrap();
    assert_eq!(r.kpis.median_response_minutes, Some(30.0));
    // Clock skew: an answer dated before its question is an e-mail, not a reply.
    let early = json!({ "id": "a", "kind": "email", "from": ADA, "to": [CLEO], "at": "2026-03-02T08:59:00Z", "inReplyTo": m });
    let e = team(&[&[early], &[question]]);
    assert_eq!(kpis(&e, CLEO), [1, 1, 0, 0]);
}

fn party(a: &str) -> Value {
    json!({ "emailAddress": { "address": a } })
}

fn message(id: &str, from: &str, to: &str, at: &str, extra: Value) -> Value {
    let mut m = json!({ "id": id, "conversationId": "conv", "sentDateTime": at, "from": party(from), "toRecipients": [party(to)] });
    m.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    m
}

fn graph(e: &mut Engine, items: &[Value]) -> LoadReport {
    let page = json!({ "value": items }).to_string();
    e.load_interactions(
        page.as_bytes(),
        LoadOptions { format: rapport::Format::Graph, lenient: false, mailbox: None },
    )
    .unwrap()
}

#[test]
fn graph_headers_and_conversation_index_beat_the_conversations_order() {
    // Cleo asks (q), Ada answers (a); Dan-less: Cleo then writes a second,
    // unrelated note (n) before Ada's answer is sent. By order, Ada's answer
    // would answer n; the headers say it answers q.
    let q = message(
        "q",
        CLEO,
        ADA,
        "2026-03-02T09:00:00Z",
        json!({
        "internetMessageId": "<q@contoso.example>",
        "internetMessageHeaders": [{ "name": "Message-ID", "value": "<q@contoso.example>" }] }),
    );
    let n = message(
        "n",
        CLEO,
        ADA,
        "2026-03-02T09:10:00Z",
        json!({
        "internetMessageId": "<n@contoso.example>",
        "internetMessageHeaders": [{ "name": "Message-ID", "value": "<n@contoso.example>" }] }),
    );
    let a = message(
        "a",
        ADA,
        CLEO,
        "2026-03-02T09:20:00Z",
        json!({
        "internetMessageId": "<a@northwind.example>",
        "internetMessageHeaders": [{ "name": "in-reply-to", "value": "<q@contoso.example>" }] }),
    );
    let mut e = team(&[]);
    graph(&mut e, &[a.clone(), n.clone()]);
    graph(&mut e, std::slice::from_ref(&q));
    let r = e
        .relationship(&Target::Contact(CLEO.into()), DataScope::Team, None, &HealthOptions::default())
        .unwrap();
    assert_eq!(r.kpis.replies, 1);
    assert_eq!(r.kpis.median_response_minutes, Some(20.0), "answers q (20 minutes), not n (10)");

    // The same with conversationIndex only: a's index extends q's.
    let root = "AQHXAAAAAAAAAAAAAAAAAAAAAAAAAA==";
    let child_of_root = "AQHXAAAAAAAAAAAAAAAAAAAAAAAAAAECAwQF";
    let other_root = "AQHXAAAAAAAAAAAAAAAAAAAAAAAAAQ==";
    let q = message("q", CLEO, ADA, "2026-03-02T09:00:00Z", json!({ "conversationIndex": root }));
    let n = message("n", CLEO, ADA, "2026-03-02T09:10:00Z", json!({ "conversationIndex": other_root }));
    let a = message("a", ADA, CLEO, "2026-03-02T09:20:00Z", json!({ "conversationIndex": child_of_root }));
    let mut e = team(&[]);
    graph(&mut e, &[a, n]);
    graph(&mut e, &[q]);
    let r = e
        .relationship(&Target::Contact(CLEO.into()), DataScope::Team, None, &HealthOptions::default())
        .unwrap();
    assert_eq!((r.kpis.replies, r.kpis.median_response_minutes), (1, Some(20.0)));
}

#[test]
fn graph_sent_and_inbox_copies_merge_by_internet_message_id() {
    let id = json!({ "internetMessageId": "<x@northwind.example>" });
    let sent = message("AAMk-sent", ADA, CLEO, "2026-03-02T09:00:00Z", id.clone());
    let inbox = message("AAMk-inbox", ADA, CLEO, "2026-03-02T09:00:00Z", id);
    let mut e = team(&[]);
    let r = graph(&mut e, &[sent, inbox]);
    assert_eq!((r.accepted, r.same_message), (1, 1));
    assert_eq!(kpis(&e, CLEO), [1, 0, 0, 0]);
}

#[test]
fn a_message_id_without_an_at_sign_is_refused_with_its_field() {
    let mut e = team(&[]);
    let bad = mail("x", ADA, &[CLEO], "2026-03-02T09:00:00Z", "<no-at-sign>");
    let err = e
        .load_interactions(Value::from(vec![bad]).to_string().as_bytes(), LoadOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("messageId"), "{err}");
}

/// Two copies of one e-mail in a batch that also replaces a held record (so
/// the store is compacted and keys are looked up again before storing): the
/// viewer whom one copy shows stays on the merged e-mail as themselves, and
/// no person without an id appears.
#[test]
fn copies_merged_in_a_batch_that_replaces_a_record_keep_the_viewer() {
    let old = json!({ "id": "x", "kind": "email", "from": BOB, "to": [EVE], "at": "2026-03-01T09:00:00Z" });
    let mut e = team(&[&[old]]);
    let update =
        json!({ "id": "x", "kind": "email", "from": BOB, "to": [EVE], "at": "2026-03-02T09:00:00Z" });
    let report = load(
        &mut e,
        &[
            update,
            mail("inbox", CLEO, &[ADA, BOB], "2026-03-10T09:00:00Z", "<m@contoso.example>"),
            mail("sent", CLEO, &[BOB], "2026-03-10T09:00:00Z", "<m@contoso.example>"),
        ],
    );
    assert_eq!((report.updated, report.accepted, report.same_message), (1, 1, 1));
    // Ada's own view counts the e-mail Cleo sent her.
    let own = e
        .relationship(&Target::Contact(CLEO.into()), DataScope::Own, None, &HealthOptions::default())
        .unwrap();
    assert_eq!(own.kpis.emails_received, 1);
    // And the team's view: the merged e-mail is on Ada's and Bob's rows.
    assert_eq!(kpis(&e, CLEO), [0, 1, 0, 0]);
}
