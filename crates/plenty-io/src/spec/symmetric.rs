//! The loader of a symmetric table (`[table]` and `[sectors]`), step by step:
//!
//! 1. read the table ([`Load::open`]);
//! 2. choose the sector rows and columns (`sectors.rs`);
//! 3. read the flows Z, under the negative-flow policy, and warn of sectors that add up others;
//! 4. final demand, and final-demand columns that add up others;
//! 5. gross output: recorded (from the table or another file) or the row sums Z·1 + Y·1;
//! 6. the economy A = Z x̂⁻¹, with notes on zero output and column sums above 1;
//! 7. for a competitive-import table, the domestic economy (I − M) A; else final demand as read;
//! 8. satellites, from the table or other files.
//!
//! Each step adds to the same lists of inputs, notes and warnings, in this order, so that a file
//! with several problems reports them in the order it always has.

use super::external::{file_values, Products, Source, SourceFields};
use super::messages::{aggregate_message, model_error, note_zeroed, quoted_list};
use super::sectors::{self, SectorBlock};
use super::sheet::Sheet;
use super::{
    FinalDemandSection, GrossOutputSection, ImportSpec, ImportsSection, LoadedEconomy,
    NegativeFlows, SatelliteSection, TableSection,
};
use crate::aggregates::{self, Parts};
use crate::error::{IoError, Result};
use plenty_core::economy::domestic_coefficients;
use plenty_core::{DenseMatrix, Economy, FinalDemand};
use std::path::{Path, PathBuf};

/// Reads a specification with `[table]` and `[sectors]`: a symmetric table.
pub(super) fn load_symmetric(
    spec_path: &Path,
    base: &Path,
    spec: &ImportSpec,
) -> Result<LoadedEconomy> {
    let table = spec.table.as_ref().ok_or_else(|| {
        IoError::file(
            spec_path,
            "the specification needs a [table] section (or [make_use])",
        )
    })?;
    let sectors_sec = spec.sectors.as_ref().ok_or_else(|| {
        IoError::file(
            spec_path,
            "the specification needs a [sectors] section naming the intermediate rows",
        )
    })?;
    let mut load = Load::open(spec_path, base, table)?;
    let block = sectors::choose(
        &load.sheet,
        sectors_sec,
        spec_path,
        &mut load.notes,
        &mut load.warnings,
    )?;
    let products = block.products();
    let z = load.flows(&block, sectors_sec.negative_flows)?;
    load.warn_aggregate_sectors(&block, &z);
    let fd = match &spec.final_demand {
        Some(f) => load.final_demand(f, &block, &z)?,
        None => Vec::new(),
    };
    let x = load.gross_output(spec, &block, &products, &z, &fd)?;
    let mut economy = load.economy(&block, &z, &x)?;
    match &spec.imports {
        Some(imp) => load.domestic(imp, &block, &z, &fd, &mut economy)?,
        None => {
            for f in fd {
                economy
                    .add_final_demand(f)
                    .map_err(|e| model_error(&load.path, e, &block.names))?;
            }
        }
    }
    for s in &spec.satellite {
        load.satellite(s, &block, &products, &mut economy)?;
    }
    if spec.satellite.iter().filter(|s| s.labour).count() > 1 {
        return Err(IoError::file(
            spec_path,
            "only one satellite can be labour = true",
        ));
    }
    Ok(LoadedEconomy {
        economy,
        inputs: load.inputs,
        notes: load.notes,
        warnings: load.warnings,
        unit: table.unit.clone(),
    })
}

/// What the steps share: where the specification and the table are, the table as read, and
/// what has been read and noticed so far.
struct Load<'a> {
    spec_path: &'a Path,
    /// The specification's folder, against which other files are found.
    base: &'a Path,
    /// The table file, as errors and warnings name it.
    path: PathBuf,
    sheet: Sheet,
    /// Every file read, the table first.
    inputs: Vec<PathBuf>,
    notes: Vec<String>,
    warnings: Vec<String>,
}

impl<'a> Load<'a> {
    /// Reads the table of `[table]`.
    fn open(spec_path: &'a Path, base: &'a Path, table: &TableSection) -> Result<Self> {
        let path = base.join(&table.file);
        let sheet = Sheet::read(
            &path,
            table.labels.as_deref(),
            table.header_rows,
            &table.filter,
            table.delimiter,
        )?;
        Ok(Self {
            spec_path,
            base,
            inputs: vec![path.clone()],
            path,
            sheet,
            notes: Vec::new(),
            warnings: Vec::new(),
        })
    }

    /// The intermediate flows Z, sector rows by sector columns; negative flows are an error or,
    /// under `negative_flows = "zero"`, zero and noted.
    fn flows(&mut self, block: &SectorBlock, policy: NegativeFlows) -> Result<DenseMatrix> {
        let mut zeroed = Vec::new();
        let z = self
            .sheet
            .entries(&block.rows, &block.cols, "the flow", policy, &mut zeroed)?;
        note_zeroed(&mut self.notes, &zeroed);
        Ok(z)
    }

    /// Warns of sectors whose row or column is the sum of others' (Slovakia's CPA_C10-12 beside
    /// CPA_C10, CPA_C11, CPA_C12): their flows would be counted twice.
    fn warn_aggregate_sectors(&mut self, block: &SectorBlock, z: &DenseMatrix) {
        let n = block.n();
        if n < 2 {
            return;
        }
        let unit = self.sheet.finest_place(&block.rows, &block.cols);
        let by_row: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| z.get(i, j)).collect())
            .collect();
        let by_col: Vec<Vec<f64>> = (0..n)
            .map(|j| (0..n).map(|i| z.get(i, j)).collect())
            .collect();
        let labels: Vec<&str> = block.names.iter().map(String::as_str).collect();
        let row_refs: Vec<&[f64]> = by_row.iter().map(Vec::as_slice).collect();
        let col_refs: Vec<&[f64]> = by_col.iter().map(Vec::as_slice).collect();
        let in_rows = aggregates::find(&labels, &row_refs, unit, None);
        let in_cols = aggregates::find(&labels, &col_refs, unit, None);
        let mut flagged: Vec<usize> = in_rows
            .iter()
            .chain(&in_cols)
            .map(|f| f.aggregate)
            .collect();
        flagged.sort_unstable();
        flagged.dedup();
        for k in flagged {
            let r = in_rows.iter().find(|f| f.aggregate == k);
            let c = in_cols.iter().find(|f| f.aggregate == k);
            let parts = match r.or(c).map(|f| &f.parts) {
                Some(Parts::Members(p)) => quoted_list(p.iter().map(|&j| labels[j]), 12),
                _ => continue,
            };
            let (line, column) = (self.sheet.line(block.rows[k]), block.cols[k] + 1);
            let name = labels[k];
            let what = match (r, c) {
                (Some(_), Some(_)) => format!(
                    "sector {name:?} (line {line}, column {column}): its row and its column equal the sums of those of {parts}"
                ),
                (Some(_), None) => format!(
                    "sector {name:?} (line {line}): its row equals the sum of the rows of {parts}"
                ),
                _ => format!(
                    "sector {name:?} (column {column}): its column equals the sum of the columns of {parts}"
                ),
            };
            self.warnings.push(format!(
                "{}: {what}: it is counted twice; leave it out with exclude = [{name:?}] in [sectors], or leave out its parts (a table's sectors must not overlap)",
                self.path.display()
            ));
        }
    }

    /// Final demand by category, one per column of `[final_demand]`; negative entries are
    /// noted (imports or inventory changes), and columns that add up others are warned of.
    fn final_demand(
        &mut self,
        f: &FinalDemandSection,
        block: &SectorBlock,
        z: &DenseMatrix,
    ) -> Result<Vec<FinalDemand>> {
        let sheet = &self.sheet;
        let fd_cols = sheet.select_columns(&f.columns, "final-demand column")?;
        let mut fd: Vec<FinalDemand> = Vec::new();
        for &c in &fd_cols {
            let values = block
                .rows
                .iter()
                .map(|&r| sheet.num(r, c))
                .collect::<Result<Vec<_>>>()?;
            if values.iter().any(|v| *v < 0.0) {
                self.notes.push(format!(
                    "final demand {:?} has negative entries (imports or inventory changes recorded as negative final demand)",
                    sheet.raw.header[c]
                ));
            }
            fd.push(FinalDemand {
                name: sheet.raw.header[c].clone(),
                values,
            });
        }
        self.warn_aggregate_final_demand(&fd, &fd_cols, block, z);
        Ok(fd)
    }

    /// Totals beside their parts among the final-demand columns (P3 beside P3_S13, P3_S14,
    /// P3_S15; TFU, the total final use; TU, the total use, which adds the intermediate use).
    fn warn_aggregate_final_demand(
        &mut self,
        fd: &[FinalDemand],
        fd_cols: &[usize],
        block: &SectorBlock,
        z: &DenseMatrix,
    ) {
        let n = block.n();
        let intermediate_use: Vec<f64> =
            (0..n).map(|i| (0..n).map(|j| z.get(i, j)).sum()).collect();
        let labels: Vec<&str> = fd.iter().map(|f| f.name.as_str()).collect();
        let vectors: Vec<&[f64]> = fd.iter().map(|f| f.values.as_slice()).collect();
        let unit = self.sheet.finest_place(&block.rows, fd_cols);
        for found in aggregates::find(&labels, &vectors, unit, Some(&intermediate_use)) {
            let c = fd_cols[found.aggregate];
            self.warnings.push(
                IoError::at_cell(
                    &self.path,
                    self.sheet.raw.header_line,
                    c + 1,
                    None,
                    aggregate_message(
                        "final-demand column",
                        &labels,
                        &found,
                        "final-demand columns",
                    ),
                )
                .to_string(),
            );
        }
    }

    /// Gross output x: as recorded by `[gross_output]`, or the row sums Z·1 + Y·1 (noted). A
    /// negative output is an error; recorded output that differs from the row sums is noted
    /// (not for an import table, whose final demand holds the imports).
    fn gross_output(
        &mut self,
        spec: &ImportSpec,
        block: &SectorBlock,
        products: &Products<'_>,
        z: &DenseMatrix,
        fd: &[FinalDemand],
    ) -> Result<Vec<f64>> {
        let (n, names) = (block.n(), &block.names);
        let row_sums: Vec<f64> = (0..n)
            .map(|i| {
                (0..n).map(|j| z.get(i, j)).sum::<f64>()
                    + fd.iter().map(|f| f.values[i]).sum::<f64>()
            })
            .collect();
        let x: Vec<f64> = match &spec.gross_output {
            None => {
                self.notes.push(
                    "gross output computed as row sums Z·1 + Y·1 (no [gross_output] given)".into(),
                );
                row_sums.clone()
            }
            Some(g) => self.recorded_output(g, block, products)?,
        };
        for (i, v) in x.iter().enumerate() {
            if *v < 0.0 {
                return Err(IoError::file(
                    &self.path,
                    format!(
                        "gross output of {:?} is {v}; output cannot be negative",
                        names[i]
                    ),
                ));
            }
        }
        if spec.gross_output.is_some() && !fd.is_empty() && spec.imports.is_none() {
            let worst = (0..n)
                .map(|i| ((row_sums[i] - x[i]).abs() / x[i].abs().max(1e-300), i))
                .filter(|(d, i)| x[*i] != 0.0 && *d > 1e-6)
                .collect::<Vec<_>>();
            if !worst.is_empty() {
                self.notes.push(format!(
                    "{} sectors' recorded gross output differs from Z·1 + Y·1 by more than 1e-6 (relative); largest for {:?}",
                    worst.len(),
                    names[worst.iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|w| w.1).unwrap_or(0)]
                ));
            }
        }
        Ok(x)
    }

    /// The gross output `[gross_output]` records: a column of the table (on the sector rows), a
    /// row (under the sector columns), or another file.
    fn recorded_output(
        &mut self,
        g: &GrossOutputSection,
        block: &SectorBlock,
        products: &Products<'_>,
    ) -> Result<Vec<f64>> {
        let sheet = &self.sheet;
        match SourceFields::gross_output(g).source(self.spec_path)? {
            Source::TableColumn(c) => {
                let c = sheet.raw.column(c)?;
                block
                    .rows
                    .iter()
                    .map(|&r| sheet.output_cell(r, c))
                    .collect()
            }
            Source::TableRows(rl) => {
                let r = sheet.row_by_label(rl[0])?;
                block
                    .cols
                    .iter()
                    .map(|&c| sheet.output_cell(r, c))
                    .collect()
            }
            Source::File(src) => {
                let got = file_values(self.base, &src, products, "gross output", self.spec_path)?;
                self.inputs.push(got.path);
                self.notes.extend(got.notes);
                self.warnings.extend(got.warnings);
                Ok(got.values)
            }
        }
    }

    /// The economy A = Z x̂⁻¹, without final demand; notes sectors with zero output (a zero
    /// column in A) and sectors whose inputs exceed their output (column sum of A above 1).
    fn economy(&mut self, block: &SectorBlock, z: &DenseMatrix, x: &[f64]) -> Result<Economy> {
        let names = &block.names;
        let economy = Economy::from_flows(names.clone(), z, x)
            .map_err(|e| model_error(&self.path, e, names))?;
        if !economy.zero_output_sectors.is_empty() {
            self.notes.push(format!(
                "{} sectors have zero output and get a zero column in A: {}",
                economy.zero_output_sectors.len(),
                economy
                    .zero_output_sectors
                    .iter()
                    .map(|&k| names[k].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let cs = economy.a.column_sums();
        let above: Vec<&str> = (0..block.n())
            .filter(|&j| cs[j] > 1.0)
            .map(|j| names[j].as_str())
            .collect();
        if !above.is_empty() {
            self.notes.push(format!(
                "{} sectors use more intermediate inputs than they produce (column sum of A above 1, negative value added): {}",
                above.len(),
                above.join(", ")
            ));
        }
        Ok(economy)
    }

    /// A competitive-import table: imports are recorded as negative final demand (`[imports]`
    /// columns), so A holds imported inputs too. The economy becomes the domestic one,
    /// A_d = (I − M) A, with import ratios m_i = imports / domestic absorption, and final demand
    /// met from domestic production: (1 − m_i) of domestic demand, plus exports.
    fn domestic(
        &mut self,
        imp: &ImportsSection,
        block: &SectorBlock,
        z: &DenseMatrix,
        fd: &[FinalDemand],
        economy: &mut Economy,
    ) -> Result<()> {
        let (n, names) = (block.n(), &block.names);
        let imp_cols = self.sheet.select_columns(&imp.columns, "import column")?;
        let exp_cols = match &imp.exports {
            Some(s) => self.sheet.select_columns(s, "export column")?,
            None => Vec::new(),
        };
        let header = |c: &usize| self.sheet.raw.header[*c].as_str();
        let imp_names: Vec<&str> = imp_cols.iter().map(header).collect();
        let exp_names: Vec<&str> = exp_cols.iter().map(header).collect();
        let imports: Vec<f64> = (0..n)
            .map(|i| {
                fd.iter()
                    .filter(|f| imp_names.contains(&f.name.as_str()))
                    .map(|f| f.values[i])
                    .sum()
            })
            .collect();
        if imp_names.iter().any(|c| !fd.iter().any(|f| f.name == *c)) {
            return Err(IoError::file(
                self.spec_path,
                "[imports] columns must also be listed in [final_demand]",
            ));
        }
        let domestic_fd: Vec<f64> = (0..n)
            .map(|i| {
                fd.iter()
                    .filter(|f| {
                        !imp_names.contains(&f.name.as_str())
                            && !exp_names.contains(&f.name.as_str())
                    })
                    .map(|f| f.values[i])
                    .sum()
            })
            .collect();
        let intermediate: Vec<f64> = (0..n).map(|i| (0..n).map(|j| z.get(i, j)).sum()).collect();
        self.check_absorption(names, &imports, &intermediate, &domestic_fd)?;
        let (ad, m) = domestic_coefficients(&economy.a, &intermediate, &domestic_fd, &imports)
            .map_err(|e| model_error(&self.path, e, names))?;
        economy.a = ad;
        economy.final_demand = domestic_final_demand(fd, &imp_names, &exp_names, &m);
        self.notes.push(format!(
            "competitive-import table: domestic coefficients (I − M)·A with import ratios from {} (largest {:.4})",
            imp_names.join(", "),
            m.iter().cloned().fold(0.0, f64::max)
        ));
        Ok(())
    }

    /// Imports cannot exceed what a product's buyers at home absorb (intermediate use plus
    /// domestic final demand): the import ratio would be above 1.
    fn check_absorption(
        &self,
        names: &[String],
        imports: &[f64],
        intermediate: &[f64],
        domestic_fd: &[f64],
    ) -> Result<()> {
        for i in 0..names.len() {
            let absorption = intermediate[i] + domestic_fd[i];
            if imports[i].abs() > absorption {
                return Err(IoError::file(
                    &self.path,
                    format!(
                        "the imports of {:?} ({}) exceed its domestic absorption (intermediate use + domestic final demand = {absorption}); check the [imports] and exports columns",
                        names[i], imports[i]
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A satellite: its totals per sector, from rows of the table (added up) or another file,
    /// added to the economy; `labour = true` makes it the labour that labour values count.
    fn satellite(
        &mut self,
        s: &SatelliteSection,
        block: &SectorBlock,
        products: &Products<'_>,
        economy: &mut Economy,
    ) -> Result<()> {
        let what = format!("satellite {:?}", s.name);
        let totals = match SourceFields::satellite(s).source(self.spec_path)? {
            Source::TableRows(list) => self.table_rows_total(&what, &list, block)?,
            Source::TableColumn(_) => unreachable!("a satellite has no column"),
            Source::File(src) => {
                let got = file_values(self.base, &src, products, &what, self.spec_path)?;
                self.inputs.push(got.path);
                self.notes.extend(got.notes);
                self.warnings.extend(got.warnings);
                got.values
            }
        };
        let names = &block.names;
        economy
            .add_satellite_totals(&s.name, s.unit.clone(), &totals)
            .map_err(|e| model_error(&self.path, e, names))?;
        if s.labour {
            economy
                .set_labour(&s.name)
                .map_err(|e| model_error(self.spec_path, e, names))?;
        }
        Ok(())
    }

    /// The sum of the table's rows `list` under the sector columns; rows that add up others of
    /// the list are warned of.
    fn table_rows_total(
        &mut self,
        what: &str,
        list: &[&str],
        block: &SectorBlock,
    ) -> Result<Vec<f64>> {
        let sheet = &self.sheet;
        let idx = list
            .iter()
            .map(|rl| sheet.row_by_label(rl))
            .collect::<Result<Vec<_>>>()?;
        let vectors = idx
            .iter()
            .map(|&r| {
                block
                    .cols
                    .iter()
                    .map(|&c| sheet.num(r, c))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        if idx.len() > 1 {
            let found = sheet.row_aggregate_warnings(&self.path, what, &idx, &block.cols, &vectors);
            self.warnings.extend(found);
        }
        Ok((0..block.n())
            .map(|k| vectors.iter().map(|v| v[k]).sum())
            .collect())
    }
}

/// Final demand met from domestic production, the import columns left out: (1 − m_i) of
/// domestic demand, and exports whole (they are made at home).
fn domestic_final_demand(
    fd: &[FinalDemand],
    imp_names: &[&str],
    exp_names: &[&str],
    m: &[f64],
) -> Vec<FinalDemand> {
    fd.iter()
        .filter(|f| !imp_names.contains(&f.name.as_str()))
        .map(|f| {
            let export = exp_names.contains(&f.name.as_str());
            FinalDemand {
                name: f.name.clone(),
                values: f
                    .values
                    .iter()
                    .zip(m)
                    .map(|(v, m)| if export { *v } else { (1.0 - m) * v })
                    .collect(),
            }
        })
        .collect()
}
