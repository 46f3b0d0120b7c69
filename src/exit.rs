//! Exit codes: one enum, documented in `logscrub(1)` under EXIT STATUS.

/// How logscrub ends. The numbers are part of the interface: scripts test them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Ok = 0,
    /// An error: unreadable input, unwritable output, bad key file, ...
    Error = 1,
    /// The command line is wrong.
    Usage = 2,
    /// Unparsed lines under `--strict`, or an unparsed line under `--on-unparsed fail`.
    Unparsed = 3,
    /// Some of the work failed (an unreadable directory, a file that could not be deleted); the
    /// rest was done.
    Partial = 4,
    /// `run`: another run holds the lock; this one did nothing.
    Locked = 5,
    /// Standard output was closed by the reader (e.g. `| head`): output is incomplete.
    /// 128 + SIGPIPE, as a shell reports a process killed by SIGPIPE.
    BrokenPipe = 141,
}

/// Every exit status with its meaning, for the man page and `--help`.
pub const TABLE: &[(Exit, &str)] = &[
    (Exit::Ok, "success"),
    (
        Exit::Error,
        "an error: unreadable input, unwritable output (a full disk, or standard output closed with >&-: output is never lost silently), bad key file; the message says what and where",
    ),
    (Exit::Usage, "invalid command line"),
    (
        Exit::Unparsed,
        "lines that did not match the format, under --strict or --on-unparsed fail (the output holds them scrubbed, or stops before the first one); an input in no known format under --strict (stats: always, having nothing to count); an input of which the given --format matches no line",
    ),
    (
        Exit::Partial,
        "prune, run, detect: some of the work failed (an unreadable directory, a file that could not be anonymized or deleted); the rest was done and the messages say what failed",
    ),
    (
        Exit::Locked,
        "run: another run of the same policy holds the lock in its state directory; this run did nothing",
    ),
    (
        Exit::BrokenPipe,
        "every command: the reader of standard output went away before all output was written (| head; the output is incomplete); nothing is printed",
    ),
];

/// `audit` answers a question, as grep does, so its statuses say the answer: shown apart from
/// [`TABLE`] in the man page and `audit --help`.
pub const AUDIT: &[(u8, &str)] = &[
    (0, "every file is clean"),
    (
        1,
        "findings: something the policy says is not there is there (the report says where)",
    ),
    (
        2,
        "an error: a file or directory could not be read, a bad rule or policy file, an invalid command line",
    ),
];
