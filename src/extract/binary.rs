//! Binary files: only their runs of printable text are scanned. Every other byte (NUL and
//! the other control characters but TAB, LF and CR) becomes a line feed, so no match and no
//! context window joins two runs, while offsets stay those of the file. Bytes from 0x80 up are
//! kept: UTF-8 and Latin-1 letters (`fødselsdato`) and Unicode separators are text.

use std::io::{self, Read};

/// A reader of `inner` with its non-text bytes turned into line feeds.
pub struct PrintableRuns<R> {
    inner: R,
}

impl<R: Read> PrintableRuns<R> {
    pub fn new(inner: R) -> PrintableRuns<R> {
        PrintableRuns { inner }
    }
}

/// Whether `b` is kept as text.
fn is_text(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e | 0x80..=0xff)
}

impl<R: Read> Read for PrintableRuns<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for b in &mut buf[..n] {
            if !is_text(*b) {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_become_line_feeds_and_offsets_stay() {
        let mut out = Vec::new();
        PrintableRuns::new(&b"\x00\x01cpr 010190-1238\x00\x7f\xc3\xb8\xff"[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"\n\ncpr 010190-1238\n\n\xc3\xb8\xff");
    }
}
