//! `plenty partition`: how an economy would spread over a number of ranks, before running it
//! there: the ghost entries each rank would exchange per product, in the products' own
//! numbering and in the locality order ([`plenty_core::dist::measure_spread`] decides and
//! measures; this file renders).

use crate::args::{AnalysisArgs, Global};
use crate::commands::{emit, load, provenance};
use crate::progress::Progress;
use anyhow::{bail, Result};
use clap::Args;
use plenty_core::dist::measure_spread;
use plenty_io::output::{Column, Report, ResultTable};
use serde_json::json;

/// `partition`.
#[derive(Debug, Args, Clone)]
pub struct PartitionArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The rank counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [2usize, 4, 16, 64])]
    pub ranks: Vec<usize>,
    /// Products per reduction chunk; rank boundaries are multiples of it. The default (the
    /// kernels' chunk) gives the bits of the single-process solve.
    #[arg(long, default_value_t = plenty_core::kernels::CHUNK)]
    pub granule: usize,
}

/// `plenty partition`.
pub fn partition(g: &Global, args: &PartitionArgs) -> Result<()> {
    if args.ranks.is_empty() || args.ranks.contains(&0) {
        bail!("--ranks: give one or more rank counts of at least 1, e.g. --ranks 2,4,16");
    }
    if args.granule == 0 {
        bail!("--granule must be at least 1");
    }
    let progress = Progress::new(g.quiet);
    let (loaded, _) = load(g, &args.analysis.input, &progress)?;
    let a = loaded.economy.a.to_csr();
    progress.stage("ordering the products and counting ghost entries");
    let m = measure_spread(&a, &args.ranks, args.granule);
    progress.finish();
    let mut headline = vec![format!(
        "{} products, {} non-zeros; ghost entries a rank receives per product with A and with Aᵀ:",
        a.nrows(),
        a.nnz()
    )];
    for pair in m.chunks(2) {
        let (own, loc) = (&pair[0], &pair[1]);
        headline.push(format!(
            "{:>4} ranks: {:>12} in all, busiest rank {:>10} ({:.1} MB per product pair), {:.1} % of non-zeros local; in the locality order {} ({:.1} MB), {:.1} % local",
            own.ranks,
            own.total_ghosts,
            own.max_ghosts,
            own.max_bytes_per_product_pair as f64 / 1e6,
            100.0 * own.local_share,
            loc.max_ghosts,
            loc.max_bytes_per_product_pair as f64 / 1e6,
            100.0 * loc.local_share,
        ));
    }
    let rows: Vec<String> = m
        .iter()
        .map(|s| format!("{} ranks, {}", s.ranks, s.ordering))
        .collect();
    let col = |name: &str, f: &dyn Fn(&plenty_core::dist::SpreadMeasure) -> f64| {
        Column::new(name, m.iter().map(f).collect())
    };
    let table = ResultTable {
        name: "partition".into(),
        row_header: "layout".into(),
        rows,
        columns: vec![
            col("ranks", &|s| s.ranks as f64),
            col("total_ghosts", &|s| s.total_ghosts as f64),
            col("max_ghosts", &|s| s.max_ghosts as f64),
            col("max_bytes_per_product_pair", &|s| {
                s.max_bytes_per_product_pair as f64
            }),
            col("local_share", &|s| s.local_share),
        ],
    };
    let rep = Report {
        provenance: provenance(
            &loaded.inputs,
            json!({"ranks": args.ranks, "granule": args.granule}),
        )?,
        summary: json!({"products": a.nrows(), "nnz": a.nnz(), "spread": m}),
        tables: vec![table],
    };
    emit(&rep, &args.analysis.output, &headline)
}
