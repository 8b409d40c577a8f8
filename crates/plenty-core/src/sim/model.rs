//! The scenario's economy in the form the engine computes with: indices instead of names,
//! `A` as a sparse matrix, labour values computed once (the technology does not change during
//! a run), and every name checked, with an error that names the field.

use super::scenario::{Role, Scenario, Sector};
use super::SimError;
use crate::generate::generate;
use crate::matrix::CsrMatrix;
use std::collections::BTreeMap;

/// A group of people, by index.
#[derive(Debug, Clone)]
pub(crate) struct GroupModel {
    pub name: String,
    pub people: f64,
    pub workers: f64,
    pub hours: f64,
    pub works_in: Vec<usize>,
    /// Needs per person, dense over products.
    pub needs: Vec<f64>,
    pub privilege: f64,
    pub rural: bool,
}

impl GroupModel {
    /// Hours the group can give in a year.
    pub fn hours_available(&self) -> f64 {
        self.people * self.workers * self.hours
    }
}

/// The economy ready for the engine.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub names: Vec<String>,
    pub units: Vec<String>,
    pub roles: Vec<Role>,
    pub a: CsrMatrix,
    /// `Aᵀ`, for labour values.
    pub at: CsrMatrix,
    pub labour: Vec<f64>,
    pub capacity: Vec<f64>,
    /// For each sector, the capital goods per unit of capacity added: `(good, units)`.
    pub capital: Vec<Vec<(usize, f64)>>,
    pub depreciation: Vec<f64>,
    pub storable: Vec<bool>,
    pub draft: Vec<f64>,
    pub groups: Vec<GroupModel>,
    /// Labour values `v = l (I − A)⁻¹`.
    pub values: Vec<f64>,
    /// Iterations the labour values took (a cold solve, for the warm-start comparison).
    pub values_iterations: usize,
    /// For each sector, `(group, share of its hours)`.
    pub workforce: Vec<Vec<(usize, f64)>>,
}

impl Model {
    pub fn n(&self) -> usize {
        self.names.len()
    }

    /// The sector of a role, if there is one (the first).
    pub fn role(&self, role: Role) -> Option<usize> {
        self.roles.iter().position(|r| *r == role)
    }

    /// Total needs of everyone, per good.
    pub fn total_needs(&self) -> Vec<f64> {
        let mut needs = vec![0.0; self.n()];
        for g in &self.groups {
            for (t, need) in needs.iter_mut().zip(&g.needs) {
                *t += g.people * need;
            }
        }
        needs
    }

    /// Hours everyone can give.
    pub fn hours_available(&self) -> f64 {
        self.groups.iter().map(GroupModel::hours_available).sum()
    }

    /// Builds the model, checking every name and number.
    pub fn new(s: &Scenario) -> Result<Model, SimError> {
        if s.years == 0 {
            return Err(SimError::field("years", "must be at least 1"));
        }
        if !s.weeks_per_year.is_finite() || s.weeks_per_year <= 0.0 {
            return Err(SimError::field("weeks_per_year", "must be positive"));
        }
        let mut generated_needs = None;
        let sectors = match (&s.economy.generate, s.economy.sectors.is_empty()) {
            (Some(_), false) => {
                return Err(SimError::field(
                    "economy",
                    "give either economy.sectors or economy.generate, not both",
                ))
            }
            (None, true) => {
                return Err(SimError::field(
                    "economy.sectors",
                    "the economy has no sectors; add [[economy.sectors]] or [economy.generate]",
                ))
            }
            (Some(g), true) => {
                let (sectors, needs) = generated_sectors(g, s)?;
                generated_needs = Some(needs);
                sectors
            }
            (None, false) => s.economy.sectors.clone(),
        };
        let mut index = BTreeMap::new();
        for (j, sec) in sectors.iter().enumerate() {
            if index.insert(sec.name.clone(), j).is_some() {
                return Err(SimError::field(
                    &format!("economy.sectors[{j}].name"),
                    &format!("\"{}\" is named twice", sec.name),
                ));
            }
        }
        let n = sectors.len();
        let find = |field: &str, name: &str| {
            index
                .get(name)
                .copied()
                .ok_or_else(|| SimError::field(field, &format!("no sector is named \"{name}\"")))
        };
        let mut triplets = Vec::new();
        let mut capital = Vec::with_capacity(n);
        for (j, sec) in sectors.iter().enumerate() {
            let at = |what: &str| format!("economy.sectors[{j}] ({}).{what}", sec.name);
            nonneg(&at("labour"), sec.labour)?;
            nonneg(&at("capacity"), sec.capacity)?;
            share(&at("depreciation"), sec.depreciation)?;
            nonneg(&at("draft"), sec.draft)?;
            for (name, &units) in &sec.inputs {
                let i = find(&at("inputs"), name)?;
                nonneg(&at(&format!("inputs.{name}")), units)?;
                triplets.push((i as u32, j as u32, units));
            }
            let mut cells = Vec::new();
            for (name, &units) in &sec.capital {
                let i = find(&at("capital"), name)?;
                nonneg(&at(&format!("capital.{name}")), units)?;
                cells.push((i, units));
            }
            capital.push(cells);
        }
        let a = CsrMatrix::try_from_triplets(n, n, triplets)
            .map_err(|e| SimError::field("economy.sectors", &e.to_string()))?;
        let mut groups = Vec::with_capacity(s.economy.groups.len());
        if s.economy.groups.is_empty() {
            return Err(SimError::field(
                "economy.groups",
                "the economy has no people; add [[economy.groups]]",
            ));
        }
        for (k, g) in s.economy.groups.iter().enumerate() {
            let at = |what: &str| format!("economy.groups[{k}] ({}).{what}", g.name);
            nonneg(&at("people"), g.people)?;
            share(&at("workers"), g.workers)?;
            nonneg(&at("hours"), g.hours)?;
            nonneg(&at("privilege"), g.privilege)?;
            let mut works_in = Vec::new();
            for name in &g.works_in {
                if name == "*" {
                    // Every sector (a generated economy's thousands of products).
                    works_in.extend(0..n);
                } else {
                    works_in.push(find(&at("works_in"), name)?);
                }
            }
            let mut needs = match (&generated_needs, g.needs.is_empty()) {
                (Some(per_person), true) => per_person.clone(),
                _ => vec![0.0; n],
            };
            for (name, &units) in &g.needs {
                let i = find(&at("needs"), name)?;
                nonneg(&at(&format!("needs.{name}")), units)?;
                needs[i] = units;
            }
            groups.push(GroupModel {
                name: g.name.clone(),
                people: g.people,
                workers: g.workers,
                hours: g.hours,
                works_in,
                needs,
                privilege: g.privilege,
                rural: g.rural,
            });
        }
        let workforce = workforce(&sectors, &groups)?;
        let labour: Vec<f64> = sectors.iter().map(|s| s.labour).collect();
        let at = a.transpose();
        let values = super::leontief::solve_warm(&at, &labour, None)
            .map_err(|e| SimError::field("economy.sectors", &e))?;
        Ok(Model {
            names: sectors.iter().map(|s| s.name.clone()).collect(),
            units: sectors.iter().map(|s| s.unit.clone()).collect(),
            roles: sectors.iter().map(|s| s.role).collect(),
            a,
            at,
            labour,
            capacity: sectors.iter().map(|s| s.capacity).collect(),
            capital,
            depreciation: sectors.iter().map(|s| s.depreciation).collect(),
            storable: sectors.iter().map(|s| s.storable).collect(),
            draft: sectors.iter().map(|s| s.draft).collect(),
            groups,
            values: values.x,
            values_iterations: values.iterations,
            workforce,
        })
    }
}

/// Who works where: each sector's hours are shared among the groups that work in it, in
/// proportion to the hours they can give. Every sector needs someone.
fn workforce(
    sectors: &[Sector],
    groups: &[GroupModel],
) -> Result<Vec<Vec<(usize, f64)>>, SimError> {
    let mut workforce = vec![Vec::new(); sectors.len()];
    for (k, g) in groups.iter().enumerate() {
        for &j in &g.works_in {
            workforce[j].push((k, g.hours_available()));
        }
    }
    for (j, w) in workforce.iter_mut().enumerate() {
        let total: f64 = w.iter().map(|(_, h)| h).sum();
        if total <= 0.0 && sectors[j].labour > 0.0 {
            return Err(SimError::field(
                "economy.groups",
                &format!(
                    "no group works in \"{}\"; add it to a group's works_in",
                    sectors[j].name
                ),
            ));
        }
        for (_, h) in w.iter_mut() {
            *h /= total.max(f64::MIN_POSITIVE);
        }
    }
    Ok(workforce)
}

/// Sectors of a synthetic economy: the generator's `A` and labour; each product is its own
/// capital good (half a unit per unit of capacity, worn out at 5 % a year); the capacity is
/// what the needs take at the start plus `headroom`. The generated final demand, shared per
/// person, is the needs of every group that lists none.
fn generated_sectors(
    g: &super::scenario::GeneratedEconomy,
    s: &Scenario,
) -> Result<(Vec<Sector>, Vec<f64>), SimError> {
    let eco = generate(&g.settings).map_err(|e| SimError::field("economy.generate", &e))?;
    let n = eco.a.nrows();
    // The generated demand is the needs' pattern: each group needs its share of it per person.
    let people: f64 = s.economy.groups.iter().map(|g| g.people).sum();
    if people <= 0.0 {
        return Err(SimError::field(
            "economy.groups",
            "a generated economy needs people to size its capacities",
        ));
    }
    let gross = super::leontief::solve_warm(&eco.a, &eco.demand, None)
        .map_err(|e| SimError::field("economy.generate", &e))?;
    let mut sectors: Vec<Sector> = (0..n)
        .map(|j| Sector {
            name: format!("p{j}"),
            unit: String::new(),
            role: Role::Other,
            labour: eco.labour[j],
            inputs: BTreeMap::new(),
            // Capacity for the needs, investment in replacing wear (5 %) and growth (2 %).
            capacity: gross.x[j] * (1.0 + g.headroom) * 1.1,
            capital: BTreeMap::from([(format!("p{j}"), 0.5)]),
            depreciation: 0.05,
            storable: false,
            draft: 0.0,
        })
        .collect();
    for (i, j, v) in eco.a.triplets() {
        sectors[j].inputs.insert(format!("p{i}"), v);
    }
    let per_person = eco.demand.iter().map(|d| d / people).collect();
    Ok((sectors, per_person))
}

fn nonneg(field: &str, v: f64) -> Result<(), SimError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(SimError::field(
            field,
            &format!("is {v}; give a number ≥ 0"),
        ))
    }
}

fn share(field: &str, v: f64) -> Result<(), SimError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(SimError::field(
            field,
            &format!("is {v}; give a share between 0 and 1"),
        ))
    }
}
