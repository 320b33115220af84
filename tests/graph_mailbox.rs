//! The mailbox a page came from (issue 14, point 4): mail that reached the
//! viewer through a distribution list names the list, not the viewer; a load
//! that names its mailbox counts every item in it as the viewer's. And what
//! a hostile page could do with `mailbox`: name someone else.

use rapport::{Consent, Engine, EngineOptions, Format, LoadOptions};
use serde_json::{json, Value};

const MEGAN: &str = "meganb@contoso.com";
const TEAM: &str = "sales-team@contoso.com";
const DAN: &str = "dan.jump@fabrikam.com";
const IRVIN: &str = "irvins@contoso.com";

fn engine(consent: Consent) -> Engine {
    let mut o = EngineOptions::new(MEGAN, rapport::time::parse_rfc3339("2026-04-30T00:00:00Z").unwrap());
    o.internal_domains = vec!["contoso.com".into()];
    o.consent = consent;
    let mut e = Engine::new(o).unwrap();
    let directory = json!([
        { "id": TEAM, "name": "Sales team", "kind": "group" },
        { "id": MEGAN, "name": "Megan Bowen", "aliases": ["megan@contoso.com"] },
    ]);
    e.load_people(directory.to_string().as_bytes(), LoadOptions::default()).unwrap();
    e
}

fn opts(mailbox: Option<&str>) -> LoadOptions {
    LoadOptions { format: Format::Graph, mailbox: mailbox.map(str::to_string), ..LoadOptions::default() }
}

fn party(address: &str) -> Value {
    json!({ "emailAddress": { "address": address } })
}

fn message(id: &str, from: &str, to: &[&str], sent: &str) -> Value {
    let to: Vec<Value> = to.iter().map(|a| party(a)).collect();
    json!({ "id": id, "conversationId": "list-thread", "sentDateTime": sent, "from": party(from), "toRecipients": to })
}

/// Megan's Inbox and Sent Items: Dan writes to the list, Megan answers Dan,
/// Dan writes to the list again, Megan answers again.
fn megans_mailbox() -> String {
    json!({ "value": [
        message("in-1", DAN, &[TEAM], "2026-04-01T09:00:00Z"),
        message("sent-1", MEGAN, &[DAN], "2026-04-01T10:00:00Z"),
        message("in-2", DAN, &[TEAM], "2026-04-02T09:00:00Z"),
        message("sent-2", MEGAN, &[DAN], "2026-04-02T09:30:00Z"),
    ]})
    .to_string()
}

#[test]
fn the_viewers_replies_to_list_mail_appear_in_own_insights() {
    for consent in [Consent::default(), Consent { aggregated: true, identifiable: true }] {
        // Without the mailbox: list mail is nobody's to Megan, her replies answer nothing.
        let mut before = engine(consent);
        before.load_interactions(megans_mailbox().as_bytes(), opts(None)).unwrap();
        let k = before.own_insights(Some(365)).unwrap().kpis;
        assert_eq!((k.emails_received, k.replies), (0, 0), "the list mail is not Megan's without a mailbox");

        let mut e = engine(consent);
        let r = e.load_interactions(megans_mailbox().as_bytes(), opts(Some(MEGAN))).unwrap();
        assert_eq!((r.accepted, r.dropped_no_consent), (4, 0), "every item of her mailbox is hers");
        let own = e.own_insights(Some(365)).unwrap();
        assert_eq!((own.kpis.emails_received, own.kpis.emails_sent, own.kpis.replies), (2, 2, 2));
        assert_eq!(own.kpis.median_response_minutes, Some(45.0), "60 and 30 minutes");
    }
}

#[test]
fn an_alias_of_the_viewer_names_the_same_mailbox() {
    let mut e = engine(Consent::default());
    e.load_interactions(megans_mailbox().as_bytes(), opts(Some("Megan@Contoso.com"))).unwrap();
    assert_eq!(e.own_insights(Some(365)).unwrap().kpis.replies, 2);
}

#[test]
fn a_mailbox_other_than_the_viewers_is_refused_and_changes_nothing() {
    // A page that claims to be Irvin's mailbox would put Irvin on list mail
    // he may never have received, and change his team figures.
    let mut e = engine(Consent { aggregated: true, identifiable: true });
    let before = e.export_snapshot();
    for other in [IRVIN, TEAM, DAN, ""] {
        let err = e.load_interactions(megans_mailbox().as_bytes(), opts(Some(other))).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTIONS", "{other}: {err}");
        assert!(err.to_string().contains("mailbox"), "{err}");
    }
    assert!(e.export_snapshot() == before);
    let err = e.load_people(b"[]", opts(Some(MEGAN))).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTIONS");
}

#[test]
fn the_owner_is_added_once_and_not_to_an_event_they_declined() {
    let mut e = engine(Consent { aggregated: true, identifiable: true });
    let declined = json!({
        "id": "ev-declined", "start": { "dateTime": "2026-04-03T09:00:00", "timeZone": "UTC" },
        "end": { "dateTime": "2026-04-03T10:00:00", "timeZone": "UTC" },
        "organizer": party(DAN),
        "attendees": [
            { "emailAddress": { "address": MEGAN }, "status": { "response": "declined" } },
            { "emailAddress": { "address": TEAM } },
        ],
    });
    let via_list = json!({
        "id": "ev-list", "start": { "dateTime": "2026-04-04T09:00:00", "timeZone": "UTC" },
        "end": { "dateTime": "2026-04-04T10:00:00", "timeZone": "UTC" },
        "organizer": party(DAN), "attendees": [{ "emailAddress": { "address": TEAM } }],
    });
    // Megan named under an alias, and Megan as the sender: never twice, never her own recipient.
    let alias = message("alias", DAN, &["megan@contoso.com"], "2026-04-05T09:00:00Z");
    let bcc = json!({ "id": "bcc", "sentDateTime": "2026-04-06T09:00:00Z", "from": party(DAN), "toRecipients": [] });
    let note = json!({ "id": "note", "sentDateTime": "2026-04-06T10:00:00Z", "from": party(MEGAN), "toRecipients": [] });
    let page = json!({ "value": [declined, via_list, alias, bcc, note] }).to_string();
    let r = e.load_interactions(page.as_bytes(), opts(Some(MEGAN))).unwrap();
    assert_eq!((r.accepted, r.skipped_solo), (4, 1), "{r:?}");
    let k = e.own_insights(Some(365)).unwrap().kpis;
    assert_eq!(k.meetings, 1, "the declined meeting is not hers");
    assert_eq!(k.emails_received, 2, "the alias copy and the Bcc copy");
    let (rows, _) = e.stats();
    assert_eq!(rows, 4);
}

#[test]
fn spec_records_follow_the_same_mailbox_rule() {
    let mut e = engine(Consent::default());
    let records = json!([
        { "id": "a", "kind": "email", "from": DAN, "to": [TEAM], "at": "2026-04-01T09:00:00Z" },
        { "id": "b", "kind": "email", "from": MEGAN, "to": [DAN], "at": "2026-04-01T10:00:00Z", "inReplyTo": "a" },
    ]);
    let spec = LoadOptions { mailbox: Some(MEGAN.into()), ..LoadOptions::default() };
    let r = e.load_interactions(records.to_string().as_bytes(), spec).unwrap();
    assert_eq!(r.accepted, 2);
    let k = e.own_insights(Some(365)).unwrap().kpis;
    assert_eq!((k.emails_received, k.replies), (1, 1));
}
