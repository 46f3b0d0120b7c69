//! `logscrub formats`: the formats logscrub reads, with an example line of each.

use std::io::Write;

use anyhow::Context;

use crate::cmd::Ctx;
use crate::exit::Exit;

/// Prints the listing.
pub fn run(ctx: &mut Ctx) -> anyhow::Result<Exit> {
    ctx.out
        .write_all(crate::format::listing().as_bytes())
        .context("cannot write standard output")?;
    Ok(Exit::Ok)
}
