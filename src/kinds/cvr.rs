//! Validator for the `cvr` kind (`shared/reference/cpr.md` §6): the Danish company number.
//!
//! Shape: exactly eight digits, the first not 0, passing modulus 11 with weights
//! `2,7,6,5,4,3,2,1`. A CVR number is personal data only for a sole proprietorship, so the kind
//! has low severity and a bare eight-digit number (a phone number, an order number) is not
//! reported on its own:
//! - high: the VAT form, `DK12345678` or `DK 12345678` (upper-case `DK`, part of the match);
//! - medium: eight plain digits with a positive context word (`cvr`, `cvr-nr`, `se-nr`, `moms`,
//!   `virksomhed`, …) nearby;
//! - low: as medium, but a negative context word (a phone or order word) is nearby too;
//! - `None`: mod 11 fails, or plain digits without a positive word. Grouped forms
//!   (`1234 5678`) are never a CVR number.
//!
//! The match must not touch an ASCII letter or digit on either side; the `DK` of the VAT form
//! is the one letter pair allowed to precede the digits, and then it must not touch one either.

use crate::context::{neg, pos, Word};
use crate::finding::{Confidence, Reason, Reasons};

use super::{is_boundary, Context, Match};

/// Context words of this kind. Phone and order words are negative: an eight-digit phone or
/// order number near a `cvr` label passes mod 11 one time in eleven.
pub const WORDS: &[Word] = &[
    pos("cvr", true),
    pos("cvr-nr", true),
    pos("cvrnr", true),
    pos("cvr.nr", true),
    pos("cvr-nummer", true),
    pos("se-nr", true),
    pos("se-nummer", true),
    pos("moms", true),
    pos("momsnr", true),
    pos("vat", false),
    pos("virksomhed", true),
    // A sole proprietorship's CVR number is personal data; the word is one compound.
    pos("enkeltmandsvirksomhed", true),
    neg("tlf", true),
    neg("telefon", true),
    neg("mobil", true),
    neg("phone", true),
    neg("fax", false),
    neg("ordre", true),
    neg("order", true),
    neg("faktura", true),
    neg("invoice", true),
];

/// Weights of the modulus 11 check, digit by digit.
const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];

/// Whether eight ASCII digits form a CVR number: first digit not 0, weighted sum divisible
/// by 11.
pub fn is_valid(digits: &[u8]) -> bool {
    if digits.len() != 8 || digits[0] == b'0' {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d.wrapping_sub(b'0')) * w)
        .sum();
    digits.iter().all(u8::is_ascii_digit) && sum.is_multiple_of(11)
}

/// Where the VAT form's `DK` starts, if `DK` or `DK ` directly precedes `start` and does not
/// itself touch a letter or digit.
fn vat_prefix(hay: &[u8], start: usize) -> Option<usize> {
    let from = if start >= 2 && &hay[start - 2..start] == b"DK" {
        start - 2
    } else if start >= 3 && &hay[start - 3..start] == b"DK " {
        start - 3
    } else {
        return None;
    };
    is_boundary(hay, from.wrapping_sub(1)).then_some(from)
}

/// Recognises a CVR number in the digit run `hay[start..end]`.
pub fn at_digit_run(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if end - start != 8 || hay[start] == b'0' || !is_boundary(hay, end) {
        return None;
    }
    let vat = vat_prefix(hay, start);
    if vat.is_none() && !is_boundary(hay, start.wrapping_sub(1)) {
        return None;
    }
    if !is_valid(&hay[start..end]) {
        return None;
    }
    if let Some(from) = vat {
        return Some(Match {
            start: from,
            end,
            confidence: Confidence::High,
            reasons: Reasons::from([Reason::Mod11, Reason::Rule("vat-form")]),
        });
    }
    super::with_positive_context(start, end, [Reason::Mod11], ctx)
}

/// Masks a CVR number: keeps a leading `DK` and the last two digits, hides the other six
/// (`DK******78`, `******78`), like the other context-only numbers.
pub fn mask(value: &[u8]) -> String {
    crate::mask::to_string(|out| mask_into(value, out))
}

/// [`mask`], appended to `out` as bytes.
pub fn mask_into(value: &[u8], out: &mut Vec<u8>) {
    let letters = value.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    super::mask_alnum_into(value, letters, 2, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Nearby;

    /// Completes seven digits (first not 0) with the check digit, if one exists (a weighted
    /// remainder needing 10 has none).
    fn complete(seven: &str) -> Option<String> {
        let sum: u32 = seven
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let last = (11 - sum % 11) % 11;
        (last < 10).then(|| format!("{seven}{last}"))
    }

    /// A valid CVR number derived from `seed`.
    fn cvr(seed: u32) -> String {
        (seed..)
            .find_map(|s| complete(&format!("{}", 1_000_000 + s % 9_000_000)))
            .unwrap()
    }

    /// An eight-digit number, first digit not 0, failing mod 11.
    fn not_cvr(seed: u32) -> String {
        let valid = cvr(seed);
        let mut b = valid.into_bytes();
        b[7] = if b[7] == b'9' { b'0' } else { b[7] + 1 };
        String::from_utf8(b).unwrap()
    }

    fn scan(text: &str) -> Option<(String, Match)> {
        super::super::first_digit_match(text, WORDS, at_digit_run)
    }

    fn confidence(text: &str) -> Option<Confidence> {
        scan(text).map(|(_, m)| m.confidence)
    }

    #[test]
    fn check_digit_helper_agrees_with_the_validator() {
        for seed in 0..200 {
            assert!(is_valid(cvr(seed * 7919).as_bytes()));
            assert!(!is_valid(not_cvr(seed * 7919).as_bytes()));
        }
    }

    #[test]
    fn vat_form_is_high_and_includes_dk() {
        let c = cvr(1);
        let (text, m) = scan(&format!("Moms: DK{c}.")).unwrap();
        assert_eq!(text, format!("DK{c}"));
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(m.reasons, vec![Reason::Mod11, Reason::Rule("vat-form")]);
    }

    #[test]
    fn vat_form_with_one_space_is_high() {
        let c = cvr(2);
        let (text, m) = scan(&format!("VAT no DK {c}")).unwrap();
        assert_eq!(text, format!("DK {c}"));
        assert_eq!(m.confidence, Confidence::High);
    }

    #[test]
    fn vat_form_needs_upper_case_dk_not_touching_a_letter() {
        let c = cvr(3);
        assert_eq!(scan(&format!("dk{c}")), None);
        assert_eq!(scan(&format!("XDK{c}")), None);
        assert_eq!(scan(&format!("DK{c}X")), None);
        assert_eq!(scan(&format!("DK  {c}")), None);
        // A dash is no VAT form; plain digits without context are nothing.
        assert_eq!(scan(&format!("DK-{c}")), None);
    }

    #[test]
    fn plain_digits_with_positive_context_are_medium() {
        let c = cvr(4);
        for (text, word) in [
            (format!("CVR: {c}"), "cvr"),
            (format!("CVR-nr. {c}"), "cvr-nr"),
            (format!("cvrnr={c}"), "cvrnr"),
            (format!("cvr.nr {c}"), "cvr.nr"),
            (format!("SE-nr.: {c}"), "se-nr"),
            (format!("momsnummer {c}"), "moms"),
            (format!("{c} (virksomhedens nummer)"), "virksomhed"),
            (format!("VAT {c}"), "vat"),
        ] {
            let (found, m) = scan(&text).unwrap();
            assert_eq!(found, c);
            assert_eq!(m.confidence, Confidence::Medium, "{text}");
            assert_eq!(m.reasons, vec![Reason::Mod11, Reason::Context(word)]);
        }
    }

    #[test]
    fn plain_digits_without_context_are_not_reported() {
        assert_eq!(scan(&cvr(5)), None);
        assert_eq!(scan(&format!("nummer {}", cvr(5))), None);
    }

    #[test]
    fn negative_word_next_to_a_positive_one_makes_it_low() {
        let c = cvr(6);
        let (_, m) = scan(&format!("CVR 11111111, tlf. {c}")).unwrap();
        assert_eq!(m.confidence, Confidence::Low);
        assert_eq!(m.reasons.last(), Some(&Reason::ContextNeg("tlf")));
        assert_eq!(
            confidence(&format!("cvr / ordre {c}")),
            Some(Confidence::Low)
        );
    }

    #[test]
    fn negative_word_alone_is_not_reported() {
        assert_eq!(scan(&format!("Telefon {}", cvr(7))), None);
    }

    #[test]
    fn mod11_failure_is_rejected_in_every_form() {
        let bad = not_cvr(8);
        assert_eq!(scan(&format!("DK{bad}")), None);
        assert_eq!(scan(&format!("CVR: {bad}")), None);
    }

    #[test]
    fn leading_zero_is_rejected() {
        // 0 followed by seven digits whose weighted sum is divisible by 11: still no CVR.
        let zero = (0..10_000_000u32)
            .map(|n| format!("0{n:07}"))
            .find(|s| {
                let sum: u32 = s
                    .bytes()
                    .zip(WEIGHTS)
                    .map(|(d, w)| u32::from(d - b'0') * w)
                    .sum();
                sum.is_multiple_of(11) && s != "00000000"
            })
            .unwrap();
        assert!(!is_valid(zero.as_bytes()));
        assert_eq!(scan(&format!("DK{zero}")), None);
        assert_eq!(scan(&format!("cvr {zero}")), None);
    }

    #[test]
    fn seven_or_nine_digits_are_rejected() {
        let c = cvr(9);
        assert_eq!(scan(&format!("CVR {}", &c[..7])), None);
        assert_eq!(scan(&format!("CVR {c}1")), None);
        assert_eq!(scan(&format!("DK{c}1")), None);
    }

    #[test]
    fn grouped_digits_are_never_a_cvr_number() {
        let c = cvr(10);
        assert_eq!(scan(&format!("CVR {} {}", &c[..4], &c[4..])), None);
    }

    #[test]
    fn plain_digits_touching_a_letter_are_rejected() {
        let c = cvr(11);
        assert_eq!(scan(&format!("cvr x{c}")), None);
        assert_eq!(scan(&format!("cvr {c}x")), None);
    }

    #[test]
    fn context_is_looked_up_only_for_plain_valid_numbers() {
        let panicking = |_: usize, _: usize| -> Nearby { panic!("context looked up") };
        let bad = not_cvr(12);
        assert_eq!(at_digit_run(bad.as_bytes(), 0, 8, &panicking), None);
        let vat = format!("DK{}", cvr(12));
        assert!(at_digit_run(vat.as_bytes(), 2, 10, &panicking).is_some());
    }

    #[test]
    fn mask_keeps_dk_and_last_two_digits() {
        assert_eq!(mask(b"DK12345678"), "DK******78");
        assert_eq!(mask(b"DK 12345678"), "DK ******78");
        assert_eq!(mask(b"12345678"), "******78");
    }
}
