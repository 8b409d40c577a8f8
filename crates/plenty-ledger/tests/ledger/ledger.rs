//! The ledger without the service: a round replayed from events, and forgeries that keep the
//! hash chain intact (the forger rehashes every entry after the change) but break a rule, a
//! count or a plan, each caught by `verify` at the forged entry (issue #4).

use plenty_ledger::planning::{compute_plan, digest};
use plenty_ledger::*;
use std::collections::BTreeMap;

const VALLEY: &str = include_str!("../../../../examples/plans/valley.toml");

pub(crate) fn pseudonym(m: MemberId) -> String {
    format!("p{m:02}")
}

/// Seals events into a chain.
pub(crate) fn seal(events: &[Event]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut prev = GENESIS.to_string();
    for (k, e) in events.iter().enumerate() {
        let entry = Entry::seal(k as u64 + 1, 1_700_000_000_000 + k as u64, &prev, e.clone());
        prev = entry.hash.clone();
        out.push(entry);
    }
    out
}

/// A federation of six, one round with three proposals, five ballots (one replaced, one
/// delegation), counted and planned: the events as the service would write them.
pub(crate) fn a_round() -> Vec<Event> {
    let mut l = Ledger::default();
    let mut events = Vec::new();
    let mut push = |l: &mut Ledger, e: Event| {
        l.apply(&e).unwrap_or_else(|r| panic!("{e:?}: {r}"));
        events.push(e);
    };
    push(
        &mut l,
        Event::FederationFounded {
            name: "test".into(),
            weeks_per_period: 52.0,
        },
    );
    push(
        &mut l,
        Event::CouncilFounded {
            council: 1,
            name: "mill".into(),
            kind: CouncilKind::Workplace,
            processes: vec!["mill".into()],
        },
    );
    for m in 1..=6 {
        let role = if m == 1 {
            Role::Facilitator
        } else {
            Role::Member
        };
        push(
            &mut l,
            Event::MemberJoined {
                member: m,
                councils: vec![1],
                role,
            },
        );
    }
    push(
        &mut l,
        Event::EconomyImported {
            by: 1,
            text: VALLEY.into(),
            sha256: chain::sha256_hex(VALLEY.as_bytes()),
        },
    );
    push(
        &mut l,
        Event::RoundOpened {
            round: 1,
            title: "r".into(),
            by: 1,
            rule: ProjectRule::EqualShares,
            quorum: RoundQuorum::default(),
            default_split: [0.8, 0.15, 0.05].into(),
            limits: None,
            rules: None,
        },
    );
    for (k, (t, h)) in [("clinic", 900.0), ("rail", 700.0), ("roofs", 400.0)]
        .iter()
        .enumerate()
    {
        push(
            &mut l,
            Event::ProposalSubmitted {
                round: 1,
                proposal: k as u64 + 1,
                by: pseudonym(2),
                title: t.to_string(),
                cost_hours: *h,
                resources: BTreeMap::new(),
            },
        );
    }
    push(
        &mut l,
        Event::NeedRegistered {
            round: 1,
            by: pseudonym(3),
            product: "bread".into(),
            quantity: 1.5,
            year: None,
        },
    );
    push(
        &mut l,
        Event::DelegationGranted {
            member: 6,
            topic: Topic::Projects,
            to: 2,
        },
    );
    push(
        &mut l,
        Event::PhaseAdvanced {
            round: 1,
            to: Phase::Voting,
            by: 1,
        },
    );
    let ballots: [(MemberId, &[u64], [f64; 3]); 5] = [
        (2, &[1, 3], [0.7, 0.25, 0.05]),
        (3, &[2], [0.8, 0.15, 0.05]),
        (3, &[2, 3], [0.75, 0.2, 0.05]),
        (4, &[1], [0.7, 0.2, 0.1]),
        (5, &[3], [0.9, 0.05, 0.05]),
    ];
    for (m, approve, split) in ballots {
        let replaces = l.rounds[&1].ballots.contains_key(&pseudonym(m));
        push(
            &mut l,
            Event::BallotCast {
                round: 1,
                voter: pseudonym(m),
                ballot: RoundBallot {
                    approve: approve.to_vec(),
                    scores: BTreeMap::new(),
                    split: Some(split.into()),
                    discount_rate: None,
                },
                replaces,
            },
        );
    }
    push(
        &mut l,
        Event::PhaseAdvanced {
            round: 1,
            to: Phase::Plan,
            by: 1,
        },
    );
    let weights = l.weights(1, pseudonym);
    assert_eq!(
        weights[&pseudonym(2)],
        [2, 1, 1],
        "member 6 delegated projects to member 2"
    );
    let eligible = l.members.len() as u64;
    let tally = compute_tally(&l.tally_input(&l.rounds[&1], eligible, &weights).unwrap());
    push(
        &mut l,
        Event::TallyRecorded {
            round: 1,
            eligible,
            weights,
            tally: Box::new(tally),
        },
    );
    let inputs = l.plan_inputs(1, 1e-7, "test").unwrap();
    assert_eq!(
        inputs.warm_start, None,
        "the first round has no plan to start from"
    );
    let result = compute_plan(&l.economy.as_ref().unwrap().parsed, &inputs, None).unwrap();
    assert_eq!(result.status, "optimal");
    push(
        &mut l,
        Event::PlanRecorded {
            round: 1,
            inputs_sha256: digest(&inputs),
            result_sha256: digest(&result),
            inputs: Box::new(inputs),
            result: Box::new(result),
            years: None,
        },
    );
    events
}

pub(crate) fn position(events: &[Event], kind: &str) -> usize {
    events.iter().position(|e| e.kind() == kind).unwrap()
}

#[test]
fn issue_4_an_honest_log_verifies_with_counts_and_plans_recomputed() {
    let entries = seal(&a_round());
    let r = verify(&entries, true);
    assert!(r.ok(), "{r:?}");
    assert_eq!((r.tallies_checked, r.plans_checked), (1, 1));
}

#[test]
fn issue_4_every_event_reads_back_exactly() {
    // The log's hashes are over the JSON of each event: reading an export and writing it
    // again must give the same bytes, floats included.
    for e in seal(&a_round()) {
        let text = serde_json::to_string(&e).unwrap();
        let back: Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
        assert!(back.hash_is_valid(), "{}", e.event.kind());
    }
}

#[test]
fn issue_4_a_forged_count_is_found_even_when_rehashed() {
    let mut events = a_round();
    let k = position(&events, "tally_recorded");
    if let Event::TallyRecorded { tally, .. } = &mut events[k] {
        tally.projects.funded = vec![2];
    }
    let r = verify(&seal(&events), false);
    let BadEntry { seq, reason: why } = r.first_bad.unwrap();
    assert_eq!(seq, k as u64 + 1);
    assert!(why.contains("not the count of its ballots"), "{why}");
}

#[test]
fn issue_4_inflated_weights_are_found() {
    let mut events = a_round();
    let k = position(&events, "tally_recorded");
    if let Event::TallyRecorded { weights, .. } = &mut events[k] {
        for w in weights.values_mut() {
            w.projects = 3;
        }
    }
    let r = verify(&seal(&events), false);
    assert_eq!(r.first_bad.unwrap().seq, k as u64 + 1);
}

#[test]
fn issue_4_a_forged_plan_is_found_by_recomputing_it() {
    let mut events = a_round();
    let k = position(&events, "plan_recorded");
    if let Event::PlanRecorded {
        result,
        result_sha256,
        ..
    } = &mut events[k]
    {
        result.lambda *= 1.0 + 1e-12;
        *result_sha256 = digest(result.as_ref());
    }
    // The rules alone cannot see it; recomputing the plan bit for bit does.
    assert!(verify(&seal(&events), false).ok());
    let BadEntry { seq, reason: why } = verify(&seal(&events), true).first_bad.unwrap();
    assert_eq!(seq, k as u64 + 1);
    assert!(why.contains("different plan"), "{why}");
}

#[test]
fn issue_4_plan_inputs_that_ignore_the_vote_are_found() {
    let mut events = a_round();
    let k = position(&events, "plan_recorded");
    if let Event::PlanRecorded {
        inputs,
        inputs_sha256,
        ..
    } = &mut events[k]
    {
        inputs.labour_hours.insert("farm".into(), 6000.0);
        *inputs_sha256 = digest(inputs.as_ref());
    }
    let BadEntry { seq, reason: why } = verify(&seal(&events), false).first_bad.unwrap();
    assert_eq!(seq, k as u64 + 1);
    assert!(
        why.contains("not computed from the round's recorded"),
        "{why}"
    );
}

#[test]
fn issue_4_a_ballot_slipped_in_after_the_close_is_found() {
    let mut events = a_round();
    let k = position(&events, "plan_recorded");
    events.insert(
        k,
        Event::BallotCast {
            round: 1,
            voter: pseudonym(6),
            ballot: RoundBallot::default(),
            replaces: false,
        },
    );
    let BadEntry { seq, reason: why } = verify(&seal(&events), false).first_bad.unwrap();
    assert_eq!(seq, k as u64 + 1);
    assert!(why.contains("voting"), "{why}");
}

#[test]
fn issue_4_a_deleted_ballot_breaks_the_chain() {
    let events = a_round();
    let mut entries = seal(&events);
    let k = position(&events, "ballot_cast");
    entries.remove(k);
    assert_eq!(verify(&entries, false).first_bad.unwrap().seq, k as u64 + 2);
}

#[test]
fn issue_4_recomputing_a_plan_is_bit_for_bit() {
    let events = a_round();
    let Event::PlanRecorded { inputs, result, .. } = &events[position(&events, "plan_recorded")]
    else {
        unreachable!()
    };
    let economy = plenty_ledger::planning::parse_economy(VALLEY).unwrap();
    for _ in 0..3 {
        let again = compute_plan(&economy, inputs, None).unwrap();
        assert_eq!(digest(&again), digest(result.as_ref()));
    }
}

/// The service computes plans on all cores but one, an auditor on whatever they have: the
/// plan must be the same bits on any number of threads, or `verify` would fail honest logs.
/// This checks the whole path of a round's plan (solver choice, solve, outcome); that the
/// solver's iterates are the same bits when its vectors span several parallel chunks is
/// checked in `plenty-core/tests/core/lp_pdlp.rs` (`results_are_bit_identical_on_one_and_three_threads`).
#[test]
fn issue_4_plans_are_the_same_bits_on_any_thread_count() {
    use plenty_core::plan::{generate_plan, PlanGeneratorSettings};
    let e = generate_plan(&PlanGeneratorSettings {
        n: 400,
        resources: 3,
        seed: 7,
        ..Default::default()
    })
    .unwrap();
    let inputs = PlanInputs {
        economy_sha256: "generated".into(),
        targets: e
            .products()
            .iter()
            .zip(e.targets())
            .filter(|(_, d)| *d > 0.0)
            .map(|(p, d)| (p.name.clone(), d))
            .collect(),
        labour_hours: e
            .labour_types()
            .iter()
            .map(|l| (l.name.clone(), l.hours * 0.9))
            .collect(),
        resource_limits: BTreeMap::new(),
        split: [0.9, 0.05, 0.05].into(),
        projects: vec![],
        project_hours: 0.0,
        common_fund_hours: 0.0,
        members: 100,
        weeks_per_period: 52.0,
        tolerance: 1e-6,
        code_version: "test".into(),
        warm_start: None,
        lp_solver: None,
    };
    let on = |threads: usize, inputs: &PlanInputs| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| compute_plan(&e, inputs, None).unwrap())
    };
    // PDLP (the solver of plans recorded by 0.1.0).
    let one = on(1, &inputs);
    assert_eq!(one.status, "optimal", "{:?}", one.explanation);
    assert!(one.iterations > 100, "a real iterative solve");
    for threads in [2, 3] {
        assert_eq!(
            digest(&on(threads, &inputs)),
            digest(&one),
            "{threads} threads"
        );
    }
    // Issue #12: the core's own choice (the interior-point method here), the same bits too.
    let auto = PlanInputs {
        lp_solver: Some(plenty_ledger::RecordedLpSolver::Auto),
        ..inputs.clone()
    };
    let one = on(1, &auto);
    assert_eq!(one.status, "optimal", "{:?}", one.explanation);
    assert_eq!(one.method, "ipm");
    for threads in [2, 3] {
        assert_eq!(
            digest(&on(threads, &auto)),
            digest(&one),
            "{threads} threads, ipm"
        );
    }
}

/// A second round after `a_round`: one more need, the same votes, counted; returns the ledger
/// ready for its plan and the events so far.
fn a_second_round() -> (Ledger, Vec<Event>) {
    let mut events = a_round();
    let mut l = Ledger::default();
    for e in &events {
        l.apply(e).unwrap();
    }
    let mut push = |l: &mut Ledger, e: Event| {
        l.apply(&e).unwrap_or_else(|r| panic!("{e:?}: {r}"));
        events.push(e);
    };
    push(
        &mut l,
        Event::PhaseAdvanced {
            round: 1,
            to: Phase::FollowUp,
            by: 1,
        },
    );
    push(
        &mut l,
        Event::RoundOpened {
            round: 2,
            title: "r2".into(),
            by: 1,
            rule: ProjectRule::EqualShares,
            quorum: RoundQuorum::default(),
            default_split: [0.8, 0.15, 0.05].into(),
            limits: None,
            rules: None,
        },
    );
    push(
        &mut l,
        Event::NeedRegistered {
            round: 2,
            by: pseudonym(4),
            product: "bread".into(),
            quantity: 2.0,
            year: None,
        },
    );
    for to in [Phase::Voting, Phase::Plan] {
        push(
            &mut l,
            Event::PhaseAdvanced {
                round: 2,
                to,
                by: 1,
            },
        );
    }
    let eligible = l.members.len() as u64;
    let weights = l.weights(2, pseudonym);
    let tally = compute_tally(&l.tally_input(&l.rounds[&2], eligible, &weights).unwrap());
    push(
        &mut l,
        Event::TallyRecorded {
            round: 2,
            eligible,
            weights,
            tally: Box::new(tally),
        },
    );
    (l, events)
}

fn plan_event(round: RoundId, inputs: PlanInputs, result: PlanOutcome) -> Event {
    Event::PlanRecorded {
        round,
        inputs_sha256: digest(&inputs),
        result_sha256: digest(&result),
        inputs: Box::new(inputs),
        result: Box::new(result),
        years: None,
    }
}

/// Issue #3: "it warm-starts from a previous plan when the inputs change a little, as they
/// will in participatory rounds". Round 2's plan starts from round 1's recorded plan; the start
/// is a recorded input, so the verifier recomputes the same bits; a plan that claims a start
/// the log does not hold is caught.
#[test]
fn issue_3_a_round_starts_from_the_last_rounds_plan_and_verifies() {
    let (l, mut events) = a_second_round();
    let inputs = l.plan_inputs(2, 1e-7, "test").unwrap();
    let first = l.rounds[&1].plan.clone().unwrap();
    let start = inputs
        .warm_start
        .clone()
        .expect("round 1's plan is the start");
    assert_eq!(start.round, 1);
    assert_eq!(start.result_sha256, digest(&first.outcome));
    let economy = &l.economy.as_ref().unwrap().parsed;

    // The start must be the plan it names.
    assert!(compute_plan(economy, &inputs, None).is_err());
    assert!(compute_plan(
        economy,
        &inputs,
        Some(&l.rounds[&1].plan.as_ref().unwrap().outcome)
    )
    .is_ok());
    let mut other = first.outcome.clone();
    other.lambda += 1.0;
    let wrong = compute_plan(economy, &inputs, Some(&other)).unwrap_err();
    assert!(wrong.to_string().contains("round 1"), "{wrong}");

    let warm = compute_plan(economy, &inputs, Some(&first.outcome)).unwrap();
    let mut cold_inputs = inputs.clone();
    cold_inputs.warm_start = None;
    let cold = compute_plan(economy, &cold_inputs, None).unwrap();
    assert_eq!(warm.status, "optimal");
    assert_eq!(cold.status, "optimal");
    assert!(
        (warm.lambda - cold.lambda).abs() <= 1e-6 * cold.lambda.abs(),
        "the start changes the path, not the answer: λ {} warm, {} cold",
        warm.lambda,
        cold.lambda
    );
    // Issue #12: at this size the core chooses the interior-point method, which sets the
    // start aside; with PDLP (the solver of 0.1.0's plans) the start saves iterations.
    assert_eq!(warm.method, "ipm");
    let pdlp = |mut i: PlanInputs| {
        i.lp_solver = Some(plenty_ledger::RecordedLpSolver::Pdlp);
        i
    };
    let warm_pdlp = compute_plan(economy, &pdlp(inputs.clone()), Some(&first.outcome)).unwrap();
    let cold_pdlp = compute_plan(economy, &pdlp(cold_inputs.clone()), None).unwrap();
    assert!(
        warm_pdlp.iterations < cold_pdlp.iterations,
        "a start one need away from the optimum: {} iterations warm, {} cold",
        warm_pdlp.iterations,
        cold_pdlp.iterations
    );

    // Warm and cold plans both verify, the warm one recomputed from the recorded start.
    let mut cold_events = events.clone();
    cold_events.push(plan_event(2, cold_inputs, cold));
    let r = verify(&seal(&cold_events), true);
    assert!(r.ok(), "{r:?}");
    events.push(plan_event(2, inputs.clone(), warm.clone()));
    let r = verify(&seal(&events), true);
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.plans_checked, 2);

    // A forger who names another start (here: a made-up hash) is caught at that entry.
    let mut forged = inputs;
    forged.warm_start.as_mut().unwrap().result_sha256 = "0".repeat(64);
    let n = events.len();
    events[n - 1] = plan_event(2, forged, warm);
    let r = verify(&seal(&events), true);
    assert_eq!(r.first_bad.as_ref().map(|b| b.seq), Some(n as u64), "{r:?}");
}
