//! A report from a scan state (`cprscan report --state FILE`): the complete scans are the
//! trend, the latest complete one is shown in detail. The state holds only masked values, and
//! the report masks once more anyway ([`model::remask`]), as for JSON lines.

use std::collections::BTreeMap;
use std::path::Path;

use super::model::{self, FindingRow, ReportInput, ScanHeader, ScanPoint};
use crate::state::{ScanRow, Store};

/// Reads the scans and the latest complete scan's findings of the state file at `path`.
pub fn read(path: &Path) -> Result<ReportInput, String> {
    let store = Store::open_read_only(path)?;
    let scans: Vec<ScanRow> = store.scans()?.into_iter().filter(|s| s.complete).collect();
    let Some(last) = scans.last() else {
        return Err(format!(
            "{}: no complete scan recorded yet (run `cprscan --state {} PATH` first)",
            path.display(),
            path.display()
        ));
    };
    let findings = store
        .last_scan_findings()?
        .into_iter()
        .map(|row| {
            let f = row.finding;
            let key = (!f.row_key.is_empty()).then(|| {
                f.row_key
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            FindingRow {
                path: row.path,
                member: f.member,
                table: f.table,
                field: f.field,
                key,
                line: f.line,
                column: f.column,
                masked: model::remask(&f.kind_name, f.rule.is_some(), &f.masked),
                kind: f.kind_name,
                confidence: f.confidence.as_str().to_string(),
                reasons: f.reasons,
                status: Some(row.status.as_str().to_string()),
            }
        })
        .collect();
    let header = ScanHeader {
        source: path.to_string_lossy().into_owned(),
        when: Some(when(last.started_ms)),
        roots: last.roots.clone(),
        roots_derived: false,
        // Read by this scan, as a JSON-lines summary counts them (replayed files are not).
        files: last.files,
        bytes: last.bytes,
        cached: last.cached,
        errors: last.errors,
        skipped: 0,
        elapsed_ms: last
            .finished_ms
            .map_or(0, |end| end.saturating_sub(last.started_ms).max(0) as u64),
        interrupted: false,
        complete: true,
        summary_findings: by_kind(last),
    };
    Ok(ReportInput {
        scans: scans.iter().map(point).collect(),
        header,
        findings,
        problems: Vec::new(),
    })
}

/// A complete scan as a point of the trend.
fn point(s: &ScanRow) -> ScanPoint {
    let by_kind = by_kind(s);
    ScanPoint {
        label: format!("scan {}", s.id),
        when: Some(when(s.started_ms)),
        findings: by_kind.values().sum(),
        by_kind,
        new: Some(s.new),
        resolved: s.resolved,
    }
}

/// Findings per kind, every confidence together; kinds without findings left out, as in the
/// JSON-lines reading.
fn by_kind(s: &ScanRow) -> BTreeMap<String, u64> {
    s.findings
        .iter()
        .map(|(kind, c)| (kind.clone(), c.iter().sum::<u64>()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn when(ms: i64) -> String {
    model::utc_minutes((ms.max(0) / 1000) as u64)
}
