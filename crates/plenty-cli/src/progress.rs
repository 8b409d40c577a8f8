//! Progress on long work: a spinner with the current stage on standard error, shown only when
//! standard error is a terminal and `--quiet` is not given. Long LP solves add their iterations
//! and how far they are from the tolerance ([`Progress::pdlp_observer`]).

use indicatif::{ProgressBar, ProgressStyle};
use plenty_core::lp::pdlp::{Observer, PdlpProgress};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A stage display.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// The current stage, shared with the solver's observer.
    stage: Arc<Mutex<String>>,
}

/// One short line on a PDLP solve: iterations, and the measure furthest from the tolerance.
pub fn describe_pdlp(p: &PdlpProgress, row_scaled: bool) -> String {
    let (name, value) = p.furthest(row_scaled);
    format!(
        "{} iterations, {name} {value:.1e} (tolerance {:.0e})",
        p.iterations, p.tolerance
    )
}

impl Progress {
    /// Starts a spinner if standard error is a terminal.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Self {
            bar,
            stage: Arc::default(),
        }
    }

    /// Shows the current stage.
    pub fn stage(&self, msg: &str) {
        if let Some(b) = &self.bar {
            *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = msg.to_string();
            b.set_message(msg.to_string());
        }
    }

    /// An observer for PDLP that adds its progress to the current stage, at most five times a
    /// second (no observer when nothing is shown).
    pub fn pdlp_observer(&self, row_scaled: bool) -> Observer {
        let Some(bar) = self.bar.clone() else {
            return Observer::default();
        };
        let stage = self.stage.clone();
        let last: Mutex<Option<Instant>> = Mutex::new(None);
        Observer::new(move |p| {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
                return;
            }
            *last = Some(Instant::now());
            let stage = stage.lock().unwrap_or_else(|e| e.into_inner()).clone();
            bar.set_message(format!("{stage}: {}", describe_pdlp(p, row_scaled)));
        })
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_measure_furthest_from_the_tolerance() {
        let p = PdlpProgress {
            iterations: 17061,
            seconds: 6.0,
            primal_residual: 2e-8,
            dual_residual: 9.6e-9,
            relative_gap: 1.6e-5,
            row_violation: 1.8e-4,
            tolerance: 1e-4,
        };
        assert_eq!(
            describe_pdlp(&p, true),
            "17061 iterations, row violation 1.8e-4 (tolerance 1e-4)"
        );
        assert_eq!(
            describe_pdlp(&p, false),
            "17061 iterations, gap 1.6e-5 (tolerance 1e-4)"
        );
    }
}
