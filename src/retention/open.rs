//! Files a running process holds open for writing, read from `/proc` (Linux), so that retention
//! never deletes a log a daemon is still writing: a live `error.log` whose last line is older
//! than the window (nginx writes to it only on errors) would otherwise go, and what the daemon
//! writes next would land in a deleted file. `tmpwatch --fuser` made the same choice.
//!
//! Best effort by nature: a process of another user is visible only to root (the usual user of
//! a nightly job over `/var/log`), and a file opened after the scan is not seen. [`Writers::hidden`]
//! counts the processes whose descriptors could not be read, so that a caller can say so.

use std::collections::HashMap;
use std::path::Path;

/// A process that holds a file open for writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    /// Its process id.
    pub pid: u32,
    /// Its command name (`/proc/PID/comm`), empty when unknown.
    pub command: String,
}

impl std::fmt::Display for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.command.is_empty() {
            write!(f, "pid {}", self.pid)
        } else {
            write!(f, "pid {} ({})", self.pid, self.command)
        }
    }
}

/// The files open for writing, by device and inode.
#[derive(Debug, Default)]
pub struct Writers {
    by_file: HashMap<(u64, u64), Writer>,
    /// Processes whose open files could not be read (another user's, without root).
    pub hidden: usize,
}

impl Writers {
    /// Scans `/proc` for regular files open for writing, leaving out this process. Nothing is
    /// found (and nothing is an error) where there is no `/proc`.
    pub fn scan() -> Writers {
        Self::scan_in(Path::new("/proc"), std::process::id())
    }

    /// [`Writers::scan`] over a `/proc` at `proc`, leaving out process `me`.
    fn scan_in(proc: &Path, me: u32) -> Writers {
        use std::os::unix::fs::MetadataExt;
        let mut w = Writers::default();
        let Ok(rd) = std::fs::read_dir(proc) else {
            return w;
        };
        for p in rd.flatten() {
            let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            if pid == me {
                continue;
            }
            let dir = p.path();
            let Ok(fds) = std::fs::read_dir(dir.join("fd")) else {
                // Gone since the listing, or another user's.
                w.hidden += usize::from(dir.exists());
                continue;
            };
            let mut command = None;
            for fd in fds.flatten() {
                // Sockets, pipes and anonymous inodes link to `socket:[…]` and the like.
                if !std::fs::read_link(fd.path()).is_ok_and(|t| t.is_absolute()) {
                    continue;
                }
                let Ok(m) = std::fs::metadata(fd.path()) else {
                    continue;
                };
                if !m.is_file() || !writes(&dir.join("fdinfo").join(fd.file_name())) {
                    continue;
                }
                let command = command.get_or_insert_with(|| {
                    std::fs::read_to_string(dir.join("comm"))
                        .map(|c| c.trim_end().to_string())
                        .unwrap_or_default()
                });
                w.by_file.entry((m.dev(), m.ino())).or_insert(Writer {
                    pid,
                    command: command.clone(),
                });
            }
        }
        w
    }

    /// The process that holds the file with this device and inode open for writing, if any.
    pub fn get(&self, dev: u64, ino: u64) -> Option<&Writer> {
        self.by_file.get(&(dev, ino))
    }
}

/// Whether the descriptor whose `/proc/PID/fdinfo/N` is at `fdinfo` was opened for writing
/// (`flags:` in octal, its access mode `O_WRONLY` or `O_RDWR`). Unknown counts as writing: a
/// file is then kept, never deleted by mistake.
fn writes(fdinfo: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(fdinfo) else {
        return true;
    };
    let flags = text
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
    match flags {
        Some(f) => f & 0o3 != 0, // O_ACCMODE: 0 is O_RDONLY
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_file_another_process_appends_to_is_found_one_it_reads_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (written, read) = (dir.path().join("error.log"), dir.path().join("old.log"));
        std::fs::write(&written, b"").unwrap();
        std::fs::write(&read, b"x\n").unwrap();
        // A shell that opens one file for appending, the other for reading, and says so.
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg("exec 3>>\"$1\" 4<\"$2\"; echo ready; exec sleep 30")
            .arg("sh")
            .arg(&written)
            .arg(&read)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        let w = Writers::scan();
        let (mw, mr) = (
            std::fs::metadata(&written).unwrap(),
            std::fs::metadata(&read).unwrap(),
        );
        let found = w.get(mw.dev(), mw.ino()).cloned();
        let not = w.get(mr.dev(), mr.ino()).cloned();
        child.kill().unwrap();
        child.wait().unwrap();
        let found = found.expect("the appended file is found");
        assert_eq!(found.pid, child.id());
        // `sh` until it has become `sleep`.
        assert!(
            ["sh", "sleep"].contains(&found.command.as_str()),
            "{found:?}"
        );
        assert_eq!(
            found.to_string(),
            format!("pid {} ({})", child.id(), found.command)
        );
        assert_eq!(not, None, "a file open for reading only is not a writer's");
    }

    #[test]
    fn no_proc_finds_nothing() {
        let w = Writers::scan_in(Path::new("/nonexistent/proc"), 1);
        assert_eq!((w.by_file.len(), w.hidden), (0, 0));
    }

    #[test]
    fn flags_read_in_octal() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fdinfo");
        for (text, want) in [
            ("pos:\t0\nflags:\t0100000\nmnt_id:\t25\n", false), // O_RDONLY|O_LARGEFILE
            ("pos:\t0\nflags:\t02102001\nmnt_id:\t25\n", true), // O_WRONLY|O_APPEND|…
            ("pos:\t0\nflags:\t0100002\n", true),               // O_RDWR
            ("pos:\t0\n", true),                                // unknown: kept
        ] {
            std::fs::write(&p, text).unwrap();
            assert_eq!(writes(&p), want, "{text}");
        }
        assert!(writes(&dir.path().join("missing")));
    }
}
