//! The input-output economist's analyses (issue #17) as commands: `ghosh`, `linkages`,
//! `type2`, `prices`, `extract`, `influence` and `sda`. Each loads its economy as `values` and
//! `multipliers` do, calls [`plenty_core::io_analysis`], and renders a [`Report`] with the
//! provenance of its inputs. Every decision is the core's; this file parses and renders.

use crate::args::{AnalysisArgs, Global};
use crate::commands::{emit, load, provenance};
use crate::input;
use crate::progress::Progress;
use crate::NoAnswer;
use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use plenty_core::io_analysis::{self as io, first_unconverged, NamedReport};
use plenty_core::{Economy, LeontiefSolver};
use plenty_io::output::{Column, Report, ResultTable};
use plenty_io::spec::LoadedEconomy;
use serde_json::{json, Value};
use std::path::PathBuf;

/// `ghosh`.
#[derive(Debug, Args, Clone)]
pub struct GhoshArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Primary inputs (value added, imports) per sector as totals, one number per product (CSV):
    /// the output column is then x' = v' G for these. Default: the table's own, which reproduce
    /// gross output (the model's identity, reported).
    #[arg(long, value_name = "FILE")]
    pub primary_inputs: Option<PathBuf>,
    /// Also give the Ghosh inverse G itself (one column per product; at most 5 000 products).
    #[arg(long)]
    pub inverse: bool,
}

/// Basis of the forward linkages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ForwardArg {
    /// Row sums of the allocation matrix B and the Ghosh inverse G (ioanalysis, MARIO).
    Ghosh,
    /// Row sums of A and the Leontief inverse L (Rasmussen).
    Leontief,
}

/// Linkages classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Direct and indirect (L and G).
    Total,
    /// Direct (A and B).
    Direct,
}

/// `linkages`.
#[derive(Debug, Args, Clone)]
pub struct LinkagesArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Forward linkages from the Ghosh side (default) or the Leontief side.
    #[arg(long, value_enum, default_value_t = ForwardArg::Ghosh)]
    pub forward: ForwardArg,
    /// Classify key sectors on total (default) or direct linkages.
    #[arg(long, value_enum, default_value_t = KindArg::Total)]
    pub kind: KindArg,
    /// The critical value of the normalised linkages.
    #[arg(long, default_value_t = 1.0)]
    pub critical: f64,
}

/// `type2`.
#[derive(Debug, Args, Clone)]
pub struct Type2Args {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The satellite holding labour income (compensation of employees). Default: the labour
    /// account.
    #[arg(long, value_name = "NAME")]
    pub income: Option<String>,
    /// The final-demand category of household consumption. Default: the first category.
    #[arg(long, value_name = "NAME")]
    pub households: Option<String>,
    /// A satellite of employment (hours, persons) for Type I and II employment multipliers.
    #[arg(long, value_name = "NAME")]
    pub employment: Option<String>,
}

/// `prices`.
#[derive(Debug, Args, Clone)]
pub struct PricesArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Cost-push prices: the change of each sector's value-added coefficient (per unit of
    /// output), one number per product (CSV).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profit_rate", "wage_bundle"])]
    pub cost_push: Option<PathBuf>,
    /// With --cost-push: the file holds relative changes of this satellite's coefficients
    /// (0.1 for +10 % compensation per unit of output), not absolute changes.
    #[arg(long, value_name = "SATELLITE", requires = "cost_push")]
    pub relative_to: Option<String>,
    /// Prices of production at this uniform profit rate (a fraction), in wage units:
    /// p = l (I − (1 + r) A)⁻¹.
    #[arg(
        long,
        value_name = "R",
        conflicts_with = "wage_bundle",
        allow_negative_numbers = true
    )]
    pub profit_rate: Option<f64>,
    /// Prices of production of the Standard Interpretation: the real wage bundle per hour of
    /// labour (CSV), the profit rate found from the augmented matrix's Perron root.
    #[arg(long, value_name = "FILE")]
    pub wage_bundle: Option<PathBuf>,
}

/// Extraction variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractionArg {
    /// Rows, columns and final demand of the sectors removed.
    Complete,
    /// The sectors buy no intermediate inputs (columns removed).
    Backward,
    /// The sectors sell no intermediate output (rows of B removed; supply side).
    Forward,
}

/// `extract`.
#[derive(Debug, Args, Clone)]
pub struct ExtractArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The sectors to extract, by label (comma-separated or repeated).
    #[arg(long, required = true, value_delimiter = ',', value_name = "LABEL,...")]
    pub sector: Vec<String>,
    /// Which extraction.
    #[arg(long, value_enum, default_value_t = ExtractionArg::Complete)]
    pub kind: ExtractionArg,
}

/// `influence`.
#[derive(Debug, Args, Clone)]
pub struct InfluenceArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The supplying sector i of the coefficient a_ij (its row), by label.
    #[arg(long, value_name = "LABEL")]
    pub row: String,
    /// The buying sector j of the coefficient a_ij (its column), by label.
    #[arg(long, value_name = "LABEL")]
    pub column: String,
    /// The change of a_ij.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub epsilon: f64,
    /// Also give the whole change of the Leontief inverse (at most 5 000 products).
    #[arg(long)]
    pub matrix: bool,
}

/// `sda`.
#[derive(Debug, Args, Clone)]
pub struct SdaArgs {
    /// The first (earlier) table, and the output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The second (later) table: any INPUT kind; --category and the solver settings apply to
    /// both, --demand and --labour files to the first only.
    #[arg(long, value_name = "INPUT")]
    pub second: PathBuf,
    /// Also decompose this satellite (e.g. hours): intensity, technology and demand effects.
    #[arg(long, value_name = "NAME")]
    pub satellite: Option<String>,
}

/// Fails with exit code 1 when a solve did not converge.
fn converged(solves: &[NamedReport]) -> Result<()> {
    if let Some(r) = first_unconverged(solves) {
        return Err(NoAnswer(format!(
            "{}: {} after {} iterations (relative residual {:.2e}); no answer is given. Is the \
             economy productive? `plenty check` diagnoses it",
            r.what, r.report.status, r.report.iterations, r.report.relative_residual
        ))
        .into());
    }
    Ok(())
}

fn solves_json(solves: &[NamedReport]) -> Value {
    json!(solves)
}

fn worst_line(solves: &[NamedReport]) -> String {
    let worst = solves
        .iter()
        .map(|s| s.report.relative_residual)
        .fold(0.0f64, f64::max);
    let method = solves
        .first()
        .map_or("none".to_string(), |s| s.report.method.to_string());
    format!(
        "{} solves by {method}, worst relative residual {worst:.2e}",
        solves.len()
    )
}

/// The index of a sector by label; an unknown label lists near ones.
fn sector_index(e: &Economy, label: &str, flag: &str) -> Result<usize> {
    if let Some(k) = e.product_index(label) {
        return Ok(k);
    }
    let lower = label.to_lowercase();
    // Labels that extend what was typed come first ("35" → "35-1"), then labels containing it
    // or contained in it, then labels with the same first character.
    let closeness = |p: &str| {
        let p = p.to_lowercase();
        if p.starts_with(&lower) {
            Some(0)
        } else if p.contains(&lower) || lower.contains(&p) {
            Some(1)
        } else if p.starts_with(lower.get(..1).unwrap_or("")) {
            Some(2)
        } else {
            None
        }
    };
    let mut ranked: Vec<(u8, &str)> = e
        .products
        .iter()
        .filter_map(|p| closeness(p).map(|c| (c, p.as_str())))
        .collect();
    ranked.sort_by_key(|&(c, _)| c);
    let near: Vec<&str> = ranked.into_iter().take(8).map(|(_, p)| p).collect();
    bail!(
        "{flag} {label:?}: no sector has this label{}",
        if near.is_empty() {
            format!(
                "; the first sectors are {}",
                e.products
                    .iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("; did you mean {}?", near.join(", "))
        }
    )
}

fn report(
    loaded: &LoadedEconomy,
    extra_inputs: &[PathBuf],
    settings: Value,
    summary: Value,
    tables: Vec<ResultTable>,
) -> Result<Report> {
    let mut inputs = loaded.inputs.clone();
    inputs.extend(extra_inputs.iter().cloned());
    Ok(Report {
        provenance: provenance(&inputs, settings)?,
        summary,
        tables,
    })
}

fn table(name: &str, rows: &[String], columns: Vec<Column>) -> ResultTable {
    ResultTable {
        name: name.into(),
        row_header: "product".into(),
        rows: rows.to_vec(),
        columns,
    }
}

/// `plenty ghosh`.
pub fn ghosh(g: &Global, args: &GhoshArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.analysis.input, &progress)?;
    let e = &loaded.economy;
    let primary = match &args.primary_inputs {
        Some(p) => Some(input::read_vector_for(e, p, "--primary-inputs")?),
        None => None,
    };
    if args.inverse && e.n() > io::DENSE_RESULT_LIMIT {
        bail!(
            "--inverse: G is a dense {n} × {n} matrix; it is given only up to {} products. The \
             forward linkages (its row sums) are in the result without it",
            io::DENSE_RESULT_LIMIT,
            n = e.n()
        );
    }
    progress.stage("preparing the Leontief system");
    let solver = LeontiefSolver::new(&e.a, settings.clone())?;
    progress.stage("Ghosh model");
    let r = io::ghosh(e, &solver, primary.as_deref())?;
    let mut solves = r.solves.clone();
    let mut tables = vec![table(
        "ghosh",
        &r.products,
        vec![
            Column::new("gross_output", r.gross_output.clone()),
            Column::new("primary_inputs", r.primary_inputs.clone()),
            Column::new("direct_forward", r.direct_forward.clone()),
            Column::new("total_forward", r.total_forward.clone()),
            Column::new(
                "total_forward_normalised",
                r.total_forward_normalised.clone(),
            ),
            Column::new("output", r.output.clone()),
        ],
    )];
    if args.inverse {
        progress.stage("the Ghosh inverse");
        let (gm, s) = io::ghosh_inverse(&solver, &r.gross_output)?;
        solves.extend(s);
        tables.push(table(
            "ghosh_inverse",
            &r.products,
            (0..e.n())
                .map(|j| Column::new(&e.products[j], (0..e.n()).map(|i| gm.get(i, j)).collect()))
                .collect(),
        ));
    }
    progress.finish();
    converged(&solves)?;
    let mut headline = vec![
        format!(
            "{} products; Ghosh supply-side model: B = diag(x)⁻¹ Z, G = (I − B)⁻¹ = diag(x)⁻¹ L diag(x), x' = v' G",
            e.n()
        ),
        worst_line(&solves),
    ];
    if let Some(err) = r.identity_error {
        headline.push(format!(
            "identity: the table's primary inputs give x' = x to {err:.2e} (relative)"
        ));
    }
    let rep = report(
        &loaded,
        args.primary_inputs.as_slice(),
        json!({"solver": settings}),
        json!({"identity_error": r.identity_error, "solves": solves_json(&solves)}),
        tables,
    )?;
    emit(&rep, &args.analysis.output, &headline)
}

/// `plenty linkages`.
pub fn linkages(g: &Global, args: &LinkagesArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.analysis.input, &progress)?;
    let e = &loaded.economy;
    let s = io::LinkageSettings {
        forward: match args.forward {
            ForwardArg::Ghosh => io::ForwardBasis::Ghosh,
            ForwardArg::Leontief => io::ForwardBasis::Leontief,
        },
        kind: match args.kind {
            KindArg::Total => io::LinkageKind::Total,
            KindArg::Direct => io::LinkageKind::Direct,
        },
        critical: args.critical,
    };
    progress.stage("preparing the Leontief system");
    let solver = LeontiefSolver::new(&e.a, settings.clone())?;
    let (x, xr) = if s.forward == io::ForwardBasis::Ghosh {
        let (x, r) = io::gross_output(e, &solver)?;
        (Some(x), r)
    } else {
        (None, None)
    };
    progress.stage("linkages");
    let r = io::linkages(&e.products, &e.a, &solver, x.as_deref(), &s)?;
    progress.finish();
    let mut solves: Vec<NamedReport> = xr.into_iter().collect();
    solves.extend(r.solves.iter().cloned());
    converged(&solves)?;
    let key: Vec<&str> = r
        .key_sectors
        .iter()
        .map(|&k| r.products[k].as_str())
        .collect();
    let headline = vec![
        format!(
            "{} products; Rasmussen linkages (forward on the {} side), normalised to average 1; key sectors have both {} linkages above {}",
            e.n(),
            match s.forward {
                io::ForwardBasis::Ghosh => "Ghosh",
                io::ForwardBasis::Leontief => "Leontief",
            },
            match s.kind {
                io::LinkageKind::Total => "total",
                io::LinkageKind::Direct => "direct",
            },
            s.critical
        ),
        format!("{} key sectors: {}", key.len(), key.join(", ")),
        worst_line(&solves),
    ];
    let class_numbers: Vec<f64> = r
        .classes
        .iter()
        .map(|c| match c {
            io::LinkageClass::Independent => 1.0,
            io::LinkageClass::DependentOnDemand => 2.0,
            io::LinkageClass::Key => 3.0,
            io::LinkageClass::DependentOnSupply => 4.0,
        })
        .collect();
    let rep = report(
        &loaded,
        &[],
        json!({"solver": settings, "linkages": s}),
        json!({
            "key_sectors": key,
            "classes": r.products.iter().zip(&r.classes).map(|(p, c)| json!({"product": p, "class": c.numeral(), "meaning": c.to_string()})).collect::<Vec<_>>(),
            "solves": solves_json(&solves),
        }),
        vec![table(
            "linkages",
            &r.products,
            vec![
                Column::new("backward_direct", r.backward_direct.clone()),
                Column::new("backward_total", r.backward_total.clone()),
                Column::new("forward_direct", r.forward_direct.clone()),
                Column::new("forward_total", r.forward_total.clone()),
                Column::new("backward_normalised", r.backward_normalised.clone()),
                Column::new("forward_normalised", r.forward_normalised.clone()),
                Column::new(
                    "key_sector",
                    r.classes
                        .iter()
                        .map(|c| f64::from(u8::from(*c == io::LinkageClass::Key)))
                        .collect(),
                ),
                Column::new("class", class_numbers),
            ],
        )],
    )?;
    emit(&rep, &args.analysis.output, &headline)
}

/// `plenty type2`.
pub fn type2(g: &Global, args: &Type2Args) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.analysis.input, &progress)?;
    let e = &loaded.economy;
    let income = match &args.income {
        Some(n) => n.clone(),
        None => match e.labour_satellite() {
            Some(s) => s.name.clone(),
            None => bail!(
                "type2 needs labour income per unit of output: give --income SATELLITE (the economy's satellites are {})",
                if e.satellites.is_empty() { "none".to_string() } else { e.satellites.iter().map(|s| format!("{:?}", s.name)).collect::<Vec<_>>().join(", ") }
            ),
        },
    };
    let households = match &args.households {
        Some(h) => h.clone(),
        None => match e.final_demand.first() {
            Some(f) => f.name.clone(),
            None => bail!("type2 needs household consumption: the economy has no final demand; give a table with a households column and --households NAME"),
        },
    };
    progress.stage("Type I and Type II multipliers");
    let r = io::type_ii(
        e,
        &income,
        &households,
        args.employment.as_deref(),
        &settings,
    )?;
    progress.finish();
    converged(&r.solves)?;
    let mut columns = vec![
        Column::new("output_type_i", r.output_type_i.clone()),
        Column::new("output_type_ii", r.output_type_ii.clone()),
        Column::new("output_type_ii_total", r.output_type_ii_total.clone()),
        Column::new("output_ratio", r.output_ratio.clone()),
        Column::new("income_direct", r.income_direct.clone()),
        Column::new("income_type_i_effect", r.income_type_i_effect.clone()),
        Column::new("income_type_ii_effect", r.income_type_ii_effect.clone()),
        Column::new("income_type_i", r.income_type_i_multiplier.clone()),
        Column::new("income_type_ii", r.income_type_ii_multiplier.clone()),
        Column::new("income_ratio", r.income_ratio.clone()),
        Column::new(
            "consumption_coefficient",
            r.consumption_coefficients.clone(),
        ),
    ];
    if let Some(em) = &r.employment {
        columns.extend([
            Column::new("employment_direct", em.direct.clone()),
            Column::new("employment_type_i_effect", em.type_i_effect.clone()),
            Column::new("employment_type_ii_effect", em.type_ii_effect.clone()),
            Column::new("employment_type_i", em.type_i_multiplier.clone()),
            Column::new("employment_type_ii", em.type_ii_multiplier.clone()),
        ]);
    }
    let ratio = r.income_ratio.iter().copied().find(|v| v.is_finite());
    let headline = vec![
        format!(
            "{} products; households endogenous: labour income from {income:?}, consumption from {households:?} divided by total household income {:.6}",
            e.n(),
            r.household_income
        ),
        format!(
            "Type II / Type I income multiplier: {} (the same in every sector)",
            ratio.map_or("n/a".to_string(), |v| format!("{v:.6}"))
        ),
        worst_line(&r.solves),
    ];
    let rep = report(
        &loaded,
        &[],
        json!({"solver": settings, "income": income, "households": households, "employment": args.employment}),
        json!({"household_income": r.household_income, "income_ratio": ratio, "solves": solves_json(&r.solves)}),
        vec![table("type_ii", &r.products, columns)],
    )?;
    emit(&rep, &args.analysis.output, &headline)
}

/// `plenty prices`.
pub fn prices(g: &Global, args: &PricesArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.analysis.input, &progress)?;
    let e = &loaded.economy;
    if let Some(path) = &args.cost_push {
        let raw = input::read_vector_for(e, path, "--cost-push")?;
        let change = match &args.relative_to {
            Some(name) => {
                let s = e.satellite(name).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--relative-to {name:?}: the economy's satellites are {}",
                        e.satellites
                            .iter()
                            .map(|s| format!("{:?}", s.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?;
                io::labour_cost_change(&s.intensity, &raw)?
            }
            None => raw,
        };
        progress.stage("preparing the Leontief system");
        let solver = LeontiefSolver::new(&e.a, settings.clone())?;
        progress.stage("cost-push prices");
        let r = io::cost_push(e, &solver, &change)?;
        progress.finish();
        converged(&r.solves)?;
        let headline = vec![
            format!(
                "{} products; cost-push prices p = (v_c + Δ)' L, base v_c = 1 − 1'A (index, base year = 1)",
                e.n()
            ),
            format!(
                "identity: base prices are 1 to {:.2e}",
                r.identity_error.unwrap_or(f64::NAN)
            ),
            worst_line(&r.solves),
        ];
        let rep = report(
            &loaded,
            std::slice::from_ref(path),
            json!({"solver": settings, "relative_to": args.relative_to}),
            json!({"identity_error": r.identity_error, "solves": solves_json(&r.solves)}),
            vec![table(
                "cost_push",
                &r.products,
                vec![
                    Column::new("base_coefficient", r.base_coefficients.clone()),
                    Column::new("coefficient_change", r.change.clone()),
                    Column::new("base_price", r.base_prices.clone()),
                    Column::new("price", r.prices.clone()),
                    Column::new("price_change", r.price_change.clone()),
                ],
            )],
        )?;
        return emit(&rep, &args.analysis.output, &headline);
    }
    let l = match e.labour_satellite() {
        Some(s) => s.intensity.clone(),
        None => bail!("prices of production need labour per unit of output: give --labour FILE or --labour-account NAME"),
    };
    if let Some(r) = args.profit_rate {
        progress.stage("prices at a uniform profit rate");
        let p = io::prices_at_profit_rate(e, &l, r, &settings)?;
        progress.finish();
        if p.status != io::PriceStatus::Valid {
            return Err(NoAnswer(format!(
                "--profit-rate {r}: some prices come out negative or the solve failed; the profit rate is at or above the maximum 1/ρ(A) − 1, where (1 + r) A is no longer productive"
            ))
            .into());
        }
        converged(&p.solves)?;
        let headline = vec![
            format!(
                "{} products; prices of production at profit rate {r}: p = l (I − (1 + r) A)⁻¹ (wage = 1)",
                e.n()
            ),
            match p.aggregate_ratio {
                Some(q) => format!("total price of gross output / total value: {q:.6}"),
                None => "no gross output: no aggregate ratio".into(),
            },
            worst_line(&p.solves),
        ];
        let rep = report(
            &loaded,
            &[],
            json!({"solver": settings, "profit_rate": r}),
            json!({"aggregate_ratio": p.aggregate_ratio, "status": p.status, "solves": solves_json(&p.solves)}),
            vec![table(
                "prices",
                &p.products,
                vec![
                    Column::new("labour_value", p.labour_values.clone()),
                    Column::new("price", p.prices.clone()),
                    Column::new("price_to_value", p.price_to_value.clone()),
                ],
            )],
        )?;
        return emit(&rep, &args.analysis.output, &headline);
    }
    if let Some(path) = &args.wage_bundle {
        let b = input::read_vector_for(e, path, "--wage-bundle")?;
        let x = match &e.recorded_output {
            Some(x) => x.clone(),
            None => {
                let solver = LeontiefSolver::new(&e.a, settings.clone())?;
                io::gross_output(e, &solver)?.0
            }
        };
        progress.stage("prices of production (Perron root of A + b l)");
        let p = plenty_core::deviation::prices_of_production(
            &e.a,
            &b,
            &l,
            &x,
            &plenty_core::deviation::PerronSettings::default(),
        )?;
        progress.finish();
        if !p.perron.status.is_converged() {
            return Err(NoAnswer(format!(
                "the Perron vector of A + b l: {} after {} iterations; no prices are given",
                p.perron.status, p.perron.iterations
            ))
            .into());
        }
        let headline = vec![
            format!(
                "{} products; prices of production of the Standard Interpretation: left Perron vector of M = A + b l, r = 1/ρ(M) − 1, scaled to p·x = Σx",
                e.n()
            ),
            format!("uniform profit rate r = {:.6}", p.profit_rate),
        ];
        let rep = report(
            &loaded,
            std::slice::from_ref(path),
            json!({"solver": settings, "perron": plenty_core::deviation::PerronSettings::default()}),
            json!({"profit_rate": p.profit_rate, "perron_eigenvalue": p.perron.eigenvalue, "perron_iterations": p.perron.iterations}),
            vec![table(
                "prices_of_production",
                &e.products,
                vec![Column::new("price", p.prices.clone())],
            )],
        )?;
        return emit(&rep, &args.analysis.output, &headline);
    }
    bail!("prices: give --cost-push FILE (cost-push prices), --profit-rate R (prices of production at a given profit rate) or --wage-bundle FILE (prices of production with the profit rate found)")
}

/// `plenty extract`.
pub fn extract(g: &Global, args: &ExtractArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.analysis.input, &progress)?;
    let e = &loaded.economy;
    let sectors = args
        .sector
        .iter()
        .map(|s| sector_index(e, s, "--sector"))
        .collect::<Result<Vec<_>>>()?;
    let kind = match args.kind {
        ExtractionArg::Complete => io::ExtractionKind::Complete,
        ExtractionArg::Backward => io::ExtractionKind::Backward,
        ExtractionArg::Forward => io::ExtractionKind::Forward,
    };
    let y = if kind == io::ExtractionKind::Forward && e.final_demand.is_empty() {
        vec![0.0; e.n()]
    } else {
        crate::commands::demand(e)?
    };
    let x = match (&e.recorded_output, kind) {
        (Some(x), _) => Some(x.clone()),
        (None, io::ExtractionKind::Forward) => {
            let solver = LeontiefSolver::new(&e.a, settings.clone())?;
            Some(io::gross_output(e, &solver)?.0)
        }
        (None, _) => None,
    };
    progress.stage("hypothetical extraction");
    let r = io::extract(
        &e.products,
        &e.a,
        &y,
        x.as_deref(),
        &sectors,
        kind,
        &settings,
    )?;
    progress.finish();
    converged(&r.solves)?;
    let names: Vec<&str> = r
        .extracted
        .iter()
        .map(|&k| e.products[k].as_str())
        .collect();
    let headline = vec![
        format!(
            "{} products; {:?} hypothetical extraction of {}",
            e.n(),
            kind,
            names.join(", ")
        ),
        format!(
            "total output loss T = {:.6} ({:.4} % of total output)",
            r.total_loss,
            100.0 * r.relative_loss
        ),
        worst_line(&r.solves),
    ];
    let rep = report(
        &loaded,
        &[],
        json!({"solver": settings, "extracted": names, "kind": kind}),
        json!({"total_loss": r.total_loss, "relative_loss": r.relative_loss, "solves": solves_json(&r.solves)}),
        vec![table(
            "extraction",
            &r.products,
            vec![
                Column::new("base_output", r.base_output.clone()),
                Column::new("extracted_output", r.extracted_output.clone()),
                Column::new("loss", r.loss.clone()),
            ],
        )],
    )?;
    emit(&rep, &args.analysis.output, &headline)
}

/// `plenty influence`.
pub fn influence(g: &Global, args: &InfluenceArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.analysis.input, &progress)?;
    let e = &loaded.economy;
    let i = sector_index(e, &args.row, "--row")?;
    let j = sector_index(e, &args.column, "--column")?;
    if args.matrix && e.n() > io::DENSE_RESULT_LIMIT {
        bail!(
            "--matrix: the change of L is a dense {n} × {n} matrix; it is given only up to {} products. The changes of output multipliers and output are in the result without it",
            io::DENSE_RESULT_LIMIT,
            n = e.n()
        );
    }
    progress.stage("preparing the Leontief system");
    let solver = LeontiefSolver::new(&e.a, settings.clone())?;
    let y = (!e.final_demand.is_empty()).then(|| e.total_final_demand());
    progress.stage("field of influence");
    let f = io::field_of_influence(
        &e.products,
        &solver,
        i,
        j,
        e.a.get(i, j),
        args.epsilon,
        y.as_deref(),
    )?;
    progress.finish();
    converged(&f.solves)?;
    let mut columns = vec![
        Column::new("leontief_column_i", f.leontief_column.clone()),
        Column::new("leontief_row_j", f.leontief_row.clone()),
        Column::new(
            "output_multiplier_change",
            f.output_multiplier_change.clone(),
        ),
    ];
    if let Some(dx) = &f.output_change {
        columns.push(Column::new("output_change", dx.clone()));
    }
    let mut tables = vec![table("influence", &f.products, columns)];
    if args.matrix {
        let m = f.change_matrix()?;
        tables.push(table(
            "leontief_change",
            &f.products,
            (0..e.n())
                .map(|l| Column::new(&e.products[l], (0..e.n()).map(|k| m.get(k, l)).collect()))
                .collect(),
        ));
    }
    let headline = vec![
        format!(
            "{} products; a[{}, {}] = {:.6} changed by {}: ΔL = ε/(1 − ε l_ji) · L(·,i) L(j,·) (Sherman–Morrison), field of influence F = L(·,i) L(j,·)",
            e.n(),
            e.products[i],
            e.products[j],
            e.a.get(i, j),
            args.epsilon
        ),
        format!("l_ji = {:.6}, factor ε/(1 − ε l_ji) = {:.6e}", f.l_ji, f.scale),
        worst_line(&f.solves),
    ];
    let rep = report(
        &loaded,
        &[],
        json!({"solver": settings, "row": e.products[i], "column": e.products[j], "epsilon": args.epsilon}),
        json!({"l_ji": f.l_ji, "scale": f.scale, "a_ij": e.a.get(i, j), "solves": solves_json(&f.solves)}),
        tables,
    )?;
    emit(&rep, &args.analysis.output, &headline)
}

/// `plenty sda`.
pub fn sda(g: &Global, args: &SdaArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (first, settings) = load(g, &args.analysis.input, &progress)?;
    let mut second_args = args.analysis.input.clone();
    second_args.input = args.second.clone();
    second_args.demand = None;
    second_args.labour = None;
    progress.stage("reading the second economy");
    let second = input::load(&second_args)?;
    progress.stage("structural decomposition");
    let d = io::structural_decomposition_of(
        &first.economy,
        &second.economy,
        args.satellite.as_deref(),
        &settings,
    )?;
    progress.finish();
    converged(&d.solves)?;
    let mut columns = vec![
        Column::new("output_0", d.output_0.clone()),
        Column::new("output_1", d.output_1.clone()),
        Column::new("change", d.change.clone()),
        Column::new("technology", d.technology.clone()),
        Column::new("final_demand", d.final_demand.clone()),
    ];
    let mut headline = vec![
        format!(
            "{} products; two-polar structural decomposition Δx = ½(ΔL y0 + ΔL y1) + ½(L0 Δy + L1 Δy)",
            d.products.len()
        ),
        format!(
            "total change {:.6} = technology {:.6} + final demand {:.6}; identity residual {:.2e} (relative)",
            d.change.iter().sum::<f64>(),
            d.technology.iter().sum::<f64>(),
            d.final_demand.iter().sum::<f64>(),
            d.relative_residual
        ),
    ];
    if let Some(s) = &d.satellite {
        let p = &s.name;
        columns.extend([
            Column::new(&format!("{p}_0"), s.total_0.clone()),
            Column::new(&format!("{p}_1"), s.total_1.clone()),
            Column::new(&format!("{p}_change"), s.change.clone()),
            Column::new(&format!("{p}_intensity"), s.intensity.clone()),
            Column::new(&format!("{p}_technology"), s.technology.clone()),
            Column::new(&format!("{p}_final_demand"), s.final_demand.clone()),
        ]);
        headline.push(format!(
            "{p}: change {:.6} = intensity {:.6} + technology {:.6} + final demand {:.6}; residual {:.2e}",
            s.change.iter().sum::<f64>(),
            s.intensity.iter().sum::<f64>(),
            s.technology.iter().sum::<f64>(),
            s.final_demand.iter().sum::<f64>(),
            s.relative_residual
        ));
    }
    headline.push(worst_line(&d.solves));
    let mut inputs = second.inputs.clone();
    inputs.retain(|p| !first.inputs.contains(p));
    let rep = report(
        &first,
        &inputs,
        json!({"solver": settings, "second": args.second, "satellite": args.satellite}),
        json!({
            "relative_residual": d.relative_residual,
            "satellite_relative_residual": d.satellite.as_ref().map(|s| s.relative_residual),
            "solves": solves_json(&d.solves),
        }),
        vec![table("decomposition", &d.products, columns)],
    )?;
    emit(&rep, &args.analysis.output, &headline)
}
