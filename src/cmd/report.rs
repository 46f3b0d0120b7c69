//! `logscrub report`: statistics states in (merged), a report safe to publish out.
// The doc comments of the flags are their --help text, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use crate::cmd::Ctx;
use crate::defaults;
use crate::exit::Exit;
use crate::output::write_text;
use crate::stats::file::merge_files;
use crate::stats::report::{
    ReportFormat, ReportOptions, parse_epsilon, parse_top, render, render_compare,
};

/// `report --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub report month.json --to html -o report.html
  logscrub report day-*.json --to md --min-count 20 --top 20
  logscrub report fleet.json --to csv -o fleet.csv
  logscrub report 2025-11.json 2026-11.json --compare --to html -o november.html";

/// `logscrub report` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// State files (merged before rendering); `-` reads states from standard input, one per line.
    #[arg(value_name = "STATE", required = true)]
    pub states: Vec<PathBuf>,
    /// The report's format (`--report` as in `logscrub stats`).
    #[arg(long, visible_alias = "report", value_enum, default_value_t = ReportFormat::Html, value_name = "FORMAT")]
    pub to: ReportFormat,
    /// Counts below this are withheld: small labels fold into "other", small cells show "< K".
    #[arg(long, default_value_t = defaults::MIN_COUNT, value_name = "K")]
    pub min_count: u64,
    /// Rows per panel.
    #[arg(long, default_value_t = defaults::TOP, value_name = "N", value_parser = parse_top)]
    pub top: usize,
    /// Add differential-privacy noise: ε per published number for one log line (event level;
    /// smaller is more private and noisier; e.g. 1). See STATISTICS in logscrub(1).
    #[arg(long, value_name = "E", value_parser = parse_epsilon)]
    pub dp_epsilon: Option<f64>,
    /// Two states side by side (A, then B: a month and the same month a year before), with the
    /// change of every number published on both sides; K (and noise) apply to each side.
    #[arg(long)]
    pub compare: bool,
    /// Write the report here, atomically; stdout when absent or `-`.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

impl Args {
    /// The rendering options.
    pub fn options(&self) -> ReportOptions {
        ReportOptions {
            to: self.to,
            min_count: self.min_count,
            top: self.top,
            dp_epsilon: self.dp_epsilon,
        }
    }
}

/// Merges the states and writes the report.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    if a.compare {
        let [x, y] = &a.states[..] else {
            return Err(crate::cmd::UsageError(format!(
                "--compare takes two states (A and B), not {}",
                a.states.len()
            ))
            .into());
        };
        let (sa, sb) = (
            merge_files(std::slice::from_ref(x))?,
            merge_files(std::slice::from_ref(y))?,
        );
        write_text(a.output.as_deref(), &render_compare(&sa, &sb, &a.options()))?;
        warn_uncounted(ctx, &[("A", &sa), ("B", &sb)])?;
        return Ok(Exit::Ok);
    }
    crate::cmd::refuse_a_state_twice(&a.states)?;
    let s = merge_files(&a.states)?;
    write_text(a.output.as_deref(), &render(&s, &a.options()))?;
    warn_uncounted(ctx, &[("the states", &s)])?;
    Ok(Exit::Ok)
}

/// Says on stderr, besides in the report, that a state holds files the nightly job could not
/// read: whoever runs the report from cron sees it before publishing.
fn warn_uncounted(ctx: &mut Ctx, states: &[(&str, &crate::stats::State)]) -> anyhow::Result<()> {
    for (name, s) in states {
        if s.uncounted_files > 0 {
            writeln!(
                ctx.err,
                "logscrub: warning: {name}: {} log file(s) the nightly job could not read are in no count; the report says it is incomplete",
                s.uncounted_files
            )?;
        }
    }
    Ok(())
}
