//! PDF documents: the text layer of each page, scanned as member `page N`.
//!
//! PDF parsers meet hostile input on every share, and a parser bug must not take the scan down
//! with it. So the `cprscan` binary extracts in a child process of itself
//! ([`PDF_CHILD_ARG`]), with a memory limit (`RLIMIT_AS`), a CPU-time limit and a wall-clock
//! timeout; a crash, a limit or a timeout is an error record for that PDF, and the scan goes
//! on. Library use (and fuzzing) extracts in-process with panics caught. A PDF whose pages hold
//! no text (a scan) is reported as skipped: "no text layer".

use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{join, Ctx, TextKind};

/// The hidden first argument that makes the binary a PDF text extractor: PDF on stdin, the
/// text of each page on stdout, pages separated by form feeds.
pub const PDF_CHILD_ARG: &str = "__cprscan-pdf-text";

/// PDFs larger than this are not read (reported).
pub const PDF_MAX: u64 = 256 << 20;

/// The child's address-space limit.
const CHILD_MEMORY: u64 = 2 << 30;
/// The child's CPU-time limit, seconds (a parser in an endless loop).
const CHILD_CPU_SECS: u64 = 60;
/// The child's wall-clock limit.
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Exit status of the child for an encrypted PDF it cannot open.
const EXIT_ENCRYPTED: i32 = 3;
/// Exit status of the child for a PDF it cannot parse (the message is on stderr).
const EXIT_UNREADABLE: i32 = 4;

/// Why a PDF's text could not be had.
#[derive(Debug, PartialEq, Eq)]
pub enum PdfError {
    Encrypted,
    Unreadable(String),
}

/// Reads a PDF and scans the text of each page.
pub fn read(ctx: &mut Ctx, member: Option<&str>, reader: &mut dyn Read) {
    let mut data = Vec::new();
    if let Err(e) = reader.take(PDF_MAX + 1).read_to_end(&mut data) {
        return ctx.read_failed(member, &e);
    }
    if data.len() as u64 > PDF_MAX {
        return ctx.error(member, format!("PDF larger than {PDF_MAX} bytes: not read"));
    }
    let pages = if ctx.limits.pdf_child {
        extract_in_child(&data)
    } else {
        extract_pdf_text(&data)
    };
    let pages = match pages {
        Ok(p) => p,
        Err(PdfError::Encrypted) => {
            return ctx.skip(member, "encrypted", "encrypted PDF: not scanned");
        }
        Err(PdfError::Unreadable(why)) => {
            return ctx.error(member, format!("cannot read PDF: {why}"));
        }
    };
    if pages.iter().all(|p| p.trim().is_empty()) {
        return ctx.skip(
            member,
            "no-text-layer",
            "PDF with no text layer (a scanned image?): not scanned",
        );
    }
    for (i, text) in pages.iter().enumerate() {
        if ctx.stopped {
            return;
        }
        if text.trim().is_empty() {
            continue;
        }
        let path = join(member, &format!("page {}", i + 1));
        if !ctx.count_member(Some(&path)) {
            return;
        }
        ctx.text(Some(&path), TextKind::Document, &mut text.as_bytes());
    }
}

/// Stack for the parser's thread: the PDF parser recurses into nested arrays and dictionaries,
/// and a hostile file nests them deep. Reserved, not committed: only what is used costs memory.
const PARSER_STACK: usize = 256 << 20;

/// The text of each page of a PDF, in-process, on a thread with a large stack, panics caught.
pub fn extract_pdf_text(data: &[u8]) -> Result<Vec<String>, PdfError> {
    let failed = || PdfError::Unreadable("the PDF parser failed on it".into());
    std::thread::scope(|s| {
        let parser = std::thread::Builder::new()
            .name("pdf-text".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(s, || std::panic::catch_unwind(|| pages_text(data)));
        match parser.map(|t| t.join()) {
            Ok(Ok(Ok(res))) => res,
            Ok(_) => Err(failed()),
            Err(e) => Err(PdfError::Unreadable(format!(
                "cannot start the PDF parser: {e}"
            ))),
        }
    })
}

fn pages_text(data: &[u8]) -> Result<Vec<String>, PdfError> {
    let doc = match lopdf::Document::load_mem(data) {
        Ok(d) => d,
        Err(lopdf::Error::Decryption(_)) => return Err(PdfError::Encrypted),
        Err(e) => return Err(PdfError::Unreadable(e.to_string())),
    };
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::Unreadable("no pages".into()));
    }
    let texts = pages
        .keys()
        .map(|&n| doc.extract_text(&[n]).unwrap_or_default())
        .collect();
    Ok(texts)
}

/// Runs [`extract_pdf_text`] in a child process of this binary, within limits.
fn extract_in_child(data: &[u8]) -> Result<Vec<String>, PdfError> {
    let exe = std::env::current_exe()
        .map_err(|e| PdfError::Unreadable(format!("cannot start the PDF extractor: {e}")))?;
    let mut child = Command::new(exe)
        .arg(PDF_CHILD_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| PdfError::Unreadable(format!("cannot start the PDF extractor: {e}")))?;
    let (mut stdin, mut stdout, mut stderr) = (
        child.stdin.take().expect("piped"),
        child.stdout.take().expect("piped"),
        child.stderr.take().expect("piped"),
    );
    let result = std::thread::scope(|s| {
        s.spawn(move || {
            let _ = stdin.write_all(data); // a child that dies early closes the pipe: fine
        });
        let out = s.spawn(move || {
            let mut text = Vec::new();
            let _ = (&mut stdout).take(PDF_MAX * 4).read_to_end(&mut text);
            text
        });
        let err = s.spawn(move || {
            let mut msg = String::new();
            let _ = (&mut stderr).take(4096).read_to_string(&mut msg);
            msg
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() > CHILD_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(PdfError::Unreadable(format!(
                        "the PDF extractor took longer than {} s: stopped",
                        CHILD_TIMEOUT.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => break Err(PdfError::Unreadable(format!("PDF extractor: {e}"))),
            }
        };
        let text = out.join().unwrap_or_default();
        let msg = err.join().unwrap_or_default();
        (status, text, msg)
    });
    let (status, text, msg) = result;
    let status = status?;
    match status.code() {
        Some(0) => Ok(String::from_utf8_lossy(&text)
            .split('\x0c')
            .map(str::to_string)
            .collect()),
        Some(EXIT_ENCRYPTED) => Err(PdfError::Encrypted),
        Some(EXIT_UNREADABLE) => Err(PdfError::Unreadable(msg.trim().to_string())),
        _ => Err(PdfError::Unreadable(format!(
            "the PDF extractor failed ({status}): a malformed PDF, or its memory or time limit"
        ))),
    }
}

/// The child: limits itself, reads a PDF on stdin, writes the text of its pages (separated
/// by form feeds) on stdout. Returns the exit status.
pub fn pdf_child_main() -> i32 {
    limit_self();
    let mut data = Vec::new();
    if io::stdin().take(PDF_MAX).read_to_end(&mut data).is_err() {
        return EXIT_UNREADABLE;
    }
    match extract_pdf_text(&data) {
        Ok(pages) => {
            let mut out = io::stdout().lock();
            for (i, p) in pages.iter().enumerate() {
                if i > 0 {
                    let _ = out.write_all(b"\x0c");
                }
                let _ = out.write_all(p.replace('\x0c', " ").as_bytes());
            }
            let _ = out.flush();
            0
        }
        Err(PdfError::Encrypted) => EXIT_ENCRYPTED,
        Err(PdfError::Unreadable(msg)) => {
            eprintln!("{msg}");
            EXIT_UNREADABLE
        }
    }
}

/// Memory and CPU-time limits for the extractor child.
#[cfg(unix)]
fn limit_self() {
    let set = |resource, value: u64| {
        let lim = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct we pass and touches nothing else.
        unsafe { libc::setrlimit(resource, &lim) };
    };
    set(libc::RLIMIT_AS, CHILD_MEMORY);
    set(libc::RLIMIT_CPU, CHILD_CPU_SECS);
}

#[cfg(not(unix))]
fn limit_self() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_arrays_do_not_overflow_the_stack() {
        let mut pdf = b"%PDF-1.4\n1 0 obj\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'[', 20_000));
        pdf.extend(b"\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        assert!(extract_pdf_text(&pdf).is_err());
    }

    #[test]
    fn garbage_after_a_pdf_header_is_unreadable_not_a_panic() {
        let res = extract_pdf_text(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\ngarbage");
        assert!(matches!(res, Err(PdfError::Unreadable(_))), "{res:?}");
    }
}
