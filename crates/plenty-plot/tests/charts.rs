//! Draws real charts and checks the SVG and PNG that come out.

use plenty_plot::{self as plot, Chart, PlotError, Series};

const BLUE: &str = "#1F77B4";
const ORANGE: &str = "#FF7F0E";
const GREEN: &str = "#2CA02C";

fn series(name: &str, values: Vec<f64>) -> Series {
    Series {
        name: name.to_owned(),
        values,
    }
}

fn chart(title: &str, series: Vec<Series>) -> Chart {
    Chart {
        title: title.to_owned(),
        y_label: "hours of labour".to_owned(),
        first_year: 2025,
        series,
    }
}

/// Three variants over 6 years.
fn variants() -> Chart {
    chart(
        "Consumption",
        vec![
            series(
                "balanced growth",
                vec![100.0, 103.0, 106.1, 109.3, 112.6, 115.9],
            ),
            series("turnpike", vec![90.0, 92.0, 97.0, 105.0, 116.0, 130.0]),
            series("austerity", vec![80.0, 80.5, 81.0, 81.5, 82.0, 82.5]),
        ],
    )
}

/// The `points` of each `<polyline>` drawn in `stroke`, as lists of (x, y).
fn polylines(doc: &roxmltree::Document<'_>, stroke: &str) -> Vec<Vec<(f64, f64)>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
        .map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').expect("a point is x,y");
                    (
                        x.parse().expect("x is a number"),
                        y.parse().expect("y is a number"),
                    )
                })
                .collect()
        })
        .collect()
}

fn texts<'a>(doc: &'a roxmltree::Document<'_>) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect()
}

#[test]
fn the_svg_is_xml_with_the_title_the_names_and_a_line_per_series() {
    let svg = plot::svg(&variants()).expect("draws");
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("800"));
    assert_eq!(root.attribute("height"), Some("500"));

    let texts = texts(&doc);
    for expected in [
        "Consumption",
        "hours of labour",
        "year",
        "balanced growth",
        "turnpike",
        "austerity",
        "2025",
        "2030",
    ] {
        assert!(
            texts.contains(&expected),
            "no text {expected:?} in {texts:?}"
        );
    }
    // Each series: one line through its 6 years in its own colour (plus the legend's sample).
    for colour in [BLUE, ORANGE, GREEN] {
        let lines = polylines(&doc, colour);
        let data: Vec<_> = lines.iter().filter(|l| l.len() == 6).collect();
        assert_eq!(data.len(), 1, "{colour}: {lines:?}");
        // Years go left to right, one step per year.
        let xs: Vec<f64> = data[0].iter().map(|p| p.0).collect();
        assert!(xs.windows(2).all(|w| w[1] > w[0]), "{xs:?}");
    }
    // Higher values are drawn higher up (smaller SVG y): the turnpike's line rises.
    let turnpike = &polylines(&doc, ORANGE)
        .into_iter()
        .find(|l| l.len() == 6)
        .unwrap();
    assert!(turnpike.windows(2).all(|w| w[1].1 < w[0].1), "{turnpike:?}");
    // Each value has its marker.
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert!(circles >= 18, "{circles} markers for 18 values");
}

#[test]
fn a_nan_is_a_gap_in_the_line() {
    let c = chart(
        "Gap",
        vec![series(
            "with a gap",
            vec![1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0],
        )],
    );
    let svg = plot::svg(&c).expect("draws");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let lengths: Vec<usize> = polylines(&doc, BLUE).iter().map(Vec::len).collect();
    // The run before the gap (2 points), the run after it (3), and the legend's sample (2).
    let mut sorted = lengths.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [2, 2, 3], "{lengths:?}");
    let markers = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(BLUE))
        .count();
    assert_eq!(markers, 5 + 1, "5 values and the legend's marker");
}

#[test]
fn text_is_escaped_in_the_svg() {
    let c = chart(
        "Steel <t> & coal",
        vec![series("a \"b\" <c>", vec![1.0, 2.0])],
    );
    let svg = plot::svg(&c).expect("draws");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed despite < & >");
    let texts = texts(&doc);
    assert!(texts.contains(&"Steel <t> & coal"), "{texts:?}");
    assert!(texts.contains(&"a \"b\" <c>"), "{texts:?}");
}

/// The decoded PNG: width, height and RGB pixels.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<[u8; 3]>) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

fn hex(colour: &str) -> [u8; 3] {
    let byte = |i: usize| u8::from_str_radix(&colour[i..i + 2], 16).expect("hex");
    [byte(1), byte(3), byte(5)]
}

#[test]
fn the_png_has_the_size_the_lines_and_text() {
    let bytes = plot::png(&variants()).expect("draws");
    let (width, height, pixels) = decode(&bytes);
    assert_eq!((width, height), (plot::WIDTH, plot::HEIGHT));
    assert_eq!((width, height), (800, 500));
    // Mostly white background.
    let white = pixels.iter().filter(|p| **p == [255, 255, 255]).count();
    assert!(white > pixels.len() / 2, "{white} white pixels");
    // Each series' colour is drawn, hundreds of pixels of it (lines and markers).
    for colour in [BLUE, ORANGE, GREEN] {
        let n = pixels.iter().filter(|p| **p == hex(colour)).count();
        assert!(n > 300, "{n} pixels of {colour}");
    }
    // The title is text: dark pixels in the band above the plot, around the middle.
    let dark_in_title = (0..34)
        .flat_map(|y| (300..500).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let p = pixels[y * width as usize + x];
            p.iter().all(|&c| c < 100)
        })
        .count();
    assert!(
        dark_in_title > 50,
        "{dark_in_title} dark pixels where the title goes"
    );
}

#[test]
fn panels_stack_the_charts() {
    let investment = chart(
        "Investment",
        vec![
            series("balanced growth", vec![10.0, 11.0, 12.0, 13.0, 14.0, 15.0]),
            series("turnpike", vec![20.0, 18.0, 12.0, 5.0, -2.0, -4.0]),
        ],
    );
    let charts = [variants(), investment];
    let bytes = plot::png_panels(&charts).expect("draws");
    let (width, height, pixels) = decode(&bytes);
    assert_eq!((width, height), (800, 2 * plot::PANEL_HEIGHT));
    // Both panels have drawing in the first series' colour.
    let half = pixels.len() / 2;
    for part in [&pixels[..half], &pixels[half..]] {
        assert!(part.iter().filter(|p| **p == hex(BLUE)).count() > 100);
    }

    let svg = plot::svg_panels(&charts).expect("draws");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    assert_eq!(doc.root_element().attribute("height"), Some("800"));
    let texts = texts(&doc);
    assert!(
        texts.contains(&"Consumption") && texts.contains(&"Investment"),
        "{texts:?}"
    );
    // The investment panel goes below zero: its axis has a negative label.
    assert!(texts.iter().any(|t| t.starts_with('-')), "{texts:?}");
    // The data lines: 3 series of the first panel + 2 of the second, 6 years each.
    let data_lines = [BLUE, ORANGE, GREEN]
        .iter()
        .map(|c| polylines(&doc, c).iter().filter(|l| l.len() == 6).count())
        .sum::<usize>();
    assert_eq!(data_lines, 5);
}

#[test]
fn the_same_chart_gives_the_same_bytes() {
    let c = variants();
    assert_eq!(plot::svg(&c).unwrap(), plot::svg(&c).unwrap());
    assert_eq!(plot::png(&c).unwrap(), plot::png(&c).unwrap());
    let panels = [
        variants(),
        chart("Capital", vec![series("k", vec![1.0; 6])]),
    ];
    assert_eq!(
        plot::png_panels(&panels).unwrap(),
        plot::png_panels(&panels).unwrap()
    );
    assert_eq!(
        plot::svg_panels(&panels).unwrap(),
        plot::svg_panels(&panels).unwrap()
    );
}

#[test]
fn different_charts_give_different_pictures() {
    let a = variants();
    let mut b = variants();
    b.series[1].values[3] = 50.0;
    assert_ne!(plot::png(&a).unwrap(), plot::png(&b).unwrap());
    assert_ne!(plot::svg(&a).unwrap(), plot::svg(&b).unwrap());
}

#[test]
fn a_single_year_is_a_point() {
    let c = Chart {
        first_year: 2030,
        ..chart("One year", vec![series("only", vec![5.0])])
    };
    let svg = plot::svg(&c).expect("draws one year");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    assert!(texts(&doc).contains(&"2030"));
    let markers = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(BLUE))
        .count();
    assert_eq!(markers, 1 + 1, "the value's marker and the legend's");
    let (w, h, pixels) = decode(&plot::png(&c).expect("draws one year"));
    assert_eq!((w, h), (800, 500));
    assert!(pixels.iter().filter(|p| **p == hex(BLUE)).count() > 20);
}

#[test]
fn flat_and_negative_data_still_draw() {
    for values in [
        vec![0.0, 0.0, 0.0],
        vec![-3.0, -3.0, -3.0],
        vec![7.0, 7.0, 7.0],
    ] {
        let c = chart("Flat", vec![series("s", values.clone())]);
        let svg = plot::svg(&c).unwrap_or_else(|e| panic!("{values:?}: {e}"));
        roxmltree::Document::parse(&svg).expect("well-formed");
        plot::png(&c).unwrap_or_else(|e| panic!("{values:?}: {e}"));
    }
}

#[test]
fn many_series_cycle_the_palette() {
    let many = (0..10)
        .map(|i| series(&format!("v{i}"), vec![f64::from(i), f64::from(i) + 1.0]))
        .collect();
    let svg = plot::svg(&chart("Ten", many)).expect("draws");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    // v0 and v8 share blue: two data lines of it.
    let blue_data = polylines(&doc, BLUE).len();
    assert_eq!(blue_data, 2 + 2, "two data lines and two legend samples");
}

#[test]
fn bad_charts_are_errors() {
    let mismatched = chart(
        "Mismatch",
        vec![
            series("a", vec![1.0, 2.0, 3.0]),
            series("b", vec![1.0, 2.0]),
        ],
    );
    let expected = PlotError::LengthMismatch {
        title: "Mismatch".into(),
        series: "b".into(),
        expected: 3,
        found: 2,
    };
    assert_eq!(plot::svg(&mismatched), Err(expected.clone()));
    assert_eq!(plot::png(&mismatched), Err(expected));

    let empty = chart("Empty", vec![]);
    let no_series = PlotError::NoSeries {
        title: "Empty".into(),
    };
    assert_eq!(plot::svg(&empty), Err(no_series.clone()));
    assert_eq!(plot::png(&empty), Err(no_series.clone()));
    // A bad panel spoils the picture.
    assert_eq!(
        plot::svg_panels(&[variants(), empty.clone()]),
        Err(no_series)
    );

    let no_years = chart("No years", vec![series("a", vec![])]);
    assert!(matches!(
        plot::svg(&no_years),
        Err(PlotError::NoYears { .. })
    ));

    let all_nan = chart("NaN", vec![series("a", vec![f64::NAN, f64::INFINITY])]);
    assert!(matches!(
        plot::png(&all_nan),
        Err(PlotError::NoFiniteValues { .. })
    ));

    let late = Chart {
        first_year: i32::MAX,
        ..chart("Late", vec![series("a", vec![1.0, 2.0])])
    };
    assert!(matches!(
        plot::svg(&late),
        Err(PlotError::YearOverflow { .. })
    ));

    assert_eq!(plot::svg_panels(&[]), Err(PlotError::NoCharts));
    assert_eq!(plot::png_panels(&[]), Err(PlotError::NoCharts));
    let too_many = vec![variants(); plot::MAX_PANELS + 1];
    assert!(matches!(
        plot::png_panels(&too_many),
        Err(PlotError::TooManyPanels { count: 17, max: 16 })
    ));

    // The messages name the chart and the series.
    let message = plot::svg(&mismatched).unwrap_err().to_string();
    assert!(
        message.contains("Mismatch") && message.contains("\"b\""),
        "{message}"
    );
}
