//! Which LP method to use, decided once for every caller (`plenty lp`, `plenty plan`, the
//! service): the interior-point method where its factorisation fits, PDLP where it does not,
//! and a fallback from one to the other when the first does not finish.
//!
//! The interior-point method ([`super::ipm`]) needs about 20–40 factorisations of its KKT
//! matrix and reaches 1e-8 and better; PDLP ([`super::pdlp`]) needs only products with `A`, so
//! its memory stays near the size of the LP, but it needs thousands of iterations and is slow
//! on degenerate or badly scaled LPs. So the choice is made from the size of the interior-point
//! method's factor, which the symbolic analysis (an AMD ordering, cheap next to a
//! factorisation) gives before any number is computed.

use super::ipm::{Ipm, IpmSettings};
use super::pdlp::{Pdlp, PdlpSettings};
use super::{LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus};
use crate::error::SolveError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An LP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LpMethod {
    /// The interior-point method.
    InteriorPoint,
    /// PDLP (restarted PDHG, with a crossover where the basis is small).
    Pdlp,
}

impl fmt::Display for LpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LpMethod::InteriorPoint => "interior point",
            LpMethod::Pdlp => "PDLP",
        })
    }
}

/// The method chosen, and why, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LpChoice {
    /// The method.
    pub method: LpMethod,
    /// Why.
    pub reason: String,
}

/// Limits of the choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChoiceSettings {
    /// Above this many non-zeros in `A`, PDLP without a look at the factor (the ordering itself
    /// would take long). Default 5 000 000.
    pub max_nonzeros_for_factor: usize,
    /// The largest interior-point factor, in non-zeros of `L`. Default 60 000 000 (480 MB): above about that, PDLP has been faster on the generated families (bench/RESULTS.md).
    pub max_factor_nonzeros: usize,
}

impl Default for ChoiceSettings {
    fn default() -> Self {
        Self {
            max_nonzeros_for_factor: 5_000_000,
            max_factor_nonzeros: 60_000_000,
        }
    }
}

/// Chooses the method for `lp`.
pub fn choose(lp: &LinearProgram, settings: &ChoiceSettings) -> LpChoice {
    let nnz = lp.columns.nnz();
    if nnz > settings.max_nonzeros_for_factor {
        return LpChoice {
            method: LpMethod::Pdlp,
            reason: format!(
                "PDLP: the LP has {nnz} non-zeros, more than the {} up to which the interior-point method's factor is considered",
                settings.max_nonzeros_for_factor
            ),
        };
    }
    match super::ipm::factor_size(lp) {
        Ok(size) if size <= settings.max_factor_nonzeros => LpChoice {
            method: LpMethod::InteriorPoint,
            reason: format!(
                "interior point: its factor has {size} non-zeros (at most {})",
                settings.max_factor_nonzeros
            ),
        },
        Ok(size) => LpChoice {
            method: LpMethod::Pdlp,
            reason: format!(
                "PDLP: the interior-point method's factor would have {size} non-zeros, more than {}",
                settings.max_factor_nonzeros
            ),
        },
        Err(e) => LpChoice {
            method: LpMethod::Pdlp,
            reason: format!("PDLP: the interior-point method's factor cannot be analysed ({e})"),
        },
    }
}

/// One attempt of [`solve_auto`]: the method, why it ran, and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LpAttempt {
    /// The method.
    pub method: LpMethod,
    /// Why it ran.
    pub reason: String,
    /// Its outcome.
    pub status: LpStatus,
    /// Its iterations.
    pub iterations: usize,
}

/// Solves with the chosen method and, when it does not finish (numerical trouble, its
/// iteration limit), with the other one. Returns the answer and the attempts in order.
pub fn solve_auto(
    lp: &LinearProgram,
    settings: &LpSettings,
    pdlp: &Pdlp,
    choice: &ChoiceSettings,
) -> Result<(LpSolution, Vec<LpAttempt>), SolveError> {
    solve_auto_from(lp, settings, pdlp, choice, None)
}

/// [`solve_auto`] with a start `(x0, y0)` for PDLP (the interior-point method starts from its
/// own central point whatever it is given: a warm start does not help it).
pub fn solve_auto_from(
    lp: &LinearProgram,
    settings: &LpSettings,
    pdlp: &Pdlp,
    choice: &ChoiceSettings,
    start: Option<(&[f64], &[f64])>,
) -> Result<(LpSolution, Vec<LpAttempt>), SolveError> {
    let first = choose(lp, choice);
    let run = |method: LpMethod| -> Result<LpSolution, SolveError> {
        match method {
            LpMethod::InteriorPoint => Ipm::new(IpmSettings::default()).solve(lp, settings),
            LpMethod::Pdlp => pdlp
                .with_settings(PdlpSettings {
                    lp: settings.clone(),
                    ..pdlp.settings.clone()
                })
                .solve_warm(lp, start.map(|s| s.0), start.map(|s| s.1)),
        }
    };
    let sol = run(first.method)?;
    let mut attempts = vec![LpAttempt {
        method: first.method,
        reason: first.reason,
        status: sol.status,
        iterations: sol.info.iterations,
    }];
    let unfinished = matches!(
        sol.status,
        LpStatus::NumericalTrouble | LpStatus::IterationLimit
    );
    if unfinished && first.method == LpMethod::InteriorPoint {
        let again = run(LpMethod::Pdlp)?;
        attempts.push(LpAttempt {
            method: LpMethod::Pdlp,
            reason: format!("PDLP: the interior-point method ended with {}", sol.status),
            status: again.status,
            iterations: again.info.iterations,
        });
        return Ok((again, attempts));
    }
    Ok((sol, attempts))
}

/// An [`LpBackend`] that chooses ([`solve_auto`]).
#[derive(Debug, Clone, Default)]
pub struct AutoLp {
    /// The PDLP solver it may use (its settings and observer).
    pub pdlp: Pdlp,
    /// Limits of the choice.
    pub choice: ChoiceSettings,
}

impl LpBackend for AutoLp {
    fn solve(&self, lp: &LinearProgram, settings: &LpSettings) -> Result<LpSolution, SolveError> {
        solve_auto(lp, settings, &self.pdlp, &self.choice).map(|(s, _)| s)
    }
}
