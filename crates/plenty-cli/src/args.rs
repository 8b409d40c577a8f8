//! Command-line arguments (clap derive). Plain data; domain objects are built after parsing.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The kinds of economy every analysis command (and `aggregate`, `disaggregate`) reads, one
/// line each; a macro so that [`INPUT_KINDS`] and the top-level [`ALL_INPUT_KINDS`] share it.
macro_rules! economy_kinds {
    () => {
        "\
INPUT is one of:
  economy.toml        a hand-written economy ([[product]] and [[process]])
  spec.toml           an import specification for a real table ([table] or [make_use])
  DIR with A.mtx      written by `plenty generate` or `plenty convert --to mtx` (A.mtx, l.csv, d.csv)
  DIR with Z.txt      a pymrio folder (pymrio.save_all)
  A.mtx               Matrix Market coefficients (add --labour l.csv --demand d.csv)
  triplets.csv        sparse coefficients, header row,col,value
  A.csv               a labelled square CSV of coefficients (or flows, with --flows-with-output)"
    };
}

/// The kinds of INPUT every analysis command accepts, shown by each analysis subcommand's
/// `--help`.
pub const INPUT_KINDS: &str = economy_kinds!();

/// Every kind of input plenty reads, by command, shown by the top-level `plenty --help`.
pub const ALL_INPUT_KINDS: &str = concat!(
    economy_kinds!(),
    "\n  (values, multipliers, leontief, coefficients, check, convert, aggregate, disaggregate)

Other commands read:
  plan.toml or DIR    a planning file, or a planning folder (products.csv, processes.csv, …)
                      or a multi-year plan folder (flows.csv, cap.csv, dep.csv, labtarg.csv)  (plan)
  plan.mps            any linear program in MPS format                          (lp)
  election.pb         a pabulib participatory-budgeting election               (vote)
  scenario.toml       a simulation scenario (examples/simulate/)               (simulate)
  mapping.csv         from,to: sectors or regions to groups               (aggregate --map)
  shares.csv          sector,part,share: output shares of the parts  (disaggregate --shares)"
);

/// plenty: input-output economics and democratic planning.
#[derive(Debug, Parser)]
#[command(name = "plenty", version, about, long_about = None, propagate_version = true, after_help = ALL_INPUT_KINDS)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: Global,
    /// The job.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Worker threads (default: all cores). Results are identical for any number.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// No progress display.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// The jobs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Labour values v = l (I − A)⁻¹, gross output, and the identity check v·d = l·x.
    Values(ValuesArgs),
    /// Output multipliers and the effects and Type I multipliers of every satellite.
    Multipliers(AnalysisArgs),
    /// Gross output x = (I − A)⁻¹ d for a final demand; optionally columns of (I − A)⁻¹.
    Leontief(LeontiefArgs),
    /// The technical coefficients A.
    Coefficients(AnalysisArgs),
    /// Productivity (ρ(A)), balance and data quirks.
    Check(AnalysisArgs),
    /// Generate a seeded synthetic economy (Matrix Market + CSV vectors).
    Generate(GenerateArgs),
    /// Convert an economy to another format.
    Convert(ConvertArgs),
    /// Optimal plan (Kantorovich's λ or harmony) with valuations and a certificate.
    Plan(PlanArgs),
    /// Generate a seeded synthetic planning problem (planning folder and MPS).
    GeneratePlan(GeneratePlanArgs),
    /// Solve any linear program in an MPS file with the native solver, with its certificate.
    Lp(LpArgs),
    /// The participatory service: web pages and a JSON API on an embedded SQLite file (or
    /// PostgreSQL), with every decision in a hash-chained log.
    Serve(crate::serve::ServeArgs),
    /// Verify or export the service's log.
    Audit(crate::serve::AuditArgs),
    /// A participatory budgeting election (.pb): Method of Equal Shares or greedy, explained
    /// round by round.
    Vote(crate::vote::VoteArgs),
    /// Carry a plan out year after year (plan, produce, pay, consume, measure, re-plan) under
    /// shocks: a scenario file with one regime or several side by side.
    Simulate(crate::simulate::SimulateArgs),
    // The input-output economist's analyses (issue #17).
    /// Ghosh's supply-side model: allocation coefficients, forward linkages, x' = v' G.
    Ghosh(crate::analysis::GhoshArgs),
    /// Rasmussen's backward and forward linkages, normalised, and key sectors.
    Linkages(crate::analysis::LinkagesArgs),
    /// How an economy would spread over ranks (MPI): ghost entries per rank, in the products'
    /// own numbering and in a locality order.
    Partition(crate::spread::PartitionArgs),
    /// Type I and Type II multipliers (households endogenous): output, income, employment.
    Type2(crate::analysis::Type2Args),
    /// The price model: cost-push prices, or prices of production at a uniform profit rate.
    Prices(crate::analysis::PricesArgs),
    /// Hypothetical extraction of sectors: the output the economy loses without them.
    Extract(crate::analysis::ExtractArgs),
    /// The field of influence of a change in one coefficient a_ij (Sherman–Morrison).
    Influence(crate::analysis::InfluenceArgs),
    /// Structural decomposition of the change in gross output between two tables.
    Sda(crate::analysis::SdaArgs),
    /// Aggregate sectors (and regions) by a mapping file (CSV: from,to); writes a pymrio folder.
    Aggregate(crate::reshape::AggregateArgs),
    /// Split sectors by output shares (CSV: sector,part,share); writes a pymrio folder.
    Disaggregate(crate::reshape::DisaggregateArgs),
    /// Footprints of a multi-regional system (issue #17): consumption-based, production-based,
    /// import and export accounts per region and extension (D_cba, D_pba, D_imp, D_exp), with
    /// the direct stressors of final demand.
    Footprint(crate::footprint::FootprintArgs),
}

/// Where the economy comes from and how to solve.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// The economy: an economy or specification .toml, a folder, a .mtx or a .csv (`--help`
    /// lists the kinds).
    #[arg(long_help = INPUT_KINDS)]
    pub input: PathBuf,
    /// Hours (or any labour account) per unit of output, one number per product (CSV).
    /// Overrides the input's labour.
    #[arg(long, value_name = "FILE")]
    pub labour: Option<PathBuf>,
    /// Count this satellite of the input as labour (e.g. "satellites/labour" in a pymrio folder,
    /// "employment" in a specification).
    #[arg(long, value_name = "NAME")]
    pub labour_account: Option<String>,
    /// Final demand, one number per product (CSV). Overrides the input's final demand.
    #[arg(long, value_name = "FILE")]
    pub demand: Option<PathBuf>,
    /// Use only this final-demand category of the input (repeatable).
    #[arg(long, value_name = "NAME")]
    pub category: Vec<String>,
    /// With a CSV matrix input: the matrix holds flows Z, not coefficients; gross output comes
    /// from this file (one number per product).
    #[arg(long, value_name = "FILE")]
    pub flows_with_output: Option<PathBuf>,
    /// Treat warnings about the input as errors (exit code 2): an aggregate counted twice, a
    /// satellite file's values that match no sector, rows and columns that stop lining up.
    #[arg(long)]
    pub strict: bool,
    /// Solver settings.
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Solver settings.
#[derive(Debug, Args, Clone)]
pub struct SolverArgs {
    /// Solution method: auto picks a dense LU up to --dense-limit products, BiCGSTAB above.
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    pub method: MethodArg,
    /// Target relative residual of the iterative methods.
    #[arg(long, default_value_t = 1e-10)]
    pub tolerance: f64,
    /// Iteration limit of the iterative methods.
    #[arg(long, default_value_t = 10_000)]
    pub max_iterations: usize,
    /// Largest economy solved by dense LU under --method auto.
    #[arg(long, default_value_t = 6_000)]
    pub dense_limit: usize,
}

/// Methods (mirrors plenty_core::Method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Choose by size.
    Auto,
    /// Dense LU with partial pivoting.
    DenseLu,
    /// BiCGSTAB (Krylov).
    Bicgstab,
    /// Jacobi / Neumann series.
    Jacobi,
}

/// Output options.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Write results to FILE; the format follows the extension (.csv, .json, .parquet).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rows shown on the terminal.
    #[arg(long, default_value_t = 40)]
    pub max_rows: usize,
    /// Only these result columns, by name (comma-separated), on the terminal and in the file.
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub columns: Vec<String>,
    /// Where the provenance of --output goes: inside the file (CSV: `#` lines, read with
    /// pandas' `read_csv(f, comment="#")`), or in STEM.provenance.json beside it, leaving a
    /// plain CSV.
    #[arg(long, value_enum, default_value_t = ProvenanceArg::Inline)]
    pub provenance: ProvenanceArg,
}

/// `--provenance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProvenanceArg {
    /// In the file.
    Inline,
    /// In a JSON file beside it.
    Sidecar,
}

/// `values`, `multipliers`, `coefficients`, `check`.
#[derive(Debug, Args, Clone)]
pub struct AnalysisArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `values`.
#[derive(Debug, Args, Clone)]
pub struct ValuesArgs {
    /// Input and output.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Solve across the ranks of an MPI job even if there is one rank (more than one rank, as
    /// under `mpirun -np 2`, always does). Needs a plenty built with `--features mpi`.
    #[arg(long)]
    pub distributed: bool,
    /// Save the state of a distributed solve in this folder every --checkpoint-every steps,
    /// so that a run that fails can go on with --resume. The folder must be shared by the ranks.
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// Steps (iterations) between two checkpoints.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub checkpoint_every: usize,
    /// Go on from the last complete checkpoint in --checkpoint DIR (same inputs, settings and
    /// number of ranks): the answer has the bits of an uninterrupted run.
    #[arg(long, requires = "checkpoint")]
    pub resume: bool,
    /// How a distributed solve multiplies the rows of the hubs (products nearly every product
    /// uses): `ghosts` keeps each on its owner (the same bits on any number of ranks, and as
    /// one process); `split` has every rank sum them over its own columns (far fewer ghosts and
    /// balanced memory, but bits that depend on the number of ranks; see docs/distributed.md).
    #[arg(long, value_enum, value_name = "MODE", default_value = "ghosts")]
    pub hub_rows: HubRowsArg,
}

/// `--hub-rows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HubRowsArg {
    /// Each hub row on its owner, with ghosts.
    Ghosts,
    /// Hub rows summed by every rank over its own columns.
    Split,
}

/// `leontief`.
#[derive(Debug, Args, Clone)]
pub struct LeontiefArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also give the diagonal of (I − A)⁻¹ (one solve per product).
    #[arg(long)]
    pub diagonal: bool,
    /// Give the whole (I − A)⁻¹ (small tables only: at most 5 000 products).
    #[arg(long)]
    pub inverse: bool,
}

/// `generate`.
#[derive(Debug, Args, Clone)]
pub struct GenerateArgs {
    /// Number of products.
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Inputs per product (non-zeros per column of A).
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Column sums of A are drawn from U(LOW, HIGH).
    #[arg(long, default_value_t = 0.6)]
    pub column_sum_low: f64,
    /// Column sums of A are drawn from U(LOW, HIGH).
    #[arg(long, default_value_t = 0.9)]
    pub column_sum_high: f64,
    /// Input structure.
    #[arg(long, value_enum, default_value_t = StructureArg::Random)]
    pub structure: StructureArg,
    /// Neighbourhood half-width for --structure local.
    #[arg(long, default_value_t = 50)]
    pub bandwidth: usize,
    /// Write a dense pymrio folder too (for the pymrio benchmark; at most 20 000 products).
    #[arg(long)]
    pub pymrio: bool,
    /// Write a sharded economy in K shards of consecutive products (economy.toml and Parquet
    /// files; see docs/distributed.md), one shard at a time, never the whole economy at once.
    /// Shard boundaries are multiples of 16 384 products, so K is at most ⌈n / 16 384⌉.
    #[arg(long, value_name = "K", conflicts_with = "pymrio")]
    pub shards: Option<usize>,
    /// The folder to write (A.mtx, l.csv, d.csv, generator.json).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

/// Input structures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StructureArg {
    /// Inputs uniform over all products.
    Random,
    /// Basic goods plus neighbours.
    Local,
}

/// `convert`.
#[derive(Debug, Args, Clone)]
pub struct ConvertArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Target format.
    #[arg(long, value_enum)]
    pub to: ConvertTo,
    /// Where to write (a folder for mtx and pymrio, a file otherwise).
    #[arg(long, short, value_name = "PATH")]
    pub out: PathBuf,
}

/// Conversion targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertTo {
    /// Folder with A.mtx, l.csv, d.csv, labels.csv.
    Mtx,
    /// Sparse triplets CSV (row,col,value) with labels.
    Triplets,
    /// Labelled CSV matrix of coefficients.
    Csv,
    /// pymrio folder (Z, Y, x and a labour extension), loadable by pymrio.load.
    Pymrio,
}

/// `plan`.
#[derive(Debug, Args, Clone)]
pub struct PlanArgs {
    /// The planning economy: a .toml planning file (an economy file also works) or a planning
    /// folder (products.csv, processes.csv, labour.csv, outputs.mtx, inputs.mtx, labour.mtx).
    pub economy: PathBuf,
    /// What to maximise: λ (whole bundles of the target assortment) or harmony.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Lambda)]
    pub objective: ObjectiveArg,
    /// Solver: auto (policy iteration when labour is the only scarce input, else the
    /// interior-point method where its factor fits, else PDLP), ipm, pdlp, policy (policy
    /// iteration only) or highs (HiGHS, in a build with `--features highs`).
    #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
    pub backend: BackendArg,
    /// Yearly discount rate of `--objective discounted` (0.03 is 3 % a year).
    #[arg(long, value_name = "RATE", default_value_t = 0.03)]
    pub discount: f64,
    /// Relative tolerance of the certificate (primal residual, dual residual, gap). Default
    /// 1e-6; 1e-9 for a multi-year plan, whose interior-point solve gets there in a few more
    /// iterations.
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Iteration limit of the LP solver.
    #[arg(long, default_value_t = 1_000_000)]
    pub max_iterations: usize,
    /// Time limit of the LP solver, seconds.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Also write the plan's LP as MPS, for any solver to check.
    #[arg(long, value_name = "FILE")]
    pub mps: Option<PathBuf>,
    /// Start the LP from an earlier plan: the JSON report of `plenty plan -o FILE.json` on a
    /// similar economy (last round's, before some targets or limits changed). Processes,
    /// products, labour types and resources are matched by name. Needs the LP (--objective
    /// lambda; auto then solves the LP instead of policy iteration).
    #[arg(long, value_name = "FILE")]
    pub warm_start: Option<PathBuf>,
    /// Largest LP basis (columns: products plus labour types and resources) the native
    /// solver's crossover to the exact vertex factors, with a dense LU of 8·N² bytes: 3 000
    /// takes 72 MB; 10 001 (10 000 products) 800 MB and about 4 s a try.
    #[arg(long, value_name = "N", default_value_t = plenty_core::lp::crossover::CrossoverSettings::default().dense_limit)]
    pub crossover_limit: usize,
    /// The table that a CSV or Parquet --output holds (JSON holds all). A multi-year plan's
    /// are years (the default there), goods and capital.
    #[arg(long, value_enum, default_value_t = PlanTableArg::Products)]
    pub table: PlanTableArg,
    /// Multi-year plans: re-plan after the first year from what actually happened (a TOML
    /// file: `[delivered]` shares per technique, `[[capital_lost]]`, horizon = "roll" or "keep"),
    /// starting from the plan; the report shows what changed.
    #[arg(long, value_name = "FILE", conflicts_with = "compare")]
    pub replan: Option<PathBuf>,
    /// Multi-year plans: compare the variants of a TOML file (`[[variant]]` with name,
    /// objective, discount, growth, terminal, terminal_growth, targets_required) side by side.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
    /// Multi-year plans: draw consumption, investment and capital over the years into this
    /// folder (plan.svg and plan.png).
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Objectives of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Kantorovich: maximise λ (a multi-year plan: Σ_t λ_t, Cockshott's).
    Lambda,
    /// Cockshott: maximise Σ w H(net/target).
    Harmony,
    /// Multi-year plans: maximise the smallest λ_t (the worst year as good as it can be).
    MinLambda,
    /// Multi-year plans: maximise Σ_t λ_t / (1 + rate)^(t−1), the rate from --discount.
    Discounted,
}

/// Solvers of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// Policy iteration where it applies (labour the only scarce input, single-output
    /// techniques); else the interior-point method where its factor fits (up to 60 million
    /// non-zeros), PDLP above that or from a warm start; each falls back to the other when it
    /// does not finish. The report says what ran and why.
    Auto,
    /// plenty's interior-point method (exact to 1e-8 and better; memory grows with its factor).
    Ipm,
    /// plenty's PDLP with a crossover to the exact vertex (memory near the LP's size).
    Pdlp,
    /// The same as pdlp (the name of earlier versions).
    Native,
    /// Policy iteration (labour the only scarce input, single-output techniques).
    Policy,
    /// HiGHS, the exact reference (a build with `--features highs`).
    Highs,
}

/// Tables of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanTableArg {
    /// One row per product.
    Products,
    /// One row per process.
    Processes,
    /// One row per labour type and resource.
    Limits,
    /// Multi-year plans: one row per year.
    Years,
    /// Multi-year plans: one row per year and good.
    Goods,
    /// Multi-year plans: one row per year and capital cell.
    Capital,
}

/// `generate-plan`.
#[derive(Debug, Args, Clone)]
pub struct GeneratePlanArgs {
    /// The family: single-year plans with techniques (a planning folder and plan.mps), or
    /// Cockshott's multi-year plan with capital stocks (plan.mps: the staircase LP).
    #[arg(long, value_enum, default_value_t = FamilyArg::SingleYear)]
    pub family: FamilyArg,
    /// Number of products.
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Years of a multi-year plan.
    #[arg(long, default_value_t = 5)]
    pub years: usize,
    /// Capital goods per industry in a multi-year plan.
    #[arg(long, default_value_t = 7)]
    pub capital_goods: usize,
    /// Techniques per product.
    #[arg(long, default_value_t = 2)]
    pub techniques: usize,
    /// Inputs per technique.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Shared scarce resources.
    #[arg(long, default_value_t = 0)]
    pub resources: usize,
    /// Input structure.
    #[arg(long, value_enum, default_value_t = StructureArg::Random)]
    pub structure: StructureArg,
    /// Neighbourhood half-width for --structure local.
    #[arg(long, default_value_t = 50)]
    pub bandwidth: usize,
    /// No capacities on the processes (with one technique and no resources, labour is then
    /// the only scarce input and policy iteration applies).
    #[arg(long)]
    pub no_capacities: bool,
    /// Resource limits as a fraction of the reference plan's use.
    #[arg(long, default_value_t = 0.7)]
    pub tightness: f64,
    /// Committed needs as a fraction of the target.
    #[arg(long, default_value_t = 0.0)]
    pub committed: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write the LP in this many Parquet shards, in DIR/lp-shards (each a range of
    /// columns with their entries, costs and bounds, and a range of rows), for
    /// `mpirun -np P plenty lp DIR/lp-shards`: each rank then reads only its shards.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub shards: usize,
    /// The folder to write (the planning folder, plan.mps, generator.json).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

/// `generate-plan --family`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FamilyArg {
    /// Kantorovich's single-year plan with choice of technique (--structure random or local).
    SingleYear,
    /// Cockshott's multi-year plan: capital stocks, depreciation, investment with a one-year
    /// lag, max Σ λ_t (--years, --capital-goods; inputs per industry from --k).
    MultiYear,
}

/// `lp`.
#[derive(Debug, Args, Clone)]
pub struct LpArgs {
    /// The linear program, in free or fixed MPS (an OBJSENSE section sets maximisation), or
    /// the folder of a sharded LP (`generate-plan --shards`; under mpirun each rank reads only
    /// its shards).
    pub mps: PathBuf,
    /// Override the direction of the objective in the file.
    #[arg(long, value_enum)]
    pub sense: Option<SenseArg>,
    /// Relative tolerance of the certificate (primal residual, dual residual, gap).
    #[arg(long, default_value_t = 1e-6)]
    pub tolerance: f64,
    /// How primal feasibility is measured: row (each row's violation within the tolerance
    /// times 1 + |its bound|) or global (relative to the largest bound of the LP, looser).
    #[arg(long, value_enum, default_value_t = LpFeasibilityArg::Row)]
    pub feasibility: LpFeasibilityArg,
    /// PDHG scheme.
    #[arg(long, value_enum, default_value_t = SchemeArg::Adaptive)]
    pub scheme: SchemeArg,
    /// Return PDLP's approximate point without trying the crossover to the exact vertex.
    #[arg(long)]
    pub no_crossover: bool,
    /// Largest basis (columns) the crossover factors, with a dense LU of 8·N² bytes: 3 000
    /// takes 72 MB and a tenth of a second; 10 001 (a plan of 10 000 products) 800 MB and about
    /// 4 s a try.
    #[arg(long, value_name = "N", default_value_t = plenty_core::lp::crossover::CrossoverSettings::default().dense_limit)]
    pub crossover_limit: usize,
    /// Solver: auto (the interior-point method where its factor fits, else PDLP; each falls
    /// back to the other when it does not finish), ipm, pdlp (with crossover), or highs
    /// (HiGHS's default method, in a build with `--features highs`).
    #[arg(long, value_enum, default_value_t = LpBackendArg::Auto)]
    pub backend: LpBackendArg,
    /// Iteration limit.
    #[arg(long, default_value_t = 1_000_000)]
    pub max_iterations: usize,
    /// Time limit, seconds.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// The table that a CSV or Parquet --output holds (JSON holds both).
    #[arg(long, value_enum, default_value_t = LpTableArg::Columns)]
    pub table: LpTableArg,
    /// Solve across the ranks of an MPI job (`mpirun -np P plenty lp …`, in a build with
    /// `--features mpi`), with PDLP and no crossover; implied when a launcher started more
    /// than one rank.
    #[arg(long)]
    pub distributed: bool,
    /// Across ranks: rows and columns are spread in blocks of this many (a multiple of 4 096
    /// gives one process's chunks; a smaller one spreads a small LP, with the same bits on any
    /// number of ranks for the same granule).
    #[arg(long, value_name = "N", default_value_t = 16384)]
    pub granule: usize,
    /// Across ranks: save the state of the run in this folder every --checkpoint-every
    /// iterations, so that a run that fails can go on with --resume. The folder must be shared
    /// by the ranks.
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// PDHG iterations between two checkpoints (a state is 16 vectors of this rank's rows and
    /// columns).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub checkpoint_every: usize,
    /// Go on from the last complete checkpoint in --checkpoint DIR (same LP, settings and
    /// number of ranks): the answer has the bits of an uninterrupted run.
    #[arg(long, requires = "checkpoint")]
    pub resume: bool,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Objective directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SenseArg {
    /// Minimise.
    Min,
    /// Maximise.
    Max,
}

impl From<SenseArg> for plenty_core::lp::Sense {
    fn from(s: SenseArg) -> Self {
        match s {
            SenseArg::Min => plenty_core::lp::Sense::Minimize,
            SenseArg::Max => plenty_core::lp::Sense::Maximize,
        }
    }
}

/// Feasibility measures of `lp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LpFeasibilityArg {
    /// Row by row, relative to each bound.
    Row,
    /// Relative to the largest bound.
    Global,
}

/// PDHG schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// Adaptive steps and restarts (PDLP).
    Adaptive,
    /// Reflected restarted Halpern iteration (cuPDLPx).
    Halpern,
}

/// Tables of `lp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LpTableArg {
    /// One row per column: value, reduced cost, cost, bounds.
    Columns,
    /// One row per row: activity, dual, bounds.
    Rows,
}

/// Solvers of `lp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LpBackendArg {
    /// The interior-point method where its factor fits, else PDLP; the report says why.
    Auto,
    /// plenty's interior-point method.
    Ipm,
    /// plenty's PDLP solver with crossover.
    Pdlp,
    /// The same as pdlp (the name of earlier versions).
    Native,
    /// HiGHS (a build with `--features highs`).
    Highs,
}
