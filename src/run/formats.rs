//! The one place where a run meets the source layer of [`crate::extract`]: an input whose first
//! bytes say it is not plain text (compressed, an archive, a document, another encoding, binary)
//! is handed to the extractor, and every text it yields is searched into the input's output,
//! its findings placed at their member.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::Ordering;

use crate::extract::{self, Flow, Format, Note, TextKind, Visitor};
use crate::interrupt;
use crate::output::InputOutput;
use crate::place::Place;
use crate::search::{SearchError, Searcher};

use super::{finish_output, CountingReader, Shared};

/// Reads the first bytes of `reader` into `head` with one read (a pipe is not waited on for
/// more than it holds), and tells the format. Returns the format and the bytes read.
pub(super) fn sniff<R: Read>(reader: &mut R, head: &mut [u8]) -> io::Result<(Format, usize)> {
    let n = loop {
        if interrupt::interrupted() {
            break 0;
        }
        match reader.read(head) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            res => break res?,
        }
    };
    Ok((extract::sniff(&head[..n]), n))
}

thread_local! {
    /// Each walker thread's buffer for the start of a file: allocated once, never cleared.
    static HEAD: RefCell<Box<[u8]>> = RefCell::new(vec![0; extract::HEAD].into_boxed_slice());
}

/// Tells a file's format from its start, read with `pread` so the file's position stays at 0
/// (the plain path then reads it exactly as before). A file whose start cannot be read is
/// plain: the read that follows reports the error. Also says whether that one read came back
/// shorter than asked, i.e. held the whole file (a file under [`extract::HEAD`] bytes).
pub(super) fn sniff_file(file: &File) -> (Format, bool) {
    HEAD.with(|head| {
        let mut head = head.borrow_mut();
        let n = loop {
            match read_start(file, &mut head) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return (Format::Plain, false),
                Ok(n) => break n,
            }
        };
        (extract::sniff(&head[..n]), n < head.len())
    })
}

#[cfg(unix)]
fn read_start(file: &File, buf: &mut [u8]) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, 0)
}

#[cfg(not(unix))]
fn read_start(mut file: &File, buf: &mut [u8]) -> io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let n = file.read(buf)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(n)
}

/// Scans a file that is not plain text, from its start. Returns the output buffer for reuse.
pub(super) fn scan_file(
    shared: &Shared,
    searcher: &mut Searcher,
    mut file: File,
    shown: &str,
    format: Format,
    buf: Vec<u8>,
) -> Vec<u8> {
    let mut visitor = ScanVisitor::new(shared, searcher, shown, false, buf);
    let limits = &shared.config.limits;
    extract::extract_file(&mut file, shown, format, limits, &mut visitor);
    visitor.finish()
}

/// Scans a stream (stdin, a pipe) that is not plain text.
pub(super) fn scan_stream(
    shared: &Shared,
    reader: &mut dyn Read,
    head: &[u8],
    shown: &str,
    format: Format,
) {
    let mut searcher = Searcher::new(super::STREAM_CHUNK);
    let mut visitor = ScanVisitor::new(shared, &mut searcher, shown, true, Vec::new());
    let limits = &shared.config.limits;
    extract::extract_stream(reader, head, shown, format, limits, &mut visitor);
    visitor.finish();
}

/// Searches each text of one input into the input's output.
struct ScanVisitor<'a, 's> {
    shared: &'a Shared<'s>,
    searcher: &'a mut Searcher,
    output: InputOutput<'a>,
    path: &'a str,
    /// Bytes of text searched.
    bytes: u64,
    /// An error note was reported: the input was read only in part.
    partial: bool,
    /// The output failed (closed): the findings of this input are lost, so stop.
    sink_failed: Option<SearchError>,
}

impl<'a, 's> ScanVisitor<'a, 's> {
    fn new(
        shared: &'a Shared<'s>,
        searcher: &'a mut Searcher,
        path: &'a str,
        stream: bool,
        buf: Vec<u8>,
    ) -> ScanVisitor<'a, 's> {
        ScanVisitor {
            shared,
            searcher,
            output: InputOutput::new(&shared.out, Place::new(path), stream, buf),
            path,
            bytes: 0,
            partial: false,
            sink_failed: None,
        }
    }

    /// Where the text of `member` is; personal data in a member's name (an attachment or an
    /// archived file named after a CPR number) is masked, as in walked paths, unless
    /// `--show-values`.
    fn place(&self, member: Option<&str>) -> Place {
        match member {
            Some(m) if self.shared.config.show_values => Place::member(self.path, m),
            Some(m) => Place::member(
                self.path,
                crate::place::mask_names(m, &self.shared.scanner).as_ref(),
            ),
            None => Place::new(self.path),
        }
    }

    /// Counts, writes what is left and returns the output buffer.
    fn finish(mut self) -> Vec<u8> {
        let stats = &self.shared.stats;
        stats.bytes.fetch_add(self.bytes, Ordering::Relaxed);
        if self.partial {
            stats.partial.fetch_add(1, Ordering::Relaxed);
        }
        // Per-file lines (`--format summary`) name the input, not its last member.
        self.output.set_place(Place::new(self.path));
        let res = match self.sink_failed.take() {
            Some(e) => Err(e),
            None => Ok(self.bytes),
        };
        finish_output(self.shared, self.path, self.output, res)
    }
}

impl Visitor for ScanVisitor<'_, '_> {
    fn text(
        &mut self,
        member: Option<&str>,
        kind: TextKind,
        text: &mut dyn Read,
    ) -> io::Result<Flow> {
        let stats = &self.shared.stats;
        if kind == TextKind::BinaryRuns {
            stats.binary_files.fetch_add(1, Ordering::Relaxed);
        }
        if member.is_some() {
            stats.members.fetch_add(1, Ordering::Relaxed);
        }
        let place = self.place(member);
        self.output.set_place(place);
        let mut counting = CountingReader { inner: text, n: 0 };
        let output = &mut self.output;
        let mut sink = |batch: &[crate::finding::Finding]| output.findings(batch);
        let res = self
            .searcher
            .search_reader(&self.shared.scanner, &mut counting, &mut sink);
        self.bytes += counting.n;
        match res {
            Ok(_) if interrupt::interrupted() || self.shared.out.is_closed() => Ok(Flow::Stop),
            Ok(_) => Ok(Flow::Continue),
            Err(SearchError::Read(e)) => Err(e),
            Err(e @ SearchError::Sink(_)) => {
                self.sink_failed = Some(e);
                Ok(Flow::Stop)
            }
        }
    }

    fn note(&mut self, member: Option<&str>, note: Note) {
        let place = self.place(member);
        let stats = &self.shared.stats;
        match note {
            Note::Skipped { reason, message } => {
                stats.skipped.fetch_add(1, Ordering::Relaxed);
                stats.count_skip(reason);
                self.output.error(&place, &message, true);
            }
            Note::Error { message } => {
                stats.errors.fetch_add(1, Ordering::Relaxed);
                self.partial = true;
                self.output.error(&place, &message, false);
            }
        }
    }
}
