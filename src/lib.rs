//! logscrub: anonymize client addresses in web and DNS server logs, fail-closed and fast.
//!
//! The binary is a thin shell over this library; benches, fuzz targets and tests use it too.
//! See `docs/ARCHITECTURE.md` for how the pieces fit.
#![forbid(unsafe_code)]
// The library writes to the writers it is given; only the binary (and the signal thread, whose
// process is ending) prints.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod anonymize;
pub mod bytes;
pub mod cli;
pub mod cmd;
pub mod codec;
pub mod defaults;
pub mod driver;
pub mod exit;
pub mod format;
pub mod glob;
pub mod hex;
pub mod input;
pub mod manpage;
pub mod output;
pub mod pipeline;
pub mod policy;
pub mod retention;
pub mod rules;
pub mod stats;
