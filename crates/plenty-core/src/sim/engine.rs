//! The year loop: plan, produce, pay, consume, measure, re-plan from the real stocks.

// The year loop walks many vectors indexed by product or group side by side; an index reads
// more plainly there than zipped iterators.
#![allow(clippy::needless_range_loop)]

use super::leontief::solve_warm;
use super::model::Model;
use super::record::{Identities, YearRecord};
use super::scenario::{
    CommandRegime, DemocraticRegime, MarketRegime, Regime, Role, Scenario, Shock,
};
use super::SimError;
use crate::accounting::{gini_weighted, top_share_weighted, Pay, PriceFeedback};
use crate::rng::Rng;

/// What the regime decided for the year.
struct Plan {
    /// Gross output.
    x: Vec<f64>,
    /// Consumption targets.
    targets: Vec<f64>,
    /// Investment goods.
    investment: Vec<f64>,
    /// Capacity each sector is to gain from the investment.
    gaps: Vec<f64>,
    /// Grain to procure (command: the quota; market: none planned).
    procurement: f64,
    lambda: f64,
    binding: String,
    sweeps: usize,
}

/// What the engine carries from one year to the next.
struct State {
    capacity: Vec<f64>,
    stocks: Vec<f64>,
    /// Per group: share of needs not met last year.
    shortfall: Vec<f64>,
    /// Per product: the consumer feedback on the targets (democratic).
    feedback: Vec<f64>,
    /// Per product: output quotas (command).
    quota: Vec<f64>,
    /// Per product: price over value (market).
    prices: Vec<f64>,
    /// Per group: credits not spent.
    savings: Vec<f64>,
    /// Warm starts of the year's solves.
    warm_needs: Option<Vec<f64>>,
    warm_fixed: Option<Vec<f64>>,
    herd0: f64,
}

/// Runs the scenario, year by year.
pub(crate) fn run(s: &Scenario, m: &Model) -> Result<Vec<YearRecord>, SimError> {
    let n = m.n();
    let live = m.role(Role::Livestock);
    let mut state = State {
        capacity: m.capacity.clone(),
        stocks: vec![0.0; n],
        shortfall: vec![0.0; m.groups.len()],
        feedback: vec![1.0; n],
        quota: m.capacity.clone(),
        prices: vec![1.0; n],
        savings: vec![0.0; m.groups.len()],
        warm_needs: None,
        warm_fixed: None,
        herd0: live.map_or(0.0, |j| m.capacity[j]),
    };
    validate_regime(s, m)?;
    let mut rng = Rng::new(s.seed);
    let mut years = Vec::with_capacity(s.years);
    for t in 0..s.years {
        let year = s.start_year + t as i32;
        // One draw a year whether or not it is used, so that the stream does not depend on
        // the noise setting.
        let z = normal(&mut rng);
        years.push(step(s, m, &mut state, year, z)?);
    }
    Ok(years)
}

pub(crate) fn validate_regime(s: &Scenario, m: &Model) -> Result<(), SimError> {
    for (k, shock) in s.shocks.iter().enumerate() {
        let at = |f: &str| format!("shocks[{k}].{f}");
        match shock {
            Shock::Harvest { factor, .. } if !(factor.is_finite() && *factor >= 0.0) => {
                return Err(SimError::field(&at("factor"), "give a factor ≥ 0"));
            }
            Shock::Defence {
                product, demand, ..
            } => {
                if !m.names.contains(product) {
                    return Err(SimError::field(
                        &at("product"),
                        &format!("no sector is named \"{product}\""),
                    ));
                }
                if !(demand.is_finite() && *demand >= 0.0) {
                    return Err(SimError::field(&at("demand"), "give a number ≥ 0"));
                }
            }
            Shock::CapitalLoss { sector, share, .. } => {
                if !m.names.contains(sector) {
                    return Err(SimError::field(
                        &at("sector"),
                        &format!("no sector is named \"{sector}\""),
                    ));
                }
                if !(0.0..=1.0).contains(share) {
                    return Err(SimError::field(
                        &at("share"),
                        "give a share between 0 and 1",
                    ));
                }
            }
            _ => {}
        }
    }
    if let Regime::Democratic(d) = &s.regime {
        d.deductions
            .validate()
            .map_err(|e| SimError::field("regime.deductions", &e))?;
    }
    if let Regime::Command(c) = &s.regime {
        for name in c.exports.keys() {
            if !m.names.contains(name) {
                return Err(SimError::field(
                    "regime.exports",
                    &format!("no sector is named \"{name}\""),
                ));
            }
        }
        if let Some(share) = c.procurement_share {
            if !(0.0..=1.0).contains(&share) {
                return Err(SimError::field(
                    "regime.procurement_share",
                    "give a share between 0 and 1",
                ));
            }
        }
        if m.role(Role::Grain).is_none() && c.procurement > 0.0 {
            return Err(SimError::field(
                "regime.procurement",
                "procurement takes grain, but no sector has role = \"grain\"",
            ));
        }
    }
    Ok(())
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let u1 = 1.0 - rng.uniform();
    let u2 = rng.uniform();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// One year.
fn step(
    s: &Scenario,
    m: &Model,
    st: &mut State,
    year: i32,
    z: f64,
) -> Result<YearRecord, SimError> {
    let n = m.n();
    let b = &s.behaviour;
    let grain = m.role(Role::Grain);
    let live = m.role(Role::Livestock);
    // Shocks of the year.
    let mut defence = vec![0.0; n];
    let mut weather = 1.0;
    for shock in &s.shocks {
        match shock {
            Shock::Harvest { year: y, factor } if *y == year => weather *= factor,
            Shock::Defence {
                year: y,
                product,
                demand,
            } if *y <= year => {
                if let Some(j) = m.names.iter().position(|p| p == product) {
                    defence[j] += demand;
                }
            }
            Shock::CapitalLoss {
                year: y,
                sector,
                share,
            } if *y == year => {
                if let Some(j) = m.names.iter().position(|p| p == sector) {
                    st.capacity[j] *= 1.0 - share;
                }
            }
            _ => {}
        }
    }
    if s.noise.harvest_sd > 0.0 {
        weather *= (1.0 + s.noise.harvest_sd * z).max(0.0);
    }
    let capacity_at_start = st.capacity.clone();
    let herd_at_start = live.map_or(0.0, |l| st.capacity[l]);
    // Effort of each group, then of each sector.
    let (coercion, collectivised) = match &s.regime {
        Regime::Command(c) => (
            c.coercion,
            c.forced_collectivisation && year >= c.procurement_from,
        ),
        _ => (0.0, false),
    };
    let effort: Vec<f64> = m
        .groups
        .iter()
        .zip(&st.shortfall)
        .map(|(g, short)| {
            let lost = b.effort_response * (1.0 - b.coercion_recovery * coercion) * short;
            let incentive = if collectivised && g.rural {
                b.incentive_loss
            } else {
                0.0
            };
            (1.0 - lost - incentive).clamp(0.05, 1.0)
        })
        .collect();
    let sector_effort: Vec<f64> = m
        .workforce
        .iter()
        .map(|w| {
            if w.is_empty() {
                1.0
            } else {
                w.iter().map(|&(g, share)| share * effort[g]).sum()
            }
        })
        .collect();
    let draft: Vec<f64> = (0..n)
        .map(|j| match live {
            Some(l) if m.draft[j] > 0.0 && st.herd0 > 0.0 => {
                (st.capacity[l] / st.herd0).powf(m.draft[j])
            }
            _ => 1.0,
        })
        .collect();
    // What each sector can make, as far as anyone can know before the harvest.
    let able: Vec<f64> = (0..n)
        .map(|j| st.capacity[j] * draft[j] * sector_effort[j])
        .collect();
    let hours_available = m.hours_available();

    // 1. Plan.
    let plan = match &s.regime {
        Regime::Democratic(d) => plan_democratic(m, st, d, &able, &defence, hours_available)?,
        Regime::Command(c) => plan_command(m, st, c, &able, hours_available, year),
        Regime::Market(k) => plan_market(m, st, k, &able),
    };

    // 2. Produce. Work and inputs go in as planned, within what the sectors can do and the
    // inputs there are; the weather then decides what the sown fields give.
    let mut run: Vec<f64> = (0..n).map(|j| plan.x[j].min(able[j])).collect();
    fit_inputs(m, &mut run, &st.stocks);
    let mut used = vec![0.0; n];
    m.a.mul_vec(&run, &mut used);
    let mut made = run.clone();
    if let Some(g) = grain {
        made[g] *= weather;
    }
    let harvest = grain.map_or(0.0, |g| made[g]);
    // Net output y = made − A run.
    let net: Vec<f64> = made.iter().zip(&used).map(|(x, u)| x - u).collect();
    // The labour values of the year's real technique (the harvest's inputs and hours spread
    // over what it gave), for the identity v · y = l · run.
    let year_values = match grain {
        Some(g) if weather != 1.0 => values_with_yield(m, g, weather),
        _ => m.values.clone(),
    };

    // Procurement and the herd's response to it.
    let grain_available = grain.map_or(0.0, |g| net[g] + st.stocks[g]);
    let procurement_wanted = match &s.regime {
        // The most force may take is judged on the harvest the planner believes in.
        Regime::Command(c) => {
            let believed = (1.0 + c.information_error) * grain_available.max(0.0);
            // A quota set as a share is a share of the harvest the planner believes in.
            let quota = match c.procurement_share {
                Some(share) if year >= c.procurement_from => share * believed,
                _ => plan.procurement,
            };
            quota.min((c.max_take * believed).min(grain_available.max(0.0)))
        }
        Regime::Market(k) => {
            let terms = relative_grain_price(m, st, k);
            let split = b.marketing_scale * terms.powf(b.marketing_elasticity);
            grain_available.max(0.0) / (1.0 + split)
        }
        Regime::Democratic(_) => 0.0,
    };
    let pressure = if harvest > 0.0 {
        procurement_wanted / harvest - b.tolerated_procurement
    } else {
        0.0
    };
    let mut slaughter = b.slaughter_response * pressure.max(0.0);
    if collectivised {
        slaughter += b.collectivisation_slaughter;
    }
    let slaughter = match &s.regime {
        // Members who share the harvest by need have no reason to kill their animals.
        Regime::Democratic(_) => 0.0,
        _ => slaughter.min(0.9),
    };
    // 3.–4. Share out: priority uses, then consumption. Animals slaughtered are eaten this
    // year and missing from the herd after: a draw on the capital stock, not production.
    let mut avail: Vec<f64> = (0..n).map(|i| net[i] + st.stocks[i]).collect();
    if let Some(l) = live {
        avail[l] += slaughter * st.capacity[l];
    }
    let produced_plus_stocks = avail.clone();
    let defence_got = take(&mut avail, &defence);
    let share = match &s.regime {
        Regime::Democratic(d) => share_democratic(m, st, d, &plan, &mut avail),
        Regime::Command(c) => share_command(m, c, &plan, &mut avail, procurement_wanted),
        Regime::Market(_) => share_market(m, st, &plan, &mut avail, procurement_wanted, grain),
    };
    let consumption = &share.consumption;

    // Labour-time accounting.
    let hours_worked: f64 = dot(&m.labour, &run);
    let group_hours = match &s.regime {
        // "All will have to work": members move between workplaces, so the plan's hours are
        // shared in proportion to the hours each can give — the same working week for all.
        Regime::Democratic(_) => shared_hours(m, hours_worked),
        _ => group_hours(m, &run),
    };
    let mut credits = 0.0;
    let mut deductions = 0.0;
    let mut credits_gap = 0.0;
    let mut group_value = vec![0.0; m.groups.len()];
    for (k, c) in consumption.iter().enumerate() {
        group_value[k] = dot(&m.values, c);
    }
    match &s.regime {
        Regime::Democratic(d) => {
            for &h in &group_hours {
                let pay = Pay::for_hours(h, &d.deductions);
                credits += pay.credits;
                deductions += pay.deductions();
                credits_gap += (pay.credits - (pay.hours - pay.deductions())).abs();
            }
        }
        _ => {
            // What the regime paid, read in labour time: the hours it gave back as consumption;
            // the rest of the hours were deducted, whatever their use.
            for (k, &h) in group_hours.iter().enumerate() {
                credits += group_value[k];
                deductions += h - group_value[k];
                credits_gap += (group_value[k] - (h - (h - group_value[k]))).abs();
            }
        }
    }

    // 5. Measure.
    let total_people: f64 = m.groups.iter().map(|g| g.people).sum();
    let workers: f64 = m.groups.iter().map(|g| g.people * g.workers).sum();
    let mut met_num = 0.0;
    let mut met_den = 0.0;
    let mut group_met = Vec::with_capacity(m.groups.len());
    let mut hungry = 0.0;
    let mut unmet_hours = 0.0;
    for (g, c) in m.groups.iter().zip(consumption) {
        let mut num = 0.0;
        let mut den = 0.0;
        for i in 0..n {
            let need = g.people * g.needs[i];
            num += c[i].min(need) * m.values[i];
            den += need * m.values[i];
            unmet_hours += (need - c[i]).max(0.0) * m.values[i];
        }
        met_num += num;
        met_den += den;
        group_met.push(if den > 0.0 { num / den } else { 1.0 });
        if let Some(gr) = grain {
            if c[gr] < 0.8 * g.people * g.needs[gr] {
                hungry += g.people;
            }
        }
    }
    let per_person: Vec<f64> = m
        .groups
        .iter()
        .zip(&group_value)
        .map(|(g, v)| if g.people > 0.0 { v / g.people } else { 0.0 })
        .collect();
    let people: Vec<f64> = m.groups.iter().map(|g| g.people).collect();
    let consumed: Vec<f64> = (0..n)
        .map(|i| consumption.iter().map(|c| c[i]).sum())
        .collect();
    // Identities: uses within what there was; values of net output = hours.
    let mut overuse: f64 = 0.0;
    for i in 0..n {
        let uses = consumed[i]
            + defence_got[i]
            + share.investment[i]
            + share.exports[i]
            + share.stock_next[i];
        let there = produced_plus_stocks[i];
        overuse = overuse.max((uses - there).max(0.0) / there.abs().max(1.0));
    }
    let value_gap = if hours_worked > 0.0 {
        (dot(&year_values, &net) - hours_worked).abs() / hours_worked
    } else {
        0.0
    };
    let heavy_output: f64 = (0..n)
        .filter(|&j| m.roles[j] == Role::Heavy)
        .map(|j| made[j])
        .sum();

    // 6. What carries over: capital, the herd, stocks, feedback, quotas, prices.
    for j in 0..n {
        let mut delivered: f64 = 1.0;
        for &(i, _) in &m.capital[j] {
            if plan.investment[i] > 0.0 {
                delivered = delivered.min(share.investment[i] / plan.investment[i]);
            }
        }
        let added = plan.gaps[j] * delivered.clamp(0.0, 1.0);
        let wear = if Some(j) == live {
            m.depreciation[j] + slaughter - b.herd_growth
        } else {
            m.depreciation[j]
        };
        st.capacity[j] = (st.capacity[j] * (1.0 - wear)).max(0.0) + added;
    }
    st.stocks = share.stock_next.clone();
    st.shortfall = group_met.iter().map(|m| 1.0 - m).collect();
    for (k, spent) in share.savings.iter().enumerate() {
        st.savings[k] = *spent;
    }
    match &s.regime {
        Regime::Democratic(d) => {
            // Only relative prices say what people prefer: a general surplus or lack of
            // credits moves every price alike and is divided out (the mean price over value,
            // weighted by the value of what was consumed).
            let (mut paid, mut valued) = (0.0, 0.0);
            for i in 0..n {
                paid += share.price_ratio[i] * m.values[i] * consumed[i];
                valued += m.values[i] * consumed[i];
            }
            let level = if paid > 0.0 && valued > 0.0 {
                paid / valued
            } else {
                1.0
            };
            for i in 0..n {
                if share.demand[i] > 0.0 {
                    st.feedback[i] *= d.feedback.target_factor(share.price_ratio[i] / level);
                }
            }
        }
        Regime::Command(c) => {
            for j in 0..n {
                if m.roles[j] == Role::Heavy {
                    let met = made[j] >= st.quota[j] * (1.0 - 1e-9);
                    let revision = if met { 1.0 + c.quota_revision } else { 1.0 };
                    st.quota[j] *= c.quota_growth * revision;
                }
            }
        }
        Regime::Market(k) => {
            for i in 0..n {
                let demand = share.demand[i];
                let supply = consumed[i] + share.investment[i] + share.stock_next[i];
                if demand > 0.0 && supply > 0.0 {
                    st.prices[i] = (st.prices[i] * (demand / supply).powf(k.price_adjustment))
                        .clamp(0.25, 4.0);
                }
            }
        }
    }
    let identities = Identities {
        credits_gap,
        overuse,
        value_gap,
    };
    Ok(YearRecord {
        year,
        lambda: plan.lambda,
        binding: plan.binding,
        planned: plan.x,
        produced: made,
        consumed,
        targets: plan.targets,
        stocks: st.stocks.clone(),
        capacity: capacity_at_start,
        price_ratio: share.price_ratio,
        harvest,
        procurement: share.procured,
        exports: grain.map_or(0.0, |g| share.exports[g]),
        herd: herd_at_start,
        heavy_output,
        grain_per_person: grain.map_or(0.0, |g| {
            consumption.iter().map(|c| c[g]).sum::<f64>() / total_people.max(f64::MIN_POSITIVE)
        }),
        hours_worked,
        working_week: crate::accounting::working_week(hours_worked, workers, s.weeks_per_year)
            .unwrap_or(0.0),
        needs_met: if met_den > 0.0 {
            met_num / met_den
        } else {
            1.0
        },
        needs_met_worst: group_met.iter().copied().fold(1.0, f64::min),
        hungry_people: hungry,
        gini: gini_weighted(&per_person, &people),
        top_tenth: top_share_weighted(&per_person, &people, 0.1),
        unmet_hours,
        deductions,
        credits,
        consumption_hours: group_value.iter().sum(),
        investment_hours: dot(&m.values, &share.investment),
        group_consumption: per_person,
        group_needs_met: group_met,
        group_effort: effort,
        solve_sweeps: plan.sweeps,
        identities,
    })
}

/// Takes up to `want` from `avail`, good by good; returns what it got.
fn take(avail: &mut [f64], want: &[f64]) -> Vec<f64> {
    avail
        .iter_mut()
        .zip(want)
        .map(|(a, w)| {
            let got = w.min(*a).max(0.0);
            *a -= got;
            got
        })
        .collect()
}

/// Production stops where an input runs out. If the users of good `i` need more of it than
/// was made and stocked, every other user of `i` is cut by the same share (fixed
/// proportions), so that with the sector's own use of its product they fit; a cut sector makes
/// less of its own product, so this repeats until every input suffices.
fn fit_inputs(m: &Model, run: &mut [f64], stocks: &[f64]) {
    let n = run.len();
    let mut used = vec![0.0; n];
    for _ in 0..200 {
        m.a.mul_vec(run, &mut used);
        let mut factor = vec![1.0_f64; n];
        let mut short = false;
        for i in 0..n {
            let there = run[i] + stocks[i];
            if used[i] > there * (1.0 + 1e-12) && used[i] > 0.0 {
                short = true;
                let own: f64 =
                    m.a.row(i)
                        .filter(|&(j, _)| j == i)
                        .map(|(_, a)| a * run[i])
                        .sum();
                let others = used[i] - own;
                let s = if others > 0.0 {
                    ((there - own) / others).clamp(0.0, 1.0)
                } else {
                    (there / used[i]).clamp(0.0, 1.0)
                };
                for (j, _) in m.a.row(i) {
                    if j != i || others <= 0.0 {
                        factor[j] = factor[j].min(s);
                    }
                }
            }
        }
        if !short {
            return;
        }
        for (x, f) in run.iter_mut().zip(&factor) {
            *x *= f;
        }
    }
}

/// Labour values when the grain sector's output is `weather` times its run: its inputs and
/// hours per unit made are divided by `weather`. `v_j = l_j / w_j + Σ_i a_ij v_i / w_j`.
fn values_with_yield(m: &Model, grain: usize, weather: f64) -> Vec<f64> {
    let mut v = m.values.clone();
    let mut next = vec![0.0; v.len()];
    for _ in 0..100_000 {
        m.at.mul_vec(&v, &mut next);
        let mut step = 0.0;
        for j in 0..v.len() {
            let mut x = m.labour[j] + next[j];
            if j == grain {
                x /= weather.max(1e-12);
            }
            step += (x - v[j]).abs();
            v[j] = x;
        }
        let scale: f64 = v.iter().map(|x| x.abs()).sum();
        if step <= super::leontief::TOL * scale.max(f64::MIN_POSITIVE) {
            break;
        }
    }
    v
}

/// Hours each group worked: each sector's hours shared among the groups that work in it.
fn group_hours(m: &Model, made: &[f64]) -> Vec<f64> {
    let mut hours = vec![0.0; m.groups.len()];
    for (j, w) in m.workforce.iter().enumerate() {
        for &(g, share) in w {
            hours[g] += share * m.labour[j] * made[j];
        }
    }
    hours
}

/// The plan's hours shared among the groups in proportion to the hours each can give.
fn shared_hours(m: &Model, hours: f64) -> Vec<f64> {
    let available = m.hours_available();
    m.groups
        .iter()
        .map(|g| {
            if available > 0.0 {
                hours * g.hours_available() / available
            } else {
                0.0
            }
        })
        .collect()
}

/// The democratic plan (see the module documentation): targets from needs corrected by last
/// year's consumer feedback, investment sized by the voted deduction, and the largest
/// fulfilment `λ ≤ 1` the capacities and hours allow, computed exactly.
fn plan_democratic(
    m: &Model,
    st: &mut State,
    d: &DemocraticRegime,
    able: &[f64],
    defence: &[f64],
    hours: f64,
) -> Result<Plan, SimError> {
    let n = m.n();
    let needs = m.total_needs();
    let targets: Vec<f64> = (0..n).map(|i| needs[i] * st.feedback[i]).collect();
    let solve = |f: &[f64], warm: &Option<Vec<f64>>| {
        solve_warm(&m.a, f, warm.as_deref()).map_err(|e| SimError::field("economy", &e))
    };
    let x_needs = solve(&targets, &st.warm_needs)?;
    // Fixed uses: defence and topping up the reserve of storable consumer goods.
    let fixed: Vec<f64> = (0..n)
        .map(|i| {
            let top_up = if m.storable[i] {
                (d.reserve * targets[i] - st.stocks[i]).max(0.0)
            } else {
                0.0
            };
            defence[i] + top_up
        })
        .collect();
    let mut x_defence = solve(&fixed, &None)?;
    // Defence beyond what the capacities and hours allow is cut to what they allow.
    let mut fits: f64 = 1.0;
    for j in 0..n {
        if x_defence.x[j] > able[j] {
            fits = fits.min(able[j] / x_defence.x[j]);
        }
    }
    let defence_hours = dot(&m.labour, &x_defence.x);
    if defence_hours > hours {
        fits = fits.min(hours / defence_hours);
    }
    for x in &mut x_defence.x {
        *x *= fits;
    }
    let mut sweeps = x_needs.iterations + x_defence.iterations;
    // The capacity each sector should gain: its share of next year's needs and defence, grown,
    // less what remains after wear.
    let gaps_wanted: Vec<f64> = (0..n)
        .map(|j| {
            let per_unit = if st.capacity[j] > 0.0 {
                able[j] / st.capacity[j]
            } else {
                1.0
            };
            let need = (x_needs.x[j] + x_defence.x[j]) / per_unit.max(0.05);
            // Replace the wear of the capacity in use and grow it; more where it falls short.
            let renew = (m.depreciation[j] + d.growth) * need.min(st.capacity[j]);
            let short = need * (1.0 + d.growth) - (1.0 - m.depreciation[j]) * st.capacity[j];
            renew.max(short)
        })
        .collect();
    let investment_wanted = capital_goods(m, &gaps_wanted);
    let v_needs = dot(&m.values, &targets);
    let v_invest = dot(&m.values, &investment_wanted);
    let v_defence = fits * dot(&m.values, &fixed);
    let x_invest = solve(&investment_wanted, &st.warm_fixed)?;
    sweeps += x_invest.iterations;
    // Investment is what the voted deduction funds: v·I = r (v·N + v·I + v·D) at full
    // fulfilment, so μ v·I_wanted = r (v·N + v·D) / (1 − r).
    let r = d.deductions.investment;
    let mut mu = if v_invest > 0.0 {
        (r * (v_needs + v_defence) / ((1.0 - r) * v_invest)).min(3.0)
    } else {
        0.0
    };
    let lambda_at = |mu: f64| {
        largest_lambda(m, able, hours, &x_needs.x, |j| {
            mu * x_invest.x[j] + x_defence.x[j]
        })
    };
    // Needs before growth: where the needs could be met in full without investment, it gives
    // way as far as it must for that (bisection on μ; deterministic). Where they could not,
    // investment goes on: cutting it would only shrink next year's capacity further.
    let goal = 1.0;
    if lambda_at(0.0).0 >= goal && lambda_at(mu).0 < goal {
        let (mut lo, mut hi) = (0.0, mu);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if lambda_at(mid).0 >= goal {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        mu = lo;
    }
    let (lambda, binding) = lambda_at(mu);
    let x: Vec<f64> = (0..n)
        .map(|j| lambda * x_needs.x[j] + mu * x_invest.x[j] + x_defence.x[j])
        .collect();
    st.warm_needs = Some(x_needs.x);
    st.warm_fixed = Some(x_invest.x);
    Ok(Plan {
        x,
        targets: targets.iter().map(|t| lambda * t).collect(),
        investment: investment_wanted.iter().map(|v| mu * v).collect(),
        gaps: gaps_wanted.iter().map(|g| mu * g).collect(),
        procurement: 0.0,
        lambda,
        binding,
        sweeps,
    })
}

/// The largest `λ ≤ 1` with `λ x_N + x_0 ≤ able` and `l · (λ x_N + x_0) ≤ hours`, and what
/// binds. Exact: with one technique per product the least gross output for a final demand is
/// `(I − A)⁻¹` of it, and every constraint bounds gross output from above.
fn largest_lambda(
    m: &Model,
    able: &[f64],
    hours: f64,
    x_needs: &[f64],
    fixed: impl Fn(usize) -> f64,
) -> (f64, String) {
    let mut lambda: f64 = 1.0;
    let mut binding = String::new();
    let mut fixed_hours = 0.0;
    let mut needs_hours = 0.0;
    for j in 0..m.n() {
        let f = fixed(j);
        fixed_hours += m.labour[j] * f;
        needs_hours += m.labour[j] * x_needs[j];
        if x_needs[j] > 0.0 {
            let l = (able[j] - f) / x_needs[j];
            if l < lambda {
                lambda = l;
                binding = m.names[j].clone();
            }
        }
    }
    if needs_hours > 0.0 {
        let l = (hours - fixed_hours) / needs_hours;
        if l < lambda {
            lambda = l;
            binding = "labour".into();
        }
    }
    (lambda.max(0.0), binding)
}

/// Capital goods the capacities `gaps` take.
fn capital_goods(m: &Model, gaps: &[f64]) -> Vec<f64> {
    let mut goods = vec![0.0; m.n()];
    for (j, gap) in gaps.iter().enumerate() {
        for &(i, units) in &m.capital[j] {
            goods[i] += gap * units;
        }
    }
    goods
}

/// The command plan: every sector at the capacity the planner believes in (the harvest
/// overrated by the information error), heavy industry's quotas pulling investment into heavy
/// industry, hours stretched by force.
fn plan_command(
    m: &Model,
    st: &mut State,
    c: &CommandRegime,
    able: &[f64],
    hours: f64,
    year: i32,
) -> Plan {
    let n = m.n();
    let mut x: Vec<f64> = (0..n)
        .map(|j| match m.roles[j] {
            Role::Grain | Role::Livestock => able[j] * (1.0 + c.information_error),
            _ => able[j],
        })
        .collect();
    let limit = hours * (1.0 + c.overtime);
    let need = dot(&m.labour, &x);
    if need > limit {
        // Too few hours even with overtime: everything but heavy industry gives way.
        let heavy: f64 = (0..n)
            .filter(|&j| m.roles[j] == Role::Heavy)
            .map(|j| m.labour[j] * x[j])
            .sum();
        let scale = ((limit - heavy) / (need - heavy).max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        for j in 0..n {
            if m.roles[j] != Role::Heavy {
                x[j] *= scale;
            }
        }
    }
    // Investment to reach next year's quotas in heavy industry; elsewhere replace wear.
    let gaps: Vec<f64> = (0..n)
        .map(|j| {
            let kept = (1.0 - m.depreciation[j]) * st.capacity[j];
            if m.roles[j] == Role::Heavy {
                (st.quota[j] * c.quota_growth - kept).max(0.0)
            } else {
                m.depreciation[j] * st.capacity[j]
            }
        })
        .collect();
    Plan {
        targets: m.total_needs(),
        investment: capital_goods(m, &gaps),
        gaps,
        procurement: if year >= c.procurement_from {
            c.procurement
        } else {
            c.procurement_before
        },
        lambda: 1.0,
        binding: String::new(),
        sweeps: 0,
        x,
    }
}

/// The market plan: producers run at capacity and invest their savings where prices stand
/// highest over value (profit); nobody plans consumption.
fn plan_market(m: &Model, st: &mut State, k: &MarketRegime, able: &[f64]) -> Plan {
    let n = m.n();
    let x = able.to_vec();
    let income: f64 = (0..n).map(|j| st.prices[j] * m.values[j] * x[j]).sum();
    let budget = k.saving * income;
    // Profitability: price over value less one, where positive; capacity-weighted.
    let weights: Vec<f64> = (0..n)
        .map(|j| (st.prices[j] - 1.0).max(0.0) * st.capacity[j] * m.values[j])
        .collect();
    let total: f64 = weights.iter().sum();
    let gaps: Vec<f64> = (0..n)
        .map(|j| {
            let unit_cost: f64 = m.capital[j].iter().map(|&(i, u)| u * m.values[i]).sum();
            let replace = m.depreciation[j] * st.capacity[j];
            let grow = if total > 0.0 && unit_cost > 0.0 {
                budget * weights[j] / total / unit_cost
            } else {
                0.0
            };
            replace + grow
        })
        .collect();
    Plan {
        targets: m.total_needs(),
        investment: capital_goods(m, &gaps),
        gaps,
        procurement: 0.0,
        lambda: 1.0,
        binding: String::new(),
        sweeps: 0,
        x,
    }
}

/// The grain price (with the state's terms of trade) relative to manufactured consumer goods,
/// both over their values: 1 when both sell at value.
fn relative_grain_price(m: &Model, st: &State, k: &MarketRegime) -> f64 {
    let grain = m.role(Role::Grain).map_or(1.0, |g| st.prices[g]);
    let goods = m.role(Role::Light).map_or(1.0, |l| st.prices[l]);
    (grain * k.terms_of_trade / goods).max(1e-6)
}

/// How the year's goods were shared out.
struct Shared {
    /// Per group, per product.
    consumption: Vec<Vec<f64>>,
    investment: Vec<f64>,
    exports: Vec<f64>,
    stock_next: Vec<f64>,
    price_ratio: Vec<f64>,
    savings: Vec<f64>,
    /// Demand per good (market regime's price signal).
    demand: Vec<f64>,
    procured: f64,
}

/// Democratic sharing: consumption up to the targets first, then investment; members buy with
/// their credits at labour values, and prices move off value where demand and supply differ.
fn share_democratic(
    m: &Model,
    st: &State,
    d: &DemocraticRegime,
    plan: &Plan,
    avail: &mut [f64],
) -> Shared {
    let n = m.n();
    let reserved: Vec<f64> = (0..n).map(|i| avail[i].min(plan.targets[i])).collect();
    let mut rest: Vec<f64> = (0..n).map(|i| avail[i] - reserved[i]).collect();
    // The store is kept back (not offered) up to its target, before investment.
    let store_target: Vec<f64> = (0..n)
        .map(|i| {
            if m.storable[i] {
                d.reserve * plan.targets[i] / plan.lambda.max(1e-9)
            } else {
                0.0
            }
        })
        .collect();
    let store = take(&mut rest, &store_target);
    let investment = take(&mut rest, &plan.investment);
    let offer: Vec<f64> = (0..n).map(|i| reserved[i] + rest[i]).collect();
    // Incomes: credits for the hours the plan needs, shared alike, the care deduction shared
    // among those who do not work, and last year's unspent credits.
    let hours = shared_hours(m, dot(&m.labour, &plan.x));
    let pays: Vec<Pay> = hours
        .iter()
        .map(|&h| Pay::for_hours(h, &d.deductions))
        .collect();
    let care: f64 = pays.iter().map(|p| p.care).sum();
    let dependants: f64 = m.groups.iter().map(|g| g.people * (1.0 - g.workers)).sum();
    let income: Vec<f64> = m
        .groups
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let care_share = if dependants > 0.0 {
                care * g.people * (1.0 - g.workers) / dependants
            } else {
                0.0
            };
            pays[k].credits + care_share + st.savings[k]
        })
        .collect();
    // Demand at value: each group spends its income on its needs in proportion.
    let demand_at_value: Vec<Vec<f64>> = m
        .groups
        .iter()
        .zip(&income)
        .map(|(g, inc)| {
            let cost: f64 = (0..n).map(|i| g.people * g.needs[i] * m.values[i]).sum();
            let w = if cost > 0.0 { inc / cost } else { 0.0 };
            (0..n).map(|i| w * g.people * g.needs[i]).collect()
        })
        .collect();
    let feedback: &PriceFeedback = &d.feedback;
    let mut price_ratio = vec![1.0; n];
    let mut consumption = vec![vec![0.0; n]; m.groups.len()];
    let mut demand = vec![0.0; n];
    for i in 0..n {
        let q: f64 = demand_at_value.iter().map(|dv| dv[i]).sum();
        demand[i] = q;
        if q <= 0.0 {
            continue;
        }
        let r = feedback.clearing_ratio(q, offer[i]);
        price_ratio[i] = r;
        // Demand at the clearing price, rationed to the offer if the price hit its bound.
        let at_price = q * r.powf(feedback.elasticity);
        let served = at_price.min(offer[i]) / q;
        for (k, dv) in demand_at_value.iter().enumerate() {
            consumption[k][i] = dv[i] * served;
        }
    }
    let savings: Vec<f64> = (0..m.groups.len())
        .map(|k| {
            let spent: f64 = (0..n)
                .map(|i| consumption[k][i] * price_ratio[i] * m.values[i])
                .sum();
            (income[k] - spent).max(0.0)
        })
        .collect();
    let stock_next: Vec<f64> = (0..n)
        .map(|i| {
            let left = offer[i] - consumption.iter().map(|c| c[i]).sum::<f64>();
            if m.storable[i] {
                store[i] + left.max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    Shared {
        consumption,
        investment,
        exports: vec![0.0; n],
        stock_next,
        price_ratio,
        savings,
        demand,
        procured: 0.0,
    }
}

/// Command sharing: defence, exports and investment first; procurement takes its quota of
/// grain; the countryside keeps what is left of the harvest; the towns get the procured grain
/// and every other good by rank.
fn share_command(
    m: &Model,
    c: &CommandRegime,
    plan: &Plan,
    avail: &mut [f64],
    procurement: f64,
) -> Shared {
    let n = m.n();
    let grain = m.role(Role::Grain);
    let investment = take(avail, &plan.investment);
    let mut procured = 0.0;
    let mut exports = vec![0.0; n];
    let mut rural_grain = 0.0;
    if let Some(g) = grain {
        procured = procurement.min(avail[g]).max(0.0);
        rural_grain = avail[g] - procured;
        avail[g] = procured;
    }
    for (name, &units) in &c.exports {
        if let Some(i) = m.names.iter().position(|p| p == name) {
            let got = units.min(avail[i]).max(0.0);
            exports[i] = got;
            avail[i] -= got;
        }
    }
    let mut consumption = vec![vec![0.0; n]; m.groups.len()];
    for i in 0..n {
        if Some(i) == grain {
            share_by(
                m,
                &mut consumption,
                i,
                rural_grain,
                |g| g.rural,
                |g| g.people,
            );
            share_by(
                m,
                &mut consumption,
                i,
                avail[i],
                |g| !g.rural,
                |g| g.people * g.privilege * g.needs[i],
            );
            avail[i] = 0.0;
        } else {
            share_by(
                m,
                &mut consumption,
                i,
                avail[i],
                |_| true,
                |g| g.people * g.privilege * g.needs[i],
            );
            let given: f64 = consumption.iter().map(|c| c[i]).sum();
            avail[i] -= given;
        }
    }
    let stock_next = carried(m, avail);
    Shared {
        consumption,
        investment,
        exports,
        stock_next,
        price_ratio: vec![1.0; n],
        savings: vec![0.0; m.groups.len()],
        demand: vec![0.0; n],
        procured,
    }
}

/// What is left of each storable good, carried into next year (the rest is lost).
fn carried(m: &Model, left: &[f64]) -> Vec<f64> {
    left.iter()
        .zip(&m.storable)
        .map(|(l, &keep)| if keep { l.max(0.0) } else { 0.0 })
        .collect()
}

/// Shares `amount` of good `i` among the groups `who` selects, by `weight`. A group gets no
/// more than it can use when others still want (its weight is its need), and nothing when no
/// one qualifies.
fn share_by(
    m: &Model,
    consumption: &mut [Vec<f64>],
    i: usize,
    amount: f64,
    who: impl Fn(&super::model::GroupModel) -> bool,
    weight: impl Fn(&super::model::GroupModel) -> f64,
) {
    let total: f64 = m.groups.iter().filter(|g| who(g)).map(&weight).sum::<f64>();
    if total <= 0.0 || amount <= 0.0 {
        return;
    }
    for (k, g) in m.groups.iter().enumerate() {
        if who(g) {
            consumption[k][i] += amount * weight(g) / total;
        }
    }
}

/// Market sharing: investment bought first (from savings), peasants keep the grain they do
/// not market, and every other good goes by income (the hours each group sold).
fn share_market(
    m: &Model,
    st: &State,
    plan: &Plan,
    avail: &mut [f64],
    marketed: f64,
    grain: Option<usize>,
) -> Shared {
    let n = m.n();
    let investment = take(avail, &plan.investment);
    let hours = group_hours(m, &plan.x);
    let mut consumption = vec![vec![0.0; n]; m.groups.len()];
    let mut procured = 0.0;
    for i in 0..n {
        if Some(i) == grain {
            procured = marketed.min(avail[i]).max(0.0);
            let kept = avail[i] - procured;
            share_by(m, &mut consumption, i, kept, |g| g.rural, |g| g.people);
            share_by(
                m,
                &mut consumption,
                i,
                procured,
                |g| !g.rural,
                |g| g.people * g.needs[i],
            );
            avail[i] = 0.0;
        } else {
            let weights: Vec<f64> = m
                .groups
                .iter()
                .enumerate()
                .map(|(k, g)| hours[k].max(g.people * 1e-9) * g.needs[i])
                .collect();
            let total: f64 = weights.iter().sum();
            if total > 0.0 {
                for k in 0..m.groups.len() {
                    consumption[k][i] = avail[i] * weights[k] / total;
                }
                avail[i] = 0.0;
            }
        }
    }
    let demand = m.total_needs();
    let stock_next = carried(m, avail);
    Shared {
        consumption,
        investment,
        exports: vec![0.0; n],
        stock_next,
        price_ratio: st.prices.clone(),
        savings: vec![0.0; m.groups.len()],
        demand,
        procured,
    }
}
