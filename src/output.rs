//! Where records go. Workers format records into their own buffers (in parallel) and hand
//! finished lines to one [`Output`], so lines never interleave. All findings of one file come
//! together: a worker writes a small file's records in one go when the file is done; a file
//! whose records outgrow [`SPILL`] takes the output lock and keeps it until the file ends, so
//! memory stays bounded however many findings a file holds.
//!
//! Data records go to stdout. In text format, error and summary lines are messages for a
//! person and go to stderr, so stdout holds only the data format.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use std::collections::HashSet;

use crate::baseline::{self, Baseline, Entry};
use crate::finding::{Confidence, Finding, Kind, Suppression};
use crate::fingerprint::Fingerprinter;
use crate::place::Place;
use crate::printer::Printer;
use crate::state::session::{InputTally, Recorder};

/// Bytes of formatted records a worker buffers per file before it writes them through.
pub const SPILL: usize = 1 << 20;

/// The CI gate: which findings fail the run, which are accepted, and whether findings are
/// printed as they come or kept for a document written at the end.
pub struct Gate {
    /// Findings at or above this confidence make the exit status 1.
    pub fail_on: Confidence,
    /// Accepted findings, and the key their fingerprints were made with.
    pub baseline: Option<(Baseline, Fingerprinter)>,
    /// Keep every finding (suppressed ones too) for the end instead of printing it: SARIF and
    /// `baseline write`.
    pub collect: bool,
    /// Print one line of counts per file instead of each finding (`--format summary`).
    pub file_lines: bool,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            fail_on: Confidence::Medium,
            baseline: None,
            collect: false,
            file_lines: false,
        }
    }
}

/// The process's single writer.
pub struct Output {
    data: Mutex<Box<dyn Write + Send>>,
    messages: Mutex<Box<dyn Write + Send>>,
    printer: Printer,
    /// Set once stdout is closed (e.g. `cprscan . | head -1`): workers then stop quietly.
    closed: AtomicBool,
    gate: Gate,
    /// What [`Gate::collect`] keeps: (where, finding).
    collected: Mutex<Vec<(Place, Finding)>>,
    /// Baseline entries matched, and the paths scanned (normalised), for stale entries.
    baseline_seen: Mutex<(HashSet<Entry>, HashSet<String>)>,
    /// With `--state`: statuses, and findings on their way to the state file.
    state: Option<Arc<Recorder>>,
}

impl Output {
    pub fn new(
        data: Box<dyn Write + Send>,
        messages: Box<dyn Write + Send>,
        printer: Printer,
    ) -> Output {
        Output {
            data: Mutex::new(data),
            messages: Mutex::new(messages),
            printer,
            closed: AtomicBool::new(false),
            gate: Gate::default(),
            collected: Mutex::new(Vec::new()),
            baseline_seen: Mutex::new((HashSet::new(), HashSet::new())),
            state: None,
        }
    }

    /// Records findings into the scan state and marks each with its status (`--state`).
    pub fn with_state(mut self, recorder: Arc<Recorder>) -> Output {
        self.state = Some(recorder);
        self
    }

    pub fn with_gate(mut self, gate: Gate) -> Output {
        self.gate = gate;
        self
    }

    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// The collected findings, in place and offset order.
    pub fn take_collected(&self) -> Vec<(Place, Finding)> {
        let mut all =
            std::mem::take(&mut *self.collected.lock().unwrap_or_else(|e| e.into_inner()));
        all.sort_by(|a, b| (&a.0, a.1.offset).cmp(&(&b.0, b.1.offset)));
        all
    }

    /// Baseline entries for files that were scanned but whose finding was not seen.
    pub fn stale_baseline_entries(&self) -> Vec<Entry> {
        let Some((baseline, _)) = &self.gate.baseline else {
            return Vec::new();
        };
        let seen = self.baseline_seen.lock().unwrap_or_else(|e| e.into_inner());
        baseline
            .entries()
            .filter(|e| seen.1.contains(&e.path) && !seen.0.contains(*e))
            .cloned()
            .collect()
    }

    /// Writes a finished document (SARIF, a baseline) to stdout.
    pub fn document(&self, text: &str) -> io::Result<()> {
        let mut w = self.lock_data();
        self.write_data(&mut w, text.as_bytes(), true)
    }

    /// Writes a message line to stderr.
    pub fn message(&self, text: &str) {
        let mut w = self.messages.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(w, "{text}").and_then(|()| w.flush());
    }

    pub fn printer(&self) -> &Printer {
        &self.printer
    }

    /// Whether stdout was closed by the reader.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    fn lock_data(&self) -> MutexGuard<'_, Box<dyn Write + Send>> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes finished data lines, flushing when `flush` (streams) is set.
    fn write_data(
        &self,
        w: &mut MutexGuard<'_, Box<dyn Write + Send>>,
        bytes: &[u8],
        flush: bool,
    ) -> io::Result<()> {
        let res = w
            .write_all(bytes)
            .and_then(|()| if flush { w.flush() } else { Ok(()) });
        if let Err(e) = &res {
            if e.kind() == io::ErrorKind::BrokenPipe {
                self.closed.store(true, Ordering::Relaxed);
            }
        }
        res
    }

    /// Writes an error or skip record about `place`: to stdout as data in JSON lines, to
    /// stderr as a message in text format.
    pub fn error(&self, place: &Place, message: &str, skipped: bool) {
        if let Some(state) = &self.state {
            state.error(&place.path);
        }
        let mut buf = Vec::new();
        self.printer.error(&mut buf, place, message, skipped);
        self.route_record(&buf);
    }

    /// Writes the summary, last.
    pub fn summary(&self, summary: &crate::printer::Summary) {
        let mut buf = Vec::new();
        self.printer.summary(&mut buf, summary);
        self.route_record(&buf);
    }

    fn route_record(&self, buf: &[u8]) {
        if self.printer.format().json_lines() {
            let mut w = self.lock_data();
            let _ = self.write_data(&mut w, buf, false);
        } else {
            let mut w = self.messages.lock().unwrap_or_else(|e| e.into_inner());
            let _ = w.write_all(buf).and_then(|()| w.flush());
        }
    }

    /// Flushes stdout at the end of the run.
    pub fn flush(&self) -> io::Result<()> {
        let mut w = self.lock_data();
        let res = w.flush();
        if matches!(&res, Err(e) if e.kind() == io::ErrorKind::BrokenPipe) {
            self.closed.store(true, Ordering::Relaxed);
        }
        res
    }
}

/// The records of one input on their way to the [`Output`]; see the module docs.
pub struct InputOutput<'a> {
    out: &'a Output,
    /// Where the findings of the next batch are; a source that reads members or cells moves
    /// it with [`InputOutput::place_mut`] between batches.
    place: Place,
    /// Streams flush every batch, so each finding appears as soon as its line is scanned.
    stream: bool,
    buf: Vec<u8>,
    held: Option<MutexGuard<'a, Box<dyn Write + Send>>>,
    /// Findings reported for this input, per kind (indexed by `Kind as usize`) and confidence
    /// (indexed by `Confidence as usize`).
    pub counts: [[u64; 3]; Kind::ALL.len()],
    /// Findings of user rules, per reported kind name (few rules: a short list).
    pub custom: Vec<(String, [u64; 3])>,
    /// Findings accepted by an inline marker or the baseline.
    pub suppressed: u64,
    /// Whether a reported finding is at or above [`Gate::fail_on`].
    pub failing: bool,
    collected: Vec<(Place, Finding)>,
    baseline_seen: Vec<Entry>,
    /// Members or cells left by [`InputOutput::set_place`], for stale baseline entries.
    scanned: Vec<String>,
    /// With `--state`, for a file the state tracks: its findings and their statuses.
    tally: Option<InputTally>,
}

impl<'a> InputOutput<'a> {
    pub fn new(out: &'a Output, place: Place, stream: bool, buf: Vec<u8>) -> InputOutput<'a> {
        InputOutput {
            out,
            stream,
            buf,
            held: None,
            counts: [[0; 3]; Kind::ALL.len()],
            custom: Vec::new(),
            suppressed: 0,
            failing: false,
            collected: Vec::new(),
            baseline_seen: Vec::new(),
            scanned: Vec::new(),
            tally: out.state.as_ref().and_then(|s| s.tally(&place.path)),
            place,
        }
    }

    /// Whether `f` is accepted: by its inline marker, or by the baseline.
    fn suppression(&mut self, f: &Finding) -> Option<Suppression> {
        if f.suppressed.is_some() {
            return f.suppressed;
        }
        let (baseline, key) = self.out.gate.baseline.as_ref()?;
        let entry = Entry {
            path: baseline::normalise_path(&self.place.joined()),
            kind: f.kind_name().to_string(),
            fingerprint: key.fingerprint_of(f),
        };
        if baseline.contains(&entry.path, &entry.kind, &entry.fingerprint) {
            self.baseline_seen.push(entry);
            return Some(Suppression::Baseline);
        }
        None
    }

    /// Where the next findings are.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// Moves on to another member or cell of the same input: the findings of the batches
    /// that follow are there. Counts and the gate carry on across members.
    pub fn set_place(&mut self, place: Place) {
        let old = std::mem::replace(&mut self.place, place);
        if self.out.gate.baseline.is_some() {
            self.scanned.push(baseline::normalise_path(&old.joined()));
        }
    }

    /// An error or skip record about a part of this input (a container member), in order with
    /// its findings: buffered with them in JSON lines, a message on stderr otherwise.
    pub fn error(&mut self, place: &Place, message: &str, skipped: bool) {
        if let Some(t) = &mut self.tally {
            t.errored();
        }
        if self.out.printer.format().json_lines() {
            self.out
                .printer
                .error(&mut self.buf, place, message, skipped);
        } else {
            self.out.error(place, message, skipped);
        }
    }

    /// Formats a batch of findings; writes through when streaming or when the buffer is full.
    pub fn findings(&mut self, batch: &[Finding]) -> io::Result<()> {
        let gate = &self.out.gate;
        for f in batch {
            let suppressed = self.suppression(f);
            if suppressed.is_some() {
                self.suppressed += 1;
            } else {
                let conf = f.confidence as usize;
                self.counts[f.kind as usize][conf] += 1;
                if f.rule.is_some() {
                    count_by_name(&mut self.custom, f.kind_name(), conf, 1);
                }
                self.failing |= f.confidence >= gate.fail_on;
            }
            let start = self.buf.len();
            if gate.collect {
                let mut kept = f.clone();
                kept.suppressed = suppressed;
                self.collected.push((self.place.clone(), kept));
            } else if suppressed.is_none() && !gate.file_lines {
                self.out.printer.finding(&mut self.buf, &self.place, f);
            }
            if let (Some(state), Some(t)) = (&self.out.state, &mut self.tally) {
                let printed = &self.buf[start..];
                let status = state.fresh(t, &self.place, f, suppressed.is_some(), printed);
                crate::state::add_status(&mut self.buf, start, status, self.out.printer.format());
            }
        }
        if self.stream || self.buf.len() >= SPILL {
            self.write_through()?;
        }
        Ok(())
    }

    /// Replays findings of an unchanged file from the scan state (`--state`), as
    /// [`InputOutput::findings`] writes fresh ones: counted, gated, marked `"cached":true`.
    /// `moved_from`: the file's path in the state, when it was renamed since.
    pub fn cached(
        &mut self,
        kept: &crate::state::Kept,
        state: &Recorder,
        moved_from: Option<&str>,
    ) {
        let gate = &self.out.gate;
        self.suppressed += kept.ignored;
        let json = self.out.printer.format() != crate::cli::Format::Text;
        // The usual rescan: the findings the last scan reported here, copied as they were.
        if gate.baseline.is_none() && json && moved_from.is_none() && state.replay_whole(kept) {
            for (name, kind, counts) in &kept.counts {
                for (conf, &n) in counts.iter().enumerate() {
                    self.counts[*kind as usize][conf] += n;
                    if *kind == Kind::Custom {
                        count_by_name(&mut self.custom, name, conf, n);
                    }
                }
                self.failing |= (gate.fail_on as usize..3).any(|c| counts[c] > 0);
            }
            if !gate.file_lines {
                crate::state::replay_lines(&mut self.buf, kept, crate::state::Status::Unchanged);
            }
            return;
        }
        let mut tally = InputTally::default();
        for f in kept.findings() {
            let entry = gate.baseline.as_ref().and_then(|(b, _)| {
                let path = baseline::normalise_path(&f.place(&self.place.path).joined());
                let fp = f.fingerprint.as_ref()?;
                b.contains(&path, &f.kind_name, fp).then(|| Entry {
                    path,
                    kind: f.kind_name.clone(),
                    fingerprint: fp.clone(),
                })
            });
            if let Some(entry) = entry {
                self.baseline_seen.push(entry);
                self.suppressed += 1;
                state.accepted(&mut tally, moved_from.unwrap_or(&self.place.path), &f);
                continue;
            }
            let conf = f.confidence as usize;
            let kind = Kind::from_name(&f.kind).unwrap_or(Kind::Custom);
            self.counts[kind as usize][conf] += 1;
            if f.rule.is_some() {
                count_by_name(&mut self.custom, &f.kind_name, conf, 1);
            }
            self.failing |= f.confidence >= gate.fail_on;
            let s = state.replayed(&mut tally, &self.place.path, &f, moved_from);
            if !gate.file_lines {
                let from = moved_from.filter(|_| s == crate::state::Status::Moved);
                self.out
                    .printer
                    .cached_finding(&mut self.buf, &self.place.path, &f, s, from);
            }
        }
        state.replay_done(moved_from.unwrap_or(&self.place.path), &tally);
    }

    fn write_through(&mut self) -> io::Result<()> {
        if self.buf.is_empty() && !self.stream {
            return Ok(());
        }
        let out = self.out;
        let w = self.held.get_or_insert_with(|| out.lock_data());
        let res = out.write_data(w, &self.buf, self.stream);
        self.buf.clear();
        if self.stream {
            // A stream never holds the lock between batches: other inputs may interleave
            // between its flushed batches only at line boundaries.
            self.held = None;
        }
        res
    }

    /// Writes what is left and releases the output. Returns the buffer for reuse.
    pub fn finish(mut self) -> (io::Result<()>, Vec<u8>) {
        let out = self.out;
        if out.gate.file_lines {
            out.printer
                .file_counts(&mut self.buf, &self.place, &self.counts, &self.custom);
        }
        if let (Some(state), Some(t)) = (&out.state, self.tally.take()) {
            state.input_done(&self.place.path, t);
        }
        if !self.collected.is_empty() {
            let mut all = out.collected.lock().unwrap_or_else(|e| e.into_inner());
            all.append(&mut self.collected);
        }
        if out.gate.baseline.is_some() {
            let mut seen = out.baseline_seen.lock().unwrap_or_else(|e| e.into_inner());
            seen.0.extend(self.baseline_seen.drain(..));
            seen.1
                .insert(baseline::normalise_path(&self.place.joined()));
            seen.1.extend(self.scanned.drain(..));
        }
        let res = self.write_through();
        self.held = None;
        (res, std::mem::take(&mut self.buf))
    }
}

/// Adds `n` to the count of `name` at confidence index `conf` in a short list of named counts.
pub fn count_by_name(counts: &mut Vec<(String, [u64; 3])>, name: &str, conf: usize, n: u64) {
    match counts.iter_mut().find(|(k, _)| k == name) {
        Some((_, c)) => c[conf] += n,
        None => {
            let mut c = [0; 3];
            c[conf] = n;
            counts.push((name.to_string(), c));
        }
    }
}
