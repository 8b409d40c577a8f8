//! Synthetic planning problems, seeded and documented.
//!
//! The distributions follow the `lp` part of `bench/peer/baseline.py`, so that HiGHS and
//! plenty can be run side by side on the same kind of instance (the bits differ: plenty uses
//! its own generator, [`crate::rng::Rng`]):
//!
//! * `n` products; each has `t` alternative techniques. Technique `t` of all products forms a
//!   matrix `A_t` drawn by [`crate::generate::generate`] (`k` inputs per product, column sums
//!   `U(0.6, 0.9)`, no own input, random or local structure) with labour `l_t ~ U(0.1, 1.0)`
//!   hours per unit; the target assortment `d ~ U(0, 1)`.
//! * The **reference plan** makes `d` with technique 0 only: `x0 = (I − A_0)⁻¹ d`, taking
//!   `lab0 = l_0·x0` hours.
//! * With one technique: hours `H = lab0` (so labour alone allows `λ = 1`) and capacities
//!   `x0_j · U(1.05, 3.0)`, of which 0.5% are tight, `x0_j · U(0.9, 1.0)`.
//! * With several: `H = 0.8 lab0` (labour binds for the reference plan) and capacities
//!   `x0_j · U(0.3, 1.2)` for every technique.
//! * Optionally `q` shared resources (land, energy, an emissions cap): every process uses one
//!   of them, drawn uniformly, at `U(0.1, 1.0)` units per run. The limit of resource `r` is
//!   `tightness ×` the average, over techniques `t`, of what making `x0` with technique `t`
//!   would use of it, so that the limits bind.
//! * Optionally committed needs `d0 = committed × d`.
//!
//! Processes are numbered technique by technique (`p{j}_t{t}` is process `t·n + j`), as the
//! columns of the baseline's LP are.

use super::economy::{
    LabourType, PlanningEconomy, PlanningEconomyBuilder, ProcessSpec, Product, Resource,
};
use crate::generate::{generate, GeneratorSettings, Structure};
use crate::matrix::TechnicalCoefficients;
use crate::rng::Rng;
use crate::solve::{LeontiefSolver, SolverSettings};
use serde::{Deserialize, Serialize};

/// Parameters of a synthetic planning problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanGeneratorSettings {
    /// Products. Default 1 000; at least 2.
    pub n: usize,
    /// Techniques per product. Default 2; at least 1.
    pub techniques: usize,
    /// Inputs per technique. Default 10; `1 ≤ k < n`.
    pub k: usize,
    /// Shared scarce resources `q`. Default 0.
    pub resources: usize,
    /// Input structure. Default random.
    pub structure: Structure,
    /// Neighbourhood half-width for the local structure. Default 50.
    pub bandwidth: usize,
    /// Capacities on every process. Default true.
    pub capacities: bool,
    /// Resource limits as a fraction of the reference use. Default 0.7; in `(0, ∞)`.
    pub tightness: f64,
    /// Committed needs as a fraction of the target. Default 0; `≥ 0`.
    pub committed: f64,
    /// Seed. Default 1.
    pub seed: u64,
}

impl Default for PlanGeneratorSettings {
    fn default() -> Self {
        Self {
            n: 1000,
            techniques: 2,
            k: 10,
            resources: 0,
            structure: Structure::Random,
            bandwidth: 50,
            capacities: true,
            tightness: 0.7,
            committed: 0.0,
            seed: 1,
        }
    }
}

impl PlanGeneratorSettings {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), String> {
        if self.techniques == 0 {
            return Err("techniques must be at least 1".into());
        }
        if !(self.tightness > 0.0 && self.tightness.is_finite()) {
            return Err(format!(
                "tightness must be positive, got {}",
                self.tightness
            ));
        }
        if !(self.committed >= 0.0 && self.committed.is_finite()) {
            return Err(format!(
                "committed must be zero or more, got {}",
                self.committed
            ));
        }
        self.technique_settings(0).validate()
    }

    fn technique_settings(&self, t: usize) -> GeneratorSettings {
        GeneratorSettings {
            n: self.n,
            k: self.k,
            structure: self.structure,
            bandwidth: self.bandwidth,
            seed: self
                .seed
                .wrapping_add((t as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            ..Default::default()
        }
    }
}

/// Generates a planning problem (see the [module](self) documentation).
pub fn generate_plan(s: &PlanGeneratorSettings) -> Result<PlanningEconomy, String> {
    s.validate()?;
    let n = s.n;
    let big_t = s.techniques;
    let mut techs = Vec::with_capacity(big_t);
    for t in 0..big_t {
        techs.push(generate(&s.technique_settings(t))?);
    }
    let d = techs[0].demand.clone();
    let a0 = TechnicalCoefficients::Sparse(techs[0].a.clone());
    let solver =
        LeontiefSolver::from_owned(a0, SolverSettings::default()).map_err(|e| e.to_string())?;
    let x0 = solver.solve_output(&d).map_err(|e| e.to_string())?;
    if !x0.report.status.is_converged() {
        return Err(format!(
            "the reference plan did not solve: {}",
            x0.report.status
        ));
    }
    let x0 = x0.x;
    let lab0: f64 = techs[0].labour.iter().zip(&x0).map(|(l, x)| l * x).sum();
    let mut rng = Rng::fork(s.seed, 0x00C0_FFEE);
    let hours = if big_t == 1 { lab0 } else { 0.8 * lab0 };
    let mut caps: Vec<Vec<f64>> = vec![vec![f64::INFINITY; n]; big_t];
    if s.capacities {
        for cap in caps.iter_mut() {
            for j in 0..n {
                let f = if big_t == 1 {
                    if rng.uniform() < 0.005 {
                        rng.range(0.9, 1.0)
                    } else {
                        rng.range(1.05, 3.0)
                    }
                } else {
                    rng.range(0.3, 1.2)
                };
                cap[j] = x0[j] * f;
            }
        }
    }
    let q = s.resources;
    let mut res_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); big_t];
    let mut reference_use = vec![0.0; q];
    if q > 0 {
        for (t, r) in res_of.iter_mut().enumerate() {
            r.reserve(n);
            for &x in &x0 {
                let which = rng.below(q);
                let amount = rng.range(0.1, 1.0);
                r.push((which, amount));
                let _ = t;
                reference_use[which] += amount * x / big_t as f64;
            }
        }
    }
    let mut b = PlanningEconomyBuilder::new();
    for (j, &dj) in d.iter().enumerate() {
        b.add_product(Product {
            target: dj,
            committed: s.committed * dj,
            ..Product::new(format!("p{j}"))
        });
    }
    let work = b.add_labour(LabourType {
        name: "labour".into(),
        hours,
    });
    for (r, u) in reference_use.iter().enumerate() {
        b.add_resource(Resource {
            name: format!("r{r}"),
            unit: None,
            limit: s.tightness * u,
        });
    }
    for (t, tech) in techs.iter().enumerate() {
        let by_process = tech.a.transpose();
        for j in 0..n {
            b.add_process(ProcessSpec {
                name: format!("p{j}_t{t}"),
                outputs: vec![(j, 1.0)],
                inputs: by_process.row(j).collect(),
                labour: vec![(work, tech.labour[j])],
                resources: if q > 0 {
                    vec![res_of[t][j]]
                } else {
                    Vec::new()
                },
                capacity: caps[t][j],
            })
            .map_err(|e| e.to_string())?;
        }
    }
    b.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_reproducibility() {
        let s = PlanGeneratorSettings {
            n: 50,
            techniques: 2,
            k: 4,
            resources: 3,
            ..Default::default()
        };
        let e = generate_plan(&s).unwrap();
        assert_eq!(e.n_products(), 50);
        assert_eq!(e.n_processes(), 100);
        assert_eq!(e.process_names()[51], "p1_t1");
        assert_eq!(e.inputs_by_process().nnz(), 100 * 4);
        assert!(e.capacities().iter().all(|c| c.is_finite() && *c > 0.0));
        assert!(e.resources().iter().all(|r| r.limit > 0.0));
        assert!(e.labour_types()[0].hours > 0.0);
        assert_eq!(generate_plan(&s).unwrap(), e);
        assert!(generate_plan(&PlanGeneratorSettings { techniques: 0, ..s }).is_err());
    }
}
