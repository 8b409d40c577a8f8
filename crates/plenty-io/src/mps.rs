//! MPS files of linear programs, for exchange with LP solvers (HiGHS, CPLEX, Gurobi, GLPK,
//! OR-Tools) and the public test sets (netlib, Mittelmann, MIPLIB's LP relaxations).
//!
//! An MPS file states `optimise cᵀx + offset subject to row bounds and column bounds` in
//! sections:
//!
//! ```text
//!  NAME          plan
//!  OBJSENSE                      ← optional; MAX or MIN on the next line (or the same line)
//!      MAX
//!  ROWS
//!   N  OBJ                       ← the first N row is the objective
//!   L  labour                    ← L: a·x ≤ b,  G: a·x ≥ b,  E: a·x = b
//!   G  steel
//!  COLUMNS
//!      x1  OBJ  3  labour  1     ← column, row, value [, row, value]
//!      x2  OBJ  2  steel  -1
//!  RHS
//!      RHS  labour  40  OBJ  -5  ← b of each row; on the objective row, minus the offset
//!  RANGES
//!      RNG  steel  10            ← makes a row two-sided (see below)
//!  BOUNDS
//!   UP BND  x1  3                ← UP LO FX FR MI PL; default 0 ≤ x < ∞
//!  ENDATA
//! ```
//!
//! A range `R` on a row with right-hand side `b` gives, as the MPS standard says: for an `L` row
//! `[b − |R|, b]`; for a `G` row `[b, b + |R|]`; for an `E` row `[b, b + |R|]` when `R > 0` and
//! `[b − |R|, b]` when `R < 0`.
//!
//! **Reading** ([`read_mps`]) accepts free MPS (fields separated by blanks, names without
//! blanks) and fixed MPS (fields in columns 2–3, 5–12, 15–22, 25–36, 40–47 and 50–61, so names
//! may hold blanks): it tries free MPS first and, when a line does not parse, fixed MPS
//! ([`read_mps_as`] forces one). As HiGHS does, it reads the value on the objective row in `RHS`
//! as the negated objective constant, lets `UP` with a negative value on a column whose lower
//! bound is still the default 0 make that lower bound `−∞`, and treats numbers of magnitude
//! `≥ 1e20` in bounds as infinite. `N` rows after the objective are kept as free rows
//! (`−∞ ≤ a·x ≤ ∞`) so that row indices survive a round trip. Integer markers and integer or
//! semi-continuous bound types are rejected ("integer variables are not supported"), as are
//! quadratic sections. Every error names the file and the line.
//!
//! **Writing** ([`write_mps`]) produces free MPS with an `OBJSENSE` section when maximising, a
//! `RANGES` section for rows with two finite bounds (written as `L` rows, `b = upper`,
//! `R = upper − lower`), and `BOUNDS` with `UP`, `LO`, `FR`, `MI` and `FX`. Names are made safe:
//! blanks become `_`, and an empty name becomes `C<j>` or `R<i>`; if two names then coincide the
//! writer refuses, naming both. Numbers are written in their shortest form that reads back to the
//! same bits, so a round trip is exact except for the bound rebuilt from a range (`upper −
//! (upper − lower)`, exact for integers and within one rounding otherwise).

use crate::error::{IoError, Result};
use crate::mtx::format_f64;
use plenty_core::lp::{LinearProgram, Sense};
use plenty_core::CsrMatrix;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// Magnitudes at or above this are infinite in bounds, right-hand sides and ranges (HiGHS's
/// default `infinite_bound`).
pub const INFINITE_BOUND: f64 = 1e20;

/// Which MPS dialect to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MpsFormat {
    /// Free MPS first, fixed MPS when free MPS fails; the error reported is the one from the
    /// dialect that read further.
    #[default]
    Auto,
    /// Fields separated by blanks; names without blanks.
    Free,
    /// Fields by column position; names may contain blanks.
    Fixed,
}

/// Reads an MPS file (free or fixed format; see the [module documentation](self)).
pub fn read_mps(path: &Path) -> Result<LinearProgram> {
    read_mps_as(path, MpsFormat::Auto)
}

/// Reads an MPS file in the given dialect.
pub fn read_mps_as(path: &Path, format: MpsFormat) -> Result<LinearProgram> {
    match format {
        MpsFormat::Free => parse(path, false),
        MpsFormat::Fixed => parse(path, true),
        MpsFormat::Auto => match parse(path, false) {
            Ok(lp) => Ok(lp),
            Err(free) => match parse(path, true) {
                Ok(lp) => Ok(lp),
                Err(fixed) => {
                    // An error without a line came after the whole file was read.
                    let reach = |e: &IoError| e.line.unwrap_or(usize::MAX);
                    if reach(&fixed) > reach(&free) {
                        Err(fixed)
                    } else {
                        Err(free)
                    }
                }
            },
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Name,
    ObjSense,
    ObjName,
    Rows,
    Columns,
    Rhs,
    Ranges,
    Bounds,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Objective,
    Free,
    Le,
    Ge,
    Eq,
}

struct Reader<'a> {
    path: &'a Path,
    fixed: bool,
    line: usize,
    sense: Sense,
    objective_name: Option<String>,
    // Rows in file order, with kind; the objective is the first N row (or OBJNAME).
    row_names: Vec<String>,
    row_kinds: Vec<RowKind>,
    row_index: HashMap<String, usize>,
    objective: Option<usize>,
    col_names: Vec<String>,
    col_index: HashMap<String, usize>,
    cost: Vec<f64>,
    triplets: Vec<(u32, u32, f64)>,
    rhs: Vec<f64>,
    range: Vec<Option<f64>>,
    offset: f64,
    rhs_set: Option<String>,
    range_set: Option<String>,
    bound_set: Option<String>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    lower_set: Vec<bool>,
    /// The current column of the COLUMNS section, with the rows it has touched.
    current: Option<(usize, HashSet<usize>)>,
}

fn parse(path: &Path, fixed: bool) -> Result<LinearProgram> {
    let file = File::open(path).map_err(|e| IoError::os(path, &e))?;
    let reader = BufReader::new(file);
    let mut r = Reader {
        path,
        fixed,
        line: 0,
        sense: Sense::Minimize,
        objective_name: None,
        row_names: Vec::new(),
        row_kinds: Vec::new(),
        row_index: HashMap::new(),
        objective: None,
        col_names: Vec::new(),
        col_index: HashMap::new(),
        cost: Vec::new(),
        triplets: Vec::new(),
        rhs: Vec::new(),
        range: Vec::new(),
        offset: 0.0,
        rhs_set: None,
        range_set: None,
        bound_set: None,
        col_lower: Vec::new(),
        col_upper: Vec::new(),
        lower_set: Vec::new(),
        current: None,
    };
    let mut section = Section::None;
    for line in reader.split(b'\n') {
        r.line += 1;
        let bytes = line.map_err(|e| IoError::os(path, &e))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| r.err("the line is not UTF-8 text; MPS files are plain ASCII"))?;
        let text = text.trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() || text.starts_with('*') {
            continue;
        }
        if section == Section::End {
            return Err(r.err("text after ENDATA"));
        }
        let starts_blank = text.starts_with([' ', '\t']);
        if !starts_blank {
            section = r.header(text)?;
            continue;
        }
        match section {
            Section::None => {
                return Err(
                    r.err("data before the first section; an MPS file starts with NAME or ROWS")
                )
            }
            Section::Name => return Err(r.err("unexpected data after NAME")),
            Section::ObjSense => r.objsense(text.trim())?,
            Section::ObjName => r.objective_name = Some(text.trim().to_string()),
            Section::Rows => r.row_line(text)?,
            Section::Columns => r.column_line(text)?,
            Section::Rhs => r.rhs_line(text, false)?,
            Section::Ranges => r.rhs_line(text, true)?,
            Section::Bounds => r.bound_line(text)?,
            Section::End => unreachable!(),
        }
    }
    if section != Section::End {
        r.line += 1;
        return Err(r.err("the file ends without ENDATA (is it truncated?)"));
    }
    r.finish()
}

impl Reader<'_> {
    fn err(&self, message: impl Into<String>) -> IoError {
        IoError::at_line(self.path, self.line, message)
    }

    fn header(&mut self, text: &str) -> Result<Section> {
        let mut words = text.split_whitespace();
        let key = words.next().unwrap_or("").to_ascii_uppercase();
        let rest: Vec<&str> = words.collect();
        let section = match key.as_str() {
            "NAME" => Section::Name,
            "OBJSENSE" => {
                if let Some(s) = rest.first() {
                    self.objsense(s)?;
                }
                Section::ObjSense
            }
            "OBJNAME" => {
                if let Some(s) = rest.first() {
                    self.objective_name = Some(s.to_string());
                }
                Section::ObjName
            }
            "ROWS" => Section::Rows,
            "COLUMNS" => Section::Columns,
            "RHS" => Section::Rhs,
            "RANGES" => Section::Ranges,
            "BOUNDS" => Section::Bounds,
            "ENDATA" => Section::End,
            "QUADOBJ" | "QMATRIX" | "QSECTION" | "QCMATRIX" => {
                return Err(self.err(format!(
                    "section {key}: quadratic programs are not supported (plenty solves linear programs)"
                )))
            }
            "SOS" | "INDICATORS" | "GENERAL" | "GENERALS" | "BINARY" | "BINARIES" => {
                return Err(self.err(format!(
                    "section {key}: integer variables are not supported (plenty solves linear programs)"
                )))
            }
            _ => {
                return Err(self.err(format!(
                    "unknown section {key:?}; data lines must start with a blank, and the sections are NAME, OBJSENSE, ROWS, COLUMNS, RHS, RANGES, BOUNDS and ENDATA"
                )))
            }
        };
        Ok(section)
    }

    fn objsense(&mut self, word: &str) -> Result<()> {
        self.sense = match word.to_ascii_uppercase().as_str() {
            "MAX" | "MAXIMIZE" | "MAXIMISE" => Sense::Maximize,
            "MIN" | "MINIMIZE" | "MINIMISE" => Sense::Minimize,
            _ => return Err(self.err(format!("OBJSENSE must be MAX or MIN, found {word:?}"))),
        };
        Ok(())
    }

    /// The fields of a data line: blank-separated for free MPS; by column for fixed MPS
    /// (field 1 in columns 2–3, 2 in 5–12, 3 in 15–22, 4 in 25–36, 5 in 40–47, 6 in 50–61;
    /// numbers may run on into the gap after their field). Empty fixed fields are `""`.
    fn fields<'t>(&self, text: &'t str) -> Result<Vec<&'t str>> {
        if !self.fixed {
            return Ok(text.split_whitespace().collect());
        }
        if !text.is_ascii() {
            return Err(self.err("fixed MPS needs ASCII text"));
        }
        let text = text.trim_end();
        let cut = |a: usize, b: usize| -> &'t str {
            if a >= text.len() {
                ""
            } else {
                text[a..b.min(text.len())].trim()
            }
        };
        let mut f = vec![
            cut(0, 4),
            cut(4, 14),
            cut(14, 24),
            cut(24, 39),
            cut(39, 49),
            cut(49, usize::MAX),
        ];
        while f.last() == Some(&"") {
            f.pop();
        }
        Ok(f)
    }

    fn number(&self, s: &str, what: &str) -> Result<f64> {
        let parsed = s.parse::<f64>().ok().or_else(|| {
            // Fortran exponents (1.5D+02).
            s.replace(['D', 'd'], "E").parse::<f64>().ok()
        });
        match parsed {
            Some(v) if !v.is_nan() => Ok(v),
            _ => Err(self.err(format!("{what} {s:?} is not a number"))),
        }
    }

    fn row_line(&mut self, text: &str) -> Result<()> {
        let f = self.fields(text)?;
        let (kind, name) = match f.as_slice() {
            [k, n] if !self.fixed || !k.is_empty() => (*k, *n),
            _ => {
                return Err(self.err(format!(
                    "a ROWS line has a type (N, E, L or G) and a name; found {:?}",
                    text.trim()
                )))
            }
        };
        let kind = match kind.to_ascii_uppercase().as_str() {
            "N" => {
                let is_objective = match &self.objective_name {
                    Some(o) => o == name,
                    None => self.objective.is_none(),
                };
                if is_objective {
                    RowKind::Objective
                } else {
                    RowKind::Free
                }
            }
            "E" => RowKind::Eq,
            "L" => RowKind::Le,
            "G" => RowKind::Ge,
            other => {
                return Err(self.err(format!(
                    "row type {other:?} of row {name:?}; the types are N, E, L and G"
                )))
            }
        };
        if self.row_index.contains_key(name) {
            return Err(self.err(format!("row {name:?} is declared twice")));
        }
        let i = self.row_names.len();
        if kind == RowKind::Objective {
            self.objective = Some(i);
        }
        self.row_index.insert(name.to_string(), i);
        self.row_names.push(name.to_string());
        self.row_kinds.push(kind);
        self.rhs.push(0.0);
        self.range.push(None);
        Ok(())
    }

    fn row_of(&self, name: &str) -> Result<usize> {
        self.row_index.get(name).copied().ok_or_else(|| {
            self.err(format!(
                "row {name:?} is not declared in ROWS (names are case-sensitive)"
            ))
        })
    }

    fn column_line(&mut self, text: &str) -> Result<()> {
        let f = self.fields(text)?;
        let f: Vec<&str> = if self.fixed {
            // Field 1 is unused in COLUMNS.
            f.into_iter().skip(1).collect()
        } else {
            f
        };
        if f.iter()
            .any(|t| t.trim_matches('\'').eq_ignore_ascii_case("MARKER"))
        {
            return Err(self.err(
                "integer variables are not supported (MARKER line); plenty solves linear programs",
            ));
        }
        let (col, pairs) = match f.as_slice() {
            [c, r, v] => (*c, vec![(*r, *v)]),
            [c, r1, v1, r2, v2] => (*c, vec![(*r1, *v1), (*r2, *v2)]),
            _ => {
                return Err(self.err(format!(
                "a COLUMNS line has a column name and one or two (row, value) pairs; found {:?}",
                text.trim()
            )))
            }
        };
        if col.is_empty() {
            return Err(self.err("a COLUMNS line without a column name"));
        }
        let j = match self.col_index.get(col) {
            Some(&j) => j,
            None => {
                let j = self.col_names.len();
                self.col_index.insert(col.to_string(), j);
                self.col_names.push(col.to_string());
                self.cost.push(0.0);
                self.col_lower.push(0.0);
                self.col_upper.push(f64::INFINITY);
                self.lower_set.push(false);
                j
            }
        };
        if self.current.as_ref().map(|c| c.0) != Some(j) {
            if j + 1 != self.col_names.len() {
                return Err(self.err(format!(
                    "the entries of column {col:?} must be consecutive; it appeared earlier"
                )));
            }
            self.current = Some((j, HashSet::new()));
        }
        for (row, value) in pairs {
            let i = self.row_of(row)?;
            let v = self.number(value, "the value")?;
            if !v.is_finite() {
                return Err(self.err(format!(
                    "the coefficient of column {col:?} in row {row:?} is {v}; coefficients must be finite"
                )));
            }
            let seen = &mut self.current.as_mut().expect("set above").1;
            if !seen.insert(i) {
                return Err(self.err(format!("column {col:?} has a second entry in row {row:?}")));
            }
            match self.row_kinds[i] {
                RowKind::Objective => self.cost[j] = v,
                _ => {
                    if v != 0.0 {
                        self.triplets.push((j as u32, i as u32, v));
                    }
                }
            }
        }
        Ok(())
    }

    /// A line of RHS or RANGES: `[set] row value [row value]`.
    fn rhs_line(&mut self, text: &str, ranges: bool) -> Result<()> {
        let f = self.fields(text)?;
        let section = if ranges { "RANGES" } else { "RHS" };
        let (set, pairs): (&str, Vec<(&str, &str)>) = if self.fixed {
            let g: Vec<&str> = f.iter().skip(1).copied().collect();
            match g.as_slice() {
                [s, r, v] => (*s, vec![(*r, *v)]),
                [s, r1, v1, r2, v2] => (*s, vec![(*r1, *v1), (*r2, *v2)]),
                _ => return Err(self.bad_pairs(section, text)),
            }
        } else {
            match f.as_slice() {
                [r, v] => ("", vec![(*r, *v)]),
                [s, r, v] => (*s, vec![(*r, *v)]),
                [r1, v1, r2, v2] => ("", vec![(*r1, *v1), (*r2, *v2)]),
                [s, r1, v1, r2, v2] => (*s, vec![(*r1, *v1), (*r2, *v2)]),
                _ => return Err(self.bad_pairs(section, text)),
            }
        };
        let first = if ranges {
            self.range_set.get_or_insert_with(|| set.to_string())
        } else {
            self.rhs_set.get_or_insert_with(|| set.to_string())
        };
        if first != set {
            let first = first.clone();
            return Err(self.err(format!(
                "a second {section} set {set:?} (the first was {first:?}); only one is supported"
            )));
        }
        for (row, value) in pairs {
            let i = self.row_of(row)?;
            let v = self.number(value, "the value")?;
            if ranges {
                if self.row_kinds[i] == RowKind::Objective || self.row_kinds[i] == RowKind::Free {
                    continue;
                }
                if self.range[i].is_some() {
                    return Err(self.err(format!("row {row:?} has a second range")));
                }
                if !v.is_finite() || v.abs() >= INFINITE_BOUND {
                    return Err(self.err(format!(
                        "the range of row {row:?} is {v}; a range must be finite"
                    )));
                }
                self.range[i] = Some(v);
            } else if self.row_kinds[i] == RowKind::Objective {
                // HiGHS and most solvers: the objective's RHS is minus the constant.
                self.offset = -v;
            } else {
                self.rhs[i] = v;
            }
        }
        Ok(())
    }

    fn bad_pairs(&self, section: &str, text: &str) -> IoError {
        self.err(format!(
            "a {section} line has an optional set name and one or two (row, value) pairs; found {:?}",
            text.trim()
        ))
    }

    fn bound_line(&mut self, text: &str) -> Result<()> {
        let f = self.fields(text)?;
        let kind = f.first().copied().unwrap_or("").to_ascii_uppercase();
        let needs_value = match kind.as_str() {
            "UP" | "LO" | "FX" => true,
            "FR" | "MI" | "PL" => false,
            "BV" | "LI" | "UI" => {
                return Err(self.err(format!(
                    "bound type {kind}: integer variables are not supported; plenty solves linear programs"
                )))
            }
            "SC" => {
                return Err(self.err(
                    "bound type SC: semi-continuous variables are not supported; plenty solves linear programs",
                ))
            }
            _ => {
                return Err(self.err(format!(
                    "bound type {kind:?}; the types are UP, LO, FX, FR, MI and PL"
                )))
            }
        };
        let (set, col, value) = if self.fixed {
            let set = f.get(1).copied().unwrap_or("");
            let col = f.get(2).copied().unwrap_or("");
            (set, col, f.get(3).copied())
        } else {
            match (needs_value, &f[1..]) {
                (true, [c, v]) => ("", *c, Some(*v)),
                (true, [s, c, v]) => (*s, *c, Some(*v)),
                (false, [c]) => ("", *c, None),
                (false, [s, c]) | (false, [s, c, _]) => (*s, *c, None),
                _ => {
                    return Err(self.err(format!(
                        "a BOUNDS line is: type, optional set name, column{}; found {:?}",
                        if needs_value { ", value" } else { "" },
                        text.trim()
                    )))
                }
            }
        };
        match &self.bound_set {
            None => self.bound_set = Some(set.to_string()),
            Some(first) if first != set => {
                return Err(self.err(format!(
                    "a second BOUNDS set {set:?} (the first was {first:?}); only one is supported"
                )))
            }
            _ => {}
        }
        let j = *self.col_index.get(col).ok_or_else(|| {
            self.err(format!(
                "column {col:?} of a bound does not appear in COLUMNS"
            ))
        })?;
        let value = match (needs_value, value) {
            (true, Some(v)) if !v.is_empty() => {
                let v = self.number(v, "the bound")?;
                if v >= INFINITE_BOUND {
                    f64::INFINITY
                } else if v <= -INFINITE_BOUND {
                    f64::NEG_INFINITY
                } else {
                    v
                }
            }
            (true, _) => {
                return Err(self.err(format!("bound {kind} of column {col:?} has no value")))
            }
            (false, _) => 0.0,
        };
        match kind.as_str() {
            "UP" => {
                self.col_upper[j] = value;
                if value < 0.0 && !self.lower_set[j] && self.col_lower[j] == 0.0 {
                    // The old convention HiGHS, CPLEX and GLPK follow.
                    self.col_lower[j] = f64::NEG_INFINITY;
                }
            }
            "LO" => {
                self.col_lower[j] = value;
                self.lower_set[j] = true;
            }
            "FX" => {
                self.col_lower[j] = value;
                self.col_upper[j] = value;
                self.lower_set[j] = true;
            }
            "FR" => {
                self.col_lower[j] = f64::NEG_INFINITY;
                self.col_upper[j] = f64::INFINITY;
                self.lower_set[j] = true;
            }
            "MI" => {
                self.col_lower[j] = f64::NEG_INFINITY;
                self.lower_set[j] = true;
            }
            "PL" => self.col_upper[j] = f64::INFINITY,
            _ => unreachable!(),
        }
        Ok(())
    }

    fn finish(self) -> Result<LinearProgram> {
        let path = self.path;
        if let Some(name) = &self.objective_name {
            if self.objective.is_none() {
                return Err(IoError::file(
                    path,
                    format!("OBJNAME names {name:?}, which is not an N row"),
                ));
            }
        }
        // Constraint rows: every row except the objective, in file order.
        let mut new_index = vec![u32::MAX; self.row_names.len()];
        let (mut row_lower, mut row_upper, mut row_names) = (Vec::new(), Vec::new(), Vec::new());
        for (i, kind) in self.row_kinds.iter().enumerate() {
            let inf = |v: f64| {
                if v >= INFINITE_BOUND {
                    f64::INFINITY
                } else if v <= -INFINITE_BOUND {
                    f64::NEG_INFINITY
                } else {
                    v
                }
            };
            let b = inf(self.rhs[i]);
            let (lo, hi) = match (kind, self.range[i]) {
                (RowKind::Objective, _) => continue,
                (RowKind::Free, _) => (f64::NEG_INFINITY, f64::INFINITY),
                (RowKind::Le, None) => (f64::NEG_INFINITY, b),
                (RowKind::Ge, None) => (b, f64::INFINITY),
                (RowKind::Eq, None) => (b, b),
                (RowKind::Le, Some(r)) => (b - r.abs(), b),
                (RowKind::Ge, Some(r)) => (b, b + r.abs()),
                (RowKind::Eq, Some(r)) if r >= 0.0 => (b, b + r),
                (RowKind::Eq, Some(r)) => (b + r, b),
            };
            if lo == f64::INFINITY || hi == f64::NEG_INFINITY {
                return Err(IoError::file(
                    path,
                    format!(
                        "row {:?} has an infinite right-hand side on its only bound",
                        self.row_names[i]
                    ),
                ));
            }
            new_index[i] = row_lower.len() as u32;
            row_lower.push(lo);
            row_upper.push(hi);
            row_names.push(self.row_names[i].clone());
        }
        let triplets: Vec<(u32, u32, f64)> = self
            .triplets
            .iter()
            .map(|&(j, i, v)| (j, new_index[i as usize], v))
            .collect();
        let columns = CsrMatrix::try_from_triplets(self.col_names.len(), row_names.len(), triplets)
            .map_err(|e| IoError::file(path, e.to_string()))?;
        let mut lp = LinearProgram::new(
            self.sense,
            self.cost,
            self.col_lower,
            self.col_upper,
            row_lower,
            row_upper,
            columns,
            self.col_names,
            row_names,
        )
        .map_err(|e| IoError::file(path, e.to_string()))?;
        lp.offset = self.offset;
        Ok(lp)
    }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// Names safe for free MPS: blanks replaced by `_`, empty names replaced by `prefix<index>`,
/// and all distinct (else an error naming the two originals).
fn safe_names(
    path: &Path,
    what: &str,
    prefix: &str,
    names: &[String],
    taken: &mut HashMap<String, String>,
) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let safe = if name.is_empty() {
            format!("{prefix}{k}")
        } else {
            name.chars()
                .map(|c| if c.is_whitespace() { '_' } else { c })
                .collect()
        };
        if let Some(other) = taken.insert(safe.clone(), name.clone()) {
            return Err(IoError::file(
                path,
                format!(
                    "cannot write MPS: {what} {name:?} and {other:?} both become {safe:?} (MPS names cannot contain blanks and must be unique); rename one"
                ),
            ));
        }
        out.push(safe);
    }
    Ok(out)
}

/// Writes `lp` as free MPS (see the [module documentation](self)).
pub fn write_mps(path: &Path, lp: &LinearProgram) -> Result<()> {
    let mut taken = HashMap::new();
    let rows = safe_names(path, "row", "R", &lp.row_names, &mut taken)?;
    let mut objective = "OBJ".to_string();
    let mut k = 0;
    while taken.contains_key(&objective) {
        k += 1;
        objective = format!("OBJ{k}");
    }
    let mut taken_cols = HashMap::new();
    let cols = safe_names(path, "column", "C", &lp.col_names, &mut taken_cols)?;
    let file = File::create(path).map_err(|e| IoError::os(path, &e))?;
    let mut w = BufWriter::new(file);
    write_body(&mut w, lp, &objective, &rows, &cols).map_err(|e| IoError::os(path, &e))
}

fn write_body(
    w: &mut impl Write,
    lp: &LinearProgram,
    objective: &str,
    rows: &[String],
    cols: &[String],
) -> std::io::Result<()> {
    let num = format_f64;
    writeln!(w, "NAME          plenty")?;
    if lp.sense == Sense::Maximize {
        writeln!(w, "OBJSENSE\n    MAX")?;
    }
    writeln!(w, "ROWS")?;
    writeln!(w, " N  {objective}")?;
    // Row type and right-hand side; a two-sided row is L with its range.
    let mut rhs = Vec::new();
    let mut ranges = Vec::new();
    for (i, name) in rows.iter().enumerate() {
        let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
        let kind = match (lo.is_finite(), hi.is_finite()) {
            (false, false) => "N",
            (true, false) => {
                rhs.push((i, lo));
                "G"
            }
            (false, true) => {
                rhs.push((i, hi));
                "L"
            }
            (true, true) if lo == hi => {
                rhs.push((i, lo));
                "E"
            }
            (true, true) => {
                rhs.push((i, hi));
                ranges.push((i, hi - lo));
                "L"
            }
        };
        writeln!(w, " {kind}  {name}")?;
    }
    writeln!(w, "COLUMNS")?;
    for (j, col) in cols.iter().enumerate() {
        let mut wrote = false;
        if lp.c[j] != 0.0 {
            writeln!(w, "    {col}  {objective}  {}", num(lp.c[j]))?;
            wrote = true;
        }
        for (i, a) in lp.columns.row(j) {
            writeln!(w, "    {col}  {}  {}", rows[i], num(a))?;
            wrote = true;
        }
        if !wrote {
            // Keep an empty column in the file.
            writeln!(w, "    {col}  {objective}  0")?;
        }
    }
    writeln!(w, "RHS")?;
    for (i, b) in rhs {
        if b != 0.0 {
            writeln!(w, "    RHS  {}  {}", rows[i], num(b))?;
        }
    }
    if lp.offset != 0.0 {
        writeln!(w, "    RHS  {objective}  {}", num(-lp.offset))?;
    }
    if !ranges.is_empty() {
        writeln!(w, "RANGES")?;
        for (i, r) in ranges {
            writeln!(w, "    RNG  {}  {}", rows[i], num(r))?;
        }
    }
    let mut bounds = Vec::new();
    for (j, col) in cols.iter().enumerate() {
        let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
        if lo == hi {
            bounds.push(format!(" FX BND  {}  {}", col, num(lo)));
            continue;
        }
        match (lo.is_finite(), hi.is_finite()) {
            (false, false) => bounds.push(format!(" FR BND  {}", col)),
            (false, true) => {
                bounds.push(format!(" MI BND  {}", col));
                bounds.push(format!(" UP BND  {}  {}", col, num(hi)));
            }
            (true, fin) => {
                if lo != 0.0 {
                    bounds.push(format!(" LO BND  {}  {}", col, num(lo)));
                }
                if fin {
                    bounds.push(format!(" UP BND  {}  {}", col, num(hi)));
                }
            }
        }
    }
    if !bounds.is_empty() {
        writeln!(w, "BOUNDS")?;
        for b in bounds {
            writeln!(w, "{b}")?;
        }
    }
    writeln!(w, "ENDATA")?;
    w.flush()
}
