//! The files of `plenty aggregate` and `plenty disaggregate`.
//!
//! * A **mapping** file: CSV with the header `from,to`, one pair a line. `from` is a sector
//!   label, or, for `region/sector` labels, a region or a sector name
//!   ([`plenty_core::aggregate::SectorMap::from_pairs`] says how they combine).
//! * A **shares** file: CSV with the header `sector,part,share`: each line gives one part of
//!   a sector and its share of that sector's output; the shares of a sector add up to 1.
//!
//! Errors name the file and the line, and an unknown label gets the nearest known one.

use crate::error::{IoError, Result};
use crate::table::suggest;
use plenty_core::aggregate::{mappable_names, MappingError, SectorMap, Split};
use std::path::Path;

/// The records of a CSV file with the given header, each with its line number.
fn records(path: &Path, header: &[&str]) -> Result<Vec<(usize, Vec<String>)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| IoError::file(path, format!("cannot be read: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let got: Vec<String> = r
        .headers()
        .map_err(|e| IoError::at_line(path, 1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if got.iter().map(String::as_str).collect::<Vec<_>>() != header {
        return Err(IoError::at_line(
            path,
            1,
            format!(
                "the header is {:?}; it must be {:?}",
                got.join(","),
                header.join(",")
            ),
        ));
    }
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            IoError::at_line(path, line, e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.len() != header.len() {
            return Err(IoError::at_line(
                path,
                line,
                format!("{} fields; each line needs {}", rec.len(), header.len()),
            ));
        }
        out.push((line, rec.iter().map(str::to_string).collect()));
    }
    if out.is_empty() {
        return Err(IoError::file(path, "has no lines after its header"));
    }
    Ok(out)
}

/// Reads a mapping file (`from,to`) and resolves it against the economy's `labels`.
pub fn read_sector_map(path: &Path, labels: &[String]) -> Result<SectorMap> {
    let recs = records(path, &["from", "to"])?;
    let pairs: Vec<(String, String)> = recs
        .iter()
        .map(|(_, r)| (r[0].clone(), r[1].clone()))
        .collect();
    for ((line, _), (from, to)) in recs.iter().zip(&pairs) {
        if from.is_empty() || to.is_empty() {
            return Err(IoError::at_line(
                path,
                *line,
                "an empty label; each line maps a label to a group: from,to",
            ));
        }
    }
    SectorMap::from_pairs(labels, &pairs).map_err(|e| match e {
        MappingError::Unknown(u) => {
            let names = mappable_names(labels);
            IoError::at_line(
                path,
                recs[u.pair].0,
                format!(
                    "{:?} is not a sector, region or sector name of the economy{}",
                    u.label,
                    suggest(&u.label, names.iter().map(String::as_str))
                ),
            )
        }
        MappingError::Conflict {
            pair,
            label,
            first,
            second,
        } => IoError::at_line(
            path,
            recs[pair].0,
            format!("{label:?} is mapped to {first:?} and to {second:?}; give it one group"),
        ),
    })
}

/// Reads a shares file (`sector,part,share`) against the economy's `labels`.
pub fn read_shares(path: &Path, labels: &[String]) -> Result<Vec<Split>> {
    let recs = records(path, &["sector", "part", "share"])?;
    let mut splits: Vec<(usize, Split)> = Vec::new();
    for (line, r) in &recs {
        let Some(k) = labels.iter().position(|l| *l == r[0]) else {
            return Err(IoError::at_line(
                path,
                *line,
                format!(
                    "{:?} is not a sector of the economy{}",
                    r[0],
                    suggest(&r[0], labels.iter().map(String::as_str))
                ),
            ));
        };
        let share: f64 = r[2].parse().map_err(|_| {
            IoError::at_line(path, *line, format!("the share {:?} is not a number", r[2]))
        })?;
        if !(share.is_finite() && share > 0.0) {
            return Err(IoError::at_line(
                path,
                *line,
                format!("the share is {share}; it must be positive"),
            ));
        }
        if r[1].is_empty() {
            return Err(IoError::at_line(path, *line, "the part has no label"));
        }
        match splits.iter_mut().find(|(_, s)| s.sector == k) {
            Some((_, s)) => s.parts.push((r[1].clone(), share)),
            None => splits.push((
                *line,
                Split {
                    sector: k,
                    parts: vec![(r[1].clone(), share)],
                },
            )),
        }
    }
    for (line, s) in &splits {
        let total: f64 = s.parts.iter().map(|p| p.1).sum();
        if (total - 1.0).abs() > 1e-9 {
            return Err(IoError::at_line(
                path,
                *line,
                format!(
                    "the shares of {:?} add up to {total}; they must add up to 1",
                    labels[s.sector]
                ),
            ));
        }
    }
    // A part may not take the label of another sector.
    let mut seen: std::collections::HashSet<&str> = labels.iter().map(String::as_str).collect();
    for (_, s) in &splits {
        seen.remove(labels[s.sector].as_str());
    }
    for (line, s) in &splits {
        for (p, _) in &s.parts {
            if !seen.insert(p.as_str()) {
                return Err(IoError::at_line(
                    path,
                    *line,
                    format!("the part {p:?} of {:?} is already a sector or another part; give it a new label", labels[s.sector]),
                ));
            }
        }
    }
    Ok(splits.into_iter().map(|(_, s)| s).collect())
}
