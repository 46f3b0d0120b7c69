//! The HTML renderer: one self-contained page, inline SVG charts, no script, no external
//! resource. It only formats what `Report::new` decided.

use std::fmt::Write as _;

use super::{Cell, Report, SeriesRow, bucket_name};

/// Escapes text for HTML.
fn h(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}\
table{border-collapse:collapse;width:100%;margin:.4em 0}td,th{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
.bar{background:#4a7bd0;height:.8em;display:inline-block;vertical-align:middle}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:0 2em}\
svg{width:100%;height:auto}footer{margin-top:2em;font-size:.85em;color:#555}\
@media print{.grid{display:block}a{color:inherit}}";

impl Report {
    /// One self-contained HTML page: inline CSS and SVG, no script, no external request.
    pub fn html(&self) -> String {
        let k = self.min_count;
        let mut o = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Log statistics</title>",
        );
        let _ = write!(
            o,
            "<style>{STYLE}</style></head><body><h1>Log statistics</h1>"
        );
        if let Some(r) = self.range() {
            let _ = write!(o, "<p>{}</p>", h(&r));
        }
        for (title, series) in [
            ("Web traffic", &self.web_series),
            ("DNS queries", &self.dns_series),
        ] {
            if series.is_empty() {
                continue;
            }
            let _ = write!(o, "<h2>{title}</h2>");
            o += &chart(series);
            let names: Vec<String> = series[0]
                .values
                .iter()
                .map(|(n, _)| n.clone())
                .chain(series[0].times.iter().map(|(n, _)| format!("response {n}")))
                .collect();
            let _ = write!(o, "<table><tr><th>{}</th>", bucket_name(self.bucket));
            for n in &names {
                let _ = write!(o, "<th class=\"n\">{}</th>", h(n));
            }
            o += "</tr>";
            for r in series {
                let _ = write!(o, "<tr><td>{}</td>", h(&super::span_text(&r.bucket)));
                for (_, c) in &r.values {
                    let _ = write!(o, "<td class=\"n\">{}</td>", h(&c.text(k)));
                }
                // Times, not counts (class `t`).
                for (_, t) in &r.times {
                    let _ = write!(o, "<td class=\"t\">{}</td>", h(&super::ms_text(*t)));
                }
                o += "</tr>";
            }
            o += "</table>";
        }
        o += "<div class=\"grid\">";
        for p in &self.panels {
            let max = p.rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
            let _ = write!(o, "<section><h2>{}</h2><table>", h(&p.title));
            for (label, n) in &p.rows {
                let w = (u128::from(*n) * 100 / u128::from(max)).max(1);
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{n}</td><td style=\"width:35%\"><span class=\"bar\" style=\"width:{w}%\"></span></td></tr>",
                    h(label)
                );
            }
            if let Some(c) = p.other {
                let _ = write!(
                    o,
                    "<tr><td><i>other</i></td><td class=\"n\">{}</td><td></td></tr>",
                    h(&c.text(k))
                );
            }
            o += "</table></section>";
        }
        o += "</div>";
        let _ = writeln!(o, "<footer>{}</footer></body></html>", h(&self.footer()));
        o
    }
}

/// An SVG bar chart of a series' first value (requests or queries) over the buckets. Withheld
/// cells are drawn as gaps.
fn chart(series: &[SeriesRow]) -> String {
    let vals: Vec<Option<u64>> = series
        .iter()
        .map(|r| match r.values.first().map(|v| v.1) {
            Some(Cell::Count(n)) => Some(n),
            _ => None,
        })
        .collect();
    let max = vals.iter().flatten().copied().max().unwrap_or(0).max(1);
    let (w, ht) = (800.0, 200.0);
    let n = vals.len().max(1) as f64;
    let bw = (w / n).min(60.0); // a few buckets: narrow bars, not one wide block
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"{} per bucket\">",
        ht + 20.0,
        h(&series[0]
            .values
            .first()
            .map(|v| v.0.clone())
            .unwrap_or_default())
    );
    for (i, v) in vals.iter().enumerate() {
        if let Some(v) = v {
            let bh = (*v as f64 / max as f64) * ht;
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#4a7bd0\"><title>{}: {v}</title></rect>",
                i as f64 * bw + bw * 0.1,
                ht - bh,
                bw * 0.8,
                bh,
                h(&series[i].bucket)
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><text x=\"{w}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text></svg>",
        ht + 16.0,
        h(series[0].bucket.split('/').next().unwrap_or_default()),
        ht + 16.0,
        h(series[series.len() - 1]
            .bucket
            .rsplit('/')
            .next()
            .unwrap_or_default())
    );
    s
}
