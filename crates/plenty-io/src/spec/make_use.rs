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
use super::{ImportSpec, LoadedEconomy, MakeUseSection, SatelliteSection, Selection};
use crate::aggregates;
use crate::error::{IoError, Result};
use plenty_core::make_use::{symmetric_table, SymmetricTable, TechnologyAssumption};
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
    let t = Tables::read(base, mu)?;
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
}

impl Tables {
    /// Reads both tables; the use table's rows and columns are found by the make table's
    /// labels.
    fn read(base: &Path, mu: &MakeUseSection) -> Result<Self> {
        let make_path = base.join(&mu.make);
        let use_path = base.join(&mu.use_);
        let make = Sheet::read(&make_path, None, 1, &BTreeMap::new(), mu.delimiter)?;
        let use_ = Sheet::read(&use_path, None, 1, &BTreeMap::new(), mu.delimiter)?;
        let ind_rows = make.select_rows(&mu.industries, "industry")?;
        let com_cols = make.select_columns(&mu.commodities, "commodity")?;
        let industries: Vec<String> = ind_rows.iter().map(|&r| make.labels[r].clone()).collect();
        let commodities: Vec<String> = com_cols
            .iter()
            .map(|&c| make.raw.header[c].clone())
            .collect();
        let mut zeroed = Vec::new();
        let v = make.entries(
            &ind_rows,
            &com_cols,
            "the make entry",
            mu.negative_flows,
            &mut zeroed,
        )?;
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
        })
    }

    /// The symmetric table under `mu.assumption`; its errors name the commodities or
    /// industries concerned.
    fn symmetric(&self, spec_path: &Path, mu: &MakeUseSection) -> Result<SymmetricTable> {
        let (industries, commodities) = (&self.industries, &self.commodities);
        symmetric_table(&self.v, &self.u, mu.assumption).map_err(|e| match e {
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
