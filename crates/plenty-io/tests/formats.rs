//! Round trips and error messages of the exchange formats: Matrix Market, vectors, triplets,
//! pymrio folders.

use plenty_io::mtx;
use std::path::PathBuf;
use std::time::Instant;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plenty-io-formats-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Generates an economy of 10^6 products with 10^7 non-zeros, writes it, reads it back and
/// prints the times. Run with
/// `cargo test --release -p plenty-io --test formats -- --ignored --nocapture big_matrix`.
#[test]
#[ignore]
fn big_matrix_read_time() {
    let dir = std::env::var("PLENTY_BIG_DIR").map(PathBuf::from).unwrap_or_else(|_| scratch("big"));
    let path = dir.join("big.mtx");
    if !path.exists() {
        let s = plenty_core::generate::GeneratorSettings { n: 1_000_000, k: 10, ..Default::default() };
        let e = plenty_core::generate::generate(&s).unwrap();
        let t = Instant::now();
        mtx::write_matrix(&path, &e.a).unwrap();
        eprintln!("write: {:.2} s, {} bytes", t.elapsed().as_secs_f64(), std::fs::metadata(&path).unwrap().len());
    }
    let t = Instant::now();
    let a = mtx::read_matrix(&path).unwrap();
    eprintln!("read: {:.2} s, n = {}, nnz = {}", t.elapsed().as_secs_f64(), a.nrows(), a.nnz());
}
