//! Names people recognise (issue 14, point 5) and X.500 senders (point 6),
//! as an attacker would test them: a sender who renames someone else, a
//! name that only deleted mail carried, a legacyExchangeDN in another case
//! than the directory's alias.

use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, EngineOptions, Format, LoadOptions, Target};
use serde_json::{json, Value};

const MEGAN: &str = "meganb@contoso.com";
const IRVIN: &str = "irvins@contoso.com";
const CAROL: &str = "carol@fabrikam.com";
/// Adele Vance's X.500 address as Graph gives it for some senders (from
/// Microsoft's own `GET /me/messages` example), and as a directory lists it.
const ADELE_X500_GRAPH: &str =
    "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=A17A02BCF30C4937A87B14273385667C-ADELEV";
const ADELE_X500_DIRECTORY: &str =
    "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=a17a02bcf30c4937a87b14273385667c-AdeleV";

fn graph() -> LoadOptions {
    LoadOptions { format: Format::Graph, ..LoadOptions::default() }
}

fn engine(consent: Consent) -> Engine {
    let mut o = EngineOptions::new(MEGAN, rapport::time::parse_rfc3339("2026-04-30T00:00:00Z").unwrap());
    o.internal_domains = vec!["contoso.com".into()];
    o.consent = consent;
    Engine::new(o).unwrap()
}

fn everything() -> Consent {
    Consent { aggregated: true, identifiable: true }
}

fn party(address: &str, name: Option<&str>) -> Value {
    match name {
        Some(n) => json!({ "emailAddress": { "address": address, "name": n } }),
        None => json!({ "emailAddress": { "address": address } }),
    }
}

fn message(id: &str, from: Value, to: Vec<Value>, sent: &str) -> Value {
    json!({ "id": id, "conversationId": format!("c-{id}"), "sentDateTime": sent, "from": from, "toRecipients": to })
}

fn page(items: &[Value]) -> String {
    json!({ "value": items }).to_string()
}

/// The name the viewer's own insights give a contact they wrote to.
fn contacted_name(e: &Engine, id: &str) -> Option<String> {
    let own = e.own_insights(Some(365)).unwrap();
    own.top_contacted.iter().chain(&own.top_contacted_by).find(|c| c.id == id).and_then(|c| c.name.clone())
}

#[test]
fn a_graph_name_names_a_contact_the_directory_does_not_and_the_directory_wins() {
    let mut e = engine(everything());
    let m = message(
        "m1",
        party(MEGAN, Some("Megan Bowen")),
        vec![party(CAROL, Some("Carol Evans"))],
        "2026-04-01T09:00:00Z",
    );
    e.load_interactions(page(&[m]).as_bytes(), graph()).unwrap();
    assert_eq!(contacted_name(&e, CAROL).as_deref(), Some("Carol Evans"));
    let relationship = e
        .relationship(&Target::Contact(CAROL.into()), DataScope::Own, Some(365), &HealthOptions::default())
        .unwrap();
    assert_eq!(relationship.target.name.as_deref(), Some("Carol Evans"));

    let directory = json!([{ "id": CAROL, "name": "Carol E. (Fabrikam)" }]).to_string();
    e.load_people(directory.as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!(contacted_name(&e, CAROL).as_deref(), Some("Carol E. (Fabrikam)"));
    let later =
        message("m2", party(MEGAN, None), vec![party(CAROL, Some("Someone Else"))], "2026-04-02T09:00:00Z");
    e.load_interactions(page(&[later]).as_bytes(), graph()).unwrap();
    assert_eq!(
        contacted_name(&e, CAROL).as_deref(),
        Some("Carol E. (Fabrikam)"),
        "the directory's name wins"
    );
}

#[test]
fn a_sender_cannot_rename_someone_named_by_their_own_mail() {
    // Carol's own mail names her; a hostile sender who writes another name
    // for her as a recipient, before or after, does not change it.
    for hostile_first in [false, true] {
        let mut e = engine(everything());
        let own = message(
            "own",
            party(CAROL, Some("Carol Evans")),
            vec![party(MEGAN, None)],
            "2026-04-01T09:00:00Z",
        );
        let hostile = message(
            "hostile",
            party(IRVIN, None),
            vec![party(CAROL, Some("CEO — wire money now"))],
            "2026-04-02T09:00:00Z",
        );
        let order = if hostile_first { [hostile, own] } else { [own, hostile] };
        for item in order {
            e.load_interactions(page(&[item]).as_bytes(), graph()).unwrap();
        }
        assert_eq!(
            contacted_name(&e, CAROL).as_deref(),
            Some("Carol Evans"),
            "hostile first: {hostile_first}"
        );
    }
}

#[test]
fn a_name_only_deleted_mail_carried_is_deleted_with_it() {
    // Carol is on the viewer's own mail without a name, and named only by a
    // colleague's mail held under consent. Withdrawing consent deletes that
    // mail: her name goes with it, from results and from the snapshot.
    let secret = "Carol Known-Only-From-Irvins-Mail";
    let mut e = engine(everything());
    let mine = message("mine", party(MEGAN, None), vec![party(CAROL, None)], "2026-04-01T09:00:00Z");
    let irvins =
        message("irvins", party(IRVIN, None), vec![party(CAROL, Some(secret))], "2026-04-02T09:00:00Z");
    e.load_interactions(page(&[mine, irvins]).as_bytes(), graph()).unwrap();
    assert_eq!(contacted_name(&e, CAROL).as_deref(), Some(secret), "learned while held");
    e.set_consent(Consent::default());
    assert_eq!(contacted_name(&e, CAROL), None);
    let bytes = e.export_snapshot();
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "the name stays in the snapshot");
    let shown = serde_json::to_string(&e.own_insights(Some(365)).unwrap()).unwrap();
    assert!(!shown.contains(secret));
}

#[test]
fn a_name_is_not_learned_from_mail_that_is_not_kept() {
    // Without consent, a colleague's mail is dropped; the names it carries
    // must not stay behind on people the viewer does know.
    let secret = "Carol From A Dropped Message";
    let mut e = engine(Consent::default());
    let mine = message("mine", party(MEGAN, None), vec![party(CAROL, None)], "2026-04-01T09:00:00Z");
    let irvins =
        message("irvins", party(IRVIN, None), vec![party(CAROL, Some(secret))], "2026-04-02T09:00:00Z");
    let r = e.load_interactions(page(&[mine, irvins]).as_bytes(), graph()).unwrap();
    assert_eq!((r.accepted, r.dropped_no_consent), (1, 1));
    assert_eq!(contacted_name(&e, CAROL), None);
    assert!(!e.export_snapshot().windows(secret.len()).any(|w| w == secret.as_bytes()));
}

#[test]
fn names_survive_a_snapshot_round_trip() {
    let mut e = engine(everything());
    let m =
        message("m1", party(CAROL, Some("Carol Evans")), vec![party(MEGAN, None)], "2026-04-01T09:00:00Z");
    e.load_interactions(page(&[m]).as_bytes(), graph()).unwrap();
    let directory =
        json!([{ "id": "dan@fabrikam.com", "accountId": "fabrikam", "accountName": "Fabrikam, Inc." }]);
    e.load_people(directory.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let mut o = EngineOptions::new(MEGAN, rapport::time::parse_rfc3339("2026-04-30T00:00:00Z").unwrap());
    o.internal_domains = vec!["contoso.com".into()];
    o.consent = everything();
    let back = Engine::from_snapshot(&e.export_snapshot(), o).unwrap();
    assert_eq!(contacted_name(&back, CAROL).as_deref(), Some("Carol Evans"));
    assert!(back.export_snapshot() == e.export_snapshot());
}

#[test]
fn an_x500_sender_resolves_through_the_directorys_alias_whatever_its_case() {
    let mut e = engine(everything());
    let directory =
        json!([{ "id": "adelev@contoso.com", "name": "Adele Vance", "aliases": [ADELE_X500_DIRECTORY] }]);
    e.load_people(directory.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let m = message(
        "x500",
        party(ADELE_X500_GRAPH, Some("Adele Vance")),
        vec![party(MEGAN, None)],
        "2026-04-01T09:00:00Z",
    );
    e.load_interactions(page(&[m]).as_bytes(), graph()).unwrap();
    let own = e.own_insights(Some(365)).unwrap();
    let ids: Vec<&str> = own.top_contacted_by.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["adelev@contoso.com"], "the X.500 sender is Adele");
    assert_eq!(own.kpis.emails_received, 1);
}

#[test]
fn account_names_from_the_directory_name_accounts_wherever_results_carry_their_ids() {
    let mut e = engine(everything());
    let directory = json!([
        { "id": "zoe@fabrikam.com", "accountId": "fabrikam", "accountName": "Zoe's idea of a name" },
        { "id": CAROL, "accountId": "fabrikam", "accountName": "Fabrikam, Inc." },
        { "id": "dan@tailspin.example", "accountId": "tailspin" },
    ]);
    e.load_people(directory.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let items = [
        message("m1", party(MEGAN, None), vec![party(CAROL, None)], "2026-04-01T09:00:00Z"),
        message("m2", party(MEGAN, None), vec![party("zoe@fabrikam.com", None)], "2026-04-02T09:00:00Z"),
        message("m3", party(MEGAN, None), vec![party("dan@tailspin.example", None)], "2026-04-03T09:00:00Z"),
    ];
    e.load_interactions(page(&items).as_bytes(), graph()).unwrap();
    let health = HealthOptions::default();
    let account =
        e.relationship(&Target::Account("fabrikam".into()), DataScope::Own, Some(365), &health).unwrap();
    assert_eq!(
        (account.target.id.as_str(), account.target.name.as_deref()),
        ("fabrikam", Some("Fabrikam, Inc."))
    );
    let contact = e.relationship(&Target::Contact(CAROL.into()), DataScope::Own, Some(365), &health).unwrap();
    assert_eq!(contact.target.account_name.as_deref(), Some("Fabrikam, Inc."));
    let by_account = e.relationship_summaries(true, DataScope::Own, Some(365), &health).unwrap();
    let names: Vec<(&str, Option<&str>)> =
        by_account.iter().map(|s| (s.id.as_str(), s.name.as_deref())).collect();
    assert_eq!(names, [("fabrikam", Some("Fabrikam, Inc.")), ("tailspin", Some("tailspin"))]);
    let by_contact = e.relationship_summaries(false, DataScope::Own, Some(365), &health).unwrap();
    let zoe = by_contact.iter().find(|s| s.id == "zoe@fabrikam.com").unwrap();
    assert_eq!(zoe.account_name.as_deref(), Some("Zoe's idea of a name"), "a contact shows its own entry's");
}
