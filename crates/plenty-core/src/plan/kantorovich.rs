//! Kantorovich's problem as a [`LinearProgram`], and the [`Plan`] read back from its solution.
//!
//! ```text
//!   maximise   λ
//!   subject to (B − A) x − λ·d ≥ d0      one row per product      ("balance:<product>")
//!              L_h x ≤ hours_h           one row per labour type  ("labour:<type>")
//!              R_q x ≤ limit_q           one row per resource     ("resource:<name>")
//!              0 ≤ x_j ≤ cap_j,  λ ≥ 0   one column per process   ("run:<process>"), and "lambda"
//! ```
//!
//! Rows of unlimited labour types and resources are left out (they constrain nothing); their
//! use is still reported. Products come first (row `i` is product `i`), then the limited labour
//! types, then the limited resources; column `j` is process `j` and the last column is `λ`.
//!
//! **Scaling.** Each row is divided by its natural size `s_r`: product `i`'s balance by
//! `max(d_i, d0_i)`, a labour row by its hours, a resource row by its limit (1 where that is 0).
//! Every row bound is then at most 1, so the certificate's residuals, which are relative to the
//! largest bound, mean the same for every row: without it, a plan with 10⁶ hours would let a
//! product balance of size 1 be violated by 1 at a "relative" tolerance of 10⁻⁶. The LP (and
//! its MPS file) states the same problem; valuations are reported in the economy's units
//! ([`KantorovichLp::row_scale`]).
//!
//! ## Valuations
//!
//! The LP's row duals `y` follow [`LpSolution`]'s convention (change of `λ` per unit increase of
//! the row's binding bound); divided by the row scales `s_r` they are in the economy's units.
//! The plan reports them as Kantorovich's objectively determined valuations, all `≥ 0` and all
//! in the same unit, *plan fulfilment `λ` per unit*:
//!
//! * product `i`: `p_i = −y_i / s_i`, the gain in `λ` from one more unit of `i` (one unit less
//!   committed). Dual feasibility of the `λ` column says `p·d = 1`: a whole bundle of the target
//!   assortment is worth exactly one unit of `λ`;
//! * labour type `h`: `w_h = y_h / s_h`, the gain in `λ` from one more hour;
//! * resource `q`: `ρ_q = y_q / s_q`, the gain in `λ` from one more unit.
//!
//! At these valuations no process makes a profit: `π_j = p·(b_j − a_j) − w·l_j − ρ·r_j ≤ 0`,
//! with equality for every process run strictly between zero and its capacity; a process at
//! capacity earns the capacity rent `π_j ≥ 0` (the reduced cost of its column).

use super::economy::PlanningEconomy;
use super::explain::Explanation;
use crate::error::SolveError;
use crate::lp::{
    certify, Certificate, LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus, Sense,
};
use crate::matrix::CsrMatrix;
use serde::Serialize;
use std::collections::HashSet;

/// The Kantorovich LP of an economy, with the map from the economy to rows and columns.
#[derive(Debug, Clone)]
pub struct KantorovichLp {
    /// The LP.
    pub lp: LinearProgram,
    /// Row of each limited labour type (`None` when its hours are unlimited).
    pub labour_rows: Vec<Option<usize>>,
    /// Row of each limited resource (`None` when unlimited).
    pub resource_rows: Vec<Option<usize>>,
    /// Column of `λ` (the number of processes).
    pub lambda_col: usize,
    /// What each row of the LP was divided by: `max(d_i, d0_i)` for product `i`'s balance,
    /// the hours or the limit for a labour or resource row (1 where that is 0). A row dual of
    /// the LP is `divisor ×` the valuation in the economy's units.
    pub row_scale: Vec<f64>,
}

/// Columns and rows of an LP under construction, in the economy's order.
#[derive(Debug, Default)]
pub(crate) struct LpParts {
    ptr: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f64>,
    pub(crate) c: Vec<f64>,
    pub(crate) col_lower: Vec<f64>,
    pub(crate) col_upper: Vec<f64>,
    pub(crate) col_names: Vec<String>,
    pub(crate) row_lower: Vec<f64>,
    pub(crate) row_upper: Vec<f64>,
    pub(crate) row_names: Vec<String>,
    /// What each row was divided by (see [`KantorovichLp::row_scale`]).
    pub(crate) row_div: Vec<f64>,
    names: NameSet,
}

/// Makes names safe for MPS (no blanks, printable ASCII) and unique.
#[derive(Debug, Default)]
struct NameSet(HashSet<String>);

impl NameSet {
    fn make(&mut self, prefix: &str, name: &str) -> String {
        let clean: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() && c != '$' && c != '*' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = if prefix.is_empty() {
            clean
        } else {
            format!("{prefix}:{clean}")
        };
        let mut candidate = base.clone();
        let mut k = 2;
        while !self.0.insert(candidate.clone()) {
            candidate = format!("{base}~{k}");
            k += 1;
        }
        candidate
    }
}

impl LpParts {
    pub(crate) fn new() -> Self {
        Self {
            ptr: vec![0],
            ..Default::default()
        }
    }

    /// Adds a row and returns its index.
    pub(crate) fn add_row(&mut self, prefix: &str, name: &str, lower: f64, upper: f64) -> usize {
        self.add_row_scaled(prefix, name, lower, upper, 1.0)
    }

    /// Adds a row divided by `div > 0` (its bounds now, its coefficients as columns come) and
    /// returns its index.
    pub(crate) fn add_row_scaled(
        &mut self,
        prefix: &str,
        name: &str,
        lower: f64,
        upper: f64,
        div: f64,
    ) -> usize {
        let n = self.names.make(prefix, name);
        self.row_names.push(n);
        self.row_lower.push(lower / div);
        self.row_upper.push(upper / div);
        self.row_div.push(div);
        self.row_lower.len() - 1
    }

    /// Adds a column whose entries come sorted by row, and returns its index.
    pub(crate) fn add_col(
        &mut self,
        prefix: &str,
        name: &str,
        cost: f64,
        lower: f64,
        upper: f64,
        entries: impl IntoIterator<Item = (usize, f64)>,
    ) -> usize {
        for (i, v) in entries {
            if v != 0.0 {
                self.idx.push(i as u32);
                self.val.push(v / self.row_div[i]);
            }
        }
        self.ptr.push(self.idx.len());
        let n = self.names.make(prefix, name);
        self.col_names.push(n);
        self.c.push(cost);
        self.col_lower.push(lower);
        self.col_upper.push(upper);
        self.c.len() - 1
    }

    /// The column entries of process `j`: product rows `b_ij − a_ij` (rows `0..n`), then the
    /// limited labour and resource rows.
    pub(crate) fn process_entries(
        e: &PlanningEconomy,
        j: usize,
        labour_rows: &[Option<usize>],
        resource_rows: &[Option<usize>],
        out: &mut Vec<(usize, f64)>,
    ) {
        out.clear();
        let p = e.process(j);
        let mut outs = p.outputs().peekable();
        let mut ins = p.inputs().peekable();
        loop {
            match (outs.peek().copied(), ins.peek().copied()) {
                (Some((i, b)), Some((k, a))) if i == k => {
                    out.push((i, b - a));
                    outs.next();
                    ins.next();
                }
                (Some((i, b)), Some((k, _))) if i < k => {
                    out.push((i, b));
                    outs.next();
                }
                (Some(_), Some((k, a))) => {
                    out.push((k, -a));
                    ins.next();
                }
                (Some((i, b)), None) => {
                    out.push((i, b));
                    outs.next();
                }
                (None, Some((k, a))) => {
                    out.push((k, -a));
                    ins.next();
                }
                (None, None) => break,
            }
        }
        for (h, l) in p.labour() {
            if let Some(r) = labour_rows[h] {
                out.push((r, l));
            }
        }
        for (q, v) in p.resources() {
            if let Some(r) = resource_rows[q] {
                out.push((r, v));
            }
        }
    }

    /// Validates and builds the LP.
    pub(crate) fn finish(self, sense: Sense) -> Result<LinearProgram, SolveError> {
        let ncols = self.c.len();
        let nrows = self.row_lower.len();
        // Rows of a process column are sorted (products, then labour, then resources), but a
        // column added later may touch rows in any order; sort each column to be safe.
        let mut idx = self.idx;
        let mut val = self.val;
        for j in 0..ncols {
            let (a, b) = (self.ptr[j], self.ptr[j + 1]);
            if idx[a..b].windows(2).any(|w| w[0] >= w[1]) {
                let mut pairs: Vec<(u32, f64)> = idx[a..b]
                    .iter()
                    .copied()
                    .zip(val[a..b].iter().copied())
                    .collect();
                pairs.sort_by_key(|p| p.0);
                for (k, (i, v)) in pairs.into_iter().enumerate() {
                    idx[a + k] = i;
                    val[a + k] = v;
                }
            }
        }
        let columns = CsrMatrix::try_from_parts(ncols, nrows, self.ptr, idx, val)
            .map_err(|e| SolveError::Unsupported(format!("building the plan's LP: {e}")))?;
        LinearProgram::new(
            sense,
            self.c,
            self.col_lower,
            self.col_upper,
            self.row_lower,
            self.row_upper,
            columns,
            self.col_names,
            self.row_names,
        )
        .map_err(|e| SolveError::Unsupported(format!("building the plan's LP: {e}")))
    }
}

/// The divisor of a row whose natural size is `v`: `v` itself when positive and finite, else 1.
pub(crate) fn divisor(v: f64) -> f64 {
    if v > 0.0 && v.is_finite() {
        v
    } else {
        1.0
    }
}

/// Adds the rows shared by every planning LP: one balance row per product with the given lower
/// bounds, then the rows of the limited labour types and resources. Returns their row maps.
pub(crate) fn shared_rows(
    e: &PlanningEconomy,
    parts: &mut LpParts,
    balance_lower: &[f64],
) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    for (p, &lo) in e.products().iter().zip(balance_lower) {
        parts.add_row_scaled(
            "balance",
            &p.name,
            lo,
            f64::INFINITY,
            divisor(p.target.max(p.committed)),
        );
    }
    let labour_rows = e
        .labour_types()
        .iter()
        .map(|l| {
            l.hours.is_finite().then(|| {
                parts.add_row_scaled(
                    "labour",
                    &l.name,
                    f64::NEG_INFINITY,
                    l.hours,
                    divisor(l.hours),
                )
            })
        })
        .collect();
    let resource_rows = e
        .resources()
        .iter()
        .map(|r| {
            r.limit.is_finite().then(|| {
                parts.add_row_scaled(
                    "resource",
                    &r.name,
                    f64::NEG_INFINITY,
                    r.limit,
                    divisor(r.limit),
                )
            })
        })
        .collect();
    (labour_rows, resource_rows)
}

/// Adds one column per process (cost 0, bounds `[0, cap_j]`).
pub(crate) fn process_columns(
    e: &PlanningEconomy,
    parts: &mut LpParts,
    labour_rows: &[Option<usize>],
    resource_rows: &[Option<usize>],
    capacities: bool,
) {
    let mut entries = Vec::new();
    for j in 0..e.n_processes() {
        LpParts::process_entries(e, j, labour_rows, resource_rows, &mut entries);
        let cap = if capacities {
            e.capacities()[j]
        } else {
            f64::INFINITY
        };
        parts.add_col(
            "run",
            &e.process_names()[j],
            0.0,
            0.0,
            cap,
            entries.iter().copied(),
        );
    }
}

impl KantorovichLp {
    /// Builds the LP of `economy`.
    pub fn build(economy: &PlanningEconomy) -> Result<Self, SolveError> {
        let mut parts = LpParts::new();
        let (labour_rows, resource_rows) = shared_rows(economy, &mut parts, &economy.committed());
        process_columns(economy, &mut parts, &labour_rows, &resource_rows, true);
        let d = economy.targets();
        let lambda_col = parts.add_col(
            "",
            "lambda",
            1.0,
            0.0,
            f64::INFINITY,
            d.iter()
                .enumerate()
                .filter(|(_, &v)| v != 0.0)
                .map(|(i, &v)| (i, -v)),
        );
        let row_scale = parts.row_div.clone();
        Ok(Self {
            lp: parts.finish(Sense::Maximize)?,
            labour_rows,
            resource_rows,
            lambda_col,
            row_scale,
        })
    }

    /// The LP's primal vector for process intensities `x` and `λ`.
    pub fn primal(&self, x: &[f64], lambda: f64) -> Vec<f64> {
        let mut v = x.to_vec();
        v.push(lambda);
        v
    }

    /// The LP's dual vector (in [`LpSolution`]'s sign convention) for valuations: products
    /// `p` (row duals `−p`), labour types `w` and resources `ρ` (row duals `w`, `ρ`).
    pub fn dual(&self, p: &[f64], w: &[f64], rho: &[f64]) -> Vec<f64> {
        let mut y: Vec<f64> = p.iter().map(|v| -v).collect();
        y.resize(self.lp.nrows(), 0.0);
        for (h, r) in self.labour_rows.iter().enumerate() {
            if let Some(r) = r {
                y[*r] = w[h];
            }
        }
        for (q, r) in self.resource_rows.iter().enumerate() {
            if let Some(r) = r {
                y[*r] = rho[q];
            }
        }
        y.iter_mut().zip(&self.row_scale).for_each(|(y, s)| *y *= s);
        y
    }

    /// Reads a [`Plan`] from a solution of this LP; `status` and `certificate` as judged by
    /// the caller.
    pub fn plan(
        &self,
        economy: &PlanningEconomy,
        sol: &LpSolution,
        status: LpStatus,
        certificate: Certificate,
        tolerance: f64,
    ) -> Plan {
        let m = economy.n_processes();
        let ok = sol.x.len() == self.lp.ncols() && sol.y.len() == self.lp.nrows();
        if !ok {
            return Plan::without_answer(economy, status, sol.info.method.clone());
        }
        let n = economy.n_products();
        let scale = &self.row_scale;
        let p: Vec<f64> = sol.y[..n].iter().zip(scale).map(|(v, s)| -v / s).collect();
        let pick = |rows: &[Option<usize>]| -> Vec<f64> {
            rows.iter()
                .map(|r| r.map_or(0.0, |r| sol.y[r] / scale[r]))
                .collect()
        };
        let mut plan = Plan::from_parts(
            economy,
            PlanParts {
                intensity: sol.x[..m].to_vec(),
                lambda: sol.x[m],
                product_valuation: p,
                labour_valuation: pick(&self.labour_rows),
                resource_valuation: pick(&self.resource_rows),
                tolerance,
            },
        );
        plan.status = status;
        plan.certificate = certificate;
        plan.method = sol.info.method.clone();
        plan.iterations = sol.info.iterations;
        plan.seconds = sol.info.seconds;
        plan
    }
}

/// The optimal plan (or what was learned instead), in the economy's terms.
///
/// Vectors are indexed like the economy's products, processes, labour types and resources.
/// Valuations are in plan fulfilment per unit (see the [module](self) documentation); for the
/// harmony objective they are in harmony per unit instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// What the solve established. Never `Optimal` unless the certificate passed.
    pub status: LpStatus,
    /// The method that produced it.
    pub method: String,
    /// Plan fulfilment `λ`: whole bundles of the target assortment on top of the committed
    /// needs.
    pub lambda: f64,
    /// Intensity `x_j` of every process.
    pub intensity: Vec<f64>,
    /// Gross output `B x` per product.
    pub gross_output: Vec<f64>,
    /// Intermediate use `A x` per product.
    pub intermediate_use: Vec<f64>,
    /// Net output `(B − A) x` per product.
    pub net_output: Vec<f64>,
    /// Surplus `(B − A) x − λ d − d0` per product (`≥ 0` in a feasible plan).
    pub surplus: Vec<f64>,
    /// Valuation `p_i` of every product (`λ` per unit).
    pub product_valuation: Vec<f64>,
    /// Whether the product's balance binds (no surplus to speak of).
    pub product_binds: Vec<bool>,
    /// Hours used per labour type, `L x`.
    pub labour_used: Vec<f64>,
    /// Valuation `w_h` of an hour of each labour type (`λ` per hour; 0 when unlimited).
    pub labour_valuation: Vec<f64>,
    /// Whether all hours of the labour type are used.
    pub labour_binds: Vec<bool>,
    /// Use of each resource, `R x`.
    pub resource_used: Vec<f64>,
    /// Valuation `ρ_q` of a unit of each resource (`λ` per unit; 0 when unlimited).
    pub resource_valuation: Vec<f64>,
    /// Whether the resource's limit is reached.
    pub resource_binds: Vec<bool>,
    /// Profit of each process at the valuations, `π_j = p·(b_j − a_j) − w·l_j − ρ·r_j`: `≤ 0`,
    /// zero for processes run below capacity, the capacity rent for processes at capacity.
    pub profit: Vec<f64>,
    /// Whether the process runs at its capacity.
    pub at_capacity: Vec<bool>,
    /// The certificate against the Kantorovich LP (primal and dual residuals, relative gap).
    pub certificate: Certificate,
    /// Iterations of the method (rounds of policy iteration, LP iterations…).
    pub iterations: usize,
    /// Wall time of the solve, seconds.
    pub seconds: f64,
    /// Why there is no optimal plan, in the economy's words.
    pub explanation: Option<Explanation>,
    /// Remarks worth reading even when the plan is optimal.
    pub notes: Vec<String>,
}

/// What a plan is computed from: intensities, `λ` and valuations.
#[derive(Debug, Clone)]
pub(crate) struct PlanParts {
    pub(crate) intensity: Vec<f64>,
    pub(crate) lambda: f64,
    pub(crate) product_valuation: Vec<f64>,
    pub(crate) labour_valuation: Vec<f64>,
    pub(crate) resource_valuation: Vec<f64>,
    pub(crate) tolerance: f64,
}

impl Plan {
    /// A plan with no numbers (NaN everywhere), for a solve that found none.
    pub fn without_answer(e: &PlanningEconomy, status: LpStatus, method: String) -> Self {
        let nan = |k: usize| vec![f64::NAN; k];
        let no = |k: usize| vec![false; k];
        let (n, m, h, q) = (
            e.n_products(),
            e.n_processes(),
            e.labour_types().len(),
            e.resources().len(),
        );
        Self {
            status,
            method,
            lambda: f64::NAN,
            intensity: nan(m),
            gross_output: nan(n),
            intermediate_use: nan(n),
            net_output: nan(n),
            surplus: nan(n),
            product_valuation: nan(n),
            product_binds: no(n),
            labour_used: nan(h),
            labour_valuation: nan(h),
            labour_binds: no(h),
            resource_used: nan(q),
            resource_valuation: nan(q),
            resource_binds: no(q),
            profit: nan(m),
            at_capacity: no(m),
            certificate: Certificate {
                primal_residual: f64::NAN,
                dual_residual: f64::NAN,
                relative_gap: f64::NAN,
                primal_objective: f64::NAN,
                dual_objective: f64::NAN,
            },
            iterations: 0,
            seconds: 0.0,
            explanation: None,
            notes: Vec::new(),
        }
    }

    /// Computes every reported quantity from intensities, `λ` and valuations. Status
    /// `Optimal` and an empty certificate: the caller certifies.
    pub(crate) fn from_parts(e: &PlanningEconomy, parts: PlanParts) -> Self {
        let x = &parts.intensity;
        let lambda = parts.lambda;
        let tol = parts.tolerance.max(1e-12);
        let gross = e.gross_output(x);
        let inter = e.intermediate_use(x);
        let net: Vec<f64> = gross.iter().zip(&inter).map(|(g, u)| g - u).collect();
        let surplus: Vec<f64> = e
            .products()
            .iter()
            .zip(&net)
            .map(|(p, v)| v - lambda * p.target - p.committed)
            .collect();
        // A constraint binds when its slack is within the tolerance, relative to the size of
        // the quantities that meet in it.
        let product_binds = e
            .products()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let scale = 1.0 + gross[i] + inter[i] + lambda * p.target + p.committed;
                surplus[i] <= 10.0 * tol * scale
            })
            .collect();
        let labour_used = e.labour_used(x);
        let labour_binds = e
            .labour_types()
            .iter()
            .zip(&labour_used)
            .map(|(l, u)| l.hours.is_finite() && l.hours - u <= 10.0 * tol * (1.0 + l.hours))
            .collect();
        let resource_used = e.resources_used(x);
        let resource_binds = e
            .resources()
            .iter()
            .zip(&resource_used)
            .map(|(r, u)| r.limit.is_finite() && r.limit - u <= 10.0 * tol * (1.0 + r.limit))
            .collect();
        let p = &parts.product_valuation;
        let profit: Vec<f64> = e
            .processes()
            .map(|pr| {
                pr.outputs().map(|(i, b)| p[i] * b).sum::<f64>()
                    - pr.inputs().map(|(i, a)| p[i] * a).sum::<f64>()
                    - pr.labour()
                        .map(|(h, l)| parts.labour_valuation[h] * l)
                        .sum::<f64>()
                    - pr.resources()
                        .map(|(q, r)| parts.resource_valuation[q] * r)
                        .sum::<f64>()
            })
            .collect();
        let at_capacity = e
            .capacities()
            .iter()
            .zip(x)
            .map(|(c, x)| c.is_finite() && c - x <= 10.0 * tol * (1.0 + c))
            .collect();
        Self {
            status: LpStatus::Optimal,
            method: String::new(),
            lambda,
            intensity: parts.intensity,
            gross_output: gross,
            intermediate_use: inter,
            net_output: net,
            surplus,
            product_valuation: positive_zero(parts.product_valuation),
            product_binds,
            labour_used,
            labour_valuation: positive_zero(parts.labour_valuation),
            labour_binds,
            resource_used,
            resource_valuation: positive_zero(parts.resource_valuation),
            resource_binds,
            profit,
            at_capacity,
            certificate: Certificate::default(),
            iterations: 0,
            seconds: 0.0,
            explanation: None,
            notes: Vec::new(),
        }
    }
}

/// An LP backend that can start from a given primal and dual point (PDLP can; the warm start
/// pays off when a sequence of similar LPs is solved, as in harmony's rounds or in successive
/// participatory rounds).
pub trait WarmStart: LpBackend {
    /// Solves `lp` from `x0` (one value per column) and `y0` (row duals in the LP's sense
    /// convention), either of which may be absent.
    fn solve_from(
        &self,
        lp: &LinearProgram,
        settings: &LpSettings,
        x0: Option<&[f64]>,
        y0: Option<&[f64]>,
    ) -> Result<LpSolution, SolveError>;
}

impl WarmStart for crate::lp::pdlp::Pdlp {
    fn solve_from(
        &self,
        lp: &LinearProgram,
        settings: &LpSettings,
        x0: Option<&[f64]>,
        y0: Option<&[f64]>,
    ) -> Result<LpSolution, SolveError> {
        let solver = self.with_settings(crate::lp::pdlp::PdlpSettings {
            lp: settings.clone(),
            ..self.settings.clone()
        });
        solver.solve_warm(lp, x0, y0)
    }
}

/// `−0` becomes `0` (a dual of a slack row comes out as `−0` from `−y`).
fn positive_zero(mut v: Vec<f64>) -> Vec<f64> {
    v.iter_mut().for_each(|x| *x += 0.0);
    v
}

/// Judges a backend's answer: `Optimal` only when the backend says so *and* the certificate
/// computed here passes the tolerance; an optimal claim that fails it is `NumericalTrouble`.
pub fn judge(lp: &LinearProgram, sol: &LpSolution, tolerance: f64) -> (LpStatus, Certificate) {
    if sol.x.len() != lp.ncols() || sol.y.len() != lp.nrows() {
        let status = if sol.status == LpStatus::Optimal {
            LpStatus::NumericalTrouble
        } else {
            sol.status
        };
        return (status, Certificate::default());
    }
    let cert = certify(lp, &sol.x, &sol.y);
    let status = match sol.status {
        LpStatus::Optimal if cert.passes(tolerance) => LpStatus::Optimal,
        LpStatus::Optimal => LpStatus::NumericalTrouble,
        s => s,
    };
    (status, cert)
}

/// Solves Kantorovich's problem for `economy` with `backend`, certifies the answer, and
/// explains an infeasible or unbounded plan (see [`super::explain`]).
///
/// Errors: bad settings, an economy with no target at all (λ would mean nothing), or a backend
/// that fails outright. An infeasible plan is a status with an explanation, not an error.
pub fn solve_lambda(
    economy: &PlanningEconomy,
    backend: &dyn LpBackend,
    settings: &LpSettings,
) -> Result<Plan, SolveError> {
    solve_lambda_with(economy, backend, settings, &|k| {
        backend.solve(&k.lp, settings)
    })
}

/// A starting point for Kantorovich's LP in the economy's terms: an earlier plan of a similar
/// economy (the last participatory round's, before a few targets or limits changed). Every
/// vector follows the economy's order; [`PlanStart::from_plan`] takes one from a [`Plan`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanStart {
    /// `λ`.
    pub lambda: f64,
    /// Intensity of every process.
    pub intensity: Vec<f64>,
    /// Valuation of every product (`p`, λ per unit).
    pub product_valuation: Vec<f64>,
    /// Valuation of every labour type (`w`).
    pub labour_valuation: Vec<f64>,
    /// Valuation of every resource (`ρ`).
    pub resource_valuation: Vec<f64>,
}

impl PlanStart {
    /// The start that a solved plan gives.
    pub fn from_plan(p: &Plan) -> Self {
        Self {
            lambda: p.lambda,
            intensity: p.intensity.clone(),
            product_valuation: p.product_valuation.clone(),
            labour_valuation: p.labour_valuation.clone(),
            resource_valuation: p.resource_valuation.clone(),
        }
    }

    /// A start matched to `e` by name, from an earlier plan that may be of another economy
    /// (last round's, from its report or its log entry): each lookup gives the recorded value
    /// of a process's intensity, a product's valuation, a labour type's valuation or a
    /// resource's valuation; a name it does not know starts at 0.
    pub fn by_name(
        e: &PlanningEconomy,
        lambda: f64,
        intensity: &dyn Fn(&str) -> Option<f64>,
        product: &dyn Fn(&str) -> Option<f64>,
        labour: &dyn Fn(&str) -> Option<f64>,
        resource: &dyn Fn(&str) -> Option<f64>,
    ) -> Self {
        Self {
            lambda,
            intensity: e
                .processes()
                .map(|p| intensity(p.name()).unwrap_or(0.0))
                .collect(),
            product_valuation: e
                .products()
                .iter()
                .map(|p| product(&p.name).unwrap_or(0.0))
                .collect(),
            labour_valuation: e
                .labour_types()
                .iter()
                .map(|l| labour(&l.name).unwrap_or(0.0))
                .collect(),
            resource_valuation: e
                .resources()
                .iter()
                .map(|r| resource(&r.name).unwrap_or(0.0))
                .collect(),
        }
    }

    /// The LP's primal and dual start, after checking every length against the economy.
    fn vectors(
        &self,
        e: &PlanningEconomy,
        k: &KantorovichLp,
    ) -> Result<(Vec<f64>, Vec<f64>), SolveError> {
        for (what, len, expected) in [
            ("intensities", self.intensity.len(), e.n_processes()),
            (
                "product valuations",
                self.product_valuation.len(),
                e.products().len(),
            ),
            (
                "labour valuations",
                self.labour_valuation.len(),
                e.labour_types().len(),
            ),
            (
                "resource valuations",
                self.resource_valuation.len(),
                e.resources().len(),
            ),
        ] {
            if len != expected {
                return Err(SolveError::Settings(format!(
                    "the warm start has {len} {what}, the economy needs {expected}"
                )));
            }
        }
        // A start only steers the iteration, so a non-finite entry becomes 0 rather than an
        // error.
        let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
        let clean = |v: &[f64]| -> Vec<f64> { v.iter().map(|x| finite(*x)).collect() };
        Ok((
            k.primal(&clean(&self.intensity), finite(self.lambda)),
            k.dual(
                &clean(&self.product_valuation),
                &clean(&self.labour_valuation),
                &clean(&self.resource_valuation),
            ),
        ))
    }
}

/// As [`solve_lambda`], with the LP solved from `start` (see [`PlanStart`]). The answer is
/// judged by the same certificate; only the path to it changes.
pub fn solve_lambda_warm<B: WarmStart>(
    economy: &PlanningEconomy,
    backend: &B,
    settings: &LpSettings,
    start: &PlanStart,
) -> Result<Plan, SolveError> {
    solve_lambda_with(economy, backend, settings, &|k| {
        let (x0, y0) = start.vectors(economy, k)?;
        backend.solve_from(&k.lp, settings, Some(&x0), Some(&y0))
    })
}

/// The body of [`solve_lambda`] and [`solve_lambda_warm`]: `solve` answers the LP of `k`.
fn solve_lambda_with(
    economy: &PlanningEconomy,
    backend: &dyn LpBackend,
    settings: &LpSettings,
    solve: &dyn Fn(&KantorovichLp) -> Result<LpSolution, SolveError>,
) -> Result<Plan, SolveError> {
    settings.validate()?;
    check_targets(economy)?;
    let t0 = std::time::Instant::now();
    if let Some(expl) = super::explain::structural(economy) {
        let mut plan = Plan::without_answer(economy, LpStatus::Infeasible, "structure".into());
        plan.explanation = Some(expl);
        return Ok(plan);
    }
    let k = KantorovichLp::build(economy)?;
    let sol = solve(&k)?;
    let (status, cert) = judge(&k.lp, &sol, settings.tolerance);
    let mut plan = k.plan(economy, &sol, status, cert, settings.tolerance);
    match status {
        LpStatus::Infeasible | LpStatus::InfeasibleOrUnbounded => {
            let expl = super::explain::explain_infeasible(economy, backend, settings)?;
            let status = if expl.is_shortfall() {
                LpStatus::Infeasible
            } else if status == LpStatus::InfeasibleOrUnbounded {
                LpStatus::Unbounded
            } else {
                status
            };
            plan = Plan::without_answer(economy, status, sol.info.method.clone());
            plan.explanation = Some(if status == LpStatus::Unbounded {
                super::explain::unbounded(economy)
            } else {
                expl
            });
        }
        LpStatus::Unbounded => {
            plan = Plan::without_answer(economy, status, sol.info.method.clone());
            plan.explanation = Some(super::explain::unbounded(economy));
        }
        _ => {}
    }
    plan.notes.extend(super::explain::notes(economy));
    plan.seconds = t0.elapsed().as_secs_f64();
    Ok(plan)
}

/// λ means "bundles of the target assortment": without any target it means nothing.
pub(crate) fn check_targets(e: &PlanningEconomy) -> Result<(), SolveError> {
    if e.products().iter().all(|p| p.target == 0.0) {
        return Err(SolveError::Unsupported(
            "no product has a target: give at least one product a target (the assortment that λ counts in bundles)".into(),
        ));
    }
    Ok(())
}

/// Adds one column per process for the elastic LP (no upper bound) with a capacity row
/// `x_j − e_j ≤ cap_j` for every process with a capacity; returns the capacity rows.
pub(crate) fn process_columns_elastic(
    e: &PlanningEconomy,
    parts: &mut LpParts,
    labour_rows: &[Option<usize>],
    resource_rows: &[Option<usize>],
) -> Vec<Option<usize>> {
    let cap_rows: Vec<Option<usize>> = (0..e.n_processes())
        .map(|j| {
            let c = e.capacities()[j];
            c.is_finite()
                .then(|| parts.add_row("capacity", &e.process_names()[j], f64::NEG_INFINITY, c))
        })
        .collect();
    let mut entries = Vec::new();
    for (j, cap_row) in cap_rows.iter().enumerate() {
        LpParts::process_entries(e, j, labour_rows, resource_rows, &mut entries);
        if let Some(r) = *cap_row {
            entries.push((r, 1.0));
        }
        parts.add_col(
            "run",
            &e.process_names()[j],
            0.0,
            0.0,
            f64::INFINITY,
            entries.iter().copied(),
        );
    }
    cap_rows
}
