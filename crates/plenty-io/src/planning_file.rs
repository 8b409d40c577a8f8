//! The planning economy file (TOML) and the planning folder (tables, for large economies).
//!
//! ## The file
//!
//! It extends the economy file of [`crate::economy_file`]: a file written for `plenty values`,
//! with one process per product, loads unchanged (one labour type `"labour"` with unlimited
//! hours, `final_demand` read as the target, `satellites` as unlimited resource accounts).
//!
//! ```toml
//! name = "A valley"
//!
//! [[labour]]                   # one entry per type; or [labour] for a single type
//! name = "skilled"
//! hours = 2000                 # hours available; leave out for no limit
//!
//! [[resource]]
//! name = "land"
//! unit = "ha"
//! limit = 120                  # leave out for an account without a limit
//!
//! [[product]]
//! name = "grain"
//! unit = "t"
//! target = 10                  # d_i, units per bundle of the target assortment (or final_demand)
//! committed = 40               # d0_i, to be met in full
//! weight = 1                   # harmony weight (default 1)
//!
//! [[process]]
//! name = "plough"              # optional when a product has one technique
//! product = "grain"            # one output …
//! output = 1.0                 # … of this many units per run (default 1)
//! # outputs = { wool = 2, mutton = 1 }   # … or several (joint production)
//! inputs = { tools = 0.02 }
//! labour = 3                   # hours per run, or { skilled = 1, unskilled = 2 }
//! resources = { land = 0.5 }
//! capacity = 100               # at most this many runs (optional)
//!
//! [targets]                    # optional: targets by product name instead of in [[product]]
//! grain = 10
//! [committed]                  # optional: committed needs by product name
//! grain = 40
//! ```
//!
//! Every error names the line and column of the offending entry and, for an unknown name, the
//! nearest known one ("did you mean …?").
//!
//! ## The planning folder
//!
//! For economies too large to write by hand (and for [`plenty_core::plan::generate_plan`]):
//!
//! ```text
//!  products.csv     name,unit,target,committed,weight
//!  labour.csv       name,hours                  (empty hours: no limit)
//!  resources.csv    name,unit,limit             (optional; empty limit: no limit)
//!  processes.csv    name,capacity               (empty capacity: none)
//!  outputs.mtx      B, products × processes     (Matrix Market)
//!  inputs.mtx       A, products × processes
//!  labour.mtx       L, labour types × processes
//!  resources.mtx    R, resources × processes    (optional)
//! ```

use crate::error::{IoError, Result};
use crate::mtx::{format_f64, read_matrix, write_matrix_with_comment};
use crate::spec::toml_error;
use crate::table::suggest;
use plenty_core::plan::{
    LabourType, PlanningEconomy, PlanningEconomyBuilder, ProcessSpec, Product, Resource, UNLIMITED,
};
use plenty_core::CsrMatrix;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A map of names to amounts, each with its place in the file.
pub type Amounts = BTreeMap<Spanned<String>, Spanned<f64>>;

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanningFile {
    /// Name of the economy.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// `[labour]` (one type) or `[[labour]]` (several).
    pub labour: Option<Spanned<LabourDecl>>,
    /// `[[resource]]` entries.
    #[serde(default)]
    pub resource: Vec<Spanned<ResourceEntry>>,
    /// `[[product]]` entries.
    #[serde(default)]
    pub product: Vec<Spanned<ProductEntry>>,
    /// `[[process]]` entries.
    #[serde(default)]
    pub process: Vec<Spanned<ProcessEntry>>,
    /// `[targets]`: targets by product name.
    pub targets: Option<Amounts>,
    /// `[committed]`: committed needs by product name.
    pub committed: Option<Amounts>,
    /// `[years]`: a multi-year plan ([`crate::multiyear_file`]).
    pub years: Option<Spanned<crate::multiyear_file::YearsEntry>>,
    /// `[[capital]]` entries of a multi-year plan.
    #[serde(default)]
    pub capital: Vec<Spanned<crate::multiyear_file::CapitalEntry>>,
}

/// `[labour]` or `[[labour]]`.
#[derive(Debug, Clone)]
pub enum LabourDecl {
    /// A single table: one labour type.
    One(LabourEntry),
    /// An array of tables: several types.
    Many(Vec<Spanned<LabourEntry>>),
}

impl<'de> Deserialize<'de> for LabourDecl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LabourDecl;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [labour] table or [[labour]] entries")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<LabourDecl, A::Error> {
                LabourEntry::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(LabourDecl::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                seq: A,
            ) -> std::result::Result<LabourDecl, A::Error> {
                Vec::<Spanned<LabourEntry>>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(LabourDecl::Many)
            }
        }
        d.deserialize_any(V)
    }
}

/// One labour type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabourEntry {
    /// Name; default `"labour"` (only for a single `[labour]` table).
    pub name: Option<Spanned<String>>,
    /// Unit of the hours (reported only), default `"hours"`.
    pub unit: Option<String>,
    /// Hours available; no limit when left out (or `inf`).
    pub hours: Option<Spanned<f64>>,
}

/// `[[resource]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceEntry {
    /// Unique name.
    pub name: Spanned<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Amount available; no limit when left out (an account that is only reported).
    pub limit: Option<Spanned<f64>>,
}

/// `[[product]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    /// Unique name.
    pub name: Spanned<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Target `d_i` (default 0).
    pub target: Option<Spanned<f64>>,
    /// The issue-#2 name of the target.
    pub final_demand: Option<Spanned<f64>>,
    /// Committed need `d0_i` (default 0).
    pub committed: Option<Spanned<f64>>,
    /// Harmony weight (default 1).
    pub weight: Option<Spanned<f64>>,
}

/// `[[process]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessEntry {
    /// Name (needed when a product has several unnamed techniques only for clarity).
    pub name: Option<Spanned<String>>,
    /// The single product it makes…
    pub product: Option<Spanned<String>>,
    /// …in this quantity per run (default 1).
    pub output: Option<Spanned<f64>>,
    /// Or several products per run (joint production).
    pub outputs: Option<Spanned<Amounts>>,
    /// Products used per run.
    #[serde(default)]
    pub inputs: Amounts,
    /// Hours per run: a number (the only labour type) or `{ type = hours }`.
    pub labour: Option<Spanned<LabourUse>>,
    /// Resources used per run.
    #[serde(default)]
    pub resources: Amounts,
    /// Other accounts per run (issue-#2 economy files): resources without a limit unless a
    /// `[[resource]]` of that name gives one.
    #[serde(default)]
    pub satellites: Amounts,
    /// Largest number of runs.
    pub capacity: Option<Spanned<f64>>,
}

/// `labour = 3` or `labour = { skilled = 1 }`.
#[derive(Debug, Clone)]
pub enum LabourUse {
    /// Hours of the only labour type.
    Hours(f64),
    /// Hours by labour type.
    ByType(Amounts),
}

impl<'de> Deserialize<'de> for LabourUse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LabourUse;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("hours per run (a number) or a table of hours by labour type")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<LabourUse, E> {
                Ok(LabourUse::Hours(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<LabourUse, E> {
                Ok(LabourUse::Hours(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<LabourUse, E> {
                Ok(LabourUse::Hours(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<LabourUse, A::Error> {
                Amounts::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(LabourUse::ByType)
            }
        }
        d.deserialize_any(V)
    }
}

/// A planning economy read from a file or folder, with what the output's provenance needs.
#[derive(Debug, Clone)]
pub struct LoadedPlanning {
    /// The economy.
    pub economy: PlanningEconomy,
    /// Its name, if given.
    pub name: Option<String>,
    /// The files read (for hashing).
    pub inputs: Vec<PathBuf>,
}

/// Reads a planning file (`.toml`) or a planning folder.
pub fn load_planning(path: &Path) -> Result<LoadedPlanning> {
    if path.is_dir() {
        return read_planning_folder(path);
    }
    let text = std::fs::read_to_string(path).map_err(|e| IoError::os(path, &e))?;
    let (economy, name) = parse_planning(path, &text)?;
    Ok(LoadedPlanning {
        economy,
        name,
        inputs: vec![path.to_path_buf()],
    })
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |k| k + 1) + 1;
    (line, col)
}

/// Parses the text of a planning file (`path` is used in messages). Returns the economy and
/// its name.
pub fn parse_planning(path: &Path, text: &str) -> Result<(PlanningEconomy, Option<String>)> {
    let file: PlanningFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    parse_planning_file(path, text, &file)
}

/// The economy of an already parsed planning file (the technology of a multi-year file too).
pub(crate) fn parse_planning_file(
    path: &Path,
    text: &str,
    file: &PlanningFile,
) -> Result<(PlanningEconomy, Option<String>)> {
    let at = Locator { path, text };
    if file.product.is_empty() {
        return Err(IoError::file(
            path,
            "the economy has no [[product]] entries; add at least one",
        ));
    }
    let products = Products::read(&at, file)?;
    let labour = read_labour(&at, file)?;
    let resources = Resources::read(&at, file)?;
    let mut b = PlanningEconomyBuilder::new();
    for p in products.list.iter().cloned() {
        b.add_product(p);
    }
    for l in labour.iter().cloned() {
        b.add_labour(l);
    }
    for r in resources.list.iter().cloned() {
        b.add_resource(r);
    }
    let processes = Processes {
        at: &at,
        file,
        products: &products,
        labour: &labour,
        resources: &resources,
    };
    let mut namer = ProcessNamer::new(file);
    for (k, p) in file.process.iter().enumerate() {
        let (name, name_span) = namer.name(&at, k, p)?;
        let spec = processes.spec(k, name)?;
        b.add_process(spec)
            .map_err(|err| at.error(name_span, err.to_string()))?;
    }
    let economy = b.build().map_err(|e| IoError::file(path, e.to_string()))?;
    Ok((economy, file.name.clone()))
}

/// Turns a span of the planning file into an error with its line and column, and checks numbers.
pub(crate) struct Locator<'a> {
    pub(crate) path: &'a Path,
    pub(crate) text: &'a str,
}

impl Locator<'_> {
    pub(crate) fn error(&self, span: Range<usize>, msg: String) -> IoError {
        let (line, col) = line_col(self.text, span.start);
        IoError::at_cell(self.path, line, col, None, msg)
    }

    /// A number: finite and ≥ 0 (or > 0 when `positive`); `limit` allows +inf for "no limit".
    pub(crate) fn number(
        &self,
        v: &Spanned<f64>,
        what: &str,
        positive: bool,
        limit: bool,
    ) -> Result<f64> {
        let x = *v.get_ref();
        if x.is_nan() || (x.is_infinite() && !(limit && x > 0.0)) {
            return Err(self.error(
                v.span(),
                format!(
                    "{what} is {x}; it must be a finite number{}",
                    if limit {
                        " (leave it out for no limit)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        if x < 0.0 || (positive && x == 0.0) {
            return Err(self.error(
                v.span(),
                format!(
                    "{what} is {x}; it must be {}",
                    if positive { "positive" } else { "zero or more" }
                ),
            ));
        }
        Ok(x)
    }

    /// A quantity that is zero or more.
    pub(crate) fn amount(&self, v: &Spanned<f64>, what: &str) -> Result<f64> {
        self.number(v, what, false, false)
    }
}

/// The `[[product]]` entries, with `[targets]` and `[committed]` applied.
struct Products {
    list: Vec<Product>,
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Products {
    fn read(at: &Locator<'_>, file: &PlanningFile) -> Result<Self> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut list = Vec::with_capacity(file.product.len());
        for p in &file.product {
            let e = p.get_ref();
            let name = e.name.get_ref();
            if name.is_empty() {
                return Err(at.error(e.name.span(), "a product needs a name".into()));
            }
            if index.insert(name.clone(), list.len()).is_some() {
                return Err(at.error(
                    e.name.span(),
                    format!("the product {name:?} is defined twice"),
                ));
            }
            let target = match (&e.target, &e.final_demand) {
                (Some(_), Some(f)) => {
                    return Err(at.error(
                        f.span(),
                        format!("product {name:?} gives both target and final_demand; keep one (they mean the same here)"),
                    ))
                }
                (Some(t), None) | (None, Some(t)) => at.amount(t, &format!("the target of {name:?}"))?,
                (None, None) => 0.0,
            };
            list.push(Product {
                name: name.clone(),
                unit: e.unit.clone(),
                target,
                committed: match &e.committed {
                    Some(v) => at.amount(v, &format!("the committed need of {name:?}"))?,
                    None => 0.0,
                },
                weight: match &e.weight {
                    Some(v) => at.amount(v, &format!("the weight of {name:?}"))?,
                    None => 1.0,
                },
            });
        }
        let names = list.iter().map(|p| p.name.clone()).collect();
        let mut products = Self { list, index, names };
        products.apply_tables(at, file)?;
        Ok(products)
    }

    /// The product a name refers to, or an error with a suggestion.
    fn find(&self, at: &Locator<'_>, s: &Spanned<String>, what: &str) -> Result<usize> {
        self.index.get(s.get_ref()).copied().ok_or_else(|| {
            at.error(
                s.span(),
                format!(
                    "{what} {:?} is not a [[product]]{}",
                    s.get_ref(),
                    suggest(s.get_ref(), self.names.iter().map(String::as_str))
                ),
            )
        })
    }

    /// `[targets]` and `[committed]`: each product's value may be given there or in its entry,
    /// not both.
    fn apply_tables(&mut self, at: &Locator<'_>, file: &PlanningFile) -> Result<()> {
        for (table, what, set_target) in [
            (&file.targets, "target", true),
            (&file.committed, "committed need", false),
        ] {
            let Some(map) = table else { continue };
            for (k, v) in map {
                let section = if set_target { "targets" } else { "committed" };
                let i = self.find(at, k, &format!("[{section}] names a product:"))?;
                let x = at.amount(v, &format!("the {what} of {:?}", k.get_ref()))?;
                let entry = file.product[i].get_ref();
                let given = if set_target {
                    entry.target.is_some() || entry.final_demand.is_some()
                } else {
                    entry.committed.is_some()
                };
                if given {
                    return Err(at.error(
                        k.span(),
                        format!(
                            "the {what} of {:?} is also given in its [[product]] entry; keep one",
                            k.get_ref()
                        ),
                    ));
                }
                if set_target {
                    self.list[i].target = x;
                } else {
                    self.list[i].committed = x;
                }
            }
        }
        Ok(())
    }
}

/// The labour types: `[labour]` (one), `[[labour]]` (several), or one unlimited type called
/// "labour" when the file declares none.
fn read_labour(at: &Locator<'_>, file: &PlanningFile) -> Result<Vec<LabourType>> {
    let mut labour: Vec<LabourType> = Vec::new();
    let mut add = |e: &LabourEntry, default_name: Option<&str>, span: Range<usize>| -> Result<()> {
        let name = match (&e.name, default_name) {
            (Some(n), _) => n.get_ref().clone(),
            (None, Some(d)) => d.to_string(),
            (None, None) => {
                return Err(at.error(span, "a [[labour]] entry needs a name".into()));
            }
        };
        if labour.iter().any(|l| l.name == name) {
            let s = e.name.as_ref().map_or(span, |n| n.span());
            return Err(at.error(s, format!("the labour type {name:?} is defined twice")));
        }
        let hours = match &e.hours {
            Some(h) => at.number(
                h,
                &format!("the hours of labour type {name:?}"),
                false,
                true,
            )?,
            None => UNLIMITED,
        };
        labour.push(LabourType { name, hours });
        Ok(())
    };
    match &file.labour {
        None => add(
            &LabourEntry {
                name: None,
                unit: None,
                hours: None,
            },
            Some("labour"),
            0..0,
        )?,
        Some(decl) => match decl.get_ref() {
            LabourDecl::One(e) => add(e, Some("labour"), decl.span())?,
            LabourDecl::Many(v) => {
                if v.is_empty() {
                    return Err(at.error(
                        decl.span(),
                        "[[labour]] is empty; declare at least one labour type".into(),
                    ));
                }
                for e in v {
                    add(e.get_ref(), None, e.span())?;
                }
            }
        },
    }
    Ok(labour)
}

/// The resources: the declared `[[resource]]` entries, then (unlimited) every satellite
/// account a process names that is not declared.
struct Resources {
    list: Vec<Resource>,
    names: Vec<String>,
    declared: usize,
}

impl Resources {
    fn read(at: &Locator<'_>, file: &PlanningFile) -> Result<Self> {
        let mut list: Vec<Resource> = Vec::new();
        for r in &file.resource {
            let e = r.get_ref();
            let name = e.name.get_ref();
            if name.is_empty() {
                return Err(at.error(e.name.span(), "a resource needs a name".into()));
            }
            if list.iter().any(|x| &x.name == name) {
                return Err(at.error(
                    e.name.span(),
                    format!("the resource {name:?} is defined twice"),
                ));
            }
            list.push(Resource {
                name: name.clone(),
                unit: e.unit.clone(),
                limit: match &e.limit {
                    Some(v) => {
                        at.number(v, &format!("the limit of resource {name:?}"), false, true)?
                    }
                    None => UNLIMITED,
                },
            });
        }
        let declared = list.len();
        for p in &file.process {
            for k in p.get_ref().satellites.keys() {
                if !list.iter().any(|r| &r.name == k.get_ref()) {
                    list.push(Resource {
                        name: k.get_ref().clone(),
                        unit: None,
                        limit: UNLIMITED,
                    });
                }
            }
        }
        let names = list.iter().map(|r| r.name.clone()).collect();
        Ok(Self {
            list,
            names,
            declared,
        })
    }

    /// A declared resource by name, or an error saying how to declare it.
    fn find_declared(&self, at: &Locator<'_>, s: &Spanned<String>) -> Result<usize> {
        let declared = &self.names[..self.declared];
        declared
            .iter()
            .position(|r| r == s.get_ref())
            .ok_or_else(|| {
                at.error(
                    s.span(),
                    format!(
                        "{:?} is not a [[resource]]{}",
                        s.get_ref(),
                        if self.declared == 0 {
                            "; declare it with [[resource]] name = … limit = …".to_string()
                        } else {
                            suggest(s.get_ref(), declared.iter().map(String::as_str))
                        }
                    ),
                )
            })
    }
}

/// The `[[process]]` entries, read against the products, labour types and resources.
struct Processes<'a> {
    at: &'a Locator<'a>,
    file: &'a PlanningFile,
    products: &'a Products,
    labour: &'a [LabourType],
    resources: &'a Resources,
}

/// Names processes in file order. An unnamed process takes its product's name if it is that
/// product's only unnamed technique, else "product#k"; names must be unique.
struct ProcessNamer {
    unnamed_count: HashMap<String, usize>,
    unnamed_seen: HashMap<String, usize>,
    seen: HashMap<String, Range<usize>>,
}

impl ProcessNamer {
    fn new(file: &PlanningFile) -> Self {
        let mut unnamed_count: HashMap<String, usize> = HashMap::new();
        for p in &file.process {
            let e = p.get_ref();
            if let (None, Some(prod)) = (&e.name, &e.product) {
                *unnamed_count.entry(prod.get_ref().clone()).or_default() += 1;
            }
        }
        Self {
            unnamed_count,
            unnamed_seen: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    /// Process `k`'s name and the span naming it.
    fn name(
        &mut self,
        at: &Locator<'_>,
        k: usize,
        p: &Spanned<ProcessEntry>,
    ) -> Result<(String, Range<usize>)> {
        let e = p.get_ref();
        let name = match (&e.name, &e.product) {
            (Some(n), _) => n.get_ref().clone(),
            (None, Some(prod)) => {
                let pn = prod.get_ref();
                if self.unnamed_count.get(pn).copied().unwrap_or(0) > 1 {
                    let c = self.unnamed_seen.entry(pn.clone()).or_default();
                    *c += 1;
                    format!("{pn}#{c}")
                } else {
                    pn.clone()
                }
            }
            (None, None) => format!("process {}", k + 1),
        };
        let name_span = e.name.as_ref().map_or(p.span(), |n| n.span());
        if name.is_empty() {
            return Err(at.error(name_span, "a process needs a name".into()));
        }
        if self.seen.insert(name.clone(), name_span.clone()).is_some() {
            return Err(at.error(
                name_span,
                format!(
                    "the process {name:?} is defined twice{}",
                    if e.name.is_none() {
                        "; give the techniques names with name = …"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok((name, name_span))
    }
}

impl Processes<'_> {
    /// Process `k` as the builder takes it.
    fn spec(&self, k: usize, name: String) -> Result<ProcessSpec> {
        let p = &self.file.process[k];
        let e = p.get_ref();
        let name_span = e.name.as_ref().map_or(p.span(), |n| n.span());
        // Checked in this order, so that a file with several mistakes is told about the same
        // one first as before.
        let outputs = self.outputs(e, &name, name_span)?;
        let mut inputs = Vec::new();
        for (key, q) in &e.inputs {
            let i = self.products.find(self.at, key, "the input")?;
            let what = format!("the input of {:?} to process {name:?}", key.get_ref());
            inputs.push((i, self.at.amount(q, &what)?));
        }
        let labour = self.labour_use(e, &name)?;
        let resources = self.resource_use(e, &name)?;
        let capacity = match &e.capacity {
            Some(c) => {
                let what = format!("the capacity of process {name:?}");
                self.at.number(c, &what, false, true)?
            }
            None => UNLIMITED,
        };
        Ok(ProcessSpec {
            name,
            outputs,
            inputs,
            labour,
            resources,
            capacity,
        })
    }

    /// What the process makes: `product = …` (with `output = …`, default 1) or
    /// `outputs = { … }` (joint production).
    fn outputs(
        &self,
        e: &ProcessEntry,
        name: &str,
        name_span: Range<usize>,
    ) -> Result<Vec<(usize, f64)>> {
        let at = self.at;
        match (&e.product, &e.outputs) {
            (Some(_), Some(o)) => Err(at.error(
                o.span(),
                format!("process {name:?} gives both product and outputs; use product = … for one output or outputs = {{ … }} for several"),
            )),
            (Some(prod), None) => {
                let i = self.products.find(at, prod, "the process's product")?;
                let out = match &e.output {
                    Some(o) => at.number(o, &format!("the output of process {name:?}"), true, false)?,
                    None => 1.0,
                };
                Ok(vec![(i, out)])
            }
            (None, Some(o)) => {
                if let Some(out) = &e.output {
                    return Err(at.error(out.span(), format!("process {name:?}: output = … goes with product = …; with outputs = {{ … }} give each amount there")));
                }
                let mut v = Vec::new();
                for (k, q) in o.get_ref() {
                    let i = self.products.find(at, k, "the output")?;
                    let what = format!("the output of {:?} by process {name:?}", k.get_ref());
                    v.push((i, at.amount(q, &what)?));
                }
                if !v.iter().any(|(_, q)| *q > 0.0) {
                    return Err(at.error(o.span(), format!("process {name:?} has no output; a technique must make at least one product")));
                }
                Ok(v)
            }
            (None, None) => Err(at.error(
                name_span,
                format!("process {name:?} has no output: give product = \"…\" (one output) or outputs = {{ … }} (joint production)"),
            )),
        }
    }

    /// Hours per labour type: `labour = h` (one labour type) or `labour = { type = h }`.
    fn labour_use(&self, e: &ProcessEntry, name: &str) -> Result<Vec<(usize, f64)>> {
        let at = self.at;
        let Some(l) = &e.labour else {
            return Ok(Vec::new());
        };
        let labour_names: Vec<&str> = self.labour.iter().map(|l| l.name.as_str()).collect();
        match l.get_ref() {
            LabourUse::Hours(h) => {
                if labour_names.len() != 1 {
                    return Err(at.error(
                        l.span(),
                        format!(
                            "process {name:?}: labour = {h} does not say which of the {} labour types ({}); write labour = {{ type = hours }}",
                            labour_names.len(),
                            labour_names.join(", ")
                        ),
                    ));
                }
                let v = Spanned::new(l.span(), *h);
                Ok(vec![(
                    0,
                    at.amount(&v, &format!("the labour of process {name:?}"))?,
                )])
            }
            LabourUse::ByType(map) => {
                let mut lab = Vec::new();
                for (k, q) in map {
                    let h = labour_names
                        .iter()
                        .position(|n| *n == k.get_ref())
                        .ok_or_else(|| {
                            at.error(
                                k.span(),
                                format!(
                                    "{:?} is not a labour type{}",
                                    k.get_ref(),
                                    if self.file.labour.is_none() {
                                        "; declare it with [[labour]] name = …".to_string()
                                    } else {
                                        suggest(k.get_ref(), labour_names.iter().copied())
                                    }
                                ),
                            )
                        })?;
                    let what = format!("the hours of {:?} in process {name:?}", k.get_ref());
                    lab.push((h, at.amount(q, &what)?));
                }
                Ok(lab)
            }
        }
    }

    /// Use of declared resources (`resources = { … }`) and of satellite accounts
    /// (`satellites = { … }`), each resource in one of them only.
    fn resource_use(&self, e: &ProcessEntry, name: &str) -> Result<Vec<(usize, f64)>> {
        let at = self.at;
        let mut res = Vec::new();
        for (k, q) in &e.resources {
            let r = self.resources.find_declared(at, k)?;
            let what = format!("the use of {:?} by process {name:?}", k.get_ref());
            res.push((r, at.amount(q, &what)?));
        }
        for (k, q) in &e.satellites {
            let r = self
                .resources
                .names
                .iter()
                .position(|n| n == k.get_ref())
                .expect("every satellite account is a resource (Resources::read)");
            if res.iter().any(|(x, _)| *x == r) {
                return Err(at.error(
                    k.span(),
                    format!(
                        "process {name:?} gives {:?} in both resources and satellites; keep one",
                        k.get_ref()
                    ),
                ));
            }
            let what = format!("satellite {:?} of process {name:?}", k.get_ref());
            res.push((r, at.amount(q, &what)?));
        }
        Ok(res)
    }
}

/// Writes an economy as a planning folder (see the [module](self) documentation).
pub fn write_planning_folder(dir: &Path, e: &PlanningEconomy, comment: &[String]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|err| IoError::os(dir, &err))?;
    let num = |v: f64| {
        if v.is_finite() {
            format_f64(v)
        } else {
            String::new()
        }
    };
    let write_csv =
        |name: &str, header: &[&str], rows: &mut dyn Iterator<Item = Vec<String>>| -> Result<()> {
            let path = dir.join(name);
            let mut w = csv::Writer::from_path(&path)
                .map_err(|err| IoError::file(&path, err.to_string()))?;
            w.write_record(header)
                .map_err(|err| IoError::file(&path, err.to_string()))?;
            for r in rows {
                w.write_record(&r)
                    .map_err(|err| IoError::file(&path, err.to_string()))?;
            }
            w.flush().map_err(|err| IoError::os(&path, &err))
        };
    write_csv(
        "products.csv",
        &["name", "unit", "target", "committed", "weight"],
        &mut e.products().iter().map(|p| {
            vec![
                p.name.clone(),
                p.unit.clone().unwrap_or_default(),
                num(p.target),
                num(p.committed),
                num(p.weight),
            ]
        }),
    )?;
    write_csv(
        "labour.csv",
        &["name", "hours"],
        &mut e
            .labour_types()
            .iter()
            .map(|l| vec![l.name.clone(), num(l.hours)]),
    )?;
    write_csv(
        "resources.csv",
        &["name", "unit", "limit"],
        &mut e.resources().iter().map(|r| {
            vec![
                r.name.clone(),
                r.unit.clone().unwrap_or_default(),
                num(r.limit),
            ]
        }),
    )?;
    write_csv(
        "processes.csv",
        &["name", "capacity"],
        &mut e
            .process_names()
            .iter()
            .zip(e.capacities())
            .map(|(n, c)| vec![n.clone(), num(*c)]),
    )?;
    for (file, by_process) in [
        ("outputs.mtx", e.outputs_by_process()),
        ("inputs.mtx", e.inputs_by_process()),
        ("labour.mtx", e.labour_by_process()),
        ("resources.mtx", e.resources_by_process()),
    ] {
        write_matrix_with_comment(&dir.join(file), &by_process.transpose(), comment)?;
    }
    Ok(())
}

/// Whether `dir` looks like a planning folder.
pub fn is_planning_folder(dir: &Path) -> bool {
    dir.join("products.csv").exists() && dir.join("processes.csv").exists()
}

/// Reads a planning folder (see the [module](self) documentation).
pub fn read_planning_folder(dir: &Path) -> Result<LoadedPlanning> {
    if !is_planning_folder(dir) {
        return Err(IoError::file(
            dir,
            "not a planning folder: it needs products.csv, processes.csv, labour.csv, outputs.mtx, inputs.mtx and labour.mtx",
        ));
    }
    let mut inputs = Vec::new();
    let mut read_csv =
        |name: &str, header: &[&str], optional: bool| -> Result<Vec<(usize, Vec<String>)>> {
            let path = dir.join(name);
            if optional && !path.exists() {
                return Ok(Vec::new());
            }
            inputs.push(path.clone());
            let mut r = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_path(&path)
                .map_err(|err| IoError::file(&path, err.to_string()))?;
            let found: Vec<String> = r
                .headers()
                .map_err(|err| IoError::file(&path, err.to_string()))?
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                .collect();
            if found != header {
                return Err(IoError::at_line(
                    &path,
                    1,
                    format!(
                        "the header must be {:?}, found {:?}",
                        header.join(","),
                        found.join(",")
                    ),
                ));
            }
            let mut rows = Vec::new();
            for (k, rec) in r.records().enumerate() {
                let rec = rec.map_err(|err| IoError::at_line(&path, k + 2, err.to_string()))?;
                rows.push((k + 2, rec.iter().map(|c| c.trim().to_string()).collect()));
            }
            Ok(rows)
        };
    let parse = |path: &Path,
                 line: usize,
                 col: usize,
                 header: &str,
                 cell: &str,
                 empty: f64|
     -> Result<f64> {
        if cell.is_empty() {
            return Ok(empty);
        }
        cell.parse::<f64>().map_err(|_| {
            IoError::at_cell(
                path,
                line,
                col,
                Some(header),
                format!("{cell:?} is not a number"),
            )
        })
    };
    let products = read_csv(
        "products.csv",
        &["name", "unit", "target", "committed", "weight"],
        false,
    )?;
    let labour = read_csv("labour.csv", &["name", "hours"], false)?;
    let resources = read_csv("resources.csv", &["name", "unit", "limit"], true)?;
    let processes = read_csv("processes.csv", &["name", "capacity"], false)?;
    let mut b = PlanningEconomyBuilder::new();
    let pp = dir.join("products.csv");
    for (line, r) in &products {
        b.add_product(Product {
            name: r[0].clone(),
            unit: (!r[1].is_empty()).then(|| r[1].clone()),
            target: parse(&pp, *line, 3, "target", &r[2], 0.0)?,
            committed: parse(&pp, *line, 4, "committed", &r[3], 0.0)?,
            weight: parse(&pp, *line, 5, "weight", &r[4], 1.0)?,
        });
    }
    let lp = dir.join("labour.csv");
    for (line, r) in &labour {
        b.add_labour(LabourType {
            name: r[0].clone(),
            hours: parse(&lp, *line, 2, "hours", &r[1], UNLIMITED)?,
        });
    }
    let rp = dir.join("resources.csv");
    for (line, r) in &resources {
        b.add_resource(Resource {
            name: r[0].clone(),
            unit: (!r[1].is_empty()).then(|| r[1].clone()),
            limit: parse(&rp, *line, 3, "limit", &r[2], UNLIMITED)?,
        });
    }
    let (n, m, h, q) = (
        products.len(),
        processes.len(),
        labour.len(),
        resources.len(),
    );
    let mut matrix = |file: &str, rows: usize, optional: bool| -> Result<CsrMatrix> {
        let path = dir.join(file);
        if optional && !path.exists() && rows == 0 {
            return CsrMatrix::try_from_triplets(0, m, Vec::new())
                .map_err(|err| IoError::file(&path, err.to_string()));
        }
        let a = read_matrix(&path)?;
        inputs.push(path.clone());
        if a.nrows() != rows || a.ncols() != m {
            return Err(IoError::file(
                &path,
                format!("the matrix is {} × {}, but the folder has {rows} rows of this kind and {m} processes", a.nrows(), a.ncols()),
            ));
        }
        Ok(a.transpose())
    };
    let outputs = matrix("outputs.mtx", n, false)?;
    let inputs_m = matrix("inputs.mtx", n, false)?;
    let labour_m = matrix("labour.mtx", h, false)?;
    let resources_m = matrix("resources.mtx", q, true)?;
    let cp = dir.join("processes.csv");
    for (j, (line, r)) in processes.iter().enumerate() {
        b.add_process(ProcessSpec {
            name: r[0].clone(),
            outputs: outputs.row(j).collect(),
            inputs: inputs_m.row(j).collect(),
            labour: labour_m.row(j).collect(),
            resources: resources_m.row(j).collect(),
            capacity: parse(&cp, *line, 2, "capacity", &r[1], UNLIMITED)?,
        })
        .map_err(|err| IoError::at_line(&cp, *line, err.to_string()))?;
    }
    let economy = b
        .build()
        .map_err(|err| IoError::file(dir, err.to_string()))?;
    Ok(LoadedPlanning {
        economy,
        name: None,
        inputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
name = "valley"

[[labour]]
name = "skilled"
hours = 100

[[labour]]
name = "unskilled"

[[resource]]
name = "land"
unit = "ha"
limit = 40

[[product]]
name = "grain"
unit = "t"
target = 1
committed = 2

[[product]]
name = "wool"

[[product]]
name = "mutton"
weight = 2

[[process]]
name = "plough"
product = "grain"
output = 2
labour = { skilled = 1, unskilled = 2 }
resources = { land = 1 }
capacity = 30

[[process]]
name = "garden"
product = "grain"
labour = { unskilled = 4 }

[[process]]
name = "sheep"
outputs = { wool = 2, mutton = 1 }
inputs = { grain = 0.5 }
labour = { skilled = 0.5 }

[targets]
wool = 3
"#;

    fn parse(text: &str) -> std::result::Result<PlanningEconomy, String> {
        parse_planning(Path::new("p.toml"), text)
            .map(|(e, _)| e)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_full_file() {
        let e = parse(OK).unwrap();
        assert_eq!(e.n_products(), 3);
        assert_eq!(e.n_processes(), 3);
        assert_eq!(e.targets(), vec![1.0, 3.0, 0.0]);
        assert_eq!(e.committed(), vec![2.0, 0.0, 0.0]);
        assert_eq!(e.products()[2].weight, 2.0);
        assert_eq!(e.labour_types()[1].hours, UNLIMITED);
        assert_eq!(e.process(0).outputs().collect::<Vec<_>>(), vec![(0, 2.0)]);
        assert_eq!(
            e.process(0).labour().collect::<Vec<_>>(),
            vec![(0, 1.0), (1, 2.0)]
        );
        assert_eq!(e.process(0).capacity(), 30.0);
        assert_eq!(
            e.process(2).outputs().collect::<Vec<_>>(),
            vec![(1, 2.0), (2, 1.0)]
        );
        assert_eq!(e.resources()[0].limit, 40.0);
    }

    #[test]
    fn an_issue_2_economy_file_loads() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/village.toml"
        ))
        .unwrap();
        let (e, name) = parse_planning(Path::new("village.toml"), &text).unwrap();
        assert_eq!(name.as_deref(), Some("village"));
        assert_eq!(e.labour_types().len(), 1);
        assert_eq!(e.labour_types()[0].name, "labour");
        assert_eq!(e.labour_types()[0].hours, UNLIMITED);
        assert_eq!(e.n_processes(), e.n_products());
        assert_eq!(e.targets()[1], 120.0);
        assert!(e
            .resources()
            .iter()
            .any(|r| r.name == "co2_t" && r.limit == UNLIMITED));
        // Tools: output 10 per run.
        let tools = e.product_index("tools").unwrap();
        let j = e.process_index("tools").unwrap();
        assert_eq!(
            e.process(j).outputs().collect::<Vec<_>>(),
            vec![(tools, 10.0)]
        );
        // With the hours given, it is a planning economy with a limit.
        let (e, _) = parse_planning(
            Path::new("v.toml"),
            &text.replace(
                "[labour]\nunit = \"hours\"",
                "[labour]\nunit = \"hours\"\nhours = 5000",
            ),
        )
        .unwrap();
        assert_eq!(e.labour_types()[0].hours, 5000.0);
    }

    #[test]
    fn errors_name_line_column_and_field() {
        let check = |from: &str, to: &str, expected: &str| {
            let bad = OK.replacen(from, to, 1);
            assert_ne!(bad, OK, "{from}");
            let e = parse(&bad).unwrap_err();
            assert!(e.contains(expected), "{e}\nexpected: {expected}");
        };
        check(
            "capacity = 30",
            "capacity = -30",
            "p.toml:35:12: the capacity of process \"plough\" is -30; it must be zero or more",
        );
        check("wool = 3\n", "wol = 3\n", "p.toml:49:1: [targets] names a product: \"wol\" is not a [[product]] (did you mean \"wool\"?)");
        check(
            "product = \"grain\"\nlabour = { unskilled = 4 }",
            "labour = { unskilled = 4 }",
            "p.toml:38:8: process \"garden\" has no output",
        );
        check(
            "limit = 40",
            "limit = nan",
            "the limit of resource \"land\" is NaN; it must be a finite number",
        );
        check(
            "resources = { land = 1 }",
            "resources = { lend = 1 }",
            "\"lend\" is not a [[resource]] (did you mean \"land\"?)",
        );
        check(
            "{ skilled = 0.5 }",
            "{ skiled = 0.5 }",
            "\"skiled\" is not a labour type (did you mean \"skilled\"?)",
        );
        check(
            "labour = { unskilled = 4 }",
            "labour = 4",
            "labour = 4 does not say which of the 2 labour types",
        );
        check(
            "hours = 100",
            "hours = -1",
            "p.toml:6:9: the hours of labour type \"skilled\" is -1",
        );
        check(
            "target = 1\n",
            "target = 1\nfinal_demand = 2\n",
            "gives both target and final_demand",
        );
        check(
            "name = \"garden\"",
            "name = \"plough\"",
            "the process \"plough\" is defined twice",
        );
        check(
            "inputs = { grain = 0.5 }",
            "inputs = { grain = inf }",
            "the input of \"grain\" to process \"sheep\" is inf; it must be a finite number",
        );
        check(
            "wool = 3\n",
            "grain = 3\n",
            "the target of \"grain\" is also given in its [[product]] entry",
        );
        check(
            "capacity = 30",
            "capasity = 30",
            "p.toml:35:1: unknown field `capasity`",
        );
        check(
            "outputs = { wool = 2, mutton = 1 }",
            "outputs = { wool = 0 }",
            "process \"sheep\" has no output",
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]
        /// Truncated or garbled files are errors, never panics.
        #[test]
        fn garbled_files_do_not_panic(cut in 0usize..OK.len(), junk in "[ -~\n]{0,24}") {
            let mut t = OK[..cut].to_string();
            t.push_str(&junk);
            let _ = parse_planning(Path::new("p.toml"), &t);
        }
    }

    #[test]
    fn unnamed_techniques_get_names() {
        let e = parse(
            "[[product]]\nname = \"a\"\ntarget = 1\n[[process]]\nproduct = \"a\"\nlabour = 1\n[[process]]\nproduct = \"a\"\nlabour = 2\n",
        )
        .unwrap();
        assert_eq!(e.process_names(), &["a#1".to_string(), "a#2".to_string()]);
    }

    #[test]
    fn folders_round_trip() {
        let e = parse(OK).unwrap();
        let dir =
            std::env::temp_dir().join(format!("plenty-planning-folder-{}", std::process::id()));
        write_planning_folder(&dir, &e, &["test".into()]).unwrap();
        let back = read_planning_folder(&dir).unwrap();
        assert_eq!(back.economy, e);
        assert_eq!(back.inputs.len(), 8);
        std::fs::write(
            dir.join("labour.csv"),
            "name,hours\nskilled,lots\nunskilled,\n",
        )
        .unwrap();
        let err = read_planning_folder(&dir).unwrap_err().to_string();
        assert!(
            err.ends_with("labour.csv:2:2 (column \"hours\"): \"lots\" is not a number"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
