//! The one thread that writes the state file. Workers send it what they did over a channel;
//! it writes in transactions of up to [`BATCH`] messages or [`BATCH_TIME`], whichever comes
//! first, so the scan never waits for the disk per file and a `kill -9` loses at most the last
//! batch (those files are read again by the next run).

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};

use super::Kept;

/// Messages per transaction, at most.
pub const BATCH: usize = 500;
/// Time a message may wait for its transaction, at most.
pub const BATCH_TIME: Duration = Duration::from_secs(1);

/// A file's identity on disk, as compared between scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileMeta {
    pub size: u64,
    pub mtime_ns: i64,
    pub inode: Option<u64>,
    pub device: Option<u64>,
}

/// What a worker tells the writer.
pub enum Msg {
    /// A file was read whole (or not: `reusable` false after an error record, or when it was
    /// modified too recently to trust its modification time).
    Scanned {
        path: String,
        meta: FileMeta,
        sha256: Option<String>,
        reusable: bool,
        kept: Kept,
        at_ms: i64,
    },
    /// Files' findings were taken from the state: their versions are part of this scan too.
    /// Sent in batches: one message per file would wake this thread 20,000 times a rescan.
    Seen { files: Vec<i64> },
    /// The scan ended: its totals, and whether it is complete.
    Finish(Box<Totals>),
}

/// A scan's numbers, written into its row at the end.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub complete: bool,
    pub finished_ms: i64,
    pub files: u64,
    pub cached: u64,
    pub bytes: u64,
    pub cached_bytes: u64,
    pub findings_json: String,
    pub errors: u64,
    pub new: u64,
    pub unchanged: u64,
    pub resolved: Option<u64>,
}

/// Runs the writer until the channel closes or the scan finishes; returns the first error (as a
/// message), after which it keeps draining the channel so workers never block.
pub fn run(
    mut conn: Connection,
    scan: i64,
    settings: String,
    rx: Receiver<Msg>,
) -> Result<(), String> {
    let mut error: Option<String> = None;
    let mut batch: Vec<Msg> = Vec::with_capacity(BATCH);
    let mut oldest = Instant::now();
    loop {
        let wait = BATCH_TIME.saturating_sub(oldest.elapsed());
        let msg = if batch.is_empty() {
            rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            rx.recv_timeout(wait)
        };
        let (done, flush) = match msg {
            Ok(m) => {
                if batch.is_empty() {
                    oldest = Instant::now();
                }
                let finish = matches!(m, Msg::Finish(_));
                batch.push(m);
                (finish, finish || batch.len() >= BATCH)
            }
            Err(RecvTimeoutError::Timeout) => (false, true),
            Err(RecvTimeoutError::Disconnected) => (true, true),
        };
        if flush && !batch.is_empty() {
            if error.is_none() {
                if let Err(e) = write(&mut conn, scan, &settings, &batch) {
                    error = Some(e.to_string());
                }
            }
            batch.clear();
        }
        if done {
            break;
        }
    }
    error.map_or(Ok(()), Err)
}

/// Writes one batch in one transaction.
fn write(conn: &mut Connection, scan: i64, settings: &str, batch: &[Msg]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for msg in batch {
        match msg {
            Msg::Scanned {
                path,
                meta,
                sha256,
                reusable,
                kept,
                at_ms,
            } => {
                tx.prepare_cached(
                    "INSERT INTO files (path, size, mtime_ns, inode, device, sha256, settings, \
                     reusable, findings, ignored, counts, records, scan, scanned_ms) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )?
                .execute(params![
                    path,
                    meta.size,
                    meta.mtime_ns,
                    meta.inode,
                    meta.device,
                    sha256,
                    settings,
                    reusable,
                    kept.total(),
                    kept.ignored,
                    kept.counts_json(),
                    // Text, not a blob, so SQLite tools show it (cprscan wrote it as UTF-8).
                    rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(
                        &kept.records
                    )),
                    scan,
                    at_ms
                ])?;
                let file = tx.last_insert_rowid();
                seen(&tx, scan, file)?;
            }
            Msg::Seen { files } => {
                for file in files {
                    seen(&tx, scan, *file)?;
                }
            }
            Msg::Finish(t) => {
                tx.execute(
                    "UPDATE scans SET complete = ?2, finished_ms = ?3, files = ?4, cached = ?5, \
                     bytes = ?6, cached_bytes = ?7, findings = ?8, errors = ?9, new = ?10, \
                     unchanged = ?11, resolved = ?12 WHERE id = ?1",
                    params![
                        scan,
                        t.complete,
                        t.finished_ms,
                        t.files,
                        t.cached,
                        t.bytes,
                        t.cached_bytes,
                        t.findings_json,
                        t.errors,
                        t.new,
                        t.unchanged,
                        t.resolved
                    ],
                )?;
            }
        }
    }
    tx.commit()
}

fn seen(conn: &Connection, scan: i64, file: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO seen (scan, file) VALUES (?1, ?2)")?
        .execute(params![scan, file])?;
    Ok(())
}
