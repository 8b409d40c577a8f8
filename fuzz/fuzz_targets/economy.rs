//! The economy-file parser on arbitrary text: no panic; an accepted economy has finite,
//! non-negative coefficients and labour.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plenty_io::economy_file::parse_economy;
use std::path::Path;

fuzz_target!(|text: &str| {
    let path = Path::new("e.toml");
    match parse_economy(path, text) {
        Err(e) => assert!(e.to_string().starts_with("e.toml")),
        Ok(e) => {
            let a = e.a.to_dense();
            for i in 0..e.n() {
                for j in 0..e.n() {
                    let v = a.get(i, j);
                    assert!(v.is_finite() && v >= 0.0, "a[{i},{j}] = {v}");
                }
            }
            let l = e.labour_satellite().expect("labour");
            assert!(l.intensity.iter().all(|v| v.is_finite() && *v >= 0.0));
        }
    }
});
