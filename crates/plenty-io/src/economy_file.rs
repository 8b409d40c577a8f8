//! The hand-written economy file (TOML): products, one process per product with its inputs and
//! labour, and final demand.
//!
//! ```toml
//! name = "A village"
//! [labour]
//! unit = "hours"
//!
//! [[product]]
//! name = "grain"
//! unit = "t"
//! final_demand = 80.0
//!
//! [[process]]
//! product = "grain"          # what one unit of this process makes
//! output = 1.0               # units made per run (default 1)
//! labour = 10.0              # hours per run
//! inputs = { grain = 0.1, tools = 0.02 }   # units used per run
//! satellites = { co2 = 0.4 } # optional other accounts per run
//! ```
//!
//! The coefficients are `a_ij = inputs_i / output` and `l_j = labour / output`. Every error
//! names the line and column of the offending entry.

use crate::error::{IoError, Result};
use crate::spec::toml_error;
use crate::table::suggest;
use plenty_core::{DenseMatrix, Economy, FinalDemand, Satellite, TechnicalCoefficients};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomyFile {
    /// Name of the economy.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// About labour.
    #[serde(default)]
    pub labour: LabourSection,
    /// Products.
    #[serde(default)]
    pub product: Vec<ProductEntry>,
    /// Processes.
    #[serde(default)]
    pub process: Vec<ProcessEntry>,
}

/// `[labour]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabourSection {
    /// Unit of labour, default `"hours"`.
    pub unit: Option<String>,
}

/// `[[product]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    /// Unique name.
    pub name: Spanned<String>,
    /// Unit, e.g. `"t"`.
    pub unit: Option<String>,
    /// Final demand (default 0).
    #[serde(default)]
    pub final_demand: Option<Spanned<f64>>,
}

/// `[[process]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessEntry {
    /// The product it makes.
    pub product: Spanned<String>,
    /// Optional name of the technique.
    pub name: Option<String>,
    /// Units of the product per run. Default 1.
    pub output: Option<Spanned<f64>>,
    /// Hours per run.
    pub labour: Spanned<f64>,
    /// Units of each input per run.
    #[serde(default)]
    pub inputs: BTreeMap<Spanned<String>, Spanned<f64>>,
    /// Other accounts per run (emissions, land…).
    #[serde(default)]
    pub satellites: BTreeMap<String, Spanned<f64>>,
}

/// Reads an economy file.
pub fn read_economy_file(path: &Path) -> Result<Economy> {
    let text = crate::error::read_text(path)?;
    parse_economy(path, &text)
}

/// Parses the text of an economy file (`path` is used in messages).
pub fn parse_economy(path: &Path, text: &str) -> Result<Economy> {
    let file: EconomyFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let at = |span: std::ops::Range<usize>, msg: String| -> IoError {
        let (line, col) = crate::error::line_column(text, span.start);
        IoError::at_cell(path, line, col, None, msg)
    };
    if file.product.is_empty() {
        return Err(IoError::file(
            path,
            "the economy has no [[product]] entries; add at least one",
        ));
    }
    let names: Vec<String> = file
        .product
        .iter()
        .map(|p| p.name.get_ref().clone())
        .collect();
    let mut index = BTreeMap::new();
    for (k, p) in file.product.iter().enumerate() {
        if index.insert(p.name.get_ref().clone(), k).is_some() {
            return Err(at(
                p.name.span(),
                format!("the product {:?} is defined twice", p.name.get_ref()),
            ));
        }
    }
    let n = names.len();
    let find = |s: &Spanned<String>, what: &str| -> Result<usize> {
        index.get(s.get_ref()).copied().ok_or_else(|| {
            at(
                s.span(),
                format!(
                    "{what} {:?} is not a [[product]]{}",
                    s.get_ref(),
                    suggest(s.get_ref(), names.iter().map(String::as_str))
                ),
            )
        })
    };
    let number = |v: &Spanned<f64>, what: &str, positive: bool| -> Result<f64> {
        let x = *v.get_ref();
        if !x.is_finite() {
            return Err(at(
                v.span(),
                format!("{what} is {x}; it must be a finite number"),
            ));
        }
        if x < 0.0 || (positive && x == 0.0) {
            return Err(at(
                v.span(),
                format!(
                    "{what} is {x}; it must be {}",
                    if positive { "positive" } else { "zero or more" }
                ),
            ));
        }
        Ok(x)
    };
    let mut a = DenseMatrix::zeros(n, n);
    let mut labour = vec![0.0; n];
    let mut made_by: Vec<Option<usize>> = vec![None; n];
    let mut sat_names: Vec<String> = Vec::new();
    for p in &file.process {
        for k in p.satellites.keys() {
            if !sat_names.contains(k) {
                sat_names.push(k.clone());
            }
        }
    }
    if sat_names.iter().any(|s| s == "labour") {
        return Err(IoError::file(
            path,
            "\"labour\" is reserved; give labour with labour = … on each process",
        ));
    }
    let mut sats = vec![vec![0.0; n]; sat_names.len()];
    for (pk, p) in file.process.iter().enumerate() {
        let j = find(&p.product, "the process's product")?;
        if let Some(other) = made_by[j] {
            return Err(at(
                p.product.span(),
                format!(
                    "{:?} is already made by process {}; an input-output economy has one process per product (alternative techniques come with `plenty plan`)",
                    names[j],
                    other + 1
                ),
            ));
        }
        made_by[j] = Some(pk);
        let out = match &p.output {
            Some(o) => number(o, "output", true)?,
            None => 1.0,
        };
        // Per unit of output: a tiny output can make a quotient overflow to infinity.
        let per_unit = |v: f64, what: &str| -> Result<f64> {
            let q = v / out;
            if q.is_finite() {
                Ok(q)
            } else {
                let span = p.output.as_ref().map_or(p.product.span(), |o| o.span());
                Err(at(
                    span,
                    format!("{what} divided by the output {out:e} is too large to represent; give the output and the quantities in a unit where the output is not tiny"),
                ))
            }
        };
        labour[j] = per_unit(number(&p.labour, "labour", false)?, "labour")?;
        for (input, q) in &p.inputs {
            let i = find(input, "the input")?;
            let what = format!("the input of {:?}", input.get_ref());
            a.set(i, j, per_unit(number(q, &what, false)?, &what)?);
        }
        for (s, q) in &p.satellites {
            let k = sat_names.iter().position(|x| x == s).unwrap_or(0);
            let what = format!("satellite {s:?}");
            sats[k][j] = per_unit(number(q, &what, false)?, &what)?;
        }
    }
    if let Some(j) = made_by.iter().position(Option::is_none) {
        return Err(at(
            file.product[j].name.span(),
            format!(
                "no [[process]] makes {:?}; add one with product = {:?}",
                names[j], names[j]
            ),
        ));
    }
    let a = TechnicalCoefficients::dense(a).map_err(|e| IoError::file(path, e.to_string()))?;
    let mut e = Economy::new(names, a).map_err(|e| IoError::file(path, e.to_string()))?;
    e.add_satellite(Satellite {
        name: "labour".into(),
        unit: Some(file.labour.unit.clone().unwrap_or_else(|| "hours".into())),
        intensity: labour,
    })
    .map_err(|e| IoError::file(path, e.to_string()))?;
    e.set_labour("labour")
        .map_err(|e| IoError::file(path, e.to_string()))?;
    for (k, s) in sat_names.iter().enumerate() {
        e.add_satellite(Satellite {
            name: s.clone(),
            unit: None,
            intensity: sats[k].clone(),
        })
        .map_err(|e| IoError::file(path, e.to_string()))?;
    }
    let mut d = vec![0.0; n];
    for (k, p) in file.product.iter().enumerate() {
        if let Some(v) = &p.final_demand {
            d[k] = number(v, "final_demand", false)?;
        }
    }
    e.add_final_demand(FinalDemand {
        name: "final_demand".into(),
        values: d,
    })
    .map_err(|e| IoError::file(path, e.to_string()))?;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
[[product]]
name = "grain"
final_demand = 10
[[product]]
name = "tools"
[[process]]
product = "grain"
labour = 2
output = 2
inputs = { grain = 0.2, tools = 0.1 }
[[process]]
product = "tools"
labour = 1
inputs = { grain = 0.5 }
"#;

    #[test]
    fn coefficients_are_per_unit_of_output() {
        let e = parse_economy(Path::new("e.toml"), OK).unwrap();
        assert_eq!(e.a.get(0, 0), 0.1);
        assert_eq!(e.a.get(1, 0), 0.05);
        assert_eq!(e.a.get(0, 1), 0.5);
        assert_eq!(e.labour_satellite().unwrap().intensity, vec![1.0, 1.0]);
        assert_eq!(e.total_final_demand(), vec![10.0, 0.0]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let bad = OK.replace("inputs = { grain = 0.5 }", "inputs = { grian = 0.5 }");
        let e = parse_economy(Path::new("e.toml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "e.toml:15:12: the input \"grian\" is not a [[product]] (did you mean \"grain\"?)"
            ),
            "{e}"
        );
        let bad = OK.replace("labour = 1\n", "labour = -1\n");
        let e = parse_economy(Path::new("e.toml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("e.toml:14:10: labour is -1; it must be zero or more"),
            "{e}"
        );
        let bad = OK.replace("labour = 1\n", "labour = nan\n");
        let e = parse_economy(Path::new("e.toml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("labour is NaN"), "{e}");
        let bad = OK.replace("product = \"tools\"", "product = \"grain\"");
        let e = parse_economy(Path::new("e.toml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("already made by process 1"), "{e}");
        let e = parse_economy(Path::new("e.toml"), "[[product]]\nname = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("e.toml:2:8"), "{e}");
        let e = parse_economy(Path::new("e.toml"), "")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no [[product]]"), "{e}");
    }
}
