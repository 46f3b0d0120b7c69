//! `logscrub init`: a commented starting policy (logscrub-policy(5)) for the servers whose logs
//! are where their Debian packages put them. Found servers get a `[[source]]`; the others are
//! written commented out, to uncomment when their logs live elsewhere. The policy is a start to
//! read, not a decision: every window is written with what it promises.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cmd::{Ctx, usage};
use crate::exit::Exit;

/// `init --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub init -o /etc/logscrub/policy.toml
  logscrub run --policy /etc/logscrub/policy.toml --dry-run -v
  systemctl enable --now logscrub-run.timer";

/// `logscrub init` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the policy here (created with mode 0644; an existing file is kept unless --force);
    /// stdout when absent.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing --output file.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Look for logs below this directory instead of / (a container's or a chroot's root); the
    /// policy's paths then start with it.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
}

/// A server whose logs `init` looks for.
struct Server {
    /// The source's name.
    name: &'static str,
    /// What it is, for the comment.
    about: &'static str,
    /// Where its packages write the log (the live file), first found wins.
    live: &'static [&'static str],
    /// `format =`.
    format: &'static str,
    /// `rules =`.
    rules: &'static str,
    /// `retention =`: how long anonymized logs are kept.
    retention: &'static str,
}

const SERVERS: &[Server] = &[
    Server {
        name: "nginx",
        about: "nginx access log (Debian's default `combined`)",
        live: &["var/log/nginx/access.log"],
        format: "combined",
        rules: "builtin:minimal-web",
        retention: "90d",
    },
    Server {
        name: "apache",
        about: "Apache access log (`CustomLog ... combined`)",
        live: &["var/log/apache2/access.log", "var/log/httpd/access_log"],
        format: "combined",
        rules: "builtin:minimal-web",
        retention: "90d",
    },
    Server {
        name: "bind",
        about: "BIND query log (a `logging { channel ... }` file with category queries)",
        live: &["var/log/named/query.log", "var/log/bind/query.log"],
        format: "bind",
        rules: "builtin:dns-resolver",
        retention: "30d",
    },
    Server {
        name: "unbound",
        about: "Unbound query log (`log-queries: yes`, `logfile:`)",
        live: &["var/log/unbound/unbound.log", "var/log/unbound.log"],
        format: "unbound",
        rules: "builtin:dns-resolver",
        retention: "30d",
    },
    Server {
        name: "dnsmasq",
        about: "dnsmasq or Pi-hole query log (`log-queries`, `log-facility=`)",
        live: &[
            "var/log/pihole/pihole.log",
            "var/log/pihole.log",
            "var/log/dnsmasq.log",
        ],
        format: "dnsmasq",
        rules: "builtin:dns-resolver",
        retention: "30d",
    },
];

/// Writes the starting policy.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    if !a.root.is_dir() {
        bail!(usage(format!(
            "--root {}: no such directory",
            a.root.display()
        )));
    }
    let text = policy(&a.root, &ctx.now.format("%Y-%m-%d").to_string());
    match &a.output {
        None => ctx
            .out
            .write_all(text.as_bytes())
            .context("cannot write standard output")?,
        Some(p) => {
            if p.symlink_metadata().is_ok() && !a.force {
                bail!(usage(format!(
                    "{} exists; add --force to replace it",
                    p.display()
                )));
            }
            crate::output::write_atomic(p, |w| w.write_all(text.as_bytes()))?;
            let _ = writeln!(
                ctx.err,
                "logscrub: wrote {}; read it, then check it with `logscrub run --policy {} --dry-run -v`",
                p.display(),
                p.display()
            );
        }
    }
    Ok(Exit::Ok)
}

/// The policy text for the logs found below `root`, dated `today`.
fn policy(root: &Path, today: &str) -> String {
    let quote = |p: &Path| toml_string(&p.display().to_string());
    let mut found = String::new();
    let mut missing = String::new();
    for s in SERVERS {
        let live = s.live.iter().map(|l| root.join(l)).find(|p| p.is_file());
        let path = live.clone().unwrap_or_else(|| root.join(s.live[0]));
        let glob = PathBuf::from(format!("{}*", path.display()));
        let block = format!(
            "# {about}\n\
             [[source]]\n\
             name = \"{name}\"\n\
             files = [{glob}]   # the live file and its rotations (.1, .2.gz, -20261121, ...)\n\
             format = \"{format}\"\n\
             rules = \"{rules}\"   # `logscrub rules show {rule_name}` prints it\n\
             anonymize-after = \"0d\"   # each rotated file, the first night after rotation\n\
             raw-retention = \"7d\"     # a raw file never outlives a week, whatever happens\n\
             retention = \"{retention}\"       # anonymized logs are deleted after this\n",
            about = s.about,
            name = s.name,
            glob = quote(&glob),
            format = s.format,
            rules = s.rules,
            rule_name = s.rules.trim_start_matches("builtin:"),
            retention = s.retention,
        );
        if live.is_some() {
            found += &format!("\n# Found {}.\n{block}", path.display());
        } else {
            missing += "\n";
            for line in block.lines() {
                missing += &format!("# {line}\n");
            }
        }
    }
    let mut out = format!(
        "# logscrub policy (see logscrub-policy(5)), written by `logscrub init` on {today} for the\n\
         # logs found on this machine. It is a start: read every line and make the windows say what\n\
         # your privacy policy promises. Then check it and enable the nightly job:\n\
         #   logscrub run --policy /etc/logscrub/policy.toml --dry-run -v\n\
         #   systemctl enable --now logscrub-run.timer\n\
         \n\
         state-dir = {}\n",
        quote(&root.join("var/lib/logscrub"))
    );
    if found.is_empty() {
        out += "\n# No server log was found where Debian's packages write it; uncomment the sources\n\
                # below and correct their paths.\n";
    }
    out += &found;
    if !missing.is_empty() {
        out += "\n# Not found where their packages write them (uncomment and correct the path if\n\
                # the server runs here and logs elsewhere):\n";
        out += &missing;
    }
    out
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut t = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => t += "\\\"",
            '\\' => t += "\\\\",
            c if c.is_control() => t += &format!("\\u{:04X}", c as u32),
            c => t.push(c),
        }
    }
    t.push('"');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_servers_get_a_source_and_the_others_a_commented_one() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("var/log/nginx")).unwrap();
        std::fs::write(d.path().join("var/log/nginx/access.log"), "").unwrap();
        let p = policy(d.path(), "2026-12-03");
        assert!(p.contains("\n[[source]]\nname = \"nginx\""), "{p}");
        assert!(p.contains("\n# [[source]]\n# name = \"unbound\""), "{p}");
        assert_eq!(p.matches("\n[[source]]").count(), 1);
        assert_eq!(toml_string("a\"b\\c"), r#""a\"b\\c""#);
    }
}
