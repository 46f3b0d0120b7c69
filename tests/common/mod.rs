//! Shared helpers for integration tests: running the binary and an independent address oracle.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The path of a fixture under `testdata/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

/// `data` gzip-compressed.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A file's content, decompressed when it is gzip.
pub fn content(p: &Path) -> Vec<u8> {
    use std::io::Read;
    let raw = std::fs::read(p).unwrap();
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    }
}

/// The built `logscrub` binary.
pub fn logscrub() -> Command {
    Command::cargo_bin("logscrub").unwrap()
}

/// Every address in `text` whose host bits are not zero under /24 and /48 (v4-mapped: the
/// embedded IPv4 under /24). Found with regexes and std's parser, independently of logscrub's
/// own finder, so a finder bug cannot hide itself.
pub fn untruncated(text: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(text)
        .replace("%3A", ":")
        .replace("%3a", ":");
    let v4 =
        regex::Regex::new(r"(?:^|[^0-9.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:$|[^0-9])")
            .unwrap();
    let mut bad = Vec::new();
    // Overlapping matches: scan from every start.
    let mut at = 0;
    while let Some(m) = v4.captures_at(&text, at) {
        let o: Vec<u32> = (1..=4).map(|i| m[i].parse().unwrap()).collect();
        if o.iter().all(|&x| x <= 255) && o[3] != 0 {
            bad.push(format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]));
        }
        at = m.get(4).unwrap().start();
    }
    let v6 = regex::Regex::new(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*").unwrap();
    for m in v6.find_iter(&text) {
        let tok = m.as_str();
        // Try the token and its prefixes ending at a group boundary (ports, trailing dots).
        let mut ends: Vec<usize> = (1..=tok.len())
            .filter(|&e| tok.is_char_boundary(e))
            .collect();
        ends.reverse();
        for start in 0..tok.len() {
            if start > 0 && tok.as_bytes()[start - 1] != b':' {
                continue;
            }
            for &e in &ends {
                if e <= start {
                    break;
                }
                if let Ok(a) = tok[start..e].parse::<Ipv6Addr>() {
                    let bits = u128::from(a);
                    let leak = match a.to_ipv4_mapped() {
                        Some(v4) => v4.octets()[3] != 0,
                        None => bits & ((1u128 << 80) - 1) != 0,
                    };
                    if leak && tok[start..e].matches(':').count() >= 2 {
                        bad.push(tok[start..e].to_string());
                    }
                    break;
                }
            }
        }
    }
    bad
}

/// True when `ip` text parses as an address (for table tests).
pub fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}
