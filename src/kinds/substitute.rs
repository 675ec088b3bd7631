//! Substitute CPR numbers (`shared/reference/cpr.md` §5): still identifiers of a person, so a
//! kind of their own, never reported as `cpr`.
//! - Erstatningspersonnummer and the education sector's fictitious CPR: a CPR-shaped number whose
//!   day is the birth day + 60 (61-91); the other positions follow the CPR rules.
//! - Health-sector eCPR: `DDMMYY` + century digit + two capital letters + a digit
//!   (`0203291WQ3`), optionally with a CPR separator after `DDMMYY`.
//!
//! Confidence: an eCPR's letter pattern is distinctive (medium; high with a context word). A
//! day+60 number is ten digits like many others: plain digits without context are low, a
//! separator makes medium, a context word high. A negative context word makes either low.

use crate::context::{pos, Word};
use crate::cpr;
use crate::date::Date;
use crate::digits::find_class;
use crate::finding::{Confidence, Reason, Reasons};

use super::{is_boundary, Context, Match};

/// Context words beyond the CPR ones (the scanner adds [`crate::context::CPR_WORDS`]).
pub const EXTRA_WORDS: &[Word] = &[
    pos("erstatningspersonnummer", true),
    pos("erstatningsnummer", true),
    pos("erstatnings-cpr", true),
    pos("ecpr", true),
    pos("e-cpr", true),
];

/// Looks for a substitute number anchored on the digit run `hay[start..end]`.
pub fn at_digit_run(
    hay: &[u8],
    start: usize,
    end: usize,
    today: Date,
    ctx: Context,
) -> Option<Match> {
    if !is_boundary(hay, start.wrapping_sub(1)) {
        return None;
    }
    match end - start {
        10 => day_plus_60(hay, start, start + 6, end, false, today, ctx),
        7 => ecpr(hay, start, start + 6, today, ctx),
        6 => {
            let after = end + cpr::separator_len(hay, end)?;
            let run = find_class(hay, after, false) - after;
            match run {
                4 => day_plus_60(hay, start, after, after + 4, true, today, ctx),
                1 => ecpr(hay, start, after, today, ctx),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The birth date of `DDMMYY` + century digit, with `day_offset` subtracted from the day.
fn date_of(
    hay: &[u8],
    start: usize,
    century_at: usize,
    day_offset: u8,
    today: Date,
) -> Option<Date> {
    let d = |i: usize| hay[start + i] - b'0';
    let day = (d(0) * 10 + d(1)).checked_sub(day_offset)?;
    let year = cpr::birth_year(d(4) * 10 + d(5), hay[century_at] - b'0');
    let date = Date::new(year, d(2) * 10 + d(3), day)?;
    (date <= today).then_some(date)
}

fn day_plus_60(
    hay: &[u8],
    start: usize,
    serial: usize,
    end: usize,
    separator: bool,
    today: Date,
    ctx: Context,
) -> Option<Match> {
    if !is_boundary(hay, end) || !(b'6'..=b'9').contains(&hay[start]) {
        return None;
    }
    date_of(hay, start, serial, 60, today)?;
    let mut reasons = Reasons::from([Reason::Rule("day+60"), Reason::Date]);
    let mut digits = [0u8; 10];
    for (i, d) in digits.iter_mut().enumerate() {
        *d = hay[if i < 6 { start + i } else { serial + i - 6 }] - b'0';
    }
    if cpr::mod11_ok(&digits) {
        reasons.push(Reason::Mod11);
    }
    if separator {
        reasons.push(Reason::Separator);
    }
    let base = if separator {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    Some(finish(start, end, base, reasons, ctx))
}

fn ecpr(hay: &[u8], start: usize, tail: usize, today: Date, ctx: Context) -> Option<Match> {
    let t = hay.get(tail..tail + 4)?;
    let shape = t[0].is_ascii_digit()
        && t[1].is_ascii_uppercase()
        && t[2].is_ascii_uppercase()
        && t[3].is_ascii_digit();
    let end = tail + 4;
    if !shape || !is_boundary(hay, end) {
        return None;
    }
    date_of(hay, start, tail, 0, today)?;
    let mut reasons = Reasons::from([Reason::Rule("ecpr"), Reason::Date]);
    if tail > start + 6 {
        reasons.push(Reason::Separator);
    }
    Some(finish(start, end, Confidence::Medium, reasons, ctx))
}

/// Applies context: a positive word raises to high, a negative word lowers to low.
fn finish(start: usize, end: usize, base: Confidence, mut reasons: Reasons, ctx: Context) -> Match {
    let near = ctx(start, end);
    let mut confidence = base;
    if let Some(w) = near.positive {
        reasons.push(Reason::Context(w));
        confidence = Confidence::High;
    }
    if let Some(w) = near.negative {
        reasons.push(Reason::ContextNeg(w));
        confidence = Confidence::Low;
    }
    Match {
        start,
        end,
        confidence,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{ContextMatcher, CPR_WORDS};

    fn find(text: &str) -> Option<(usize, usize, Confidence)> {
        let words = [CPR_WORDS, EXTRA_WORDS].concat();
        let m = ContextMatcher::new(&words);
        let hay = text.as_bytes();
        let ctx = |s: usize, e: usize| m.nearby(hay, s, e);
        let today = Date::new(2026, 11, 23).unwrap();
        let start = find_class(hay, 0, true);
        let end = find_class(hay, start, false);
        at_digit_run(hay, start, end, today, &ctx).map(|m| (m.start, m.end, m.confidence))
    }

    #[test]
    fn day_plus_60_plain_without_context_is_low() {
        assert_eq!(find("6101901234"), Some((0, 10, Confidence::Low)));
    }

    #[test]
    fn day_plus_60_with_separator_is_medium() {
        assert_eq!(find("610190-1234"), Some((0, 11, Confidence::Medium)));
    }

    #[test]
    fn day_plus_60_with_context_is_high() {
        assert_eq!(
            find("erstatningspersonnummer 610190-1234"),
            Some((24, 35, Confidence::High))
        );
    }

    #[test]
    fn day_plus_60_needs_a_real_date_after_subtracting() {
        assert_eq!(find("9202901234"), None, "day 32 does not exist");
        assert_eq!(find("8902001234"), None, "29 Feb 1900 does not exist");
        assert_eq!(
            find("0101901234"),
            None,
            "an ordinary CPR day is not a substitute"
        );
    }

    #[test]
    fn ecpr_with_letters_is_medium_and_high_with_context() {
        assert_eq!(find("0203291WQ3"), Some((0, 10, Confidence::Medium)));
        assert_eq!(find("eCPR: 0203291WQ3"), Some((6, 16, Confidence::High)));
        assert_eq!(find("020329-1WQ3"), Some((0, 11, Confidence::Medium)));
    }

    #[test]
    fn ecpr_rejects_wrong_letter_pattern_and_touching_letters() {
        assert_eq!(find("0203291wq3"), None, "lower-case letters");
        assert_eq!(find("0203291WQ"), None, "missing final digit");
        assert_eq!(find("0203291WQ3X"), None, "touching a letter");
        assert_eq!(find("3202291WQ3"), None, "no such date");
    }

    #[test]
    fn negative_context_makes_a_substitute_low() {
        assert_eq!(find("ordre 0203291WQ3"), Some((6, 16, Confidence::Low)));
    }
}
