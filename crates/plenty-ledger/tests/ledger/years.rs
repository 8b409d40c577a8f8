//! Multi-year rounds (issue #13): an economy with `[years]` imported, needs per year, ballots
//! on the weight on the present (a yearly discount rate), the median rate, and the plan year
//! by year, recorded and recomputed bit for bit by `verify`.

use plenty_core::lp::LpSettings;
use plenty_core::plan::multiyear::{solve_multi_year, YearsObjective};
use plenty_ledger::planning::digest;
use plenty_ledger::*;
use std::path::Path;

const FIVE_YEAR: &str = include_str!("../../../../examples/plans/five_year.toml");
const VALLEY: &str = include_str!("../../../../examples/plans/valley.toml");

use crate::ledger::{pseudonym, seal};

struct Log {
    ledger: Ledger,
    events: Vec<Event>,
}

impl Log {
    fn push(&mut self, e: Event) {
        self.ledger
            .apply(&e)
            .unwrap_or_else(|r| panic!("{e:?}: {r}"));
        self.events.push(e);
    }
}

fn need(product: &str, quantity: f64, year: Option<i64>, by: MemberId) -> Event {
    Event::NeedRegistered {
        round: 1,
        by: pseudonym(by),
        product: product.into(),
        quantity,
        year,
    }
}

fn rate_ballot(l: &Ledger, m: MemberId, rate: f64) -> Event {
    l.cast_ballot(
        1,
        pseudonym(m),
        RoundBallot {
            discount_rate: Some(rate),
            ..Default::default()
        },
    )
}

/// Five members, the five-year economy, one round: needs for 2028 and for every year, four
/// rate ballots, closed and counted, the plan computed as the service computes it.
fn a_multi_year_round() -> Log {
    let mut log = Log {
        ledger: Ledger::default(),
        events: Vec::new(),
    };
    log.push(Event::FederationFounded {
        name: "valley".into(),
        weeks_per_period: 46.0,
    });
    for m in 1..=5 {
        let role = if m == 1 {
            Role::Facilitator
        } else {
            Role::Member
        };
        log.push(Event::MemberJoined {
            member: m,
            councils: vec![],
            role,
        });
    }
    log.push(Event::EconomyImported {
        by: 1,
        text: FIVE_YEAR.into(),
        sha256: chain::sha256_hex(FIVE_YEAR.as_bytes()),
    });
    let (round, e) = log
        .ledger
        .open_round(1, "five years", None, None, None, None, None)
        .unwrap();
    assert_eq!(round, 1);
    log.push(e);
    log.push(need("bread", 2.0, Some(2028), 2));
    log.push(need("cloth", 50.0, None, 3));
    log.push(Event::PhaseAdvanced {
        round: 1,
        to: Phase::Voting,
        by: 1,
    });
    for (m, rate) in [(2, 0.1), (3, 0.01), (4, 0.05), (5, 0.02)] {
        let e = rate_ballot(&log.ledger, m, rate);
        log.push(e);
    }
    let events = log.ledger.close_round(1, 1, pseudonym).unwrap();
    for e in events {
        log.push(e);
    }
    let work = log.ledger.plan_work(1, 1e-9, "test").unwrap();
    assert!(work.is_multi_year());
    let e = work.compute_event().unwrap();
    log.push(e);
    log
}

#[test]
fn issue_13_the_median_rate_of_hand_made_ballots() {
    let b = |rate: f64, weight: u64| RateBallot { rate, weight };
    // Odd count: the middle one.
    let d = discount_rate(&[b(0.1, 1), b(0.0, 1), b(0.05, 1)], true);
    assert_eq!(
        (d.rate, d.median_at, d.default_used),
        (0.05, Some(1), false)
    );
    // Even count: the lower of the two middle rates.
    let d = discount_rate(&[b(0.04, 1), b(0.01, 1), b(0.03, 1), b(0.02, 1)], true);
    assert_eq!(d.rate, 0.02);
    assert_eq!(
        d.ballots.iter().map(|x| x.rate).collect::<Vec<_>>(),
        [0.01, 0.02, 0.03, 0.04],
        "the count lists the rates sorted"
    );
    assert!(d.explanation.contains("2nd"), "{}", d.explanation);
    // Weighted: a ballot carrying a delegated vote counts twice; 0.01 holds half the weight.
    let d = discount_rate(&[b(0.05, 1), b(0.01, 2), b(0.2, 1)], true);
    assert_eq!((d.rate, d.weight), (0.01, 4));
    let d = discount_rate(&[b(0.05, 1), b(0.01, 1), b(0.2, 2)], true);
    assert_eq!(d.rate, 0.05);
    // One extreme ballot cannot drag the rate: 0.2 instead of 0.04 changes nothing.
    let a = discount_rate(&[b(0.02, 1), b(0.03, 1), b(0.04, 1)], true);
    let z = discount_rate(&[b(0.02, 1), b(0.03, 1), b(0.2, 1)], true);
    assert_eq!(a.rate, z.rate);
    // No ballots, or no quorum: the published default.
    let d = discount_rate(&[], true);
    assert_eq!((d.rate, d.default_used), (DEFAULT_DISCOUNT_RATE, true));
    let d = discount_rate(&[b(0.1, 1)], false);
    assert_eq!((d.rate, d.default_used), (0.03, true));
    assert!(d.explanation.contains("no quorum"), "{}", d.explanation);
}

#[test]
fn issue_13_a_multi_year_round_is_planned_recorded_and_verified() {
    let log = a_multi_year_round();
    let l = &log.ledger;
    let r = &l.rounds[&1];

    // The count: the rates 0.01, 0.02, 0.05, 0.1; the lower median is 0.02.
    let d = r.tally.as_ref().unwrap().discount.clone().unwrap();
    assert_eq!(
        d.ballots.iter().map(|x| x.rate).collect::<Vec<_>>(),
        [0.01, 0.02, 0.05, 0.1]
    );
    assert_eq!(
        (d.rate, d.median_at, d.default_used),
        (0.02, Some(1), false)
    );

    // The plan: five years, discounted at the median rate.
    let plan = r.plan.as_ref().unwrap();
    let years = plan.years.as_ref().expect("a multi-year plan");
    assert_eq!(years.inputs.discount_rate, 0.02);
    assert_eq!(years.result.years.len(), 5);
    assert_eq!(
        years
            .result
            .years
            .iter()
            .map(|y| y.year)
            .collect::<Vec<_>>(),
        [2027, 2028, 2029, 2030, 2031]
    );
    assert_eq!(
        plan.outcome.status, "optimal",
        "{:?}",
        plan.outcome.explanation
    );
    // The needs: bread's 2028 target has 2 more, cloth every year 50 more.
    let loaded =
        plenty_io::multiyear_file::parse_multi_year(Path::new("five_year.toml"), FIVE_YEAR)
            .unwrap();
    let mut m = loaded.economy.clone();
    let j = |name: &str| m.goods.iter().position(|g| g == name).unwrap();
    let (bread, cloth) = (j("bread"), j("cloth"));
    m.targets[1][bread] += 2.0;
    for t in 0..5 {
        m.targets[t][cloth] += 50.0;
    }
    assert_eq!(years.inputs.targets[1]["bread"], m.targets[1][bread]);
    assert_eq!(years.inputs.targets[0]["bread"], m.targets[0][bread]);
    // The hours: each year's times the consumption share (the default split, no quorum on it
    // is needed: no ballot gave a split).
    let c = HoursSplit::DEFAULT.consumption;
    for h in &mut m.labour_available {
        *h *= c;
    }
    // The same economy solved directly gives the same Σλ.
    let direct = solve_multi_year(
        &m,
        YearsObjective::Discounted { rate: 0.02 },
        &LpSettings {
            tolerance: 1e-9,
            max_iterations: 2_000_000,
            time_limit: None,
        },
    )
    .unwrap();
    let recorded = years.result.total_lambda;
    let expected = direct.report.plan.total_lambda;
    assert!(
        (recorded - expected).abs() <= 1e-9 * (1.0 + expected.abs()),
        "Σλ recorded {recorded}, computed directly {expected}"
    );
    assert_eq!(plan.outcome.lambda, recorded, "the plan's λ is Σλ");
    for (t, y) in years.result.years.iter().enumerate() {
        let want = direct.report.plan.years[t].lambda;
        assert!(
            (y.lambda - want).abs() <= 1e-7 * (1.0 + want.abs()),
            "year {t}"
        );
    }

    // verify recomputes the count and the plan, bit for bit.
    let entries = seal(&log.events);
    let v = verify(&entries, true);
    assert!(v.ok(), "{v:?}");
    assert_eq!((v.tallies_checked, v.plans_checked), (1, 1));

    // Every entry reads back exactly.
    for e in &entries {
        let text = serde_json::to_string(e).unwrap();
        let back: Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }
}

fn plan_position(events: &[Event]) -> usize {
    events
        .iter()
        .position(|e| e.kind() == "plan_recorded")
        .unwrap()
}

#[test]
fn issue_13_a_forged_multi_year_plan_is_found() {
    let log = a_multi_year_round();
    let k = plan_position(&log.events);

    // One year's λ changed by one part in 10^12, the digest recomputed.
    let mut events = log.events.clone();
    if let Event::PlanRecorded { years: Some(y), .. } = &mut events[k] {
        y.result.years[2].lambda *= 1.0 + 1e-12;
        y.result_sha256 = digest(&y.result);
    }
    assert!(
        verify(&seal(&events), false).ok(),
        "the rules alone cannot see it"
    );
    let bad = verify(&seal(&events), true).first_bad.unwrap();
    assert_eq!(bad.seq, k as u64 + 1);
    assert!(bad.reason.contains("different plan"), "{}", bad.reason);

    // A plan at another rate than the count's.
    let mut events = log.events.clone();
    if let Event::PlanRecorded { years: Some(y), .. } = &mut events[k] {
        y.inputs.discount_rate = 0.05;
        y.inputs_sha256 = digest(&y.inputs);
    }
    let bad = verify(&seal(&events), false).first_bad.unwrap();
    assert_eq!(bad.seq, k as u64 + 1);
    assert!(bad.reason.contains("not computed from"), "{}", bad.reason);

    // The years left out of the plan of a multi-year round.
    let mut events = log.events.clone();
    if let Event::PlanRecorded { years, .. } = &mut events[k] {
        *years = None;
    }
    let bad = verify(&seal(&events), false).first_bad.unwrap();
    assert_eq!(bad.seq, k as u64 + 1);
    assert!(bad.reason.contains("has no years"), "{}", bad.reason);

    // A forged rate in the count.
    let mut events = log.events.clone();
    let t = events
        .iter()
        .position(|e| e.kind() == "tally_recorded")
        .unwrap();
    if let Event::TallyRecorded { tally, .. } = &mut events[t] {
        tally.discount.as_mut().unwrap().rate = 0.1;
    }
    let bad = verify(&seal(&events), false).first_bad.unwrap();
    assert_eq!(bad.seq, t as u64 + 1);
}

#[test]
fn issue_13_bad_needs_and_rates_are_refused_with_the_rounds_years() {
    let log = a_multi_year_round();
    // Replay up to the needs phase of round 1.
    let mut l = Ledger::default();
    for e in &log.events {
        if matches!(
            e,
            Event::PhaseAdvanced {
                to: Phase::Voting,
                ..
            }
        ) {
            break;
        }
        l.apply(e).unwrap();
    }
    let r = l.apply(&need("bread", 1.0, Some(2035), 2)).unwrap_err();
    assert_eq!(r.code, RejectCode::Invalid);
    assert!(r.message.contains("2027 to 2031"), "{}", r.message);
    // A single-year economy cannot replace one whose years the needs name.
    let r = l
        .apply(&Event::EconomyImported {
            by: 1,
            text: VALLEY.into(),
            sha256: chain::sha256_hex(VALLEY.as_bytes()),
        })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::Conflict);
    assert!(r.message.contains("year 2028"), "{}", r.message);
    l.apply(&Event::PhaseAdvanced {
        round: 1,
        to: Phase::Voting,
        by: 1,
    })
    .unwrap();
    let r = l.apply(&rate_ballot(&l, 2, 0.5)).unwrap_err();
    assert_eq!(r.code, RejectCode::Invalid);
    assert!(r.message.contains("0.2"), "{}", r.message);
    let r = l.apply(&rate_ballot(&l, 2, f64::NAN)).unwrap_err();
    assert_eq!(r.code, RejectCode::Invalid);
}

#[test]
fn issue_13_single_year_rounds_refuse_years_and_rates() {
    let mut l = Ledger::default();
    for e in [
        Event::FederationFounded {
            name: "v".into(),
            weeks_per_period: 52.0,
        },
        Event::MemberJoined {
            member: 1,
            councils: vec![],
            role: Role::Facilitator,
        },
        Event::EconomyImported {
            by: 1,
            text: VALLEY.into(),
            sha256: chain::sha256_hex(VALLEY.as_bytes()),
        },
    ] {
        l.apply(&e).unwrap();
    }
    let (_, e) = l
        .open_round(1, "one year", None, None, None, None, None)
        .unwrap();
    l.apply(&e).unwrap();
    let r = l.apply(&need("bread", 1.0, Some(2), 1)).unwrap_err();
    assert!(r.message.contains("single year"), "{}", r.message);
    l.apply(&Event::PhaseAdvanced {
        round: 1,
        to: Phase::Voting,
        by: 1,
    })
    .unwrap();
    let r = l.apply(&rate_ballot(&l, 1, 0.05)).unwrap_err();
    assert!(r.message.contains("single year"), "{}", r.message);
}
