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

/// The temporary files being written now: what [`clean_up_on_signals`] removes when SIGINT,
/// SIGTERM or SIGHUP stops the process. The one piece of global state: a signal reaches the
/// process, not the code that made the file.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding it leaves a list that is still right.
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// From now on, SIGINT, SIGTERM and SIGHUP remove the temporary files being written, say so,
/// and end the process with 128 + the signal's number; every file is then the old one or the
/// new one, as after a crash, with nothing left beside it. SIGXFSZ (a file size limit, `ulimit
/// -f`) no longer kills the process: the write fails, and the error says which file.
pub fn clean_up_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
    signal_hook::flag::register(SIGXFSZ, std::sync::Arc::default())?;
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Held to the end: no new temporary file can appear after these are gone.
                let files = pending();
                for f in files.iter() {
                    let _ = fs::remove_file(f);
                }
                let name = match sig {
                    SIGINT => "SIGINT",
                    SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                // The process ends here: stderr is the only place left to say why.
                #[allow(clippy::print_stderr)]
                {
                    eprintln!(
                        "logscrub: stopped by {name}; {} temporary file(s) removed, every file is as it was or complete",
                        files.len()
                    );
                }
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// A file being written that replaces `target` only on [`AtomicFile::commit`].
///
/// A target that is a symbolic link is resolved first (the link stays, its file is replaced). A
/// target that exists but is not a regular file (`/dev/stdout`, a FIFO, a device) cannot be
/// replaced and is written directly instead.
pub struct AtomicFile {
    file: Option<File>,
    /// None when writing directly to a non-regular target.
    tmp: Option<PathBuf>,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing a replacement for `target`. With `like`, the new file takes that file's
    /// permissions and (when allowed) owner; otherwise an existing target's, or 0666 less umask.
    pub fn create(target: &Path, like: Option<&fs::Metadata>) -> io::Result<AtomicFile> {
        let existing = fs::metadata(target).ok();
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            let file = OpenOptions::new().write(true).open(target)?;
            return Ok(AtomicFile {
                file: Some(file),
                tmp: None,
                target: target.to_owned(),
            });
        }
        let resolved;
        let target = if fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
            resolved = fs::canonicalize(target)?;
            resolved.as_path()
        } else {
            target
        };
        let dir = parent_dir(target);
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
        })?;
        let like = like.or(existing.as_ref());
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).map_err(|e| io::Error::other(e.to_string()))?;
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(TMP_MARKER);
        tmp_name.push(crate::hex::encode(&rnd));
        let tmp = dir.join(tmp_name);
        let mut list = pending();
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        list.push(tmp.clone());
        drop(list);
        let guard = AtomicFile {
            file: Some(file),
            tmp: Some(tmp),
            target: target.to_owned(),
        };
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

    /// The temporary file being written (`None` when writing directly to a device or pipe).
    pub fn temp_path(&self) -> Option<&Path> {
        self.tmp.as_deref()
    }

    /// Flushes to disk and renames over the target; the directory entry is synced too.
    /// `mtime`, when given, is set on the new file first (in-place rewrites keep the log's age).
    pub fn commit(mut self, mtime: Option<std::time::SystemTime>) -> io::Result<()> {
        let Some(tmp) = self.tmp.clone() else {
            self.file.take();
            return Ok(()); // written directly to a device or pipe
        };
        {
            let f = self.file.as_ref().expect("commit once");
            if let Some(t) = mtime {
                f.set_modified(t)?;
            }
            f.sync_all()?;
        }
        // Until the rename is done, a failure (or a signal) removes the temporary file.
        {
            let mut list = pending();
            fs::rename(&tmp, &self.target)?;
            list.retain(|p| p != &tmp);
        }
        self.file.take();
        self.tmp.take();
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
        if self.file.take().is_some()
            && let Some(tmp) = &self.tmp
        {
            let mut list = pending();
            let _ = fs::remove_file(tmp);
            list.retain(|p| p != tmp);
        }
    }
}

/// Writes `path` atomically through a buffered writer: `fill` writes the content, then the file
/// is committed ([`AtomicFile`]). Every failure, a full disk included, names the file.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let f = AtomicFile::create(path, None)
        .with_context(|| format!("cannot create a temporary file beside {}", path.display()))?;
    let mut w = io::BufWriter::with_capacity(64 << 10, f);
    fill(&mut w)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let f = w
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.commit(None)
        .with_context(|| format!("cannot write {}", path.display()))
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
/// An error when standard output was closed ([`stdout_closed`]).
pub fn stdout_file() -> io::Result<File> {
    if stdout_closed() {
        return Err(closed());
    }
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

/// True when standard output was closed when logscrub started (`>&-`). Rust's runtime then
/// opens /dev/null there, read-write, which a shell's `>/dev/null` never does (write-only): so
/// output meant for a closed stdout is an error, not silently lost, while `>/dev/null` works.
pub fn stdout_closed() -> bool {
    use rustix::fs::{FileType, OFlags, fcntl_getfl, fstat, major, minor};
    let out = io::stdout();
    let Ok(st) = fstat(&out) else {
        return true;
    };
    let null = FileType::from_raw_mode(st.st_mode) == FileType::CharacterDevice
        && major(st.st_rdev) == 1
        && minor(st.st_rdev) == 3;
    null && fcntl_getfl(&out).is_ok_and(|f| f.contains(OFlags::RDWR))
}

fn closed() -> io::Error {
    io::Error::other("standard output is closed; give an output file (-o) or open stdout")
}

/// Standard output for a command's results: writes fail when it was closed ([`stdout_closed`],
/// checked at the first write, so a command that writes nothing there runs all the same), and
/// every error (a closed pipe, a full disk) reaches the caller instead of a panic.
#[derive(Debug, Default)]
pub struct Stdout {
    checked: bool,
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.checked {
            if stdout_closed() {
                return Err(closed());
            }
            self.checked = true;
        }
        io::stdout().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

/// True when `e`'s chain holds a closed pipe: the reader went away (`| head`), which ends a
/// command quietly with status 141 (128 + SIGPIPE), as it would end `cat`.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Writes text atomically to a file, or to stdout (no path, or `-`).
pub fn write_text(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match path.filter(|p| p.as_os_str() != "-") {
        Some(p) => crate::output::write_atomic(p, |w| w.write_all(text.as_bytes())),
        None => {
            let mut out = anyhow::Context::context(stdout_file(), "cannot open standard output")?;
            anyhow::Context::context(
                out.write_all(text.as_bytes()),
                "cannot write standard output",
            )
        }
    }
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
        assert_eq!(
            fs::read_dir(d.path()).unwrap().count(),
            1,
            "temporary file removed"
        );

        let mut a = AtomicFile::create(&t, None).unwrap();
        a.write_all(b"new").unwrap();
        let when =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        a.commit(Some(when)).unwrap();
        let m = fs::metadata(&t).unwrap();
        assert_eq!(fs::read(&t).unwrap(), b"new");
        assert_eq!(m.permissions().mode() & 0o777, 0o640);
        assert_eq!(m.modified().unwrap(), when);
    }

    #[test]
    fn symlinks_are_followed_and_devices_written_directly() {
        // Regression: `--summary-json /dev/stdout` once replaced the /dev/stdout symlink.
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real");
        fs::write(&real, "old").unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut a = AtomicFile::create(&link, None).unwrap();
        a.write_all(b"new").unwrap();
        a.commit(None).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "link kept"
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");

        let mut a = AtomicFile::create(Path::new("/dev/null"), None).unwrap();
        a.write_all(b"x").unwrap();
        a.commit(None).unwrap();
        assert!(
            !fs::metadata("/dev/null").unwrap().is_file(),
            "/dev/null is still a device"
        );
    }
}
