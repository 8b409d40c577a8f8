//! Cockshott's five-year-plan spreadsheets, read as they are (`flows.csv`, `cap.csv`, `dep.csv`,
//! `labtarg.csv`; see `data/cockshott_5yearplan_toy/README.txt`).
//!
//! Each file is a spreadsheet saved as CSV: the first line is `headings,<good>,<good>,…` and the
//! first cell of every other line names the row. Blank lines (and lines of blanks) are skipped.
//!
//! - `flows.csv`: one row per good `j` (the flow `F_ji` of good `j` into industry `i` in the base
//!   year), then `labour` (`L⁰_i`, hours) and `output` (`X⁰_i`, gross output);
//! - `cap.csv`: one row per capital good `s`: the stock `K⁰_si` held by industry `i`;
//! - `dep.csv`: the same shape: the yearly depreciation rate `δ_si`;
//! - `labtarg.csv`: one row per year, the consumption target of each good and, in the column
//!   `labour`, the hours available that year.
//!
//! Coefficients follow from the base year: `a_ji = F_ji / X⁰_i`, `b_si = K⁰_si / X⁰_i`,
//! `l_i = L⁰_i / X⁰_i`. Cells with no stock are left out: no output needs them, so investing in
//! them would be waste and the plan never does.

use crate::error::{IoError, Result};
use crate::table::parse_number;
use plenty_core::plan::multiyear::{CapitalCell, MultiYearEconomy};
use std::path::Path;

/// One spreadsheet: its column headings (after `headings`) and its named rows with their line
/// numbers.
struct Sheet {
    columns: Vec<String>,
    rows: Vec<(String, usize, Vec<f64>)>,
}

fn read_sheet(path: &Path) -> Result<Sheet> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    let text = crate::error::text_of(path, &bytes, "a spreadsheet saved as CSV")?;
    let mut columns: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let number = k + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        match &columns {
            None => {
                if cells.len() < 2 {
                    return Err(IoError::at_line(
                        path,
                        number,
                        "the first line must be `headings,<good>,<good>,…`",
                    ));
                }
                columns = Some(cells[1..].iter().map(|s| s.to_string()).collect());
            }
            Some(cols) => {
                if cells.len() != cols.len() + 1 {
                    return Err(IoError::at_line(
                        path,
                        number,
                        format!(
                            "{} cells, but the headings line has {}: every row names itself and gives one value per column",
                            cells.len(),
                            cols.len() + 1
                        ),
                    ));
                }
                let mut values = Vec::with_capacity(cols.len());
                for (c, cell) in cells[1..].iter().enumerate() {
                    let v = match parse_number(cell) {
                        Ok(Some(v)) if v.is_finite() => v,
                        _ => {
                            return Err(IoError::at_cell(
                                path,
                                number,
                                c + 2,
                                Some(&cols[c]),
                                format!("{cell:?} is not a finite number; write one (0 for none)"),
                            ))
                        }
                    };
                    values.push(v);
                }
                rows.push((cells[0].to_string(), number, values));
            }
        }
    }
    let columns = columns.ok_or_else(|| IoError::file(path, "the file is empty"))?;
    Ok(Sheet { columns, rows })
}

impl Sheet {
    fn row(&self, path: &Path, name: &str) -> Result<&[f64]> {
        self.rows
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, v)| v.as_slice())
            .ok_or_else(|| IoError::file(path, format!("no row named {name:?}")))
    }

    /// Checks that the columns are `goods` (in order, plus `extra` at the end).
    fn expect_columns(&self, path: &Path, goods: &[String], extra: &[&str]) -> Result<()> {
        let expected: Vec<String> = goods
            .iter()
            .cloned()
            .chain(extra.iter().map(|s| s.to_string()))
            .collect();
        if self.columns != expected {
            return Err(IoError::at_line(
                path,
                1,
                format!(
                    "the columns are {:?}; flows.csv's goods (and {extra:?}) were expected: {expected:?}",
                    self.columns
                ),
            ));
        }
        Ok(())
    }

    /// The rows of a goods × goods sheet, in the order of `goods`.
    fn square(&self, path: &Path, goods: &[String]) -> Result<Vec<Vec<f64>>> {
        self.expect_columns(path, goods, &[])?;
        goods
            .iter()
            .map(|g| self.row(path, g).map(<[f64]>::to_vec))
            .collect()
    }
}

/// Reads the four spreadsheets of `dir` into a multi-year economy (years from `labtarg.csv`).
pub fn read_cockshott_plan(dir: &Path) -> Result<MultiYearEconomy> {
    let flows_path = dir.join("flows.csv");
    let flows = read_sheet(&flows_path)?;
    let goods = flows.columns.clone();
    let n = goods.len();
    let output = flows.row(&flows_path, "output")?.to_vec();
    let hours = flows.row(&flows_path, "labour")?.to_vec();
    for (i, x) in output.iter().enumerate() {
        if !(*x > 0.0 && x.is_finite()) {
            return Err(IoError::file(
                &flows_path,
                format!(
                    "the output of {} is {x}: every industry needs a positive base-year output, which the coefficients are divided by",
                    goods[i]
                ),
            ));
        }
    }
    let mut inputs = vec![Vec::new(); n];
    for (j, g) in goods.iter().enumerate() {
        let row = flows.row(&flows_path, g)?;
        for i in 0..n {
            if row[i] != 0.0 {
                inputs[i].push((j, row[i] / output[i]));
            }
        }
    }
    let labour = (0..n).map(|i| hours[i] / output[i]).collect();

    let cap_path = dir.join("cap.csv");
    let dep_path = dir.join("dep.csv");
    let stocks = read_sheet(&cap_path)?.square(&cap_path, &goods)?;
    let rates = read_sheet(&dep_path)?.square(&dep_path, &goods)?;
    let mut cells = Vec::new();
    for s in 0..n {
        for i in 0..n {
            if stocks[s][i] > 0.0 {
                cells.push(CapitalCell {
                    good: s,
                    process: i,
                    per_unit: stocks[s][i] / output[i],
                    depreciation: rates[s][i],
                    initial_stock: stocks[s][i],
                    lag: 1,
                });
            }
        }
    }

    let lt_path = dir.join("labtarg.csv");
    let lt = read_sheet(&lt_path)?;
    lt.expect_columns(&lt_path, &goods, &["labour"])?;
    if lt.rows.is_empty() {
        return Err(IoError::file(
            &lt_path,
            "no years: one row per year is expected",
        ));
    }
    let targets = lt.rows.iter().map(|(_, _, v)| v[..n].to_vec()).collect();
    let labour_available = lt.rows.iter().map(|(_, _, v)| v[n]).collect();
    let economy =
        MultiYearEconomy::leontief(goods, inputs, labour, cells, targets, labour_available);
    economy
        .validate()
        .map_err(|e| IoError::file(dir, e.to_string()))?;
    Ok(economy)
}

/// Writes a Leontief-form multi-year economy (one technique per good, making one unit of it, no
/// resources, committed needs, lags over a year or terminal condition) as Cockshott's four
/// spreadsheets, with a base-year output `x⁰` (positive) to turn coefficients into flows:
/// `F_ji = a_ji x⁰_i`, `L⁰_i = l_i x⁰_i`, `K⁰_si` as given (`b_si` must equal `K⁰_si / x⁰_i`,
/// as in every economy read from such spreadsheets). Read back with [`read_cockshott_plan`].
pub fn write_cockshott_plan(dir: &Path, e: &MultiYearEconomy, x0: &[f64]) -> Result<()> {
    use crate::mtx::format_f64;
    use plenty_core::plan::multiyear::TerminalCondition;
    let n = e.n();
    let leontief = e.processes.len() == n
        && e.processes
            .iter()
            .enumerate()
            .all(|(i, p)| p.outputs == [(i, 1.0)])
        && e.resources.is_empty()
        && e.committed.iter().all(|d| *d == 0.0)
        && e.cells.iter().all(|c| c.lag == 1)
        && e.terminal == TerminalCondition::None
        && x0.len() == n
        && x0.iter().all(|x| *x > 0.0 && x.is_finite());
    if !leontief {
        return Err(IoError::file(dir, "only an economy of one technique per good, with no resources, committed needs, longer lags or terminal condition, and a positive base-year output, fits Cockshott's spreadsheets"));
    }
    std::fs::create_dir_all(dir).map_err(|err| IoError::os(dir, &err))?;
    let heading = format!("headings,{}\n", e.goods.join(","));
    let row = |name: &str, values: &[f64]| -> String {
        let cells: Vec<String> = values.iter().map(|v| format_f64(*v)).collect();
        format!("{name},{}\n", cells.join(","))
    };
    let square = |f: &dyn Fn(&CapitalCell) -> f64| -> String {
        let mut m = vec![vec![0.0; n]; n];
        for c in &e.cells {
            m[c.good][c.process] = f(c);
        }
        let mut s = heading.clone();
        for (good, values) in m.iter().enumerate() {
            s += &row(&e.goods[good], values);
        }
        s
    };
    let mut f = vec![vec![0.0; n]; n];
    for (i, p) in e.processes.iter().enumerate() {
        for &(j, a) in &p.inputs {
            f[j][i] += a * x0[i];
        }
    }
    let mut flows = heading.clone();
    for (j, values) in f.iter().enumerate() {
        flows += &row(&e.goods[j], values);
    }
    let hours: Vec<f64> = e
        .processes
        .iter()
        .zip(x0)
        .map(|(p, x)| p.labour * x)
        .collect();
    flows += &row("labour", &hours);
    flows += &row("output", x0);
    let mut labtarg = format!("headings,{},labour\n", e.goods.join(","));
    for (t, targets) in e.targets.iter().enumerate() {
        let mut values = targets.clone();
        values.push(e.labour_available[t]);
        labtarg += &row(&format!("year{}", t + 1), &values);
    }
    for (name, text) in [
        ("flows.csv", flows),
        ("cap.csv", square(&|c| c.initial_stock)),
        ("dep.csv", square(&|c| c.depreciation)),
        ("labtarg.csv", labtarg),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|err| IoError::os(&path, &err))?;
    }
    Ok(())
}
