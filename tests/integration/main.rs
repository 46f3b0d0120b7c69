//! The integration tests, one crate (one link, one binary) with a module per area. Each module
//! says what it covers; `common` holds the helpers and the independent address oracle.
//!
//! Run one area with `cargo test --test integration AREA::`, e.g. `cargo test --test integration
//! run::`.

mod common;

mod cli;
mod dns;
mod hostile;
mod layers;
mod man;
mod operator;
mod policies;
mod props;
mod prune;
mod real;
mod real_dns;
mod recipes;
mod rules;
mod run;
mod schemes;
mod spark;
mod stats;
mod truncation;
mod vectors;
