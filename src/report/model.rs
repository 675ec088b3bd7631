//! What a report shows, as plain data: the scans of the trend and the current scan's header,
//! findings and problems. Built here from JSON-lines outputs ([`from_json_lines`]); another
//! source (a scan state) only has to fill the same structs. Every field is a string, a number
//! or a list of them, so the renderer needs nothing of the scanner.
//!
//! The report never shows a raw value: every `match` read is masked again with its kind's mask
//! ([`crate::mask`]), so a JSON-lines file written with `--show-values` gives the same report as
//! one written without it (a mask of a masked value is the same mask).

use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::path::Path;

use serde_json::Value;

use crate::finding::Kind;

/// Everything a report shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportInput {
    /// The scans of the trend, oldest first; the last is the current scan.
    pub scans: Vec<ScanPoint>,
    /// The current scan: what was scanned and its counts.
    pub header: ScanHeader,
    /// The current scan's findings, in the order read.
    pub findings: Vec<FindingRow>,
    /// The current scan's error and skip records.
    pub problems: Vec<ProblemRow>,
}

/// One scan as a point of the trend.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanPoint {
    /// What names the scan for a reader: the JSON-lines file's name.
    pub label: String,
    /// When it ran, `YYYY-MM-DD HH:MM UTC`, if known.
    pub when: Option<String>,
    /// Finding records.
    pub findings: u64,
    /// Finding records per kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Findings new since the scan before (records with `"status":"new"`, or the summary's
    /// `changes.new`); `None` when the scan does not say.
    pub new: Option<u64>,
    /// Findings of the scan before that are gone (the summary's `changes.resolved`); `None`
    /// when the scan does not say.
    pub resolved: Option<u64>,
}

/// What the current scan covered, from its summary (zeros and `complete: false` without one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanHeader {
    /// Where the scan's records came from (a file name, `stdin`, a state file).
    pub source: String,
    /// When it ran, `YYYY-MM-DD HH:MM UTC`, if known.
    pub when: Option<String>,
    /// The roots scanned: the summary's `roots` when it has them, else the deepest folder all
    /// records' paths share (see `roots_derived`).
    pub roots: Vec<String>,
    /// `roots` were derived from the records' paths, not recorded by the scan.
    pub roots_derived: bool,
    pub files: u64,
    pub bytes: u64,
    /// Unchanged files whose findings a `--state` scan took from the state instead of reading
    /// them (the summary's `cached`); not in `files`.
    pub cached: u64,
    pub errors: u64,
    pub skipped: u64,
    pub elapsed_ms: u64,
    /// The scan was stopped by Ctrl-C or SIGTERM: the counts cover part of the tree.
    pub interrupted: bool,
    /// The input ended with a summary (a run that was killed has none).
    pub complete: bool,
    /// The summary's findings per kind, to compare with the records read.
    pub summary_findings: BTreeMap<String, u64>,
}

/// One finding of the current scan, masked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingRow {
    pub path: String,
    /// The path inside a container (`a.tar!b.csv`), a sheet, a page.
    pub member: Option<String>,
    /// A database cell's table and column.
    pub table: Option<String>,
    pub field: Option<String>,
    /// A database cell's row key, as `col=value, ...` (key values that are findings are masked
    /// by the scan).
    pub key: Option<String>,
    pub line: u64,
    pub column: u64,
    pub kind: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    /// The value, masked (always: see the module's comment).
    pub masked: String,
    pub reasons: Vec<String>,
    /// `new` or `unchanged` when the scan compared with an earlier one.
    pub status: Option<String>,
}

/// An error or skip record of the current scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProblemRow {
    pub path: String,
    pub member: Option<String>,
    pub table: Option<String>,
    pub message: String,
    /// Left out on purpose (a skip), rather than unreadable (an error).
    pub skipped: bool,
}

/// One JSON-lines input: a name for it, and its lines.
pub struct Source<'a> {
    pub label: String,
    /// When the scan ran (e.g. from the file's modification time), if known.
    pub when: Option<String>,
    pub reader: Box<dyn BufRead + 'a>,
}

/// Reads scans from JSON-lines outputs, oldest first: each source is one scan, the last one is
/// the current scan whose findings are kept. Errors name the source and line.
pub fn from_json_lines(sources: Vec<Source<'_>>) -> Result<ReportInput, String> {
    let mut input = ReportInput::default();
    let count = sources.len();
    for (i, source) in sources.into_iter().enumerate() {
        let current = i + 1 == count;
        let scan = read_scan(source, current)?;
        input.scans.push(scan.point);
        if current {
            input.header = scan.header;
            input.findings = scan.findings;
            input.problems = scan.problems;
        }
    }
    Ok(input)
}

/// One source read.
struct Scan {
    point: ScanPoint,
    header: ScanHeader,
    findings: Vec<FindingRow>,
    problems: Vec<ProblemRow>,
}

fn read_scan(source: Source<'_>, keep_rows: bool) -> Result<Scan, String> {
    let Source {
        label,
        when,
        mut reader,
    } = source;
    let mut point = ScanPoint {
        label: label.clone(),
        when: when.clone(),
        ..ScanPoint::default()
    };
    let mut header = ScanHeader {
        source: label.clone(),
        when,
        ..ScanHeader::default()
    };
    let (mut findings, mut problems) = (Vec::new(), Vec::new());
    let mut paths = CommonFolder::default();
    let mut new = 0;
    let mut line = String::new();
    for n in 1.. {
        line.clear();
        let got = reader
            .read_line(&mut line)
            .map_err(|e| format!("{label}: {e}"))?;
        if got == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| {
            format!("{label}: line {n} is not a cprscan JSON record ({e}); report reads --format jsonl output")
        })?;
        match v["type"].as_str() {
            Some("finding") => {
                let row = finding_row(&v);
                point.findings += 1;
                *point.by_kind.entry(row.kind.clone()).or_default() += 1;
                new += u64::from(row.status.as_deref() == Some("new"));
                if keep_rows {
                    paths.add(&row.path);
                    findings.push(row);
                }
            }
            Some("error") if keep_rows => {
                let row = problem_row(&v);
                paths.add(&row.path);
                problems.push(row);
            }
            Some("summary") => read_summary(&v, &mut header, &mut point, new),
            _ => {}
        }
    }
    if header.roots.is_empty() {
        header.roots = paths.folder().into_iter().collect();
        header.roots_derived = true;
    }
    Ok(Scan {
        point,
        header,
        findings,
        problems,
    })
}

fn read_summary(v: &Value, header: &mut ScanHeader, point: &mut ScanPoint, new: u64) {
    let num = |name: &str| v[name].as_u64().unwrap_or(0);
    header.complete = true;
    header.files = num("files");
    header.bytes = num("bytes");
    header.cached = num("cached");
    header.errors = num("errors");
    header.skipped = num("skipped");
    header.elapsed_ms = num("elapsed_ms");
    header.interrupted = v["interrupted"].as_bool().unwrap_or(false);
    if let Some(kinds) = v["findings"].as_object() {
        header.summary_findings = kinds
            .iter()
            .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
            .collect();
    }
    if let Some(roots) = v["roots"].as_array() {
        header.roots = roots
            .iter()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
    }
    let changes = &v["changes"];
    if changes.is_object() {
        point.new = changes["new"].as_u64().or(Some(new));
        point.resolved = changes["resolved"].as_u64();
    } else if new > 0 {
        point.new = Some(new);
    }
}

/// A string field, if present (numbers and objects as their JSON text).
fn opt_text(v: &Value, name: &str) -> Option<String> {
    match &v[name] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn finding_row(v: &Value) -> FindingRow {
    let kind = opt_text(v, "kind").unwrap_or_default();
    let raw = opt_text(v, "match").unwrap_or_default();
    FindingRow {
        path: opt_text(v, "path").unwrap_or_default(),
        member: opt_text(v, "member"),
        table: opt_text(v, "table"),
        field: opt_text(v, "field"),
        key: v["key"].as_object().map(|key| {
            key.iter()
                .map(|(k, val)| {
                    format!(
                        "{k}={}",
                        val.as_str().map_or(val.to_string(), str::to_string)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
        line: v["line"].as_u64().unwrap_or(0),
        column: v["column"].as_u64().unwrap_or(0),
        masked: remask(&kind, v["rule"].is_string(), &raw),
        kind,
        confidence: opt_text(v, "confidence").unwrap_or_default(),
        reasons: v["reasons"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        status: opt_text(v, "status"),
    }
}

/// The value as the report shows it: masked with its kind's mask, unless the scan already
/// masked it. A built-in kind's match never holds a `*` (digits, letters, separators, `@`),
/// so a value with one is the scan's own mask and is kept as written; any other value is raw
/// (`--show-values`) and is masked here. A user rule's match may hold anything, so it (and an
/// unknown kind's) is always masked with the user-rule mask, which may hide more than the scan
/// did, never less.
pub fn remask(kind: &str, user_rule: bool, value: &str) -> String {
    match Kind::from_name(kind) {
        Some(k) if !user_rule && k != Kind::Custom => {
            if value.contains('*') {
                value.to_string()
            } else {
                crate::mask::mask(k, value.as_bytes())
            }
        }
        _ => crate::mask::mask(Kind::Custom, value.as_bytes()),
    }
}

fn problem_row(v: &Value) -> ProblemRow {
    ProblemRow {
        path: opt_text(v, "path").unwrap_or_default(),
        member: opt_text(v, "member"),
        table: opt_text(v, "table"),
        message: opt_text(v, "message").unwrap_or_default(),
        skipped: v["skipped"].as_bool().unwrap_or(false),
    }
}

/// The deepest folder every path added lies in (`None` for no paths, or paths with nothing in
/// common). Database URLs and `-` (stdin) count as they are.
#[derive(Default)]
struct CommonFolder(Option<String>);

impl CommonFolder {
    fn add(&mut self, path: &str) {
        let folder = match path.rfind('/') {
            Some(0) => "/",
            Some(i) if !path.contains("://") => &path[..i],
            _ => path,
        };
        self.0 = Some(match self.0.take() {
            None => folder.to_string(),
            Some(common) => shared_folder(&common, folder),
        });
    }

    fn folder(self) -> Option<String> {
        self.0.filter(|f| !f.is_empty())
    }
}

/// The longest leading run of whole `/`-separated parts `a` and `b` share.
fn shared_folder(a: &str, b: &str) -> String {
    if a == b {
        return a.to_string();
    }
    let mut end = 0;
    for ((i, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            break;
        }
        if x == '/' {
            end = if i == 0 { 1 } else { i };
        }
    }
    // A whole part of the shorter one is shared when the longer continues with a `/`.
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.starts_with(short) && long[short.len()..].starts_with('/') {
        return short.to_string();
    }
    a[..end].to_string()
}

/// A file's modification time as `YYYY-MM-DD HH:MM UTC`: when a JSON-lines output was last
/// written, which is when its scan finished.
pub fn modified_utc(path: &Path) -> io::Result<String> {
    let modified = std::fs::metadata(path)?.modified()?;
    let secs = modified
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(utc_minutes(secs))
}

/// Seconds since 1970 as `YYYY-MM-DD HH:MM UTC` (the proleptic Gregorian calendar).
pub fn utc_minutes(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(label: &str, text: &'static str) -> Source<'static> {
        Source {
            label: label.into(),
            when: None,
            reader: Box::new(text.as_bytes()),
        }
    }

    #[test]
    fn a_show_values_match_is_masked_again() {
        let input = from_json_lines(vec![source(
            "a",
            r#"{"type":"finding","path":"x","line":1,"column":1,"kind":"cpr","confidence":"high","match":"010190-1238","reasons":[]}
{"type":"finding","path":"x","line":2,"column":1,"kind":"employee","rule":"emp","confidence":"high","match":"EMP-123455","reasons":[]}
"#,
        )])
        .unwrap();
        assert_eq!(input.findings[0].masked, "010190-****");
        assert!(
            !input.findings[1].masked.contains("1234"),
            "{:?}",
            input.findings[1]
        );
    }

    #[test]
    fn a_value_the_scan_masked_is_kept_and_a_raw_one_masked_for_every_documented_kind() {
        for (kind, raw) in [
            ("cpr", "010190-1238"),
            ("cpr", "0101901238"),
            ("email", "jens@example.dk"),
            ("phone", "+45 12 34 56 78"),
            ("card", "4571 0123 4567 3456"),
            ("iban", "DK50 0040 0440 1162 43"),
            ("ip", "85.203.17.4"),
            ("cvr", "DK12345674"),
            ("bank-account", "1234 0001234567"),
        ] {
            let once = remask(kind, false, raw);
            assert_eq!(
                once,
                crate::mask::mask(Kind::from_name(kind).unwrap(), raw.as_bytes())
            );
            assert_ne!(once, raw, "{kind} is masked");
            assert_eq!(remask(kind, false, &once), once, "{kind}");
        }
    }

    #[test]
    fn the_last_input_is_the_current_scan_and_each_input_one_point() {
        let input = from_json_lines(vec![
            source(
                "jan",
                r#"{"type":"finding","path":"s/a","kind":"cpr","confidence":"high","match":"010190-****"}
{"type":"summary","files":1,"bytes":9,"findings":{"cpr":1},"errors":0,"skipped":0,"elapsed_ms":1}
"#,
            ),
            source(
                "feb",
                r#"{"type":"finding","path":"s/b/c","kind":"email","confidence":"medium","match":"j***@x.dk","status":"new"}
{"type":"error","path":"s/d","message":"cannot open","skipped":false}
{"type":"summary","files":2,"bytes":20,"findings":{"cpr":0,"email":1},"errors":1,"skipped":0,"elapsed_ms":1,"changes":{"new":1,"resolved":1}}
"#,
            ),
        ])
        .unwrap();
        assert_eq!(input.scans.len(), 2);
        assert_eq!(input.scans[0].findings, 1);
        assert_eq!(input.scans[0].new, None);
        assert_eq!(input.scans[1].new, Some(1));
        assert_eq!(input.scans[1].resolved, Some(1));
        assert_eq!(input.header.source, "feb");
        assert_eq!(input.header.files, 2);
        assert_eq!(input.findings.len(), 1);
        assert_eq!(input.problems.len(), 1);
        assert_eq!(input.header.roots, ["s"]);
        assert!(input.header.roots_derived);
    }

    #[test]
    fn an_input_without_summary_is_read_but_marked_incomplete() {
        let input = from_json_lines(vec![source(
            "killed",
            r#"{"type":"finding","path":"a","kind":"cpr","confidence":"low","match":"x"}"#,
        )])
        .unwrap();
        assert!(!input.header.complete);
        assert_eq!(input.scans[0].findings, 1);
    }

    #[test]
    fn a_line_that_is_not_json_is_an_error_naming_the_line() {
        let err =
            from_json_lines(vec![source("bad", "{\"type\":\"finding\"}\nnot json\n")]).unwrap_err();
        assert!(err.contains("bad: line 2"), "{err}");
    }

    #[test]
    fn the_common_folder_takes_whole_parts_only() {
        assert_eq!(shared_folder("share/hr", "share/hr2"), "share");
        assert_eq!(shared_folder("share/hr", "share/hr/x"), "share/hr");
        assert_eq!(shared_folder("/a/b", "/c"), "/");
        assert_eq!(shared_folder("a", "b"), "");
    }

    #[test]
    fn utc_minutes_counts_leap_years() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minutes(951_782_400 + 3_660), "2000-02-29 01:01 UTC");
        assert_eq!(utc_minutes(1_795_420_800), "2026-11-23 08:00 UTC");
    }
}
