//! Issue 15: what the round's pages showed wrong, fixed in the ledger's rules. The quorum
//! counts each member once per topic (checked against a hand count over delegation chains),
//! no project is funded that no member approved, members take back or change their own needs
//! and proposals and facilitators hide them with a reason, implausible quantities are caught,
//! and priority means leave "no opinion" out.

use super::ledger::pseudonym;
use plenty_ledger::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const VALLEY: &str = include_str!("../../../../examples/plans/valley.toml");

/// A federation of `members` (member 1 facilitates), the valley economy, round 1 open with
/// the rules of issue #15, and `proposals` (title, hours) proposed by member 2.
fn federation(members: u64, proposals: &[(&str, f64)]) -> Ledger {
    let mut l = Ledger::default();
    let mut events = vec![
        Event::FederationFounded {
            name: "test".into(),
            weeks_per_period: 52.0,
        },
        Event::CouncilFounded {
            council: 1,
            name: "mill".into(),
            kind: CouncilKind::Workplace,
            processes: vec!["mill".into()],
        },
    ];
    for m in 1..=members {
        events.push(Event::MemberJoined {
            member: m,
            councils: vec![1],
            role: if m == 1 {
                Role::Facilitator
            } else {
                Role::Member
            },
        });
    }
    events.push(Event::EconomyImported {
        by: 1,
        text: VALLEY.into(),
        sha256: chain::sha256_hex(VALLEY.as_bytes()),
    });
    for e in &events {
        l.apply(e).unwrap_or_else(|r| panic!("{e:?}: {r}"));
    }
    let quorum = RoundQuorum {
        min_turnout: 0.5,
        min_ballots: 1,
    };
    let (_, open) = l
        .open_round(1, "r", None, Some(quorum), None, None, None)
        .unwrap();
    l.apply(&open).unwrap();
    for (title, hours) in proposals {
        let (_, e) = l.submit_proposal(1, pseudonym(2), title, *hours, BTreeMap::new());
        l.apply(&e).unwrap();
    }
    l
}

fn to_voting(l: &mut Ledger) {
    l.apply(&Event::PhaseAdvanced {
        round: 1,
        to: Phase::Voting,
        by: 1,
    })
    .unwrap();
}

fn close(l: &mut Ledger) -> RoundTally {
    for e in l.close_round(1, 1, pseudonym).unwrap() {
        l.apply(&e).unwrap_or_else(|r| panic!("{e:?}: {r}"));
    }
    l.rounds[&1].tally.as_deref().unwrap().clone()
}

fn ballot(approve: &[u64], split: bool, scores: &[(&str, u32)]) -> RoundBallot {
    RoundBallot {
        approve: approve.to_vec(),
        scores: scores.iter().map(|(p, s)| (p.to_string(), *s)).collect(),
        split: split.then_some(HoursSplit::DEFAULT),
        discount_rate: None,
    }
}

/// The members represented on `topic`, counted by hand: every member who voted on it, and
/// every member whose chain of delegations on it reaches one who did (a chain that loops or
/// ends at a member who did not vote represents nobody).
fn hand_count(
    members: u64,
    delegations: &BTreeMap<(MemberId, Topic), MemberId>,
    ballots: &BTreeMap<MemberId, RoundBallot>,
    topic: Topic,
) -> u64 {
    let voted = |m: MemberId| ballots.get(&m).is_some_and(|b| tally::votes_on(b, topic));
    let mut n = 0;
    for m in 1..=members {
        let mut at = m;
        let mut steps = 0;
        loop {
            if voted(at) {
                n += 1;
                break;
            }
            match delegations.get(&(at, topic)) {
                Some(&next) if steps <= members => {
                    at = next;
                    steps += 1;
                }
                _ => break,
            }
        }
    }
    n
}

/// The example of the issue: five members; the facilitator neither votes nor delegates; bo
/// (3) delegates projects to ada (2) and votes the split himself; cy (4) votes; di (5)
/// delegates every topic to cy. The page said "5 of 5 members represented by 3 ballots"; the
/// true figure is 4 of 5.
#[test]
fn issue_15_quorum_counts_each_member_once_per_topic() {
    let mut l = federation(5, &[("clinic", 300.0)]);
    for (m, t, to) in [
        (3, Topic::Projects, 2),
        (5, Topic::Projects, 4),
        (5, Topic::Split, 4),
        (5, Topic::Priorities, 4),
    ] {
        l.apply(&Event::DelegationGranted {
            member: m,
            topic: t,
            to,
        })
        .unwrap();
    }
    to_voting(&mut l);
    let ballots: BTreeMap<MemberId, RoundBallot> = [
        (2, ballot(&[1], true, &[])),
        (3, ballot(&[], true, &[])),
        (4, ballot(&[1], true, &[("bread", 3)])),
    ]
    .into_iter()
    .collect();
    for (m, b) in &ballots {
        l.apply(&l.cast_ballot(1, pseudonym(*m), b.clone()))
            .unwrap();
    }
    let delegations = l.delegations.clone();
    let t = close(&mut l);
    let by_topic = t
        .quorum
        .by_topic
        .expect("rounds of issue #15 record per topic");
    for topic in Topic::ALL {
        assert_eq!(
            by_topic.get(topic),
            hand_count(5, &delegations, &ballots, topic),
            "{topic:?}"
        );
    }
    assert_eq!(by_topic, [4, 2, 4]);
    assert_eq!(t.quorum.represented, 4, "{:?}", t.quorum);
    assert_eq!(t.quorum.eligible, 5);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any delegations (chains, loops, to members who did not vote) and any ballots: the
    /// count per topic is the hand count, and no topic counts more members than there are.
    #[test]
    fn issue_15_quorum_matches_a_hand_count_over_delegation_chains(
        members in 2u64..9,
        edges in proptest::collection::vec((1u64..9, 0usize..3, 1u64..9), 0..16),
        votes in proptest::collection::vec((1u64..9, any::<bool>(), any::<bool>(), any::<bool>()), 0..9),
    ) {
        let mut l = federation(members, &[("clinic", 300.0)]);
        for (m, t, to) in edges {
            let (m, to) = (m.min(members), to.min(members));
            let e = Event::DelegationGranted { member: m, topic: Topic::ALL[t], to };
            // Refused delegations (to oneself, a loop) are simply not made.
            let _ = l.apply(&e);
        }
        to_voting(&mut l);
        let mut ballots = BTreeMap::new();
        for (m, p, s, q) in votes {
            let b = ballot(if p { &[1] } else { &[] }, s, if q { &[("bread", 2)] } else { &[] });
            let m = m.min(members);
            if l.apply(&l.cast_ballot(1, pseudonym(m), b.clone())).is_ok() {
                ballots.insert(m, b);
            }
        }
        let delegations = l.delegations.clone();
        let t = close(&mut l);
        let by_topic = t.quorum.by_topic.unwrap();
        let mut most = 0;
        for topic in Topic::ALL {
            let hand = hand_count(members, &delegations, &ballots, topic);
            prop_assert_eq!(by_topic.get(topic), hand, "{:?}", topic);
            most = most.max(hand);
        }
        prop_assert_eq!(t.quorum.represented, most);
        prop_assert!(t.quorum.represented <= members);
    }
}

/// The completion step funded "A clinic" and a duplicate "Community kitchen" that no member
/// approved. Now a project without an approval is not a candidate; every funded project says
/// why; a round may choose otherwise, and says so.
#[test]
fn issue_15_no_project_is_funded_that_no_member_approved() {
    let proposals = [("clinic", 300.0), ("kitchen", 100.0), ("halt", 200.0)];
    let mut l = federation(4, &proposals);
    to_voting(&mut l);
    for m in 2..=4 {
        l.apply(&l.cast_ballot(1, pseudonym(m), ballot(&[3], true, &[])))
            .unwrap();
    }
    let t = close(&mut l);
    assert_eq!(t.projects.funded, vec![3], "{:?}", t.projects);
    assert!(t.projects.budget_hours > 600.0, "the budget fits all three");
    assert_eq!(
        t.projects.why_funded,
        vec![tally::FundedBecause {
            proposal: 3,
            step: tally::FundingStep::EqualSharesRound { round: 1 }
        }]
    );
    assert!(!t.projects.unapproved_candidates);
    // The pabulib export lists the candidates only, so that pabutools counts the same.
    let e = l.round_election(1).unwrap();
    assert_eq!(e.election.projects.len(), 1);

    // The same round with `fund_unapproved`: the completion spends the rest on them.
    let input = {
        let mut i = l
            .tally_input(&l.rounds[&1], l.eligible(), &l.rounds[&1].weights)
            .unwrap();
        i.rules = Some(RoundRules {
            fund_unapproved: true,
        });
        i
    };
    let t = compute_tally(&input);
    assert_eq!(t.projects.funded.len(), 3, "{:?}", t.projects);
    assert!(t.projects.unapproved_candidates);
    assert!(t
        .projects
        .why_funded
        .iter()
        .any(|w| w.step == tally::FundingStep::Completion));
}

/// Priority means counted "no opinion" as 0: now the mean is over those who scored.
#[test]
fn issue_15_priority_means_leave_no_opinion_out() {
    let mut l = federation(4, &[]);
    to_voting(&mut l);
    l.apply(&l.cast_ballot(1, pseudonym(2), ballot(&[], false, &[("bread", 4)])))
        .unwrap();
    l.apply(&l.cast_ballot(1, pseudonym(3), ballot(&[], false, &[("wool", 2)])))
        .unwrap();
    let t = close(&mut l);
    let bread = t.priorities.iter().find(|p| p.product == "bread").unwrap();
    assert_eq!((bread.mean, bread.scored_by), (4.0, Some(1)));
    let cloth = t.priorities.iter().find(|p| p.product == "wool").unwrap();
    assert_eq!((cloth.mean, cloth.scored_by), (2.0, Some(1)));
    assert_eq!(t.priorities[0].product, "bread", "highest mean first");
}

/// Members take back or change their own needs and proposals in the needs phase, and only
/// their own; facilitators hide them with a reason; none of it counts afterwards.
#[test]
fn issue_15_needs_and_proposals_can_be_withdrawn_edited_and_hidden() {
    let mut l = federation(4, &[("clinic", 300.0)]);
    let need = |by: MemberId, q: f64| Event::NeedRegistered {
        round: 1,
        by: pseudonym(by),
        product: "bread".into(),
        quantity: q,
        year: None,
    };
    l.apply(&need(2, 1.0)).unwrap();
    l.apply(&need(3, 2.0)).unwrap();
    l.apply(&need(3, 5.0)).unwrap();
    // Another member's need: forbidden.
    let r = l
        .apply(&Event::NeedWithdrawn {
            round: 1,
            need: 1,
            by: pseudonym(3),
        })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::Forbidden, "{r}");
    l.apply(&Event::NeedEdited {
        round: 1,
        need: 1,
        by: pseudonym(2),
        quantity: 1.5,
    })
    .unwrap();
    l.apply(&Event::NeedWithdrawn {
        round: 1,
        need: 2,
        by: pseudonym(3),
    })
    .unwrap();
    // A member cannot hide; a facilitator must give a reason.
    let hide = |by: MemberId, reason: &str| Event::ItemHidden {
        round: 1,
        item: RoundItem::Need { need: 3 },
        reason: reason.into(),
        by,
    };
    assert_eq!(
        l.apply(&hide(2, "typo")).unwrap_err().code,
        RejectCode::Forbidden
    );
    assert_eq!(
        l.apply(&hide(1, "  ")).unwrap_err().code,
        RejectCode::Invalid
    );
    l.apply(&hide(
        1,
        "5 t instead of 5 kg: asked the member to register again",
    ))
    .unwrap();
    let r = &l.rounds[&1];
    assert_eq!(r.needs_by_product()["bread"].quantity, 1.5);
    assert_eq!(r.removed_needs.len(), 2);
    // Numbers are stable: the next need is number 4.
    l.apply(&need(4, 1.0)).unwrap();
    assert_eq!(l.rounds[&1].needs.last().unwrap().number, 4);

    // Proposals: amended and withdrawn by the proposer only.
    let amend = |by: MemberId| Event::ProposalEdited {
        round: 1,
        proposal: 1,
        by: pseudonym(by),
        title: "A small clinic".into(),
        cost_hours: 250.0,
    };
    assert_eq!(l.apply(&amend(3)).unwrap_err().code, RejectCode::Forbidden);
    l.apply(&amend(2)).unwrap();
    assert_eq!(l.rounds[&1].proposals[&1].cost_hours, 250.0);
    l.apply(&Event::ProposalWithdrawn {
        round: 1,
        proposal: 1,
        by: pseudonym(2),
    })
    .unwrap();
    assert!(l.rounds[&1].proposals.is_empty());
    // Outside the needs phase nothing changes.
    to_voting(&mut l);
    let r = l
        .apply(&Event::NeedWithdrawn {
            round: 1,
            need: 1,
            by: pseudonym(2),
        })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::WrongPhase);
}

/// A need of 10^12 t of bread and a project of 99,999,999 hours were accepted silently. The
/// ledger now asks for a confirmation, saying why in numbers; ordinary quantities pass.
#[test]
fn issue_15_implausible_quantities_ask_for_confirmation() {
    let l = federation(4, &[]);
    let r = l.confirm_need("bread", 1e12).unwrap_err();
    assert_eq!(r.code, RejectCode::NeedsConfirmation);
    assert!(r.message.contains("at most"), "{}", r.message);
    assert!(l.confirm_need("bread", 1.0).is_ok());
    let r = l.confirm_proposal(1, 99_999_999.0).unwrap_err();
    assert_eq!(r.code, RejectCode::NeedsConfirmation);
    assert!(l.confirm_proposal(1, 300.0).is_ok());
    // The bound is certain: what the economy's own baseline plan makes passes.
    let e = &l.economy.as_ref().unwrap().parsed;
    for p in e.products() {
        if p.target > 0.0 {
            assert!(
                l.confirm_need(&p.name, p.target).is_ok(),
                "{}: its baseline target {} is makeable",
                p.name,
                p.target
            );
        }
    }
}

/// The plan of a round whose need is a typo (10^12 t of bread, confirmed) came out "optimal"
/// with λ = 0 and was shown as a success. Its verdict now says no target is met; an ordinary
/// round's plan meets every need.
#[test]
fn issue_15_a_plan_with_lambda_zero_is_never_a_success() {
    let plan_of = |quantity: f64| {
        let mut l = federation(4, &[]);
        l.apply(&Event::NeedRegistered {
            round: 1,
            by: pseudonym(2),
            product: "bread".into(),
            quantity,
            year: None,
        })
        .unwrap();
        // Another member backs bread, so that the cap lets the typo through whole.
        l.apply(&Event::NeedRegistered {
            round: 1,
            by: pseudonym(3),
            product: "bread".into(),
            quantity: quantity / 2.0,
            year: None,
        })
        .unwrap();
        to_voting(&mut l);
        close(&mut l);
        let inputs = l.plan_inputs(1, 1e-7, "test").unwrap();
        compute_plan(&l.economy.as_ref().unwrap().parsed, &inputs, None).unwrap()
    };
    let typo = plan_of(1e12);
    assert_eq!(typo.status, "optimal");
    assert!(typo.lambda < LAMBDA_ZERO, "λ = {}", typo.lambda);
    assert_eq!(typo.verdict(), PlanVerdict::MeetsNoTarget);
    assert!(!typo.is_success());
    let fine = plan_of(1.0);
    assert!(
        matches!(fine.verdict(), PlanVerdict::MeetsEveryNeed { lambda } if lambda >= 1.0),
        "{:?}",
        fine.verdict()
    );
    assert!(fine.is_success());
}

/// Withdrawing and registering again is second thoughts, not a way to grow the log without
/// end: withdrawn needs count towards twice the member's limit.
#[test]
fn issue_15_withdrawing_and_registering_again_is_bounded() {
    let mut l = federation(3, &[]);
    let limit = l.rounds[&1].limits.unwrap().needs_per_member as usize;
    let mut refused = None;
    for k in 0..(3 * limit) {
        let e = Event::NeedRegistered {
            round: 1,
            by: pseudonym(2),
            product: "bread".into(),
            quantity: 1.0,
            year: None,
        };
        if let Err(r) = l.apply(&e) {
            refused = Some((k, r));
            break;
        }
        let need = l.rounds[&1].needs_registered;
        l.apply(&Event::NeedWithdrawn {
            round: 1,
            need,
            by: pseudonym(2),
        })
        .unwrap();
    }
    let (k, r) = refused.expect("refused before three times the limit");
    assert_eq!(k, 2 * limit, "{r}");
    assert_eq!(r.code, RejectCode::Conflict);
    // Another member is not affected.
    l.apply(&Event::NeedRegistered {
        round: 1,
        by: pseudonym(3),
        product: "bread".into(),
        quantity: 1.0,
        year: None,
    })
    .unwrap();
}
