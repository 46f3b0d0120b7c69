//! `logscrub keygen`: a fresh random key for the keyed schemes, written with mode 0600.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::anonymize::Key;
use crate::anonymize::key::KEY_LEN;

/// Writes a new key to `output` (mode 0600, refusing to overwrite unless `force`), or prints it.
pub fn run(output: Option<PathBuf>, force: bool) -> anyhow::Result<()> {
    let key = Key::random(KEY_LEN)?;
    match output {
        Some(p) => key.write_file(&p, force)?,
        None => std::io::stdout()
            .write_all(key.to_hex_line().as_bytes())
            .context("cannot write the key to standard output")?,
    }
    Ok(())
}
