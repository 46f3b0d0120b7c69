//! Keys for the keyed schemes: reading key files safely, generating fresh keys.
//!
//! A key file holds the key in hexadecimal on one line (surrounding white space ignored), so keys
//! made by other tools can be reused. A key file that group or others can read or write is refused: a key
//! that leaks turns pseudonyms back into a dictionary attack on the address space.

use std::fmt;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Secret key material. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct Key(Vec<u8>);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({} bytes)", self.0.len())
    }
}

/// What can go wrong with a key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read key file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "key file {path} is readable or writable by group or others (mode {mode:04o}); run `chmod 600 {path}`"
    )]
    Permissions { path: PathBuf, mode: u32 },
    #[error("key file {path}: expected {expected} bytes as {} hex digits on one line, found {found}", expected * 2)]
    Size {
        path: PathBuf,
        expected: usize,
        found: String,
    },
    #[error("key file {path} already exists (use --force to overwrite)")]
    Exists { path: PathBuf },
    #[error("cannot write key file {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the system random number generator failed: {0}")]
    Random(String),
    #[error(
        "key file {path} holds a key whose bytes are all {byte:#04x}: that is no secret; make one with `logscrub keygen`"
    )]
    Constant { path: PathBuf, byte: u8 },
    #[error("{what}: {why}")]
    Passphrase { what: String, why: String },
    #[error("environment variable {var} (--key-env): {why}")]
    Env { var: String, why: String },
}

/// What is wrong with a key's hex text.
enum BadHex {
    /// Not `len` bytes as hex: what was found instead.
    Size(String),
    /// Every byte the same.
    Constant(u8),
}

/// A key of `len` bytes from its hex text (trimmed).
fn decode_hex_key(trimmed: &[u8], len: usize) -> Result<Vec<u8>, BadHex> {
    if trimmed.len() != len * 2 {
        return Err(BadHex::Size(if trimmed.iter().all(u8::is_ascii_hexdigit) {
            format!("{} hex digits", trimmed.len())
        } else {
            "something that is not hexadecimal".into()
        }));
    }
    let key = crate::hex::decode(trimmed)
        .ok_or_else(|| BadHex::Size("something that is not hexadecimal".into()))?;
    if key.iter().all(|&b| b == key[0]) {
        return Err(BadHex::Constant(key[0]));
    }
    Ok(key)
}

/// Bytes of a key file read at most (more: it is no key file, and the size error says so).
const KEY_FILE_MAX: u64 = 4096;

/// Fewest characters in an ipcipher passphrase: PBKDF2's 50,000 rounds slow a guess down, they
/// do not stop a search of all short strings.
pub const PASSPHRASE_MIN: usize = 12;

/// Most bytes in an ipcipher passphrase (a larger file is not a passphrase).
pub const PASSPHRASE_MAX: usize = 1024;

impl Key {
    /// A key from raw bytes.
    pub fn from_bytes<const N: usize>(b: [u8; N]) -> Key {
        Key(b.to_vec())
    }

    /// The key bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// A subkey for one purpose: SHA-256 of `label` and the key. Each use of a key (statistics'
    /// unique counts, the rules' `hash` action) takes its own, so no two purposes share one.
    pub fn derive(&self, label: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(label);
        h.update(&self.0);
        h.finalize().into()
    }

    /// A fresh random key of `len` bytes from the operating system.
    pub fn random(len: usize) -> Result<Key, KeyError> {
        let mut b = vec![0u8; len];
        getrandom::fill(&mut b).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Key(b))
    }

    /// Reads a key of exactly `len` bytes from a hex key file, refusing loose permissions.
    pub fn read_file(path: &Path, len: usize) -> Result<Key, KeyError> {
        let read_err = |source| KeyError::Read {
            path: path.to_owned(),
            source,
        };
        let meta = fs::metadata(path).map_err(read_err)?;
        let mode = meta.permissions().mode() & 0o7777;
        // Read or write by group or others gives the key away or lets it be replaced; their
        // execute bit alone gives nothing (Spark's `addFile` delivers files as 0711, issue 21).
        if mode & 0o066 != 0 {
            return Err(KeyError::Permissions {
                path: path.to_owned(),
                mode,
            });
        }
        // Bounded: a key file is a line of hex digits or a passphrase, never megabytes.
        let mut text = Vec::new();
        {
            use std::io::Read;
            fs::File::open(path)
                .and_then(|f| f.take(KEY_FILE_MAX).read_to_end(&mut text))
                .map_err(read_err)?;
        }
        match decode_hex_key(text.trim_ascii(), len) {
            Ok(key) => Ok(Key(key)),
            Err(BadHex::Size(found)) => Err(KeyError::Size {
                path: path.to_owned(),
                expected: len,
                found,
            }),
            Err(BadHex::Constant(byte)) => Err(KeyError::Constant {
                path: path.to_owned(),
                byte,
            }),
        }
    }

    /// Reads a key of `len` bytes, as hex, from the environment variable `var` (`--key-env`:
    /// for engines such as Spark, which hand secrets to tasks that way, not as files).
    pub fn from_env(var: &str, len: usize) -> Result<Key, KeyError> {
        let env = |why: String| KeyError::Env {
            var: var.to_string(),
            why,
        };
        let value = std::env::var_os(var).ok_or_else(|| env("not set".into()))?;
        match decode_hex_key(value.as_encoded_bytes().trim_ascii(), len) {
            Ok(key) => Ok(Key(key)),
            Err(BadHex::Size(found)) => Err(env(format!(
                "expected {len} bytes as {} hex digits, found {found}",
                len * 2
            ))),
            Err(BadHex::Constant(byte)) => Err(env(format!(
                "a key whose bytes are all {byte:#04x} is no secret; make one with `logscrub keygen`"
            ))),
        }
    }

    /// Reads an ipcipher key file: 32 hex digits (the 16-byte key), or else a passphrase from
    /// which the key is derived (PBKDF2-HMAC-SHA1, as ipcipher specifies). Loose permissions
    /// are refused as for any key file.
    /// A file of hex digits of another length is refused (a mistyped key must not silently
    /// become a passphrase), and so is anything that is not a plausible passphrase
    /// ([`Key::passphrase`]).
    pub fn read_ipcipher(path: &Path) -> Result<Key, KeyError> {
        match Key::read_file(path, 16) {
            Ok(k) => Ok(k),
            Err(KeyError::Size { found, .. })
                if found.ends_with("hex digits") && !found.starts_with("0 ") =>
            {
                Err(KeyError::Passphrase {
                    what: format!("key file {}", path.display()),
                    why: format!(
                        "{found}: an ipcipher key is 32 hex digits (16 bytes); a passphrase must \
                         not look like a key of another size"
                    ),
                })
            }
            Err(KeyError::Size { .. }) => {
                let read_err = |source| KeyError::Read {
                    path: path.to_owned(),
                    source,
                };
                let mut text = Vec::new();
                fs::File::open(path)
                    .and_then(|f| {
                        use std::io::Read;
                        f.take(PASSPHRASE_MAX as u64 + 2).read_to_end(&mut text)
                    })
                    .map_err(read_err)?;
                let line = text.strip_suffix(b"\n").unwrap_or(&text);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                Key::passphrase(line, &format!("key file {}", path.display()))
            }
            Err(e) => Err(e),
        }
    }

    /// The ipcipher key for a passphrase, which must be one line of printable text of
    /// [`PASSPHRASE_MIN`] to [`PASSPHRASE_MAX`] bytes (an empty file or variable is a key anyone
    /// can use; a binary file is no passphrase). `what` names where it came from.
    pub fn passphrase(p: &[u8], what: &str) -> Result<Key, KeyError> {
        let why = if p.trim_ascii().is_empty() {
            Some("the passphrase is empty, a key anyone can use".to_string())
        } else if p.len() > PASSPHRASE_MAX {
            Some(format!(
                "more than {PASSPHRASE_MAX} bytes: not a passphrase (a key file holds 32 hex digits or one line)"
            ))
        } else if std::str::from_utf8(p).is_err() || p.iter().any(|&b| b < 0x20 || b == 0x7f) {
            Some("not one line of text: not a passphrase".to_string())
        } else if std::str::from_utf8(p).map_or(0, |t| t.chars().count()) < PASSPHRASE_MIN {
            Some(format!(
                "the passphrase is shorter than {PASSPHRASE_MIN} characters, which a search finds"
            ))
        } else {
            None
        };
        match why {
            Some(why) => Err(KeyError::Passphrase {
                what: what.to_string(),
                why,
            }),
            None => Ok(Key::from_passphrase(p)),
        }
    }

    /// The ipcipher key for a passphrase, unchecked (test vectors; use [`Key::passphrase`]).
    pub fn from_passphrase(p: &[u8]) -> Key {
        Key(super::crypto::ipcipher_key(p).to_vec())
    }

    /// The key as lower-case hex followed by a newline: the key file format.
    pub fn to_hex_line(&self) -> String {
        let mut s = crate::hex::encode(&self.0);
        s.push('\n');
        s
    }

    /// Writes the key to a new file with mode 0600 (refusing to replace one unless `force`).
    pub fn write_file(&self, path: &Path, force: bool) -> Result<(), KeyError> {
        let write_err = |source| KeyError::Write {
            path: path.to_owned(),
            source,
        };
        let mut opts = fs::OpenOptions::new();
        opts.write(true).mode(0o600);
        if force {
            opts.create(true).truncate(true);
        } else {
            opts.create_new(true);
        }
        let mut f = opts.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                KeyError::Exists {
                    path: path.to_owned(),
                }
            } else {
                write_err(e)
            }
        })?;
        // An existing file opened with --force keeps its old mode: tighten it.
        f.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(write_err)?;
        f.write_all(self.to_hex_line().as_bytes())
            .map_err(write_err)?;
        f.sync_all().map_err(write_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        let k = Key::random(32).unwrap();
        k.write_file(&p, false).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(Key::read_file(&p, 32).unwrap().bytes(), k.bytes());
        assert!(matches!(
            k.write_file(&p, false),
            Err(KeyError::Exists { .. })
        ));
        k.write_file(&p, true).unwrap();

        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        let e = Key::read_file(&p, 32).unwrap_err();
        assert!(e.to_string().contains("mode 0640"), "{e}");

        fs::write(&p, "  abcd \n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        let e = Key::read_file(&p, 32).unwrap_err().to_string();
        assert!(
            e.contains("expected 32 bytes as 64 hex digits") && e.contains("found 4 hex digits"),
            "{e}"
        );

        fs::write(&p, "zz".repeat(32)).unwrap();
        let e = Key::read_file(&p, 32).unwrap_err().to_string();
        assert!(e.contains("not hexadecimal"), "{e}");

        let e = Key::read_file(&dir.path().join("missing"), 32).unwrap_err();
        assert!(matches!(e, KeyError::Read { .. }));
    }

    #[test]
    fn debug_hides_bytes() {
        assert_eq!(format!("{:?}", Key::from_bytes([1; 32])), "Key(32 bytes)");
    }
}
