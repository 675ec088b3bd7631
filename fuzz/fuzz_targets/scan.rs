//! The scanner on arbitrary bytes, at the lowest minimum confidence so every candidate that
//! passes its kind's rules is a finding; with CPR alone, the default kinds and every kind.
//! Checks, for every input:
//! - no panic;
//! - every span lies inside the input and its raw value is exactly those bytes;
//! - findings come in strictly increasing offset order and do not overlap;
//! - the masked form differs from the raw value and holds no run of ten digits;
//! - each CPR finding is well formed: ten digits, reasons start with `date` and hold exactly
//!   one checksum verdict, `separator` exactly when the span is longer than ten bytes, the
//!   mask keeps the layout; and the span's bytes alone re-scan as one CPR finding of the same
//!   span;
//! - splitting the reported range anywhere gives the same findings as scanning it whole
//!   (for the built-in kinds; a fourth scanner adds user rules and checks the rest).
#![no_main]

mod common;

use cprscan::{Finding, Kind, Reason, Scanner};
use libfuzzer_sys::fuzz_target;

use common::scanners;

fn longest_digit_run(s: &[u8]) -> usize {
    s.split(|b| !b.is_ascii_digit())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

/// What holds for every CPR finding beyond its span.
fn check_cpr(scanner: &Scanner, f: &Finding) {
    let raw = f.raw_value();
    assert_eq!(
        raw.iter().filter(|b| b.is_ascii_digit()).count(),
        10,
        "{f:?}"
    );
    assert_eq!(f.reasons.first(), Some(&Reason::Date), "{f:?}");
    let verdicts = f
        .reasons
        .iter()
        .filter(|r| matches!(r, Reason::Mod11 | Reason::ExceptionDate | Reason::NoMod11))
        .count();
    assert_eq!(verdicts, 1, "{f:?}");
    assert_eq!(f.reasons.contains(&Reason::Separator), f.len > 10, "{f:?}");

    // The span alone still is a CPR number (context may differ, so only kind and span).
    let alone = scanner.scan_all(raw);
    let spans: Vec<_> = alone.iter().map(|a| (a.kind, a.offset, a.len)).collect();
    assert_eq!(spans, [(Kind::Cpr, 0, f.len)], "the span of {f:?} alone");

    assert_eq!(
        f.masked().len(),
        raw.len(),
        "a CPR mask keeps the layout: {f:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let s = scanners();
    for scanner in [&s.cpr, &s.defaults, &s.all] {
        check(scanner, data, true);
    }
    // User rules match leftmost-first from a line's start, so only lines that fit the reach
    // are split-invariant (see src/rules.rs): everything else is checked.
    check(&s.rules, data, false);
});

fn check(scanner: &Scanner, data: &[u8], split: bool) {
    let findings = scanner.scan_all(data);

    let mut prev_end = 0u64;
    for (i, f) in findings.iter().enumerate() {
        let (start, end) = (f.offset as usize, f.end() as usize);
        assert!(end <= data.len(), "finding {i} ends past the input: {f:?}");
        assert!(f.len > 0, "finding {i} is empty: {f:?}");
        assert_eq!(f.raw_value(), &data[start..end], "finding {i} raw value");
        if i > 0 {
            assert!(
                f.offset >= prev_end,
                "finding {i} overlaps or is out of order: {findings:?}"
            );
        }
        prev_end = f.end();

        let raw = f.raw_value();
        let masked = f.masked();
        assert_ne!(masked.as_bytes(), raw, "mask changed nothing: {f:?}");
        assert!(
            longest_digit_run(masked.as_bytes()) < 10,
            "masked form holds ten digits in a row: {f:?}"
        );
        if f.kind == Kind::Cpr {
            check_cpr(scanner, f);
        }
    }

    // Reporting in two parts must neither lose nor repeat a finding.
    if split && !data.is_empty() {
        let split = usize::from(data[0]) * data.len() / 256;
        let mut parts = Vec::new();
        scanner.scan(data, 0..split, &mut parts);
        scanner.scan(data, split..data.len(), &mut parts);
        assert_eq!(parts, findings, "split at {split}");
    }
}
