//! The column name as context (issue #12): a database column's name, or a CSV file's header,
//! is a context word for every cell below it, with the word lists of the CPR rules
//! ([`crate::context::CPR_WORDS`]). `cpr_nr` raises a CPR number in its cells (reason
//! `column:cpr-nr`), `kundenr` lowers it (`column-neg:kundenr`); and a number stored as a
//! number has lost its leading zero, so a 9-digit integer is checked with it restored
//! (`int-leading-zero`).
//!
//! The scanner itself knows nothing of columns. A source scans a cell (or a CSV file) with a
//! copy of the scanner that reports every confidence, judges each CPR finding again with the
//! column's word added to what its reasons record ([`cpr::Facts`]), and keeps what the real
//! scanner's minimums admit: so a plain 10-digit number (medium) in a `cpr` column is high, and
//! one in an `ordrenr` column is low and, by default, not reported.

use std::sync::OnceLock;

use crate::context::{ContextMatcher, Nearby, CPR_WORDS};
use crate::cpr;
use crate::finding::{Confidence, Finding, Kind, Reason};
use crate::kinds::card;
use crate::scanner::Scanner;

/// What a column's name says about the CPR numbers in its cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Column {
    /// A positive word in the name (`cpr`, `personnummer`).
    pub positive: Option<&'static str>,
    /// A negative word in a name with no positive one (`ordrenr`, `kunde_id`).
    pub negative: Option<&'static str>,
    /// A card word in the name (`kortnummer`, `card`, `pan`): a card number in its cells is
    /// high, as with the word beside it.
    pub card: Option<&'static str>,
}

/// Scans cells: text with its column's name as context, numbers as numbers.
#[derive(Clone, Debug)]
pub struct CellScanner {
    /// The run's scanner, reporting every confidence.
    all: Scanner,
    /// The run's scanner: decides what is reported after the column has had its say.
    base: Scanner,
    /// The card context words, matched against column names.
    card_names: ContextMatcher,
}

impl CellScanner {
    pub fn new(scanner: &Scanner) -> CellScanner {
        CellScanner {
            all: scanner.reporting_every_confidence(),
            base: scanner.clone(),
            card_names: ContextMatcher::new(card::WORDS),
        }
    }

    /// The scanner that reports every confidence: findings from it go through
    /// [`CellScanner::judge`] before they are reported.
    pub fn scanner(&self) -> &Scanner {
        &self.all
    }

    /// What `name` says. Underscores count as hyphens (`cpr_nr` is `cpr-nr`). A name with a
    /// positive word is positive even if it also holds a negative one: `kunde_cpr` is the
    /// customer's CPR number, not a customer number.
    pub fn column(&self, name: &str) -> Column {
        let words = cpr_words_in_name(name);
        let name = name.replace('_', "-");
        Column {
            positive: words.positive,
            negative: words.positive.is_none().then_some(words.negative).flatten(),
            card: self.card_names.words_in(name.as_bytes()).positive,
        }
    }

    /// Judges a CPR finding again with its column's word, and says whether it is reported
    /// (at or above the minimum confidence of its kind). Other kinds keep their confidence.
    pub fn judge(&self, f: &mut Finding, column: Column) -> bool {
        if let (Kind::Card, Some(word)) = (f.kind, column.card) {
            // A compact number with no word beside it: the column's name is the word.
            let worded = f
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::Context(_) | Reason::ContextNeg(_)));
            if !worded {
                f.reasons.push(Reason::Column(word));
                f.confidence = Confidence::High;
            }
        }
        if f.kind == Kind::Cpr && (column.positive.is_some() || column.negative.is_some()) {
            let mut facts = cpr::Facts::of_reasons(&f.reasons);
            if let Some(w) = column.positive {
                f.reasons.push(Reason::Column(w));
                facts.positive = true;
            } else if let Some(w) = column.negative {
                f.reasons.push(Reason::ColumnNeg(w));
                facts.negative = true;
            }
            f.confidence = cpr::judge(facts);
        }
        self.base.reports(f)
    }

    /// Appends the reported findings of a text cell, with line and column set relative to the
    /// cell's text.
    pub fn scan_text(&self, text: &[u8], column: Column, out: &mut Vec<Finding>) {
        let from = out.len();
        self.all.scan(text, 0..text.len(), out);
        self.keep_judged(from, column, out);
        locate(text, &mut out[from..]);
    }

    /// Appends the reported findings of a number cell, given as its decimal text: scanned as
    /// text, and a 9-digit integer also checked as a CPR number with its leading zero restored
    /// (reason `int-leading-zero`; the finding spans the cell's 9 characters and its `match`
    /// shows the restored number). A numeric value's zero fraction (`101901234.00`) is ignored.
    pub fn scan_number(&self, text: &str, column: Column, out: &mut Vec<Finding>) {
        let digits = integer_digits(text);
        self.scan_text(digits.as_bytes(), column, out);
        if let Some(f) = self.leading_zero_cpr(digits.as_bytes()) {
            let from = out.len();
            out.push(f);
            self.keep_judged(from, column, out);
        }
    }

    /// The CPR finding of nine digits read with the leading zero a number lost, not yet judged
    /// by a column: it spans the nine digits (`offset` 0, line and column 1), its value is the
    /// restored 10-digit number, and its reasons end with `int-leading-zero`.
    pub fn leading_zero_cpr(&self, digits: &[u8]) -> Option<Finding> {
        if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut number = [b'0'; 10];
        number[1..].copy_from_slice(digits);
        let mut found = Vec::new();
        self.all.scan(&number, 0..number.len(), &mut found);
        let mut f = found.into_iter().find(|f| f.kind == Kind::Cpr)?;
        f.len = 9;
        f.line = 1;
        f.column = 1;
        f.reasons.push(Reason::IntLeadingZero);
        Some(f)
    }

    /// A row key's value as shown: every span the scanner detects in it, at any confidence,
    /// masked (a key may itself be a CPR number).
    pub fn mask_key(&self, value: &str, number: bool) -> String {
        let mut found = Vec::new();
        let text = if number { integer_digits(value) } else { value };
        self.all.scan(text.as_bytes(), 0..text.len(), &mut found);
        if let Some(f) = number
            .then(|| self.leading_zero_cpr(text.as_bytes()))
            .flatten()
        {
            return f.masked();
        }
        let mut shown = String::with_capacity(value.len());
        let mut at = 0;
        for f in &found {
            let (s, e) = (f.offset as usize, f.end() as usize);
            if s < at || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            shown.push_str(&text[at..s]);
            shown.push_str(&f.masked());
            at = e;
        }
        shown.push_str(&text[at..]);
        shown
    }

    /// Judges `out[from..]` with the column and drops what is not reported.
    fn keep_judged(&self, from: usize, column: Column, out: &mut Vec<Finding>) {
        let mut i = from;
        while i < out.len() {
            if self.judge(&mut out[i], column) {
                i += 1;
            } else {
                out.remove(i);
            }
        }
    }
}

/// The CPR context words in a name (a column's, a CSV or sheet header's), with underscores
/// read as hyphens (`cpr_nr` is `cpr-nr`).
pub fn cpr_words_in_name(name: &str) -> Nearby {
    static WORDS: OnceLock<ContextMatcher> = OnceLock::new();
    WORDS
        .get_or_init(|| ContextMatcher::new(CPR_WORDS))
        .words_in(name.replace('_', "-").as_bytes())
}

/// A number's text without a zero fraction (`101901234.000` → `101901234`).
fn integer_digits(text: &str) -> &str {
    match text.split_once('.') {
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
        _ => text,
    }
}

/// Sets 1-based line and byte column of each finding (in offset order) within `text`.
fn locate(text: &[u8], found: &mut [Finding]) {
    let (mut line, mut line_start, mut counted) = (1u64, 0usize, 0usize);
    for f in found {
        let at = (f.offset as usize).min(text.len());
        if at >= counted {
            for (i, _) in text[counted..at]
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
            {
                line += 1;
                line_start = counted + i + 1;
            }
            counted = at;
        }
        f.line = line;
        f.column = (at - line_start.min(at)) as u64 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;
    use crate::scanner::ScannerBuilder;
    use crate::Date;

    /// A generated number with a valid date and check digit (never a real one by intent).
    fn valid(date: &str, serial: &str) -> String {
        (0..10)
            .map(|c| format!("{date}{serial}{c}"))
            .find(|s| cpr::mod11_ok(&cpr::digit_values(s.as_bytes()).unwrap()))
            .expect("a check digit exists")
    }

    fn cells() -> CellScanner {
        CellScanner::new(
            &ScannerBuilder::new()
                .today(Date::new(2026, 11, 23).unwrap())
                .build(),
        )
    }

    fn scan(text: &str, column: &str) -> Vec<Finding> {
        let c = cells();
        let mut out = Vec::new();
        c.scan_text(text.as_bytes(), c.column(column), &mut out);
        out
    }

    #[test]
    fn a_compact_card_number_is_high_under_a_card_column() {
        // Visa, compact, no word: low by itself (random ids pass Luhn), high under `kortnummer`.
        let v = "4314159265358975";
        assert_eq!(scan(v, "notes"), vec![]);
        let found = scan(v, "kortnummer");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind, found[0].confidence),
            (Kind::Card, Confidence::High)
        );
        assert_eq!(found[0].reasons.last(), Some(&Reason::Column("kortnummer")));
        // A word in the cell decides: a negative one keeps it low.
        assert_eq!(scan(&format!("ordre {v}"), "kortnummer"), vec![]);
    }

    #[test]
    fn column_names_are_read_with_underscores_as_hyphens_and_positive_first() {
        let c = cells();
        assert_eq!(c.column("cpr_nr").positive, Some("cpr-nr"));
        assert_eq!(c.column("Personnummer").positive, Some("personnummer"));
        assert_eq!(c.column("ordrenr").negative, Some("ordre"));
        assert_eq!(c.column("kunde_id").negative, Some("kunde"));
        assert_eq!(c.column("kunde_cpr"), c.column("cpr"));
        assert_eq!(c.column("notes"), Column::default());
        assert_eq!(
            c.column("kontor"),
            Column::default(),
            "an office, not an account"
        );
    }

    #[test]
    fn plain_ten_digits_in_a_cpr_column_are_high_with_the_column_reason() {
        let n = valid("010190", "123");
        let f = &scan(&n, "cpr")[0];
        assert_eq!(f.confidence, Confidence::High);
        assert_eq!(f.reasons.last(), Some(&Reason::Column("cpr")));
        assert_eq!(scan(&n, "notes")[0].confidence, Confidence::Medium);
    }

    #[test]
    fn a_number_in_an_order_number_column_is_low_and_not_reported_by_default() {
        let n = valid("010190", "123");
        assert!(scan(&n, "ordrenr").is_empty());
        let low = ScannerBuilder::new()
            .today(Date::new(2026, 11, 23).unwrap())
            .min_confidence(Confidence::Low)
            .build();
        let c = CellScanner::new(&low);
        let mut out = Vec::new();
        c.scan_text(n.as_bytes(), c.column("ordrenr"), &mut out);
        assert_eq!(out[0].confidence, Confidence::Low);
        assert!(out[0].reasons.contains(&Reason::ColumnNeg("ordre")));
    }

    #[test]
    fn cell_findings_are_located_in_the_cell_text() {
        let n = valid("241287", "456");
        let text = format!("first line\nsee {}-{}", &n[..6], &n[6..]);
        let f = &scan(&text, "notes")[0];
        assert_eq!((f.line, f.column, f.offset), (2, 5, 15));
    }

    #[test]
    fn nine_digit_integer_is_checked_with_its_leading_zero_restored() {
        let n = valid("010190", "123");
        let c = cells();
        let mut out = Vec::new();
        c.scan_number(&n[1..], c.column("cpr"), &mut out);
        assert_eq!(out.len(), 1);
        let f = &out[0];
        assert_eq!((f.offset, f.len), (0, 9));
        assert_eq!(f.masked(), format!("{}****", &n[..6]));
        assert!(f.reasons.contains(&Reason::IntLeadingZero));
        assert_eq!(f.confidence, Confidence::High);
        let mut numeric = Vec::new();
        c.scan_number(&format!("{}.00", &n[1..]), Column::default(), &mut numeric);
        assert_eq!(numeric[0].confidence, Confidence::Medium);
    }

    #[test]
    fn ten_digit_integer_is_checked_as_is() {
        let n = valid("241287", "456");
        let c = cells();
        let mut out = Vec::new();
        c.scan_number(&n, c.column("personnr"), &mut out);
        assert_eq!(out.len(), 1);
        assert!(!out[0].reasons.contains(&Reason::IntLeadingZero));
    }

    #[test]
    fn a_key_that_is_a_cpr_number_is_masked() {
        let n = valid("010190", "123");
        let c = cells();
        let masked = format!("{}****", &n[..6]);
        assert_eq!(c.mask_key(&n, false), masked);
        assert_eq!(
            c.mask_key(&format!("id {n}"), false),
            format!("id {masked}")
        );
        assert_eq!(c.mask_key("42", true), "42");
        assert_eq!(c.mask_key(&n[1..], true), masked, "restored leading zero");
    }
}
