//! Deviation measures between price vectors (in progress).
