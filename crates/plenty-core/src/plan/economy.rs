//! The planning economy: products, alternative techniques (processes), labour of several types
//! and scarce resources, with the target assortment and the committed needs.
//!
//! A process `j` run at intensity `x_j ≥ 0` makes `b_ij x_j` units of each product `i` (one
//! output or several: joint production), uses `a_ij x_j` units of each product, `l_hj x_j`
//! hours of each labour type `h` and `r_qj x_j` units of each resource `q`, and may be limited
//! to `x_j ≤ cap_j` (the capacity of a plant). The community asks for the target assortment
//! `d` (as many whole bundles `λ·d` as possible) on top of the committed needs `d0`, which must
//! be met in full; `w` weighs products in the harmony objective.
//!
//! The coefficients are stored compactly, one sparse row per process (`m × n` for `B` and `A`,
//! `m × h` for `L`, `m × q` for `R`), so economies of millions of processes fit in memory.
//! Everything is validated on construction and every error names the field at fault.

use crate::matrix::CsrMatrix;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use thiserror::Error;

/// Bound meaning "no limit" for labour hours, resource limits and capacities.
pub const UNLIMITED: f64 = f64::INFINITY;

/// The input does not describe a valid planning economy. Each variant names the field.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PlanError {
    /// No products at all.
    #[error("the planning economy has no products; add at least one")]
    NoProducts,
    /// NaN or an infinity where a finite number is needed.
    #[error("{field} is {value}; it must be a finite number")]
    NotFinite {
        /// The field, e.g. `product "bread": target`.
        field: String,
        /// The value found.
        value: f64,
    },
    /// A number outside its allowed range (a negative capacity, hours or coefficient).
    #[error("{field} is {value}; it must be {requirement}")]
    OutOfRange {
        /// The field.
        field: String,
        /// The value found.
        value: f64,
        /// What it must be, e.g. `"zero or more"`.
        requirement: &'static str,
    },
    /// An index that points past the end of a list.
    #[error("{field} refers to {kind} number {index}, but there are only {len}")]
    UnknownIndex {
        /// The field.
        field: String,
        /// `"product"`, `"labour type"` or `"resource"`.
        kind: &'static str,
        /// The index given (0-based).
        index: usize,
        /// The length of the list.
        len: usize,
    },
    /// A name that is not defined.
    #[error("{field}: there is no {kind} called {name:?}")]
    UnknownName {
        /// The field, e.g. `target`.
        field: String,
        /// `"product"`, `"labour type"`, `"resource"` or `"process"`.
        kind: &'static str,
        /// The name given.
        name: String,
    },
    /// A technique that makes nothing.
    #[error("process {process:?} has no output; a technique must make at least one product")]
    NoOutput {
        /// The process.
        process: String,
    },
    /// Two things of the same kind with the same name.
    #[error("the {kind} {name:?} is defined twice")]
    Duplicate {
        /// `"product"`, `"process"`, `"labour type"` or `"resource"`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// The same entry twice within one list of a process.
    #[error("{field} lists {kind} {name:?} twice")]
    DuplicateEntry {
        /// The field, e.g. `process "mill": inputs`.
        field: String,
        /// The kind of entry.
        kind: &'static str,
        /// Its name.
        name: String,
    },
    /// An empty name.
    #[error("a {kind} has an empty name")]
    EmptyName {
        /// The kind.
        kind: &'static str,
    },
}

/// A product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Unique name.
    pub name: String,
    /// Unit, e.g. `"t"`.
    pub unit: Option<String>,
    /// Target `d_i`: units per bundle of the assortment (`λ` bundles are planned). `≥ 0`.
    pub target: f64,
    /// Committed need `d0_i`, to be met in full. `≥ 0`.
    pub committed: f64,
    /// Harmony weight `w_i`. `≥ 0`, default 1.
    pub weight: f64,
}

impl Product {
    /// A product with no target, no committed need and weight 1.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            unit: None,
            target: 0.0,
            committed: 0.0,
            weight: 1.0,
        }
    }
}

/// A type of labour with the hours available.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabourType {
    /// Unique name.
    pub name: String,
    /// Hours available (`≥ 0`), or [`UNLIMITED`].
    pub hours: f64,
}

/// A scarce resource (land, the capacity shared by several processes, an emissions cap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Unique name.
    pub name: String,
    /// Unit, e.g. `"ha"`.
    pub unit: Option<String>,
    /// Amount available (`≥ 0`), or [`UNLIMITED`] for an account that is only reported.
    pub limit: f64,
}

/// One technique, as given to [`PlanningEconomyBuilder::add_process`]. Every list holds
/// `(index, amount per run)` pairs; indices refer to the builder's products, labour types and
/// resources.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcessSpec {
    /// Unique name.
    pub name: String,
    /// Products made per run, `b_ij` (at least one positive).
    pub outputs: Vec<(usize, f64)>,
    /// Products used per run, `a_ij`.
    pub inputs: Vec<(usize, f64)>,
    /// Hours of each labour type per run, `l_hj`.
    pub labour: Vec<(usize, f64)>,
    /// Units of each resource per run, `r_qj`.
    pub resources: Vec<(usize, f64)>,
    /// Largest number of runs, or [`UNLIMITED`].
    pub capacity: f64,
}

impl ProcessSpec {
    /// A process with the given name and no coefficients, unlimited capacity.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            capacity: UNLIMITED,
            ..Default::default()
        }
    }
}

/// A read-only view of one process of a [`PlanningEconomy`].
#[derive(Debug, Clone, Copy)]
pub struct ProcessRef<'a> {
    economy: &'a PlanningEconomy,
    index: usize,
}

impl<'a> ProcessRef<'a> {
    /// Its index.
    pub fn index(&self) -> usize {
        self.index
    }
    /// Its name.
    pub fn name(&self) -> &'a str {
        &self.economy.process_names[self.index]
    }
    /// `(product, b_ij)` per run, sorted by product.
    pub fn outputs(&self) -> impl Iterator<Item = (usize, f64)> + 'a {
        self.economy.outputs.row(self.index)
    }
    /// `(product, a_ij)` per run, sorted by product.
    pub fn inputs(&self) -> impl Iterator<Item = (usize, f64)> + 'a {
        self.economy.inputs.row(self.index)
    }
    /// `(labour type, l_hj)` per run.
    pub fn labour(&self) -> impl Iterator<Item = (usize, f64)> + 'a {
        self.economy.labour_use.row(self.index)
    }
    /// `(resource, r_qj)` per run.
    pub fn resources(&self) -> impl Iterator<Item = (usize, f64)> + 'a {
        self.economy.resource_use.row(self.index)
    }
    /// Capacity (largest intensity), or [`UNLIMITED`].
    pub fn capacity(&self) -> f64 {
        self.economy.capacity[self.index]
    }
}

/// A validated planning economy. Build it with [`PlanningEconomyBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlanningEconomy {
    products: Vec<Product>,
    labour: Vec<LabourType>,
    resources: Vec<Resource>,
    process_names: Vec<String>,
    capacity: Vec<f64>,
    /// `m × n`: row `j` holds the outputs `b_·j` of process `j`.
    outputs: CsrMatrix,
    /// `m × n`: row `j` holds the inputs `a_·j`.
    inputs: CsrMatrix,
    /// `m × h`: row `j` holds the hours `l_·j`.
    labour_use: CsrMatrix,
    /// `m × q`: row `j` holds the resource use `r_·j`.
    resource_use: CsrMatrix,
}

impl PlanningEconomy {
    /// Number of products `n`.
    pub fn n_products(&self) -> usize {
        self.products.len()
    }
    /// Number of processes `m`.
    pub fn n_processes(&self) -> usize {
        self.process_names.len()
    }
    /// Products.
    pub fn products(&self) -> &[Product] {
        &self.products
    }
    /// Labour types.
    pub fn labour_types(&self) -> &[LabourType] {
        &self.labour
    }
    /// Resources.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }
    /// Process names.
    pub fn process_names(&self) -> &[String] {
        &self.process_names
    }
    /// Capacities, one per process ([`UNLIMITED`] where none).
    pub fn capacities(&self) -> &[f64] {
        &self.capacity
    }
    /// Process `j`.
    pub fn process(&self, j: usize) -> ProcessRef<'_> {
        ProcessRef {
            economy: self,
            index: j,
        }
    }
    /// All processes.
    pub fn processes(&self) -> impl Iterator<Item = ProcessRef<'_>> + '_ {
        (0..self.n_processes()).map(|j| self.process(j))
    }
    /// The outputs `B` by process (`m × n`, row `j` = process `j`).
    pub fn outputs_by_process(&self) -> &CsrMatrix {
        &self.outputs
    }
    /// The inputs `A` by process (`m × n`).
    pub fn inputs_by_process(&self) -> &CsrMatrix {
        &self.inputs
    }
    /// Labour `L` by process (`m × h`).
    pub fn labour_by_process(&self) -> &CsrMatrix {
        &self.labour_use
    }
    /// Resource use `R` by process (`m × q`).
    pub fn resources_by_process(&self) -> &CsrMatrix {
        &self.resource_use
    }
    /// The target assortment `d`.
    pub fn targets(&self) -> Vec<f64> {
        self.products.iter().map(|p| p.target).collect()
    }
    /// The committed needs `d0`.
    pub fn committed(&self) -> Vec<f64> {
        self.products.iter().map(|p| p.committed).collect()
    }
    /// Index of the product called `name`.
    pub fn product_index(&self, name: &str) -> Option<usize> {
        self.products.iter().position(|p| p.name == name)
    }
    /// Index of the process called `name`.
    pub fn process_index(&self, name: &str) -> Option<usize> {
        self.process_names.iter().position(|p| p == name)
    }
    /// Index of the resource called `name`.
    pub fn resource_index(&self, name: &str) -> Option<usize> {
        self.resources.iter().position(|p| p.name == name)
    }
    /// Index of the labour type called `name`.
    pub fn labour_index(&self, name: &str) -> Option<usize> {
        self.labour.iter().position(|p| p.name == name)
    }

    /// Replaces the target assortment `d` (validated: finite, `≥ 0`, one per product).
    pub fn set_targets(&mut self, d: &[f64]) -> Result<(), PlanError> {
        self.set_product_numbers(d, "target", |p, v| p.target = v)
    }

    /// Replaces the committed needs `d0` (validated: finite, `≥ 0`, one per product).
    pub fn set_committed(&mut self, d0: &[f64]) -> Result<(), PlanError> {
        self.set_product_numbers(d0, "committed", |p, v| p.committed = v)
    }

    fn set_product_numbers(
        &mut self,
        values: &[f64],
        what: &str,
        set: impl Fn(&mut Product, f64),
    ) -> Result<(), PlanError> {
        if values.len() != self.products.len() {
            return Err(PlanError::UnknownIndex {
                field: format!("{what} (a vector of {} numbers)", values.len()),
                kind: "product",
                index: values.len().saturating_sub(1),
                len: self.products.len(),
            });
        }
        for (p, &v) in self.products.iter().zip(values) {
            finite_non_negative(&format!("product {:?}: {what}", p.name), v)?;
        }
        for (p, &v) in self.products.iter_mut().zip(values) {
            set(p, v);
        }
        Ok(())
    }

    /// Sets the limit of resource `q` (`≥ 0` or [`UNLIMITED`]).
    pub fn set_resource_limit(&mut self, q: usize, limit: f64) -> Result<(), PlanError> {
        let r = self.resources.get(q).ok_or(PlanError::UnknownIndex {
            field: "resource limit".into(),
            kind: "resource",
            index: q,
            len: self.resources.len(),
        })?;
        limit_value(&format!("resource {:?}: limit", r.name), limit)?;
        self.resources[q].limit = limit;
        Ok(())
    }

    /// Sets the hours available of labour type `h` (`≥ 0` or [`UNLIMITED`]).
    pub fn set_labour_hours(&mut self, h: usize, hours: f64) -> Result<(), PlanError> {
        let r = self.labour.get(h).ok_or(PlanError::UnknownIndex {
            field: "labour hours".into(),
            kind: "labour type",
            index: h,
            len: self.labour.len(),
        })?;
        limit_value(&format!("labour type {:?}: hours", r.name), hours)?;
        self.labour[h].hours = hours;
        Ok(())
    }

    /// Sets the capacity of process `j` (`≥ 0` or [`UNLIMITED`]).
    pub fn set_capacity(&mut self, j: usize, capacity: f64) -> Result<(), PlanError> {
        let name = self.process_names.get(j).ok_or(PlanError::UnknownIndex {
            field: "capacity".into(),
            kind: "process",
            index: j,
            len: self.process_names.len(),
        })?;
        limit_value(&format!("process {name:?}: capacity"), capacity)?;
        self.capacity[j] = capacity;
        Ok(())
    }

    /// `Σ_j b_ij x_j` per product (gross output).
    pub fn gross_output(&self, x: &[f64]) -> Vec<f64> {
        row_sum(&self.outputs, x, self.n_products())
    }
    /// `Σ_j a_ij x_j` per product (intermediate use).
    pub fn intermediate_use(&self, x: &[f64]) -> Vec<f64> {
        row_sum(&self.inputs, x, self.n_products())
    }
    /// Net output `(B − A) x` per product.
    pub fn net_output(&self, x: &[f64]) -> Vec<f64> {
        let g = self.gross_output(x);
        let u = self.intermediate_use(x);
        g.iter().zip(&u).map(|(g, u)| g - u).collect()
    }
    /// Hours `L x` per labour type.
    pub fn labour_used(&self, x: &[f64]) -> Vec<f64> {
        row_sum(&self.labour_use, x, self.labour.len())
    }
    /// Use `R x` per resource.
    pub fn resources_used(&self, x: &[f64]) -> Vec<f64> {
        row_sum(&self.resource_use, x, self.resources.len())
    }

    /// Which products some process can actually make: the largest set `S` such that every
    /// product in `S` has a technique whose inputs all lie in `S` (cycles allowed; whether a
    /// cycle is productive is left to the LP). A product outside `S` can only be had at zero.
    pub fn makeable(&self) -> Vec<bool> {
        let n = self.n_products();
        let m = self.n_processes();
        let mut alive_proc = vec![true; m];
        let mut made = vec![false; n];
        loop {
            made.iter_mut().for_each(|v| *v = false);
            for (j, _) in alive_proc.iter().enumerate().filter(|(_, a)| **a) {
                for (i, b) in self.outputs.row(j) {
                    if b > 0.0 {
                        made[i] = true;
                    }
                }
            }
            let mut changed = false;
            for (j, alive) in alive_proc.iter_mut().enumerate() {
                if *alive && self.inputs.row(j).any(|(i, _)| !made[i]) {
                    *alive = false;
                    changed = true;
                }
            }
            if !changed {
                return made;
            }
        }
    }
}

fn row_sum(by_process: &CsrMatrix, x: &[f64], len: usize) -> Vec<f64> {
    let mut out = vec![0.0; len];
    for (j, &xj) in x.iter().enumerate() {
        if xj != 0.0 {
            for (i, v) in by_process.row(j) {
                out[i] += v * xj;
            }
        }
    }
    out
}

fn finite_non_negative(field: &str, v: f64) -> Result<(), PlanError> {
    if !v.is_finite() {
        return Err(PlanError::NotFinite {
            field: field.into(),
            value: v,
        });
    }
    if v < 0.0 {
        return Err(PlanError::OutOfRange {
            field: field.into(),
            value: v,
            requirement: "zero or more",
        });
    }
    Ok(())
}

/// A limit: `≥ 0`, or `+∞` for none; NaN and negative values are errors.
fn limit_value(field: &str, v: f64) -> Result<(), PlanError> {
    if v.is_nan() {
        return Err(PlanError::NotFinite {
            field: field.into(),
            value: v,
        });
    }
    if v < 0.0 {
        return Err(PlanError::OutOfRange {
            field: field.into(),
            value: v,
            requirement: "zero or more (leave it out for no limit)",
        });
    }
    Ok(())
}

/// One list of a process to check: its field name, the kind of entry, the entries and the
/// number of things the indices refer to.
type EntryList<'a> = (&'static str, &'static str, &'a Vec<(usize, f64)>, usize);

/// Collects products, labour types, resources and processes, checks each as it comes, and
/// builds a [`PlanningEconomy`].
///
/// ```
/// use plenty_core::plan::{PlanningEconomyBuilder, Product, LabourType, ProcessSpec};
/// let mut b = PlanningEconomyBuilder::new();
/// let corn = b.add_product(Product { target: 1.0, ..Product::new("corn") });
/// let work = b.add_labour(LabourType { name: "work".into(), hours: 100.0 });
/// b.add_process(ProcessSpec {
///     outputs: vec![(corn, 1.0)],
///     inputs: vec![(corn, 0.25)],
///     labour: vec![(work, 2.0)],
///     ..ProcessSpec::new("farm")
/// })
/// .unwrap();
/// let e = b.build().unwrap();
/// assert_eq!(e.n_processes(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PlanningEconomyBuilder {
    products: Vec<Product>,
    labour: Vec<LabourType>,
    resources: Vec<Resource>,
    names: Vec<String>,
    capacity: Vec<f64>,
    outputs: Rows,
    inputs: Rows,
    labour_use: Rows,
    resource_use: Rows,
}

/// Compressed rows under construction.
#[derive(Debug, Clone)]
struct Rows {
    ptr: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f64>,
}

impl Default for Rows {
    fn default() -> Self {
        Self {
            ptr: vec![0],
            idx: Vec::new(),
            val: Vec::new(),
        }
    }
}

impl Rows {
    fn push(&mut self, entries: &[(usize, f64)]) {
        for &(i, v) in entries {
            if v != 0.0 {
                self.idx.push(i as u32);
                self.val.push(v);
            }
        }
        self.ptr.push(self.idx.len());
    }
    fn finish(self, ncols: usize) -> CsrMatrix {
        let nrows = self.ptr.len() - 1;
        CsrMatrix::try_from_parts(nrows, ncols, self.ptr, self.idx, self.val)
            .expect("rows validated on entry")
    }
}

impl PlanningEconomyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a product and returns its index. Checked in [`build`](Self::build).
    pub fn add_product(&mut self, p: Product) -> usize {
        self.products.push(p);
        self.products.len() - 1
    }

    /// Adds a labour type and returns its index. Checked in [`build`](Self::build).
    pub fn add_labour(&mut self, l: LabourType) -> usize {
        self.labour.push(l);
        self.labour.len() - 1
    }

    /// Adds a resource and returns its index. Checked in [`build`](Self::build).
    pub fn add_resource(&mut self, r: Resource) -> usize {
        self.resources.push(r);
        self.resources.len() - 1
    }

    /// Number of products so far.
    pub fn n_products(&self) -> usize {
        self.products.len()
    }

    /// Adds a process (after the products, labour types and resources it refers to) and returns
    /// its index. Checks indices, finiteness, signs, duplicates and that it makes something.
    pub fn add_process(&mut self, spec: ProcessSpec) -> Result<usize, PlanError> {
        let name = &spec.name;
        if name.is_empty() {
            return Err(PlanError::EmptyName { kind: "process" });
        }
        let lists: [EntryList<'_>; 4] = [
            ("outputs", "product", &spec.outputs, self.products.len()),
            ("inputs", "product", &spec.inputs, self.products.len()),
            ("labour", "labour type", &spec.labour, self.labour.len()),
            (
                "resources",
                "resource",
                &spec.resources,
                self.resources.len(),
            ),
        ];
        // Names are looked up only to word an error, so a valid process costs no allocation
        // beyond its sorted lists.
        let entry_name = |kind: &str, i: usize| -> String {
            match kind {
                "product" => self.products[i].name.clone(),
                "labour type" => self.labour[i].name.clone(),
                _ => self.resources[i].name.clone(),
            }
        };
        let mut sorted: Vec<Vec<(usize, f64)>> = Vec::with_capacity(4);
        for &(list, kind, entries, len) in &lists {
            let mut e: Vec<(usize, f64)> = entries.clone();
            for &(i, v) in &e {
                if i >= len {
                    return Err(PlanError::UnknownIndex {
                        field: format!("process {name:?}: {list}"),
                        kind,
                        index: i,
                        len,
                    });
                }
                if !(v.is_finite() && v >= 0.0) {
                    finite_non_negative(
                        &format!("process {name:?}: {list} of {:?}", entry_name(kind, i)),
                        v,
                    )?;
                }
            }
            if e.windows(2).any(|w| w[0].0 >= w[1].0) {
                e.sort_by_key(|&(i, _)| i);
            }
            if let Some(w) = e.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(PlanError::DuplicateEntry {
                    field: format!("process {name:?}: {list}"),
                    kind,
                    name: entry_name(kind, w[0].0),
                });
            }
            sorted.push(e);
        }
        if !sorted[0].iter().any(|&(_, v)| v > 0.0) {
            return Err(PlanError::NoOutput {
                process: name.clone(),
            });
        }
        if spec.capacity.is_nan() || spec.capacity < 0.0 {
            limit_value(&format!("process {name:?}: capacity"), spec.capacity)?;
        }
        self.outputs.push(&sorted[0]);
        self.inputs.push(&sorted[1]);
        self.labour_use.push(&sorted[2]);
        self.resource_use.push(&sorted[3]);
        self.names.push(spec.name);
        self.capacity.push(spec.capacity);
        Ok(self.names.len() - 1)
    }

    /// Checks the products, labour types and resources and builds the economy.
    pub fn build(self) -> Result<PlanningEconomy, PlanError> {
        if self.products.is_empty() {
            return Err(PlanError::NoProducts);
        }
        unique("product", self.products.iter().map(|p| p.name.as_str()))?;
        unique("labour type", self.labour.iter().map(|p| p.name.as_str()))?;
        unique("resource", self.resources.iter().map(|p| p.name.as_str()))?;
        unique("process", self.names.iter().map(String::as_str))?;
        for p in &self.products {
            finite_non_negative(&format!("product {:?}: target", p.name), p.target)?;
            finite_non_negative(&format!("product {:?}: committed", p.name), p.committed)?;
            finite_non_negative(&format!("product {:?}: weight", p.name), p.weight)?;
        }
        for l in &self.labour {
            limit_value(&format!("labour type {:?}: hours", l.name), l.hours)?;
        }
        for r in &self.resources {
            limit_value(&format!("resource {:?}: limit", r.name), r.limit)?;
        }
        let n = self.products.len();
        Ok(PlanningEconomy {
            outputs: self.outputs.finish(n),
            inputs: self.inputs.finish(n),
            labour_use: self.labour_use.finish(self.labour.len()),
            resource_use: self.resource_use.finish(self.resources.len()),
            products: self.products,
            labour: self.labour,
            resources: self.resources,
            process_names: self.names,
            capacity: self.capacity,
        })
    }
}

fn unique<'a>(kind: &'static str, names: impl Iterator<Item = &'a str>) -> Result<(), PlanError> {
    let mut seen = HashSet::new();
    for n in names {
        if n.is_empty() {
            return Err(PlanError::EmptyName { kind });
        }
        if !seen.insert(n) {
            return Err(PlanError::Duplicate {
                kind,
                name: n.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> (PlanningEconomyBuilder, usize, usize) {
        let mut b = PlanningEconomyBuilder::new();
        let corn = b.add_product(Product {
            target: 1.0,
            ..Product::new("corn")
        });
        let work = b.add_labour(LabourType {
            name: "work".into(),
            hours: 10.0,
        });
        (b, corn, work)
    }

    #[test]
    fn errors_name_the_field() {
        let (mut b, corn, work) = builder();
        let e = b
            .add_process(ProcessSpec {
                inputs: vec![(corn, 0.5)],
                labour: vec![(work, 1.0)],
                ..ProcessSpec::new("idle")
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "process \"idle\" has no output; a technique must make at least one product"
        );
        let e = b
            .add_process(ProcessSpec {
                outputs: vec![(corn, 1.0)],
                capacity: -1.0,
                ..ProcessSpec::new("farm")
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "process \"farm\": capacity is -1; it must be zero or more (leave it out for no limit)"
        );
        let e = b
            .add_process(ProcessSpec {
                outputs: vec![(corn, 1.0)],
                inputs: vec![(corn, f64::NAN)],
                ..ProcessSpec::new("farm")
            })
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("process \"farm\": inputs of \"corn\" is NaN"),
            "{e}"
        );
        let e = b
            .add_process(ProcessSpec {
                outputs: vec![(corn, 1.0)],
                resources: vec![(3, 1.0)],
                ..ProcessSpec::new("farm")
            })
            .unwrap_err();
        assert!(matches!(e, PlanError::UnknownIndex { index: 3, .. }));
        let (mut b, _, _) = builder();
        b.add_product(Product {
            target: f64::NAN,
            ..Product::new("hay")
        });
        assert!(b
            .build()
            .unwrap_err()
            .to_string()
            .contains("product \"hay\": target is NaN"));
        let (mut b, _, _) = builder();
        b.add_product(Product::new("corn"));
        assert_eq!(
            b.build().unwrap_err(),
            PlanError::Duplicate {
                kind: "product",
                name: "corn".into()
            }
        );
    }

    #[test]
    fn makeable_follows_inputs_through_cycles() {
        let mut b = PlanningEconomyBuilder::new();
        let p: Vec<usize> = ["a", "b", "c", "d"]
            .iter()
            .map(|n| b.add_product(Product::new(*n)))
            .collect();
        // a and b need each other (a productive cycle); c needs d, which nothing makes.
        for (name, out, inp) in [("ma", 0, 1), ("mb", 1, 0), ("mc", 2, 3)] {
            b.add_process(ProcessSpec {
                outputs: vec![(p[out], 1.0)],
                inputs: vec![(p[inp], 0.3)],
                ..ProcessSpec::new(name)
            })
            .unwrap();
        }
        let e = b.build().unwrap();
        assert_eq!(e.makeable(), vec![true, true, false, false]);
    }
}
