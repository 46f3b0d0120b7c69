//! The HTML renderer: one self-contained page, inline SVG charts, no script, no external
//! resource. It only formats what `Report::new` decided.
//!
//! Layout: an overview of the period first (totals, unique counts, error shares, the top page
//! or domain), then a section for web traffic and one for DNS, each with its time-series charts
//! (y-axis ticks, bars filling the width), its table and its panels (share of what the panel
//! publishes beside each count; the row of everything else marked apart from any label).
//! Readable from 390 px (tables scroll sideways, dates do not wrap) and in print.

use std::fmt::Write as _;

use super::{Cell, OTHERS, Panel, Report, SeriesRow, bucket_name};

/// Escapes text for HTML.
pub(super) fn h(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#222}\
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.3em;margin-top:1.8em;border-bottom:2px solid #4a7bd0}\
h3{font-size:1.05em;margin:1.2em 0 .3em}.sub{color:#555;margin-top:0}\
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.4em 0}\
td,th{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left;white-space:nowrap}\
td.l{white-space:normal;word-break:break-word}\
td.n,th.n,td.t,td.p{text-align:right;font-variant-numeric:tabular-nums}td.p{color:#555}\
tr.o td{color:#555;font-style:italic}\
.bar{background:#4a7bd0;height:.8em;display:inline-block;vertical-align:middle}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 2em}\
.ov{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.6em;margin:1em 0}\
.ov div{background:#f3f6fb;border-radius:6px;padding:.5em .8em}.ov b{display:block;font-size:1.3em}\
.ov div.w{grid-column:span 2}.ov div.w b{font-size:1.05em}\
svg{width:100%;height:auto;max-height:280px}footer{margin-top:2em;font-size:.85em;color:#555}\
@media (max-width:600px){svg text{font-size:28px}body{font-size:14px}}\
@media print{.grid{display:block}a{color:inherit}.ov div{border:1px solid #ccc}}";

/// `1.4 MiB`: bytes for people.
fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `12,345`: a count for people.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A cell for people: the count, or `< K`.
fn cell_text(c: &Cell, k: u64) -> String {
    match c {
        Cell::Count(n) => thousands(*n),
        Cell::Withheld(_) => format!("< {k}"),
    }
}

/// The sum of a series column's published cells, and whether any was withheld.
fn shown_sum(series: &[SeriesRow], col: usize) -> (u64, bool) {
    let mut sum = 0u64;
    let mut withheld = false;
    for r in series {
        match r.values.get(col).map(|v| v.1) {
            Some(Cell::Count(n)) => sum = sum.saturating_add(n),
            Some(Cell::Withheld(_)) => withheld = true,
            None => {}
        }
    }
    (sum, withheld)
}

impl Report {
    fn panel(&self, key: &str) -> Option<&Panel> {
        self.panels.iter().find(|p| p.key == key)
    }

    /// The overview: what a reader wants first.
    fn overview(&self) -> String {
        let k = self.min_count;
        let mut items: Vec<(String, String)> = Vec::new();
        if let Some(r) = self.range() {
            items.push(("Period".into(), r));
        }
        let plus = |withheld: bool| if withheld { " + withheld" } else { "" };
        if !self.web_series.is_empty() {
            let (req, w) = shown_sum(&self.web_series, 0);
            items.push(("Requests".into(), format!("{}{}", thousands(req), plus(w))));
            items.push((
                "Unique visitors (estimate)".into(),
                cell_text(&self.visitors, k),
            ));
            let (bytes, w) = shown_sum(&self.web_series, 1);
            if self.dp_epsilon.is_none() {
                items.push((
                    "Data sent".into(),
                    format!("{}{}", bytes_text(bytes), plus(w)),
                ));
            }
            // Error shares where the class is published (a class folded into `(others)` is not
            // 0 %: it is unknown).
            if let Some(p) = self.panel("status_class") {
                let total = p.published_total();
                for class in ["4xx", "5xx"] {
                    if let Some(n) = p.rows.iter().find(|r| r.0 == class).map(|r| r.1) {
                        items.push((
                            format!("{class} responses"),
                            format!("{:.1} %", n as f64 * 100.0 / total as f64),
                        ));
                    }
                }
            }
            if let Some(top) = self.panel("page").and_then(|p| p.rows.first()) {
                items.push(("Top page".into(), top.0.clone()));
            }
        }
        if !self.dns_series.is_empty() {
            let (q, w) = shown_sum(&self.dns_series, 0);
            items.push(("DNS queries".into(), format!("{}{}", thousands(q), plus(w))));
            items.push((
                "Unique sources (estimate)".into(),
                cell_text(&self.sources, k),
            ));
            if let Some(top) = self.panel("domain").and_then(|p| p.rows.first()) {
                items.push(("Top domain".into(), top.0.clone()));
            }
        }
        let mut o = String::from("<section class=\"ov\">");
        for (label, value) in items {
            let wide = if label == "Period" {
                " class=\"w\""
            } else {
                ""
            };
            let _ = write!(o, "<div{wide}>{}<b>{}</b></div>", h(&label), h(&value));
        }
        o += "</section>";
        o
    }

    /// A section (web or DNS): its charts, its table, its panels.
    fn section(&self, title: &str, key: &str, series: &[SeriesRow]) -> String {
        let k = self.min_count;
        let panels: Vec<&Panel> = self.panels.iter().filter(|p| p.section == key).collect();
        if series.is_empty() && panels.is_empty() {
            return String::new();
        }
        let mut o = format!("<h2>{}</h2>", h(title));
        if let Some(first) = series.first() {
            for (col, (name, _)) in first.values.iter().enumerate() {
                if name == "bytes" && self.dp_epsilon.is_some() {
                    continue;
                }
                let _ = write!(
                    o,
                    "<h3>{} per {}</h3>",
                    h(&capital(name)),
                    bucket_name(self.bucket)
                );
                o += &chart(series, col, name == "bytes");
            }
            let _ = write!(
                o,
                "<div class=\"scroll\"><table><tr><th>{}</th>",
                bucket_name(self.bucket)
            );
            for (n, _) in &first.values {
                let _ = write!(o, "<th class=\"n\">{}</th>", h(n));
            }
            for (n, _) in &first.times {
                let _ = write!(o, "<th class=\"n\">response {}</th>", h(n));
            }
            o += "</tr>";
            for r in series {
                let _ = write!(o, "<tr><td>{}</td>", h(&super::span_text(&r.bucket)));
                for (name, c) in &r.values {
                    // Bytes readable, the exact number on hover; counts as they are.
                    match (name.as_str(), c) {
                        ("bytes", Cell::Count(n)) => {
                            let _ = write!(
                                o,
                                "<td class=\"t\" title=\"{n} bytes\">{}</td>",
                                bytes_text(*n)
                            );
                        }
                        _ => {
                            let _ = write!(o, "<td class=\"n\">{}</td>", h(&c.text(k)));
                        }
                    }
                }
                // Times, not counts (class `t`).
                for (_, t) in &r.times {
                    let _ = write!(o, "<td class=\"t\">{}</td>", h(&super::ms_text(*t)));
                }
                o += "</tr>";
            }
            o += "</table></div>";
        }
        o += "<div class=\"grid\">";
        for p in panels {
            o += &panel(p, k);
        }
        o += "</div>";
        o
    }

    /// One self-contained HTML page: inline CSS and SVG, no script, no external request.
    pub fn html(&self) -> String {
        let mut o = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Log statistics</title>",
        );
        let _ = write!(
            o,
            "<style>{STYLE}</style></head><body><h1>Log statistics</h1>"
        );
        let _ = write!(
            o,
            "<p class=\"sub\">Published numbers only: every count is at least {}.</p>",
            self.min_count
        );
        if let Some(w) = self.uncounted() {
            let _ = write!(o, "<p class=\"sub\"><strong>{}</strong></p>", h(&w));
        }
        o += &self.overview();
        o += &self.section("Web traffic", "web", &self.web_series);
        o += &self.section("DNS queries", "dns", &self.dns_series);
        let _ = writeln!(o, "<footer>{}</footer></body></html>", h(&self.footer()));
        o
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A panel: its rows with counts, shares of what it publishes, bars; its `(others)` row apart.
fn panel(p: &Panel, k: u64) -> String {
    let max = p.rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let total = p.published_total();
    let pct =
        |n: u64| super::share(n, total).map_or(String::new(), |s| format!("{:.1} %", s * 100.0));
    let mut o = format!("<section><h3>{}</h3><table>", h(&p.title));
    for (label, n) in &p.rows {
        let shown = if p.key == "response_bytes" {
            size_bin_text(label)
        } else {
            label.clone()
        };
        let label = &shown;
        let w = (u128::from(*n) * 100 / u128::from(max)).max(1);
        let _ = write!(
            o,
            "<tr><td class=\"l\">{}</td><td class=\"n\">{n}</td><td class=\"p\">{}</td><td style=\"width:30%\"><span class=\"bar\" style=\"width:{w}%\"></span></td></tr>",
            h(label),
            pct(*n)
        );
    }
    if let Some(c) = p.other {
        let share = c.count().map(pct).unwrap_or_default();
        let _ = write!(
            o,
            "<tr class=\"o\"><td class=\"l\">{OTHERS}</td><td class=\"n\">{}</td><td class=\"p\">{share}</td><td></td></tr>",
            h(&c.text(k))
        );
    }
    o += "</table></section>";
    o
}

/// A `response_bytes` bin for people: `1000-9999` → `1–10 kB`.
fn size_bin_text(label: &str) -> String {
    match label {
        "0-999" => "< 1 kB".into(),
        "1000-9999" => "1–10 kB".into(),
        "10000-99999" => "10–100 kB".into(),
        "100000-999999" => "100 kB–1 MB".into(),
        "1000000-9999999" => "1–10 MB".into(),
        "10000000-" => "≥ 10 MB".into(),
        other => other.into(),
    }
}

/// A round axis maximum at or above `max` (1, 2 or 5 times a power of ten).
fn nice(max: u64) -> u64 {
    let mut p = 1u64;
    loop {
        for m in [1, 2, 5] {
            let v = p.saturating_mul(m);
            if v >= max {
                return v;
            }
        }
        if p > u64::MAX / 10 {
            return u64::MAX;
        }
        p *= 10;
    }
}

/// An SVG bar chart of one series column over the buckets, bars filling the width, a y axis
/// with four ticks, the first, middle and last bucket named. Withheld cells are gaps.
fn chart(series: &[SeriesRow], col: usize, bytes: bool) -> String {
    let vals: Vec<Option<u64>> = series
        .iter()
        .map(|r| r.values.get(col).and_then(|v| v.1.count()))
        .collect();
    let top = nice(vals.iter().flatten().copied().max().unwrap_or(0).max(1));
    let (left, w, ht, pad) = (if bytes { 140.0 } else { 90.0 }, 900.0, 200.0, 14.0);
    let plot = w - left;
    let n = vals.len().max(1) as f64;
    let bw = plot / n;
    let name = series[0]
        .values
        .get(col)
        .map(|v| v.0.clone())
        .unwrap_or_default();
    let label = |v: u64| if bytes { bytes_text(v) } else { thousands(v) };
    let mut s = format!(
        "<svg viewBox=\"0 -{pad} {w} {}\" role=\"img\" aria-label=\"{} per bucket\">",
        ht + 30.0 + pad,
        h(&name)
    );
    for i in 0..=4u64 {
        let v = top / 4 * i;
        let y = ht - ht * i as f64 / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{w}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 4.0,
            h(&label(v))
        );
    }
    for (i, v) in vals.iter().enumerate() {
        if let Some(v) = v {
            let bh = (*v as f64 / top as f64) * ht;
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#4a7bd0\"><title>{}: {}</title></rect>",
                left + i as f64 * bw + bw * 0.1,
                ht - bh,
                (bw * 0.8).max(0.5),
                bh,
                h(&series[i].bucket),
                h(&label(*v))
            );
        }
    }
    let names: Vec<usize> = match series.len() {
        0 => vec![],
        1 => vec![0],
        2 => vec![0, 1],
        n => vec![0, n / 2, n - 1],
    };
    for i in names {
        let x = left + (i as f64 + 0.5) * bw;
        let anchor = if series.len() == 1 {
            "middle"
        } else if i == 0 {
            "start"
        } else if i + 1 == series.len() {
            "end"
        } else {
            "middle"
        };
        let x = match anchor {
            "start" => (x - bw * 0.4).max(left),
            "end" => (x + bw * 0.4).min(w),
            _ => x,
        };
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{}\" font-size=\"12\" text-anchor=\"{anchor}\">{}</text>",
            ht + 24.0,
            h(&super::span_text(&series[i].bucket))
        );
    }
    s += "</svg>";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_numbers() {
        assert_eq!(bytes_text(0), "0 B");
        assert_eq!(bytes_text(1023), "1023 B");
        assert_eq!(bytes_text(1462495225), "1.4 GiB");
        assert_eq!(thousands(1462495225), "1,462,495,225");
        assert_eq!(thousands(999), "999");
        for (max, want) in [
            (1, 1),
            (3, 5),
            (7, 10),
            (11, 20),
            (2_000, 2_000),
            (2_001, 5_000),
        ] {
            assert_eq!(nice(max), want, "{max}");
        }
        assert_eq!(nice(u64::MAX), u64::MAX);
    }
}
