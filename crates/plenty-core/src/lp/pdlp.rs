//! Restarted primal–dual hybrid gradient (PDLP). In progress.
