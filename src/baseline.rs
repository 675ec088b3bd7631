//! Baselines: the findings a team has accepted, so CI fails only on new ones. An entry is the
//! path, the kind and the keyed fingerprint of the value, never a line number: moving,
//! re-indenting or adding lines changes nothing, while a new value, or a known value in a new
//! file, is new. The file holds no raw values and is written sorted, one entry per line, so
//! the same findings always give the same bytes and it diffs and merges cleanly.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The format version written into the file.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub kind: String,
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    cprscan_baseline: u32,
    #[serde(default)]
    note: String,
    entries: Vec<Entry>,
}

/// A set of accepted findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeSet<Entry>,
}

/// A path as a baseline keys it: `/` separators, no leading `./`, so `cprscan .` and
/// `cprscan tests` agree on `tests/a.csv` only when run from the same directory, and
/// `./tests/a.csv` and `tests/a.csv` are the same file.
pub fn normalise_path(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    p
}

impl Baseline {
    pub fn insert(&mut self, path: &str, kind: &str, fingerprint: &str) {
        self.entries.insert(Entry {
            path: normalise_path(path),
            kind: kind.to_string(),
            fingerprint: fingerprint.to_string(),
        });
    }

    pub fn contains(&self, path: &str, kind: &str, fingerprint: &str) -> bool {
        self.entries.contains(&Entry {
            path: normalise_path(path),
            kind: kind.to_string(),
            fingerprint: fingerprint.to_string(),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The file's text: stable for the same entries.
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\n  \"cprscan_baseline\": {VERSION},\n  \"note\": \"Accepted findings: path, kind and keyed \
             fingerprint of the value; no values. Written by `cprscan baseline write`.\",\n  \
             \"entries\": ["
        );
        for (i, e) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(e).expect("an entry serialises"));
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.cprscan_baseline != VERSION {
            return Err(format!(
                "baseline format {} is not supported (this cprscan writes {VERSION})",
                file.cprscan_baseline
            ));
        }
        Ok(Baseline {
            entries: file
                .entries
                .into_iter()
                .map(|e| Entry {
                    path: normalise_path(&e.path),
                    ..e
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_every_entry() {
        let mut b = Baseline::default();
        b.insert("./tests/a.csv", "cpr", "fc7f86d5d07a892c");
        b.insert("tests/b.csv", "email", "0123456789abcdef");
        let back = Baseline::parse(&b.to_json()).unwrap();
        assert_eq!(back, b);
        assert!(back.contains("tests/a.csv", "cpr", "fc7f86d5d07a892c"));
        assert!(!back.contains("tests/a.csv", "email", "fc7f86d5d07a892c"));
    }

    #[test]
    fn text_is_sorted_and_the_same_whatever_the_insertion_order() {
        let mut a = Baseline::default();
        a.insert("z.txt", "cpr", "1");
        a.insert("a.txt", "cpr", "2");
        let mut b = Baseline::default();
        b.insert("a.txt", "cpr", "2");
        b.insert("z.txt", "cpr", "1");
        b.insert("./z.txt", "cpr", "1");
        assert_eq!(a.to_json(), b.to_json());
        let text = a.to_json();
        assert!(text.find("a.txt").unwrap() < text.find("z.txt").unwrap());
        assert_eq!(text.lines().filter(|l| l.contains("\"path\"")).count(), 2);
    }

    #[test]
    fn empty_baseline_is_valid_json() {
        let b = Baseline::default();
        assert_eq!(Baseline::parse(&b.to_json()).unwrap(), b);
    }

    #[test]
    fn other_versions_and_garbage_are_errors() {
        assert!(Baseline::parse("{\"cprscan_baseline\": 2, \"entries\": []}").is_err());
        assert!(Baseline::parse("[1,2]").is_err());
    }

    #[test]
    fn windows_separators_and_leading_dot_slash_are_normalised() {
        assert_eq!(normalise_path(".\\tests\\a.csv"), "tests/a.csv");
        assert_eq!(normalise_path("././a"), "a");
        assert_eq!(normalise_path("/abs/a"), "/abs/a");
    }
}
