//! The bookkeeping of `run`: which files are anonymized already, and the run lock.
//!
//! A file is recognised as anonymized by its identity (device, inode, size, modification time)
//! or, when that changed (logrotate renamed and compressed it), by the SHA-256 of its
//! *decompressed* content. The content hash is written to the state *before* the anonymized file
//! is renamed over the raw one, so a crash at any moment leaves a state that tells the two
//! versions apart: raw content never matches a recorded hash (the next run anonymizes it), the
//! anonymized content always does (the next run records its identity and goes on). Records whose
//! file is gone are dropped when the source's directories were read without error.
//!
//! The state file holds paths, sizes and hashes, never log content. It is JSON (readable when
//! an operator needs to know what happened), written atomically; a damaged state file stops the
//! run rather than let it anonymize files twice.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::input::{self, Source};

/// The state file's name in the state directory.
pub const STATE_FILE: &str = "state.json";
/// The lock file's name in the state directory.
pub const LOCK_FILE: &str = "lock";

/// What identifies a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ident {
    /// Device.
    pub dev: u64,
    /// Inode.
    pub ino: u64,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since 1970.
    pub mtime_ns: i64,
}

impl Ident {
    /// The identity of the file at `path` (not following a final symlink).
    pub fn of(path: &Path) -> io::Result<Ident> {
        let m = fs::symlink_metadata(path)?;
        Ok(Ident {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: Ident::mtime_ns(m.mtime(), m.mtime_nsec()),
        })
    }

    /// Seconds and nanoseconds as one number, saturating (a file dated past 2262 must not
    /// panic); every identity is made through here, so two reads of one file agree.
    pub fn mtime_ns(secs: i64, nsecs: i64) -> i64 {
        secs.saturating_mul(1_000_000_000).saturating_add(nsecs)
    }
}

/// One anonymized file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The policy source it belongs to.
    pub source: String,
    /// Where it was last seen (for people reading the state; matching never uses it).
    pub path: String,
    /// SHA-256 of the decompressed anonymized content, hex.
    pub sha256: String,
    /// Its identity, once the rename is done (`None`: the run stopped before or during it).
    pub ident: Option<Ident>,
    /// When it was anonymized (RFC 3339).
    pub anonymized: String,
}

/// Everything `run` remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Format version.
    pub version: u32,
    /// Seconds since 1970 of the last run that finished without problems.
    pub last_success: Option<i64>,
    /// Anonymized files.
    pub files: Vec<Record>,
}

impl State {
    /// Reads the state from `dir`; a missing file is an empty state, a damaged one an error.
    pub fn load(dir: &Path) -> anyhow::Result<State> {
        let p = dir.join(STATE_FILE);
        let Some(text) = read_file(&p, STATE_MAX)? else {
            return Ok(State {
                version: 1,
                ..State::default()
            });
        };
        let s: State = serde_json::from_slice(&text).with_context(|| {
            format!(
                "the state file {} is damaged; restore it or move it aside (files already anonymized with a keyed mode would then be anonymized again)",
                p.display()
            )
        })?;
        if s.version != 1 {
            anyhow::bail!(
                "{}: state version {} is not one this logscrub knows (1)",
                p.display(),
                s.version
            );
        }
        Ok(s)
    }

    /// Writes the state to `dir`, atomically.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        let p = dir.join(STATE_FILE);
        crate::output::write_atomic(&p, |w| {
            serde_json::to_writer_pretty(&mut *w, self)?;
            w.write_all(b"\n")
        })
    }

    /// The record whose identity is `id`.
    pub fn by_ident(&self, id: &Ident) -> Option<usize> {
        self.files.iter().position(|r| r.ident.as_ref() == Some(id))
    }

    /// The record whose content hash is `h`.
    pub fn by_hash(&self, h: &str) -> Option<usize> {
        self.files.iter().position(|r| r.sha256 == h)
    }
}

/// SHA-256 (hex) of a file's decompressed content.
pub fn content_hash(path: &Path) -> anyhow::Result<String> {
    let mut inp = input::open(&Source::Path(path.to_owned()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match inp.reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        h.update(&buf[..n]);
    }
    Ok(crate::hex::encode(&h.finalize()))
}

/// The run lock: held while the value lives (the kernel releases it if the process dies).
pub struct Lock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it.
    #[error("another logscrub run holds {path}{pid}; this run does nothing")]
    Held {
        /// The lock file.
        path: PathBuf,
        /// `" (pid N)"` when the holder wrote it.
        pid: String,
    },
    /// The lock file could not be opened.
    #[error("cannot open the lock file {path}: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Creates the state directory (mode 0700) if needed, and refuses one that someone else could
/// change: writable by group or others, or owned by another user than this one (or root). Its
/// files decide what is anonymized and what is deleted, so they are trusted no further than the
/// directory that holds them.
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the state directory {}", dir.display()))?;
    let meta = fs::metadata(dir)
        .with_context(|| format!("cannot read the state directory {}", dir.display()))?;
    let mode = meta.mode() & 0o7777;
    let me = rustix::process::geteuid().as_raw();
    if !meta.is_dir() {
        anyhow::bail!("the state directory {} is not a directory", dir.display());
    }
    if mode & 0o022 != 0 {
        anyhow::bail!(
            "the state directory {} is writable by group or others (mode {mode:04o}): whoever can write \
             it decides what is anonymized; run `chmod go-w {}`",
            dir.display(),
            dir.display()
        );
    }
    if meta.uid() != me && meta.uid() != 0 {
        anyhow::bail!(
            "the state directory {} belongs to user {}, not to this user ({me}) or root",
            dir.display(),
            meta.uid()
        );
    }
    Ok(())
}

/// Opens a file of the state directory for reading without following a symbolic link, and
/// refuses what is not a regular file or is larger than `max` bytes; `None` when it is missing.
pub fn read_file(path: &Path, max: u64) -> anyhow::Result<Option<Vec<u8>>> {
    let f = match OpenOptions::new()
        .read(true)
        .custom_flags(NOFOLLOW)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            anyhow::bail!("{} is a symbolic link; it is not followed", path.display())
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let meta = f
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!("{} is not a regular file", path.display());
    }
    if meta.len() > max {
        anyhow::bail!(
            "{} is {} bytes, more than the {max} a state file may have; it is not read",
            path.display(),
            meta.len()
        );
    }
    let mut text = Vec::with_capacity(meta.len() as usize);
    f.take(max + 1)
        .read_to_end(&mut text)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(text))
}

/// `O_NOFOLLOW`: opening a symbolic link fails.
const NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;

/// Most bytes `state.json` may have (a record is about 300 bytes: some 800,000 files).
pub const STATE_MAX: u64 = 256 << 20;

/// Takes the run lock in `dir` without waiting.
pub fn lock(dir: &Path) -> Result<Lock, LockError> {
    use rustix::fs::{FlockOperation, flock};
    let path = dir.join(LOCK_FILE);
    let io_err = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    // Never through a symbolic link (`ln -s victim STATE/lock` would have it truncated and a
    // pid written into it), and only a regular file.
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(NOFOLLOW | rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(&path)
        .map_err(io_err)?;
    if !f.metadata().map_err(io_err)?.is_file() {
        return Err(io_err(io::Error::other("not a regular file")));
    }
    if let Err(e) = flock(&f, FlockOperation::NonBlockingLockExclusive) {
        if e == rustix::io::Errno::WOULDBLOCK {
            let mut holder = String::new();
            let _ = f.read_to_string(&mut holder);
            // The pid the holder wrote, if that process is still there (a child that
            // inherited the lock outlives the run that wrote it).
            let pid = holder
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|p| Path::new(&format!("/proc/{p}")).exists())
                .map(|p| format!(" (pid {p})"))
                .unwrap_or_default();
            return Err(LockError::Held { path, pid });
        }
        return Err(io_err(e.into()));
    }
    f.set_len(0).map_err(io_err)?;
    writeln!(f, "{}", std::process::id()).map_err(io_err)?;
    Ok(Lock { _file: f })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_damage_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let empty = State::load(d.path()).unwrap();
        assert!(empty.files.is_empty() && empty.version == 1);
        let mut s = empty.clone();
        s.files.push(Record {
            source: "web".into(),
            path: "/var/log/x.1".into(),
            sha256: "ab".into(),
            ident: Some(Ident {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns: 4,
            }),
            anonymized: "2026-11-22T00:00:00Z".into(),
        });
        s.save(d.path()).unwrap();
        let back = State::load(d.path()).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            back.by_ident(&Ident {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns: 4
            }),
            Some(0)
        );
        assert_eq!(back.by_hash("ab"), Some(0));
        fs::write(d.path().join(STATE_FILE), "{ half").unwrap();
        let e = format!("{:#}", State::load(d.path()).unwrap_err());
        assert!(e.contains("damaged"), "{e}");
    }

    #[test]
    fn content_hash_sees_through_gzip() {
        let d = tempfile::tempdir().unwrap();
        let plain = d.path().join("a");
        fs::write(&plain, "line\n").unwrap();
        let gz = d.path().join("a.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"line\n").unwrap();
        fs::write(&gz, e.finish().unwrap()).unwrap();
        assert_eq!(content_hash(&plain).unwrap(), content_hash(&gz).unwrap());
        assert_eq!(
            content_hash(&plain).unwrap(),
            "c73b73af8851e9e91bc6b4dc12e7dace0a2bfb931c1d0b8b36ef367319f58cd1"
        );
    }

    #[test]
    fn a_second_lock_is_refused_with_the_holder() {
        let d = tempfile::tempdir().unwrap();
        let l = lock(d.path()).unwrap();
        let e = lock(d.path()).err().expect("second lock refused");
        let msg = e.to_string();
        assert!(
            matches!(e, LockError::Held { .. }) && msg.contains(&std::process::id().to_string()),
            "{msg}"
        );
        drop(l);
        lock(d.path()).unwrap();
    }
}
