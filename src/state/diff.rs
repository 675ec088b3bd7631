//! What changed between two scans, and `cprscan diff --state FILE`.
//!
//! A finding's identity across scans is its place (path, member, table, column, row key), its
//! kind and, when the scans carry keyed fingerprints, the fingerprint; without one, the masked
//! value. Not the line or offset: lines shift when text is added above a finding, and that is no
//! change. Not the raw value: the state never has it. Two findings can share an identity (the
//! same masked value twice in a file), so the findings of a scan are compared as multisets:
//! per identity, `new = max(0, now - before)` and `resolved = max(0, before - now)`; in a file's
//! order, the first `before` findings of an identity are unchanged and the rest new.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use super::record::{self, Marks};
use super::{Status, Store, StoredFinding};
use crate::run::{EXIT_CLEAN, EXIT_ERROR};

/// A finding's identity across scans (see the module docs), as a 128-bit hash of its parts
/// (two SipHash runs; identities are compared within one run, never stored).
pub fn ident(path: &str, f: &StoredFinding, use_fingerprints: bool) -> u128 {
    use std::hash::{Hash, Hasher};
    let value = match (&f.fingerprint, use_fingerprints) {
        (Some(fp), true) => fp.as_str(),
        _ => f.masked.as_str(),
    };
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        path.hash(&mut h);
        f.member.hash(&mut h);
        f.table.hash(&mut h);
        f.field.hash(&mut h);
        f.row_key.hash(&mut h);
        f.kind_name.hash(&mut h);
        value.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Whether identities can use fingerprints: only when every finding on both sides has one (the
/// scans were made with a key); a scan without a key falls back to masked values.
pub fn use_fingerprints<'a>(all: impl IntoIterator<Item = &'a StoredFinding>) -> bool {
    let mut any = false;
    for f in all {
        if f.fingerprint.is_none() {
            return false;
        }
        any = true;
    }
    any
}

/// Counts of findings per identity.
#[derive(Clone, Debug, Default)]
pub struct Tally(HashMap<u128, u32>);

impl Tally {
    pub fn add(&mut self, ident: u128) -> u32 {
        let n = self.0.entry(ident).or_insert(0);
        *n += 1;
        *n
    }

    pub fn get(&self, ident: u128) -> u32 {
        self.0.get(&ident).copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Tally) {
        for (id, n) in &other.0 {
            *self.0.entry(*id).or_insert(0) += n;
        }
    }

    /// Identities and their counts.
    pub fn iter(&self) -> impl Iterator<Item = (u128, u32)> + '_ {
        self.0.iter().map(|(k, n)| (*k, *n))
    }
}

/// The status of the `nth` (1-based) finding of an identity that had `before` findings.
pub fn status(nth: u32, before: u32) -> Status {
    if nth <= before {
        Status::Unchanged
    } else {
        Status::New
    }
}

/// The status of each finding of `now` against `before`, in `now`'s order.
pub fn statuses(
    before: &[(String, StoredFinding)],
    now: &[(String, StoredFinding)],
) -> Vec<Status> {
    let fp = use_fingerprints(before.iter().chain(now).map(|(_, f)| f));
    let mut was = Tally::default();
    for (path, f) in before {
        was.add(ident(path, f, fp));
    }
    let mut seen = Tally::default();
    now.iter()
        .map(|(path, f)| {
            let id = ident(path, f, fp);
            let before = was.get(id);
            status(seen.add(id), before)
        })
        .collect()
}

/// A finding with the path of its input.
pub type Located = (String, StoredFinding);

/// The findings of `now` that are new against `before`, and those of `before` that are gone
/// (resolved), counting only paths under `roots` as gone. Each list keeps its input's order.
pub fn changes<'a>(
    before: &'a [Located],
    now: &'a [Located],
    roots: &[String],
) -> (Vec<&'a Located>, Vec<&'a Located>) {
    let fp = use_fingerprints(before.iter().chain(now).map(|(_, f)| f));
    let count = |side: &[(String, StoredFinding)]| {
        let mut t = Tally::default();
        for (path, f) in side {
            t.add(ident(path, f, fp));
        }
        t
    };
    let (was, is) = (count(before), count(now));
    let beyond = |side: &'a [(String, StoredFinding)], other: &Tally| {
        let mut seen = Tally::default();
        side.iter()
            .filter(|(path, f)| {
                let id = ident(path, f, fp);
                let limit = other.get(id);
                seen.add(id) > limit
            })
            .collect::<Vec<_>>()
    };
    let new = beyond(now, &was);
    let mut resolved = beyond(before, &is);
    resolved.retain(|(path, _)| super::under_roots(path, roots));
    (new, resolved)
}

/// `cprscan diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The state file of the scans (written with `cprscan --state FILE`).
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,

    /// JSON lines (a `change` record per finding that appeared or disappeared, then a summary),
    /// or one human line each.
    #[arg(long, value_enum, default_value_t = DiffFormat::Jsonl)]
    pub format: DiffFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Jsonl,
    Text,
}

/// Lists the findings that appeared and disappeared between the last two complete scans;
/// returns the exit status (0, or 2 when the state cannot be read).
pub fn main(args: &DiffArgs) -> i32 {
    match diff(args) {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&text).and_then(|()| stdout.flush());
            EXIT_CLEAN
        }
        Err(msg) => {
            eprintln!("cprscan diff: {msg}");
            EXIT_ERROR
        }
    }
}

fn diff(args: &DiffArgs) -> Result<Vec<u8>, String> {
    let store = Store::open_read_only(&args.state)?;
    let complete: Vec<i64> = store
        .scans()?
        .into_iter()
        .filter(|s| s.complete)
        .map(|s| s.id)
        .collect();
    let Some(&to) = complete.last() else {
        return Err(format!("{}: no complete scan yet", args.state.display()));
    };
    let from = complete.len().checked_sub(2).map(|i| complete[i]);
    let before = match from {
        Some(id) => store.findings_of(id)?,
        None => Vec::new(),
    };
    let now = store.findings_of(to)?;
    let keep = |all: Vec<(String, StoredFinding)>| {
        all.into_iter()
            .filter(|(_, f)| !f.ignored)
            .collect::<Vec<_>>()
    };
    let (before, now) = (keep(before), keep(now));
    let roots = store.roots_of(to)?;
    let (new, resolved) = changes(&before, &now, &roots);
    let mut out = Vec::new();
    let json = args.format == DiffFormat::Jsonl;
    for (change, list) in [("new", &new), ("resolved", &resolved)] {
        for (path, f) in list.iter().map(|e| (&e.0, &e.1)) {
            let marks = Marks {
                ty: "change",
                change: Some(change),
                cached: false,
                status: None,
                moved_from: None,
            };
            if json {
                record::json(&mut out, path, f, &marks);
            } else {
                record::text(&mut out, path, f, &marks);
            }
        }
    }
    if json {
        #[derive(serde::Serialize)]
        struct DiffSummary {
            #[serde(rename = "type")]
            ty: &'static str,
            from_scan: Option<i64>,
            to_scan: i64,
            new: usize,
            resolved: usize,
        }
        let summary = DiffSummary {
            ty: "summary",
            from_scan: from,
            to_scan: to,
            new: new.len(),
            resolved: resolved.len(),
        };
        out.extend_from_slice(
            serde_json::to_string(&summary)
                .expect("serialises")
                .as_bytes(),
        );
        out.push(b'\n');
    } else {
        let from = from.map_or_else(|| "nothing".to_string(), |id| format!("scan {id}"));
        out.extend_from_slice(
            format!(
                "cprscan diff: {from} -> scan {to}: {} new, {} resolved\n",
                new.len(),
                resolved.len()
            )
            .as_bytes(),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;

    fn found(masked: &str, line: u64, fp: Option<&str>) -> StoredFinding {
        StoredFinding {
            member: None,
            table: None,
            field: None,
            row_key: Vec::new(),
            kind: "cpr".into(),
            kind_name: "cpr".into(),
            rule: None,
            confidence: Confidence::High,
            line,
            column: 1,
            offset: line * 10,
            length: 11,
            masked: masked.into(),
            reasons: vec!["date".into()],
            fingerprint: fp.map(str::to_string),
            ignored: false,
        }
    }

    fn at(path: &str, f: StoredFinding) -> (String, StoredFinding) {
        (path.to_string(), f)
    }

    #[test]
    fn moved_lines_are_unchanged_because_identity_has_no_line() {
        let before = vec![at("a", found("010190-****", 1, None))];
        let now = vec![at("a", found("010190-****", 40, None))];
        assert_eq!(statuses(&before, &now), vec![Status::Unchanged]);
        let (new, resolved) = changes(&before, &now, &["a".into()]);
        assert!(new.is_empty() && resolved.is_empty());
    }

    #[test]
    fn equal_masks_count_as_a_multiset_so_a_second_copy_is_new() {
        let before = vec![at("a", found("010190-****", 1, None))];
        let now = vec![
            at("a", found("010190-****", 1, None)),
            at("a", found("010190-****", 2, None)),
        ];
        assert_eq!(
            statuses(&before, &now),
            vec![Status::Unchanged, Status::New]
        );
        let (new, resolved) = changes(&before, &now, &["a".into()]);
        assert_eq!((new.len(), resolved.len()), (1, 0));
        // And the other way round: one of two copies removed is one resolved.
        let (new, resolved) = changes(&now, &before, &["a".into()]);
        assert_eq!((new.len(), resolved.len()), (0, 1));
    }

    #[test]
    fn fingerprints_tell_apart_values_that_share_a_mask() {
        let before = vec![at("a", found("010190-****", 1, Some("aaaa")))];
        let now = vec![at("a", found("010190-****", 1, Some("bbbb")))];
        assert_eq!(statuses(&before, &now), vec![Status::New]);
        let (new, resolved) = changes(&before, &now, &["a".into()]);
        assert_eq!((new.len(), resolved.len()), (1, 1));
    }

    #[test]
    fn without_a_fingerprint_on_one_side_masks_are_compared() {
        let before = vec![at("a", found("010190-****", 1, None))];
        let now = vec![at("a", found("010190-****", 1, Some("bbbb")))];
        assert_eq!(statuses(&before, &now), vec![Status::Unchanged]);
    }

    #[test]
    fn same_value_in_another_file_is_new_there_and_resolved_here() {
        let before = vec![at("d/old.txt", found("010190-****", 1, None))];
        let now = vec![at("d/new.txt", found("010190-****", 1, None))];
        let (new, resolved) = changes(&before, &now, &["d".into()]);
        assert_eq!(new[0].0, "d/new.txt");
        assert_eq!(resolved[0].0, "d/old.txt");
    }

    #[test]
    fn a_finding_outside_the_scanned_roots_is_not_resolved() {
        let before = vec![
            at("hr/a.txt", found("010190-****", 1, None)),
            at("it/b.txt", found("020290-****", 1, None)),
        ];
        let (new, resolved) = changes(&before, &[], &["hr".into()]);
        assert!(new.is_empty());
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].0, "hr/a.txt");
    }

    #[test]
    fn a_member_or_cell_is_part_of_the_identity() {
        let mut in_member = found("010190-****", 1, None);
        in_member.member = Some("x.txt".into());
        let plain = found("010190-****", 1, None);
        assert_ne!(
            ident("a.zip", &in_member, false),
            ident("a.zip", &plain, false)
        );
        assert_ne!(ident("a.zip", &plain, false), ident("b.zip", &plain, false));
    }
}
