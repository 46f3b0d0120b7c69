//! The Prometheus textfile the nightly job writes (`metrics`, `--metrics`), for node_exporter's
//! textfile collector.

use std::path::Path;

use super::{Report, SourceReport};

/// Writes the Prometheus textfile atomically (node_exporter must never read half a file).
pub(super) fn write_metrics(
    path: &Path,
    r: &Report,
    last_success: Option<i64>,
) -> anyhow::Result<()> {
    let mut m = String::new();
    let label = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    };
    let mut gauge = |name: &str, help: &str, values: Vec<(Option<&str>, f64)>| {
        m += &format!("# HELP logscrub_{name} {help}\n# TYPE logscrub_{name} gauge\n");
        for (src, v) in values {
            match src {
                Some(s) => m += &format!("logscrub_{name}{{source=\"{}\"}} {v}\n", label(s)),
                None => m += &format!("logscrub_{name} {v}\n"),
            }
        }
    };
    let per = |f: fn(&SourceReport) -> u64| -> Vec<(Option<&str>, f64)> {
        r.sources
            .iter()
            .map(|s| (Some(s.name.as_str()), f(s) as f64))
            .collect()
    };
    gauge(
        "run_success",
        "1 when the last run finished without problems, else 0.",
        vec![(None, if r.errors == 0 { 1.0 } else { 0.0 })],
    );
    gauge(
        "run_last_success_timestamp_seconds",
        "When the last run without problems ran (seconds since 1970; 0: never).",
        vec![(None, last_success.unwrap_or(0) as f64)],
    );
    gauge(
        "run_duration_seconds",
        "How long the last run took.",
        vec![(None, (r.seconds * 1000.0).round() / 1000.0)],
    );
    gauge(
        "run_files_anonymized",
        "Files anonymized by the last run.",
        per(|s| s.files_anonymized),
    );
    gauge(
        "run_files_counted",
        "Files counted into the statistics by the last run.",
        per(|s| s.files_counted),
    );
    gauge(
        "run_lines",
        "Lines in the files anonymized by the last run.",
        per(|s| s.lines),
    );
    gauge(
        "run_unparsed_lines",
        "Lines that did not match the source's format in the last run.",
        per(|s| s.unparsed),
    );
    gauge(
        "run_files_deleted",
        "Files deleted by the last run (raw and anonymized).",
        per(|s| s.raw_deleted + s.anonymized_deleted),
    );
    gauge(
        "run_bytes_deleted",
        "Bytes freed by the last run's deletions.",
        per(|s| s.bytes_deleted),
    );
    gauge(
        "run_errors",
        "Problems met by the last run.",
        per(|s| s.errors),
    );
    crate::output::write_atomic(path, |w| w.write_all(m.as_bytes()))
}
