//! The `logscrub` binary: parse the command line, dispatch to the command, map the outcome to an
//! exit status. Each command's flags, validation and work are in `logscrub::cmd`.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;
use logscrub::cli::{Cli, Command};
use logscrub::cmd::{self, Ctx, NoMatchError, UsageError};
use logscrub::exit::Exit;
use logscrub::output::Stdout;

fn main() -> ExitCode {
    let parsed = logscrub::cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(x) => x,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            return ExitCode::from(code as u8);
        }
    };
    if let Err(e) = logscrub::output::clean_up_on_signals() {
        return ExitCode::from(report(
            &anyhow::Error::new(e).context("cannot set up signal handling"),
        ) as u8);
    }
    let mut out = Stdout::default();
    let mut err = std::io::stderr();
    let mut ctx = Ctx {
        out: &mut out,
        err: &mut err,
        now: chrono::Utc::now(),
    };
    let threads = matches
        .subcommand()
        .and_then(|(_, m)| m.try_get_one::<usize>("threads").ok().flatten().copied());
    let code = logscrub::cli::init_threads(threads)
        .and_then(|()| dispatch(cli.command, &matches, &mut ctx))
        .unwrap_or_else(|e| report(&e));
    // What is still buffered for stdout must reach it, or the command did not succeed: one rule
    // for every command (a closed pipe ends quietly with 141, a full disk is an error).
    let code = match out.flush() {
        Ok(()) => code,
        Err(e) if code != Exit::Ok => {
            drop(e);
            code
        }
        Err(e) => report(&anyhow::Error::new(e).context("cannot write standard output")),
    };
    ExitCode::from(code as u8)
}

/// Runs the command.
fn dispatch(command: Command, m: &clap::ArgMatches, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    match command {
        Command::Anonymize(a) => {
            let sub = m
                .subcommand_matches("anonymize")
                .expect("the anonymize subcommand was parsed");
            cmd::anonymize::run(a, sub, ctx)
        }
        Command::Audit(a) => cmd::audit::run(a, ctx),
        Command::Completions { shell } => logscrub::cli::completions(shell, ctx.out)
            .map(|()| Exit::Ok)
            .map_err(|e| anyhow::Error::new(e).context("cannot write standard output")),
        Command::Decrypt(a) => cmd::decrypt::run(a, ctx),
        Command::Detect(a) => cmd::detect::run(a, ctx),
        Command::Formats => cmd::formats::run(ctx),
        Command::Init(a) => cmd::init::run(a, ctx),
        Command::Keygen(a) => cmd::keygen::run(a, ctx),
        Command::Merge(a) => cmd::merge::run(a, ctx),
        Command::Prune(a) => cmd::prune::run(a, ctx),
        Command::Report(a) => cmd::report::run(a, ctx),
        Command::Rules(c) => cmd::rules::run(c, ctx),
        Command::Run(a) => cmd::run::run(a, ctx),
        Command::Stats(a) => cmd::stats::run(a, ctx),
    }
}

/// Says what went wrong and gives its status: usage errors 2, an input no format reads 3, a
/// closed pipe 141 without a word (the reader went away, as with `cat`), anything else 1.
fn report(e: &anyhow::Error) -> Exit {
    if logscrub::output::is_broken_pipe(e) {
        return Exit::BrokenPipe;
    }
    eprintln!("logscrub: {e:#}");
    if e.downcast_ref::<UsageError>().is_some() {
        Exit::Usage
    } else if e.downcast_ref::<NoMatchError>().is_some() {
        Exit::Unparsed
    } else {
        Exit::Error
    }
}
