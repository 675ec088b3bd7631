//! Text in other encodings than UTF-8, decoded to UTF-8 as it streams: UTF-16 (with a byte
//! order mark, or told by where its NUL bytes fall) and Windows-1252 (bytes that are not
//! valid UTF-8; Windows-1252 agrees with Latin-1 on every printable character and adds `–`,
//! `€` and the like in 0x80-0x9F). Findings in decoded text are located in the decoded
//! UTF-8 bytes, so `fødselsdato` is a context word in every encoding.

use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::Format;

/// The encoding of a text format.
pub fn encoding_of(format: Format) -> &'static Encoding {
    match format {
        Format::Utf16Le => UTF_16LE,
        Format::Utf16Be => UTF_16BE,
        _ => WINDOWS_1252,
    }
}

/// Whether `head` is valid UTF-8, allowing a character cut off at its end.
pub fn is_utf8_prefix(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // `error_len() == None`: the input ended inside a character.
        Err(e) => e.error_len().is_none(),
    }
}

/// UTF-16 without a byte order mark: text in the Latin range has a NUL as every other byte.
/// Judged on the first 512 code units: at least 80 % of one byte position NUL and at most 5 %
/// of the other.
pub fn utf16_without_bom(head: &[u8]) -> Option<Format> {
    let units = head.len().min(1024) / 2;
    if units < 8 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in head[..units * 2].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let most = units * 4 / 5;
    let few = units / 20;
    if odd >= most && even <= few {
        Some(Format::Utf16Le)
    } else if even >= most && odd <= few {
        Some(Format::Utf16Be)
    } else {
        None
    }
}

/// A reader of UTF-8 decoded from `inner` in `encoding` (a byte order mark is dropped;
/// malformed sequences become U+FFFD).
pub struct Decoded<R> {
    inner: R,
    decoder: Decoder,
    /// Undecoded input: `raw[start..end]`.
    raw: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    /// Decoded output not yet handed out: `out[out_start..out_end]`.
    out: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    finished: bool,
}

const RAW: usize = 64 * 1024;

impl<R: Read> Decoded<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Decoded<R> {
        Decoded {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0; RAW].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            // Decoding a byte of Windows-1252 gives at most 3 bytes of UTF-8; of UTF-16, a
            // code unit (2 bytes) at most 3.
            out: vec![0; RAW * 3 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            finished: false,
        }
    }

    /// Decodes more into the empty output buffer.
    fn fill(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end && !self.finished {
            if self.start == self.end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.raw) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        res => break res?,
                    }
                };
                self.start = 0;
                self.end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.raw[self.start..self.end],
                &mut self.out,
                self.eof,
            );
            self.start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == CoderResult::InputEmpty {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], enc: &'static Encoding, read_size: usize) -> String {
        let mut d = Decoded::new(bytes, enc);
        let mut out = Vec::new();
        let mut buf = vec![0; read_size];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn utf16le_with_bom_decodes_danish_letters() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "fødselsdato æå".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes, UTF_16LE, 3), "fødselsdato æå");
    }

    #[test]
    fn windows_1252_decodes_letters_and_the_en_dash() {
        assert_eq!(
            decode(b"f\xf8dselsdato 010190\x961238", WINDOWS_1252, 1),
            "fødselsdato 010190\u{2013}1238"
        );
    }

    #[test]
    fn utf16_is_told_by_its_nul_bytes_without_a_bom() {
        let le: Vec<u8> = "cpr nummer: 010190-1238"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "cpr nummer: 010190-1238"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&le), Some(Format::Utf16Le));
        assert_eq!(utf16_without_bom(&be), Some(Format::Utf16Be));
        assert_eq!(
            utf16_without_bom(b"\x00\x00\x00\x00\x01\x02\x03\x04ELF\x7f"),
            None
        );
    }
}
