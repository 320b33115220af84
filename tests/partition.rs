//! `rapport::partition`: which groups a record is routed to, read from the
//! directory as the tables read it. A record missing a group it names would
//! lose that group's figures in the batch; one routed by an alias or a case
//! the tables do not merge would split a group.

use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::partition::{group_key, sender_part, Partitioner, Route};
use rapport::EngineOptions;

const PEOPLE: &str = r#"[
  {"id":"ada@org.example","internal":true,"department":"Sales","aliases":["a.lovelace@org.example"]},
  {"id":"bob@org.example","internal":true,"department":"Legal","optedOut":true},
  {"id":"cy@org.example","internal":true},
  {"id":"dee@acme.example","internal":false,"accountId":"ACME"},
  {"id":"eve@acme.example","internal":false,"accountId":"acme"},
  {"id":"fay@zeta.example","internal":false,"accountId":"zeta","optedOut":true}
]"#;

fn partitioner_for(by: GroupBy, noise: Option<Noise>) -> Partitioner {
    let mut o = EngineOptions::new("ada@org.example", 1_772_323_200_000);
    o.internal_domains = vec!["org.example".to_string()];
    let request = AggregatesRequest { group_by: by, period: Period::Week, noise, days: None };
    Partitioner::new(PEOPLE.as_bytes(), &o, Route::of(&request)).expect("directory")
}

fn partitioner(by: GroupBy) -> Partitioner {
    partitioner_for(by, None)
}

#[test]
fn an_alias_routes_to_its_person_s_department_and_an_opted_out_person_routes_nowhere() {
    let p = partitioner(GroupBy::Department);
    let r = r#"{"id":"1","kind":"email","from":" A.Lovelace@ORG.example ","to":["bob@org.example","cy@org.example"],"at":"2026-02-01T10:00:00Z"}"#;
    assert_eq!(p.keys(r), vec!["Sales".to_string()]);
    let r = r#"{"id":"2","kind":"email","from":"bob@org.example","to":["dee@acme.example"],"at":"2026-02-01T10:00:00Z"}"#;
    assert!(p.keys(r).is_empty(), "Legal's only member opted out");
}

#[test]
fn accounts_differing_only_in_case_are_one_key_and_a_bad_record_names_none() {
    let p = partitioner(GroupBy::Account);
    let r = r#"{"id":"3","kind":"meeting","from":"ada@org.example","to":["dee@acme.example"],"cc":["eve@acme.example","fay@zeta.example"],"at":"2026-02-01T10:00:00Z"}"#;
    assert_eq!(p.keys(r), vec!["acme".to_string()]);
    assert_eq!(group_key(GroupBy::Account, "ACME"), group_key(GroupBy::Account, "acme"));
    assert!(p.keys(r#"{"from": 7}"#).is_empty());
    assert!(p.keys("not json").is_empty());
}

/// A noisy table caps each sender's records: every record of a sender, by
/// any of their ids, must reach the one part that holds them.
#[test]
fn a_noisy_table_routes_by_sender_and_an_alias_with_its_person() {
    let p = partitioner_for(GroupBy::Department, Some(Noise::with_epsilon(1.0)));
    let by_alias = r#"{"id":"4","kind":"email","from":" A.Lovelace@ORG.example ","to":["dee@acme.example"],"at":"2026-02-01T10:00:00Z"}"#;
    let by_id = r#"{"id":"5","kind":"email","from":"ada@org.example","to":["cy@org.example"],"at":"2026-02-01T10:00:00Z"}"#;
    // The alias hashes elsewhere: read as written, the two would be apart.
    assert_ne!(sender_part("a.lovelace@org.example"), sender_part("ada@org.example"));
    assert_eq!(p.keys(by_alias), vec![sender_part("ada@org.example")]);
    assert_eq!(p.keys(by_id), vec![sender_part("ada@org.example")]);
    let stranger = r#"{"id":"6","kind":"email","from":"Zed@Else.example","to":["ada@org.example"],"at":"2026-02-01T10:00:00Z"}"#;
    assert_eq!(p.keys(stranger), vec![sender_part("zed@else.example")]);
    assert!(p.keys(r#"{"id":"7","kind":"email","to":["ada@org.example"]}"#).is_empty(), "no sender, no part");
}
