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

/// The files in `dir` whose names end in `.ext`, sorted.
pub fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
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
/// embedded IPv4 under /24), `%3A` and `%2E` read as `:` and `.`; a quad glued to digits
/// before it (`0000.0.2.17`) is read from its last three. Found with regexes and std's parser, independently of logscrub's
/// own finder, so a finder bug cannot hide itself.
pub fn untruncated(text: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(text)
        .replace("%3A", ":")
        .replace("%3a", ":")
        .replace("%2E", ".")
        .replace("%2e", ".");
    let v4 = regex::Regex::new(r"(?:^|[^.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:$|[^0-9])")
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
    // A quad written with dashes that ends a host name's label (`ip-192-0-2-11.example`), read
    // both ways: some networks write it reversed.
    let dashed =
        regex::Regex::new(r"(?:^|[^0-9])(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.[A-Za-z]")
            .unwrap();
    let mut at = 0;
    while let Some(m) = dashed.captures_at(&text, at) {
        let o: Vec<u32> = (1..=4).map(|i| m[i].parse().unwrap()).collect();
        if o.iter().all(|&x| x <= 255) && (o[0] != 0 || o[3] != 0) {
            bad.push(format!("{}-{}-{}-{}", o[0], o[1], o[2], o[3]));
        }
        at = m.get(2).unwrap().start();
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

/// `text` with the escapes servers write decoded first (percent escapes, repeatedly for double
/// encoding; nginx `\xHH`; JSON `\uHHHH`; IIS `%uHHHH`; HTML `&quot;`, `&#NN;`, `&#xHH;`; `+`;
/// a DNS label's `\.`), so that [`untruncated`] sees an address an escape was glued to. Decoded bytes that are not
/// printable become spaces.
pub fn decode_escapes(text: &[u8]) -> Vec<u8> {
    fn hex(b: &[u8]) -> Option<u32> {
        std::str::from_utf8(b)
            .ok()
            .filter(|s| s.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|s| u32::from_str_radix(s, 16).ok())
    }
    let printable = |v: u32| match u8::try_from(v) {
        Ok(c) if c.is_ascii_graphic() => c,
        _ => b' ',
    };
    let mut cur = text.to_vec();
    for _ in 0..4 {
        let mut out = Vec::with_capacity(cur.len());
        let mut i = 0;
        while i < cur.len() {
            let rest = &cur[i..];
            let decoded = if rest.starts_with(b"%u") || rest.starts_with(b"\\u") {
                rest.get(2..6).and_then(hex).map(|v| (printable(v), 6))
            } else if rest.starts_with(b"\\.") {
                Some((b'.', 2))
            } else if rest.starts_with(b"\\x") {
                rest.get(2..4).and_then(hex).map(|v| (printable(v), 4))
            } else if rest.starts_with(b"%") {
                rest.get(1..3).and_then(hex).map(|v| (printable(v), 3))
            } else if rest.starts_with(b"&quot;") {
                Some((b'"', 6))
            } else if rest.starts_with(b"&#x") {
                let end = rest.iter().position(|&c| c == b';');
                end.and_then(|e| hex(&rest[3..e]).map(|v| (printable(v), e + 1)))
            } else if rest.starts_with(b"&#") {
                let end = rest.iter().position(|&c| c == b';');
                end.and_then(|e| {
                    std::str::from_utf8(&rest[2..e])
                        .ok()?
                        .parse::<u32>()
                        .ok()
                        .map(|v| (printable(v), e + 1))
                })
            } else if rest[0] == b'+' {
                Some((b' ', 1))
            } else {
                None
            };
            match decoded {
                Some((c, len)) => {
                    out.push(c);
                    i += len;
                }
                None => {
                    out.push(cur[i]);
                    i += 1;
                }
            }
        }
        if out == cur {
            break;
        }
        cur = out;
    }
    cur
}

/// Whether the external program `tool` runs (`tool --version`). When it does not, the test
/// that needs it is skipped, and says so on the terminal (written past the test harness's
/// capture, so a passing run shows it); under `.ci/run`, which installs the tools and sets
/// `LOGSCRUB_REQUIRE_TOOLS=1` when that worked, a missing tool fails the test instead.
pub fn have_tool(tool: &str, what: &str) -> bool {
    use std::io::Write;
    if std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        std::env::var_os("LOGSCRUB_REQUIRE_TOOLS").is_none(),
        "{tool} is not installed, and LOGSCRUB_REQUIRE_TOOLS is set: {what} must be checked"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what}: {tool} is not installed (.ci/run installs it)"
    );
    false
}

/// A state as a report reads it (docs/STATS.md, "streams"), written from the documentation as
/// an oracle: a stream without question lines has its answer-side query panels (`a@S.X`) and
/// answer lines count as questions (`q.X`, `dns_questions`); a stream with some keeps them as
/// answers (`a.X`).
pub fn normalized(state: &serde_json::Value) -> serde_json::Value {
    let mut s = state.clone();
    let streams = s
        .as_object_mut()
        .unwrap()
        .remove("streams")
        .unwrap_or_default();
    let Some(streams) = streams.as_object() else {
        return s;
    };
    for (name, st) in streams {
        let unasked = st["questions"].as_u64().unwrap_or(0) == 0;
        let prefix = format!("a@{name}.");
        let panels = s["panels"].as_object_mut().unwrap();
        let keys: Vec<String> = panels
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in keys {
            let p = panels.remove(&k).unwrap();
            let to = format!(
                "{}{}",
                if unasked { "q." } else { "a." },
                &k[prefix.len()..]
            );
            let target = panels.entry(to).or_insert_with(|| {
                serde_json::json!({"capacity": p["capacity"], "error": 0, "total": 0, "counts": []})
            });
            let add = |a: &serde_json::Value, b: &serde_json::Value| {
                serde_json::json!(a.as_u64().unwrap() + b.as_u64().unwrap())
            };
            target["total"] = add(&target["total"], &p["total"]);
            target["error"] = add(&target["error"], &p["error"]);
            let mut counts: std::collections::BTreeMap<String, u64> = target["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_u64().unwrap()))
                .collect();
            for e in p["counts"].as_array().unwrap() {
                *counts
                    .entry(e[0].as_str().unwrap().to_string())
                    .or_default() += e[1].as_u64().unwrap();
            }
            let mut v: Vec<(String, u64)> = counts.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            target["counts"] = serde_json::json!(v);
        }
        if unasked {
            let series = s["series"].as_object_mut().unwrap();
            for (b, n) in st["answers"].as_object().into_iter().flatten() {
                let bucket = series
                    .entry(b.clone())
                    .or_insert_with(|| serde_json::json!({}));
                let q = bucket["dns_questions"].as_u64().unwrap_or(0) + n.as_u64().unwrap();
                bucket["dns_questions"] = serde_json::json!(q);
            }
        }
    }
    s
}

/// A network of a test database: address, prefix length, country, (AS number, organization).
pub type MmdbNet<'a> = (&'a str, u8, &'a str, Option<(u32, &'a str)>);

/// Writes a small MaxMind DB file (format 2.0: an IPv6 search tree with 24-bit records, IPv4
/// under `::/96`, a data section, the metadata), written here from the specification so the
/// tests need no downloaded database: each network (address, prefix length) gets a record with
/// `country.iso_code` and, when given, `autonomous_system_number`/`_organization`.
pub fn write_mmdb(path: &std::path::Path, nets: &[MmdbNet<'_>]) {
    // A control byte: the type in its top 3 bits (0 and an extra byte for types past 7), the
    // size in its low 5 (29 and one more byte for sizes 29 to 284).
    fn ctrl(out: &mut Vec<u8>, kind: u8, size: usize) {
        assert!(size < 29 + 256);
        let small = size.min(29) as u8;
        if kind <= 7 {
            out.push((kind << 5) | small);
        } else {
            out.push(small);
            out.push(kind - 7);
        }
        if size >= 29 {
            out.push((size - 29) as u8);
        }
    }
    fn text(out: &mut Vec<u8>, s: &str) {
        ctrl(out, 2, s.len());
        out.extend_from_slice(s.as_bytes());
    }
    fn uint(out: &mut Vec<u8>, kind: u8, v: u64) {
        let bytes: Vec<u8> = v
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        ctrl(out, kind, bytes.len());
        out.extend_from_slice(&bytes);
    }
    #[derive(Clone, Copy)]
    enum Rec {
        Empty,
        Node(usize),
        Data(usize),
    }
    let mut data = Vec::new();
    let mut nodes: Vec<[Rec; 2]> = vec![[Rec::Empty, Rec::Empty]];
    for &(addr, len, country, asn) in nets {
        let offset = data.len();
        ctrl(&mut data, 7, if asn.is_some() { 3 } else { 1 });
        text(&mut data, "country");
        ctrl(&mut data, 7, 1);
        text(&mut data, "iso_code");
        text(&mut data, country);
        if let Some((n, org)) = asn {
            text(&mut data, "autonomous_system_number");
            uint(&mut data, 6, u64::from(n));
            text(&mut data, "autonomous_system_organization");
            text(&mut data, org);
        }
        let ip: std::net::IpAddr = addr.parse().unwrap();
        let (bits, len) = match ip {
            std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)), len + 96),
            std::net::IpAddr::V6(v6) => (u128::from(v6), len),
        };
        let mut node = 0;
        for i in 0..len as usize {
            let bit = ((bits >> (127 - i)) & 1) as usize;
            if i + 1 == len as usize {
                nodes[node][bit] = Rec::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Rec::Node(n) => n,
                    _ => {
                        nodes.push([Rec::Empty, Rec::Empty]);
                        let n = nodes.len() - 1;
                        nodes[node][bit] = Rec::Node(n);
                        n
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for pair in &nodes {
        for r in pair {
            let v = match *r {
                Rec::Empty => count,
                Rec::Node(n) => n,
                Rec::Data(off) => count + 16 + off,
            } as u32;
            out.extend_from_slice(&v.to_be_bytes()[1..]);
        }
    }
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\xab\xcd\xefMaxMind.com");
    ctrl(&mut out, 7, 9);
    text(&mut out, "binary_format_major_version");
    uint(&mut out, 5, 2);
    text(&mut out, "binary_format_minor_version");
    uint(&mut out, 5, 0);
    text(&mut out, "build_epoch");
    uint(&mut out, 9, 1_790_000_000);
    text(&mut out, "database_type");
    text(&mut out, "logscrub-test");
    text(&mut out, "description");
    ctrl(&mut out, 7, 1);
    text(&mut out, "en");
    text(&mut out, "test");
    text(&mut out, "ip_version");
    uint(&mut out, 5, 6);
    text(&mut out, "languages");
    ctrl(&mut out, 11, 1);
    text(&mut out, "en");
    text(&mut out, "node_count");
    uint(&mut out, 6, count as u64);
    text(&mut out, "record_size");
    uint(&mut out, 5, 24);
    std::fs::write(path, out).unwrap();
}

/// A daemon stand-in: a process that holds `append` open for appending and `read` for reading
/// only, until dropped (killed then). Returned once the files are open.
pub struct Holder(std::process::Child);

impl Holder {
    pub fn new(append: &[&Path], read: &[&Path]) -> Holder {
        use std::io::BufRead;
        // `exec 3>>"$1" 4<"$2" …`: a descriptor per file, from 3 on.
        let mut script = String::from("exec");
        for (k, mode) in std::iter::repeat_n(">>", append.len())
            .chain(std::iter::repeat_n("<", read.len()))
            .enumerate()
        {
            script += &format!(" {}{mode}\"${}\"", k + 3, k + 1);
        }
        script += "; echo ready; exec sleep 60";
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .args(append.iter().chain(read))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        std::io::BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut ready)
            .unwrap();
        Holder(child)
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
