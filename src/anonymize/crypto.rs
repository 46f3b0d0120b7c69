//! Standard pseudonymization schemes, exact to their published specifications and test vectors
//! (`testdata/vectors/`, checked by `tests/integration/vectors.rs`):
//!
//! * Crypto-PAn (Xu, Fan, Ammar, Moon; the 2002 reference `panonymizer.cpp`): prefix-preserving,
//!   32-byte key (AES-128 key ‖ pad seed). IPv6 uses the same construction over 128 bits (the pad
//!   is the whole 16-byte AES block), as the common ports do; only IPv4 is in the reference.
//! * ipcrypt (draft-denis-ipcrypt, revision 13): `det` (AES-128 on the 16-byte form), `pfx`
//!   (prefix-preserving, two AES-128 keys, bit by bit), `nd` (KIASU-BC with an 8-byte tweak) and
//!   `ndx` (single-block AES-XTS with a 16-byte tweak). IPv4 is taken as its IPv4-mapped 16-byte
//!   form, so an address and its `::ffff:` form encrypt alike. nd/ndx are not deterministic and
//!   their output is no address: the hex of tweak ‖ ciphertext.
//! * PowerDNS ipcipher: IPv4 through Aumasson's 32-bit ipcrypt permutation, IPv6 through one
//!   AES-128 block; the key is 16 bytes, or derived from a passphrase with PBKDF2-HMAC-SHA1
//!   (salt `ipcipheripcipher`, 50 000 iterations).
//!
//! AES comes from RustCrypto's `aes` (hardware AES detected at run time). KIASU-BC, which the
//! crate does not offer, is built from its `hazmat` round functions (AESENC/AESDEC) with the
//! tweak XORed into every round key, on an AES-128 key schedule written here from FIPS 197.
//! Every scheme also decrypts (Crypto-PAn and pfx bit by bit), for `logscrub decrypt`.

use std::net::{Ipv4Addr, Ipv6Addr};

use aes::Aes128;
use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

type Block = [u8; 16];

fn aes(key: &[u8]) -> Aes128 {
    Aes128::new_from_slice(key)
        .expect("AES-128 takes a 16-byte key; lengths are checked by the caller")
}

fn enc(c: &Aes128, b: &Block) -> Block {
    let mut a = Array::from(*b);
    c.encrypt_block(&mut a);
    a.into()
}

fn dec(c: &Aes128, b: &Block) -> Block {
    let mut a = Array::from(*b);
    c.decrypt_block(&mut a);
    a.into()
}

fn xor(a: &Block, b: &Block) -> Block {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// The 16-byte form of an address: IPv4 as IPv4-mapped IPv6.
pub fn to16(ip: std::net::IpAddr) -> Block {
    match ip {
        std::net::IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
        std::net::IpAddr::V6(a) => a.octets(),
    }
}

/// An address from its 16-byte form: IPv4 when it is IPv4-mapped.
pub fn from16(b: Block) -> std::net::IpAddr {
    let a = Ipv6Addr::from(b);
    match a.to_ipv4_mapped() {
        Some(v4) => v4.into(),
        None => a.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Crypto-PAn

/// Crypto-PAn with a 32-byte key.
#[derive(Clone)]
pub struct CryptoPan {
    aes: Aes128,
    pad: Block,
}

impl CryptoPan {
    /// Key: 16 bytes of AES key, then 16 bytes encrypted to form the pad.
    pub fn new(key: &[u8; 32]) -> CryptoPan {
        let aes = aes(&key[..16]);
        let pad = enc(&aes, key[16..].try_into().expect("16 bytes"));
        CryptoPan { aes, pad }
    }

    /// Decryption, bit by bit: each PRF input needs the original bits recovered so far. `y` is
    /// the encrypted address, left-aligned in a u128; `bits` is 32 or 128.
    fn mask(&self, x: u128, bits: u32, decrypt: Option<u128>) -> u128 {
        let pad = u128::from_be_bytes(self.pad);
        let mut orig = x;
        let mut result = 0u128;
        for pos in 0..bits {
            let keep = if pos == 0 {
                0
            } else {
                u128::MAX << (128 - pos)
            };
            let input = (orig & keep) | (pad & !keep);
            let out = enc(&self.aes, &input.to_be_bytes());
            let bit = ((out[0] >> 7) as u128) << (127 - pos);
            result |= bit;
            if let Some(y) = decrypt {
                // Recover the next original bit from the output bit just produced.
                let b = (y ^ result) & (1u128 << (127 - pos));
                orig = (orig & !(1u128 << (127 - pos))) | b;
            }
        }
        if decrypt.is_some() { orig } else { result ^ x }
    }

    /// Encryption: every PRF input is known up front (original prefix spliced onto the pad), so
    /// all `bits` blocks go through AES in one batched call, which the hardware pipelines.
    fn encrypt_bits(&self, x: u128, bits: u32) -> u128 {
        let pad = u128::from_be_bytes(self.pad);
        let mut blocks = [Array::from([0u8; 16]); 128];
        for pos in 0..bits {
            let keep = if pos == 0 {
                0
            } else {
                u128::MAX << (128 - pos)
            };
            blocks[pos as usize] = Array::from(((x & keep) | (pad & !keep)).to_be_bytes());
        }
        self.aes.encrypt_blocks(&mut blocks[..bits as usize]);
        let mut result = 0u128;
        for (pos, b) in blocks[..bits as usize].iter().enumerate() {
            result |= ((b[0] >> 7) as u128) << (127 - pos);
        }
        result ^ x
    }

    /// Encrypts an IPv4 address.
    pub fn v4(&self, a: Ipv4Addr) -> Ipv4Addr {
        let x = (u32::from(a) as u128) << 96;
        Ipv4Addr::from((self.encrypt_bits(x, 32) >> 96) as u32)
    }

    /// Encrypts an IPv6 address (the same construction over 128 bits).
    pub fn v6(&self, a: Ipv6Addr) -> Ipv6Addr {
        Ipv6Addr::from(self.encrypt_bits(u128::from(a), 128))
    }

    /// Decrypts an IPv4 address.
    pub fn v4_inv(&self, a: Ipv4Addr) -> Ipv4Addr {
        let y = (u32::from(a) as u128) << 96;
        Ipv4Addr::from((self.mask(0, 32, Some(y)) >> 96) as u32)
    }

    /// Decrypts an IPv6 address.
    pub fn v6_inv(&self, a: Ipv6Addr) -> Ipv6Addr {
        Ipv6Addr::from(self.mask(0, 128, Some(u128::from(a))))
    }
}

// ---------------------------------------------------------------------------------------------
// ipcrypt-det

/// ipcrypt-deterministic: AES-128 over the 16-byte form.
#[derive(Clone)]
pub struct Det(Aes128);

impl Det {
    /// 16-byte key.
    pub fn new(key: &[u8; 16]) -> Det {
        Det(aes(key))
    }
    /// Encrypts.
    pub fn encrypt(&self, b: Block) -> Block {
        enc(&self.0, &b)
    }
    /// Decrypts.
    pub fn decrypt(&self, b: Block) -> Block {
        dec(&self.0, &b)
    }
}

// ---------------------------------------------------------------------------------------------
// ipcrypt-pfx

/// ipcrypt-pfx: prefix-preserving with two AES-128 keys. Each output bit costs one block under
/// each key; the two are independent, so their rounds are interleaved (`aes::hazmat`) and the
/// CPU pipelines them instead of waiting for one block before starting the other.
#[derive(Clone)]
pub struct Pfx {
    k1: Aes128,
    k2: Aes128,
    rk1: [Block; 11],
    rk2: [Block; 11],
}

fn get_bit(b: &Block, pos: usize) -> u8 {
    (b[15 - pos / 8] >> (pos % 8)) & 1
}

fn set_bit(b: &mut Block, pos: usize, v: u8) {
    let (i, s) = (15 - pos / 8, pos % 8);
    b[i] = (b[i] & !(1 << s)) | ((v & 1) << s);
}

fn shift_left_one(b: &mut Block) {
    for i in 0..16 {
        b[i] = (b[i] << 1) | if i < 15 { b[i + 1] >> 7 } else { 0 };
    }
}

impl Pfx {
    /// 32-byte key: two AES-128 keys, which must differ.
    pub fn new(key: &[u8; 32]) -> Pfx {
        let half = |r: std::ops::Range<usize>| -> [u8; 16] { key[r].try_into().expect("16 bytes") };
        Pfx {
            k1: aes(&half(0..16)),
            k2: aes(&half(16..32)),
            rk1: expand_key(&half(0..16)),
            rk2: expand_key(&half(16..32)),
        }
    }

    /// AES-128(K1, p) ⊕ AES-128(K2, p), the two encryptions interleaved round by round.
    fn prf(&self, p: &Block) -> Block {
        use aes::hazmat::{cipher_round, inv_mix_columns};
        let mut a = Array::from(xor(p, &self.rk1[0]));
        let mut b = Array::from(xor(p, &self.rk2[0]));
        for r in 1..10 {
            cipher_round(&mut a, &Array::from(self.rk1[r]));
            cipher_round(&mut b, &Array::from(self.rk2[r]));
        }
        // The last round has no MixColumns: a full round with a zero key, then undo it.
        let zero = Array::from([0u8; 16]);
        cipher_round(&mut a, &zero);
        cipher_round(&mut b, &zero);
        inv_mix_columns(&mut a);
        inv_mix_columns(&mut b);
        xor(
            &xor(&a.into(), &self.rk1[10]),
            &xor(&b.into(), &self.rk2[10]),
        )
    }

    fn run(&self, input: Block, decrypt: bool) -> Block {
        let v4 = input[..10].iter().all(|&b| b == 0) && input[10] == 0xff && input[11] == 0xff;
        let start = if v4 { 96 } else { 0 };
        let mut out = [0u8; 16];
        let mut padded = [0u8; 16];
        if v4 {
            out[10] = 0xff;
            out[11] = 0xff;
            padded[3] = 0x01;
            padded[14] = 0xff;
            padded[15] = 0xff;
        } else {
            padded[15] = 0x01;
        }
        for prefix_len in start..128 {
            let e = self.prf(&padded);
            let cipher_bit = e[15] & 1;
            let bit_pos = 127 - prefix_len;
            let in_bit = get_bit(&input, bit_pos);
            let orig = if decrypt { in_bit ^ cipher_bit } else { in_bit };
            set_bit(&mut out, bit_pos, in_bit ^ cipher_bit);
            shift_left_one(&mut padded);
            set_bit(&mut padded, 0, orig);
        }
        out
    }

    /// Encrypts the 16-byte form. Every padded prefix is made of original bits, known up front,
    /// so all of them go through AES in two batched calls (one per key), which the hardware
    /// pipelines; decryption must go bit by bit.
    pub fn encrypt(&self, input: Block) -> Block {
        let v4 = input[..10].iter().all(|&b| b == 0) && input[10] == 0xff && input[11] == 0xff;
        let start = if v4 { 96 } else { 0 };
        let n = 128 - start;
        // The padded prefix `zeros ‖ 1 ‖ prefix bits`, as a big-endian u128.
        let x = u128::from_be_bytes(input);
        let mut padded: u128 = if v4 { (1u128 << 96) | 0xffff } else { 1 };
        let mut a = [Array::from([0u8; 16]); 128];
        for (k, prefix_len) in (start..128).enumerate() {
            a[k] = Array::from(padded.to_be_bytes());
            padded = (padded << 1) | ((x >> (127 - prefix_len)) & 1);
        }
        let mut b = a;
        self.k1.encrypt_blocks(&mut a[..n]);
        self.k2.encrypt_blocks(&mut b[..n]);
        let mut flip = 0u128;
        for (k, prefix_len) in (start..128).enumerate() {
            flip |= (((a[k][15] ^ b[k][15]) & 1) as u128) << (127 - prefix_len);
        }
        (x ^ flip).to_be_bytes()
    }

    /// Decrypts the 16-byte form (bit by bit).
    pub fn decrypt(&self, b: Block) -> Block {
        self.run(b, true)
    }
}

// ---------------------------------------------------------------------------------------------
// ipcrypt-nd: KIASU-BC

const SBOX: [u8; 256] = [
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
];

/// The 11 AES-128 round keys (FIPS 197 §5.2).
fn expand_key(key: &[u8; 16]) -> [Block; 11] {
    const RCON: [u8; 10] = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];
    let mut w = [[0u8; 4]; 44];
    for i in 0..4 {
        w[i].copy_from_slice(&key[4 * i..4 * i + 4]);
    }
    for i in 4..44 {
        let mut t = w[i - 1];
        if i % 4 == 0 {
            t = [
                SBOX[t[1] as usize] ^ RCON[i / 4 - 1],
                SBOX[t[2] as usize],
                SBOX[t[3] as usize],
                SBOX[t[0] as usize],
            ];
        }
        w[i] = std::array::from_fn(|j| w[i - 4][j] ^ t[j]);
    }
    std::array::from_fn(|r| std::array::from_fn(|j| w[4 * r + j / 4][j % 4]))
}

/// KIASU-BC: AES-128 with a 64-bit tweak XORed (padded) into every round key.
#[derive(Clone)]
pub struct Kiasu {
    rk: [Block; 11],
}

fn pad_tweak(t: &[u8; 8]) -> Block {
    let mut p = [0u8; 16];
    for i in 0..4 {
        p[4 * i] = t[2 * i];
        p[4 * i + 1] = t[2 * i + 1];
    }
    p
}

impl Kiasu {
    /// 16-byte key.
    pub fn new(key: &[u8; 16]) -> Kiasu {
        Kiasu {
            rk: expand_key(key),
        }
    }

    /// Encrypts one block under `tweak`.
    pub fn encrypt(&self, tweak: &[u8; 8], b: Block) -> Block {
        use aes::hazmat::{cipher_round, inv_mix_columns};
        let t = pad_tweak(tweak);
        let mut s = Array::from(xor(&b, &xor(&self.rk[0], &t)));
        for r in 1..10 {
            cipher_round(&mut s, &Array::from(xor(&self.rk[r], &t)));
        }
        // The last round has no MixColumns: a full round with a zero key, then undo it.
        cipher_round(&mut s, &Array::from([0u8; 16]));
        inv_mix_columns(&mut s);
        xor(&s.into(), &xor(&self.rk[10], &t))
    }

    /// Decrypts one block under `tweak` (the equivalent inverse cipher).
    pub fn decrypt(&self, tweak: &[u8; 8], b: Block) -> Block {
        use aes::hazmat::{equiv_inv_cipher_round, inv_mix_columns, mix_columns};
        let t = pad_tweak(tweak);
        let mut s = Array::from(xor(&b, &xor(&self.rk[10], &t)));
        for r in (1..10).rev() {
            let mut k = Array::from(xor(&self.rk[r], &t));
            inv_mix_columns(&mut k);
            equiv_inv_cipher_round(&mut s, &k);
        }
        equiv_inv_cipher_round(&mut s, &Array::from([0u8; 16]));
        mix_columns(&mut s);
        xor(&s.into(), &xor(&self.rk[0], &t))
    }
}

// ---------------------------------------------------------------------------------------------
// ipcrypt-ndx: single-block AES-XTS

/// ipcrypt-ndx: 32-byte key (K1 encrypts the block, K2 the tweak).
#[derive(Clone)]
pub struct Ndx(Aes128, Aes128);

impl Ndx {
    /// 32-byte key.
    pub fn new(key: &[u8; 32]) -> Ndx {
        Ndx(aes(&key[..16]), aes(&key[16..]))
    }
    /// Encrypts one block under `tweak`.
    pub fn encrypt(&self, tweak: &Block, b: Block) -> Block {
        let et = enc(&self.1, tweak);
        xor(&enc(&self.0, &xor(&b, &et)), &et)
    }
    /// Decrypts one block under `tweak`.
    pub fn decrypt(&self, tweak: &Block, b: Block) -> Block {
        let et = enc(&self.1, tweak);
        xor(&dec(&self.0, &xor(&b, &et)), &et)
    }
}

// ---------------------------------------------------------------------------------------------
// ipcipher

/// PowerDNS ipcipher: a 16-byte key used as AES-128 key (IPv6) and ipcrypt key (IPv4).
#[derive(Clone)]
pub struct Ipcipher {
    key: [u8; 16],
    aes: Aes128,
}

fn rotl(b: u8, r: u32) -> u8 {
    b.rotate_left(r)
}

fn permute_fwd(s: [u8; 4]) -> [u8; 4] {
    let [mut b0, mut b1, mut b2, mut b3] = s;
    b0 = b0.wrapping_add(b1);
    b2 = b2.wrapping_add(b3);
    b1 = rotl(b1, 2);
    b3 = rotl(b3, 5);
    b1 ^= b0;
    b3 ^= b2;
    b0 = rotl(b0, 4);
    b0 = b0.wrapping_add(b3);
    b2 = b2.wrapping_add(b1);
    b1 = rotl(b1, 3);
    b3 = rotl(b3, 7);
    b1 ^= b2;
    b3 ^= b0;
    b2 = rotl(b2, 4);
    [b0, b1, b2, b3]
}

fn permute_bwd(s: [u8; 4]) -> [u8; 4] {
    let [mut b0, mut b1, mut b2, mut b3] = s;
    b2 = rotl(b2, 4);
    b1 ^= b2;
    b3 ^= b0;
    b1 = rotl(b1, 5);
    b3 = rotl(b3, 1);
    b0 = b0.wrapping_sub(b3);
    b2 = b2.wrapping_sub(b1);
    b0 = rotl(b0, 4);
    b1 ^= b0;
    b3 ^= b2;
    b1 = rotl(b1, 6);
    b3 = rotl(b3, 3);
    b0 = b0.wrapping_sub(b1);
    b2 = b2.wrapping_sub(b3);
    [b0, b1, b2, b3]
}

fn xor4(a: [u8; 4], k: &[u8]) -> [u8; 4] {
    std::array::from_fn(|i| a[i] ^ k[i])
}

/// The ipcipher key derived from a passphrase: PBKDF2-HMAC-SHA1, salt `ipcipheripcipher`,
/// 50 000 iterations, 16 bytes.
pub fn ipcipher_key(passphrase: &[u8]) -> [u8; 16] {
    pbkdf2::pbkdf2_hmac_array::<sha1::Sha1, 16>(passphrase, b"ipcipheripcipher", 50_000)
}

impl Ipcipher {
    /// 16-byte key.
    pub fn new(key: &[u8; 16]) -> Ipcipher {
        Ipcipher {
            key: *key,
            aes: aes(key),
        }
    }
    /// Encrypts an IPv4 address with the ipcrypt permutation.
    pub fn v4(&self, a: Ipv4Addr) -> Ipv4Addr {
        let k = &self.key;
        let mut s = xor4(a.octets(), &k[0..4]);
        s = xor4(permute_fwd(s), &k[4..8]);
        s = xor4(permute_fwd(s), &k[8..12]);
        s = xor4(permute_fwd(s), &k[12..16]);
        Ipv4Addr::from(s)
    }
    /// Decrypts an IPv4 address.
    pub fn v4_inv(&self, a: Ipv4Addr) -> Ipv4Addr {
        let k = &self.key;
        let mut s = xor4(a.octets(), &k[12..16]);
        s = xor4(permute_bwd(s), &k[8..12]);
        s = xor4(permute_bwd(s), &k[4..8]);
        s = xor4(permute_bwd(s), &k[0..4]);
        Ipv4Addr::from(s)
    }
    /// Encrypts an IPv6 address (one AES-128 block).
    pub fn v6(&self, a: Ipv6Addr) -> Ipv6Addr {
        Ipv6Addr::from(enc(&self.aes, &a.octets()))
    }
    /// Decrypts an IPv6 address.
    pub fn v6_inv(&self, a: Ipv6Addr) -> Ipv6Addr {
        Ipv6Addr::from(dec(&self.aes, &a.octets()))
    }
}

/// A per-worker source of tweaks for nd/ndx: AES-128 in counter mode under a key from the
/// operating system (a standard CTR-DRBG construction without reseeding; 2^64 blocks is far
/// beyond any log).
#[derive(Clone)]
pub struct TweakSource {
    aes: Aes128,
    counter: u128,
}

impl TweakSource {
    /// A source keyed from the operating system's randomness.
    pub fn new() -> std::io::Result<TweakSource> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(TweakSource {
            aes: aes(&k[..16]),
            counter: u128::from_le_bytes(k[..16].try_into().expect("16"))
                ^ u128::from_le_bytes(k[16..].try_into().expect("16")),
        })
    }

    /// The next 16 random bytes.
    pub fn next_block(&mut self) -> Block {
        self.counter = self.counter.wrapping_add(1);
        enc(&self.aes, &self.counter.to_le_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_schedule_matches_fips197_appendix_a1() {
        // FIPS 197 A.1: key 2b7e1516 28aed2a6 abf71588 09cf4f3c, last round key d014f9a8 c9ee2589 e13f0cc8 b6630ca6.
        let key = [
            0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf,
            0x4f, 0x3c,
        ];
        let rk = expand_key(&key);
        assert_eq!(
            rk[10],
            [
                0xd0, 0x14, 0xf9, 0xa8, 0xc9, 0xee, 0x25, 0x89, 0xe1, 0x3f, 0x0c, 0xc8, 0xb6, 0x63,
                0x0c, 0xa6
            ]
        );
        // With a zero tweak KIASU-BC is AES-128.
        let k = Kiasu::new(&key);
        let block = [7u8; 16];
        assert_eq!(k.encrypt(&[0; 8], block), enc(&aes(&key), &block));
    }

    #[test]
    fn round_trips() {
        let k32: [u8; 32] = std::array::from_fn(|i| i as u8 * 7 + 1);
        let k16: [u8; 16] = std::array::from_fn(|i| i as u8 * 3 + 5);
        let cp = CryptoPan::new(&k32);
        let pfx = Pfx::new(&k32);
        let det = Det::new(&k16);
        let nd = Kiasu::new(&k16);
        let ndx = Ndx::new(&k32);
        let ipc = Ipcipher::new(&k16);
        for a in ["192.0.2.1", "198.51.100.254", "0.0.0.0", "255.255.255.255"] {
            let v4: Ipv4Addr = a.parse().unwrap();
            assert_eq!(cp.v4_inv(cp.v4(v4)), v4);
            assert_eq!(ipc.v4_inv(ipc.v4(v4)), v4);
            let b = to16(v4.into());
            assert_eq!(pfx.decrypt(pfx.encrypt(b)), b);
            assert_eq!(det.decrypt(det.encrypt(b)), b);
            assert_eq!(
                nd.decrypt(
                    &[1, 2, 3, 4, 5, 6, 7, 8],
                    nd.encrypt(&[1, 2, 3, 4, 5, 6, 7, 8], b)
                ),
                b
            );
            assert_eq!(ndx.decrypt(&[9; 16], ndx.encrypt(&[9; 16], b)), b);
        }
        for a in ["2001:db8::1", "::", "2001:db8:85a3::8a2e:370:7334"] {
            let v6: Ipv6Addr = a.parse().unwrap();
            assert_eq!(cp.v6_inv(cp.v6(v6)), v6);
            assert_eq!(ipc.v6_inv(ipc.v6(v6)), v6);
            let b = v6.octets();
            assert_eq!(pfx.decrypt(pfx.encrypt(b)), b);
        }
    }
}
