//! Address anonymization: finding literals ([`scan`]) and transforming their values ([`Scheme`]).
//!
//! The split is deliberate: the finder knows text, the scheme knows values. A scheme maps an
//! address value to its replacement value, and [`Anonymizer::rewrite_line`] writes the
//! replacement in the style of the original (IPv6 colons plain or percent-encoded). When the
//! value does not change (already truncated, or in a `--keep-net` network) the original bytes
//! are kept, so output differs from input only where an address really changed.
//!
//! IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is treated as the IPv4 address it carries, with the IPv4
//! prefix, and written back in mapped form, by truncation, `hash` and ipcrypt; Crypto-PAn and
//! ipcipher encrypt it as IPv6, as their reference implementations do.

pub mod arrays;
pub mod binary;
pub mod crypto;
pub mod key;
pub mod scan;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hmac::{KeyInit, Mac};
use ipnet::IpNet;

pub use key::Key;
use scan::{Found, find_each};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The schemes by name, with what their keys are. The doc comments are `--mode` help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemeKind {
    /// Keep the prefix (--ipv4-prefix, --ipv6-prefix), zero the rest.
    Truncate,
    /// Keep the prefix, replace the rest by HMAC-SHA256 of the whole address (needs a key):
    /// distinct clients stay distinct, equal inputs give equal outputs.
    Hash,
    /// Crypto-PAn, prefix-preserving, 32-byte key; reversible with the key.
    Cryptopan,
    /// ipcrypt deterministic (AES-128), 16-byte key; IPv4 usually becomes IPv6-looking.
    IpcryptDet,
    /// ipcrypt prefix-preserving, 32-byte key; the address family is kept.
    IpcryptPfx,
    /// ipcrypt non-deterministic (KIASU-BC), 16-byte key; the output is NOT an address but a
    /// 48-hex-digit token, different each time.
    IpcryptNd,
    /// ipcrypt non-deterministic (AES-XTS), 32-byte key; the output is NOT an address but a
    /// 64-hex-digit token, different each time.
    IpcryptNdx,
    /// PowerDNS ipcipher, 16-byte key or a passphrase; the address family is kept.
    Ipcipher,
}

/// Every scheme: name, kind, key length in bytes (0: no key).
pub const SCHEMES: &[(&str, SchemeKind, usize)] = &[
    ("truncate", SchemeKind::Truncate, 0),
    ("hash", SchemeKind::Hash, 32),
    ("cryptopan", SchemeKind::Cryptopan, 32),
    ("ipcrypt-det", SchemeKind::IpcryptDet, 16),
    ("ipcrypt-pfx", SchemeKind::IpcryptPfx, 32),
    ("ipcrypt-nd", SchemeKind::IpcryptNd, 16),
    ("ipcrypt-ndx", SchemeKind::IpcryptNdx, 32),
    ("ipcipher", SchemeKind::Ipcipher, 16),
];

impl SchemeKind {
    /// The scheme's name.
    pub fn name(self) -> &'static str {
        SCHEMES.iter().find(|s| s.1 == self).expect("listed").0
    }
    /// The scheme with this name.
    pub fn from_name(n: &str) -> Option<SchemeKind> {
        SCHEMES.iter().find(|s| s.0 == n).map(|s| s.1)
    }
    /// Key length in bytes; 0 for truncate.
    pub fn key_len(self) -> usize {
        SCHEMES.iter().find(|s| s.1 == self).expect("listed").2
    }
    /// True for the schemes that transform whole addresses (the prefixes do not apply).
    pub fn whole_address(self) -> bool {
        !matches!(self, SchemeKind::Truncate | SchemeKind::Hash)
    }
    /// True for the schemes `logscrub decrypt` can reverse.
    pub fn reversible(self) -> bool {
        self.whole_address()
    }

    /// Builds the scheme from its key (the length is checked by the key reader).
    pub fn build(self, key: Option<&Key>) -> Scheme {
        let k = || key.expect("keyed schemes get a key").bytes();
        let k16 = || -> [u8; 16] { k().try_into().expect("16-byte key") };
        let k32 = || -> [u8; 32] { k().try_into().expect("32-byte key") };
        match self {
            SchemeKind::Truncate => Scheme::Truncate,
            SchemeKind::Hash => Scheme::Hash(key.expect("hash has a key").clone()),
            SchemeKind::Cryptopan => Scheme::CryptoPan(Box::new(crypto::CryptoPan::new(&k32()))),
            SchemeKind::IpcryptDet => Scheme::IpcryptDet(Box::new(crypto::Det::new(&k16()))),
            SchemeKind::IpcryptPfx => Scheme::IpcryptPfx(Box::new(crypto::Pfx::new(&k32()))),
            SchemeKind::IpcryptNd => Scheme::IpcryptNd(Box::new(crypto::Kiasu::new(&k16()))),
            SchemeKind::IpcryptNdx => Scheme::IpcryptNdx(Box::new(crypto::Ndx::new(&k32()))),
            SchemeKind::Ipcipher => Scheme::Ipcipher(Box::new(crypto::Ipcipher::new(&k16()))),
        }
    }
}

/// How address values are transformed.
#[derive(Clone)]
pub enum Scheme {
    /// Keep the prefix, zero the host bits.
    Truncate,
    /// Keep the prefix, replace the host bits by HMAC-SHA256(key, address).
    Hash(Key),
    /// Crypto-PAn, prefix-preserving (whole address).
    CryptoPan(Box<crypto::CryptoPan>),
    /// ipcrypt-deterministic (whole address; IPv4 usually becomes IPv6-looking).
    IpcryptDet(Box<crypto::Det>),
    /// ipcrypt-pfx, prefix-preserving (whole address, family kept).
    IpcryptPfx(Box<crypto::Pfx>),
    /// ipcrypt-nd: not deterministic; the output is a 48-hex-digit token, not an address.
    IpcryptNd(Box<crypto::Kiasu>),
    /// ipcrypt-ndx: not deterministic; the output is a 64-hex-digit token, not an address.
    IpcryptNdx(Box<crypto::Ndx>),
    /// PowerDNS ipcipher (whole address, family kept).
    Ipcipher(Box<crypto::Ipcipher>),
}

/// A configured address anonymizer: scheme, prefixes and exempt networks.
#[derive(Clone)]
pub struct Anonymizer {
    scheme: Scheme,
    v4_prefix: u8,
    v6_prefix: u8,
    keep: Vec<IpNet>,
    /// HMAC state with the key already absorbed (cloned per address, never re-keyed).
    mac: Option<HmacSha256>,
}

/// Per-worker memo of scheme results (a plain map, cleared when it grows past its bound) and
/// the worker's tweak source for the non-deterministic schemes.
#[derive(Default)]
pub struct Cache {
    map: HashMap<IpAddr, Option<IpAddr>, BuildAddrHasher>,
    tweaks: Option<crypto::TweakSource>,
}

/// A fast hasher for the cache's address keys (SipHash costs more than the lookup saves). Its
/// seed is random per process, so addresses chosen to collide cannot be prepared in advance; the
/// worst an attacker gets is a slower cache, which is bounded and cleared.
#[derive(Clone)]
pub struct BuildAddrHasher(u64);

impl Default for BuildAddrHasher {
    fn default() -> Self {
        let mut b = [0u8; 8];
        // Without randomness the seed is fixed: still correct, only predictable.
        let _ = getrandom::fill(&mut b);
        BuildAddrHasher(u64::from_le_bytes(b) | 1)
    }
}

impl std::hash::BuildHasher for BuildAddrHasher {
    type Hasher = AddrHasher;
    fn build_hasher(&self) -> AddrHasher {
        AddrHasher(self.0)
    }
}

/// See [`BuildAddrHasher`].
pub struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        let x = self.0;
        (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (x >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = crate::bytes::mix_words(self.0, bytes);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = crate::bytes::mix(self.0, v);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    // Addresses hash as integers (`Ipv4Addr` as a u32, `Ipv6Addr` as a u128) and `IpAddr`'s
    // variant as an isize: one mixing step each, instead of going through `write`'s byte loop.
    fn write_u8(&mut self, v: u8) {
        self.write_u64(v as u64);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64);
    }
    fn write_u128(&mut self, v: u128) {
        self.write_u64(v as u64);
        self.write_u64((v >> 64) as u64);
    }
    fn write_isize(&mut self, v: isize) {
        self.write_u64(v as u64);
    }
}

const CACHE_MAX: usize = 1 << 16;

/// Why a network to keep of prefix length 0 is refused (`--keep-net`, a rule file's `keep`): it
/// would keep every address of its family, anonymization off without a word (a new user's
/// review).
pub fn whole_family(net: &ipnet::IpNet) -> String {
    let family = match net {
        ipnet::IpNet::V4(_) => "IPv4",
        ipnet::IpNet::V6(_) => "IPv6",
    };
    format!(
        "{net} would keep every {family} address unchanged; name the networks to keep (the server's own, such as 192.0.2.0/24)"
    )
}

/// What rewriting one line did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineCounts {
    /// Literals whose value changed and were written anew.
    pub rewritten: u64,
    /// Literals left as they were because they lie in a `--keep-net` network.
    pub kept: u64,
}

impl Anonymizer {
    /// Builds an anonymizer. Prefixes are bits kept: 0–32 for IPv4, 0–128 for IPv6.
    pub fn new(scheme: Scheme, v4_prefix: u8, v6_prefix: u8, keep: Vec<IpNet>) -> Self {
        assert!(
            v4_prefix <= 32 && v6_prefix <= 128,
            "prefixes are validated by the caller"
        );
        let mac = match &scheme {
            Scheme::Hash(k) => Some(
                <HmacSha256 as KeyInit>::new_from_slice(k.bytes())
                    .expect("HMAC takes any key size"),
            ),
            _ => None,
        };
        Anonymizer {
            scheme,
            v4_prefix,
            v6_prefix,
            keep,
            mac,
        }
    }

    /// True when the scheme is deterministic and costs more than a map lookup: memoized per
    /// worker (HMAC, Crypto-PAn and pfx: tens to hundreds of AES blocks per address;
    /// ipcrypt-det: one block, but with its conversions it measured 5 % slower unmemoized).
    /// ipcipher costs about one lookup, so it is computed every time; the non-deterministic
    /// schemes never are memoized (a memo would make equal addresses linkable).
    fn memoize(&self) -> bool {
        matches!(
            self.scheme,
            Scheme::Hash(_) | Scheme::CryptoPan(_) | Scheme::IpcryptPfx(_) | Scheme::IpcryptDet(_)
        )
    }

    /// True for the schemes whose reference implementations encrypt an IPv4-mapped address as
    /// IPv6 (Crypto-PAn, ipcipher). Truncation and `hash` give it the IPv4 treatment (its
    /// IPv4 prefix, written back mapped); ipcrypt encrypts the same 16 bytes either way.
    fn mapped_is_v6(&self) -> bool {
        matches!(self.scheme, Scheme::CryptoPan(_) | Scheme::Ipcipher(_))
    }

    fn kept(&self, ip: IpAddr) -> bool {
        !self.keep.is_empty() && self.keep.iter().any(|n| n.contains(&ip))
    }

    /// The replacement value for `ip`, or `None` when it stays as it is.
    #[inline(always)]
    pub fn map(&self, ip: IpAddr, cache: &mut Cache) -> Mapped {
        // The default (plain truncation, nothing exempt) is a mask: no lookups, no tokens;
        // inline in the finder's callback, everything else is a call.
        if let (Scheme::Truncate, true) = (&self.scheme, self.keep.is_empty()) {
            let out = match ip {
                IpAddr::V6(a) => match a.to_ipv4_mapped() {
                    Some(v4) => {
                        let t = Ipv4Addr::from(u32::from(v4) & mask32(self.v4_prefix));
                        IpAddr::V6(t.to_ipv6_mapped())
                    }
                    None => truncate(ip, v6_prefix_of(a, self.v4_prefix, self.v6_prefix)),
                },
                IpAddr::V4(_) => truncate(ip, self.v4_prefix),
            };
            return if out == ip {
                Mapped::Same
            } else {
                Mapped::To(out)
            };
        }
        self.map_scheme(ip, cache)
    }

    /// [`Anonymizer::map`] for a dotted quad that begins a DNS name ([`scan::Colons::NameV4`]),
    /// or one written with dashes in a host name's label ([`scan::Colons::DashV4`]):
    /// DNS blocklists write the address reversed (`12.2.0.192.zen.spamhaus.org` asks about
    /// 192.0.2.12), other names forward (`192.0.2.1.nip.io`), and the text cannot tell which.
    /// Rewritten read reversed, then forward, so that neither reading keeps host bits
    /// (truncated, `0.2.0.0.zen.spamhaus.org`); `--keep-net` looks at the forward reading.
    #[inline(never)]
    fn map_either_way(&self, ip: IpAddr, cache: &mut Cache) -> Mapped {
        let IpAddr::V4(a) = ip else {
            return self.map(ip, cache);
        };
        let rev = |a: Ipv4Addr| Ipv4Addr::from(u32::from(a).swap_bytes());
        let once = match self.map(IpAddr::V4(rev(a)), cache) {
            Mapped::To(IpAddr::V4(r)) => rev(r),
            Mapped::Same | Mapped::Kept => a,
            other => return other,
        };
        match self.map(IpAddr::V4(once), cache) {
            Mapped::Same | Mapped::Kept if once != a => Mapped::To(IpAddr::V4(once)),
            other => other,
        }
    }

    /// [`Anonymizer::map`] for every case but plain truncation.
    #[inline(never)]
    fn map_scheme(&self, ip: IpAddr, cache: &mut Cache) -> Mapped {
        let ip = match ip {
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                // Crypto-PAn and ipcipher follow their reference implementations (yacryptopan,
                // PowerDNS), which take `::ffff:a.b.c.d` as the IPv6 address it is, so that their
                // tools decrypt what logscrub wrote; `--keep-net` still sees the IPv4 address.
                Some(v4) if self.mapped_is_v6() => {
                    if self.kept(IpAddr::V4(v4)) {
                        return Mapped::Kept;
                    }
                    ip
                }
                Some(v4) => {
                    return match self.map(IpAddr::V4(v4), cache) {
                        Mapped::To(IpAddr::V4(r)) => Mapped::To(IpAddr::V6(r.to_ipv6_mapped())),
                        other => other,
                    };
                }
                None => ip,
            },
            v4 => v4,
        };
        if self.kept(ip) {
            return Mapped::Kept;
        }
        if let Some(t) = self.token(ip, cache) {
            return t;
        }
        if self.memoize() {
            if let Some(r) = cache.map.get(&ip) {
                return r.map_or(Mapped::Same, Mapped::To);
            }
            let r = self.compute(ip);
            if cache.map.len() >= CACHE_MAX {
                cache.map.clear();
            }
            cache.map.insert(ip, r);
            return r.map_or(Mapped::Same, Mapped::To);
        }
        self.compute(ip).map_or(Mapped::Same, Mapped::To)
    }

    /// For nd/ndx: encrypts `ip` under a fresh tweak into a hex token.
    fn token(&self, ip: IpAddr, cache: &mut Cache) -> Option<Mapped> {
        if !matches!(self.scheme, Scheme::IpcryptNd(_) | Scheme::IpcryptNdx(_)) {
            return None;
        }
        let tw = cache.tweaks.get_or_insert_with(|| {
            crypto::TweakSource::new()
                .expect("the operating system provides randomness (checked when the key was read)")
        });
        let r = tw.next_block();
        let mut bytes = [0u8; 32];
        let len = match &self.scheme {
            Scheme::IpcryptNd(k) => {
                let t: [u8; 8] = r[..8].try_into().expect("8 bytes");
                bytes[..8].copy_from_slice(&t);
                bytes[8..24].copy_from_slice(&k.encrypt(&t, crypto::to16(ip)));
                24
            }
            Scheme::IpcryptNdx(k) => {
                bytes[..16].copy_from_slice(&r);
                bytes[16..].copy_from_slice(&k.encrypt(&r, crypto::to16(ip)));
                32
            }
            _ => unreachable!("checked above"),
        };
        Some(Mapped::Token { bytes, len })
    }

    fn compute(&self, ip: IpAddr) -> Option<IpAddr> {
        let whole = match &self.scheme {
            Scheme::Truncate | Scheme::Hash(_) => None,
            Scheme::CryptoPan(c) => Some(match ip {
                IpAddr::V4(a) => IpAddr::V4(c.v4(a)),
                IpAddr::V6(a) => IpAddr::V6(c.v6(a)),
            }),
            Scheme::IpcryptDet(c) => Some(crypto::from16(c.encrypt(crypto::to16(ip)))),
            Scheme::IpcryptPfx(c) => Some(crypto::from16(c.encrypt(crypto::to16(ip)))),
            Scheme::Ipcipher(c) => Some(match ip {
                IpAddr::V4(a) => IpAddr::V4(c.v4(a)),
                IpAddr::V6(a) => IpAddr::V6(c.v6(a)),
            }),
            Scheme::IpcryptNd(_) | Scheme::IpcryptNdx(_) => {
                unreachable!("tokens are made by `token`")
            }
        };
        if let Some(out) = whole {
            return (out != ip).then_some(out);
        }
        let out = match ip {
            IpAddr::V4(a) => {
                let v = u32::from(a);
                let mask = mask32(self.v4_prefix);
                let host = match &self.mac {
                    None => 0,
                    Some(m) => {
                        let h = self.digest(m, 4, &a.octets());
                        u32::from_be_bytes([h[0], h[1], h[2], h[3]])
                    }
                };
                IpAddr::V4(Ipv4Addr::from((v & mask) | (host & !mask)))
            }
            IpAddr::V6(a) => {
                let v = u128::from(a);
                let mask = mask128(v6_prefix_of(a, self.v4_prefix, self.v6_prefix));
                let host = match &self.mac {
                    None => 0,
                    Some(m) => {
                        let h = self.digest(m, 6, &a.octets());
                        u128::from_be_bytes(h[..16].try_into().expect("digest is 32 bytes"))
                    }
                };
                IpAddr::V6(Ipv6Addr::from((v & mask) | (host & !mask)))
            }
        };
        (out != ip).then_some(out)
    }

    fn digest(&self, m: &HmacSha256, family: u8, bytes: &[u8]) -> [u8; 32] {
        let mut m = m.clone();
        m.update(&[family]);
        m.update(bytes);
        m.finalize().into_bytes().into()
    }

    /// Copies `line` to `out`, rewriting every address literal in it. `prev` is the byte that
    /// preceded `line` (see [`scan::find_each`]).
    pub fn rewrite_line(
        &self,
        line: &[u8],
        prev: u8,
        out: &mut Vec<u8>,
        cache: &mut Cache,
    ) -> LineCounts {
        self.rewrite_line_edits(line, prev, out, cache, usize::MAX, &Edits::default())
            .0
    }

    /// [`Anonymizer::rewrite_line`] that also applies `edits` (sorted, non-overlapping
    /// `(start, end, replacement)` spans of `line`) in the same pass, and returns where the first
    /// literal at or after `watch_from` starts (how a client field is checked without scanning it
    /// twice). A literal inside an edited span is not rewritten: the edit replaced it.
    pub fn rewrite_line_edits(
        &self,
        line: &[u8],
        prev: u8,
        out: &mut Vec<u8>,
        cache: &mut Cache,
        watch_from: usize,
        edits: &Edits,
    ) -> (LineCounts, Option<usize>) {
        let mut counts = LineCounts::default();
        let mut first = None;
        // Only the gaps between edits are scanned: an edited span is replaced whole, so its
        // original bytes need no scan (and its replacement was scrubbed when it was made). Each
        // gap is scanned with the byte that precedes it in the output as context.
        let mut pos = 0;
        let mut ctx = prev;
        for k in 0..=edits.list.len() {
            let (gap_end, edit) = match edits.get(k) {
                Some((s, e, text)) => (s, Some((e, text))),
                None => (line.len(), None),
            };
            let gap = &line[pos..gap_end];
            let mut copied = 0;
            find_each(gap, ctx, |f: Found| {
                if pos + f.start >= watch_from && first.is_none() {
                    first = Some(pos + f.start);
                }
                let mapped = if matches!(f.colons, scan::Colons::NameV4 | scan::Colons::DashV4) {
                    self.map_either_way(f.ip, cache)
                } else {
                    self.map(f.ip, cache)
                };
                match mapped {
                    Mapped::To(new) => {
                        out.extend_from_slice(&gap[copied..f.start]);
                        scan::write_found(out, gap, &f, new);
                        copied = f.end;
                        counts.rewritten += 1;
                    }
                    Mapped::Token { bytes, len } => {
                        out.extend_from_slice(&gap[copied..f.start]);
                        crate::hex::push(out, &bytes[..len as usize]);
                        copied = f.end;
                        counts.rewritten += 1;
                    }
                    Mapped::Kept => counts.kept += 1,
                    Mapped::Same => {}
                }
            });
            out.extend_from_slice(&gap[copied..]);
            let Some((e, text)) = edit else { break };
            out.extend_from_slice(text);
            ctx =
                text.last()
                    .copied()
                    .unwrap_or(if gap_end > 0 { line[gap_end - 1] } else { prev });
            pos = e;
        }
        (counts, first)
    }

    /// Bits kept for IPv4 and IPv6 (truncate and hash modes).
    pub fn prefixes(&self) -> (u8, u8) {
        (self.v4_prefix, self.v6_prefix)
    }

    /// True when addresses come out with their host bits zero (truncate), so an address with
    /// host bits set in the output is a leak; the other schemes write pseudonyms that look like
    /// addresses.
    pub fn truncates(&self) -> bool {
        matches!(self.scheme, Scheme::Truncate)
    }
}

/// Replacements of spans of a line, applied in the rewrite pass: sorted by position, not
/// overlapping, their texts kept in one arena reused from line to line (no allocation per line).
/// An edit replaces whole fields or parts of them that are delimited by non-address bytes (field
/// spans, an ECS prefix length); it must never cut through an address literal, because the bytes
/// on each side of an edit are scanned separately.
#[derive(Debug, Default, Clone)]
pub struct Edits {
    list: Vec<(usize, usize, usize, usize)>,
    arena: Vec<u8>,
    /// The greatest end of an edit (0 with none): a field past it touches none, which is most
    /// fields, as edits come in field order.
    max_end: usize,
}

impl Edits {
    /// Forgets the previous line's edits.
    pub fn clear(&mut self) {
        self.list.clear();
        self.arena.clear();
        self.max_end = 0;
    }

    /// Replaces `start..end` by `text`.
    pub fn push(&mut self, start: usize, end: usize, text: &[u8]) {
        let from = self.arena.len();
        self.arena.extend_from_slice(text);
        self.commit(start, end, from);
    }

    /// The arena, for writing a replacement in place; follow with [`Edits::commit`].
    pub fn arena(&mut self) -> &mut Vec<u8> {
        &mut self.arena
    }

    /// Replaces `start..end` by the arena bytes written since `from`.
    pub fn commit(&mut self, start: usize, end: usize, from: usize) {
        self.list.push((start, end, from, self.arena.len()));
        self.max_end = self.max_end.max(end);
    }

    /// Sorts by position (edits are pushed in field order, which is nearly sorted).
    pub fn sort(&mut self) {
        self.list.sort_unstable_by_key(|e| e.0);
    }

    /// Takes out the edits that touch `start..end` and returns the span they and it cover
    /// together (`start..end` itself when none does): what replacing `start..end` must replace
    /// so that no two edits overlap. `None` when one edit already covers all of it.
    pub fn take_overlapping(&mut self, start: usize, end: usize) -> Option<(usize, usize)> {
        if self.past_every_edit(start, end) {
            return Some((start, end));
        }
        // Else most touch no edit and lie in none: one pass to tell.
        if !self
            .list
            .iter()
            .any(|x| (x.0 < end && start < x.1) || (x.0 <= start && end <= x.1 && x.0 < x.1))
        {
            return Some((start, end));
        }
        if self
            .list
            .iter()
            .any(|e| e.0 <= start && end <= e.1 && e.0 < e.1)
        {
            return None;
        }
        let (mut s, mut e) = (start, end);
        self.list.retain(|x| {
            let touches = x.0 < end && start < x.1;
            if touches {
                (s, e) = (s.min(x.0), e.max(x.1));
            }
            !touches
        });
        self.max_end = self.list.iter().map(|x| x.1).max().unwrap_or(0);
        Some((s, e))
    }

    /// True when `start..end` begins past every edit, so touches none and lies in none (an
    /// empty span at an edit's end lies in it): most fields, as edits come in field order.
    #[inline(always)]
    pub fn past_every_edit(&self, start: usize, end: usize) -> bool {
        start > self.max_end || (start == self.max_end && start < end)
    }

    /// True when an edit touches `start..end`.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.list.iter().any(|e| e.0 < end && start < e.1)
    }

    /// True when there is no edit.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many edits there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Keeps a JSON line JSON after the edits from index `from` on. A value outside any string
    /// (a number, `true`) replaced by anything that is no number or literal becomes a string,
    /// and a dropped one (`-`, or nothing) `null`; inside a string, a `"` or control byte an
    /// action wrote is escaped, and a last lone `\` doubled, so the string still ends where it
    /// did. Reorders those edits (they are sorted before use anyway).
    pub fn keep_json(&mut self, line: &[u8], from: usize) {
        if self.list.len() <= from {
            return;
        }
        self.list[from..].sort_unstable_by_key(|e| e.0);
        let (mut pos, mut in_string) = (0, false);
        for k in from..self.list.len() {
            let (s, e, a, b) = self.list[k];
            // Whether `s` lies inside a string, reading the line from where the last edit ended
            // (a value's span does not cross a string's ends).
            while pos < s {
                let Some(j) = memchr::memchr2(b'"', b'\\', &line[pos..s]) else {
                    pos = s;
                    break;
                };
                let at = pos + j;
                pos = at + 1;
                if line[at] == b'\\' {
                    pos += usize::from(in_string); // an escape: the next byte is not a quote
                } else {
                    in_string = !in_string;
                }
            }
            pos = pos.max(e);
            let text = &self.arena[a..b];
            let fixed: Option<Vec<u8>> = if in_string {
                json_string_safe(text)
            } else if text.is_empty() || text == b"-" {
                Some(b"null".to_vec())
            } else if is_json_scalar(text) {
                None
            } else {
                let mut q = vec![b'"'];
                q.extend_from_slice(&json_string_safe(text).unwrap_or_else(|| text.to_vec()));
                q.push(b'"');
                Some(q)
            };
            if let Some(t) = fixed {
                let at = self.arena.len();
                self.arena.extend_from_slice(&t);
                self.list[k] = (s, e, at, self.arena.len());
            }
        }
    }

    fn get(&self, k: usize) -> Option<(usize, usize, &[u8])> {
        self.list
            .get(k)
            .map(|&(s, e, a, b)| (s, e, &self.arena[a..b]))
    }
}

/// The result of mapping one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapped {
    /// The value changes to this.
    To(IpAddr),
    /// The scheme leaves the value as it is (e.g. already truncated).
    Same,
    /// Exempt by `--keep-net`.
    Kept,
    /// Not an address: the hex of these bytes (ipcrypt-nd/ndx: tweak ‖ ciphertext).
    Token {
        /// The bytes (the first `len` are used).
        bytes: [u8; 32],
        /// How many.
        len: u8,
    },
}

fn mask32(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    }
}

fn mask128(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix as u32)
    }
}

/// The IPv6 bits kept of `a` under prefixes `v4` and `v6`: `v6`, but for a 6to4 address
/// (2002::/16, RFC 3056), whose next 32 bits are the client's IPv4 address, at most `v4` of
/// those (a /48 of it is the whole IPv4 address).
#[inline(always)]
pub fn v6_prefix_of(a: Ipv6Addr, v4: u8, v6: u8) -> u8 {
    if a.segments()[0] == 0x2002 {
        v6.min(16 + v4)
    } else {
        v6
    }
}

/// Truncates `ip` to `prefix` bits (the network address), as Python's `ipaddress` computes it.
pub fn truncate(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask32(prefix))),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask128(prefix))),
    }
}

/// `text` written so that it can stand inside a JSON string (`None`: it can as it is): a valid
/// escape is kept, a `"`, a control byte or a backslash that starts no valid escape is escaped.
fn json_string_safe(text: &[u8]) -> Option<Vec<u8>> {
    // The length of the valid escape at `i` (a backslash), or 0.
    let escape = |i: usize| match text.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => 2,
        Some(b'u')
            if text
                .get(i + 2..i + 6)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
        {
            6
        }
        _ => 0,
    };
    let mut i = 0;
    let first_bad = loop {
        match text.get(i) {
            None => return None,
            Some(b'\\') if escape(i) > 0 => i += escape(i),
            Some(&c) if c == b'\\' || c == b'"' || c < 0x20 => break i,
            Some(_) => i += 1,
        }
    };
    let mut out = text[..first_bad].to_vec();
    let mut i = first_bad;
    while let Some(&c) = text.get(i) {
        match c {
            b'\\' if escape(i) > 0 => {
                out.extend_from_slice(&text[i..i + escape(i)]);
                i += escape(i);
                continue;
            }
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            c if c < 0x20 => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            c => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

/// Whether `t` is a JSON number or `true`, `false`, `null`.
fn is_json_scalar(t: &[u8]) -> bool {
    if matches!(t, b"true" | b"false" | b"null") {
        return true;
    }
    let t = t.strip_prefix(b"-").unwrap_or(t);
    let int = t.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 || (int > 1 && t[0] == b'0') {
        return false;
    }
    let mut rest = &t[int..];
    if let Some(r) = rest.strip_prefix(b".") {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    if let Some(r) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let r = r
            .strip_prefix(b"+")
            .or_else(|| r.strip_prefix(b"-"))
            .unwrap_or(r);
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests;
