//! What `ferry send PATH...` offers when given several paths or a directory: a flat, ordered
//! list of entries (directories before what they contain) with paths relative to the parent
//! of each given path, so `send build/` arrives as `build/...` on the other side.
//!
//! The tree is walked without following symbolic links out of it: a link whose target lies
//! inside the same tree and is a file is sent as that file's content; links to directories
//! (which could loop) and links leading outside the tree are skipped and listed, as are
//! sockets, FIFOs and devices. Empty directories are entries of their own, so they arrive.
//! Each entry carries its modification time, and a file its permission bits (`0o777` only:
//! setuid, setgid and sticky never travel), taken from what is sent (a link's target).

use crate::proto::name::MAX_PATH_DEPTH;
use crate::proto::transfer::{EntryKind, Mtime};
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

/// Why the paths given cannot be sent as a set. As with `ConnectError`, the text ends with
/// its cause and no variant has a `source`: it reads the same with `{}` and `{:#}`.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    /// A given path cannot be resolved (it does not exist, or cannot be reached).
    #[error("cannot send {}: {cause}", path.display())]
    CannotSend { path: PathBuf, cause: io::Error },
    /// Two given paths end in the same name.
    #[error("two of the given paths are named {name:?}; the receiver could not tell them apart")]
    SameName { name: String },
    /// A given path is a socket, a FIFO, a device...
    #[error("{} is neither a file nor a directory", path.display())]
    NotFileOrDirectory { path: PathBuf },
    /// A directory nested deeper than a receiver accepts.
    #[error(
        "{} is too deep: a receiver accepts paths of at most {MAX_PATH_DEPTH} components",
        dir.display()
    )]
    TooDeep { dir: PathBuf },
    /// A directory could not be read.
    #[error("reading {}: {cause}", dir.display())]
    Read { dir: PathBuf, cause: io::Error },
    /// An entry's type or metadata could not be read (the system's words alone).
    #[error("{0}")]
    Io(io::Error),
}

impl From<io::Error> for SetError {
    fn from(err: io::Error) -> SetError {
        SetError::Io(err)
    }
}

type Result<T, E = SetError> = std::result::Result<T, E>;

/// One entry of a set, in sending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetEntry {
    /// `/`-separated path relative to the parent of the path it came from.
    pub relative: String,
    pub kind: EntryKind,
    /// Bytes at the time of the walk (0 for a directory); checked again while sending.
    pub size: u64,
    /// The file to read (a link's target for a link inside the tree); `None` for a directory.
    pub source: Option<PathBuf>,
    /// Permission bits (within `0o777`) of a file; `None` for a directory.
    pub mode: Option<u32>,
    /// Modification time, when it can travel (not before the epoch).
    pub mtime: Option<Mtime>,
}

/// Something under a given path that is not sent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub why: &'static str,
}

/// The entries for `paths`, and what was left out.
pub fn collect(paths: &[PathBuf]) -> Result<(Vec<SetEntry>, Vec<Skipped>)> {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut roots = HashSet::new();
    for path in paths {
        let root = std::fs::canonicalize(path).map_err(|cause| SetError::CannotSend {
            path: path.clone(),
            cause,
        })?;
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "root".into());
        if !roots.insert(name.clone()) {
            return Err(SetError::SameName { name });
        }
        let meta = std::fs::metadata(&root)?;
        if meta.is_file() {
            entries.push(file_entry(name, root, &meta));
            continue;
        }
        if !meta.is_dir() {
            return Err(SetError::NotFileOrDirectory { path: path.clone() });
        }
        walk(&root, &root, &name, 0, &mut entries, &mut skipped)?;
    }
    Ok((entries, skipped))
}

/// A file entry; `meta` is the file's own (a link's target's), not the link's.
fn file_entry(relative: String, source: PathBuf, meta: &std::fs::Metadata) -> SetEntry {
    use std::os::unix::fs::PermissionsExt;
    SetEntry {
        relative,
        kind: EntryKind::File,
        size: meta.len(),
        source: Some(source),
        mode: Some(meta.permissions().mode() & 0o777),
        mtime: mtime_of(meta),
    }
}

/// The modification time of `meta` as it travels, when it can.
pub fn mtime_of(meta: &std::fs::Metadata) -> Option<Mtime> {
    meta.modified().ok().and_then(Mtime::from_system_time)
}

/// Add `dir` (as `relative`) and everything below it, in name order.
fn walk(
    root: &Path,
    dir: &Path,
    relative: &str,
    depth: usize,
    entries: &mut Vec<SetEntry>,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    // `relative` has `depth + 1` components and what it holds one more: the receiver accepts
    // at most MAX_PATH_DEPTH (`sanitise_relative`), so refuse here what it would refuse there.
    if depth + 2 > MAX_PATH_DEPTH {
        return Err(SetError::TooDeep {
            dir: dir.to_path_buf(),
        });
    }
    let read = |cause| SetError::Read {
        dir: dir.to_path_buf(),
        cause,
    };
    let meta = std::fs::metadata(dir).map_err(read)?;
    entries.push(SetEntry {
        relative: relative.to_string(),
        kind: EntryKind::Directory,
        size: 0,
        source: None,
        mode: None,
        mtime: mtime_of(&meta),
    });
    let mut children = std::fs::read_dir(dir)
        .map_err(read)?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(read)?;
    children.sort_by_key(|c| c.file_name());
    for child in children {
        let path = child.path();
        let child_relative = format!("{relative}/{}", child.file_name().to_string_lossy());
        let kind = child.file_type()?;
        if kind.is_dir() {
            walk(root, &path, &child_relative, depth + 1, entries, skipped)?;
        } else if kind.is_file() {
            entries.push(file_entry(child_relative, path, &child.metadata()?));
        } else if kind.is_symlink() {
            match std::fs::canonicalize(&path) {
                Ok(target) if !target.starts_with(root) => skipped.push(Skipped {
                    path,
                    why: "a symbolic link leading outside the tree",
                }),
                Ok(target) if target.is_file() => {
                    let meta = std::fs::metadata(&target)?;
                    entries.push(file_entry(child_relative, target, &meta));
                }
                Ok(_) => skipped.push(Skipped {
                    path,
                    why: "a symbolic link to a directory (not followed)",
                }),
                Err(_) => skipped.push(Skipped {
                    path,
                    why: "a dangling symbolic link",
                }),
            }
        } else {
            skipped.push(Skipped {
                path,
                why: "not a regular file or directory",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relatives(entries: &[SetEntry]) -> Vec<(&str, EntryKind)> {
        entries
            .iter()
            .map(|e| (e.relative.as_str(), e.kind))
            .collect()
    }

    #[test]
    fn a_tree_is_flattened_in_order_with_empty_dirs_and_inside_links() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("secret.txt");
        std::fs::write(&outside, b"outside").unwrap();
        let root = tmp.path().join("build");
        std::fs::create_dir_all(root.join("lib/empty")).unwrap();
        std::fs::write(root.join("lib/a.o"), b"aaaa").unwrap();
        std::fs::write(root.join("README"), b"r").unwrap();
        use std::os::unix::fs::PermissionsExt;
        let setgid = std::fs::Permissions::from_mode(0o2640);
        std::fs::set_permissions(root.join("README"), setgid).unwrap();
        std::os::unix::fs::symlink(root.join("README"), root.join("lib/readme-link")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
        std::os::unix::fs::symlink(root.join("lib"), root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling")).unwrap();

        let (entries, skipped) = collect(std::slice::from_ref(&root)).unwrap();
        use EntryKind::*;
        assert_eq!(
            relatives(&entries),
            [
                ("build", Directory),
                ("build/README", File),
                ("build/lib", Directory),
                ("build/lib/a.o", File),
                ("build/lib/empty", Directory),
                ("build/lib/readme-link", File),
            ]
        );
        assert_eq!(entries[3].size, 4);
        // Files carry their own bits (a link: its target's) and time; directories a time.
        let readme = std::fs::metadata(root.join("README")).unwrap();
        let time = mtime_of(&readme);
        assert!(time.is_some());
        for (n, mode) in [(1, 0o640), (5, 0o640)] {
            assert_eq!((entries[n].mode, entries[n].mtime), (Some(mode), time));
        }
        assert_eq!(entries[0].mode, None);
        assert!(entries[0].mtime.is_some());
        assert_eq!(
            entries[5].source.as_deref(),
            Some(
                std::fs::canonicalize(root.join("README"))
                    .unwrap()
                    .as_path()
            )
        );
        let mut why: Vec<_> = skipped
            .iter()
            .map(|s| (s.path.file_name().unwrap().to_str().unwrap(), s.why))
            .collect();
        why.sort();
        assert_eq!(why.len(), 3, "{why:?}");
        assert_eq!(why[0].0, "dangling");
        assert_eq!(
            why[1],
            ("escape", "a symbolic link leading outside the tree")
        );
        assert_eq!(why[2].0, "loop");
    }

    #[test]
    fn trees_as_deep_as_a_receiver_accepts_and_no_deeper() {
        use crate::proto::name::sanitise_relative;
        let tmp = tempfile::tempdir().unwrap();
        // Dirs d0/d1/.../dN-1 with a file at the bottom: N + 1 components for the file.
        let tree = |n: usize| {
            let root = tmp.path().join(format!("t{n}"));
            let mut dir = root.clone();
            for i in 1..n {
                dir = dir.join(format!("d{i}"));
            }
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("f"), b"x").unwrap();
            root
        };
        let (entries, _) = collect(&[tree(MAX_PATH_DEPTH - 1)]).unwrap();
        assert_eq!(entries.len(), MAX_PATH_DEPTH);
        for entry in &entries {
            assert!(
                sanitise_relative(&entry.relative).is_ok(),
                "{}",
                entry.relative
            );
        }
        let err = collect(&[tree(MAX_PATH_DEPTH)]).unwrap_err();
        assert!(format!("{err:#}").contains("too deep"), "{err:#}");
    }

    #[test]
    fn files_and_dirs_side_by_side_and_name_clashes() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("x/same")).unwrap();
        std::fs::create_dir_all(tmp.path().join("y")).unwrap();
        std::fs::write(tmp.path().join("y/same"), b"1").unwrap();
        std::fs::write(tmp.path().join("one.txt"), b"1").unwrap();
        let (entries, _) = collect(&[tmp.path().join("one.txt"), tmp.path().join("y")]).unwrap();
        assert_eq!(
            relatives(&entries),
            [
                ("one.txt", EntryKind::File),
                ("y", EntryKind::Directory),
                ("y/same", EntryKind::File)
            ]
        );
        let clash = collect(&[tmp.path().join("x/same"), tmp.path().join("y/same")]);
        assert!(format!("{:#}", clash.unwrap_err()).contains("named \"same\""));
    }

    #[test]
    fn a_path_that_is_not_there_is_named_with_the_cause() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("missing");
        let err = collect(std::slice::from_ref(&missing)).unwrap_err();
        assert!(matches!(err, SetError::CannotSend { .. }), "{err:?}");
        assert!(err
            .to_string()
            .starts_with(&format!("cannot send {}: ", missing.display())));
        assert!(
            err.to_string().contains("No such file or directory"),
            "{err}"
        );
        assert_eq!(err.to_string(), format!("{err:#}"));
    }
}
