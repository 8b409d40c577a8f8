//! Why a plan has no optimum, in the economy's own words.
//!
//! * **Nothing makes it.** A committed need for a product that no technique can make (none
//!   outputs it, or every technique that does needs an input that nothing makes) is reported
//!   without solving anything; see [`PlanningEconomy::makeable`].
//! * **Shortfalls.** Otherwise, when `d0` cannot be met, the *elastic* LP finds the least
//!   relative over-use of the limits that would make it possible:
//!
//!   ```text
//!   minimise   Σ_h e_h / hours_h + Σ_q e_q / limit_q + Σ_j e_j / cap_j
//!   subject to (B − A) x ≥ d0
//!              L_h x − e_h ≤ hours_h,   R_q x − e_q ≤ limit_q,   x_j − e_j ≤ cap_j
//!              x, e ≥ 0
//!   ```
//!
//!   (a zero limit weighs `10⁶` per unit instead). Every `e > 0` is a shortfall: "resource
//!   "land" short by 12.5 ha (25%)", "labour type "skilled" short by 40 hours (10%)". If even
//!   the elastic LP is infeasible, no amount of labour and resources meets `d0`: the techniques
//!   that make some committed product use up more of it, directly or indirectly, than they make.
//! * **Unbounded.** When nothing limits the target assortment, the plan names the limits that
//!   are missing.

use super::economy::PlanningEconomy;
use super::kantorovich::{judge, process_columns_elastic, shared_rows, LpParts};
use crate::error::SolveError;
use crate::lp::{LpBackend, LpSettings, LpStatus, Sense};
use serde::Serialize;
use std::fmt;

/// What kind of limit falls short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShortfallKind {
    /// Hours of a labour type.
    Labour,
    /// A resource's limit.
    Resource,
    /// A process's capacity.
    Capacity,
}

/// One limit that the committed needs overrun.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    /// Labour, resource or capacity.
    pub kind: ShortfallKind,
    /// Index of the labour type, resource or process.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Unit of the amounts (`"hours"`, the resource's unit, `"runs"`).
    pub unit: String,
    /// What the limit allows.
    pub available: f64,
    /// What meeting the committed needs takes (in the least over-use found).
    pub needed: f64,
}

impl Shortfall {
    /// `needed − available`.
    pub fn short_by(&self) -> f64 {
        self.needed - self.available
    }
    /// The shortfall as a percentage of what is available (`None` for a zero limit).
    pub fn percent(&self) -> Option<f64> {
        (self.available > 0.0).then(|| 100.0 * self.short_by() / self.available)
    }
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ShortfallKind::Labour => format!("labour type {:?}", self.name),
            ShortfallKind::Resource => format!("resource {:?}", self.name),
            ShortfallKind::Capacity => format!("capacity of process {:?}", self.name),
        };
        write!(
            f,
            "{what} short by {} {}",
            number(self.short_by()),
            self.unit
        )?;
        match self.percent() {
            Some(p) => write!(f, " ({}%)", number(p)),
            None => write!(f, " (none is available)"),
        }
    }
}

/// Up to 4 significant digits, without trailing zeros.
fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The kind of explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExplanationKind {
    /// Committed products that no technique can make.
    CannotMake,
    /// Labour, resources or capacities fall short of the committed needs.
    Shortfall,
    /// No amount of labour and resources meets the committed needs (an unproductive cycle).
    Unproductive,
    /// Meeting the committed needs takes no over-use after all (the infeasibility claim was
    /// numerical).
    NoShortfall,
    /// Nothing limits the target assortment.
    Unbounded,
}

/// An explanation: structured findings and the sentences that say them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// What kind.
    pub kind: ExplanationKind,
    /// The limits that fall short, largest relative shortfall first.
    pub shortfalls: Vec<Shortfall>,
    /// Committed products that cannot be made.
    pub cannot_make: Vec<usize>,
    /// One sentence per finding.
    pub lines: Vec<String>,
}

impl Explanation {
    /// True when the committed needs really cannot be met (shortfalls, nothing makes them, or
    /// an unproductive cycle).
    pub fn is_shortfall(&self) -> bool {
        matches!(
            self.kind,
            ExplanationKind::Shortfall
                | ExplanationKind::CannotMake
                | ExplanationKind::Unproductive
        )
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}

/// Committed needs for products that nothing can make, found from the structure alone.
pub fn structural(e: &PlanningEconomy) -> Option<Explanation> {
    let makeable = e.makeable();
    let cannot: Vec<usize> = (0..e.n_products())
        .filter(|&i| !makeable[i] && e.products()[i].committed > 0.0)
        .collect();
    if cannot.is_empty() {
        return None;
    }
    let lines = cannot
        .iter()
        .map(|&i| {
            format!(
                "the committed need for {:?} ({} {}) cannot be met: {}",
                e.products()[i].name,
                number(e.products()[i].committed),
                e.products()[i].unit.as_deref().unwrap_or("units"),
                why_not_made(e, i, &makeable)
            )
        })
        .collect();
    Some(Explanation {
        kind: ExplanationKind::CannotMake,
        shortfalls: Vec::new(),
        cannot_make: cannot,
        lines,
    })
}

fn why_not_made(e: &PlanningEconomy, i: usize, makeable: &[bool]) -> String {
    let makers: Vec<usize> = e
        .processes()
        .filter(|p| p.outputs().any(|(k, b)| k == i && b > 0.0))
        .map(|p| p.index())
        .collect();
    if makers.is_empty() {
        return "no technique makes it".into();
    }
    let reasons: Vec<String> = makers
        .iter()
        .map(|&j| {
            let missing: Vec<String> = e
                .process(j)
                .inputs()
                .filter(|&(k, _)| !makeable[k])
                .map(|(k, _)| format!("{:?}", e.products()[k].name))
                .collect();
            format!(
                "process {:?} needs {}",
                e.process_names()[j],
                missing.join(" and ")
            )
        })
        .collect();
    format!("{}, which nothing can make", reasons.join("; "))
}

/// Remarks on an economy that hold whatever the plan: targets that nothing can make force
/// `λ = 0`.
pub fn notes(e: &PlanningEconomy) -> Vec<String> {
    let makeable = e.makeable();
    e.products()
        .iter()
        .enumerate()
        .filter(|(i, p)| p.target > 0.0 && !makeable[*i])
        .map(|(i, p)| {
            format!(
                "{:?} has a target but cannot be made ({}), so λ = 0",
                p.name,
                why_not_made(e, i, &makeable)
            )
        })
        .collect()
}

/// Solves the elastic LP and names the limits that fall short of the committed needs.
pub fn explain_infeasible(
    e: &PlanningEconomy,
    backend: &dyn LpBackend,
    settings: &LpSettings,
) -> Result<Explanation, SolveError> {
    if let Some(s) = structural(e) {
        return Ok(s);
    }
    let mut parts = LpParts::new();
    let (labour_rows, resource_rows) = shared_rows(e, &mut parts, &e.committed());
    let cap_rows = process_columns_elastic(e, &mut parts, &labour_rows, &resource_rows);
    let weight = |limit: f64| if limit > 0.0 { 1.0 / limit } else { 1e6 };
    let mut over: Vec<(ShortfallKind, usize, usize)> = Vec::new();
    for (h, r) in labour_rows.iter().enumerate() {
        if let Some(r) = *r {
            let l = &e.labour_types()[h];
            let c = parts.add_col(
                "over",
                &format!("labour:{}", l.name),
                weight(l.hours),
                0.0,
                f64::INFINITY,
                [(r, -1.0)],
            );
            over.push((ShortfallKind::Labour, h, c));
        }
    }
    for (q, r) in resource_rows.iter().enumerate() {
        if let Some(r) = *r {
            let res = &e.resources()[q];
            let c = parts.add_col(
                "over",
                &format!("resource:{}", res.name),
                weight(res.limit),
                0.0,
                f64::INFINITY,
                [(r, -1.0)],
            );
            over.push((ShortfallKind::Resource, q, c));
        }
    }
    for (j, r) in cap_rows.iter().enumerate() {
        if let Some(r) = *r {
            let cap = e.capacities()[j];
            let c = parts.add_col(
                "over",
                &format!("capacity:{}", e.process_names()[j]),
                weight(cap),
                0.0,
                f64::INFINITY,
                [(r, -1.0)],
            );
            over.push((ShortfallKind::Capacity, j, c));
        }
    }
    let lp = parts.finish(Sense::Minimize)?;
    let sol = backend.solve(&lp, settings)?;
    let (status, _) = judge(&lp, &sol, settings.tolerance);
    if matches!(
        status,
        LpStatus::Infeasible | LpStatus::InfeasibleOrUnbounded
    ) {
        return Ok(Explanation {
            kind: ExplanationKind::Unproductive,
            shortfalls: Vec::new(),
            cannot_make: Vec::new(),
            lines: vec!["the committed needs cannot be met with any amount of labour, resources or capacity: the techniques that make some committed product use up more of it, directly or through other products, than they make".into()],
        });
    }
    if sol.x.len() != lp.ncols() {
        return Ok(Explanation {
            kind: ExplanationKind::NoShortfall,
            shortfalls: Vec::new(),
            cannot_make: Vec::new(),
            lines: vec![format!("the committed needs cannot be met, but the search for the limits that fall short ended without an answer ({status})")],
        });
    }
    let tol = 10.0 * settings.tolerance;
    let mut shortfalls: Vec<Shortfall> = over
        .iter()
        .filter_map(|&(kind, k, c)| {
            let (name, unit, available) = match kind {
                ShortfallKind::Labour => (
                    e.labour_types()[k].name.clone(),
                    "hours".to_string(),
                    e.labour_types()[k].hours,
                ),
                ShortfallKind::Resource => {
                    let r = &e.resources()[k];
                    (
                        r.name.clone(),
                        r.unit.clone().unwrap_or_else(|| "units".into()),
                        r.limit,
                    )
                }
                ShortfallKind::Capacity => (
                    e.process_names()[k].clone(),
                    "runs".to_string(),
                    e.capacities()[k],
                ),
            };
            let v = sol.x[c];
            (v > tol * (1.0 + available)).then_some(Shortfall {
                kind,
                index: k,
                name,
                unit,
                available,
                needed: available + v,
            })
        })
        .collect();
    shortfalls.sort_by(|a, b| {
        let ra = a.percent().unwrap_or(f64::INFINITY);
        let rb = b.percent().unwrap_or(f64::INFINITY);
        rb.total_cmp(&ra)
    });
    if shortfalls.is_empty() {
        return Ok(Explanation {
            kind: ExplanationKind::NoShortfall,
            shortfalls,
            cannot_make: Vec::new(),
            lines: vec!["the solver reported the committed needs infeasible, but meeting them needs no more labour, resources or capacity than there is: numerical trouble; try a tighter tolerance".into()],
        });
    }
    let mut lines = vec![format!(
        "the committed needs cannot be met; the least over-use of the limits that would meet them{}:",
        if status == LpStatus::Optimal {
            String::new()
        } else {
            format!(" (approximate: {status})")
        }
    )];
    lines.extend(shortfalls.iter().map(|s| format!("  {s}")));
    Ok(Explanation {
        kind: ExplanationKind::Shortfall,
        shortfalls,
        cannot_make: Vec::new(),
        lines,
    })
}

/// Nothing limits the target assortment: names the missing limits.
pub fn unbounded(e: &PlanningEconomy) -> Explanation {
    let mut lines = vec![
        "the plan is unbounded: nothing limits how many bundles of the target assortment can be made".to_string(),
    ];
    let unlimited_labour: Vec<String> = e
        .labour_types()
        .iter()
        .filter(|l| !l.hours.is_finite())
        .map(|l| format!("{:?}", l.name))
        .collect();
    if e.labour_types().is_empty() {
        lines.push("  the economy has no labour types; declare one with its hours".into());
    } else if !unlimited_labour.is_empty() {
        lines.push(format!(
            "  labour type{} {} {} no limit on hours; give hours = … under [[labour]]",
            if unlimited_labour.len() > 1 { "s" } else { "" },
            unlimited_labour.join(", "),
            if unlimited_labour.len() > 1 {
                "have"
            } else {
                "has"
            }
        ));
    }
    let unlimited_res: Vec<String> = e
        .resources()
        .iter()
        .filter(|r| !r.limit.is_finite())
        .map(|r| format!("{:?}", r.name))
        .collect();
    if !unlimited_res.is_empty() {
        lines.push(format!(
            "  resource{} {} without a limit",
            if unlimited_res.len() > 1 { "s" } else { "" },
            unlimited_res.join(", ")
        ));
    }
    if unlimited_labour.is_empty() && !e.labour_types().is_empty() {
        lines.push("  some techniques make the targets without any limited labour, resource or capacity, or with a net surplus of their own inputs".into());
    }
    Explanation {
        kind: ExplanationKind::Unbounded,
        shortfalls: Vec::new(),
        cannot_make: Vec::new(),
        lines,
    }
}
