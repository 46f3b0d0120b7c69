//! Response times of a time bucket: a log-scale histogram of durations in microseconds with fixed
//! bin boundaries (the DDSketch idea: every value is in the bin `⌈log_γ v⌉`, so a quantile read
//! from it is within 2 % of the true one). Fixed boundaries make merging exact: bins add, so any
//! split of a log merges into the whole's histogram, byte for byte, in any order.

use serde::{Deserialize, Serialize};

/// γ = (1 + α) / (1 − α) for a relative accuracy α of 2 %.
const GAMMA: f64 = 1.02 / 0.98;

/// The most bins: bin 1023 starts at γ^1022 µs, years; longer durations are put there.
pub const BINS: usize = 1024;

/// Durations in microseconds, as counts per bin. Bin 0 holds durations below 1 µs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "std::collections::BTreeMap<u16, u64>")]
#[serde(into = "std::collections::BTreeMap<u16, u64>")]
pub struct Durations {
    /// Counts by bin (trailing bins past the longest duration are absent).
    bins: Vec<u64>,
}

fn bin(us: u64) -> usize {
    if us == 0 {
        return 0;
    }
    // ⌈log_γ(us)⌉, and 1 for 1 µs (log 1 = 0) so that bin 0 stays below 1 µs.
    let b = ((us as f64).ln() / GAMMA.ln()).ceil() as usize;
    b.clamp(1, BINS - 1)
}

/// The value a bin stands for: the point of least relative error between its bounds
/// γ^(b−1) and γ^b.
fn value(b: usize) -> u64 {
    if b == 0 {
        return 0;
    }
    let lo = GAMMA.powi(b as i32 - 1);
    let hi = GAMMA.powi(b as i32);
    (2.0 * lo * hi / (lo + hi)).round() as u64
}

impl Durations {
    /// Counts one duration.
    #[inline]
    pub fn add(&mut self, us: u64) {
        let b = bin(us);
        if self.bins.len() <= b {
            self.bins.resize(b + 1, 0);
        }
        self.bins[b] += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, o: &Durations) {
        if self.bins.len() < o.bins.len() {
            self.bins.resize(o.bins.len(), 0);
        }
        for (m, n) in self.bins.iter_mut().zip(&o.bins) {
            *m = m.saturating_add(*n);
        }
    }

    /// Durations counted.
    pub fn count(&self) -> u64 {
        self.bins.iter().fold(0u64, |a, n| a.saturating_add(*n))
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.bins.iter().all(|&n| n == 0)
    }

    /// The `q`-quantile (0 < q ≤ 1) in microseconds, within 2 % (the nearest-rank definition:
    /// the smallest duration with at least `q` of all at or below it); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0u64;
        for (b, &c) in self.bins.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(value(b));
            }
        }
        None
    }
}

impl From<Durations> for std::collections::BTreeMap<u16, u64> {
    fn from(d: Durations) -> Self {
        d.bins
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(b, n)| (b as u16, *n))
            .collect()
    }
}

impl TryFrom<std::collections::BTreeMap<u16, u64>> for Durations {
    type Error = String;

    fn try_from(m: std::collections::BTreeMap<u16, u64>) -> Result<Self, String> {
        let mut d = Durations::default();
        if let Some((&last, _)) = m.iter().next_back() {
            if usize::from(last) >= BINS {
                return Err(format!(
                    "duration bin {last}: expected at most {}",
                    BINS - 1
                ));
            }
            d.bins.resize(usize::from(last) + 1, 0);
        }
        for (b, n) in m {
            d.bins[usize::from(b)] = n;
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_two_percent() {
        let mut d = Durations::default();
        let values: Vec<u64> = (1..=10_000).map(|i| i * 37 % 100_003 + 1).collect();
        for &v in &values {
            d.add(v);
        }
        let mut sorted = values.clone();
        sorted.sort_unstable();
        for q in [0.5, 0.9, 0.99, 1.0] {
            let exact = sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1];
            let got = d.quantile(q).unwrap();
            let err = (got as f64 - exact as f64).abs() / exact as f64;
            assert!(err <= 0.021, "q {q}: {got} vs {exact}");
        }
        assert_eq!(Durations::default().quantile(0.5), None);
        let mut z = Durations::default();
        z.add(0);
        assert_eq!(z.quantile(0.99), Some(0));
        z.add(u64::MAX);
        assert_eq!(z.bins.len(), BINS);
    }

    #[test]
    fn merging_is_adding_and_round_trips_through_json() {
        let (mut a, mut b, mut whole) = (
            Durations::default(),
            Durations::default(),
            Durations::default(),
        );
        for v in 0..500u64 {
            let us = v * v * 13;
            if v % 3 == 0 { &mut a } else { &mut b }.add(us);
            whole.add(us);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, whole);
        assert_eq!(ba, whole);
        let json = serde_json::to_string(&whole).unwrap();
        let back: Durations = serde_json::from_str(&json).unwrap();
        assert_eq!(back, whole);
        assert!(serde_json::from_str::<Durations>(r#"{"1024": 1}"#).is_err());
    }
}
