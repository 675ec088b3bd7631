//! Validator for the `phone` kind: being written (issue "Every kind of personal data").

use crate::context::Word;

use super::{Context, Match};

/// Context words of this kind.
pub const WORDS: &[Word] = &[];

/// Not yet implemented: recognises nothing.
pub fn at_digit_run(_hay: &[u8], _start: usize, _end: usize, _ctx: Context) -> Option<Match> {
    None
}

/// Masks a value of this kind.
pub fn mask(value: &[u8]) -> String {
    super::mask_alnum(value, 0, 0)
}
