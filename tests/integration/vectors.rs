//! Every published test vector in `testdata/vectors/` (sources in its README): Crypto-PAn's
//! sample trace, draft-denis-ipcrypt's appendix (det, pfx, nd, ndx) and PowerDNS ipcipher's key
//! derivation, IPv4 and IPv6 vectors. Outputs are compared as parsed addresses (or hex).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use logscrub::anonymize::crypto::{
    CryptoPan, Det, Ipcipher, Kiasu, Ndx, Pfx, from16, ipcipher_key, to16,
};
use serde_json::Value;

fn load(name: &str) -> Value {
    let p = format!("{}/testdata/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn hex<const N: usize>(s: &str) -> [u8; N] {
    assert_eq!(s.len(), 2 * N, "{s}");
    std::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
}

fn tohex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"))
}

fn ip(v: &Value, k: &str) -> IpAddr {
    s(v, k).parse().unwrap()
}

#[test]
fn cryptopan_sample_trace_and_other_keys() {
    let d = load("cryptopan.json");
    let cp = CryptoPan::new(&hex(s(&d, "key_hex")));
    let mut n = 0;
    for p in d["pairs"].as_array().unwrap() {
        let (i, o): (Ipv4Addr, Ipv4Addr) = (
            s(p, "input").parse().unwrap(),
            s(p, "output").parse().unwrap(),
        );
        assert_eq!(cp.v4(i), o, "{i}");
        assert_eq!(cp.v4_inv(o), i, "reverse {o}");
        n += 1;
    }
    assert!(n >= 70);
    for k in d["other_keys"].as_array().unwrap() {
        let cp = CryptoPan::new(&hex(s(k, "key_hex")));
        for p in k["pairs"].as_array().unwrap() {
            let (i, o): (Ipv4Addr, Ipv4Addr) = (
                s(p, "input").parse().unwrap(),
                s(p, "output").parse().unwrap(),
            );
            assert_eq!(cp.v4(i), o, "{i}");
        }
    }
    // The IPv6 extension as the ports implement it (not part of the reference).
    for p in d["ipv6_nonreference"]["pairs"].as_array().unwrap() {
        let (i, o): (Ipv6Addr, Ipv6Addr) = (
            s(p, "input").parse().unwrap(),
            s(p, "output").parse().unwrap(),
        );
        assert_eq!(cp.v6(i), o, "{i}");
        assert_eq!(cp.v6_inv(o), i);
    }
}

#[test]
fn ipcrypt_deterministic() {
    let d = load("ipcrypt.json");
    for v in d["deterministic"].as_array().unwrap() {
        let c = Det::new(&hex(s(v, "key")));
        let out = from16(c.encrypt(to16(ip(v, "input"))));
        assert_eq!(out, ip(v, "output"), "{v}");
        assert_eq!(from16(c.decrypt(to16(out))), ip(v, "input"));
    }
}

#[test]
fn ipcrypt_pfx() {
    let d = load("ipcrypt.json");
    let mut n = 0;
    for v in d["pfx"].as_array().unwrap() {
        let c = Pfx::new(&hex(s(v, "key")));
        let out = from16(c.encrypt(to16(ip(v, "input"))));
        assert_eq!(out, ip(v, "output"), "{v}");
        assert_eq!(from16(c.decrypt(to16(out))), ip(v, "input"));
        n += 1;
    }
    assert!(n >= 16);
}

#[test]
fn ipcrypt_nd_and_ndx() {
    let d = load("ipcrypt.json");
    for v in d["nd"].as_array().unwrap() {
        let c = Kiasu::new(&hex(s(v, "key")));
        let t: [u8; 8] = hex(s(v, "tweak"));
        let ct = c.encrypt(&t, to16(ip(v, "input")));
        assert_eq!(
            format!("{}{}", tohex(&t), tohex(&ct)),
            s(v, "output"),
            "{v}"
        );
        assert_eq!(from16(c.decrypt(&t, ct)), ip(v, "input"));
    }
    for v in d["ndx"].as_array().unwrap() {
        let c = Ndx::new(&hex(s(v, "key")));
        let t: [u8; 16] = hex(s(v, "tweak"));
        let ct = c.encrypt(&t, to16(ip(v, "input")));
        assert_eq!(
            format!("{}{}", tohex(&t), tohex(&ct)),
            s(v, "output"),
            "{v}"
        );
        assert_eq!(from16(c.decrypt(&t, ct)), ip(v, "input"));
    }
}

fn ipcipher_for(v: &Value) -> Ipcipher {
    Ipcipher::new(&hex(s(v, "key")))
}

#[test]
fn ipcipher_kdf_ipv4_ipv6() {
    let d = load("ipcipher.json");
    for v in d["kdf"].as_array().unwrap() {
        assert_eq!(
            tohex(&ipcipher_key(s(v, "passphrase").as_bytes())),
            s(v, "key"),
            "{v}"
        );
    }
    for v in d["ipv4"].as_array().unwrap() {
        let c = ipcipher_for(v);
        let (i, o): (Ipv4Addr, Ipv4Addr) = (
            s(v, "input").parse().unwrap(),
            s(v, "output").parse().unwrap(),
        );
        assert_eq!(c.v4(i), o, "{v}");
        assert_eq!(c.v4_inv(o), i);
    }
    for v in d["ipv6"].as_array().unwrap() {
        let c = ipcipher_for(v);
        let (i, o): (Ipv6Addr, Ipv6Addr) = (
            s(v, "input").parse().unwrap(),
            s(v, "output").parse().unwrap(),
        );
        assert_eq!(c.v6(i), o, "{v}");
        assert_eq!(c.v6_inv(o), i);
    }
    // The short iterated vector; the 100-million one is ignored below.
    for v in d["ipv4_iterated"].as_array().unwrap() {
        let n = v["iterations"].as_u64().unwrap();
        if n > 1000 {
            continue;
        }
        let c = ipcipher_for(v);
        let mut a: Ipv4Addr = s(v, "input").parse().unwrap();
        for _ in 0..n {
            a = c.v4(a);
        }
        assert_eq!(a.to_string(), s(v, "output"));
    }
}

#[test]
#[ignore = "100 million encryptions; run with --ignored"]
fn ipcipher_iterated_100_million() {
    let d = load("ipcipher.json");
    for v in d["ipv4_iterated"].as_array().unwrap() {
        let n = v["iterations"].as_u64().unwrap();
        let c = ipcipher_for(v);
        let mut a: Ipv4Addr = s(v, "input").parse().unwrap();
        for _ in 0..n {
            a = c.v4(a);
        }
        assert_eq!(a.to_string(), s(v, "output"));
    }
}

/// IPv4-mapped addresses under Crypto-PAn and ipcipher: encrypted as IPv6, as yacryptopan and
/// PowerDNS do (issue 14), through the anonymizer as it rewrites a line, and decrypted back.
#[test]
fn mapped_addresses_follow_the_reference_implementations() {
    use logscrub::anonymize::{Anonymizer, Cache, Key, SchemeKind};
    use logscrub::cmd::decrypt::Decryptor;
    let cases = [
        ("cryptopan.json", SchemeKind::Cryptopan),
        ("ipcipher.json", SchemeKind::Ipcipher),
    ];
    let mut n = 0;
    for (file, kind) in cases {
        let d = load(file);
        for p in d["ipv4_mapped"]["pairs"].as_array().unwrap() {
            let key_hex = p["key"].as_str().unwrap_or_else(|| s(&d, "key_hex"));
            let bytes: Vec<u8> = (0..key_hex.len() / 2)
                .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let key = match bytes.len() {
                16 => Key::from_bytes::<16>(bytes.try_into().unwrap()),
                _ => Key::from_bytes::<32>(bytes.try_into().unwrap()),
            };
            let a = Anonymizer::new(kind.build(Some(&key)), 24, 48, vec![]);
            let line = format!("client {} x", s(p, "input"));
            let mut out = Vec::new();
            a.rewrite_line(line.as_bytes(), b'\n', &mut out, &mut Cache::default());
            let out = String::from_utf8(out).unwrap();
            let got: Ipv6Addr = out.split(' ').nth(1).unwrap().parse().unwrap();
            assert_eq!(got, ip6(p, "output"), "{file} {p}");
            let mut back = Vec::new();
            Decryptor::new(kind, &key)
                .unwrap()
                .line(out.as_bytes(), &mut back);
            assert_eq!(String::from_utf8(back).unwrap(), line, "{file} decrypt");
            n += 1;
        }
    }
    assert!(n >= 18, "{n} vectors");
}

fn ip6(v: &Value, k: &str) -> Ipv6Addr {
    s(v, k).parse().unwrap()
}
