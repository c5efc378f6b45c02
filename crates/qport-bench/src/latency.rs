//! Latency percentiles of a run's round trips, from every sample (no histogram buckets).

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
}

impl Latency {
    /// Percentiles of `samples` (nanoseconds), which it sorts; `None` when there are none.
    pub fn of(samples: &mut [u64]) -> Option<Latency> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_unstable();
        Some(Latency {
            p50: Duration::from_nanos(nearest_rank(samples, 50.0)),
            p99: Duration::from_nanos(nearest_rank(samples, 99.0)),
        })
    }
}

/// The smallest sample with at least `percent`% of the samples at or below it.
fn nearest_rank(sorted: &[u64], percent: f64) -> u64 {
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut samples: Vec<u64> = (1..=100).rev().collect();
        let latency = Latency::of(&mut samples).unwrap();
        assert_eq!(latency.p50, Duration::from_nanos(50));
        assert_eq!(latency.p99, Duration::from_nanos(99));
    }

    #[test]
    fn one_sample_is_every_percentile() {
        let latency = Latency::of(&mut [7]).unwrap();
        assert_eq!(
            (latency.p50, latency.p99),
            (Duration::from_nanos(7), Duration::from_nanos(7))
        );
    }

    #[test]
    fn no_samples_no_latency() {
        assert_eq!(Latency::of(&mut []), None);
    }
}
