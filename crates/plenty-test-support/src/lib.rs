//! What plenty's tests share, so that no test file keeps its own copy:
//!
//! * [`workspace_root`] and [`data_dir`]: paths of fixtures, examples and the real tables;
//! * [`peer_python`]: the Python with the peer packages (SciPy, highspy, pymrio, pabutools)
//!   that cross-checks run against, or a skip that says so, or a failure when CI requires it;
//! * [`scratch`]: a fresh temporary folder, removed when dropped;
//! * [`approx_eq`], [`relative_difference`], [`all_close`]: the one float comparison.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The workspace root (examples, fixtures and `data/` are named from it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// The repository's real tables (`data/`).
pub fn data_dir() -> PathBuf {
    workspace_root().join("data")
}

/// The peer Python (`$PLENTY_PEER_PYTHON`, else `.venv-peer/bin/python` at the workspace root),
/// if it exists. Without it a test skips with a line naming itself, unless
/// `PLENTY_REQUIRE_PEERS` is set (as in CI): then it fails.
pub fn peer_python(test: &str) -> Option<PathBuf> {
    peer_python_with(test, &[])
}

/// [`peer_python`], also requiring that each of `modules` imports (e.g. `pabutools`).
pub fn peer_python_with(test: &str, modules: &[&str]) -> Option<PathBuf> {
    python_with(test, "PLENTY_PEER_PYTHON", ".venv-peer", modules)
}

/// The Python with MARIO (`mariopy`), `$PLENTY_MARIO_PYTHON` else `.venv-mario/bin/python`: a
/// venv of its own, because mariopy pins NumPy and pandas to versions other than the peers'
/// (`bench/peer/requirements-mario.txt`). Skips or fails like [`peer_python`].
pub fn mario_python(test: &str) -> Option<PathBuf> {
    python_with(test, "PLENTY_MARIO_PYTHON", ".venv-mario", &["mario"])
}

fn python_with(test: &str, var: &str, venv: &str, modules: &[&str]) -> Option<PathBuf> {
    let p = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(venv).join("bin/python"));
    let imports = |m: &str| {
        std::process::Command::new(&p)
            .args(["-c", &format!("import {m}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if p.exists() && modules.iter().all(|m| imports(m)) {
        return Some(p);
    }
    let what = if modules.is_empty() {
        String::new()
    } else {
        format!(" with {}", modules.join(", "))
    };
    // CI installs the peers and sets PLENTY_REQUIRE_PEERS, so a missing peer fails there.
    assert!(
        std::env::var_os("PLENTY_REQUIRE_PEERS").is_none(),
        "{test}: PLENTY_REQUIRE_PEERS is set but there is no Python{what} at {}",
        p.display()
    );
    println!(
        "skipped {test}: no Python{what} at {} (set up {venv} as in bench/README.md)",
        p.display()
    );
    None
}

/// Runs `python -c script args…` with one BLAS thread and returns its standard output; a
/// failure shows the script's output and errors.
pub fn run_python(python: &Path, script: &str, args: &[&Path]) -> String {
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .env("OPENBLAS_NUM_THREADS", "1")
        .output()
        .expect("the peer Python runs");
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the peer Python writes UTF-8")
}

/// A fresh, empty temporary folder whose name starts with `plenty-NAME-`, removed when the
/// value is dropped. It dereferences to its [`Path`], so `d.join("x")` and `f(&d)` work; keep
/// it in a variable for as long as the folder is used.
pub fn scratch(name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("plenty-{name}-"))
            .tempdir()
            .expect("a temporary folder can be made"),
    )
}

/// A temporary folder (see [`scratch`]).
#[derive(Debug)]
pub struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// A file with `content` in a fresh [`scratch`] folder; the folder is removed when the value is
/// dropped. It dereferences to the file's [`Path`].
pub fn scratch_file(test: &str, name: &str, content: &[u8]) -> ScratchFile {
    let dir = scratch(test);
    let path = dir.join(name);
    std::fs::write(&path, content).expect("a scratch file can be written");
    ScratchFile { _dir: dir, path }
}

/// A file in its own temporary folder (see [`scratch_file`]).
#[derive(Debug)]
pub struct ScratchFile {
    _dir: Scratch,
    path: PathBuf,
}

impl std::ops::Deref for ScratchFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for ScratchFile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

/// `|a − b| / max(|a|, |b|)` (0 when both are 0).
pub fn relative_difference(a: f64, b: f64) -> f64 {
    let scale = a.abs().max(b.abs());
    if scale == 0.0 {
        0.0
    } else {
        (a - b).abs() / scale
    }
}

/// `|a − b| ≤ abs + rel · max(|a|, |b|)`: the one float comparison of the tests (faer's
/// `approx_eq`, with both tolerances explicit).
pub fn approx_eq(a: f64, b: f64, abs: f64, rel: f64) -> bool {
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

/// [`approx_eq`] entry by entry, for vectors of the same length.
pub fn all_close(a: &[f64], b: &[f64], abs: f64, rel: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| approx_eq(*x, *y, abs, rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons() {
        assert!(approx_eq(1.0, 1.0 + 1e-13, 0.0, 1e-12));
        assert!(!approx_eq(1.0, 1.001, 1e-6, 1e-6));
        assert!(approx_eq(0.0, 1e-12, 1e-10, 0.0));
        assert_eq!(relative_difference(0.0, 0.0), 0.0);
        assert!((relative_difference(2.0, 1.0) - 0.5).abs() < 1e-15);
        assert!(all_close(&[1.0, 2.0], &[1.0, 2.0 + 1e-12], 1e-9, 0.0));
        assert!(!all_close(&[1.0], &[1.0, 2.0], 1e-9, 1e-9));
        let d = scratch("support");
        assert!(d.is_dir());
        let kept = d.to_path_buf();
        drop(d);
        assert!(!kept.exists());
        assert!(workspace_root().join("Cargo.toml").exists());
        assert!(data_dir().join("README.md").exists());
    }
}
