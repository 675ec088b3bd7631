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
#[derive(Clone, Copy, Debug, Default)]
struct Cursor {
    /// The 0-based row (the header is row 0).
    row: u64,
    /// The 0-based field in the row.
    field: usize,
    /// Inside a quoted field. `""` inside quotes toggles twice, so it needs no special case.
    quoted: bool,
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
    kept: Vec<Finding>,
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
            kept: Vec::new(),
        }
    }

    /// Moves the cursor over `bytes`.
    fn advance(&mut self, bytes: &[u8]) {
        let d = self.header.delimiter;
        for i in memchr::memchr3_iter(b'"', d, b'\n', bytes) {
            match bytes[i] {
                b'"' => self.at.quoted = !self.at.quoted,
                _ if self.at.quoted => {}
                b'\n' => {
                    self.at.row += 1;
                    self.at.field = 0;
                }
                _ => self.at.field += 1,
            }
        }
    }

    fn column_here(&self) -> Column {
        if self.at.row == 0 {
            return Column::default();
        }
        self.header
            .columns
            .get(self.at.field)
            .copied()
            .unwrap_or_default()
    }
}

impl<S: Sink> Sink for CsvSink<'_, S> {
    fn findings(&mut self, batch: &[Finding]) -> io::Result<()> {
        self.pending.extend_from_slice(batch);
        Ok(())
    }

    fn settled(&mut self, bytes: &[u8], offset: u64) -> io::Result<()> {
        let mut done = 0;
        let mut pending = std::mem::take(&mut self.pending);
        self.kept.clear();
        for mut f in pending.drain(..) {
            let at = (f.offset.saturating_sub(offset) as usize).clamp(done, bytes.len());
            self.advance(&bytes[done..at]);
            done = at;
            if self.cells.judge(&mut f, self.column_here()) {
                self.kept.push(f);
            }
        }
        self.pending = pending;
        self.advance(&bytes[done..]);
        if !self.kept.is_empty() {
            self.inner.findings(&self.kept)?;
        }
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

    #[test]
    fn only_delimited_names_are_sniffed() {
        assert!(is_delimited_name(Path::new("a/b.CSV")));
        assert!(is_delimited_name(Path::new("x.tsv")));
        assert!(!is_delimited_name(Path::new("x.log")));
        assert!(!is_delimited_name(Path::new("csv")));
    }
}
