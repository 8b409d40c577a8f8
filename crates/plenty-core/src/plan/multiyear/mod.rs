//! Multi-year plans with capital: the five-year plan as one staircase LP.
//!
//! # The model
//!
//! `n` goods, made by techniques. A run of technique `p` makes `b_jp` of good `j`, uses `a_jp`
//! of it, `l_p` hours of labour and `r_qp` of resource `q`, and needs capital: a *cell*
//! `(s, p)` holds `K_sp` units of capital good `s` for technique `p`, of which one run needs
//! `β_sp`; the stock depreciates at `δ_sp` a year, and investment `A_sp,t` made in year `t` is
//! stock from year `t + lag_sp`. Year `t` has consumption targets `d_jt` (committed needs
//! `d0_j` on top), `L_t` hours of labour and resource limits `R_qt`. The plan chooses, for every
//! year, runs `x_t`, consumption `C_t`, stocks `K_t`, investment `A_t` and the fulfilment `λ_t`:
//!
//! ```text
//!   maximise   Σ_t λ_t     (or min_t λ_t, discounted λ, or harmony: YearsObjective)
//!   subject to C_jt + Σ_p (a_jp − b_jp) x_pt + Σ_cells of j A_·,t ≤ 0   (balance of good j)
//!              λ_t d_jt + d0_j ≤ C_jt                   (fulfilment)
//!              Σ_p l_p x_pt ≤ L_t,   Σ_p r_qp x_pt ≤ R_qt  (labour, resources)
//!              β_sp x_pt ≤ K_sp,t                       (capacity of each cell)
//!              K_sp,1 ≤ K⁰_sp,   K_sp,t ≤ (1 − δ_sp) K_sp,t−1 + A_sp,t−lag   (stocks)
//!              a terminal condition on (1 − δ) K_T + A landing after the plan
//!              λ_t ≥ least fulfilment;  everything ≥ 0.
//! ```
//!
//! With one technique per good, one-year lags and no terminal condition this is the LP of
//! Cockshott's `nyearplan.java` (see `data/cockshott_5yearplan_toy/`); on his toy economy its
//! optimum is `Σ λ_t = 8.797299129`.
//!
//! The duals are the valuations of each year: of a unit of each good (balance rows), an hour
//! of labour, and a unit of each cell's stock (stock rows), in units of the objective.
//!
//! # Layout
//!
//! Columns year by year (`x`, `C`, `λ`, `K`, then the `A` that land in time), rows year by
//! year (balance, fulfilment, labour, resources, capacity, stock), then the terminal rows: the
//! years are coupled only through the stocks, so the constraint matrix is a staircase.
//!
//! # The pieces
//!
//! * [`economy`]: [`MultiYearEconomy`] and its [`TerminalCondition`].
//! * [`model`]: the LP ([`multi_year_lp`], [`multi_year_lp_with`]) and its [`MultiYearLayout`].
//! * [`report`]: the [`MultiYearPlan`] read back year by year ([`read_plan`]), with a summary.
//! * [`solve`](mod@solve): [`solve_multi_year`] (the method chosen by the core; `min λ` in two stages;
//!   harmony by rounds of envelope LPs; shortfalls of an infeasible path).
//! * [`replan`]: the economy of a re-plan after the first year ([`replan_economy`]) and its
//!   start ([`shifted_start`]).
//! * [`variants`]: variants of a plan side by side ([`compare_variants`]).

pub mod economy;
pub mod model;
pub mod replan;
pub mod report;
pub mod solve;
pub mod variants;

pub use economy::{CapitalCell, MultiYearEconomy, Technique, TerminalCondition};
pub use model::{multi_year_lp, multi_year_lp_with, MultiYearLayout, MultiYearLp, YearsObjective};
pub use replan::{replan_economy, shifted_start, Horizon, YearOutcome};
pub use report::{read_plan, MultiYearPlan, PlanSummary, PlanYear};
pub use solve::{
    solve_multi_year, solve_multi_year_from, HarmonyBounds, MultiYearError, MultiYearReport,
    SolvedYears, YearShortfall,
};
pub use variants::{compare_variants, Variant};

#[cfg(test)]
mod tests;
