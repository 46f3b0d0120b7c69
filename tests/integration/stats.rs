//! `logscrub stats`, `merge` and `report` on the fixtures: exact panels against a straightforward
//! count, parallel == sequential, merge laws (halves == whole, associative, commutative), keys
//! that differ refused, K-suppression in every renderer, and no address in any state or report.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{fixture, logscrub, untruncated};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;

struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        let d = Dir {
            tmp: tempfile::tempdir().unwrap(),
        };
        logscrub()
            .args(["keygen", "-o"])
            .arg(d.key())
            .assert()
            .success();
        d
    }
    fn key(&self) -> PathBuf {
        self.tmp.path().join("key")
    }
    fn p(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
    /// Runs `stats` with the key; returns the state as JSON.
    fn stats(&self, inputs: &[&Path], extra: &[&str], out: &str) -> Value {
        logscrub()
            .args(["stats", "-q", "--key-file"])
            .arg(self.key())
            .args(extra)
            .args(inputs)
            .arg("-o")
            .arg(self.p(out))
            .assert()
            .success();
        serde_json::from_str(&fs::read_to_string(self.p(out)).unwrap()).unwrap()
    }

    /// [`Dir::stats`], returning the state's path.
    fn stats_path(&self, inputs: &[&Path], extra: &[&str], out: &str) -> PathBuf {
        self.stats(inputs, extra, out);
        self.p(out)
    }
}

/// A panel of a state as a map.
/// `stats -q -o STATE LOG` (format auto): the state written, read back.
fn count_into(state: &Path, log: &Path) -> Value {
    logscrub()
        .args(["stats", "-q", "-o"])
        .arg(state)
        .arg(log)
        .assert()
        .success();
    serde_json::from_slice(&fs::read(state).unwrap()).unwrap()
}

fn panel(state: &Value, name: &str) -> HashMap<String, u64> {
    state["panels"][name]["counts"]
        .as_array()
        .unwrap_or_else(|| panic!("panel {name} in {state}"))
        .iter()
        .map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_u64().unwrap()))
        .collect()
}

/// `logscrub report --to json` of a state, with `args`.
fn report_json(state: &Path, args: &[&str]) -> Value {
    let out = logscrub()
        .args(["report", "--to", "json"])
        .args(args)
        .arg(state)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A panel of a report (JSON) by key.
fn report_panel<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == key)
        .unwrap_or_else(|| panic!("panel {key}"))
}

/// A report panel's shown rows, as (label, count).
fn report_rows(r: &Value, key: &str) -> Vec<(String, u64)> {
    report_panel(r, key)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Everything a report's panel publishes: its rows and `other`.
fn published_total(p: &Value) -> u64 {
    p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum::<u64>()
        + p["other"]["count"].as_u64().unwrap_or(0)
}

/// A report's series (`web` or `dns`).
fn series<'a>(r: &'a Value, which: &str) -> &'a Vec<Value> {
    r["series"][which].as_array().unwrap()
}

fn count<'a>(it: impl Iterator<Item = &'a str>) -> HashMap<String, u64> {
    let mut m = HashMap::new();
    for v in it {
        *m.entry(v.to_string()).or_insert(0) += 1;
    }
    m
}

#[test]
fn web_panels_equal_a_straightforward_count() {
    let d = Dir::new();
    let log = fixture("web/combined.log");
    let s = d.stats(&[&log], &[], "s.json");
    let text = fs::read_to_string(&log).unwrap();
    let re = regex::Regex::new(
        r#"^(\S+) \S+ \S+ \[[^\]]+\] "(\S+) ([^ ?"]*)\S* (HTTP/[\d.]+)" (\d{3}) (\S+) "([^"]*)""#,
    )
    .unwrap();
    let caps: Vec<regex::Captures> = text.lines().map(|l| re.captures(l).expect(l)).collect();
    assert_eq!(s["lines"], 300);
    assert_eq!(
        panel(&s, "status"),
        count(caps.iter().map(|c| c.get(5).unwrap().as_str()))
    );
    assert_eq!(
        panel(&s, "method"),
        count(caps.iter().map(|c| c.get(2).unwrap().as_str()))
    );
    assert_eq!(
        panel(&s, "protocol"),
        count(caps.iter().map(|c| c.get(4).unwrap().as_str()))
    );
    // Pages are paths without the query, scrubbed of addresses (none in this fixture's paths).
    assert_eq!(
        panel(&s, "page"),
        count(caps.iter().map(|c| c.get(3).unwrap().as_str()))
    );
    let bytes: u64 = caps
        .iter()
        .filter_map(|c| c.get(6).unwrap().as_str().parse::<u64>().ok())
        .sum();
    let day = &s["series"]["2026-10-10"];
    assert_eq!(day["requests"], 300);
    assert_eq!(day["bytes"], bytes);
    // Response sizes in decimal bins (issue 20); `-` is `(none)`.
    let bins: Vec<&str> = caps
        .iter()
        .map(|c| match c.get(6).unwrap().as_str().parse::<u64>() {
            Ok(n) if n < 1000 => "0-999",
            Ok(n) if n < 10_000 => "1000-9999",
            Ok(n) if n < 100_000 => "10000-99999",
            Ok(n) if n < 1_000_000 => "100000-999999",
            Ok(n) if n < 10_000_000 => "1000000-9999999",
            Ok(_) => "10000000-",
            Err(_) => "(none)",
        })
        .collect();
    assert_eq!(panel(&s, "response_bytes"), count(bins.into_iter()));
    // Hour of day (issue 20): the hour of each line's `[10/Oct/2026:HH:…]`, all at +0000; and
    // at --tz +02:00 two hours later.
    let hours: Vec<String> = text
        .lines()
        .map(|l| l.split("/2026:").nth(1).unwrap()[..2].to_string())
        .collect();
    assert_eq!(
        panel(&s, "hour_of_day"),
        count(hours.iter().map(String::as_str))
    );
    let east = d.stats(&[&log], &["--tz", "+02:00"], "east.json");
    let later: Vec<String> = hours
        .iter()
        .map(|h| format!("{:02}", (h.parse::<u32>().unwrap() + 2) % 24))
        .collect();
    assert_eq!(
        panel(&east, "hour_of_day"),
        count(later.iter().map(String::as_str))
    );
    // Unique visitors: the report's estimate within 2 % of the distinct clients.
    let distinct = count(caps.iter().map(|c| c.get(1).unwrap().as_str())).len() as f64;
    let rep: Value = serde_json::from_slice(
        &logscrub()
            .args(["report", "--to", "json", "--min-count", "1"])
            .arg(d.p("s.json"))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let visitors = rep["series"]["web"][0]["visitors"].as_f64().unwrap();
    assert!(
        (visitors - distinct).abs() / distinct <= 0.02,
        "{visitors} vs {distinct}"
    );
}

#[test]
fn dns_panels_equal_the_fixture_fields() {
    let d = Dir::new();
    for server in [
        "bind", "unbound", "dnsmasq", "coredns", "powerdns", "dnsdist", "doh",
    ] {
        let log = fixture(&format!("dns/{server}.log"));
        let s = crate::common::normalized(&d.stats(
            &[&log],
            &["--format", server],
            &format!("{server}.json"),
        ));
        // The expected fields of every line, from the fixture's own table.
        let expected: Vec<Value> =
            fs::read_to_string(fixture(&format!("dns/{server}.expected.jsonl")))
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
        let answer_events = [
            "reply",
            "cached",
            "Answer",
            "answer",
            "query failed",
            "config",
            "/etc/hosts",
            "gravity blocked",
            "regex blacklisted",
            "exactly blacklisted",
            "regex denied",
            "exactly denied",
        ];
        let is_answer = |e: &Value| {
            e.get("rcode").is_some()
                || e.get("event")
                    .and_then(Value::as_str)
                    .is_some_and(|v| answer_events.contains(&v))
        };
        // A reply without a name (Unbound's to a refused or unparseable query, for which no
        // question line is written) is the question and its answer at once.
        let is_both = |e: &Value| {
            e.get("event").and_then(Value::as_str) == Some("reply") && e.get("qname").is_none()
        };
        // dnsmasq's CNAME links are steps of one answer, counted by its last line.
        let dns_lines: Vec<&Value> = expected
            .iter()
            .filter(|e| !e.is_null())
            .filter(|e| e.get("event").and_then(Value::as_str) != Some("forwarded"))
            .filter(|e| e.get("answer").and_then(Value::as_str) != Some("<CNAME>"))
            .filter(|e| e.get("qname").is_some() || e.get("rcode").is_some())
            .collect();
        let questions: Vec<&&Value> = dns_lines
            .iter()
            .filter(|e| !is_answer(e) || is_both(e))
            .collect();
        let answer_only = questions.is_empty();
        let side: Vec<&&Value> = if answer_only {
            dns_lines.iter().filter(|e| is_answer(e)).collect()
        } else {
            questions
        };
        // An answer-only log's answers count as its questions (`q.`), so states merge.
        let prefix = "q.";
        if answer_only {
            let keys = s["panels"].as_object().unwrap();
            assert!(
                keys.keys().all(|k| !k.starts_with("a.")),
                "{server}: an answer-only log keeps no a. panels"
            );
        }
        // A line without the value counts as `(none)` (so every panel counts the same lines).
        let want = count(
            side.iter()
                .map(|e| e.get("qtype").and_then(Value::as_str).unwrap_or("(none)")),
        );
        if !want.is_empty() {
            assert_eq!(panel(&s, &format!("{prefix}qtype")), want, "{server} qtype");
        }
        // Review finding: panels counting different lines published small differences.
        let totals: Vec<(String, u64)> = s["panels"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with("q."))
            .map(|(k, p)| (k.clone(), p["total"].as_u64().unwrap()))
            .collect();
        assert!(
            totals.windows(2).all(|w| w[0].1 == w[1].1),
            "{server}: every query panel counts the same lines: {totals:?}"
        );
        let rcodes = count(
            dns_lines
                .iter()
                .filter(|e| is_answer(e))
                .map(|e| {
                    let event = e.get("event").and_then(Value::as_str);
                    match e.get("rcode").and_then(Value::as_str) {
                        Some(r) => r,
                        // dnsmasq's answers with data are NOERROR.
                        None if matches!(
                            event,
                            Some("reply" | "cached" | "config" | "/etc/hosts")
                        ) =>
                        {
                            "NOERROR"
                        }
                        None => "(none)",
                    }
                })
                // One vocabulary whatever the server wrote (issue 17): RFC mnemonics.
                .map(|r| match r {
                    "0" | "No Error" => "NOERROR",
                    "2" | "Server Failure" => "SERVFAIL",
                    "3" | "Non-Existent domain" => "NXDOMAIN",
                    "5" | "Query Refused" => "REFUSED",
                    "NODATA" | "NODATA-IPv4" | "NODATA-IPv6" => "NOERROR",
                    other => other,
                }),
        );
        if !rcodes.is_empty() {
            assert_eq!(panel(&s, "rcode"), rcodes, "{server} rcode");
        }
        assert_eq!(
            s["unparsed"], 2,
            "{server}: every fixture has two lines that are no log"
        );
    }
}

/// Review finding: a state of a question-logging server (BIND) merged with one of a server that
/// logs answers only (CoreDNS) reported the BIND queries alone — the report chose one side for
/// the whole state. Answer-only files now count their answers as questions.
#[test]
fn question_and_answer_only_servers_merge_into_every_query() {
    let d = Dir::new();
    let bind = d.stats(&[&fixture("dns/bind.log")], &["--format", "bind"], "b.json");
    let core = d.stats(
        &[&fixture("dns/coredns.log")],
        &["--format", "coredns"],
        "c.json",
    );
    let total = |s: &Value| {
        crate::common::normalized(s)["panels"]["q.qtype"]["total"]
            .as_u64()
            .unwrap()
    };
    let (b, c) = (total(&bind), total(&core));
    assert!(b > 0 && c > 0);
    logscrub()
        .arg("merge")
        .arg(d.p("b.json"))
        .arg(d.p("c.json"))
        .arg("-o")
        .arg(d.p("m.json"))
        .assert()
        .success();
    let merged: Value = serde_json::from_str(&fs::read_to_string(d.p("m.json")).unwrap()).unwrap();
    assert_eq!(total(&merged), b + c);
    // Both files in one run: the same.
    let both = d.stats(
        &[&fixture("dns/bind.log"), &fixture("dns/coredns.log")],
        &[],
        "both.json",
    );
    assert_eq!(total(&both), b + c);
    let r = report_json(&d.p("m.json"), &["--min-count", "1", "--top", "1000"]);
    assert_eq!(published_total(report_panel(&r, "qtype")), b + c);
}

#[test]
fn parallel_equals_sequential_and_halves_merge_into_the_whole() {
    let d = Dir::new();
    // Large enough for several pieces of 256 KiB.
    let one = fs::read(fixture("web/combined.log")).unwrap();
    let big = one.repeat(20);
    fs::write(d.p("big.log"), &big).unwrap();
    let seq = {
        logscrub()
            .args(["stats", "--threads", "1", "-q", "--key-file"])
            .arg(d.key())
            .arg(d.p("big.log"))
            .arg("-o")
            .arg(d.p("seq.json"))
            .assert()
            .success();
        fs::read_to_string(d.p("seq.json")).unwrap()
    };
    let par = d.stats(&[&d.p("big.log")], &[], "par.json");
    assert_eq!(serde_json::from_str::<Value>(&seq).unwrap(), par);
    assert_eq!(par["lines"], 6000);
    // Visit order also where its summary drops steps (a capacity of 20): steps are counted in
    // input order in one summary, not per thread (they once depended on which thread read which
    // piece). (The other panels' summaries are per thread: beyond their capacity, counts may
    // differ within the error bound they state.)
    // 30,000 requests of 500 visitors for 300 pages, every 3 seconds.
    let mut x: u64 = 12345;
    let mut many = String::new();
    for i in 0..30_000u64 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let (v, page, s) = ((x >> 33) % 500, (x >> 17) % 300, i * 3);
        many += &format!(
            "192.0.2.{} - - [{:02}/Oct/2026:{:02}:{:02}:{:02} +0000] \"GET /p/{page} HTTP/1.1\" 200 {v} \"-\" \"agent{}\"\n",
            v % 250,
            10 + s / 86_400,
            s / 3600 % 24,
            s / 60 % 60,
            s % 60,
            v / 250
        );
    }
    fs::write(d.p("many.log"), many).unwrap();
    let steps_at = |threads: &str, out: &str| -> Value {
        logscrub()
            .args([
                "stats",
                "--capacity",
                "20",
                "--threads",
                threads,
                "-q",
                "--key-file",
            ])
            .arg(d.key())
            .arg(d.p("many.log"))
            .arg("-o")
            .arg(d.p(out))
            .assert()
            .success();
        let v: Value = serde_json::from_str(&fs::read_to_string(d.p(out)).unwrap()).unwrap();
        v["panels"]["visit_step"].clone()
    };
    let one = steps_at("1", "small-seq.json");
    assert!(
        one["error"].as_u64().unwrap() > 0,
        "the summary dropped steps: {one}"
    );
    for threads in ["2", "3"] {
        assert_eq!(
            steps_at(threads, "small-par.json"),
            one,
            "{threads} threads"
        );
    }

    // Three parts, cut at line boundaries; merged in different orders and groupings.
    let lines: Vec<&[u8]> = big.split_inclusive(|&b| b == b'\n').collect();
    let (a, rest) = lines.split_at(1234);
    let (b, c) = rest.split_at(2500);
    for (name, part) in [("a.log", a), ("b.log", b), ("c.log", c)] {
        fs::write(d.p(name), part.concat()).unwrap();
        d.stats(&[&d.p(name)], &[], &format!("{name}.json"));
    }
    let merged = |order: &[&str], out: &str| -> Value {
        let mut cmd = logscrub();
        cmd.arg("merge");
        for n in order {
            cmd.arg(d.p(&format!("{n}.log.json")));
        }
        cmd.arg("-o").arg(d.p(out)).assert().success();
        serde_json::from_str(&fs::read_to_string(d.p(out)).unwrap()).unwrap()
    };
    let abc = merged(&["a", "b", "c"], "abc.json");
    // Visit order is the one exception (docs/STATS.md): a visit that crosses a cut counts as
    // two, an `(exit)` and an `(entry)` more, since no state holds who the visitor was.
    let without_visits = |v: &Value| {
        let mut v = v.clone();
        v["panels"].as_object_mut().unwrap().remove("visit_step");
        v
    };
    assert_eq!(
        without_visits(&abc),
        without_visits(&par),
        "parts merge into the whole"
    );
    let steps = |v: &Value| v["panels"]["visit_step"]["total"].as_u64().unwrap();
    assert!(steps(&abc) >= steps(&par), "cut visits only add steps");
    assert_eq!(merged(&["c", "a", "b"], "cab.json"), abc, "commutative");
    // (a+b)+c == a+(b+c)
    logscrub()
        .arg("merge")
        .arg(d.p("b.log.json"))
        .arg(d.p("c.log.json"))
        .arg("-o")
        .arg(d.p("bc.log.json"))
        .assert()
        .success();
    assert_eq!(merged(&["a", "bc"], "a_bc.json"), abc, "associative");
}

#[test]
fn states_of_different_keys_do_not_merge() {
    let d = Dir::new();
    let log = fixture("web/combined.log");
    d.stats(&[&log], &[], "keyed.json");
    logscrub()
        .args(["stats", "-q"])
        .arg(&log)
        .arg("-o")
        .arg(d.p("ephemeral.json"))
        .assert()
        .success();
    logscrub()
        .arg("merge")
        .arg(d.p("keyed.json"))
        .arg(d.p("ephemeral.json"))
        .assert()
        .code(1)
        .stderr(contains("different keys").and(contains("--key-file")));
    fs::copy(d.p("keyed.json"), d.p("keyed2.json")).unwrap();
    logscrub()
        .arg("merge")
        .arg(d.p("keyed.json"))
        .arg(d.p("keyed2.json"))
        .assert()
        .success();
}

/// The records of a CSV text (quoted fields with `""` escapes, no newline inside a field).
pub(crate) fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| {
            let mut fields = vec![String::new()];
            let mut quoted = false;
            let mut chars = l.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        fields.last_mut().unwrap().push('"');
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(String::new()),
                    c => fields.last_mut().unwrap().push(c),
                }
            }
            fields
        })
        .collect()
}

/// Every number a renderer prints in a panel row or a series cell, with its context.
pub(crate) fn published_counts(to: &str, text: &str) -> Vec<u64> {
    let mut v = Vec::new();
    match to {
        "json" => {
            let r: Value = serde_json::from_str(text).unwrap();
            for p in r["panels"].as_array().unwrap() {
                for row in p["rows"].as_array().unwrap() {
                    v.push(row["count"].as_u64().unwrap());
                }
                if let Some(n) = p["other"]["count"].as_u64() {
                    v.push(n);
                }
            }
            for s in ["web", "dns"] {
                for row in r["series"][s].as_array().unwrap() {
                    // Every number but the response times (times, not counts).
                    for (name, cell) in row.as_object().unwrap() {
                        if let Some(n) = cell.as_u64().filter(|_| !name.starts_with("response_")) {
                            v.push(n);
                        }
                    }
                }
            }
        }
        "md" => {
            for l in text
                .lines()
                .filter(|l| l.starts_with("| ") && !l.starts_with("| day"))
            {
                for cell in l.split('|').skip(2) {
                    if let Ok(n) = cell.trim().parse::<u64>() {
                        v.push(n);
                    }
                }
            }
        }
        "csv" => {
            // section,panel,bucket,label,metric,value,withheld: every value but the whole-log
            // line totals and the response times.
            for row in csv_rows(text).iter().skip(1) {
                if row[0] != "all"
                    && !row[4].starts_with("response_")
                    && let Ok(n) = row[5].parse::<u64>()
                {
                    v.push(n);
                }
            }
        }
        "html" => {
            for part in text.split("<td class=\"n\">").skip(1) {
                let n = part.split('<').next().unwrap();
                if let Ok(n) = n.parse::<u64>() {
                    v.push(n);
                }
            }
        }
        _ => unreachable!(),
    }
    v
}

#[test]
fn no_renderer_publishes_a_count_below_k() {
    let d = Dir::new();
    let web = fixture("web/combined.log");
    let dns = fixture("dns/bind.log");
    d.stats(&[&web, &dns], &["--bucket", "hour"], "s.json");
    for k in [1u64, 5, 10, 50] {
        for to in ["json", "md", "csv", "html"] {
            let out = logscrub()
                .args(["report", "--to", to, "--min-count", &k.to_string()])
                .arg(d.p("s.json"))
                .output()
                .unwrap();
            assert!(out.status.success());
            let text = String::from_utf8(out.stdout).unwrap();
            let counts = published_counts(to, &text);
            assert!(!counts.is_empty(), "{to} K={k}: something is published");
            assert!(
                counts.iter().all(|&n| n >= k),
                "{to} K={k}: {:?}",
                counts.iter().filter(|&&n| n < k).collect::<Vec<_>>()
            );
            assert!(
                text.contains(&format!("below {k}")),
                "{to}: footer states K"
            );
            if k > 1 {
                let shown = if to == "html" {
                    format!("&lt; {k}")
                } else {
                    format!("< {k}")
                };
                assert!(
                    text.contains(&shown) || to == "json",
                    "{to}: withheld cells shown"
                );
            }
        }
    }
}

#[test]
fn no_address_in_any_state_or_report() {
    let d = Dir::new();
    let hostile = fixture("web/hostile.log");
    let inputs = [
        fixture("web/combined.log"),
        hostile.clone(),
        fixture("web/nginx-xff.log"),
        fixture("dns/bind.log"),
        fixture("dns/unbound.log"),
        fixture("dns/dnsmasq.log"),
    ];
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    d.stats(&refs, &[], "s.json");
    let state = fs::read(d.p("s.json")).unwrap();
    assert_eq!(untruncated(&state), Vec::<String>::new(), "state");
    let raw: Vec<String> = fs::read_to_string(fixture("web/hostile.addrs"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    for to in ["json", "md", "csv", "html"] {
        let out = logscrub()
            .args(["report", "--min-count", "1", "--top", "100000", "--to", to])
            .arg(d.p("s.json"))
            .output()
            .unwrap();
        assert_eq!(untruncated(&out.stdout), Vec::<String>::new(), "{to}");
        let text = String::from_utf8_lossy(&out.stdout);
        for a in &raw {
            assert!(!text.contains(a.as_str()), "{to}: {a}");
        }
    }
}

/// Regression (a new user's review): in a shared syslog file where one server logs questions
/// (named) and another answers only (dnsdist), the second's answers were not counted as its
/// queries: the file was one stream. Each server is a stream of its own.
#[test]
fn each_server_of_a_shared_syslog_is_a_stream() {
    let d = Dir::new();
    let log = d.p("syslog");
    fs::write(
        &log,
        "Dec  3 09:51:27 ns1 named[42]: client @0x7f3a2c001234 192.0.2.17#53142 (www.example.com): query: www.example.com IN A + (192.0.2.53)\n\
         Dec  3 09:51:27 ns1 named[42]: client @0x7f3a2c001234 192.0.2.18#53142 (www.example.com): query: www.example.com IN AAAA + (192.0.2.53)\n\
         Dec  3 09:51:28 ns1 dnsdist[43]: Answer to 198.51.100.1:41444 for www.example.org. A (No Error) with id 2790\n\
         Dec  3 09:51:28 ns1 dnsdist[43]: Answer to 198.51.100.2:41444 for www.example.org. A (No Error) with id 2791\n\
         Dec  3 09:51:28 ns1 dnsdist[43]: Answer to 198.51.100.3:41444 for www.example.org. MX (No Error) with id 2792\n\
         Dec  3 09:51:29 ns1 CRON[99]: (root) CMD (true)\n",
    )
    .unwrap();
    let state = d.stats_path(&[&log], &["--format", "syslog", "--year", "2026"], "s.json");
    let streams: Vec<String> = serde_json::from_str::<Value>(&fs::read_to_string(&state).unwrap())
        .unwrap()["streams"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(streams, ["syslog/bind", "syslog/dnsdist"]);
    let r = report_json(&state, &["--min-count", "1"]);
    let queries: u64 = series(&r, "dns")
        .iter()
        .map(|b| b["queries"].as_u64().unwrap())
        .sum();
    assert_eq!(queries, 5, "{r}");
    let domains = report_rows(&r, "domain");
    assert!(domains.contains(&("example.org".into(), 3)), "{domains:?}");
    assert!(domains.contains(&("example.com".into(), 2)), "{domains:?}");
}

/// Regression (a new user's review): pages and referrer sites holding an address written with
/// `\u`/`\x` escapes (the quick test for labels that may hold one did not know `\`), with its
/// colons and dots all percent-encoded, or in dashes in a host name, were published as they were.
#[test]
fn escaped_and_dashed_addresses_are_scrubbed_from_labels() {
    let d = Dir::new();
    let log = d.p("access.log");
    let line = |path: &str, referrer: &str| {
        format!(
            "198.51.100.7 - - [10/Oct/2026:13:55:36 +0000] \"GET {path} HTTP/1.1\" 200 5 \"{referrer}\" \"curl/8\"\n"
        )
    };
    let text = [
        line(r"/a/192\u002e0\u002e2\u002e17", "-"),
        line(r"/b/192\x2e0\x2e2\x2e18", "-"),
        line(r"/c/2001\u003adb8\u003a1\u003a2\u003a\u003a19", "-"),
        line("/d?ip=%3A%3Affff%3A192%2E0%2E2%2E20", "-"),
        line("/e", "http://ec2-203-0-113-21.compute-1.amazonaws.com/x"),
    ]
    .concat();
    fs::write(&log, text).unwrap();
    let state = d.stats(&[&log], &["--format", "combined"], "s.json");
    let mut labels = Vec::new();
    for name in ["page", "referrer_site"] {
        labels.extend(panel(&state, name).into_keys());
    }
    assert!(labels.len() >= 6, "{labels:?}");
    for label in &labels {
        let decoded = crate::common::decode_escapes(label.as_bytes());
        assert_eq!(untruncated(&decoded), Vec::<String>::new(), "{label}");
        for host in ["17", "18", "19", "20", "21"] {
            assert!(!label.ends_with(host), "{label}");
        }
    }
}

/// Regression: a query name that is itself an address published its host octet as "TLD" `7` and
/// "domain" `2.7`; reverse names keep their (first-octet) registered domain.
#[test]
fn a_query_name_that_is_an_address_is_not_published_as_a_domain() {
    let d = Dir::new();
    let log = d.p("unbound.log");
    fs::write(
        &log,
        "[1700000000] unbound[1:0] info: 198.51.100.9 192.0.2.7. A IN\n\
         [1700000001] unbound[1:0] info: 198.51.100.9 ::ffff:192.0.2.77. AAAA IN\n\
         [1700000002] unbound[1:0] info: 198.51.100.9 7.2.0.192.in-addr.arpa. PTR IN\n\
         [1700000003] unbound[1:0] info: 198.51.100.9 www.example.com. A IN\n",
    )
    .unwrap();
    let state = d.stats(&[&log], &["--format", "unbound"], "s.json");
    let tld = panel(&state, "q.tld");
    let domain = panel(&state, "q.domain");
    assert_eq!(tld.get("(address)"), Some(&2), "{tld:?}");
    assert_eq!(domain.get("(address)"), Some(&2), "{domain:?}");
    assert_eq!(domain.get("192.in-addr.arpa"), Some(&1), "{domain:?}");
    assert_eq!(domain.get("example.com"), Some(&1), "{domain:?}");
    for label in tld.keys().chain(domain.keys()) {
        assert!(!label.starts_with('7') && !label.contains("2.7"), "{label}");
    }
}

#[test]
fn rules_apply_before_counting_and_the_report_shortcut() {
    let d = Dir::new();
    let log = fixture("web/combined.log");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/publish-web.toml");
    let with = d.stats(&[&log], &["--rules", rules.to_str().unwrap()], "r.json");
    let without = d.stats(&[&log], &[], "n.json");
    assert!(with["excluded"].as_u64().unwrap() + with["lines"].as_u64().unwrap() >= 300);
    assert_ne!(
        panel(&with, "page"),
        panel(&without, "page"),
        "rules change what is counted"
    );
    logscrub()
        .args(["stats", "-q", "--report", "html", "--min-count", "5", "-o"])
        .arg(d.p("r.html"))
        .arg(&log)
        .assert()
        .success();
    let html = fs::read_to_string(d.p("r.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "self-contained"
    );
}

/// The name panels (domain, TLD, length, labels) count a name's lines in its memo slot and move
/// them into the panels when another name takes the slot: with far more names than slots
/// (4,096), scattered, on both sides, some too long to keep, every count is still the
/// straightforward one.
#[test]
fn name_panels_count_every_line_when_names_outnumber_the_memo() {
    let d = Dir::new();
    let (mut log, mut domains, mut lengths, mut labels) = (
        String::new(),
        HashMap::new(),
        HashMap::new(),
        HashMap::new(),
    );
    let mut x: u64 = 7;
    for i in 0..40_000u64 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = (x >> 33) % 9_000;
        let name = if k.is_multiple_of(97) {
            // Longer than the memo keeps: counted line by line.
            format!(
                "{}.{}.long{}.example.com",
                "x".repeat(60),
                "y".repeat(50),
                k % 5
            )
        } else if k.is_multiple_of(3) {
            format!("a{k}.b.host{}.example.org", k % 500)
        } else {
            format!("h{k}.example{}.net", k % 700)
        };
        let kind = if i.is_multiple_of(2) {
            "query: 192.0.2.1 NAME. A IN".to_string()
        } else {
            "reply: 2001:db8::1 NAME. AAAA IN NOERROR 0.001 0 60".to_string()
        };
        log += &format!(
            "[1791640536] unbound[1:0] {}\n",
            kind.replace("NAME", &name)
        );
        let side = if i.is_multiple_of(2) { "q" } else { "a" };
        let domain = name.rsplit('.').take(2).collect::<Vec<_>>();
        let domain = format!("{}.{}", domain[1], domain[0]);
        *domains.entry((side, domain)).or_insert(0u64) += 1;
        *lengths
            .entry((side, name.len().to_string()))
            .or_insert(0u64) += 1;
        *labels
            .entry((side, (name.matches('.').count() + 1).to_string()))
            .or_insert(0u64) += 1;
    }
    fs::write(d.p("names.log"), log).unwrap();
    let s = d.stats(
        &[&d.p("names.log")],
        &["-f", "unbound", "--capacity", "100000", "--threads", "1"],
        "s.json",
    );
    for (side, key) in [("q", "q."), ("a", "a@unbound.")] {
        for (want, panel_name) in [
            (&domains, "domain"),
            (&lengths, "qname_length"),
            (&labels, "labels"),
        ] {
            let want: HashMap<String, u64> = want
                .iter()
                .filter(|((s, _), _)| *s == side)
                .map(|((_, l), n)| (l.clone(), *n))
                .collect();
            assert_eq!(
                panel(&s, &format!("{key}{panel_name}")),
                want,
                "{key}{panel_name}"
            );
        }
        let tld = panel(&s, &format!("{key}tld"));
        assert_eq!(tld.values().sum::<u64>(), 20_000, "{key}tld");
    }
}

#[test]
fn beyond_capacity_the_report_states_its_error_and_other_stays_exact() {
    let d = Dir::new();
    let mut log = String::new();
    for i in 0..3000 {
        let path = if i % 4 == 0 {
            "/popular".to_string()
        } else {
            format!("/p/{i}")
        };
        log += &format!(
            "192.0.2.{} - - [10/Oct/2026:13:55:36 +0000] \"GET {path} HTTP/1.1\" 200 1 \"-\" \"curl/8.5.0\"\n",
            i % 250
        );
    }
    fs::write(d.p("many.log"), log).unwrap();
    d.stats(&[&d.p("many.log")], &["--capacity", "50"], "s.json");
    let r = report_json(&d.p("s.json"), &["--min-count", "5"]);
    let page = report_panel(&r, "page");
    assert_eq!(page["rows"][0]["label"], "/popular");
    assert!(page["error"].as_u64().unwrap() > 0);
    assert!(page["other"]["count"].as_u64().is_some());
    assert_eq!(published_total(page), 3000, "other is exact");
    assert!(
        r["note"]
            .as_str()
            .unwrap()
            .contains("Top pages: counts may be up to")
    );
}

/// The HTML report in a real browser (Debian's chromium, installed by .ci/run): it loads with no
/// console error, draws its charts, and fetches nothing.
#[test]
fn html_report_renders_in_headless_chromium() {
    if !crate::common::have_tool("chromium", "the HTML report in a browser") {
        return;
    }
    let d = Dir::new();
    let inputs = [fixture("web/combined.log"), fixture("dns/bind.log")];
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    d.stats(&refs, &["--bucket", "hour"], "s.json");
    logscrub()
        .args(["report", "--to", "html", "--min-count", "3", "-o"])
        .arg(d.p("r.html"))
        .arg(d.p("s.json"))
        .assert()
        .success();
    let url = format!("file://{}", d.p("r.html").display());
    let out = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        dom.contains("<svg") && dom.matches("<rect").count() >= 24,
        "charts drawn"
    );
    assert!(
        dom.contains("Top pages") && dom.contains("Query types"),
        "panels present"
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(
        !log.contains("net::ERR"),
        "no request failed (none is made): {log}"
    );
    assert!(
        dom.contains("Unique visitors (estimate)") && dom.contains("Top domain"),
        "the overview first"
    );
    // A desktop and a phone (issue 20): screenshots at 1280 and 390 px wide, kept in docs/
    // (`UPDATE_SCREENSHOTS=1` writes them there; README shows them).
    for width in [1280u32, 390] {
        let shot = d.p(&format!("report-{width}.png"));
        let out = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!("--window-size={width},1400"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = fs::read(&shot).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let png_width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(png_width, width, "a screenshot as wide as the window");
        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
            fs::copy(&shot, docs.join(format!("report-{width}.png"))).unwrap();
        }
    }
}

#[test]
fn differential_privacy_noise_is_added_before_k_and_stated() {
    let d = Dir::new();
    let inputs = [fixture("web/combined.log"), fixture("dns/bind.log")];
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    d.stats(&refs, &[], "s.json");
    let report = |extra: &[&str]| -> Value {
        let out = logscrub()
            .args(["report", "--to", "json", "--min-count", "3"])
            .args(extra)
            .arg(d.p("s.json"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let exact = report(&[]);
    // A huge ε adds no noise in practice (P(noise != 0) ~ 1e-21): the same numbers, bytes withheld.
    let loose = report(&["--dp-epsilon", "50"]);
    assert_eq!(loose["panels"], exact["panels"]);
    assert_eq!(
        series(&loose, "web")[0]["requests"],
        series(&exact, "web")[0]["requests"]
    );
    assert!(
        series(&loose, "web")[0]["bytes"].is_null(),
        "bytes are not published"
    );
    assert_eq!(
        series(&loose, "web")[0]["withheld"]["bytes"],
        "not published under differential privacy"
    );
    assert!(
        loose["note"]
            .as_str()
            .unwrap()
            .contains("differential privacy, ε = 50")
    );
    // A small ε changes numbers, and K still holds for what is published.
    let noisy = report(&["--dp-epsilon", "0.1"]);
    assert_ne!(noisy["panels"], exact["panels"]);
    let text = serde_json::to_string(&noisy).unwrap();
    assert!(published_counts("json", &text).iter().all(|&n| n >= 3));
    for e in ["0", "1e-7", "-1", "NaN", "inf"] {
        logscrub()
            .args(["report", &format!("--dp-epsilon={e}")])
            .arg(d.p("s.json"))
            .assert()
            .code(2)
            .stderr(contains("positive number"));
    }
    // No row in any panel is refused too (an adversarial review: every panel was `(others)`).
    logscrub()
        .args(["report", "--top", "0"])
        .arg(d.p("s.json"))
        .assert()
        .code(2)
        .stderr(contains("top 0 would show no row"));
    // The smallest ε accepted draws finite noise of its scale (about 1/ε). A tiny ε once went
    // through e^-ε, which is 1.0 in floating point, and came out as i64::MAX: now refused.
    let tiny = report(&["--dp-epsilon", "0.000001"]);
    assert!(
        tiny["lines"]["read"].as_u64().unwrap() < 1 << 40,
        "{}",
        tiny["lines"]
    );
}

/// A state file is input too: damaged or crafted ones are refused or handled, never a panic.
#[test]
fn hostile_state_files_are_refused_or_handled() {
    let d = Dir::new();
    d.stats(&[&fixture("web/combined.log")], &[], "s.json");
    let good = fs::read_to_string(d.p("s.json")).unwrap();
    let big = good.replacen("\"lines\":300", &format!("\"lines\":{}", u64::MAX), 1);
    assert_ne!(big, good);
    fs::write(d.p("big.json"), &big).unwrap();
    fs::write(d.p("big2.json"), &big).unwrap();
    // Sums beyond 64 bits are refused, never capped silently (issue 15).
    logscrub()
        .arg("merge")
        .arg(d.p("big.json"))
        .arg(d.p("big2.json"))
        .assert()
        .code(1)
        .stderr(contains("would exceed 2^64"));
    for (name, text) in [
        ("half.json", &good[..good.len() / 2]),
        (
            "version.json",
            &good.replacen("\"version\":1", "\"version\":9", 1),
        ),
        ("register.json", &good.replacen("\"s:", "\"s:000040", 1)),
        // A capacity of 0 or beyond the limit (2 * capacity overflowed in debug builds).
        (
            "capacity0.json",
            &good.replacen("\"capacity\":10000", "\"capacity\":0", 1),
        ),
        (
            "tz.json",
            &good.replacen("\"tz_offset\":0", "\"tz_offset\":-2147483648", 1),
        ),
        (
            "capacity.json",
            &good.replace(
                "\"capacity\":10000",
                &format!("\"capacity\":{}", usize::MAX),
            ),
        ),
    ] {
        assert_ne!(text, good, "{name}");
        fs::write(d.p(name), text).unwrap();
        logscrub()
            .args(["report", "--to", "md"])
            .arg(d.p(name))
            .assert()
            .code(1)
            .stderr(contains(name));
    }
    for cap in ["0", "10000001", "-1"] {
        logscrub()
            .args(["stats", &format!("--capacity={cap}"), "-o"])
            .arg(d.p("x.json"))
            .arg(fixture("web/combined.log"))
            .assert()
            .code(2)
            .stderr(contains("--capacity"));
    }
}

/// Review findings on what a report gives away beside its cells: the exact time of the first
/// and last line, a single withheld bucket that the total gives back, a withheld `other` that
/// another panel's total gives back, bytes of a bucket with few requests, and absent buckets
/// that tell "nothing" from "below K".
#[test]
fn a_report_gives_nothing_below_k_away_through_totals_times_or_gaps() {
    let d = Dir::new();
    let log = d.p("access.log");
    let mut text = String::new();
    // K = 10. Oct 1: 20 GET; Oct 2: nothing; Oct 3: 3 POST; Oct 4: 15 GET.
    for (day, n, method) in [(1, 20, "GET"), (3, 3, "POST"), (4, 15, "GET")] {
        for i in 0..n {
            text += &format!(
                "192.0.2.{i} - - [0{day}/Oct/2026:12:{i:02}:07 +0000] \"{method} /a HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\"\n"
            );
        }
    }
    fs::write(&log, text).unwrap();
    d.stats(&[&log], &["--format", "combined"], "s.json");
    let r = report_json(&d.p("s.json"), &["--min-count", "10"]);
    assert_eq!(
        r["period"]["first"], "2026-10-01",
        "a bucket, not a line's time"
    );
    assert_eq!(r["period"]["last"], "2026-10-04");
    let rows = series(&r, "web");
    let buckets: Vec<&str> = rows.iter().map(|r| r["bucket"].as_str().unwrap()).collect();
    // Every bucket from the first to the last is there (empty ones too), the run of withheld
    // ones as one interval (issue 18).
    assert_eq!(buckets, ["2026-10-01", "2026-10-02/2026-10-04"]);
    let col =
        |name: &str| -> Vec<Option<u64>> { rows.iter().map(|row| row[name].as_u64()).collect() };
    // Oct 3 alone would be 38 - 20 - 15: the smallest shown bucket is withheld with it.
    assert_eq!(col("requests"), [Some(20), None]);
    assert_eq!(col("bytes"), [Some(20 * 1234), None]);
    // Methods: POST (3) alone in `other` would be the status panel's total minus GET.
    let method = report_panel(&r, "method");
    assert_eq!(method["rows"], serde_json::json!([]));
    assert_eq!(method["other"]["count"], 38);
    let status = report_panel(&r, "status");
    assert_eq!(
        status["rows"],
        serde_json::json!([{"label": "200", "count": 38, "share": 1.0}])
    );
    let note = r["note"].as_str().unwrap();
    assert!(
        note.contains("2026-10-01 to 2026-10-04 (days, UTC)"),
        "{note}"
    );
    assert!(!note.contains("12:00:07"), "{note}");
}

/// Snapshots: the state of two fixtures under a committed test key, and the report of that
/// state in every renderer, byte for byte. A change to counting or rendering shows up here as a
/// diff to read; refresh with `UPDATE_SNAPSHOTS=1 cargo test --test integration stats::snapshots`.
#[test]
fn snapshots_of_the_state_and_every_renderer() {
    let tmp = tempfile::tempdir().unwrap();
    // Key files must not be readable by others; git does not keep modes.
    let key = tmp.path().join("key");
    fs::copy(fixture("stats/test.key"), &key).unwrap();
    let mut perm = fs::metadata(&key).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o600);
    fs::set_permissions(&key, perm).unwrap();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let check = |name: &str, got: &[u8]| {
        let path = fixture(&format!("stats/{name}"));
        if update {
            fs::write(&path, got).unwrap();
        }
        let want = fs::read(&path).unwrap_or_default();
        assert!(
            got == want.as_slice(),
            "testdata/stats/{name} differs from what logscrub makes now; if the change is \
             meant, refresh with UPDATE_SNAPSHOTS=1 cargo test --test integration stats::snapshots"
        );
    };
    let state = tmp.path().join("s.json");
    logscrub()
        .args(["stats", "-q", "--key-file"])
        .arg(&key)
        .arg(fixture("web/combined.log"))
        .arg(fixture("dns/bind.log"))
        .arg("-o")
        .arg(&state)
        .assert()
        .success();
    check("state.json", &fs::read(&state).unwrap());
    for to in ["json", "csv", "md", "html"] {
        let out = logscrub()
            .args(["report", "--min-count", "3", "--top", "5", "--to", to])
            .arg(fixture("stats/state.json"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{to}");
        check(&format!("report.{to}"), &out.stdout);
    }
    // Numbers in the snapshot that a reader can check by hand.
    let r: Value =
        serde_json::from_slice(&fs::read(fixture("stats/report.json")).unwrap()).unwrap();
    let lines = |p: &str| fs::read_to_string(fixture(p)).unwrap().lines().count() as u64;
    assert_eq!(
        r["lines"]["read"],
        lines("web/combined.log") + lines("dns/bind.log")
    );
    assert_eq!(r["min_count"], 3);
    assert_eq!(
        published_total(report_panel(&r, "status_class")),
        lines("web/combined.log"),
        "every web line has a status"
    );
}

/// Issue 3: times without a zone are read at --tz, and --year gives syslog times their year.
#[test]
fn zone_less_times_follow_tz_and_year_is_given() {
    let d = Dir::new();
    let log = d.p("dnsmasq.log");
    // dnsmasq writes syslog times: no year, no zone. 23:30 at +02:00 is 21:30 UTC.
    fs::write(
        &log,
        "Oct 10 23:30:00 dnsmasq[812]: query[A] www.example.com from 192.0.2.7\n",
    )
    .unwrap();
    let s = d.stats(
        &[&log],
        &["--format", "dnsmasq", "--tz", "+02:00", "--year", "2024"],
        "s.json",
    );
    assert_eq!(s["first"], "2024-10-10T21:30:00+00:00");
    assert!(s["series"].get("2024-10-10").is_some(), "{}", s["series"]);
    let s = d.stats(
        &[&log],
        &[
            "--format", "dnsmasq", "--tz", "+03:00", "--year", "2024", "--bucket", "hour",
        ],
        "h.json",
    );
    assert!(
        s["series"].get("2024-10-10T23").is_some(),
        "{}",
        s["series"]
    );
    logscrub()
        .args(["stats", "--year", "12"])
        .arg(&log)
        .assert()
        .code(2);
    // Review finding: +14:30 was accepted here and refused when the state was read back.
    logscrub()
        .args(["stats", "-q", "--tz", "+14:30", "-o"])
        .arg(d.p("z.json"))
        .arg(&log)
        .assert()
        .code(2);
    logscrub()
        .args(["stats", "-q", "--tz", "-14:00", "-o"])
        .arg(d.p("z.json"))
        .arg(&log)
        .assert()
        .success();
    logscrub()
        .args(["report", "--to", "md"])
        .arg(d.p("z.json"))
        .assert()
        .success()
        .stdout(contains("UTC-14:00"));
}

/// Review findings: rows that are parts of another panel's rows (a page and its 404s, a status
/// class and its codes) gave a difference below K away; a bucket withheld to protect a smaller
/// one still showed its visitors; one stray date stretched the series over centuries.
#[test]
fn nested_panels_unique_counts_and_stray_dates_give_nothing_below_k_away() {
    let d = Dir::new();
    let log = d.p("access.log");
    let mut text = String::new();
    let mut line = |i: usize, day: u32, hour: u32, path: &str, status: u32| {
        text += &format!(
            "192.0.2.{} - - [{day:02}/Oct/2026:{hour:02}:00:07 +0000] \"GET {path} HTTP/1.1\" {status} 1 \"-\" \"curl/8.5.0\"\n",
            i % 250
        );
    };
    // /admin: 12 requests, 10 of them 404 (2 got in). 4xx: 10 x 404 and 3 x 403 on /x.
    for i in 0..10 {
        line(i, 1, 10, "/admin", 404);
    }
    for i in 10..12 {
        line(i, 1, 10, "/admin", 200);
    }
    for i in 12..15 {
        line(i, 1, 10, "/x", 403);
    }
    // Oct 2: 1 request; Oct 3: 12 requests from 12 clients; Oct 4: 40 requests.
    line(99, 2, 10, "/", 200);
    for i in 0..12 {
        line(100 + i, 3, 10, "/", 200);
    }
    for i in 0..40 {
        line(200 + i, 4, 10, "/", 200);
    }
    fs::write(&log, &text).unwrap();
    // A line dated 1900 (and one in year 11476 as epoch seconds would give): undated.
    let mut with_stray = text.clone();
    with_stray += "192.0.2.1 - - [01/Jan/1900:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"curl/8.5.0\"\n";
    let stray = d.p("stray.log");
    fs::write(&stray, with_stray).unwrap();
    let st = d.stats(&[&stray], &["--format", "combined"], "s.json");
    assert_eq!(st["undated"], 1, "a date before 1990 counts as undated");
    let r = report_json(&d.p("s.json"), &["--min-count", "10", "--top", "100"]);
    assert_eq!(r["period"]["first"], "2026-10-01");
    let rows = |key: &str| -> HashMap<String, u64> {
        r["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == key)
            .map(|p| {
                p["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["label"].as_str().unwrap().to_string(),
                            r["count"].as_u64().unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (page, nf) = (rows("page"), rows("not_found_page"));
    if let (Some(p), Some(n)) = (page.get("/admin"), nf.get("/admin")) {
        assert!(p - n == 0 || p - n >= 10, "/admin {p} vs 404 {n}");
    }
    let (class, status) = (rows("status_class"), rows("status"));
    if let Some(c4) = class.get("4xx") {
        let shown: u64 = status
            .iter()
            .filter(|(k, _)| k.starts_with('4'))
            .map(|(_, v)| v)
            .sum();
        assert!(
            shown == 0 || c4 - shown == 0 || c4 - shown >= 10,
            "4xx {c4} vs {shown}"
        );
    }
    let rows = series(&r, "web");
    for row in rows {
        if row["requests"].is_null() {
            assert!(
                row["visitors"].is_null(),
                "visitors withheld with requests: {row}"
            );
            assert_eq!(
                row["withheld"]["visitors"],
                "withheld with its bucket's count"
            );
        }
    }
    // Oct 2 (1) alone would be given away: Oct 3 (12) is withheld with it, and its visitors
    // (the two one row now, issue 18).
    assert_eq!(rows[1]["bucket"], "2026-10-02/2026-10-03");
    assert!(rows[1]["requests"].is_null() && rows[1]["visitors"].is_null());
    // A crafted state whose range is too long to list: the series is withheld and said so.
    let mut crafted: Value =
        serde_json::from_str(&fs::read_to_string(d.p("s.json")).unwrap()).unwrap();
    let b = crafted["series"]["2026-10-01"].clone();
    crafted["series"]["+11476-01-01"] = b; // what %Y writes past 9999: no bucket to list from
    fs::write(d.p("crafted.json"), crafted.to_string()).unwrap();
    let r = report_json(&d.p("crafted.json"), &[]);
    assert!(
        r["series"]["web"] == serde_json::json!([]),
        "series withheld"
    );
    assert!(
        r["note"]
            .as_str()
            .unwrap()
            .contains("The web time series is withheld")
    );
    assert_eq!(r["series_withheld"], serde_json::json!(["web"]));
}

/// Review finding: a state made before answer-only files were normalized (its queries in `a.`
/// panels and `dns_answers`) lost them when merged with a newer one.
#[test]
fn an_older_answer_only_state_is_normalized_when_read() {
    let d = Dir::new();
    d.stats(&[&fixture("dns/bind.log")], &["--format", "bind"], "b.json");
    let core = d.stats(
        &[&fixture("dns/coredns.log")],
        &["--format", "coredns"],
        "c.json",
    );
    let total = |s: &Value| {
        crate::common::normalized(s)["panels"]["q.qtype"]["total"]
            .as_u64()
            .unwrap()
    };
    let c = total(&core);
    // Made old (before streams, before normalizing): answers in `a.` panels, no streams.
    let old = fs::read_to_string(d.p("c.json"))
        .unwrap()
        .replace("\"a@coredns.", "\"a.");
    let mut v: Value = serde_json::from_str(&old).unwrap();
    v.as_object_mut().unwrap().remove("streams");
    assert!(v["panels"].get("q.qtype").is_none());
    fs::write(d.p("old.json"), v.to_string()).unwrap();
    logscrub()
        .arg("merge")
        .arg(d.p("b.json"))
        .arg(d.p("old.json"))
        .arg("-o")
        .arg(d.p("m.json"))
        .assert()
        .success();
    let bind: Value = serde_json::from_str(&fs::read_to_string(d.p("b.json")).unwrap()).unwrap();
    let merged: Value = serde_json::from_str(&fs::read_to_string(d.p("m.json")).unwrap()).unwrap();
    assert_eq!(total(&merged), total(&bind) + c);
}

/// Review finding: a child row whose parent is only in the parent panel's `other` (`304 12` with
/// `3xx` folded into `other 15`) gave the rest of that `other` away (3 requests).
#[test]
fn children_of_a_folded_parent_do_not_give_its_other_away() {
    let d = Dir::new();
    let log = d.p("access.log");
    let mut text = String::new();
    for (status, n) in [(200, 900), (201, 5), (202, 5), (304, 12), (101, 3)] {
        for i in 0..n {
            text += &format!(
                "192.0.2.{} - - [01/Oct/2026:10:00:07 +0000] \"GET / HTTP/1.1\" {status} 1 \"-\" \"curl/8.5.0\"\n",
                i % 250
            );
        }
    }
    fs::write(&log, &text).unwrap();
    d.stats(&[&log], &["--format", "combined"], "s.json");
    let r = report_json(&d.p("s.json"), &["--min-count", "10"]);
    let rows = |p: &Value| -> Vec<(String, u64)> {
        p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["label"].as_str().unwrap().to_string(),
                    r["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (class, status) = (report_panel(&r, "status_class"), report_panel(&r, "status"));
    let classes: Vec<String> = rows(class).into_iter().map(|r| r.0).collect();
    let orphans: u64 = rows(status)
        .iter()
        .filter(|(code, _)| !classes.contains(&format!("{}xx", &code[..1])))
        .map(|r| r.1)
        .sum();
    let rest = class["other"]["count"].as_u64().unwrap_or(0);
    let beyond = rest.saturating_sub(orphans);
    assert!(
        orphans == 0 || beyond == 0 || beyond >= 10,
        "other {rest}, orphans {orphans}"
    );
}

/// Statistics count what the server wrote, whatever a rule file does to the published log
/// (issue 18): with every shipped rule set, each panel counts at most what it counts without
/// rules (only `[[exclude]]` leaves lines out), every line is read or excluded, and the browser
/// panel of a log whose rule set reduces or drops the user agent still names browser families.
#[test]
fn every_shipped_rule_set_leaves_the_counted_fields_as_written() {
    let d = tempfile::tempdir().unwrap();
    let key = d.path().join("key");
    fs::copy(fixture("stats/test.key"), &key).unwrap();
    let mut perms = fs::metadata(&key).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
    fs::set_permissions(&key, perms).unwrap();
    let state = |log: &str, rules: Option<&str>| -> Value {
        let mut c = logscrub();
        c.args(["stats", "-q", "--key-file"]).arg(&key);
        if let Some(r) = rules {
            c.args(["--rules", r]);
        }
        let o = c.arg(fixture(log)).output().unwrap();
        assert!(
            o.status.success(),
            "{log} {rules:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    for (set, log) in [
        ("builtin:minimal-web", "web/combined.log"),
        ("builtin:publish-web", "web/combined.log"),
        ("builtin:doh-frontend", "web/doh-frontend.log"),
        ("builtin:dns-resolver", "dns/bind.log"),
        ("builtin:dns-publish", "dns/unbound.log"),
    ] {
        let plain = state(log, None);
        let ruled = state(log, Some(set));
        assert_eq!(plain["lines"], ruled["lines"], "{set}");
        for name in ruled["panels"].as_object().unwrap().keys() {
            let without = panel(&plain, name);
            for (label, n) in panel(&ruled, name) {
                assert!(
                    without.get(&label).is_some_and(|&m| n <= m),
                    "{set} on {log}: {name} {label} {n} counted with the rules, {:?} without",
                    without.get(&label)
                );
            }
        }
        if log == "web/combined.log" {
            let browsers = panel(&ruled, "browser");
            assert!(
                browsers.keys().any(|b| b != "Other" && b != "Other bot"),
                "{set}: {browsers:?}"
            );
        }
    }
}

/// A state made without --key-file says that it merges with nothing (issue 18).
#[test]
fn an_ephemeral_key_is_said() {
    let line = "192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"\n";
    logscrub()
        .args(["stats", "-"])
        .write_stdin(line)
        .assert()
        .success()
        .stderr(contains("merges with no other"));
    logscrub()
        .args(["stats", "-q", "-"])
        .write_stdin(line)
        .assert()
        .success()
        .stderr("");
}

/// States flow through pipes (issue 21): `stats … -o -` writes one line, `merge -` reads several
/// from standard input, `report -` renders them; the sum equals merging the files.
#[test]
fn states_through_pipes() {
    let d = Dir::new();
    let web = fixture("web/combined.log");
    let a = d.stats(&[&web], &[], "a.json");
    let one_line = fs::read_to_string(d.p("a.json")).unwrap();
    assert_eq!(one_line.matches('\n').count(), 1, "a state is one line");
    let piped = format!("{one_line}{one_line}");
    let o = logscrub()
        .args(["merge", "-", "-o", "-"])
        .write_stdin(piped.clone())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(merged["lines"], a["lines"].as_u64().unwrap() * 2);
    fs::copy(d.p("a.json"), d.p("b.json")).unwrap();
    let files = logscrub()
        .args(["merge"])
        .arg(d.p("a.json"))
        .arg(d.p("b.json"))
        .output()
        .unwrap();
    // One file named twice would be counted twice: refused (a new user's review).
    logscrub()
        .args(["merge"])
        .arg(d.p("a.json"))
        .arg(d.p("./a.json"))
        .assert()
        .code(2)
        .stderr(contains("are one file"));
    assert_eq!(
        serde_json::from_slice::<Value>(&files.stdout).unwrap(),
        merged,
        "merging through a pipe equals merging the files"
    );
    logscrub()
        .args(["report", "--to", "md", "-"])
        .write_stdin(piped)
        .assert()
        .success()
        .stdout(contains("Log statistics"));
    logscrub()
        .args(["merge", "-"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(contains("no state"));
}

/// Statistics apply only a rule file's `[[exclude]]` blocks, so a `hash` action needs no key
/// there (it shapes the published log, which `stats` does not write).
#[test]
fn a_hash_action_needs_no_key_for_statistics() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r.toml");
    fs::write(
        &r,
        "[fields]\nuser = \"hash\"\n\n[[exclude]]\npath = \"/health*\"\n",
    )
    .unwrap();
    let lines = "192.0.2.17 - alice [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5\n\
                 192.0.2.18 - - [10/Oct/2026:13:55:37 +0000] \"GET /healthz HTTP/1.1\" 200 2\n";
    let o = logscrub()
        .args(["stats", "-q", "-f", "common", "--rules"])
        .arg(&r)
        .arg("-")
        .write_stdin(lines)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (s["lines"].as_u64(), s["excluded"].as_u64()),
        (Some(2), Some(1))
    );
}

/// Issue 18: on the README's sample (300 lines, 241 of them status 200, 7 other 2xx), status 200
/// was withheld to keep `2xx 248` from telling of the 7; the class row costs a reader only those
/// 7 (the codes still bound it), so the class goes and the codes panel shows 200 and 304.
#[test]
fn secondary_suppression_keeps_the_largest_code_and_withholds_its_class() {
    let d = Dir::new();
    d.stats(&[&fixture("web/combined.log")], &[], "s.json");
    let r = report_json(&d.p("s.json"), &["--min-count", "10"]);
    let rows = |key: &str| report_rows(&r, key);
    assert_eq!(
        rows("status"),
        [("200".to_string(), 241), ("304".to_string(), 26)]
    );
    assert_eq!(report_panel(&r, "status")["other"]["count"], 33);
    // 2xx (248) and 3xx (31) would give 7 and 5 away beside their codes.
    assert!(rows("status_class").is_empty());
    assert_eq!(report_panel(&r, "status_class")["other"]["count"], 300);
}

/// Issue 18: client versions under their family, K at both levels. A product no list knows
/// (ZeroTier's `ZeroTierOne/1.10.6`) is counted by its own token, tools by their whole version
/// (`curl 8.5.0`), browsers by their major version; a version below K goes to `other`, and a
/// family whose shown versions leave 1 to K-1 of it unexplained is withheld (the versions stay).
#[test]
fn client_versions_are_grouped_under_their_family() {
    let d = Dir::new();
    let log = d.p("access.log");
    let mut text = String::new();
    for (ua, n) in [
        ("ZeroTierOne/1.10.6 (Linux; x86_64)", 12),
        ("ZeroTierOne/1.12.2 (Linux; x86_64)", 3),
        ("curl/8.5.0", 11),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
            20,
        ),
    ] {
        for i in 0..n {
            text += &format!(
                "192.0.2.{i} - - [01/Oct/2026:10:00:07 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"{ua}\"\n"
            );
        }
    }
    fs::write(&log, &text).unwrap();
    d.stats(&[&log], &["--format", "combined"], "s.json");
    let r = report_json(&d.p("s.json"), &["--min-count", "10"]);
    let rows = |key: &str| report_rows(&r, key);
    let s = |l: &str, n: u64| (l.to_string(), n);
    assert_eq!(
        rows("browser"),
        [s("Firefox 121", 20), s("ZeroTierOne 1.10.6", 12)]
    );
    assert_eq!(report_panel(&r, "browser")["other"]["count"], 14);
    // ZeroTierOne (15) beside its 1.10.6 (12) would tell of 3: withheld, and curl with it so
    // that `other` does not tell them either.
    assert_eq!(rows("client_family"), [s("Firefox", 20)]);
    assert_eq!(report_panel(&r, "client_family")["other"]["count"], 26);
    // OS versions likewise (Linux and curl's unknown OS state none: the family alone).
    assert_eq!(
        rows("os_version"),
        [s("Windows 10", 20), s("Linux", 15), s("Other", 11)]
    );
}

/// Issue 19: a CloudFront standard log — header lines as server lines, tab-separated fields, the
/// date and time read together, URL-encoded user agents read decoded — counts what a
/// straightforward count of its fields gives.
#[test]
fn cloudfront_counts_equal_a_straightforward_count() {
    let d = Dir::new();
    let log = fixture("web/cloudfront.log");
    let s = d.stats(&[&log], &[], "cf.json");
    let text = fs::read_to_string(&log).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(s["lines"], rows.len() as u64 + 2);
    assert_eq!(s["server_lines"], 2);
    assert_eq!(s["unparsed"], 0);
    assert_eq!(s["undated"], 0);
    let want = count(rows.iter().map(|r| r[8]));
    assert_eq!(panel(&s, "status"), want);
    let bytes: u64 = rows.iter().map(|r| r[3].parse::<u64>().unwrap()).sum();
    let series_bytes: u64 = s["series"]
        .as_object()
        .unwrap()
        .values()
        .map(|b| b["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(series_bytes, bytes);
    let families: Vec<String> = panel(&s, "client_family").into_keys().collect();
    for f in ["Chrome", "Firefox", "Safari", "curl"] {
        assert!(families.contains(&f.to_string()), "{families:?}");
    }
}

/// Issue 19: HAProxy through syslog — `option httplog` requests (captured headers, a request cut
/// short), `option tcplog` connections (counted as requests without a method or status), its own
/// lines as server lines — counts what a straightforward count gives.
#[test]
fn haproxy_counts_equal_a_straightforward_count() {
    let d = Dir::new();
    let log = fixture("web/haproxy.log");
    let s = d.stats(&[&log], &[], "hap.json");
    let text = fs::read_to_string(&log).unwrap();
    let requests: Vec<&str> = text.lines().filter(|l| l.contains("] http-in ")).collect();
    let connections = text.lines().filter(|l| l.contains("] tcp-in ")).count();
    assert_eq!(s["server_lines"], 4);
    assert_eq!(s["unparsed"], 0);
    let status = |l: &&str| l.split(' ').nth(10).unwrap().to_string();
    let statuses: Vec<String> = requests.iter().map(status).collect();
    let mut want = count(statuses.iter().map(String::as_str));
    // Connections count as `(none)`: every web panel counts the same lines.
    want.insert("(none)".into(), connections as u64);
    assert_eq!(panel(&s, "status"), want);
    for p in ["status", "status_class", "method", "protocol", "page"] {
        assert_eq!(
            s["panels"][p]["total"],
            (requests.len() + connections) as u64,
            "{p}"
        );
    }
    let series: u64 = s["series"]
        .as_object()
        .unwrap()
        .values()
        .map(|b| b["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(series, (requests.len() + connections) as u64);
    assert!(panel(&s, "page").contains_key("/missing"));
}

/// Issue 19: a Google Cloud Storage usage log — its CSV header a server line, `time_micros` read
/// as microseconds (no line undated), statuses and paths as a straightforward count gives them.
#[test]
fn gcs_counts_equal_a_straightforward_count() {
    let d = Dir::new();
    let log = fixture("web/gcs.log");
    let s = d.stats(&[&log], &[], "gcs.json");
    let text = fs::read_to_string(&log).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.trim_matches('"').split("\",\"").collect())
        .collect();
    assert_eq!(s["server_lines"], 1);
    assert_eq!(
        (s["unparsed"].as_u64(), s["undated"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(panel(&s, "status"), count(rows.iter().map(|r| r[6])));
    let paths = count(rows.iter().map(|r| r[5].split('?').next().unwrap()));
    assert_eq!(panel(&s, "page"), paths);
    assert!(s["first"].as_str().unwrap().starts_with("2026-10-10"));
}

/// Issue 19: an IIS W3C log — directive lines as server lines, the columns of each `#Fields:`
/// directive for the lines after it (a restart in mid-file names more fields), `+` in user agents
/// read as spaces — counts what a straightforward count gives; repeated so that pieces start after
/// a directive, counted in parallel and sequentially alike (the chunker hands each piece the
/// directive in effect).
#[test]
fn iis_counts_equal_a_straightforward_count_wherever_pieces_start() {
    let d = Dir::new();
    let log = fixture("web/iis.log");
    let s = d.stats(&[&log], &[], "iis.json");
    let text = fs::read_to_string(&log).unwrap();
    let mut columns: Vec<&str> = Vec::new();
    let mut statuses = Vec::new();
    let mut bytes = 0u64;
    for l in text.lines() {
        if let Some(f) = l.strip_prefix("#Fields: ") {
            columns = f.split(' ').collect();
            continue;
        }
        if l.starts_with('#') {
            continue;
        }
        let v: Vec<&str> = l.split(' ').collect();
        let at = |name: &str| columns.iter().position(|c| *c == name).map(|k| v[k]);
        statuses.push(at("sc-status").unwrap());
        bytes += at("sc-bytes").map_or(0, |b| b.parse::<u64>().unwrap());
    }
    assert_eq!(s["server_lines"], 8);
    assert_eq!(
        (s["unparsed"].as_u64(), s["undated"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(panel(&s, "status"), count(statuses.iter().copied()));
    let series_bytes: u64 = s["series"]
        .as_object()
        .unwrap()
        .values()
        .map(|b| b["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(
        series_bytes, bytes,
        "bytes where the directive names sc-bytes"
    );
    let families: Vec<String> = panel(&s, "client_family").into_keys().collect();
    for f in ["Edge", "Firefox", "curl"] {
        assert!(families.contains(&f.to_string()), "{families:?}");
    }
    // Pieces of 256 KiB over 20 copies: most start after a directive of either kind.
    fs::write(d.p("big.log"), text.repeat(20)).unwrap();
    let par = d.stats(&[&d.p("big.log")], &[], "par.json");
    assert_eq!(par["unparsed"], 0);
    assert_eq!(par["server_lines"], 160);
    logscrub()
        .args(["stats", "--threads", "1", "-q", "--key-file"])
        .arg(d.key())
        .arg(d.p("big.log"))
        .arg("-o")
        .arg(d.p("seq.json"))
        .assert()
        .success();
    let seq: Value = serde_json::from_str(&fs::read_to_string(d.p("seq.json")).unwrap()).unwrap();
    assert_eq!(seq, par);
}

/// Issue 19: the real GoAccess (1.7, Debian's) reads the same fixtures with its own formats
/// (`COMBINED`, `CLOUDFRONT`, `AWSALB`, `AWSS3`) and counts the same requests and status
/// classes as logscrub does.
#[test]
fn goaccess_counts_the_same_requests_and_status_classes() {
    if !crate::common::have_tool("goaccess", "the GoAccess comparison") {
        return;
    }
    let d = Dir::new();
    for (file, theirs) in [
        ("web/combined.log", "COMBINED"),
        ("web/cloudfront.log", "CLOUDFRONT"),
        ("web/alb.log", "AWSALB"),
        ("web/s3.log", "AWSS3"),
        ("web/iis-noheader.log", "W3C"),
    ] {
        let o = std::process::Command::new("goaccess")
            .arg(fixture(file))
            .args(["--no-global-config", "-o", "json"])
            .arg(format!("--log-format={theirs}"))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let g: Value = serde_json::from_slice(&o.stdout).unwrap();
        let classes: HashMap<String, u64> = g["status_codes"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let label = r["data"].as_str().unwrap();
                (label[..3].to_string(), r["hits"]["count"].as_u64().unwrap())
            })
            .collect();
        let s = d.stats(&[&fixture(file)], &[], "g.json");
        let requests: u64 = s["series"]
            .as_object()
            .unwrap()
            .values()
            .map(|b| b["requests"].as_u64().unwrap())
            .sum();
        assert_eq!(
            requests,
            g["general"]["valid_requests"].as_u64().unwrap(),
            "{file}: requests"
        );
        assert_eq!(panel(&s, "status_class"), classes, "{file}: status classes");
    }
}

/// Issue 19: a GoAccess `log-format` string (`goaccess:FORMAT`) reads a custom format as the
/// server's own format string does — the same statistics, panel for panel — and the real GoAccess,
/// given the same string, counts the same requests and status classes.
#[test]
fn goaccess_format_strings_count_like_the_servers_own() {
    let d = Dir::new();
    let log = fixture("web/devices.log");
    let nginx = r#"nginx:$remote_addr [$time_local] "$request" $status $body_bytes_sent "$http_user_agent""#;
    let theirs = r#"%h [%d:%t %^] "%r" %s %b "%u""#;
    let ours = d.stats(&[&log], &["--format", nginx], "nginx.json");
    let via = d.stats(
        &[&log],
        &["--format", &format!("goaccess:{theirs}")],
        "goaccess.json",
    );
    assert_eq!(via["unparsed"], 0);
    assert_eq!(via["undated"], 0);
    assert_eq!(via["series"], ours["series"]);
    assert_eq!(via["panels"], ours["panels"]);
    // A predefined name is the built-in format.
    let combined = d.stats(
        &[&fixture("web/combined.log")],
        &["--format", "goaccess:COMBINED"],
        "c.json",
    );
    assert_eq!(combined["unparsed"], 0);
    if !crate::common::have_tool("goaccess", "the GoAccess format-string comparison") {
        return;
    }
    let o = std::process::Command::new("goaccess")
        .arg(&log)
        .args([
            "--no-global-config",
            "-o",
            "json",
            "--date-format=%d/%b/%Y",
            "--time-format=%T",
        ])
        .arg(format!("--log-format={theirs}"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let g: Value = serde_json::from_slice(&o.stdout).unwrap();
    let requests: u64 = via["series"]
        .as_object()
        .unwrap()
        .values()
        .map(|b| b["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(requests, g["general"]["valid_requests"].as_u64().unwrap());
    let classes: HashMap<String, u64> = g["status_codes"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let label = r["data"].as_str().unwrap();
            (label[..3].to_string(), r["hits"]["count"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(panel(&via, "status_class"), classes);
}

/// Issue 19: every format that writes a duration gives the `response_time` panel, in its own unit
/// (IIS, Squid, HAProxy, S3 and Traefik milliseconds; CloudFront, ELB and ALB seconds; Cloud
/// Storage microseconds): each request's bin equals a straightforward reading of the fixture,
/// and a request without one (ELB's `-1`) is `(none)`.
#[test]
fn response_times_are_read_in_each_formats_unit() {
    fn ms_bin(us: u64) -> String {
        let bounds = [
            1u64, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000,
        ];
        let mut from = 0;
        for to in bounds {
            if us < to * 1000 {
                return format!("{from}-{to}");
            }
            from = to;
        }
        "30000-".into()
    }
    // A duration as written, in `per` microseconds per unit.
    fn us(v: &str, per: f64) -> Option<u64> {
        let v: f64 = v.trim_start_matches('+').parse().ok()?;
        (v >= 0.0).then(|| (v * per).round() as u64)
    }
    let d = Dir::new();
    type Reader = fn(&str) -> Option<Option<u64>>;
    let cases: [(&str, Reader); 9] = [
        ("web/squid.log", |l| {
            Some(us(l.split_whitespace().nth(1)?, 1e3))
        }),
        ("web/elb.log", |l| Some(us(l.split(' ').nth(5)?, 1e6))),
        ("web/alb.log", |l| Some(us(l.split(' ').nth(6)?, 1e6))),
        ("web/s3.log", |l| {
            let after = l.split("\" ").nth(1)?;
            Some(us(after.split(' ').nth(4)?, 1e3))
        }),
        ("web/cloudfront.log", |l| {
            (!l.starts_with('#')).then(|| us(l.split('\t').nth(18).unwrap(), 1e6))
        }),
        ("web/gcs.log", |l| {
            let v: Vec<&str> = l.trim_matches('"').split("\",\"").collect();
            (v[0] != "time_micros").then(|| us(v[9], 1.0))
        }),
        ("web/traefik.log", |l| {
            Some(us(l.rsplit(' ').next()?.strip_suffix("ms")?, 1e3))
        }),
        ("web/haproxy.log", |l| {
            let rest = l
                .split("] http-in ")
                .nth(1)
                .or(l.split("] tcp-in ").nth(1))?;
            let timers = rest.split(' ').nth(1)?;
            Some(us(timers.rsplit('/').next()?, 1e3))
        }),
        ("web/iis-noheader.log", |l| {
            Some(us(l.split(' ').nth(14)?, 1e3))
        }),
    ];
    for (file, read) in cases {
        let text = fs::read_to_string(fixture(file)).unwrap();
        let bins: Vec<String> = text
            .lines()
            .filter_map(|l| read(l.trim_end_matches('\r')))
            .map(|d| d.map_or("(none)".into(), ms_bin))
            .collect();
        let s = d.stats(&[&fixture(file)], &[], "t.json");
        assert_eq!(
            panel(&s, "response_time"),
            count(bins.iter().map(String::as_str)),
            "{file}"
        );
    }
    // Formats without a duration have no such panel.
    let s = d.stats(&[&fixture("web/combined.log")], &[], "c.json");
    assert!(s["panels"].get("response_time").is_none());
}

/// Issue 19: the time series has the response-time quantiles of each bucket (within 2 % of the
/// exact nearest-rank ones), published only where at least K durations lie at or above them.
#[test]
fn response_time_quantiles_per_bucket_within_two_percent_and_withheld_below_k() {
    let d = Dir::new();
    let log = fixture("web/iis.log");
    d.stats(&[&log], &[], "iis.json");
    let text = fs::read_to_string(&log).unwrap();
    let mut columns: Vec<&str> = Vec::new();
    let mut times: Vec<u64> = Vec::new();
    for l in text.lines() {
        if let Some(f) = l.strip_prefix("#Fields: ") {
            columns = f.split(' ').collect();
        } else if !l.starts_with('#') {
            let k = columns.iter().position(|c| *c == "time-taken").unwrap();
            times.push(l.split(' ').nth(k).unwrap().parse::<u64>().unwrap() * 1000);
        }
    }
    times.sort_unstable();
    let exact = |q: f64| times[((q * times.len() as f64).ceil() as usize).max(1) - 1];
    // One day, 160 requests: with K = 1 every quantile is published.
    let r = report_json(&d.p("iis.json"), &["--min-count", "1"]);
    let row = &series(&r, "web")[0];
    assert_eq!(series(&r, "web").len(), 1);
    for (k, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
        let got = row[format!("response_{k}_us")].as_u64().unwrap() as f64;
        let want = exact(q) as f64;
        assert!((got - want).abs() / want <= 0.02, "p{q}: {got} vs {want}");
    }
    // K = 10: p50 needs 20 requests, p90 100, p99 1000: p99 is withheld.
    let r = report_json(&d.p("iis.json"), &["--min-count", "10"]);
    let t = &series(&r, "web")[0];
    assert!(
        t["response_p50_us"].is_u64() && t["response_p90_us"].is_u64(),
        "{t}"
    );
    assert!(t["response_p99_us"].is_null(), "{t}");
    assert_eq!(
        t["withheld"]["response_p99_us"],
        "fewer than 10 durations at or above it"
    );
    // K = 100: none (p50 needs 200).
    let r = report_json(&d.p("iis.json"), &["--min-count", "100"]);
    let t = &series(&r, "web")[0];
    assert!(
        t["response_p50_us"].is_null() && t["response_p90_us"].is_null(),
        "{t}"
    );
    // Markdown shows times, never as counts.
    let out = logscrub()
        .args(["report", "--to", "md", "--min-count", "10"])
        .arg(d.p("iis.json"))
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("| response p50 | response p90 | response p99 |"),
        "{md}"
    );
    assert!(md.contains(" ms | ") && md.contains("| – |"), "{md}");
}

/// Checks `v` against `schema` (the JSON Schema keywords docs/report.schema.json uses: `type`,
/// `const`, `enum`, `minimum`, `maximum`, `properties`, `required`, `additionalProperties`,
/// `items`, `anyOf`, `$ref` to `#/$defs/…`); Err names the path and what failed. An unknown
/// keyword is an error, so the schema cannot say more than this checks.
fn validate(root: &Value, schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    let fail = |what: String| Err(format!("{path}: {what} ({v})"));
    let Some(obj) = schema.as_object() else {
        return fail("schema is no object".into());
    };
    for (kw, arg) in obj {
        match kw.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let name = arg.as_str().unwrap().strip_prefix("#/$defs/").unwrap();
                validate(root, &root["$defs"][name], v, path)?;
            }
            "type" => {
                let types: Vec<&str> = match arg {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => return fail("bad type".into()),
                };
                let ok = types.iter().any(|t| match *t {
                    "object" => v.is_object(),
                    "array" => v.is_array(),
                    "string" => v.is_string(),
                    "integer" => v.is_u64() || v.is_i64(),
                    "number" => v.is_number(),
                    "null" => v.is_null(),
                    "boolean" => v.is_boolean(),
                    _ => false,
                });
                if !ok {
                    return fail(format!("not of type {types:?}"));
                }
            }
            "const" if v != arg => return fail(format!("not {arg}")),
            "const" => {}
            "enum" if !arg.as_array().unwrap().contains(v) => return fail(format!("not in {arg}")),
            "enum" => {}
            "minimum" if v.as_f64().is_some_and(|n| n < arg.as_f64().unwrap()) => {
                return fail(format!("below {arg}"));
            }
            "maximum" if v.as_f64().is_some_and(|n| n > arg.as_f64().unwrap()) => {
                return fail(format!("above {arg}"));
            }
            "minimum" | "maximum" => {}
            "required" => {
                for r in arg.as_array().unwrap() {
                    if v.is_object() && v.get(r.as_str().unwrap()).is_none() {
                        return fail(format!("lacks {r}"));
                    }
                }
            }
            "properties" => {
                if let Some(m) = v.as_object() {
                    for (k, sub) in arg.as_object().unwrap() {
                        if let Some(x) = m.get(k) {
                            validate(root, sub, x, &format!("{path}.{k}"))?;
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(m) = v.as_object() {
                    let known = obj.get("properties").and_then(Value::as_object);
                    for (k, x) in m {
                        if known.is_some_and(|p| p.contains_key(k)) {
                            continue;
                        }
                        match arg {
                            Value::Bool(false) => return fail(format!("unexpected key {k}")),
                            Value::Bool(true) => {}
                            sub => validate(root, sub, x, &format!("{path}.{k}"))?,
                        }
                    }
                }
            }
            "items" => {
                for (i, x) in v.as_array().into_iter().flatten().enumerate() {
                    validate(root, arg, x, &format!("{path}[{i}]"))?;
                }
            }
            "anyOf" => {
                let errs: Vec<String> = arg
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|sub| validate(root, sub, v, path).err())
                    .collect();
                if errs.len() == arg.as_array().unwrap().len() {
                    return fail(format!("none of anyOf: {errs:?}"));
                }
            }
            other => return fail(format!("schema keyword {other} is not checked")),
        }
    }
    Ok(())
}

/// Issue 20: every JSON report — web and DNS, every K, hourly, under noise, with response
/// times, with a withheld series — validates against docs/report.schema.json; and the
/// validator rejects what the schema forbids.
#[test]
fn every_json_report_validates_against_the_schema() {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let d = Dir::new();
    d.stats(
        &[&fixture("web/combined.log"), &fixture("dns/bind.log")],
        &["--bucket", "hour"],
        "mixed.json",
    );
    d.stats(&[&fixture("web/iis.log")], &[], "iis.json");
    d.stats(
        &[&fixture("dns/coredns.log")],
        &["--format", "coredns"],
        "core.json",
    );
    let mut reports = vec![
        serde_json::from_slice::<Value>(&fs::read(fixture("stats/report.json")).unwrap()).unwrap(),
    ];
    for state in ["mixed.json", "iis.json", "core.json"] {
        for args in [
            &["--min-count", "1"][..],
            &["--min-count", "10"],
            &["--min-count", "1000"],
            &["--min-count", "5", "--dp-epsilon", "1"],
            &["--top", "2"],
        ] {
            reports.push(report_json(&d.p(state), args));
        }
    }
    for (i, r) in reports.iter().enumerate() {
        validate(&schema, &schema, r, "$").unwrap_or_else(|e| panic!("report {i}: {e}"));
    }
    // Withheld numbers are there: null with a reason.
    assert!(
        reports
            .iter()
            .any(|r| r.to_string().contains("\"withheld\":{"))
    );
    // The validator is no rubber stamp.
    let mut bad = reports[1].clone();
    bad["panels"][0]["rows"][0]["count"] = serde_json::json!("12");
    assert!(validate(&schema, &schema, &bad, "$").is_err());
    let mut bad = reports[1].clone();
    bad["series"]["web"][0]["pages"] = serde_json::json!(3);
    assert!(validate(&schema, &schema, &bad, "$").is_err());
    let mut bad = reports[1].clone();
    bad.as_object_mut().unwrap().remove("note");
    assert!(validate(&schema, &schema, &bad, "$").is_err());
}

/// Issue 20: two periods side by side (`report A B --compare`): each side has K applied, a change
/// is published only between two published numbers (so none gives a withheld one back), in every
/// renderer; `--compare` takes exactly two states.
#[test]
fn compared_periods_publish_nothing_below_k_and_changes_only_between_published_numbers() {
    let d = Dir::new();
    let text = fs::read_to_string(fixture("web/combined.log")).unwrap();
    // B: the same traffic a year later, with more 404s and a new page.
    let mut later = text.replace("/2026:", "/2027:");
    for i in 0..40 {
        later += &format!(
            "192.0.2.{} - - [10/Oct/2027:12:00:00 +0000] \"GET /new-page HTTP/1.1\" 404 10 \"-\" \"curl/8.5.0\"\n",
            i + 1
        );
    }
    fs::write(d.p("a.log"), &text).unwrap();
    fs::write(d.p("b.log"), &later).unwrap();
    d.stats(&[&d.p("a.log")], &["--format", "combined"], "a.json");
    d.stats(
        &[&d.p("b.log")],
        &["--format", "combined", "--year", "2027"],
        "b.json",
    );
    for k in [1u64, 10, 50] {
        let out = logscrub()
            .args([
                "report",
                "--compare",
                "--to",
                "json",
                "--min-count",
                &k.to_string(),
            ])
            .arg(d.p("a.json"))
            .arg(d.p("b.json"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut checked = 0;
        for t in r["tables"].as_array().unwrap() {
            for row in t["rows"].as_array().unwrap() {
                for side in ["a", "b"] {
                    if let Some(n) = row[side].as_u64() {
                        // Totals of unique counts are estimates ≥ K like any published count.
                        assert!(n >= k || n == 0, "K={k}: {row}");
                    }
                }
                match (row["a"].as_i64(), row["b"].as_i64()) {
                    (Some(a), Some(b)) => assert_eq!(row["change"].as_i64(), Some(b - a), "{row}"),
                    _ => assert!(
                        row["change"].is_null(),
                        "a change beside a withheld number: {row}"
                    ),
                }
                checked += 1;
            }
        }
        assert!(checked > 20, "K={k}");
        let status = r["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "status")
            .unwrap();
        let r404 = status["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["label"] == "404");
        // 7 404s before, 47 after: at K = 1 the change is published; at K = 10 the 7 are not,
        // and no change tells them.
        if k == 1 {
            let r404 = r404.expect("404 on both sides");
            assert_eq!(r404["change"].as_i64(), Some(40), "40 more 404s: {r404}");
        }
        let totals = &r["tables"][0]["rows"][0];
        assert_eq!(totals["label"], "requests");
        if k == 1 {
            assert_eq!(
                (totals["a"].as_u64(), totals["b"].as_u64()),
                (Some(300), Some(340))
            );
        }
        for to in ["md", "csv", "html"] {
            let out = logscrub()
                .args([
                    "report",
                    "--compare",
                    "--to",
                    to,
                    "--min-count",
                    &k.to_string(),
                ])
                .arg(d.p("a.json"))
                .arg(d.p("b.json"))
                .output()
                .unwrap();
            assert!(out.status.success(), "{to}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.contains(&format!("at least {k}")), "{to}: states K");
            if to == "md" {
                // | label | A | B | change | % |: the A and B columns.
                for l in text
                    .lines()
                    .filter(|l| l.starts_with("| ") && !l.starts_with("| |"))
                {
                    let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                    for c in &cells[2..4] {
                        if let Ok(n) = c.parse::<u64>() {
                            assert!(n >= k || n == 0, "{to} K={k}: {l}");
                        }
                    }
                }
            }
        }
    }
    logscrub()
        .args(["report", "--compare"])
        .arg(d.p("a.json"))
        .assert()
        .code(2)
        .stderr(contains("--compare takes two states"));
}

/// Issue 20: countries and networks from operator-supplied MaxMind DB files (`--geoip`), looked
/// up with each client's full address before anything is truncated: a database the test writes
/// itself puts 192.0.2.0/25 in DE (AS64496), 192.0.2.128/25 in FR (AS64497) and 2001:db8::/32 in
/// NL; the panels equal a straightforward count, and K applies to them.
#[test]
fn geoip_counts_countries_and_networks_from_full_addresses() {
    let d = Dir::new();
    let db = d.p("test.mmdb");
    crate::common::write_mmdb(
        &db,
        &[
            ("192.0.2.0", 25, "DE", Some((64496, "Example Net"))),
            ("192.0.2.128", 25, "FR", Some((64497, "Exemple SA"))),
            ("2001:db8::", 32, "NL", None),
        ],
    );
    let log = fixture("web/combined.log");
    let s = d.stats(&[&log], &["--geoip", db.to_str().unwrap()], "s.json");
    let text = fs::read_to_string(&log).unwrap();
    let mut countries = HashMap::new();
    let mut networks = HashMap::new();
    for l in text.lines() {
        let client: std::net::IpAddr = l.split(' ').next().unwrap().parse().unwrap();
        let (c, n) = match client {
            std::net::IpAddr::V4(v4) if v4.octets()[..3] == [192, 0, 2] => {
                if v4.octets()[3] < 128 {
                    ("DE", "AS64496 Example Net")
                } else {
                    ("FR", "AS64497 Exemple SA")
                }
            }
            std::net::IpAddr::V6(v6) if v6.segments()[..2] == [0x2001, 0xdb8] => {
                ("NL", "(unknown)")
            }
            _ => ("(unknown)", "(unknown)"),
        };
        *countries.entry(c.to_string()).or_insert(0u64) += 1;
        *networks.entry(n.to_string()).or_insert(0u64) += 1;
    }
    assert!(countries.len() >= 3, "{countries:?}");
    assert_eq!(panel(&s, "country"), countries);
    assert_eq!(panel(&s, "network"), networks);
    // The halves of a /24 fall in different countries: the lookup saw the full address.
    assert!(countries.contains_key("DE") && countries.contains_key("FR"));
    // In the report K applies; nothing of an address is in it.
    let r = report_json(&d.p("s.json"), &["--min-count", "10"]);
    for row in report_panel(&r, "country")["rows"].as_array().unwrap() {
        assert!(row["count"].as_u64().unwrap() >= 10);
    }
    assert_eq!(untruncated(r.to_string().as_bytes()), Vec::<String>::new());
    // Without --geoip there are no such panels; a file that is no database is refused, named.
    let plain = d.stats(&[&log], &[], "plain.json");
    assert!(plain["panels"].get("country").is_none());
    logscrub()
        .args(["stats", "-q", "--geoip"])
        .arg(&log)
        .arg(&log)
        .assert()
        .code(1)
        .stderr(contains("not a MaxMind DB file"));
}

mod split {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]
        /// Issue 21: a web log cut at any line boundaries into parts, each counted alone with
        /// one key and merged in any order and grouping, gives the whole's statistics byte for
        /// byte — every panel but visit order, whose visits across a cut count twice
        /// (docs/STATS.md). (DNS logs whose parts differ in having question lines are issue 21's
        /// open part.)
        #[test]
        fn any_split_merges_into_the_whole(
            cuts in prop::collection::btree_set(1usize..300, 0..5),
            order in prop::collection::vec(any::<u64>(), 6),
            tree in any::<bool>(),
        ) {
            let d = Dir::new();
            let text = fs::read(fixture("web/combined.log")).unwrap();
            let whole = d.stats(&[&fixture("web/combined.log")], &["--format", "combined"], "whole.json");
            let merged = split_and_merge(&d, &text, &["--format", "combined"], &cuts, &order, tree);
            let merged: Value = serde_json::from_str(&fs::read_to_string(merged).unwrap()).unwrap();
            let without_visits = |v: &Value| {
                let mut v = v.clone();
                v["panels"].as_object_mut().unwrap().remove("visit_step");
                v
            };
            prop_assert_eq!(without_visits(&merged), without_visits(&whole));
        }

        /// Issue 21: every DNS fixture (researched and real daemons') cut at any line
        /// boundaries, each part counted alone and merged in any order and grouping, gives the
        /// whole's state byte for byte: whether answers count as queries is decided per stream
        /// when reporting, never per part.
        #[test]
        fn any_split_of_a_dns_log_merges_into_the_whole(
            which in 0usize..DNS_LOGS.len(),
            cuts in prop::collection::btree_set(1usize..300, 0..5),
            order in prop::collection::vec(any::<u64>(), 6),
            tree in any::<bool>(),
        ) {
            let (file, format) = DNS_LOGS[which];
            let d = Dir::new();
            let path = fixture(file);
            let text = fs::read(&path).unwrap();
            let args = ["--format", format, "--year", "2026"];
            let whole = fs::read(d.stats_path(&[&path], &args, "whole.json")).unwrap();
            let merged = fs::read(split_and_merge(&d, &text, &args, &cuts, &order, tree)).unwrap();
            prop_assert_eq!(String::from_utf8(merged).unwrap(), String::from_utf8(whole).unwrap(), "{}", file);
        }
    }

    /// `text` cut before the lines `cuts` names, each part counted alone with `args`, the states
    /// merged in the order `order` gives them, as one merge or (`tree`) a tree of pairs: the
    /// merged state's path (always made by `merge`, a single part too).
    fn split_and_merge(
        d: &Dir,
        text: &[u8],
        args: &[&str],
        cuts: &std::collections::BTreeSet<usize>,
        order: &[u64],
        tree: bool,
    ) -> PathBuf {
        let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
        let mut bounds: Vec<usize> = cuts.iter().copied().filter(|&c| c < lines.len()).collect();
        bounds.push(lines.len());
        let mut parts = Vec::new();
        let mut start = 0;
        for (k, &end) in bounds.iter().enumerate() {
            let p = d.p(&format!("part{k}.log"));
            fs::write(&p, lines[start..end].concat()).unwrap();
            // A part may hold no counted line at all (only a daemon's banners): still a state.
            let state = d.stats_path(&[&p], args, &format!("part{k}.json"));
            parts.push((order[k % order.len()], state));
            start = end;
        }
        parts.sort();
        let mut level: Vec<PathBuf> = parts.into_iter().map(|(_, p)| p).collect();
        let mut n = 0;
        while level.len() > 1 || n == 0 {
            let group = if tree { 2 } else { level.len() };
            let mut next = Vec::new();
            for chunk in level.chunks(group) {
                let out = d.p(&format!("m{n}.json"));
                n += 1;
                logscrub()
                    .arg("merge")
                    .args(chunk)
                    .arg("-o")
                    .arg(&out)
                    .assert()
                    .success();
                next.push(out);
            }
            level = next;
        }
        level.remove(0)
    }

    /// The DNS logs of the split test and their formats.
    const DNS_LOGS: &[(&str, &str)] = &[
        ("dns/bind.log", "bind"),
        ("dns/unbound.log", "unbound"),
        ("dns/dnsmasq.log", "dnsmasq"),
        ("dns/coredns.log", "coredns"),
        ("dns/powerdns.log", "powerdns"),
        ("dns/dnsdist.log", "dnsdist"),
        ("dns/doh.log", "doh"),
        ("real/dns/bind-full.log", "bind"),
        ("real/dns/unbound.log", "unbound"),
        ("real/dns/dnsmasq-extra.log", "dnsmasq"),
        ("real/dns/pdns.log", "powerdns"),
        ("real/dns/dnsdist-resp.log", "dnsdist"),
        ("real/dns/syslog.log", "syslog"),
    ];

    /// Issue 21's case: a log whose first part has questions and replies and whose second part
    /// has replies only counted the second part's replies as queries when cut there (192,617
    /// queries instead of 120,000 in the report). Now the parts give the whole's count.
    #[test]
    fn replies_after_the_questions_are_not_counted_again_when_cut() {
        let d = Dir::new();
        let text = fs::read_to_string(fixture("real/dns/unbound.log")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let (first, second) = lines.split_at(lines.len() / 2);
        let replies: Vec<&str> = second
            .iter()
            .copied()
            .filter(|l| l.contains(" reply: "))
            .collect();
        assert!(!replies.is_empty() && first.iter().any(|l| l.contains(" query: ")));
        // Questions: the query lines, and a reply to a query refused unlogged (`null TYPE0`).
        let refused = |l: &&&str| l.contains(" reply: ") && l.contains(" null ");
        let questions = first.iter().filter(|l| l.contains(" query: ")).count() as u64
            + replies.iter().filter(refused).count() as u64;
        assert!(replies.iter().any(|l| refused(&l)), "the fixture has one");
        let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
        fs::write(d.p("a.log"), join(first)).unwrap();
        fs::write(d.p("b.log"), join(&replies)).unwrap();
        fs::write(d.p("whole.log"), join(first) + &join(&replies)).unwrap();
        let args = ["--format", "unbound"];
        let whole = d.stats_path(&[&d.p("whole.log")], &args, "whole.json");
        let a = d.stats_path(&[&d.p("a.log")], &args, "a.json");
        let b = d.stats_path(&[&d.p("b.log")], &args, "b.json");
        logscrub()
            .arg("merge")
            .arg(&a)
            .arg(&b)
            .arg("-o")
            .arg(d.p("m.json"))
            .assert()
            .success();
        assert_eq!(fs::read(d.p("m.json")).unwrap(), fs::read(&whole).unwrap());
        let queries = |p: &Path| -> u64 {
            let r = report_json(p, &["--min-count", "1"]);
            series(&r, "dns")
                .iter()
                .map(|row| row["queries"].as_u64().unwrap())
                .sum()
        };
        assert_eq!(queries(&d.p("m.json")), questions);
        // The replies alone (a server logging replies only) are its queries.
        assert_eq!(queries(&b), replies.len() as u64);
    }
}

/// A DNS line inside journald's JSON or behind a TAI64N stamp has no time of its own: it is
/// dated by the wrapper's (`__REALTIME_TIMESTAMP`, the TAI64N label), where it was counted as
/// undated (found by a new user's review).
#[test]
fn wrapped_dns_lines_are_dated_by_their_wrapper() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("dns/wrapped.log")).unwrap();
    for (format, prefix) in [("bind", "{"), ("dnsmasq", "@4000")] {
        let log = d.path().join(format!("{format}.log"));
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(prefix)).collect();
        assert!(!lines.is_empty());
        std::fs::write(&log, lines.join("\n") + "\n").unwrap();
        let state = d.path().join(format!("{format}.json"));
        logscrub()
            .args(["stats", "-q", "-f", format, "-o"])
            .arg(&state)
            .arg(&log)
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
        assert_eq!(v["undated"], 0, "{format}: {v}");
        assert_eq!(v["lines"], lines.len(), "{format}");
    }
}

/// Without a format named, a journald export or a Docker json-file log of a DNS server is read
/// by the server's format, not as web `json` (an adversarial review: `json` won with 100 % and
/// the statistics counted nothing); unbound inside journald (its `[PID:0] info: ` form, which
/// its parser reads in place) and dnsmasq inside Docker's JSON, with no time of their own, are
/// dated by the wrapper's.
#[test]
fn dns_logs_in_json_wrappers_are_detected_and_dated() {
    let d = tempfile::tempdir().unwrap();
    let journal = |id: &str, usec: u64, msg: &str| {
        format!(
            "{{\"__CURSOR\":\"s=7c1e;i=3f1a\",\"__REALTIME_TIMESTAMP\":\"{usec}\",\"PRIORITY\":\"6\",\"SYSLOG_IDENTIFIER\":\"{id}\",\"_PID\":\"1234\",\"_HOSTNAME\":\"ns1\",\"MESSAGE\":\"{msg}\"}}"
        )
    };
    let docker = |t: &str, msg: &str| {
        format!("{{\"log\":\"{msg}\\n\",\"stream\":\"stderr\",\"time\":\"{t}\"}}")
    };
    let cases = [
        (
            "unbound",
            (0..3)
                .map(|k| journal("unbound", 1_791_640_538_015_311 + k, &format!("[1234:0] info: 192.0.2.7{k} host{k}.example.com. A IN")))
                .collect::<Vec<_>>(),
        ),
        (
            "bind",
            (0..3)
                .map(|k| journal("named", 1_791_640_538_015_311 + k, &format!("client @0x7f3b2c01a168 192.0.2.7{k}#53412 (h{k}.example.com): query: h{k}.example.com IN A +E(0)K (192.0.2.53)")))
                .collect(),
        ),
        (
            "dnsmasq",
            (0..3)
                .map(|k| docker(&format!("2026-10-10T13:55:0{k}.000000000Z"), &format!("dnsmasq[1]: query[A] host{k}.example.com from 192.0.2.7{k}")))
                .collect(),
        ),
    ];
    for (format, lines) in cases {
        let log = d.path().join(format!("{format}.log"));
        std::fs::write(&log, lines.join("\n") + "\n").unwrap();
        logscrub()
            .arg("detect")
            .arg(&log)
            .assert()
            .success()
            .stdout(contains(format!(": {format} (100%")));
        let state = d.path().join(format!("{format}.json"));
        let v = count_into(&state, &log);
        assert_eq!(v["undated"], 0, "{format}: {v}");
        logscrub()
            .args(["report", "--to", "md", "--min-count", "1"])
            .arg(&state)
            .assert()
            .success()
            .stdout(contains("| 2026-10-10 | 3 |"));
    }
}

/// A state is input too: a label edited into it by hand (`/ip/192.0.2.55`) is scrubbed again
/// when the state is read, so neither `report` nor `merge` publishes the address (found by a
/// new user's review: the report showed it as it was).
#[test]
fn a_hand_edited_state_publishes_no_address() {
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("s.json");
    let mut v = count_into(&state, &fixture("web/combined.log"));
    let pages = v["panels"]["page"]["counts"].as_array_mut().unwrap();
    pages[0][0] = Value::from("/ip/192.0.2.55");
    pages[0][1] = Value::from(1000);
    let edited = d.path().join("edited.json");
    fs::write(&edited, serde_json::to_vec(&v).unwrap()).unwrap();
    let report = logscrub()
        .args(["report", "--to", "md", "--min-count", "1"])
        .arg(&edited)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = String::from_utf8(report).unwrap();
    assert!(!report.contains("192.0.2.55"), "{report}");
    assert!(report.contains("/ip/192.0.2.0"), "{report}");
    let merged = logscrub()
        .args(["merge", "-o", "-"])
        .arg(&edited)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!String::from_utf8_lossy(&merged).contains("192.0.2.55"));
}

/// A file no format reads gives no statistics: an error, never a silent zero; named `raw`, the
/// message says the format reads no fields (it said no format matched, a new user's review).
#[test]
fn statistics_of_text_no_format_reads_are_an_error() {
    let d = Dir::new();
    let log = d.p("notes.txt");
    fs::write(&log, "hello 192.0.2.7\nnothing here\n").unwrap();
    // As anonymize: 3 for an input no format reads; naming raw is a usage error.
    for (args, says, code) in [
        (&[][..], "no known format matches its lines", 3),
        (&["-f", "raw"][..], "format raw reads no fields", 2),
        (&["-f", "bind"][..], "no line matches format `bind`", 3),
    ] {
        logscrub()
            .args(["stats", "-q", "--key-file"])
            .arg(d.key())
            .args(args)
            .arg(&log)
            .args(["-o", "-"])
            .assert()
            .code(code)
            .stderr(contains(says).and(contains("192.0.2.7").not()));
    }
}

/// A response size beyond any response (1 PiB) is a damaged field: counted as `(none)`, so the
/// day's bytes never stop at 2^64 unseen (an adversarial review: two sizes of 2^63 - 1 and one
/// of 5 summed to 18446744073709551615).
#[test]
fn absurd_response_sizes_are_no_sizes() {
    let d = tempfile::tempdir().unwrap();
    let line = |size: &str| {
        format!(
            "192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 {size} \"-\" \"x\"\n"
        )
    };
    let log = d.path().join("a.log");
    let text = line("9223372036854775807") + &line("9223372036854775807") + &line("5");
    fs::write(&log, text).unwrap();
    let state = d.path().join("s.json");
    let v = count_into(&state, &log);
    assert_eq!(v["series"]["2026-10-10"]["bytes"], 5, "{}", v["series"]);
    assert_eq!(
        v["panels"]["response_bytes"]["counts"][0],
        serde_json::json!(["(none)", 2])
    );
}
