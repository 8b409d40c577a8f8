//! Hand-checkable multi-year economies (issue #13), each solved on paper in its documentation.

use super::*;
use crate::lp::ipm::{Ipm, IpmSettings};
use crate::lp::{LpSettings, LpSolution, LpStatus};

fn exact() -> LpSettings {
    LpSettings {
        tolerance: 1e-10,
        ..Default::default()
    }
}

fn ipm(m: &MultiYearLp) -> LpSolution {
    let (sol, _) = Ipm::new(IpmSettings {
        lp: exact(),
        ..Default::default()
    })
    .solve_with_stats(&m.lp)
    .unwrap();
    assert_eq!(sol.status, LpStatus::Optimal);
    sol
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

/// One good that is its own capital.
fn one_good(years: usize) -> MultiYearEconomy {
    MultiYearEconomy::leontief(
        vec!["corn".into()],
        vec![vec![(0, 0.5)]],
        vec![1.0],
        vec![CapitalCell {
            good: 0,
            process: 0,
            per_unit: 1.0,
            depreciation: 0.0,
            initial_stock: 10.0,
            lag: 1,
        }],
        vec![vec![1.0]; years],
        vec![100.0; years],
    )
}

/// Corn and tractors: corn takes an hour and a tractor of stock per unit; a tractor takes two
/// hours and nothing else; people eat corn; 100 hours a year; 10 tractors at the start, which
/// last for ever.
fn corn_and_tractors(years: usize) -> MultiYearEconomy {
    let mut e = MultiYearEconomy::leontief(
        vec!["corn".into(), "tractors".into()],
        vec![vec![], vec![]],
        vec![1.0, 2.0],
        vec![CapitalCell {
            good: 1,
            process: 0,
            per_unit: 1.0,
            depreciation: 0.0,
            initial_stock: 10.0,
            lag: 1,
        }],
        vec![vec![1.0, 0.0]; years],
        vec![100.0; years],
    );
    e.workers = vec![2.0; years];
    e
}

#[test]
fn the_layout_names_every_variable_of_a_year() {
    let e = one_good(2);
    let m = multi_year_lp(&e).unwrap();
    // Year 0: x, C, λ, K, A; year 1: x, C, λ, K.
    assert_eq!(m.lp.ncols(), 5 + 4);
    assert_eq!(m.lp.col_names[m.layout.lambda(1)], "lambda_1");
    // Rows per year: balance, fulfilment, labour, capacity, stock.
    assert_eq!(m.lp.nrows(), 10);
    assert_eq!(m.lp.row_names[m.layout.labour_row(1)], "labour_1");
    assert_eq!(m.layout.balance_row(1, 0), 5);
    assert_eq!(
        m.lp.row_names[m.layout.stock_row(1, 0)],
        "stock_1_corn_corn"
    );
    assert_eq!(
        m.lp.row_names[m.layout.capacity_row(0, 0)],
        "capacity_0_corn_corn"
    );
    assert_eq!(m.layout.investment(1, 0), None);
}

/// The one-good economy solved on paper. Corn needs half a unit of corn and one unit of
/// corn stock per unit (no depreciation, 10 units of stock, labour never short), so a year
/// with stock `K` has a surplus of `K/2` to eat or to invest, and each unit invested is one
/// more unit of stock from the next year on. With `v_t` the worth in `Σλ` of a unit of stock
/// in year `t`: the last year eats its surplus, `v_T = 1/2`; a year invests all when
/// `v_{t+1} > 1`, giving `v_t = 3/2 · v_{t+1}`, and eats all when `v_{t+1} < 1`, giving
/// `v_t = 1/2 + v_{t+1}`. For `T = 5`: `v = (3.375, 2.25, 1.5, 1, 1/2)`, so the optimum is
/// `Σλ = 10 · 3.375 = 33.75`, with nothing eaten in years 1 and 2 (investing is strictly
/// better there; later years tie, so only their sum is unique).
#[test]
fn the_one_good_economy_invests_while_it_pays() {
    let e = one_good(5);
    let m = multi_year_lp(&e).unwrap();
    let plan = read_plan(&e, &m, &ipm(&m));
    assert!(
        close(plan.total_lambda, 33.75, 1e-9),
        "{}",
        plan.total_lambda
    );
    assert!(plan.years[0].lambda.abs() < 1e-7 && plan.years[1].lambda.abs() < 1e-7);
    assert!(close(plan.years[1].stocks[0], 15.0, 1e-7));
    assert!(close(plan.years[2].stocks[0], 22.5, 1e-7));
    assert_eq!(plan.years[4].investment, vec![0.0]);
    // The valuation of the first year's stock is v_1 = 3.375.
    assert!(
        close(plan.years[0].capital_valuation[0], 3.375, 1e-6),
        "{:?}",
        plan.years[0].capital_valuation
    );
}

/// The same economy with the other objectives. The smallest λ: year 1 can eat at most its
/// surplus, 5, and eating the whole surplus every year gives 5 in every year, so
/// `max min_t λ_t = 5`. Discounting at 100 % a year makes a unit eaten in year 1 worth more
/// than the 0.5 + 0.25 + … that investing it returns: nothing is invested.
#[test]
fn other_objectives_change_the_path() {
    let e = one_good(5);
    let solved = solve_multi_year(&e, YearsObjective::MinLambda, &exact()).unwrap();
    let mu = solved.report.objective_value;
    assert!(close(mu, 5.0, 1e-6), "{mu}");
    assert!(solved
        .report
        .plan
        .years
        .iter()
        .all(|y| y.lambda >= mu - 1e-6));
    let m = multi_year_lp_with(&e, YearsObjective::Discounted { rate: 1.0 }).unwrap();
    let plan = read_plan(&e, &m, &ipm(&m));
    for y in &plan.years {
        assert!(close(y.lambda, 5.0, 1e-6), "{:?}", plan.years);
    }
    assert!(multi_year_lp_with(&e, YearsObjective::Discounted { rate: -1.0 }).is_err());
}

/// Issue #13's two-sector economy, solved on paper. While the tractors (`K_t`) are fewer than
/// the 100 hours, corn runs at capacity (`x_c = K_t`) and the hours left make
/// `(100 − K_t)/2` tractors, which are stock the next year: `K_{t+1} = K_t + (100 − K_t)/2`,
/// so `K = (10, 55, 77.5, 88.75, 94.375)` and, people eating all the corn,
/// `λ_t = K_t` and `Σλ = 325.625`. The last year makes no tractors (no terminal condition).
///
/// The valuations prove it optimal (LP duality). With `w_t` the worth of an hour, `q_t` of a
/// tractor's capacity and `v_t` of a tractor of stock: corn runs, so `1 = w_t + q_t`; tractors
/// are made in years `t < T`, so `2 w_t = v_{t+1}`; stock is kept, so `v_t = q_t + v_{t+1}`; and
/// the last year leaves hours idle, so `w_T = 0`, `q_T = v_T = 1`. Backwards:
/// `w = (15/16, 7/8, 3/4, 1/2, 0)`, `v = (31/16, 15/8, 7/4, 3/2, 1)` — every `w_t < 1`, so corn
/// is indeed run at capacity — and the dual objective `Σ 100 w_t + 10 v_1 = 325.625` equals Σλ.
#[test]
fn issue_13_two_sectors_invest_as_derived_on_paper() {
    let e = corn_and_tractors(5);
    let m = multi_year_lp(&e).unwrap();
    let plan = read_plan(&e, &m, &ipm(&m));
    let k = [10.0, 55.0, 77.5, 88.75, 94.375];
    let w = [15.0 / 16.0, 7.0 / 8.0, 0.75, 0.5, 0.0];
    let v = [31.0 / 16.0, 15.0 / 8.0, 1.75, 1.5, 1.0];
    assert!(
        close(plan.total_lambda, 325.625, 1e-9),
        "{}",
        plan.total_lambda
    );
    for (t, y) in plan.years.iter().enumerate() {
        assert!(close(y.lambda, k[t], 1e-7), "year {t}: {}", y.lambda);
        assert!(close(y.stocks[0], k[t], 1e-7));
        let tractors = if t < 4 { (100.0 - k[t]) / 2.0 } else { 0.0 };
        assert!(
            close(y.investment[1], tractors, 1e-7),
            "year {t}: {:?}",
            y.investment
        );
        assert!(
            close(y.labour_valuation, w[t], 1e-6),
            "year {t}: w = {}",
            y.labour_valuation
        );
        assert!(
            close(y.capital_valuation[0], v[t], 1e-6),
            "year {t}: v = {}",
            y.capital_valuation[0]
        );
        assert!(close(y.capacity_used[0], 1.0, 1e-7));
        // Two workers share the hours over 52 weeks (in the last year, idle hours may make
        // tractors nobody needs: its hours are not unique).
        if t < 4 {
            assert!(close(y.working_week.unwrap(), 100.0 / 2.0 / 52.0, 1e-7));
        }
    }
    assert!(plan.years[0]
        .binding
        .iter()
        .any(|b| b.starts_with("labour")));
    assert!(plan.years[4]
        .binding
        .iter()
        .all(|b| !b.starts_with("labour")));
    // Year 1 invests 45 tractors of 2 hours each and eats 10 units of corn of 1 hour each.
    assert_eq!(e.labour_values(), Some(vec![1.0, 2.0]));
    let share = plan.summary.share_invested[0];
    assert!(close(share, 90.0 / 100.0, 1e-9), "{share}");
}

/// A terminal condition that binds, on paper: one year of corn and tractors with 15 hours,
/// tractors wearing out at half their stock a year. Without a condition, the year makes 10
/// corn (all the capacity) with 10 hours. Keeping the stock at its start needs
/// `(1 − ½) 10 + A ≥ 10`, five new tractors: 10 of the 15 hours, which leaves corn 5. One
/// tractor less to rebuild frees 2 hours, two more units of corn: the condition's valuation is 2.
#[test]
fn issue_13_a_terminal_condition_binds() {
    let mut e = corn_and_tractors(1);
    e.labour_available = vec![15.0];
    e.cells[0].depreciation = 0.5;
    let m = multi_year_lp(&e).unwrap();
    assert!(close(read_plan(&e, &m, &ipm(&m)).total_lambda, 10.0, 1e-9));
    e.terminal = TerminalCondition::AtLeastStart;
    let m = multi_year_lp(&e).unwrap();
    let sol = ipm(&m);
    let plan = read_plan(&e, &m, &sol);
    assert!(close(plan.total_lambda, 5.0, 1e-9), "{}", plan.total_lambda);
    assert!(close(plan.years[0].investment[1], 5.0, 1e-8));
    assert!(close(plan.stocks_after[0], 10.0, 1e-8));
    let row = m.layout.terminal_row(0).unwrap();
    assert!(
        close(sol.y[row], 2.0, 1e-6),
        "terminal valuation {}",
        sol.y[row]
    );
}

/// The dynamic Leontief model, `x = A x + (g + δ) B x + c` on the balanced path: with targets
/// growing at `g`, stocks starting at `B x₀` and labour growing with `l·x₀`, every year can
/// meet its target exactly and no year can do better (labour and every stock are used up), so
/// the best worst year is `λ = 1` and the plan follows `x_t = x₀ (1 + g)^t`.
#[test]
fn issue_13_targets_growing_at_the_balanced_rate_give_the_balanced_path() {
    let (g, delta): (f64, f64) = (0.05, 0.1);
    // Food uses 0.1 food and 2 machines of stock per unit; machines use 0.2 food, 0.1 machines
    // and 1 machine of stock. Solve (I − A − (g + δ) B) x₀ = (10, 0) by Cramer's rule.
    let s = g + delta;
    let (m11, m12, m21, m22) = (1.0 - 0.1, -0.2, -(2.0 * s), 1.0 - 0.1 - s);
    let det = m11 * m22 - m12 * m21;
    let x0 = [10.0 * m22 / det, -10.0 * m21 / det];
    let years = 5;
    let grow = |t: usize| (1.0 + g).powi(t as i32);
    let cell = |process: usize, per_unit: f64, stock: f64| CapitalCell {
        good: 1,
        process,
        per_unit,
        depreciation: delta,
        initial_stock: stock,
        lag: 1,
    };
    let mut e = MultiYearEconomy::leontief(
        vec!["food".into(), "machines".into()],
        vec![vec![(0, 0.1)], vec![(0, 0.2), (1, 0.1)]],
        vec![1.0, 2.0],
        vec![cell(0, 2.0, 2.0 * x0[0]), cell(1, 1.0, x0[1])],
        (0..years).map(|t| vec![10.0 * grow(t), 0.0]).collect(),
        (0..years)
            .map(|t| (x0[0] + 2.0 * x0[1]) * grow(t))
            .collect(),
    );
    e.terminal = TerminalCondition::Growing { rate: g };
    assert!(close(e.target_growth(), g, 1e-12));
    let solved = solve_multi_year(&e, YearsObjective::MinLambda, &exact()).unwrap();
    assert_eq!(solved.report.status, LpStatus::Optimal);
    assert!(
        close(solved.report.objective_value, 1.0, 1e-7),
        "{}",
        solved.report.objective_value
    );
    for (t, y) in solved.report.plan.years.iter().enumerate() {
        for (j, x) in x0.iter().enumerate() {
            assert!(
                close(y.output[j], x * grow(t), 1e-6),
                "year {t}, good {j}: {} vs {}",
                y.output[j],
                x * grow(t)
            );
        }
    }
}

/// A growth target the economy cannot reach, explained: food must grow 20 % a year while labour
/// grows 5 %. The shortfalls name years and what falls short; adding exactly those amounts (the
/// hours to labour, the capital as investment under way) makes the plan feasible.
#[test]
fn issue_13_an_infeasible_growth_target_is_explained() {
    let mut e = corn_and_tractors(4);
    e.targets = (0..4).map(|t| vec![10.0 * 1.2f64.powi(t), 0.0]).collect();
    e.labour_available = (0..4i32).map(|t| 12.0 * 1.05f64.powi(t)).collect();
    e.least_fulfilment = 1.0;
    let solved = solve_multi_year(&e, YearsObjective::SumLambda, &exact()).unwrap();
    assert!(
        matches!(
            solved.report.status,
            LpStatus::Infeasible | LpStatus::InfeasibleOrUnbounded
        ),
        "{:?}",
        solved.report.status
    );
    let shortfalls = &solved.report.shortfalls;
    assert!(!shortfalls.is_empty());
    let mut fixed = e.clone();
    fixed.in_construction = vec![vec![0.0]; 4];
    for s in shortfalls {
        let t = s.year.expect("a year");
        if s.what.starts_with("labour") {
            fixed.labour_available[t] += s.short_by * (1.0 + 1e-7);
        } else {
            assert!(s.what.contains("stock of tractors"), "{s}");
            fixed.in_construction[t][0] += s.short_by * (1.0 + 1e-7);
        }
        assert!(
            s.to_string().starts_with(&format!("year {}:", t + 1)),
            "{s}"
        );
    }
    let again = solve_multi_year(&fixed, YearsObjective::SumLambda, &exact()).unwrap();
    assert_eq!(again.report.status, LpStatus::Optimal, "{shortfalls:?}");
}

/// Re-planning after year 1 with nothing gone wrong reproduces the rest of the plan (the
/// two-sector path is unique); losing half the tractors lowers year 2.
#[test]
fn issue_13_replanning_without_a_shock_reproduces_the_plan() {
    let e = corn_and_tractors(5);
    let solved = solve_multi_year(&e, YearsObjective::SumLambda, &exact()).unwrap();
    let plan = &solved.report.plan;
    let next = replan_economy(&e, plan, &YearOutcome::default(), Horizon::Keep).unwrap();
    assert_eq!(next.years(), 4);
    let again = solve_multi_year(&next, YearsObjective::SumLambda, &exact()).unwrap();
    for t in 0..4 {
        assert!(close(
            again.report.plan.years[t].lambda,
            plan.years[t + 1].lambda,
            1e-7
        ));
    }
    let (x0, y0) = shifted_start(&solved.lp, &solved.solution, &again.lp);
    assert_eq!(x0.len(), again.lp.lp.ncols());
    assert!(close(
        x0[again.lp.layout.lambda(0)],
        plan.years[1].lambda,
        1e-12
    ));
    assert_eq!(y0.len(), again.lp.lp.nrows());
    let shock = YearOutcome {
        delivered: vec![],
        capital_lost: vec![(0, 0.5)],
    };
    let hit = replan_economy(&e, plan, &shock, Horizon::Roll).unwrap();
    assert_eq!(hit.years(), 5);
    assert!(close(hit.cells[0].initial_stock, 27.5, 1e-7));
    let after = solve_multi_year(&hit, YearsObjective::SumLambda, &exact()).unwrap();
    assert!(close(after.report.plan.years[0].lambda, 27.5, 1e-7));
}

/// Harmony over the years: the envelope rounds close the gap, and no plan (here the Σλ one)
/// has more harmony.
#[test]
fn issue_13_harmony_over_the_years_is_certified() {
    let e = corn_and_tractors(3);
    let h = solve_multi_year(&e, YearsObjective::Harmony, &exact())
        .unwrap()
        .report;
    assert_eq!(h.status, LpStatus::Optimal);
    let bounds = h.harmony.clone().unwrap();
    assert!(bounds.gap <= 1e-6, "{bounds:?}");
    let sum = solve_multi_year(&e, YearsObjective::SumLambda, &exact())
        .unwrap()
        .report;
    let of = |p: &MultiYearPlan| -> f64 {
        p.years
            .iter()
            .map(|y| crate::plan::harmony::harmony(y.consumption[0] - 1.0))
            .sum()
    };
    assert!(close(of(&h.plan), bounds.harmony, 1e-9));
    assert!(
        of(&h.plan) >= of(&sum.plan) - 1e-6,
        "{} < {}",
        of(&h.plan),
        of(&sum.plan)
    );
}

#[test]
fn bad_economies_are_refused_with_the_place() {
    let mut e = one_good(2);
    e.cells[0].depreciation = 1.5;
    let err = multi_year_lp(&e).unwrap_err().to_string();
    assert!(err.contains("δ in [0, 1]"), "{err}");
    let mut e = one_good(2);
    e.labour_available.pop();
    assert!(multi_year_lp(&e)
        .unwrap_err()
        .to_string()
        .contains("2 years of targets"));
    let mut e = one_good(2);
    e.cells[0].lag = 0;
    assert!(multi_year_lp(&e)
        .unwrap_err()
        .to_string()
        .contains("lag ≥ 1"));
}

/// A two-year construction lag: investment in year 1 is stock in year 3, not year 2.
#[test]
fn issue_13_lags_delay_capacity() {
    let mut e = corn_and_tractors(4);
    e.cells[0].lag = 2;
    let m = multi_year_lp(&e).unwrap();
    let plan = read_plan(&e, &m, &ipm(&m));
    assert!(
        close(plan.years[1].stocks[0], 10.0, 1e-7),
        "{:?}",
        plan.years[1].stocks
    );
    assert!(close(
        plan.years[2].stocks[0],
        10.0 + plan.years[0].invested[0],
        1e-7
    ));
    assert_eq!(m.layout.investment(2, 0), None);
}
