//! Deterministic pseudo-random input for tests: a xorshift64 generator, so every run of a
//! property test sees the same inputs and a failure can be replayed.

/// xorshift64 (shifts 13, 7, 17); the state must not be zero.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next state, which is also the number drawn.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A member of `from`, at random.
    pub(crate) fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.next() as usize % from.len()]
    }

    /// `len` bytes, each drawn from `pool`.
    pub(crate) fn bytes(&mut self, pool: &[u8], len: usize) -> Vec<u8> {
        (0..len).map(|_| self.pick(pool)).collect()
    }
}
