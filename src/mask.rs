//! Masking: how a value is shown when the user did not ask for raw values. A mask keeps the
//! layout (separators, length) so a reviewer can recognise the shape and find it in the file,
//! and hides the part that identifies the person.

use crate::finding::Kind;

/// Masks `value` as found for `kind`. The result is always valid UTF-8; bytes that are not
/// ASCII (Unicode separators) are kept as they were when they form valid UTF-8.
pub fn mask(kind: Kind, value: &[u8]) -> String {
    use crate::kinds;
    match kind {
        Kind::Cpr | Kind::CprSubstitute => mask_after_digits(value, 6),
        Kind::Iban => kinds::iban::mask(value),
        Kind::Card => kinds::card::mask(value),
        Kind::Email => kinds::email::mask(value),
        Kind::Cvr => kinds::cvr::mask(value),
        Kind::Phone => kinds::phone::mask(value),
        Kind::BankAccount | Kind::Passport | Kind::DrivingLicence => kinds::mask_alnum(value, 0, 2),
        Kind::Ip => kinds::ip::mask(value),
        Kind::Custom => mask_custom(value),
    }
}

/// A user rule's value: its shape is unknown, so every letter and digit is hidden but the last
/// two, and those only when at least eight remain hidden.
fn mask_custom(value: &[u8]) -> String {
    let alnum = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    let keep = if alnum >= 10 { 2 } else { 0 };
    crate::kinds::mask_alnum(value, 0, keep)
}

/// Keeps the first `keep` ASCII digits and every non-digit byte; replaces later digits by `*`.
fn mask_after_digits(value: &[u8], keep: usize) -> String {
    let mut seen = 0;
    let masked: Vec<u8> = value
        .iter()
        .map(|&b| {
            if b.is_ascii_digit() {
                seen += 1;
                if seen > keep {
                    return b'*';
                }
            }
            b
        })
        .collect();
    String::from_utf8_lossy(&masked).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpr_mask_keeps_date_and_separator_hides_serial() {
        assert_eq!(mask(Kind::Cpr, b"010190-1236"), "010190-****");
        assert_eq!(mask(Kind::Cpr, b"0101901236"), "010190****");
        assert_eq!(mask(Kind::Cpr, b"010190 - 1236"), "010190 - ****");
    }

    #[test]
    fn cpr_mask_keeps_unicode_separator_intact() {
        assert_eq!(
            mask(Kind::Cpr, "010190\u{2011}1236".as_bytes()),
            "010190\u{2011}****"
        );
        assert_eq!(
            mask(Kind::Cpr, "010190\u{a0}1236".as_bytes()),
            "010190\u{a0}****"
        );
    }
}
