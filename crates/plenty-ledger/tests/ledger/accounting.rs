//! Issue #16: labour-time accounting. Hours reported by a workplace, paid only once their
//! member confirms them, at the deduction rates the members voted; purchases at the price in
//! force, debited from the buyer's own account; no transfer, no means of production, no
//! overspending, and every balance recomputed by replaying the log. Every test checks the
//! identity `credits issued = hours worked − deductions`.

use crate::ledger::{pseudonym, seal};
use plenty_core::accounting::{DeductionRates, Pay};
use plenty_ledger::accounting::PriceLine;
use plenty_ledger::*;
use proptest::prelude::*;

const VALLEY: &str = include_str!("../../../../examples/plans/valley.toml");

/// The workplace council, the distribution point, the facilitator (who reports and posts
/// purchases too), and the auditor.
const MILL: CouncilId = 1;
const SHOP: CouncilId = 2;
const AUDITOR: MemberId = 5;

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
        assert_identity(&self.ledger);
    }

    fn try_push(&mut self, e: Event) -> Result<(), Rejected> {
        self.ledger.apply(&e)?;
        self.events.push(e);
        assert_identity(&self.ledger);
        Ok(())
    }

    fn report(&mut self, member: MemberId, hours: f64) -> u64 {
        let report = self.ledger.accounts.last_report + 1;
        self.push(Event::HoursReported {
            report,
            council: MILL,
            account: account(member),
            period: "2026-W49".into(),
            hours,
            by: 1,
        });
        report
    }

    fn confirm(&mut self, report: u64, member: MemberId) {
        let e = self.ledger.confirm_hours(report, account(member)).unwrap();
        self.push(e);
    }

    fn buy(&mut self, member: MemberId, product: &str, quantity: f64) -> Result<bool, Rejected> {
        let (e, queued) =
            self.ledger
                .purchase(SHOP, account(member), product.into(), quantity, 1)?;
        self.push(e);
        Ok(queued)
    }

    fn price(&self, product: &str) -> PriceLine {
        self.ledger.accounts.prices.as_ref().unwrap().prices[product]
    }
}

/// A member's account pseudonym (the service computes a keyed hash; any string will do here).
fn account(m: MemberId) -> String {
    format!("acct{m:02}")
}

/// `credits = hours − deductions`, for the federation and for every account, and every
/// balance recomputed from its lines.
fn assert_identity(l: &Ledger) {
    let t = l.accounts.totals;
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
    assert!(
        close(t.credits, t.hours - t.investment - t.common_goods - t.care),
        "{t:?}"
    );
    for a in l.accounts.accounts.values() {
        let b = a.balance;
        assert!(close(b.credits, b.hours - b.deductions()), "{b:?}");
        assert!(b.available() >= -1e-9, "overspent: {b:?}");
    }
    l.check_balances().unwrap();
}

/// Five members, the valley's economy, one round closed with its plan, a workplace (the mill,
/// reported by member 1), a distribution point (the shop, run by member 1), member 5 an
/// auditor.
fn federation() -> Log {
    let mut log = Log {
        ledger: Ledger::default(),
        events: Vec::new(),
    };
    log.push(Event::FederationFounded {
        name: "valley".into(),
        weeks_per_period: 46.0,
    });
    log.push(Event::CouncilFounded {
        council: MILL,
        name: "mill".into(),
        kind: CouncilKind::Workplace,
        processes: vec!["mill".into()],
    });
    log.push(Event::CouncilFounded {
        council: SHOP,
        name: "shop".into(),
        kind: CouncilKind::Consumer,
        processes: vec![],
    });
    for m in 1..=5 {
        let role = if m == 1 {
            Role::Facilitator
        } else {
            Role::Member
        };
        log.push(Event::MemberJoined {
            member: m,
            councils: vec![MILL, SHOP],
            role,
        });
    }
    log.push(Event::EconomyImported {
        by: 1,
        text: VALLEY.into(),
        sha256: chain::sha256_hex(VALLEY.as_bytes()),
    });
    let (round, e) = log
        .ledger
        .open_round(1, "the year", None, None, None, None, None)
        .unwrap();
    log.push(e);
    log.push(Event::PhaseAdvanced {
        round,
        to: Phase::Voting,
        by: 1,
    });
    for e in log.ledger.close_round(round, 1, pseudonym).unwrap() {
        log.push(e);
    }
    let e = log
        .ledger
        .plan_work(round, 1e-9, "test")
        .unwrap()
        .compute_event()
        .unwrap();
    log.push(e);
    log.push(Event::WorkplaceNamed {
        council: MILL,
        reporters: vec![1],
        by: 1,
    });
    log.push(Event::DistributionPointNamed {
        council: SHOP,
        operators: vec![1],
        by: 1,
    });
    log.push(Event::AuditorsNamed {
        auditors: vec![AUDITOR],
        by: 1,
    });
    let e = log.ledger.publish_prices(round, 1).unwrap();
    log.push(e);
    log
}

fn rates(investment: f64, common_goods: f64, care: f64) -> DeductionRates {
    DeductionRates {
        investment,
        common_goods,
        care,
    }
}

#[test]
fn issue_16_unconfirmed_hours_pay_nothing_and_confirmation_pays_at_the_voted_rates() {
    let mut log = federation();
    let r = log.report(2, 40.0);
    let s = log.ledger.statement(&account(2));
    assert_eq!(
        s.balance.credits, 0.0,
        "reported, not confirmed: nothing paid"
    );
    assert_eq!(s.pending.len(), 1);
    assert_eq!(log.ledger.accounts.totals.hours, 0.0);
    // Three ballots: the medians are in force.
    for (m, b) in [
        (2, rates(0.1, 0.1, 0.05)),
        (3, rates(0.2, 0.1, 0.05)),
        (4, rates(0.9, 0.05, 0.0)),
    ] {
        log.push(Event::DeductionsVoted {
            account: account(m),
            rates: b,
        });
    }
    assert_eq!(log.ledger.accounts.rates, rates(0.2, 0.1, 0.05));
    log.confirm(r, 2);
    let s = log.ledger.statement(&account(2));
    assert_eq!(s.balance.hours, 40.0);
    assert!((s.balance.credits - 40.0 * 0.65).abs() < 1e-12);
    assert_eq!(
        s.balance.credits,
        40.0 - s.balance.investment - s.balance.common_goods - s.balance.care
    );
    assert!(s.pending.is_empty());
    // A report is paid once.
    assert_eq!(
        log.ledger.confirm_hours(r, account(2)).unwrap_err().code,
        RejectCode::NotFound
    );
    // A dispute pays nothing.
    let r2 = log.report(3, 12.0);
    log.push(Event::HoursDisputed {
        report: r2,
        account: account(3),
        reason: "I worked 10 hours".into(),
    });
    assert_eq!(log.ledger.statement(&account(3)).balance.credits, 0.0);
    assert_eq!(log.ledger.accounting_report().disputed_reports, 1);
    // A ballot outside [0, 1) names its field.
    let bad = Event::DeductionsVoted {
        account: account(2),
        rates: rates(0.1, 1.5, 0.0),
    };
    let err = log.ledger.apply(&bad).unwrap_err();
    assert_eq!(err.code, RejectCode::Invalid);
    assert!(err.message.contains("common_goods"), "{}", err.message);
}

#[test]
fn issue_16_credits_cannot_move_between_members() {
    let mut log = federation();
    let r = log.report(2, 40.0);
    // There is no transfer event: the log cannot even hold one.
    let transfer = r#"{"type":"credits_transferred","from":"acct02","to":"acct03","credits":10}"#;
    assert!(serde_json::from_str::<Event>(transfer).is_err());
    // Another member cannot confirm member 2's hours into their own account…
    let e = Event::HoursConfirmed {
        report: r,
        account: account(3),
        rates: DeductionRates::default(),
        pay: Pay::for_hours(40.0, &DeductionRates::default()),
    };
    assert_eq!(
        log.ledger.apply(&e).unwrap_err().code,
        RejectCode::Forbidden
    );
    log.confirm(r, 2);
    // …and a purchase debits only the buyer: nobody is credited.
    let before3 = log.ledger.statement(&account(3)).balance;
    let price = log.price("bread").price;
    log.buy(2, "bread", 10.0 / price).unwrap();
    assert_eq!(log.ledger.statement(&account(3)).balance, before3);
    let s2 = log.ledger.statement(&account(2));
    assert!((s2.balance.consumption - 10.0).abs() < 1e-9);
    assert!((s2.available - 30.0).abs() < 1e-9);
    // Member 3 has no credits: a purchase for them is refused, whoever posts it.
    let err = log.buy(3, "bread", 1.0 / price).unwrap_err();
    assert_eq!(err.code, RejectCode::Conflict);
    assert!(err.message.contains("overspent"), "{}", err.message);
    // Only the named operator posts purchases, only the named reporter reports hours.
    let e = Event::HoursReported {
        report: log.ledger.accounts.last_report + 1,
        council: MILL,
        account: account(2),
        period: "2026-W50".into(),
        hours: 40.0,
        by: 2,
    };
    assert_eq!(
        log.ledger.apply(&e).unwrap_err().code,
        RejectCode::Forbidden
    );
    assert_eq!(
        log.ledger
            .purchase(SHOP, account(2), "bread".into(), 0.001, 2)
            .unwrap_err()
            .code,
        RejectCode::Forbidden
    );
}

#[test]
fn issue_16_means_of_production_cannot_be_bought() {
    let mut log = federation();
    let r = log.report(2, 40.0);
    log.confirm(r, 2);
    // Flour has no target: the mill's input to bread, not a consumer good.
    let err = log.buy(2, "flour", 0.001).unwrap_err();
    assert_eq!(err.code, RejectCode::Forbidden);
    assert!(
        err.message.contains("means of production"),
        "{}",
        err.message
    );
    // Even a forged entry at some price is refused by the replay.
    let forged = Event::PurchaseRecorded {
        purchase: 1,
        council: SHOP,
        account: account(2),
        product: "flour".into(),
        quantity: 0.001,
        price: 1.0,
        cost: 0.001,
        by: 1,
    };
    assert_eq!(
        log.ledger.apply(&forged).unwrap_err().code,
        RejectCode::Forbidden
    );
    let err = log.buy(2, "gold", 1.0).unwrap_err();
    assert_eq!(err.code, RejectCode::NotFound);
}

#[test]
fn issue_16_the_replay_refuses_overspending_and_forged_figures() {
    let mut log = federation();
    let r = log.report(2, 10.0);
    log.confirm(r, 2);
    let line = log.price("bread");
    // A purchase of twice the balance, forged with the right price: the replay refuses it,
    // in the service and in an audit of an export that holds it.
    let q = 20.0 / line.price;
    let forged = Event::PurchaseRecorded {
        purchase: 1,
        council: SHOP,
        account: account(2),
        product: "bread".into(),
        quantity: q,
        price: line.price,
        cost: q * line.price,
        by: 1,
    };
    let err = log.ledger.apply(&forged).unwrap_err();
    assert_eq!(err.code, RejectCode::Conflict);
    let mut events = log.events.clone();
    events.push(forged);
    let report = verify(&seal(&events), false);
    assert!(!report.ok());
    assert!(
        report.first_bad.unwrap().reason.contains("overspent"),
        "the audit names the rule"
    );
    // A purchase below the price in force.
    let cheap = Event::PurchaseRecorded {
        purchase: 1,
        council: SHOP,
        account: account(2),
        product: "bread".into(),
        quantity: 1.0 / line.price,
        price: line.price / 2.0,
        cost: 0.5,
        by: 1,
    };
    assert_eq!(
        log.ledger.apply(&cheap).unwrap_err().code,
        RejectCode::Mismatch
    );
    // Pay that ignores the deductions in force.
    log.push(Event::DeductionsVoted {
        account: account(3),
        rates: rates(0.1, 0.1, 0.1),
    });
    let r = log.report(2, 10.0);
    let forged_pay = Event::HoursConfirmed {
        report: r,
        account: account(2),
        rates: log.ledger.accounts.rates,
        pay: Pay::for_hours(10.0, &DeductionRates::default()),
    };
    assert_eq!(
        log.ledger.apply(&forged_pay).unwrap_err().code,
        RejectCode::Mismatch
    );
    // Prices that are not the plan's.
    let round = 1;
    let mut prices = log.ledger.price_list(round).unwrap();
    prices.get_mut("bread").unwrap().price *= 0.5;
    let forged_prices = Event::PricesPublished {
        period: 2,
        round,
        prices,
        by: 1,
    };
    assert_eq!(
        log.ledger.apply(&forged_prices).unwrap_err().code,
        RejectCode::Mismatch
    );
    // What is left verifies, and the audit recomputes the balances.
    let report = verify(&seal(&log.events), false);
    assert!(report.ok(), "{:?}", report.first_bad);
    let acc = report.accounting.unwrap();
    assert_eq!(acc.totals, log.ledger.accounts.totals);
}

#[test]
fn issue_16_prices_are_labour_values_and_queues_move_the_next_price_and_target() {
    let mut log = federation();
    let bread = log.price("bread");
    assert_eq!(bread.ratio, 1.0, "the first period prices at value");
    assert!(bread.value > 0.0 && bread.price == bread.value);
    assert!(
        !log.ledger
            .accounts
            .prices
            .as_ref()
            .unwrap()
            .prices
            .contains_key("flour"),
        "no means of production on the price list"
    );
    // Everyone works; member 2 buys, member 3 asks for more than the shop has.
    for m in 2..=4 {
        let r = log.report(m, 40.0);
        log.confirm(r, m);
    }
    assert!(!log.buy(2, "bread", 5.0 / bread.price).unwrap());
    assert!(log.buy(3, "bread", bread.supply * 2.0).unwrap(), "queued");
    let report = log.ledger.accounting_report();
    assert_eq!(report.queues.len(), 1);
    assert_eq!(report.queues[0].product, "bread");
    assert_eq!(report.queues[0].requests, 1);
    assert!(report.consumption_gini > 0.0 && report.top_tenth_share > 0.0);
    let week = report.working_week.unwrap();
    assert_eq!(week.members, 5);
    assert_eq!(week.workers, 3);
    assert!(week.per_member.unwrap() > 0.0);
    // The next period: bread was in demand beyond its supply, so it costs more than its
    // value, and the next plan aims for more of it.
    let e = log.ledger.publish_prices(1, 1).unwrap();
    log.push(e);
    let next = log.price("bread");
    assert!(next.ratio > 1.0, "{next:?}");
    assert_eq!(next.price, next.value * next.ratio);
    log.push(Event::PhaseAdvanced {
        round: 1,
        to: Phase::FollowUp,
        by: 1,
    });
    let (round, e) = log
        .ledger
        .open_round(1, "next year", None, None, None, None, None)
        .unwrap();
    log.push(e);
    log.push(Event::PhaseAdvanced {
        round,
        to: Phase::Voting,
        by: 1,
    });
    for e in log.ledger.close_round(round, 1, pseudonym).unwrap() {
        log.push(e);
    }
    let inputs = log.ledger.plan_inputs(round, 1e-9, "test").unwrap();
    assert!((inputs.targets["bread"] - 3.0 * next.ratio).abs() < 1e-9);
    // The whole log replays: prices recomputed, balances recomputed.
    let report = verify(&seal(&log.events), false);
    assert!(report.ok(), "{:?}", report.first_bad);
}

#[test]
fn issue_16_bad_input_names_its_field() {
    let mut log = federation();
    let bad_hours = Event::HoursReported {
        report: 1,
        council: MILL,
        account: account(2),
        period: "2026-W49".into(),
        hours: 1e6,
        by: 1,
    };
    let err = log.ledger.apply(&bad_hours).unwrap_err();
    assert!(err.message.starts_with("hours"), "{}", err.message);
    let bad_period = Event::HoursReported {
        report: 1,
        council: MILL,
        account: account(2),
        period: " ".into(),
        hours: 8.0,
        by: 1,
    };
    let err = log.ledger.apply(&bad_period).unwrap_err();
    assert!(err.message.starts_with("period"), "{}", err.message);
    let wrong_council = Event::WorkplaceNamed {
        council: SHOP,
        reporters: vec![1],
        by: 1,
    };
    let err = log.ledger.apply(&wrong_council).unwrap_err();
    assert!(err.message.starts_with("council"), "{}", err.message);
    let not_facilitator = Event::AuditorsNamed {
        auditors: vec![2],
        by: 2,
    };
    assert_eq!(
        log.ledger.apply(&not_facilitator).unwrap_err().code,
        RejectCode::Forbidden
    );
    assert!(log.ledger.is_auditor(AUDITOR) && !log.ledger.is_auditor(2));
    log.try_push(Event::AuditorsNamed {
        auditors: vec![2],
        by: 1,
    })
    .unwrap();
    assert!(!log.ledger.is_auditor(AUDITOR) && log.ledger.is_auditor(2));
}

/// What a member does in the property test.
#[derive(Debug, Clone)]
enum Step {
    Report(MemberId, f64),
    Confirm(usize),
    Dispute(usize),
    Vote(MemberId, f64, f64, f64),
    Buy(MemberId, f64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (2u64..=5, 0.5f64..60.0).prop_map(|(m, h)| Step::Report(m, h)),
        (0usize..8).prop_map(Step::Confirm),
        (0usize..8).prop_map(Step::Dispute),
        (2u64..=5, 0.0f64..0.3, 0.0f64..0.3, 0.0f64..0.3)
            .prop_map(|(m, i, c, k)| Step::Vote(m, i, c, k)),
        (2u64..=5, 0.0f64..1.5).prop_map(|(m, share)| Step::Buy(m, share)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Whatever members do, replaying the sealed log gives the same balances, every balance
    /// adds up from its lines, and credits are hours less deductions.
    #[test]
    fn issue_16_replaying_the_log_gives_the_same_balances(
        steps in proptest::collection::vec(step(), 1..40)
    ) {
        let mut log = federation();
        for s in steps {
            match s {
                Step::Report(m, h) => {
                    log.report(m, h);
                }
                Step::Confirm(k) | Step::Dispute(k) => {
                    let Some(r) = log.ledger.accounts.pending.values().nth(k).cloned() else {
                        continue;
                    };
                    let e = if matches!(s, Step::Confirm(_)) {
                        log.ledger.confirm_hours(r.report, r.account).unwrap()
                    } else {
                        Event::HoursDisputed {
                            report: r.report,
                            account: r.account,
                            reason: "wrong".into(),
                        }
                    };
                    log.push(e);
                }
                Step::Vote(m, i, c, k) => log.push(Event::DeductionsVoted {
                    account: account(m),
                    rates: rates(i, c, k),
                }),
                Step::Buy(m, share) => {
                    // A share of the balance: above 1 the replay must refuse it.
                    let line = log.price("bread");
                    let sold = log.ledger.accounts.prices.as_ref().unwrap().demand
                        .get("bread").map_or(0.0, |d| d.sold);
                    let available = log.ledger.statement(&account(m)).available;
                    let q = available * share / line.price;
                    if q <= 0.0 || (share - 1.0).abs() < 1e-6 {
                        continue;
                    }
                    let refused = log.buy(m, "bread", q).is_err();
                    prop_assert_eq!(refused, share > 1.0 && sold + q <= line.supply);
                }
            }
        }
        let (report, replayed) = verify_and_replay(&seal(&log.events), false);
        prop_assert!(report.ok(), "{:?}", report.first_bad);
        prop_assert_eq!(replayed.accounts.totals, log.ledger.accounts.totals);
        for (name, a) in &log.ledger.accounts.accounts {
            prop_assert_eq!(&replayed.accounts.accounts[name], a);
        }
        assert_identity(&replayed);
    }
}
