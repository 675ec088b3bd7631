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
use crate::finding::{Confidence, Reason};

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
    pub reasons: Vec<Reason>,
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
/// more digits (`436914***1518`, `010158****7`). cprscan's own masks keep a card's last four
/// digits and a CPR number's birth date, and those fragments must not read as a new number
/// when a redacted file is scanned again. Stars with no digit beyond them (`**1234**`, bold
/// in Markdown) are punctuation.
pub fn is_mask_fragment(hay: &[u8], start: usize, end: usize) -> bool {
    let before = hay[..start].iter().rev().position(|&b| b != b'*');
    let after = hay[end..].iter().position(|&b| b != b'*');
    let digit_behind = before.is_some_and(|n| n > 0 && hay[start - n - 1].is_ascii_digit());
    let digit_ahead = after.is_some_and(|n| n > 0 && hay[end + n].is_ascii_digit());
    digit_behind || digit_ahead
}

/// The rule of every kind that has no check strong enough on its own: a positive context word
/// near `start..end` is required; with it the match is medium, low if a negative word is near
/// too. `reasons` holds the checks that passed; the context words are appended.
pub fn with_positive_context(
    start: usize,
    end: usize,
    mut reasons: Vec<Reason>,
    ctx: Context,
) -> Option<Match> {
    let near = ctx(start, end);
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
    let total = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    let mut seen = 0;
    let out: Vec<u8> = value
        .iter()
        .map(|&b| {
            if !b.is_ascii_alphanumeric() {
                return b;
            }
            seen += 1;
            if seen <= keep_head || seen > total.saturating_sub(keep_tail) {
                b
            } else {
                b'*'
            }
        })
        .collect();
    String::from_utf8_lossy(&out).into_owned()
}

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
    fn mask_alnum_keeps_head_tail_and_layout() {
        assert_eq!(
            mask_alnum(b"4571 0101 9012 3456", 6, 4),
            "4571 01** **** 3456"
        );
        assert_eq!(mask_alnum(b"12345678", 0, 2), "******78");
        assert_eq!(mask_alnum(b"ab", 3, 3), "ab");
    }
}
