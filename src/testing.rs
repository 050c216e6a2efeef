//! Helpers for the unit tests.

/// Knuth's MMIX linear congruential generator: deterministic test data without a crate (the
/// integration tests have the same in their `util`).
pub struct Lcg(pub u64);

impl Lcg {
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
