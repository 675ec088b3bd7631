//! The source layer (`cprscan::extract`) on arbitrary bytes: every extractor (compressed
//! streams, zip and tar, Office XML, OpenDocument, PDF, e-mail, UTF-16 and Windows-1252,
//! binary runs) is reached from one target. The first byte picks how the rest is presented:
//! as is (sniffed by content like any file), or wrapped so that it lands in one extractor
//! (the XML part of a docx, xlsx or OpenDocument file; a PDF; an e-mail; UTF-16; a tar).
//! Checks, for every input:
//! - no panic, and the extraction ends (the limits below bound every loop);
//! - every decoded or extracted text handed out is valid UTF-8;
//! - texts and notes are reported for members at most `max_depth` containers deep.
#![no_main]

use std::io::{Cursor, Read, Write};

use cprscan::extract::{self, Flow, Limits, Note, TextKind, Visitor};
use libfuzzer_sys::fuzz_target;

struct Check {
    max_depth: usize,
}

impl Visitor for Check {
    fn text(
        &mut self,
        member: Option<&str>,
        kind: TextKind,
        text: &mut dyn Read,
    ) -> std::io::Result<Flow> {
        if let Some(m) = member {
            // A member path has one `!` per container below the first, plus at most one more
            // for a compressed layer's text, a page, or a sheet.
            assert!(m.matches('!').count() <= 2 * self.max_depth + 2, "{m}");
        }
        let mut all = Vec::new();
        text.take(64 << 20).read_to_end(&mut all)?;
        if matches!(kind, TextKind::Decoded(_) | TextKind::Document) {
            assert!(std::str::from_utf8(&all).is_ok(), "{kind:?} text is UTF-8");
        }
        Ok(Flow::Continue)
    }

    fn note(&mut self, _member: Option<&str>, note: Note) {
        if let Note::Skipped { reason, .. } = note {
            assert!(!reason.is_empty());
        }
    }
}

fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        w.start_file(*name, opts).expect("in memory");
        w.write_all(data).expect("in memory");
    }
    w.finish().expect("in memory").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let types: &[u8] = b"<Types/>";
    let input: Vec<u8> = match pick % 8 {
        1 => zipped(&[("[Content_Types].xml", types), ("word/document.xml", rest)]),
        2 => zipped(&[
            ("[Content_Types].xml", types),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", rest),
            ("xl/sharedStrings.xml", rest),
        ]),
        3 => zipped(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", rest),
        ]),
        4 => [b"%PDF-1.4\n".as_slice(), rest].concat(),
        5 => [b"From: a@example.dk\r\nMIME-Version: 1.0\r\n".as_slice(), rest].concat(),
        6 => [b"\xff\xfe".as_slice(), rest].concat(),
        7 if rest.len() >= 512 => {
            let mut t = rest.to_vec();
            t[257..262].copy_from_slice(b"ustar");
            t
        }
        _ => rest.to_vec(),
    };
    let limits = Limits {
        max_decompressed: 16 << 20,
        max_members: 1000,
        pdf_child: false,
        ..Limits::default()
    };
    let mut check = Check {
        max_depth: limits.max_depth as usize,
    };
    extract::extract_bytes(&input, "fuzz.bin", &limits, &mut check);
});
