//! `plenty vote`, run as a user would, on the pabulib fixtures of plenty-io.

use crate::common::{plenty, text};

fn fixture(name: &str) -> String {
    format!("crates/plenty-io/tests/data/pabulib/{name}")
}

#[test]
fn mes_explains_every_round() {
    let o = plenty(&["vote", &fixture("hand.pb"), "--explain"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for part in [
        "funded: 2 projects, 85 of 100 (15 left)",
        "round 1: funded A at ρ = 1/3",
        "C          cost           40  ρ = 0.5  (at most 20 each)",
        "voter 3: 20, 5 left",
        "round 2: funded B at ρ = 1",
        "unaffordable: its supporters hold 30",
    ] {
        assert!(out.contains(part), "{part:?} not in:\n{out}");
    }
}

#[test]
fn completions_and_rules() {
    let o = plenty(&[
        "vote",
        &fixture("increment.pb"),
        "--completion",
        "increment",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("funded: 2 projects, 75 of 100"), "{out}");
    assert!(out.contains("share 23 each (after increments)"), "{out}");
    let o = plenty(&["vote", &fixture("increment.pb"), "--rule", "greedy"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("funded: 2 projects, 80 of 100"), "{out}");
}

#[test]
fn json_has_the_selection_and_the_rounds() {
    let o = plenty(&[
        "vote",
        &fixture("ties.pb"),
        "--rule",
        "mes-cardinality",
        "--completion",
        "greedy",
        "--json",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // pabutools: mes-cardinality+greedy on ties.pb selects z, 10, 9.
    assert_eq!(v["selected"], serde_json::json!(["z", "10", "9"]));
    assert_eq!(v["explanation"]["rounds"][0]["winner_id"], "z");
    assert_eq!(v["explanation"]["completion"]["kind"], "greedy");
    assert_eq!(v["provenance"]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn bad_input_is_exit_code_2_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("plenty-cli-vote-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.pb");
    std::fs::write(
        &bad,
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\na;x\n\
         VOTES\nvoter_id;vote\n1;a\n",
    )
    .unwrap();
    let o = plenty(&["vote", bad.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("bad.pb:7:2 (column \"cost\")"), "{err}");
    let o = plenty(&[
        "vote",
        &fixture("hand.pb"),
        "--rule",
        "greedy",
        "--completion",
        "greedy",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
