//! The CPR number rules (`shared/reference/cpr.md` §1-4): century from digit 7 and YY, a real
//! past calendar date, modulus 11 as a signal rather than a rule, and the CPR Office's list of
//! birth dates for which numbers without the check are issued. Everything here is pure: the
//! scanner finds candidates and context, this module turns them into a confidence and reasons.

use crate::date::Date;
use crate::finding::{Confidence, Reason, Reasons};

/// The exception-date list shipped with the crate, with its source and version in its header.
pub const EXCEPTION_DATES_FILE: &str = include_str!("../data/cpr-mod11-exceptions.txt");

/// Weights of the modulus 11 check, digit by digit.
const MOD11_WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

/// Birth dates for which numbers failing modulus 11 are issued.
#[derive(Clone, Debug)]
pub struct ExceptionDates {
    dates: Vec<Date>,
}

impl ExceptionDates {
    /// The list shipped in `data/cpr-mod11-exceptions.txt`.
    pub fn shipped() -> ExceptionDates {
        ExceptionDates::parse(EXCEPTION_DATES_FILE).expect("shipped exception list parses")
    }

    /// Parses one ISO date per line; `#` starts a comment. Errors name the bad line (1-based).
    pub fn parse(text: &str) -> Result<ExceptionDates, String> {
        let mut dates = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let date =
                Date::parse(line).ok_or_else(|| format!("line {}: not a date: {line}", i + 1))?;
            dates.push(date);
        }
        dates.sort();
        dates.dedup();
        Ok(ExceptionDates { dates })
    }

    pub fn contains(&self, date: Date) -> bool {
        self.dates.binary_search(&date).is_ok()
    }
}

/// The full year of birth from the two-digit year and the 7th digit (the century table).
pub fn birth_year(yy: u8, digit7: u8) -> u16 {
    let yy = u16::from(yy);
    let century = match (digit7, yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (_, 0..=36) => 2000,
        (_, 37..=57) => 2000,
        (_, _) => 1800,
    };
    century + yy
}

/// Whether the weighted digit sum is divisible by 11.
pub fn mod11_ok(digits: &[u8; 10]) -> bool {
    let sum: u32 = digits
        .iter()
        .zip(MOD11_WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    sum.is_multiple_of(11)
}

/// The birth date a ten-digit number encodes, if it is a real date not after `today`.
pub fn birth_date(digits: &[u8; 10], today: Date) -> Option<Date> {
    let two = |i: usize| digits[i] * 10 + digits[i + 1];
    let year = birth_year(two(4), digits[6]);
    let date = Date::new(year, two(2), two(0))?;
    (date <= today).then_some(date)
}

/// What the scanner saw around a candidate, beyond its digits.
#[derive(Clone, Copy, Debug, Default)]
pub struct Evidence {
    /// Written with a separator between date and serial.
    pub separator: bool,
    /// A positive context word nearby.
    pub positive: Option<&'static str>,
    /// A negative context word nearby.
    pub negative: Option<&'static str>,
}

/// Classifies a candidate per the rules of issue "cprscan 0.1":
/// - high: valid date; mod 11 passes or the date is exempt; a separator or a positive context
///   word; no negative context word;
/// - medium: as high but ten plain digits with no context word; or a 1 January date not on
///   the list that fails mod 11, with a positive context word;
/// - low: mod 11 fails on a date that is not exempt, or any negative context word nearby;
/// - `None`: not a CPR number (no such date, or a future one).
pub fn classify(
    digits: &[u8; 10],
    evidence: Evidence,
    exceptions: &ExceptionDates,
    today: Date,
) -> Option<(Confidence, Reasons)> {
    let date = birth_date(digits, today)?;
    let mut reasons = Reasons::new();
    reasons.push(Reason::Date);
    let jan1 = date.month == 1 && date.day == 1;
    let checksum = if mod11_ok(digits) {
        reasons.push(Reason::Mod11);
        true
    } else if exceptions.contains(date) {
        reasons.push(Reason::ExceptionDate);
        true
    } else {
        reasons.push(Reason::NoMod11);
        if jan1 {
            reasons.push(Reason::Jan1PossiblyExempt);
        }
        if date >= NO_CHECK_SINCE {
            reasons.push(SINCE_2007);
        }
        false
    };
    if evidence.separator {
        reasons.push(Reason::Separator);
    }
    if let Some(word) = evidence.positive {
        reasons.push(Reason::Context(word));
    }
    if let Some(word) = evidence.negative {
        reasons.push(Reason::ContextNeg(word));
    }
    let confidence = judge(Facts {
        checksum,
        jan1,
        since_2007: !checksum && date >= NO_CHECK_SINCE,
        separator: evidence.separator,
        positive: evidence.positive.is_some(),
        negative: evidence.negative.is_some(),
    });
    Some((confidence, reasons))
}

/// What a CPR candidate's confidence is judged on, once its date is known to be real.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Mod 11 passes, or the date is an exception date.
    pub checksum: bool,
    /// The date is a 1 January (only matters when the checksum fails).
    pub jan1: bool,
    /// The checksum fails and the birth date is on or after [`NO_CHECK_SINCE`].
    pub since_2007: bool,
    pub separator: bool,
    /// A positive context word: nearby, or in the column's name.
    pub positive: bool,
    /// A negative context word.
    pub negative: bool,
}

impl Facts {
    /// The facts a finding's reasons record (as [`classify`] wrote them), so a source that
    /// learns more about a finding (its column's name) can judge it again.
    pub fn of_reasons(reasons: &[Reason]) -> Facts {
        let mut facts = Facts::default();
        for r in reasons {
            match r {
                Reason::Mod11 | Reason::ExceptionDate => facts.checksum = true,
                Reason::Jan1PossiblyExempt => facts.jan1 = true,
                r if *r == SINCE_2007 => facts.since_2007 = true,
                Reason::Separator => facts.separator = true,
                Reason::Context(_) | Reason::Column(_) => facts.positive = true,
                Reason::ContextNeg(_) | Reason::ColumnNeg(_) => facts.negative = true,
                _ => {}
            }
        }
        facts
    }
}

/// The confidence rules of [`classify`], on facts already gathered.
pub fn judge(f: Facts) -> Confidence {
    if f.negative {
        Confidence::Low
    } else if f.checksum && (f.separator || f.positive) {
        Confidence::High
    } else if f.checksum || (f.jan1 && f.positive) || (f.since_2007 && (f.separator || f.positive))
    {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}

/// Since 1 October 2007 the CPR Office issues numbers that fail modulus 11 (cpr.dk, "Personnumre
/// uden kontrolciffer"); it names the birth dates it has used so far, but says the list is not
/// kept up to date. A number born since then that fails the check, written as a CPR number (a
/// separator) or named as one (a word, a column), is therefore a CPR number at medium confidence,
/// reason `since-2007`; a plain one stays low.
pub const NO_CHECK_SINCE: Date = Date {
    year: 2007,
    month: 10,
    day: 1,
};

/// The reason of a number that fails the check and is born on or after [`NO_CHECK_SINCE`].
pub const SINCE_2007: Reason = Reason::Rule("since-2007");

/// The length of the date/serial separator at `hay[at..]`, if one is there:
/// `-`, space, TAB, `/`, `.`, ` - `, U+2010, U+2011, U+2013, U+2212 or U+00A0
/// (`shared/reference/cpr.md` §1).
#[inline]
pub fn separator_len(hay: &[u8], at: usize) -> Option<usize> {
    match hay.get(at..)? {
        [b' ', b'-', b' ', ..] => Some(3),
        [b'-' | b' ' | b'\t' | b'/' | b'.', ..] => Some(1),
        [0xC2, 0xA0, ..] => Some(2),
        [0xE2, 0x80, 0x90 | 0x91 | 0x93, ..] | [0xE2, 0x88, 0x92, ..] => Some(3),
        _ => None,
    }
}

/// Converts ten ASCII digits to their values.
pub fn digit_values(ascii: &[u8]) -> Option<[u8; 10]> {
    let mut out = [0u8; 10];
    if ascii.len() != 10 {
        return None;
    }
    for (o, &b) in out.iter_mut().zip(ascii) {
        if !b.is_ascii_digit() {
            return None;
        }
        *o = b - b'0';
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> [u8; 10] {
        digit_values(s.as_bytes()).unwrap()
    }

    fn today() -> Date {
        Date::new(2026, 11, 23).unwrap()
    }

    /// Completes a nine-digit prefix with the one tenth digit that passes modulus 11, if any.
    fn with_check_digit(prefix: &str) -> Option<String> {
        (0..10)
            .map(|c| format!("{prefix}{c}"))
            .find(|s| mod11_ok(&d(s)))
    }

    /// A ten-digit number with this prefix that fails modulus 11.
    fn without_check_digit(prefix: &str) -> String {
        (0..10)
            .map(|c| format!("{prefix}{c}"))
            .find(|s| !mod11_ok(&d(s)))
            .unwrap()
    }

    fn year_of(s: &str) -> Option<u16> {
        birth_date(&d(s), today()).map(|d| d.year)
    }

    #[test]
    fn century_digit_0_to_3_is_always_1900s() {
        for c in 0..=3 {
            assert_eq!(birth_year(0, c), 1900);
            assert_eq!(birth_year(36, c), 1936);
            assert_eq!(birth_year(37, c), 1937);
            assert_eq!(birth_year(57, c), 1957);
            assert_eq!(birth_year(58, c), 1958);
            assert_eq!(birth_year(99, c), 1999);
        }
    }

    #[test]
    fn century_digit_4_and_9_give_2000s_up_to_36_then_1900s() {
        for c in [4, 9] {
            assert_eq!(birth_year(0, c), 2000);
            assert_eq!(birth_year(36, c), 2036);
            assert_eq!(birth_year(37, c), 1937);
            assert_eq!(birth_year(57, c), 1957);
            assert_eq!(birth_year(58, c), 1958);
            assert_eq!(birth_year(99, c), 1999);
        }
    }

    #[test]
    fn century_digit_5_to_8_give_2000s_to_57_then_1800s() {
        for c in 5..=8 {
            assert_eq!(birth_year(0, c), 2000);
            assert_eq!(birth_year(36, c), 2036);
            assert_eq!(birth_year(37, c), 2037);
            assert_eq!(birth_year(57, c), 2057);
            assert_eq!(birth_year(58, c), 1858);
            assert_eq!(birth_year(99, c), 1899);
        }
    }

    #[test]
    fn regression_digit_9_with_yy_37_is_1937_not_2037() {
        assert_eq!(year_of("0101379000"), Some(1937));
    }

    #[test]
    fn regression_yy_00_is_accepted_in_1900_and_2000() {
        assert_eq!(year_of("0101001000"), Some(1900));
        assert_eq!(year_of("0101004000"), Some(2000));
    }

    #[test]
    fn feb_29_1900_does_not_exist() {
        assert_eq!(year_of("2902000000"), None);
    }

    #[test]
    fn feb_29_2000_exists() {
        assert_eq!(year_of("2902004000"), Some(2000));
    }

    #[test]
    fn regression_feb_29_2036_exists_for_digit_4_to_9() {
        let later = Date::new(2037, 1, 1).unwrap();
        for c in 4..=9 {
            let s = format!("290236{c}000");
            assert_eq!(
                birth_date(&d(&s), later).map(|d| d.year),
                Some(2036),
                "digit {c}"
            );
        }
    }

    #[test]
    fn future_birth_date_is_rejected_with_injected_clock() {
        // 1 Jan 2026 (digit 4): born before the injected today, so valid ...
        assert_eq!(
            birth_date(&d("0101264000"), today()).map(|d| d.year),
            Some(2026)
        );
        // ... but 24 Nov 2026 is the day after today.
        assert_eq!(birth_date(&d("2411264000"), today()), None);
        // The same number is valid once the clock has moved on.
        let later = Date::new(2027, 1, 1).unwrap();
        assert!(birth_date(&d("2411264000"), later).is_some());
    }

    #[test]
    fn invalid_day_and_month_are_rejected() {
        assert_eq!(year_of("3204901234"), None);
        assert_eq!(year_of("0113901234"), None);
        assert_eq!(year_of("0001901234"), None);
        assert_eq!(year_of("3104901234"), None);
    }

    #[test]
    fn mod11_uses_weights_4_3_2_7_6_5_4_3_2_1() {
        // 4*0+3*1+2*0+7*1+6*9+5*0+4*1+3*2+2*3+1*x = 80 + x -> x = 8 makes 88 = 8*11.
        assert!(mod11_ok(&d("0101901238")));
        assert!(!mod11_ok(&d("0101901239")));
    }

    #[test]
    fn shipped_exception_list_has_the_26_documented_years() {
        let list = ExceptionDates::shipped();
        assert_eq!(list.dates.len(), 26);
        assert!(list.contains(Date::new(1960, 1, 1).unwrap()));
        assert!(list.contains(Date::new(1995, 1, 1).unwrap()));
        assert!(!list.contains(Date::new(1961, 1, 1).unwrap()));
        assert!(!list.contains(Date::new(1990, 1, 2).unwrap()));
    }

    #[test]
    fn exception_list_parse_error_names_the_line() {
        let err = ExceptionDates::parse("# c\n1960-01-01\nnonsense\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }

    const EXCEPTION_YEARS: [u16; 26] = [
        1960, 1962, 1964, 1965, 1966, 1967, 1969, 1970, 1974, 1975, 1978, 1980, 1981, 1982, 1983,
        1984, 1985, 1986, 1987, 1988, 1989, 1990, 1991, 1992, 1994, 1995,
    ];

    #[test]
    fn each_exception_date_accepts_a_number_failing_mod11() {
        let list = ExceptionDates::shipped();
        let sep = Evidence {
            separator: true,
            ..Evidence::default()
        };
        for year in EXCEPTION_YEARS {
            let n = without_check_digit(&format!("0101{:02}000", year % 100));
            let (conf, reasons) = classify(&d(&n), sep, &list, today()).unwrap();
            assert_eq!(conf, Confidence::High, "{year}");
            assert!(reasons.contains(&Reason::ExceptionDate), "{year}");
        }
    }

    #[test]
    fn exception_dates_compare_the_resolved_year_not_the_prefix() {
        // 010160 with digit 5-8 is 1 Jan 1860: same six-digit prefix, another century.
        let list = ExceptionDates::shipped();
        let sep = Evidence {
            separator: true,
            ..Evidence::default()
        };
        for year in EXCEPTION_YEARS {
            let n = without_check_digit(&format!("0101{:02}500", year % 100));
            let (conf, reasons) = classify(&d(&n), sep, &list, today()).unwrap();
            assert_eq!(conf, Confidence::Low, "{year} in the 1800s");
            assert!(reasons.contains(&Reason::NoMod11));
            assert!(reasons.contains(&Reason::Jan1PossiblyExempt));
        }
    }

    #[test]
    fn failing_mod11_born_since_october_2007_is_medium_when_written_or_named_as_a_cpr() {
        let list = ExceptionDates::shipped();
        let sep = Evidence {
            separator: true,
            ..Evidence::default()
        };
        let word = Evidence {
            positive: Some("cpr"),
            ..Evidence::default()
        };
        // 15 March 2012 (digit 7 = 4: the 2000s) and the first day numbers without the check
        // could have.
        for prefix in ["150312400", "011007400"] {
            let n = without_check_digit(prefix);
            for ev in [sep, word] {
                let (conf, reasons) = classify(&d(&n), ev, &list, today()).unwrap();
                assert_eq!(conf, Confidence::Medium, "{prefix}");
                assert!(reasons.contains(&Reason::NoMod11) && reasons.contains(&SINCE_2007));
            }
            // Plain digits with no word stay low: ids fail the check too.
            let plain = classify(&d(&n), Evidence::default(), &list, today()).unwrap();
            assert_eq!(plain.0, Confidence::Low, "{prefix}");
            // A negative word still decides.
            let neg = Evidence {
                separator: true,
                negative: Some("faktura"),
                ..Evidence::default()
            };
            assert_eq!(
                classify(&d(&n), neg, &list, today()).unwrap().0,
                Confidence::Low
            );
        }
        // The day before, and earlier years, are as before: low.
        for prefix in ["300907400", "150305400"] {
            let n = without_check_digit(prefix);
            let (conf, reasons) = classify(&d(&n), sep, &list, today()).unwrap();
            assert_eq!(conf, Confidence::Low, "{prefix}");
            assert!(!reasons.contains(&SINCE_2007));
        }
    }

    #[test]
    fn mod11_with_separator_is_high() {
        let n = with_check_digit("010190123").unwrap();
        let ev = Evidence {
            separator: true,
            ..Evidence::default()
        };
        let (conf, reasons) = classify(&d(&n), ev, &ExceptionDates::shipped(), today()).unwrap();
        assert_eq!(conf, Confidence::High);
        assert_eq!(reasons, [Reason::Date, Reason::Mod11, Reason::Separator]);
    }

    #[test]
    fn mod11_plain_digits_without_context_is_medium() {
        let n = with_check_digit("010190123").unwrap();
        let (conf, _) = classify(
            &d(&n),
            Evidence::default(),
            &ExceptionDates::shipped(),
            today(),
        )
        .unwrap();
        assert_eq!(conf, Confidence::Medium);
    }

    #[test]
    fn mod11_plain_digits_with_positive_context_is_high() {
        let n = with_check_digit("010190123").unwrap();
        let ev = Evidence {
            positive: Some("cpr"),
            ..Evidence::default()
        };
        let (conf, reasons) = classify(&d(&n), ev, &ExceptionDates::shipped(), today()).unwrap();
        assert_eq!(conf, Confidence::High);
        assert!(reasons.contains(&Reason::Context("cpr")));
    }

    #[test]
    fn negative_context_makes_any_candidate_low() {
        let n = with_check_digit("010190123").unwrap();
        let ev = Evidence {
            separator: true,
            positive: Some("cpr"),
            negative: Some("faktura"),
        };
        let (conf, reasons) = classify(&d(&n), ev, &ExceptionDates::shipped(), today()).unwrap();
        assert_eq!(conf, Confidence::Low);
        assert!(reasons.contains(&Reason::ContextNeg("faktura")));
    }

    #[test]
    fn failing_mod11_on_ordinary_date_is_low() {
        let n = without_check_digit("150390123");
        let ev = Evidence {
            separator: true,
            positive: Some("cpr"),
            ..Evidence::default()
        };
        let (conf, reasons) = classify(&d(&n), ev, &ExceptionDates::shipped(), today()).unwrap();
        assert_eq!(conf, Confidence::Low);
        assert!(reasons.contains(&Reason::NoMod11));
        assert!(!reasons.contains(&Reason::Jan1PossiblyExempt));
    }

    #[test]
    fn jan1_not_on_list_failing_mod11_with_context_is_medium() {
        let n = without_check_digit("010161123"); // 1961 is not on the list
        let ev = Evidence {
            positive: Some("cpr"),
            ..Evidence::default()
        };
        let (conf, reasons) = classify(&d(&n), ev, &ExceptionDates::shipped(), today()).unwrap();
        assert_eq!(conf, Confidence::Medium);
        assert!(reasons.contains(&Reason::Jan1PossiblyExempt));
    }

    #[test]
    fn jan1_not_on_list_failing_mod11_without_context_is_low() {
        let n = without_check_digit("010161123");
        let ev = Evidence {
            separator: true,
            ..Evidence::default()
        };
        let (conf, _) = classify(&d(&n), ev, &ExceptionDates::shipped(), today()).unwrap();
        assert_eq!(conf, Confidence::Low);
    }

    #[test]
    fn exception_date_plain_digits_without_context_is_medium() {
        let n = without_check_digit("010190123");
        let (conf, _) = classify(
            &d(&n),
            Evidence::default(),
            &ExceptionDates::shipped(),
            today(),
        )
        .unwrap();
        assert_eq!(conf, Confidence::Medium);
    }
}
