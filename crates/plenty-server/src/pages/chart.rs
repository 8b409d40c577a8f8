//! Bar charts drawn as inline SVG that scale to their container (a `viewBox`, `width=100%`,
//! no fixed pixel width), so they fit a phone's screen without scrolling sideways.

use super::esc;
use std::fmt::Write;

/// Bar colours, each with at least 3:1 contrast against the white page (WCAG 2.1 AA for
/// graphics, 1.4.11): `#24407a` 10.1:1, `#b35c00` 4.7:1, `#4a6fb5` 5.0:1.
pub const COLOURS: [&str; 3] = ["#24407a", "#b35c00", "#4a6fb5"];

/// One bar: its length on the chart's scale, and the words it carries (the value with its
/// unit, e.g. `1,275 h of 2,000 h`), shown beside the row's name and as its tooltip.
pub struct Bar {
    /// The length on the scale (non-finite or negative values draw no bar).
    pub value: f64,
    /// The value in words, with its unit.
    pub label: String,
}

/// A horizontal bar chart: one row per label, one bar per series in each row. Every row's
/// name and its values (with units) are written above its bars; `scale` names the one unit
/// the bars are measured in (every bar of a chart is in the same unit).
pub fn bar_chart(
    id: &str,
    title: &str,
    scale: &str,
    rows: &[(String, Vec<Bar>)],
    series: &[&str],
) -> String {
    const WIDTH: f64 = 400.0;
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter())
        .map(|b| b.value)
        .fold(0.0f64, |m, x| if x.is_finite() { m.max(x) } else { m })
        .max(1e-12);
    let bar = 12.0;
    let row_h = 18.0 + (bar + 2.0) * series.len() as f64 + 8.0;
    let legend = series.len() > 1;
    let top = if legend { 22.0 } else { 4.0 };
    let height = top + row_h * rows.len() as f64;
    // The title and the scale are HTML (they wrap on a narrow screen); the SVG has its own
    // title for assistive technology.
    // Every row's words, for assistive technology (an SVG of role img is read as its title
    // and description only).
    let desc = rows
        .iter()
        .map(|(label, values)| {
            format!(
                "{label}: {}",
                values
                    .iter()
                    .map(|b| b.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut s = format!(
        "<figure><figcaption><strong>{}</strong> <span class=muted>({})</span></figcaption><svg id=\"{id}\" role=img aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" width=\"100%\" viewBox=\"0 0 {WIDTH} {height}\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(scale),
        esc(title),
        esc(&desc),
    );
    // The legend, when there is more than one series.
    if legend {
        for (k, name) in series.iter().enumerate() {
            let x = 130.0 * k as f64;
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=4 width=10 height=10 fill=\"{}\"/><text x=\"{}\" y=13>{}</text>",
                COLOURS[k % 3],
                x + 14.0,
                esc(name)
            );
        }
    }
    for (r, (label, values)) in rows.iter().enumerate() {
        let y0 = top + row_h * r as f64;
        let words = values
            .iter()
            .enumerate()
            .map(|(k, b)| {
                if series.len() > 1 {
                    format!("{} {}", series.get(k).copied().unwrap_or(""), b.label)
                } else {
                    b.label.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" · ");
        let _ = write!(
            s,
            "<text x=0 y=\"{}\"><tspan font-weight=bold>{}</tspan>: {}</text>",
            y0 + 13.0,
            esc(label),
            esc(&words)
        );
        for (k, b) in values.iter().enumerate() {
            let w = if b.value.is_finite() && b.value > 0.0 {
                b.value / max * WIDTH
            } else {
                0.0
            };
            let y = y0 + 18.0 + (bar + 2.0) * k as f64;
            let _ = write!(
                s,
                "<rect class=bar x=0 y=\"{y}\" width=\"{w:.1}\" height=\"{bar}\" fill=\"{}\"><title>{}: {}</title></rect>",
                COLOURS[k % 3],
                esc(series.get(k).copied().unwrap_or("")),
                esc(&b.label)
            );
        }
    }
    s.push_str("</svg></figure>");
    s
}
