//! Per-stage throughput of the hot path, in bytes per second, on the shipped combined fixture
//! repeated to ~8 MB: format parsing, the address finder alone, a whole line rewrite in each
//! scheme, a whole piece through the engine (what one worker does), the audit scan of the
//! anonymized piece (what one `audit` worker does), and the statistics collector over every line
//! (what one `stats` worker does). Groups `dns-bind` and `dns-unbound` do parsing and the
//! engine for the BIND and Unbound fixtures; group `web-formats` parsing and the engine for each
//! web format's fixture (issue 19 asks each to parse at >= 70 % of `combined`'s bytes per second).
//!
//! Run: `cargo bench --bench core`. The whole-process figures (files, pipes, gzip, threads)
//! come from `benches/throughput.sh`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use logscrub::anonymize::scan::find_each;
use logscrub::anonymize::{Anonymizer, Cache, Key, Scheme};
use logscrub::format::{Format, FormatChoice};
use logscrub::input::{Piece, PieceKind};
use logscrub::pipeline::{Engine, WorkerCtx};
use logscrub::rules::OnUnparsed;
use logscrub::stats::{Collector, Granularity, State, Uniques};

fn corpus() -> Vec<u8> {
    repeated("web/combined.log")
}

/// A fixture from `testdata/`, repeated to ~8 MB.
fn repeated(fixture: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut v = Vec::with_capacity(8 << 20);
    while v.len() < 8 << 20 {
        v.extend_from_slice(&base);
    }
    v
}

fn combined() -> Format {
    match Format::from_spec("combined") {
        Ok(FormatChoice::Fixed(f)) => f,
        _ => unreachable!(),
    }
}

/// An engine that truncates (the defaults) lines of `format`, and `data` as one piece of lines.
fn truncating(format: Format, data: &[u8]) -> (Engine, Piece) {
    let engine = Engine {
        format,
        anonymizer: Anonymizer::new(Scheme::Truncate, 24, 48, vec![]),
        on_unparsed: OnUnparsed::Scrub,
        compress: None,
        rules: None,
        keep_unparsed: false,
        max_line: usize::MAX,
    };
    let piece = Piece {
        header: None,
        data: data.to_vec(),
        kind: PieceKind::Lines,
    };
    (engine, piece)
}

fn benches(c: &mut Criterion) {
    let data = corpus();
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut g = c.benchmark_group("hot-path");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);

    let fmt = combined();
    let mut spans = logscrub::format::Fields::default();
    assert!(
        lines.iter().all(|l| fmt.parse(l, &mut spans).is_ok()),
        "every fixture line parses"
    );
    g.bench_function("parse/combined", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for l in &lines {
                ok += fmt.parse(black_box(l), &mut spans).is_ok() as usize;
            }
            ok
        })
    });

    let mut found = 0usize;
    for l in &lines {
        find_each(l, b'\n', |_| found += 1);
    }
    assert!(
        found >= lines.len(),
        "at least the client of every line is found"
    );
    g.bench_function("find/addresses", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for l in &lines {
                find_each(black_box(l), b'\n', |_| n += 1);
            }
            n
        })
    });

    for (name, scheme) in [
        ("truncate", Scheme::Truncate),
        ("hash", Scheme::Hash(Key::from_bytes([9u8; 32]))),
    ] {
        let a = Anonymizer::new(scheme, 24, 48, vec![]);
        let mut cache = Cache::default();
        let mut out = Vec::with_capacity(data.len() + 4096);
        g.bench_function(format!("rewrite/{name}"), |b| {
            b.iter(|| {
                out.clear();
                for l in &lines {
                    a.rewrite_line(black_box(l), b'\n', &mut out, &mut cache);
                }
                out.len()
            })
        });
    }

    let (engine, piece) = truncating(combined(), &data);
    let mut ctx = WorkerCtx::default();
    assert_eq!(engine.process(&piece, &mut ctx).counts.unparsed, 0);
    g.bench_function("engine/combined-truncate", |b| {
        b.iter(|| engine.process(black_box(&piece), &mut ctx).out.len())
    });

    // What one `audit` worker does with a piece: the anonymized corpus, clean of addresses.
    let anonymized = engine.process(&piece, &mut ctx).out;
    let (n, per) = logscrub::cmd::audit::scan_piece(&anonymized, 24, 48);
    assert_eq!(n as usize, lines.len());
    assert_eq!(per[0].0, 0, "no address left after truncation");
    g.bench_function("audit/anonymized", |b| {
        b.iter(|| logscrub::cmd::audit::scan_piece(black_box(&anonymized), 24, 48).0)
    });

    let uniques = Uniques::from_key(&Key::from_bytes([7u8; 32]));
    let new_collector = || {
        Collector::new(
            State::new(Granularity::Day, 0, uniques.fingerprint.clone(), 10_000),
            uniques.clone(),
            Anonymizer::new(Scheme::Truncate, 24, 48, vec![]),
            chrono::Utc::now(),
        )
    };
    let mut fields = logscrub::format::Fields::default();
    let mut check = new_collector();
    for l in &lines {
        fields.clear();
        fmt.parse(l, &mut fields).expect("parses");
        check.line(l, &fields);
    }
    let st = check.finish();
    assert_eq!(st.lines as usize, lines.len());
    assert!(st.panels.contains_key("page") && st.panels.contains_key("browser"));
    g.bench_function("stats/combined", |b| {
        b.iter(|| {
            let mut c = new_collector();
            for l in &lines {
                fields.clear();
                if fmt.parse(black_box(l), &mut fields).is_ok() {
                    c.line(l, &fields);
                }
            }
            c.finish().lines
        })
    });
    g.finish();
}

/// The DNS query logs of issue 3's speed goal: parsing alone, and a piece through the engine.
/// The fixtures hold every line shape the parsers know (and a few lines they must refuse), so
/// these figures are for a harder mix than a server's usual log; `benches/throughput.sh`
/// measures the usual one.
fn dns(c: &mut Criterion) {
    for server in ["bind", "unbound"] {
        let data = repeated(&format!("dns/{server}.log"));
        let lines: Vec<&[u8]> = data
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        let format = match Format::from_spec(server) {
            Ok(FormatChoice::Fixed(f)) => f,
            _ => unreachable!("a DNS format"),
        };
        let mut fields = logscrub::format::Fields::default();
        let parsed = lines
            .iter()
            .filter(|l| {
                fields.clear();
                format.parse(l, &mut fields).is_ok()
            })
            .count();
        // The fixtures hold a few lines that must not parse (the tests check them too).
        assert!(
            parsed * 10 >= lines.len() * 9,
            "{server}: {parsed} of {} parse",
            lines.len()
        );
        let mut g = c.benchmark_group(format!("dns-{server}"));
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(20);
        g.bench_function("parse", |b| {
            b.iter(|| {
                let mut ok = 0usize;
                for l in &lines {
                    fields.clear();
                    ok += format.parse(black_box(l), &mut fields).is_ok() as usize;
                }
                ok
            })
        });
        let (engine, piece) = truncating(format, &data);
        let mut ctx = WorkerCtx::default();
        let done = engine.process(&piece, &mut ctx);
        assert_eq!(done.counts.unparsed as usize, lines.len() - parsed);
        assert!(done.counts.addresses_rewritten >= lines.len() as u64);
        g.bench_function("engine-truncate", |b| {
            b.iter(|| engine.process(black_box(&piece), &mut ctx).out.len())
        });
        g.finish();
    }
}

/// Parsing and the engine for every web format's fixture, to compare with `combined`.
fn web_formats(c: &mut Criterion) {
    for (fixture, spec) in [
        ("web/combined.log", "combined"),
        ("web/vhost_combined.log", "vhost_combined"),
        ("web/caddy.json", "json"),
        ("web/squid.log", "squid"),
        ("web/elb.log", "elb"),
        ("web/alb.log", "alb"),
        ("web/s3.log", "s3"),
        ("web/cloudfront.log", "cloudfront"),
        ("web/gcs.log", "gcs"),
        ("web/haproxy.log", "haproxy"),
        ("web/traefik.log", "traefik"),
        ("web/iis.log", "w3c"),
    ] {
        let data = repeated(fixture);
        let lines: Vec<&[u8]> = data
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty())
            .collect();
        let format = match Format::from_spec(spec) {
            Ok(FormatChoice::Fixed(f)) => f,
            _ => unreachable!("a fixed format"),
        };
        let mut fields = logscrub::format::Fields::default();
        format.start_piece(None, &mut fields);
        assert!(
            lines.iter().all(|l| format.parse(l, &mut fields).is_ok()),
            "every line of {fixture} parses"
        );
        let mut g = c.benchmark_group("web-formats");
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(10);
        g.bench_function(format!("parse/{spec}"), |b| {
            b.iter(|| {
                let mut ok = 0usize;
                format.start_piece(None, &mut fields);
                for l in &lines {
                    ok += format.parse(black_box(l), &mut fields).is_ok() as usize;
                }
                ok
            })
        });
        let (engine, piece) = truncating(format, &data);
        let mut ctx = WorkerCtx::default();
        g.bench_function(format!("engine/{spec}"), |b| {
            b.iter(|| engine.process(black_box(&piece), &mut ctx).out.len())
        });
        g.finish();
    }
}

criterion_group!(core, benches, dns, web_formats);
criterion_main!(core);
