//! `cprscan redact`: copies the input with every finding at or above the threshold replaced and
//! every other byte unchanged, in one streaming pass (the same search driver as a scan, so a
//! number split across two reads is still found, and memory stays bounded on endless input).
//! Each settled part is written, and flushed, as soon as it is scanned: a `tail -f` pipe sees
//! each line as it arrives.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::cli::{Config, Format, Input};
use crate::finding::Finding;
use crate::fingerprint::Fingerprinter;
use crate::place::Place;
use crate::printer::Printer;
use crate::run::{prepare, Prepared, EXIT_CLEAN, EXIT_ERROR};
use crate::search::{SearchError, Searcher, Sink};

/// How a finding is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Style {
    /// The finding's mask (`010190-****`): the same as in reports, length kept where the kind
    /// allows.
    Mask,
    /// A stable token from the keyed fingerprint (`[CPR:3f9a1c2b]`): the same person stays
    /// linkable across lines without the number. Needs a key.
    Token,
    /// The kind only (`[CPR]`).
    Remove,
}

/// The text that replaces `f`.
pub fn replacement(f: &Finding, style: Style, key: Option<&Fingerprinter>) -> String {
    let kind = f.kind_name().to_ascii_uppercase();
    match (style, key) {
        (Style::Mask, _) => f.masked(),
        (Style::Token, Some(key)) => format!("[{kind}:{}]", &key.fingerprint_of(f)[..8]),
        (Style::Token, None) | (Style::Remove, _) => format!("[{kind}]"),
    }
}

/// A sink that writes the input with its findings replaced, and optionally the findings as
/// JSON lines.
///
/// Given a scanner [covering overlaps](crate::Scanner::covering_overlaps), it also hides the
/// bytes of every overlap loser beyond the finding it lost to: letters and digits become `*`,
/// everything else stays. Otherwise what the loser has left there, with its neighbours, could
/// be found again in the redacted text.
pub struct Redactor<'a> {
    out: &'a mut dyn Write,
    style: Style,
    key: Option<&'a Fingerprinter>,
    /// Absolute offset up to which the input is written (a replaced finding may end past the
    /// part it started in: its tail is then skipped in the next part).
    done: u64,
    /// Absolute offset up to which the bytes written as they were get letters and digits
    /// hidden: the end of the farthest overlap loser so far (it too may end in a later part).
    hide: u64,
    /// The current part's findings, waiting for its bytes.
    pending: Vec<Finding>,
    /// Bytes with letters and digits hidden, before they are written.
    hidden: Vec<u8>,
    findings: Option<(&'a mut dyn Write, &'a Printer, &'a str)>,
    flush: bool,
}

impl<'a> Redactor<'a> {
    pub fn new(out: &'a mut dyn Write, style: Style, key: Option<&'a Fingerprinter>) -> Self {
        Redactor {
            out,
            style,
            key,
            done: 0,
            hide: 0,
            pending: Vec::new(),
            hidden: Vec::new(),
            findings: None,
            flush: true,
        }
    }

    /// Also writes each finding as a JSON line for `path` (offsets refer to the input).
    pub fn with_findings(
        mut self,
        out: &'a mut dyn Write,
        printer: &'a Printer,
        path: &'a str,
    ) -> Self {
        self.findings = Some((out, printer, path));
        self
    }

    /// Writes `bytes[from..to]` (absolute offsets; `bytes` starts at `offset`) as they were,
    /// but for letters and digits before [`Redactor::hide`].
    fn pass(&mut self, bytes: &[u8], offset: u64, from: u64, to: u64) -> io::Result<()> {
        let at = |abs: u64| (abs - offset) as usize;
        let hide = self.hide.clamp(from, to);
        if hide > from {
            self.hidden.clear();
            crate::kinds::mask_alnum_into(&bytes[at(from)..at(hide)], 0, 0, &mut self.hidden);
            self.out.write_all(&self.hidden)?;
        }
        self.out.write_all(&bytes[at(hide)..at(to)])
    }
}

impl Sink for Redactor<'_> {
    fn findings(&mut self, batch: &[Finding]) -> io::Result<()> {
        if let Some((out, printer, path)) = &mut self.findings {
            let mut buf = Vec::new();
            let place = Place::new(*path);
            for f in batch.iter().filter(|f| !f.overlap_loser) {
                printer.finding(&mut buf, &place, f);
            }
            out.write_all(&buf)?;
        }
        self.pending.extend_from_slice(batch);
        Ok(())
    }

    fn settled(&mut self, bytes: &[u8], offset: u64) -> io::Result<()> {
        let end = offset + bytes.len() as u64;
        let mut pos = offset.max(self.done);
        let mut pending = std::mem::take(&mut self.pending);
        for f in pending.drain(..) {
            if f.overlap_loser {
                // Its bytes inside a finding are replaced with the finding; the rest hidden.
                if f.offset > pos {
                    self.pass(bytes, offset, pos, f.offset)?;
                    pos = f.offset;
                }
                self.hide = self.hide.max(f.end());
                continue;
            }
            if f.offset < pos {
                continue;
            }
            self.pass(bytes, offset, pos, f.offset)?;
            self.out
                .write_all(replacement(&f, self.style, self.key).as_bytes())?;
            pos = f.end();
        }
        self.pending = pending;
        if pos < end {
            self.pass(bytes, offset, pos, end)?;
            pos = end;
        }
        self.done = pos;
        if self.flush {
            self.out.flush()?;
            if let Some((out, _, _)) = &mut self.findings {
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// What `cprscan redact` was asked to do.
#[derive(Debug)]
pub struct Job {
    pub config: Config,
    pub style: Style,
    pub output: Option<PathBuf>,
    pub in_place: bool,
    pub findings: Option<PathBuf>,
}

/// `cprscan redact`: returns the exit status.
pub fn main(job: Job) -> i32 {
    match redact(&job) {
        Ok(()) => EXIT_CLEAN,
        Err(msg) => {
            eprintln!("cprscan: redact: {msg}");
            EXIT_ERROR
        }
    }
}

fn redact(job: &Job) -> Result<(), String> {
    let Prepared {
        builder,
        fingerprinter,
        ..
    } = prepare(&job.config)?;
    if job.style == Style::Token && fingerprinter.is_none() {
        return Err("--style token needs a fingerprint key: --key-file FILE or CPRSCAN_KEY".into());
    }
    let scanner = builder.build().covering_overlaps();
    let input = match job.config.inputs.as_slice() {
        [] => Input::Stdin,
        [one] => one.clone(),
        _ => return Err("one input at a time (a file, or - for stdin)".into()),
    };
    let mut findings_file = match &job.findings {
        Some(p) => Some(BufWriter::new(
            File::create(p).map_err(|e| format!("{}: {e}", p.display()))?,
        )),
        None => None,
    };
    let printer = Printer::new(Format::Jsonl, false, false);
    let shown = match &input {
        Input::Stdin => "-".to_string(),
        Input::Path(p) => p.to_string_lossy().into_owned(),
    };
    let mut run = |reader: &mut dyn io::Read, out: &mut dyn Write, chunk: usize| {
        let mut sink = Redactor::new(out, job.style, fingerprinter.as_ref());
        if let Some(f) = findings_file.as_mut() {
            sink = sink.with_findings(f, &printer, &shown);
        }
        let res = Searcher::new(chunk).search_reader(&scanner, reader, &mut sink);
        drop(sink);
        if let Some(f) = findings_file.as_mut() {
            f.flush().map_err(|e| format!("write error: {e}"))?;
        }
        res.map(|_| ()).map_err(|e| match e {
            SearchError::Read(e) => format!("{shown}: read error: {e}"),
            SearchError::Sink(e) => format!("write error: {e}"),
        })
    };
    const STREAM: usize = 64 * 1024;
    const FILE: usize = 256 * 1024;
    if job.in_place {
        let Input::Path(path) = &input else {
            return Err("--in-place needs a file, not stdin".into());
        };
        return in_place(path, |reader, out| run(reader, out, FILE));
    }
    let mut out: Box<dyn Write> = match &job.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).map_err(|e| format!("{}: {e}", p.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(64 * 1024, io::stdout().lock())),
    };
    match &input {
        Input::Stdin => run(&mut io::stdin().lock(), &mut out, STREAM)?,
        Input::Path(p) => {
            // Read-only and, where permitted, without touching the access time, as a scan.
            let mut f = crate::run::open_read_only(p)
                .map_err(|e| format!("{}: cannot open: {e}", p.display()))?;
            run(&mut f, &mut out, FILE)?
        }
    }
    out.flush().map_err(|e| format!("write error: {e}"))
}

/// Rewrites `path` through a temporary file in its directory and a rename, so readers see the
/// old or the new file, never half of one. Refuses symbolic links and read-only files; on any
/// error the file is left as it was.
fn in_place(
    path: &Path,
    rewrite: impl FnOnce(&mut dyn io::Read, &mut dyn Write) -> Result<(), String>,
) -> Result<(), String> {
    let shown = path.display();
    let meta = fs::symlink_metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "{shown}: a symbolic link; --in-place rewrites regular files only"
        ));
    }
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    if meta.permissions().readonly() {
        return Err(format!("{shown}: read-only; left as it was"));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.cprscan-redact-{}", std::process::id()));
    let result = (|| {
        let mut input = File::open(path).map_err(|e| format!("{shown}: cannot open: {e}"))?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| format!("{}: {e}", temp.display()))?;
        let mut out = BufWriter::new(file);
        rewrite(&mut input, &mut out)?;
        let file = out.into_inner().map_err(|e| format!("write error: {e}"))?;
        file.set_permissions(meta.permissions())
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("{}: {e}", temp.display()))?;
        fs::rename(&temp, path).map_err(|e| format!("{shown}: {e}"))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::finding::{Confidence, Kind};
    use crate::scanner::ScannerBuilder;

    fn redacted(text: &[u8], style: Style, chunk: usize) -> Vec<u8> {
        let scanner = ScannerBuilder::new()
            .today(Date::new(2026, 11, 23).unwrap())
            .build();
        let key = Fingerprinter::new(b"key").unwrap();
        let mut out = Vec::new();
        let mut sink = Redactor::new(&mut out, style, Some(&key));
        Searcher::new(chunk)
            .search_reader(&scanner, text, &mut sink)
            .unwrap();
        out
    }

    #[test]
    fn only_findings_change_and_everything_else_passes_through() {
        let text = b"a\r\ncpr 010190-1238 \xff\xfe tail\r\nno numbers\n".as_slice();
        let out = redacted(text, Style::Mask, 1 << 16);
        assert_eq!(out, b"a\r\ncpr 010190-**** \xff\xfe tail\r\nno numbers\n");
    }

    #[test]
    fn a_number_split_across_reads_is_still_replaced() {
        let text = b"cpr 010190-1238 and cpr 010190-1238\n".as_slice();
        for chunk in [1, 2, 3, 7, 16] {
            let out = redacted(text, Style::Remove, chunk);
            assert_eq!(out, b"cpr [CPR] and cpr [CPR]\n", "chunk {chunk}");
        }
    }

    #[test]
    fn token_is_stable_and_keyed() {
        let out = redacted(b"cpr 010190-1238 cpr 0101901238\n", Style::Token, 1 << 16);
        // fc7f86d5... is the pinned fingerprint of this number under the key "key".
        assert_eq!(out, b"cpr [CPR:fc7f86d5] cpr [CPR:fc7f86d5]\n");
    }

    /// A finding of `kind` at `offset` in `text`, `len` bytes long.
    fn at(text: &[u8], offset: usize, len: usize, kind: Kind, loser: bool) -> Finding {
        let mut f = Finding::new(
            offset as u64,
            kind,
            Confidence::Medium,
            Vec::new(),
            &text[offset..offset + len],
        );
        f.overlap_loser = loser;
        f
    }

    #[test]
    fn overlap_losers_are_hidden_beyond_the_finding_they_lost_to() {
        // A CPR-shaped finding (2..12) and two losers: a phone number starting inside it and
        // reaching past its end (8..17), and a run starting before it (0..4). Split anywhere,
        // even inside the finding or the losers: what the finding does not replace of a loser
        // has its letters and digits hidden, and its other bytes kept.
        let text = b"a 1111112222 33-3 y9\n";
        let findings = [
            at(text, 0, 4, Kind::BankAccount, true),
            at(text, 2, 10, Kind::Cpr, false),
            at(text, 8, 9, Kind::Phone, true),
        ];
        for split in 0..=text.len() {
            let mut out = Vec::new();
            let mut sink = Redactor::new(&mut out, Style::Mask, None);
            let (first, second) =
                findings.split_at(findings.partition_point(|f| f.offset < split as u64));
            sink.part(&mut first.to_vec(), &text[..split], 0).unwrap();
            sink.part(&mut second.to_vec(), &text[split..], split as u64)
                .unwrap();
            drop(sink);
            assert_eq!(out, b"* 111111**** **-* y9\n", "split at {split}");
        }
    }

    #[test]
    fn overlap_losers_are_not_written_as_findings() {
        let text = b"1111112222 3333\n";
        let printer = Printer::new(Format::Jsonl, false, false);
        let (mut out, mut json) = (Vec::new(), Vec::new());
        let mut sink =
            Redactor::new(&mut out, Style::Remove, None).with_findings(&mut json, &printer, "-");
        let mut batch = vec![
            at(text, 0, 10, Kind::Cpr, false),
            at(text, 6, 9, Kind::Phone, true),
        ];
        sink.part(&mut batch, text, 0).unwrap();
        drop(sink);
        assert_eq!(out, b"[CPR] ****\n");
        assert_eq!(json.iter().filter(|&&b| b == b'\n').count(), 1);
    }

    #[test]
    fn input_without_newline_is_written_whole() {
        let out = redacted(b"cpr 010190-1238", Style::Mask, 4);
        assert_eq!(out, b"cpr 010190-****");
    }
}
