//! Retention: delete only what the policy says.
//!
//! Split the way the style guide asks: [`walk`] lists candidate files without following any
//! symbolic link (everything is opened relative to a directory handle with `O_NOFOLLOW`), [`plan`]
//! is pure (entries + policy + now → decisions, so `--dry-run` shows exactly what a real run
//! would do and tests need no clock), and [`apply`] is the only code that deletes: it re-opens
//! each file's directory chain from the root without following links and checks the file is the
//! one planned (device, inode, type) before `unlinkat`, so a directory swapped for a symlink
//! between plan and deletion cannot lead it outside the root.

pub mod apply;
pub mod date;
pub mod open;
pub mod plan;
pub mod walk;

use std::ffi::OsString;

use chrono::{DateTime, Utc};

/// A shell glob on file names: `*` (any run), `?` (one byte), `[0-9]`, `[!.]` (a class);
/// case-sensitive, as file names are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameGlob(pub Vec<u8>);

impl NameGlob {
    /// The glob `pattern`, or why it is refused ([`crate::glob::check_name`]).
    pub fn new(pattern: &[u8]) -> Result<NameGlob, String> {
        crate::glob::check_name(pattern)?;
        Ok(NameGlob(pattern.to_vec()))
    }

    /// The glob that matches `name` alone, whatever bytes it holds (`*`, `?` and `[` in
    /// classes of their own).
    pub fn literal(name: &[u8]) -> NameGlob {
        let mut g = Vec::with_capacity(name.len());
        for &b in name {
            if matches!(b, b'*' | b'?' | b'[') {
                g.extend_from_slice(&[b'[', b, b']']);
            } else {
                g.push(b);
            }
        }
        NameGlob(g)
    }

    /// True when `name` matches.
    pub fn matches(&self, name: &[u8]) -> bool {
        crate::glob::matches_name(&self.0, name)
    }

    /// True when the text has a wildcard.
    pub fn is_pattern(s: &[u8]) -> bool {
        crate::glob::is_name_pattern(s)
    }
}

/// A file found under a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Which root (index into the roots given).
    pub root: usize,
    /// Directories from the root down to the file's directory.
    pub dirs: Vec<OsString>,
    /// The file's name.
    pub name: OsString,
    /// Size in bytes.
    pub size: u64,
    /// Modification time.
    pub mtime: DateTime<Utc>,
    /// A symbolic link (only listed with `--include-symlinks`; the link itself is what goes).
    pub symlink: bool,
    /// Device and inode, to recognise the file again before deleting it.
    pub dev: u64,
    /// See `dev`.
    pub ino: u64,
}

/// Text for a path that may hold spaces, newlines or bytes that are not UTF-8: control bytes
/// and invalid UTF-8 are escaped (`\n`, `\x80`), so one path is one line of output.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => s.push_str("\\n"),
                '\t' => s.push_str("\\t"),
                '\\' => s.push_str("\\\\"),
                c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_escaping() {
        let g = NameGlob(b"access.log.*".to_vec());
        assert!(g.matches(b"access.log.1") && g.matches(b"access.log.2.gz"));
        assert!(!g.matches(b"access.log") && !g.matches(b"ACCESS.log.1"));
        assert!(NameGlob(b"*.gz".to_vec()).matches(b"x.gz"));
        assert_eq!(escape(b"a b\nc\xff\\"), "a b\\nc\\xff\\\\");
    }
}
