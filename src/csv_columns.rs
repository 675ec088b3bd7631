//! Column-aware CSV and TSV (issue #12): in a delimited file whose first row is a header, the
//! header of a cell's column is a context word for the findings in that cell (see
//! [`crate::column`]); `offset`, `line` and `column` stay those of the file.
//!
//! Only files named `*.csv`, `*.tsv`, `*.tab` or `*.psv` are sniffed, and only those whose first
//! row looks like a header get this treatment, so every other file is scanned exactly as before
//! and pays nothing. A sniffed file is searched as usual (same reads, same line counting), with
//! the scanner reporting every confidence; a [`Sink`] in between follows the rows and fields
//! through the bytes the searcher settles, gives each finding its column's say, and passes on
//! what is reported. That costs one `memchr3` pass over the file, and the file is read by one
//! thread (a big CSV file is not split between threads).

use std::io;
use std::path::Path;

use crate::column::{CellScanner, Column};
use crate::finding::Finding;
use crate::search::Sink;

/// How much of a file's start is read to find its header.
pub const HEAD: usize = 64 * 1024;

/// The delimiters tried, in order of preference when counts tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A delimited file's layout: its delimiter and what each column's header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub delimiter: u8,
    /// The header's fields, unquoted and trimmed.
    pub names: Vec<String>,
    /// What each name says about CPR numbers.
    pub columns: Vec<Column>,
}

/// Whether `path` is named like a delimited file.
pub fn is_delimited_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["csv", "tsv", "tab", "psv"]
            .iter()
            .any(|x| x.eq_ignore_ascii_case(e))
    })
}

/// The header of a delimited file starting with `head` (its first [`HEAD`] bytes or all of it,
/// `complete` when that is the whole file), if its first row looks like one: at least two
/// fields, most of them with a letter, none holding a run of six digits (that is a data row),
/// and a second row, when there is one, with as many fields.
pub fn sniff(head: &[u8], complete: bool, cells: &CellScanner) -> Option<Header> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = record_end(head).or(complete.then_some(head.len()))?;
    let line = &head[..first];
    let delimiter = DELIMITERS
        .iter()
        .copied()
        .map(|d| (count_outside_quotes(line, d), d))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, d)| {
            (
                *n,
                std::cmp::Reverse(DELIMITERS.iter().position(|x| x == d)),
            )
        })?
        .1;
    let names = split(line, delimiter);
    let with_letter = names
        .iter()
        .filter(|n| n.chars().any(char::is_alphabetic))
        .count();
    if names.len() < 2 || with_letter * 2 < names.len() || names.iter().any(|n| digit_run(n) >= 6) {
        return None;
    }
    let rest = head.get(first + 1..).unwrap_or_default();
    if let Some(second) = record_end(rest) {
        if count_outside_quotes(&rest[..second], delimiter) + 1 != names.len() {
            return None;
        }
    }
    let columns = names.iter().map(|n| cells.column(n)).collect();
    Some(Header {
        delimiter,
        names,
        columns,
    })
}

/// Where the first record of `bytes` ends (its `\n` outside quotes), if it does.
fn record_end(bytes: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
        match bytes[i] {
            b'"' => quoted = !quoted,
            _ if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

fn count_outside_quotes(line: &[u8], delimiter: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for i in memchr::memchr2_iter(b'"', delimiter, line) {
        if line[i] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            n += 1;
        }
    }
    n
}

/// The fields of one record: unquoted (`""` is a quote), trimmed, `\r` dropped.
fn split(line: &[u8], delimiter: u8) -> Vec<String> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut fields = Vec::new();
    let mut field = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if b == b'"' {
            if quoted && line.get(i + 1) == Some(&b'"') {
                field.push(b'"');
                i += 1;
            } else {
                quoted = !quoted;
            }
        } else if b == delimiter && !quoted {
            fields.push(std::mem::take(&mut field));
        } else {
            field.push(b);
        }
        i += 1;
    }
    fields.push(field);
    fields
        .into_iter()
        .map(|f| String::from_utf8_lossy(&f).trim().to_string())
        .collect()
}

fn digit_run(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Where the bytes settled so far leave the reader of a delimited file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cursor {
    /// The 0-based row (the header is row 0).
    row: u64,
    /// The 0-based field in the row.
    field: usize,
    /// Inside a quoted field. `""` inside quotes toggles twice, so it needs no special case.
    quoted: bool,
}

/// Where a block of up to 64 bytes holds a quote, the delimiter and a newline: bit `i` of each
/// mask for byte `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Marks {
    quote: u64,
    delim: u64,
    newline: u64,
}

impl Marks {
    /// The marks of `block` (at most 64 bytes; bits past its end are clear).
    fn of(block: &[u8], delimiter: u8) -> Marks {
        debug_assert!(block.len() <= 64);
        #[cfg(target_arch = "x86_64")]
        {
            if block.len() == 64 {
                return sse2::marks64(block, delimiter);
            }
            let mut padded = [0u8; 64];
            padded[..block.len()].copy_from_slice(block);
            // NUL is never a delimiter, a quote or a newline: the padding marks nothing.
            sse2::marks64(&padded, delimiter)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Marks::of_scalar(block, delimiter)
        }
    }

    /// [`Marks::of`] a byte at a time: the fallback, and the reference the tests hold the SIMD
    /// version to.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn of_scalar(block: &[u8], delimiter: u8) -> Marks {
        let mut m = Marks::default();
        for (i, &b) in block.iter().enumerate().take(64) {
            let bit = 1u64 << i;
            if b == b'"' {
                m.quote |= bit;
            }
            if b == delimiter {
                m.delim |= bit;
            }
            if b == b'\n' {
                m.newline |= bit;
            }
        }
        m
    }

    /// The marks of the first `n` bytes only (`n` <= 64).
    fn below(self, n: usize) -> Marks {
        let keep = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        Marks {
            quote: self.quote & keep,
            delim: self.delim & keep,
            newline: self.newline & keep,
        }
    }
}

impl Cursor {
    /// Moves the cursor over a block with marks `m`: the same as taking its quotes, delimiters
    /// and newlines one at a time, but a block without quotes costs a few bit counts.
    fn step(&mut self, m: Marks) {
        if m.quote == 0 {
            if self.quoted {
                return;
            }
            if m.newline != 0 {
                self.row += u64::from(m.newline.count_ones());
                let last = 63 - m.newline.leading_zeros();
                self.field = (m.delim >> last).count_ones() as usize;
            } else {
                self.field += m.delim.count_ones() as usize;
            }
            return;
        }
        let mut any = m.quote | m.delim | m.newline;
        while any != 0 {
            let bit = any & any.wrapping_neg();
            any ^= bit;
            if m.quote & bit != 0 {
                self.quoted = !self.quoted;
            } else if self.quoted {
            } else if m.newline & bit != 0 {
                self.row += 1;
                self.field = 0;
            } else {
                self.field += 1;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::Marks;
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };

    /// [`Marks::of`] a block of exactly 64 bytes, 16 at a time.
    #[inline]
    pub fn marks64(block: &[u8], delimiter: u8) -> Marks {
        assert!(block.len() == 64);
        let mut m = Marks::default();
        for k in 0..4 {
            // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the 16 bytes at
            // `16 * k`, inside `block` (64 bytes, asserted above), unaligned.
            let (q, d, n) = unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
                let eq = |b: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
                (eq(b'"'), eq(delimiter), eq(b'\n'))
            };
            let shift = 16 * k;
            m.quote |= u64::from(q as u16) << shift;
            m.delim |= u64::from(d as u16) << shift;
            m.newline |= u64::from(n as u16) << shift;
        }
        m
    }
}

/// A [`Sink`] between the searcher and the output of a delimited file with a header: it holds
/// each part's findings until the part's bytes are settled, finds the column of each, lets
/// [`CellScanner::judge`] weigh the column's name, and passes on the reported ones.
pub struct CsvSink<'a, S> {
    inner: S,
    cells: &'a CellScanner,
    header: Header,
    at: Cursor,
    pending: Vec<Finding>,
}

impl<'a, S: Sink> CsvSink<'a, S> {
    /// `cells` must be the scanner whose [`CellScanner::scanner`] the search uses.
    pub fn new(inner: S, cells: &'a CellScanner, header: Header) -> CsvSink<'a, S> {
        CsvSink {
            inner,
            cells,
            header,
            at: Cursor::default(),
            pending: Vec::new(),
        }
    }
}

impl Header {
    /// The column of the cell a cursor is in (none in the header row or past the last name).
    fn column_at(&self, at: Cursor) -> Column {
        if at.row == 0 {
            return Column::default();
        }
        self.columns.get(at.field).copied().unwrap_or_default()
    }
}

impl<S: Sink> Sink for CsvSink<'_, S> {
    fn findings(&mut self, batch: &[Finding]) -> io::Result<()> {
        self.pending.extend_from_slice(batch);
        Ok(())
    }

    /// Takes the part's findings without copying them when none are pending (always, from
    /// [`crate::search::Searcher::search_reader`]): the two buffers trade places.
    fn part(&mut self, batch: &mut Vec<Finding>, bytes: &[u8], offset: u64) -> io::Result<()> {
        if self.pending.is_empty() {
            std::mem::swap(&mut self.pending, batch);
        } else {
            self.pending.append(batch);
        }
        self.settled(bytes, offset)
    }

    /// Walks `bytes` 64 at a time, the cursor kept at the start of the block in hand; a
    /// finding's column is the cursor moved over the block's marks before it. The findings are
    /// judged in place and passed on as runs of reported ones between the dropped: nothing is
    /// moved (removing the dropped ones from the vector moved every later finding, a few hundred
    /// bytes each, on a dense export).
    fn settled(&mut self, bytes: &[u8], offset: u64) -> io::Result<()> {
        let d = self.header.delimiter;
        let mut pending = std::mem::take(&mut self.pending);
        let mut done = 0;
        let mut block = 0;
        let mut marks = Marks::of(&bytes[..bytes.len().min(64)], d);
        // The start of the run of reported findings in hand, and the inner sink's first error
        // (after which it is given nothing more).
        let mut run = 0;
        let mut result = Ok(());
        let mut pass_on = |inner: &mut S, found: &[Finding]| {
            if result.is_ok() && !found.is_empty() {
                result = inner.findings(found);
            }
        };
        for i in 0..pending.len() {
            let f = &mut pending[i];
            let at = (f.offset.saturating_sub(offset) as usize).clamp(done, bytes.len());
            done = at;
            while at - block >= 64 {
                self.at.step(marks);
                block += 64;
                marks = Marks::of(&bytes[block..bytes.len().min(block + 64)], d);
            }
            let mut here = self.at;
            here.step(marks.below(at - block));
            if !self.cells.judge(f, self.header.column_at(here)) {
                pass_on(&mut self.inner, &pending[run..i]);
                run = i + 1;
            }
        }
        pass_on(&mut self.inner, &pending[run..]);
        while block < bytes.len() {
            self.at.step(marks);
            block += 64;
            if block < bytes.len() {
                marks = Marks::of(&bytes[block..bytes.len().min(block + 64)], d);
            }
        }
        pending.clear();
        self.pending = pending;
        result?;
        self.inner.settled(bytes, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Reason};
    use crate::scanner::ScannerBuilder;
    use crate::search::Searcher;
    use crate::Date;

    fn cells() -> CellScanner {
        CellScanner::new(
            &ScannerBuilder::new()
                .today(Date::new(2026, 11, 23).unwrap())
                .build(),
        )
    }

    fn valid(date: &str, serial: &str) -> String {
        (0..10)
            .map(|c| format!("{date}{serial}{c}"))
            .find(|s| crate::cpr::mod11_ok(&crate::cpr::digit_values(s.as_bytes()).unwrap()))
            .unwrap()
    }

    /// The findings of `text` read `chunk` bytes at a time, through the column-aware sink.
    fn scan(text: &str, chunk: usize) -> Vec<Finding> {
        let cells = cells();
        let header = sniff(text.as_bytes(), true, &cells).expect("a header");
        let mut found = Vec::new();
        let collect = |b: &[Finding]| {
            found.extend_from_slice(b);
            Ok(())
        };
        let mut sink = CsvSink::new(collect, &cells, header);
        Searcher::new(chunk)
            .search_reader(cells.scanner(), text.as_bytes(), &mut sink)
            .unwrap();
        found
    }

    #[test]
    fn delimiter_and_header_are_detected() {
        let c = cells();
        for (text, d) in [
            ("navn,cpr\nA,1\n", b','),
            ("navn;by;cpr\nA;x;1\n", b';'),
            ("navn\tcpr\n", b'\t'),
            ("navn|cpr\n", b'|'),
            ("\u{feff}\"navn, fulde\";cpr\n", b';'),
        ] {
            let h = sniff(text.as_bytes(), true, &c).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(h.delimiter, d, "{text}");
            assert_eq!(
                h.columns.last().unwrap().positive,
                Some("cpr"),
                "{text}: {h:?}"
            );
        }
    }

    #[test]
    fn a_data_row_or_a_ragged_file_is_no_header() {
        let c = cells();
        let n = valid("010190", "123");
        assert_eq!(sniff(format!("A,{n}\n").as_bytes(), true, &c), None);
        assert_eq!(sniff(b"a,b,c\n1,2\n", true, &c), None);
        assert_eq!(sniff(b"just one line of prose\n", true, &c), None);
        assert_eq!(sniff(b"1,2\n3,4\n", true, &c), None);
    }

    #[test]
    fn plain_ten_digit_cells_in_a_cpr_column_are_high_and_keep_file_offsets() {
        let a = valid("010190", "123");
        let b = valid("241287", "456");
        let text = format!("ordrenr;cpr;note\n{b};{a};\"x\n{b}\"\n");
        for chunk in [1, 7, 4096] {
            let found = scan(&text, chunk);
            assert_eq!(found.len(), 2, "chunk {chunk}: {found:?}");
            let (cpr, note) = (&found[0], &found[1]);
            assert_eq!(cpr.offset as usize, text.find(&a).unwrap());
            assert_eq!((cpr.line, cpr.column), (2, 12));
            assert_eq!(cpr.confidence, Confidence::High);
            assert_eq!(cpr.reasons.last(), Some(&Reason::Column("cpr")));
            assert_eq!(note.line, 3, "a quoted field spans lines");
            assert_eq!(note.confidence, Confidence::Medium, "`note` says nothing");
        }
    }

    #[test]
    fn a_number_in_an_order_column_is_lowered_below_the_default_minimum() {
        let a = valid("010190", "123");
        assert!(scan(&format!("ordrenr,navn\n{a},x\n"), 4096).is_empty());
    }

    /// The column's name is context for CPR numbers and cards only. A bare 8-digit number needs
    /// a phone word on its line or in its cell (cpr.md §4, §6); the generated share's clean CSV
    /// files hold random 8-digit numbers under `telefon`, as many real exports hold ids there.
    #[test]
    fn a_bare_number_under_a_phone_header_is_not_a_phone() {
        let text = "navn;telefon\nA;22345678\nB;tlf 32345678\n";
        let found = scan(text, 4096);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].offset as usize, text.find("32345678").unwrap());
        assert_eq!(found[0].reasons.last(), Some(&Reason::Context("tlf")));
    }

    /// 50 rows, each a number the order column drops, then one the cpr column reports; and
    /// the reported number.
    fn dropped_then_reported() -> (String, String) {
        let a = valid("010190", "123");
        let b = valid("241287", "456");
        let text = std::iter::once("ordrenr;cpr\n".to_string())
            .chain((0..50).map(|_| format!("{b};{a}\n")))
            .collect();
        (text, a)
    }

    #[test]
    fn reported_findings_between_dropped_ones_are_passed_on_in_order_once() {
        let (text, a) = dropped_then_reported();
        let want: Vec<usize> = text.match_indices(&a).map(|(at, _)| at).collect();
        assert_eq!(want.len(), 50);
        for chunk in [5, 64, 333, 4096] {
            let found = scan(&text, chunk);
            let got: Vec<usize> = found.iter().map(|f| f.offset as usize).collect();
            assert_eq!(got, want, "chunk {chunk}");
        }
    }

    #[test]
    fn an_output_error_stops_the_search_and_nothing_more_is_passed_on() {
        let (text, _) = dropped_then_reported();
        let cells = cells();
        let header = sniff(text.as_bytes(), true, &cells).expect("a header");
        let mut calls = 0;
        let failing = |_: &[Finding]| {
            calls += 1;
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        };
        let mut sink = CsvSink::new(failing, &cells, header);
        let res = Searcher::new(4096).search_reader(cells.scanner(), text.as_bytes(), &mut sink);
        assert!(
            matches!(res, Err(crate::search::SearchError::Sink(_))),
            "{res:?}"
        );
        drop(sink);
        assert_eq!(calls, 1);
    }

    /// The cursor after `bytes`, taking quotes, delimiters and newlines one at a time (the
    /// definition the block walk must agree with).
    fn cursor_bytewise(mut at: Cursor, bytes: &[u8], d: u8) -> Cursor {
        for &b in bytes {
            match b {
                b'"' => at.quoted = !at.quoted,
                _ if at.quoted => {}
                b'\n' => {
                    at.row += 1;
                    at.field = 0;
                }
                _ if b == d => at.field += 1,
                _ => {}
            }
        }
        at
    }

    #[test]
    fn block_marks_and_steps_agree_with_a_byte_at_a_time() {
        let pool = b"\";\n,;\t|ab0\r \x00\xff";
        let mut rng = crate::testgen::Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..20_000 {
            let len = (rng.next() % 65) as usize;
            let block = rng.bytes(pool, len);
            let d = DELIMITERS[round % DELIMITERS.len()];
            let m = Marks::of(&block, d);
            assert_eq!(m, Marks::of_scalar(&block, d), "{block:?}");
            let start = Cursor {
                row: rng.next() % 3,
                field: (rng.next() % 4) as usize,
                quoted: rng.next().is_multiple_of(2),
            };
            for n in 0..=len {
                let mut stepped = start;
                stepped.step(m.below(n));
                assert_eq!(
                    stepped,
                    cursor_bytewise(start, &block[..n], d),
                    "{block:?} {n}"
                );
            }
        }
    }

    #[test]
    fn columns_are_found_across_blocks_quotes_and_chunks() {
        let a = valid("010190", "123");
        let b = valid("241287", "456");
        let mut text = String::from("navn;cpr;ordrenr;note\n");
        for i in 0..40 {
            let pad = "x".repeat(i * 7 % 90);
            text.push_str(&format!(
                "\"{pad};\n\"\"\";{a};{b};\"{pad}\n{a}\"\n{pad};\"\";;{b}\n"
            ));
        }
        let rows = 80;
        for chunk in [1, 3, 63, 64, 65, 200, 4096] {
            let found = scan(&text, chunk);
            let cpr_col = found
                .iter()
                .filter(|f| f.reasons.last() == Some(&Reason::Column("cpr")))
                .count();
            // Each pair of rows: one number in `cpr` (high), one in `ordrenr` (lowered, not
            // reported), one in a quoted note (medium), one in the fourth field (`note`).
            assert_eq!(cpr_col, rows / 2, "chunk {chunk}");
            assert_eq!(found.len(), rows / 2 * 3, "chunk {chunk}");
        }
    }

    #[test]
    fn only_delimited_names_are_sniffed() {
        assert!(is_delimited_name(Path::new("a/b.CSV")));
        assert!(is_delimited_name(Path::new("x.tsv")));
        assert!(!is_delimited_name(Path::new("x.log")));
        assert!(!is_delimited_name(Path::new("csv")));
    }
}
