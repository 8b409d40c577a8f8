//! Multi-year plans in the planning file: a `[years]` table and `[[capital]]` entries on top of
//! the products, techniques, labour and resources of [`crate::planning_file`].
//!
//! ```toml
//! [years]
//! count = 5                  # T, the years of the plan
//! first = 2027               # the first year's number (for tables and plots; default 1)
//! growth = 0.03              # targets grow 3 % a year from the products' targets (default 0)
//! targets = { bread = [10, 11, 12, 13, 14] }   # or year by year, per product
//! labour = [2000, 2020, 2040, 2060, 2080]      # hours per year (default: [labour] hours,
//! labour_growth = 0.01                         #   growing at labour_growth)
//! resources = { land = [120, 120, 118, 118, 115] }   # limits per year (default: the limit)
//! workers = 40               # people sharing the work, or one number per year (optional)
//! weeks = 46                 # weeks of work in a year (default 52)
//! terminal = "at-least-start"   # "none" (Cockshott's), "at-least-start" or "growing"
//! terminal_growth = 0.03     # the rate of "growing" (default: the targets' growth)
//! targets_required = true    # every year must meet its targets in full (default false)
//!
//! [[capital]]
//! process = "bakery"         # the technique (or the product of a one-technique product)
//! good = "ovens"             # the capital good
//! per_unit = 0.2             # units of stock per run
//! stock = 30                 # stock at the start
//! depreciation = 0.05        # a year (default 0)
//! lag = 2                    # years from investment to capacity (default 1)
//! ```
//!
//! A multi-year plan has one type of labour (`[labour]`). Every error names the line and
//! column of the offending entry.

use crate::error::{IoError, Result};
use crate::planning_file::{parse_planning_file, Locator, PlanningFile};
use crate::spec::toml_error;
use crate::table::suggest;
use plenty_core::plan::multiyear::{
    CapitalCell, Horizon, MultiYearEconomy, Technique, TerminalCondition, Variant, YearOutcome,
    YearsObjective,
};
use plenty_core::plan::{PlanningEconomy, UNLIMITED};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// A number for every year, or one for all.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PerYear {
    /// The same every year.
    One(f64),
    /// Year by year.
    Years(Vec<f64>),
}

/// `[years]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearsEntry {
    /// The years of the plan.
    pub count: Spanned<i64>,
    /// The first year's number.
    pub first: Option<i64>,
    /// Yearly growth of the targets.
    pub growth: Option<Spanned<f64>>,
    /// Targets year by year, per product.
    #[serde(default)]
    pub targets: BTreeMap<Spanned<String>, Spanned<Vec<f64>>>,
    /// Hours of labour per year.
    pub labour: Option<Spanned<PerYear>>,
    /// Yearly growth of the hours.
    pub labour_growth: Option<Spanned<f64>>,
    /// Resource limits year by year.
    #[serde(default)]
    pub resources: BTreeMap<Spanned<String>, Spanned<PerYear>>,
    /// People sharing the work.
    pub workers: Option<Spanned<PerYear>>,
    /// Weeks of work in a year.
    pub weeks: Option<Spanned<f64>>,
    /// `none`, `at-least-start` or `growing`.
    pub terminal: Option<Spanned<String>>,
    /// The rate of `growing`.
    pub terminal_growth: Option<Spanned<f64>>,
    /// Every year must meet its targets.
    #[serde(default)]
    pub targets_required: bool,
}

/// A `[[capital]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapitalEntry {
    /// The technique that needs the stock (or the product of a one-technique product).
    pub process: Spanned<String>,
    /// The capital good.
    pub good: Spanned<String>,
    /// Units of stock per run.
    pub per_unit: Spanned<f64>,
    /// Stock at the start.
    pub stock: Spanned<f64>,
    /// Yearly depreciation.
    pub depreciation: Option<Spanned<f64>>,
    /// Years from investment to capacity.
    pub lag: Option<Spanned<i64>>,
}

/// A multi-year economy read from a planning file, with what tables and plots need.
#[derive(Debug, Clone)]
pub struct LoadedYears {
    /// The economy.
    pub economy: MultiYearEconomy,
    /// Its name, if given.
    pub name: Option<String>,
    /// The number of the first year.
    pub first_year: i64,
}

/// Whether the text of a TOML file declares a multi-year plan (a `[years]` table).
pub fn is_multi_year(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "[years]")
}

/// Reads a multi-year planning file.
pub fn load_multi_year(path: &Path) -> Result<LoadedYears> {
    let text = crate::error::read_text(path)?;
    parse_multi_year(path, &text)
}

/// Parses the text of a multi-year planning file (`path` is used in messages).
pub fn parse_multi_year(path: &Path, text: &str) -> Result<LoadedYears> {
    let file: PlanningFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let at = Locator { path, text };
    let Some(years) = &file.years else {
        return Err(IoError::file(
            path,
            "no [years] table: this is a single-year plan",
        ));
    };
    let (technology, name) = parse_planning_file(path, text, &file)?;
    let y = years.get_ref();
    let count = *y.count.get_ref();
    if !(1..=1000).contains(&count) {
        return Err(at.error(
            y.count.span(),
            format!("[years] count is {count}; give the number of years of the plan, from 1 up"),
        ));
    }
    let t_count = count as usize;
    let e = &technology;
    if e.labour_types().len() != 1 {
        return Err(IoError::file(
            path,
            "a multi-year plan has one type of labour: declare [labour] once, with its hours",
        ));
    }
    let growth = rate(&at, y.growth.as_ref(), "[years] growth")?;
    let mut targets: Vec<Vec<f64>> = (0..t_count)
        .map(|t| {
            e.products()
                .iter()
                .map(|p| p.target * (1.0 + growth).powi(t as i32))
                .collect()
        })
        .collect();
    for (name, path_values) in &y.targets {
        let j = find(
            &at,
            name,
            e.products().iter().map(|p| p.name.as_str()),
            "[years] targets names a product:",
        )?;
        let values = years_of(
            &at,
            path_values.span(),
            path_values.get_ref(),
            t_count,
            &format!("the targets of {:?}", name.get_ref()),
        )?;
        for (t, v) in values.into_iter().enumerate() {
            targets[t][j] = v;
        }
    }
    let base_hours = e.labour_types()[0].hours;
    let labour_available = match &y.labour {
        Some(l) => per_year(&at, l, t_count, "[years] labour")?,
        None => {
            if base_hours >= UNLIMITED || !base_hours.is_finite() {
                return Err(at.error(years.span(), "a multi-year plan needs the hours of labour: give [labour] hours, or [years] labour per year".into()));
            }
            let g = rate(&at, y.labour_growth.as_ref(), "[years] labour_growth")?;
            (0..t_count)
                .map(|t| base_hours * (1.0 + g).powi(t as i32))
                .collect()
        }
    };
    let mut resource_limits: Vec<Vec<Option<f64>>> = (0..t_count)
        .map(|_| {
            e.resources()
                .iter()
                .map(|r| (r.limit < UNLIMITED && r.limit.is_finite()).then_some(r.limit))
                .collect()
        })
        .collect();
    for (name, values) in &y.resources {
        let q = find(
            &at,
            name,
            e.resources().iter().map(|r| r.name.as_str()),
            "[years] resources names a [[resource]]:",
        )?;
        for (t, v) in per_year(
            &at,
            values,
            t_count,
            &format!("the limits of {:?}", name.get_ref()),
        )?
        .into_iter()
        .enumerate()
        {
            resource_limits[t][q] = Some(v);
        }
    }
    let workers = match &y.workers {
        Some(w) => per_year(&at, w, t_count, "[years] workers")?,
        None => Vec::new(),
    };
    // "growing" without a rate goes on at the targets' own rate, known once the economy is.
    let terminal = match &y.terminal {
        None => TerminalCondition::None,
        Some(name) => terminal_of(
            &at,
            name,
            y.terminal_growth.as_ref(),
            "[years] ",
            Ok(f64::NAN),
        )?,
    };
    let cells = read_capital(&at, &file, e)?;
    let mut economy = MultiYearEconomy {
        goods: e.products().iter().map(|p| p.name.clone()).collect(),
        processes: e
            .processes()
            .map(|p| Technique {
                name: p.name().to_string(),
                outputs: p.outputs().collect(),
                inputs: p.inputs().collect(),
                labour: p.labour().map(|(_, v)| v).sum(),
                resources: p.resources().collect(),
                capacity: (p.capacity() < UNLIMITED && p.capacity().is_finite())
                    .then(|| p.capacity()),
            })
            .collect(),
        resources: e.resources().iter().map(|r| r.name.clone()).collect(),
        cells,
        targets,
        committed: e.committed(),
        labour_available,
        resource_limits: if e.resources().is_empty() {
            Vec::new()
        } else {
            resource_limits
        },
        in_construction: Vec::new(),
        terminal,
        least_fulfilment: if y.targets_required { 1.0 } else { 0.0 },
        workers,
        weeks_per_year: match &y.weeks {
            Some(w) => at.number(w, "[years] weeks", true, false)?,
            None => 52.0,
        },
    };
    let own_rate = economy.target_growth().max(0.0);
    if let TerminalCondition::Growing { rate } = &mut economy.terminal {
        if rate.is_nan() {
            *rate = own_rate;
        }
    }
    economy
        .validate()
        .map_err(|err| at.error(years.span(), err.to_string()))?;
    Ok(LoadedYears {
        economy,
        name,
        first_year: y.first.unwrap_or(1),
    })
}

/// A terminal condition by name (`none`, `at-least-start`, `growing`); `growing` takes its
/// rate from `growth`, else from `missing` (a rate, or the error to give).
fn terminal_of(
    at: &Locator<'_>,
    name: &Spanned<String>,
    growth: Option<&Spanned<f64>>,
    prefix: &str,
    missing: std::result::Result<f64, &str>,
) -> Result<TerminalCondition> {
    Ok(match name.get_ref().as_str() {
        "none" => TerminalCondition::None,
        "at-least-start" => TerminalCondition::AtLeastStart,
        "growing" => TerminalCondition::Growing {
            rate: match (growth, missing) {
                (Some(g), _) => at.amount(g, &format!("{prefix}terminal_growth"))?,
                (None, Ok(rate)) => rate,
                (None, Err(why)) => return Err(at.error(name.span(), why.into())),
            },
        },
        other => {
            return Err(at.error(
                name.span(),
                format!(
                "{prefix}terminal is {other:?}; give \"none\", \"at-least-start\" or \"growing\""
            ),
            ))
        }
    })
}

fn rate(at: &Locator<'_>, v: Option<&Spanned<f64>>, what: &str) -> Result<f64> {
    match v {
        None => Ok(0.0),
        Some(v) => {
            let x = *v.get_ref();
            if x.is_finite() && x > -1.0 {
                Ok(x)
            } else {
                Err(at.error(
                    v.span(),
                    format!("{what} is {x}; give a rate above −1 (0.03 is 3 % a year)"),
                ))
            }
        }
    }
}

fn find<'a>(
    at: &Locator<'_>,
    name: &Spanned<String>,
    names: impl Iterator<Item = &'a str> + Clone,
    what: &str,
) -> Result<usize> {
    names
        .clone()
        .position(|n| n == name.get_ref())
        .ok_or_else(|| {
            at.error(
                name.span(),
                format!(
                    "{what} {:?} is not known{}",
                    name.get_ref(),
                    suggest(name.get_ref(), names)
                ),
            )
        })
}

fn years_of(
    at: &Locator<'_>,
    span: std::ops::Range<usize>,
    values: &[f64],
    years: usize,
    what: &str,
) -> Result<Vec<f64>> {
    if values.len() != years {
        return Err(at.error(
            span,
            format!(
                "{what}: {} values for {years} years; give one per year",
                values.len()
            ),
        ));
    }
    if let Some(v) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(at.error(
            span,
            format!("{what}: {v} is not a finite amount of 0 or more"),
        ));
    }
    Ok(values.to_vec())
}

fn per_year(at: &Locator<'_>, v: &Spanned<PerYear>, years: usize, what: &str) -> Result<Vec<f64>> {
    match v.get_ref() {
        PerYear::One(x) => years_of(at, v.span(), &vec![*x; years], years, what),
        PerYear::Years(list) => years_of(at, v.span(), list, years, what),
    }
}

/// The `[[capital]]` entries as cells: a technique by name, or the product of a product with
/// one technique.
fn read_capital(
    at: &Locator<'_>,
    file: &PlanningFile,
    e: &PlanningEconomy,
) -> Result<Vec<CapitalCell>> {
    let mut cells: Vec<CapitalCell> = Vec::with_capacity(file.capital.len());
    for entry in &file.capital {
        let c = entry.get_ref();
        let wanted = c.process.get_ref();
        let process = match e.process_index(wanted) {
            Some(p) => p,
            None => {
                let makers: Vec<usize> = e
                    .product_index(wanted)
                    .map(|j| {
                        e.processes()
                            .filter(|p| p.outputs().any(|(k, _)| k == j))
                            .map(|p| p.index())
                            .collect()
                    })
                    .unwrap_or_default();
                match makers.as_slice() {
                    [p] => *p,
                    [] => {
                        return Err(at.error(
                            c.process.span(),
                            format!(
                                "[[capital]] process {wanted:?} is not a technique{}",
                                suggest(wanted, e.process_names().iter().map(String::as_str))
                            ),
                        ));
                    }
                    _ => {
                        return Err(at.error(c.process.span(), format!("[[capital]] process {wanted:?} names a product with several techniques; name the technique")));
                    }
                }
            }
        };
        let good = find(
            at,
            &c.good,
            e.products().iter().map(|p| p.name.as_str()),
            "[[capital]] good names a product:",
        )?;
        let lag = match &c.lag {
            None => 1,
            Some(l) if (1..=100).contains(l.get_ref()) => *l.get_ref() as usize,
            Some(l) => {
                return Err(at.error(
                    l.span(),
                    format!("the lag is {}; give whole years, 1 or more", l.get_ref()),
                ))
            }
        };
        let depreciation = match &c.depreciation {
            None => 0.0,
            Some(d) if (0.0..=1.0).contains(d.get_ref()) => *d.get_ref(),
            Some(d) => {
                return Err(at.error(
                    d.span(),
                    format!(
                        "the depreciation is {}; give a yearly rate between 0 and 1",
                        d.get_ref()
                    ),
                ))
            }
        };
        if cells.iter().any(|x| x.good == good && x.process == process) {
            return Err(at.error(
                entry.span(),
                format!(
                    "{:?}'s stock of {:?} is given twice",
                    e.process_names()[process],
                    c.good.get_ref()
                ),
            ));
        }
        cells.push(CapitalCell {
            good,
            process,
            per_unit: at.amount(&c.per_unit, "per_unit")?,
            depreciation,
            initial_stock: at.amount(&c.stock, "the stock")?,
            lag,
        });
    }
    Ok(cells)
}

/// What happened in a plan's first year, as written (`plenty plan --replan FILE`).
///
/// ```toml
/// horizon = "roll"           # "roll" (years 2..T+1, default) or "keep" (years 2..T)
/// [delivered]                # share of its planned output each technique delivered
/// farm = 0.7
/// [[capital_lost]]           # stock lost by the end of the year
/// process = "farm"
/// good = "tools"
/// share = 0.25
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeFile {
    horizon: Option<Spanned<String>>,
    #[serde(default)]
    delivered: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    capital_lost: Vec<Spanned<LostEntry>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LostEntry {
    process: Spanned<String>,
    good: Spanned<String>,
    share: Spanned<f64>,
}

/// Reads what happened in the first year of a plan of `economy`.
pub fn load_outcome(path: &Path, economy: &MultiYearEconomy) -> Result<(YearOutcome, Horizon)> {
    let text = crate::error::read_text(path)?;
    let file: OutcomeFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    let at = Locator { path, text: &text };
    let names = || economy.processes.iter().map(|p| p.name.as_str());
    let share = |v: &Spanned<f64>, what: &str| -> Result<f64> {
        let x = *v.get_ref();
        if (0.0..=1.0).contains(&x) {
            Ok(x)
        } else {
            Err(at.error(
                v.span(),
                format!("{what} is {x}; give a share between 0 and 1"),
            ))
        }
    };
    let mut outcome = YearOutcome::default();
    for (name, v) in &file.delivered {
        let p = find(&at, name, names(), "[delivered] names a technique:")?;
        outcome
            .delivered
            .push((p, share(v, "the share delivered")?));
    }
    for entry in &file.capital_lost {
        let l = entry.get_ref();
        let p = find(
            &at,
            &l.process,
            names(),
            "[[capital_lost]] process names a technique:",
        )?;
        let g = find(
            &at,
            &l.good,
            economy.goods.iter().map(String::as_str),
            "[[capital_lost]] good names a product:",
        )?;
        let c = economy
            .cells
            .iter()
            .position(|c| c.process == p && c.good == g)
            .ok_or_else(|| {
                at.error(
                    entry.span(),
                    format!(
                        "{:?} holds no stock of {:?}: no [[capital]] entry gives one",
                        l.process.get_ref(),
                        l.good.get_ref()
                    ),
                )
            })?;
        outcome
            .capital_lost
            .push((c, share(&l.share, "the share lost")?));
    }
    let horizon = match file
        .horizon
        .as_ref()
        .map(|h| (h.get_ref().as_str(), h.span()))
    {
        None | Some(("roll", _)) => Horizon::Roll,
        Some(("keep", _)) => Horizon::Keep,
        Some((other, span)) => {
            return Err(at.error(
                span,
                format!("horizon is {other:?}; give \"roll\" or \"keep\""),
            ))
        }
    };
    Ok((outcome, horizon))
}

/// Variants of a plan, as written (`plenty plan --compare FILE`).
///
/// ```toml
/// [[variant]]
/// name = "balanced"
/// objective = "min-lambda"    # lambda, min-lambda, discounted or harmony (default: --objective)
/// discount = 0.03             # the rate of "discounted"
/// growth = 0.03               # targets grow at this rate from the first year's
/// terminal = "growing"        # none, at-least-start or growing
/// terminal_growth = 0.05
/// targets_required = true
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantsFile {
    variant: Vec<Spanned<VariantEntry>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantEntry {
    name: String,
    objective: Option<Spanned<String>>,
    discount: Option<Spanned<f64>>,
    growth: Option<Spanned<f64>>,
    terminal: Option<Spanned<String>>,
    terminal_growth: Option<Spanned<f64>>,
    targets_required: Option<bool>,
}

/// Reads the variants to compare.
pub fn load_variants(path: &Path) -> Result<Vec<Variant>> {
    let text = crate::error::read_text(path)?;
    let file: VariantsFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    let at = Locator { path, text: &text };
    if file.variant.is_empty() {
        return Err(IoError::file(
            path,
            "no [[variant]] entries; give at least one",
        ));
    }
    file.variant
        .iter()
        .map(|entry| {
            let v = entry.get_ref();
            let objective = match v.objective.as_ref().map(|o| (o.get_ref().as_str(), o.span())) {
                None => None,
                Some(("lambda", _)) => Some(YearsObjective::SumLambda),
                Some(("min-lambda", _)) => Some(YearsObjective::MinLambda),
                Some(("harmony", _)) => Some(YearsObjective::Harmony),
                Some(("discounted", _)) => Some(YearsObjective::Discounted {
                    rate: match &v.discount {
                        Some(d) => at.amount(d, "discount")?,
                        None => 0.03,
                    },
                }),
                Some((other, span)) => {
                    return Err(at.error(span, format!("objective is {other:?}; give lambda, min-lambda, discounted or harmony")));
                }
            };
            let terminal = match &v.terminal {
                None => None,
                Some(name) => Some(terminal_of(
                    &at,
                    name,
                    v.terminal_growth.as_ref(),
                    "",
                    Err("terminal = \"growing\" in a variant needs terminal_growth"),
                )?),
            };
            Ok(Variant {
                name: v.name.clone(),
                objective,
                target_growth: match &v.growth {
                    Some(g) => Some(rate(&at, Some(g), "growth")?),
                    None => None,
                },
                terminal,
                least_fulfilment: v.targets_required.map(|r| if r { 1.0 } else { 0.0 }),
            })
        })
        .collect()
}
