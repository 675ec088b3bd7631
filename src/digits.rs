//! The candidate finder's primitive: jump from one run of ASCII digits to the next. Almost every
//! kind cprscan looks for is anchored on digits, and logs are full of digits (a run every ~9
//! bytes), so this loop is the hot path. [`for_each_run`] classifies 64 bytes into one bit mask
//! and finds run starts and ends with bit operations, so a short run costs a few instructions
//! and no branch per byte. On x86_64 the mask is built with SSE2 (part of the x86_64 baseline,
//! so no runtime detection is needed); elsewhere a scalar loop does the same. Tests check that
//! both agree on random inputs.

/// Whether `b` is an ASCII digit.
#[inline(always)]
pub fn is_digit(b: u8) -> bool {
    b.wrapping_sub(b'0') < 10
}

/// The position of the first byte at or after `from` for which `is_digit(b) == want`, or
/// `hay.len()` if there is none.
#[inline]
pub fn find_class(hay: &[u8], from: usize, want: bool) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::find_class(hay, from, want)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_find_class(hay, from, want)
    }
}

/// The scalar reference implementation of [`find_class`].
pub fn scalar_find_class(hay: &[u8], from: usize, want: bool) -> usize {
    hay[from.min(hay.len())..]
        .iter()
        .position(|&b| is_digit(b) == want)
        .map_or(hay.len(), |i| from + i)
}

/// A mask with bit `i` set when `hay[at + i]` is an ASCII digit, for the 64 bytes from `at`;
/// bytes past the end of `hay` count as non-digits.
#[inline(always)]
pub fn digit_mask64(hay: &[u8], at: usize) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if at + 64 <= hay.len() {
            return sse2::mask64(hay, at);
        }
    }
    scalar_mask64(hay, at)
}

/// The scalar reference implementation of [`digit_mask64`].
pub fn scalar_mask64(hay: &[u8], at: usize) -> u64 {
    let end = hay.len().min(at.saturating_add(64));
    hay.get(at..end).map_or(0, |block| {
        block
            .iter()
            .enumerate()
            .fold(0, |m, (i, &b)| m | u64::from(is_digit(b)) << i)
    })
}

/// Calls `f(start, end)` for every maximal run of ASCII digits `hay[start..end]` that starts in
/// `from..until`, in order. A run that starts before `from` is not reported, even in part: the
/// caller of the range before owns it.
#[inline(always)]
pub fn for_each_run(hay: &[u8], from: usize, until: usize, mut f: impl FnMut(usize, usize)) {
    let until = until.min(hay.len());
    let mut base = from;
    // Whether the byte before the current block is a digit: a digit at bit 0 then continues a
    // run instead of starting one.
    let mut carry = u64::from(base > 0 && base <= hay.len() && is_digit(hay[base - 1]));
    while base < until {
        let m = digit_mask64(hay, base);
        let mut starts = m & !(m << 1 | carry);
        let left = until - base;
        if left < 64 {
            starts &= (1u64 << left) - 1;
        }
        while starts != 0 {
            let i = starts.trailing_zeros();
            let start = base + i as usize;
            // Non-digits from the run's start on; zero if the run reaches the block's end.
            let rest = !m >> i;
            let end = if rest != 0 {
                start + rest.trailing_zeros() as usize
            } else {
                find_class(hay, base + 64, false)
            };
            f(start, end);
            starts &= starts - 1;
        }
        carry = m >> 63;
        base += 64;
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };

    /// A 16-bit mask with bit `i` set when `hay[at + i]` is an ASCII digit.
    ///
    /// Adding 0x50 moves '0'..='9' (0x30..0x39) to 0x80..0x89, the 10 smallest signed bytes, so
    /// one signed compare tests the unsigned range.
    #[inline(always)]
    fn digit_mask(hay: &[u8], at: usize) -> u32 {
        debug_assert!(at + 16 <= hay.len());
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads 16 bytes starting at
        // `at`, which the caller keeps within `hay` (asserted above), and it is unaligned.
        unsafe {
            let v = _mm_loadu_si128(hay.as_ptr().add(at) as *const __m128i);
            let shifted = _mm_add_epi8(v, _mm_set1_epi8(0x50));
            let lt = _mm_cmplt_epi8(shifted, _mm_set1_epi8(0x8A_u8 as i8));
            _mm_movemask_epi8(lt) as u32
        }
    }

    /// [`super::digit_mask64`] for a block that lies inside `hay`.
    #[inline(always)]
    pub fn mask64(hay: &[u8], at: usize) -> u64 {
        assert!(at + 64 <= hay.len());
        let m = |k: usize| u64::from(digit_mask(hay, at + 16 * k));
        m(0) | m(1) << 16 | m(2) << 32 | m(3) << 48
    }

    #[inline]
    pub fn find_class(hay: &[u8], from: usize, want: bool) -> usize {
        let flip = if want { 0 } else { 0xFFFF };
        let mut at = from;
        while at + 16 <= hay.len() {
            let mask = digit_mask(hay, at) ^ flip;
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 16;
        }
        super::scalar_find_class(hay, at, want)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic bytes from `seed` ([`crate::testgen::Rng`]).
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut rng = crate::testgen::Rng(seed | 1);
        (0..len)
            .map(|_| {
                let x = rng.next();
                // Mostly digits and their neighbours in ASCII, some high bytes.
                match x % 4 {
                    0 => b'0' + (x >> 8) as u8 % 10,
                    1 => b'/' + (x >> 8) as u8 % 12,
                    2 => (x >> 8) as u8,
                    _ => b' ',
                }
            })
            .collect()
    }

    #[test]
    fn simd_and_scalar_agree_at_every_position() {
        for seed in 1..50 {
            let hay = bytes(seed, 200);
            for from in 0..=hay.len() {
                for want in [true, false] {
                    assert_eq!(
                        find_class(&hay, from, want),
                        scalar_find_class(&hay, from, want),
                        "seed {seed} from {from} want {want}"
                    );
                }
            }
        }
    }

    /// The runs as the simple loop of two class searches finds them.
    fn runs_by_find_class(hay: &[u8], from: usize, until: usize) -> Vec<(usize, usize)> {
        let mut pos = from;
        if pos > 0 && pos < hay.len() && is_digit(hay[pos - 1]) {
            pos = scalar_find_class(hay, pos, false);
        }
        let mut runs = Vec::new();
        while pos < until {
            let start = scalar_find_class(hay, pos, true);
            if start >= until {
                break;
            }
            let end = scalar_find_class(hay, start + 1, false);
            runs.push((start, end));
            pos = end;
        }
        runs
    }

    #[test]
    fn block_masks_agree_with_scalar_at_every_offset() {
        for seed in 1..40 {
            let hay = bytes(seed, 300);
            for at in 0..=hay.len() + 1 {
                assert_eq!(
                    digit_mask64(&hay, at),
                    scalar_mask64(&hay, at),
                    "seed {seed} at {at}"
                );
            }
        }
    }

    #[test]
    fn runs_from_masks_are_the_runs_of_the_class_search() {
        for seed in 1..60 {
            // Long digit stretches too, so runs cross 64-byte blocks.
            let mut hay = bytes(seed, 400);
            let at = (seed as usize * 37) % 300;
            hay[at..at + 90].fill(b'7');
            for (from, until) in [(0, hay.len()), (1, 399), (63, 64), (64, 200), (at + 5, 380)] {
                let mut got = Vec::new();
                for_each_run(&hay, from, until, |s, e| got.push((s, e)));
                assert_eq!(
                    got,
                    runs_by_find_class(&hay, from, until),
                    "seed {seed} range {from}..{until}"
                );
            }
            for split in 0..hay.len() {
                let mut got = Vec::new();
                for_each_run(&hay, 0, split, |s, e| got.push((s, e)));
                for_each_run(&hay, split, hay.len(), |s, e| got.push((s, e)));
                assert_eq!(got, runs_by_find_class(&hay, 0, hay.len()), "split {split}");
            }
        }
    }

    #[test]
    fn digit_class_has_exactly_ten_members() {
        let digits: Vec<u8> = (0..=255u8).filter(|&b| is_digit(b)).collect();
        assert_eq!(digits, b"0123456789");
    }

    #[test]
    fn every_byte_value_is_classified_like_scalar_in_a_block() {
        let hay: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        for from in 0..hay.len() {
            assert_eq!(
                find_class(&hay, from, true),
                scalar_find_class(&hay, from, true)
            );
        }
    }
}
