//! Times writing and reading an economy of 10^6 products with 10^7 non-zeros as Matrix Market:
//!
//! ```text
//! cargo run --release -p plenty-io --example matrix_market_read_time [DIR]
//! ```
//!
//! With DIR the file is kept there between runs (then only the read is timed); without it, a
//! temporary folder is used and removed.

use plenty_core::generate::{generate, GeneratorSettings};
use plenty_io::mtx;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keep = std::env::args().nth(1).map(std::path::PathBuf::from);
    let dir = match &keep {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("plenty-mtx-time-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("big.mtx");
    if !path.exists() {
        let s = GeneratorSettings {
            n: 1_000_000,
            k: 10,
            ..Default::default()
        };
        let e = generate(&s)?;
        let t = Instant::now();
        mtx::write_matrix(&path, &e.a)?;
        println!(
            "write: {:.2} s, {} bytes",
            t.elapsed().as_secs_f64(),
            std::fs::metadata(&path)?.len()
        );
    }
    let t = Instant::now();
    let a = mtx::read_matrix(&path)?;
    println!(
        "read: {:.2} s, n = {}, nnz = {}",
        t.elapsed().as_secs_f64(),
        a.nrows(),
        a.nnz()
    );
    if keep.is_none() {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
