//! `logscrub merge`: statistics states in, their sum out (days into a month, servers into a
//! fleet). Merging is exact and commutative.

use std::path::PathBuf;

use crate::cmd::Ctx;
use crate::exit::Exit;
use crate::stats::file::{merge_files, write_state};

/// `merge --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub merge day-*.json -o month.json
  logscrub merge ns1.json ns2.json -o fleet.json
  cat part-*.json | logscrub merge - -o -";

/// `logscrub merge` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// State files made by `logscrub stats`; `-` reads states from standard input, one per line
    /// (a state is one line of JSON). A file named twice is refused: it would count twice.
    #[arg(value_name = "STATE", required = true)]
    pub states: Vec<PathBuf>,
    /// Write the merged state here (atomically); stdout when absent or `-`.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Merges the states and writes the sum.
pub fn run(a: Args, _ctx: &mut Ctx) -> anyhow::Result<Exit> {
    crate::cmd::refuse_a_state_twice(&a.states)?;
    let s = merge_files(&a.states)?;
    write_state(a.output.as_deref(), &s)?;
    Ok(Exit::Ok)
}
