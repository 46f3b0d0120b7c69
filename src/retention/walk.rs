//! Listing candidate files without following symbolic links.
//!
//! Every directory below a root is opened relative to its parent's handle with `O_NOFOLLOW`, so a
//! symlinked directory is never entered, whatever it points at; directories already seen
//! (device, inode) are not entered again (bind-mount loops). A directory that cannot be read is
//! reported and skipped: the walk goes on.

use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, openat, statat};

use super::{Entry, NameGlob};

/// What to list under one root.
#[derive(Debug, Clone)]
pub struct Root {
    /// The directory.
    pub dir: std::path::PathBuf,
    /// Only files whose name matches (all files when `None`).
    pub pattern: Option<NameGlob>,
}

/// Walk options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Descend into subdirectories.
    pub recursive: bool,
    /// List symbolic links (the links themselves) as candidates.
    pub include_symlinks: bool,
}

/// The result of walking the roots.
#[derive(Debug, Default)]
pub struct Walk {
    /// Candidate files.
    pub entries: Vec<Entry>,
    /// Directories below the roots (root index, path components), deepest last.
    pub dirs: Vec<(usize, Vec<OsString>)>,
    /// Problems met (unreadable directories), as messages.
    pub errors: Vec<String>,
}

/// Opens a directory handle without following a final symlink.
pub fn open_dir_nofollow<Fd: std::os::fd::AsFd>(
    parent: Fd,
    name: &OsStr,
) -> rustix::io::Result<OwnedFd> {
    openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// Opens a root directory (the operator named it; links in its own path are followed).
pub fn open_root(p: &Path) -> rustix::io::Result<OwnedFd> {
    openat(
        CWD,
        p,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn time(secs: i64, nsecs: u64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, nsecs as u32)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Lists the files under every root.
pub fn walk(roots: &[Root], o: Options) -> Walk {
    let mut w = Walk::default();
    for (ri, root) in roots.iter().enumerate() {
        let fd = match open_root(&root.dir) {
            Ok(fd) => fd,
            Err(e) => {
                w.errors
                    .push(format!("cannot open {}: {e}", root.dir.display()));
                continue;
            }
        };
        let mut seen = Vec::new();
        visit(ri, root, &fd, &mut Vec::new(), o, &mut seen, &mut w);
    }
    w
}

fn visit(
    ri: usize,
    root: &Root,
    fd: &OwnedFd,
    dirs: &mut Vec<OsString>,
    o: Options,
    seen: &mut Vec<(u64, u64)>,
    w: &mut Walk,
) {
    let shown = {
        let mut p = root.dir.clone();
        p.extend(dirs.iter());
        super::escape(p.as_os_str().as_bytes())
    };
    if let Ok(st) = rustix::fs::fstat(fd) {
        let id = (st.st_dev, st.st_ino);
        if seen.contains(&id) {
            return;
        }
        seen.push(id);
    }
    let dir = match Dir::read_from(fd) {
        Ok(d) => d,
        Err(e) => {
            w.errors
                .push(format!("cannot read directory {}: {e}", shown));
            return;
        }
    };
    let mut subdirs = Vec::new();
    for ent in dir {
        let ent = match ent {
            Ok(e) => e,
            Err(e) => {
                w.errors
                    .push(format!("cannot read directory {}: {e}", shown));
                break;
            }
        };
        let name = OsStr::from_bytes(ent.file_name().to_bytes());
        if name == "." || name == ".." {
            continue;
        }
        let st = match statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(e) => {
                w.errors.push(format!(
                    "cannot stat {}/{}: {e}",
                    shown,
                    super::escape(name.as_bytes())
                ));
                continue;
            }
        };
        let ft = FileType::from_raw_mode(st.st_mode);
        let matches = root
            .pattern
            .as_ref()
            .is_none_or(|g| g.matches(name.as_bytes()));
        match ft {
            FileType::Directory if o.recursive => subdirs.push(name.to_owned()),
            FileType::RegularFile | FileType::Symlink
                if matches && (ft == FileType::RegularFile || o.include_symlinks) =>
            {
                w.entries.push(Entry {
                    root: ri,
                    dirs: dirs.clone(),
                    name: name.to_owned(),
                    size: st.st_size as u64,
                    mtime: time(st.st_mtime, st.st_mtime_nsec as u64),
                    symlink: ft == FileType::Symlink,
                    dev: st.st_dev,
                    ino: st.st_ino,
                });
            }
            _ => {}
        }
    }
    for name in subdirs {
        match open_dir_nofollow(fd, &name) {
            Ok(sub) => {
                dirs.push(name);
                w.dirs.push((ri, dirs.clone()));
                visit(ri, root, &sub, dirs, o, seen, w);
                dirs.pop();
            }
            Err(e) => w.errors.push(format!(
                "cannot open directory {}/{}: {e}",
                shown,
                super::escape(name.as_bytes())
            )),
        }
    }
}
