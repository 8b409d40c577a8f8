//! Issue #10, "No silent wrong answers", the reading side: on the real tables in data/, a
//! missing sector row or column is refused, aggregates counted twice are warned about by name,
//! and satellite files are read from the file, in wide and long layouts, with every key that
//! matches no sector reported. Each test breaks a copy of a real table in a temporary folder, or
//! writes a specification that makes the mistake the issue describes.

use plenty_io::spec::{self, LoadedEconomy};
use plenty_test_support::scratch;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data(path: &str) -> PathBuf {
    root().join("data").join(path)
}

fn load(spec: &Path) -> LoadedEconomy {
    spec::load(spec).unwrap_or_else(|e| panic!("{e}"))
}

fn load_example(name: &str) -> LoadedEconomy {
    load(&root().join("examples/specs").join(name))
}

fn err(spec: &Path) -> String {
    match spec::load(spec) {
        Ok(l) => panic!(
            "{} loaded with {} products; an error was expected",
            spec.display(),
            l.economy.n()
        ),
        Err(e) => e.to_string(),
    }
}

fn assert_contains(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{p:?} is missing from:\n{text}");
    }
}

/// A copy of an example specification in `dir`, with every `../../data/` path made absolute and
/// the table file replaced by `table` (when given), after applying `edit`.
fn spec_copy(
    dir: &Path,
    example: &str,
    table: Option<(&str, &Path)>,
    edit: impl Fn(String) -> String,
) -> PathBuf {
    let mut s = std::fs::read_to_string(root().join("examples/specs").join(example)).unwrap();
    if let Some((old, new)) = table {
        s = s.replace(old, &new.display().to_string());
    }
    let data_dir = format!("{}/", root().join("data").display());
    s = s.replace("../../data/", &data_dir);
    let p = dir.join(example);
    std::fs::write(&p, edit(s)).unwrap();
    p
}

/// The lines of a file, without the one whose first cell is `label`.
fn without_row(src: &Path, label: &str, out: &Path) {
    let text = std::fs::read_to_string(src).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| l.split(',').next() != Some(label))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "{label} is not a row");
    std::fs::write(out, kept.join("\n") + "\n").unwrap();
}

/// The file without the column headed `header` (simple CSV: no quoted commas in these tables'
/// numeric part; the quoted labels come before it).
fn without_column(src: &Path, header: &str, out: &Path) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(src)
        .unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let j = rows[0].iter().position(|h| h == header).unwrap();
    let mut w = csv::Writer::from_path(out).unwrap();
    for r in rows {
        let cells: Vec<&str> = r
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != j)
            .map(|c| c.1)
            .collect();
        w.write_record(cells).unwrap();
    }
    w.flush().unwrap();
}

const UK_TABLE: &str = "../../data/uk_ons_ioat_2010/iot_domestic_bp_product_by_product.csv";
const CZ_TABLE: &str = "../../data/eurostat_naio_cz_sk/cz_io.csv";
const HR_TABLE: &str = "../../data/croatia_2010/croatia_2010_siot_1700_product_by_product.csv";

// ---------------------------------------------------------------------------------------------
// 3. A missing sector row or column.

#[test]
fn issue_10_uk_table_with_a_product_row_deleted_is_refused_naming_the_column_and_its_place() {
    let d = scratch("uk-row");
    let table = d.join("uk.csv");
    without_row(
        &data("uk_ons_ioat_2010/iot_domestic_bp_product_by_product.csv"),
        "20A",
        &table,
    );
    let spec = spec_copy(&d, "uk_2010.toml", Some((UK_TABLE, &table)), |s| s);
    let e = err(&spec);
    assert_contains(
        &e,
        &[
            "uk.csv:1:28 (column \"20A\"): the column \"20A\" lies among the sector columns, but no sector row is labelled \"20A\"",
            "its row belongs between the rows \"19\" (line 26) and \"20B\" (line 27)",
            "exclude = [\"20A\"]",
        ],
    );
    // Leaving the product out on purpose is possible, and said in the notes.
    let spec = spec_copy(&d, "uk_2010.toml", Some((UK_TABLE, &table)), |s| {
        s.replace(
            "rows = { first = \"01\", last = \"NPISH_96\" }",
            "rows = { first = \"01\", last = \"NPISH_96\" }\nexclude = [\"20A\"]",
        )
    });
    let l = load(&spec);
    assert_eq!(l.economy.n(), 126);
    assert!(
        l.notes.iter().any(|n| n.contains("\"20A\"")),
        "{:?}",
        l.notes
    );
}

#[test]
fn issue_10_uk_table_with_a_product_column_deleted_is_refused_naming_the_row_and_its_place() {
    let d = scratch("uk-col");
    let table = d.join("uk.csv");
    without_column(
        &data("uk_ons_ioat_2010/iot_domestic_bp_product_by_product.csv"),
        "20A",
        &table,
    );
    let spec = spec_copy(&d, "uk_2010.toml", Some((UK_TABLE, &table)), |s| s);
    assert_contains(
        &err(&spec),
        &[
            "uk.csv:27: the sector row \"20A\" has no column",
            "its column belongs between the columns \"19\" (column 27) and \"20B\" (column 28)",
        ],
    );
}

#[test]
fn issue_10_czech_table_without_cpa_c20_row_is_refused() {
    let d = scratch("cz-c20");
    let table = d.join("cz.csv");
    without_row(&data("eurostat_naio_cz_sk/cz_io.csv"), "CPA_C20", &table);
    let spec = spec_copy(&d, "czech_2015.toml", Some((CZ_TABLE, &table)), |s| s);
    assert_contains(
        &err(&spec),
        &[
            "cz.csv:1:12 (column \"CPA_C20\"): the column \"CPA_C20\" lies among the sector columns, but no sector row is labelled \"CPA_C20\"",
            "between the rows \"CPA_C19\" (line 11) and \"CPA_C21\" (line 12)",
        ],
    );
    // The table as published reads, with its 61 products.
    assert_eq!(load_example("czech_2015.toml").economy.n(), 61);
}

#[test]
fn issue_10_croatia_rows_and_columns_by_position_name_the_count_and_the_missing_one() {
    // Croatia's CPA rows and NACE columns are matched by position (`columns` given).
    let d = scratch("hr");
    let table = d.join("hr.csv");
    without_row(
        &data("croatia_2010/croatia_2010_siot_1700_product_by_product.csv"),
        "CPA_G47",
        &table,
    );
    let spec = spec_copy(&d, "croatia_2010.toml", Some((HR_TABLE, &table)), |s| s);
    assert_contains(
        &err(&spec),
        &[
            "[sectors] selects 64 rows, \"CPA_A01\" … \"CPA_U\" (lines 2–65), but 65 columns, \"A01\" … \"U\" (columns 3–67 of line 1)",
            "the column \"G47\" (column 32) has no row",
        ],
    );
    let table = d.join("hr_col.csv");
    without_column(
        &data("croatia_2010/croatia_2010_siot_1700_product_by_product.csv"),
        "G47",
        &table,
    );
    let spec = spec_copy(&d, "croatia_2010.toml", Some((HR_TABLE, &table)), |s| s);
    assert_contains(
        &err(&spec),
        &[
            "selects 65 rows",
            "but 64 columns",
            "the row \"CPA_G47\" (line 31) has no column",
        ],
    );
    // Labels that cannot be compared: at least the counts and both ranges.
    let spec = spec_copy(&d, "croatia_2010.toml", None, |s| {
        s.replace(
            "columns = { first = \"A01\", last = \"U\" }",
            "columns = { first = \"A01\", last = \"TOTAL\" }",
        )
    });
    assert_contains(
        &err(&spec),
        &["selects 65 rows", "but 66 columns, \"A01\" … \"TOTAL\""],
    );
    // As many rows as columns, but one position off: a warning.
    let spec = spec_copy(&d, "croatia_2010.toml", None, |s| {
        s.replace(
            "columns = { first = \"A01\", last = \"U\" }",
            "columns = { first = \"A02\", last = \"TOTAL\" }",
        )
    });
    assert_contains(
        &load(&spec).warnings.join("\n"),
        &["their codes correspond one position off: the column \"A02\" (column 4) is matched with the row \"CPA_A01\" (line 2), but corresponds to the row \"CPA_A02\" (line 3), and so on for 64 of 65 pairs"],
    );
    // Two rows in the wrong order: a warning at the first.
    let spec = spec_copy(&d, "croatia_2010.toml", None, |s| {
        s.replace(
            "rows = { first = \"CPA_A01\", last = \"CPA_U\" }",
            "rows = { first = \"CPA_A01\", last = \"CPA_U\" }\nnames_from_columns = true",
        )
        .replace("exclude = [\"CPA_U\"]", "exclude = [\"U\"]")
    });
    assert!(load(&spec).warnings.is_empty());
    let table = d.join("hr_swapped.csv");
    let text = std::fs::read_to_string(data(
        "croatia_2010/croatia_2010_siot_1700_product_by_product.csv",
    ))
    .unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let g47 = lines
        .iter()
        .position(|l| l.starts_with("CPA_G47,"))
        .unwrap();
    lines.swap(g47, g47 + 1);
    std::fs::write(&table, lines.join("\n") + "\n").unwrap();
    let spec = spec_copy(&d, "croatia_2010.toml", Some((HR_TABLE, &table)), |s| s);
    assert_contains(
        &load(&spec).warnings.join("\n"),
        &["their codes correspond up to position 29, but then the row \"CPA_H49\" (line 31) is matched with the column \"G47\" (column 32) (2 of 65 pairs differ)"],
    );
}

#[test]
fn issue_10_a_row_label_twice_names_both_lines() {
    let d = scratch("dup");
    let src = std::fs::read_to_string(data("eurostat_manual_examples/Beutel_15_4.csv")).unwrap();
    let table = d.join("beutel.csv");
    std::fs::write(
        &table,
        src.replace(
            "cpa_f,Construction group,3,10,construction_group",
            "cpa_f,Construction group,3,10,trade_group",
        ),
    )
    .unwrap();
    let spec = spec_copy(
        &d,
        "germany_1995.toml",
        Some((
            "../../data/eurostat_manual_examples/Beutel_15_4.csv",
            &table,
        )),
        |s| s,
    );
    assert_contains(
        &err(&spec),
        &["beutel.csv:5: the sector row \"trade_group\" is selected twice, on lines 4 and 5"],
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Aggregates counted twice.

#[test]
fn issue_10_slovak_aggregate_products_and_final_demand_totals_are_warned_by_name() {
    let d = scratch("sk");
    // All 104 CPA rows (aggregates and their parts) and the whole final-demand block.
    let spec = d.join("sk.toml");
    std::fs::write(
        &spec,
        format!(
            "[table]\nfile = {:?}\nlabels = \"prod_na\"\n\n[sectors]\nrows = {{ first = \"CPA_A01\", last = \"CPA_U\" }}\n\n[final_demand]\ncolumns = {{ first = \"P3_S14\", last = \"TFU\" }}\n\n[gross_output]\nrow = \"P1\"\n",
            data("eurostat_naio_cz_sk/sk_io.csv")
        ),
    )
    .unwrap();
    let l = load(&spec);
    assert_eq!(l.economy.n(), 104);
    let w = l.warnings.join("\n");
    assert_contains(
        &w,
        &[
            "sector \"CPA_C10-12\" (line 12, column 12): its row and its column equal the sums of those of \"CPA_C10\", \"CPA_C11\", \"CPA_C12\": it is counted twice; leave it out with exclude = [\"CPA_C10-12\"]",
            "sector \"CPA_B\" (line 5, column 5): its row and its column equal the sums of those of \"CPA_B05\", \"CPA_B06\", \"CPA_B07\", \"CPA_B08\", \"CPA_B09\"",
            "sector \"CPA_R90-92\"",
            "final-demand column \"P3\" equals the sum of \"P3_S14\", \"P3_S15\", \"P3_S13\": it is counted twice; leave it out of the selection",
            "final-demand column \"P6\" equals the sum of \"P6_B0\", \"P6_D0\"",
            "final-demand column \"TFU\" equals the sum of",
        ],
    );
    // 14 aggregate products, and P3, P5M, P5, P6, TFU; nothing else.
    assert_eq!(l.warnings.len(), 14 + 5, "{w}");
    // The specification as shipped leaves the parts out: 65 products, no warning, and the
    // employment file matches every one of them.
    let l = load_example("slovakia_2015.toml");
    assert_eq!(l.economy.n(), 65);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

#[test]
fn issue_10_czech_final_demand_totals_and_total_use_are_warned_by_name() {
    let d = scratch("cz-fd");
    let spec = spec_copy(&d, "czech_2015.toml", None, |s| {
        s.replace(
            "columns = [\"P3_S14\", \"P3_S15\", \"P3_S13\", \"P51G\", \"P52\", \"P53\", \"P6\"]",
            "columns = { first = \"P3_S14\", last = \"P53\" }",
        )
    });
    let l = load(&spec);
    let w = l.warnings.join("\n");
    assert_contains(
        &w,
        &[
            "cz_io.csv:1:67: final-demand column \"P3\" equals the sum of \"P3_S14\", \"P3_S15\", \"P3_S13\": it is counted twice; leave it out of the selection",
            "final-demand column \"P5M\" equals the sum of \"P52\", \"P53\"",
            "final-demand column \"P5\" equals the sum of \"P51G\", \"P52\", \"P53\"",
            "final-demand column \"TFU\" equals the sum of \"P3_S14\", \"P3_S15\", \"P3_S13\", \"P51G\", \"P52\", \"P6\", \"P53\"",
            "final-demand column \"TU\" equals the total use: the intermediate use (the sum of the sector columns) plus \"TFU\"",
        ],
    );
    assert_eq!(l.warnings.len(), 5, "{w}");
}

#[test]
fn issue_10_satellite_rows_that_add_up_are_warned() {
    // Germany: value added (gva_bp) is the sum of its parts; listing both counts it twice.
    let d = scratch("va");
    let spec = spec_copy(&d, "germany_1995.toml", None, |s| {
        s + "\n[[satellite]]\nname = \"va\"\nrows = [\"compensation_employees\", \"net_tax_production_other\", \"consumption_fixed_capital\", \"operating_surplus_net\", \"gva_bp\"]\n"
    });
    let l = load(&spec);
    assert_contains(
        &l.warnings.join("\n"),
        &["satellite \"va\": row \"gva_bp\" equals the sum of \"compensation_employees\", \"net_tax_production_other\", \"consumption_fixed_capital\", \"operating_surplus_net\""],
    );
}

#[test]
fn issue_10_the_shipped_specifications_have_no_warnings() {
    // The detection must not be too eager: every specification in examples/specs reads without
    // a warning (Croatia's employment file names its total line in `ignore`).
    for entry in std::fs::read_dir(root().join("examples/specs")).unwrap() {
        let p = entry.unwrap().path();
        let l = load(&p);
        assert!(l.warnings.is_empty(), "{}: {:?}", p.display(), l.warnings);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Satellite files.

#[test]
fn issue_10_czech_employment_g47_matching_no_product_is_a_warning_with_its_value() {
    let d = scratch("cz-emp");
    let spec = spec_copy(&d, "czech_2015.toml", None, |s| {
        s.replace("add_to = { \"CPA_G47\" = \"CPA_G46\" }\n", "")
            .replace("ignore = [\"CPA_T\", \"CPA_U\", \"CPA_L68A\"]\n", "")
    });
    let l = load(&spec);
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert_contains(
        &l.warnings[0],
        &[
            "emp_cz.csv: satellite \"employment\": 3 columns of the file match no sector of the table, and their values are left out: \"CPA_G47\" (385.675, column 31), \"CPA_T\" (31.6, column 64), \"CPA_U\" (1, column 65) — 418.275 in all",
            "add_to = { \"CPA_G47\" = \"…\" }",
            "ignore = [\"CPA_G47\"]",
        ],
    );
    // A zero value is no loss: a note.
    assert!(
        l.notes.iter().any(|n| n.contains("\"CPA_L68A\" (0")),
        "{:?}",
        l.notes
    );
    // The shipped specification adds G47 to G46 (see its comment) and says what it leaves out.
    let l = load_example("czech_2015.toml");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let e = &l.economy;
    let g46 = e.products.iter().position(|p| p == "CPA_G46").unwrap();
    let x = e.recorded_output.as_ref().unwrap()[g46];
    let persons = e.satellite("employment").unwrap().intensity[g46] * x;
    assert!((persons - (138.575 + 385.675)).abs() < 1e-9, "{persons}");
    let notes = l.notes.join("\n");
    assert_contains(
        &notes,
        &[
            "the value of \"CPA_G47\"",
            "(385.675) is added to \"CPA_G46\" (add_to)",
            "left out on purpose (ignore): \"CPA_T\" (31.6, column 64)",
        ],
    );
}

#[test]
fn issue_10_satellite_file_and_row_reads_the_file_not_the_table() {
    // Germany's table has a row "employment_total"; a satellite with file + row must read the
    // row of that file (wide: the sector labels as column headers), not the table's.
    let d = scratch("wide");
    std::fs::write(
        d.join("jobs.csv"),
        "account,agriculture_group,manufacturing_group,construction_group,trade_group,business_services_group,other_services_group\n\
         employment_total,1,2,3,4,5,6\n",
    )
    .unwrap();
    let spec = spec_copy(&d, "germany_1995.toml", None, |s| {
        s + "\n[[satellite]]\nname = \"jobs\"\nfile = \"jobs.csv\"\nrow = \"employment_total\"\n"
    });
    let l = load(&spec);
    let e = &l.economy;
    let x = e.recorded_output.as_ref().unwrap();
    let jobs = &e.satellite("jobs").unwrap().intensity;
    for k in 0..6 {
        assert!(
            (jobs[k] * x[k] - (k + 1) as f64).abs() < 1e-9,
            "{}",
            jobs[k] * x[k]
        );
    }
    assert!(l.inputs.contains(&d.join("jobs.csv")), "{:?}", l.inputs);
    // Gross output from a wide file, the same way.
    std::fs::write(
        d.join("x_wide.csv"),
        "what,agriculture_group,manufacturing_group,construction_group,trade_group,business_services_group,other_services_group\n\
         output,43910,1079446,245606,540063,692487,508918\n",
    )
    .unwrap();
    let spec = spec_copy(&d, "germany_1995.toml", None, |s| {
        s.replace(
            "[gross_output]\nrow = \"output_bp\"",
            "[gross_output]\nfile = \"x_wide.csv\"\nrow = \"output\"",
        )
    });
    let wide = load(&spec);
    assert_eq!(wide.economy.recorded_output, l.economy.recorded_output);
    assert!(wide.warnings.is_empty(), "{:?}", wide.warnings);
    // The same for the gross output, and a long file (key, value) with a semicolon delimiter.
    std::fs::write(
        d.join("x.csv"),
        "code;x\nagriculture_group;43910\nmanufacturing_group;1079446\nconstruction_group;245606\ntrade_group;540063\nbusiness_services_group;692487\nother_services_group;508918\ntotal;3110430\n",
    )
    .unwrap();
    let spec = spec_copy(&d, "germany_1995.toml", None, |s| {
        s.replace(
            "[gross_output]\nrow = \"output_bp\"",
            "[gross_output]\nfile = \"x.csv\"\nkey = \"code\"\nvalue = \"x\"",
        )
    });
    let l2 = load(&spec);
    assert_eq!(l2.economy.recorded_output, l.economy.recorded_output);
    assert!(l2.warnings.is_empty(), "{:?}", l2.warnings);
    assert!(
        l2.notes
            .iter()
            .any(|n| n.contains("\"total\"") && n.contains("holds the total")),
        "{:?}",
        l2.notes
    );
    // A key of the file that matches no sector, with its line and value, then `ignore`.
    std::fs::write(
        d.join("x.csv"),
        "code;x\nagriculture_group;43910\nmanufacturing_group;1079446\nconstruction_group;245606\ntrade_group;540063\nbusiness_services_group;692487\nother_services_group;508918\nmining;1234.5\n",
    )
    .unwrap();
    let l3 = load(&spec);
    assert_contains(
        &l3.warnings.join("\n"),
        &["gross output: 1 key of the file matches no sector of the table, and its value is left out: \"mining\" (1234.5, line 8)"],
    );
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("value = \"x\"", "value = \"x\"\nignore = [\"mining\"]"),
    )
    .unwrap();
    assert!(load(&spec).warnings.is_empty());
    std::fs::write(
        &spec,
        text.replace("value = \"x\"", "value = \"x\"\nignore = [\"minning\"]"),
    )
    .unwrap();
    assert_contains(
        &err(&spec),
        &[
            "gross output: ignore names \"minning\", which is not a key of",
            "(did you mean \"mining\"?)",
        ],
    );
}

#[test]
fn issue_10_satellite_source_combinations_that_make_no_sense_are_errors() {
    let d = scratch("combos");
    let cases = [
        (
            "file = \"x.csv\"\nrow = \"a\"\nkey = \"code\"\nvalue = \"v\"\n",
            "give key and value (a long file: one line per sector) or row (a wide file: one column per sector), not both",
        ),
        (
            "file = \"x.csv\"\nkey = \"code\"\n",
            "a long file needs both key",
        ),
        ("row = \"employment_total\"\nkey = \"code\"\n", "key belongs to another file"),
        ("file = \"x.csv\"\n", "with file, give key and value"),
        (
            "row = \"employment_total\"\nrows = [\"gva_bp\"]\n",
            "give row or rows, not both",
        ),
        ("row = \"a\"\ndelimiter = \";;\"\n", "delimiter \";;\" is not one character"),
    ];
    for (fields, want) in cases {
        let spec = spec_copy(&d, "germany_1995.toml", None, |s| {
            s + "\n[[satellite]]\nname = \"s\"\n" + fields
        });
        assert_contains(&err(&spec), &[want]);
    }
}

// ---------------------------------------------------------------------------------------------
// Delimiters.

#[test]
fn issue_10_semicolon_tables_are_read_and_a_wrong_delimiter_gets_a_hint() {
    let d = scratch("semicolon");
    let src = std::fs::read_to_string(data("eurostat_manual_examples/Beutel_15_4.csv")).unwrap();
    // The Manual's table with semicolons (its labels hold no commas).
    assert!(!src.contains('"'));
    let table = d.join("beutel.csv");
    std::fs::write(&table, src.replace(',', ";")).unwrap();
    let spec = spec_copy(
        &d,
        "germany_1995.toml",
        Some((
            "../../data/eurostat_manual_examples/Beutel_15_4.csv",
            &table,
        )),
        |s| s,
    );
    let l = load(&spec);
    let reference = load_example("germany_1995.toml");
    assert_eq!(l.economy.a, reference.economy.a);
    // Said explicitly, the same.
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("[table]\n", "[table]\ndelimiter = \";\"\n"),
    )
    .unwrap();
    assert_eq!(load(&spec).economy.a, reference.economy.a);
    // Said wrongly: the label is not found, and the message says why.
    std::fs::write(
        &spec,
        text.replace("[table]\n", "[table]\ndelimiter = \",\"\n"),
    )
    .unwrap();
    assert_contains(
        &err(&spec),
        &["no column is headed \"iotables_row\"", "the file is read as comma-separated, but its labels hold semicolons: if it is semicolon-separated, set delimiter = \";\""],
    );
}
