//! `logscrub keygen`: a fresh random key for the keyed schemes, written with mode 0600.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::anonymize::{Key, SchemeKind};
use crate::cmd::Ctx;
use crate::exit::Exit;

/// `keygen --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub keygen -o /etc/logscrub/key
  logscrub anonymize --mode hash --key-file /etc/logscrub/key access.log";

/// `logscrub keygen` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scheme the key is for (its size follows).
    #[arg(short, long, value_enum, default_value_t = SchemeKind::Hash)]
    pub scheme: SchemeKind,
    /// Write the key to this file (created with mode 0600); stdout when absent or `-`.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing key file.
    #[arg(long)]
    pub force: bool,
}

/// Writes a new key for the scheme to `--output` (mode 0600, refusing to overwrite unless
/// `--force`), or prints it.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let scheme = a.scheme;
    let len = scheme.key_len();
    if len == 0 {
        return Err(super::usage(format!(
            "--scheme {}: needs no key (every other scheme does)",
            scheme.name()
        )));
    }
    let mut key = Key::random(len)?;
    // ipcrypt-pfx's two halves must differ (a chance of 2^-128, checked all the same).
    while scheme == SchemeKind::IpcryptPfx && key.bytes()[..16] == key.bytes()[16..] {
        key = Key::random(len)?;
    }
    // `-` is standard output, as for every other command's `-o` (it once made a file named `-`).
    match a.output.filter(|p| p.as_os_str() != "-") {
        Some(p) => key.write_file(&p, a.force)?,
        None => ctx
            .out
            .write_all(key.to_hex_line().as_bytes())
            .context("cannot write the key to standard output")?,
    }
    Ok(Exit::Ok)
}
