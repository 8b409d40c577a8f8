//! The wording the loaders share: lists of numbers and labels, numbers as a person writes
//! them, the warning for an aggregate counted twice, and model errors in the economy's words.
//!
//! Kept in one place so that the same thing found by two loaders (a final-demand total in a
//! symmetric table or in a use table) is said the same way.

use crate::aggregates::{Found, Parts};
use crate::error::IoError;
use plenty_core::ModelError;
use std::path::Path;

/// "3 and 9" / "3, 9 and 12".
pub(super) fn join_numbers(numbers: impl Iterator<Item = usize>) -> String {
    let v: Vec<String> = numbers.map(|k| k.to_string()).collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// Labels quoted and joined, at most `max` of them ("… and 7 more").
pub(super) fn quoted_list<'a>(labels: impl Iterator<Item = &'a str>, max: usize) -> String {
    let v: Vec<&str> = labels.collect();
    let shown: Vec<String> = v.iter().take(max).map(|l| format!("{l:?}")).collect();
    if v.len() > max {
        format!("{} and {} more", shown.join(", "), v.len() - max)
    } else {
        shown.join(", ")
    }
}

/// A number as a person writes it: up to 6 significant digits, no trailing zeros.
pub(super) fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let digits = (6 - 1 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `final-demand column "P3" equals the sum of "P3_S13", "P3_S14", "P3_S15": it is counted
/// twice; leave it out of the selection`. `kind` names a member ("final-demand column"),
/// `plural` the members ("columns").
pub(super) fn aggregate_message(kind: &str, labels: &[&str], f: &Found, plural: &str) -> String {
    let name = labels[f.aggregate];
    let list = |idx: &[usize]| quoted_list(idx.iter().map(|&j| labels[j]), 12);
    let equals = match &f.parts {
        Parts::Members(p) if p.len() == 1 => format!("equals {}", list(p)),
        Parts::Members(p) => format!("equals the sum of {}", list(p)),
        Parts::Base => "equals the total intermediate use (the sum of the sector columns)".into(),
        Parts::BasePlus(p) => format!(
            "equals the total use: the intermediate use (the sum of the sector columns) plus {}",
            list(p)
        ),
    };
    format!(
        "{kind} {name:?} {equals}: it is counted twice; leave it out of the selection (or leave out its parts: a table's {plural} must not overlap)"
    )
}

/// A model error from building the economy, in its words: sector indices become the sectors'
/// names, and the error names the file the values came from.
pub(super) fn model_error(path: &Path, e: ModelError, sectors: &[String]) -> IoError {
    let name = |i: usize| {
        sectors
            .get(i)
            .map(|s| format!("{s:?}"))
            .unwrap_or(i.to_string())
    };
    let msg = match &e {
        ModelError::Negative {
            what,
            row,
            col,
            value,
        } => format!(
            "{what} of {} in {} is {value}; it cannot be negative",
            name(*row),
            name(*col)
        ),
        ModelError::NotFinite {
            what, row, value, ..
        } => {
            format!("{what} for {} is {value}; it must be finite", name(*row))
        }
        ModelError::DuplicateLabel { label } => {
            format!("the sector {label:?} appears twice; sector labels must be unique")
        }
        _ => e.to_string(),
    };
    IoError::file(path, msg)
}

/// The note listing the negative flows set to zero under `negative_flows = "zero"`, if any.
pub(super) fn note_zeroed(notes: &mut Vec<String>, zeroed: &[String]) {
    if !zeroed.is_empty() {
        notes.push(format!(
            "{} negative flows set to zero (negative_flows = \"zero\"): {}",
            zeroed.len(),
            zeroed.join("; ")
        ));
    }
}
