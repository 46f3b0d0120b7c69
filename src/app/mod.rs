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
