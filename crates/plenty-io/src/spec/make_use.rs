//! The loader of make and use tables (`[make_use]`): the make table V (industries × commodities)
//! and the use table U (commodities × industries, with final demand beside), converted to a
//! symmetric table under a technology assumption (`plenty_core::make_use`).
//!
//! The use table's rows and columns are found by the make table's labels, so the two tables
//! must name commodities and industries alike. Satellites are rows of the use table (value
//! added, compensation), converted to intensities per unit of the symmetric table's output.

use super::external::{Source, SourceFields};
use super::messages::{aggregate_message, model_error, note_zeroed};
use super::sheet::Sheet;
use super::{
    ImportSpec, IndustryOutput, IndustryOutputRule, LoadedEconomy, MakeUseSection,
    SatelliteSection, Selection,
};
use crate::aggregates;
use crate::error::{IoError, Result};
use plenty_core::make_use::{
    symmetric_table_with_industry_output, SymmetricTable, TechnologyAssumption,
};
use plenty_core::{DenseMatrix, Economy, FinalDemand, ModelError, TechnicalCoefficients};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Reads a specification with `[make_use]`.
pub(super) fn load_make_use(
    spec_path: &Path,
    base: &Path,
    spec: &ImportSpec,
    mu: &MakeUseSection,
) -> Result<LoadedEconomy> {
    let t = Tables::read(spec_path, base, mu)?;
    let sym = t.symmetric(spec_path, mu)?;
    let by_industry = mu.assumption == TechnologyAssumption::IndustryByIndustry;
    let names = if by_industry {
        t.industries.clone()
    } else {
        t.commodities.clone()
    };
    let mut economy = economy(spec_path, &sym, by_industry, &names)?;
    let mut notes = Vec::new();
    note_zeroed(&mut notes, &t.zeroed);
    notes.extend(t.output_note.clone());
    notes.push(format!(
        "make and use tables converted to a {} table under the {} assumption ({} industries, {} commodities)",
        if by_industry { "industry-by-industry" } else { "commodity-by-commodity" },
        match mu.assumption {
            TechnologyAssumption::CommodityTechnology => "commodity-technology",
            _ => "industry-technology",
        },
        t.industries.len(),
        t.commodities.len(),
    ));
    let mut warnings = Vec::new();
    if let Some(sel) = &mu.final_demand {
        let fd = t.final_demand(sel, &sym, by_industry, &mut warnings)?;
        for f in fd {
            economy
                .add_final_demand(f)
                .map_err(|e| model_error(&t.use_path, e, &names))?;
        }
    }
    for s in &spec.satellite {
        t.satellite(s, spec_path, mu.assumption, &sym, &names, &mut economy)?;
    }
    let cs = economy.a.column_sums();
    let above: Vec<&str> = (0..economy.n())
        .filter(|&j| cs[j] > 1.0)
        .map(|j| economy.products[j].as_str())
        .collect();
    if !above.is_empty() {
        notes.push(format!(
            "{} sectors have a column sum of A above 1 (inputs exceed output): {}",
            above.len(),
            above.join(", ")
        ));
    }
    Ok(LoadedEconomy {
        economy,
        inputs: vec![t.make_path, t.use_path],
        notes,
        warnings,
        unit: None,
    })
}

/// The make and use tables as read: V and U, and where their rows and columns are.
struct Tables {
    make_path: PathBuf,
    use_path: PathBuf,
    /// The use table (the make table is needed only for V).
    use_: Sheet,
    /// The industries (make rows) and commodities (make columns), by label.
    industries: Vec<String>,
    commodities: Vec<String>,
    /// The commodity rows and industry columns of the use table.
    u_rows: Vec<usize>,
    u_cols: Vec<usize>,
    /// V, industries × commodities, and U, commodities × industries.
    v: DenseMatrix,
    u: DenseMatrix,
    /// Negative entries set to zero (`negative_flows = "zero"`).
    zeroed: Vec<String>,
    /// Industry output `g` where it is not `V 1` (see [`industry_output`]).
    industry_output: Option<Vec<f64>>,
    /// How the industry output was found, for the notes.
    output_note: Option<String>,
}

impl Tables {
    /// Reads both tables; the use table's rows and columns are found by the make (or supply)
    /// table's labels. A supply table in the SNA layout (products in rows, industries in
    /// columns) is read as it is and transposed to `V`.
    fn read(spec_path: &Path, base: &Path, mu: &MakeUseSection) -> Result<Self> {
        let (make_path, supply_layout) = match (&mu.make, &mu.supply) {
            (Some(m), None) => (base.join(m), false),
            (None, Some(s)) => (base.join(s), true),
            _ => {
                return Err(IoError::file(
                    spec_path,
                    "[make_use] needs exactly one of make = \"FILE\" (industries in rows) and supply = \"FILE\" (products in rows, industries in columns)",
                ))
            }
        };
        let use_path = base.join(&mu.use_);
        let make = Sheet::read(&make_path, None, 1, &BTreeMap::new(), mu.delimiter)?;
        let use_ = Sheet::read(&use_path, None, 1, &BTreeMap::new(), mu.delimiter)?;
        let mut zeroed = Vec::new();
        let (industries, commodities, v, ind_idx) = if supply_layout {
            let com_rows = make.select_rows(&mu.commodities, "commodity (product row)")?;
            let ind_cols = make.select_columns(&mu.industries, "industry column")?;
            let s = make.entries(
                &com_rows,
                &ind_cols,
                "the supply entry",
                mu.negative_flows,
                &mut zeroed,
            )?;
            let v = DenseMatrix::from_fn(s.ncols(), s.nrows(), |i, c| s.get(c, i));
            let industries: Vec<String> = ind_cols
                .iter()
                .map(|&c| make.raw.header[c].clone())
                .collect();
            let commodities: Vec<String> =
                com_rows.iter().map(|&r| make.labels[r].clone()).collect();
            (industries, commodities, v, ind_cols)
        } else {
            let ind_rows = make.select_rows(&mu.industries, "industry")?;
            let com_cols = make.select_columns(&mu.commodities, "commodity")?;
            let v = make.entries(
                &ind_rows,
                &com_cols,
                "the make entry",
                mu.negative_flows,
                &mut zeroed,
            )?;
            let industries: Vec<String> =
                ind_rows.iter().map(|&r| make.labels[r].clone()).collect();
            let commodities: Vec<String> = com_cols
                .iter()
                .map(|&c| make.raw.header[c].clone())
                .collect();
            (industries, commodities, v, ind_rows)
        };
        let (industry_output, output_note) =
            industry_output(&make, supply_layout, &ind_idx, &commodities, mu)?;
        let u_rows = use_.select_rows(&Selection::List(commodities.clone()), "commodity row")?;
        let u_cols =
            use_.select_columns(&Selection::List(industries.clone()), "industry column")?;
        let u = use_.entries(
            &u_rows,
            &u_cols,
            "the use entry",
            mu.negative_flows,
            &mut zeroed,
        )?;
        Ok(Self {
            make_path,
            use_path,
            use_,
            industries,
            commodities,
            u_rows,
            u_cols,
            v,
            u,
            zeroed,
            industry_output,
            output_note,
        })
    }

    /// The symmetric table under `mu.assumption`; its errors name the commodities or
    /// industries concerned.
    fn symmetric(&self, spec_path: &Path, mu: &MakeUseSection) -> Result<SymmetricTable> {
        let (industries, commodities) = (&self.industries, &self.commodities);
        symmetric_table_with_industry_output(
            &self.v,
            &self.u,
            self.industry_output.as_deref(),
            mu.assumption,
        )
        .map_err(|e| match e {
            ModelError::NegativeResult { what, count, row, col, value } => IoError::file(
                spec_path,
                format!(
                    "{what} gives {count} negative coefficients (the most negative is {value:.4}: {:?} used per unit of {:?}); use assumption = \"industry-technology\"",
                    commodities[row], commodities[col]
                ),
            ),
            ModelError::NotFinite { what, row, .. } if what == "industry output" => IoError::file(
                &self.make_path,
                format!("the output of industry {:?} (the sum of its make-table row) is not a finite number; check its entries", industries[row]),
            ),
            ModelError::NotFinite { what, row, .. } if what == "commodity output" => IoError::file(
                &self.make_path,
                format!("the output of commodity {:?} (the sum of its make-table column) is not a finite number; check its entries", commodities[row]),
            ),
            e => IoError::file(spec_path, e.to_string()),
        })
    }

    /// Final demand by category, one per column of the use table in `sel`: by commodity, or,
    /// in an industry-by-industry table, moved to the industries that make the commodities,
    /// by market share (D · f). Columns that add up others are warned of, on the use table's
    /// own numbers (by commodity).
    fn final_demand(
        &self,
        sel: &Selection,
        sym: &SymmetricTable,
        by_industry: bool,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<FinalDemand>> {
        let use_ = &self.use_;
        let fd_cols = use_.select_columns(sel, "final-demand column")?;
        let by_commodity = fd_cols
            .iter()
            .map(|&c| self.by_commodity(c))
            .collect::<Result<Vec<_>>>()?;
        self.warn_aggregate_final_demand(&fd_cols, &by_commodity, warnings);
        let (ni, nc) = (self.industries.len(), self.commodities.len());
        let mut fd = Vec::with_capacity(fd_cols.len());
        for (c, by_commodity) in fd_cols.into_iter().zip(by_commodity) {
            let values = if by_industry {
                (0..ni)
                    .map(|i| {
                        (0..nc)
                            .map(|k| sym.market_shares.get(i, k) * by_commodity[k])
                            .sum()
                    })
                    .collect()
            } else {
                by_commodity
            };
            fd.push(FinalDemand {
                name: use_.raw.header[c].clone(),
                values,
            });
        }
        Ok(fd)
    }

    /// Column `c` of the use table on the commodity rows.
    fn by_commodity(&self, c: usize) -> Result<Vec<f64>> {
        self.u_rows.iter().map(|&r| self.use_.num(r, c)).collect()
    }

    /// Totals beside their parts among the final-demand columns (`by_commodity`: each
    /// column's values), or beside the intermediate use.
    fn warn_aggregate_final_demand(
        &self,
        fd_cols: &[usize],
        by_commodity: &[Vec<f64>],
        warnings: &mut Vec<String>,
    ) {
        let use_ = &self.use_;
        let (ni, nc) = (self.industries.len(), self.commodities.len());
        let labels: Vec<&str> = fd_cols
            .iter()
            .map(|&c| use_.raw.header[c].as_str())
            .collect();
        let refs: Vec<&[f64]> = by_commodity.iter().map(Vec::as_slice).collect();
        let intermediate_use: Vec<f64> = (0..nc)
            .map(|k| (0..ni).map(|i| self.u.get(k, i)).sum())
            .collect();
        let unit = use_.finest_place(&self.u_rows, fd_cols);
        for found in aggregates::find(&labels, &refs, unit, Some(&intermediate_use)) {
            warnings.push(
                IoError::at_cell(
                    &self.use_path,
                    use_.raw.header_line,
                    fd_cols[found.aggregate] + 1,
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

    /// A satellite: the sum of its rows of the use table under the industry columns, as
    /// intensities of the symmetric table. Another file is refused: its keys could be
    /// industries or commodities.
    fn satellite(
        &self,
        s: &SatelliteSection,
        spec_path: &Path,
        assumption: TechnologyAssumption,
        sym: &SymmetricTable,
        names: &[String],
        economy: &mut Economy,
    ) -> Result<()> {
        let source = SourceFields::satellite(s).source(spec_path)?;
        let rows: Vec<String> = match source {
            Source::TableRows(l) => l.iter().map(|r| r.to_string()).collect(),
            _ => {
                return Err(IoError::file(
                    spec_path,
                    format!(
                        "satellite {:?}: with [make_use], give row or rows of the use table (another file is not read for make and use tables)",
                        s.name
                    ),
                ))
            }
        };
        let mut totals = vec![0.0; self.industries.len()];
        for rl in &rows {
            let r = self.use_.row_by_label(rl)?;
            for (i, &c) in self.u_cols.iter().enumerate() {
                totals[i] += self.use_.num(r, c)?;
            }
        }
        let intensity = sym.satellite_intensity(&totals, assumption);
        economy
            .add_satellite(plenty_core::Satellite {
                name: s.name.clone(),
                unit: s.unit.clone(),
                intensity,
            })
            .map_err(|e| model_error(&self.use_path, e, names))?;
        if s.labour {
            economy
                .set_labour(&s.name)
                .map_err(|e| model_error(spec_path, e, names))?;
        }
        Ok(())
    }
}

/// The output `g_i` of each industry (`idx`: its rows of a make table, its columns of a supply
/// table), under `industry_output`; `None` means the sum over the selected products (`V 1`).
///
/// * `{ total = "LABEL" }`: the table's own total (a column of a make table, a row of a supply
///   table);
/// * `"all-products"` (default): `g_i = Σ_k V_ik` over every product line of the table — every
///   column of a make table (rows of a supply table) that holds numbers, including products
///   left out of the selection, less the lines that are totals (a line equal, to the rounding
///   of the printed numbers, to the sum of all the others for every industry);
/// * `"selected-products"`: `V 1`.
fn industry_output(
    sheet: &Sheet,
    supply_layout: bool,
    idx: &[usize],
    selected: &[String],
    mu: &MakeUseSection,
) -> Result<(Option<Vec<f64>>, Option<String>)> {
    // Cell (industry k, product line p).
    let cell = |k: usize, p: usize| -> Result<f64> {
        if supply_layout {
            sheet.num(p, idx[k])
        } else {
            sheet.num(idx[k], p)
        }
    };
    let line_label = |p: usize| -> &str {
        if supply_layout {
            &sheet.labels[p]
        } else {
            &sheet.raw.header[p]
        }
    };
    match &mu.industry_output {
        IndustryOutput::Rule(IndustryOutputRule::SelectedProducts) => Ok((None, None)),
        IndustryOutput::Total { total } => {
            let p = if supply_layout {
                sheet.row_by_label(total)?
            } else {
                sheet.select_columns(
                    &Selection::List(vec![total.clone()]),
                    "industry-output column",
                )?[0]
            };
            let g = (0..idx.len())
                .map(|k| cell(k, p))
                .collect::<Result<Vec<_>>>()?;
            Ok((
                Some(g),
                Some(format!("industry output from the table's total {total:?}")),
            ))
        }
        IndustryOutput::Rule(IndustryOutputRule::AllProducts) => {
            // Candidate product lines: every line but the labels (and, in a make table, the
            // industries' own label column); lines with text are not products.
            let lines: Vec<usize> = if supply_layout {
                (0..sheet.labels.len()).collect()
            } else {
                (0..sheet.raw.header.len())
                    .filter(|&c| c != sheet.label_col && !sheet.filter_cols.contains(&c))
                    .collect()
            };
            let mut values: Vec<(usize, Vec<f64>)> = Vec::new();
            for p in lines {
                if let Ok(v) = (0..idx.len())
                    .map(|k| cell(k, p))
                    .collect::<Result<Vec<_>>>()
                {
                    values.push((p, v));
                }
            }
            // Remove totals, one at a time (a line twice the sum of all lines, per industry).
            let unit = if supply_layout {
                sheet.finest_place(&values.iter().map(|v| v.0).collect::<Vec<_>>(), idx)
            } else {
                sheet.finest_place(idx, &values.iter().map(|v| v.0).collect::<Vec<_>>())
            };
            let mut totals = Vec::new();
            loop {
                let sums: Vec<f64> = (0..idx.len())
                    .map(|k| values.iter().map(|(_, v)| v[k]).sum())
                    .collect();
                let slack = |s: f64| 1e-6 * s.abs() + unit * values.len() as f64;
                let found = values.iter().position(|(_, v)| {
                    v.iter().any(|x| *x != 0.0)
                        && v.iter()
                            .zip(&sums)
                            .all(|(x, s)| (2.0 * x - s).abs() <= slack(*s))
                });
                match found {
                    Some(t) => totals.push(line_label(values.remove(t).0).to_string()),
                    None => break,
                }
            }
            let g: Vec<f64> = (0..idx.len())
                .map(|k| values.iter().map(|(_, v)| v[k]).sum())
                .collect();
            let left_out: Vec<&str> = values
                .iter()
                .map(|(p, _)| line_label(*p))
                .filter(|l| !selected.iter().any(|s| s == l))
                .collect();
            let mut note = format!(
                "industry output from all {} products the industries supply",
                values.len()
            );
            if !left_out.is_empty() {
                note.push_str(&format!(
                    ", including {} left out of the selection ({})",
                    left_out.len(),
                    left_out.join(", ")
                ));
            }
            if !totals.is_empty() {
                note.push_str(&format!("; not counted, as totals: {}", totals.join(", ")));
            }
            Ok((Some(g), Some(note)))
        }
    }
}

/// The economy of the symmetric table, its sectors `names` (industries or commodities), with
/// the table's output as the recorded output.
fn economy(
    spec_path: &Path,
    sym: &SymmetricTable,
    by_industry: bool,
    names: &[String],
) -> Result<Economy> {
    let a = TechnicalCoefficients::dense(sym.a.clone())
        .map_err(|e| model_error(spec_path, e, names))?;
    let mut economy =
        Economy::new(names.to_vec(), a).map_err(|e| model_error(spec_path, e, names))?;
    let output = if by_industry {
        sym.industry_output.clone()
    } else {
        sym.commodity_output.clone()
    };
    economy.zero_output_sectors = (0..output.len()).filter(|&k| output[k] == 0.0).collect();
    economy.recorded_output = Some(output);
    Ok(economy)
}
