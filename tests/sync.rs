//! Loading is a sync (issue 14, point 1): what real mailboxes do and demo
//! data never does. A rescheduled meeting, a meeting cancelled after it was
//! loaded, Graph delta pages with `@removed` entries, deletions from
//! JavaScript, and a sender reusing someone else's record id. Each engine is
//! compared, output by output, with an engine given only the final state of
//! the mailbox in one load.

mod common;

use common::attack::*;
use common::*;
use rapport::{Consent, Engine, Format, LoadOptions, LoadReport};
use serde_json::{json, Value};

const GRAPH: LoadOptions = LoadOptions { format: Format::Graph, lenient: false, mailbox: None };
const LENIENT: LoadOptions = LoadOptions { format: Format::Auto, lenient: true, mailbox: None };

fn contacts() -> Vec<String> {
    [ADA, BOB, CLEO, DAN, EVE].iter().map(|s| s.to_string()).collect()
}

/// An engine of Ada with the hand-built directory.
fn ada(consent: Consent) -> Engine {
    let mut e = eng(consent);
    people(&mut e, &directory());
    e
}

/// Ada's engine given `records` in one load: the final state.
fn final_state(consent: Consent, records: &Value) -> Engine {
    let mut e = ada(consent);
    mail(&mut e, records);
    e
}

fn same_outputs(a: &Engine, b: &Engine) {
    assert_eq!(outputs(a, &contacts()), outputs(b, &contacts()));
}

fn page(e: &mut Engine, page: &Value) -> LoadReport {
    e.load_interactions(page.to_string().as_bytes(), GRAPH).unwrap()
}

fn party(address: &str) -> Value {
    json!({ "emailAddress": { "address": address } })
}

fn attendee(address: &str) -> Value {
    json!({ "type": "required", "status": { "response": "accepted" }, "emailAddress": { "address": address } })
}

/// A Graph event as `/calendarView/delta` returns it.
fn event(id: &str, start: &str, end: &str, modified: &str, cancelled: bool) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.event",
        "id": id,
        "lastModifiedDateTime": modified,
        "isCancelled": cancelled,
        "isAllDay": false,
        "start": { "dateTime": start, "timeZone": "UTC" },
        "end": { "dateTime": end, "timeZone": "UTC" },
        "organizer": party(ADA),
        "attendees": [attendee(CLEO), attendee(DAN)],
    })
}

fn message(id: &str, conversation: &str, from: &str, to: &str, sent: &str) -> Value {
    json!({
        "id": id,
        "conversationId": conversation,
        "sentDateTime": sent,
        "lastModifiedDateTime": sent,
        "isDraft": false,
        "from": party(from),
        "toRecipients": [party(to)],
    })
}

fn delta(items: Vec<Value>) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(event)",
        "@odata.deltaLink": "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmci39",
        "value": items,
    })
}

fn removed(id: &str, reason: &str) -> Value {
    json!({ "id": id, "@removed": { "reason": reason } })
}

fn minutes(e: &Engine) -> (u32, f64) {
    let k = e.own_insights(Some(365)).unwrap().kpis;
    (k.meetings, k.meeting_minutes)
}

#[test]
fn a_rescheduled_meeting_takes_its_new_time_and_length() {
    let first = meeting("m1", ADA, &[CLEO, DAN], "2026-02-10T09:00:00Z", 60.0);
    let mut moved = meeting("m1", ADA, &[CLEO, DAN], "2026-02-12T15:00:00Z", 30.0);
    moved["modifiedAt"] = json!("2026-02-09T08:00:00Z");
    let mut e = ada(ALL);
    mail(&mut e, &json!([first]));
    let r = mail(&mut e, &json!([moved]));
    assert_eq!((r.accepted, r.updated, r.duplicates), (0, 1, 0));
    assert_eq!(minutes(&e), (1, 30.0));
    same_outputs(&e, &final_state(ALL, &json!([moved])));
}

#[test]
fn graph_versions_are_ordered_by_last_modified_whatever_order_pages_come_in() {
    let v1 = event("AAMk-1", "2026-02-10T09:00:00", "2026-02-10T10:00:00", "2026-02-01T08:00:00Z", false);
    let v2 =
        event("AAMk-1", "2026-02-12T15:00:00", "2026-02-12T15:30:00", "2026-02-05T08:00:00.1234567Z", false);
    let mut forward = ada(ALL);
    page(&mut forward, &delta(vec![v1.clone()]));
    let r = page(&mut forward, &delta(vec![v2.clone()]));
    assert_eq!(r.updated, 1);
    let mut backward = ada(ALL);
    page(&mut backward, &delta(vec![v2.clone()]));
    let r = page(&mut backward, &delta(vec![v1.clone()]));
    assert_eq!((r.updated, r.duplicates), (0, 1), "the older version arrives late: stale");
    let mut once = ada(ALL);
    page(&mut once, &delta(vec![v2]));
    assert_eq!(minutes(&once), (1, 30.0));
    same_outputs(&forward, &once);
    same_outputs(&backward, &once);
}

#[test]
fn a_meeting_cancelled_after_it_was_loaded_leaves_every_figure() {
    let v1 = event("AAMk-2", "2026-02-10T09:00:00", "2026-02-10T10:00:00", "2026-02-01T08:00:00Z", false);
    let cancelled =
        event("AAMk-2", "2026-02-10T09:00:00", "2026-02-10T10:00:00", "2026-02-03T08:00:00Z", true);
    let mut e = ada(ALL);
    page(&mut e, &delta(vec![v1]));
    assert_eq!(minutes(&e), (1, 60.0));
    let r = page(&mut e, &delta(vec![cancelled]));
    assert_eq!(r.cancelled, 1);
    assert_eq!(minutes(&e), (0, 0.0));
    assert_eq!(e.stats().0, 0);
    // SPEC records alike.
    let mut e = ada(ALL);
    mail(&mut e, &json!([meeting("m2", ADA, &[CLEO], "2026-02-10T09:00:00Z", 45.0)]));
    let mut off = meeting("m2", ADA, &[CLEO], "2026-02-10T09:00:00Z", 45.0);
    off["cancelled"] = json!(true);
    mail(&mut e, &json!([off]));
    assert_eq!(minutes(&e), (0, 0.0));
}

#[test]
fn delta_pages_load_with_their_removed_entries() {
    let v1 = event("AAMk-3", "2026-02-10T09:00:00", "2026-02-10T10:00:00", "2026-02-01T08:00:00Z", false);
    let v2 = event("AAMk-4", "2026-02-11T09:00:00", "2026-02-11T09:45:00", "2026-02-01T08:00:00Z", false);
    let mut e = ada(ALL);
    page(&mut e, &delta(vec![v1, v2.clone()]));
    // The next round: one event deleted, one moved out of the view, one never seen.
    let r = page(
        &mut e,
        &delta(vec![
            removed("AAMk-3", "deleted"),
            removed("AAMk-9", "changed"),
            removed("AAMk-4", "changed"),
        ]),
    );
    assert_eq!((r.deleted, r.not_found, r.rejected), (2, 1, 0));
    assert_eq!((r.emails, r.meetings), (0, 0), "a removal is not an item read");
    assert_eq!(e.stats().0, 0);
    // "changed" is not remembered: the event coming back loads again.
    assert_eq!(page(&mut e, &delta(vec![v2])).accepted, 1);
}

#[test]
fn a_removed_message_takes_its_inferred_replies_with_it() {
    let m1 = message("g1", "conv-1", ADA, CLEO, "2026-02-02T09:00:00Z");
    let m2 = message("g2", "conv-1", CLEO, ADA, "2026-02-02T10:00:00Z");
    let m3 = message("g3", "conv-1", ADA, CLEO, "2026-02-02T11:00:00Z");
    let mut e = ada(ALL);
    page(&mut e, &json!({ "value": [m1.clone(), m2, m3.clone()] }));
    page(&mut e, &delta(vec![removed("g2", "deleted")]));
    let mut once = ada(ALL);
    page(&mut once, &json!({ "value": [m1, m3] }));
    same_outputs(&e, &once);
}

#[test]
fn remove_interactions_deletes_every_string_only_the_row_carried_and_forgets_the_id() {
    let secret = "quentin@secret.example";
    let records = json!([
        email("r1", ADA, &[secret], "2026-02-02T09:00:00Z"),
        email("r2", ADA, &[CLEO], "2026-02-03T09:00:00Z"),
    ]);
    let mut e = ada(NONE);
    mail(&mut e, &records);
    assert_eq!(leaked(&e, &[secret, "r1"]), vec![secret, "r1"]);
    let r = e.remove_interactions(&["r1", "r1", "never-loaded"]).unwrap();
    assert_eq!((r.deleted, r.not_found), (1, 2));
    assert!(leaked(&e, &[secret, "r1"]).is_empty());
    same_outputs(&e, &final_state(NONE, &json!([records[1]])));
    // Not remembered: the same id loads again.
    assert_eq!(mail(&mut e, &json!([records[0]])).accepted, 1);
    // Bad ids refuse the call, which changes nothing.
    let err = e.remove_interactions(&["r2", " "]).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTIONS");
    assert_eq!(e.stats().0, 2);
}

#[test]
fn spec_deletions_and_their_versions() {
    let mut e = ada(ALL);
    let mut r1 = email("d1", ADA, &[CLEO], "2026-02-02T09:00:00Z");
    r1["modifiedAt"] = json!(1_770_000_000_000i64);
    mail(&mut e, &json!([r1]));
    // A deletion older than the held version is stale; a later one deletes.
    let stale = mail(&mut e, &json!([{ "id": "d1", "deleted": true, "modifiedAt": 1_760_000_000_000i64 }]));
    assert_eq!((stale.deleted, stale.duplicates), (0, 1));
    let gone = mail(&mut e, &json!([{ "id": "d1", "deleted": true }]));
    assert_eq!((gone.deleted, gone.accepted, gone.emails), (1, 0, 0));
    assert_eq!(e.stats().0, 0);
    // In one batch records apply in order: load, delete, load again.
    let batch = json!([
        email("d2", ADA, &[CLEO], "2026-02-02T09:00:00Z"),
        { "id": "d2", "deleted": true },
        email("d2", ADA, &[DAN], "2026-02-03T09:00:00Z"),
    ]);
    let r = mail(&mut e, &batch);
    assert_eq!((r.accepted, r.deleted), (2, 1));
    same_outputs(&e, &final_state(ALL, &json!([email("d2", ADA, &[DAN], "2026-02-03T09:00:00Z")])));
}

#[test]
fn a_hostile_sender_cannot_replace_or_remove_someone_elses_record_by_reusing_its_id() {
    // Ids a converter took from a header the sender writes (a Message-ID):
    // Eve sends a record with the id of Ada's mail to Cleo, later, to Bob.
    let mut e = ada(NONE);
    let own = email("<cafe@northwind.example>", ADA, &[CLEO], "2026-02-02T09:00:00Z");
    mail(&mut e, &json!([own]));
    let mut forged = email("<cafe@northwind.example>", EVE, &[BOB], "2026-02-05T09:00:00Z");
    forged["modifiedAt"] = json!("2026-02-05T09:00:00Z");
    let r = e.load_interactions(json!([forged]).to_string().as_bytes(), LENIENT).unwrap();
    assert_eq!((r.rejected, r.errors[0].field.as_str(), r.updated), (1, "from", 0));
    // Strict: the batch is refused and nothing changes.
    let err = e.load_interactions(json!([forged]).to_string().as_bytes(), LoadOptions::default());
    assert_eq!(err.unwrap_err().code(), "INVALID_INPUT");
    // Nor as another kind of interaction.
    let mut as_call = call("<cafe@northwind.example>", ADA, BOB, "2026-02-05T09:00:00Z", 5.0);
    as_call["modifiedAt"] = json!("2026-02-05T09:00:00Z");
    let r = e.load_interactions(json!([as_call]).to_string().as_bytes(), LENIENT).unwrap();
    assert_eq!((r.rejected, r.errors[0].field.as_str()), (1, "kind"));
    same_outputs(&e, &final_state(NONE, &json!([own])));
}

#[test]
fn an_update_that_leaves_the_viewer_out_is_not_kept_without_consent() {
    // Ada was invited, then taken off the meeting: without consent to
    // others' data the new version is not kept, and the old one goes.
    let before = meeting("m3", BOB, &[ADA, CLEO], "2026-02-10T09:00:00Z", 60.0);
    let after = meeting("m3", BOB, &[CLEO], "2026-02-10T09:00:00Z", 60.0);
    let mut e = ada(NONE);
    mail(&mut e, &json!([before]));
    let r = mail(&mut e, &json!([after]));
    assert_eq!(r.dropped_no_consent, 1);
    assert_eq!(e.stats().0, 0);
    same_outputs(&e, &final_state(NONE, &json!([after])));
}

#[test]
fn an_opted_out_persons_update_is_dropped_and_the_update_adding_them_leaves_them_out() {
    let x = "xavier@ext.example";
    let mut e = ada(ALL);
    e.opt_out(x).unwrap();
    let first = email("o1", ADA, &[CLEO], "2026-02-02T09:00:00Z");
    let second = email("o1", ADA, &[CLEO, x], "2026-02-02T09:00:00Z");
    mail(&mut e, &json!([first]));
    // Naming the opted-out person changes nothing that is stored: a duplicate.
    assert_eq!(mail(&mut e, &json!([second])).duplicates, 1);
    let from_x = json!([
        email("o2", x, &[ADA], "2026-02-02T09:00:00Z"),
        email("o2", x, &[ADA, BOB], "2026-02-03T09:00:00Z")
    ]);
    assert_eq!(mail(&mut e, &from_x).dropped_opted_out, 2);
    let mut once = ada(ALL);
    once.opt_out(x).unwrap();
    mail(&mut once, &json!([second]));
    same_outputs(&e, &once);
    assert!(leaked(&e, &[x]).is_empty());
}

#[test]
fn versions_survive_a_snapshot() {
    let mut e = ada(ALL);
    let mut v2 = email("s1", ADA, &[CLEO], "2026-02-03T09:00:00Z");
    v2["modifiedAt"] = json!("2026-02-03T10:00:00Z");
    mail(&mut e, &json!([v2]));
    let mut reopened = roundtrip(&e, ALL);
    let mut v1 = email("s1", ADA, &[DAN], "2026-02-02T09:00:00Z");
    v1["modifiedAt"] = json!("2026-02-02T10:00:00Z");
    assert_eq!(mail(&mut reopened, &json!([v1])).duplicates, 1, "older than the version in the snapshot");
    same_outputs(&reopened, &final_state(ALL, &json!([v2])));
}
