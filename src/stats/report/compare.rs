//! Two periods side by side (`logscrub report A B --compare`): a month against the same month a
//! year before. Each side is a [`Report`] of its own state, with K (and noise) applied as for any
//! report; a change is published only where both sides' numbers are, so no difference gives a
//! withheld number back (`12` beside a withheld `5` would tell it by the change `+7`).

use std::fmt::Write as _;

use super::html::h;
use super::text::{csv_field as csv, md_escape as md};
use super::{Cell, OTHERS, Report, Why, bucket_name};

/// One row: a label's published numbers on each side and the change.
#[derive(Debug, Clone)]
pub struct Row {
    /// The label (`200`, `/index.html`; `(others)`; a total's name).
    pub label: String,
    /// Side A's number.
    pub a: Cell,
    /// Side B's number.
    pub b: Cell,
}

impl Row {
    /// B − A, where both are published.
    pub fn change(&self) -> Option<i128> {
        Some(i128::from(self.b.count()?) - i128::from(self.a.count()?))
    }

    /// The change as a share of A (`0.25` for +25 %), where both are published and A is not 0.
    pub fn change_share(&self) -> Option<f64> {
        let a = self.a.count().filter(|&a| a > 0)?;
        Some((self.change()? as f64 / a as f64 * 10_000.0).round() / 10_000.0)
    }
}

/// A panel compared.
#[derive(Debug, Clone)]
pub struct Table {
    /// Key (`status`), or `totals`.
    pub key: String,
    /// Title for people.
    pub title: String,
    /// Rows: every label shown on either side, then `(others)`.
    pub rows: Vec<Row>,
}

/// Two reports side by side.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The earlier (or reference) period.
    pub a: Report,
    /// The later one.
    pub b: Report,
    /// Totals first, then every panel either side has.
    pub tables: Vec<Table>,
}

/// A label absent from a side's shown rows: in its `(others)` or not there at all; either way
/// below K or beyond the top N, and not published.
const NOT_SHOWN: Cell = Cell::Withheld(Why::BelowK);

fn sum(cells: impl Iterator<Item = Cell>) -> Cell {
    let mut total = 0u64;
    for c in cells {
        match c {
            Cell::Count(n) => total = total.saturating_add(n),
            // A total with a withheld part would give that part away beside the other side's.
            w @ Cell::Withheld(_) => return w,
        }
    }
    Cell::Count(total)
}

impl Comparison {
    /// Compares two reports made with the same K.
    pub fn new(a: Report, b: Report) -> Comparison {
        let mut tables = Vec::new();
        let total = |r: &Report, web: bool, col: usize| -> Cell {
            let series = if web { &r.web_series } else { &r.dns_series };
            sum(series.iter().filter_map(|s| s.values.get(col).map(|v| v.1)))
        };
        let mut totals = Vec::new();
        if !a.web_series.is_empty() || !b.web_series.is_empty() {
            totals.push(Row {
                label: "requests".into(),
                a: total(&a, true, 0),
                b: total(&b, true, 0),
            });
            totals.push(Row {
                label: "unique visitors".into(),
                a: a.visitors,
                b: b.visitors,
            });
        }
        if !a.dns_series.is_empty() || !b.dns_series.is_empty() {
            totals.push(Row {
                label: "queries".into(),
                a: total(&a, false, 0),
                b: total(&b, false, 0),
            });
            totals.push(Row {
                label: "unique sources".into(),
                a: a.sources,
                b: b.sources,
            });
        }
        tables.push(Table {
            key: "totals".into(),
            title: "Totals".into(),
            rows: totals,
        });
        let mut keys: Vec<(&str, &str)> = Vec::new();
        for p in b.panels.iter().chain(&a.panels) {
            if !keys.iter().any(|k| k.0 == p.key) {
                keys.push((&p.key, &p.title));
            }
        }
        for (key, title) in keys {
            let pa = a.panels.iter().find(|p| p.key == key);
            let pb = b.panels.iter().find(|p| p.key == key);
            let shown = |p: Option<&super::Panel>, label: &str| -> Cell {
                p.and_then(|p| p.rows.iter().find(|r| r.0 == label))
                    .map_or(NOT_SHOWN, |r| Cell::Count(r.1))
            };
            let mut labels: Vec<&str> = Vec::new();
            for p in [pb, pa].into_iter().flatten() {
                for r in &p.rows {
                    if !labels.contains(&r.0.as_str()) {
                        labels.push(&r.0);
                    }
                }
            }
            let mut rows: Vec<Row> = labels
                .iter()
                .map(|l| Row {
                    label: l.to_string(),
                    a: shown(pa, l),
                    b: shown(pb, l),
                })
                .collect();
            // A side's `(others)` holds what it does not show: published as that side has it.
            let others =
                |p: Option<&super::Panel>| p.and_then(|p| p.other).unwrap_or(Cell::Count(0));
            if pa.is_some_and(|p| p.other.is_some()) || pb.is_some_and(|p| p.other.is_some()) {
                rows.push(Row {
                    label: OTHERS.into(),
                    a: others(pa),
                    b: others(pb),
                });
            }
            tables.push(Table {
                key: key.to_string(),
                title: title.to_string(),
                rows,
            });
        }
        Comparison { a, b, tables }
    }

    fn period(r: &Report) -> String {
        r.range().unwrap_or_else(|| "no lines".into())
    }

    fn change_text(row: &Row) -> (String, String) {
        match (row.change(), row.change_share()) {
            (Some(c), Some(s)) => (format!("{c:+}"), format!("{:+.1} %", s * 100.0)),
            (Some(c), None) => (format!("{c:+}"), String::new()),
            _ => ("–".into(), String::new()),
        }
    }

    /// Markdown.
    pub fn markdown(&self) -> String {
        let k = self.b.min_count;
        let mut m = String::from("# Log statistics compared\n\n");
        let _ = writeln!(
            m,
            "- A: {}\n- B: {}\n",
            Self::period(&self.a),
            Self::period(&self.b)
        );
        for t in &self.tables {
            let _ = writeln!(
                m,
                "## {}\n\n| | A | B | change | change % |\n|---|---:|---:|---:|---:|",
                t.title
            );
            for r in &t.rows {
                let (c, s) = Self::change_text(r);
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | {c} | {s} |",
                    md(&r.label),
                    r.a.text(k),
                    r.b.text(k)
                );
            }
            m.push('\n');
        }
        let _ = writeln!(m, "---\n\n{}", self.note());
        m
    }

    /// CSV: `panel,label,metric,value,withheld` with metrics `a`, `b`, `change`.
    pub fn csv(&self) -> String {
        let k = self.b.min_count;
        let mut c = String::from("panel,label,metric,value,withheld\n");
        for t in &self.tables {
            for r in &t.rows {
                for (metric, cell) in [("a", r.a), ("b", r.b)] {
                    let (v, w) = match cell {
                        Cell::Count(n) => (n.to_string(), String::new()),
                        Cell::Withheld(why) => (String::new(), why.text(k)),
                    };
                    let _ = writeln!(
                        c,
                        "{},{},{metric},{v},{}",
                        csv(&t.key),
                        csv(&r.label),
                        csv(&w)
                    );
                }
                let (v, w) = match r.change() {
                    Some(d) => (d.to_string(), String::new()),
                    None => (String::new(), "a side is not published".into()),
                };
                let _ = writeln!(c, "{},{},change,{v},{w}", csv(&t.key), csv(&r.label));
            }
        }
        let _ = writeln!(c, "note,{},note,,", csv(&self.note()));
        c
    }

    /// JSON.
    pub fn json(&self) -> String {
        use serde_json::json;
        let tables: Vec<serde_json::Value> = self
            .tables
            .iter()
            .map(|t| {
                let rows: Vec<serde_json::Value> = t
                    .rows
                    .iter()
                    .map(|r| {
                        json!({
                            "label": r.label,
                            "a": r.a.count(),
                            "b": r.b.count(),
                            "change": r.change().map(|c| c as i64),
                            "change_share": r.change_share(),
                        })
                    })
                    .collect();
                json!({"key": t.key, "title": t.title, "rows": rows})
            })
            .collect();
        let side = |r: &Report| json!({"first": r.first, "last": r.last, "bucket": bucket_name(r.bucket), "tz_offset": r.tz_offset});
        let v = json!({
            "report_version": 2,
            "comparison": true,
            "min_count": self.b.min_count,
            "dp_epsilon": self.b.dp_epsilon,
            "a": side(&self.a),
            "b": side(&self.b),
            "tables": tables,
            "note": self.note(),
        });
        serde_json::to_string_pretty(&v).expect("a comparison serializes") + "\n"
    }

    /// HTML: one self-contained page.
    pub fn html(&self) -> String {
        let k = self.b.min_count;
        let mut o = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Log statistics compared</title><style>\
             body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#222}\
             table{border-collapse:collapse;width:100%}td,th{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left}\
             td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.up{color:#1a7f37}.down{color:#b42318}\
             .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 2em}\
             footer{margin-top:2em;font-size:.85em;color:#555}</style></head><body>\
             <h1>Log statistics compared</h1>",
        );
        let _ = write!(
            o,
            "<p>A: {}<br>B: {}</p><div class=\"grid\">",
            h(&Self::period(&self.a)),
            h(&Self::period(&self.b))
        );
        for t in &self.tables {
            let _ = write!(
                o,
                "<section><h2>{}</h2><table><tr><th></th><th class=\"n\">A</th><th class=\"n\">B</th><th class=\"n\">change</th><th class=\"n\">%</th></tr>",
                h(&t.title)
            );
            for r in &t.rows {
                let (c, s) = Self::change_text(r);
                let class = match r.change() {
                    Some(d) if d > 0 => "up",
                    Some(d) if d < 0 => "down",
                    _ => "",
                };
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"{class}\" style=\"text-align:right\">{c}</td><td class=\"{class}\" style=\"text-align:right\">{s}</td></tr>",
                    h(&r.label),
                    h(&r.a.text(k)),
                    h(&r.b.text(k))
                );
            }
            o += "</table></section>";
        }
        let _ = writeln!(
            o,
            "</div><footer>{}</footer></body></html>",
            h(&self.note())
        );
        o
    }

    fn note(&self) -> String {
        format!(
            "A: {} B: {} A change is shown only where both sides' numbers are published (each at least {}).",
            self.a.footer(),
            self.b.footer(),
            self.b.min_count
        )
    }
}
