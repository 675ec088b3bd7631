//! The search driver: owns the buffers, feeds the [`Scanner`] and hands located findings to a
//! [`Sink`]. One entry point per input shape: [`Searcher::search_slice`] for bytes already in
//! memory (a mapped file, a decoded member), [`Searcher::search_reader`] for anything read
//! (files, stdin, pipes).
//!
//! Streams are read into a fixed buffer. After each read the driver reports every finding that
//! can no longer change: those starting before the last newline read so far (no finding and no
//! context window crosses a line end), or, in a line that has not ended, those starting more
//! than [`MARGIN`] bytes before the end of the data. It keeps [`MARGIN`] bytes before the
//! unreported part as left context when it makes room. So a number split across two reads is
//! found exactly once, memory stays bounded on endless input and on a single endless line, and a
//! line from `tail -f` is reported as soon as its newline arrives.

use std::io::{self, Read};

use crate::finding::Finding;
use crate::scanner::{Scanner, MARGIN};

/// Receives findings. Each call holds the findings of one scanned part of the input, in offset
/// order, with offset, line and column set; a stream source calls it as soon as the part is
/// scanned, so a sink that flushes here streams.
pub trait Sink {
    fn findings(&mut self, batch: &[Finding]) -> io::Result<()>;

    /// Receives, after the findings of a part, the part's bytes (`offset` is where they start
    /// in the input): every byte of the input exactly once, in order. For sinks that rewrite the
    /// input (`cprscan redact`); [`Searcher::search_reader`] calls it, the others do not.
    fn settled(&mut self, _bytes: &[u8], _offset: u64) -> io::Result<()> {
        Ok(())
    }

    /// One part from [`Searcher::search_reader`]: its findings (when there are any), then its
    /// bytes, as [`Sink::findings`] and [`Sink::settled`] do by default. A sink that keeps the
    /// findings until their bytes are settled may take them out of `batch` instead of copying
    /// them (the driver clears `batch` before the next part).
    fn part(&mut self, batch: &mut Vec<Finding>, bytes: &[u8], offset: u64) -> io::Result<()> {
        if !batch.is_empty() {
            self.findings(batch)?;
        }
        self.settled(bytes, offset)
    }
}

impl<F: FnMut(&[Finding]) -> io::Result<()>> Sink for F {
    fn findings(&mut self, batch: &[Finding]) -> io::Result<()> {
        self(batch)
    }
}

/// Why a search stopped early. Findings reported before the error were delivered.
#[derive(Debug)]
pub enum SearchError {
    /// Reading the input failed.
    Read(io::Error),
    /// The sink failed (for example a closed stdout).
    Sink(io::Error),
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::Read(e) => write!(f, "read error: {e}"),
            SearchError::Sink(e) => write!(f, "output error: {e}"),
        }
    }
}

impl std::error::Error for SearchError {}

/// Default read buffer for files: big enough that per-read overhead vanishes, small enough to
/// stay in L2 cache.
pub const DEFAULT_CHUNK: usize = 256 * 1024;

/// Counts lines lazily: only up to the next finding, and across chunks for streams.
#[derive(Clone, Copy, Debug)]
struct Lines {
    /// Absolute offset up to which newlines have been counted.
    counted: u64,
    /// 1-based line number of the line containing `counted`.
    line: u64,
    /// Absolute offset where that line starts.
    line_start: u64,
}

impl Lines {
    fn new() -> Lines {
        Lines {
            counted: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Counts the newlines of `bytes`, which is the input from `self.counted` on.
    fn advance(&mut self, bytes: &[u8]) {
        let newlines = bytecount::count(bytes, b'\n') as u64;
        if newlines > 0 {
            self.line += newlines;
            let last = memchr::memrchr(b'\n', bytes).expect("counted a newline");
            self.line_start = self.counted + last as u64 + 1;
        }
        self.counted += bytes.len() as u64;
    }

    /// Sets line and column of each finding; `hay` starts at absolute offset `base` and covers
    /// every finding and the stretch from `self.counted` to them. Then counts on to `upto`.
    fn locate(&mut self, hay: &[u8], base: u64, findings: &mut [Finding], upto: u64) {
        for f in findings.iter_mut() {
            // Findings come in offset order and never before what was counted; saturate anyway
            // so a broken promise gives a wrong column, never a panic.
            let from = (self.counted - base) as usize;
            let to = (f.offset.saturating_sub(base) as usize).clamp(from, hay.len());
            self.advance(&hay[from..to]);
            f.line = self.line;
            f.column = f.offset.saturating_sub(self.line_start) + 1;
        }
        let from = (self.counted - base) as usize;
        let to = ((upto - base) as usize).clamp(from, hay.len());
        self.advance(&hay[from..to]);
    }
}

/// Reusable search state: one per worker thread, never one per file.
#[derive(Debug)]
pub struct Searcher {
    buf: Vec<u8>,
    findings: Vec<Finding>,
    chunk: usize,
}

impl Default for Searcher {
    fn default() -> Self {
        Searcher::new(DEFAULT_CHUNK)
    }
}

impl Searcher {
    /// A searcher that reads `chunk` bytes at most per read (at least 1).
    pub fn new(chunk: usize) -> Searcher {
        Searcher {
            buf: Vec::new(),
            findings: Vec::new(),
            chunk: chunk.max(1),
        }
    }

    /// Searches bytes already in memory, handing findings to `sink` one chunk at a time so a
    /// dense input never piles up findings. Returns the number of bytes searched.
    pub fn search_slice(
        &mut self,
        scanner: &Scanner,
        hay: &[u8],
        sink: &mut dyn Sink,
    ) -> Result<u64, SearchError> {
        let mut lines = Lines::new();
        let step = self.chunk.max(MARGIN);
        let mut from = 0;
        while from < hay.len() || from == 0 {
            let until = (from + step).min(hay.len());
            self.findings.clear();
            scanner.scan(hay, from..until, &mut self.findings);
            lines.locate(hay, 0, &mut self.findings, until as u64);
            if !self.findings.is_empty() {
                sink.findings(&self.findings).map_err(SearchError::Sink)?;
            }
            if until == hay.len() {
                break;
            }
            from = until;
        }
        Ok(hay.len() as u64)
    }

    /// Searches everything `reader` yields until end of input, in bounded memory. Returns the
    /// number of bytes searched.
    pub fn search_reader<R: Read>(
        &mut self,
        scanner: &Scanner,
        mut reader: R,
        sink: &mut dyn Sink,
    ) -> Result<u64, SearchError> {
        let capacity = self.chunk + 2 * MARGIN;
        self.buf.resize(capacity, 0);
        let mut lines = Lines::new();
        let mut base = 0u64; // absolute offset of buf[0]
        let mut filled = 0; // valid bytes in buf
        let mut from: usize = 0; // first unreported position in buf
        loop {
            if filled == capacity {
                // Make room, keeping MARGIN bytes of left context before the unreported part.
                let keep = from.saturating_sub(MARGIN);
                self.buf.copy_within(keep..filled, 0);
                filled -= keep;
                from -= keep;
                base += keep as u64;
            }
            let n = match reader.read(&mut self.buf[filled..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SearchError::Read(e)),
            };
            filled += n;
            let eof = n == 0;
            let until = if eof {
                filled
            } else {
                settled_end(&self.buf[..filled], from)
            };
            if until > from {
                self.findings.clear();
                scanner.scan(&self.buf[..filled], from..until, &mut self.findings);
                for f in &mut self.findings {
                    f.offset += base;
                }
                lines.locate(
                    &self.buf[..filled],
                    base,
                    &mut self.findings,
                    base + until as u64,
                );
                sink.part(
                    &mut self.findings,
                    &self.buf[from..until],
                    base + from as u64,
                )
                .map_err(SearchError::Sink)?;
                from = until;
            }
            if eof {
                return Ok(base + filled as u64);
            }
        }
    }
}

/// Reads bytes at an absolute offset, like `FileExt::read_at`: how a big file is read by several
/// workers at once.
pub type ReadAt<'a> = &'a (dyn Fn(u64, &mut [u8]) -> io::Result<usize> + Sync);

/// Bytes per part when a big input is split between workers: big enough that the context read
/// twice ([`MARGIN`] and the line alignment, 6 KiB) and the hand-over cost under 1 %, small
/// enough that the workers finish close together (the last part runs alone) and that the parts
/// in flight, two per worker, keep memory small.
pub const PART: usize = 1 << 20;

/// What a worker hands back for one part: findings located relative to the part (line 1 is the
/// line the part starts in, columns on it counted from the part's start), and the part's
/// newlines, so the parts can be stitched together in order.
struct PartResult {
    findings: Vec<Finding>,
    newlines: u64,
    /// Absolute offset after the part's last newline, if it has one.
    last_line_start: Option<u64>,
}

/// Fills `buf` from `read_at` at `offset`; fewer bytes only at end of input.
fn read_full(read_at: ReadAt, mut offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match read_at(offset, &mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// How far past a part's nominal boundary the actual boundary may move to the next line start.
/// Parts meet at line starts where lines are shorter than this, as the stream reader's reads
/// do: user rules are split-invariant per line only.
const ALIGN: u64 = 4096;

/// The actual boundary near the nominal one at `at` (absolute): just after the first newline in
/// `at - 1 .. at - 1 + ALIGN`, else `at` itself. `hay` starts at absolute offset `lo` and holds
/// that window where the input has it, so both parts that meet there compute the same boundary.
fn part_boundary(hay: &[u8], lo: u64, at: u64) -> u64 {
    if at == 0 {
        return 0;
    }
    let from = ((at - 1 - lo) as usize).min(hay.len());
    let to = ((at - 1 + ALIGN - lo) as usize).min(hay.len());
    memchr::memchr(b'\n', &hay[from..to]).map_or(at, |i| lo + (from + i) as u64 + 1)
}

/// Scans the part that starts near `from` and ends near `until` (see [`part_boundary`]) of an
/// input of `len` bytes, reading [`MARGIN`] bytes of context beyond each end into `buf`.
fn scan_part(
    scanner: &Scanner,
    read_at: ReadAt,
    len: u64,
    from: u64,
    until: u64,
    buf: &mut Vec<u8>,
) -> io::Result<PartResult> {
    let lo = from.saturating_sub(MARGIN as u64);
    let hi = (until + ALIGN + MARGIN as u64).min(len);
    buf.resize((hi - lo) as usize, 0);
    let got = read_full(read_at, lo, buf)?;
    // A file that shrank since its length was taken ends early; scan what is there.
    let hay = &buf[..got];
    let to_local = |at: u64| ((at - lo) as usize).min(hay.len());
    let end = if until >= len {
        hay.len()
    } else {
        to_local(part_boundary(hay, lo, until))
    };
    let start = to_local(part_boundary(hay, lo, from)).min(end);
    let mut findings = Vec::new();
    scanner.scan(hay, start..end, &mut findings);
    for f in &mut findings {
        f.offset += lo;
    }
    let mut lines = Lines {
        counted: lo + start as u64,
        line: 1,
        line_start: lo + start as u64,
    };
    lines.locate(hay, lo, &mut findings, lo + end as u64);
    Ok(PartResult {
        findings,
        newlines: lines.line - 1,
        last_line_start: (lines.line > 1).then_some(lines.line_start),
    })
}

/// Searches the first `len` bytes of a positional input (a big file) with `threads` workers,
/// each scanning parts of about `part` bytes that meet at line starts where lines are short; hands findings to `sink` in offset order, with exactly
/// the offsets, lines and columns one sequential search gives. At most two parts per worker
/// are in flight, so memory stays bounded whatever the size. Returns the bytes searched.
pub fn search_parallel(
    scanner: &Scanner,
    read_at: ReadAt,
    len: u64,
    threads: usize,
    part: usize,
    sink: &mut dyn Sink,
) -> Result<u64, SearchError> {
    search_parts(scanner, read_at, len, 0..len, (1, 0), threads, part, sink)
}

/// Searches only the byte range `range` of a positional input of `len` bytes, as
/// [`search_parallel`] does the whole input: findings are exactly those a search of the whole
/// input reports in that range's part of it (ranges that meet share a boundary, moved to a line
/// start as between parts), with the same offsets, lines and columns. The lines before the
/// range are counted by reading the input up to it once (a newline count at memory speed).
/// Returns the bytes of the range.
pub fn search_range(
    scanner: &Scanner,
    read_at: ReadAt,
    len: u64,
    range: std::ops::Range<u64>,
    threads: usize,
    part: usize,
    sink: &mut dyn Sink,
) -> Result<u64, SearchError> {
    let range = range.start.min(len)..range.end.min(len);
    let lines = if range.start == 0 {
        (1, 0)
    } else {
        // Where the range's first part really starts, as its neighbour computes it.
        let lo = range.start - 1;
        let mut window = vec![0; ALIGN as usize];
        let got = read_full(read_at, lo, &mut window).map_err(SearchError::Read)?;
        let start = part_boundary(&window[..got], lo, range.start);
        lines_before(read_at, start).map_err(SearchError::Read)?
    };
    search_parts(scanner, read_at, len, range, lines, threads, part, sink)
}

/// The line number at `at` (1-based) and the offset its line starts at: newlines before `at`
/// counted in 1 MiB reads.
fn lines_before(read_at: ReadAt, at: u64) -> io::Result<(u64, u64)> {
    let mut buf = vec![0; PART];
    let (mut line, mut line_start, mut pos) = (1u64, 0u64, 0u64);
    while pos < at {
        let want = (at - pos).min(PART as u64) as usize;
        let got = read_full(read_at, pos, &mut buf[..want])?;
        if got == 0 {
            break;
        }
        let chunk = &buf[..got];
        line += bytecount::count(chunk, b'\n') as u64;
        if let Some(i) = memchr::memrchr(b'\n', chunk) {
            line_start = pos + i as u64 + 1;
        }
        pos += got as u64;
    }
    Ok((line, line_start))
}

/// The parts of `range`, searched by `threads` workers and stitched in order; `(line,
/// line_start)` is the line number at the range's start and where that line starts.
#[allow(clippy::too_many_arguments)]
fn search_parts(
    scanner: &Scanner,
    read_at: ReadAt,
    len: u64,
    range: std::ops::Range<u64>,
    (first_line, first_line_start): (u64, u64),
    threads: usize,
    part: usize,
    sink: &mut dyn Sink,
) -> Result<u64, SearchError> {
    use std::collections::BTreeMap;
    use std::sync::{mpsc, Condvar, Mutex};

    let part = part.max(1) as u64;
    let parts = (range.end - range.start).div_ceil(part).max(1);
    let threads = threads.max(1);
    let window = 2 * threads as u64;
    // (next part to hand out, parts delivered to the sink, stop)
    let state = Mutex::new((0u64, 0u64, false));
    let turn = Condvar::new();
    let (tx, rx) = mpsc::channel::<(u64, io::Result<PartResult>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (state, turn) = (&state, &turn);
            scope.spawn(move || {
                let mut buf = Vec::new();
                loop {
                    let k = {
                        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                        while !st.2 && st.0 < parts && st.0 >= st.1 + window {
                            st = turn.wait(st).unwrap_or_else(|e| e.into_inner());
                        }
                        if st.2 || st.0 >= parts {
                            return;
                        }
                        st.0 += 1;
                        st.0 - 1
                    };
                    let from = range.start + k * part;
                    let until = (from + part).min(range.end);
                    let res = scan_part(scanner, read_at, len, from, until, &mut buf);
                    if tx.send((k, res)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let stop = || {
            state.lock().unwrap_or_else(|e| e.into_inner()).2 = true;
            turn.notify_all();
        };
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        let mut line_base = first_line;
        let mut line_start = first_line_start;
        while next < parts {
            let Ok((k, res)) = rx.recv() else {
                break;
            };
            pending.insert(k, res);
            while let Some(res) = pending.remove(&next) {
                let mut r = match res {
                    Ok(r) => r,
                    Err(e) => {
                        stop();
                        return Err(SearchError::Read(e));
                    }
                };
                for f in &mut r.findings {
                    if f.line == 1 {
                        f.column = f.offset - line_start + 1;
                    }
                    f.line += line_base - 1;
                }
                if !r.findings.is_empty() {
                    if let Err(e) = sink.findings(&r.findings) {
                        stop();
                        return Err(SearchError::Sink(e));
                    }
                }
                line_base += r.newlines;
                if let Some(at) = r.last_line_start {
                    line_start = at;
                }
                next += 1;
                state.lock().unwrap_or_else(|e| e.into_inner()).1 = next;
                turn.notify_all();
            }
        }
        Ok(range.end - range.start)
    })
}

/// The end of the part of `buf[from..]` whose findings can no longer change with more input:
/// up to and including the last newline, or all but the last [`MARGIN`] bytes of an unended line.
fn settled_end(buf: &[u8], from: usize) -> usize {
    let by_newline = memchr::memrchr(b'\n', &buf[from..]).map_or(from, |i| from + i + 1);
    by_newline.max(buf.len().saturating_sub(MARGIN)).max(from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Confidence, Date, ScannerBuilder};

    fn scanner() -> Scanner {
        ScannerBuilder::new()
            .min_confidence(Confidence::Low)
            .today(Date::new(2026, 11, 23).unwrap())
            .build()
    }

    /// A reader that returns at most `max` bytes per read, to split every match somewhere.
    struct Trickle<'a> {
        data: &'a [u8],
        max: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.max).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    type Located = (u64, u32, u64, u64, Confidence);

    fn located(f: &Finding) -> Located {
        (f.offset, f.len, f.line, f.column, f.confidence)
    }

    fn collect_reader(data: &[u8], max_read: usize, chunk: usize) -> Vec<Located> {
        let mut got = Vec::new();
        let mut sink = |batch: &[Finding]| {
            got.extend(batch.iter().map(located));
            Ok(())
        };
        let reader = Trickle {
            data,
            max: max_read,
        };
        Searcher::new(chunk)
            .search_reader(&scanner(), reader, &mut sink)
            .unwrap();
        got
    }

    fn collect_slice(data: &[u8], chunk: usize) -> Vec<Located> {
        let mut got = Vec::new();
        let mut sink = |batch: &[Finding]| {
            got.extend(batch.iter().map(located));
            Ok(())
        };
        Searcher::new(chunk)
            .search_slice(&scanner(), data, &mut sink)
            .unwrap();
        got
    }

    /// Lines mixing numbers, context words, CRLF and long unbroken stretches.
    fn corpus() -> Vec<u8> {
        let mut s = String::new();
        for i in 0..300 {
            match i % 5 {
                0 => s.push_str("cpr-nr: 010190-1238 ok\n"),
                1 => s.push_str("faktura 0101901238\r\n"),
                2 => s.push_str(&"x".repeat(i * 3)),
                3 => s.push_str("2024-01-01 12:00:00 id=311299-9873;\n"),
                _ => s.push_str("plain 0101901238 and 1234567890123\n"),
            }
        }
        s.into_bytes()
    }

    #[test]
    fn every_read_split_gives_the_same_findings_as_one_slice() {
        let data = corpus();
        let whole = collect_slice(&data, 1 << 20);
        assert!(whole.len() > 200, "corpus has findings: {}", whole.len());
        for max_read in [1, 2, 3, 7, 13, 64, 1000] {
            for chunk in [1, 16, 300, 4096] {
                assert_eq!(
                    collect_reader(&data, max_read, chunk),
                    whole,
                    "max_read {max_read} chunk {chunk}"
                );
            }
        }
    }

    #[test]
    fn regression_matches_starting_before_their_anchor_are_reported_once_across_splits() {
        // One long line, so ranges end mid-line: IBANs start two bytes before their digit
        // anchor, e-mails up to 64 bytes before their '@', phones at the '+' before '45'.
        let mut line = String::new();
        for i in 0..60 {
            line.push_str(&"x ".repeat(i % 7));
            line.push_str("DK5000400440116243 ; jens.hansen@example.dk ; +45 12 34 56 78 ; ");
        }
        let data = line.as_bytes();
        let whole = collect_slice(data, 1 << 20);
        assert!(
            whole.len() >= 120,
            "60 IBANs and 60 e-mails at least: {}",
            whole.len()
        );
        for chunk in [1, 37, 300, 1000] {
            assert_eq!(collect_slice(data, chunk), whole, "slice chunk {chunk}");
            for max_read in [1, 5, 64] {
                assert_eq!(
                    collect_reader(data, max_read, chunk),
                    whole,
                    "chunk {chunk} read {max_read}"
                );
            }
        }
    }

    #[test]
    fn slice_chunking_does_not_change_findings() {
        let data = corpus();
        let whole = collect_slice(&data, 1 << 20);
        for chunk in [1, 100, 257, 999] {
            assert_eq!(collect_slice(&data, chunk), whole, "chunk {chunk}");
        }
    }

    #[test]
    fn line_and_column_are_one_based_and_count_bytes() {
        let data = "first\r\nsecond line\ncpr: 010190-1238\n".as_bytes();
        let got = collect_slice(data, 1024);
        assert_eq!(got, [(24, 11, 3, 6, Confidence::High)]);
    }

    #[test]
    fn number_split_across_two_reads_is_found_once() {
        let data = b"cpr 010190-1238\n";
        for split in 0..data.len() {
            let got = collect_reader(data, split.max(1), 64);
            assert_eq!(got.len(), 1, "split at {split}");
        }
    }

    #[test]
    fn endless_single_line_keeps_buffer_bounded() {
        let line = "cpr 010190-1238 ".repeat(100_000); // 1.6 MB, no newline
        let mut searcher = Searcher::new(4096);
        let mut count = 0;
        let mut sink = |b: &[Finding]| {
            count += b.len();
            Ok(())
        };
        searcher
            .search_reader(&scanner(), line.as_bytes(), &mut sink)
            .unwrap();
        assert_eq!(count, 100_000);
        assert!(searcher.buf.len() <= 4096 + 2 * MARGIN);
    }

    #[test]
    fn complete_line_is_reported_before_end_of_input() {
        // The reader yields one line, then fails: the line's finding must already be out.
        struct ThenFail(bool);
        impl Read for ThenFail {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(io::Error::other("later"));
                }
                let line = b"cpr 010190-1238\n";
                out[..line.len()].copy_from_slice(line);
                Ok(line.len())
            }
        }
        let mut count = 0;
        let mut sink = |b: &[Finding]| {
            count += b.len();
            Ok(())
        };
        let res = Searcher::new(1024).search_reader(&scanner(), ThenFail(false), &mut sink);
        assert!(matches!(res, Err(SearchError::Read(_))));
        assert_eq!(count, 1);
    }

    fn collect_parallel(data: &[u8], threads: usize, part: usize) -> Vec<Located> {
        let mut got = Vec::new();
        let mut sink = |batch: &[Finding]| {
            got.extend(batch.iter().map(located));
            Ok(())
        };
        let read_at = |offset: u64, out: &mut [u8]| -> io::Result<usize> {
            let rest = data.get(offset as usize..).unwrap_or(&[]);
            let n = rest.len().min(out.len()).min(777); // short reads too
            out[..n].copy_from_slice(&rest[..n]);
            Ok(n)
        };
        let n = search_parallel(
            &scanner(),
            &read_at,
            data.len() as u64,
            threads,
            part,
            &mut sink,
        )
        .unwrap();
        assert_eq!(n, data.len() as u64);
        got
    }

    #[test]
    fn parallel_parts_give_exactly_the_findings_of_one_search() {
        // Short lines, and one line longer than ALIGN with findings so parts start and end
        // mid-line: lines and columns must still come out as one sequential search gives them.
        let mut data = corpus();
        let mut long = String::new();
        for i in 0..120 {
            long.push_str(&"x ".repeat(i % 9));
            long.push_str("cpr 010190-1238 ; DK5000400440116243 ; a.b@example.dk ; ");
        }
        data.extend_from_slice(long.as_bytes());
        data.extend_from_slice(b"\n");
        data.extend_from_slice(&corpus());
        let whole = collect_slice(&data, 1 << 20);
        assert!(whole.len() > 500, "findings: {}", whole.len());
        for threads in [1, 2, 3] {
            for part in [5, 64, 1000, 5000, 1 << 20] {
                assert_eq!(
                    collect_parallel(&data, threads, part),
                    whole,
                    "threads {threads} part {part}"
                );
            }
        }
    }

    #[test]
    fn parallel_read_error_stops_after_the_findings_before_it() {
        let data = "cpr 010190-1238\n".repeat(1000);
        let fail_from = 8000u64;
        let read_at = |offset: u64, out: &mut [u8]| -> io::Result<usize> {
            if offset + out.len() as u64 > fail_from {
                return Err(io::Error::other("bad sector"));
            }
            let n = out.len().min(data.len() - offset as usize);
            out[..n].copy_from_slice(&data.as_bytes()[offset as usize..offset as usize + n]);
            Ok(n)
        };
        let mut offsets = Vec::new();
        let mut sink = |b: &[Finding]| {
            offsets.extend(b.iter().map(|f| f.offset));
            Ok(())
        };
        let res = search_parallel(&scanner(), &read_at, data.len() as u64, 2, 1000, &mut sink);
        assert!(matches!(res, Err(SearchError::Read(_))));
        assert!(!offsets.is_empty() && offsets.windows(2).all(|w| w[0] < w[1]));
        assert!(offsets.iter().all(|&o| o < fail_from));
    }

    #[test]
    fn empty_input_has_no_findings() {
        assert!(collect_slice(b"", 16).is_empty());
        assert!(collect_reader(b"", 1, 16).is_empty());
    }
}
