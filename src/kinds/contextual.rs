//! Kinds with no public check digit, recognised only by shape plus a context word
//! (`shared/reference/cpr.md` §6): Danish bank accounts (reg.nr + account), passport numbers
//! (9 digits) and driving licence numbers (8 digits). Without their word nearby these shapes are
//! just numbers, so no finding is made; with it, medium; a negative word nearby makes it low.

use crate::context::{neg, pos, Word};
use crate::finding::Reason;

use super::{is_boundary, Context, Match};

pub const BANK_WORDS: &[Word] = &[
    pos("reg.nr", true),
    pos("regnr", true),
    pos("reg nr", true),
    pos("registreringsnummer", true),
    pos("kontonr", true),
    pos("kontonummer", true),
    pos("konto", false),
    pos("bankkonto", true),
    pos("account", true),
    neg("faktura", true),
    neg("ordre", true),
];

pub const PASSPORT_WORDS: &[Word] = &[
    pos("pas", false),
    pos("pasnr", true),
    pos("pas-nr", true),
    pos("pasnummer", true),
    pos("passnummer", true),
    pos("passport", true),
    neg("ordre", true),
    neg("faktura", true),
];

pub const LICENCE_WORDS: &[Word] = &[
    pos("kørekort", true),
    pos("kørekortnr", true),
    pos("kørekortnummer", true),
    pos("driving licence", true),
    pos("driving license", true),
    pos("driver's license", true),
    pos("drivers license", true),
    neg("ordre", true),
    neg("faktura", true),
];

/// A bank account: a 4-digit reg.nr, one separator (`-`, space, `/`) and a 6-10 digit account
/// number, with a bank context word; or the two as letters and forms write them, each after its
/// own label (`Reg.nr. 1234 Kontonr. 0012345678`, see [`labelled_account_at`]).
pub fn bank_account_at(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if end - start != 4 {
        return labelled_account_at(hay, start, end, ctx);
    }
    if !is_boundary(hay, start.wrapping_sub(1)) {
        return None;
    }
    if !matches!(hay.get(end), Some(b'-' | b' ' | b'/')) {
        return None;
    }
    let acc = end + 1;
    let acc_end = crate::digits::find_class(hay, acc, false);
    if !(6..=10).contains(&(acc_end - acc)) || !is_boundary(hay, acc_end) {
        return None;
    }
    // Four digits after a masked card's stars are the card's last four, not a reg.nr.
    if super::is_mask_fragment(hay, start, acc_end) {
        return None;
    }
    super::with_positive_context(start, acc_end, [Reason::Rule("reg+account")], ctx)
}

/// The labels of an account number written after its reg.nr, lower case, longest first where
/// one starts another; each with the canonical word its reason names.
const ACCOUNT_LABELS: &[(&[u8], &str)] = &[
    (b"kontonummer", "kontonummer"),
    (b"kontonr", "kontonr"),
    (b"konto-nr", "kontonr"),
    (b"konto nr", "kontonr"),
    (b"konto", "konto"),
    (b"account number", "account"),
    (b"account no", "account"),
    (b"account", "account"),
];

/// Bytes allowed between a label and its number, or between a reg.nr and the next label:
/// spaces, `.` and `:` after abbreviations, a comma, a slash or a dash between the two fields.
fn is_label_gap(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'.' | b':' | b',' | b';' | b'/' | b'-')
}

/// The start of the gap bytes that end at `at`, if there are 1 to `max` of them.
fn gap_before(hay: &[u8], at: usize, max: usize) -> Option<usize> {
    let n = hay[..at]
        .iter()
        .rev()
        .take(max + 1)
        .take_while(|&&b| is_label_gap(b))
        .count();
    (1..=max).contains(&n).then(|| at - n)
}

/// An account number of 6 to 10 digits (`start..end`) whose label (`Kontonr.`) follows a
/// 4-digit reg.nr: `Reg.nr. 1234 Kontonr. 0012345678`, `reg.nr.: 1234, konto: 0012345678`.
/// The match spans reg.nr, label and account; the label is its context, so it is medium
/// without another word (low with a negative word near). An account label with no reg.nr
/// before it is no match: an account number alone names no bank.
pub fn labelled_account_at(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if !(6..=10).contains(&(end - start))
        || !is_boundary(hay, start.wrapping_sub(1))
        || !is_boundary(hay, end)
    {
        return None;
    }
    let label_end = gap_before(hay, start, 3)?;
    let (label_start, word) = ACCOUNT_LABELS.iter().find_map(|&(label, word)| {
        let from = label_end.checked_sub(label.len())?;
        hay[from..label_end]
            .eq_ignore_ascii_case(label)
            .then_some((from, word))
    })?;
    let reg_end = gap_before(hay, label_start, 3)?;
    let reg_start = reg_end.checked_sub(4)?;
    if !hay[reg_start..reg_end].iter().all(u8::is_ascii_digit)
        || !is_boundary(hay, reg_start.wrapping_sub(1))
        || super::is_mask_fragment(hay, reg_start, end)
    {
        return None;
    }
    let mut reasons = crate::finding::Reasons::new();
    reasons.push(Reason::Rule("reg+account"));
    reasons.push(Reason::Context(word));
    let confidence = match ctx(reg_start, end).negative {
        Some(neg) => {
            reasons.push(Reason::ContextNeg(neg));
            crate::finding::Confidence::Low
        }
        None => crate::finding::Confidence::Medium,
    };
    Some(Match {
        start: reg_start,
        end,
        confidence,
        reasons,
    })
}

/// A passport number: nine digits with a passport context word.
pub fn passport_at(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    plain_run(hay, start, end, 9, Reason::Rule("9-digits"), ctx)
}

/// A driving licence number: eight digits with a licence context word.
pub fn licence_at(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    plain_run(hay, start, end, 8, Reason::Rule("8-digits"), ctx)
}

fn plain_run(
    hay: &[u8],
    start: usize,
    end: usize,
    len: usize,
    shape: Reason,
    ctx: Context,
) -> Option<Match> {
    if end - start != len || !is_boundary(hay, start.wrapping_sub(1)) || !is_boundary(hay, end) {
        return None;
    }
    super::with_positive_context(start, end, [shape], ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;

    fn find(
        words: &[Word],
        f: super::super::DigitFn,
        text: &str,
    ) -> Option<(usize, usize, Confidence)> {
        super::super::first_digit_match(text, words, f).map(|(_, m)| (m.start, m.end, m.confidence))
    }

    #[test]
    fn bank_account_with_context_is_medium() {
        let got = find(
            BANK_WORDS,
            bank_account_at,
            "Reg.nr./konto: 1234-0012345678",
        );
        assert_eq!(got, Some((15, 30, Confidence::Medium)));
    }

    #[test]
    fn bank_account_is_not_read_into_a_masked_card_and_cpr_number() {
        // What `redact` leaves of a card and a CPR number glued by a dash.
        let masked = "konto;436914***1518-010158****";
        assert_eq!(find(BANK_WORDS, bank_account_at, masked), None);
        assert_eq!(
            find(BANK_WORDS, bank_account_at, "konto 1518-010158****7"),
            None
        );
    }

    #[test]
    fn bank_account_in_markdown_bold_is_still_found() {
        let got = find(BANK_WORDS, bank_account_at, "konto: **1234-0012345678**");
        assert_eq!(got, Some((9, 24, Confidence::Medium)));
        let got = find(BANK_WORDS, bank_account_at, "konto: ***1234-0012345678***");
        assert_eq!(got, Some((10, 25, Confidence::Medium)));
    }

    #[test]
    fn bank_account_without_context_is_not_reported() {
        assert_eq!(find(BANK_WORDS, bank_account_at, "1234 0012345678"), None);
    }

    #[test]
    fn bank_account_needs_four_digit_reg_and_six_to_ten_digit_account() {
        assert_eq!(
            find(BANK_WORDS, bank_account_at, "konto 123-0012345678"),
            None
        );
        assert_eq!(find(BANK_WORDS, bank_account_at, "konto 1234-12345"), None);
        assert_eq!(
            find(BANK_WORDS, bank_account_at, "konto 1234-12345678901"),
            None
        );
    }

    #[test]
    fn account_after_its_label_and_reg_nr_is_medium_and_spans_both() {
        let text = "Reg.nr. 5301 Kontonr. 0123456789";
        assert_eq!(
            find(BANK_WORDS, bank_account_at, text),
            Some((8, 32, Confidence::Medium))
        );
        // Other ways forms write the two fields.
        for text in [
            "reg.nr.: 5301, kontonr.: 0123456789",
            "Registreringsnummer: 5301 Kontonummer: 0123456789",
            "Reg. nr. 5301 - Konto nr. 0123456789",
            "reg 5301 / konto 0012345",
            "reg. 5301 account no: 0123456789",
        ] {
            let got = find(BANK_WORDS, bank_account_at, text);
            assert!(
                got.is_some_and(|(_, end, c)| end == text.len() && c == Confidence::Medium),
                "{text}: {got:?}"
            );
        }
    }

    #[test]
    fn account_label_is_the_context_even_without_a_reg_nr_word() {
        let m =
            crate::kinds::first_digit_match("5301 kontonr 0123456789", BANK_WORDS, bank_account_at)
                .map(|(_, m)| m)
                .expect("a labelled account");
        assert_eq!(
            &m.reasons[..],
            [Reason::Rule("reg+account"), Reason::Context("kontonr")]
        );
    }

    #[test]
    fn account_label_without_a_reg_nr_before_it_is_not_an_account() {
        // An account number alone names no bank; a reg.nr is four digits, an account six to
        // ten, each a whole number; the label must be an account's, and a whole word.
        for text in [
            "Kontonr. 0123456789",
            "reg 5301 kontonr 0123456789x",
            "postnr 53011 kontonr 0123456789",
            "Reg.nr. 5301 Telefon 22345678",
            "Reg.nr. 5301 Kontonr. 01234",
            "Reg.nr. 5301 Kontonr. 01234567890",
            "Reg.nr. 5301 Bankkonto 0123456789",
        ] {
            assert_eq!(find(BANK_WORDS, bank_account_at, text), None, "{text}");
        }
    }

    #[test]
    fn labelled_account_with_a_negative_word_near_is_low() {
        assert_eq!(
            find(
                BANK_WORDS,
                bank_account_at,
                "faktura: reg 5301 konto 0123456789"
            )
            .map(|m| m.2),
            Some(Confidence::Low)
        );
    }

    #[test]
    fn passport_needs_nine_digits_and_context() {
        assert_eq!(
            find(PASSPORT_WORDS, passport_at, "pasnummer 123456789"),
            Some((10, 19, Confidence::Medium))
        );
        assert_eq!(find(PASSPORT_WORDS, passport_at, "id 123456789"), None);
        assert_eq!(find(PASSPORT_WORDS, passport_at, "pas 12345678"), None);
        assert_eq!(find(PASSPORT_WORDS, passport_at, "passer 123456789"), None);
    }

    #[test]
    fn driving_licence_needs_eight_digits_and_context_in_any_encoding_of_oe() {
        assert_eq!(
            find(LICENCE_WORDS, licence_at, "Kørekort nr. 12345678"),
            Some((14, 22, Confidence::Medium))
        );
        assert_eq!(find(LICENCE_WORDS, licence_at, "tlf 12345678"), None);
    }

    #[test]
    fn negative_word_makes_contextual_kinds_low() {
        assert_eq!(
            find(PASSPORT_WORDS, passport_at, "pas 123456789 ordre"),
            Some((4, 13, Confidence::Low))
        );
    }
}
