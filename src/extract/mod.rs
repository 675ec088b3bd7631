//! The source layer for what file shares really hold: compressed files, archives, Office and
//! OpenDocument files, PDFs, e-mails, text in legacy encodings and binary files. It turns one
//! input into texts to scan, each named by its member path, and notes about what it could not
//! read; the scanner core never sees a container.
//!
//! Formats are told by content (magic bytes, then the bytes themselves), never by the name
//! alone: a rotated log called `app.log.1` that is gzip is read as gzip. Everything is read as a
//! stream, with one exception: a zip (and so an Office file) nested inside another container is
//! read into memory first, because zip's directory sits at its end (bounded, see
//! [`NESTED_ZIP_MAX`]).
//!
//! Bombs are defused by [`Limits`]: the bytes decompressed for one input (every level counted),
//! their ratio to the bytes read from the input, the number of members and the nesting depth.
//! Hitting one ends the input's extraction with an error note naming what was not scanned.

mod archive;
mod binary;
mod compressed;
mod encoding;
mod mail;
mod office;
mod pdf;

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

pub use binary::PrintableRuns;
pub use encoding::Decoded;
pub use pdf::{extract_pdf_text, pdf_child_main, PdfError, PDF_CHILD_ARG};

/// How much of an input is looked at to tell its format: magic numbers sit in the first bytes
/// (tar's at 257), and 8 KiB is enough to judge text from binary and one encoding from another.
pub const HEAD: usize = 8 * 1024;

/// How much of the head is checked for valid UTF-8 (see [`sniff`]).
const UTF8_CHECK: usize = 2048;

/// A zip inside another container is read into memory up to this size (its directory is at its
/// end); a bigger one is reported and not read.
pub const NESTED_ZIP_MAX: u64 = 256 << 20;

/// The ratio limit applies only once this many bytes were decompressed: small files with a
/// high ratio (a log of one repeated line) are harmless.
pub const RATIO_FLOOR: u64 = 16 << 20;

/// What to do with a binary file (NUL bytes, no known format).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BinaryMode {
    /// Scan its runs of printable text (a CPR number inside a database file or a core dump).
    #[default]
    Text,
    /// Report it as skipped.
    Skip,
}

impl BinaryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryMode::Text => "text",
            BinaryMode::Skip => "skip",
        }
    }
}

/// Limits against archive bombs and runaway inputs, per input file.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Containers nested deeper than this are not opened (default 3: `a.zip!b.zip!c.tar!x`).
    /// A compression layer counts as one level; a tar directly inside it shares that level.
    pub max_depth: u32,
    /// Bytes decompressed for one input, every level counted (default 1 GiB).
    pub max_decompressed: u64,
    /// Decompressed bytes per byte read from the input, checked past [`RATIO_FLOOR`]
    /// (default 250; deflate cannot exceed 1032, real logs stay below 50).
    pub max_ratio: u64,
    /// Members of all containers of one input (default 100,000).
    pub max_members: u64,
    /// Binary files: printable runs or skip.
    pub binary: BinaryMode,
    /// Run PDF extraction in a child process (the `cprscan` binary) with time and memory
    /// limits; off, it runs in-process with panics caught (library use, fuzzing).
    pub pdf_child: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 3,
            max_decompressed: 1 << 30,
            max_ratio: 250,
            max_members: 100_000,
            binary: BinaryMode::Text,
            pdf_child: false,
        }
    }
}

/// What a text handed to the [`Visitor`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// UTF-8 or ASCII as stored (after decompression).
    Plain,
    /// Decoded to UTF-8 from this encoding.
    Decoded(&'static str),
    /// The printable runs of a binary file, other bytes turned into line breaks.
    BinaryRuns,
    /// Text extracted from a document (Office, PDF, e-mail).
    Document,
}

/// Whether the extraction should go on after a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The output is closed or a stop was asked for: end quietly.
    Stop,
}

/// Something not scanned, or not scanned whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// Left out on purpose: `reason` is a short key counted in the summary (`encrypted`,
    /// `legacy-office`, `binary`, `max-depth`, `no-text-layer`).
    Skipped {
        reason: &'static str,
        message: String,
    },
    /// Could not be read (corrupt, truncated, a limit hit): the input was scanned only in part.
    Error { message: String },
}

/// Receives what an input holds: texts to scan, and notes.
pub trait Visitor {
    /// Scans `text`, the text of `member` (the input itself when `None`). Returns the read
    /// error that ended it early, after reporting the findings read before it.
    fn text(
        &mut self,
        member: Option<&str>,
        kind: TextKind,
        text: &mut dyn Read,
    ) -> io::Result<Flow>;

    /// Reports a note about `member` (the input itself when `None`).
    fn note(&mut self, member: Option<&str>, note: Note);
}

/// The formats told apart by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// UTF-8 or ASCII text: scanned as it is.
    Plain,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 and no NUL bytes: Windows-1252 (a superset of Latin-1's printables).
    Windows1252,
    /// NUL bytes and no known format.
    Binary,
    /// An SQLite database: read by the database source where there is one, else as binary.
    Sqlite,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    Zip,
    Tar,
    Pdf,
    /// An OLE compound file: legacy `.doc`/`.xls`/`.ppt`/`.msg`, or an encrypted Office file.
    Ole,
    /// A MIME e-mail (`.eml`).
    Mail,
}

impl Format {
    /// Whether the input goes through the plain text path unchanged.
    pub fn is_plain(self) -> bool {
        self == Format::Plain
    }
}

/// Tells the format of an input from its first bytes (`head`, up to [`HEAD`]); names are never
/// looked at (a rotated `app.log.1` may be gzip, a `.txt` may be UTF-16).
pub fn sniff(head: &[u8]) -> Format {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"\x1f\x8b") {
        return Format::Gzip;
    }
    if starts(b"\x28\xb5\x2f\xfd") {
        return Format::Zstd;
    }
    if head.len() >= 10
        && starts(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (&head[4..10] == b"1AY&SY" || &head[4..10] == b"\x17\x72\x45\x38\x50\x90")
    {
        return Format::Bzip2;
    }
    if starts(b"\xfd7zXZ\x00") {
        return Format::Xz;
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        return Format::Zip;
    }
    if starts(b"SQLite format 3\x00") {
        return Format::Sqlite;
    }
    if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return Format::Ole;
    }
    if is_tar(head) {
        return Format::Tar;
    }
    // The PDF header may follow some junk (the specification allows 1024 bytes).
    let start = &head[..head.len().min(1024)];
    if memchr::memchr_iter(b'%', start).any(|i| start[i..].starts_with(b"%PDF-")) {
        return Format::Pdf;
    }
    if starts(b"\xff\xfe") {
        return Format::Utf16Le;
    }
    if starts(b"\xfe\xff") {
        return Format::Utf16Be;
    }
    if memchr::memchr(0, head).is_some() {
        return encoding::utf16_without_bom(head).unwrap_or(Format::Binary);
    }
    if mail::looks_like_mail(head) {
        return Format::Mail;
    }
    // Judged on the first 2 KiB: enough for an export's header and first rows. Text whose
    // first non-UTF-8 byte comes later is scanned as it is (Latin-1 context words match there
    // too).
    if !encoding::is_utf8_prefix(&head[..head.len().min(UTF8_CHECK)]) {
        return Format::Windows1252;
    }
    Format::Plain
}

/// A tar header: the `ustar` magic, or (old tars) a valid header checksum.
fn is_tar(head: &[u8]) -> bool {
    if head.len() < 512 {
        return false;
    }
    if &head[257..262] == b"ustar" {
        return true;
    }
    // v7 tar: the checksum field holds the octal sum of the header with itself as spaces.
    let field = &head[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|b| *b == b' ')
        .take_while(u8::is_ascii_digit)
        .collect();
    if digits.is_empty() || head[0] == 0 {
        return false;
    }
    let Ok(expected) = u32::from_str_radix(std::str::from_utf8(&digits).unwrap_or(""), 8) else {
        return false;
    };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == expected
}

/// Decompressed bytes and bytes read for one input, shared by every reader of its extraction.
#[derive(Clone, Debug)]
struct Budget {
    state: Rc<BudgetState>,
}

#[derive(Debug)]
struct BudgetState {
    max: u64,
    ratio: u64,
    used: Cell<u64>,
    input: Cell<u64>,
    /// The limit hit, once one was: every metered read fails from then on.
    hit: Cell<Option<&'static str>>,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget {
            state: Rc::new(BudgetState {
                max: limits.max_decompressed,
                ratio: limits.max_ratio.max(1),
                used: Cell::new(0),
                input: Cell::new(0),
                hit: Cell::new(None),
            }),
        }
    }

    fn hit(&self) -> Option<&'static str> {
        self.state.hit.get()
    }

    /// Counts `n` decompressed bytes; an error once a limit is passed.
    fn spend(&self, n: usize) -> io::Result<()> {
        let s = &self.state;
        if let Some(what) = s.hit.get() {
            return Err(limit_error(what));
        }
        let used = s.used.get().saturating_add(n as u64);
        s.used.set(used);
        let what = if used > s.max {
            Some("decompressed-size limit (--max-decompressed)")
        } else if used > RATIO_FLOOR && used / s.input.get().max(1) > s.ratio {
            Some("compression-ratio limit")
        } else {
            None
        };
        match what {
            Some(w) => {
                s.hit.set(Some(w));
                Err(limit_error(w))
            }
            None => Ok(()),
        }
    }
}

fn limit_error(what: &str) -> io::Error {
    io::Error::other(format!("stopped at the {what}"))
}

/// A reader whose bytes count against the budget: decompressed output (`input: false`) or the
/// input file itself (`input: true`, for the ratio).
struct Metered<R> {
    inner: R,
    budget: Budget,
    input: bool,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(what) = self.budget.hit() {
            return Err(limit_error(what));
        }
        let n = self.inner.read(buf)?;
        if self.input {
            let s = &self.budget.state;
            s.input.set(s.input.get().saturating_add(n as u64));
        } else {
            self.budget.spend(n)?;
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for Metered<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// One extraction: the limits, the budget, the members counted, and where texts go.
struct Ctx<'a> {
    limits: &'a Limits,
    budget: Budget,
    members: u64,
    visitor: &'a mut dyn Visitor,
    /// Set when the visitor asked to stop or a limit was hit and reported.
    stopped: bool,
}

/// `outer!inner`: a member path one level deeper.
fn join(member: Option<&str>, name: &str) -> String {
    match member {
        Some(m) => format!("{m}!{name}"),
        None => name.to_string(),
    }
}

/// The last component of a path (a member's name is a path inside its container).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Reads up to [`HEAD`] bytes of `reader` (fewer only at its end), returning them.
fn peek<R: Read>(reader: &mut R) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD);
    reader.take(HEAD as u64).read_to_end(&mut head)?;
    Ok(head)
}

impl Ctx<'_> {
    fn new<'a>(limits: &'a Limits, visitor: &'a mut dyn Visitor) -> Ctx<'a> {
        Ctx {
            limits,
            budget: Budget::new(limits),
            members: 0,
            visitor,
            stopped: false,
        }
    }

    fn error(&mut self, member: Option<&str>, message: impl Into<String>) {
        self.visitor.note(
            member,
            Note::Error {
                message: message.into(),
            },
        );
    }

    fn skip(&mut self, member: Option<&str>, reason: &'static str, message: impl Into<String>) {
        self.visitor.note(
            member,
            Note::Skipped {
                reason,
                message: message.into(),
            },
        );
    }

    /// Reports a read error of `member`: a limit hit ends the whole input.
    fn read_failed(&mut self, member: Option<&str>, e: &io::Error) {
        if let Some(what) = self.budget.hit() {
            self.limit_hit(member, what);
        } else {
            self.error(
                member,
                format!("read error: {e}: the rest of it was not scanned"),
            );
        }
    }

    /// Reports the limit once and stops the extraction.
    fn limit_hit(&mut self, member: Option<&str>, what: &str) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let max = self.limits.max_decompressed;
        let ratio = self.limits.max_ratio;
        let where_ = match member {
            Some(_) => "from this member on",
            None => "from here on",
        };
        self.error(
            member,
            format!(
                "possible archive bomb: stopped at the {what} ({max} bytes, ratio {ratio}:1); \
                 the rest of the file, {where_}, was not scanned"
            ),
        );
    }

    /// Hands a text to the visitor, reporting a read error.
    fn text(&mut self, member: Option<&str>, kind: TextKind, text: &mut dyn Read) {
        if self.stopped {
            return;
        }
        match self.visitor.text(member, kind, text) {
            Ok(Flow::Continue) => {}
            Ok(Flow::Stop) => self.stopped = true,
            Err(e) => self.read_failed(member, &e),
        }
    }

    /// Counts one more member (of any container of the input); false, and reported once, past
    /// the limit.
    fn count_member(&mut self, member: Option<&str>) -> bool {
        if self.members >= self.limits.max_members {
            if !self.stopped {
                self.stopped = true;
                let max = self.limits.max_members;
                self.error(
                    member,
                    format!(
                        "possible archive bomb: more than {max} members; this member and the \
                         rest were not scanned"
                    ),
                );
            }
            return false;
        }
        self.members += 1;
        true
    }

    /// Whether a container at `depth` may be opened; reported when not.
    fn depth_ok(&mut self, member: Option<&str>, depth: u32) -> bool {
        if depth > self.limits.max_depth {
            let max = self.limits.max_depth;
            self.skip(
                member,
                "max-depth",
                format!("container nested deeper than --max-depth {max}: not opened"),
            );
            return false;
        }
        true
    }

    /// Reads the stream `reader` of `member` (named `name`, for hints), `depth` containers
    /// deep: tells its format and scans or opens it.
    fn stream(&mut self, member: Option<&str>, name: &str, depth: u32, mut reader: &mut dyn Read) {
        if self.stopped {
            return;
        }
        let head = match peek(&mut reader) {
            Ok(h) => h,
            Err(e) => return self.read_failed(member, &e),
        };
        let format = sniff(&head);
        let mut whole = io::Cursor::new(&head[..]).chain(reader);
        self.format(member, name, depth, format, &mut whole);
    }

    /// Reads a stream of a known format.
    fn format(
        &mut self,
        member: Option<&str>,
        name: &str,
        depth: u32,
        format: Format,
        reader: &mut dyn Read,
    ) {
        match format {
            Format::Plain => self.text(member, TextKind::Plain, reader),
            Format::Utf16Le | Format::Utf16Be | Format::Windows1252 => {
                let enc = encoding::encoding_of(format);
                let mut decoded = Decoded::new(reader, enc);
                self.text(member, TextKind::Decoded(enc.name()), &mut decoded)
            }
            Format::Binary | Format::Sqlite => self.binary(member, reader),
            Format::Gzip | Format::Zstd | Format::Bzip2 | Format::Xz => {
                compressed::read(self, member, name, depth + 1, format, reader)
            }
            Format::Tar => {
                if self.depth_ok(member, depth + 1) {
                    archive::tar(self, member, depth + 1, reader)
                }
            }
            Format::Zip => {
                if self.depth_ok(member, depth + 1) {
                    archive::nested_zip(self, member, depth + 1, reader)
                }
            }
            Format::Pdf => pdf::read(self, member, reader),
            Format::Ole => office::ole(self, member, reader),
            Format::Mail => {
                if self.depth_ok(member, depth + 1) {
                    mail::read(self, member, depth + 1, reader)
                }
            }
        }
    }

    fn binary(&mut self, member: Option<&str>, reader: &mut dyn Read) {
        match self.limits.binary {
            BinaryMode::Skip => self.skip(
                member,
                "binary",
                "binary file (NUL bytes, no known format): not scanned (--binary skip)",
            ),
            BinaryMode::Text => {
                let mut runs = PrintableRuns::new(reader);
                self.text(member, TextKind::BinaryRuns, &mut runs)
            }
        }
    }
}

/// Extracts and scans a file already opened and sniffed as `format` (not [`Format::Plain`]),
/// positioned at its start. A zip is read through its directory (the file is seekable);
/// everything else as a stream.
pub fn extract_file(
    file: &mut File,
    name: &str,
    format: Format,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) {
    let mut ctx = Ctx::new(limits, visitor);
    if format == Format::Zip && ctx.depth_ok(None, 1) {
        let metered = Metered {
            inner: file,
            budget: ctx.budget.clone(),
            input: true,
        };
        return archive::zip(&mut ctx, None, 1, metered);
    }
    let mut metered = Metered {
        inner: file,
        budget: ctx.budget.clone(),
        input: true,
    };
    ctx.format(None, name, 0, format, &mut metered);
}

/// Extracts and scans a stream (stdin, a pipe) sniffed as `format`; `head` was read from it.
pub fn extract_stream(
    reader: &mut dyn Read,
    head: &[u8],
    name: &str,
    format: Format,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) {
    let mut ctx = Ctx::new(limits, visitor);
    let mut metered = Metered {
        inner: io::Cursor::new(head).chain(reader),
        budget: ctx.budget.clone(),
        input: true,
    };
    ctx.format(None, name, 0, format, &mut metered);
}

/// Extracts any bytes held in memory (tests, fuzzing): sniffs them and proceeds as for a
/// stream named `name`.
pub fn extract_bytes(data: &[u8], name: &str, limits: &Limits, visitor: &mut dyn Visitor) {
    let head = &data[..data.len().min(HEAD)];
    let format = sniff(head);
    let mut ctx = Ctx::new(limits, visitor);
    let mut metered = Metered {
        inner: data,
        budget: ctx.budget.clone(),
        input: true,
    };
    if format == Format::Plain {
        return ctx.text(None, TextKind::Plain, &mut metered);
    }
    ctx.format(None, name, 0, format, &mut metered);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_over_the_name() {
        assert_eq!(sniff(b"\x1f\x8b\x08\x00"), Format::Gzip);
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(sniff(b"\x28\xb5\x2f\xfd\x00"), Format::Zstd);
        assert_eq!(sniff(b"BZh91AY&SYabc"), Format::Bzip2);
        assert_eq!(sniff(b"\xfd7zXZ\x00\x00"), Format::Xz);
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"SQLite format 3\x00\x10"), Format::Sqlite);
        assert_eq!(
            sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"),
            Format::Ole
        );
    }

    #[test]
    fn text_is_plain_unless_its_bytes_say_otherwise() {
        assert_eq!(sniff(b"cpr: 010190-1238\n"), Format::Plain);
        assert_eq!(sniff("fødselsdato".as_bytes()), Format::Plain);
        assert_eq!(sniff(b"f\xf8dselsdato 010190-1238"), Format::Windows1252);
        assert_eq!(sniff(b"\xff\xfef\x00\xf8\x00"), Format::Utf16Le);
        assert_eq!(sniff(b"\xfe\xff\x00f\x00\xf8"), Format::Utf16Be);
        assert_eq!(sniff(b"ELF\x00\x01\x02\x03garbage"), Format::Binary);
        assert_eq!(sniff(b""), Format::Plain);
    }

    #[test]
    fn a_utf8_character_cut_by_the_head_is_still_plain() {
        let mut head = vec![b'a'; HEAD - 1];
        head.push(0xc3); // first byte of "ø"
        assert_eq!(sniff(&head), Format::Plain);
    }

    #[test]
    fn ustar_and_v7_tar_headers_are_tar() {
        let mut h = vec![0u8; 512];
        h[..5].copy_from_slice(b"a.txt");
        h[257..263].copy_from_slice(b"ustar\x00");
        assert_eq!(sniff(&h), Format::Tar);
        let mut v7 = vec![0u8; 512];
        v7[..5].copy_from_slice(b"a.txt");
        v7[100..107].copy_from_slice(b"0000644");
        let sum: u32 = v7.iter().map(|&b| u32::from(b)).sum::<u32>() + 8 * u32::from(b' ');
        let field = format!("{sum:06o}\x00 ");
        v7[148..156].copy_from_slice(field.as_bytes());
        assert_eq!(sniff(&v7), Format::Tar);
    }

    /// Texts (member, content) and notes, as handed out.
    #[derive(Default)]
    struct Collect {
        texts: Vec<(Option<String>, String)>,
        notes: Vec<(Option<String>, Note)>,
    }

    impl Visitor for Collect {
        fn text(
            &mut self,
            member: Option<&str>,
            _kind: TextKind,
            text: &mut dyn Read,
        ) -> io::Result<Flow> {
            let mut s = String::new();
            text.read_to_string(&mut s)?;
            self.texts.push((member.map(str::to_string), s));
            Ok(Flow::Continue)
        }

        fn note(&mut self, member: Option<&str>, note: Note) {
            self.notes.push((member.map(str::to_string), note));
        }
    }

    fn tar_of(n: usize) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for i in 0..n {
            let mut h = tar::Header::new_gnu();
            h.set_size(1);
            h.set_cksum();
            b.append_data(&mut h, format!("f{i}.txt"), &b"x"[..])
                .unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn member_limit_reads_that_many_members_then_reports_once() {
        let limits = Limits {
            max_members: 3,
            ..Limits::default()
        };
        let mut c = Collect::default();
        extract_bytes(&tar_of(6), "x.tar", &limits, &mut c);
        assert_eq!(c.texts.len(), 3);
        assert_eq!(c.notes.len(), 1);
        assert_eq!(c.notes[0].0.as_deref(), Some("f3.txt"));
        assert!(
            matches!(&c.notes[0].1, Note::Error { message } if message.contains("more than 3 members"))
        );
    }

    /// Found by fuzzing: an xz index claiming 2^54 records; the decoder's reservation fails
    /// and the stream is a read error, not an abort.
    #[test]
    fn regression_xz_index_with_an_absurd_record_count_is_a_read_error() {
        let data = b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4F\x00\xe7\xde\xff\xbf\xfd\xfe\xff\x01\x00\x00u\x00t\x1dcpr: 0101\xff\x01\x02\xff\x1e=\x19\x95SBZh\x1f\xb6\xf3}\x01\x00\x00\x00\x00\x04YZ";
        let mut c = Collect::default();
        extract_bytes(data, "x.xz", &Limits::default(), &mut c);
        assert!(c.notes.iter().any(|(_, n)| matches!(n, Note::Error { .. })));
    }

    /// Found by fuzzing: an xz index claiming ~2^31 records (15 GB of index entries, under the
    /// 2^54 above, so the reservation could succeed). lzma-rust2 0.15 reserved room for them up
    /// front; 0.25 reads records as they come, so the stream is a read error and nothing big is
    /// allocated.
    #[test]
    fn regression_xz_index_with_a_large_record_count_is_a_read_error() {
        let data = b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4F\x00\xe7\xde\xff\xbf\x03\x01\xb2\xa6AxOTAtMTITAxOtTTMIAzO\x01YA";
        let mut c = Collect::default();
        extract_bytes(data, "x.xz", &Limits::default(), &mut c);
        assert!(c.notes.iter().any(|(_, n)| matches!(n, Note::Error { .. })));
    }

    #[test]
    fn budget_stops_past_the_size_limit_and_stays_stopped() {
        let limits = Limits {
            max_decompressed: 10,
            ..Limits::default()
        };
        let b = Budget::new(&limits);
        assert!(b.spend(10).is_ok());
        assert!(b.spend(1).is_err());
        assert!(b.spend(0).is_err(), "a hit limit stays hit");
        assert!(b.hit().is_some());
    }

    #[test]
    fn budget_stops_on_ratio_only_past_the_floor() {
        let b = Budget::new(&Limits::default());
        b.state.input.set(1);
        assert!(b.spend(RATIO_FLOOR as usize).is_ok(), "below the floor");
        assert!(b.spend(1).is_err(), "past the floor at ratio > 250");
    }
}
