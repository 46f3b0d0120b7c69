//! The JSON, Markdown and CSV renderers: they only format what `Report::new` decided.

use std::fmt::Write as _;

use super::{Cell, Report, bucket_name};

impl Report {
    /// JSON: the report as data, stable for machines (`docs/report.schema.json`): rows and
    /// series buckets as objects, a withheld number as `null` with its reason beside it.
    pub fn json(&self) -> String {
        use serde_json::{Map, Value, json};
        let k = self.min_count;
        let series = |rows: &[super::SeriesRow]| -> Vec<Value> {
            rows.iter()
                .map(|r| {
                    let mut o = Map::new();
                    let mut why = Map::new();
                    o.insert("bucket".into(), json!(r.bucket));
                    for (name, c) in &r.values {
                        o.insert(name.clone(), json!(c.count()));
                        if let Cell::Withheld(w) = c {
                            why.insert(name.clone(), json!(w.text(k)));
                        }
                    }
                    let count = r.values.first().map(|(_, c)| *c);
                    for (name, t) in &r.times {
                        let name = format!("response_{name}_us");
                        o.insert(name.clone(), json!(t));
                        if t.is_none() {
                            why.insert(
                                name,
                                json!(super::time_withheld(count, self.dp_epsilon, k)),
                            );
                        }
                    }
                    if !why.is_empty() {
                        o.insert("withheld".into(), Value::Object(why));
                    }
                    Value::Object(o)
                })
                .collect()
        };
        let panels: Vec<Value> = self
            .panels
            .iter()
            .map(|p| {
                let published = p.published_total();
                let share = |n: u64| super::share(n, published);
                let rows: Vec<Value> = p
                    .rows
                    .iter()
                    .map(|(l, n)| json!({"label": l, "count": n, "share": share(*n)}))
                    .collect();
                let other = p.other.map(|c| match c {
                    Cell::Count(n) => json!({"count": n, "share": share(n)}),
                    Cell::Withheld(w) => {
                        json!({"count": null, "share": null, "withheld": w.text(k)})
                    }
                });
                json!({
                    "key": p.key,
                    "title": p.title,
                    "section": p.section,
                    "rows": rows,
                    "other": other,
                    "error": p.error,
                })
            })
            .collect();
        let mut v = json!({
            "report_version": 2,
            "min_count": k,
            "dp_epsilon": self.dp_epsilon,
            "period": {
                "first": self.first,
                "last": self.last,
                "bucket": bucket_name(self.bucket),
                "tz_offset": self.tz_offset,
            },
            "lines": {
                "read": self.lines,
                "unparsed": self.unparsed,
                "excluded": self.excluded,
                "server_lines": self.server_lines,
                "undated": self.undated,
            },
            "series": {"web": series(&self.web_series), "dns": series(&self.dns_series)},
            "series_withheld": self.series_withheld,
            "period_unique": unique_totals(self.visitors, self.sources, k),
            "panels": panels,
            "note": self.footer(),
        });
        if self.uncounted_files > 0 {
            v["uncounted"] = json!({"files": self.uncounted_files, "bytes": self.uncounted_bytes});
        }
        serde_json::to_string_pretty(&v).expect("a report serializes") + "\n"
    }

    /// Markdown: tables for a wiki page or a blog post.
    pub fn markdown(&self) -> String {
        let k = self.min_count;
        let mut m = String::from("# Log statistics\n\n");
        if let Some(w) = self.uncounted() {
            let _ = writeln!(m, "> **{w}**\n");
        }
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
                let _ = writeln!(m, "| {} | {} |", super::OTHERS, o.text(k));
            }
            m.push('\n');
        }
        let _ = writeln!(m, "---\n\n{}", self.footer());
        m
    }

    /// CSV: one tidy table, `section,panel,bucket,label,metric,value,withheld`, that loads as
    /// one data frame: the line totals (`all,lines`), the period's unique visitors and sources
    /// (`all,period_unique`), each series bucket's numbers
    /// (`web,series` / `dns,series`; response times in ms), each panel's rows and its `(others)`
    /// row over the whole period, and the note. A withheld number has no value and its reason.
    pub fn csv(&self) -> String {
        let k = self.min_count;
        let mut c = String::from("section,panel,bucket,label,metric,value,withheld\n");
        let mut row = |section: &str,
                       panel: &str,
                       bucket: &str,
                       label: &str,
                       metric: &str,
                       value: String,
                       why: String| {
            let _ = writeln!(
                c,
                "{section},{},{},{},{metric},{value},{}",
                csv_field(panel),
                csv_field(bucket),
                csv_field(label),
                csv_field(&why)
            );
        };
        for (metric, n) in [
            ("read", self.lines),
            ("unparsed", self.unparsed),
            ("excluded", self.excluded),
            ("server_lines", self.server_lines),
            ("undated", self.undated),
        ] {
            row("all", "lines", "", "", metric, n.to_string(), String::new());
        }
        if self.uncounted_files > 0 {
            for (metric, n) in [
                ("files", self.uncounted_files),
                ("bytes", self.uncounted_bytes),
            ] {
                row(
                    "all",
                    "uncounted",
                    "",
                    "",
                    metric,
                    n.to_string(),
                    String::new(),
                );
            }
        }
        // The period's unique counts, as the JSON's `period_unique` (a new user's review: CSV
        // alone had none).
        for (metric, cell) in [("visitors", self.visitors), ("sources", self.sources)] {
            let (value, why) = match cell {
                Cell::Count(n) => (n.to_string(), String::new()),
                Cell::Withheld(w) => (String::new(), w.text(k)),
            };
            row("all", "period_unique", "", "", metric, value, why);
        }
        for (section, series) in [("web", &self.web_series), ("dns", &self.dns_series)] {
            for r in series.iter() {
                for (name, v) in &r.values {
                    let (value, why) = match v {
                        Cell::Count(n) => (n.to_string(), String::new()),
                        Cell::Withheld(w) => (String::new(), w.text(k)),
                    };
                    row(section, "series", &r.bucket, "", name, value, why);
                }
                let count = r.values.first().map(|(_, c)| *c);
                for (name, t) in &r.times {
                    let why = if t.is_some() {
                        String::new()
                    } else {
                        super::time_withheld(count, self.dp_epsilon, k)
                    };
                    row(
                        section,
                        "series",
                        &r.bucket,
                        "",
                        &format!("response_{name}_ms"),
                        super::ms_csv(*t),
                        why,
                    );
                }
            }
        }
        for p in &self.panels {
            for (label, n) in &p.rows {
                row(
                    p.section,
                    &p.key,
                    "",
                    label,
                    "count",
                    n.to_string(),
                    String::new(),
                );
            }
            if let Some(o) = p.other {
                let (value, why) = match o {
                    Cell::Count(n) => (n.to_string(), String::new()),
                    Cell::Withheld(w) => (String::new(), w.text(k)),
                };
                row(p.section, &p.key, "", super::OTHERS, "count", value, why);
            }
        }
        row(
            "all",
            "note",
            "",
            &self.footer(),
            "note",
            String::new(),
            String::new(),
        );
        c
    }
}

/// Unique visitors and sources over the whole period, `null` with the reason when withheld.
fn unique_totals(visitors: Cell, sources: Cell, k: u64) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    let mut why = serde_json::Map::new();
    for (name, c) in [("visitors", visitors), ("sources", sources)] {
        o.insert(name.into(), serde_json::json!(c.count()));
        if let Cell::Withheld(w) = c {
            why.insert(name.into(), serde_json::json!(w.text(k)));
        }
    }
    if !why.is_empty() {
        o.insert("withheld".into(), serde_json::Value::Object(why));
    }
    serde_json::Value::Object(o)
}

pub(super) fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
}

/// A CSV field, quoted when it must be. A text a spreadsheet would take for a formula (`=`, `+`,
/// `@`, a tab or carriage return first, or `-` before anything but a number: a page label is the
/// client's to choose, `=HYPERLINK(…)`) gets a `'` in front, as OWASP advises for CSV files
/// opened in spreadsheets.
pub(super) fn csv_field(s: &str) -> String {
    let formula = match s.as_bytes().first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => s.len() > 1 && s[1..].parse::<f64>().is_err(),
        _ => false,
    };
    let s = if formula {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    /// A label a spreadsheet would run as a formula is written as text; numbers, ordinary
    /// labels and quoting are as before.
    #[test]
    fn csv_fields_are_never_formulas() {
        for (s, want) in [
            ("/index.html", "/index.html"),
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+1+cmd", "'+1+cmd"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("-12.5", "-12.5"),
            ("-", "-"),
            ("\tx", "'\tx"),
            ("a,b", "\"a,b\""),
        ] {
            assert_eq!(csv_field(s), want, "{s}");
        }
    }
}
