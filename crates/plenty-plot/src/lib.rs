//! # plenty-plot
//!
//! Line charts of multi-year plans: one line per [`Series`] (a variant of the plan, a sector, a
//! product...) over the years of a [`Chart`], drawn with [`plotters`] as SVG ([`svg`]) or PNG
//! ([`png()`]), or several charts stacked in one picture ([`svg_panels`], [`png_panels`]), e.g.
//! consumption, investment and capital for the variants being compared.
//!
//! Each chart has its title above, the years on the x axis (integer labels, described as
//! "year"), the chart's `y_label` on the y axis, and a legend on the right with each series'
//! name. The y axis runs from the smaller of 0 and the lowest value to the highest value, with a
//! 5% margin. Series take their colours from a fixed palette of eight; the ninth series and on
//! reuse the colours with another marker shape. Every value is drawn as a small marker, joined
//! by lines to its neighbours; a non-finite value (`NaN`, infinity) is a gap in its line.
//!
//! The crate is pure: it returns the SVG text or the PNG bytes and writes no file. The same chart
//! gives the same bytes on every run.
//!
//! ```
//! use plenty_plot::{Chart, Series};
//!
//! let chart = Chart {
//!     title: "Consumption".to_owned(),
//!     y_label: "hours of labour".to_owned(),
//!     first_year: 2025,
//!     series: vec![
//!         Series { name: "balanced growth".to_owned(), values: vec![100.0, 103.0, 106.1] },
//!         Series { name: "austerity".to_owned(), values: vec![80.0, f64::NAN, 81.0] },
//!     ],
//! };
//! let svg = plenty_plot::svg(&chart)?;
//! assert!(svg.contains("balanced growth"));
//! let png = plenty_plot::png(&chart)?;
//! assert!(png.starts_with(b"\x89PNG"));
//! # Ok::<(), plenty_plot::PlotError>(())
//! ```
//!
//! ## Fonts
//!
//! The SVG names the font family `sans-serif` and leaves the choice of font to its viewer. The
//! PNG's text is drawn with DejaVu Sans, embedded in the crate (`fonts/DejaVuSans.ttf`, under the
//! Bitstream Vera licence with the DejaVu changes in the public domain: see `fonts/LICENSE`), so
//! that no system font is read. The font is registered with plotters' process-wide font table
//! under the name `sans-serif` on first use; it is also what both backends measure text with.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![forbid(clippy::print_stdout, clippy::print_stderr)]

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

/// The width of a picture, in pixels (SVG user units for [`svg`] and [`svg_panels`]).
pub const WIDTH: u32 = 800;
/// The height of a single chart's picture ([`svg`], [`png()`]).
pub const HEIGHT: u32 = 500;
/// The height of each panel of [`svg_panels`] and [`png_panels`].
pub const PANEL_HEIGHT: u32 = 400;
/// The most panels one picture may stack.
pub const MAX_PANELS: usize = 16;

/// The font family named in the SVG and registered with plotters for the PNG.
const FAMILY: &str = "sans-serif";
/// DejaVu Sans 2.37 (licence in `fonts/LICENSE`).
static DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Colours of the series, in order (Tableau 10's first eight, readable on white).
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),  // blue
    RGBColor(255, 127, 14),  // orange
    RGBColor(44, 160, 44),   // green
    RGBColor(214, 39, 40),   // red
    RGBColor(148, 103, 189), // purple
    RGBColor(140, 86, 75),   // brown
    RGBColor(227, 119, 194), // pink
    RGBColor(127, 127, 127), // grey
];

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name shown in the legend.
    pub name: String,
    /// One value per year, from the chart's `first_year` on; a non-finite value (`NaN`) is a gap.
    pub values: Vec<f64>,
}

/// A chart of values over the years of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The title drawn above the chart.
    pub title: String,
    /// The description of the y axis (what is measured, in which unit).
    pub y_label: String,
    /// The year of each series' first value.
    pub first_year: i32,
    /// The lines, all with the same number of values.
    pub series: Vec<Series>,
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlotError {
    /// The chart has no series.
    #[error("chart {title:?} has no series")]
    NoSeries {
        /// The chart's title.
        title: String,
    },
    /// The chart's series have no values.
    #[error("chart {title:?} has no years: its series have no values")]
    NoYears {
        /// The chart's title.
        title: String,
    },
    /// A series has another number of values than the chart's first series.
    #[error(
        "series {series:?} of chart {title:?} has {found} values, but the first series has {expected}"
    )]
    LengthMismatch {
        /// The chart's title.
        title: String,
        /// The name of the series whose length differs.
        series: String,
        /// The number of values of the first series.
        expected: usize,
        /// The number of values of this series.
        found: usize,
    },
    /// No value of the chart is finite: there is nothing to draw.
    #[error("chart {title:?} has no finite value to draw")]
    NoFiniteValues {
        /// The chart's title.
        title: String,
    },
    /// The years of the chart go past the largest `i32`.
    #[error(
        "chart {title:?} has {years} years from {first_year} on, past the year {}",
        i32::MAX
    )]
    YearOverflow {
        /// The chart's title.
        title: String,
        /// The chart's first year.
        first_year: i32,
        /// The number of values of each series.
        years: usize,
    },
    /// The values span a range too wide for `f64` (e.g. from -1e308 to 1e308).
    #[error("the values of chart {title:?} span a range too wide to draw")]
    RangeTooWide {
        /// The chart's title.
        title: String,
    },
    /// No chart was given to [`svg_panels`] or [`png_panels`].
    #[error("no charts to draw")]
    NoCharts,
    /// More than [`MAX_PANELS`] charts were given to [`svg_panels`] or [`png_panels`].
    #[error("{count} panels are more than the {max} one picture may stack")]
    TooManyPanels {
        /// The number of charts given.
        count: usize,
        /// [`MAX_PANELS`].
        max: usize,
    },
    /// The embedded font could not be loaded.
    #[error("the embedded font DejaVu Sans could not be loaded")]
    Font,
    /// Plotters failed to draw.
    #[error("drawing failed: {0}")]
    Drawing(String),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encoding(String),
}

/// Draws one chart as an SVG document of [`WIDTH`] × [`HEIGHT`].
pub fn svg(chart: &Chart) -> Result<String, PlotError> {
    svg_panels_sized(std::slice::from_ref(chart), HEIGHT)
}

/// Draws one chart as a PNG image of [`WIDTH`] × [`HEIGHT`] pixels (8-bit RGB); returns the
/// encoded file.
pub fn png(chart: &Chart) -> Result<Vec<u8>, PlotError> {
    png_panels_sized(std::slice::from_ref(chart), HEIGHT)
}

/// Draws several charts stacked vertically in one SVG document, each a panel of [`WIDTH`] ×
/// [`PANEL_HEIGHT`] with its own axes and legend (e.g. consumption, investment and capital for
/// the variants being compared). At most [`MAX_PANELS`] charts.
pub fn svg_panels(charts: &[Chart]) -> Result<String, PlotError> {
    svg_panels_sized(charts, PANEL_HEIGHT)
}

/// Draws several charts stacked vertically in one PNG image, as [`svg_panels`] does; returns the
/// encoded file, [`WIDTH`] × ([`PANEL_HEIGHT`] × the number of charts) pixels.
pub fn png_panels(charts: &[Chart]) -> Result<Vec<u8>, PlotError> {
    png_panels_sized(charts, PANEL_HEIGHT)
}

fn svg_panels_sized(charts: &[Chart], panel_height: u32) -> Result<String, PlotError> {
    let plans = prepare(charts)?;
    let height = total_height(charts.len(), panel_height);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        draw_panels(&root, &plans)?;
        root.present().map_err(drawing)?;
    }
    Ok(out)
}

fn png_panels_sized(charts: &[Chart], panel_height: u32) -> Result<Vec<u8>, PlotError> {
    let plans = prepare(charts)?;
    let height = total_height(charts.len(), panel_height);
    let mut pixels = vec![0u8; WIDTH as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, height)).into_drawing_area();
        draw_panels(&root, &plans)?;
        root.present().map_err(drawing)?;
    }
    encode_png(&pixels, WIDTH, height)
}

/// The height of a picture of `count` panels (`count` is at most [`MAX_PANELS`]).
fn total_height(count: usize, panel_height: u32) -> u32 {
    // `prepare` has checked 1 <= count <= MAX_PANELS, so the product is small.
    u32::try_from(count).map_or(u32::MAX, |c| c.saturating_mul(panel_height))
}

fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PlotError> {
    let mut out = Vec::new();
    {
        let mut encoder = ::png::Encoder::new(&mut out, width, height);
        encoder.set_color(::png::ColorType::Rgb);
        encoder.set_depth(::png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(encoding)?;
        writer.write_image_data(pixels).map_err(encoding)?;
        writer.finish().map_err(encoding)?;
    }
    Ok(out)
}

fn encoding(e: ::png::EncodingError) -> PlotError {
    PlotError::Encoding(e.to_string())
}

fn drawing(e: impl std::fmt::Display) -> PlotError {
    PlotError::Drawing(e.to_string())
}

/// Registers the embedded font with plotters once per process.
fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(PlotError::Font)
    }
}

/// A validated chart with its axes' ranges.
struct Prepared<'a> {
    chart: &'a Chart,
    last_year: i32,
    y_low: f64,
    y_high: f64,
}

fn prepare(charts: &[Chart]) -> Result<Vec<Prepared<'_>>, PlotError> {
    if charts.is_empty() {
        return Err(PlotError::NoCharts);
    }
    if charts.len() > MAX_PANELS {
        return Err(PlotError::TooManyPanels {
            count: charts.len(),
            max: MAX_PANELS,
        });
    }
    let plans = charts.iter().map(plan).collect::<Result<Vec<_>, _>>()?;
    ensure_font()?;
    Ok(plans)
}

fn plan(chart: &Chart) -> Result<Prepared<'_>, PlotError> {
    let title = || chart.title.clone();
    let first = chart
        .series
        .first()
        .ok_or_else(|| PlotError::NoSeries { title: title() })?;
    let years = first.values.len();
    if let Some(other) = chart.series.iter().find(|s| s.values.len() != years) {
        return Err(PlotError::LengthMismatch {
            title: title(),
            series: other.name.clone(),
            expected: years,
            found: other.values.len(),
        });
    }
    if years == 0 {
        return Err(PlotError::NoYears { title: title() });
    }
    let last_year = i32::try_from(years - 1)
        .ok()
        .and_then(|span| chart.first_year.checked_add(span))
        .ok_or_else(|| PlotError::YearOverflow {
            title: title(),
            first_year: chart.first_year,
            years,
        })?;
    let (y_low, y_high) = y_range(chart)?;
    Ok(Prepared {
        chart,
        last_year,
        y_low,
        y_high,
    })
}

/// The y axis: from min(0, lowest value) to the highest value, with a 5% margin (none below a
/// zero floor); never empty.
fn y_range(chart: &Chart) -> Result<(f64, f64), PlotError> {
    let finite = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite());
    let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if min > max {
        return Err(PlotError::NoFiniteValues {
            title: chart.title.clone(),
        });
    }
    let low = min.min(0.0);
    let mut high = max;
    if high <= low {
        // Every value is the same number, 0 or below it.
        high = if high == 0.0 { 1.0 } else { 0.0 };
    }
    let span = high - low;
    let margin = 0.05 * span;
    let top = high + margin;
    let bottom = if low < 0.0 { low - margin } else { low };
    if !(span.is_finite() && top.is_finite() && bottom.is_finite()) {
        return Err(PlotError::RangeTooWide {
            title: chart.title.clone(),
        });
    }
    Ok((bottom, top))
}

fn draw_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plans: &[Prepared<'_>],
) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(drawing)?;
    let panels = root.split_evenly((plans.len(), 1));
    for (area, plan) in panels.iter().zip(plans) {
        draw_chart(area, plan)?;
    }
    Ok(())
}

/// The marker shapes, used in turn once the palette's colours are used up.
#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Triangle,
    Cross,
}

fn style_of(index: usize) -> (RGBColor, Marker) {
    let colour = PALETTE[index % PALETTE.len()];
    let marker = match (index / PALETTE.len()) % 3 {
        0 => Marker::Circle,
        1 => Marker::Triangle,
        _ => Marker::Cross,
    };
    (colour, marker)
}

fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plan: &Prepared<'_>,
) -> Result<(), PlotError> {
    let chart = plan.chart;
    let area = area.margin(8, 8, 8, 8);
    let body = area
        .titled(&chart.title, (FAMILY, 20).into_font().color(&BLACK))
        .map_err(drawing)?;

    // The legend takes the right of the panel, as wide as its longest name (at most a third).
    let legend_font = (FAMILY, 14).into_font().color(&BLACK);
    let mut widest = 0;
    for series in &chart.series {
        let (w, _) = body
            .estimate_text_size(&series.name, &legend_font)
            .map_err(drawing)?;
        widest = widest.max(w);
    }
    let (body_width, _) = body.dim_in_pixel();
    let legend_width = (widest + 44).clamp(80, body_width / 3);
    let (plot_area, legend_area) = body.split_horizontally(body_width - legend_width);

    let (first, last) = (chart.first_year, plan.last_year);
    // A single year gets an axis from the year before to the year after, with the point in the
    // middle (plotters misplaces the point of a one-value range); only the plan's years are
    // labelled.
    let x_range = if first == last {
        first.saturating_sub(1)..first.saturating_add(1)
    } else {
        first..last
    };
    let mut ctx = ChartBuilder::on(&plot_area)
        .margin_right(12)
        .margin_top(4)
        .x_label_area_size(42)
        .y_label_area_size(78)
        .build_cartesian_2d(x_range, plan.y_low..plan.y_high)
        .map_err(drawing)?;
    let years = usize::try_from(last - first).map_or(1, |y| y + 1);
    let x_label = |year: &i32| {
        if (first..=last).contains(year) {
            year.to_string()
        } else {
            String::new()
        }
    };
    let zero_below = (plan.y_high - plan.y_low) * 1e-9;
    let y_label = |v: &f64| tick_label(*v, zero_below);
    ctx.configure_mesh()
        .x_desc("year")
        .y_desc(chart.y_label.as_str())
        .x_labels(years.clamp(3, 12))
        .y_labels(8)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style((FAMILY, 13).into_font().color(&BLACK))
        .axis_desc_style((FAMILY, 14).into_font().color(&BLACK))
        .max_light_lines(2)
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()
        .map_err(drawing)?;

    for (index, series) in chart.series.iter().enumerate() {
        let (colour, marker) = style_of(index);
        let points: Vec<Option<(i32, f64)>> = (first..=plan.last_year)
            .zip(&series.values)
            .map(|(year, &v)| v.is_finite().then_some((year, v)))
            .collect();
        // A line through each run of finite values; a gap at each non-finite one.
        for run in points.split(Option::is_none) {
            if run.len() >= 2 {
                ctx.draw_series(LineSeries::new(
                    run.iter().flatten().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(drawing)?;
            }
        }
        let markers = points.iter().flatten().copied();
        let fill = colour.filled();
        match marker {
            Marker::Circle => ctx
                .draw_series(markers.map(|p| Circle::new(p, 3, fill)))
                .map(drop),
            Marker::Triangle => ctx
                .draw_series(markers.map(|p| TriangleMarker::new(p, 4, fill)))
                .map(drop),
            Marker::Cross => ctx
                .draw_series(markers.map(|p| Cross::new(p, 3, colour.stroke_width(2))))
                .map(drop),
        }
        .map_err(drawing)?;
    }

    draw_legend(&legend_area, &chart.series, &legend_font)
}

/// A y axis label: `0` for anything closer to zero than `zero_below` (a tick computed as
/// `-0.2 + 0.2`), plain decimals without trailing zeros from 0.001 up to a million, scientific
/// notation outside (`1.5e9`).
fn tick_label(value: f64, zero_below: f64) -> String {
    if value.abs() <= zero_below || value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs();
    if (1e-3..1e6).contains(&magnitude) {
        let text = format!("{value:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        let text = format!("{value:.3e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exponent}")
            }
            None => text,
        }
    }
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    font: &TextStyle<'_>,
) -> Result<(), PlotError> {
    let font = font.pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = 16;
    for (index, s) in series.iter().enumerate() {
        let (colour, marker) = style_of(index);
        area.draw(&PathElement::new(
            vec![(6, y), (30, y)],
            colour.stroke_width(2),
        ))
        .map_err(drawing)?;
        let centre = (18, y);
        let fill = colour.filled();
        match marker {
            Marker::Circle => area.draw(&Circle::new(centre, 3, fill)),
            Marker::Triangle => area.draw(&TriangleMarker::new(centre, 4, fill)),
            Marker::Cross => area.draw(&Cross::new(centre, 3, colour.stroke_width(2))),
        }
        .map_err(drawing)?;
        area.draw(&Text::new(s.name.as_str(), (38, y), font.clone()))
            .map_err(drawing)?;
        y += 22;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(0.0, 0.0), "0");
        assert_eq!(tick_label(-0.0, 0.0), "0");
        assert_eq!(tick_label(5.551e-17, 1e-9), "0");
        assert_eq!(tick_label(140.0, 1e-9), "140");
        assert_eq!(tick_label(0.1 + 0.2, 1e-9), "0.3");
        assert_eq!(tick_label(-12.5, 1e-9), "-12.5");
        assert_eq!(tick_label(1.5e9, 1.0), "1.5e9");
        assert_eq!(tick_label(2e-5, 1e-12), "2e-5");
        assert_eq!(tick_label(-3e6, 1.0), "-3e6");
    }

    #[test]
    fn y_range_starts_at_zero_or_below_with_a_margin() {
        let chart = |values: Vec<f64>| Chart {
            title: "t".into(),
            y_label: "y".into(),
            first_year: 2000,
            series: vec![Series {
                name: "s".into(),
                values,
            }],
        };
        assert_eq!(y_range(&chart(vec![10.0, 20.0])), Ok((0.0, 21.0)));
        assert_eq!(y_range(&chart(vec![-10.0, 10.0])), Ok((-11.0, 11.0)));
        assert_eq!(y_range(&chart(vec![0.0, 0.0])), Ok((0.0, 1.05)));
        assert_eq!(y_range(&chart(vec![-4.0, -4.0])), Ok((-4.2, 0.2)));
        assert_eq!(
            y_range(&chart(vec![f64::NAN, 3.0])),
            Ok((0.0, 3.0 + 0.05 * 3.0))
        );
        assert!(matches!(
            y_range(&chart(vec![-1e308, 1e308])),
            Err(PlotError::RangeTooWide { .. })
        ));
        assert!(matches!(
            y_range(&chart(vec![f64::NAN, f64::INFINITY])),
            Err(PlotError::NoFiniteValues { .. })
        ));
    }
}
