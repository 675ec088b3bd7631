//! Validator for the `phone` kind (`shared/reference/cpr.md` §6): Danish numbers, and
//! international numbers in clear `+CC` form.
//!
//! Danish numbers have 8 digits, the first 2-9 (no trunk prefix). Forms and confidence:
//! - prefixed, high, reason `dk-prefix`: `+45`, `0045` or `(+45)`, an optional space (or
//!   no-break space, or dash), then the 8 digits in groups of 2 or more separated by single
//!   spaces or by single dashes: `+45 12 34 56 78`, `+4512345678`, `0045 12345678`,
//!   `(+45) 1234 5678`, `004512345678`, `+45-1234-5678`.
//!   No context is looked up;
//! - bare, reason `dk-8-digits`: exactly `12345678`, `1234 5678` or `12 34 56 78`. Only with a
//!   positive context word ([`WORDS`]: `tlf`, `telefon`, `mobil`, `mob.`, `ring`, `phone`,
//!   `tel`, `fax`, `sms`, …) is it a phone: medium; low if a negative word (`cvr`, `ordre`,
//!   `faktura`, `kunde`, `konto`, `reg.nr`, `id`, …) is near too. Without a positive word it is
//!   `None`, also when only a negative word is near (it is then labelled as something else).
//!   Fax numbers count: a fax number of a sole proprietor is as personal as a phone number.
//!
//! International, medium, reason `country-code`: `+`, an assigned ITU-T E.164 country code
//! ([`country_code_len`]), then 6 to 12 more digits, compact or in groups separated by single
//! spaces or dashes; a group may be in parentheses (`+1 (415) 555-0100`), and the code itself
//! too (`(+46) 8 123 456 78`). NANP (`+1`) numbers have exactly 10 more digits. `+45` is always
//! handled as Danish: a `+45` number that is not 8 valid digits is `None`. The `00` form is
//! only recognised for `0045`.
//!
//! Anchors: the scanner offers every maximal digit run. A prefixed number is reported only from
//! its first run (`45` after `+`, `0045`, or the compact `4512345678`), so the match begins at
//! the `+`, `(` or `0045`, before the anchor. Every run inside a grouped number (`12`, `34`, …
//! of `+45 12 34 56 78`, `7946` of `+44 20 7946 0958`) returns `None` by itself: a bare
//! candidate is rejected when a digit group of at most 4 digits, a `(+45)` or any `(…)` group
//! precedes it across a single separator, so the scanner's overlap resolution is not needed
//! for phone-against-phone.
//!
//! Boundaries: no ASCII letter or digit on either side, no `@` after (`+4512345678@sms…` is an
//! address), no decimal point with a digit on either side (`1.12345678`, `12345678.5`: numbers,
//! IPs, versions), and no further group of at most 4 digits after a single space or dash
//! (`12 34 56 78 90`, `1234 5678 9012 3456` are other numbers). A following group of 5 or more
//! digits is another value (`12345678 87654321` lists two numbers). Dates and times never
//! match: their parts are joined by `-`, `:`, `/` or `.`, which no Danish layout uses.

use crate::context::{neg, pos, Word};
use crate::digits::is_digit;
use crate::finding::{Confidence, Reason, Reasons};

use super::{is_boundary, Context, Match};

/// Context words of this kind. Stems where compounds are common (`telefonnummer`, `mobilnr`,
/// `tlf.nr`); whole words where a stem would catch unrelated words (`ring` not `ringvej`, `tel`
/// not `telt`, `id` not `idag`).
pub const WORDS: &[Word] = &[
    pos("tlf", true),
    pos("tlfnr", true),
    pos("telefon", true),
    pos("telefonnr", true),
    pos("telefonnummer", true),
    pos("mobil", true),
    pos("mobilnr", true),
    pos("mobilnummer", true),
    pos("mob", false),
    pos("mob.", true),
    pos("ring", false),
    pos("ringe", false),
    pos("phone", true),
    pos("telephone", true),
    pos("tel", false),
    pos("cell", false),
    pos("cellphone", true),
    pos("fax", true),
    pos("sms", false),
    neg("cvr", true),
    neg("se-nr", true),
    neg("ordre", true),
    neg("order", true),
    neg("faktura", true),
    neg("invoice", true),
    neg("kunde", true),
    neg("customer", true),
    neg("konto", false),
    neg("kontonr", true),
    neg("reg.nr", true),
    neg("regnr", true),
    neg("id", false),
    neg("ref", false),
    neg("varenr", true),
    neg("sagsnr", true),
    neg("bilag", true),
];

/// Digits of a Danish number.
const DK_DIGITS: usize = 8;
/// The longest digit run any form starts with: E.164 numbers have at most 15 digits.
const MAX_RUN: usize = 15;
/// Digits after the country code of an international number.
const INTL_NATIONAL: std::ops::RangeInclusive<usize> = 6..=12;
/// Digits after `+1` (NANP: 3-digit area code and 7-digit number).
const NANP_NATIONAL: usize = 10;

/// The length of the assigned ITU-T E.164 country code `digits` start with (1 to 3 digits), if
/// any. Country codes are prefix-free, so at most one length fits. Spare codes (`28x`, `42x`
/// but `420`/`421`/`423`, `83x`, `89x`, …) are rejected; the table follows the ITU list of
/// assigned codes, including the shared and network codes (`388`, `8xx`, `979`, `99x`).
pub fn country_code_len(digits: &[u8]) -> Option<usize> {
    let d = |i: usize| {
        digits
            .get(i)
            .copied()
            .filter(|&b| is_digit(b))
            .map(|b| b - b'0')
    };
    let a = d(0)?;
    let three = |ok: fn(u8) -> bool| d(2).filter(|&c| ok(c)).map(|_| 3);
    match a {
        1 | 7 => Some(1),
        2 => match d(1)? {
            0 | 7 => Some(2),
            1 => three(|c| matches!(c, 1 | 2 | 3 | 6 | 8)),
            5 => three(|c| c != 9),
            2..=6 => three(|_| true),
            9 => three(|c| matches!(c, 0 | 1 | 7 | 8 | 9)),
            _ => None,
        },
        3 => match d(1)? {
            0..=4 | 6 | 9 => Some(2),
            5 | 7 => three(|_| true),
            8 => three(|c| c != 4),
            _ => None,
        },
        4 => match d(1)? {
            2 => three(|c| matches!(c, 0 | 1 | 3)),
            _ => Some(2),
        },
        5 => match d(1)? {
            0 | 9 => three(|_| true),
            _ => Some(2),
        },
        6 => match d(1)? {
            0..=6 => Some(2),
            7 => three(|c| c != 1),
            8 => three(|_| true),
            9 => three(|c| c <= 2),
            _ => None,
        },
        8 => match d(1)? {
            1 | 2 | 4 | 6 => Some(2),
            0 => three(|c| matches!(c, 0 | 8)),
            5 => three(|c| matches!(c, 0 | 2 | 3 | 5 | 6)),
            7 => three(|c| matches!(c, 0 | 8)),
            8 => three(|c| matches!(c, 0..=3 | 6 | 8)),
            _ => None,
        },
        9 => match d(1)? {
            0..=5 | 8 => Some(2),
            6 => three(|c| c <= 8),
            7 => three(|c| c != 8),
            9 => three(|c| matches!(c, 1..=6 | 8)),
            _ => None,
        },
        _ => None,
    }
}

/// The end of the digit run starting at `at` (`at` itself if there is none).
#[inline]
fn run_end(hay: &[u8], mut at: usize) -> usize {
    while at < hay.len() && is_digit(hay[at]) {
        at += 1;
    }
    at
}

/// The start of the digit run ending at `end`.
#[inline]
fn run_start(hay: &[u8], mut at: usize) -> usize {
    while at > 0 && is_digit(hay[at - 1]) {
        at -= 1;
    }
    at
}

/// The length of a Danish group separator at `at`: a space or a UTF-8 no-break space.
#[inline]
fn space_len(hay: &[u8], at: usize) -> Option<usize> {
    match hay.get(at..)? {
        [b' ', ..] => Some(1),
        [0xC2, 0xA0, ..] => Some(2),
        _ => None,
    }
}

/// The length of a group separator ending right before `end`: space, dash or no-break space.
#[inline]
fn sep_len_before(hay: &[u8], end: usize) -> Option<usize> {
    match hay.get(..end)? {
        [.., 0xC2, 0xA0] => Some(2),
        [.., b' ' | b'-'] => Some(1),
        _ => None,
    }
}

/// Whether a match may end at `end`: see the module documentation.
fn right_ok(hay: &[u8], end: usize) -> bool {
    let Some(&b) = hay.get(end) else {
        return true;
    };
    if b.is_ascii_alphanumeric() || b == b'@' {
        return false;
    }
    let digit_at = |i: usize| hay.get(i).is_some_and(|&d| is_digit(d));
    if b == b'.' && digit_at(end + 1) {
        return false;
    }
    let sep = match b {
        b' ' | b'-' => 1,
        _ => space_len(hay, end).unwrap_or(0),
    };
    if sep > 0 && digit_at(end + sep) {
        let from = end + sep;
        return run_end(hay, from) - from > 4;
    }
    true
}

/// Whether a bare candidate may start at `start`: see the module documentation.
fn left_ok(hay: &[u8], start: usize) -> bool {
    let Some(i) = start.checked_sub(1) else {
        return true;
    };
    let b = hay[i];
    if b.is_ascii_alphanumeric() {
        return false;
    }
    let digit_before = |at: usize| at > 0 && is_digit(hay[at - 1]);
    if b == b'.' && digit_before(i) {
        return false;
    }
    let at = start - sep_len_before(hay, start).unwrap_or(0);
    if at > 0 && hay[at - 1] == b')' && digit_before(at - 1) {
        return false;
    }
    if at < start && digit_before(at) {
        return at - run_start(hay, at) > 4;
    }
    true
}

/// The separator allowed between `+45` or `0045` and the national number: a space, a no-break
/// space or a dash (`+45-2234-5678`), or none.
fn prefix_sep_len(hay: &[u8], at: usize) -> usize {
    match hay.get(at) {
        Some(b'-') => 1,
        _ => space_len(hay, at).unwrap_or(0),
    }
}

/// The end of an 8-digit Danish national number starting at `at`: groups of at least 2 digits
/// separated by single spaces, or by single dashes (`2234-5678`, `22-34-56-78`; one kind of
/// separator in a number), the first digit 2-9. Only after a prefix: a bare number with dashes
/// is too like a date or a range to be taken for a phone.
fn dk_national(hay: &[u8], mut at: usize) -> Option<usize> {
    if !hay.get(at).is_some_and(|&b| (b'2'..=b'9').contains(&b)) {
        return None;
    }
    let mut digits = 0;
    let mut dashes = None;
    loop {
        let end = run_end(hay, at);
        if end - at < 2 {
            return None;
        }
        digits += end - at;
        if digits == DK_DIGITS {
            return Some(end);
        }
        if digits > DK_DIGITS {
            return None;
        }
        let dash = hay.get(end) == Some(&b'-');
        if *dashes.get_or_insert(dash) != dash {
            return None;
        }
        at = end + if dash { 1 } else { space_len(hay, end)? };
    }
}

/// After the groups `sizes` (each after a single space) following `at`, where they end.
fn groups_end(hay: &[u8], mut at: usize, sizes: &[usize]) -> Option<usize> {
    for &n in sizes {
        at += space_len(hay, at)?;
        let end = run_end(hay, at);
        if end - at != n {
            return None;
        }
        at = end;
    }
    Some(at)
}

fn found(start: usize, end: usize, confidence: Confidence, rule: &'static str) -> Option<Match> {
    Some(Match {
        start,
        end,
        confidence,
        reasons: Reasons::from([Reason::Rule(rule)]),
    })
}

/// Recognises a phone number anchored at the maximal digit run `hay[start..end]`.
pub fn at_digit_run(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    let len = end - start;
    if len > MAX_RUN {
        return None;
    }
    if start > 0 && hay[start - 1] == b'+' {
        return after_plus(hay, start, end);
    }
    if len >= 4 && hay[start..start + 4] == *b"0045" {
        return after_0045(hay, start, end);
    }
    bare(hay, start, end, ctx)
}

/// `+CC…` with the `+` at `start - 1`.
fn after_plus(hay: &[u8], start: usize, end: usize) -> Option<Match> {
    let plus = start - 1;
    if !is_boundary(hay, plus.wrapping_sub(1)) {
        return None;
    }
    let run = &hay[start..end];
    let cc = country_code_len(run)?;
    if cc > run.len() {
        return None;
    }
    // `(+45)`: the code alone in parentheses.
    let paren = cc == run.len() && plus > 0 && hay[plus - 1] == b'(' && hay.get(end) == Some(&b')');
    let (m_start, after_cc) = if paren {
        (plus - 1, end + 1)
    } else {
        (plus, start + cc)
    };
    if paren && !is_boundary(hay, m_start.wrapping_sub(1)) {
        return None;
    }
    if run[..cc] == *b"45" {
        let national = if after_cc < end {
            after_cc
        } else {
            after_cc + prefix_sep_len(hay, after_cc)
        };
        let stop = dk_national(hay, national)?;
        if !right_ok(hay, stop) {
            return None;
        }
        return found(m_start, stop, Confidence::High, "dk-prefix");
    }
    let mut national = run.len() - cc;
    let mut pos = if paren { after_cc } else { end };
    loop {
        let mut p = pos;
        p += match hay.get(p) {
            Some(b' ' | b'-') => 1,
            _ => space_len(hay, p).unwrap_or(0),
        };
        let open = hay.get(p) == Some(&b'(');
        if open {
            p += 1;
        }
        let e = run_end(hay, p);
        if e == p || (open && hay.get(e) != Some(&b')')) {
            break;
        }
        national += e - p;
        if national > *INTL_NATIONAL.end() {
            return None;
        }
        pos = if open { e + 1 } else { e };
    }
    let nanp = run[..cc] == *b"1";
    let length_ok = if nanp {
        national == NANP_NATIONAL
    } else {
        INTL_NATIONAL.contains(&national)
    };
    if !length_ok || !right_ok(hay, pos) {
        return None;
    }
    found(m_start, pos, Confidence::Medium, "country-code")
}

/// `0045…` at `start`.
fn after_0045(hay: &[u8], start: usize, end: usize) -> Option<Match> {
    if !left_ok(hay, start) {
        return None;
    }
    let national = if end - start > 4 {
        start + 4
    } else {
        end + prefix_sep_len(hay, end)
    };
    let stop = dk_national(hay, national)?;
    if !right_ok(hay, stop) {
        return None;
    }
    found(start, stop, Confidence::High, "dk-prefix")
}

/// A Danish number without prefix: `12345678`, `1234 5678` or `12 34 56 78`, with context.
fn bare(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if hay[start] < b'2' {
        return None;
    }
    let stop = match end - start {
        8 => end,
        4 => groups_end(hay, end, &[4])?,
        2 => groups_end(hay, end, &[2, 2, 2])?,
        _ => return None,
    };
    if !left_ok(hay, start) || !right_ok(hay, stop) {
        return None;
    }
    super::with_positive_context(start, stop, [Reason::Rule("dk-8-digits")], ctx)
}

/// Masks a number: keeps the prefix (`+45`, `0045`, `(+45)`, `+CC`) and the last 2 digits,
/// replaces the other digits by `*`, layout kept: `+45 ** ** ** 78`.
pub fn mask(value: &[u8]) -> String {
    crate::mask::to_string(|out| mask_into(value, out))
}

/// [`mask`], appended to `out` as bytes.
pub fn mask_into(value: &[u8], out: &mut Vec<u8>) {
    let body = value.strip_prefix(b"(").unwrap_or(value);
    let head = if let Some(digits) = body.strip_prefix(b"+") {
        country_code_len(digits).unwrap_or(0)
    } else if value.starts_with(b"0045") {
        4
    } else {
        0
    };
    super::mask_alnum_into(value, head, 2, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{ContextMatcher, Nearby};
    use crate::digits::find_class;

    /// Runs the validator on every digit run of `text`, as the scanner does; returns every
    /// match as (matched text, confidence, reasons).
    fn scan(text: &str) -> Vec<(String, Confidence, Vec<Reason>)> {
        super::super::digit_matches(text, WORDS, at_digit_run)
            .into_iter()
            .map(|(s, m)| (s, m.confidence, m.reasons.to_vec()))
            .collect()
    }

    /// The one match of `text` (asserting there is at most one), as (text, confidence).
    fn one(text: &str) -> Option<(String, Confidence)> {
        let found = scan(text);
        assert!(found.len() <= 1, "{text}: {found:?}");
        found.into_iter().next().map(|(s, c, _)| (s, c))
    }

    fn matched(text: &str) -> Option<String> {
        one(text).map(|(s, _)| s)
    }

    fn none(_: usize, _: usize) -> Nearby {
        Nearby::default()
    }

    // Danish, prefixed.

    #[test]
    fn plus_45_in_every_layout_is_high_without_context() {
        for number in [
            "+45 22 34 56 78",
            "+45 2234 5678",
            "+45 22345678",
            "+4522345678",
            "+45 223 45 678",
            "+45\u{a0}22\u{a0}34\u{a0}56\u{a0}78",
            "+45-2234-5678",
            "+45 22-34-56-78",
            "+45-22345678",
            "+452234-5678",
        ] {
            let text = format!("Jens Hansen, {number}, Aarhus");
            assert_eq!(
                scan(&text),
                vec![(
                    number.to_string(),
                    Confidence::High,
                    vec![Reason::Rule("dk-prefix")]
                )],
                "{text}"
            );
        }
    }

    #[test]
    fn dashes_mixed_with_spaces_or_doubled_are_not_a_danish_number() {
        assert_eq!(one("+45 22-34 56-78"), None);
        assert_eq!(one("+45 2234--5678"), None);
        assert_eq!(one("+45--22345678"), None);
        // Without a prefix dashes are not enough, even with a word (a date, a range).
        assert_eq!(one("tlf 2234-5678"), None);
    }

    #[test]
    fn double_zero_45_prefix_is_high() {
        for number in [
            "0045 22345678",
            "0045 22 34 56 78",
            "004522345678",
            "0045 2234 5678",
            "0045-2234-5678",
        ] {
            assert_eq!(
                one(&format!("kontakt {number}.")),
                Some((number.to_string(), Confidence::High)),
                "{number}"
            );
        }
    }

    #[test]
    fn parenthesised_plus_45_starts_the_match_at_the_parenthesis() {
        for number in ["(+45) 2234 5678", "(+45)22345678", "(+45) 22 34 56 78"] {
            assert_eq!(
                one(&format!("Tlf: {number}")),
                Some((number.to_string(), Confidence::High)),
                "{number}"
            );
        }
        assert_eq!(one("x(+45) 2234 5678"), None);
        // An unclosed parenthesis belongs to the sentence, not the number.
        assert_eq!(matched("(+45 22345678)").as_deref(), Some("+45 22345678"));
    }

    #[test]
    fn prefixed_number_is_reported_only_from_its_first_run() {
        // `one` asserts that the inner runs (12, 34, 56, 78 / 1234, 5678) return None even
        // with a context word that would make a bare number of them.
        assert_eq!(
            one("tlf +45 22 34 56 78"),
            Some(("+45 22 34 56 78".into(), Confidence::High))
        );
        assert_eq!(
            one("tlf (+45) 2234 5678"),
            Some(("(+45) 2234 5678".into(), Confidence::High))
        );
        assert_eq!(
            one("tlf 0045 22 34 56 78"),
            Some(("0045 22 34 56 78".into(), Confidence::High))
        );
    }

    #[test]
    fn danish_number_starting_with_0_or_1_is_rejected() {
        // The reference's `12 34 56 78` examples break this rule: no 8-digit Danish number
        // starts with 1 (1xx are short service numbers) or 0 (no trunk prefix).
        assert_eq!(one("+45 12 34 56 78"), None);
        assert_eq!(one("+4512345678"), None);
        assert_eq!(one("tlf 12345678"), None);
        assert_eq!(one("+45 01 23 45 67"), None);
        assert_eq!(one("+45 10345678"), None);
        assert_eq!(one("0045 11223344"), None);
        assert_eq!(one("tlf 01234567"), None);
        assert_eq!(one("tlf 11 22 33 44"), None);
    }

    #[test]
    fn plus_45_with_other_than_8_digits_is_not_a_phone() {
        assert_eq!(one("+45 1234567"), None);
        assert_eq!(one("+45 223456789"), None);
        assert_eq!(one("+452234567890"), None);
        assert_eq!(one("+45 12 34 56 7"), None);
        assert_eq!(one("+45"), None);
        assert_eq!(one("\"tz\":\"+45\""), None);
    }

    #[test]
    fn plus_45_with_one_digit_groups_or_double_spaces_is_rejected() {
        assert_eq!(one("+45 1 2 3 4 5 6 7 8"), None);
        assert_eq!(one("+45  22345678"), None);
        assert_eq!(one("+45 1234  5678"), None);
    }

    #[test]
    fn plus_45_number_that_goes_on_is_rejected() {
        assert_eq!(one("+45 22 34 56 78 90"), None);
        assert_eq!(one("+45 2234 5678 12"), None);
        assert_eq!(one("+45 22345678-9"), None);
        assert_eq!(one("+45 22345678.5"), None);
    }

    #[test]
    fn plus_preceded_by_a_letter_or_digit_is_no_prefix() {
        assert_eq!(one("a+4522345678"), None);
        assert_eq!(one("1+4522345678"), None);
        assert_eq!(one("1e+45"), None);
    }

    #[test]
    fn double_zero_45_touching_a_letter_or_inside_groups_is_rejected() {
        assert_eq!(one("x0045 22345678"), None);
        assert_eq!(one("DK50 0045 2234 5678 90"), None);
        assert_eq!(one("0045 22345678x"), None);
    }

    #[test]
    fn phone_before_an_at_sign_is_part_of_an_address() {
        assert_eq!(one("+4522345678@sms.example.dk"), None);
        assert_eq!(one("tlf 22345678@example.dk"), None);
    }

    // Danish, bare.

    #[test]
    fn bare_number_with_positive_context_is_medium_in_every_layout() {
        for (text, number, word) in [
            ("tlf 22345678", "22345678", "tlf"),
            ("Tlf.: 22 34 56 78", "22 34 56 78", "tlf"),
            ("Telefon: 2234 5678", "2234 5678", "telefon"),
            ("telefonnummer 22345678", "22345678", "telefonnummer"),
            ("mobil: 22 33 44 55", "22 33 44 55", "mobil"),
            ("Mobilnr. 22334455", "22334455", "mobilnr"),
            ("mob. 98765432", "98765432", "mob."),
            ("mob 98765432", "98765432", "mob"),
            ("ring til 23 45 67 89", "23 45 67 89", "ring"),
            ("22345678 (phone)", "22345678", "phone"),
            ("tel: 22345678", "22345678", "tel"),
            ("fax 22345678", "22345678", "fax"),
            ("send en sms til 22345678", "22345678", "sms"),
            (
                "tlf\u{a0}22\u{a0}34\u{a0}56\u{a0}78",
                "22\u{a0}34\u{a0}56\u{a0}78",
                "tlf",
            ),
        ] {
            assert_eq!(
                scan(text),
                vec![(
                    number.to_string(),
                    Confidence::Medium,
                    vec![Reason::Rule("dk-8-digits"), Reason::Context(word)]
                )],
                "{text}"
            );
        }
    }

    #[test]
    fn bare_number_looks_up_its_context_once_with_the_span_it_reports() {
        let hay = b"x 22 34 56 78 y";
        let words = [
            (None, None, None),
            (None, Some("kunde"), None),
            (Some("tlf"), None, Some(Confidence::Medium)),
            (Some("tlf"), Some("kunde"), Some(Confidence::Low)),
        ];
        for (positive, negative, want) in words {
            let calls = std::cell::RefCell::new(Vec::new());
            let ctx = |s: usize, e: usize| {
                calls.borrow_mut().push((s, e));
                Nearby { positive, negative }
            };
            let got = at_digit_run(hay, 2, 4, &ctx);
            assert_eq!(got.as_ref().map(|m| m.confidence), want);
            assert_eq!(*calls.borrow(), [(2, 13)]);
            if let Some(m) = got {
                assert_eq!((m.start, m.end), (2, 13));
                let mut reasons = vec![Reason::Rule("dk-8-digits"), Reason::Context("tlf")];
                reasons.extend(negative.map(Reason::ContextNeg));
                assert_eq!(m.reasons.to_vec(), reasons);
            }
        }
    }

    #[test]
    fn bare_number_without_context_is_not_a_phone() {
        for text in ["22345678", "Jens 22 34 56 78", "værdi 2234 5678"] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn bare_number_with_only_a_negative_word_is_not_a_phone() {
        for text in [
            "CVR 22345678",
            "ordre 22345678",
            "faktura 22 34 56 78",
            "id=22345678",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn bare_number_with_positive_and_negative_words_is_low() {
        for (text, word) in [
            ("tlf 22345678, cvr-nr", "cvr"),
            ("Kundeservice tlf 70 12 34 56", "kunde"),
            ("ordrenr 99, tlf 22345678", "ordre"),
            ("faktura: tlf 22345678", "faktura"),
            ("konto tlf 22345678", "konto"),
            ("reg.nr tlf 22345678", "reg.nr"),
            ("tlf 22345678 id", "id"),
        ] {
            let found = scan(text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].1, Confidence::Low, "{text}");
            assert_eq!(found[0].2.last(), Some(&Reason::ContextNeg(word)), "{text}");
        }
    }

    #[test]
    fn context_words_inside_longer_words_do_not_count() {
        assert_eq!(scan("Ringvej 22345678"), vec![]);
        assert_eq!(scan("telt 22345678"), vec![]);
        assert_eq!(
            one("tlf 22345678 idag").map(|(_, c)| c),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn bare_layouts_other_than_8_4_4_and_2_2_2_2_are_rejected() {
        for text in [
            "tlf 123 456 78",
            "tlf 12 345 678",
            "tlf 1234567",
            "tlf 223456789",
            "tlf 12-34-56-78",
            "tlf 1234-5678",
            "tlf 12.34.56.78",
            "tlf 12 34 5678",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn eight_digits_inside_a_longer_run_are_not_a_phone() {
        assert_eq!(scan("tlf 2234567890"), vec![]);
        assert_eq!(scan("tlf 0022345678"), vec![]);
    }

    #[test]
    fn bare_number_touching_a_letter_is_rejected() {
        assert_eq!(scan("tlf A22345678"), vec![]);
        assert_eq!(scan("tlf 22345678B"), vec![]);
        assert_eq!(scan("tlf 22 34 56 78x"), vec![]);
    }

    #[test]
    fn bare_groups_inside_a_longer_grouping_are_rejected() {
        for text in [
            "tlf 22 34 56 78 90",
            "tlf 1 22 34 56 78",
            "tlf 2234 5678 9012 3456",
            "tlf 4571 0101 9012 3456",
            "tlf 22345678-12",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn neighbouring_long_numbers_do_not_reject_a_bare_number() {
        assert_eq!(
            scan("tlf 22345678 87654321")
                .into_iter()
                .map(|(s, _, _)| s)
                .collect::<Vec<_>>(),
            ["22345678", "87654321"]
        );
        assert_eq!(
            matched("tlf: 22345678, 2100 København").as_deref(),
            Some("22345678")
        );
    }

    #[test]
    fn decimals_ips_and_versions_are_not_phones() {
        for text in [
            "tlf 22345678.90",
            "tlf 0.22345678",
            "tlf 10.22345678",
            "tlf 12.34.56.78",
            "tel v1.22345678",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
        assert_eq!(
            matched("Ring på tlf. 22345678.").as_deref(),
            Some("22345678")
        );
    }

    #[test]
    fn timestamps_and_dates_do_not_match() {
        for text in [
            "tlf 2024-01-01 12:34:56",
            "tlf 2024-01-01T12:34:56+01:00",
            "tlf 2024-01-01T12:34:56+0100",
            "tlf 01/02/2024 23:45",
            "tlf 23.45.67.89",
            "tlf 2024 01 01",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn context_is_looked_up_only_for_bare_candidates_of_the_right_shape() {
        let panicking = |_: usize, _: usize| -> Nearby { panic!("context looked up") };
        for (text, start, end) in [
            ("22345678901", 0, 11),
            ("01234567", 0, 8),
            ("1234 567", 0, 4),
            ("x22345678", 1, 9),
            ("+4522345678", 1, 11),
            ("0045 22345678", 0, 4),
            ("+46 8 123 456 78", 1, 3),
        ] {
            let _ = at_digit_run(text.as_bytes(), start, end, &panicking);
        }
    }

    // International.

    #[test]
    fn international_plus_cc_is_medium() {
        for number in [
            "+46 8 123 456 78",
            "+1 415 555 0100",
            "+1-415-555-0100",
            "+1 (415) 555-0100",
            "+44 20 7946 0958",
            "+4420794609580",
            "+49 30 22345678",
            "+298 123456",
            "+299 32 10 00",
            "+358 9 1234567",
            "(+46) 8 123 456 78",
        ] {
            let text = format!("call {number} now");
            assert_eq!(
                scan(&text),
                vec![(
                    number.to_string(),
                    Confidence::Medium,
                    vec![Reason::Rule("country-code")]
                )],
                "{text}"
            );
        }
    }

    #[test]
    fn unassigned_or_zero_country_code_is_rejected() {
        for text in [
            "+0 22345678",
            "+28 22345678",
            "+424 1234567",
            "+259 1234567",
            "+89 22345678",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn country_code_table_spot_checks() {
        let cc = |s: &str| country_code_len(s.as_bytes());
        assert_eq!(cc("1415"), Some(1));
        assert_eq!(cc("7495"), Some(1));
        assert_eq!(cc("4512"), Some(2));
        assert_eq!(cc("2099"), Some(2));
        assert_eq!(cc("2991"), Some(3));
        assert_eq!(cc("2981"), Some(3));
        assert_eq!(cc("3531"), Some(3));
        assert_eq!(cc("3841"), None);
        assert_eq!(cc("4201"), Some(3));
        assert_eq!(cc("4221"), None);
        assert_eq!(cc("6711"), None);
        assert_eq!(cc("8521"), Some(3));
        assert_eq!(cc("8541"), None);
        assert_eq!(cc("9981"), Some(3));
        assert_eq!(cc("9971"), None);
        assert_eq!(cc("35"), None);
        assert_eq!(cc("35 1"), None);
    }

    #[test]
    fn international_national_part_must_have_6_to_12_digits() {
        assert_eq!(one("+46 12345"), None);
        assert_eq!(matched("+46 123456").as_deref(), Some("+46 123456"));
        assert_eq!(
            matched("+46 223456789012").as_deref(),
            Some("+46 223456789012")
        );
        assert_eq!(one("+46 2234567890123"), None);
        assert_eq!(one("+46 123 456 789 012 3"), None);
    }

    #[test]
    fn nanp_number_must_have_10_digits_after_plus_1() {
        assert_eq!(one("+1 415 555 010"), None);
        assert_eq!(one("+1 415 555 01000"), None);
        assert_eq!(one("+12345678"), None);
    }

    #[test]
    fn international_groups_separated_by_two_characters_end_the_number() {
        // The number ends before a double space; what is left is too short.
        assert_eq!(one("+46 8 123  456 78"), None);
        assert_eq!(
            matched("+46 8 123 456 78 - tlf").as_deref(),
            Some("+46 8 123 456 78")
        );
    }

    #[test]
    fn timezone_offsets_and_arithmetic_are_not_international_numbers() {
        for text in [
            "12:00+01:00",
            "T12:34:56+0530",
            "+1000",
            "x+4681234567",
            "2+46822345678",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn international_number_touching_a_letter_is_rejected() {
        assert_eq!(one("+46822345678x"), None);
        assert_eq!(one("+46 8 123 456 78abc"), None);
    }

    #[test]
    fn inner_groups_of_international_numbers_are_not_bare_danish_numbers() {
        // With a context word, `7946 0958` and `22345678` would be bare numbers on their own.
        assert_eq!(
            one("tlf +44 20 7946 0958").map(|(_, c)| c),
            Some(Confidence::Medium)
        );
        assert_eq!(
            one("tlf +49 30 22345678").map(|(_, c)| c),
            Some(Confidence::Medium)
        );
        assert_eq!(
            one("tlf +44 (0) 2079 4609").map(|(s, _)| s),
            Some("+44 (0) 2079 4609".to_string())
        );
    }

    #[test]
    fn anchor_alone_returns_the_match_starting_before_it() {
        let hay = b"tlf +45 22 34 56 78";
        let m = at_digit_run(hay, 5, 7, &none).unwrap();
        assert_eq!((m.start, m.end), (4, hay.len()));
        assert_eq!(at_digit_run(hay, 8, 10, &none), None);
        assert_eq!(at_digit_run(hay, 17, 19, &none), None);
    }

    #[test]
    fn run_at_either_end_of_the_input_is_safe() {
        assert_eq!(at_digit_run(b"45", 0, 2, &none), None);
        assert_eq!(at_digit_run(b"+45", 1, 3, &none), None);
        assert_eq!(at_digit_run(b"0045", 0, 4, &none), None);
        assert_eq!(at_digit_run(b"(+45)", 2, 4, &none), None);
        assert_eq!(at_digit_run(b"12", 0, 2, &none), None);
    }

    // Masking.

    #[test]
    fn mask_keeps_prefix_last_two_digits_and_layout() {
        assert_eq!(mask(b"+45 22 34 56 78"), "+45 ** ** ** 78");
        assert_eq!(mask(b"+4522345678"), "+45******78");
        assert_eq!(mask(b"0045 22345678"), "0045 ******78");
        assert_eq!(mask(b"(+45) 2234 5678"), "(+45) **** **78");
        assert_eq!(mask(b"22 34 56 78"), "** ** ** 78");
        assert_eq!(mask(b"22345678"), "******78");
    }

    #[test]
    fn mask_keeps_the_international_country_code() {
        assert_eq!(mask(b"+46 8 123 456 78"), "+46 * *** *** 78");
        assert_eq!(mask(b"+1 (415) 555-0100"), "+1 (***) ***-**00");
        assert_eq!(mask(b"+298 123456"), "+298 ****56");
    }

    #[test]
    fn mask_keeps_no_break_spaces_intact() {
        assert_eq!(
            mask("+45\u{a0}22\u{a0}34\u{a0}56\u{a0}78".as_bytes()),
            "+45\u{a0}**\u{a0}**\u{a0}**\u{a0}78"
        );
    }

    /// Random inputs over the bytes that matter here never panic, and every match holds its
    /// anchor, stays inside the input and does not touch a letter or digit.
    #[test]
    fn random_inputs_keep_the_invariants() {
        const TOKENS: &[&str] = &[
            "+",
            "45",
            "0045",
            "(",
            ")",
            " ",
            " ",
            "22",
            "34",
            "2345",
            "6789",
            "12",
            "-",
            ".",
            "tlf ",
            "x",
            "\u{a0}",
            "ø",
            "1",
            "46",
            "8",
            "@",
            "+45 22 34 56 78",
            "tlf 22345678",
            "+46 8 123 456 78",
            "(+45)",
            "0045 ",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let matcher = ContextMatcher::new(WORDS);
        let mut found = 0;
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let hay: Vec<u8> = (0..len)
                .flat_map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize].bytes())
                .collect();
            let ctx = |s, e| matcher.nearby(&hay, s, e);
            let mut pos = 0;
            while pos < hay.len() {
                let start = find_class(&hay, pos, true);
                if start >= hay.len() {
                    break;
                }
                let end = find_class(&hay, start + 1, false);
                if let Some(m) = at_digit_run(&hay, start, end, &ctx) {
                    found += 1;
                    assert!(m.start <= start && start < m.end && m.end <= hay.len());
                    assert!(is_boundary(&hay, m.start.wrapping_sub(1)), "{hay:?}");
                    assert!(is_boundary(&hay, m.end), "{hay:?}");
                    let digits = hay[m.start..m.end].iter().filter(|b| b.is_ascii_digit());
                    assert!((8..=15).contains(&digits.count()), "{hay:?}");
                }
                pos = end;
            }
        }
        assert!(found > 200, "{found}");
    }
}
