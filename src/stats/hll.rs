//! HyperLogLog: unique counts without keeping what was counted.
//!
//! 2^14 registers (standard error 1.04/√16384 ≈ 0.8 %, so the 2 % the reports promise holds at
//! 2.5 standard errors), fed
//! with 64-bit keyed hashes (AES under a key derived from the statistics key, see
//! `super::Uniques`), so a state holds neither addresses nor
//! anything from which one can be recomputed without the key. Merging takes the register-wise
//! maximum: associative, commutative and idempotent, so days merge into months and servers into
//! fleets exactly. Kept sparse (a map of the set registers) while few are set — a per-hour bucket
//! with a handful of clients costs bytes, not 16 KiB — and dense beyond; serialized the same way.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const P: u32 = 14;
const M: usize = 1 << P;
/// The largest register value `add` can write (the guard bit bounds the run of zeros); a state
/// file with more is refused (it would also overflow the estimate's `1 << r`).
const MAX_RHO: u16 = (64 - P + 1) as u16;
/// Beyond this many set registers the dense form is smaller.
const SPARSE_MAX: usize = M / 8;

/// A HyperLogLog sketch.
#[derive(Clone, Default)]
pub struct Hll {
    /// Set registers while few (index → value); unused once `dense` is there.
    sparse: std::collections::HashMap<u16, u8, super::SmallKeys>,
    dense: Option<Box<[u8; M]>>,
}

impl PartialEq for Hll {
    fn eq(&self, other: &Hll) -> bool {
        (0..M).all(|i| self.get(i) == other.get(i))
    }
}

impl Eq for Hll {}

impl std::fmt::Debug for Hll {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hll(~{})", self.estimate())
    }
}

impl Hll {
    fn get(&self, i: usize) -> u8 {
        match &self.dense {
            Some(d) => d[i],
            None => self.sparse.get(&(i as u16)).copied().unwrap_or(0),
        }
    }

    fn set_max(&mut self, i: usize, rho: u8) {
        match &mut self.dense {
            Some(d) => d[i] = d[i].max(rho),
            None => {
                let r = self.sparse.entry(i as u16).or_insert(0);
                *r = (*r).max(rho);
                if self.sparse.len() > SPARSE_MAX {
                    let mut d = Box::new([0u8; M]);
                    for (&k, &v) in &self.sparse {
                        d[k as usize] = v;
                    }
                    self.sparse = Default::default();
                    self.dense = Some(d);
                }
            }
        }
    }

    /// Adds one hashed item.
    #[inline]
    pub fn add(&mut self, hash: u64) {
        let idx = (hash >> (64 - P)) as usize;
        let rest = (hash << P) | (1 << (P - 1)); // a guard bit bounds the run of zeros
        let rho = rest.leading_zeros() as u8 + 1;
        if rho > self.get(idx) {
            self.set_max(idx, rho);
        }
    }

    /// The set registers, by index.
    fn set_registers(&self) -> Vec<(usize, u8)> {
        match &self.dense {
            Some(d) => d
                .iter()
                .enumerate()
                .filter(|(_, r)| **r != 0)
                .map(|(i, r)| (i, *r))
                .collect(),
            None => {
                let mut v: Vec<(usize, u8)> =
                    self.sparse.iter().map(|(&i, &r)| (i as usize, r)).collect();
                v.sort_unstable();
                v
            }
        }
    }

    /// Takes in everything `other` counted.
    pub fn merge(&mut self, other: &Hll) {
        for (i, r) in other.set_registers() {
            if r > self.get(i) {
                self.set_max(i, r);
            }
        }
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.set_registers().is_empty()
    }

    /// The estimated number of distinct items.
    pub fn estimate(&self) -> u64 {
        let m = M as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let set = self.set_registers();
        let zeros = M - set.len();
        let sum: f64 = zeros as f64
            + set
                .iter()
                .map(|&(_, r)| 1.0 / (1u64 << r) as f64)
                .sum::<f64>();
        let raw = alpha * m * m / sum;
        let e = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln() // linear counting for small sets
        } else {
            raw
        };
        e.round() as u64
    }
}

impl Serialize for Hll {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Hex digits written directly: a `format!` per register was most of writing a state.
        let set = self.set_registers();
        let mut out = Vec::new();
        if set.len() <= SPARSE_MAX {
            out.reserve(2 + 6 * set.len());
            out.extend_from_slice(b"s:");
            for (i, r) in set {
                crate::hex::push(&mut out, &(i as u16).to_be_bytes());
                crate::hex::push(&mut out, &[r]);
            }
        } else {
            out.reserve(2 + 2 * M);
            out.extend_from_slice(b"d:");
            match &self.dense {
                Some(d) => crate::hex::push(&mut out, &d[..M]),
                None => {
                    for i in 0..M {
                        crate::hex::push(&mut out, &[self.get(i)]);
                    }
                }
            }
        }
        s.serialize_str(std::str::from_utf8(&out).expect("hex digits are ASCII"))
    }
}

impl<'de> Deserialize<'de> for Hll {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let s = String::deserialize(d)?;
        let hex = |t: &str| u16::from_str_radix(t, 16).map_err(|_| D::Error::custom("bad HLL hex"));
        let mut h = Hll::default();
        if let Some(body) = s.strip_prefix("s:") {
            if body.len() % 6 != 0 || !body.is_ascii() {
                return Err(D::Error::custom("bad sparse HLL"));
            }
            for k in (0..body.len()).step_by(6) {
                let i = hex(&body[k..k + 4])? as usize;
                let r = hex(&body[k + 4..k + 6])?;
                if i >= M || r > MAX_RHO {
                    return Err(D::Error::custom("HLL register out of range"));
                }
                h.set_max(i, r as u8);
            }
        } else if let Some(body) = s.strip_prefix("d:") {
            if body.len() != 2 * M || !body.is_ascii() {
                return Err(D::Error::custom("bad dense HLL"));
            }
            for i in 0..M {
                let r = hex(&body[2 * i..2 * i + 2])?;
                if r > MAX_RHO {
                    return Err(D::Error::custom("HLL register out of range"));
                }
                if r > 0 {
                    h.set_max(i, r as u8);
                }
            }
        } else {
            return Err(D::Error::custom("HLL must start with s: or d:"));
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix(mut x: u64) -> u64 {
        // splitmix64: a stand-in for the keyed hash in tests.
        x = x.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    #[test]
    fn error_within_two_percent_from_small_to_a_million() {
        for (n, seed) in [
            (0u64, 0u64),
            (1, 0),
            (10, 0),
            (1000, 0),
            (50_000, 0),
            (1_000_000, 0),
            (1_000_000, 1 << 40),
            (200_000, 7 << 50),
        ] {
            let mut h = Hll::default();
            for i in seed..seed + n {
                h.add(mix(i));
                h.add(mix(i)); // repeats do not count
            }
            let e = h.estimate() as f64;
            let err = if n == 0 {
                e
            } else {
                (e - n as f64).abs() / n as f64
            };
            assert!(err <= 0.02, "n={n}: estimate {e}, error {err}");
        }
    }

    #[test]
    fn merge_is_union_and_round_trips() {
        let (mut a, mut b, mut all) = (Hll::default(), Hll::default(), Hll::default());
        for i in 0..30_000u64 {
            if i % 3 == 0 {
                a.add(mix(i))
            } else {
                b.add(mix(i))
            }
            all.add(mix(i));
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, all);
        assert_eq!(ba, all);
        for h in [Hll::default(), a, all] {
            let text = serde_json::to_string(&h).unwrap();
            let back: Hll = serde_json::from_str(&text).unwrap();
            assert_eq!(back, h);
        }
        assert!(serde_json::from_str::<Hll>("\"x:00\"").is_err());
        assert!(serde_json::from_str::<Hll>("\"s:ffff99\"").is_err());
        assert!(
            serde_json::from_str::<Hll>("\"s:000040\"").is_err(),
            "register 64: more than add can write"
        );
        assert!(
            serde_json::from_str::<Hll>("\"s:000033\"").is_ok(),
            "register 51"
        );
    }
}
