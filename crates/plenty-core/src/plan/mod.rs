//! Optimal plans: Kantorovich's problem with choice of technique, joint production, several
//! types of labour and scarce resources; Cockshott's harmony; explanations of infeasible plans;
//! and synthetic planning problems.
//!
//! ## The problem
//!
//! With `n` products, `m` processes (techniques), labour types `h` and resources `q`, choose
//! intensities `x ≥ 0` to
//!
//! ```text
//!   maximise   λ
//!   subject to (B − A) x ≥ λ·d + d0     (target assortment d, committed needs d0)
//!              L x ≤ hours               (per labour type)
//!              R x ≤ limits              (per resource)
//!              x ≤ cap                   (per process, where a capacity is given)
//!              x ≥ 0, λ ≥ 0
//! ```
//!
//! `B` holds the outputs (several per process: joint production), `A` the inputs, `L` the
//! hours and `R` the resource use, one column per process. The duals are Kantorovich's
//! objectively determined valuations (Kantorovich 1939/1960): the gain in `λ` from one more
//! unit of each product, hour of each labour type and unit of each resource.
//!
//! ## The pieces
//!
//! * [`economy`]: the validated [`PlanningEconomy`] and its builder.
//! * [`kantorovich`]: the LP ([`KantorovichLp`]), solved by any [`crate::lp::LpBackend`]
//!   and certified ([`solve_lambda`]); the [`Plan`] read back from it.
//! * [`policy`]: when labour is the only scarce primary input, the non-substitution theorem
//!   holds and policy iteration with one Leontief solve per round finds the optimal techniques;
//!   `λ` then follows in closed form ([`solve_policy`]).
//! * [`explain`]: infeasible and unbounded plans explained in the economy's words.
//! * [`harmony`](mod@harmony): Cockshott's harmony objective, solved by a certified sequence of LPs
//!   ([`solve_harmony`]).
//! * [`generate`]: seeded synthetic planning problems ([`generate_plan`]).
//! * [`multiyear`]: multi-year plans with capital stocks, investment and a construction lag
//!   (Cockshott's N-year model), as one staircase LP.
//! * [`request`]: the one way to plan, [`solve_plan`]: which method, its fallbacks, what binds.

pub mod economy;
pub mod explain;
pub mod generate;
pub mod harmony;
pub mod kantorovich;
pub mod multiyear;
pub mod policy;
pub mod request;

pub use economy::{
    LabourType, PlanError, PlanningEconomy, PlanningEconomyBuilder, ProcessRef, ProcessSpec,
    Product, Resource, UNLIMITED,
};
pub use explain::{Explanation, ExplanationKind, Shortfall, ShortfallKind};
pub use generate::{generate_plan, PlanGeneratorSettings};
pub use harmony::{
    harmony, harmony_gradient, solve_harmony, solve_harmony_warm, HarmonyPlan, HarmonySettings,
};
pub use kantorovich::{
    judge, solve_lambda, solve_lambda_warm, KantorovichLp, Plan, PlanStart, WarmStart,
};
pub use policy::{non_substitution_applies, solve_policy, PolicyPlan, PolicySettings};
pub use request::{
    binding, solve_plan, LpSolver, Objective, PlanMethod, PlanReport, PlanRequest, PlanSolution,
    StrategyStep,
};
