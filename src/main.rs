//! The `logscrub` binary: parse the command line, run, map the outcome to an exit status.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use logscrub::app::{self, RunError};
use logscrub::cli::{Cli, Command, UsageError};
use logscrub::exit::Exit;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Exit::Usage as u8
            } else {
                Exit::Ok as u8
            });
        }
    };
    ExitCode::from(run(cli) as u8)
}

fn report(e: &anyhow::Error) -> Exit {
    eprintln!("logscrub: {e:#}");
    if e.downcast_ref::<UsageError>().is_some() {
        Exit::Usage
    } else {
        Exit::Error
    }
}

fn run(cli: Cli) -> Exit {
    if let Err(e) = logscrub::cli::init_threads(cli.threads) {
        return report(&e);
    }
    match cli.command {
        Command::Anonymize(args) => {
            let opts = match args.into_options() {
                Ok(o) => o,
                Err(e) => return report(&e),
            };
            let mut stderr = std::io::stderr();
            match app::anonymize::run(&opts, &mut stderr) {
                Ok(sum) if sum.counts.unparsed > 0 && opts.strict => {
                    let _ = writeln!(
                        stderr,
                        "logscrub: {} lines did not match the format (--strict)",
                        sum.counts.unparsed
                    );
                    Exit::Unparsed
                }
                Ok(_) => Exit::Ok,
                Err(RunError::BrokenPipe) => Exit::BrokenPipe,
                Err(e @ RunError::Unparsed { .. }) => {
                    eprintln!("logscrub: {e}");
                    Exit::Unparsed
                }
                Err(RunError::Other(e)) => report(&e),
            }
        }
        Command::Keygen(k) => match app::keygen::run(k.output, k.force) {
            Ok(()) => Exit::Ok,
            Err(e) => report(&e),
        },
        Command::Formats => {
            print!("{}", logscrub::format::listing());
            Exit::Ok
        }
    }
}
