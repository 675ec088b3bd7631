//! The counts a report shows, worked out once from the current scan's findings: per kind and
//! confidence, per file, and per folder of a tree. The renderer only prints them, so every
//! number on the page comes from here and adds up the same way.

use std::collections::BTreeMap;

use super::model::FindingRow;

/// The confidences, in the order columns show them.
pub const CONFIDENCES: [&str; 3] = ["high", "medium", "low"];

/// Findings per confidence: high, medium, low (anything else counts as low).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts(pub [u64; 3]);

impl Counts {
    fn add(&mut self, confidence: &str) {
        let i = CONFIDENCES
            .iter()
            .position(|c| *c == confidence)
            .unwrap_or(2);
        self.0[i] += 1;
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// One file (a path; members and cells of it included) and its findings.
#[derive(Debug, Default, PartialEq)]
pub struct FileTally {
    pub path: String,
    pub counts: Counts,
    /// Indexes of its findings in the report's `findings`, in the order read.
    pub rows: Vec<usize>,
}

/// A folder of the tree: its findings in all (below it too), sub-folders and files, each sorted
/// by findings, most first, then by name.
#[derive(Debug, Default, PartialEq)]
pub struct Folder {
    /// The name shown: one part of the path, or several joined by `/` where a folder held
    /// only one folder and no files.
    pub name: String,
    pub total: u64,
    pub folders: Vec<Folder>,
    /// (name, index in [`Tally::files`], findings).
    pub files: Vec<(String, usize, u64)>,
}

/// Every count of the current scan.
#[derive(Debug, Default)]
pub struct Tally {
    pub total: Counts,
    /// Per kind, most findings first.
    pub by_kind: Vec<(String, Counts)>,
    /// Per file, sorted by path.
    pub files: Vec<FileTally>,
    pub tree: Folder,
}

impl Tally {
    pub fn of(findings: &[FindingRow]) -> Tally {
        let mut total = Counts::default();
        let mut kinds: BTreeMap<&str, Counts> = BTreeMap::new();
        let mut files: BTreeMap<&str, FileTally> = BTreeMap::new();
        for (i, f) in findings.iter().enumerate() {
            total.add(&f.confidence);
            kinds.entry(&f.kind).or_default().add(&f.confidence);
            let file = files.entry(&f.path).or_insert_with(|| FileTally {
                path: f.path.clone(),
                ..FileTally::default()
            });
            file.counts.add(&f.confidence);
            file.rows.push(i);
        }
        let mut by_kind: Vec<(String, Counts)> =
            kinds.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
        by_kind.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(&b.0)));
        let files: Vec<FileTally> = files.into_values().collect();
        let tree = tree_of(&files);
        Tally {
            total,
            by_kind,
            files,
            tree,
        }
    }

    /// Indexes into `files` of the `n` files with the most findings (ties by path).
    pub fn top_files(&self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.files.len()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&self.files[a], &self.files[b]);
            fb.counts
                .total()
                .cmp(&fa.counts.total())
                .then(fa.path.cmp(&fb.path))
        });
        order.truncate(n);
        order
    }
}

/// The parts of a path in the tree: a URL (a database) is one part; an absolute path's first
/// part keeps its `/`.
fn parts(path: &str) -> Vec<&str> {
    if path.contains("://") {
        return vec![path];
    }
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if path.starts_with('/') {
        if let Some(first) = parts.first_mut() {
            *first = &path[..first.len() + 1];
        }
    }
    if parts.is_empty() {
        parts.push(path);
    }
    parts
}

fn tree_of(files: &[FileTally]) -> Folder {
    let mut root = Folder::default();
    for (i, file) in files.iter().enumerate() {
        let parts = parts(&file.path);
        let (name, folders) = parts.split_last().expect("at least one part");
        let n = file.counts.total();
        let mut at = &mut root;
        at.total += n;
        for part in folders {
            let pos = match at.folders.iter().position(|f| f.name == *part) {
                Some(p) => p,
                None => {
                    at.folders.push(Folder {
                        name: part.to_string(),
                        ..Folder::default()
                    });
                    at.folders.len() - 1
                }
            };
            at = &mut at.folders[pos];
            at.total += n;
        }
        at.files.push((name.to_string(), i, n));
    }
    collapse(&mut root);
    sort(&mut root);
    root
}

/// Joins chains of folders that hold one folder and no file (`share/hr/2024`), so the tree
/// opens where it branches.
fn collapse(folder: &mut Folder) {
    for f in &mut folder.folders {
        while f.files.is_empty() && f.folders.len() == 1 {
            let only = f.folders.pop().expect("one");
            let sep = if f.name.ends_with('/') { "" } else { "/" };
            f.name = format!("{}{sep}{}", f.name, only.name);
            f.folders = only.folders;
            f.files = only.files;
        }
        collapse(f);
    }
}

fn sort(folder: &mut Folder) {
    folder
        .folders
        .sort_by(|a, b| b.total.cmp(&a.total).then(a.name.cmp(&b.name)));
    folder
        .files
        .sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    for f in &mut folder.folders {
        sort(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, kind: &str, confidence: &str) -> FindingRow {
        FindingRow {
            path: path.into(),
            kind: kind.into(),
            confidence: confidence.into(),
            ..FindingRow::default()
        }
    }

    #[test]
    fn folder_totals_add_up_their_files_and_sort_by_count() {
        let t = Tally::of(&[
            row("s/hr/a.csv", "cpr", "high"),
            row("s/hr/a.csv", "cpr", "low"),
            row("s/it/b.log", "email", "medium"),
            row("s/hr/c.txt", "cpr", "high"),
            row("s/hr/c.txt", "cpr", "high"),
            row("s/hr/c.txt", "cpr", "high"),
        ]);
        assert_eq!(t.tree.total, 6);
        let s = &t.tree.folders[0];
        assert_eq!((s.name.as_str(), s.total), ("s", 6));
        assert_eq!(s.folders[0].name, "hr");
        assert_eq!(s.folders[0].total, 5);
        assert_eq!(s.folders[0].files[0].0, "c.txt", "most findings first");
        assert_eq!(t.total.0, [4, 1, 1]);
        assert_eq!(t.by_kind[0].0, "cpr");
        assert_eq!(t.by_kind[0].1 .0, [4, 0, 1]);
    }

    #[test]
    fn a_chain_of_single_folders_is_one_node() {
        let t = Tally::of(&[row("/mnt/share/hr/a", "cpr", "high")]);
        assert_eq!(t.tree.folders[0].name, "/mnt/share/hr");
        assert_eq!(t.tree.folders[0].files[0].0, "a");
    }

    #[test]
    fn a_database_url_is_one_leaf() {
        let t = Tally::of(&[row("postgres://u@db/k", "cpr", "high")]);
        assert_eq!(t.tree.files[0].0, "postgres://u@db/k");
    }

    #[test]
    fn top_files_rank_by_findings_then_path() {
        let t = Tally::of(&[
            row("b", "cpr", "high"),
            row("a", "cpr", "high"),
            row("c", "cpr", "high"),
            row("c", "cpr", "high"),
        ]);
        let top: Vec<&str> = t
            .top_files(2)
            .iter()
            .map(|&i| t.files[i].path.as_str())
            .collect();
        assert_eq!(top, ["c", "a"]);
    }
}
