//! Writing results: standard output, or files replaced atomically.
//!
//! [`AtomicFile`] is how every file logscrub writes comes into being: a temporary file in the
//! same directory (so `rename` is atomic), written, `fsync`ed, renamed over the target, and the
//! directory `fsync`ed so the rename itself survives a crash. A crash at any moment leaves the
//! old file or the new one, never neither and never half; a temporary file left by a killed run
//! is named `.NAME.logscrub-tmp-*` so it can be recognised and cleaned.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The marker in temporary file names.
pub const TMP_MARKER: &str = ".logscrub-tmp-";

/// A file being written that replaces `target` only on [`AtomicFile::commit`].
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing a replacement for `target`. With `like`, the new file takes that file's
    /// permissions and (when allowed) owner; otherwise an existing target's, or 0666 less umask.
    pub fn create(target: &Path, like: Option<&fs::Metadata>) -> io::Result<AtomicFile> {
        let dir = parent_dir(target);
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
        })?;
        let existing = fs::metadata(target).ok();
        let like = like.or(existing.as_ref());
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).map_err(|e| io::Error::other(e.to_string()))?;
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(TMP_MARKER);
        tmp_name.push(rnd.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let tmp = dir.join(tmp_name);
        let file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        let guard = AtomicFile { file: Some(file), tmp, target: target.to_owned() };
        let f = guard.file.as_ref().expect("just opened");
        match like {
            Some(m) => {
                // Owner first (it may clear set-id bits), then the mode.
                let _ = std::os::unix::fs::fchown(f.as_fd(), Some(m.uid()), Some(m.gid()));
                f.set_permissions(fs::Permissions::from_mode(m.permissions().mode() & 0o7777))?;
            }
            None => {
                let umask = current_umask();
                f.set_permissions(fs::Permissions::from_mode(0o666 & !umask))?;
            }
        }
        Ok(guard)
    }

    /// Flushes to disk and renames over the target; the directory entry is synced too.
    /// `mtime`, when given, is set on the new file first (in-place rewrites keep the log's age).
    pub fn commit(mut self, mtime: Option<std::time::SystemTime>) -> io::Result<()> {
        let f = self.file.take().expect("commit once");
        if let Some(t) = mtime {
            f.set_modified(t)?;
        }
        f.sync_all()?;
        drop(f);
        fs::rename(&self.tmp, &self.target)?;
        File::open(parent_dir(&self.target))?.sync_all()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.as_mut().expect("not committed").write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn parent_dir(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The process umask, read without changing it (Linux exposes it in /proc).
fn current_umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Standard output as an unbuffered file (a duplicate of fd 1): pieces are large already.
pub fn stdout_file() -> io::Result<File> {
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_keeps_mode_drop_discards() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("log");
        fs::write(&t, "old").unwrap();
        fs::set_permissions(&t, fs::Permissions::from_mode(0o640)).unwrap();

        let mut a = AtomicFile::create(&t, None).unwrap();
        a.write_all(b"new").unwrap();
        drop(a);
        assert_eq!(fs::read(&t).unwrap(), b"old");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1, "temporary file removed");

        let mut a = AtomicFile::create(&t, None).unwrap();
        a.write_all(b"new").unwrap();
        let when = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        a.commit(Some(when)).unwrap();
        let m = fs::metadata(&t).unwrap();
        assert_eq!(fs::read(&t).unwrap(), b"new");
        assert_eq!(m.permissions().mode() & 0o777, 0o640);
        assert_eq!(m.modified().unwrap(), when);
    }
}
