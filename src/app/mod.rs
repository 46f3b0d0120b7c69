//! One module per subcommand, wiring input → stages → output. Each takes validated options
//! (built by `crate::cli`) and returns a result that `main` maps to an exit status.

pub mod anonymize;
pub mod audit;
pub mod decrypt;
pub mod detect;
pub mod keygen;
pub mod prune;
pub mod run;
pub mod stats;

/// The format for one source: the fixed one, or (for `auto`) the one that matches the first
/// piece of `chunker` best, which stays queued for processing.
pub(crate) fn choose_format<R: std::io::Read>(
    chunker: &mut crate::input::Chunker<R>,
    choice: &crate::format::FormatChoice,
    name: &str,
    quiet: bool,
    verbose: bool,
    log: &mut dyn std::io::Write,
) -> anyhow::Result<crate::format::Format> {
    use anyhow::Context;
    let first = match choice {
        crate::format::FormatChoice::Auto => chunker
            .peek()
            .with_context(|| format!("cannot read {name}"))?
            .map(|p| &p.data[..])
            .unwrap_or_default(),
        crate::format::FormatChoice::Fixed(_) => &[],
    };
    Ok(crate::format::choose(
        choice, first, name, quiet, verbose, log,
    ))
}

/// Errors that end a subcommand, by how they map to exit statuses.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An unparsed line under `--on-unparsed fail`.
    #[error(
        "{path}:{line}:{col}: line does not match format `{format}`; stopped here (--on-unparsed fail)"
    )]
    Unparsed {
        path: String,
        line: u64,
        col: usize,
        format: String,
    },
    /// Standard output was closed by its reader.
    #[error("standard output closed")]
    BrokenPipe,
    /// Anything else, with context.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
