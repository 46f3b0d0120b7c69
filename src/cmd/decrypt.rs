//! `logscrub decrypt`: reverses a reversible scheme with its key, for audits and legal requests
//! ("we may share information for legal reasons"). Values come as arguments, or as log lines on
//! stdin in which every token of the scheme is replaced: addresses (any textual form, as the
//! anonymizer finds them) for cryptopan, ipcrypt-det, ipcrypt-pfx and ipcipher; hex tokens of
//! exactly 48 (nd) or 64 (ndx) digits for the non-deterministic schemes.

use std::io::{BufRead, Write};
use std::net::IpAddr;

use anyhow::{Context, anyhow, bail};

use crate::anonymize::crypto::{from16, to16};
use crate::anonymize::scan::{Colons, find_each, write_ip};
use crate::anonymize::{Key, Scheme, SchemeKind};
use crate::cmd::{Ctx, read_key};
use crate::exit::Exit;
use std::path::PathBuf;

/// A scheme set up for decryption.
pub struct Decryptor {
    scheme: Scheme,
}

impl Decryptor {
    /// For `kind` (a reversible scheme) with its key.
    pub fn new(kind: SchemeKind, key: &Key) -> anyhow::Result<Decryptor> {
        if !kind.reversible() {
            bail!(
                "{} cannot be reversed: it keeps no information to decrypt",
                kind.name()
            );
        }
        Ok(Decryptor {
            scheme: kind.build(Some(key)),
        })
    }

    /// Token length in hex digits for nd/ndx; None for address schemes.
    fn token_len(&self) -> Option<usize> {
        match self.scheme {
            Scheme::IpcryptNd(_) => Some(48),
            Scheme::IpcryptNdx(_) => Some(64),
            _ => None,
        }
    }

    /// Decrypts an address.
    pub fn address(&self, ip: IpAddr) -> IpAddr {
        // IPv4-mapped text is IPv6 to Crypto-PAn and ipcipher, as to their reference
        // implementations (the anonymizer encrypted it so); ipcrypt reads the same 16 bytes.
        match (&self.scheme, ip) {
            (Scheme::CryptoPan(c), IpAddr::V4(a)) => c.v4_inv(a).into(),
            (Scheme::CryptoPan(c), IpAddr::V6(a)) => c.v6_inv(a).into(),
            (Scheme::Ipcipher(c), IpAddr::V4(a)) => c.v4_inv(a).into(),
            (Scheme::Ipcipher(c), IpAddr::V6(a)) => c.v6_inv(a).into(),
            (Scheme::IpcryptDet(c), ip) => from16(c.decrypt(to16(ip))),
            (Scheme::IpcryptPfx(c), ip) => from16(c.decrypt(to16(ip))),
            _ => unreachable!("address schemes only"),
        }
    }

    /// Decrypts an nd/ndx hex token (tweak ‖ ciphertext).
    pub fn token(&self, hex: &[u8]) -> Option<IpAddr> {
        let b = crate::hex::decode(hex)?;
        match &self.scheme {
            Scheme::IpcryptNd(k) if b.len() == 24 => Some(from16(
                k.decrypt(&b[..8].try_into().ok()?, b[8..].try_into().ok()?),
            )),
            Scheme::IpcryptNdx(k) if b.len() == 32 => Some(from16(
                k.decrypt(&b[..16].try_into().ok()?, b[16..].try_into().ok()?),
            )),
            _ => None,
        }
    }

    /// Decrypts one value given on the command line.
    pub fn value(&self, v: &str) -> anyhow::Result<IpAddr> {
        if self.token_len().is_some() {
            return self.token(v.trim().as_bytes()).ok_or_else(|| {
                anyhow!(
                    "`{v}` is not a token of this scheme ({} hex digits)",
                    self.token_len().unwrap_or(0)
                )
            });
        }
        let t = v.trim().trim_start_matches('[').trim_end_matches(']');
        let ip: IpAddr = t.parse().map_err(|_| anyhow!("`{v}` is not an address"))?;
        Ok(self.address(ip))
    }

    /// Copies `line` to `out` with every token of the scheme decrypted. Returns how many.
    pub fn line(&self, line: &[u8], out: &mut Vec<u8>) -> u64 {
        let mut n = 0;
        let mut copied = 0;
        match self.token_len() {
            None => find_each(line, b'\n', |f| {
                out.extend_from_slice(&line[copied..f.start]);
                write_ip(
                    out,
                    self.address(f.ip),
                    if f.colons == Colons::Percent {
                        Colons::Percent
                    } else {
                        Colons::Plain
                    },
                );
                copied = f.end;
                n += 1;
            }),
            Some(len) => {
                let mut i = 0;
                while i < line.len() {
                    // A token is a whole word: a run of letters and digits is taken or skipped
                    // as one (`g` + 48 hex digits is no token, nor is its tail).
                    if !line[i].is_ascii_alphanumeric() {
                        i += 1;
                        continue;
                    }
                    let run = line[i..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric())
                        .count();
                    if run == len
                        && let Some(ip) = self.token(&line[i..i + len])
                    {
                        out.extend_from_slice(&line[copied..i]);
                        write_ip(out, ip, Colons::Plain);
                        copied = i + len;
                        n += 1;
                    }
                    i += run.max(1);
                }
            }
        }
        out.extend_from_slice(&line[copied..]);
        n
    }
}

/// `decrypt --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub decrypt --mode cryptopan --key-file /etc/logscrub/key 135.242.180.132
  grep 'GET /admin' anon.log | logscrub decrypt --mode ipcrypt-pfx --key-file /etc/logscrub/key
  logscrub decrypt --mode ipcipher --passphrase-env IPCIPHER_PASSPHRASE < anon.log";

/// `logscrub decrypt` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scheme the addresses were encrypted with.
    #[arg(short, long, value_enum)]
    pub mode: SchemeKind,
    /// The key file used to encrypt them.
    #[arg(long, value_name = "PATH", required_unless_present = "passphrase_env")]
    pub key_file: Option<PathBuf>,
    /// For ipcipher: the environment variable holding the passphrase.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// Addresses (or ipcrypt-nd/ndx hex tokens) to decrypt; without any, log lines are read from
    /// stdin and every encrypted token in them is replaced.
    #[arg(value_name = "ADDRESS")]
    pub values: Vec<String>,
}

/// Runs `decrypt`: values from the command line, or lines from stdin to stdout.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let kind = a.mode;
    let key = read_key(
        kind,
        a.key_file.as_deref(),
        None,
        false,
        a.passphrase_env.as_deref(),
    )?
    .ok_or_else(|| anyhow!("{} takes no key and cannot be reversed", kind.name()))?;
    let d = Decryptor::new(kind, &key)?;
    let out = &mut *ctx.out;
    if !a.values.is_empty() {
        for v in &a.values {
            writeln!(out, "{}", d.value(v)?).context("cannot write output")?;
        }
        return Ok(Exit::Ok);
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::new();
    let mut buf = Vec::new();
    loop {
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .context("cannot read standard input")?
            == 0
        {
            return Ok(Exit::Ok);
        }
        buf.clear();
        d.line(&line, &mut buf);
        out.write_all(&buf).context("cannot write output")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::{Anonymizer, Cache};

    /// A token is a whole word (issue 16's review): `g` + 48 hex digits is left alone, while the
    /// same digits standing alone decrypt.
    #[test]
    fn tokens_are_whole_words() {
        let key = Key::from_bytes(*b"0123456789abcdef");
        let a = Anonymizer::new(SchemeKind::IpcryptNd.build(Some(&key)), 24, 48, vec![]);
        let mut token = Vec::new();
        a.rewrite_line(b"192.0.2.1", b'\n', &mut token, &mut Cache::default());
        let token = String::from_utf8(token).unwrap();
        assert_eq!(token.len(), 48);
        let d = Decryptor::new(SchemeKind::IpcryptNd, &key).unwrap();
        let mut out = Vec::new();
        assert_eq!(d.line(format!("ip {token} x").as_bytes(), &mut out), 1);
        assert_eq!(out, b"ip 192.0.2.1 x");
        for glued in [
            format!("g{token}"),
            format!("{token}g"),
            format!("x0{token}"),
        ] {
            out.clear();
            assert_eq!(d.line(glued.as_bytes(), &mut out), 0, "{glued}");
            assert_eq!(out, glued.as_bytes());
        }
    }
}
