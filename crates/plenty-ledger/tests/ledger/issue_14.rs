//! Issue 14, findings 7 and 9: a federation that cannot get stuck, and a member who cannot
//! sink the plan. Each attack of the security review, replayed on the ledger's rules.

use super::admission::founded;
use super::ledger::{pseudonym, seal};
use plenty_ledger::*;

const VALLEY: &str = include_str!("../../../../examples/plans/valley.toml");

fn import(text: &str) -> Event {
    Event::EconomyImported {
        by: 1,
        text: text.into(),
        sha256: chain::sha256_hex(text.as_bytes()),
    }
}

/// A federation of four (member 1 facilitates) with the valley economy and round 1 open, the
/// way the service opens rounds now (with limits).
fn federation() -> (Ledger, Vec<Event>) {
    let (mut l, mut events) = founded();
    let mut more: Vec<Event> = (3..=4)
        .map(|m| Event::MemberJoined {
            member: m,
            councils: vec![1],
            role: Role::Member,
        })
        .collect();
    more.push(import(VALLEY));
    for e in &more {
        l.apply(e).unwrap_or_else(|r| panic!("{e:?}: {r}"));
    }
    events.extend(more);
    let (_, open) = l.open_round(1, "r", None, None, None, None, None).unwrap();
    l.apply(&open).unwrap();
    events.push(open);
    (l, events)
}

fn need(by: MemberId, product: &str, quantity: f64) -> Event {
    Event::NeedRegistered {
        round: 1,
        by: pseudonym(by),
        product: product.into(),
        quantity,
        year: None,
    }
}

/// Finding 9: a re-import during the needs phase that drops a product members need is
/// refused (it used to be accepted, and the plan then failed on an unknown product, with every
/// later step refused).
#[test]
fn issue_14_an_import_that_orphans_needs_is_refused() {
    let (mut l, _) = federation();
    l.apply(&need(2, "bread", 1.0)).unwrap();
    let renamed = VALLEY.replace("\"bread\"", "\"loaf\"");
    let r = l.apply(&import(&renamed)).unwrap_err();
    assert_eq!(r.code, RejectCode::Conflict);
    assert!(r.message.contains("\"bread\""), "{}", r.message);
    // An import that keeps every product needed is fine.
    let same_products = VALLEY.replace("target = 3", "target = 4");
    l.apply(&import(&same_products)).unwrap();
}

/// Finding 9: a round that cannot go on is abandoned by an auditable event; a new round may
/// open after it, and `verify` accepts the log.
#[test]
fn issue_14_a_stuck_round_can_be_abandoned_on_the_record() {
    let (mut l, mut events) = federation();
    let abandon = |by, reason: &str| Event::RoundAbandoned {
        round: 1,
        reason: reason.into(),
        by,
    };
    assert_eq!(
        l.apply(&abandon(2, "I want out")).unwrap_err().code,
        RejectCode::Forbidden
    );
    assert_eq!(
        l.apply(&abandon(1, "  ")).unwrap_err().code,
        RejectCode::Invalid
    );
    // The reason is text of the log like any other: no control or direction characters
    // (PostgreSQL refuses U+0000 in the writer).
    let r = l.apply(&abandon(1, "stuck\u{0}")).unwrap_err();
    assert_eq!(r.code, RejectCode::Invalid);
    assert!(r.message.starts_with("reason: contains"), "{r}");
    let e = abandon(1, "the economy changed under the round");
    l.apply(&e).unwrap();
    events.push(e);
    let r = &l.rounds[&1];
    assert_eq!(r.phase, Phase::FollowUp);
    assert_eq!(
        r.abandoned.as_deref(),
        Some("the economy changed under the round")
    );
    assert_eq!(
        l.apply(&abandon(1, "again")).unwrap_err().code,
        RejectCode::WrongPhase
    );
    let (id, open) = l.open_round(1, "r2", None, None, None, None, None).unwrap();
    assert_eq!(id, 2);
    l.apply(&open).unwrap();
    events.push(open);
    let report = verify(&seal(&events), true);
    assert!(report.ok(), "{:?}", report.first_bad);
}

/// Finding 9: the quorum a facilitator may set is bounded.
#[test]
fn issue_14_the_quorum_is_bounded() {
    let (mut l, _) = federation();
    l.apply(&Event::RoundAbandoned {
        round: 1,
        reason: "make room".into(),
        by: 1,
    })
    .unwrap();
    let open = |q: RoundQuorum| {
        l.open_round(1, "r", None, Some(q), None, None, None)
            .unwrap()
            .1
    };
    let too_high = open(RoundQuorum {
        min_turnout: 0.9,
        min_ballots: 1,
    });
    let too_many = open(RoundQuorum {
        min_turnout: 0.25,
        min_ballots: 5,
    });
    let fine = open(RoundQuorum {
        min_turnout: 2.0 / 3.0,
        min_ballots: 4,
    });
    for e in [too_high, too_many] {
        assert_eq!(l.apply(&e).unwrap_err().code, RejectCode::Invalid, "{e:?}");
    }
    l.apply(&fine).unwrap();
}

/// Finding 7: one member registers 10¹² bread three times. The need counts up to its cap, the
/// target stays near what the others asked for, and the plan keeps a real λ.
#[test]
fn issue_14_one_member_cannot_sink_the_plan() {
    let (mut l, _) = federation();
    for (m, q) in [(2, 0.2), (3, 0.4)] {
        l.apply(&need(m, "bread", q)).unwrap();
    }
    for _ in 0..3 {
        l.apply(&need(4, "bread", 1e12)).unwrap();
    }
    let counted = l.counted_needs(&l.rounds[&1]).unwrap();
    // Bread's baseline is 3 for four members: 0.75 each; the others' median for member 4 is
    // 0.2 (lower median of 0.2 and 0.4). Member 4 counts for 10 · 0.75 = 7.5.
    assert_eq!(counted.capped.len(), 1);
    assert_eq!(counted.capped[0].registered, 3e12);
    assert_eq!(counted.capped[0].counted, 7.5);
    let total = counted.totals[&("bread".to_string(), None)];
    assert!((total - (0.2 + 0.4 + 7.5)).abs() < 1e-12, "{total}");
}

/// Finding 7: each member's number of needs and proposals in a round is limited.
#[test]
fn issue_14_needs_and_proposals_per_member_are_limited() {
    let (mut l, _) = federation();
    let limits = MemberLimits::default();
    for _ in 0..limits.needs_per_member {
        l.apply(&need(2, "bread", 0.01)).unwrap();
    }
    let r = l.apply(&need(2, "bread", 0.01)).unwrap_err();
    assert_eq!(r.code, RejectCode::Conflict);
    assert!(r.message.contains("limit per member"), "{}", r.message);
    // Another member is not affected.
    l.apply(&need(3, "bread", 0.01)).unwrap();
    for k in 0..=limits.proposals_per_member {
        let (_, e) = l.submit_proposal(1, pseudonym(2), &format!("p{k}"), 10.0, Default::default());
        let done = l.apply(&e);
        if k < limits.proposals_per_member {
            done.unwrap();
        } else {
            assert_eq!(done.unwrap_err().code, RejectCode::Conflict);
        }
    }
}

/// Finding 8: 51 voters and one lone backer of a project that costs nearly the whole budget.
/// The increment completion then raises every share in 1 % steps until that project would be
/// bought; before, the count re-ran MES for every step and the tally entry listed every run
/// (467 KB). A round opened with limits records a summary: the same projects funded, an entry a
/// fraction of the size.
#[test]
fn issue_14_a_lone_backer_makes_a_small_tally_entry() {
    use plenty_ledger::state::Proposal;
    use plenty_ledger::tally::TallyInput;
    let input = |near_budget: f64, summary: bool| TallyInput {
        eligible: 51,
        rule: ProjectRule::EqualShares,
        quorum: RoundQuorum::default(),
        default_split: HoursSplit::DEFAULT,
        total_hours: 12000.0,
        proposals: vec![
            Proposal {
                id: 1,
                title: "a hall".into(),
                cost_hours: near_budget,
                resources: Default::default(),
                by: "p".into(),
            },
            Proposal {
                id: 2,
                title: "a path".into(),
                cost_hours: 10.0,
                resources: Default::default(),
                by: "q".into(),
            },
        ],
        products: vec!["bread".into()],
        ballots: (0..51)
            .map(|k| {
                let approve = if k == 0 { vec![1] } else { vec![2] };
                (
                    TopicWeights::ONE,
                    RoundBallot {
                        approve,
                        scores: Default::default(),
                        split: None,
                        discount_rate: None,
                    },
                )
            })
            .collect(),
        multi_year: false,
        summary,
        rules: None,
    };
    let budget = compute_tally(&input(1.0, true)).projects.budget_hours;
    let (full, summary) = (
        compute_tally(&input(0.99 * budget, false)),
        compute_tally(&input(0.99 * budget, true)),
    );
    assert_eq!(full.projects.funded, summary.projects.funded);
    eprintln!(
        "tally entry: {} bytes with every run, {} as a summary",
        serde_json::to_vec(&full).unwrap().len(),
        serde_json::to_vec(&summary).unwrap().len()
    );
    let size = |t: &RoundTally| serde_json::to_vec(t).unwrap().len();
    assert!(
        size(&summary) * 20 < size(&full),
        "the summary ({} bytes) is not a small fraction of the full explanation ({} bytes)",
        size(&summary),
        size(&full)
    );
}
