//! Masking: how a value is shown when the user did not ask for raw values. A mask keeps the
//! layout (separators, length) so a reviewer can recognise the shape and find it in the file,
//! and hides the part that identifies the person.

use crate::finding::Kind;

/// Masks `value` as found for `kind`. The result is always valid UTF-8; bytes that are not
/// ASCII (Unicode separators) are kept as they were when they form valid UTF-8.
pub fn mask(kind: Kind, value: &[u8]) -> String {
    to_string(|out| mask_raw(kind, value, out))
}

/// Appends [`mask`]`(kind, value)` to `out`: the same bytes, without a `String` of its own. The
/// printer writes masks straight into its output buffer this way.
pub fn mask_into(kind: Kind, value: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    mask_raw(kind, value, out);
    // Masks of ASCII values are ASCII: they keep or star the value's bytes and add ASCII only.
    if !is_ascii(value) && std::str::from_utf8(&out[start..]).is_err() {
        let raw = out.split_off(start);
        out.extend_from_slice(String::from_utf8_lossy(&raw).as_bytes());
    }
}

/// Whether every byte of `value` is ASCII: for values of 8 to 64 bytes, eight bytes at a time
/// (the last eight overlapping the ones before).
#[inline]
fn is_ascii(value: &[u8]) -> bool {
    let n = value.len();
    if !(8..=64).contains(&n) {
        return value.is_ascii();
    }
    let word = |i: usize| crate::kinds::word_at(value, i);
    let mut any = word(n - 8);
    let mut i = 0;
    while i + 8 <= n {
        any |= word(i);
        i += 8;
    }
    any & 0x8080_8080_8080_8080 == 0
}

/// The text of the bytes `write` appends, invalid UTF-8 replaced as `from_utf8_lossy` does.
pub(crate) fn to_string(write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut raw = Vec::new();
    write(&mut raw);
    match String::from_utf8(raw) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// The masked bytes of `value`, before the UTF-8 check.
fn mask_raw(kind: Kind, value: &[u8], out: &mut Vec<u8>) {
    use crate::kinds;
    match kind {
        Kind::Cpr | Kind::CprSubstitute => mask_after_digits(value, 6, out),
        Kind::Iban => kinds::iban::mask_into(value, out),
        Kind::Card => kinds::card::mask_into(value, out),
        Kind::Email => kinds::email::mask_into(value, out),
        Kind::Cvr => kinds::cvr::mask_into(value, out),
        Kind::Phone => kinds::phone::mask_into(value, out),
        Kind::BankAccount => mask_bank_account(value, out),
        Kind::Passport | Kind::DrivingLicence => kinds::mask_alnum_into(value, 0, 2, out),
        Kind::Ip => out.extend_from_slice(kinds::ip::mask(value).as_bytes()),
        Kind::Custom => mask_custom(value, out),
    }
}

/// A bank account: every digit but the last two hidden. The label a form writes between reg.nr
/// and account (`1234 Kontonr. 0012345678`) is no personal data and stays readable. A value
/// longer than any account has its letters hidden too.
fn mask_bank_account(value: &[u8], out: &mut Vec<u8>) {
    if value.len() > 64 {
        return crate::kinds::mask_alnum_into(value, 0, 2, out);
    }
    let (_, digits) = crate::kinds::class_bits(value);
    crate::kinds::star_into(value, digits, 0, 2, out);
}

/// A user rule's value: its shape is unknown, so every letter and digit is hidden but the last
/// two, and those only when at least eight remain hidden.
fn mask_custom(value: &[u8], out: &mut Vec<u8>) {
    let alnum = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    let keep = if alnum >= 10 { 2 } else { 0 };
    crate::kinds::mask_alnum_into(value, 0, keep, out)
}

/// Keeps the first `keep` ASCII digits and every non-digit byte; replaces later digits by `*`.
/// A value of up to 64 bytes is classified and written eight bytes at a time.
fn mask_after_digits(value: &[u8], keep: usize, out: &mut Vec<u8>) {
    if value.len() > 64 {
        return mask_after_digits_slow(value, keep, out);
    }
    let (_, digits) = crate::kinds::class_bits(value);
    crate::kinds::star_into(value, digits, keep, 0, out);
}

/// [`mask_after_digits`] a byte at a time: long values, and the tests' reference.
fn mask_after_digits_slow(value: &[u8], keep: usize, out: &mut Vec<u8>) {
    let mut seen = 0;
    out.extend(value.iter().map(|&b| {
        if b.is_ascii_digit() {
            seen += 1;
            if seen > keep {
                return b'*';
            }
        }
        b
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testgen::Rng;

    #[test]
    fn bank_account_mask_hides_digits_and_keeps_the_label_between_them() {
        assert_eq!(
            mask(Kind::BankAccount, b"5301 Kontonr. 0123456789"),
            "**** Kontonr. ********89"
        );
        assert_eq!(
            mask(Kind::BankAccount, b"1234-0012345678"),
            "****-********78"
        );
    }

    #[test]
    fn mask_into_appends_exactly_the_mask_of_every_kind() {
        // Random values of digits, letters, separators and stray non-ASCII bytes (invalid
        // UTF-8 included), appended after text already in the buffer.
        let pool = b"0123456789abcXYZ@.:+- ()\"\\\xc2\xa0\xe2\x80\x91\xff\xc3";
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..20_000 {
            let len = (rng.next() % 40) as usize;
            let value = rng.bytes(pool, len);
            for &kind in Kind::ALL {
                let mut out = b"prefix".to_vec();
                mask_into(kind, &value, &mut out);
                assert_eq!(&out[..6], b"prefix");
                assert_eq!(
                    out[6..],
                    *mask(kind, &value).as_bytes(),
                    "{kind:?} {value:?}"
                );
            }
        }
    }

    #[test]
    fn fast_digit_mask_is_the_byte_at_a_time_mask() {
        let pool = b"0123456789abZ -.\"\\\xc2\xa0\xe2\x80\x91\xff";
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = (rng.next() % 80) as usize;
            let value = rng.bytes(pool, len);
            for keep in [0, 1, 6, 10, 70] {
                let (mut fast, mut slow) = (b"p".to_vec(), b"p".to_vec());
                mask_after_digits(&value, keep, &mut fast);
                mask_after_digits_slow(&value, keep, &mut slow);
                assert_eq!(fast, slow, "{value:?} {keep}");
            }
        }
    }

    #[test]
    fn fast_email_mask_is_the_byte_at_a_time_mask() {
        // The e-mail mask as it was written before its fast path.
        let reference = |value: &[u8]| -> Vec<u8> {
            match memchr::memrchr(b'@', value) {
                Some(at) if at > 0 && value[0].is_ascii() => {
                    let mut out = vec![value[0]];
                    out.extend_from_slice(b"***@");
                    out.extend(value[at + 1..].iter().map(|&b| {
                        if b.is_ascii_digit() {
                            b'*'
                        } else {
                            b
                        }
                    }));
                    out
                }
                _ => {
                    let mut out = Vec::new();
                    crate::kinds::mask_alnum_into(value, 0, 0, &mut out);
                    out
                }
            }
        };
        let pool = b"0123456789abcXYZ@@.-_+\xc3\xa6\xe2\x80\x91\xff";
        let mut rng = Rng(0x6a09_e667_f3bc_c908);
        for _ in 0..20_000 {
            let len = (rng.next() % 90) as usize;
            let value = rng.bytes(pool, len);
            let mut out = b"p".to_vec();
            crate::kinds::email::mask_into(&value, &mut out);
            assert_eq!(out[1..], reference(&value), "{value:?}");
        }
    }

    #[test]
    fn word_at_a_time_ascii_check_agrees_with_std() {
        for len in 0..=70 {
            for at in 0..len {
                for b in [0x00, 0x7F, 0x80, 0xC3, 0xFF] {
                    let mut value = vec![b'a'; len];
                    value[at] = b;
                    assert_eq!(is_ascii(&value), value.is_ascii(), "{value:?}");
                }
            }
        }
    }

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
