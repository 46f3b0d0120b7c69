//! The `logscrub` binary: parse the command line, run, map the outcome to an exit status.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;
use logscrub::app::{self, RunError};
use logscrub::cli::{Cli, Command, RulesCommand, UsageError};
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
    let code = run(cli, &matches, &mut out);
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

/// Says what went wrong and gives its status: usage errors 2, a closed pipe 141 without a
/// word (the reader went away, as with `cat`), anything else 1.
fn report(e: &anyhow::Error) -> Exit {
    if logscrub::output::is_broken_pipe(e) {
        return Exit::BrokenPipe;
    }
    eprintln!("logscrub: {e:#}");
    if e.downcast_ref::<UsageError>().is_some() {
        Exit::Usage
    } else {
        Exit::Error
    }
}

/// audit's own statuses, as grep's: 0 clean, 1 findings, 2 an error.
fn audit_exit(r: anyhow::Result<(u64, u64)>) -> Exit {
    match r {
        Ok((_, errors)) if errors > 0 => Exit::Usage,
        Ok((0, _)) => Exit::Ok,
        Ok(_) => Exit::Error,
        Err(e) if logscrub::output::is_broken_pipe(&e) => Exit::BrokenPipe,
        Err(e) => {
            eprintln!("logscrub: {e:#}");
            Exit::Usage
        }
    }
}

fn run(cli: Cli, matches: &clap::ArgMatches, out: &mut Stdout) -> Exit {
    if let Err(e) = logscrub::cli::init_threads(cli.threads) {
        return report(&e);
    }
    match cli.command {
        Command::Anonymize(args) => {
            let sub = matches
                .subcommand_matches("anonymize")
                .expect("the anonymize subcommand was parsed");
            let opts = match args.into_options(sub) {
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
        Command::Keygen(k) => match app::keygen::run(k.scheme.kind(), k.output, k.force) {
            Ok(()) => Exit::Ok,
            Err(e) => report(&e),
        },
        Command::Formats => match out.write_all(logscrub::format::listing().as_bytes()) {
            Ok(()) => Exit::Ok,
            Err(e) => report(&anyhow::Error::new(e).context("cannot write standard output")),
        },
        Command::Audit(a) if a.policy.is_some() => {
            let now = match logscrub::cli::now_flag(a.now.as_deref(), chrono::Utc::now()) {
                Ok(n) => n,
                Err(e) => return report(&e),
            };
            let policy = a.policy.as_deref().expect("guarded");
            let (policy, anonymize) = match logscrub::cli::load_policy(policy) {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("logscrub: {e:#}");
                    return Exit::Usage;
                }
            };
            audit_exit(app::audit::run_policy(
                &policy,
                &anonymize,
                now,
                a.json,
                out,
                &mut std::io::stderr(),
            ))
        }
        Command::Audit(a) => {
            let (mut v4, mut v6) = (a.ipv4_prefix, a.ipv6_prefix);
            let mut kind = a.mode.kind();
            if let Some(r) = &a.rules {
                match logscrub::rules::load(r) {
                    Ok(set) => {
                        v4 = set.addresses.v4.unwrap_or(v4);
                        v6 = set.addresses.v6.unwrap_or(v6);
                        if let Some(k) = set.addresses.scheme
                            && a.mode == logscrub::cli::Mode::Truncate
                        {
                            kind = k;
                        }
                    }
                    Err(e) => {
                        eprintln!("logscrub: {e}");
                        return Exit::Usage;
                    }
                }
            }
            if kind != logscrub::anonymize::SchemeKind::Truncate {
                eprintln!(
                    "logscrub: --mode {}: pseudonyms look like addresses, so the address check is off (e-mail, credential and DoH checks apply)",
                    kind.name()
                );
                (v4, v6) = (32, 128);
            }
            audit_exit(app::audit::run(
                &a.paths,
                a.recursive,
                v4,
                v6,
                a.json,
                out,
                &mut std::io::stderr(),
            ))
        }
        Command::Completions { shell } => match logscrub::cli::completions(shell, out) {
            Ok(()) => Exit::Ok,
            Err(e) => report(&anyhow::Error::new(e).context("cannot write standard output")),
        },
        Command::Detect { files, json } => {
            match app::detect::run(&files, json, out, &mut std::io::stderr()) {
                Ok(0) => Exit::Ok,
                // None could be read: an error; some: the rest was done.
                Ok(n) if n as usize == files.len() => Exit::Error,
                Ok(_) => Exit::Partial,
                Err(e) => report(&e),
            }
        }
        Command::Prune(p) => {
            let opts = match p.into_options(chrono::Utc::now()) {
                Ok(o) => o,
                Err(e) => return report(&e),
            };
            match app::prune::run(&opts, out, &mut std::io::stderr()) {
                Ok(o) if o.errors > 0 => Exit::Partial,
                Ok(_) => Exit::Ok,
                Err(e) => report(&e),
            }
        }
        Command::Stats(a) => {
            let opts = match a.into_options() {
                Ok(o) => o,
                Err(e) => return report(&e),
            };
            match app::stats::run(&opts, &mut std::io::stderr()) {
                Ok(_) => Exit::Ok,
                Err(e) => report(&e),
            }
        }
        Command::Merge { states, output } => match app::stats::merge(&states, output.as_deref()) {
            Ok(()) => Exit::Ok,
            Err(e) => report(&e),
        },
        Command::Report(r) => {
            match app::stats::report(&r.states, &r.options(), r.output.as_deref()) {
                Ok(()) => Exit::Ok,
                Err(e) => report(&e),
            }
        }
        Command::Run(r) => {
            let opts = match r.into_options(chrono::Utc::now()) {
                Ok(o) => o,
                Err(e) => return report(&e),
            };
            match app::run::run(&opts, out, &mut std::io::stderr()) {
                Ok(rep) if rep.errors > 0 => Exit::Partial,
                Ok(_) => Exit::Ok,
                Err(app::run::RunFailure::Locked(e)) => {
                    eprintln!("logscrub: {e}");
                    Exit::Locked
                }
                Err(app::run::RunFailure::Other(e)) => report(&e),
            }
        }
        Command::Decrypt(d) => {
            let kind = d.mode.kind();
            let key = logscrub::cli::read_key(
                kind,
                d.key_file.as_deref(),
                false,
                d.passphrase_env.as_deref(),
            );
            match key.and_then(|k| {
                let k = k.ok_or_else(|| {
                    anyhow::anyhow!("{} takes no key and cannot be reversed", kind.name())
                })?;
                app::decrypt::run(kind, &k, &d.values)
            }) {
                Ok(()) => Exit::Ok,
                Err(e) => report(&e),
            }
        }
        Command::Rules(RulesCommand::Show { name }) => {
            let text = match name {
                None => logscrub::rules::compile::BUILTIN
                    .iter()
                    .map(|(n, t)| {
                        let about = t.lines().next().unwrap_or("").trim_start_matches("# ");
                        format!("builtin:{n}\t{about}\n")
                    })
                    .collect::<String>(),
                Some(n) => match logscrub::rules::compile::builtin(&n) {
                    Some(t) => t.to_string(),
                    None => {
                        eprintln!(
                            "logscrub: no built-in rule set `{n}`; `logscrub rules show` lists them"
                        );
                        return Exit::Usage;
                    }
                },
            };
            match out.write_all(text.as_bytes()) {
                Ok(()) => Exit::Ok,
                Err(e) => report(&anyhow::Error::new(e).context("cannot write standard output")),
            }
        }
        Command::Rules(RulesCommand::Check { files }) => {
            let mut ok = true;
            for f in files {
                match logscrub::rules::load(&f) {
                    Ok(r) => {
                        if let Err(e) = writeln!(
                            out,
                            "{}: ok ({} field rules, {} exclude blocks{})",
                            f.display(),
                            r.actions.len(),
                            r.excludes.len(),
                            if r.keep_only.is_some() {
                                ", keep-only"
                            } else {
                                ""
                            }
                        ) {
                            return report(
                                &anyhow::Error::new(e).context("cannot write standard output"),
                            );
                        }
                    }
                    Err(e) => {
                        ok = false;
                        eprintln!("{e}");
                    }
                }
            }
            if ok { Exit::Ok } else { Exit::Error }
        }
    }
}
