//! A panel's labels counted by a key of their text, for the collector's panels of many labels
//! (pages): a label seen before is one probe of a table of keys and counts, its text never read
//! again; the counts go into the panel ([`crate::stats::topk::TopK`]) in bulk, in the order the
//! labels were first seen, when the table is full and when counting ends.
//!
//! The panel's own map compares a label's text on every line, behind a pointer: its lookup and
//! the `memcmp` were a fifth of the CPU time of counting a web line (`perf`, the 1M-line corpus),
//! for a twelfth of its instructions.
//!
//! A key is a seeded 64-bit fingerprint ([`crate::stats::visits::page_key`], seeded at random
//! per process): two labels share a key with a chance of about n² / 2⁶⁵ (n labels in the table),
//! the bar the client memo and the visit order's page keys set. Labels are held in memory only,
//! as they were read (scrubbed when they go into the panel), like every memo.

/// Labels held before the table is emptied into the panel: 8,192 (a table of 16,384 slots,
/// 256 KiB, in a core's L2 cache). It starts at 1,024 slots and doubles as it fills.
const MOST: usize = 8192;

/// Slots of a new table.
const FIRST_SLOTS: usize = 1024;

/// A slot: a label's key (0: empty), its lines not yet in the panel and its place in the order
/// labels were first seen.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    count: u32,
    order: u32,
}

/// Labels and their counts by key (see the module's documentation).
#[derive(Default)]
pub struct Keyed {
    /// Open addressing, linear probing, at most half full; a power of two slots (or none).
    slots: Vec<Slot>,
    /// Per label in the order first seen: where its text is in `text`.
    at: Vec<(u32, u32)>,
    text: Vec<u8>,
}

impl Keyed {
    /// Counts one line of the label of key `key` (not 0) and text `label`. False, counting
    /// nothing, when the table is full and the label new or the label's count is at its most:
    /// empty it ([`Keyed::drain`]) and count again.
    #[inline]
    pub fn add(&mut self, key: u64, label: &[u8]) -> bool {
        debug_assert!(key != 0);
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = (key >> 32) as usize & mask;
        while let Some(s) = self.slots.get_mut(i) {
            if s.key == key {
                if s.count == u32::MAX {
                    return false;
                }
                s.count += 1;
                return true;
            }
            if s.key == 0 {
                break;
            }
            i = (i + 1) & mask;
        }
        self.insert(key, label)
    }

    /// [`Keyed::add`] for a label not in the table.
    #[cold]
    fn insert(&mut self, key: u64, label: &[u8]) -> bool {
        if self.at.len() >= MOST || self.text.len() + label.len() > u32::MAX as usize {
            return false;
        }
        if 2 * (self.at.len() + 1) > self.slots.len() {
            self.grow();
        }
        let order = self.at.len() as u32;
        self.at.push((self.text.len() as u32, label.len() as u32));
        self.text.extend_from_slice(label);
        self.place(Slot {
            key,
            count: 1,
            order,
        });
        true
    }

    /// Puts `slot` in the first free slot from its key's place.
    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = (slot.key >> 32) as usize & mask;
        while self.slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// Twice the slots (or the first ones).
    fn grow(&mut self) {
        let n = (2 * self.slots.len()).max(FIRST_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); n]);
        for s in old.into_iter().filter(|s| s.key != 0) {
            self.place(s);
        }
    }

    /// Gives `each` every label and its lines, in the order first seen, and empties the table
    /// (its memory kept).
    pub fn drain(&mut self, mut each: impl FnMut(&[u8], u64)) {
        let mut counts = vec![0u64; self.at.len()];
        for s in self.slots.iter_mut().filter(|s| s.key != 0) {
            counts[s.order as usize] = u64::from(s.count);
            *s = Slot::default();
        }
        for (&(a, n), c) in self.at.iter().zip(counts) {
            each(&self.text[a as usize..(a + n) as usize], c);
        }
        self.at.clear();
        self.text.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Counts through the table, emptied whenever it is full, add up to counting each label;
    /// labels come out in the order first seen since the last emptying.
    #[test]
    fn counts_are_every_line_in_the_order_first_seen() {
        let mut k = Keyed::default();
        let mut want: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut got: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut drains = 0;
        let mut x = 7u64;
        for _ in 0..200_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            // Many labels seen once, a few often: more than the table holds.
            let label = format!("/p/{}", (x >> 33) % 20_000 * ((x >> 20) % 2));
            *want.entry(label.clone().into_bytes()).or_default() += 1;
            let key = crate::stats::visits::page_key(label.as_bytes());
            if !k.add(key, label.as_bytes()) {
                drains += 1;
                let mut seen = Vec::new();
                k.drain(|l, n| {
                    seen.push(l.to_vec());
                    *got.entry(l.to_vec()).or_default() += n;
                });
                assert_eq!(seen.len(), MOST);
                assert!(k.add(key, label.as_bytes()));
            }
        }
        k.drain(|l, n| *got.entry(l.to_vec()).or_default() += n);
        assert!(drains > 0);
        assert_eq!(got, want);
        // Empty after a drain.
        k.drain(|_, _| panic!("nothing left"));
    }

    #[test]
    fn order_first_seen_and_a_full_count() {
        let mut k = Keyed::default();
        for l in ["/b", "/a", "/b", "/c", "/a", "/b"] {
            assert!(k.add(crate::stats::visits::page_key(l.as_bytes()), l.as_bytes()));
        }
        let mut out = Vec::new();
        k.drain(|l, n| out.push((String::from_utf8_lossy(l).into_owned(), n)));
        assert_eq!(out, [("/b".into(), 3), ("/a".into(), 2), ("/c".into(), 1)]);
        // A count at its most asks for the table to be emptied, and counts again after.
        let key = crate::stats::visits::page_key(b"/x");
        assert!(k.add(key, b"/x"));
        k.slots.iter_mut().find(|s| s.key == key).expect("in").count = u32::MAX;
        assert!(!k.add(key, b"/x"));
        let mut n = 0;
        k.drain(|_, c| n += c);
        assert_eq!(n, u64::from(u32::MAX));
        assert!(k.add(key, b"/x"));
    }
}
