//! Validators for the kinds other than CPR (`shared/reference/cpr.md` §5-6). Each module is
//! pure: given the input and an anchor the scanner found (a digit run, an `@`, a `:`), it
//! returns the span it recognises there, with a confidence and the reasons behind it. The
//! scanner collects the matches of every enabled kind and resolves overlaps (see
//! [`crate::finding::Kind`] for the strength order).
//!
//! A module declares:
//! - `WORDS`: its context words (positive and negative), looked up by the scanner only when the
//!   module asks, through the [`Context`] it is given;
//! - `at_digit_run(hay, start, end, ctx)` (digit-anchored kinds) or another anchor function:
//!   `hay[start..end]` is a maximal run of ASCII digits; a match may begin before `start` (a
//!   `+45`, an `DK`, an `(`) but must contain `start`, and must not touch an ASCII letter or digit
//!   on either side unless the kind's grammar says otherwise;
//! - `mask(value)`: the value with its identifying part hidden, layout kept.

use crate::context::Nearby;
use crate::finding::{Confidence, Reason, Reasons};

pub mod card;
pub mod contextual;
pub mod cvr;
pub mod email;
pub mod iban;
pub mod ip;
pub mod phone;
pub mod substitute;

/// A recognised span of one kind, before the minimum-confidence filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub confidence: Confidence,
    pub reasons: Reasons,
}

/// Looks up a kind's context words around `hay[start..end]`: the nearest positive and negative
/// word within the window, on the same line.
pub type Context<'a> = &'a dyn Fn(usize, usize) -> Nearby;

/// Whether `hay[at]` is outside `hay` or not an ASCII letter or digit. `usize::MAX` stands for
/// "before the start".
#[inline]
pub fn is_boundary(hay: &[u8], at: usize) -> bool {
    hay.get(at).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// Whether the digits `start..end` are the visible part of a masked value: `*`s join them to
/// more digits (`436914***1518`), or four or more `*`s follow them, directly or across a CPR
/// separator (`010158****`, `010158 - ****`: a CPR number's mask), or precede them the same
/// way (`**** 3456`: a grouped card's). cprscan's own masks keep a card's last four digits
/// and a CPR number's birth date, and those fragments must not read as a new number when a
/// redacted file is scanned again. Up to three stars with no digit beyond them (`**1234**`,
/// Markdown emphasis) are punctuation.
pub fn is_mask_fragment(hay: &[u8], start: usize, end: usize) -> bool {
    let digit_at = |i: usize| hay.get(i).is_some_and(u8::is_ascii_digit);
    let stars_from = |i: usize| {
        hay.get(i..)
            .map_or(0, |t| t.iter().take_while(|&&b| b == b'*').count())
    };
    let stars_to = |i: usize| hay[..i].iter().rev().take_while(|&&b| b == b'*').count();
    let stars = stars_from(end);
    if stars >= 4 || (stars > 0 && digit_at(end + stars)) {
        return true;
    }
    if crate::cpr::separator_len(hay, end).is_some_and(|n| stars_from(end + n) >= 4) {
        return true;
    }
    let stars = stars_to(start);
    if stars >= 4 || (stars > 0 && start > stars && digit_at(start - stars - 1)) {
        return true;
    }
    let sep_before = match hay[..start] {
        [.., b' ', b'-', b' '] => 3,
        [.., b'-' | b' ' | b'\t' | b'/' | b'.'] => 1,
        _ => 0,
    };
    sep_before > 0 && stars_to(start - sep_before) >= 4
}

/// The rule of every kind that has no check strong enough on its own: a positive context word
/// near `start..end` is required; with it the match is medium, low if a negative word is near
/// too. `reasons` holds the checks that passed; the context words are appended. Most
/// candidates have no positive word near: they are dropped before any reasons are built.
pub fn with_positive_context(
    start: usize,
    end: usize,
    reasons: impl Into<Reasons>,
    ctx: Context,
) -> Option<Match> {
    let near = ctx(start, end);
    let positive = near.positive?;
    let mut reasons = reasons.into();
    reasons.push(Reason::Context(positive));
    let confidence = match near.negative {
        Some(word) => {
            reasons.push(Reason::ContextNeg(word));
            Confidence::Low
        }
        None => Confidence::Medium,
    };
    Some(Match {
        start,
        end,
        confidence,
        reasons,
    })
}

/// Replaces every ASCII alphanumeric of `value` after the first `keep_head` of them and before the
/// last `keep_tail` of them by `*`; other bytes are kept.
pub fn mask_alnum(value: &[u8], keep_head: usize, keep_tail: usize) -> String {
    crate::mask::to_string(|out| mask_alnum_into(value, keep_head, keep_tail, out))
}

/// [`mask_alnum`], appended to `out` as bytes (not yet checked to be UTF-8). A value of up to 64
/// bytes (every built-in kind's) is classified and written eight bytes at a time
/// ([`class_bits`], [`star_into`]).
pub fn mask_alnum_into(value: &[u8], keep_head: usize, keep_tail: usize, out: &mut Vec<u8>) {
    if value.len() > 64 {
        return mask_alnum_slow(value, keep_head, keep_tail, out);
    }
    let (alnum, _) = class_bits(value);
    star_into(value, alnum, keep_head, keep_tail, out);
}

/// Bit `i` set for each ASCII letter or digit `value[i]`, and for each ASCII digit: the bit
/// masks of a value of up to 64 bytes, eight bytes at a time from eight bytes up (the last
/// eight overlapping the ones before).
#[inline]
pub(crate) fn class_bits(value: &[u8]) -> (u64, u64) {
    let n = value.len();
    debug_assert!(n <= 64);
    let (mut alnum, mut digits) = (0u64, 0u64);
    if n < 8 {
        for (i, &b) in value.iter().enumerate() {
            alnum |= u64::from(ALNUM[usize::from(b)]) << i;
            digits |= u64::from(b.is_ascii_digit()) << i;
        }
        return (alnum, digits);
    }
    let mut at = |i: usize| {
        let (a, d) = classify8(word_at(value, i));
        alnum |= a << i;
        digits |= d << i;
    };
    let mut i = 0;
    while i + 8 <= n {
        at(i);
        i += 8;
    }
    if i < n {
        at(n - 8);
    }
    (alnum, digits)
}

/// The eight bytes of `bytes` at `i`, the first in the lowest byte: for the masks here and the
/// other eight-bytes-at-a-time tests of short values (`mask`, the printer's escape check).
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], i: usize) -> u64 {
    let b = &bytes[i..i + 8];
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// [`class_bits`] of the eight bytes in `x` (the first in its lowest byte): bit `k` for byte
/// `k`. Range tests on the low seven bits of each byte cannot carry into the next byte: for
/// `v` <= 0x7F, `v + (0x80 - c)` has its high bit set when `v >= c`, and `(0x80 + c) - v` when
/// `v <= c`; bytes with the high bit set (not ASCII) are neither.
#[inline(always)]
fn classify8(x: u64) -> (u64, u64) {
    let ge = |v: u64, c: u8| v.wrapping_add(ONES * u64::from(0x80 - c)) & HIGH;
    let le = |v: u64, c: u8| (ONES * u64::from(0x80 + c)).wrapping_sub(v) & HIGH;
    let low = x & !HIGH;
    let digit = ge(low, b'0') & le(low, b'9');
    let folded = low | (ONES * 0x20);
    let letter = ge(folded, b'a') & le(folded, b'z');
    let ascii = !x & HIGH;
    (compact((digit | letter) & ascii), compact(digit & ascii))
}

/// The high bits of the eight bytes of `m` (all other bits clear) as the low eight bits: one
/// multiplication moves bit `8k + 7` to bit `56 + k`; its other partial products fall on
/// distinct bits below 56 (so nothing carries into the result) or above 63.
#[inline(always)]
fn compact(m: u64) -> u64 {
    (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Appends `value` with `*` over the bytes at the set bits of `marked` (bit `i` for
/// `value[i]`), except the first `keep_head` and the last `keep_tail` of them. From eight bytes
/// up the value is written eight bytes at a time, each word blended with stars.
#[inline]
pub(crate) fn star_into(
    value: &[u8],
    marked: u64,
    keep_head: usize,
    keep_tail: usize,
    out: &mut Vec<u8>,
) {
    let n = value.len();
    let hide = hidden(marked, keep_head, keep_tail);
    if n < 8 {
        let start = out.len();
        out.extend_from_slice(value);
        let dst = &mut out[start..];
        let mut h = hide;
        while h != 0 {
            dst[h.trailing_zeros() as usize] = b'*';
            h &= h - 1;
        }
        return;
    }
    let start = out.len();
    let blend = |i: usize| {
        let stars = SPREAD[((hide >> i) & 0xFF) as usize];
        ((word_at(value, i) & !stars) | (stars & (ONES * u64::from(b'*')))).to_le_bytes()
    };
    let mut i = 0;
    while i + 8 <= n {
        out.extend_from_slice(&blend(i));
        i += 8;
    }
    if i < n {
        // The last eight bytes again, overlapping: the bytes written twice are the same.
        out.truncate(start + n - 8);
        out.extend_from_slice(&blend(n - 8));
    }
}

/// Bits `k` of a byte spread to whole bytes: `0xFF` at byte `k` for each set bit `k`.
static SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            if b >> k & 1 == 1 {
                t[b] |= 0xFF << (8 * k);
            }
            k += 1;
        }
        b += 1;
    }
    t
};

/// The set bits of `marked` but its first `keep_head` and its last `keep_tail`.
#[inline]
fn hidden(marked: u64, keep_head: usize, keep_tail: usize) -> u64 {
    // Clears the lowest set bit `keep_head` times and the highest `keep_tail` times; with no
    // more than `keep_head + keep_tail` set, nothing is left.
    let mut hide = marked;
    for _ in 0..keep_head {
        hide &= hide.wrapping_sub(1);
    }
    for _ in 0..keep_tail {
        if hide == 0 {
            break;
        }
        hide ^= 1 << (63 - hide.leading_zeros());
    }
    hide
}

/// [`mask_alnum_into`] a byte at a time: values longer than 64 bytes, and the reference the
/// tests hold the fast path to.
fn mask_alnum_slow(value: &[u8], keep_head: usize, keep_tail: usize, out: &mut Vec<u8>) {
    let total: usize = value
        .iter()
        .map(|&b| usize::from(ALNUM[usize::from(b)]))
        .sum();
    let last_hidden = total.saturating_sub(keep_tail);
    let mut seen = 0;
    out.extend(value.iter().map(|&b| {
        let alnum = ALNUM[usize::from(b)];
        seen += usize::from(alnum);
        let hide = alnum && seen > keep_head && seen <= last_hidden;
        if hide {
            b'*'
        } else {
            b
        }
    }));
}

/// Whether each byte is an ASCII letter or digit.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The signature of a digit-anchored validator.
pub type DigitFn = fn(&[u8], usize, usize, Context) -> Option<Match>;

/// Runs a digit-anchored validator over every digit run of `text`, the way the scanner offers
/// runs, with a context built from `words`; returns every match and its text, and checks the
/// module contract that a match contains its anchor run's start. For tests.
#[cfg(test)]
pub(crate) fn digit_matches(
    text: &str,
    words: &[crate::context::Word],
    find: DigitFn,
) -> Vec<(String, Match)> {
    use crate::digits::find_class;
    let hay = text.as_bytes();
    let matcher = crate::context::ContextMatcher::new(words);
    let ctx = |s, e| matcher.nearby(hay, s, e);
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < hay.len() {
        let start = find_class(hay, pos, true);
        if start >= hay.len() {
            break;
        }
        let end = find_class(hay, start + 1, false);
        if let Some(m) = find(hay, start, end, &ctx) {
            assert!(
                m.start <= start && start < m.end,
                "{text}: match outside its anchor"
            );
            out.push((text[m.start..m.end].to_string(), m));
        }
        pos = end;
    }
    out
}

/// The first match [`digit_matches`] finds. For tests.
#[cfg(test)]
pub(crate) fn first_digit_match(
    text: &str,
    words: &[crate::context::Word],
    find: DigitFn,
) -> Option<(String, Match)> {
    digit_matches(text, words, find).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testgen::Rng;

    #[test]
    fn mask_alnum_hides_exactly_the_middle_letters_and_digits() {
        // The straightforward definition, on every byte in short values.
        let reference = |value: &[u8], head: usize, tail: usize| -> Vec<u8> {
            let total = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
            let mut seen = 0;
            value
                .iter()
                .map(|&b| {
                    if !b.is_ascii_alphanumeric() {
                        return b;
                    }
                    seen += 1;
                    if seen <= head || seen > total.saturating_sub(tail) {
                        b
                    } else {
                        b'*'
                    }
                })
                .collect()
        };
        for b in 0..=255u8 {
            for value in [vec![b; 3], vec![b'1', b, b'a', b, b'Z', b'-', b'9']] {
                for (head, tail) in [(0, 0), (0, 2), (1, 1), (4, 4), (6, 4), (9, 9)] {
                    let mut out = Vec::new();
                    mask_alnum_into(&value, head, tail, &mut out);
                    assert_eq!(
                        out,
                        reference(&value, head, tail),
                        "{value:?} {head} {tail}"
                    );
                }
            }
        }
    }

    #[test]
    fn fast_alnum_mask_is_the_byte_at_a_time_mask() {
        let pool = b"0123456789abcXYZ@.:+- ()\"\\\xc2\xa0\xe2\x80\x91\xff\xc3";
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let len = (rng.next() % 80) as usize;
            let value = rng.bytes(pool, len);
            for (head, tail) in [(0, 0), (0, 2), (2, 0), (4, 4), (6, 4), (3, 40), (64, 1)] {
                let (mut fast, mut slow) = (b"p".to_vec(), b"p".to_vec());
                mask_alnum_into(&value, head, tail, &mut fast);
                mask_alnum_slow(&value, head, tail, &mut slow);
                assert_eq!(fast, slow, "{value:?} {head} {tail}");
            }
            // A card's mask, as it was written before its fast path.
            let n = value.iter().filter(|b| b.is_ascii_digit()).count();
            let shown = if n >= 16 { 10 } else { n / 2 };
            let (mut fast, mut slow) = (b"p".to_vec(), b"p".to_vec());
            card::mask_into(&value, &mut fast);
            mask_alnum_slow(&value, shown - shown.min(4), shown.min(4), &mut slow);
            assert_eq!(fast, slow, "card {value:?}");
        }
    }

    #[test]
    fn word_at_a_time_classes_agree_with_byte_tests() {
        let base =
            b"0aZ9-+@ \xc3\xa6zA/:`[{0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU";
        for len in [0, 1, 5, 7, 8, 9, 12, 15, 16, 17, 23, 31, 33, 47, 63, 64] {
            for b in 0..=255u8 {
                for at in 0..len {
                    let mut value = base[..len].to_vec();
                    value[at] = b;
                    let (mut alnum, mut digits) = (0u64, 0u64);
                    for (i, &c) in value.iter().enumerate() {
                        alnum |= u64::from(c.is_ascii_alphanumeric()) << i;
                        digits |= u64::from(c.is_ascii_digit()) << i;
                    }
                    assert_eq!(class_bits(&value), (alnum, digits), "{value:?}");
                }
            }
        }
    }

    #[test]
    fn mask_alnum_keeps_head_tail_and_layout() {
        assert_eq!(
            mask_alnum(b"4571 0101 9012 3456", 6, 4),
            "4571 01** **** 3456"
        );
        assert_eq!(mask_alnum(b"12345678", 0, 2), "******78");
        assert_eq!(mask_alnum(b"ab", 3, 3), "ab");
    }
}
