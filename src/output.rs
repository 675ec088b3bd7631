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
use std::sync::{Mutex, MutexGuard};

use crate::cli::Format;
use crate::finding::{Finding, Kind};
use crate::printer::Printer;

/// Bytes of formatted records a worker buffers per file before it writes them through.
pub const SPILL: usize = 1 << 20;

/// The process's single writer.
pub struct Output {
    data: Mutex<Box<dyn Write + Send>>,
    messages: Mutex<Box<dyn Write + Send>>,
    printer: Printer,
    /// Set once stdout is closed (e.g. `cprscan . | head -1`): workers then stop quietly.
    closed: AtomicBool,
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
        }
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

    /// Writes an error or skip record about `path`: to stdout as data in JSON lines, to stderr
    /// as a message in text format.
    pub fn error(&self, path: &str, message: &str, skipped: bool) {
        let mut buf = Vec::new();
        self.printer.error(&mut buf, path, message, skipped);
        self.route_record(&buf);
    }

    /// Writes the summary, last.
    pub fn summary(&self, summary: &crate::printer::Summary) {
        let mut buf = Vec::new();
        self.printer.summary(&mut buf, summary);
        self.route_record(&buf);
    }

    fn route_record(&self, buf: &[u8]) {
        match self.printer.format() {
            Format::Jsonl => {
                let mut w = self.lock_data();
                let _ = self.write_data(&mut w, buf, false);
            }
            Format::Text => {
                let mut w = self.messages.lock().unwrap_or_else(|e| e.into_inner());
                let _ = w.write_all(buf).and_then(|()| w.flush());
            }
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
    path: &'a str,
    /// Streams flush every batch, so each finding appears as soon as its line is scanned.
    stream: bool,
    buf: Vec<u8>,
    held: Option<MutexGuard<'a, Box<dyn Write + Send>>>,
    /// Findings written for this input, per kind (indexed by `Kind as usize`).
    pub counts: [u64; Kind::ALL.len()],
    /// Findings of user rules, per reported kind name (few rules: a short list).
    pub custom: Vec<(String, u64)>,
}

impl<'a> InputOutput<'a> {
    pub fn new(out: &'a Output, path: &'a str, stream: bool, buf: Vec<u8>) -> InputOutput<'a> {
        InputOutput {
            out,
            path,
            stream,
            buf,
            held: None,
            counts: [0; Kind::ALL.len()],
            custom: Vec::new(),
        }
    }

    /// Formats a batch of findings; writes through when streaming or when the buffer is full.
    pub fn findings(&mut self, batch: &[Finding]) -> io::Result<()> {
        for f in batch {
            self.out.printer.finding(&mut self.buf, self.path, f);
            self.counts[f.kind as usize] += 1;
            if f.rule.is_some() {
                count_by_name(&mut self.custom, f.kind_name(), 1);
            }
        }
        if self.stream || self.buf.len() >= SPILL {
            self.write_through()?;
        }
        Ok(())
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
        let res = self.write_through();
        self.held = None;
        (res, std::mem::take(&mut self.buf))
    }
}

/// Adds `n` to the count of `name` in a short list of named counts.
pub fn count_by_name(counts: &mut Vec<(String, u64)>, name: &str, n: u64) {
    match counts.iter_mut().find(|(k, _)| k == name) {
        Some((_, c)) => *c += n,
        None => counts.push((name.to_string(), n)),
    }
}
