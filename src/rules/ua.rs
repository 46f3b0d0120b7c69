//! User-agent reduction.
