//! The only code that deletes. Each file's directory chain is opened again from its root, one
//! component at a time with `O_NOFOLLOW`, and the file is checked (device, inode, type) to be the
//! one the plan saw before `unlinkat` removes it: a path changed under us is skipped, not followed.

use std::ffi::OsString;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{AtFlags, FileType, statat, unlinkat};

use super::walk::{Root, open_dir_nofollow, open_root};
use super::{Entry, escape};

/// Opens the directory `dirs` below `root` without following any link.
fn open_chain(root: &Root, dirs: &[OsString]) -> Result<OwnedFd, String> {
    let mut fd =
        open_root(&root.dir).map_err(|e| format!("cannot open {}: {e}", root.dir.display()))?;
    for d in dirs {
        fd = open_dir_nofollow(&fd, d).map_err(|e| {
            format!(
                "cannot open directory {} below {}: {e}",
                escape(d.as_bytes()),
                root.dir.display()
            )
        })?;
    }
    Ok(fd)
}

/// The path of an entry, for messages and the audit log.
pub fn path_of(roots: &[Root], e: &Entry) -> String {
    let mut p = roots[e.root].dir.clone();
    p.extend(e.dirs.iter());
    p.push(&e.name);
    escape(p.as_os_str().as_bytes())
}

/// Deletes one planned entry, if it is still the file the plan saw.
pub fn delete(roots: &[Root], e: &Entry) -> Result<(), String> {
    let fd = open_chain(&roots[e.root], &e.dirs)?;
    let st = statat(&fd, &e.name, AtFlags::SYMLINK_NOFOLLOW)
        .map_err(|err| format!("cannot stat {}: {err}", path_of(roots, e)))?;
    let ft = FileType::from_raw_mode(st.st_mode);
    let same_type = if e.symlink {
        ft == FileType::Symlink
    } else {
        ft == FileType::RegularFile
    };
    if !same_type || st.st_dev != e.dev || st.st_ino != e.ino {
        return Err(format!(
            "{} changed since it was planned; not deleted",
            path_of(roots, e)
        ));
    }
    unlinkat(&fd, &e.name, AtFlags::empty())
        .map_err(|err| format!("cannot delete {}: {err}", path_of(roots, e)))
}

/// Removes the directories (deepest first) that deletion left empty: those a file was deleted
/// from (`emptied`: root index and directories below it), and those whose only entries were
/// such directories. A directory that was empty before is kept (a new user's review: a spool
/// directory nothing emptied was removed), and a root itself never goes. Returns how many were
/// removed.
pub fn remove_empty_dirs(
    roots: &[Root],
    dirs: &[(usize, Vec<OsString>)],
    mut emptied: std::collections::HashSet<(usize, Vec<OsString>)>,
) -> usize {
    let mut sorted: Vec<&(usize, Vec<OsString>)> = dirs.iter().collect();
    sorted.sort_by_key(|(_, d)| std::cmp::Reverse(d.len()));
    let mut n = 0;
    for (ri, d) in sorted {
        let Some((name, parent)) = d.split_last() else {
            continue;
        };
        if !emptied.contains(&(*ri, d.clone())) {
            continue;
        }
        if let Ok(fd) = open_chain(&roots[*ri], parent)
            && unlinkat(&fd, name, AtFlags::REMOVEDIR).is_ok()
        {
            n += 1;
            emptied.insert((*ri, parent.to_vec()));
        }
    }
    n
}
