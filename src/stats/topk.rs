//! Counts per label in bounded memory: exact while the distinct labels fit, a Misra-Gries
//! summary beyond.
//!
//! Up to `capacity` labels are counted exactly. When more arrive, the summary subtracts the
//! (capacity+1)-th largest count from every label and forgets those left at zero, and adds what
//! it subtracted to `error`: every reported count is then at most `error` below the true one
//! (Misra-Gries; mergeable with the same bound, Agarwal et al., "Mergeable summaries", 2012).
//! Reports print the bound whenever it is not zero. Merging adds counts: exact (associative and
//! commutative) while the union fits.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::anonymize::BuildAddrHasher;

/// Label → count, with the fast seeded hasher (labels are hashed ~10 times per line; SipHash
/// was a tenth of `stats`' time). Labels chosen to collide can only slow a map that is bounded
/// by twice the capacity. Labels are bytes as logged (no UTF-8 check per line); they become text
/// (invalid UTF-8 replaced) when written.
pub type Counts = HashMap<Vec<u8>, u64, BuildAddrHasher>;

/// The largest capacity accepted (by the command line, a policy and a state file): a few GiB
/// of labels at most, and no arithmetic on it can overflow.
pub const MAX_CAPACITY: usize = 10_000_000;

/// Checks a capacity: 1 to [`MAX_CAPACITY`].
pub fn check_capacity(n: usize) -> Result<usize, String> {
    if (1..=MAX_CAPACITY).contains(&n) {
        Ok(n)
    } else {
        Err(format!("capacity {n}: expected 1 to {MAX_CAPACITY}"))
    }
}

/// Deserializes a capacity through [`check_capacity`] (a state file is input too).
pub fn capacity<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    check_capacity(usize::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// Label counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopK {
    /// How many labels are kept.
    #[serde(deserialize_with = "capacity")]
    pub capacity: usize,
    /// Every count may be this much below the truth (0: exact).
    pub error: u64,
    /// Everything counted, kept or not (so "other" is exact even when labels were dropped).
    #[serde(default)]
    pub total: u64,
    /// The counts.
    #[serde(with = "sorted")]
    pub counts: Counts,
}

/// Serialize counts sorted (largest first, then by label), so state files are deterministic.
mod sorted {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Counts;

    pub fn serialize<S: Serializer>(m: &Counts, s: S) -> Result<S::Ok, S::Error> {
        let mut v: Vec<(&Vec<u8>, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        s.collect_seq(v.into_iter().map(|(k, n)| (String::from_utf8_lossy(k), n)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Counts, D::Error> {
        let v: Vec<(String, u64)> = Vec::deserialize(d)?;
        let mut m = Counts::with_capacity_and_hasher(v.len(), Default::default());
        for (k, n) in v {
            let c = m.entry(k.into_bytes()).or_insert(0);
            *c = c.saturating_add(n);
        }
        Ok(m)
    }
}

impl TopK {
    /// An empty summary keeping up to `capacity` labels.
    pub fn new(capacity: usize) -> TopK {
        TopK {
            capacity: capacity.max(1),
            error: 0,
            total: 0,
            counts: Counts::default(),
        }
    }

    /// Counts `n` more of `label`.
    pub fn add(&mut self, label: &[u8], n: u64) {
        self.total = self.total.saturating_add(n);
        match self.counts.get_mut(label) {
            Some(c) => *c = c.saturating_add(n),
            None => {
                self.counts.insert(label.to_owned(), n);
                // Amortized: shrink only when twice the capacity is reached.
                if self.counts.len() > self.capacity.saturating_mul(2) {
                    self.shrink();
                }
            }
        }
    }

    /// Counts `n` more of `label` if it is counted already; false (nothing counted) if not.
    #[inline]
    pub fn bump(&mut self, label: &[u8], n: u64) -> bool {
        match self.counts.get_mut(label) {
            Some(c) => {
                *c = c.saturating_add(n);
                self.total = self.total.saturating_add(n);
                true
            }
            None => false,
        }
    }

    /// Takes in `other`'s counts.
    pub fn merge(&mut self, other: &TopK) {
        self.capacity = self.capacity.max(other.capacity);
        // Saturating: a state file is input too, and a crafted one must not overflow.
        self.error = self.error.saturating_add(other.error);
        self.total = self.total.saturating_add(other.total);
        for (k, v) in &other.counts {
            // Looked up first: most labels of a day are yesterday's too (no copy of the label).
            match self.counts.get_mut(k) {
                Some(c) => *c = c.saturating_add(*v),
                None => {
                    self.counts.insert(k.clone(), *v);
                }
            }
        }
        if self.counts.len() > self.capacity.saturating_mul(2) {
            self.shrink();
        }
    }

    /// Brings the summary down to `capacity` labels (a no-op while they fit).
    pub fn shrink(&mut self) {
        if self.counts.len() <= self.capacity {
            return;
        }
        let mut v: Vec<u64> = self.counts.values().copied().collect();
        let k = self.capacity;
        v.select_nth_unstable_by(k, |a, b| b.cmp(a));
        let cut = v[k];
        self.counts.retain(|_, c| {
            *c = c.saturating_sub(cut);
            *c > 0
        });
        self.error = self.error.saturating_add(cut);
        // Ties at the cut may leave more than `capacity`; drop the smallest, counting them too.
        if self.counts.len() > k {
            let mut e: Vec<(Vec<u8>, u64)> = self.counts.drain().collect();
            e.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let extra = e[k].1;
            self.error = self.error.saturating_add(extra);
            e.truncate(k);
            self.counts = e.into_iter().collect();
        }
    }

    /// The sum of the kept counts.
    pub fn kept(&self) -> u64 {
        self.counts.values().fold(0u64, |a, &b| a.saturating_add(b))
    }

    /// Labels (as text) by count, largest first (ties by label).
    pub fn sorted(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(&Vec<u8>, u64)> = self.counts.iter().map(|(k, v)| (k, *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter()
            .map(|(k, n)| (String::from_utf8_lossy(k).into_owned(), n))
            .collect()
    }
}

/// A panel capacity: 1 to `MAX_CAPACITY`.
pub fn parse_capacity(s: &str) -> Result<usize, String> {
    let n = s
        .parse::<usize>()
        .map_err(|_| format!("`{s}`: expected a number of labels"))?;
    check_capacity(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_while_it_fits_and_bounded_beyond() {
        let mut t = TopK::new(3);
        for (k, n) in [("a", 10), ("b", 5), ("c", 1), ("a", 1)] {
            t.add(k.as_bytes(), n);
        }
        assert_eq!(
            t.sorted(),
            [("a".to_string(), 11), ("b".into(), 5), ("c".into(), 1)]
        );
        assert_eq!(t.error, 0);
        // A stream with a heavy hitter and many singletons.
        let mut t = TopK::new(10);
        let mut truth: HashMap<Vec<u8>, u64> = HashMap::new();
        for i in 0..5000u64 {
            let label = if i % 3 == 0 {
                b"heavy".to_vec()
            } else {
                format!("x{i}").into_bytes()
            };
            t.add(&label, 1);
            *truth.entry(label).or_insert(0) += 1;
        }
        t.shrink();
        assert!(t.counts.len() <= 10);
        assert_eq!(t.total, 5000, "the total survives the summary");
        for (k, v) in &t.counts {
            let real = truth[k];
            assert!(
                *v <= real && real - v <= t.error,
                "{k:?}: {v} vs {real} (error {})",
                t.error
            );
        }
        assert!(
            t.counts.contains_key(&b"heavy"[..]),
            "a heavy hitter survives"
        );
        assert!(
            t.error <= 5000 / 11 + 1,
            "Misra-Gries bound N/(k+1): {}",
            t.error
        );
    }

    #[test]
    fn merge_is_exact_associative_and_commutative_while_it_fits() {
        let mk = |items: &[(&str, u64)]| {
            let mut t = TopK::new(100);
            for (k, n) in items {
                t.add(k.as_bytes(), *n);
            }
            t
        };
        let a = mk(&[("x", 1), ("y", 2)]);
        let b = mk(&[("y", 3), ("z", 4)]);
        let c = mk(&[("x", 5)]);
        let mut ab_c = a.clone();
        ab_c.merge(&b);
        ab_c.merge(&c);
        let mut bc = b.clone();
        bc.merge(&c);
        let mut a_bc = a.clone();
        a_bc.merge(&bc);
        let mut cba = c.clone();
        cba.merge(&b);
        cba.merge(&a);
        assert_eq!(ab_c, a_bc);
        assert_eq!(ab_c, cba);
        assert_eq!(
            ab_c.sorted(),
            [("x".to_string(), 6), ("y".into(), 5), ("z".into(), 4)]
        );
        let text = serde_json::to_string(&ab_c).unwrap();
        assert!(text.contains(r#"[["x",6],["y",5],["z",4]]"#), "{text}");
        assert_eq!(serde_json::from_str::<TopK>(&text).unwrap(), ab_c);
    }
}
