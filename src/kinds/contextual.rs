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
/// number, with a bank context word.
pub fn bank_account_at(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if end - start != 4 || !is_boundary(hay, start.wrapping_sub(1)) {
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
    super::with_positive_context(start, acc_end, vec![Reason::Rule("reg+account")], ctx)
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
    super::with_positive_context(start, end, vec![shape], ctx)
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
