//! Labour-time accounting: the rules of the Critique of the Gotha Programme, made arithmetic.
//!
//! A member works `h` hours and earns one credit per hour, less the deductions the members
//! voted: for investment, for common goods (health, education) and for the care of those who
//! cannot work. Credits buy consumer goods priced at their labour value `v_i` (hours embodied,
//! `v = l (I − A)⁻¹`, from the current plan); they do not circulate and buy no means of
//! production. Where a good is scarce or in surplus the price moves off its value so that
//! people can choose (Dapprich 2020), and the ratio of demand to planned supply moves the next
//! plan's target for it.
//!
//! Both the simulation and the service's ledger use these rules, so the two can
//! never disagree on what a member is owed or on how unequal consumption is.

use serde::{Deserialize, Serialize};

/// The deduction rates, each a share of the hours worked, as the members voted them.
///
/// What is left, `1 − investment − common_goods − care`, is paid out as credits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DeductionRates {
    /// Share of the hours set aside for investment (new means of production).
    pub investment: f64,
    /// Share for common goods, used free of charge: health, education.
    pub common_goods: f64,
    /// Share for the care of those who cannot work (children, the old, the sick).
    pub care: f64,
}

impl DeductionRates {
    /// The total share deducted.
    pub fn total(&self) -> f64 {
        self.investment + self.common_goods + self.care
    }

    /// Checks that every rate is a share in `[0, 1)` and that together they leave something to
    /// pay out. The error names the rate and says what to do.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("investment", self.investment),
            ("common_goods", self.common_goods),
            ("care", self.care),
        ] {
            if !rate.is_finite() || !(0.0..1.0).contains(&rate) {
                return Err(format!(
                    "the {name} deduction is {rate}; give a share between 0 and 1 (0.1 = 10 %)"
                ));
            }
        }
        if self.total() >= 1.0 {
            return Err(format!(
                "the deductions add up to {} of the hours worked; together they must stay below 1",
                self.total()
            ));
        }
        Ok(())
    }

    /// The rates in force after a vote: the median of each rate over the ballots (the lower
    /// median for an even count), so that no voter gains by exaggerating (the median rule is
    /// strategy-proof for single-peaked preferences). `None` for no ballots.
    ///
    /// If the medians together reach 1, every rate is scaled down in proportion so that the
    /// total is the largest total any single ballot asked for (a valid ballot's total is below 1).
    pub fn median_of(ballots: &[DeductionRates]) -> Option<DeductionRates> {
        if ballots.is_empty() {
            return None;
        }
        let median = |f: fn(&DeductionRates) -> f64| {
            let mut v: Vec<f64> = ballots.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[(v.len() - 1) / 2]
        };
        let mut rates = DeductionRates {
            investment: median(|b| b.investment),
            common_goods: median(|b| b.common_goods),
            care: median(|b| b.care),
        };
        let cap = ballots
            .iter()
            .map(DeductionRates::total)
            .fold(0.0, f64::max);
        if rates.total() > cap && rates.total() > 0.0 {
            let scale = cap / rates.total();
            rates.investment *= scale;
            rates.common_goods *= scale;
            rates.care *= scale;
        }
        Some(rates)
    }
}

/// One member's hours split into deductions and credits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Pay {
    /// Hours worked and confirmed.
    pub hours: f64,
    /// Hours deducted for investment.
    pub investment: f64,
    /// Hours deducted for common goods.
    pub common_goods: f64,
    /// Hours deducted for care.
    pub care: f64,
    /// Credits paid: `hours − investment − common_goods − care`.
    pub credits: f64,
}

impl Pay {
    /// The pay for `hours` at `rates`: deductions first, the rest as credits. The credits are
    /// computed as the hours minus the three deductions, so that the identity
    /// `credits issued = hours worked − deductions` holds to the last bit of the subtraction.
    pub fn for_hours(hours: f64, rates: &DeductionRates) -> Pay {
        let investment = hours * rates.investment;
        let common_goods = hours * rates.common_goods;
        let care = hours * rates.care;
        Pay {
            hours,
            investment,
            common_goods,
            care,
            credits: hours - investment - common_goods - care,
        }
    }

    /// The hours deducted, all purposes together.
    pub fn deductions(&self) -> f64 {
        self.investment + self.common_goods + self.care
    }
}

/// The Gini coefficient of `values` (consumption per member, say): `Σ_i Σ_j |x_i − x_j| /
/// (2 n² mean)`, computed in `O(n log n)` from the sorted values as
/// `(2 Σ_i i·x_(i)) / (n Σ x) − (n + 1) / n` with ranks `i = 1..n`. 0 is perfect equality; it
/// approaches 1 when one member has everything. 0 for no values or a zero total.
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let mut sorted: Vec<f64> = values.iter().map(|v| v.max(0.0)).collect();
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let ranked: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (i + 1) as f64 * x)
        .sum();
    let nf = n as f64;
    (2.0 * ranked / (nf * total) - (nf + 1.0) / nf).max(0.0)
}

/// The share of the total held by the top `fraction` of `values` (0.1: the top tenth). The top
/// tenth of 25 members is 2.5 members: the 2 largest count fully and the third counts half. 0
/// for no values or a zero total.
pub fn top_share(values: &[f64], fraction: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let mut sorted: Vec<f64> = values.iter().map(|v| v.max(0.0)).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = sorted.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let members = fraction.clamp(0.0, 1.0) * n as f64;
    let whole = members.floor() as usize;
    let mut top: f64 = sorted[..whole].iter().sum();
    if whole < n {
        top += (members - whole as f64) * sorted[whole];
    }
    top / total
}

/// `(groups as (value per person, people), people, total)`.
type SortedGroups = (Vec<(f64, f64)>, f64, f64);

/// Groups with people as `(value per person, people)`, sorted by value ascending (negative
/// values count as 0), with the number of people and the total; `None` when either is zero.
fn groups_ascending(values: &[f64], weights: &[f64]) -> Option<SortedGroups> {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(v, w)| (v.max(0.0), *w))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let people: f64 = pairs.iter().map(|p| p.1).sum();
    let total: f64 = pairs.iter().map(|p| p.0 * p.1).sum();
    (people > 0.0 && total > 0.0).then_some((pairs, people, total))
}

/// The Gini coefficient of a population given by groups: `values[k]` per person for
/// `weights[k]` people, each group equal inside. The pairwise definition
/// `Σ_k Σ_m w_k w_m |x_k − x_m| / (2 W² mean)` with `W = Σ w`, computed from the sorted groups.
/// With unit weights it equals [`gini`].
pub fn gini_weighted(values: &[f64], weights: &[f64]) -> f64 {
    let Some((pairs, people, total)) = groups_ascending(values, weights) else {
        return 0.0;
    };
    // Σ_k Σ_m w_k w_m |x_k − x_m| = 2 Σ_k w_k x_k (W_below(k) − W_above(k)), sorted ascending.
    let mut below = 0.0;
    let mut sum = 0.0;
    for &(x, w) in &pairs {
        let above = people - below - w;
        sum += w * x * (below - above);
        below += w;
    }
    let mean = total / people;
    (2.0 * sum / (2.0 * people * people * mean)).max(0.0)
}

/// The share of the total held by the top `fraction` of a population given by groups
/// (`values[k]` per person for `weights[k]` people).
pub fn top_share_weighted(values: &[f64], weights: &[f64], fraction: f64) -> f64 {
    let Some((pairs, people, total)) = groups_ascending(values, weights) else {
        return 0.0;
    };
    let mut left = fraction.clamp(0.0, 1.0) * people;
    let mut top = 0.0;
    for &(x, w) in pairs.iter().rev() {
        let take = w.min(left);
        top += take * x;
        left -= take;
        if left <= 0.0 {
            break;
        }
    }
    top / total
}

/// The working week the plan needs: the hours it needs in a year, shared by `workers` over
/// `weeks` working weeks. `None` without workers or weeks.
pub fn working_week(hours_needed: f64, workers: f64, weeks: f64) -> Option<f64> {
    (workers > 0.0 && weeks > 0.0).then(|| hours_needed / (workers * weeks))
}

/// How consumption feeds back into the next plan (Dapprich 2020).
///
/// A good offered at its labour value `v` with planned supply `s` meets demand `q(v)`. When
/// demand exceeds supply, the price is raised until they meet; when supply exceeds demand, it
/// is lowered. With a demand of constant price elasticity `ε < 0`, the clearing price is
/// `p = v · (q / s)^(1/−ε)`, and the next plan's target for the good is scaled by the ratio of
/// price to value raised to `gain`: `target' = target · (p / v)^gain`. With `gain = −ε` this is
/// the ratio of demand at value to supply, `q / s`: the plan moves toward what people chose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFeedback {
    /// The price elasticity of demand `ε` (negative; −1 by default).
    pub elasticity: f64,
    /// How strongly the price-to-value ratio moves the next target (1 by default).
    pub gain: f64,
    /// Bounds on the price-to-value ratio, so that one bad year cannot price a good out of
    /// reach (0.25 and 4 by default).
    pub min_ratio: f64,
    /// The upper bound of the price-to-value ratio.
    pub max_ratio: f64,
}

impl Default for PriceFeedback {
    fn default() -> Self {
        Self {
            elasticity: -1.0,
            gain: 1.0,
            min_ratio: 0.25,
            max_ratio: 4.0,
        }
    }
}

impl PriceFeedback {
    /// The price-to-value ratio that clears a market where demand at value is `demand` and the
    /// supply is `supply`. 1 when both are zero; the upper bound when there is demand and no
    /// supply.
    pub fn clearing_ratio(&self, demand: f64, supply: f64) -> f64 {
        let ratio = if demand <= 0.0 && supply <= 0.0 {
            1.0
        } else if supply <= 0.0 {
            self.max_ratio
        } else if demand <= 0.0 {
            self.min_ratio
        } else {
            (demand / supply).powf(1.0 / -self.elasticity.min(-1e-9))
        };
        ratio.clamp(self.min_ratio, self.max_ratio)
    }

    /// The factor by which the next plan scales its target for a good whose price cleared at
    /// `ratio` times its value.
    pub fn target_factor(&self, ratio: f64) -> f64 {
        ratio.powf(self.gain)
    }

    /// The next period's price-to-value ratio of a good offered at `ratio` times its value,
    /// for which `demand` units were asked (bought, or queued for when out of stock) against a
    /// supply of `supply`. With demand of constant elasticity `ε`, the demand at value is
    /// `demand · ratio^(−ε)` (what people would have asked at the value), and the ratio that
    /// clears it is [`PriceFeedback::clearing_ratio`] of that. A good that cleared at its price
    /// keeps its ratio.
    pub fn next_ratio(&self, ratio: f64, demand: f64, supply: f64) -> f64 {
        let ratio = if ratio.is_finite() && ratio > 0.0 {
            ratio
        } else {
            1.0
        };
        let at_value = demand.max(0.0) * ratio.powf(-self.elasticity.min(-1e-9));
        self.clearing_ratio(at_value, supply)
    }
}

/// The labour values of the products under a plan: the hours, direct and embodied in the
/// inputs, that one unit takes as the plan makes it (`v = l (I − A)⁻¹` with the plan's mix of
/// techniques). `intensities` are the plan's runs of each process (in the economy's order).
///
/// Every hour counts the same, whatever its labour type (an hour of work earns one credit).
/// A product made by several running processes gets their average, weighted by how much each
/// makes; a process with joint outputs shares its cost among them in proportion to the
/// quantities. A product the plan does not make is valued at its cheapest technique. Solved by
/// fixed-point iteration from `v = 0`, which rises monotonically to the values in a
/// productive economy; it stops when no value moves by more than `1e-12` of the largest (at
/// most 100 000 sweeps, so that an unproductive economy still ends). Deterministic.
pub fn labour_values(e: &crate::plan::PlanningEconomy, intensities: &[f64]) -> Vec<f64> {
    let n = e.n_products();
    let m = e.n_processes();
    let run = |j: usize| intensities.get(j).copied().unwrap_or(0.0).max(0.0);
    let hours: Vec<f64> = (0..m)
        .map(|j| e.process(j).labour().map(|(_, h)| h).sum())
        .collect();
    let out_total: Vec<f64> = (0..m)
        .map(|j| e.process(j).outputs().map(|(_, b)| b).sum())
        .collect();
    // What the plan makes of each product.
    let mut made = vec![0.0; n];
    for j in 0..m {
        for (i, b) in e.process(j).outputs() {
            made[i] += run(j) * b;
        }
    }
    let mut v = vec![0.0; n];
    for _ in 0..100_000 {
        let cost: Vec<f64> = (0..m)
            .map(|j| hours[j] + e.process(j).inputs().map(|(k, a)| a * v[k]).sum::<f64>())
            .collect();
        let mut next = vec![0.0; n];
        let mut cheapest = vec![f64::INFINITY; n];
        for j in 0..m {
            for (i, b) in e.process(j).outputs() {
                if b <= 0.0 || out_total[j] <= 0.0 {
                    continue;
                }
                // The share of the run's cost that falls on product i, per unit of i.
                let per_unit = cost[j] / out_total[j];
                if made[i] > 0.0 {
                    next[i] += run(j) * b * per_unit / made[i];
                } else {
                    cheapest[i] = cheapest[i].min(per_unit);
                }
            }
        }
        for i in 0..n {
            if made[i] <= 0.0 {
                next[i] = if cheapest[i].is_finite() {
                    cheapest[i]
                } else {
                    0.0
                };
            }
        }
        let scale = next.iter().fold(1.0_f64, |a, x| a.max(x.abs()));
        let moved = next
            .iter()
            .zip(&v)
            .fold(0.0_f64, |a, (x, y)| a.max((x - y).abs()));
        v = next;
        if moved <= 1e-12 * scale {
            break;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gini from the definition, Σ|x_i − x_j| / (2 n² mean): the O(n²) reference.
    fn gini_by_pairs(x: &[f64]) -> f64 {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let pairs: f64 = x
            .iter()
            .flat_map(|a| x.iter().map(move |b| (a - b).abs()))
            .sum();
        pairs / (2.0 * n * n * mean)
    }

    #[test]
    fn gini_matches_the_pairwise_definition() {
        let mut rng = crate::rng::Rng::new(16);
        for n in [1, 2, 3, 10, 101] {
            let x: Vec<f64> = (0..n).map(|_| rng.uniform() * 10.0).collect();
            assert!((gini(&x) - gini_by_pairs(&x)).abs() < 1e-12, "n = {n}");
        }
        assert_eq!(gini(&[5.0; 7]), 0.0);
        // One member has everything: (n − 1) / n.
        assert!((gini(&[0.0, 0.0, 0.0, 4.0]) - 0.75).abs() < 1e-15);
    }

    #[test]
    fn weighted_measures_match_the_expanded_population() {
        // Groups of 3, 1 and 2 people are the population [1, 1, 1, 4, 2, 2].
        let (v, w) = ([1.0, 4.0, 2.0], [3.0, 1.0, 2.0]);
        let expanded = [1.0, 1.0, 1.0, 4.0, 2.0, 2.0];
        assert!((gini_weighted(&v, &w) - gini(&expanded)).abs() < 1e-15);
        assert!((top_share_weighted(&v, &w, 0.5) - top_share(&expanded, 0.5)).abs() < 1e-15);
    }

    #[test]
    fn top_share_counts_fractional_members() {
        let x: Vec<f64> = (1..=20).map(f64::from).collect();
        // The top tenth of 20 members: 20 + 19 of 210.
        assert!((top_share(&x, 0.1) - 39.0 / 210.0).abs() < 1e-15);
        // Of 25 equal members the top tenth holds a tenth.
        assert!((top_share(&[2.0; 25], 0.1) - 0.1).abs() < 1e-15);
    }

    #[test]
    fn pay_keeps_the_credit_identity() {
        let rates = DeductionRates {
            investment: 0.15,
            common_goods: 0.1,
            care: 0.05,
        };
        rates.validate().unwrap();
        let pay = Pay::for_hours(37.5, &rates);
        assert_eq!(
            pay.credits,
            pay.hours - pay.investment - pay.common_goods - pay.care
        );
        assert!((pay.credits - 37.5 * 0.7).abs() < 1e-12);
    }

    #[test]
    fn median_rates_resist_exaggeration() {
        let b = |i, c, k| DeductionRates {
            investment: i,
            common_goods: c,
            care: k,
        };
        let ballots = [b(0.1, 0.1, 0.05), b(0.2, 0.1, 0.05), b(0.9, 0.05, 0.0)];
        let rates = DeductionRates::median_of(&ballots).unwrap();
        assert_eq!(rates, b(0.2, 0.1, 0.05));
        assert!(b(0.5, 0.6, 0.0).validate().is_err());
        assert!(b(-0.1, 0.0, 0.0).validate().is_err());
    }

    #[test]
    fn next_ratio_recovers_demand_at_value() {
        let f = PriceFeedback::default();
        // Offered at twice its value, 10 asked for 10 supplied: demand at value was 20, so
        // the good still clears at twice its value.
        assert!((f.next_ratio(2.0, 10.0, 10.0) - 2.0).abs() < 1e-12);
        assert_eq!(f.next_ratio(1.0, 10.0, 10.0), 1.0);
        assert!((f.next_ratio(1.0, 5.0, 10.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn labour_values_are_embodied_hours() {
        use crate::plan::{LabourType, PlanningEconomyBuilder, ProcessSpec, Product};
        // Grain: 1 h per t. Bread: 0.5 t of grain and 2 h per unit: v = 2.5 h.
        let mut b = PlanningEconomyBuilder::new();
        let grain = b.add_product(Product::new("grain"));
        let bread = b.add_product(Product::new("bread"));
        let h = b.add_labour(LabourType {
            name: "work".into(),
            hours: 1000.0,
        });
        let mut farm = ProcessSpec::new("farm");
        farm.outputs = vec![(grain, 1.0)];
        farm.labour = vec![(h, 1.0)];
        b.add_process(farm).unwrap();
        let mut bake = ProcessSpec::new("bake");
        bake.outputs = vec![(bread, 1.0)];
        bake.inputs = vec![(grain, 0.5)];
        bake.labour = vec![(h, 2.0)];
        b.add_process(bake).unwrap();
        let e = b.build().unwrap();
        let v = labour_values(&e, &[5.0, 10.0]);
        assert!((v[grain] - 1.0).abs() < 1e-12 && (v[bread] - 2.5).abs() < 1e-12);
        // Not made: valued at its cheapest technique all the same.
        let v = labour_values(&e, &[0.0, 0.0]);
        assert!((v[bread] - 2.5).abs() < 1e-12);
    }

    #[test]
    fn feedback_moves_targets_toward_demand() {
        let f = PriceFeedback::default();
        // Twice the demand of the supply at value: the price doubles, and so does the target.
        assert!((f.clearing_ratio(20.0, 10.0) - 2.0).abs() < 1e-12);
        assert!((f.target_factor(f.clearing_ratio(20.0, 10.0)) - 2.0).abs() < 1e-12);
        assert_eq!(f.clearing_ratio(10.0, 10.0), 1.0);
        assert_eq!(f.clearing_ratio(5.0, 0.0), 4.0);
    }
}
