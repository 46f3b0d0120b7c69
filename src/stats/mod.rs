//! Trend statistics (work in progress: the accumulators come first).

pub mod hll;
pub mod time;
pub mod topk;
