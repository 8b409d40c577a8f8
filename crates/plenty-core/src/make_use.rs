//! Supply-use (make and use) tables to a symmetric input-output table.
//!
//! With the make matrix `V` (industries × commodities: `V_ic` is industry `i`'s output of
//! commodity `c`), the use matrix `U` (commodities × industries), industry output `g = V 1` and
//! commodity output `q = Vᵀ 1`:
//!
//! * input coefficients `B = U diag(g)⁻¹` (commodities used per unit of industry output);
//! * market shares `D = V diag(q)⁻¹` (the share of commodity `c` made by industry `i`);
//! * **industry-technology assumption** (each industry has one input structure, whatever it
//!   makes): commodity-by-commodity `A = B D`, industry-by-industry `A = D B`. Always defined,
//!   never negative;
//! * **commodity-technology assumption** (each commodity has one input structure, whichever
//!   industry makes it): `A = B C⁻¹` with the product mix `C = Vᵀ diag(g)⁻¹`. Defined only when
//!   `V` is square and `C` invertible, and known to give negative coefficients on real data;
//!   plenty then reports where instead of returning them.
//!
//! `B D` and `D B` have the same non-zero eigenvalues, so `ρ(A)` does not depend on the choice.
//!
//! **Industry output when products are left out.** A table's selection may leave out products
//! an industry supplies (BEA's "Used" and "Other": scrap, second-hand goods, non-comparable
//! imports). Its output is then not the sum over the selected products: with the full output
//! `g_i = Σ_{c ∈ all products} V_ic` (or the table's own total), the inputs per unit of output
//! are `B = U diag(g)⁻¹` whatever is selected. [`symmetric_table_with_industry_output`] takes
//! that `g`; [`symmetric_table`] uses the sum over the given make table (`g = V 1`).

use crate::error::ModelError;
use crate::matrix::DenseMatrix;
use serde::{Deserialize, Serialize};

/// Which technology assumption turns supply and use into a symmetric table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TechnologyAssumption {
    /// Industry technology, commodity-by-commodity table (`A = B D`).
    #[default]
    IndustryTechnology,
    /// Industry technology, industry-by-industry table (`A = D B`).
    IndustryByIndustry,
    /// Commodity technology (`A = B C⁻¹`), where well defined.
    CommodityTechnology,
}

/// The symmetric table derived from make and use.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricTable {
    /// Technical coefficients (commodity × commodity, or industry × industry).
    pub a: DenseMatrix,
    /// Industry output `g` (row sums of `V`).
    pub industry_output: Vec<f64>,
    /// Commodity output `q` (column sums of `V`).
    pub commodity_output: Vec<f64>,
    /// Market shares `D` (industries × commodities), to move industry satellites to commodities.
    pub market_shares: DenseMatrix,
}

impl SymmetricTable {
    /// Moves an industry satellite given as totals per industry to intensities per unit of the
    /// symmetric table's product: per commodity `s_c = Σ_i (s_i / g_i) D_ic` for a
    /// commodity-by-commodity table, `s_i / g_i` for an industry-by-industry one.
    pub fn satellite_intensity(
        &self,
        industry_totals: &[f64],
        assumption: TechnologyAssumption,
    ) -> Vec<f64> {
        let g = &self.industry_output;
        let per_industry: Vec<f64> = industry_totals
            .iter()
            .zip(g)
            .map(|(s, g)| if *g > 0.0 { s / g } else { 0.0 })
            .collect();
        match assumption {
            TechnologyAssumption::IndustryByIndustry => per_industry,
            _ => {
                let d = &self.market_shares;
                (0..d.ncols())
                    .map(|c| (0..d.nrows()).map(|i| per_industry[i] * d.get(i, c)).sum())
                    .collect()
            }
        }
    }
}

/// Converts make `V` (industries × commodities) and use `U` (commodities × industries) to a
/// symmetric table under the given assumption, with industry output `g = V 1`.
pub fn symmetric_table(
    make: &DenseMatrix,
    use_: &DenseMatrix,
    assumption: TechnologyAssumption,
) -> Result<SymmetricTable, ModelError> {
    symmetric_table_with_industry_output(make, use_, None, assumption)
}

/// [`symmetric_table`] with the industry output `g` given (the table's own total, or the sum
/// over all the products each industry supplies, including those left out of `V`); `None`
/// means `g = V 1`. A given `g_i` below the sum of industry `i`'s selected products (by more
/// than a relative 10⁻³, the rounding of published totals) is an error: the products left out
/// cannot have negative output.
pub fn symmetric_table_with_industry_output(
    make: &DenseMatrix,
    use_: &DenseMatrix,
    industry_output: Option<&[f64]>,
    assumption: TechnologyAssumption,
) -> Result<SymmetricTable, ModelError> {
    let (ni, nc) = (make.nrows(), make.ncols());
    if use_.nrows() != nc || use_.ncols() != ni {
        return Err(ModelError::Invalid(format!(
            "the make table is {ni} industries × {nc} commodities, so the use table must be {nc} × {ni}, but it is {} × {}",
            use_.nrows(),
            use_.ncols()
        )));
    }
    for (what, m) in [("make", make), ("use", use_)] {
        for i in 0..m.nrows() {
            for (j, &v) in m.row(i).iter().enumerate() {
                if !v.is_finite() {
                    return Err(ModelError::NotFinite {
                        what: format!("{what} table entry"),
                        row: i,
                        col: j,
                        value: v,
                    });
                }
                if v < 0.0 {
                    return Err(ModelError::Negative {
                        what: format!("{what} table entry"),
                        row: i,
                        col: j,
                        value: v,
                    });
                }
            }
        }
    }
    let selected: Vec<f64> = (0..ni).map(|i| make.row(i).iter().sum()).collect();
    let g: Vec<f64> = match industry_output {
        None => selected,
        Some(g) => {
            if g.len() != ni {
                return Err(ModelError::DimensionMismatch {
                    what: "industry output".into(),
                    expected: ni,
                    found: g.len(),
                });
            }
            for (i, (&gi, &si)) in g.iter().zip(&selected).enumerate() {
                // Published totals are rounded separately from their parts (BEA's can be 1
                // below the sum of 73 rounded cells): allow a relative 1e-3.
                if gi.is_finite() && gi < si - 1e-3 * si.abs().max(1.0) {
                    return Err(ModelError::Invalid(format!(
                        "the output of industry {i} is given as {gi}, less than the {si} of its selected products"
                    )));
                }
            }
            g.to_vec()
        }
    };
    let q: Vec<f64> = (0..nc)
        .map(|c| (0..ni).map(|i| make.get(i, c)).sum())
        .collect();
    for (what, v) in [("industry output", &g), ("commodity output", &q)] {
        if let Some(k) = v.iter().position(|x| !x.is_finite()) {
            return Err(ModelError::NotFinite {
                what: what.into(),
                row: k,
                col: 0,
                value: v[k],
            });
        }
    }
    let b = DenseMatrix::from_fn(nc, ni, |c, i| {
        if g[i] > 0.0 {
            use_.get(c, i) / g[i]
        } else {
            0.0
        }
    });
    let d = DenseMatrix::from_fn(ni, nc, |i, c| {
        if q[c] > 0.0 {
            make.get(i, c) / q[c]
        } else {
            0.0
        }
    });
    let a = match assumption {
        TechnologyAssumption::IndustryTechnology => matmul(&b, &d),
        TechnologyAssumption::IndustryByIndustry => matmul(&d, &b),
        TechnologyAssumption::CommodityTechnology => {
            if ni != nc {
                return Err(ModelError::Invalid(format!(
                    "the commodity-technology assumption needs as many industries as commodities ({ni} ≠ {nc}); use the industry-technology assumption"
                )));
            }
            // A = B C⁻¹  ⇔  Cᵀ Aᵀ = Bᵀ.
            let ct = faer::Mat::<f64>::from_fn(nc, nc, |i, c| {
                if g[i] > 0.0 {
                    make.get(i, c) / g[i]
                } else {
                    0.0
                }
            });
            let lu = crate::solve::DenseLu::factor(ct);
            let mut rhs = faer::Mat::<f64>::from_fn(ni, nc, |i, c| b.get(c, i));
            lu.solve_in_place(rhs.as_mut(), crate::iterative::Side::Output);
            let a = DenseMatrix::from_fn(nc, nc, |r, c| rhs[(c, r)]);
            if let Some(k) = a.as_slice().iter().position(|v| !v.is_finite()) {
                return Err(ModelError::Invalid(format!(
                    "the product-mix matrix is singular (entry {} is not finite); the commodity-technology assumption is not defined for this table",
                    k
                )));
            }
            let negatives: Vec<(usize, usize, f64)> = (0..nc)
                .flat_map(|r| (0..nc).map(move |c| (r, c)))
                .map(|(r, c)| (r, c, a.get(r, c)))
                .filter(|&(_, _, v)| v < -1e-12)
                .collect();
            if let Some(&(r, c, v)) = negatives.iter().min_by(|x, y| x.2.total_cmp(&y.2)) {
                return Err(ModelError::NegativeResult {
                    what: "the commodity-technology assumption".into(),
                    count: negatives.len(),
                    row: r,
                    col: c,
                    value: v,
                });
            }
            DenseMatrix::from_fn(nc, nc, |r, c| a.get(r, c).max(0.0))
        }
    };
    Ok(SymmetricTable {
        a,
        industry_output: g,
        commodity_output: q,
        market_shares: d,
    })
}

fn matmul(x: &DenseMatrix, y: &DenseMatrix) -> DenseMatrix {
    let fx = faer::Mat::<f64>::from_fn(x.nrows(), x.ncols(), |i, j| x.get(i, j));
    let fy = faer::Mat::<f64>::from_fn(y.nrows(), y.ncols(), |i, j| y.get(i, j));
    let mut p = faer::Mat::<f64>::zeros(x.nrows(), y.ncols());
    faer::linalg::matmul::matmul(
        p.as_mut(),
        faer::Accum::Replace,
        fx.as_ref(),
        fy.as_ref(),
        1.0,
        crate::solve::faer_par(),
    );
    DenseMatrix::from_fn(p.nrows(), p.ncols(), |i, j| p[(i, j)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_product_per_industry_gives_the_plain_coefficients() {
        // With a diagonal make table, B D = D B = U diag(g)⁻¹ and both assumptions agree.
        let v = DenseMatrix::try_from_row_major(2, 2, vec![100.0, 0.0, 0.0, 50.0]).unwrap();
        let u = DenseMatrix::try_from_row_major(2, 2, vec![10.0, 5.0, 20.0, 2.5]).unwrap();
        for a in [
            TechnologyAssumption::IndustryTechnology,
            TechnologyAssumption::IndustryByIndustry,
            TechnologyAssumption::CommodityTechnology,
        ] {
            let t = symmetric_table(&v, &u, a).unwrap();
            assert!((t.a.get(0, 0) - 0.1).abs() < 1e-15);
            assert!((t.a.get(0, 1) - 0.1).abs() < 1e-15);
            assert!((t.a.get(1, 0) - 0.2).abs() < 1e-15);
            assert!((t.a.get(1, 1) - 0.05).abs() < 1e-15);
        }
    }

    #[test]
    fn secondary_products_follow_their_industry() {
        // Industry 0 makes 80 of commodity 0 and 20 of commodity 1; industry 1 makes 60 of 1.
        let v = DenseMatrix::try_from_row_major(2, 2, vec![80.0, 20.0, 0.0, 60.0]).unwrap();
        let u = DenseMatrix::try_from_row_major(2, 2, vec![10.0, 6.0, 30.0, 0.0]).unwrap();
        let t = symmetric_table(&v, &u, TechnologyAssumption::IndustryTechnology).unwrap();
        // B = [[0.1, 0.1],[0.3, 0]], D = [[1, 0.25],[0, 0.75]] ⇒ B D = [[0.1, 0.1],[0.3, 0.075]]
        let expect = [[0.1, 0.1], [0.3, 0.075]];
        for (r, row) in expect.iter().enumerate() {
            for (c, e) in row.iter().enumerate() {
                assert!((t.a.get(r, c) - e).abs() < 1e-15, "{r},{c}");
            }
        }
    }

    #[test]
    fn issue_17_industry_output_counts_products_left_out() {
        // Industry 0 also makes 25 of a product left out of V (scrap): g = (125, 50), not (100, 50).
        let v = DenseMatrix::try_from_row_major(2, 2, vec![100.0, 0.0, 0.0, 50.0]).unwrap();
        let u = DenseMatrix::try_from_row_major(2, 2, vec![10.0, 5.0, 20.0, 2.5]).unwrap();
        let old = symmetric_table(&v, &u, TechnologyAssumption::IndustryTechnology).unwrap();
        let g = [125.0, 50.0];
        let new = symmetric_table_with_industry_output(
            &v,
            &u,
            Some(&g),
            TechnologyAssumption::IndustryTechnology,
        )
        .unwrap();
        assert!((old.a.get(1, 0) - 0.2).abs() < 1e-15);
        assert!((new.a.get(1, 0) - 20.0 / 125.0).abs() < 1e-15);
        assert_eq!(new.industry_output, g);
        let low = [90.0, 50.0];
        assert!(symmetric_table_with_industry_output(
            &v,
            &u,
            Some(&low),
            TechnologyAssumption::IndustryTechnology
        )
        .is_err());
    }
}
