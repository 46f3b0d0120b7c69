//! The JSON, Markdown and CSV renderers: they only format what `Report::new` decided.

use std::fmt::Write as _;

use super::{Report, bucket_name};

impl Report {
    /// JSON: the report as data, stable for machines.
    pub fn json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("a report serializes");
        v["note"] = serde_json::Value::String(self.footer());
        serde_json::to_string_pretty(&v).expect("a report serializes") + "\n"
    }

    /// Markdown: tables for a wiki page or a blog post.
    pub fn markdown(&self) -> String {
        let k = self.min_count;
        let mut m = String::from("# Log statistics\n\n");
        for (title, series) in [
            ("Web traffic", &self.web_series),
            ("DNS queries", &self.dns_series),
        ] {
            if series.is_empty() {
                continue;
            }
            let _ = writeln!(m, "## {title}\n");
            let names: Vec<String> = series[0]
                .values
                .iter()
                .map(|(n, _)| n.clone())
                .chain(series[0].times.iter().map(|(n, _)| format!("response {n}")))
                .collect();
            let _ = writeln!(
                m,
                "| {} | {} |",
                bucket_name(self.bucket),
                names.join(" | ")
            );
            let _ = writeln!(m, "|---|{}", "---:|".repeat(names.len()));
            for r in series {
                let cells: Vec<String> = r
                    .values
                    .iter()
                    .map(|(_, c)| c.text(k))
                    .chain(r.times.iter().map(|(_, t)| super::ms_text(*t)))
                    .collect();
                let _ = writeln!(
                    m,
                    "| {} | {} |",
                    super::span_text(&r.bucket),
                    cells.join(" | ")
                );
            }
            m.push('\n');
        }
        for p in &self.panels {
            let _ = writeln!(m, "## {}\n\n| | count |\n|---|---:|", p.title);
            for (label, n) in &p.rows {
                let _ = writeln!(m, "| {} | {n} |", md_escape(label));
            }
            if let Some(o) = p.other {
                let _ = writeln!(m, "| other | {} |", o.text(k));
            }
            m.push('\n');
        }
        let _ = writeln!(m, "---\n\n{}", self.footer());
        m
    }

    /// CSV: one table per section, each headed by a `# title` line.
    pub fn csv(&self) -> String {
        let k = self.min_count;
        let mut c = String::new();
        for (title, series) in [("web", &self.web_series), ("dns", &self.dns_series)] {
            if series.is_empty() {
                continue;
            }
            let names: Vec<String> = series[0]
                .values
                .iter()
                .map(|(n, _)| n.clone())
                .chain(
                    series[0]
                        .times
                        .iter()
                        .map(|(n, _)| format!("response_{n}_ms")),
                )
                .collect();
            let _ = writeln!(
                c,
                "# {title} series\n{},{}",
                bucket_name(self.bucket),
                names.join(",")
            );
            for r in series {
                let cells: Vec<String> = r
                    .values
                    .iter()
                    .map(|(_, v)| csv_field(&v.text(k)))
                    .chain(r.times.iter().map(|(_, t)| super::ms_csv(*t)))
                    .collect();
                let _ = writeln!(c, "{},{}", r.bucket, cells.join(","));
            }
            c.push('\n');
        }
        for p in &self.panels {
            let _ = writeln!(c, "# {}\nlabel,count", p.key);
            for (label, n) in &p.rows {
                let _ = writeln!(c, "{},{n}", csv_field(label));
            }
            if let Some(o) = p.other {
                let _ = writeln!(c, "other,{}", csv_field(&o.text(k)));
            }
            c.push('\n');
        }
        let _ = writeln!(c, "# note\n{}", csv_field(&self.footer()));
        c
    }
}

fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
