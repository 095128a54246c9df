//! A tiny seeded pseudo-random number generator: SplitMix64.
//!
//! The flag server needs randomness in two places: the delay of each request, and
//! whether (and how) a request fails. Both must be reproducible (`--seed`), and
//! neither needs cryptographic quality, so a dozen lines of SplitMix64 serve better
//! here than a dependency.
//!
//! Implementation: SplitMix64 as published by Sebastiano Vigna (the generator Java's
//! `SplittableRandom` uses): a 64-bit counter advanced by the golden-ratio increment,
//! then a bit mixer. Every seed, 0 included, gives a full-period stream.
//!
//! What a production program does differently: it uses the `rand` crate, whose
//! generators are faster per bit and whose distributions avoid the small modulo bias
//! that [`SplitMix64::below`] accepts (about 2^-40 for the ranges used here).

/// Weyl-sequence increment of SplitMix64: 2^64 divided by the golden ratio, made odd.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64 generator. Not shared between threads: each user owns one.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    /// The counter; advanced by [`GOLDEN_GAMMA`] on every draw.
    state: u64,
}

impl SplitMix64 {
    /// A generator whose stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` must be at least 1).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// A float uniformly distributed in `[0, 1)`, from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        // 53 = f64 mantissa bits (52 stored + 1 implicit): every value is exact.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_different_seeds_differ() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        let mut c = SplitMix64::new(43);
        let first: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let again: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let other: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(first, again);
        assert_ne!(first, other);
    }

    #[test]
    fn known_first_output_for_seed_zero() {
        // The reference implementation's first output for seed 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn unit_stays_in_range_and_below_respects_bound() {
        let mut rng = SplitMix64::new(7);
        for _ in 0..10_000 {
            let x = rng.unit();
            assert!((0.0..1.0).contains(&x));
            assert!(rng.below(7) < 7);
        }
    }
}
