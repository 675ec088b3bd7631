//! Turns the paths on the command line into a parallel walk: what is scanned, what is skipped
//! and why. Every file is scanned, hidden ones too (file shares keep data in hidden folders),
//! except the internals of version-control directories; ignore files only on request.

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher};
use ignore::{DirEntry, WalkBuilder};

use crate::cli::Config;

/// Directories whose internals are never scanned.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

/// `--exclude` globs: a glob without `/` matches a name, one with `/` the path relative to the
/// scanned root.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    names: Vec<GlobMatcher>,
    paths: Vec<GlobMatcher>,
}

impl Excludes {
    pub fn new(globs: &[String]) -> Result<Excludes, String> {
        let mut ex = Excludes::default();
        for g in globs {
            let trimmed = g.trim_end_matches('/');
            let anchored = trimmed.contains('/');
            let glob = if anchored {
                GlobBuilder::new(trimmed.trim_start_matches('/'))
                    .literal_separator(true)
                    .build()
            } else {
                Glob::new(trimmed)
            }
            .map_err(|e| format!("invalid --exclude glob {g:?}: {e}"))?;
            let m = glob.compile_matcher();
            if anchored {
                ex.paths.push(m);
            } else {
                ex.names.push(m);
            }
        }
        Ok(ex)
    }

    /// Whether the entry at `path`, `depth` levels below its root, is excluded. Roots (depth 0)
    /// are never excluded: the user named them.
    pub fn excludes(&self, path: &Path, depth: usize) -> bool {
        if depth == 0 {
            return false;
        }
        if let Some(name) = path.file_name() {
            if self.names.iter().any(|m| m.is_match(name)) {
                return true;
            }
        }
        if self.paths.is_empty() {
            return false;
        }
        let rel = relative_to_root(path, depth);
        self.paths.iter().any(|m| m.is_match(&rel))
    }
}

/// The last `depth` components of `path`: its path relative to the walk root.
fn relative_to_root(path: &Path, depth: usize) -> PathBuf {
    let comps: Vec<Component> = path.components().collect();
    comps[comps.len().saturating_sub(depth)..].iter().collect()
}

fn is_vcs_dir(entry: &DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && entry
            .file_name()
            .to_str()
            .is_some_and(|n| VCS_DIRS.contains(&n))
}

/// A walker over `roots` configured from `config`.
pub fn builder(roots: &[PathBuf], config: &Config, excludes: Excludes) -> WalkBuilder {
    let mut b = WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        b.add(r);
    }
    let gi = config.gitignore;
    b.hidden(false)
        .parents(gi)
        .ignore(gi)
        .git_ignore(gi)
        .git_global(gi)
        .git_exclude(gi)
        .require_git(false)
        .follow_links(config.follow)
        .threads(config.threads)
        .filter_entry(move |e| !is_vcs_dir(e) && !excludes.excludes(e.path(), e.depth()));
    b
}

/// What to do with a walked entry that is not a directory.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// A directory: the walker descends by itself.
    Descend,
    /// A regular file: read it.
    File,
    /// A pipe or device the user named: read it as a stream.
    Stream,
    /// Not read; the reason is reported.
    Skip(&'static str),
}

/// Classifies an entry; `follow` says whether symlinks are followed (then the walker has
/// already resolved them).
pub fn classify(entry: &DirEntry) -> Action {
    let Some(ft) = entry.file_type() else {
        return Action::Stream;
    };
    if ft.is_dir() {
        return Action::Descend;
    }
    if ft.is_file() {
        return Action::File;
    }
    if ft.is_symlink() {
        return Action::Skip("symbolic link not followed (use --follow)");
    }
    if entry.depth() == 0 {
        return Action::Stream;
    }
    Action::Skip(special_kind(&ft))
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "FIFO (named pipe) met during the walk: not opened"
    } else if ft.is_socket() {
        "socket met during the walk: not opened"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device file met during the walk: not opened"
    } else {
        "not a regular file: not opened"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file: not opened"
}

/// The path an `ignore` error is about, if it names one.
pub fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// A symbolic link whose target does not exist, as the walker reports it when it follows links:
/// the link's path and its depth below its root (0: named on the command line). `None` for any
/// other error.
pub fn dangling_link(err: &ignore::Error) -> Option<(PathBuf, usize)> {
    fn inner(err: &ignore::Error, depth: Option<usize>) -> Option<(&std::io::Error, usize)> {
        match err {
            ignore::Error::WithPath { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner(err, depth)
            }
            ignore::Error::WithDepth { err, depth } => inner(err, Some(*depth)),
            ignore::Error::Io(e) => Some((e, depth?)),
            _ => None,
        }
    }
    let path = error_path(err)?;
    let (io, depth) = inner(err, None)?;
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    (io.kind() == std::io::ErrorKind::NotFound && is_link).then_some((path, depth))
}

/// A message for an `ignore` error without the path (the record carries it).
pub fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_message(err),
        ignore::Error::Loop { ancestor, .. } => format!(
            "symbolic link loop: points to its ancestor {}",
            ancestor.display()
        ),
        ignore::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_without_slash_matches_names_at_any_depth() {
        let ex = Excludes::new(&["*.log".into(), "node_modules".into()]).unwrap();
        assert!(ex.excludes(Path::new("root/a/b/app.log"), 3));
        assert!(ex.excludes(Path::new("root/x/node_modules"), 2));
        assert!(!ex.excludes(Path::new("root/a/app.txt"), 2));
    }

    #[test]
    fn glob_with_slash_matches_relative_path_from_root() {
        let ex = Excludes::new(&["hr/archive/**".into()]).unwrap();
        assert!(ex.excludes(Path::new("/mnt/share/hr/archive/x.csv"), 3));
        assert!(!ex.excludes(Path::new("/mnt/share/it/hr/archive/x.csv"), 4));
    }

    #[test]
    fn roots_are_never_excluded() {
        let ex = Excludes::new(&["*.log".into()]).unwrap();
        assert!(!ex.excludes(Path::new("app.log"), 0));
    }

    #[test]
    fn invalid_glob_is_a_clear_error() {
        let err = Excludes::new(&["a[".into()]).unwrap_err();
        assert!(err.contains("--exclude"), "{err}");
    }
}
