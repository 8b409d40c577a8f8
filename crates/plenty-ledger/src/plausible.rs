//! Quantities far outside what the economy can make (issue #15): a need of 10¹² t of bread or a
//! project of 10⁸ hours is almost certainly a typo, and once counted it would wreck the plan
//! silently (the plan came out "optimal" with λ = 0). The service asks the member to confirm
//! such a quantity before it is registered; these checks decide when, and say why in numbers.
//!
//! Both bounds are certain, not statistical: they never flag a quantity the economy could
//! deliver.
//!
//! * **A need** for product `i` is flagged when it exceeds what the economy could make of `i`
//!   if every hour of every labour type and every unit of every resource went into it,
//!   ignoring the inputs making it needs: `max_j o_ij · min(c_j, min_h H_h / l_hj,
//!   min_q R_q / r_qj)` over the processes `j` that make `i`, where `o_ij` is the output per
//!   run, `c_j` the capacity, `l_hj` and `r_qj` the labour and resources per run and `H_h`,
//!   `R_q` what the period has. Every plan makes less, so a need above the bound cannot be met.
//! * **A project** is flagged when it costs more hours than the round's default split gives
//!   all projects together (`investment share × total hours`): it could only be funded if the
//!   members voted a larger investment share, and a cost above the total hours never.

use plenty_core::plan::PlanningEconomy;

/// The most of product `product` (an index) the economy could make in one period, an upper
/// bound on any plan's net output of it (see the [module documentation](self)); `None` when no
/// process makes it.
pub fn most_makeable(e: &PlanningEconomy, product: usize) -> Option<f64> {
    let hours: Vec<f64> = e.labour_types().iter().map(|l| l.hours).collect();
    let limits: Vec<f64> = e.resources().iter().map(|r| r.limit).collect();
    let mut best: Option<f64> = None;
    for p in e.processes() {
        let Some(per_run) = p.outputs().find(|(k, _)| *k == product).map(|(_, o)| o) else {
            continue;
        };
        if per_run <= 0.0 {
            continue;
        }
        let mut runs = p.capacity();
        for (h, l) in p.labour() {
            if l > 0.0 {
                runs = runs.min(hours.get(h).copied().unwrap_or(0.0) / l);
            }
        }
        for (q, r) in p.resources() {
            if r > 0.0 {
                runs = runs.min(limits.get(q).copied().unwrap_or(f64::INFINITY) / r);
            }
        }
        let most = per_run * runs;
        best = Some(best.map_or(most, |b: f64| b.max(most)));
    }
    best.filter(|b| b.is_finite())
}

/// Why a need of `quantity` of `product` is implausible, in words, or `None` if the economy
/// could make it.
pub fn implausible_need(e: &PlanningEconomy, product: &str, quantity: f64) -> Option<String> {
    let k = e.product_index(product)?;
    let unit = e.products()[k].unit.as_deref().unwrap_or("units");
    let most = most_makeable(e, k)?;
    (quantity > most).then(|| {
        format!(
            "{} {unit} of {product} is more than the economy could make in the whole period even if all its labour and resources went into {product} (at most {} {unit}); check the quantity and its unit",
            round_for_words(quantity),
            round_for_words(most)
        )
    })
}

/// Why a project of `cost_hours` is implausible, in words, or `None`. `budget_hours` is what
/// the round's default split gives all projects; `total_hours` the hours of the period.
pub fn implausible_project(cost_hours: f64, budget_hours: f64, total_hours: f64) -> Option<String> {
    if cost_hours > total_hours {
        Some(format!(
            "{} hours is more than every member's hours of the whole period together ({} hours): no split of the hours could fund it; check the cost",
            round_for_words(cost_hours),
            round_for_words(total_hours)
        ))
    } else if cost_hours > budget_hours {
        Some(format!(
            "{} hours is more than the {} hours the round's default split gives all projects together: it can only be funded if the members vote a larger share for investment",
            round_for_words(cost_hours),
            round_for_words(budget_hours)
        ))
    } else {
        None
    }
}

/// A quantity for a sentence: whole numbers with thousands separators below 10¹², otherwise
/// scientific with three significant digits.
pub fn round_for_words(x: f64) -> String {
    if !x.is_finite() {
        return "unlimited".into();
    }
    if x.abs() >= 1e12 {
        return format!("{x:.2e}");
    }
    if x.abs() < 10.0 && x != x.round() {
        return format!("{}", (x * 1000.0).round() / 1000.0);
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_and_separate_thousands() {
        assert_eq!(round_for_words(1275.0), "1,275");
        assert_eq!(round_for_words(99_999_999.0), "99,999,999");
        assert_eq!(round_for_words(0.5), "0.5");
        assert_eq!(round_for_words(1e12), "1.00e12");
        assert_eq!(round_for_words(-0.0), "0");
    }

    #[test]
    fn a_project_above_the_hours_of_the_period_is_flagged_as_impossible() {
        let why = implausible_project(99_999_999.0, 1275.0, 8500.0).unwrap();
        assert!(why.contains("99,999,999") && why.contains("8,500"), "{why}");
        assert!(implausible_project(2000.0, 1275.0, 8500.0)
            .unwrap()
            .contains("larger share"));
        assert!(implausible_project(900.0, 1275.0, 8500.0).is_none());
    }
}
