//! The scan core: bytes in, findings out. No I/O, no output format: sources (files, stdin,
//! decoded archive members) feed it slices, sinks receive its findings.
//!
//! One pass jumps from digit run to digit run ([`crate::digits`]); only runs of the right
//! length and layout become candidates, only candidates whose digits form a real past date get
//! their context looked up, and only findings at or above the minimum confidence allocate.

use std::ops::Range;

use crate::context::{ContextMatcher, CPR_WORDS};
use crate::cpr::{self, Evidence, ExceptionDates};
use crate::date::Date;
use crate::digits::{find_class, is_digit};
use crate::finding::{Confidence, Finding, Kind};

/// How many bytes of input a finding may depend on before its start and after its end: the
/// longest span, a boundary byte, the context window and the longest context word, rounded up.
/// A caller scanning part of a larger input must provide this many bytes around the part it
/// asks to be reported (where the input has them), and must not report a finding twice.
pub const MARGIN: usize = 256;

/// Builds a [`Scanner`]. Defaults: minimum confidence medium, today's date from the system
/// clock, the exception dates shipped with the crate.
#[derive(Clone, Debug)]
pub struct ScannerBuilder {
    min_confidence: Confidence,
    today: Option<Date>,
    exceptions: Option<ExceptionDates>,
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            min_confidence: Confidence::Medium,
            today: None,
            exceptions: None,
        }
    }
}

impl ScannerBuilder {
    pub fn new() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// Findings below this confidence are not reported. Default: medium.
    pub fn min_confidence(&mut self, min: Confidence) -> &mut Self {
        self.min_confidence = min;
        self
    }

    /// The date birth dates must not be after. Default: today (Danish time, see [`Date::today`]).
    pub fn today(&mut self, today: Date) -> &mut Self {
        self.today = Some(today);
        self
    }

    /// The birth dates exempt from modulus 11. Default: [`ExceptionDates::shipped`].
    pub fn exceptions(&mut self, list: ExceptionDates) -> &mut Self {
        self.exceptions = Some(list);
        self
    }

    pub fn build(&self) -> Scanner {
        Scanner {
            min_confidence: self.min_confidence,
            today: self.today.unwrap_or_else(Date::today),
            exceptions: self
                .exceptions
                .clone()
                .unwrap_or_else(ExceptionDates::shipped),
            cpr_context: ContextMatcher::new(CPR_WORDS),
        }
    }
}

/// Finds personal data in byte slices. Cheap to share between threads (`&Scanner` is all a
/// worker needs); build it once per run.
#[derive(Clone, Debug)]
pub struct Scanner {
    min_confidence: Confidence,
    today: Date,
    exceptions: ExceptionDates,
    cpr_context: ContextMatcher,
}

impl Default for Scanner {
    fn default() -> Self {
        ScannerBuilder::new().build()
    }
}

impl Scanner {
    /// The minimum confidence this scanner reports.
    pub fn min_confidence(&self) -> Confidence {
        self.min_confidence
    }

    /// Scans all of `hay`, returning its findings in offset order.
    pub fn scan_all(&self, hay: &[u8]) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan(hay, 0..hay.len(), &mut out);
        out
    }

    /// Appends to `out`, in offset order, the findings of `hay` that start inside `report`.
    /// Bytes of `hay` outside `report` are context only. Offsets are relative to `hay`; line
    /// and column are left at 0 for the driver to fill in.
    pub fn scan(&self, hay: &[u8], report: Range<usize>, out: &mut Vec<Finding>) {
        let until = report.end.min(hay.len());
        let mut pos = report.start;
        // A run that started before the reported range belongs to whoever reported that part.
        if pos > 0 && pos < hay.len() && is_digit(hay[pos - 1]) {
            pos = find_class(hay, pos, false);
        }
        while pos < until {
            let start = find_class(hay, pos, true);
            if start >= until {
                break;
            }
            let end = find_class(hay, start + 1, false);
            match end - start {
                10 => self.cpr_candidate(hay, start, end, None, out),
                6 => {
                    if let Some(serial) = serial_after_separator(hay, end) {
                        self.cpr_candidate(hay, start, end, Some(serial), out);
                    }
                }
                _ => {}
            }
            pos = end;
        }
    }

    /// Validates a CPR candidate: `hay[start..date_end]` holds six or ten digits; `serial` is
    /// where the four serial digits start when a separator follows the six.
    fn cpr_candidate(
        &self,
        hay: &[u8],
        start: usize,
        date_end: usize,
        serial: Option<usize>,
        out: &mut Vec<Finding>,
    ) {
        let end = serial.map_or(date_end, |s| s + 4);
        if !is_boundary(hay, start.wrapping_sub(1)) || !is_boundary(hay, end) {
            return;
        }
        let mut digits = [0u8; 10];
        let tail = serial.unwrap_or(start + 6);
        for (i, d) in digits.iter_mut().enumerate() {
            let at = if i < 6 { start + i } else { tail + i - 6 };
            *d = hay[at] - b'0';
        }
        if cpr::birth_date(&digits, self.today).is_none() {
            return;
        }
        let nearby = self.cpr_context.nearby(hay, start, end);
        let evidence = Evidence {
            separator: serial.is_some(),
            positive: nearby.positive,
            negative: nearby.negative,
        };
        let Some((confidence, reasons)) =
            cpr::classify(&digits, evidence, &self.exceptions, self.today)
        else {
            return;
        };
        if confidence >= self.min_confidence {
            out.push(Finding::new(
                start as u64,
                Kind::Cpr,
                confidence,
                reasons,
                &hay[start..end],
            ));
        }
    }
}

/// Whether position `at` does not touch a candidate: outside `hay`, or not an ASCII letter or
/// digit. (`usize::MAX` stands for "before the start".)
#[inline]
fn is_boundary(hay: &[u8], at: usize) -> bool {
    hay.get(at).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// If a separator follows at `at` and then exactly four digits, the position of those digits.
/// Separators (`shared/reference/cpr.md` §1): `-`, space, TAB, `/`, `.`, ` - `, U+2010, U+2011,
/// U+2013, U+2212 and U+00A0.
#[inline]
fn serial_after_separator(hay: &[u8], at: usize) -> Option<usize> {
    let rest = hay.get(at..)?;
    let sep_len = match rest {
        [b' ', b'-', b' ', ..] => 3,
        [b'-' | b' ' | b'\t' | b'/' | b'.', ..] => 1,
        [0xC2, 0xA0, ..] => 2,
        [0xE2, 0x80, 0x90 | 0x91 | 0x93, ..] | [0xE2, 0x88, 0x92, ..] => 3,
        _ => return None,
    };
    let serial = at + sep_len;
    let run_end = find_class(hay, serial, false);
    (run_end - serial == 4).then_some(serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Reason;

    fn scanner() -> Scanner {
        ScannerBuilder::new()
            .min_confidence(Confidence::Low)
            .today(Date::new(2026, 11, 23).unwrap())
            .build()
    }

    /// A CPR number for `ddmmyy` + `serial3` that passes modulus 11.
    fn valid(ddmmyy: &str, serial3: &str) -> String {
        (0..10)
            .map(|c| format!("{ddmmyy}{serial3}{c}"))
            .find(|s| cpr::mod11_ok(&cpr::digit_values(s.as_bytes()).unwrap()))
            .unwrap()
    }

    fn spans(text: &str) -> Vec<(usize, usize, Confidence)> {
        scanner()
            .scan_all(text.as_bytes())
            .iter()
            .map(|f| (f.offset as usize, f.len as usize, f.confidence))
            .collect()
    }

    fn dashed(n: &str) -> String {
        format!("{}-{}", &n[..6], &n[6..])
    }

    #[test]
    fn plain_ten_digits_are_found() {
        let n = valid("010190", "123");
        assert_eq!(spans(&format!("x {n} y")), [(2, 10, Confidence::Medium)]);
    }

    #[test]
    fn every_separator_is_accepted_and_kept_in_span() {
        let n = valid("010190", "123");
        let seps = [
            "-", " ", "\t", "/", ".", " - ", "\u{2010}", "\u{2011}", "\u{2013}", "\u{2212}",
            "\u{a0}",
        ];
        for sep in seps {
            let text = format!("{}{sep}{}", &n[..6], &n[6..]);
            let found = scanner().scan_all(text.as_bytes());
            assert_eq!(found.len(), 1, "separator {sep:?}");
            assert_eq!(found[0].len as usize, text.len(), "separator {sep:?}");
            assert!(found[0].reasons.contains(&Reason::Separator));
            assert_eq!(found[0].confidence, Confidence::High, "separator {sep:?}");
        }
    }

    #[test]
    fn unlisted_separators_are_not_accepted() {
        let n = valid("010190", "123");
        for sep in ["_", ":", "--", "  ", "\u{2014}"] {
            let text = format!("{}{sep}{}", &n[..6], &n[6..]);
            assert!(spans(&text).is_empty(), "separator {sep:?}");
        }
    }

    #[test]
    fn touching_letters_or_digits_reject_the_candidate() {
        let n = valid("010190", "123");
        let d = dashed(&n);
        for text in [
            format!("A{n}"),
            format!("{n}b"),
            format!("12{n}34"),
            format!("1{n}"),
            format!("{n}9"),
            format!("x{d}"),
            format!("{d}z"),
            format!("{d}5"),
            format!("7{d}"),
        ] {
            assert!(spans(&text).is_empty(), "{text:?} must not match");
        }
    }

    #[test]
    fn punctuation_around_the_candidate_is_normal() {
        let n = valid("010190", "123");
        let d = dashed(&n);
        for text in [
            format!("({n})"),
            format!("cpr:{n}"),
            format!("\"cpr\":\"{d}\""),
            format!("a;{n};b"),
            format!("<td>{d}</td>"),
        ] {
            assert_eq!(spans(&text).len(), 1, "{text:?} must match");
        }
    }

    #[test]
    fn regression_separated_number_after_parenthesis_or_colon_is_found() {
        let d = dashed(&valid("241287", "456"));
        assert_eq!(spans(&format!("({d})")).len(), 1);
        assert_eq!(spans(&format!("cpr:{d}")).len(), 1);
    }

    #[test]
    fn invalid_dates_are_not_findings() {
        assert!(spans("3213901234").is_empty());
        assert!(spans("290200-0000").is_empty());
    }

    #[test]
    fn future_date_is_not_a_finding() {
        let n = valid("241126", "400"); // 24 Nov 2026, the day after the injected today
        assert!(spans(&n).is_empty());
        let later = ScannerBuilder::new()
            .today(Date::new(2027, 1, 1).unwrap())
            .build();
        assert_eq!(later.scan_all(n.as_bytes()).len(), 1);
    }

    #[test]
    fn other_run_lengths_are_not_candidates() {
        assert!(spans("010190123").is_empty());
        assert!(spans("01019012345").is_empty());
        assert!(spans("010190-12345").is_empty());
        assert!(spans("010190-123").is_empty());
        assert!(spans("0101901-1234").is_empty());
    }

    #[test]
    fn min_confidence_filters_low_findings() {
        let n = valid("010190", "123");
        let text = format!("faktura {n}");
        assert_eq!(spans(&text), [(8, 10, Confidence::Low)]);
        assert!(Scanner::default().scan_all(text.as_bytes()).is_empty());
    }

    #[test]
    fn reported_range_limits_starts_but_context_reaches_outside() {
        let n = valid("010190", "123");
        let text = format!("cpr {n} and {n}");
        let mut out = Vec::new();
        scanner().scan(text.as_bytes(), 4..5, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].offset, 4);
        assert_eq!(
            out[0].confidence,
            Confidence::High,
            "context before range counts"
        );
    }

    #[test]
    fn run_started_before_range_is_not_reported_from_its_middle() {
        let text = format!("12345{}", valid("010190", "123"));
        let mut out = Vec::new();
        scanner().scan(text.as_bytes(), 5..text.len(), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn many_numbers_in_a_csv_row_are_each_found() {
        let a = valid("010190", "123");
        let b = dashed(&valid("311299", "987"));
        let text = format!("id;{a};2100;12345678;{b}\n");
        assert_eq!(spans(&text).len(), 2);
    }
}
