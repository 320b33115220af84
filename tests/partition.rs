//! `rapport::partition`: which groups a record is routed to, read from the
//! directory as the tables read it. A record missing a group it names would
//! lose that group's figures in the batch; one routed by an alias or a case
//! the tables do not merge would split a group.

use rapport::insights::aggregates::GroupBy;
use rapport::partition::{group_key, Partitioner};
use rapport::EngineOptions;

const PEOPLE: &str = r#"[
  {"id":"ada@org.example","internal":true,"department":"Sales","aliases":["a.lovelace@org.example"]},
  {"id":"bob@org.example","internal":true,"department":"Legal","optedOut":true},
  {"id":"cy@org.example","internal":true},
  {"id":"dee@acme.example","internal":false,"accountId":"ACME"},
  {"id":"eve@acme.example","internal":false,"accountId":"acme"},
  {"id":"fay@zeta.example","internal":false,"accountId":"zeta","optedOut":true}
]"#;

fn partitioner(by: GroupBy) -> Partitioner {
    let mut o = EngineOptions::new("ada@org.example", 1_772_323_200_000);
    o.internal_domains = vec!["org.example".to_string()];
    Partitioner::new(PEOPLE.as_bytes(), &o, by).expect("directory")
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
