//! Bar charts drawn as inline SVG.

use super::{esc, num};
use std::fmt::Write;

/// A horizontal bar chart: one row per label, one or two bars per row.
pub fn bar_chart(id: &str, title: &str, rows: &[(String, Vec<f64>)], series: &[&str]) -> String {
    let colours = ["#9fb3d9", "#24407a", "#d98c3f"];
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter())
        .fold(0.0f64, |m, x| if x.is_finite() { m.max(*x) } else { m })
        .max(1e-12);
    let bar = 14.0;
    let row_h = bar * series.len() as f64 + 10.0;
    let left = 170.0;
    let width = 640.0;
    let height = 40.0 + row_h * rows.len() as f64 + 20.0;
    let mut s = format!(
        "<figure><svg id=\"{id}\" role=img aria-label=\"{}\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\"><text x=0 y=16 font-weight=bold>{}</text>",
        esc(title),
        width + left + 80.0,
        width + left + 80.0,
        esc(title)
    );
    for (k, name) in series.iter().enumerate() {
        let _ = write!(
            s,
            "<rect x=\"{}\" y=24 width=10 height=10 fill=\"{}\"/><text x=\"{}\" y=33>{}</text>",
            left + 160.0 * k as f64,
            colours[k % 3],
            left + 14.0 + 160.0 * k as f64,
            esc(name)
        );
    }
    for (r, (label, values)) in rows.iter().enumerate() {
        let y0 = 44.0 + row_h * r as f64;
        let _ = write!(s, "<text x=0 y=\"{}\">{}</text>", y0 + bar, esc(label));
        for (k, v) in values.iter().enumerate() {
            let w = if v.is_finite() {
                (v / max * width).max(0.0)
            } else {
                0.0
            };
            let y = y0 + bar * k as f64;
            let _ = write!(
                s,
                "<rect class=bar x=\"{left}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{}\">{}</text>",
                bar - 2.0,
                colours[k % 3],
                esc(series.get(k).copied().unwrap_or("")),
                num(*v),
                left + w + 4.0,
                y + bar - 3.0,
                num(*v)
            );
        }
    }
    s.push_str("</svg></figure>");
    s
}
