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
//!
//! A spreadsheet drops the leading zero of a CPR number it takes for a number: `0101901234`,
//! saved as CSV, becomes `101901234`, and so does every number of a person born on the 1st to
//! the 9th of a month, about three in ten. In a column whose name is a CPR word, a cell of
//! exactly nine digits is therefore checked with the zero restored, as a database's integer
//! cell is ([`crate::column`], reason `int-leading-zero`). Only there: a nine-digit number
//! anywhere else is as likely an order or customer number.

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
    #[inline]
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
    /// The CPR-named columns, in order: their nine-digit cells are looked at.
    positive: Vec<usize>,
    cell: CellTrack,
    /// The marks of each 64-byte block of the bytes in hand, made once for both walks.
    marks: Vec<Marks>,
}

/// What the look for nine-digit cells keeps between the parts of a file: where lines are, and
/// the cell in progress at the end of the bytes settled so far.
#[derive(Clone, Debug)]
struct CellTrack {
    /// The line (1-based) the next settled bytes start in, and that line's offset.
    line: u64,
    line_start: u64,
    /// Where the cell in progress starts, its line and that line's offset.
    from: u64,
    from_line: u64,
    from_line_start: u64,
    /// The cell's bytes that earlier parts held (a cell cut by a part boundary, or the last
    /// cell of a file without a final newline), while it can still be a nine-digit cell.
    carried: Vec<u8>,
    /// Whether `carried` holds all of the cell before the bytes in hand.
    carried_whole: bool,
}

/// The most bytes a cell may have and still be nine digits: quotes, spaces and a `\r` around.
const NINE_DIGIT_CELL_MAX: usize = 24;

impl CellTrack {
    /// A cell starts at `from`, on the current line.
    #[inline]
    fn next_cell(&mut self, from: u64) {
        self.from = from;
        (self.from_line, self.from_line_start) = (self.line, self.line_start);
        self.carried.clear();
        self.carried_whole = true;
    }
}

/// The index of the `n`th (0-based) set bit of `x`, which has more than `n`.
#[inline]
fn nth_bit(mut x: u64, n: usize) -> usize {
    for _ in 0..n {
        x &= x - 1;
    }
    x.trailing_zeros() as usize
}

impl Default for CellTrack {
    fn default() -> CellTrack {
        CellTrack {
            line: 1,
            line_start: 0,
            from: 0,
            from_line: 1,
            from_line_start: 0,
            carried: Vec::new(),
            carried_whole: true,
        }
    }
}

impl<'a, S: Sink> CsvSink<'a, S> {
    /// `cells` must be the scanner whose [`CellScanner::scanner`] the search uses.
    pub fn new(inner: S, cells: &'a CellScanner, header: Header) -> CsvSink<'a, S> {
        let positive: Vec<usize> = (header.columns.iter().enumerate())
            .filter(|(_, c)| c.positive.is_some())
            .map(|(k, _)| k)
            .collect();
        CsvSink {
            inner,
            cells,
            header,
            at: Cursor::default(),
            pending: Vec::new(),
            positive,
            cell: CellTrack::default(),
            marks: Vec::new(),
        }
    }

    /// Ends the input: the last cell of a file without a final newline is looked at too. Call
    /// it once the search has returned.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.positive.is_empty() || !self.cell.carried_whole || self.cell.carried.is_empty() {
            return Ok(());
        }
        let column = self.header.column_at(self.at);
        if column.positive.is_none() {
            return Ok(());
        }
        let mut found = Vec::new();
        let t = std::mem::take(&mut self.cell);
        self.restored(&t, &t.carried, &mut found);
        found.retain_mut(|f| self.cells.judge(f, column));
        if found.is_empty() {
            return Ok(());
        }
        self.inner.findings(&found)
    }

    /// The findings of the nine-digit cells of CPR-named columns that end in `bytes` (at
    /// `offset` in the input, its blocks' marks in `self.marks`), in order, not yet judged by
    /// their column; and the cell and line tracking moved past `bytes`.
    fn nine_digit_cells(&mut self, bytes: &[u8], offset: u64) -> Vec<Finding> {
        let mut found = Vec::new();
        let mut cur = self.at;
        let mut t = std::mem::take(&mut self.cell);
        for (k, m) in self.marks.iter().enumerate() {
            let block = 64 * k;
            if m.quote == 0 && !cur.quoted {
                self.unquoted_block(m, block, bytes, offset, &mut cur, &mut t, &mut found);
                continue;
            }
            let mut any = m.quote | m.delim | m.newline;
            while any != 0 {
                let i = any.trailing_zeros();
                let bit = 1u64 << i;
                any &= any - 1;
                if m.quote & bit != 0 {
                    cur.quoted = !cur.quoted;
                    continue;
                }
                let p = block + i as usize;
                let newline = m.newline & bit != 0;
                if newline {
                    t.line += 1;
                    t.line_start = offset + p as u64 + 1;
                }
                if cur.quoted {
                    continue;
                }
                if cur.row > 0 && self.positive.binary_search(&cur.field).is_ok() {
                    self.cell_ends(&mut t, bytes, offset, p, &mut found);
                }
                t.next_cell(offset + p as u64 + 1);
                if newline {
                    cur.row += 1;
                    cur.field = 0;
                } else {
                    cur.field += 1;
                }
            }
        }
        // The cell still open at the end: keep its bytes while it may be nine digits.
        let open = &bytes[(t.from.saturating_sub(offset) as usize).min(bytes.len())..];
        if t.carried_whole && t.carried.len() + open.len() <= NINE_DIGIT_CELL_MAX {
            t.carried.extend_from_slice(open);
        } else {
            t.carried.clear();
            t.carried_whole = false;
        }
        self.cell = t;
        found
    }

    /// [`CsvSink::nine_digit_cells`] over a block without quotes, outside quotes: a row's
    /// terminators at a time, looking only at those that end a cell of a CPR-named column.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn unquoted_block(
        &self,
        m: &Marks,
        block: usize,
        bytes: &[u8],
        offset: u64,
        cur: &mut Cursor,
        t: &mut CellTrack,
        found: &mut Vec<Finding>,
    ) {
        let mut rest = m.delim | m.newline;
        while rest != 0 {
            // The terminators up to the row's newline, if the block holds it.
            let newline = rest & m.newline;
            let row = if newline != 0 {
                let low = newline & newline.wrapping_neg();
                rest & (low | (low - 1))
            } else {
                rest
            };
            let n = row.count_ones() as usize;
            if cur.row > 0 {
                for &k in &self.positive {
                    if k < cur.field {
                        continue;
                    }
                    let j = k - cur.field;
                    if j >= n {
                        break;
                    }
                    if j > 0 {
                        t.next_cell(offset + (block + nth_bit(row, j - 1) + 1) as u64);
                    }
                    self.cell_ends(t, bytes, offset, block + nth_bit(row, j), found);
                }
            }
            let p = block + (63 - row.leading_zeros()) as usize;
            if newline != 0 {
                t.line += 1;
                t.line_start = offset + p as u64 + 1;
                cur.row += 1;
                cur.field = 0;
            } else {
                cur.field += n;
            }
            t.next_cell(offset + p as u64 + 1);
            rest &= !row;
        }
    }

    /// The cell in progress ends at `bytes[end]`: its finding, if it is nine digits.
    fn cell_ends(
        &self,
        t: &mut CellTrack,
        bytes: &[u8],
        offset: u64,
        end: usize,
        found: &mut Vec<Finding>,
    ) {
        if t.from >= offset {
            let cell = &bytes[(t.from - offset) as usize..end];
            if (9..=NINE_DIGIT_CELL_MAX).contains(&cell.len()) {
                self.restored(t, cell, found);
            }
        } else if t.carried_whole && t.carried.len() + end <= NINE_DIGIT_CELL_MAX {
            t.carried.extend_from_slice(&bytes[..end]);
            self.restored(t, &t.carried, found);
        }
    }

    /// The CPR finding of `cell` (the cell in progress, all its bytes) if it holds nine digits,
    /// maybe quoted and spaced, that form a CPR number with a leading zero.
    fn restored(&self, t: &CellTrack, cell: &[u8], found: &mut Vec<Finding>) {
        let Some((at, digits)) = nine_digits(cell) else {
            return;
        };
        if let Some(mut f) = self.cells.leading_zero_cpr(digits) {
            f.offset = t.from + at as u64;
            f.line = t.from_line;
            f.column = f.offset - t.from_line_start + 1;
            found.push(f);
        }
    }
}

/// Where the nine digits of a cell start, and the digits, when the cell is nothing else:
/// spaces and one pair of quotes around them are allowed, and the `\r` of a CRLF line end.
fn nine_digits(cell: &[u8]) -> Option<(usize, &[u8])> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r');
    let trim = |c: &[u8], at: usize| -> (usize, usize) {
        let lead = c.iter().take_while(|b| is_space(b)).count();
        let trail = c[lead..].iter().rev().take_while(|b| is_space(b)).count();
        (at + lead, c.len() - lead - trail)
    };
    let (mut at, mut len) = trim(cell, 0);
    if len >= 2 && cell[at] == b'"' && cell[at + len - 1] == b'"' {
        (at, len) = trim(&cell[at + 1..at + len - 1], at + 1);
    }
    let digits = &cell[at..at + len];
    (len == 9 && digits.iter().all(u8::is_ascii_digit)).then_some((at, digits))
}

/// Adds the nine-digit cells' findings to the part's (both in offset order), leaving out any
/// that overlaps a finding the scanner made.
fn merge_cells(pending: &mut Vec<Finding>, cells: Vec<Finding>) {
    let mut out = Vec::with_capacity(pending.len() + cells.len());
    let mut rest = std::mem::take(pending).into_iter().peekable();
    for c in cells {
        while let Some(f) = rest.next_if(|f| f.offset < c.offset) {
            out.push(f);
        }
        let before = out.last().is_some_and(|f: &Finding| f.end() > c.offset);
        let after = rest.peek().is_some_and(|f| f.offset < c.end());
        if !before && !after {
            out.push(c);
        }
    }
    out.extend(rest);
    *pending = out;
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
        self.marks.clear();
        self.marks.reserve(bytes.len().div_ceil(64));
        self.marks
            .extend(bytes.chunks(64).map(|block| Marks::of(block, d)));
        let mut pending = std::mem::take(&mut self.pending);
        if !self.positive.is_empty() {
            let cells = self.nine_digit_cells(bytes, offset);
            if !cells.is_empty() {
                merge_cells(&mut pending, cells);
            }
        }
        let marks = std::mem::take(&mut self.marks);
        let mut done = 0;
        let mut block = 0;
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
            while at - 64 * block >= 64 {
                self.at.step(marks[block]);
                block += 1;
            }
            let mut here = self.at;
            if let Some(m) = marks.get(block) {
                here.step(m.below(at - 64 * block));
            }
            if !self.cells.judge(f, self.header.column_at(here)) {
                pass_on(&mut self.inner, &pending[run..i]);
                run = i + 1;
            }
        }
        pass_on(&mut self.inner, &pending[run..]);
        for m in &marks[block..] {
            self.at.step(*m);
        }
        self.marks = marks;
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
        sink.finish().unwrap();
        drop(sink);
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

    /// A valid CPR number of someone born on the 1st to the 9th, and its nine digits as a
    /// spreadsheet saves it.
    fn dropped_zero(date: &str, serial: &str) -> (String, String) {
        let n = valid(date, serial);
        let nine = n[1..].to_string();
        (n, nine)
    }

    #[test]
    fn nine_digit_cell_in_a_cpr_column_is_checked_with_its_leading_zero_restored() {
        let (_, nine) = dropped_zero("050387", "123");
        let text = format!("navn;cpr\nA;{nine}\n");
        for chunk in [1, 7, 64, 4096] {
            let found = scan(&text, chunk);
            assert_eq!(found.len(), 1, "chunk {chunk}: {found:?}");
            let f = &found[0];
            assert_eq!(f.offset as usize, text.find(&nine).unwrap());
            assert_eq!((f.len, f.line, f.column), (9, 2, 3));
            assert_eq!(f.confidence, Confidence::High);
            assert_eq!(
                &f.reasons[..],
                [
                    Reason::Date,
                    Reason::Mod11,
                    Reason::IntLeadingZero,
                    Reason::Column("cpr")
                ]
            );
            assert_eq!(f.masked(), "050387****", "the restored number, masked");
        }
    }

    #[test]
    fn nine_digit_cell_quoted_spaced_crlf_or_last_without_newline_is_found() {
        let (_, a) = dropped_zero("010190", "123");
        let (_, b) = dropped_zero("091263", "456");
        let text = format!("cpr,navn\r\n\" {a} \",x\r\ny,z\r\nq,w\r\n{b}");
        let texts = [text.clone(), format!("navn,cpr\nx,{b}")];
        for text in &texts {
            for chunk in [1, 5, 4096] {
                let found = scan(text, chunk);
                let wanted: Vec<usize> = [&a, &b]
                    .iter()
                    .filter_map(|n| text.find(n.as_str()))
                    .collect();
                let got: Vec<usize> = found.iter().map(|f| f.offset as usize).collect();
                assert_eq!(got, wanted, "chunk {chunk}: {text:?}");
            }
        }
    }

    #[test]
    fn nine_digits_elsewhere_or_not_alone_or_not_a_cpr_number_are_not_restored() {
        let (_, nine) = dropped_zero("010190", "123");
        // Under another name, in a cell with other text, with a tenth digit's room taken, or
        // nine digits that are no CPR number with a zero before them (month 13).
        let text =
            format!("ordrenr;cpr;note\n{nine};x {nine};{nine}\n1;{nine}7;2\n1;113901234;2\n");
        let found = scan(&text, 4096);
        assert!(
            found.iter().all(|f| f.len != 9),
            "{:?}",
            found.iter().map(|f| (f.offset, f.len)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn nine_digit_cells_cut_by_part_boundaries_are_found_once_in_order() {
        // The sink is handed the text in two parts, cut at every byte: inside the cells too
        // (parts end inside a line when it is longer than the searcher's buffer).
        let (_, a) = dropped_zero("030303", "321");
        let (_, b) = dropped_zero("070707", "654");
        let text = format!("note;cpr\nx;{a}\n\"y\n\";\"{b}\"\nz;{a}");
        let wanted: Vec<(usize, u64)> = [(&a, 2), (&b, 4), (&a, 5)]
            .iter()
            .scan(0, |from, (n, line)| {
                let at = *from + text[*from..].find(n.as_str()).unwrap();
                *from = at + 1;
                Some((at, *line))
            })
            .collect();
        let cells = cells();
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let header = sniff(bytes, true, &cells).expect("a header");
            let mut found = Vec::new();
            let collect = |b: &[Finding]| {
                found.extend_from_slice(b);
                Ok(())
            };
            let mut sink = CsvSink::new(collect, &cells, header);
            sink.part(&mut Vec::new(), &bytes[..cut], 0).unwrap();
            sink.part(&mut Vec::new(), &bytes[cut..], cut as u64)
                .unwrap();
            sink.finish().unwrap();
            drop(sink);
            let got: Vec<(usize, u64)> =
                found.iter().map(|f| (f.offset as usize, f.line)).collect();
            assert_eq!(got, wanted, "cut at {cut}");
        }
    }

    /// The nine-digit cells of `text` a byte at a time: (offset, line, column) of each whose
    /// restored number the scanner takes for a CPR number. The definition the sink's block
    /// walk must agree with.
    fn nine_digit_cells_bytewise(
        text: &[u8],
        header: &Header,
        cells: &CellScanner,
    ) -> Vec<[u64; 3]> {
        let mut out = Vec::new();
        let (mut quoted, mut row, mut field) = (false, 0u64, 0usize);
        let (mut line, mut line_start) = (1u64, 0usize);
        let (mut from, mut from_line, mut from_line_start) = (0usize, 1u64, 0usize);
        let mut cell_ends =
            |end: usize, row: u64, field: usize, from: usize, fl: u64, fls: usize| {
                let positive = header
                    .columns
                    .get(field)
                    .is_some_and(|c| c.positive.is_some());
                let cell = &text[from..end];
                if row == 0 || !positive || cell.len() > NINE_DIGIT_CELL_MAX {
                    return;
                }
                if let Some((at, digits)) = nine_digits(cell) {
                    if cells.leading_zero_cpr(digits).is_some() {
                        let start = from + at;
                        out.push([start as u64, fl, (start - fls + 1) as u64]);
                    }
                }
            };
        for (i, &b) in text.iter().enumerate() {
            if b == b'"' {
                quoted = !quoted;
                continue;
            }
            if b == b'\n' {
                line += 1;
                line_start = i + 1;
            }
            if quoted || (b != b'\n' && b != header.delimiter) {
                continue;
            }
            cell_ends(i, row, field, from, from_line, from_line_start);
            (from, from_line, from_line_start) = (i + 1, line, line_start);
            if b == b'\n' {
                row += 1;
                field = 0;
            } else {
                field += 1;
            }
        }
        if from < text.len() {
            cell_ends(text.len(), row, field, from, from_line, from_line_start);
        }
        out
    }

    #[test]
    fn nine_digit_cells_agree_with_a_byte_at_a_time_walk_on_random_files_in_random_parts() {
        let cells = cells();
        let nines: Vec<String> = [("010190", "123"), ("050387", "321"), ("091263", "456")]
            .iter()
            .map(|(d, s)| dropped_zero(d, s).1)
            .collect();
        let quoted = format!("\"{}\"", nines[0]);
        let spaced = format!(" {} \r", nines[1]);
        let long = "y".repeat(70);
        // Fields, half of them nine-digit cells, each followed by a separator; now and then a
        // stray quote opens a quoted stretch across separators and newlines.
        let fields: Vec<&str> = vec![
            &nines[0],
            &nines[1],
            &nines[2],
            &quoted,
            &spaced,
            &nines[0],
            &nines[1],
            &nines[2],
            "",
            "x",
            "123456789",
            "0101901234",
            "\"a;\nb\"",
            &long,
            "\"",
            " 1",
        ];
        let separators = [";", ";", ";", "\n", "\r\n"];
        let mut rng = crate::testgen::Rng(0x5eed_1234_abcd_0001);
        let mut total = 0;
        for round in 0..400 {
            let mut text = String::from("a;cpr;b;personnummer\n");
            for _ in 0..(rng.next() % 60) {
                text.push_str(fields[(rng.next() % fields.len() as u64) as usize]);
                text.push_str(separators[(rng.next() % separators.len() as u64) as usize]);
            }
            if rng.next().is_multiple_of(2) {
                text.push_str(&nines[2]);
            }
            let bytes = text.as_bytes();
            // The header alone: the random rows need not have its width.
            let header = sniff(b"a;cpr;b;personnummer\n", true, &cells).expect("a header");
            let want = nine_digit_cells_bytewise(bytes, &header, &cells);
            let mut cuts = [
                (rng.next() % (bytes.len() as u64 + 1)) as usize,
                (rng.next() % (bytes.len() as u64 + 1)) as usize,
            ];
            cuts.sort_unstable();
            let mut found = Vec::new();
            let collect = |b: &[Finding]| {
                found.extend_from_slice(b);
                Ok(())
            };
            let mut sink = CsvSink::new(collect, &cells, header);
            let mut at = 0;
            for end in [cuts[0], cuts[1], bytes.len()] {
                sink.part(&mut Vec::new(), &bytes[at..end], at as u64)
                    .unwrap();
                at = end;
            }
            sink.finish().unwrap();
            drop(sink);
            let got: Vec<[u64; 3]> = found.iter().map(|f| [f.offset, f.line, f.column]).collect();
            assert_eq!(got, want, "round {round}, cuts {cuts:?}: {text:?}");
            total += want.len();
        }
        assert!(total > 1000, "the rounds hold cells to find: {total}");
    }

    #[test]
    fn only_delimited_names_are_sniffed() {
        assert!(is_delimited_name(Path::new("a/b.CSV")));
        assert!(is_delimited_name(Path::new("x.tsv")));
        assert!(!is_delimited_name(Path::new("x.log")));
        assert!(!is_delimited_name(Path::new("csv")));
    }
}
