//! Scan state (`--state FILE`): what earlier scans of a tree found, kept in a SQLite file, so a
//! rescan reads only what changed, an interrupted scan resumes, and each finding is marked new or
//! unchanged against the last complete scan.
//!
//! Why SQLite: it is transactional (a batch is written whole or not at all, and the file
//! survives a `kill -9` in the middle of a write), well kept, already a dependency, and a DPO can
//! open the file with any SQLite tool to see the history of a review.
//!
//! The state never holds a raw value: per finding only its place, kind, confidence, position,
//! the masked value, the reasons and, when a key is given, the keyed fingerprint. The scanner
//! stays I/O-free: this module is a source (findings replayed from the state) and a sink
//! (findings recorded into it) around it.
//!
//! - [`schema`]: the tables, their version, opening and moving aside a file that cannot be used.
//! - [`session`]: one scan's use of the state (what to skip, what to record).
//! - [`writer`]: the one thread that writes, in batched transactions.
//! - [`record`]: stored findings as records (cached findings, `diff`'s changes).
//! - [`diff`]: the multiset comparison of two scans' findings, and `cprscan diff`.
//! - [`Store`]: read-only queries for reports (scans over time, the last scan's findings).

pub mod diff;
pub mod record;
pub mod schema;
pub mod session;
pub mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::cli::Format;
use crate::finding::{Confidence, Finding, Kind, Suppression};
use crate::fingerprint::Fingerprinter;
use crate::place::{Cell, Place};

pub use session::Session;

/// The options of `--state`, flattened into the scan's command line.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct StateArgs {
    /// Keep the scan's state in FILE (SQLite): files whose size, modification time and inode
    /// are unchanged are not read again (their findings are reported from the state, marked
    /// `"cached":true`), an interrupted scan resumes, and each finding gets a `status` (new or
    /// unchanged). The file holds masked values only.
    #[arg(long, value_name = "FILE", help_heading = "Reviews over time")]
    pub state: Option<PathBuf>,

    /// With --state: read every file again (the state is still updated). A state file that
    /// cannot be used is moved aside (FILE.corrupt-TIME) and a new one started.
    #[arg(long, requires = "state", help_heading = "Reviews over time")]
    pub full: bool,

    /// With --state: read again the files that had findings, so a cleanup is confirmed.
    #[arg(long, requires = "state", help_heading = "Reviews over time")]
    pub recheck_findings: bool,

    /// With --state: also keep a SHA-256 of each file's content, and reuse a file's findings
    /// only when its content still has that hash (each unchanged file is then read once, to
    /// hash it; for file systems whose modification times cannot be trusted).
    #[arg(long, requires = "state", help_heading = "Reviews over time")]
    pub state_hash: bool,
}

/// One finding as the state keeps it: where, what, and the masked value; never the raw value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFinding {
    pub member: Option<String>,
    /// A database cell's table, column and row key (in key order).
    pub table: Option<String>,
    pub field: Option<String>,
    pub row_key: Vec<(String, String)>,
    /// The built-in kind (`custom` for a user rule).
    pub kind: String,
    /// The kind as reported: the built-in kind's name, or a user rule's kind.
    pub kind_name: String,
    pub rule: Option<String>,
    pub confidence: Confidence,
    pub line: u64,
    pub column: u64,
    pub offset: u64,
    pub length: u32,
    pub masked: String,
    pub reasons: Vec<String>,
    pub fingerprint: Option<String>,
    /// Accepted by a `cprscan:ignore` marker: counted as suppressed, not reported.
    pub ignored: bool,
}

impl StoredFinding {
    /// What the state keeps of `f`, found at `place`: the masked value, and the fingerprint
    /// when there is a key.
    pub fn of(place: &Place, f: &Finding, key: Option<&Fingerprinter>) -> StoredFinding {
        StoredFinding {
            member: place.member.clone(),
            table: place.cell.as_ref().map(|c| c.table.clone()),
            field: place.cell.as_ref().map(|c| c.field.clone()),
            row_key: place
                .cell
                .as_ref()
                .map(|c| c.key.clone())
                .unwrap_or_default(),
            kind: f.kind.as_str().to_string(),
            kind_name: f.kind_name().to_string(),
            rule: f.rule.as_ref().map(|r| r.id.clone()),
            confidence: f.confidence,
            line: f.line,
            column: f.column,
            offset: f.offset,
            length: f.len,
            masked: f.masked(),
            reasons: f.reasons.iter().map(|r| r.to_string()).collect(),
            fingerprint: key.map(|k| k.fingerprint_of(f)),
            ignored: f.suppressed == Some(Suppression::Inline),
        }
    }

    /// The finding's place in the input at `path`.
    pub fn place(&self, path: &str) -> Place {
        Place {
            path: path.to_string(),
            member: self.member.clone(),
            cell: self.table.as_ref().map(|t| Cell {
                table: t.clone(),
                field: self.field.clone().unwrap_or_default(),
                key: self.row_key.clone(),
            }),
        }
    }
}

impl StoredFinding {
    /// Reads back a finding record as the state keeps it (one line of [`Kept::records`]);
    /// `None` for a line that is not one.
    pub fn from_record(line: &str) -> Option<StoredFinding> {
        let r: RecordIn = serde_json::from_str(line).ok()?;
        Some(StoredFinding {
            member: r.member,
            table: r.table,
            field: r.field,
            row_key: r.key.map(|k| k.0).unwrap_or_default(),
            kind: if r.rule.is_some() {
                "custom".to_string()
            } else {
                r.kind.clone()
            },
            kind_name: r.kind,
            rule: r.rule,
            confidence: Confidence::parse(&r.confidence)?,
            line: r.line,
            column: r.column,
            offset: r.offset,
            length: r.length,
            masked: r.matched,
            reasons: r.reasons,
            fingerprint: r.fingerprint,
            ignored: false,
        })
    }
}

#[derive(serde::Deserialize)]
struct RecordIn {
    #[serde(default)]
    member: Option<String>,
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    key: Option<KeyList>,
    line: u64,
    column: u64,
    offset: u64,
    length: u32,
    kind: String,
    #[serde(default)]
    rule: Option<String>,
    confidence: String,
    #[serde(rename = "match")]
    matched: String,
    reasons: Vec<String>,
    #[serde(default)]
    fingerprint: Option<String>,
}

/// A row key read in its order (a JSON object's entries as written).
struct KeyList(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for KeyList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeyList, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = KeyList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a row key object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<KeyList, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry::<String, String>()? {
                    out.push(entry);
                }
                Ok(KeyList(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The findings of one file version as the state keeps them: the records a fresh scan printed
/// (masked, with the fingerprint when there was a key; no status, no context), one JSON object
/// per line, and counts, so a replay copies lines and adds counts without parsing a record.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    /// The file version (`files.id`).
    pub id: i64,
    /// UTF-8 (written by cprscan as JSON; kept as bytes so a replay does not check it again).
    pub records: Vec<u8>,
    /// Reported findings per kind name, with the built-in kind, as `[low, medium, high]`.
    pub counts: Vec<(String, Kind, [u64; 3])>,
    /// Findings accepted by a `cprscan:ignore` marker: counted as suppressed, not kept.
    pub ignored: u64,
}

impl Kept {
    /// Findings kept (not counting ignored ones).
    pub fn total(&self) -> u64 {
        self.counts
            .iter()
            .map(|(_, _, c)| c.iter().sum::<u64>())
            .sum()
    }

    /// The counts as the `files.counts` column holds them: `[["cpr","cpr",[0,1,2]]]`.
    pub fn counts_json(&self) -> String {
        let list: Vec<(&str, &str, [u64; 3])> = self
            .counts
            .iter()
            .map(|(n, k, c)| (n.as_str(), k.as_str(), *c))
            .collect();
        serde_json::to_string(&list).expect("serialises")
    }

    /// Reads the `files.counts` column.
    pub fn counts_from_json(text: &str) -> Vec<(String, Kind, [u64; 3])> {
        let list: Vec<(String, String, [u64; 3])> = serde_json::from_str(text).unwrap_or_default();
        list.into_iter()
            .map(|(n, k, c)| (n, Kind::from_name(&k).unwrap_or(Kind::Custom), c))
            .collect()
    }

    /// Adds one finding of `kind_name` (built-in `kind`) at `confidence` to `counts`.
    pub fn count(
        counts: &mut Vec<(String, Kind, [u64; 3])>,
        name: &str,
        kind: Kind,
        conf: Confidence,
    ) {
        match counts.iter_mut().find(|(n, _, _)| n == name) {
            Some((_, _, c)) => c[conf as usize] += 1,
            None => {
                let mut c = [0; 3];
                c[conf as usize] = 1;
                counts.push((name.to_string(), kind, c));
            }
        }
    }

    /// The findings, read back from the records.
    pub fn findings(&self) -> impl Iterator<Item = StoredFinding> + '_ {
        lines(&self.records)
            .filter_map(|l| std::str::from_utf8(l).ok())
            .filter_map(StoredFinding::from_record)
    }
}

/// The non-empty lines of `text`, without their `\n`.
pub fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| b == b'\n').filter(|l| !l.is_empty())
}

/// Appends the records of `kept` to `buf` as cached findings with `status`: each line as kept,
/// with `"cached":true,"status":…` added before its closing brace. No record is parsed.
pub fn replay_lines(buf: &mut Vec<u8>, kept: &Kept, status: Status) {
    let mut rest = &kept.records[..];
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let (line, tail) = rest.split_at(end);
        rest = tail.get(1..).unwrap_or(&[]);
        let Some(body) = line.strip_suffix(b"}") else {
            continue;
        };
        buf.extend_from_slice(body);
        buf.extend_from_slice(b",\"cached\":true,\"status\":\"");
        buf.extend_from_slice(status.as_str().as_bytes());
        buf.extend_from_slice(b"\"}\n");
    }
}

/// Whether a finding is new since the previous complete scan, or was there already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Unchanged,
    /// Found before in a file that was renamed or moved since (same inode, device, size and
    /// modification time, and the old path is gone); the record says `moved_from`.
    Moved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Unchanged => "unchanged",
            Status::Moved => "moved",
        }
    }
}

/// Counts of findings against the previous complete scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub new: u64,
    pub unchanged: u64,
    /// Findings of files renamed or moved since the previous scan (not new, not resolved).
    #[serde(skip_serializing_if = "is_zero")]
    pub moved: u64,
    /// Findings of the previous scan gone now; `None` when the scan was interrupted (what was
    /// not visited cannot be called resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<u64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What the summary of a scan with `--state` adds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StateSummary {
    /// The scan's number in the state file.
    pub scan: i64,
    /// Files whose findings were taken from the state instead of being read (not in `files`).
    pub cached: u64,
    /// The scan continued an interrupted one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
    pub changes: Changes,
}

/// One scan, as reports list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScanRow {
    pub id: i64,
    /// Milliseconds since the Unix epoch.
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
    pub complete: bool,
    pub roots: Vec<String>,
    /// Files read, and files taken from the state.
    pub files: u64,
    pub cached: u64,
    /// Bytes read, and the size of the files taken from the state.
    pub bytes: u64,
    pub cached_bytes: u64,
    /// Findings per kind name and confidence (`[low, medium, high]`).
    pub findings: Vec<(String, [u64; 3])>,
    pub errors: u64,
    pub new: u64,
    pub unchanged: u64,
    pub resolved: Option<u64>,
}

/// One finding of the last scan, as reports show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingRow {
    pub path: String,
    pub finding: StoredFinding,
    /// Against the complete scan before it.
    pub status: Status,
}

/// Read-only access to a state file, for reports and `cprscan diff`.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens `path` read-only; an error names the file and says what is wrong.
    pub fn open_read_only(path: &Path) -> Result<Store, String> {
        let conn = schema::open_read_only(path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn fail(&self, e: rusqlite::Error) -> String {
        format!("{}: cannot read the state file: {e}", self.path.display())
    }

    /// Every scan, oldest first: the trend of a review.
    pub fn scans(&self) -> Result<Vec<ScanRow>, String> {
        schema::scans(&self.conn).map_err(|e| self.fail(e))
    }

    /// The latest complete scan's id, if any.
    pub fn last_complete(&self) -> Result<Option<i64>, String> {
        self.complete_before(i64::MAX)
    }

    fn complete_before(&self, id: i64) -> Result<Option<i64>, String> {
        self.conn
            .query_row(
                "SELECT max(id) FROM scans WHERE complete = 1 AND id < ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.fail(e))
    }

    /// The findings recorded for scan `id` (reported and inline-ignored), with their paths.
    pub fn findings_of(&self, id: i64) -> Result<Vec<(String, StoredFinding)>, String> {
        schema::findings_of_scan(&self.conn, id).map_err(|e| self.fail(e))
    }

    /// The findings of the latest complete scan (inline-ignored ones left out), each with its
    /// status against the complete scan before it.
    pub fn last_scan_findings(&self) -> Result<Vec<FindingRow>, String> {
        let Some(last) = self.last_complete()? else {
            return Ok(Vec::new());
        };
        let now = self.reported(last)?;
        let before = match self.complete_before(last)? {
            Some(prev) => self.reported(prev)?,
            None => Vec::new(),
        };
        let statuses = diff::statuses(&before, &now);
        Ok(now
            .into_iter()
            .zip(statuses)
            .map(|((path, finding), status)| FindingRow {
                path,
                finding,
                status,
            })
            .collect())
    }

    fn reported(&self, id: i64) -> Result<Vec<(String, StoredFinding)>, String> {
        let mut all = self.findings_of(id)?;
        all.retain(|(_, f)| !f.ignored);
        Ok(all)
    }

    /// Files and bytes (read plus taken from the state) of the latest complete scan: what the
    /// next scan of the same roots can expect, for an ETA.
    pub fn expected_totals(&self) -> Result<Option<(u64, u64)>, String> {
        let Some(last) = self.last_complete()? else {
            return Ok(None);
        };
        Ok(self
            .scans()?
            .into_iter()
            .find(|s| s.id == last)
            .map(|s| (s.files + s.cached, s.bytes + s.cached_bytes)))
    }

    /// The roots of scan `id`.
    pub fn roots_of(&self, id: i64) -> Result<Vec<String>, String> {
        Ok(self
            .scans()?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| s.roots)
            .unwrap_or_default())
    }
}

/// Adds `"status"` to the finding record written into `buf` from `start` on (JSON formats; a
/// text line stays as it is). Nothing when no record was written (a suppressed finding, a
/// collected one) or there is no status.
pub fn add_status(buf: &mut Vec<u8>, start: usize, status: Option<Status>, format: Format) {
    let Some(status) = status else { return };
    if buf.len() <= start || !buf.ends_with(b"}\n") || format == Format::Text {
        return;
    }
    buf.truncate(buf.len() - 2);
    buf.extend_from_slice(b",\"status\":\"");
    buf.extend_from_slice(status.as_str().as_bytes());
    buf.extend_from_slice(b"\"}\n");
}

/// Whether `path` (as shown in records) lies under one of `roots` (as given): a finding of a
/// file outside this scan's roots is never called resolved.
pub fn under_roots(path: &str, roots: &[String]) -> bool {
    roots.iter().any(|root| {
        path == root
            || (path.starts_with(root.as_str())
                && (root.ends_with('/') || path[root.len()..].starts_with('/')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Reason;
    use crate::printer::Printer;

    fn found() -> Finding {
        let value = b"010190-1238"; // the README's synthetic example number
        let mut f = Finding::new(
            734,
            Kind::Cpr,
            Confidence::High,
            vec![Reason::Date, Reason::Mod11, Reason::Context("cpr-nr")],
            value,
        );
        f.line = 12;
        f.column = 5;
        f
    }

    fn places() -> Vec<Place> {
        vec![
            Place::new("share/a \"b\".csv"),
            Place::member("x.zip", "in/ner.txt"),
            Place {
                cell: Some(Cell {
                    table: "public.borgere".into(),
                    field: "notes".into(),
                    key: vec![("id".into(), "42".into()), ("b".into(), "x".into())],
                }),
                ..Place::new("db.sqlite")
            },
        ]
    }

    #[test]
    fn cached_record_is_the_fresh_record_plus_cached_and_status_so_consumers_see_no_difference() {
        let key = Fingerprinter::new(b"k").unwrap();
        let printers = [
            Printer::new(Format::Jsonl, false, false),
            Printer::new(Format::Jsonl, false, false).with_fingerprints(key.clone()),
        ];
        for (printer, key) in printers.iter().zip([None, Some(&key)]) {
            for place in places() {
                let f = found();
                let mut fresh = Vec::new();
                printer.finding(&mut fresh, &place, &f);
                add_status(&mut fresh, 0, Some(Status::New), Format::Jsonl);
                let mut cached = Vec::new();
                let stored = StoredFinding::of(&place, &f, key);
                printer.cached_finding(&mut cached, &place.path, &stored, Status::New, None);
                let fresh = String::from_utf8(fresh).unwrap();
                let expected = fresh.replace(",\"status\"", ",\"cached\":true,\"status\"");
                assert_eq!(String::from_utf8(cached).unwrap(), expected);
            }
        }
    }

    #[test]
    fn fast_replay_of_kept_lines_prints_what_the_record_by_record_replay_prints() {
        let printer = Printer::new(Format::Jsonl, false, false);
        for place in places() {
            let stored = StoredFinding::of(&place, &found(), None);
            let mut kept = Kept::default();
            record::json(
                &mut kept.records,
                &place.path,
                &stored,
                &record::Marks {
                    ty: "finding",
                    change: None,
                    cached: false,
                    status: None,
                    moved_from: None,
                },
            );
            kept.records.extend_from_slice(&kept.records.clone());
            let mut fast = Vec::new();
            replay_lines(&mut fast, &kept, Status::Unchanged);
            let mut slow = Vec::new();
            for f in kept.findings() {
                assert_eq!(f, stored, "a kept record reads back whole");
                printer.cached_finding(&mut slow, &place.path, &f, Status::Unchanged, None);
            }
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(slow).unwrap()
            );
        }
    }

    #[test]
    fn stored_finding_keeps_the_mask_never_the_raw_value() {
        let stored = StoredFinding::of(&Place::new("a"), &found(), None);
        assert_eq!(stored.masked, "010190-****");
        assert!(!format!("{stored:?}").contains("1238"));
    }

    #[test]
    fn status_is_added_to_a_json_record_only_when_one_was_written() {
        let mut buf = b"{\"type\":\"finding\"}\n".to_vec();
        add_status(&mut buf, 0, Some(Status::Unchanged), Format::Jsonl);
        assert_eq!(buf, b"{\"type\":\"finding\",\"status\":\"unchanged\"}\n");
        let len = buf.len();
        add_status(&mut buf, len, Some(Status::New), Format::Jsonl);
        assert_eq!(
            buf.len(),
            len,
            "no record written since `start`: nothing added"
        );
        let mut text = b"a.txt:1:1 cpr high x date\n".to_vec();
        add_status(&mut text, 0, Some(Status::New), Format::Text);
        assert_eq!(text, b"a.txt:1:1 cpr high x date\n");
    }

    #[test]
    fn under_roots_needs_a_whole_path_component_so_a_sibling_root_is_not_inside() {
        let roots = vec!["share/hr".to_string(), "logs/".to_string()];
        assert!(under_roots("share/hr", &roots));
        assert!(under_roots("share/hr/a.txt", &roots));
        assert!(under_roots("logs/x.log", &roots));
        assert!(!under_roots("share/hr2/a.txt", &roots));
        assert!(!under_roots("other/a.txt", &roots));
    }
}
