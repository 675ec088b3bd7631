//! Validator for the `card` kind (`shared/reference/cpr.md` §6): payment card numbers (PANs).
//!
//! Shape: 13 to 19 digits, written compact (`4571…`) or in groups separated by one kind of
//! separator throughout, a single space or a single dash: groups of four with a shorter last
//! group (`4-4-4-4`, `4-4-4-4-3`, `4-4-4-3`, …) or the Amex and Diners layouts `4-6-5` and
//! `4-6-4`. The anchor is the first group's digit run (or the compact run). The match must not
//! touch an ASCII letter or digit on either side, and a grouped match must be the whole group
//! sequence: a sequence that continues with the same separator before or after (`12 4571 …`,
//! `… 9010 77`) is some other number, so it is rejected rather than cut. A compact run right
//! after `+` (a phone number) or next to a decimal point (`0.4571…`) is rejected too.
//!
//! Checks: the Luhn checksum and a known issuer prefix with a length that issuer uses
//! ([`ISSUERS`]). Confidence:
//! - high: Luhn and issuer, and grouped or a positive context word (`kort`, `card`, `pan`,
//!   `visa`, …), or (for a cell) a column named so (`kortnummer`, see [`crate::column`]);
//! - medium: Luhn, a Danish issuer (Dankort `5019`, Visa/Dankort `4571`), compact, no word;
//! - low: compact with another issuer and no word: about one random 16-digit number in 25
//!   passes Luhn with a known prefix, and logs are full of 16-digit transaction ids; also any
//!   negative context word nearby (`ordre`, `order`, `faktura`, `transaction`, `txn`, `id`),
//!   whatever the rest;
//! - `None`: Luhn fails, or no known issuer with that prefix and length.

use crate::context::{neg, pos, Word};
use crate::digits::is_digit;
use crate::finding::{Confidence, Reason, Reasons};

use super::{is_boundary, Context, Match};

/// Context words of this kind. `kort` and `card` are whole words (`kortet` is a map, `cardinal`
/// no card); the compounds that name a card are listed as stems.
pub const WORDS: &[Word] = &[
    pos("kort", false),
    pos("kortnr", true),
    pos("kortnummer", true),
    pos("kreditkort", true),
    pos("betalingskort", true),
    pos("debetkort", true),
    pos("card", false),
    pos("cardnumber", true),
    pos("card number", true),
    pos("credit card", true),
    pos("creditcard", true),
    pos("visa", false),
    pos("mastercard", true),
    pos("dankort", true),
    pos("maestro", false),
    pos("amex", false),
    // The primary account number, as payment logs and PCI DSS call it (`pan=4571…`).
    pos("pan", false),
    neg("ordre", true),
    neg("order", true),
    neg("faktura", true),
    neg("invoice", true),
    neg("transaction", true),
    neg("txn", false),
    neg("id", false),
];

/// The most digits a card number has.
const MAX_DIGITS: usize = 19;

/// An issuer's prefix range and the lengths its numbers have.
#[derive(Clone, Copy, Debug)]
pub struct Issuer {
    /// The reason naming the issuer, `issuer:<name>`.
    pub reason: &'static str,
    /// How many leading digits `lo..=hi` compares.
    pub prefix_digits: u8,
    pub lo: u32,
    pub hi: u32,
    /// Bit `n` set when numbers of `n` digits exist.
    pub lengths: u32,
}

const fn lengths(from: u32, to: u32) -> u32 {
    let mut bits = 0;
    let mut n = from;
    while n <= to {
        bits |= 1 << n;
        n += 1;
    }
    bits
}

const fn issuer(reason: &'static str, prefix_digits: u8, lo: u32, hi: u32, lengths: u32) -> Issuer {
    Issuer {
        reason,
        prefix_digits,
        lo,
        hi,
        lengths,
    }
}

/// Known issuer prefixes (IIN ranges), the more specific first: the first entry whose prefix
/// matches decides, so a `5019…` number is a Dankort and must have 16 digits, not a Maestro.
/// Maestro is limited to `50`, `56`-`58`, `63` and `67`: the rest of `6` belongs to Discover,
/// UnionPay and national schemes.
pub const ISSUERS: &[Issuer] = &[
    issuer("issuer:visa-dankort", 4, 4571, 4571, lengths(16, 16)),
    issuer("issuer:dankort", 4, 5019, 5019, lengths(16, 16)),
    issuer(
        "issuer:visa",
        1,
        4,
        4,
        lengths(13, 13) | lengths(16, 16) | lengths(19, 19),
    ),
    issuer("issuer:mastercard", 2, 51, 55, lengths(16, 16)),
    issuer("issuer:mastercard", 4, 2221, 2720, lengths(16, 16)),
    issuer("issuer:amex", 2, 34, 34, lengths(15, 15)),
    issuer("issuer:amex", 2, 37, 37, lengths(15, 15)),
    issuer("issuer:discover", 4, 6011, 6011, lengths(16, 19)),
    issuer("issuer:discover", 3, 644, 649, lengths(16, 19)),
    issuer("issuer:discover", 2, 65, 65, lengths(16, 19)),
    issuer("issuer:diners", 2, 36, 36, lengths(14, 19)),
    issuer("issuer:diners", 3, 300, 305, lengths(14, 19)),
    issuer("issuer:diners", 2, 38, 39, lengths(14, 19)),
    issuer("issuer:jcb", 4, 3528, 3589, lengths(16, 19)),
    issuer("issuer:unionpay", 2, 62, 62, lengths(16, 19)),
    issuer("issuer:maestro", 2, 50, 50, lengths(13, 19)),
    issuer("issuer:maestro", 2, 56, 58, lengths(13, 19)),
    issuer("issuer:maestro", 2, 63, 63, lengths(13, 19)),
    issuer("issuer:maestro", 2, 67, 67, lengths(13, 19)),
];

/// The issuer of a card number given as digit values, if its prefix is known and its length
/// is one that issuer uses.
pub fn issuer_of(digits: &[u8]) -> Option<&'static Issuer> {
    // The number's first one to four digits as integers, computed once.
    let mut prefixes = [u32::MAX; 5];
    let mut acc = 0;
    for (k, &d) in digits.iter().take(4).enumerate() {
        acc = acc * 10 + u32::from(d);
        prefixes[k + 1] = acc;
    }
    let found = ISSUERS.iter().find(|i| {
        let p = prefixes[usize::from(i.prefix_digits)];
        i.lo <= p && p <= i.hi
    })?;
    ((found.lengths >> digits.len()) & 1 == 1).then_some(found)
}

/// Whether digit values pass the Luhn check (double every second digit from the right).
pub fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether group lengths form a layout cards are printed in.
fn layout_ok(groups: &[usize]) -> bool {
    match groups {
        [4, 6, 4 | 5] => true,
        [4, 4, 4, last] => (1..=4).contains(last),
        [4, 4, 4, 4, last] => (1..=3).contains(last),
        _ => false,
    }
}

/// For a four-digit run `hay[start..end]` followed by a separator and digits: where the
/// grouped number ends, if its groups form a card layout and the sequence does not continue
/// with the same separator on either side. The second end, if any, drops a short fifth group:
/// a card printed in fours is often followed by its expiry month (`12/29`) or security code.
fn grouped_end(hay: &[u8], start: usize, end: usize) -> Option<(usize, Option<usize>)> {
    let sep = *hay.get(end)?;
    if sep != b' ' && sep != b'-' {
        return None;
    }
    if start >= 2 && hay[start - 1] == sep && is_digit(hay[start - 2]) {
        return None;
    }
    let mut groups = [4usize, 0, 0, 0, 0];
    let mut count = 1;
    let mut at = end;
    let mut before_last = end;
    while hay.get(at) == Some(&sep) && hay.get(at + 1).is_some_and(|&b| is_digit(b)) {
        if count == groups.len() {
            return None;
        }
        let from = at + 1;
        before_last = at;
        at = from;
        while hay.get(at).is_some_and(|&b| is_digit(b)) {
            at += 1;
            if at - from > 6 {
                return None;
            }
        }
        groups[count] = at - from;
        // Every layout's second group has 4 or 6 digits: stop dates (`2024-01-15`) early.
        if count == 1 && groups[1] != 4 && groups[1] != 6 {
            return None;
        }
        count += 1;
    }
    let shorter = (count == 5 && groups[4] <= 3).then_some(before_last);
    layout_ok(&groups[..count]).then_some((at, shorter))
}

/// Recognises a card number whose first group (or whole compact form) is `hay[start..end]`.
pub fn at_digit_run(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if end - start == 4 {
        let (full, shorter) = grouped_end(hay, start, end)?;
        return validate(hay, start, full, true, ctx)
            .or_else(|| validate(hay, start, shorter?, true, ctx));
    }
    let stop = match end - start {
        13..=MAX_DIGITS => {
            let before = start.checked_sub(1).map(|i| hay[i]);
            // A masked digit (`*`) counts as a digit: a number redacted by cprscan is still
            // a number, so its redacted form is judged as the input was.
            let numeric = |b: u8| is_digit(b) || b == b'*';
            let decimal_before =
                matches!(before, Some(b'.' | b',')) && start >= 2 && numeric(hay[start - 2]);
            let decimal_after = matches!(hay.get(end), Some(b'.' | b','))
                && hay.get(end + 1).is_some_and(|&b| numeric(b));
            if before == Some(b'+') || decimal_before || decimal_after {
                return None;
            }
            end
        }
        _ => return None,
    };
    validate(hay, start, stop, false, ctx)
}

/// Checks the digits of `hay[start..stop]` (a compact or grouped number) as a card number.
fn validate(hay: &[u8], start: usize, stop: usize, grouped: bool, ctx: Context) -> Option<Match> {
    if !is_boundary(hay, start.wrapping_sub(1)) || !is_boundary(hay, stop) {
        return None;
    }
    let mut values = [0u8; MAX_DIGITS];
    let mut n = 0;
    for &b in &hay[start..stop] {
        if is_digit(b) {
            values[n] = b - b'0';
            n += 1;
        }
    }
    let digits = &values[..n];
    let issuer = issuer_of(digits)?;
    if !luhn_ok(digits) {
        return None;
    }
    let near = ctx(start, stop);
    let mut reasons = Reasons::new();
    reasons.push(Reason::Rule("luhn"));
    reasons.push(Reason::Rule(issuer.reason));
    if grouped {
        reasons.push(Reason::Rule("grouped"));
    }
    if let Some(word) = near.positive {
        reasons.push(Reason::Context(word));
    }
    if let Some(word) = near.negative {
        reasons.push(Reason::ContextNeg(word));
    }
    let danish = matches!(issuer.reason, "issuer:dankort" | "issuer:visa-dankort");
    let confidence = if near.negative.is_some() {
        Confidence::Low
    } else if grouped || near.positive.is_some() {
        Confidence::High
    } else if danish {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    Some(Match {
        start,
        end: stop,
        confidence,
        reasons,
    })
}

/// Masks a card number, layout kept. PCI DSS allows showing at most the first 6 and the last 4
/// digits; that is what a number of 16 or more digits shows (`4571 01** **** 3456`). A shorter
/// number would then show most of its digits (Amex: 10 of 15), so below 16 digits at most half
/// of them are shown: the last 4 and as many leading digits as fit in half (15 and 14 digits:
/// first 3, 13 digits: first 2).
pub fn mask(value: &[u8]) -> String {
    crate::mask::to_string(|out| mask_into(value, out))
}

/// [`mask`], appended to `out` as bytes.
pub fn mask_into(value: &[u8], out: &mut Vec<u8>) {
    let shown = |n: usize| if n >= 16 { 10 } else { n / 2 };
    if value.len() <= 64 {
        let (alnum, digits) = super::class_bits(value);
        let shown = shown(digits.count_ones() as usize);
        let tail = shown.min(4);
        return super::star_into(value, alnum, shown - tail, tail, out);
    }
    let shown = shown(value.iter().filter(|b| b.is_ascii_digit()).count());
    let tail = shown.min(4);
    super::mask_alnum_into(value, shown - tail, tail, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Nearby;

    /// Completes `prefix` (digits) to `len` digits: fills with a fixed pattern, then appends the
    /// one Luhn check digit.
    fn card(prefix: &str, len: usize) -> String {
        let mut s = prefix.to_string();
        let mut i = 0;
        while s.len() < len - 1 {
            s.push(char::from(b'0' + (i * 3 % 10) as u8));
            i += 1;
        }
        (0..10)
            .map(|c| format!("{s}{c}"))
            .find(|t| luhn_ok(&values(t)))
            .unwrap()
    }

    /// The same number with its last digit changed: fails Luhn.
    fn broken(number: &str) -> String {
        let mut b = number.as_bytes().to_vec();
        let last = b.len() - 1;
        b[last] = if b[last] == b'9' { b'0' } else { b[last] + 1 };
        String::from_utf8(b).unwrap()
    }

    fn values(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    fn grouped(number: &str, layout: &[usize], sep: &str) -> String {
        let mut out = Vec::new();
        let mut at = 0;
        for &g in layout {
            out.push(&number[at..at + g]);
            at += g;
        }
        assert_eq!(at, number.len());
        out.join(sep)
    }

    fn scan(text: &str) -> Option<(String, Match)> {
        super::super::first_digit_match(text, WORDS, at_digit_run)
    }

    fn confidence(text: &str) -> Option<Confidence> {
        scan(text).map(|(_, m)| m.confidence)
    }

    fn issuer_reason(text: &str) -> Option<Reason> {
        scan(text).map(|(_, m)| m.reasons[1])
    }

    #[test]
    fn compact_card_without_a_word_is_low_unless_its_issuer_is_danish() {
        // One random 16-digit number in ~25 passes Luhn with a known prefix (transaction ids).
        let v = card("4", 16);
        let (text, m) = scan(&format!("value={v};")).unwrap();
        assert_eq!(text, v);
        assert_eq!(m.confidence, Confidence::Low);
        assert_eq!(
            m.reasons,
            vec![Reason::Rule("luhn"), Reason::Rule("issuer:visa")]
        );
        for prefix in ["5019", "4571"] {
            let d = card(prefix, 16);
            assert_eq!(
                confidence(&format!("value={d};")),
                Some(Confidence::Medium),
                "{prefix}"
            );
        }
        // `pan`, as payment logs name the number, is a card word.
        assert_eq!(confidence(&format!("pan={v}")), Some(Confidence::High));
    }

    #[test]
    fn compact_card_with_positive_context_is_high() {
        let v = card("4", 16);
        for text in [
            format!("Kort: {v}"),
            format!("kortnr. {v}"),
            format!("credit card {v}"),
            format!("{v} (Visa)"),
            format!("Kreditkort {v}"),
        ] {
            assert_eq!(confidence(&text), Some(Confidence::High), "{text}");
        }
        let (_, m) = scan(&format!("Dankort {}", card("5019", 16))).unwrap();
        assert!(m.reasons.contains(&Reason::Context("dankort")));
    }

    #[test]
    fn kort_inside_another_word_is_no_context() {
        let v = card("4571", 16);
        assert_eq!(confidence(&format!("kortet {v}")), Some(Confidence::Medium));
        assert_eq!(
            confidence(&format!("kørekort {v}")),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn grouped_with_spaces_is_high() {
        let v = card("4", 16);
        let g = grouped(&v, &[4, 4, 4, 4], " ");
        let (text, m) = scan(&format!("paid with {g}.")).unwrap();
        assert_eq!(text, g);
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(
            m.reasons,
            vec![
                Reason::Rule("luhn"),
                Reason::Rule("issuer:visa"),
                Reason::Rule("grouped")
            ]
        );
    }

    #[test]
    fn grouped_with_dashes_is_high() {
        let g = grouped(&card("5500", 16), &[4, 4, 4, 4], "-");
        assert_eq!(confidence(&g), Some(Confidence::High));
    }

    #[test]
    fn mixed_separators_are_rejected() {
        let v = card("4", 16);
        let text = format!("{} {}-{} {}", &v[..4], &v[4..8], &v[8..12], &v[12..]);
        assert_eq!(scan(&text), None);
    }

    #[test]
    fn double_separators_are_rejected() {
        let g = grouped(&card("4", 16), &[4, 4, 4, 4], "  ");
        assert_eq!(scan(&g), None);
    }

    #[test]
    fn luhn_failure_is_rejected() {
        let v = broken(&card("4", 16));
        assert_eq!(scan(&format!("kort {v}")), None);
        assert_eq!(scan(&grouped(&v, &[4, 4, 4, 4], " ")), None);
    }

    #[test]
    fn unknown_issuer_prefix_is_rejected_even_with_luhn() {
        for prefix in ["1", "7", "8", "9", "0", "2000", "59"] {
            let v = card(prefix, 16);
            assert_eq!(scan(&format!("kort {v}")), None, "{v}");
        }
    }

    #[test]
    fn length_the_issuer_does_not_use_is_rejected() {
        // Amex has 15 digits, Mastercard 16, Visa 13, 16 or 19.
        assert_eq!(scan(&card("37", 16)), None);
        assert_eq!(scan(&card("51", 15)), None);
        assert_eq!(scan(&card("4", 14)), None);
        assert_eq!(scan(&card("4571", 19)), None);
        assert_eq!(scan(&card("5019", 15)), None);
    }

    #[test]
    fn too_short_or_too_long_runs_are_rejected() {
        assert_eq!(scan(&card("4", 12)), None);
        assert_eq!(scan(&card("6011", 20)), None);
    }

    #[test]
    fn amex_in_4_6_5_is_high() {
        let a = card("37", 15);
        let g = grouped(&a, &[4, 6, 5], " ");
        let (text, m) = scan(&g).unwrap();
        assert_eq!(text, g);
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(m.reasons[1], Reason::Rule("issuer:amex"));
        assert_eq!(
            issuer_reason(&card("34", 15)),
            Some(Reason::Rule("issuer:amex"))
        );
    }

    #[test]
    fn diners_in_4_6_4_is_found() {
        let d = card("36", 14);
        let g = grouped(&d, &[4, 6, 4], " ");
        assert_eq!(scan(&g).map(|(t, _)| t), Some(g.clone()));
        assert_eq!(issuer_reason(&g), Some(Reason::Rule("issuer:diners")));
        assert_eq!(
            issuer_reason(&card("305", 14)),
            Some(Reason::Rule("issuer:diners"))
        );
        assert_eq!(
            issuer_reason(&card("38", 16)),
            Some(Reason::Rule("issuer:diners"))
        );
        assert_eq!(scan(&card("306", 14)), None);
    }

    #[test]
    fn nineteen_digits_in_4_4_4_4_3_is_found() {
        let v = card("6011", 19);
        let g = grouped(&v, &[4, 4, 4, 4, 3], " ");
        assert_eq!(scan(&g).map(|(t, _)| t), Some(g));
    }

    #[test]
    fn groups_of_four_with_a_short_last_group_are_found() {
        let v = card("4", 13);
        let g = grouped(&v, &[4, 4, 4, 1], " ");
        assert_eq!(scan(&g).map(|(t, _)| t), Some(g));
    }

    #[test]
    fn layouts_cards_are_not_printed_in_are_rejected() {
        let v = card("4", 16);
        assert_eq!(scan(&grouped(&v, &[4, 4, 8], " ")), None);
        assert_eq!(scan(&grouped(&v, &[4, 2, 5, 5], " ")), None);
        assert_eq!(scan(&grouped(&v, &[2, 4, 4, 4, 2], " ")), None);
        assert_eq!(scan(&grouped(&v, &[8, 8], " ")), None);
    }

    #[test]
    fn dates_and_millisecond_timestamps_are_not_cards() {
        assert_eq!(scan("2024-01-15 12:00:00"), None);
        assert_eq!(scan("ts=1700000000000"), None);
        assert!(issuer_of(&[4]).is_none());
        assert!(issuer_of(&[]).is_none());
    }

    #[test]
    fn dankort_and_visa_dankort_are_named() {
        assert_eq!(
            issuer_reason(&card("5019", 16)),
            Some(Reason::Rule("issuer:dankort"))
        );
        assert_eq!(
            issuer_reason(&card("4571", 16)),
            Some(Reason::Rule("issuer:visa-dankort"))
        );
    }

    #[test]
    fn mastercard_2_series_range_edges() {
        for prefix in ["2221", "2720", "51", "55"] {
            assert_eq!(
                issuer_reason(&card(prefix, 16)),
                Some(Reason::Rule("issuer:mastercard")),
                "{prefix}"
            );
        }
        assert_eq!(scan(&card("2220", 16)), None);
        assert_eq!(scan(&card("2721", 16)), None);
    }

    #[test]
    fn discover_jcb_unionpay_and_maestro_are_named() {
        for (prefix, len, reason) in [
            ("6011", 16, "issuer:discover"),
            ("644", 16, "issuer:discover"),
            ("649", 19, "issuer:discover"),
            ("65", 16, "issuer:discover"),
            ("3528", 16, "issuer:jcb"),
            ("3589", 16, "issuer:jcb"),
            ("62", 16, "issuer:unionpay"),
            ("50", 13, "issuer:maestro"),
            ("58", 19, "issuer:maestro"),
            ("6759", 16, "issuer:maestro"),
            ("6304", 18, "issuer:maestro"),
        ] {
            assert_eq!(
                issuer_reason(&card(prefix, len)),
                Some(Reason::Rule(reason)),
                "{prefix}"
            );
        }
        assert_eq!(scan(&card("3527", 16)), None);
        assert_eq!(scan(&card("643", 16)), None);
    }

    #[test]
    fn negative_context_makes_it_low() {
        let v = card("4", 16);
        for (text, word) in [
            (format!("Ordrenummer {v}"), "ordre"),
            (format!("order {v}"), "order"),
            (format!("faktura {v}"), "faktura"),
            (format!("transaction={v}"), "transaction"),
            (format!("txn {v}"), "txn"),
            (format!("id: {v}"), "id"),
        ] {
            let (_, m) = scan(&text).unwrap();
            assert_eq!(m.confidence, Confidence::Low, "{text}");
            assert_eq!(m.reasons.last(), Some(&Reason::ContextNeg(word)));
        }
    }

    #[test]
    fn negative_context_wins_over_grouping_and_positive_words() {
        let g = grouped(&card("4", 16), &[4, 4, 4, 4], " ");
        assert_eq!(confidence(&format!("txn {g}")), Some(Confidence::Low));
        assert_eq!(
            confidence(&format!("card {g} order")),
            Some(Confidence::Low)
        );
    }

    #[test]
    fn id_inside_a_word_is_no_negative_context() {
        let v = card("5019", 16);
        assert_eq!(confidence(&format!("valid {v}")), Some(Confidence::Medium));
        assert_eq!(confidence(&format!("idx {v}")), Some(Confidence::Medium));
    }

    #[test]
    fn touching_a_letter_is_rejected() {
        let v = card("4", 16);
        assert_eq!(scan(&format!("x{v}")), None);
        assert_eq!(scan(&format!("{v}x")), None);
        let g = grouped(&v, &[4, 4, 4, 4], " ");
        assert_eq!(scan(&format!("x{g}")), None);
        assert_eq!(scan(&format!("{g}x")), None);
    }

    #[test]
    fn grouped_sequence_continuing_before_or_after_is_rejected() {
        let g = grouped(&card("4", 16), &[4, 4, 4, 4], " ");
        assert_eq!(scan(&format!("12 {g}")), None);
        assert_eq!(scan(&format!("{g} 1234 5678")), None);
        // A different separator is no continuation.
        assert!(scan(&format!("12-{g}")).is_some());
        assert!(scan(&format!("{g}, 12")).is_some());
    }

    #[test]
    fn compact_run_after_plus_is_a_phone_number() {
        let v = card("4", 13);
        assert!(scan(&v).is_some());
        assert_eq!(scan(&format!("+{v}")), None);
    }

    #[test]
    fn compact_run_next_to_a_decimal_point_is_a_number() {
        let v = card("4", 16);
        assert_eq!(scan(&format!("0.{v}")), None);
        assert_eq!(scan(&format!("{v},5")), None);
        assert!(scan(&format!("{v}. Tak")).is_some());
    }

    #[test]
    fn compact_run_next_to_a_masked_number_is_judged_as_next_to_the_number() {
        // What `redact` leaves of `0101901238,<card>`: still a number before the comma.
        let v = card("5", 13);
        assert_eq!(scan(&format!("010190****,{v}")), None);
        assert_eq!(scan(&format!("{v},****")), None);
    }

    #[test]
    fn context_is_not_looked_up_before_the_checks_pass() {
        let panicking = |_: usize, _: usize| -> Nearby { panic!("context looked up") };
        let v = broken(&card("4", 16));
        assert_eq!(at_digit_run(v.as_bytes(), 0, 16, &panicking), None);
        let u = card("9", 16);
        assert_eq!(at_digit_run(u.as_bytes(), 0, 16, &panicking), None);
    }

    #[test]
    fn mask_keeps_first_six_and_last_four_from_sixteen_digits() {
        assert_eq!(mask(b"4571 0101 9012 3456"), "4571 01** **** 3456");
        assert_eq!(mask(b"4571010190123456"), "457101******3456");
        assert_eq!(mask(b"6011-0000-0000-0000-123"), "6011-00**-****-***0-123");
    }

    #[test]
    fn mask_hides_at_least_half_below_sixteen_digits() {
        // 15 digits (Amex): first 3 and last 4 shown, 8 hidden.
        assert_eq!(mask(b"3400 000000 00009"), "340* ****** *0009");
        // 14 digits: first 3 and last 4, 7 hidden.
        assert_eq!(mask(b"36000000000008"), "360*******0008");
        // 13 digits: first 2 and last 4, 7 hidden.
        assert_eq!(mask(b"4000000000006"), "40*******0006");
        for n in 13..=15 {
            let value = "4".repeat(n);
            let hidden = mask(value.as_bytes()).matches('*').count();
            assert!(hidden * 2 >= n, "{n}");
        }
    }

    #[test]
    fn card_in_fours_followed_by_expiry_or_security_code_is_found() {
        // 4111 1111 1111 1111 is the well-known Visa test number (Luhn passes).
        for text in [
            "kort 4111 1111 1111 1111 12/29",
            "kort 4111 1111 1111 1111 123",
        ] {
            let (found, _) = scan(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(found, "4111 1111 1111 1111", "{text}");
        }
    }

    #[test]
    fn dropping_a_group_needs_a_short_last_group() {
        assert!(scan("4111 1111 1111 1111 1234").is_none());
    }
}
