//! Context words near a candidate (`shared/reference/cpr.md` §4). Words are looked up in a small
//! window around each candidate, on the same line, with one Aho-Corasick automaton: never over
//! the whole input, so a word far away cannot suppress a real number, and the cost is paid only
//! for candidates that already passed the date rules.
//!
//! Matching is ASCII case-insensitive; words with `ø` get explicit UTF-8 and Latin-1 variants in
//! both cases, so `FØDSELSDATO` matches in a Windows-1252 export too. A word must start at a word
//! boundary (not after an ASCII letter, digit or non-ASCII byte). Stems (`cpr`, `kunde`) may run on
//! into a compound (`cprnummer`, `kundenummer`); whole words (`konto`, `pnr`) may not, so
//! `kontor` (office) is no account.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Bytes of gap allowed between a context word and the candidate, each side.
pub const WINDOW: usize = 60;

/// Whether a word raises or lowers confidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Polarity {
    Positive,
    Negative,
}

/// A context word: its canonical spelling (used in reasons), its polarity, and whether it may be
/// the stem of a longer word.
#[derive(Clone, Copy, Debug)]
pub struct Word {
    pub canonical: &'static str,
    pub polarity: Polarity,
    pub stem: bool,
}

pub const fn pos(canonical: &'static str, stem: bool) -> Word {
    Word {
        canonical,
        polarity: Polarity::Positive,
        stem,
    }
}

pub const fn neg(canonical: &'static str, stem: bool) -> Word {
    Word {
        canonical,
        polarity: Polarity::Negative,
        stem,
    }
}

/// The context words of the CPR kind.
pub const CPR_WORDS: &[Word] = &[
    pos("cpr", true),
    pos("cpr-nr", true),
    pos("cpr.nr", true),
    pos("cprnr", true),
    pos("cpr-nummer", true),
    pos("personnummer", true),
    pos("personnumre", true),
    pos("personnr", true),
    pos("pers.nr", true),
    pos("fødselsdato", true),
    pos("sygesikring", true),
    pos("sundhedskort", true),
    pos("social security", true),
    pos("ssn", false),
    neg("p-nr", true),
    neg("p.nr", true),
    neg("p-nummer", true),
    neg("pnr", false),
    neg("produktionsenhed", true),
    neg("faktura", true),
    neg("fakturanr", true),
    neg("ordre", true),
    neg("ordrenummer", true),
    neg("order", true),
    neg("kunde", true),
    neg("kundenr", true),
    neg("customer", true),
    neg("varenr", true),
    neg("bilag", true),
    neg("licens", true),
    neg("konto", false),
    neg("kontonr", true),
    neg("kontonummer", true),
    neg("reg.nr", true),
    neg("regnr", true),
    neg("account", true),
];

/// The byte spellings of a word: itself, plus Latin-1 and upper-case variants of `ø`, `æ`, `å`.
fn spellings(word: &str) -> Vec<Vec<u8>> {
    if word.is_ascii() {
        return vec![word.as_bytes().to_vec()];
    }
    let upper: String = word
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c
            } else {
                c.to_uppercase().next().unwrap_or(c)
            }
        })
        .collect();
    let latin1 = |s: &str| -> Vec<u8> { s.chars().map(|c| c as u32 as u8).collect() };
    vec![
        word.as_bytes().to_vec(),
        upper.as_bytes().to_vec(),
        latin1(word),
        latin1(&upper),
    ]
}

/// Finds context words in a window around a span.
#[derive(Clone, Debug)]
pub struct ContextMatcher {
    automaton: AhoCorasick,
    /// For each automaton pattern, the word it spells.
    words: Vec<Word>,
    /// The longest pattern, in bytes: how far beyond the window a word may start.
    longest: usize,
}

/// The context words found near a span: the nearest of each polarity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nearby {
    pub positive: Option<&'static str>,
    pub negative: Option<&'static str>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

impl ContextMatcher {
    pub fn new(words: &[Word]) -> ContextMatcher {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for word in words {
            for spelling in spellings(word.canonical) {
                patterns.push(spelling);
                owners.push(*word);
            }
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("context word automaton builds");
        ContextMatcher {
            automaton,
            words: owners,
            longest,
        }
    }

    /// The context words within [`WINDOW`] bytes of `hay[start..end]` on the same line. `hay`
    /// must hold at least `WINDOW` plus the longest word of bytes on each side of the span where
    /// the input has them (the search driver guarantees this).
    pub fn nearby(&self, hay: &[u8], start: usize, end: usize) -> Nearby {
        let reach = WINDOW + self.longest;
        let lo = start.saturating_sub(reach);
        let lo = memchr::memrchr(b'\n', &hay[lo..start]).map_or(lo, |i| lo + i + 1);
        let hi = (end + reach).min(hay.len());
        let hi = memchr::memchr(b'\n', &hay[end..hi]).map_or(hi, |i| end + i);
        let mut found = Nearby::default();
        let mut best = [usize::MAX; 2];
        for side in [lo..start, end..hi] {
            for m in self.automaton.find_iter(&hay[side.clone()]) {
                let (ws, we) = (side.start + m.start(), side.start + m.end());
                let word = self.words[m.pattern().as_usize()];
                if !self.at_boundary(hay, ws, we, word) {
                    continue;
                }
                let gap = if we <= start { start - we } else { ws - end };
                if gap > WINDOW {
                    continue;
                }
                let slot = (word.polarity == Polarity::Negative) as usize;
                if gap < best[slot] {
                    best[slot] = gap;
                    match word.polarity {
                        Polarity::Positive => found.positive = Some(word.canonical),
                        Polarity::Negative => found.negative = Some(word.canonical),
                    }
                }
            }
        }
        found
    }

    /// The first positive and the first negative word anywhere in `text` (a column's name):
    /// no window, no line.
    pub fn words_in(&self, text: &[u8]) -> Nearby {
        let mut found = Nearby::default();
        for m in self.automaton.find_iter(text) {
            let word = self.words[m.pattern().as_usize()];
            if !self.at_boundary(text, m.start(), m.end(), word) {
                continue;
            }
            let slot = match word.polarity {
                Polarity::Positive => &mut found.positive,
                Polarity::Negative => &mut found.negative,
            };
            slot.get_or_insert(word.canonical);
        }
        found
    }

    fn at_boundary(&self, hay: &[u8], start: usize, end: usize, word: Word) -> bool {
        let left_ok = start == 0 || !is_word_byte(hay[start - 1]);
        let right_ok = word.stem || end == hay.len() || !is_word_byte(hay[end]);
        left_ok && right_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(text: &str) -> Nearby {
        let m = ContextMatcher::new(CPR_WORDS);
        let start = text.find("0101").expect("test text holds a candidate");
        m.nearby(text.as_bytes(), start, start + 10)
    }

    #[test]
    fn positive_word_before_candidate() {
        assert_eq!(near("CPR-nr: 0101901234").positive, Some("cpr-nr"));
    }

    #[test]
    fn positive_word_after_candidate() {
        assert_eq!(
            near("0101901234 (personnummer)").positive,
            Some("personnummer")
        );
    }

    #[test]
    fn stem_matches_inside_compound_word() {
        assert_eq!(near("cprnummer=0101901234").positive, Some("cpr"));
        assert_eq!(near("kundenummer 0101901234").negative, Some("kunde"));
    }

    #[test]
    fn whole_word_does_not_match_inside_longer_word() {
        assert_eq!(near("kontor 0101901234").negative, None);
        assert_eq!(near("konto 0101901234").negative, Some("konto"));
    }

    #[test]
    fn word_must_start_at_word_boundary() {
        assert_eq!(near("border 0101901234").negative, None);
        assert_eq!(near("xcpr 0101901234").positive, None);
    }

    #[test]
    fn word_beyond_window_is_ignored() {
        let far = format!("cpr {} 0101901234", "x".repeat(WINDOW + 1));
        assert_eq!(near(&far).positive, None);
        let close = format!("cpr {} 0101901234", "x".repeat(WINDOW - 3));
        assert_eq!(near(&close).positive, Some("cpr"));
    }

    #[test]
    fn window_stops_at_line_end_both_ways() {
        assert_eq!(near("cpr\n0101901234").positive, None);
        assert_eq!(near("0101901234\nfaktura").negative, None);
    }

    #[test]
    fn negative_word_is_found_and_named() {
        assert_eq!(near("Fakturanr. 0101901234").negative, Some("fakturanr"));
    }

    #[test]
    fn danish_letters_match_in_utf8_and_latin1_both_cases() {
        assert_eq!(near("fødselsdato 0101901234").positive, Some("fødselsdato"));
        assert_eq!(near("FØDSELSDATO 0101901234").positive, Some("fødselsdato"));
        let mut latin1 = b"F\xd8DSELSDATO ".to_vec();
        latin1.extend_from_slice(b"0101901234");
        let m = ContextMatcher::new(CPR_WORDS);
        assert_eq!(m.nearby(&latin1, 12, 22).positive, Some("fødselsdato"));
    }

    #[test]
    fn neighbouring_numbers_do_not_hide_context() {
        assert_eq!(near("cpr 2100 0101901234 12345678").positive, Some("cpr"));
    }

    #[test]
    fn nearest_word_of_each_polarity_is_kept() {
        let n = near("ordre 12, cpr 0101901234");
        assert_eq!(n.positive, Some("cpr"));
        assert_eq!(n.negative, Some("ordre"));
    }
}
