//! The candidate finder's primitive: jump from one run of ASCII digits to the next. Almost every
//! kind cprscan looks for is anchored on digits, and logs are full of digits, so this loop is the
//! hot path. On x86_64 it classifies 16 bytes at a time with SSE2 (part of the x86_64 baseline,
//! so no runtime detection is needed); elsewhere a scalar loop does the same. A test checks that
//! both agree on every position of random inputs.

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

    /// A small deterministic generator (xorshift), so the test needs no crate and no seed file.
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
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
