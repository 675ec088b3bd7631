//! Context words near a candidate (`shared/reference/cpr.md` §4). Words are looked up in a small
//! window around each candidate, on the same line: never over the whole input, so a word far
//! away cannot suppress a real number, and the cost is paid only for candidates that already
//! passed the date rules. The lookup is a leftmost-longest search over the window
//! ([`WordSearch`]): a table of the byte pairs that can start a word skips nearly every position.
//!
//! Matching is ASCII case-insensitive; words with `ø` get explicit UTF-8 and Latin-1 variants in
//! both cases, so `FØDSELSDATO` matches in a Windows-1252 export too. A word must start at a word
//! boundary (not after an ASCII letter, digit or non-ASCII byte). Stems (`cpr`, `kunde`) may run on
//! into a compound (`cprnummer`, `kundenummer`); whole words (`konto`, `pnr`) may not, so
//! `kontor` (office) is no account.

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

/// A leftmost-longest, ASCII case-insensitive search for a set of byte strings: the semantics
/// of an Aho-Corasick automaton built with `MatchKind::LeftmostLongest` and
/// `ascii_case_insensitive` (a test compares the two), for the short windows context words are
/// looked for in. At each position, in order, the longest pattern starting there (the first
/// given among equally long ones) is a match and the search resumes after it; a position where
/// no pattern starts is passed. A bit table of the byte pairs some pattern starts with (every
/// case) rejects nearly every position with one lookup.
#[derive(Clone, Debug)]
pub struct WordSearch {
    /// Bit `b0 << 8 | b1` is set when a pattern starts with `b0 b1` (either case of a letter), or
    /// a one-byte pattern is `b0`.
    pairs: Box<[u64; 1024]>,
    /// Where each first byte's patterns sit in `order` (indexed by the lowercased byte).
    buckets: Box<[u32; 257]>,
    /// The patterns grouped by lowercased first byte, longest first, then by index.
    order: Vec<Pattern>,
    /// The block filter, when the CPU has SSSE3 and the byte sets fit it.
    block: Option<ByteSets>,
}

/// Two byte sets as nibble tables, for a 16-byte shuffle lookup: byte `b` is in a set when
/// `low[b & 15] & high[b >> 4]` is not zero. Each distinct high nibble of the set's bytes gets
/// one of eight bits, so membership is exact when the set spans at most eight high nibbles.
#[derive(Clone, Copy, Debug)]
struct ByteSets {
    /// Every case of the patterns' first bytes.
    first: NibbleSet,
    /// Every case of the patterns' second bytes; every byte when a pattern has one byte.
    second: NibbleSet,
}

#[derive(Clone, Copy, Debug)]
struct NibbleSet {
    low: [u8; 16],
    high: [u8; 16],
}

impl NibbleSet {
    /// The set of `bytes`, if their high nibbles are at most eight.
    fn new(bytes: &[u8]) -> Option<NibbleSet> {
        let mut highs: Vec<u8> = bytes.iter().map(|b| b >> 4).collect();
        highs.sort_unstable();
        highs.dedup();
        if highs.len() > 8 {
            return None;
        }
        let mut set = NibbleSet {
            low: [0; 16],
            high: [0; 16],
        };
        for (bit, &h) in highs.iter().enumerate() {
            set.high[usize::from(h)] = 1 << bit;
        }
        for &b in bytes {
            set.low[usize::from(b & 15)] |= set.high[usize::from(b >> 4)];
        }
        Some(set)
    }

    #[cfg(test)]
    fn contains(&self, b: u8) -> bool {
        self.low[usize::from(b & 15)] & self.high[usize::from(b >> 4)] != 0
    }
}

/// A pattern as [`WordSearch::longest_at`] compares it: its first eight bytes (ASCII
/// lowercased, little-endian) and a mask of them, then the rest.
#[derive(Clone, Debug)]
struct Pattern {
    head: u64,
    mask: u64,
    /// The whole pattern, ASCII lowercased.
    bytes: Box<[u8]>,
    /// Its index in the patterns given.
    index: usize,
}

/// Eight bytes from `hay[at..]`, little-endian; missing bytes past the end read as 0.
#[inline(always)]
fn load8(hay: &[u8], at: usize) -> u64 {
    match hay.get(at..at + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
        None => {
            let mut b = [0u8; 8];
            let tail = &hay[at.min(hay.len())..];
            b[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(b)
        }
    }
}

/// `x` with every byte that is an ASCII capital letter lowercased, eight bytes at once: a byte
/// gets 0x20 added when its low seven bits are at least `A` and below `[` and its high bit is
/// clear. Each byte's test stays in its byte (seven bits plus 0x3F or 0x25 do not carry).
#[inline(always)]
pub fn lower8(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let h = x & LOW7;
    let at_least_a = h + 0x3f3f_3f3f_3f3f_3f3f;
    let past_z = h + 0x2525_2525_2525_2525;
    let upper = at_least_a & !past_z & !x & HIGH;
    x | upper >> 2
}

impl WordSearch {
    /// A search for `patterns` (none may be empty).
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> WordSearch {
        let lower: Vec<Box<[u8]>> = patterns
            .iter()
            .map(|p| p.as_ref().to_ascii_lowercase().into_boxed_slice())
            .collect();
        assert!(lower.iter().all(|p| !p.is_empty()), "empty context word");
        let mut pairs = Box::new([0u64; 1024]);
        let cases = |b: u8| [b.to_ascii_lowercase(), b.to_ascii_uppercase()];
        for p in &lower {
            for b0 in cases(p[0]) {
                let seconds: Vec<u8> = match p.get(1) {
                    Some(&b1) => cases(b1).to_vec(),
                    None => (0..=255).collect(),
                };
                for b1 in seconds {
                    let bit = usize::from(b0) << 8 | usize::from(b1);
                    pairs[bit >> 6] |= 1 << (bit & 63);
                }
            }
        }
        let mut order: Vec<Pattern> = lower
            .into_iter()
            .enumerate()
            .map(|(index, bytes)| {
                let n = bytes.len().min(8);
                Pattern {
                    head: load8(&bytes[..n], 0),
                    mask: u64::MAX >> (64 - 8 * n),
                    bytes,
                    index,
                }
            })
            .collect();
        order.sort_by_key(|p| (p.bytes[0], std::cmp::Reverse(p.bytes.len()), p.index));
        let mut buckets = Box::new([0u32; 257]);
        for p in &order {
            buckets[usize::from(p.bytes[0]) + 1] += 1;
        }
        for b in 1..257 {
            buckets[b] += buckets[b - 1];
        }
        let cases = |b: u8| [b.to_ascii_lowercase(), b.to_ascii_uppercase()];
        let firsts: Vec<u8> = order.iter().flat_map(|p| cases(p.bytes[0])).collect();
        let seconds: Vec<u8> = if order.iter().any(|p| p.bytes.len() == 1) {
            (0..=255).collect()
        } else {
            order.iter().flat_map(|p| cases(p.bytes[1])).collect()
        };
        let block = NibbleSet::new(&firsts)
            .zip(NibbleSet::new(&seconds))
            .map(|(first, second)| ByteSets { first, second })
            .filter(|_| ssse3::available());
        WordSearch {
            pairs,
            buckets,
            order,
            block,
        }
    }

    /// Whether some pattern starts with `b0 b1`.
    #[inline(always)]
    fn may_start(&self, b0: u8, b1: u8) -> bool {
        let bit = usize::from(b0) << 8 | usize::from(b1);
        self.pairs[(bit >> 6) & 1023] & 1 << (bit & 63) != 0
    }

    /// The longest pattern (first given among equals) at `hay[at..]` that ends by `to`: its
    /// length and index.
    #[inline]
    fn longest_at(&self, hay: &[u8], at: usize, to: usize) -> Option<(usize, usize)> {
        let first = usize::from(hay[at].to_ascii_lowercase());
        let bucket = &self.order[self.buckets[first] as usize..self.buckets[first + 1] as usize];
        let head = lower8(load8(hay, at));
        bucket.iter().find_map(|p| {
            let len = p.bytes.len();
            let fits = at + len <= to
                && head & p.mask == p.head
                && (len <= 8 || hay[at + 8..at + len].eq_ignore_ascii_case(&p.bytes[8..]));
            fits.then_some((len, p.index))
        })
    }

    /// Calls `found(start, end, pattern)` for each match in `hay[from..to]` that starts before
    /// `starts_before`, in order.
    #[inline]
    pub fn for_each(
        &self,
        hay: &[u8],
        from: usize,
        to: usize,
        starts_before: usize,
        mut found: impl FnMut(usize, usize, usize),
    ) {
        let to = to.min(hay.len());
        let stop = starts_before.min(to);
        // Positions below `limit` are tested by byte pair; the last byte only for a one-byte word.
        let limit = stop.min(to.saturating_sub(1));
        let mut at = from;
        while at + 1 < to && at < stop {
            // Sixteen positions at a time: only those the block filter passes are tested, in
            // order; one a match covers is passed over as in the scalar loop.
            #[cfg(target_arch = "x86_64")]
            if let Some(sets) = &self.block {
                if at + 17 <= hay.len() {
                    let base = at;
                    let mut bits = ssse3::pair_filter(sets, hay, base);
                    if limit - base < 16 {
                        bits &= (1 << (limit - base)) - 1;
                    }
                    while bits != 0 {
                        let p = base + bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        if p < at || !self.may_start(hay[p], hay[p + 1]) {
                            continue;
                        }
                        if let Some((len, i)) = self.longest_at(hay, p, to) {
                            found(p, p + len, i);
                            at = p + len;
                        }
                    }
                    at = at.max((base + 16).min(limit));
                    continue;
                }
            }
            if self.may_start(hay[at], hay[at + 1]) {
                if let Some((len, i)) = self.longest_at(hay, at, to) {
                    found(at, at + len, i);
                    at += len;
                    continue;
                }
            }
            at += 1;
        }
        // The last byte: only a one-byte pattern fits.
        if at + 1 == to && at < stop {
            if let Some((len, i)) = self.longest_at(hay, at, to) {
                found(at, at + len, i);
            }
        }
    }
}

/// The block filter of [`WordSearch`]: SSSE3's byte shuffle looks up sixteen bytes in a nibble
/// table at once. SSSE3 is not part of the x86_64 baseline, so it is detected at run time;
/// without it (and on other architectures) the search tests every position by its pair.
mod ssse3 {
    /// Whether the block filter can run on this CPU.
    pub fn available() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            std::is_x86_feature_detected!("ssse3")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// Bit `i` set when `hay[at + i]` is in `sets.first` and `hay[at + i + 1]` in
    /// `sets.second`, for the 16 positions from `at`. `sets` exists only when
    /// [`available`] said yes.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    pub fn pair_filter(sets: &super::ByteSets, hay: &[u8], at: usize) -> u32 {
        assert!(at + 17 <= hay.len());
        // SAFETY: `sets` is built only after `available()` detected SSSE3; both loads read 16
        // bytes inside `hay` (asserted above), unaligned.
        unsafe { filter(sets, hay.as_ptr().add(at)) }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    unsafe fn filter(sets: &super::ByteSets, p: *const u8) -> u32 {
        use std::arch::x86_64::{
            __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128, _mm_shuffle_epi8, _mm_srli_epi16,
        };
        let nibbles = _mm_set1_epi8(0x0f);
        // 0xFF where the byte is not in the set.
        let outside = |v: __m128i, set: &super::NibbleSet| {
            let low = _mm_loadu_si128(set.low.as_ptr() as *const __m128i);
            let high = _mm_loadu_si128(set.high.as_ptr() as *const __m128i);
            let lo = _mm_shuffle_epi8(low, _mm_and_si128(v, nibbles));
            let hi = _mm_shuffle_epi8(high, _mm_and_si128(_mm_srli_epi16(v, 4), nibbles));
            _mm_cmpeq_epi8(_mm_and_si128(lo, hi), _mm_setzero_si128())
        };
        let b0 = _mm_loadu_si128(p as *const __m128i);
        let b1 = _mm_loadu_si128(p.add(1) as *const __m128i);
        let miss = _mm_or_si128(outside(b0, &sets.first), outside(b1, &sets.second));
        !(_mm_movemask_epi8(miss) as u32) & 0xffff
    }
}

/// Whether some position `p` in `lo..hi - 2` has `hay[p..p + 3] | 0x20` among `heads`: a test
/// every ASCII-case-insensitive match of a head passes (a superset), sixteen positions at a
/// time on x86_64.
fn any_head(hay: &[u8], lo: usize, hi: usize, heads: &[[u8; 3]], splats: &HeadSplats) -> bool {
    let hi = hi.min(hay.len());
    let mut p = lo;
    #[cfg(target_arch = "x86_64")]
    {
        if !heads.is_empty() && lo + 18 <= hi {
            while p + 18 <= hi {
                if heads_sse2(hay, p, splats) {
                    return true;
                }
                p += 16;
            }
            // The last positions, in one more block that overlaps the one before.
            return p + 2 < hi && heads_sse2(hay, hi - 18, splats);
        }
    }
    while p + 3 <= hi {
        let at = [hay[p] | 0x20, hay[p + 1] | 0x20, hay[p + 2] | 0x20];
        if heads.contains(&at) {
            return true;
        }
        p += 1;
    }
    false
}

/// [`any_head`] for the sixteen positions from `p`; `hay` holds 18 bytes from there.
#[cfg(target_arch = "x86_64")]
#[inline]
fn heads_sse2(hay: &[u8], p: usize, splats: &HeadSplats) -> bool {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_load_si128, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
    };
    assert!(p + 18 <= hay.len());
    // SAFETY: SSE2 is part of the x86_64 baseline; the three unaligned loads read 16 bytes
    // from `p`, `p + 1` and `p + 2`, inside `hay` by the assertion above; a `Splat` is 16
    // bytes aligned to 16.
    unsafe {
        let lower = _mm_set1_epi8(0x20);
        let at = |k: usize| {
            _mm_or_si128(
                _mm_loadu_si128(hay.as_ptr().add(p + k) as *const __m128i),
                lower,
            )
        };
        let (b0, b1, b2) = (at(0), at(1), at(2));
        let eq = |v: __m128i, s: &Splat| {
            _mm_cmpeq_epi8(v, _mm_load_si128(s.0.as_ptr() as *const __m128i))
        };
        let mut hit = _mm_setzero_si128();
        for [h0, h1, h2] in splats {
            hit = _mm_or_si128(
                hit,
                _mm_and_si128(_mm_and_si128(eq(b0, h0), eq(b1, h1)), eq(b2, h2)),
            );
        }
        _mm_movemask_epi8(hit) != 0
    }
}

/// How many bytes on each side of a span the vector path of [`ContextMatcher::nearest`] reads:
/// three blocks of 32. A matcher whose window plus longest word reaches farther uses the plain
/// path.
const SPAN: usize = 96;

// The vector path tests the first 64 positions after a span for word starts.
const _: () = assert!(WINDOW < 64 && WINDOW < SPAN);

/// Which words may start at a position, judged by the position's first three bytes: Teddy's
/// bucket tables (from Hyperscan; `aho-corasick` uses them too). The words' three-byte heads
/// (ASCII lowercased, then bit 5 set: `b | 0x20`) are put in eight buckets; byte `k` of a head
/// sets its bucket's bit at its low nibble in `low[k]` and at its high nibble in `high[k]`. A
/// position passes when some bucket's bit survives the AND over the three bytes of both
/// lookups: every position where a word matches (ASCII case-insensitively) passes, and, with at
/// most eight heads, only those whose three bytes are a head. Setting bit 5 on the text too
/// folds ASCII case, and `Ø` onto `ø` in UTF-8 (`C3 98`) and in Latin-1 (`D8`), so the heads
/// fit the tables; the bytes it also folds together only let more positions pass.
#[derive(Clone, Debug)]
struct Teddy {
    /// Per byte of the head, the bucket bits by low nibble, the 16 entries twice (one copy per
    /// 128-bit lane of a shuffle).
    low: [[u8; 32]; 3],
    /// The same by high nibble.
    high: [[u8; 32]; 3],
}

impl Teddy {
    /// The tables for `patterns` (none empty). Words shorter than three bytes test only as many
    /// bytes as the shortest has; the rest of the tables pass everything.
    fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Teddy {
        let m = patterns
            .iter()
            .map(|p| p.as_ref().len())
            .min()
            .unwrap_or(0)
            .min(3);
        let mut heads: Vec<Vec<u8>> = patterns
            .iter()
            .map(|p| p.as_ref()[..m].iter().map(|b| b | 0x20).collect())
            .collect();
        heads.sort_unstable();
        heads.dedup();
        let mut t = Teddy {
            low: [[0xff; 32]; 3],
            high: [[0xff; 32]; 3],
        };
        for k in 0..m {
            t.low[k] = [0; 32];
            t.high[k] = [0; 32];
        }
        // Neighbours in sorted order share leading bytes: a bucket of them adds few nibbles.
        for (j, head) in heads.iter().enumerate() {
            let bit = 1u8 << (j * 8 / heads.len());
            for (k, &b) in head.iter().enumerate() {
                for lane in [0, 16] {
                    t.low[k][lane + usize::from(b & 15)] |= bit;
                    t.high[k][lane + usize::from(b >> 4)] |= bit;
                }
            }
        }
        t
    }

    /// Whether a word may start with `bytes` (the vector test, one position).
    #[cfg(test)]
    fn passes(&self, bytes: [u8; 3]) -> bool {
        let mut acc = 0xff;
        for (k, b) in bytes.into_iter().enumerate() {
            let f = b | 0x20;
            acc &= self.low[k][usize::from(f & 15)] & self.high[k][usize::from(f >> 4)];
        }
        acc != 0
    }
}

/// Nibble tables of the bytes that are not word bytes (see [`is_word_byte`]): `b` is one when
/// `low[b & 15] & high[b >> 4]` is not zero. High nibbles with the same row of low nibbles
/// share a bit; there are four such rows, so the test is exact.
fn gap_tables() -> ([u8; 32], [u8; 32]) {
    let row =
        |h: u8| -> u16 { (0..16u8).fold(0, |r, l| r | u16::from(!is_word_byte(h << 4 | l)) << l) };
    let mut rows: Vec<u16> = (0..16).map(row).filter(|&r| r != 0).collect();
    rows.sort_unstable();
    rows.dedup();
    assert!(rows.len() <= 8, "word bytes need at most eight rows");
    let (mut low, mut high) = ([0u8; 32], [0u8; 32]);
    for h in 0..16u8 {
        let r = row(h);
        if let Some(bit) = rows.iter().position(|&x| x == r) {
            for lane in [0, 16] {
                high[lane + usize::from(h)] = 1 << bit;
                for l in 0..16 {
                    if r >> l & 1 == 1 {
                        low[lane + l] |= 1 << bit;
                    }
                }
            }
        }
    }
    (low, high)
}

/// Whether no word can start at a word boundary inside another word (after a byte of it that
/// is not a word byte: `cpr-nr` holds `nr` after `-`). Then a match that does not start at a
/// word boundary never covers a reportable one, and the search may skip every position that is
/// not a word boundary and still report the same matches there. `credit card` (card words)
/// holds `card`, so those words are searched position by position.
fn no_word_starts_inside_a_word(patterns: &[Vec<u8>]) -> bool {
    patterns.iter().all(|a| {
        (1..a.len()).all(|k| {
            is_word_byte(a[k - 1])
                || patterns.iter().all(|b| {
                    let n = b.len().min(a.len() - k);
                    !a[k..k + n].eq_ignore_ascii_case(&b[..n])
                })
        })
    })
}

/// The vector path of [`ContextMatcher`]: Teddy tables for every word and for the positive
/// ones, and whether positions off a word boundary may be skipped.
#[derive(Clone, Debug)]
struct Fast {
    all: Teddy,
    /// `None` when the matcher has no positive word.
    positive: Option<Teddy>,
    /// [`no_word_starts_inside_a_word`] holds for the words.
    boundary_only: bool,
    /// [`gap_tables`].
    gap: ([u8; 32], [u8; 32]),
}

/// The block filter of [`ContextMatcher::nearest`]: AVX2 tests 32 positions at once. AVX2 is
/// detected at run time; without it (and on other architectures) the plain path runs.
mod avx2 {
    /// Whether the vector path can run on this CPU.
    pub fn available() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            std::is_x86_feature_detected!("avx2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// For the [`super::SPAN`] positions before `start` and those from `end`: the bit sets of
    /// those where a word of `teddy` may start (and, with `boundary_only`, that follow a byte
    /// that is not a word byte), and of those holding `\n`. The right side's starts are given
    /// for its first 64 positions only (words start at most [`super::WINDOW`] bytes after the
    /// span). `fast` exists only when [`available`] said yes.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    pub fn sides(
        fast: &super::Fast,
        teddy: &super::Teddy,
        hay: &[u8],
        (start, end): (usize, usize),
        boundary_only: bool,
    ) -> [(u128, u128); 2] {
        assert!(start > super::SPAN && end + super::SPAN + 2 <= hay.len());
        // SAFETY: `fast` is built only after `available()` detected AVX2; the loads read 32
        // bytes from `start - SPAN - 1` up to `start + 2 - 32` and from `end - 1` up to
        // `end + SPAN + 2 - 32`, inside `hay` by the assertion above, unaligned.
        unsafe { sides_avx2(fast, teddy, hay.as_ptr(), (start, end), boundary_only) }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn sides_avx2(
        fast: &super::Fast,
        teddy: &super::Teddy,
        hay: *const u8,
        (start, end): (usize, usize),
        boundary_only: bool,
    ) -> [(u128, u128); 2] {
        use std::arch::x86_64::{
            __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
            _mm256_or_si256, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8,
            _mm256_srli_epi16,
        };
        let load = |q: *const u8| _mm256_loadu_si256(q as *const __m256i);
        let table = |k: usize| (load(teddy.low[k].as_ptr()), load(teddy.high[k].as_ptr()));
        let (tables, gap) = (
            [table(0), table(1), table(2)],
            (load(fast.gap.0.as_ptr()), load(fast.gap.1.as_ptr())),
        );
        let nibbles = _mm256_set1_epi8(0x0f);
        let look = |v: __m256i, (low, high): (__m256i, __m256i)| {
            let lo = _mm256_shuffle_epi8(low, _mm256_and_si256(v, nibbles));
            let hi = _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibbles));
            _mm256_and_si256(lo, hi)
        };
        let (fold, zero, newline) = (
            _mm256_set1_epi8(0x20),
            _mm256_setzero_si256(),
            _mm256_set1_epi8(b'\n' as i8),
        );
        // The starts of the 32 positions from `p`.
        let starts = |p: *const u8| {
            let mut buckets = look(_mm256_or_si256(load(p), fold), tables[0]);
            for (k, &t) in tables.iter().enumerate().skip(1) {
                buckets = _mm256_and_si256(buckets, look(_mm256_or_si256(load(p.add(k)), fold), t));
            }
            let mut miss = _mm256_cmpeq_epi8(buckets, zero);
            if boundary_only {
                miss = _mm256_or_si256(miss, _mm256_cmpeq_epi8(look(load(p.sub(1)), gap), zero));
            }
            u128::from(!(_mm256_movemask_epi8(miss) as u32))
        };
        let lines = |p: *const u8| {
            u128::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(load(p), newline)) as u32)
        };
        let (mut left, mut left_lines, mut right, mut right_lines) = (0, 0, 0, 0);
        for b in 0..3 {
            let p = hay.add(start - super::SPAN + 32 * b);
            left |= starts(p) << (32 * b);
            left_lines |= lines(p) << (32 * b);
            let p = hay.add(end + 32 * b);
            if b < 2 {
                right |= starts(p) << (32 * b);
            }
            right_lines |= lines(p) << (32 * b);
        }
        [(left, left_lines), (right, right_lines)]
    }
}

/// Finds context words in a window around a span.
#[derive(Clone, Debug)]
pub struct ContextMatcher {
    search: WordSearch,
    /// For each automaton pattern, the word it spells.
    words: Vec<Word>,
    /// The longest pattern, in bytes: how far beyond the window a word may start.
    longest: usize,
    /// The first three bytes of every spelling of a positive word, bit 5 set (ASCII lower
    /// case); `None` when a spelling is shorter or there are too many to test at once.
    positive_heads: Option<Vec<[u8; 3]>>,
    /// Each head's three bytes, each repeated sixteen times, for the vector test.
    head_splats: HeadSplats,
    /// The vector path, when the CPU has AVX2 and the window fits [`SPAN`].
    fast: Option<Fast>,
}

/// Sixteen copies of a byte, aligned so a vector compare can read it from memory.
#[derive(Clone, Copy, Debug)]
#[repr(align(16))]
struct Splat([u8; 16]);

/// At most this many distinct heads are tested by [`ContextMatcher::nearby_if_positive`].
const MAX_HEADS: usize = 8;

/// Each head's three bytes, each repeated sixteen times; [`MAX_HEADS`] of them, the last head
/// repeated to fill the array, so the vector test is a fixed sequence of compares.
type HeadSplats = [[Splat; 3]; MAX_HEADS];

fn head_splats(heads: &[[u8; 3]]) -> HeadSplats {
    let last = heads.last().copied().unwrap_or([0; 3]);
    std::array::from_fn(|i| {
        heads
            .get(i)
            .copied()
            .unwrap_or(last)
            .map(|b| Splat([b; 16]))
    })
}

/// The positions from `base` (bit `i` for `base + i`) where a word may start on one side of a
/// span, and the end of the window on that side.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
struct Starts {
    base: usize,
    bits: u128,
    to: usize,
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
        let mut heads: Vec<[u8; 3]> = Vec::new();
        let mut short = false;
        for (pattern, word) in patterns.iter().zip(&owners) {
            if word.polarity == Polarity::Positive {
                match pattern.as_slice() {
                    [a, b, c, ..] => heads.push([a | 0x20, b | 0x20, c | 0x20]),
                    _ => short = true,
                }
            }
        }
        heads.sort_unstable();
        heads.dedup();
        let head_splats = head_splats(&heads);
        let positive: Vec<&Vec<u8>> = patterns
            .iter()
            .zip(&owners)
            .filter(|(_, w)| w.polarity == Polarity::Positive)
            .map(|(p, _)| p)
            .collect();
        let fast =
            (!patterns.is_empty() && WINDOW + longest <= SPAN && avx2::available()).then(|| Fast {
                all: Teddy::new(&patterns),
                positive: (!positive.is_empty()).then(|| Teddy::new(&positive)),
                boundary_only: no_word_starts_inside_a_word(&patterns),
                gap: gap_tables(),
            });
        ContextMatcher {
            search: WordSearch::new(&patterns),
            words: owners,
            longest,
            positive_heads: (!short && heads.len() <= MAX_HEADS).then_some(heads),
            head_splats,
            fast,
        }
    }

    /// [`ContextMatcher::nearby`] for a kind that reports nothing without a positive word:
    /// when no three bytes in the window could begin one (the usual case for an 8-digit id in a
    /// log line), answers "no words" without the search. Same answer as `nearby` whenever a
    /// positive word is near; when none is, no positive word (the negative one may be missing).
    pub fn nearby_if_positive(&self, hay: &[u8], start: usize, end: usize) -> Nearby {
        if self.words.is_empty() {
            return Nearby::default();
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(fast) = self.fast_fits(hay, start, end) {
            let Some(positive) = &fast.positive else {
                return Nearby::default();
            };
            let (left, right) = self.starts(fast, positive, true, hay, start, end);
            if left.bits == 0 && right.bits == 0 {
                return Nearby::default();
            }
            return self.nearest(hay, start, end).0;
        }
        let window = self.window(hay, start, end);
        if let Some(heads) = &self.positive_heads {
            if !any_head(hay, window.0, window.1, heads, &self.head_splats) {
                return Nearby::default();
            }
        }
        self.nearest_in(hay, start, end, window).0
    }

    /// The bytes a word found near `hay[start..end]` lies in: up to the window plus the longest
    /// word on each side, within the line.
    fn window(&self, hay: &[u8], start: usize, end: usize) -> (usize, usize) {
        let reach = WINDOW + self.longest;
        let lo = start.saturating_sub(reach);
        let lo = memchr::memrchr(b'\n', &hay[lo..start]).map_or(lo, |i| lo + i + 1);
        let hi = (end + reach).min(hay.len());
        let hi = memchr::memchr(b'\n', &hay[end..hi]).map_or(hi, |i| end + i);
        (lo, hi)
    }

    /// The context words within [`WINDOW`] bytes of `hay[start..end]` on the same line. `hay`
    /// must hold at least `WINDOW` plus the longest word of bytes on each side of the span where
    /// the input has them (the search driver guarantees this).
    pub fn nearby(&self, hay: &[u8], start: usize, end: usize) -> Nearby {
        self.nearest(hay, start, end).0
    }

    /// [`ContextMatcher::nearby`], with the gap in bytes between the span and each word found
    /// (`usize::MAX` for none), positive first.
    fn nearest(&self, hay: &[u8], start: usize, end: usize) -> (Nearby, [usize; 2]) {
        if self.words.is_empty() {
            return (Nearby::default(), [usize::MAX; 2]);
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(fast) = self.fast_fits(hay, start, end) {
            return self.nearest_fast(fast, hay, start, end);
        }
        self.nearest_in(hay, start, end, self.window(hay, start, end))
    }

    /// The vector path, when the CPU has it and `hay` holds [`SPAN`] bytes and a few more on
    /// each side of the span.
    #[inline]
    fn fast_fits(&self, hay: &[u8], start: usize, end: usize) -> Option<&Fast> {
        self.fast
            .as_ref()
            .filter(|_| start > SPAN && end + SPAN + 2 <= hay.len())
    }

    /// The positions where a word of `teddy` may start on each side of the span, within the
    /// window (as [`ContextMatcher::window`] bounds it, and on the right no more than
    /// [`WINDOW`] bytes after the span), from one vector pass over [`SPAN`] bytes each side.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn starts(
        &self,
        fast: &Fast,
        teddy: &Teddy,
        boundary_only: bool,
        hay: &[u8],
        start: usize,
        end: usize,
    ) -> (Starts, Starts) {
        let reach = WINDOW + self.longest;
        let base = start - SPAN;
        let [(left, left_lines), (right, right_lines)] =
            avx2::sides(fast, teddy, hay, (start, end), boundary_only);
        // The window: after the last line end at most `reach` before the span, before the
        // first one at most `reach` after it.
        let left_lines = left_lines & !0u128 << (SPAN - reach);
        let lo = match left_lines {
            0 => SPAN - reach,
            l => 128 - l.leading_zeros() as usize,
        };
        let right_lines = right_lines & ((1u128 << reach) - 1);
        let hi = match right_lines {
            0 => reach,
            l => l.trailing_zeros() as usize,
        };
        let stop = hi.min(WINDOW + 1);
        (
            Starts {
                base,
                bits: left & !0u128 << lo,
                to: start,
            },
            Starts {
                base: end,
                bits: right & ((1u128 << stop) - 1),
                to: end + hi,
            },
        )
    }

    /// [`ContextMatcher::nearest`] by the vector path: the positions a word may start at on
    /// each side are tested in order as [`WordSearch::for_each`] tests them (a match covers
    /// the positions after its start); the others cannot start a reportable word.
    #[cfg(target_arch = "x86_64")]
    fn nearest_fast(
        &self,
        fast: &Fast,
        hay: &[u8],
        start: usize,
        end: usize,
    ) -> (Nearby, [usize; 2]) {
        let mut found = Nearby::default();
        let mut best = [usize::MAX; 2];
        let sides = self.starts(fast, &fast.all, fast.boundary_only, hay, start, end);
        for Starts { base, mut bits, to } in <[Starts; 2]>::from(sides) {
            let mut at = base;
            while bits != 0 {
                let p = base + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if p < at || !self.search.may_start(hay[p], hay[p + 1]) {
                    continue;
                }
                if let Some((len, i)) = self.search.longest_at(hay, p, to) {
                    self.keep(hay, start, end, (p, p + len, i), &mut found, &mut best);
                    at = p + len;
                }
            }
        }
        (found, best)
    }

    /// Keeps the word `i` found at `hay[ws..we]` when it is at a word boundary, within
    /// [`WINDOW`] of `hay[start..end]` and nearer than the one of its polarity kept so far.
    #[inline]
    fn keep(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        (ws, we, i): (usize, usize, usize),
        found: &mut Nearby,
        best: &mut [usize; 2],
    ) {
        let word = self.words[i];
        if !self.at_boundary(hay, ws, we, word) {
            return;
        }
        let gap = if we <= start { start - we } else { ws - end };
        if gap > WINDOW {
            return;
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

    /// [`ContextMatcher::nearest`] in the window `(lo, hi)` already worked out for the span.
    fn nearest_in(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        (lo, hi): (usize, usize),
    ) -> (Nearby, [usize; 2]) {
        let mut found = Nearby::default();
        let mut best = [usize::MAX; 2];
        // A word starting more than the window after the span is too far: the search of the
        // right side stops there.
        for (side, stop) in [(lo..start, start), (end..hi, end + WINDOW + 1)] {
            self.search
                .for_each(hay, side.start, side.end, stop, |ws, we, i| {
                    self.keep(hay, start, end, (ws, we, i), &mut found, &mut best)
                });
        }
        (found, best)
    }

    /// [`ContextMatcher::nearby`] for words that name what the span is: when a positive word is
    /// strictly nearer than the nearest negative one, the negative one is dropped. In `Kunde
    /// personnummer: 010190-1238` the number is a personnummer, not a customer number; in
    /// `cpr-opslag, kundenr 0101901238` it is a customer number.
    pub fn label(&self, hay: &[u8], start: usize, end: usize) -> Nearby {
        let (mut found, [positive, negative]) = self.nearest(hay, start, end);
        if found.positive.is_some() && positive < negative {
            found.negative = None;
        }
        found
    }

    /// The first positive and the first negative word anywhere in `text` (a column's name):
    /// no window, no line.
    pub fn words_in(&self, text: &[u8]) -> Nearby {
        let mut found = Nearby::default();
        self.search
            .for_each(text, 0, text.len(), text.len(), |ws, we, i| {
                let word = self.words[i];
                if !self.at_boundary(text, ws, we, word) {
                    return;
                }
                let slot = match word.polarity {
                    Polarity::Positive => &mut found.positive,
                    Polarity::Negative => &mut found.negative,
                };
                slot.get_or_insert(word.canonical);
            });
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
    use aho_corasick::{AhoCorasickBuilder, MatchKind};

    /// The matches of the automaton the search replaced, as (start, end, pattern).
    fn automaton_matches(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .unwrap();
        ac.find_iter(hay)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    /// [`automaton_matches`] of `hay[from..to]`, at offsets into `hay`.
    fn automaton_matches_in(
        patterns: &[Vec<u8>],
        hay: &[u8],
        from: usize,
        to: usize,
    ) -> Vec<(usize, usize, usize)> {
        automaton_matches(patterns, &hay[from..to])
            .into_iter()
            .map(|(s, e, i)| (s + from, e + from, i))
            .collect()
    }

    fn search_matches(
        search: &WordSearch,
        hay: &[u8],
        from: usize,
        to: usize,
    ) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        search.for_each(hay, from, to, to, |s, e, i| out.push((s, e, i)));
        // Without the block filter, position by position, the search finds the same.
        let plain = WordSearch {
            block: None,
            ..search.clone()
        };
        let mut scalar = Vec::new();
        plain.for_each(hay, from, to, to, |s, e, i| scalar.push((s, e, i)));
        assert_eq!(out, scalar, "block filter and scalar search differ");
        out
    }

    use crate::testgen::Rng;

    /// Appends one of `patterns`, whole or its tail, a byte in three upper-cased: text where
    /// words and their fragments meet in every case.
    fn push_word_piece(rng: &mut Rng, patterns: &[Vec<u8>], hay: &mut Vec<u8>) {
        let p = &patterns[rng.next() as usize % patterns.len()];
        let cut = rng.next() as usize % (p.len() + 1);
        let piece = if rng.next().is_multiple_of(2) {
            &p[..]
        } else {
            &p[cut..]
        };
        for &b in piece {
            hay.push(if rng.next().is_multiple_of(3) {
                b.to_ascii_uppercase()
            } else {
                b
            });
        }
    }

    #[test]
    fn lower8_lowercases_exactly_the_ascii_capitals_of_every_byte() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                // The byte at each position among neighbours that could carry into it.
                let mut bytes = [0xffu8, b'Z', 0x80, b'@', b'[', 0x7f, b'A', 0];
                bytes[pos] = b;
                let want: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
                let got = lower8(u64::from_le_bytes(bytes)).to_le_bytes();
                assert_eq!(got.to_vec(), want, "byte {b:#x} at {pos}");
            }
        }
    }

    #[test]
    fn nibble_sets_hold_exactly_their_bytes() {
        let mut rng = Rng(0x51_7cc1_b727_220a);
        for _ in 0..2000 {
            let len = rng.next() as usize % 40;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            match NibbleSet::new(&bytes) {
                Some(set) => {
                    for b in 0..=255u8 {
                        assert_eq!(set.contains(b), bytes.contains(&b), "{b:#x} in {bytes:?}");
                    }
                }
                None => {
                    let mut highs: Vec<u8> = bytes.iter().map(|b| b >> 4).collect();
                    highs.sort_unstable();
                    highs.dedup();
                    assert!(highs.len() > 8);
                }
            }
        }
    }

    #[test]
    fn the_busiest_word_lists_use_the_block_filter() {
        if !ssse3::available() {
            return;
        }
        for words in [
            CPR_WORDS,
            crate::kinds::phone::WORDS,
            crate::kinds::card::WORDS,
        ] {
            let patterns: Vec<Vec<u8>> =
                words.iter().flat_map(|w| spellings(w.canonical)).collect();
            assert!(WordSearch::new(&patterns).block.is_some());
        }
    }

    #[test]
    fn word_search_finds_what_the_automaton_finds_on_random_inputs() {
        // A small alphabet with both cases, separators and the bytes of `ø` in UTF-8 and
        // Latin-1, so patterns overlap, share prefixes and repeat in another case.
        let alphabet = b"abAB-. 1\xc3\xb8\xd8\xf8";
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for round in 0..3000 {
            let count = 1 + rng.next() as usize % 10;
            let patterns: Vec<Vec<u8>> = (0..count)
                .map(|_| {
                    // Mostly short, some past the eight bytes compared at once.
                    let len =
                        1 + rng.next() as usize % if rng.next().is_multiple_of(4) { 13 } else { 5 };
                    (0..len).map(|_| rng.pick(alphabet)).collect()
                })
                .collect();
            let search = WordSearch::new(&patterns);
            let len = rng.next() as usize % 90;
            let mut hay: Vec<u8> = Vec::new();
            while hay.len() < len {
                if rng.next().is_multiple_of(8) {
                    let p = &patterns[rng.next() as usize % patterns.len()];
                    hay.extend(p.iter().map(|&b| {
                        if rng.next().is_multiple_of(2) {
                            b.to_ascii_uppercase()
                        } else {
                            b
                        }
                    }));
                } else {
                    hay.push(rng.pick(alphabet));
                }
            }
            let len = hay.len();
            let from = if len == 0 {
                0
            } else {
                rng.next() as usize % (len + 1)
            };
            let to = from + rng.next() as usize % (len - from + 1);
            assert_eq!(
                search_matches(&search, &hay, from, to),
                automaton_matches_in(&patterns, &hay, from, to),
                "round {round}: {patterns:?} in {hay:?}[{from}..{to}]"
            );
        }
    }

    #[test]
    fn word_search_finds_what_the_automaton_finds_with_the_real_words() {
        // Every kind's words in their spellings; text glued from pieces of them.
        let lists = [
            CPR_WORDS,
            crate::kinds::phone::WORDS,
            crate::kinds::card::WORDS,
            crate::kinds::iban::WORDS,
            crate::kinds::email::WORDS,
            crate::kinds::cvr::WORDS,
            crate::kinds::ip::WORDS,
            crate::kinds::substitute::EXTRA_WORDS,
            crate::kinds::contextual::BANK_WORDS,
            crate::kinds::contextual::PASSPORT_WORDS,
            crate::kinds::contextual::LICENCE_WORDS,
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..6000 {
            // Each kind's own list (what a matcher holds), and now and then all of them.
            let list = round % (lists.len() + 1);
            let words = lists
                .get(list)
                .map_or_else(|| lists.concat(), |l| l.to_vec());
            if words.is_empty() {
                continue;
            }
            let patterns: Vec<Vec<u8>> =
                words.iter().flat_map(|w| spellings(w.canonical)).collect();
            let search = WordSearch::new(&patterns);
            let mut hay = Vec::new();
            while hay.len() < 120 {
                push_word_piece(&mut rng, &patterns, &mut hay);
                hay.push(rng.pick(b" -.:x0\n"));
            }
            let from = rng.next() as usize % hay.len();
            let to = from + rng.next() as usize % (hay.len() - from + 1);
            assert_eq!(
                search_matches(&search, &hay, from, to),
                automaton_matches_in(&patterns, &hay, from, to),
                "round {round}"
            );
        }
    }

    #[test]
    fn teddy_passes_every_position_a_word_matches_at_and_only_heads_when_eight_or_fewer() {
        let alphabet = b"abAB-. 1\xc3\xb8\x98\xd8\xf8";
        let mut rng = Rng(0x0dd_b1a5_e5ee_d5ed);
        for _ in 0..3000 {
            let count = 1 + rng.next() as usize % 12;
            let patterns: Vec<Vec<u8>> = (0..count)
                .map(|_| {
                    let len = 1 + rng.next() as usize % 5;
                    (0..len).map(|_| rng.pick(alphabet)).collect()
                })
                .collect();
            let teddy = Teddy::new(&patterns);
            let m = patterns.iter().map(Vec::len).min().unwrap_or(0).min(3);
            let mut heads: Vec<Vec<u8>> = patterns
                .iter()
                .map(|p| p[..m].iter().map(|b| b | 0x20).collect())
                .collect();
            heads.sort_unstable();
            heads.dedup();
            for _ in 0..20 {
                let bytes: [u8; 3] = std::array::from_fn(|_| rng.pick(alphabet));
                let matches = patterns.iter().any(|p| {
                    let n = p.len().min(3);
                    bytes[..n].eq_ignore_ascii_case(&p[..n])
                });
                let passes = teddy.passes(bytes);
                if matches {
                    assert!(passes, "{bytes:?} starts one of {patterns:?}");
                }
                if heads.len() <= 8 {
                    let folded: Vec<u8> = bytes[..m].iter().map(|b| b | 0x20).collect();
                    assert_eq!(passes, heads.contains(&folded), "{bytes:?} {heads:?}");
                }
            }
        }
    }

    #[test]
    fn gap_tables_hold_exactly_the_bytes_that_are_not_word_bytes() {
        let (low, high) = gap_tables();
        for b in 0..=255u8 {
            let gap = low[usize::from(b & 15)] & high[usize::from(b >> 4)] != 0;
            assert_eq!(gap, !is_word_byte(b), "{b:#x}");
            let gap = low[16 + usize::from(b & 15)] & high[16 + usize::from(b >> 4)] != 0;
            assert_eq!(gap, !is_word_byte(b), "{b:#x}, upper lane");
        }
    }

    #[test]
    fn only_words_holding_another_word_after_a_gap_need_every_position_searched() {
        let safe = |words: &[Word]| {
            let patterns: Vec<Vec<u8>> =
                words.iter().flat_map(|w| spellings(w.canonical)).collect();
            no_word_starts_inside_a_word(&patterns)
        };
        assert!(safe(CPR_WORDS));
        assert!(safe(crate::kinds::phone::WORDS));
        // `credit card` holds `card`; `e-cpr` holds `cpr`.
        assert!(!safe(crate::kinds::card::WORDS));
        assert!(!safe(
            &[CPR_WORDS, crate::kinds::substitute::EXTRA_WORDS].concat()
        ));
        assert!(!safe(&[pos("ab-cd", true), neg("CD", true)]));
        assert!(safe(&[
            pos("ab-cd", true),
            neg("cx", true),
            neg("bc", true)
        ]));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_sides_agree_with_the_scalar_tests_of_each_position() {
        if !avx2::available() {
            return;
        }
        let m = ContextMatcher::new(CPR_WORDS);
        let fast = m.fast.as_ref().expect("the vector path is built");
        let alphabet = b"cCpPrR-. \n;:x1\xc3\xb8\xf8";
        let mut rng = Rng(0xfeed_f00d_0bad_cafe);
        for round in 0..2000 {
            let hay: Vec<u8> = (0..260).map(|_| rng.pick(alphabet)).collect();
            let start = SPAN + 1 + rng.next() as usize % 40;
            let end = start + 1 + rng.next() as usize % 20;
            let boundary = round % 2 == 0;
            let [(left, left_lines), (right, right_lines)] =
                avx2::sides(fast, &fast.all, &hay, (start, end), boundary);
            let bits = |from: usize, n: usize, test: &dyn Fn(usize) -> bool| {
                (0..n).fold(0u128, |acc, i| acc | u128::from(test(from + i)) << i)
            };
            let starts = |p: usize| {
                fast.all.passes([hay[p], hay[p + 1], hay[p + 2]])
                    && (!boundary || !is_word_byte(hay[p - 1]))
            };
            let line = |p: usize| hay[p] == b'\n';
            assert_eq!(left, bits(start - SPAN, SPAN, &starts), "round {round}");
            assert_eq!(left_lines, bits(start - SPAN, SPAN, &line));
            assert_eq!(right, bits(end, 64, &starts), "round {round}");
            assert_eq!(right_lines, bits(end, SPAN, &line));
        }
    }

    /// The vector path of `nearest` (and of `nearby_if_positive`) must answer exactly what the
    /// plain search over the window does, for lists that may skip positions off a word boundary
    /// and lists that may not, whatever the text around the span.
    #[test]
    fn the_vector_path_finds_what_the_plain_search_finds_on_random_lines() {
        if !avx2::available() {
            return;
        }
        let mut lists: Vec<Vec<Word>> = vec![
            CPR_WORDS.to_vec(),
            crate::kinds::phone::WORDS.to_vec(),
            crate::kinds::card::WORDS.to_vec(),
            crate::kinds::iban::WORDS.to_vec(),
            crate::kinds::cvr::WORDS.to_vec(),
            [CPR_WORDS, crate::kinds::substitute::EXTRA_WORDS].concat(),
        ];
        let mut rng = Rng(0x1234_5678_9abc_def1);
        // Random lists over a small alphabet: words overlap, hold gaps and each other.
        let alphabet = ["a", "b", "A", "-", " ", ".", "ø", "c"];
        for _ in 0..40 {
            let count = 1 + rng.next() as usize % 8;
            let words: Vec<Word> = (0..count)
                .map(|_| {
                    let len = 1 + rng.next() as usize % 6;
                    let text: String = (0..len).map(|_| rng.pick(&alphabet)).collect();
                    let text: &'static str = Box::leak(text.into_boxed_str());
                    let stem = rng.next().is_multiple_of(2);
                    if rng.next().is_multiple_of(2) {
                        pos(text, stem)
                    } else {
                        neg(text, stem)
                    }
                })
                .collect();
            lists.push(words);
        }
        let mut checked = [0usize; 2];
        for (n, words) in lists.iter().enumerate() {
            let m = ContextMatcher::new(words);
            let Some(fast) = &m.fast else { continue };
            checked[usize::from(fast.boundary_only)] += 1;
            let patterns: Vec<Vec<u8>> =
                words.iter().flat_map(|w| spellings(w.canonical)).collect();
            for round in 0..300 {
                let mut hay = Vec::new();
                while hay.len() < 320 {
                    push_word_piece(&mut rng, &patterns, &mut hay);
                    for _ in 0..rng.next() % 3 {
                        hay.push(rng.pick(b" -.:;x0ab\n\xc3"));
                    }
                }
                for _ in 0..8 {
                    let start = SPAN + 1 + rng.next() as usize % 100;
                    let end = start + 1 + rng.next() as usize % 12;
                    if end + SPAN + 2 > hay.len() {
                        continue;
                    }
                    let plain = m.nearest_in(&hay, start, end, m.window(&hay, start, end));
                    assert_eq!(
                        m.nearest(&hay, start, end),
                        plain,
                        "list {n} round {round}: {start}..{end} in {hay:?}"
                    );
                    let quick = m.nearby_if_positive(&hay, start, end);
                    if plain.0.positive.is_some() {
                        assert_eq!(quick, plain.0, "list {n} round {round}");
                    } else {
                        assert_eq!(quick.positive, None, "list {n} round {round}");
                    }
                }
            }
        }
        assert!(
            checked[0] > 3 && checked[1] > 3,
            "both kinds of list: {checked:?}"
        );
    }

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

    /// `nearby_if_positive` must answer what `nearby` does whenever a positive word is near,
    /// and no positive word otherwise, whatever the text: its quick test may only pass too much.
    #[test]
    fn nearby_if_positive_agrees_with_nearby_whenever_a_positive_word_is_near() {
        let words = crate::kinds::phone::WORDS;
        let m = ContextMatcher::new(words);
        assert!(
            m.positive_heads.is_some(),
            "the phone words are tested quickly"
        );
        let pieces = [
            "tlf", "TLF", "Tel", "telefon", "MOBIL", "mob.", "ring", "Ringvej", "string", "phone",
            "fax", "sms", "cvr", "faktura", "ordre", "x", "ab", " ", " ", ": ", "\n", "é",
            "22345678",
        ];
        let mut rng = Rng(0x5eed_1234_abcd_ef01);
        let mut seen_positive = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..rng.next() % 40 {
                text.push_str(rng.pick(&pieces));
            }
            let bytes = text.as_bytes();
            for (start, _) in text.match_indices("22345678") {
                let (end, near) = (start + 8, m.nearby(bytes, start, start + 8));
                let got = m.nearby_if_positive(bytes, start, end);
                if near.positive.is_some() {
                    seen_positive += 1;
                    assert_eq!(got, near, "{text:?}");
                } else {
                    assert_eq!(got.positive, None, "{text:?}");
                }
            }
        }
        assert!(
            seen_positive > 500,
            "positive words were near: {seen_positive}"
        );
    }

    #[test]
    fn the_quick_head_test_agrees_with_a_plain_search_at_every_range() {
        let heads = [*b"tlf", *b"tel", *b"mob"];
        let mut rng = Rng(77);
        for _ in 0..500 {
            let text: Vec<u8> = (0..80).map(|_| rng.pick(b"tTlLfFeEmMoObB x\xc3")).collect();
            for (lo, hi) in [
                (0usize, 80usize),
                (3, 40),
                (10, 29),
                (5, 7),
                (0, 18),
                (1, 19),
            ] {
                let plain = (lo..hi.saturating_sub(2)).any(|p| {
                    heads.contains(&[text[p] | 0x20, text[p + 1] | 0x20, text[p + 2] | 0x20])
                });
                let splats = head_splats(&heads);
                assert_eq!(
                    any_head(&text, lo, hi, &heads, &splats),
                    plain,
                    "{lo}..{hi} {text:?}"
                );
            }
        }
    }

    #[test]
    fn label_drops_a_negative_word_farther_than_the_positive_one() {
        let m = ContextMatcher::new(CPR_WORDS);
        let text = b"Kunde personnummer: 0101901234";
        let n = m.label(text, 20, 30);
        assert_eq!((n.positive, n.negative), (Some("personnummer"), None));
        // `nearby` still reports both.
        assert_eq!(m.nearby(text, 20, 30).negative, Some("kunde"));
    }

    #[test]
    fn label_keeps_a_negative_word_nearer_than_or_as_near_as_the_positive_one() {
        let m = ContextMatcher::new(CPR_WORDS);
        let text = b"cpr-opslag, kundenr 0101901234";
        let n = m.label(text, 20, 30);
        assert_eq!((n.positive, n.negative), (Some("cpr"), Some("kundenr")));
        let text = b"cpr 0101901234 kunde";
        let n = m.label(text, 4, 14);
        assert_eq!((n.positive, n.negative), (Some("cpr"), Some("kunde")));
    }

    #[test]
    fn nearest_word_of_each_polarity_is_kept() {
        let n = near("ordre 12, cpr 0101901234");
        assert_eq!(n.positive, Some("cpr"));
        assert_eq!(n.negative, Some("ordre"));
    }
}
