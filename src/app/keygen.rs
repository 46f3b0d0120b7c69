//! `logscrub keygen`: a fresh random key for the keyed schemes, written with mode 0600.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::anonymize::{Key, SchemeKind};

/// Writes a new key for `scheme` to `output` (mode 0600, refusing to overwrite unless `force`),
/// or prints it.
pub fn run(scheme: SchemeKind, output: Option<PathBuf>, force: bool) -> anyhow::Result<()> {
    let len = scheme.key_len();
    if len == 0 {
        anyhow::bail!("{} needs no key", scheme.name());
    }
    let mut key = Key::random(len)?;
    // ipcrypt-pfx's two halves must differ (a chance of 2^-128, checked all the same).
    while scheme == SchemeKind::IpcryptPfx && key.bytes()[..16] == key.bytes()[16..] {
        key = Key::random(len)?;
    }
    match output {
        Some(p) => key.write_file(&p, force)?,
        None => crate::output::Stdout::default()
            .write_all(key.to_hex_line().as_bytes())
            .context("cannot write the key to standard output")?,
    }
    Ok(())
}
