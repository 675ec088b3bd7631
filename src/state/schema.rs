//! The state file's tables, its schema version (`PRAGMA user_version`), and what happens to a
//! file that cannot be used: an error naming it (a newer schema, a corrupt or foreign file), or
//! with `--full` the file moved aside and a new one started. A state file is never deleted.
//!
//! Tables (times are milliseconds since the Unix epoch; `datetime(started_ms/1000,'unixepoch')`
//! shows them in any SQLite tool):
//! - `scans`: one row per scan; `complete` is 0 until the scan ends whole.
//! - `files`: one row per version of a file (path as shown in records, size, mtime in ns,
//!   inode, device, optional SHA-256); a file read again gets a new row, an unchanged one keeps
//!   its row.
//! - `seen`: which file versions each scan covered (read or taken from the state).
//! - `files.records`: the findings of a file version, one JSON object per line, the record a
//!   scan printed (place, kind, position, masked value, reasons, keyed fingerprint; never a raw
//!   value); `files.counts` their counts per kind and confidence. One row per file, not per
//!   finding: a share with a million findings is replayed by copying 20,000 texts. In SQLite:
//!   `SELECT path, value FROM files, json_each('[' || replace(trim(records, char(10)), char(10), ',') || ']')`.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags};

use super::{ScanRow, StoredFinding};

/// The schema this cprscan writes and reads.
pub const VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    started_ms INTEGER NOT NULL,
    finished_ms INTEGER,
    complete INTEGER NOT NULL DEFAULT 0,
    roots TEXT NOT NULL,
    settings TEXT NOT NULL,
    files INTEGER NOT NULL DEFAULT 0,
    cached INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    cached_bytes INTEGER NOT NULL DEFAULT 0,
    findings TEXT NOT NULL DEFAULT '{}',
    errors INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER
);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER,
    device INTEGER,
    sha256 TEXT,
    settings TEXT NOT NULL,
    reusable INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    ignored INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '[]',
    records TEXT NOT NULL DEFAULT '',
    scan INTEGER NOT NULL REFERENCES scans(id),
    scanned_ms INTEGER NOT NULL
);
CREATE INDEX files_path ON files(path, id);
CREATE TABLE seen (
    scan INTEGER NOT NULL,
    file INTEGER NOT NULL,
    PRIMARY KEY (scan, file)
) WITHOUT ROWID;
";

/// Why a state file cannot be used.
fn unusable(path: &Path, why: &str) -> String {
    format!(
        "{}: {why}; run with --full to move it aside and start a new state file",
        path.display()
    )
}

/// Opens (or creates) the state file for a scan. With `full`, a file that cannot be used is
/// moved aside to `FILE.corrupt-<unix time>` (and named on stderr) and a new one created.
pub fn open_for_scan(path: &Path, full: bool) -> Result<Connection, String> {
    match open_checked(path) {
        Ok(conn) => Ok(conn),
        Err(why) if full && path.exists() => {
            let aside = aside_name(path);
            std::fs::rename(path, &aside)
                .map_err(|e| format!("{why}; moving it aside failed: {e}"))?;
            for ext in ["-wal", "-shm", "-journal"] {
                let mut side = path.as_os_str().to_owned();
                side.push(ext);
                let mut to = aside.as_os_str().to_owned();
                to.push(ext);
                let _ = std::fs::rename(&side, &to);
            }
            eprintln!(
                "cprscan: {}: the state file could not be used; moved aside to {}, starting a new one",
                path.display(),
                aside.display()
            );
            open_checked(path)
        }
        Err(why) => Err(why),
    }
}

fn aside_name(path: &Path) -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".corrupt-{secs}"));
    PathBuf::from(name)
}

/// Opens the file, creating the schema in a new (empty) database, and checks its version.
fn open_checked(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| unusable(path, &e.to_string()))?;
    let fail = |e: rusqlite::Error| unusable(path, &format!("not a usable state file ({e})"));
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(fail)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(fail)?;
    match version {
        0 => {
            let tables: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(fail)?;
            if tables > 0 {
                return Err(unusable(
                    path,
                    "an SQLite file that is not a cprscan state file",
                ));
            }
            // WAL: a killed run loses at most the transaction it was writing; readers (a
            // report, a DPO's SQLite tool) do not block the scan.
            conn.execute_batch("PRAGMA journal_mode = WAL")
                .map_err(fail)?;
            conn.execute_batch(&format!(
                "BEGIN; {SCHEMA} PRAGMA user_version = {VERSION}; COMMIT;"
            ))
            .map_err(fail)?;
        }
        VERSION => {}
        v if v > VERSION => {
            return Err(unusable(
                path,
                &format!(
                    "written by a newer cprscan (state schema {v}; this one reads {VERSION}): \
                     use that version"
                ),
            ))
        }
        v => {
            return Err(unusable(path, &format!("unknown state schema {v}")));
        }
    }
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .map_err(fail)?;
    // A cheap look at every table and column this cprscan uses: a damaged file, or one of an
    // unreleased layout, fails here (where --full can move it aside), before the scan starts.
    conn.execute_batch(
        "SELECT id, started_ms, finished_ms, complete, roots, settings, files, cached, bytes, \
         cached_bytes, findings, errors, new, unchanged, resolved FROM scans LIMIT 1; \
         SELECT id, path, size, mtime_ns, inode, device, sha256, settings, reusable, findings, \
         ignored, counts, records, scan, scanned_ms FROM files ORDER BY id DESC LIMIT 1; \
         SELECT scan, file FROM seen LIMIT 1;",
    )
    .map_err(fail)?;
    Ok(conn)
}

/// Opens the file read-only, checking its version; for reports and `cprscan diff`.
pub fn open_read_only(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("{}: cannot open the state file: {e}", path.display()))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| format!("{}: not a usable state file ({e})", path.display()))?;
    if version != VERSION {
        return Err(format!(
            "{}: not a cprscan state file of schema {VERSION} (found {version})",
            path.display()
        ));
    }
    Ok(conn)
}

/// Every scan, oldest first.
pub fn scans(conn: &Connection) -> rusqlite::Result<Vec<ScanRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, started_ms, finished_ms, complete, roots, files, cached, bytes, cached_bytes, \
         findings, errors, new, unchanged, resolved FROM scans ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let roots: String = r.get(4)?;
        let findings: String = r.get(9)?;
        Ok(ScanRow {
            id: r.get(0)?,
            started_ms: r.get(1)?,
            finished_ms: r.get(2)?,
            complete: r.get(3)?,
            roots: serde_json::from_str(&roots).unwrap_or_default(),
            files: r.get(5)?,
            cached: r.get(6)?,
            bytes: r.get(7)?,
            cached_bytes: r.get(8)?,
            findings: findings_from_json(&findings),
            errors: r.get(10)?,
            new: r.get(11)?,
            unchanged: r.get(12)?,
            resolved: r.get(13)?,
        })
    })?;
    rows.collect()
}

/// Per kind and confidence as the scans table keeps them: `{"cpr":{"high":1,"medium":0,"low":0}}`.
pub fn findings_to_json(by: &[(String, [u64; 3])]) -> String {
    let mut map = serde_json::Map::new();
    for (kind, [low, medium, high]) in by {
        map.insert(
            kind.clone(),
            serde_json::json!({ "high": high, "medium": medium, "low": low }),
        );
    }
    serde_json::Value::Object(map).to_string()
}

fn findings_from_json(text: &str) -> Vec<(String, [u64; 3])> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    map.into_iter()
        .map(|(k, v)| {
            let n = |c: &str| v[c].as_u64().unwrap_or(0);
            (k, [n("low"), n("medium"), n("high")])
        })
        .collect()
}

/// The findings of every file version scan `id` covered, with their paths, in path order
/// (a file's in its order).
pub fn findings_of_scan(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Vec<(String, StoredFinding)>> {
    let mut stmt = conn.prepare(
        "SELECT f.path, f.records FROM seen s JOIN files f ON f.id = s.file \
         WHERE s.scan = ?1 AND f.findings > 0 ORDER BY f.path",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query(params![id])?;
    while let Some(r) = rows.next()? {
        let path: String = r.get(0)?;
        let records = r.get_ref(1)?.as_bytes()?;
        out.extend(
            super::lines(records)
                .filter_map(|l| std::str::from_utf8(l).ok())
                .filter_map(StoredFinding::from_record)
                .map(|f| (path.clone(), f)),
        );
    }
    Ok(out)
}
