//! One scan's use of the state file: at the start, one query loads the previous version of
//! every file (and the findings of those with findings) into memory; during the walk a file
//! whose size, modification time, inode and device are those of its last version, scanned with
//! the same settings, is not opened: its findings are replayed; every other file is read and
//! sent to the [`writer`](super::writer) with its findings.
//!
//! Resume: when the last scan in the file is incomplete (Ctrl-C, a crash, `kill -9`) and was
//! started with the same roots and settings, this run continues it: it keeps its number, files
//! it already recorded (and that are still unchanged) are replayed even with `--full` or
//! `--recheck-findings`, the rest is read, and the scan is then marked complete.
//!
//! A file modified less than [`RACY`] before it was read is recorded but never replayed: a
//! change within the file system's timestamp granularity would otherwise go unseen.

use std::collections::{HashMap, HashSet};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::diff::{self, Tally};
use super::record::Marks;
use super::schema;
use super::writer::{self, FileMeta, Msg, Totals};
use super::{Changes, Kept, StateSummary, Status, StoredFinding};
use crate::cli::{Config, Input};
use crate::finding::{Finding, Kind};
use crate::fingerprint::Fingerprinter;
use crate::place::Place;
use crate::printer::Summary;
use crate::scanner::KindSet;

/// How long after its last modification a file's metadata is trusted to tell a change.
pub const RACY: i64 = 2_000_000_000;

/// A file's last version in the state.
#[derive(Clone, Debug)]
struct Previous {
    id: i64,
    meta: FileMeta,
    sha256: Option<String>,
    settings: String,
    reusable: bool,
    findings: u64,
}

/// The state of one scan.
pub struct Session {
    path: PathBuf,
    /// The state file, canonical, so a walk that meets it skips it (and its `-wal`, `-shm`).
    canonical: Option<PathBuf>,
    scan: i64,
    resumed: bool,
    settings: String,
    files: HashMap<String, Previous>,
    /// Paths of the last versions by (inode, device, size, mtime): a renamed file is found
    /// under its old path.
    by_identity: HashMap<(u64, u64, u64, i64), String>,
    /// File versions already recorded by the interrupted scan this run resumes.
    done: HashSet<i64>,
    full: bool,
    recheck: bool,
    hash: bool,
    roots: Vec<String>,
    recorder: Arc<Recorder>,
    tx: Sender<Msg>,
    writer: Mutex<Option<JoinHandle<Result<(), String>>>>,
    cached: AtomicU64,
    cached_bytes: AtomicU64,
    /// Versions replayed and not yet sent to the writer (sent [`writer::BATCH`] at a time).
    seen: Mutex<Vec<i64>>,
}

/// The part of the state the output uses while it writes records: each finding's status, and
/// each tracked input's findings on their way to the state file.
pub struct Recorder {
    use_fingerprints: bool,
    /// Records are printed as the state keeps them (JSON lines, masked, no context).
    printed_is_kept: bool,
    fingerprinter: Option<Fingerprinter>,
    /// Findings of the file versions loaded: the last version of each path, and the versions
    /// the previous complete scan covered.
    kept: HashMap<i64, Kept>,
    /// The previous complete scan's file versions, by path.
    before: HashMap<String, i64>,
    in_before: HashSet<i64>,
    /// Files being read, by path as shown: what their outputs recorded so far.
    inputs: Mutex<HashMap<String, InputTally>>,
    /// Paths with an error or skip record (a file, a directory): what was there before is
    /// not called resolved, since it was not (wholly) looked at.
    unread: Mutex<Vec<String>>,
    /// Versions of the previous scan replayed whole: none of their findings is resolved.
    replayed: Mutex<HashSet<i64>>,
    /// Findings reported per path and identity, for files read (or replayed one by one).
    now: Mutex<HashMap<String, Tally>>,
    new: AtomicU64,
    unchanged: AtomicU64,
    moved: AtomicU64,
}

/// What one input's output records for the state.
#[derive(Debug, Default)]
pub struct InputTally {
    records: Vec<u8>,
    counts: Vec<(String, Kind, [u64; 3])>,
    ignored: u64,
    seen: Tally,
    /// The previous scan's findings of this path (or the path a moved file had), by identity;
    /// read when the first finding needs them.
    before: Option<Tally>,
    /// An error or skip record was written about it: it is read again next time.
    errored: bool,
}

impl InputTally {
    pub fn errored(&mut self) {
        self.errored = true;
    }
}

impl Recorder {
    /// A tally for an input's output, when the input is a file this scan tracks.
    pub fn tally(&self, path: &str) -> Option<InputTally> {
        let inputs = self.inputs.lock().unwrap_or_else(|e| e.into_inner());
        inputs.contains_key(path).then(InputTally::default)
    }

    /// The previous complete scan's findings at `path`, by identity.
    fn before_tally(&self, path: &str) -> Tally {
        let mut t = Tally::default();
        if let Some(kept) = self.before.get(path).and_then(|id| self.kept.get(id)) {
            for f in kept.findings() {
                t.add(diff::ident(path, &f, self.use_fingerprints));
            }
        }
        t
    }

    /// The status of a finding at `ident_path` (its path, or the old path of a moved file).
    fn status(
        &self,
        t: &mut InputTally,
        ident_path: &str,
        f: &StoredFinding,
        moved: bool,
    ) -> Status {
        let before = t
            .before
            .get_or_insert_with(|| self.before_tally(ident_path));
        let id = diff::ident(ident_path, f, self.use_fingerprints);
        let status = match diff::status(t.seen.add(id), before.get(id)) {
            Status::Unchanged if moved => Status::Moved,
            other => other,
        };
        let counter = match status {
            Status::New => &self.new,
            Status::Unchanged => &self.unchanged,
            Status::Moved => &self.moved,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        status
    }

    /// Records a finding just read at `place`; its status unless it is not reported
    /// (`suppressed`).
    /// `printed` is the record just written for it, if any: in JSON lines with masked values
    /// and no context it is the very record to keep, and is copied rather than written again.
    pub fn fresh(
        &self,
        t: &mut InputTally,
        place: &Place,
        f: &Finding,
        suppressed: bool,
        printed: &[u8],
    ) -> Option<Status> {
        let stored = StoredFinding::of(place, f, self.fingerprinter.as_ref());
        if stored.ignored {
            t.ignored += 1;
            return None;
        }
        if self.printed_is_kept && printed.ends_with(b"}\n") {
            t.records.extend_from_slice(printed);
        } else {
            super::record::json(&mut t.records, &place.path, &stored, &PLAIN);
        }
        Kept::count(&mut t.counts, &stored.kind_name, f.kind, f.confidence);
        if suppressed {
            self.accepted(t, &place.path, &stored);
            return None;
        }
        Some(self.status(t, &place.path, &stored, false))
    }

    /// A finding accepted by the baseline: not reported, but still there (not resolved).
    pub fn accepted(&self, t: &mut InputTally, ident_path: &str, f: &StoredFinding) {
        t.seen
            .add(diff::ident(ident_path, f, self.use_fingerprints));
    }

    /// Replays the findings of `kept` without reading a record, when they are those of the
    /// previous complete scan at the same path: all unchanged. Counts them; false when they
    /// must be replayed one by one.
    pub fn replay_whole(&self, kept: &Kept) -> bool {
        if !self.in_before.contains(&kept.id) {
            return false;
        }
        self.unchanged.fetch_add(kept.total(), Ordering::Relaxed);
        let mut replayed = self.replayed.lock().unwrap_or_else(|e| e.into_inner());
        replayed.insert(kept.id);
        true
    }

    /// The status of a finding replayed from the state one by one; `moved_from` is the file's
    /// path in the state when it was renamed since: a finding that was there is `moved`, and is
    /// counted under its old path (so it is not resolved there).
    pub fn replayed(
        &self,
        t: &mut InputTally,
        path: &str,
        f: &StoredFinding,
        moved_from: Option<&str>,
    ) -> Status {
        self.status(t, moved_from.unwrap_or(path), f, moved_from.is_some())
    }

    /// The findings of an input replayed one by one were all reported (under `ident_path`).
    pub fn replay_done(&self, ident_path: &str, t: &InputTally) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        now.entry(ident_path.to_string())
            .or_default()
            .merge(&t.seen);
    }

    /// An error or skip record about `path`.
    pub fn error(&self, path: &str) {
        self.unread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        let mut inputs = self.inputs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = inputs.get_mut(path) {
            t.errored = true;
        }
    }

    /// An output of the input at `path` is finished.
    pub fn input_done(&self, path: &str, mut t: InputTally) {
        if t.errored {
            self.unread
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path.to_string());
        }
        self.replay_done(path, &t);
        let mut inputs = self.inputs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(all) = inputs.get_mut(path) {
            all.records.append(&mut t.records);
            for (name, kind, c) in t.counts {
                match all.counts.iter_mut().find(|(n, _, _)| *n == name) {
                    Some((_, _, total)) => (0..3).for_each(|i| total[i] += c[i]),
                    None => all.counts.push((name, kind, c)),
                }
            }
            all.ignored += t.ignored;
            all.errored |= t.errored;
        }
    }
}

/// How findings are kept: the plain record, no status.
const PLAIN: Marks<'static> = Marks {
    ty: "finding",
    change: None,
    cached: false,
    status: None,
    moved_from: None,
};

/// The settings that decide what a file's findings are: a file scanned with other settings is
/// read again. Includes cprscan's version, the configuration file's bytes and the key's identity
/// (an HMAC of a fixed text: it tells keys apart without revealing them).
fn settings_signature(
    config: &Config,
    kinds: KindSet,
    config_file: Option<&Path>,
    key: Option<&Fingerprinter>,
) -> String {
    let config_bytes = config_file.and_then(|p| std::fs::read(p).ok());
    let text = format!(
        "cprscan {}; kinds {kinds:?}; min {:?}; inline-ignore {}; limits {:?}; db {:?}; \
         today {:?}; config {:?}; key {:?}",
        env!("CARGO_PKG_VERSION"),
        config.min_confidence,
        config.inline_ignore,
        config.limits,
        config.db,
        config.today,
        config_bytes.map(|b| hex(&Sha256::digest(b))),
        key.map(|k| k.fingerprint_as("cprscan-state-key", Kind::Custom, b"")),
    );
    hex(&Sha256::digest(text.as_bytes()))[..16].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A file's size, modification time and (on Unix) inode and device.
pub fn file_meta(md: &Metadata) -> FileMeta {
    let mtime_ns = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64);
    #[cfg(unix)]
    let (inode, device) = {
        use std::os::unix::fs::MetadataExt;
        (Some(md.ino()), Some(md.dev()))
    };
    #[cfg(not(unix))]
    let (inode, device) = (None, None);
    FileMeta {
        size: md.len(),
        mtime_ns,
        inode,
        device,
    }
}

/// The SHA-256 of a file's content, in hex.
fn sha256_file(path: &Path) -> Option<String> {
    let mut file = crate::run::open_read_only(path).ok()?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).ok()?;
    Some(hex(&hasher.finalize()))
}

/// The scan's roots as shown in records: the paths given (stdin and database URLs are not
/// tracked).
fn roots(config: &Config) -> Vec<String> {
    config
        .inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path(p) if !crate::db::postgres::is_url(p.as_os_str()) => {
                Some(p.to_string_lossy().into_owned())
            }
            _ => None,
        })
        .collect()
}

impl Session {
    /// Opens the state file for a scan with `config`: resumes the last scan if it is an
    /// interrupted one of the same roots and settings, else starts a new one. An error is a
    /// message for stderr naming the file.
    pub fn open(
        config: &Config,
        kinds: KindSet,
        config_file: Option<&Path>,
        key: Option<&Fingerprinter>,
    ) -> Result<Session, String> {
        let opts = &config.state;
        let path = opts.state.clone().expect("a session needs --state");
        let conn = schema::open_for_scan(&path, opts.full)?;
        let fail =
            |e: rusqlite::Error| format!("{}: cannot use the state file: {e}", path.display());
        let settings = settings_signature(config, kinds, config_file, key);
        let roots = roots(config);
        let roots_json = serde_json::to_string(&roots).expect("strings serialise");
        let last: Option<(i64, bool, String, String)> = conn
            .query_row(
                "SELECT id, complete, roots, settings FROM scans ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(fail)?;
        let (scan, resumed) = match last {
            Some((id, false, r, s)) if r == roots_json && s == settings => (id, true),
            _ => {
                conn.execute(
                    "INSERT INTO scans (started_ms, roots, settings) VALUES (?1, ?2, ?3)",
                    params![now_ms(), roots_json, settings],
                )
                .map_err(fail)?;
                (conn.last_insert_rowid(), false)
            }
        };
        let done = if resumed {
            let mut stmt = conn
                .prepare("SELECT file FROM seen WHERE scan = ?1")
                .map_err(fail)?;
            let ids = stmt
                .query_map(params![scan], |r| r.get(0))
                .map_err(fail)?
                .collect::<rusqlite::Result<HashSet<i64>>>()
                .map_err(fail)?;
            ids
        } else {
            HashSet::new()
        };
        let previous_scan: Option<i64> = conn
            .query_row(
                "SELECT max(id) FROM scans WHERE complete = 1 AND id < ?1",
                params![scan],
                |r| r.get(0),
            )
            .map_err(fail)?;
        let (files, kept, before) = load(&conn, previous_scan).map_err(fail)?;
        let by_identity = files
            .iter()
            .filter_map(|(path, p)| {
                let (inode, device) = (p.meta.inode?, p.meta.device?);
                Some(((inode, device, p.meta.size, p.meta.mtime_ns), path.clone()))
            })
            .collect();
        let use_fingerprints = key.is_some()
            && before.values().all(|id| {
                kept.get(id)
                    .is_none_or(|k| k.total() == 0 || k.findings().all(|f| f.fingerprint.is_some()))
            });
        let in_before = before.values().copied().collect();
        let (tx, rx) = mpsc::channel();
        let writer_settings = settings.clone();
        let writer = std::thread::Builder::new()
            .name("cprscan-state".into())
            .spawn(move || writer::run(conn, scan, writer_settings, rx))
            .map_err(|e| format!("{}: cannot start the state writer: {e}", path.display()))?;
        Ok(Session {
            canonical: path.canonicalize().ok(),
            path,
            scan,
            resumed,
            settings,
            files,
            by_identity,
            done,
            full: opts.full,
            // The state has neither raw values nor context snippets: files with findings are
            // read again when the output needs them.
            recheck: opts.recheck_findings || config.show_values || config.context > 0,
            hash: opts.state_hash,
            roots,
            recorder: Arc::new(Recorder {
                use_fingerprints,
                printed_is_kept: config.format == crate::cli::Format::Jsonl
                    && !config.show_values
                    && config.context == 0,
                fingerprinter: key.cloned(),
                kept,
                before,
                in_before,
                inputs: Mutex::new(HashMap::new()),
                unread: Mutex::new(Vec::new()),
                replayed: Mutex::new(HashSet::new()),
                now: Mutex::new(HashMap::new()),
                new: AtomicU64::new(0),
                unchanged: AtomicU64::new(0),
                moved: AtomicU64::new(0),
            }),
            tx,
            writer: Mutex::new(Some(writer)),
            cached: AtomicU64::new(0),
            cached_bytes: AtomicU64::new(0),
            seen: Mutex::new(Vec::new()),
        })
    }

    /// What the output needs of the state.
    pub fn recorder(&self) -> Arc<Recorder> {
        Arc::clone(&self.recorder)
    }

    /// Whether `path` is the state file in use (or its `-wal`, `-shm`, `-journal` file).
    pub fn is_state_file(&self, path: &Path) -> bool {
        let Some(state) = &self.canonical else {
            return false;
        };
        let (Some(name), Some(state_name)) = (path.file_name(), state.file_name()) else {
            return false;
        };
        let name = name.to_string_lossy();
        let state_name = state_name.to_string_lossy();
        if !name.starts_with(&*state_name) {
            return false;
        }
        let related = name == state_name
            || ["-wal", "-shm", "-journal"]
                .iter()
                .any(|ext| name == format!("{state_name}{ext}"));
        related
            && path
                .parent()
                .and_then(|p| p.canonicalize().ok())
                .is_some_and(|p| Some(p.as_path()) == state.parent())
    }

    /// The findings to replay for the file at `shown` (`fs_path` on disk) with metadata `md`
    /// when it need not be read, and the path it had in the state if it was renamed since;
    /// `None` when it must be read.
    pub fn unchanged(
        &self,
        shown: &str,
        fs_path: &Path,
        md: &Metadata,
    ) -> Option<(&Kept, Option<&str>)> {
        let meta = file_meta(md);
        let (prev, moved_from) = match self.files.get(shown) {
            Some(prev) => (prev, None),
            None => self.renamed(&meta)?,
        };
        if !prev.reusable || prev.settings != self.settings || prev.meta != meta {
            return None;
        }
        let done_before = self.done.contains(&prev.id);
        if !done_before && (self.full || (self.recheck && prev.findings > 0)) {
            return None;
        }
        if self.hash && !done_before {
            let now = sha256_file(fs_path);
            if now.is_none() || now != prev.sha256 {
                return None;
            }
        }
        let kept = self.recorder.kept.get(&prev.id)?;
        let msg = match moved_from {
            None => {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                seen.push(prev.id);
                (seen.len() >= writer::BATCH).then(|| Msg::Seen {
                    files: std::mem::take(&mut *seen),
                })
            }
            // A new version under the new path, with the findings of the old one.
            Some(_) => {
                let mut records = Vec::new();
                for f in kept.findings() {
                    super::record::json(&mut records, shown, &f, &PLAIN);
                }
                Some(Msg::Scanned {
                    path: shown.to_string(),
                    meta,
                    sha256: prev.sha256.clone(),
                    reusable: true,
                    kept: Kept {
                        id: 0,
                        records,
                        counts: kept.counts.clone(),
                        ignored: kept.ignored,
                    },
                    at_ms: now_ms(),
                })
            }
        };
        if let Some(msg) = msg {
            let _ = self.tx.send(msg);
        }
        self.cached.fetch_add(1, Ordering::Relaxed);
        self.cached_bytes
            .fetch_add(prev.meta.size, Ordering::Relaxed);
        Some((kept, moved_from))
    }

    /// The last version of a file with the identity `meta` under another path that no longer
    /// holds it: the same file, renamed or moved (a hard link, whose old path still holds the
    /// inode, is not).
    fn renamed(&self, meta: &FileMeta) -> Option<(&Previous, Option<&str>)> {
        let key = (meta.inode?, meta.device?, meta.size, meta.mtime_ns);
        let old = self.by_identity.get(&key)?;
        let still_there = std::fs::symlink_metadata(old)
            .ok()
            .is_some_and(|md| file_meta(&md).inode == meta.inode);
        if still_there {
            return None;
        }
        Some((self.files.get(old)?, Some(old.as_str())))
    }

    /// The file at `shown` is about to be read: its outputs record what they write.
    pub fn begin(&self, shown: &str) {
        let mut inputs = self
            .recorder
            .inputs
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        inputs.insert(shown.to_string(), InputTally::default());
    }

    /// The file at `shown` was read: records it with its findings. A file whose reading was
    /// cut short by a stop is not recorded (the next run reads it again).
    pub fn scanned(&self, shown: &str, fs_path: &Path, md: &Metadata) {
        let tally = {
            let mut inputs = self
                .recorder
                .inputs
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            inputs.remove(shown)
        };
        let Some(tally) = tally else { return };
        if crate::interrupt::interrupted() {
            return;
        }
        let meta = file_meta(md);
        let at_ms = now_ms();
        let settled = i128::from(at_ms) * 1_000_000 - i128::from(meta.mtime_ns) > i128::from(RACY);
        let _ = self.tx.send(Msg::Scanned {
            path: shown.to_string(),
            meta,
            sha256: if self.hash {
                sha256_file(fs_path)
            } else {
                None
            },
            reusable: settled && !tally.errored,
            kept: Kept {
                id: 0,
                records: tally.records,
                counts: tally.counts,
                ignored: tally.ignored,
            },
            at_ms,
        });
    }

    /// Ends the scan: writes its totals, marked complete when the whole walk was done (not
    /// stopped by a signal or a closed stdout), waits for the writer, and returns what the
    /// summary adds; an error is a message for stderr.
    pub fn finish(&self, summary: &Summary, complete: bool) -> Result<StateSummary, String> {
        let rec = &self.recorder;
        let unchanged = rec.unchanged.load(Ordering::Relaxed);
        let new = rec.new.load(Ordering::Relaxed);
        let resolved = complete.then(|| {
            let unread = rec.unread.lock().unwrap_or_else(|e| e.into_inner());
            let replayed = rec.replayed.lock().unwrap_or_else(|e| e.into_inner());
            let now = rec.now.lock().unwrap_or_else(|e| e.into_inner());
            let mut resolved = 0;
            for (path, id) in &rec.before {
                if replayed.contains(id)
                    || !super::under_roots(path, &self.roots)
                    || super::under_roots(path, &unread)
                {
                    continue;
                }
                resolved += match now.get(path) {
                    None => rec.kept.get(id).map_or(0, Kept::total),
                    Some(seen) => rec
                        .before_tally(path)
                        .iter()
                        .map(|(ident, n)| u64::from(n.saturating_sub(seen.get(ident))))
                        .sum(),
                };
            }
            resolved
        });
        let changes = Changes {
            new,
            unchanged,
            moved: rec.moved.load(Ordering::Relaxed),
            resolved,
        };
        let cached = self.cached.load(Ordering::Relaxed);
        let totals = Totals {
            complete,
            finished_ms: now_ms(),
            files: summary.files,
            cached,
            bytes: summary.bytes,
            cached_bytes: self.cached_bytes.load(Ordering::Relaxed),
            findings_json: schema::findings_to_json(&summary.by_confidence),
            errors: summary.errors,
            new,
            unchanged,
            resolved,
        };
        let files = std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()));
        let _ = self.tx.send(Msg::Seen { files });
        let _ = self.tx.send(Msg::Finish(Box::new(totals)));
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        let written = match writer.map(JoinHandle::join) {
            Some(Ok(res)) => res,
            Some(Err(_)) => Err("the state writer stopped".to_string()),
            None => Ok(()),
        };
        written.map_err(|e| {
            format!(
                "{}: the state file could not be updated: {e}",
                self.path.display()
            )
        })?;
        Ok(StateSummary {
            scan: self.scan,
            cached,
            resumed: self.resumed,
            changes,
        })
    }
}

/// The last version of every file, the versions the previous complete scan covered (by path),
/// and the findings of both: one pass over the files table.
#[allow(clippy::type_complexity)]
fn load(
    conn: &Connection,
    previous_scan: Option<i64>,
) -> rusqlite::Result<(
    HashMap<String, Previous>,
    HashMap<i64, Kept>,
    HashMap<String, i64>,
)> {
    let mut before: HashMap<String, i64> = HashMap::new();
    if let Some(p) = previous_scan {
        let mut stmt = conn.prepare(
            "SELECT f.path, f.id FROM seen s JOIN files f ON f.id = s.file WHERE s.scan = ?1",
        )?;
        let rows = stmt.query_map(params![p], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (path, id) = row?;
            before.insert(path, id);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT f.id, f.path, f.size, f.mtime_ns, f.inode, f.device, f.sha256, f.settings, \
         f.reusable, f.findings, f.ignored, f.counts, f.records, \
         f.id IN (SELECT max(id) FROM files GROUP BY path) AS latest \
         FROM files f WHERE latest OR f.id IN (SELECT file FROM seen WHERE scan = ?1)",
    )?;
    let mut files = HashMap::new();
    let mut kept = HashMap::new();
    let mut rows = stmt.query(params![previous_scan.unwrap_or(-1)])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let findings: u64 = r.get(9)?;
        let ignored: u64 = r.get(10)?;
        let counts: String = r.get(11)?;
        kept.insert(
            id,
            Kept {
                id,
                records: if findings > 0 {
                    r.get_ref(12)?.as_bytes()?.to_vec()
                } else {
                    Vec::new()
                },
                counts: Kept::counts_from_json(&counts),
                ignored,
            },
        );
        if r.get::<_, bool>(13)? {
            files.insert(
                r.get::<_, String>(1)?,
                Previous {
                    id,
                    meta: FileMeta {
                        size: r.get(2)?,
                        mtime_ns: r.get(3)?,
                        inode: r.get(4)?,
                        device: r.get(5)?,
                    },
                    sha256: r.get(6)?,
                    settings: r.get(7)?,
                    reusable: r.get(8)?,
                    findings,
                },
            );
        }
    }
    Ok((files, kept, before))
}

/// The session of a scan with `config`: `None` without `--state`; an error (a message for
/// stderr) for options the state cannot serve, or a state file that cannot be used.
pub fn open_for(
    config: &Config,
    kinds: KindSet,
    settings: &crate::config::Settings,
    key: &Option<Fingerprinter>,
) -> Result<Option<Session>, String> {
    if config.state.state.is_none() {
        return Ok(None);
    }
    // SARIF and baselines are built from raw values (fingerprints, suppressions) the state does
    // not keep; a shard sees only part of the tree, so nothing it misses is resolved.
    if config.write_baseline {
        return Err("--state cannot be used with `baseline write`".into());
    }
    if config.format == crate::cli::Format::Sarif {
        return Err("--state works with --format jsonl, text or summary, not sarif".into());
    }
    if config.scale.plan.shard.is_some() {
        return Err("--state cannot be used with --shard: give each shard its own scan".into());
    }
    Session::open(config, kinds, settings.path.as_deref(), key.as_ref()).map(Some)
}
