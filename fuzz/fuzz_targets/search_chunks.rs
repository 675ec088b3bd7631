//! The search driver on typed input: a kind set (CPR alone, the default kinds or every kind),
//! data bytes, a list of read sizes and a chunk size. A reader that hands the data out in those
//! read sizes (cycling; 0 stands for an `Interrupted` error, which the driver must retry) must
//! give exactly the findings (offset, length, line, column, kind, confidence, reasons, raw
//! value) that one search of the whole slice gives; so must a slice search with the fuzzed
//! chunk size. Every search must give findings in order, inside the input, with line and column
//! that agree with the offset.
#![no_main]

mod common;

use std::io::{self, Read};

use arbitrary::Arbitrary;
use cprscan::scanner::MARGIN;
use cprscan::search::{Searcher, Sink};
use cprscan::Finding;
use libfuzzer_sys::fuzz_target;

use common::scanners;

/// Cost limits: inputs past these are skipped, so one run stays fast with one-byte reads.
const MAX_DATA: usize = 64 * 1024;
const MAX_READS: usize = 64;
/// Reads and chunks up to a few times the driver's margin cover every code path.
const MAX_READ_SIZE: usize = 4 * MARGIN;
const MAX_CHUNK: usize = 8 * MARGIN;

#[derive(Arbitrary, Debug)]
struct Input {
    kinds: u8,
    chunk: u16,
    reads: Vec<u16>,
    data: Vec<u8>,
}

/// Hands out `data` in reads of the given sizes, cycling; a size of 0 fails once with
/// `Interrupted` instead.
struct Scripted<'a> {
    data: &'a [u8],
    sizes: &'a [usize],
    next: usize,
}

impl Read for Scripted<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.next % self.sizes.len()];
        self.next += 1;
        if size == 0 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = size.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn collect(run: impl FnOnce(&mut dyn Sink) -> u64) -> (u64, Vec<Finding>) {
    let mut got = Vec::new();
    let mut sink = |batch: &[Finding]| {
        got.extend_from_slice(batch);
        Ok(())
    };
    let n = run(&mut sink);
    (n, got)
}

fuzz_target!(|input: Input| {
    let Input {
        kinds,
        chunk,
        reads,
        data,
    } = input;
    if data.len() > MAX_DATA || reads.len() > MAX_READS {
        return;
    }
    let chunk = 1 + usize::from(chunk) % MAX_CHUNK;
    let mut sizes: Vec<usize> = reads
        .iter()
        .map(|&r| usize::from(r) % (MAX_READ_SIZE + 1))
        .collect();
    // At least one read that makes progress, so the reader always ends.
    if sizes.iter().all(|&s| s == 0) {
        sizes.push(1);
    }
    let s = scanners();
    let scanner = match kinds % 3 {
        0 => &s.cpr,
        1 => &s.defaults,
        _ => &s.all,
    };

    let (n, whole) = collect(|sink| {
        Searcher::new(1 << 20)
            .search_slice(scanner, &data, sink)
            .expect("slice search")
    });
    assert_eq!(n, data.len() as u64);

    let (n, streamed) = collect(|sink| {
        let reader = Scripted {
            data: &data,
            sizes: &sizes,
            next: 0,
        };
        Searcher::new(chunk)
            .search_reader(scanner, reader, sink)
            .expect("reader search")
    });
    assert_eq!(n, data.len() as u64);
    let (_, sliced) = collect(|sink| {
        Searcher::new(chunk)
            .search_slice(scanner, &data, sink)
            .expect("slice search")
    });
    assert_eq!(streamed, whole, "stream (chunk {chunk}) differs from slice");
    assert_eq!(sliced, whole, "slice with chunk {chunk} differs");
    check_located(&data, &whole);
    check_located(&data, &streamed);
    check_located(&data, &sliced);
});

/// Findings in offset order, inside the input, with line and column recomputed from the offset
/// in one pass over the input.
fn check_located(data: &[u8], findings: &[Finding]) {
    let (mut line, mut line_start, mut at) = (1u64, 0usize, 0usize);
    for f in findings {
        let offset = f.offset as usize;
        assert!(offset >= at, "findings out of order: {findings:?}");
        assert!(f.end() as usize <= data.len(), "{f:?} ends past the input");
        assert_eq!(f.raw_value(), &data[offset..f.end() as usize], "{f:?}");
        for (i, &b) in data[at..offset].iter().enumerate() {
            if b == b'\n' {
                line += 1;
                line_start = at + i + 1;
            }
        }
        at = offset;
        assert_eq!(
            (f.line, f.column),
            (line, (offset - line_start + 1) as u64),
            "{f:?}"
        );
    }
}
