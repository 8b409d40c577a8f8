//! The labelled table reader on arbitrary bytes: no panic; rows as wide as the header, lines
//! increasing; cell numbers finite or errors with the row's line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plenty_io::table::RawTable;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (&first, bytes) = match data.split_first() {
        Some(x) => x,
        None => return,
    };
    let delimiter = if first & 1 == 0 { b',' } else { b'\t' };
    let header_rows = usize::from((first >> 1) % 3);
    let path = Path::new("t.csv");
    let t = match RawTable::parse(path, bytes, delimiter, header_rows) {
        Ok(t) => t,
        Err(e) => {
            assert!(e.to_string().starts_with("t.csv"));
            return;
        }
    };
    let mut previous = t.header_line;
    for (r, row) in t.rows.iter().enumerate() {
        assert_eq!(row.cells.len(), t.header.len());
        assert!(row.line > previous);
        previous = row.line;
        for c in 0..t.header.len() {
            match t.number(r, c) {
                Ok(Some(v)) => assert!(v.is_finite()),
                Ok(None) => {}
                Err(e) => assert_eq!(e.line, Some(row.line)),
            }
        }
    }
    for name in &t.header {
        let _ = t.column(name);
    }
});
