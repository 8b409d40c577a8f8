//! The Method of Equal Shares in floating point with certified decisions, falling back to exact
//! rational arithmetic only where a decision is too close to call.
//!
//! This is the engine behind [`mes_outcome`](super::mes_outcome) and behind the choice of the
//! share in [`method_of_equal_shares`](super::method_of_equal_shares). It returns exactly what
//! the exact rule ([`mes_exact`](super::mes_exact)) returns: the same projects in the same order,
//! and the same ρ of every winner as an exact rational. Floating point only decides what it can
//! prove.
//!
//! ## What is computed in `f64`
//!
//! Each member's budget `b_i` is held as an `f64` `b̂_i` with one bound `E` on the error of
//! all of them, `|b̂_i − b_i| ≤ E`. A candidate `p` (cost `C`, total weight of its supporters
//! with money `W`) is evaluated from the `b̂_i`: its supporters' money `Â = Σ w_i b̂_i`, and its
//! price per member `x = ρ · sat(p)`, the smallest `x` with `Σ w_i min(b_i, x) = C`. Whatever the
//! order in which the supporters are visited, the exact price for a split of the supporters into
//! the poor `Q` (who pay all they have) and the rich `R` (who pay `x`) is
//!
//! ```text
//!   x_Q = (C − Σ_{i∈Q} w_i b_i) / W_R,
//! ```
//!
//! and `x_Q` is the price of the rule (the smallest solution, which the exact rule computes) as
//! soon as `max_{i∈Q} b_i ≤ x_Q ≤ min_{i∈R} b_i`: then `Σ w_i min(b_i, x_Q) = C`, and the sum is
//! strictly increasing in `x` below `max b_i`. The float path computes `x̂` for the split its
//! sorted walk finds, with the standard model of rounding `fl(a ∘ b) = (a ∘ b)(1 + δ)`,
//! `|δ| ≤ u = 2^-53` (this module uses `U = 2^-50 = 8u` for every operation and conversion, which
//! also covers the second-order terms), and bounds
//!
//! ```text
//!   |x̂ − x_Q| ≤ e = 2 · [ (U·C + γ_{|Q|+1} Σ_Q w_i|b̂_i| + W_Q·E + U·|C − P̂|) / W_R + U·|x̂| ],
//!   γ_m = m·U / (1 − m·U)
//! ```
//!
//! (the conversion of `C`, the rounding of the sum `P̂` of the poor's money, the error `E` of
//! each poor budget, the subtraction and the division; `W_R` is an integer below `2^53`, exact in
//! `f64`). The split is **certified** when `max_Q b̂ + E ≤ x̂ − e` and `x̂ + e ≤ min_R b̂ − E`;
//! then it is the split of the exact rule. Affordability `Σ w_i b_i ≥ C` is certified when
//! `Â ∓ (W·E + γ_{m+1} Σ w_i |b̂_i|)` lies on one side of `C(1 ± U)`. Two candidates are ordered
//! by float when their intervals `ρ̂ ± e_ρ` do not meet. In every other case — a true tie of ρ,
//! as with equal costs and equal supporter sets, a price equal to a supporter's budget, a project
//! its supporters can exactly pay — the candidate is evaluated exactly (below), so the float path
//! never decides anything it cannot prove.
//!
//! After a winner at price `x̂` (error `e_x`), the poor are set to exactly 0 and the rich pay:
//! `E ← E + e_x + 2U·s`, `s` the share (the rounding of `b̂ − x̂`, both at most `s`).
//!
//! ## What is kept exactly, and the fallback
//!
//! A member's exact budget is `0` (after paying all they had) or `s − Σ_{r ∈ R_i} π_r`, the
//! share less the exact prices `π_r` of the rounds `R_i` in which they paid as a rich supporter.
//! Members are kept in *classes*, nodes of a tree whose edges are rounds: the root is "paid
//! nothing", and paying in round `r` moves a member from class `c` to its child `(c, r)`. Every
//! member of a class has the same exact budget and the same `b̂`. The exact price of each round
//! is computed from integers: with the certified split,
//!
//! ```text
//!   π_r = (C − W_Q · s + Σ_{r' < r} c_{r'} π_{r'}) / W_R,
//! ```
//!
//! where `c_{r'}` is the weight of the poor (with money) who paid in round `r'`, counted by
//! walking their classes up the tree. That is `O(r)` rational operations per round, however many
//! members there are. The exact evaluation of a candidate (the fallback) computes the exact
//! budget of each class among its supporters (memoised down the tree), sorts the classes and
//! walks them exactly as pabutools' `mes_inner_algo` does.
//!
//! ## The increment completion: runs proved identical are skipped
//!
//! pabutools' `voter_budget_increment` re-runs MES at shares `s, s + δ, s + 2δ, …` until an
//! outcome overspends or is exhaustive. Along the share axis MES is piecewise affine: with the
//! decisions of a run fixed (who is poor in each evaluation, which candidates are unaffordable,
//! which one wins each round), every budget, price and ρ is an affine function of the share `s`
//! (the initial budgets are `s`; a price is `(C − Σ_Q w_i b_i) / W_R`, affine in affine budgets;
//! payments subtract affine functions). Every decision compares two such functions, so the set
//! of shares on which a run takes the same decisions — and funds the same projects — is an
//! interval. Each run carries the derivative `d/ds` of every budget and ρ alongside its value
//! (with error bounds of the same form as above, and exactly in the exact fallback), and every
//! decision `g(s) > 0` (or `≥ 0`) lowers the run's reach `until` to the first `t` where the
//! certified lower bound `(ĝ − e) + (ĝ' − e')·t` of `g(s + t)` could reach 0 (for an exact tie,
//! to 0 unless the derivatives keep it a tie). The shares `s + δ, s + 2δ, …` below `s + until`
//! fund the same projects, so they are feasible and not exhaustive exactly when the run at `s`
//! is, and pabutools would pass them: they are not run. The exact ρ at a skipped share is
//! `ρ(s) + t · dρ/ds`, with the exact derivatives.
//!
//! The number of runs is therefore at most the number of distinct runs met along the way plus
//! one, instead of `(s_stop − s) / δ`: for a lone backer who needs a share of about the whole
//! budget to pay for their project, two runs instead of one per step (see the test
//! `issue_14_lone_backer_increment_needs_two_runs`). It is never more than pabutools' number of
//! runs.
//!
//! ## Speed-ups
//!
//! * A project's ρ only grows from round to round (budgets only shrink), so its last ρ minus its
//!   error is a lower bound. Candidates are visited in the order of these bounds and the round
//!   stops at the first whose bound exceeds the best ρ found plus its error (pabutools and
//!   equalshares.net do the same with exact numbers).
//! * Only projects with a supporter who paid in the last round are evaluated again; the others
//!   keep their ρ, which is unchanged.
//! * Members with nothing left are dropped from the supporter lists (they are poor for every
//!   project and pay 0).
//! * The price is found without sorting all supporters: only those with less than a threshold
//!   (first twice the even split `C / W`, then growing) are sorted; the others are rich.

use super::election::Election;
use super::Satisfaction;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use std::collections::HashMap;

/// The bound on the relative error of one floating-point operation or conversion used in the
/// error bounds: `2^-50`, eight times the unit roundoff.
const U: f64 = 4.0 * f64::EPSILON;

/// The class of members with nothing left.
const ZERO_CLASS: u32 = u32::MAX;

/// The root class: members who have paid nothing yet.
const ROOT: u32 = 0;

/// `γ_m = m U / (1 − m U)`, the relative error bound of a sum of `m` products (infinite when
/// `m U ≥ 1/2`, which makes every decision fall back to exact arithmetic).
fn gamma(m: usize) -> f64 {
    let mu = m as f64 * U;
    if mu >= 0.5 {
        f64::INFINITY
    } else {
        mu / (1.0 - mu)
    }
}

fn rat(n: u128) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

/// Lowers `t_max` so that a quantity `g(t) = g0 + g1·t` known as `ĝ0 ± e0`, `ĝ1 ± e1` stays
/// positive for `0 ≤ t < t_max`: its lower bound `(ĝ0 − e0) + (ĝ1 − e1)·t` does. A quantity
/// not certified non-negative at `t = 0` gives `t_max = 0`.
fn keep_positive(t_max: &mut f64, g0: f64, e0: f64, g1: f64, e1: f64) {
    let (lo0, lo1) = (g0 - e0, g1 - e1);
    if lo0.is_nan() || lo1.is_nan() || lo0 < 0.0 {
        *t_max = 0.0;
    } else if lo1 < 0.0 {
        let t = lo0 / -lo1 * (1.0 - 1e-9);
        if t < *t_max {
            *t_max = t;
        }
    }
}

/// The exact counterpart of [`keep_positive`] for `g(t) = g0 + g1·t` with `g0 ≥ 0`: strict
/// positivity on `[0, t_max)` when `g0 > 0`; when `g0 = 0` (an exact tie), `g` must stay at or
/// above 0 when `ties_ok`, else stay exactly 0.
fn keep_positive_exact(t_max: &mut f64, g0: &BigRational, g1: &BigRational, ties_ok: bool) {
    if g0.is_zero() {
        let ok = if ties_ok {
            !g1.is_negative()
        } else {
            g1.is_zero()
        };
        if !ok {
            *t_max = 0.0;
        }
    } else if g0.is_negative() {
        *t_max = 0.0;
    } else if g1.is_negative() {
        let t = to_f64(&(g0 / -g1)) * (1.0 - 4.0 * U);
        if t.is_nan() {
            *t_max = 0.0;
        } else if t < *t_max {
            *t_max = t;
        }
    }
}

/// Work done by the engine, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkCounter {
    /// Runs of MES (one per share tried; shares proved to give the same outcome are not run).
    pub runs: u64,
    /// Rounds over all runs.
    pub rounds: u64,
    /// Candidates evaluated in floating point.
    pub evaluations: u64,
    /// Candidates evaluated exactly (near-ties and exact boundaries).
    pub exact_evaluations: u64,
}

/// A project with supporters, as the engine sees it.
struct Cand {
    project: usize,
    cost: BigRational,
    cost_f: f64,
    sat: BigRational,
    supporters: Vec<u32>,
    /// The initial ρ, `C / (W · sat)` with every supporter rich: a lower bound for every round
    /// and every share.
    rho0: f64,
}

/// What does not change between runs.
pub(crate) struct Engine {
    sat: Satisfaction,
    cands: Vec<Cand>,
    weight: Vec<u128>,
    weight_f: Vec<f64>,
    /// For each ballot, the candidates (indices into `cands`) it supports.
    voter_cands: Vec<Vec<u32>>,
    /// Whether floating point can be used at all (weights and amounts in range).
    usable: bool,
}

/// The outcome of one run.
pub(crate) struct Run {
    /// The funded projects (indices into the election), in order.
    pub selected: Vec<usize>,
    /// `sat(p)` of each round's winner.
    sats: Vec<BigRational>,
    /// The exact prices of the rounds, computed when asked for ([`Run::rhos`]).
    prices: Prices,
    /// How far the share can grow with the same run (a certified lower bound; may be 0).
    pub until: f64,
}

impl Run {
    /// The exact ρ of each round and its derivative with respect to the share: for shares
    /// `s + t`, `0 ≤ t < until`, the run funds the same projects with ρ `rho + t · drho`.
    pub(crate) fn rhos(&mut self) -> (Vec<BigRational>, Vec<BigRational>) {
        let k = self.sats.len();
        if k > 0 {
            self.prices.resolve(k - 1);
        }
        (0..k)
            .map(|r| {
                let (p, dp) = self.prices.known(r);
                (p / &self.sats[r], dp / &self.sats[r])
            })
            .unzip()
    }
}

/// The exact price of a round and its derivative, or what they are computed from.
#[derive(Clone)]
enum Price {
    Known(BigRational, BigRational),
    /// `π = (C − W_Q s + Σ_r c_r π_r) / W_R` and `π' = −(W_Q − Σ_r c_r π'_r) / W_R`.
    Recipe {
        cost: BigRational,
        w_q: u128,
        w_r: u128,
        counts: Vec<(u32, u128)>,
    },
}

/// The exact prices of a run's rounds, computed lazily: a run whose decisions the float path
/// certifies needs none of them, except for the run finally kept.
struct Prices {
    share: BigRational,
    list: Vec<Price>,
}

impl Prices {
    /// Computes the prices of rounds `0..=r`.
    fn resolve(&mut self, r: usize) {
        for k in 0..=r.min(self.list.len().saturating_sub(1)) {
            if let Price::Recipe {
                cost,
                w_q,
                w_r,
                counts,
            } = &self.list[k]
            {
                let mut paid = &self.share * rat(*w_q);
                let mut dpaid = rat(*w_q);
                for &(j, c) in counts {
                    if let Price::Known(p, dp) = &self.list[j as usize] {
                        paid -= p * rat(c);
                        dpaid -= dp * rat(c);
                    }
                }
                let price = (cost - paid) / rat(*w_r);
                let dprice = -dpaid / rat(*w_r);
                self.list[k] = Price::Known(price, dprice);
            }
        }
    }

    /// The price of round `r` and its derivative, once resolved (zero otherwise).
    fn known(&self, r: usize) -> (BigRational, BigRational) {
        match &self.list[r] {
            Price::Known(p, dp) => (p.clone(), dp.clone()),
            Price::Recipe { .. } => (BigRational::zero(), BigRational::zero()),
        }
    }
}

/// Exact values of a candidate: ρ and the price `x = ρ · sat(p)`, and their derivatives with
/// respect to the share.
#[derive(Clone)]
struct Exact {
    rho: BigRational,
    x: BigRational,
    drho: BigRational,
    dx: BigRational,
}

/// A candidate during a run. Every value `v` comes with its derivative `dv` with respect to the
/// share and error bounds on both.
#[derive(Clone)]
struct CandState {
    alive: bool,
    dirty: bool,
    rho: f64,
    rho_err: f64,
    drho: f64,
    drho_err: f64,
    x: f64,
    x_err: f64,
    dx: f64,
    dx_err: f64,
    /// The exact values when the last evaluation was exact.
    exact: Option<Exact>,
    supporters: Vec<u32>,
}

struct State {
    b: Vec<f64>,
    /// `d b_i / d s`.
    d: Vec<f64>,
    class: Vec<u32>,
    /// (parent, round) of each class; the root's entries are unused.
    classes: Vec<(u32, u32)>,
    /// Memoised exact (budget, derivative) of each class.
    class_val: Vec<Option<(BigRational, BigRational)>>,
    prices: Prices,
    /// Bound on `|b̂_i − b_i|`.
    err: f64,
    /// Bound on `|d̂_i − d_i|`.
    derr: f64,
    /// Bound on `|d̂_i|`.
    dmax: f64,
    share_f: f64,
    /// The run stays the same for shares `s + t`, `0 ≤ t < until`.
    until: f64,
}

impl State {
    /// The exact budget of a class and its derivative with respect to the share.
    fn class_value(&mut self, c: u32) -> (BigRational, BigRational) {
        if c == ZERO_CLASS {
            return (BigRational::zero(), BigRational::zero());
        }
        let mut chain = Vec::new();
        let mut k = c;
        let (mut v, mut dv) = loop {
            match &self.class_val[k as usize] {
                Some(v) => break v.clone(),
                None => {
                    chain.push(k);
                    k = self.classes[k as usize].0;
                }
            }
        };
        if let Some(&top) = chain.first() {
            self.prices.resolve(self.classes[top as usize].1 as usize);
        }
        for &k in chain.iter().rev() {
            let (p, dp) = self.prices.known(self.classes[k as usize].1 as usize);
            v -= p;
            dv -= dp;
            self.class_val[k as usize] = Some((v.clone(), dv.clone()));
        }
        (v, dv)
    }
}

impl Engine {
    /// Supporters, satisfactions and initial bounds; `election` must be a valid approval
    /// election.
    pub(crate) fn new(election: &Election, sat: Satisfaction) -> Self {
        let n = election.ballots.len();
        let m = election.projects.len();
        let mut supporters: Vec<Vec<u32>> = vec![Vec::new(); m];
        for (i, b) in election.ballots.iter().enumerate() {
            if let super::election::BallotKind::Approval(set) = &b.kind {
                for &p in set {
                    if p < m {
                        supporters[p].push(i as u32);
                    }
                }
            }
        }
        let weight: Vec<u128> = election
            .ballots
            .iter()
            .map(|b| u128::from(b.weight))
            .collect();
        let weight_f: Vec<f64> = weight.iter().map(|&w| w as f64).collect();
        let total: u128 = weight.iter().sum();
        let mut usable = total < (1u128 << 52) && n < (u32::MAX as usize);
        let mut cands = Vec::new();
        let mut voter_cands: Vec<Vec<u32>> = vec![Vec::new(); n];
        for p in election.id_order() {
            let sup = std::mem::take(&mut supporters[p]);
            if sup.is_empty() {
                continue;
            }
            let cost = election.projects[p].cost.clone();
            let cost_f = to_f64(&cost);
            if !(cost_f.is_finite() && cost_f > 0.0) {
                usable = false;
            }
            let w: u128 = sup.iter().map(|&i| weight[i as usize]).sum();
            let s = sat.of(&cost);
            let rho0 = to_f64(&(&cost / (&s * rat(w))));
            let c = cands.len() as u32;
            for &i in &sup {
                voter_cands[i as usize].push(c);
            }
            cands.push(Cand {
                project: p,
                cost,
                cost_f,
                sat: s,
                supporters: sup,
                rho0,
            });
        }
        Self {
            sat,
            cands,
            weight,
            weight_f,
            voter_cands,
            usable,
        }
    }

    /// The projects with supporters, in id order.
    pub(crate) fn supported(&self) -> Vec<usize> {
        self.cands.iter().map(|c| c.project).collect()
    }

    /// Whether the float path applies (else callers use the exact rule).
    pub(crate) fn usable(&self, share: &BigRational) -> bool {
        let s = to_f64(share);
        self.usable && s.is_finite() && s >= 0.0
    }

    /// One run of MES with every member starting with `share` (see the module docs).
    pub(crate) fn run(&self, share: &BigRational, work: &mut WorkCounter) -> Run {
        work.runs += 1;
        let n = self.weight.len();
        let share_f = to_f64(share);
        let mut st = State {
            b: vec![share_f; n],
            d: vec![1.0; n],
            class: vec![ROOT; n],
            classes: vec![(ROOT, u32::MAX)],
            class_val: vec![Some((share.clone(), rat(1)))],
            prices: Prices {
                share: share.clone(),
                list: Vec::new(),
            },
            err: U * share_f,
            derr: 0.0,
            dmax: 1.0,
            share_f,
            until: f64::INFINITY,
        };
        let mut cs: Vec<CandState> = self
            .cands
            .iter()
            .map(|c| CandState {
                alive: true,
                dirty: true,
                // A lower bound until the first evaluation, for every share.
                rho: c.rho0,
                rho_err: 4.0 * U * c.rho0,
                drho: 0.0,
                drho_err: 0.0,
                x: 0.0,
                x_err: 0.0,
                dx: 0.0,
                dx_err: 0.0,
                exact: None,
                supporters: c.supporters.clone(),
            })
            .collect();
        let mut selected = Vec::new();
        let mut sats = Vec::new();
        let mut order: Vec<usize> = Vec::with_capacity(cs.len());
        loop {
            work.rounds += 1;
            order.clear();
            order.extend((0..cs.len()).filter(|&c| cs[c].alive));
            order.sort_by(|&a, &b| {
                (cs[a].rho - cs[a].rho_err)
                    .total_cmp(&(cs[b].rho - cs[b].rho_err))
                    .then(a.cmp(&b))
            });
            let mut best: Option<usize> = None;
            let mut seen = 0;
            for &c in &order {
                if let Some(w) = best {
                    if cs[c].rho - cs[c].rho_err > cs[w].rho + cs[w].rho_err {
                        break;
                    }
                }
                seen += 1;
                if cs[c].dirty {
                    work.evaluations += 1;
                    let ok = self.eval_f64(&mut st, c, &mut cs[c]);
                    if !ok {
                        work.exact_evaluations += 1;
                        self.eval_exact(&mut st, c, &mut cs[c]);
                    }
                    cs[c].dirty = false;
                }
                if !cs[c].alive {
                    continue;
                }
                best = Some(match best {
                    None => c,
                    Some(w) => {
                        if self.beats(&mut st, &mut cs, c, w, work) {
                            c
                        } else {
                            w
                        }
                    }
                });
            }
            let Some(w) = best else {
                return Run {
                    selected,
                    sats,
                    prices: st.prices,
                    until: st.until,
                };
            };
            // The winner must beat every other candidate for every share in range: those
            // evaluated by their ρ, those skipped by their lower bound.
            for &c in &order[..seen] {
                if c != w && cs[c].alive {
                    self.keep_beating(&mut st, &mut cs, w, c, work);
                }
            }
            for &c in &order[seen..] {
                let (a, b) = (&cs[c], &cs[w]);
                keep_positive(
                    &mut st.until,
                    a.rho - b.rho,
                    a.rho_err + b.rho_err,
                    a.drho - b.drho,
                    a.drho_err + b.drho_err,
                );
            }
            self.pay(&mut st, w, &mut cs);
            selected.push(self.cands[w].project);
            sats.push(self.cands[w].sat.clone());
        }
    }

    /// Whether candidate `a` beats the current best `b` (smaller ρ, ties to the smaller id).
    fn beats(
        &self,
        st: &mut State,
        cs: &mut [CandState],
        a: usize,
        b: usize,
        work: &mut WorkCounter,
    ) -> bool {
        if cs[a].rho + cs[a].rho_err < cs[b].rho - cs[b].rho_err {
            return true;
        }
        if cs[b].rho + cs[b].rho_err < cs[a].rho - cs[a].rho_err {
            return false;
        }
        self.make_exact(st, cs, &[a, b], work);
        match (&cs[a].exact, &cs[b].exact) {
            (Some(ea), Some(eb)) => ea.rho < eb.rho || (ea.rho == eb.rho && a < b),
            // Both are affordable (they were candidates), so both have exact values.
            _ => a < b,
        }
    }

    /// Evaluates the given candidates exactly unless they are.
    fn make_exact(
        &self,
        st: &mut State,
        cs: &mut [CandState],
        which: &[usize],
        work: &mut WorkCounter,
    ) {
        for &c in which {
            if cs[c].exact.is_none() {
                work.exact_evaluations += 1;
                self.eval_exact(st, c, &mut cs[c]);
            }
        }
    }

    /// Records that the winner `w` keeps beating candidate `c` for shares in range.
    fn keep_beating(
        &self,
        st: &mut State,
        cs: &mut [CandState],
        w: usize,
        c: usize,
        work: &mut WorkCounter,
    ) {
        let (a, b) = (&cs[c], &cs[w]);
        let lo = (a.rho - b.rho) - (a.rho_err + b.rho_err);
        if lo > 0.0 {
            keep_positive(
                &mut st.until,
                a.rho - b.rho,
                a.rho_err + b.rho_err,
                a.drho - b.drho,
                a.drho_err + b.drho_err,
            );
            return;
        }
        self.make_exact(st, cs, &[c, w], work);
        match (&cs[c].exact, &cs[w].exact) {
            (Some(ec), Some(ew)) => keep_positive_exact(
                &mut st.until,
                &(&ec.rho - &ew.rho),
                &(&ec.drho - &ew.drho),
                w < c,
            ),
            _ => st.until = 0.0,
        }
    }

    /// The float evaluation of candidate `c`; `false` when a decision is not certified.
    fn eval_f64(&self, st: &mut State, c: usize, s: &mut CandState) -> bool {
        s.exact = None;
        s.supporters.retain(|&i| st.class[i as usize] != ZERO_CLASS);
        let cand = &self.cands[c];
        let (e, de) = (st.err, st.derr);
        let (mut a, mut a_abs, mut w_all, mut da, mut da_abs) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
        for &i in &s.supporters {
            let iu = i as usize;
            let (w, b, d) = (self.weight_f[iu], st.b[iu], st.d[iu]);
            a += w * b;
            a_abs += (w * b).abs();
            da += w * d;
            da_abs += (w * d).abs();
            w_all += w;
        }
        let cost = cand.cost_f;
        let (c_lo, c_hi) = (cost * (1.0 - U), cost * (1.0 + U));
        if w_all == 0.0 {
            s.alive = false;
            return true;
        }
        let g = gamma(s.supporters.len() + 1);
        let err_a = w_all * e + g * a_abs;
        let err_da = w_all * de + g * da_abs;
        if a + err_a < c_lo {
            // Unaffordable, and stays so while C − A > 0.
            keep_positive(&mut st.until, cost - a, err_a + U * cost, -da, err_da);
            s.alive = false;
            return true;
        }
        if a - err_a < c_hi {
            return false;
        }
        // The price: the poor are among those below a threshold `t`.
        let x0 = cost / w_all;
        let mut t = 2.0 * x0;
        let mut low: Vec<(f64, u32)> = Vec::new();
        let (x, p, p_abs, w_q, w_r, q_len, max_q, min_r) = loop {
            if !t.is_finite() {
                return false;
            }
            low.clear();
            let mut min_out = f64::INFINITY;
            for &i in &s.supporters {
                let b = st.b[i as usize];
                if b < t {
                    low.push((b, i));
                } else if b < min_out {
                    min_out = b;
                }
            }
            low.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let (mut p, mut p_abs, mut w_q, mut w_r) = (0.0f64, 0.0f64, 0.0f64, w_all);
            let mut found = None;
            for (k, &(b, i)) in low.iter().enumerate() {
                let x = (cost - p) / w_r;
                if x <= b {
                    found = Some((x, k, b.min(min_out)));
                    break;
                }
                let w = self.weight_f[i as usize];
                p += w * b;
                p_abs += (w * b).abs();
                w_q += w;
                w_r -= w;
            }
            match found {
                Some((x, k, min_r)) => {
                    let max_q = if k == 0 {
                        f64::NEG_INFINITY
                    } else {
                        low[k - 1].0
                    };
                    break (x, p, p_abs, w_q, w_r, k, max_q, min_r);
                }
                None => {
                    if w_r <= 0.0 {
                        return false;
                    }
                    let x = (cost - p) / w_r;
                    let max_q = low.last().map_or(f64::NEG_INFINITY, |l| l.0);
                    if x <= min_out {
                        break (x, p, p_abs, w_q, w_r, low.len(), max_q, min_out);
                    }
                    t *= 4.0;
                }
            }
        };
        let num = cost - p;
        let ex = 2.0
            * ((U * cost + gamma(q_len + 1) * p_abs + w_q * e + U * num.abs()) / w_r + U * x.abs());
        if !(ex.is_finite() && max_q + e <= x - ex && x + ex <= min_r - e) {
            return false;
        }
        // The derivative of the price: dx = −Σ_Q w d_i / W_R.
        let (mut dp, mut dp_abs) = (0.0f64, 0.0f64);
        for &(_, i) in &low[..q_len] {
            let iu = i as usize;
            dp += self.weight_f[iu] * st.d[iu];
            dp_abs += (self.weight_f[iu] * st.d[iu]).abs();
        }
        let dx = -dp / w_r;
        let edx = 2.0 * ((gamma(q_len + 1) * dp_abs + w_q * de) / w_r + U * dx.abs());
        // Affordable while A − C ≥ 0; the split holds while the poor stay below the price and
        // the rich above it.
        keep_positive(&mut st.until, a - cost, err_a + U * cost, da, err_da);
        for &i in &s.supporters {
            let iu = i as usize;
            let (b, d) = (st.b[iu], st.d[iu]);
            if b < x {
                keep_positive(&mut st.until, x - b, ex + e, dx - d, edx + de);
            } else {
                keep_positive(&mut st.until, b - x, ex + e, d - dx, edx + de);
            }
        }
        s.x = x;
        s.x_err = ex;
        s.dx = dx;
        s.dx_err = edx;
        match self.sat {
            Satisfaction::Cost => {
                let rho = x / cost;
                s.rho = rho;
                s.rho_err = 2.0 * (ex / c_lo + 3.0 * U * rho.abs());
                s.drho = dx / cost;
                s.drho_err = 2.0 * (edx / c_lo + 3.0 * U * s.drho.abs());
            }
            Satisfaction::Cardinality => {
                s.rho = x;
                s.rho_err = ex;
                s.drho = dx;
                s.drho_err = edx;
            }
        }
        true
    }

    /// The exact evaluation of candidate `c` (as pabutools' `mes_inner_algo`, on classes).
    fn eval_exact(&self, st: &mut State, c: usize, s: &mut CandState) {
        s.supporters.retain(|&i| st.class[i as usize] != ZERO_CLASS);
        let cand = &self.cands[c];
        let mut groups: HashMap<u32, u128> = HashMap::new();
        for &i in &s.supporters {
            *groups.entry(st.class[i as usize]).or_insert(0) += self.weight[i as usize];
        }
        let mut vals: Vec<(BigRational, BigRational, u128)> = groups
            .into_iter()
            .map(|(k, w)| {
                let (v, dv) = st.class_value(k);
                (v, dv, w)
            })
            .collect();
        let (available, davailable) = vals.iter().fold(
            (BigRational::zero(), BigRational::zero()),
            |(a, da), (v, dv, w)| (a + v * rat(*w), da + dv * rat(*w)),
        );
        if available < cand.cost {
            keep_positive_exact(
                &mut st.until,
                &(&cand.cost - &available),
                &-davailable,
                false,
            );
            s.alive = false;
            s.exact = None;
            return;
        }
        keep_positive_exact(&mut st.until, &(&available - &cand.cost), &davailable, true);
        vals.sort_by(|a, b| a.0.cmp(&b.0));
        let mut paid = BigRational::zero();
        let mut dpaid = BigRational::zero();
        let mut w_r: u128 = vals.iter().map(|v| v.2).sum();
        let mut x = BigRational::zero();
        let mut poor = 0;
        for (v, dv, w) in &vals {
            x = (&cand.cost - &paid) / rat(w_r);
            if x <= *v {
                break;
            }
            paid += v * rat(*w);
            dpaid += dv * rat(*w);
            w_r -= w;
            poor += 1;
        }
        let dx = -dpaid / rat(w_r);
        for (k, (v, dv, _)) in vals.iter().enumerate() {
            if k < poor {
                keep_positive_exact(&mut st.until, &(&x - v), &(&dx - dv), false);
            } else {
                keep_positive_exact(&mut st.until, &(v - &x), &(dv - &dx), false);
            }
        }
        let rho = &x / &cand.sat;
        let drho = &dx / &cand.sat;
        let tiny = |v: f64| {
            if v.is_finite() {
                U * v.abs() + f64::MIN_POSITIVE
            } else {
                f64::INFINITY
            }
        };
        s.rho = to_f64(&rho);
        s.rho_err = tiny(s.rho);
        s.drho = to_f64(&drho);
        s.drho_err = tiny(s.drho);
        s.x = to_f64(&x);
        s.x_err = tiny(s.x);
        s.dx = to_f64(&dx);
        s.dx_err = tiny(s.dx);
        s.exact = Some(Exact { rho, x, drho, dx });
    }

    /// Candidate `w` is funded: the poor pay all they have, the rich pay the price (whose exact
    /// value is recorded, or the recipe for it).
    fn pay(&self, st: &mut State, w: usize, cs: &mut [CandState]) {
        let cand = &self.cands[w];
        let round = st.prices.list.len() as u32;
        let ws = std::mem::take(&mut cs[w].supporters);
        let (x_hat, dx_hat) = (cs[w].x, cs[w].dx);
        let mut children: HashMap<u32, u32> = HashMap::new();
        let mut child = |st: &mut State, k: u32| -> u32 {
            *children.entry(k).or_insert_with(|| {
                st.classes.push((k, round));
                st.class_val.push(None);
                (st.classes.len() - 1) as u32
            })
        };
        let price = if let Some(ex) = cs[w].exact.clone() {
            for &i in &ws {
                let iu = i as usize;
                let (v, _) = st.class_value(st.class[iu]);
                if v <= ex.x {
                    st.class[iu] = ZERO_CLASS;
                    st.b[iu] = 0.0;
                    st.d[iu] = 0.0;
                } else {
                    st.class[iu] = child(st, st.class[iu]);
                    st.b[iu] -= x_hat;
                    st.d[iu] -= dx_hat;
                }
            }
            Price::Known(ex.x, ex.dx)
        } else {
            // The certified split: the poor are exactly those with b̂ < x̂.
            let mut poor: HashMap<u32, u128> = HashMap::new();
            let mut w_r: u128 = 0;
            for &i in &ws {
                let iu = i as usize;
                if st.b[iu] < x_hat {
                    *poor.entry(st.class[iu]).or_insert(0) += self.weight[iu];
                    st.class[iu] = ZERO_CLASS;
                    st.b[iu] = 0.0;
                    st.d[iu] = 0.0;
                } else {
                    w_r += self.weight[iu];
                    st.class[iu] = child(st, st.class[iu]);
                    st.b[iu] -= x_hat;
                    st.d[iu] -= dx_hat;
                }
            }
            let mut counts = vec![0u128; round as usize];
            let mut w_q: u128 = 0;
            for (&k, &wt) in &poor {
                w_q += wt;
                let mut k = k;
                while k != ROOT {
                    let (parent, r) = st.classes[k as usize];
                    counts[r as usize] += wt;
                    k = parent;
                }
            }
            Price::Recipe {
                cost: cand.cost.clone(),
                w_q,
                w_r,
                counts: counts
                    .into_iter()
                    .enumerate()
                    .filter(|&(_, c)| c > 0)
                    .map(|(r, c)| (r as u32, c))
                    .collect(),
            }
        };
        st.err += cs[w].x_err + 2.0 * U * st.share_f;
        st.derr += cs[w].dx_err + 2.0 * U * (st.dmax + dx_hat.abs());
        st.dmax += dx_hat.abs();
        cs[w].alive = false;
        // Every candidate sharing a supporter with the winner must be evaluated again.
        let mut clean = cs.iter().filter(|s| s.alive && !s.dirty).count();
        'mark: for &i in ws.iter().take(if clean == 0 { 0 } else { usize::MAX }) {
            for &c in &self.voter_cands[i as usize] {
                let s = &mut cs[c as usize];
                if s.alive && !s.dirty {
                    s.dirty = true;
                    clean -= 1;
                    if clean == 0 {
                        break 'mark;
                    }
                }
            }
        }
        st.prices.list.push(price);
    }
}

#[cfg(test)]
mod tests {
    use super::super::election::{Ballot, Project};
    use super::super::mes::{
        mes_exact, mes_outcome, method_of_equal_shares, Completion, IncrementRun,
    };
    use super::*;
    use proptest::prelude::*;

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    /// Elections built to tie: costs from a few values (equal costs), ballots drawn from a few
    /// approval sets (equal supporter sets), budgets that are multiples of the number of members
    /// (shares that divide costs exactly), small weights.
    fn adversarial() -> impl Strategy<Value = Election> {
        (1usize..7, 1usize..5, 1usize..30).prop_flat_map(|(m, kinds, n)| {
            (
                prop::sample::select(vec![1i64, 2, 3, 4, 6, 12]),
                prop::collection::vec(
                    prop::sample::select(vec![(6i64, 1i64), (12, 1), (4, 1), (9, 2), (3, 1)]),
                    m,
                ),
                prop::collection::vec(prop::collection::btree_set(0..m, 0..=m), kinds),
                prop::collection::vec((0..kinds, 1u64..3), n),
                any::<bool>(),
            )
                .prop_map(move |(k, costs, sets, ballots, divide)| {
                    let members: u64 = ballots.iter().map(|b| b.1).sum();
                    let budget = if divide {
                        q(k * members as i64, 1)
                    } else {
                        q(k * 7 + 1, 1)
                    };
                    Election {
                        budget,
                        projects: costs
                            .iter()
                            .enumerate()
                            .map(|(j, &(c, d))| Project {
                                id: format!("p{}", (j * 5) % m + 10 * (j / m)),
                                cost: q(c, d),
                                name: String::new(),
                            })
                            .collect(),
                        ballots: ballots
                            .into_iter()
                            .map(|(s, w)| Ballot::approval(sets[s].iter().copied()).with_weight(w))
                            .collect(),
                    }
                })
        })
    }

    /// Larger random elections, where the float path decides almost everything.
    fn random() -> impl Strategy<Value = Election> {
        (2usize..12, 20usize..200).prop_flat_map(|(m, n)| {
            (
                1i64..2000,
                prop::collection::vec(1i64..400, m),
                prop::collection::vec(prop::collection::btree_set(0..m, 0..=m), n),
            )
                .prop_map(move |(budget, costs, ballots)| Election {
                    budget: q(budget * 10, 1),
                    projects: costs
                        .iter()
                        .enumerate()
                        .map(|(j, &c)| Project {
                            id: format!("p{j:02}"),
                            cost: q(c * 10 + 5, 1),
                            name: String::new(),
                        })
                        .collect(),
                    ballots: ballots.into_iter().map(Ballot::approval).collect(),
                })
        })
    }

    /// The increment runs as the exact rule lists them: every skipped share written out.
    fn expand(runs: &[IncrementRun], c: &Completion) -> Vec<IncrementRun> {
        let step = match c {
            Completion::Increment { step } | Completion::IncrementThenGreedy { step } => {
                step.clone()
            }
            _ => BigRational::zero(),
        };
        let mut out = Vec::new();
        for r in runs {
            for k in 0..=r.repeats {
                out.push(IncrementRun {
                    share: &r.share + &step * rat(u128::from(k)),
                    repeats: 0,
                    ..r.clone()
                });
            }
        }
        out
    }

    fn agree(e: &Election) -> Result<(), TestCaseError> {
        for sat in [Satisfaction::Cost, Satisfaction::Cardinality] {
            for c in [
                Completion::None,
                Completion::Greedy,
                Completion::Increment { step: q(1, 1) },
                Completion::IncrementThenGreedy { step: q(1, 2) },
            ] {
                let exact = mes_exact(e, sat, &c).unwrap();
                let fast = mes_outcome(e, sat, &c).unwrap();
                prop_assert_eq!(&fast.selected, &exact.selected, "{:?} {:?}", sat, c);
                let x = &exact.explanation;
                prop_assert_eq!(&fast.share, &x.share);
                let rhos: Vec<_> = x.rounds.iter().map(|r| r.rho.clone()).collect();
                let fast_rhos: Vec<_> = fast.rounds.iter().map(|r| r.rho.clone()).collect();
                prop_assert_eq!(fast_rhos, rhos);
                prop_assert_eq!(expand(&fast.increments, &c), x.increments.clone());
                prop_assert_eq!(&fast.greedy, &x.greedy);
                prop_assert_eq!(&fast.unsupported, &x.unsupported);
                prop_assert_eq!(&fast.total_cost, &exact.total_cost);
                let mut full = method_of_equal_shares(e, sat, &c).unwrap();
                full.explanation.increments = expand(&full.explanation.increments, &c);
                prop_assert_eq!(&full, &exact);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn fast_equals_exact_on_ties(e in adversarial()) {
            prop_assume!(e.validate().is_ok());
            agree(&e)?;
        }

    }

    proptest! {
        // The exact reference makes every increment run in rationals: few cases.
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn fast_equals_exact_on_random_elections(e in random()) {
            agree(&e)?;
        }
    }

    /// Exact ties everywhere (two projects with the same cost and supporters, a budget each
    /// supporter can exactly pay): the fast rule falls back to exact arithmetic and still agrees.
    #[test]
    fn exact_ties_fall_back_to_exact_arithmetic() {
        let e = Election {
            budget: q(40, 1),
            projects: ["b", "a", "c"]
                .iter()
                .map(|id| Project {
                    id: (*id).into(),
                    cost: q(20, 1),
                    name: String::new(),
                })
                .collect(),
            ballots: vec![Ballot::approval([0, 1, 2]), Ballot::approval([0, 1])],
        };
        let fast = mes_outcome(&e, Satisfaction::Cost, &Completion::None).unwrap();
        let exact = mes_exact(&e, Satisfaction::Cost, &Completion::None).unwrap();
        assert_eq!(fast.selected, exact.selected);
        assert_eq!(e.ids_of(&fast.selected), ["a", "b"]);
        assert!(fast.work.exact_evaluations > 0);
    }

    /// Issue #14, finding 8: 51 voters, one of them the lone backer of a project that costs
    /// nearly the whole budget, the increment completion with step 1. pabutools (and the exact
    /// rule) re-run MES at shares 20, 21, …, 1000 — 981 runs — until the lone backer can pay.
    /// Each run before that funds the same project, and the engine proves it from the first run
    /// (the lone backer's money `s` stays below the cost for `s < 1000`), so it runs MES twice.
    #[test]
    fn issue_14_lone_backer_increment_needs_two_runs() {
        let mut ballots = vec![Ballot::approval([0])];
        ballots.extend(
            (1..51).map(|i| Ballot::approval(if i % 2 == 0 { vec![1, 2] } else { vec![1] })),
        );
        let e = Election {
            budget: q(1020, 1),
            projects: [("big", 1000), ("small", 10), ("tiny", 4)]
                .iter()
                .map(|&(id, c)| Project {
                    id: id.into(),
                    cost: q(c, 1),
                    name: String::new(),
                })
                .collect(),
            ballots,
        };
        for c in [
            Completion::Increment { step: q(1, 1) },
            Completion::IncrementThenGreedy { step: q(1, 1) },
        ] {
            let exact = mes_exact(&e, Satisfaction::Cost, &c).unwrap();
            assert_eq!(exact.explanation.increments.len(), 981);
            let fast = mes_outcome(&e, Satisfaction::Cost, &c).unwrap();
            assert_eq!(fast.selected, exact.selected);
            assert_eq!(e.ids_of(&fast.selected), ["small", "tiny", "big"]);
            assert_eq!(fast.share, q(1000, 1));
            assert_eq!(expand(&fast.increments, &c), exact.explanation.increments);
            let rhos: Vec<_> = exact
                .explanation
                .rounds
                .iter()
                .map(|r| r.rho.clone())
                .collect();
            let fast_rhos: Vec<_> = fast.rounds.iter().map(|r| r.rho.clone()).collect();
            assert_eq!(fast_rhos, rhos);
            // The work: two runs of a few rounds, not 981.
            assert_eq!(fast.work.runs, 2, "{:?}", fast.work);
            assert!(fast.work.rounds <= 8, "{:?}", fast.work);
            let mut full = method_of_equal_shares(&e, Satisfaction::Cost, &c).unwrap();
            full.explanation.increments = expand(&full.explanation.increments, &c);
            assert_eq!(full, exact);
        }
    }
}
