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
/// too. `reasons` holds the checks that passed; the context words are appended.
pub fn with_positive_context(
    start: usize,
    end: usize,
    reasons: impl Into<Reasons>,
    ctx: Context,
) -> Option<Match> {
    let near = ctx(start, end);
    let mut reasons = reasons.into();
    reasons.push(Reason::Context(near.positive?));
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
/// bytes (every built-in kind's) is copied whole and its hidden bytes starred in place, found
/// from a bit mask of its letters and digits.
pub fn mask_alnum_into(value: &[u8], keep_head: usize, keep_tail: usize, out: &mut Vec<u8>) {
    if value.len() > 64 {
        return mask_alnum_slow(value, keep_head, keep_tail, out);
    }
    let mut alnum = 0u64;
    for (i, &b) in value.iter().enumerate() {
        alnum |= u64::from(ALNUM[usize::from(b)]) << i;
    }
    let start = out.len();
    out.extend_from_slice(value);
    star_ranks(&mut out[start..], alnum, keep_head, keep_tail);
}

/// Writes `*` over the bytes of `dst` at the set bits of `marked` (bit `i` for `dst[i]`),
/// leaving the first `keep_head` and the last `keep_tail` of them as they are.
pub(crate) fn star_ranks(dst: &mut [u8], marked: u64, keep_head: usize, keep_tail: usize) {
    if keep_head.saturating_add(keep_tail) >= marked.count_ones() as usize {
        return;
    }
    // More than `keep_head + keep_tail` bits are set: each loop clears one that is there.
    let mut hide = marked;
    for _ in 0..keep_head {
        hide &= hide - 1;
    }
    for _ in 0..keep_tail {
        hide ^= 1 << (63 - hide.leading_zeros());
    }
    while hide != 0 {
        dst[hide.trailing_zeros() as usize] = b'*';
        hide &= hide - 1;
    }
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
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 80) as usize;
            let value: Vec<u8> = (0..len)
                .map(|i| pool[((x >> (i % 40)) as usize ^ (i * 13)) % pool.len()])
                .collect();
            for (head, tail) in [(0, 0), (0, 2), (2, 0), (4, 4), (6, 4), (3, 40), (64, 1)] {
                let (mut fast, mut slow) = (b"p".to_vec(), b"p".to_vec());
                mask_alnum_into(&value, head, tail, &mut fast);
                mask_alnum_slow(&value, head, tail, &mut slow);
                assert_eq!(fast, slow, "{value:?} {head} {tail}");
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
