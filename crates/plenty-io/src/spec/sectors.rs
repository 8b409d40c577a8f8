//! Which rows and columns of a table are the sectors, and the checks that they form a square
//! block.
//!
//! Without `columns` in `[sectors]`, each sector row's column is the one headed by its label
//! (matched by label): a row without a column, or a column among the sector columns without a
//! row, is an error that says where the missing one belongs. With `columns`, rows and columns
//! are matched by position, and their codes (`CPA_C10` and `C10`) are compared to name the
//! place where two ranges stop lining up. Then `exclude` leaves sectors out, and what remains
//! is the [`SectorBlock`] every later step reads.

use super::external::Products;
use super::messages::quoted_list;
use super::sheet::Sheet;
use super::SectorsSection;
use crate::error::{IoError, Result};
use crate::table::suggest;
use std::collections::HashMap;
use std::path::Path;

/// The sectors chosen from a table, after `exclude`: their names and, in the same order, their
/// rows and columns.
pub(super) struct SectorBlock {
    /// The sectors' names, as the economy calls them.
    pub(super) names: Vec<String>,
    /// Each sector's row (a kept row of the sheet).
    pub(super) rows: Vec<usize>,
    /// Each sector's column.
    pub(super) cols: Vec<usize>,
    /// Each sector's row label and column header: another file may name a sector by either.
    row_labels: Vec<String>,
    col_labels: Vec<String>,
    /// The names, row labels and headers of the excluded sectors, and the headers of excluded
    /// columns without a row: keys of another file that are left out with a note.
    excluded_keys: Vec<String>,
}

impl SectorBlock {
    /// The number of sectors.
    pub(super) fn n(&self) -> usize {
        self.names.len()
    }

    /// The sectors as the keys of another file name them (satellites, gross output).
    pub(super) fn products(&self) -> Products<'_> {
        Products::new(
            &self.names,
            &[&self.row_labels, &self.col_labels],
            self.excluded_keys.iter().map(String::as_str),
        )
    }
}

/// Chooses the sector rows of `[sectors]`, finds their columns (by label, or by position when
/// `columns` is given) and leaves out the excluded sectors. Matching by position may warn that
/// the codes stop corresponding; excluded columns without a row are noted.
pub(super) fn choose(
    sheet: &Sheet,
    sec: &SectorsSection,
    spec_path: &Path,
    notes: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<SectorBlock> {
    let rows = sheet.select_rows(&sec.rows, "sector row")?;
    let (cols, orphans) = match &sec.columns {
        None => columns_by_label(sheet, &rows, &sec.exclude)?,
        Some(sel) => {
            let cols = sheet.select_columns(sel, "sector column")?;
            check_positions(sheet, &rows, &cols, spec_path, warnings)?;
            (cols.into_iter().map(Some).collect(), Vec::new())
        }
    };
    let all_names: Vec<String> = (0..rows.len())
        .map(|k| match (sec.names_from_columns, cols[k]) {
            (true, Some(c)) => sheet.raw.header[c].clone(),
            _ => sheet.labels[rows[k]].clone(),
        })
        .collect();
    let orphan_names: Vec<&str> = orphans
        .iter()
        .map(|&c| sheet.raw.header[c].as_str())
        .collect();
    for x in &sec.exclude {
        if !all_names.contains(x) && !orphan_names.contains(&x.as_str()) {
            return Err(IoError::file(
                spec_path,
                format!(
                    "[sectors] exclude names {x:?}, which is not a sector{}",
                    suggest(x, all_names.iter().map(String::as_str))
                ),
            ));
        }
    }
    if !orphan_names.is_empty() {
        notes.push(format!(
            "columns among the sector columns without a row, left out (exclude): {}",
            quoted_list(orphan_names.iter().copied(), 20)
        ));
    }
    Ok(leave_out_excluded(
        sheet,
        &sec.exclude,
        &all_names,
        &rows,
        &cols,
        &orphan_names,
    ))
}

/// The block without the sectors `exclude` names (`all_names`, `rows` and `cols` are of every
/// selected sector), remembering the excluded sectors' keys.
fn leave_out_excluded(
    sheet: &Sheet,
    exclude: &[String],
    all_names: &[String],
    rows: &[usize],
    cols: &[Option<usize>],
    orphan_names: &[&str],
) -> SectorBlock {
    let (keep, excluded): (Vec<usize>, Vec<usize>) =
        (0..rows.len()).partition(|&k| !exclude.contains(&all_names[k]));
    let names: Vec<String> = keep.iter().map(|&k| all_names[k].clone()).collect();
    let kept_rows: Vec<usize> = keep.iter().map(|&k| rows[k]).collect();
    // Every kept sector has its column (columns_by_label refuses the others).
    let kept_cols: Vec<usize> = keep.iter().filter_map(|&k| cols[k]).collect();
    let row_labels = kept_rows.iter().map(|&r| sheet.labels[r].clone()).collect();
    let col_labels = kept_cols
        .iter()
        .map(|&c| sheet.raw.header[c].clone())
        .collect();
    let mut excluded_keys: Vec<String> = Vec::new();
    for &k in &excluded {
        excluded_keys.push(all_names[k].clone());
        excluded_keys.push(sheet.labels[rows[k]].clone());
        if let Some(c) = cols[k] {
            excluded_keys.push(sheet.raw.header[c].clone());
        }
    }
    excluded_keys.extend(orphan_names.iter().map(|h| h.to_string()));
    SectorBlock {
        names,
        rows: kept_rows,
        cols: kept_cols,
        row_labels,
        col_labels,
        excluded_keys,
    }
}

/// The columns of the sector rows, found by the rows' labels (no `columns` in `[sectors]`): one
/// per row (`None` for an excluded row that has none). Errors: a row label heading two columns,
/// a row without a column (unless excluded), a column among the sector columns without a row
/// (unless excluded). Returns the columns and the excluded columns without a row.
fn columns_by_label(
    sheet: &Sheet,
    rows: &[usize],
    exclude: &[String],
) -> Result<(Vec<Option<usize>>, Vec<usize>)> {
    let cols = headed_columns(sheet, rows)?;
    let missing: Vec<usize> = (0..rows.len())
        .filter(|&k| cols[k].is_none() && !exclude.contains(&sheet.labels[rows[k]]))
        .collect();
    if !missing.is_empty() && cols.iter().all(Option::is_none) {
        let raw = &sheet.raw;
        return Err(IoError::at_line(
            &raw.path,
            raw.header_line,
            format!(
                "none of the {} sector rows ({}) has a column of the same name in the header; if the columns are labelled differently (e.g. CPA rows and NACE columns), name them in [sectors] with columns = {{ first = \"…\", last = \"…\" }}, and rows and columns are then matched by position{}",
                rows.len(),
                sheet.describe_rows(rows),
                raw.delimiter_hint()
            ),
        ));
    }
    if !missing.is_empty() {
        return Err(row_without_column(sheet, rows, &cols, &missing));
    }
    let orphans = columns_without_row(sheet, rows, &cols, exclude)?;
    Ok((cols, orphans))
}

/// For each sector row, the column headed by its label (the label column aside), or `None`; a
/// label heading two columns is an error naming them.
fn headed_columns(sheet: &Sheet, rows: &[usize]) -> Result<Vec<Option<usize>>> {
    let raw = &sheet.raw;
    let mut by_header: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, h) in raw.header.iter().enumerate() {
        if j != sheet.label_col {
            by_header.entry(h.as_str()).or_default().push(j);
        }
    }
    let mut cols: Vec<Option<usize>> = Vec::with_capacity(rows.len());
    for &r in rows {
        let l = sheet.labels[r].as_str();
        match by_header.get(l).map(Vec::as_slice) {
            Some([c]) => cols.push(Some(*c)),
            Some(many) => {
                return Err(IoError::at_line(
                    &raw.path,
                    raw.header_line,
                    format!(
                        "the sector row {l:?} (line {}) matches {} columns headed {l:?} (columns {}); every sector needs exactly one column",
                        sheet.line(r),
                        many.len(),
                        many.iter().map(|c| (c + 1).to_string()).collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
            None => cols.push(None),
        }
    }
    Ok(cols)
}

/// "between the columns A and B", "after the row A", …: where a missing row or column belongs,
/// from its neighbours in order (`singular` and `plural` name what the neighbours are).
fn place_between(
    before: Option<String>,
    after: Option<String>,
    singular: &str,
    plural: &str,
) -> String {
    match (before, after) {
        (Some(b), Some(a)) => format!("between the {plural} {b} and {a}"),
        (Some(b), None) => format!("after the {singular} {b}"),
        (None, Some(a)) => format!("before the {singular} {a}"),
        (None, None) => format!("among the sector {plural}"),
    }
}

/// The error for the first sector row without a column (`missing`: the rows without one, by
/// position in `rows`): where its column belongs, as the rows are ordered, and how many more
/// rows lack one.
fn row_without_column(
    sheet: &Sheet,
    rows: &[usize],
    cols: &[Option<usize>],
    missing: &[usize],
) -> IoError {
    let raw = &sheet.raw;
    let k = missing[0];
    let l = sheet.labels[rows[k]].as_str();
    let name = |(i, c): (usize, usize)| format!("{:?} (column {})", sheet.labels[rows[i]], c + 1);
    let before = (0..k).rev().find_map(|i| cols[i].map(|c| (i, c)));
    let after = (k + 1..rows.len()).find_map(|i| cols[i].map(|c| (i, c)));
    let place = place_between(before.map(name), after.map(name), "column", "columns");
    let more = if missing.len() > 1 {
        format!(
            " ({} more rows have no column: {})",
            missing.len() - 1,
            quoted_list(
                missing[1..].iter().map(|&i| sheet.labels[rows[i]].as_str()),
                8
            )
        )
    } else {
        String::new()
    };
    IoError::at_line(
        &raw.path,
        sheet.line(rows[k]),
        format!(
            "the sector row {l:?} has no column: no column of the header (line {}) is headed {l:?}{}; as the rows are ordered, its column belongs {place}{more}. Restore the column, or leave the sector out with exclude = [{l:?}] in [sectors]{}",
            raw.header_line,
            suggest(l, raw.header.iter().map(String::as_str)),
            raw.delimiter_hint()
        ),
    )
}

/// Every column between the first and the last sector column must be a sector's: a column
/// there without a row would have its flows dropped, which is an error unless `exclude` names
/// it. Returns the excluded ones.
fn columns_without_row(
    sheet: &Sheet,
    rows: &[usize],
    cols: &[Option<usize>],
    exclude: &[String],
) -> Result<Vec<usize>> {
    let raw = &sheet.raw;
    let found: Vec<(usize, usize)> = (0..rows.len())
        .filter_map(|k| cols[k].map(|c| (c, k)))
        .collect();
    let mut orphans = Vec::new();
    let (Some(lo), Some(hi)) = (
        found.iter().map(|f| f.0).min(),
        found.iter().map(|f| f.0).max(),
    ) else {
        return Ok(orphans);
    };
    let owner: HashMap<usize, usize> = found.iter().copied().collect();
    for j in lo..=hi {
        if owner.contains_key(&j) || j == sheet.label_col {
            continue;
        }
        let h = raw.header[j].as_str();
        if exclude.iter().any(|x| x == h) {
            orphans.push(j);
            continue;
        }
        let name = |r: usize| format!("{:?} (line {})", sheet.labels[r], sheet.line(r));
        let before = (lo..j).rev().find_map(|c| owner.get(&c).map(|&k| rows[k]));
        let after = (j + 1..=hi).find_map(|c| owner.get(&c).map(|&k| rows[k]));
        let place = place_between(before.map(name), after.map(name), "row", "rows");
        return Err(IoError::at_cell(
            &raw.path,
            raw.header_line,
            j + 1,
            Some(h),
            format!(
                "the column {h:?} lies among the sector columns, but no sector row is labelled {h:?}{}: its row is missing, and its flows would be dropped. As the columns are ordered, its row belongs {place}. Restore the row; or, to leave the column out on purpose, add exclude = [{h:?}] in [sectors]",
                suggest(h, rows.iter().map(|&r| sheet.labels[r].as_str()))
            ),
        ));
    }
    Ok(orphans)
}

/// Rows and columns matched by position (`columns` given in `[sectors]`), with their labels
/// and the prefix each side's labels share, for comparing their codes.
struct Pairing<'s> {
    sheet: &'s Sheet,
    rows: &'s [usize],
    cols: &'s [usize],
    /// The row labels and the column headers.
    rl: Vec<&'s str>,
    cl: Vec<&'s str>,
    /// The length of the prefix common to the row labels, and to the column headers.
    pr: usize,
    pc: usize,
}

impl<'s> Pairing<'s> {
    fn new(sheet: &'s Sheet, rows: &'s [usize], cols: &'s [usize]) -> Self {
        let rl: Vec<&str> = rows.iter().map(|&r| sheet.labels[r].as_str()).collect();
        let cl: Vec<&str> = cols.iter().map(|&c| sheet.raw.header[c].as_str()).collect();
        let (pr, pc) = (common_prefix_len(&rl), common_prefix_len(&cl));
        Self {
            sheet,
            rows,
            cols,
            rl,
            cl,
            pr,
            pc,
        }
    }

    /// Whether the code of row i corresponds to the code of column j.
    fn corr(&self, i: usize, j: usize) -> bool {
        codes_correspond(
            &code_key(self.rl[i], self.pr),
            &code_key(self.cl[j], self.pc),
        )
    }

    fn row(&self, i: usize) -> String {
        format!(
            "the row {:?} (line {})",
            self.rl[i],
            self.sheet.line(self.rows[i])
        )
    }

    fn col(&self, j: usize) -> String {
        format!("the column {:?} (column {})", self.cl[j], self.cols[j] + 1)
    }

    /// The error when there are not as many rows as columns, with where, by their codes, the
    /// two stop lining up.
    fn count_mismatch(&self, spec_path: &Path) -> IoError {
        let (rl, cl) = (&self.rl, &self.cl);
        let n = rl.len().min(cl.len());
        let at = match first_mismatch(rl, cl) {
            Some(k) if rl.len() < cl.len() && k + 1 < cl.len() && self.corr(k, k + 1) => format!(
                " Their codes correspond up to position {k}, and then {} has no row: {} corresponds to the column after it. Restore the row, or leave the column out of the selection.",
                self.col(k),
                self.row(k)
            ),
            Some(k) if rl.len() > cl.len() && k + 1 < rl.len() && self.corr(k + 1, k) => format!(
                " Their codes correspond up to position {k}, and then {} has no column: {} corresponds to the row after it. Restore the column, or leave the row out of the selection.",
                self.row(k),
                self.col(k)
            ),
            Some(k) => format!(
                " They stop lining up at position {}: {} would be matched with {}.",
                k + 1,
                self.row(k),
                self.col(k)
            ),
            None if n > 0 && (0..n).all(|k| self.corr(k, k)) => {
                if rl.len() > cl.len() {
                    format!(
                        " The first {n} correspond; the last {} rows have no column: {}.",
                        rl.len() - n,
                        quoted_list(rl[n..].iter().copied(), 8)
                    )
                } else {
                    format!(
                        " The first {n} correspond; the last {} columns have no row: {}.",
                        cl.len() - n,
                        quoted_list(cl[n..].iter().copied(), 8)
                    )
                }
            }
            None => String::new(),
        };
        IoError::file(
            spec_path,
            format!(
                "[sectors] selects {} rows, {}, but {} columns, {}; rows and columns are matched by position, so there must be as many of each.{at}",
                rl.len(),
                self.sheet.describe_rows(self.rows),
                cl.len(),
                self.sheet.describe_columns(self.cols)
            ),
        )
    }

    /// As many rows as columns, but most codes correspond one position off: the ranges are
    /// shifted. `agree` is the number of pairs whose codes correspond.
    fn shifted(&self, agree: usize, spec_path: &Path) -> Option<String> {
        let n = self.rl.len();
        let after = (0..n.saturating_sub(1))
            .filter(|&i| self.corr(i, i + 1))
            .count();
        let before = (0..n.saturating_sub(1))
            .filter(|&i| self.corr(i + 1, i))
            .count();
        if !(n >= 3 && agree * 2 < n && after.max(before) * 10 >= (n - 1) * 9) {
            return None;
        }
        let k = if after >= before {
            (0..n - 1).find(|&i| self.corr(i, i + 1))
        } else {
            (0..n - 1).find(|&i| self.corr(i + 1, i))
        }
        .unwrap_or(0);
        // Column c corresponds to row r, but is matched with row c.
        let (r, c) = if after >= before {
            (k, k + 1)
        } else {
            (k + 1, k)
        };
        Some(format!(
            "{}: [sectors] matches rows and columns by position, but their codes correspond one position off: {} is matched with {}, but corresponds to {}, and so on for {} of {n} pairs. Check the first and last labels of the rows and columns",
            spec_path.display(),
            self.col(c),
            self.row(c),
            self.row(r),
            after.max(before)
        ))
    }

    /// As many rows as columns, and most codes correspond, but from some position on they
    /// stop: a sector missing on one side and another added on the other, perhaps.
    fn stray(&self, agree: usize, spec_path: &Path) -> Option<String> {
        let n = self.rl.len();
        let k = first_mismatch(&self.rl, &self.cl)?;
        (agree * 10 >= n * 9).then(|| {
            format!(
                "{}: [sectors] matches rows and columns by position, and their codes correspond up to position {k}, but then {} is matched with {} ({} of {n} pairs differ); check that rows and columns list the same sectors in the same order",
                spec_path.display(),
                self.row(k),
                self.col(k),
                n - agree
            )
        })
    }
}

/// With `columns` given, rows and columns are matched by position: their counts must agree,
/// and where the codes can be compared, a mismatch is named (a warning: codes are a hint, not
/// a rule).
fn check_positions(
    sheet: &Sheet,
    rows: &[usize],
    cols: &[usize],
    spec_path: &Path,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let p = Pairing::new(sheet, rows, cols);
    if p.rl.len() != p.cl.len() {
        return Err(p.count_mismatch(spec_path));
    }
    let n = p.rl.len();
    let agree = (0..n).filter(|&i| p.corr(i, i)).count();
    if let Some(w) = p
        .shifted(agree, spec_path)
        .or_else(|| p.stray(agree, spec_path))
    {
        warnings.push(w);
    }
    Ok(())
}

/// A sector code's class and number, for matching rows and columns that are labelled
/// differently: the letters before the first digit and the first run of digits, after the
/// prefix common to all labels of its side ("CPA_C10-12" with prefix "CPA_" → ("C", "10")).
fn code_key(label: &str, prefix_len: usize) -> (String, Option<String>) {
    let s = label.get(prefix_len..).unwrap_or(label);
    let letters: String = s
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (letters, (!digits.is_empty()).then_some(digits))
}

/// Whether two codes name the same sector: the same class, and the same number where both
/// have one.
fn codes_correspond(a: &(String, Option<String>), b: &(String, Option<String>)) -> bool {
    a.0 == b.0
        && match (&a.1, &b.1) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// The length of the prefix all labels share, cut back to a character boundary; not the whole
/// of any label.
fn common_prefix_len(labels: &[&str]) -> usize {
    let Some(first) = labels.first() else {
        return 0;
    };
    let mut n = first.len();
    for l in &labels[1..] {
        n = n.min(
            first
                .bytes()
                .zip(l.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    let shortest = labels.iter().map(|l| l.len()).min().unwrap_or(0);
    n = n.min(shortest.saturating_sub(1));
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// For rows and columns matched by position: the first position where their codes stop
/// corresponding, when they correspond before it (None: no correspondence to be seen, or all
/// correspond).
fn first_mismatch(row_labels: &[&str], col_labels: &[&str]) -> Option<usize> {
    let pr = common_prefix_len(row_labels);
    let pc = common_prefix_len(col_labels);
    let n = row_labels.len().min(col_labels.len());
    let k = (0..n)
        .find(|&k| !codes_correspond(&code_key(row_labels[k], pr), &code_key(col_labels[k], pc)))?;
    (k > 0).then_some(k)
}
