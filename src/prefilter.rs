//! Which digit runs of a 64-byte block are worth the run gate's look, decided for the whole
//! block at once with bit masks.
//!
//! Logs hold a digit run every ~9 bytes, and nearly all of them are one to five digits long
//! (parts of timestamps, IPs, durations, hex ids). Every built-in kind needs six digits or more
//! in one run, unless a particular byte stands right before the run (`+` before a country code,
//! which never starts with `0`: `+0100` is a time zone; two capitals before an IBAN's check
//! digits), right after it (a space or hyphen between the groups of a card or phone number), or
//! the run starts with `00` (`0045`). A [`Prefilter`] holds
//! those bytes and lengths, derived from the scanner's run gate for the enabled kinds, and
//! [`for_each_offered_run`] classifies 64 bytes into a few masks (digit, byte after, byte before,
//! capital, `0`) and offers only the runs those masks allow. The gate then judges each offered
//! run exactly as before, so this changes how often it is asked, never what it answers: a test
//! checks that every run the gate admits is offered.

use crate::digits::{find_class, is_digit};

/// Runs of this many digits or more are always offered.
pub const LONG: usize = 6;

/// At most this many bytes in [`Prefilter::next`] and [`Prefilter::prev`]: each costs a compare
/// per byte.
const MAX_NEXT: usize = 6;
const MAX_PREV: usize = 2;

/// The bytes and lengths that make a short run (1 to [`LONG`] - 1 digits) worth a look.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefilter {
    /// Whether the filter applies; off, every run is offered (a kind set whose short runs the
    /// masks below cannot describe).
    pub on: bool,
    /// Bytes that, right after a short run, may admit it.
    pub next: Vec<u8>,
    /// The short lengths some byte of `next` admits (bit `n` for `n` digits).
    pub next_lens: u32,
    /// Bytes that, right before a run, may admit a short one.
    pub prev: Vec<u8>,
    /// Whether a run after a byte of `prev` is offered only when it does not start with `0`.
    pub prev_nonzero: bool,
    /// Whether two capital letters right before a run may admit a short one.
    pub letters: bool,
    /// The shortest length admitted for a run that starts with `00`, whatever surrounds it, or
    /// 0 for none.
    pub zero_min: usize,
}

impl Prefilter {
    /// A filter that offers every run.
    pub fn off() -> Prefilter {
        Prefilter::default()
    }

    /// A filter with these sets, or [`Prefilter::off`] when a set is too large to test cheaply
    /// or holds a byte the masks would misjudge at the edge of the input (0, which the gate
    /// reads for a byte past the end).
    pub fn new(
        next: Vec<u8>,
        next_lens: u32,
        prev: Vec<u8>,
        prev_nonzero: bool,
        letters: bool,
        zero_min: usize,
    ) -> Prefilter {
        let fits = |set: &[u8], max: usize| {
            set.len() <= max && !set.iter().any(|&b| b == 0 || is_digit(b))
        };
        if !fits(&next, MAX_NEXT) || !fits(&prev, MAX_PREV) || zero_min >= LONG {
            return Prefilter::off();
        }
        Prefilter {
            on: true,
            next,
            next_lens: next_lens & SHORT_LENS,
            prev,
            prev_nonzero,
            letters,
            zero_min,
        }
    }

    /// Whether the block masks need the `0` bytes.
    fn wants_zero(&self) -> bool {
        self.zero_min > 0 || self.prev_nonzero
    }
}

/// The lengths a short run can have, as a set (bits 1 to 5).
pub const SHORT_LENS: u32 = ((1 << LONG) - 1) & !1;

/// The masks of one 64-byte block: bit `i` for the byte at `at + i`.
#[derive(Clone, Copy, Default)]
struct Masks {
    digit: u64,
    next: u64,
    prev: u64,
    upper: u64,
    zero: u64,
}

impl Masks {
    /// The reference implementation of the block masks: those of the 64 bytes from `at`;
    /// bytes past the end of `hay` are in no class.
    #[cfg(any(test, not(target_arch = "x86_64")))]
    fn scalar(hay: &[u8], at: usize, pf: &Prefilter) -> Masks {
        let mut m = Masks::default();
        let end = hay.len().min(at.saturating_add(64));
        for (i, &b) in hay.get(at..end).unwrap_or(&[]).iter().enumerate() {
            let bit = 1u64 << i;
            if is_digit(b) {
                m.digit |= bit;
            }
            if pf.next.contains(&b) {
                m.next |= bit;
            }
            if pf.prev.contains(&b) {
                m.prev |= bit;
            }
            if pf.letters && b.is_ascii_uppercase() {
                m.upper |= bit;
            }
            if pf.wants_zero() && b == b'0' {
                m.zero |= bit;
            }
        }
        m
    }
}

/// The bytes of `hay` from `at` (fewer than 64, maybe none) followed by zeros: a whole block
/// for the vector masks at the end of the input (every file's last block, on a share of small
/// files). A zero byte is in no class (a [`Prefilter`] holding 0 is off), so its masks are the
/// masks of the bytes past the end: none.
#[cfg(target_arch = "x86_64")]
#[inline]
fn padded_tail(hay: &[u8], at: usize) -> [u8; 64] {
    let mut block = [0; 64];
    let tail = hay.get(at..).unwrap_or(&[]);
    let n = tail.len().min(64);
    block[..n].copy_from_slice(&tail[..n]);
    block
}

/// Computes the masks of a 64-byte block.
trait Classify {
    fn masks(&self, hay: &[u8], at: usize) -> Masks;
}

/// Block masks with SSE2 on x86_64 (part of its baseline; the last, partial block padded with
/// zeros), scalar elsewhere.
struct Portable<'p> {
    /// Read by the scalar masks of other architectures.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pf: &'p Prefilter,
    #[cfg(target_arch = "x86_64")]
    simd: sse2::Sets,
}

impl<'p> Portable<'p> {
    fn new(pf: &'p Prefilter) -> Portable<'p> {
        Portable {
            pf,
            #[cfg(target_arch = "x86_64")]
            simd: sse2::Sets::new(pf),
        }
    }
}

impl Classify for Portable<'_> {
    #[inline(always)]
    fn masks(&self, hay: &[u8], at: usize) -> Masks {
        #[cfg(target_arch = "x86_64")]
        {
            if at + 64 <= hay.len() {
                return self.simd.masks(hay, at);
            }
            self.simd.masks(&padded_tail(hay, at), 0)
        }
        #[cfg(not(target_arch = "x86_64"))]
        Masks::scalar(hay, at, self.pf)
    }
}

/// Bits `k..` of the 128-bit value `hi:lo`, as 64 bits (`0 < k < 64`).
#[inline(always)]
fn shr(lo: u64, hi: u64, k: u32) -> u64 {
    lo >> k | hi << (64 - k)
}

/// Calls `f(start, end)` for every maximal run of ASCII digits `hay[start..end]` that starts in
/// `from..until` and that `pf` offers, in order; like [`crate::digits::for_each_run`] with
/// [`Prefilter::off`]. A run that starts before `from` is not reported, even in part. Uses
/// AVX2 (32 bytes a compare) where the CPU has it, else SSE2.
#[inline(always)]
pub fn for_each_offered_run(
    hay: &[u8],
    from: usize,
    until: usize,
    pf: &Prefilter,
    f: impl FnMut(usize, usize),
) {
    if !pf.on {
        return crate::digits::for_each_run(hay, from, until, f);
    }
    #[cfg(target_arch = "x86_64")]
    {
        if avx2::available() {
            // SAFETY: the CPU has AVX2 (detected above).
            return unsafe { avx2::offered_runs(hay, from, until, pf, f) };
        }
    }
    offered_runs(hay, from, until, pf, &Portable::new(pf), f)
}

/// [`for_each_offered_run`] with the block masks of `classify`.
#[inline(always)]
fn offered_runs<C: Classify>(
    hay: &[u8],
    from: usize,
    until: usize,
    pf: &Prefilter,
    classify: &C,
    mut f: impl FnMut(usize, usize),
) {
    let until = until.min(hay.len());
    if from >= until {
        return;
    }
    // All ones for each short length some byte of `next` admits, zero for the others.
    let lens: [u64; LONG] =
        std::array::from_fn(|n| 0u64.wrapping_sub(u64::from(pf.next_lens >> n & 1)));
    // All ones for the length `zero_min` only.
    let zero_len: [u64; LONG] =
        std::array::from_fn(|n| 0u64.wrapping_sub(u64::from(n == pf.zero_min)));
    // All ones when a run after a byte of `prev` must not start with `0`.
    let prev_zero = 0u64.wrapping_sub(u64::from(pf.prev_nonzero));
    // Whether the byte `k` places before `from` passes `test` (none does before the input).
    let back = |k: usize, test: &dyn Fn(u8) -> bool| u64::from(from >= k && test(hay[from - k]));
    let mut carry_digit = back(1, &is_digit);
    let mut carry_prev = back(1, &|b| pf.prev.contains(&b));
    // Capitals two bytes back (bit 0) and one byte back (bit 1): the top two bits of the block
    // before, as `upper >> 62` carries them.
    let mut carry_upper = if pf.letters {
        let upper = |b: u8| b.is_ascii_uppercase();
        back(2, &upper) | back(1, &upper) << 1
    } else {
        0
    };
    let mut base = from;
    let mut cur = classify.masks(hay, base);
    while base < until {
        let nxt = classify.masks(hay, base + 64);
        let (lo, hi) = (cur.digit, nxt.digit);
        let mut starts = lo & !(lo << 1 | carry_digit);
        let left = until - base;
        if left < 64 {
            starts &= (1u64 << left) - 1;
        }
        if starts != 0 {
            // Bit j of `ends`: a byte of `next` right after a digit.
            let ends_lo = cur.next & (lo << 1 | carry_digit);
            let ends_hi = nxt.next & (hi << 1 | lo >> 63);
            // `gn`, bit i: bytes i to i + n - 1 are digits (a run of n or more at i). Written
            // out so every shift is by a constant (one `shrd`).
            let g1 = lo;
            let g2 = g1 & shr(lo, hi, 1);
            let g3 = g2 & shr(lo, hi, 2);
            let g4 = g3 & shr(lo, hi, 3);
            let g5 = g4 & shr(lo, hi, 4);
            let g6 = g5 & shr(lo, hi, 5);
            // Exactly n digits, then a byte of `next`, for the lengths `next` admits.
            let end = |n: u32| shr(ends_lo, ends_hi, n);
            let mut offered = g6
                | g1 & end(1) & lens[1]
                | g2 & end(2) & lens[2]
                | g3 & end(3) & lens[3]
                | g4 & end(4) & lens[4]
                | g5 & end(5) & lens[5];
            offered |= (cur.prev << 1 | carry_prev) & !(cur.zero & prev_zero);
            let one_back = cur.upper << 1 | carry_upper >> 1;
            let two_back = cur.upper << 2 | carry_upper;
            offered |= one_back & two_back;
            // Runs of `zero_min` digits or more (the `gn` are nested, so the one selected) that
            // start with `00`.
            let from_zero = g1 & zero_len[1]
                | g2 & zero_len[2]
                | g3 & zero_len[3]
                | g4 & zero_len[4]
                | g5 & zero_len[5];
            offered |= cur.zero & shr(cur.zero, nxt.zero, 1) & from_zero;
            let mut visit = starts & offered;
            if visit != 0 {
                let d = u128::from(lo) | u128::from(hi) << 64;
                while visit != 0 {
                    let i = visit.trailing_zeros() as usize;
                    let start = base + i;
                    // The run's length within the two blocks; one that fills them goes on.
                    let len = (!(d >> i)).trailing_zeros() as usize;
                    let end = if i + len < 128 {
                        start + len
                    } else {
                        find_class(hay, base + 128, false)
                    };
                    f(start, end);
                    visit &= visit - 1;
                }
            }
        }
        carry_digit = lo >> 63;
        carry_prev = cur.prev >> 63;
        carry_upper = cur.upper >> 62;
        base += 64;
        cur = nxt;
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };

    use super::{Masks, Prefilter, MAX_NEXT, MAX_PREV};

    /// A [`Prefilter`]'s byte sets as vectors of repeated bytes, made once per search. A set
    /// is padded with its first byte to a fixed size, so every block does the same compares,
    /// without a loop: three or [`MAX_NEXT`] for `next`, [`MAX_PREV`] for `prev`.
    pub struct Sets {
        next: Option<[__m128i; MAX_NEXT]>,
        next_wide: bool,
        prev: Option<[__m128i; MAX_PREV]>,
        letters: bool,
        zero: bool,
    }

    fn splat<const N: usize>(set: &[u8]) -> Option<[__m128i; N]> {
        let first = *set.first()?;
        // SAFETY: SSE2 is part of the x86_64 baseline.
        Some(std::array::from_fn(|i| unsafe {
            _mm_set1_epi8(*set.get(i).unwrap_or(&first) as i8)
        }))
    }

    impl Sets {
        pub fn new(pf: &Prefilter) -> Sets {
            Sets {
                next: splat(&pf.next),
                next_wide: pf.next.len() > 3,
                prev: splat(&pf.prev),
                letters: pf.letters,
                zero: pf.wants_zero(),
            }
        }

        /// The masks of the 64 bytes from `at`, which lie inside `hay`, 16 bytes at a time.
        #[inline(always)]
        pub fn masks(&self, hay: &[u8], at: usize) -> Masks {
            assert!(at + 64 <= hay.len());
            let mut m = Masks::default();
            for k in 0..4 {
                // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the 16 bytes from
                // `at + 16 * k`, inside `hay` by the assertion above, unaligned.
                unsafe {
                    let v = _mm_loadu_si128(hay.as_ptr().add(at + 16 * k) as *const __m128i);
                    let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16) << (16 * k);
                    let any_of = |set: &[__m128i]| {
                        set.iter()
                            .map(|&b| _mm_cmpeq_epi8(v, b))
                            .reduce(|a, b| _mm_or_si128(a, b))
                            .expect("sets are not empty")
                    };
                    // Adding 0x50 moves '0'..='9' to the ten smallest signed bytes (0x80..0x89);
                    // adding 0x3F moves 'A'..='Z' to 0x80..0x99.
                    let digit = _mm_cmplt_epi8(
                        _mm_add_epi8(v, _mm_set1_epi8(0x50)),
                        _mm_set1_epi8(0x8A_u8 as i8),
                    );
                    m.digit |= bits(digit);
                    if let Some(set) = &self.next {
                        m.next |= bits(if self.next_wide {
                            any_of(set)
                        } else {
                            any_of(&set[..3])
                        });
                    }
                    if let Some(set) = &self.prev {
                        m.prev |= bits(any_of(set));
                    }
                    if self.letters {
                        let upper = _mm_cmplt_epi8(
                            _mm_add_epi8(v, _mm_set1_epi8(0x3F)),
                            _mm_set1_epi8(0x9A_u8 as i8),
                        );
                        m.upper |= bits(upper);
                    }
                    if self.zero {
                        m.zero |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'0' as i8)));
                    }
                }
            }
            m
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi8, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };

    use super::{Classify, Masks, Prefilter, MAX_NEXT, MAX_PREV};

    /// Whether this CPU has AVX2 (detected once, then cached by the standard library).
    pub fn available() -> bool {
        std::is_x86_feature_detected!("avx2")
    }

    /// [`super::offered_runs`] compiled for AVX2, with its masks.
    ///
    /// # Safety
    /// The CPU must have AVX2 ([`available`]).
    #[target_feature(enable = "avx2")]
    pub unsafe fn offered_runs(
        hay: &[u8],
        from: usize,
        until: usize,
        pf: &Prefilter,
        f: impl FnMut(usize, usize),
    ) {
        super::offered_runs(hay, from, until, pf, &Sets::new(pf), f)
    }

    /// The byte sets as vectors of repeated bytes, padded like the SSE2 ones.
    pub struct Sets<'p> {
        pf: &'p Prefilter,
        next: Option<[__m256i; MAX_NEXT]>,
        next_wide: bool,
        prev: Option<[__m256i; MAX_PREV]>,
    }

    #[target_feature(enable = "avx2")]
    fn splat<const N: usize>(set: &[u8]) -> Option<[__m256i; N]> {
        let first = *set.first()?;
        Some(std::array::from_fn(|i| {
            _mm256_set1_epi8(*set.get(i).unwrap_or(&first) as i8)
        }))
    }

    impl<'p> Sets<'p> {
        #[target_feature(enable = "avx2")]
        pub fn new(pf: &'p Prefilter) -> Sets<'p> {
            Sets {
                pf,
                next: splat(&pf.next),
                next_wide: pf.next.len() > 3,
                prev: splat(&pf.prev),
            }
        }

        /// The masks of the 64 bytes from `at`, which lie inside `hay`, 32 bytes at a time.
        #[target_feature(enable = "avx2")]
        fn simd(&self, hay: &[u8], at: usize) -> Masks {
            assert!(at + 64 <= hay.len());
            let mut m = Masks::default();
            for k in 0..2 {
                // SAFETY: the load reads the 32 bytes from `at + 32 * k`, inside `hay` by the
                // assertion above, unaligned.
                let v =
                    unsafe { _mm256_loadu_si256(hay.as_ptr().add(at + 32 * k) as *const __m256i) };
                let bits = |x: __m256i| u64::from(_mm256_movemask_epi8(x) as u32) << (32 * k);
                let any_of = |set: &[__m256i]| {
                    set.iter()
                        .map(|&b| _mm256_cmpeq_epi8(v, b))
                        .reduce(|a, b| _mm256_or_si256(a, b))
                        .expect("sets are not empty")
                };
                // As in the SSE2 masks: shift the range to the smallest signed bytes, compare.
                let digit = _mm256_cmpgt_epi8(
                    _mm256_set1_epi8(0x8A_u8 as i8),
                    _mm256_add_epi8(v, _mm256_set1_epi8(0x50)),
                );
                m.digit |= bits(digit);
                if let Some(set) = &self.next {
                    m.next |= bits(if self.next_wide {
                        any_of(set)
                    } else {
                        any_of(&set[..3])
                    });
                }
                if let Some(set) = &self.prev {
                    m.prev |= bits(any_of(set));
                }
                if self.pf.letters {
                    let upper = _mm256_cmpgt_epi8(
                        _mm256_set1_epi8(0x9A_u8 as i8),
                        _mm256_add_epi8(v, _mm256_set1_epi8(0x3F)),
                    );
                    m.upper |= bits(upper);
                }
                if self.pf.wants_zero() {
                    m.zero |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'0' as i8)));
                }
            }
            m
        }
    }

    impl Classify for Sets<'_> {
        #[inline(always)]
        fn masks(&self, hay: &[u8], at: usize) -> Masks {
            // SAFETY: a `Sets` is made only inside `offered_runs`, on a CPU with AVX2.
            unsafe {
                if at + 64 <= hay.len() {
                    self.simd(hay, at)
                } else {
                    self.simd(&super::padded_tail(hay, at), 0)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digits::for_each_run;

    fn filter() -> Prefilter {
        Prefilter::new(
            b" -\xC2".to_vec(),
            1 << 2 | 1 << 4,
            b"+".to_vec(),
            true,
            true,
            4,
        )
    }

    /// Bytes drawn from a pool of digits and every byte class the filter knows.
    fn text(seed: u64, len: usize) -> Vec<u8> {
        let pool = b"0000123456789 -\xC2+AZDKaz./:\n\x00\xff";
        let mut rng = crate::testgen::Rng(seed | 1);
        rng.bytes(pool, len)
    }

    /// What the filter offers, judged one run at a time from the bytes around it.
    fn offered_by_hand(
        hay: &[u8],
        from: usize,
        until: usize,
        pf: &Prefilter,
    ) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        for_each_run(hay, from, until, |s, e| runs.push((s, e)));
        runs.retain(|&(s, e)| {
            let len = e - s;
            let at = |i: Option<usize>| i.and_then(|i| hay.get(i).copied());
            let prev = at(s.checked_sub(1));
            let prev2 = at(s.checked_sub(2));
            len >= LONG
                || at(Some(e)).is_some_and(|b| pf.next.contains(&b)) && pf.next_lens & 1 << len != 0
                || prev.is_some_and(|b| pf.prev.contains(&b))
                    && !(pf.prev_nonzero && hay[s] == b'0')
                || pf.letters
                    && prev.is_some_and(|b| b.is_ascii_uppercase())
                    && prev2.is_some_and(|b| b.is_ascii_uppercase())
                || pf.zero_min > 0 && hay[s..].starts_with(b"00") && len >= pf.zero_min
        });
        runs
    }

    #[test]
    fn block_masks_and_scalar_masks_agree() {
        let pf = filter();
        for seed in 1..30 {
            let hay = text(seed, 300);
            for at in 0..=hay.len() {
                let (a, b) = (
                    Portable::new(&pf).masks(&hay, at),
                    Masks::scalar(&hay, at, &pf),
                );
                assert_eq!(
                    (a.digit, a.next, a.prev, a.upper, a.zero),
                    (b.digit, b.next, b.prev, b.upper, b.zero),
                    "seed {seed} at {at}"
                );
            }
        }
    }

    #[test]
    fn offers_exactly_the_runs_its_rules_name_at_any_range() {
        let pf = filter();
        for seed in 1..80 {
            let mut hay = text(seed, 400);
            // Long stretches of digits too, so runs cross one and two blocks.
            let at = (seed as usize * 41) % 250;
            hay[at..at + 140].fill(b'4');
            for (from, until) in [(0, hay.len()), (1, 399), (63, 64), (64, 200), (at + 3, 390)] {
                let mut got = Vec::new();
                for_each_offered_run(&hay, from, until, &pf, |s, e| got.push((s, e)));
                let expected = offered_by_hand(&hay, from, until, &pf);
                assert_eq!(got, expected, "seed {seed} range {from}..{until}");
                // The SSE2 (or scalar) masks, whatever the CPU has.
                let mut got = Vec::new();
                offered_runs(&hay, from, until, &pf, &Portable::new(&pf), |s, e| {
                    got.push((s, e))
                });
                assert_eq!(got, expected, "portable, seed {seed} range {from}..{until}");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_masks_and_runs_agree_with_the_portable_ones() {
        if !avx2::available() {
            eprintln!("no AVX2 on this CPU: only the portable masks are tested");
            return;
        }
        for pf in [
            filter(),
            Prefilter::new(b" -\xC2./".to_vec(), 1 << 4, b"+".to_vec(), false, false, 0),
            Prefilter::new(b"-".to_vec(), 1 << 2, b"+".to_vec(), true, false, 3),
        ] {
            // SAFETY: AVX2 was detected above.
            let sets = unsafe { avx2::Sets::new(&pf) };
            for seed in 1..40 {
                let mut hay = text(seed, 400);
                let at = (seed as usize * 29) % 250;
                hay[at..at + 100].fill(b'9');
                for at in 0..=hay.len() {
                    let (a, b) = (sets.masks(&hay, at), Masks::scalar(&hay, at, &pf));
                    assert_eq!(
                        (a.digit, a.next, a.prev, a.upper, a.zero),
                        (b.digit, b.next, b.prev, b.upper, b.zero),
                        "seed {seed} at {at}"
                    );
                }
                for (from, until) in [(0, hay.len()), (5, 333), (at + 1, 390)] {
                    let mut got = Vec::new();
                    // SAFETY: AVX2 was detected above.
                    unsafe { avx2::offered_runs(&hay, from, until, &pf, |s, e| got.push((s, e))) };
                    assert_eq!(got, offered_by_hand(&hay, from, until, &pf), "seed {seed}");
                }
            }
        }
    }

    #[test]
    fn a_filter_that_is_off_offers_every_run() {
        let hay = text(7, 500);
        let mut all = Vec::new();
        for_each_run(&hay, 0, hay.len(), |s, e| all.push((s, e)));
        let mut got = Vec::new();
        for_each_offered_run(&hay, 0, hay.len(), &Prefilter::off(), |s, e| {
            got.push((s, e))
        });
        assert_eq!(got, all);
    }

    #[test]
    fn sets_too_large_or_holding_zero_or_digits_turn_the_filter_off() {
        assert!(!Prefilter::new(b" -./:;,".to_vec(), 4, vec![], false, false, 0).on);
        assert!(!Prefilter::new(vec![0], 4, vec![], false, false, 0).on);
        assert!(!Prefilter::new(vec![], 0, b"7".to_vec(), false, false, 0).on);
        assert!(!Prefilter::new(vec![], 0, b"+-=".to_vec(), false, false, 0).on);
        assert!(!Prefilter::new(vec![], 0, vec![], false, false, LONG).on);
        assert!(filter().on);
    }
}
