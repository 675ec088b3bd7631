//! Validator for the `iban` kind (`shared/reference/cpr.md` §6): an International Bank Account
//! Number of any country in the SWIFT IBAN registry (ISO 13616).
//!
//! Shape: two upper-case letters of a registry country, two check digits in `02..=98`, then the
//! BBAN (digits and upper-case letters), exactly as long as the registry says for the country.
//! Written either compact (`DK5000400440116243`) or in the printed form, groups of four separated
//! by single spaces (`DK50 0040 0440 1162 43`), the last group possibly shorter. The whole must
//! pass ISO 7064 MOD 97-10: moved the first four characters to the end, read letters as
//! `A = 10 .. Z = 35`, the number is 1 modulo 97.
//!
//! Lower-case IBANs (`dk50…`) are rejected: ISO 13616 defines the electronic form as upper case,
//! and accepting lower-case letters before every digit run would multiply the candidates in
//! ordinary prose for little gain.
//!
//! The anchor is the digit run that begins with the check digits; the match starts two bytes
//! before it, at the country code, and must not touch an ASCII letter or digit on either side.
//! A registry length plus mod 97 is strong evidence on its own, so the validator never asks for
//! context: a match is always high confidence.

use crate::context::Word;
use crate::finding::{Confidence, Reason, Reasons};

use super::{is_boundary, Context, Match};

/// Context words of this kind: none, the checks are conclusive without them.
pub const WORDS: &[Word] = &[];

/// The SWIFT IBAN registry: every country (ISO 3166-1 alpha-2 code) that issues IBANs, with the
/// total length of its IBANs. Territories that use another country's code (Åland: `FI`, the
/// French overseas departments: `FR`, Jersey, Guernsey and Man: `GB`) are not listed apart.
/// Sorted by code.
pub const REGISTRY: &[([u8; 2], u8)] = &[
    (*b"AD", 24), // Andorra
    (*b"AE", 23), // United Arab Emirates
    (*b"AL", 28), // Albania
    (*b"AT", 20), // Austria
    (*b"AZ", 28), // Azerbaijan
    (*b"BA", 20), // Bosnia and Herzegovina
    (*b"BE", 16), // Belgium
    (*b"BG", 22), // Bulgaria
    (*b"BH", 22), // Bahrain
    (*b"BI", 27), // Burundi
    (*b"BR", 29), // Brazil
    (*b"BY", 28), // Belarus
    (*b"CH", 21), // Switzerland
    (*b"CR", 22), // Costa Rica
    (*b"CY", 28), // Cyprus
    (*b"CZ", 24), // Czechia
    (*b"DE", 22), // Germany
    (*b"DJ", 27), // Djibouti
    (*b"DK", 18), // Denmark
    (*b"DO", 28), // Dominican Republic
    (*b"EE", 20), // Estonia
    (*b"EG", 29), // Egypt
    (*b"ES", 24), // Spain
    (*b"FI", 18), // Finland (and Åland)
    (*b"FK", 18), // Falkland Islands
    (*b"FO", 18), // Faroe Islands
    (*b"FR", 27), // France (and overseas departments and collectivities)
    (*b"GB", 22), // United Kingdom (and Crown Dependencies)
    (*b"GE", 22), // Georgia
    (*b"GI", 23), // Gibraltar
    (*b"GL", 18), // Greenland
    (*b"GR", 27), // Greece
    (*b"GT", 28), // Guatemala
    (*b"HN", 28), // Honduras
    (*b"HR", 21), // Croatia
    (*b"HU", 28), // Hungary
    (*b"IE", 22), // Ireland
    (*b"IL", 23), // Israel
    (*b"IQ", 23), // Iraq
    (*b"IS", 26), // Iceland
    (*b"IT", 27), // Italy
    (*b"JO", 30), // Jordan
    (*b"KW", 30), // Kuwait
    (*b"KZ", 20), // Kazakhstan
    (*b"LB", 28), // Lebanon
    (*b"LC", 32), // Saint Lucia
    (*b"LI", 21), // Liechtenstein
    (*b"LT", 20), // Lithuania
    (*b"LU", 20), // Luxembourg
    (*b"LV", 21), // Latvia
    (*b"LY", 25), // Libya
    (*b"MC", 27), // Monaco
    (*b"MD", 24), // Moldova
    (*b"ME", 22), // Montenegro
    (*b"MK", 19), // North Macedonia
    (*b"MN", 20), // Mongolia
    (*b"MR", 27), // Mauritania
    (*b"MT", 31), // Malta
    (*b"MU", 30), // Mauritius
    (*b"NI", 28), // Nicaragua
    (*b"NL", 18), // Netherlands
    (*b"NO", 15), // Norway
    (*b"OM", 23), // Oman
    (*b"PK", 24), // Pakistan
    (*b"PL", 28), // Poland
    (*b"PS", 29), // Palestine
    (*b"PT", 25), // Portugal
    (*b"QA", 29), // Qatar
    (*b"RO", 24), // Romania
    (*b"RS", 22), // Serbia
    (*b"RU", 33), // Russia
    (*b"SA", 24), // Saudi Arabia
    (*b"SC", 31), // Seychelles
    (*b"SD", 18), // Sudan
    (*b"SE", 24), // Sweden
    (*b"SI", 19), // Slovenia
    (*b"SK", 24), // Slovakia
    (*b"SM", 27), // San Marino
    (*b"SO", 23), // Somalia
    (*b"ST", 25), // São Tomé and Príncipe
    (*b"SV", 28), // El Salvador
    (*b"TL", 23), // Timor-Leste
    (*b"TN", 24), // Tunisia
    (*b"TR", 26), // Türkiye
    (*b"UA", 29), // Ukraine
    (*b"VA", 22), // Vatican City
    (*b"VG", 24), // British Virgin Islands
    (*b"XK", 20), // Kosovo
    (*b"YE", 30), // Yemen
];

/// [`REGISTRY`] as a direct-indexed table: `LENGTHS[(c0 - 'A') * 26 + (c1 - 'A')]` is the length,
/// 0 for a code that issues no IBANs. One load per candidate instead of a search.
static LENGTHS: [u8; 26 * 26] = {
    let mut table = [0u8; 26 * 26];
    let mut i = 0;
    while i < REGISTRY.len() {
        let (code, len) = REGISTRY[i];
        table[(code[0] - b'A') as usize * 26 + (code[1] - b'A') as usize] = len;
        i += 1;
    }
    table
};

/// The total IBAN length of the country `code` (upper-case), if it is in the registry.
#[inline]
pub fn registry_length(code: [u8; 2]) -> Option<usize> {
    let [a, b] = code;
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
        return None;
    }
    match LENGTHS[usize::from(a - b'A') * 26 + usize::from(b - b'A')] {
        0 => None,
        len => Some(usize::from(len)),
    }
}

/// Folds one IBAN character into a running remainder modulo 97 (digits count as one decimal
/// digit, letters as two: `A = 10 .. Z = 35`); `None` for any other byte.
#[inline]
pub(crate) fn fold(rem: u32, b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some((rem * 10 + u32::from(b - b'0')) % 97),
        b'A'..=b'Z' => Some((rem * 100 + u32::from(b - b'A' + 10)) % 97),
        _ => None,
    }
}

/// Recognises an IBAN whose check digits start the digit run `hay[start..end]`.
pub fn at_digit_run(hay: &[u8], start: usize, end: usize, _ctx: Context) -> Option<Match> {
    // Cheapest rejections first: a registry country code right before the run.
    if start < 2 || end - start < 2 {
        return None;
    }
    let code = [hay[start - 2], hay[start - 1]];
    let len = registry_length(code)?;
    let from = start - 2;
    if !is_boundary(hay, from.wrapping_sub(1)) {
        return None;
    }
    let check = (hay[start] - b'0') * 10 + (hay[start + 1] - b'0');
    if !(2..=98).contains(&check) {
        return None;
    }
    let run = end - start;
    let grouped = run == 2 && hay.get(end) == Some(&b' ');
    if !grouped {
        // Compact: the run is the check digits and the BBAN's leading digits. It may end
        // early only where an upper-case letter of the BBAN follows.
        let bban_digits = len - 2;
        if run > bban_digits
            || (run < bban_digits && !hay.get(end).is_some_and(u8::is_ascii_uppercase))
        {
            return None;
        }
    }
    // The BBAN, folded into the remainder in the order the check reads it (it comes first).
    let mut rem = 0;
    let mut at = start + 2;
    for n in 4..len {
        if grouped && n % 4 == 0 {
            if hay.get(at) != Some(&b' ') {
                return None;
            }
            at += 1;
        }
        rem = fold(rem, *hay.get(at)?)?;
        at += 1;
    }
    if !is_boundary(hay, at) {
        return None;
    }
    // Then the country code and the check digits, moved from the front.
    rem = fold(rem, code[0])?;
    rem = fold(rem, code[1])?;
    rem = (rem * 100 + u32::from(check)) % 97;
    if rem != 1 {
        return None;
    }
    Some(Match {
        start: from,
        end: at,
        confidence: Confidence::High,
        reasons: Reasons::from([Reason::Rule("iban-length"), Reason::Rule("mod97")]),
    })
}

/// Masks an IBAN: keeps the country code, the check digits and the last four characters,
/// hides the rest of the BBAN, keeps the spaces (`DK50 **** **** **62 43`).
pub fn mask(value: &[u8]) -> String {
    crate::mask::to_string(|out| mask_into(value, out))
}

/// [`mask`], appended to `out` as bytes.
pub fn mask_into(value: &[u8], out: &mut Vec<u8>) {
    super::mask_alnum_into(value, 4, 4, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Nearby;

    /// The ISO 7064 MOD 97-10 check digits of `country` + `bban`, computed the long way
    /// (independently of [`fold`]): rearrange, expand letters, take the remainder digit by digit.
    fn check_digits(country: &str, bban: &str) -> String {
        let rearranged = format!("{bban}{country}00");
        let mut expanded = String::new();
        for c in rearranged.chars() {
            if c.is_ascii_digit() {
                expanded.push(c);
            } else {
                expanded.push_str(&(c as u32 - 'A' as u32 + 10).to_string());
            }
        }
        let rem = expanded
            .bytes()
            .fold(0u64, |r, d| (r * 10 + u64::from(d - b'0')) % 97);
        format!("{:02}", 98 - rem)
    }

    /// A compact IBAN with correct check digits.
    fn iban(country: &str, bban: &str) -> String {
        format!("{country}{}{bban}", check_digits(country, bban))
    }

    /// The printed form: groups of four separated by single spaces.
    fn printed(compact: &str) -> String {
        compact
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn scan(text: &str) -> Option<(String, Match)> {
        super::super::first_digit_match(text, WORDS, at_digit_run)
    }

    fn found(text: &str) -> Option<String> {
        scan(text).map(|(s, _)| s)
    }

    #[test]
    fn computed_check_digits_match_the_well_known_documentation_examples() {
        assert_eq!(iban("DK", "00400440116243"), "DK5000400440116243");
        assert_eq!(iban("DE", "370400440532013000"), "DE89370400440532013000");
        assert_eq!(iban("GB", "WEST12345698765432"), "GB82WEST12345698765432");
    }

    #[test]
    fn danish_compact_iban_is_high_with_length_and_mod97() {
        let dk = iban("DK", "00400440116243");
        let (text, m) = scan(&format!("IBAN: {dk}.")).unwrap();
        assert_eq!(text, dk);
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(
            m.reasons,
            vec![Reason::Rule("iban-length"), Reason::Rule("mod97")]
        );
    }

    #[test]
    fn faroese_and_greenlandic_ibans_are_found() {
        let fo = iban("FO", "64600001631634");
        let gl = iban("GL", "64710001000206");
        assert_eq!(found(&format!("konto {fo}")), Some(fo.clone()));
        assert_eq!(found(&format!("konto {gl}")), Some(gl.clone()));
        assert_eq!(found(&printed(&fo)), Some(printed(&fo)));
    }

    #[test]
    fn german_iban_is_found_compact_and_printed() {
        let de = iban("DE", "370400440532013000");
        assert_eq!(found(&de), Some(de.clone()));
        assert_eq!(found(&printed(&de)), Some(printed(&de)));
    }

    #[test]
    fn british_iban_with_letters_in_the_bban_is_found_compact_and_printed() {
        let gb = iban("GB", "WEST12345698765432");
        assert_eq!(found(&format!("({gb})")), Some(gb.clone()));
        let p = printed(&gb);
        assert_eq!(p, "GB82 WEST 1234 5698 7654 32");
        assert_eq!(found(&format!("to {p} today")), Some(p));
    }

    #[test]
    fn bban_letters_after_leading_digits_are_allowed() {
        // A French-style BBAN with a letter inside the account number.
        let fr = iban("FR", "20041010050500013M02606");
        assert_eq!(fr.len(), 27);
        assert_eq!(found(&fr), Some(fr.clone()));
    }

    #[test]
    fn printed_danish_iban_keeps_its_layout_and_is_high() {
        let p = printed(&iban("DK", "00400440116243"));
        assert_eq!(p, "DK50 0040 0440 1162 43");
        let (text, m) = scan(&format!("Konto: {p} (Danske Bank)")).unwrap();
        assert_eq!(text, p);
        assert_eq!(m.confidence, Confidence::High);
    }

    #[test]
    fn match_starts_at_the_country_code() {
        let dk = iban("DK", "00400440116243");
        let text = format!("x {dk}");
        let (_, m) = scan(&text).unwrap();
        assert_eq!(m.start, 2);
        assert_eq!(m.end, 2 + 18);
    }

    #[test]
    fn every_registry_country_is_found_at_its_length_compact_and_printed() {
        for &(code, len) in REGISTRY {
            let country = std::str::from_utf8(&code).unwrap();
            let bban: String = (0..usize::from(len) - 4)
                .map(|i| char::from(b'1' + (i * 7 % 9) as u8))
                .collect();
            let compact = iban(country, &bban);
            assert_eq!(compact.len(), usize::from(len));
            assert_eq!(found(&compact), Some(compact.clone()), "{country}");
            let p = printed(&compact);
            assert_eq!(found(&p), Some(p.clone()), "{country}");
        }
    }

    #[test]
    fn registry_has_the_documented_lengths() {
        for (code, len) in [
            (*b"DK", 18),
            (*b"FO", 18),
            (*b"GL", 18),
            (*b"DE", 22),
            (*b"GB", 22),
            (*b"NO", 15),
            (*b"SE", 24),
            (*b"FR", 27),
            (*b"NL", 18),
            (*b"BE", 16),
            (*b"MT", 31),
            (*b"RU", 33),
        ] {
            assert_eq!(registry_length(code), Some(len));
        }
    }

    #[test]
    fn registry_is_sorted_without_duplicates_and_lengths_are_plausible() {
        for pair in REGISTRY.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?}", pair[1].0);
        }
        for &(code, len) in REGISTRY {
            assert!((15..=34).contains(&len), "{code:?}");
        }
    }

    #[test]
    fn country_outside_the_registry_is_rejected() {
        assert_eq!(registry_length(*b"US"), None);
        assert_eq!(registry_length(*b"ZZ"), None);
        // Correct mod 97 and a plausible length, but no such registry entry.
        assert_eq!(found(&iban("US", "00400440116243")), None);
    }

    #[test]
    fn too_short_for_the_country_is_rejected_even_with_valid_mod97() {
        let short = iban("DK", "0040044011624");
        assert_eq!(short.len(), 17);
        assert_eq!(found(&short), None);
        assert_eq!(found(&printed(&short)), None);
    }

    #[test]
    fn too_long_for_the_country_is_rejected_even_with_valid_mod97() {
        let long = iban("DK", "004004401162431");
        assert_eq!(long.len(), 19);
        assert_eq!(found(&long), None);
        assert_eq!(found(&printed(&long)), None);
    }

    #[test]
    fn wrong_checksum_is_rejected() {
        let dk = iban("DK", "00400440116243");
        let mut bad = dk.clone().into_bytes();
        bad[10] = if bad[10] == b'9' { b'0' } else { bad[10] + 1 };
        let bad = String::from_utf8(bad).unwrap();
        assert_eq!(found(&bad), None);
        // Swapped check digits.
        assert_eq!(found("DK0500400440116243"), None);
    }

    #[test]
    fn check_digits_outside_02_to_98_are_rejected_even_when_mod97_holds() {
        // 98 and 01 are the same modulo 97: find a BBAN whose check digits are 98, then
        // write 01 instead; the remainder is still 1, but ISO 7064 never produces 01.
        let bban = (0..1000)
            .map(|i| format!("0040044011{i:04}"))
            .find(|b| check_digits("DK", b) == "98")
            .unwrap();
        assert_eq!(found(&format!("DK98{bban}")), Some(format!("DK98{bban}")));
        assert_eq!(found(&format!("DK01{bban}")), None);
    }

    #[test]
    fn lowercase_and_mixed_case_are_rejected() {
        let dk = iban("DK", "00400440116243");
        assert_eq!(found(&dk.to_lowercase()), None);
        assert_eq!(found(&format!("Dk{}", &dk[2..])), None);
        let gb = iban("GB", "WEST12345698765432");
        assert_eq!(found(&format!("GB{}", &gb[2..].to_lowercase())), None);
    }

    #[test]
    fn iban_followed_by_a_letter_or_digit_is_rejected() {
        let dk = iban("DK", "00400440116243");
        assert_eq!(found(&format!("{dk}X")), None);
        assert_eq!(found(&format!("{}X", printed(&dk))), None);
        assert_eq!(found(&format!("{}9", printed(&dk))), None);
    }

    #[test]
    fn iban_preceded_by_a_letter_or_digit_is_rejected() {
        let dk = iban("DK", "00400440116243");
        assert_eq!(found(&format!("X{dk}")), None);
        assert_eq!(found(&format!("7{dk}")), None);
        assert_eq!(found(&format!("-{dk}-")), Some(dk));
    }

    #[test]
    fn printed_form_needs_single_spaces_every_four_characters() {
        let dk = iban("DK", "00400440116243");
        assert_eq!(found("DK50 0040 04401 16243"), None);
        assert_eq!(found("DK50  0040 0440 1162 43"), None);
        assert_eq!(found(&printed(&dk).replace(' ', "-")), None);
        // Compact up front, grouped later: neither form.
        assert_eq!(found("DK500040 0440 1162 43"), None);
    }

    #[test]
    fn printed_form_may_be_followed_by_more_text() {
        let p = printed(&iban("DK", "00400440116243"));
        assert_eq!(found(&format!("{p} kr 100")), Some(p));
    }

    #[test]
    fn only_the_check_digit_run_anchors_an_iban() {
        let p = printed(&iban("DK", "00400440116243"));
        let hay = p.as_bytes();
        let none = |_: usize, _: usize| -> Nearby { panic!("context is never needed") };
        assert!(at_digit_run(hay, 2, 4, &none).is_some());
        assert_eq!(at_digit_run(hay, 5, 9, &none), None);
        assert_eq!(at_digit_run(hay, 20, 22, &none), None);
    }

    #[test]
    fn bytes_other_than_digits_and_capitals_end_the_bban() {
        assert_eq!(found("DK50004004401162ø3"), None);
        assert_eq!(found("DK50 0040 0440 1162 4"), None);
    }

    #[test]
    fn mask_keeps_country_check_digits_and_last_four() {
        assert_eq!(mask(b"DK50 0040 0440 1162 43"), "DK50 **** **** **62 43");
        assert_eq!(mask(b"DK5000400440116243"), "DK50**********6243");
        assert_eq!(mask(b"GB82WEST12345698765432"), "GB82**************5432");
    }
}
