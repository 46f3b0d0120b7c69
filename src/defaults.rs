//! Every default a flag or a policy setting falls back to, in one place: the command line
//! (`cmd`) and the policy file (`policy`) both read them from here, so `--help`, the man page and
//! logscrub-policy(5) cannot disagree.

/// IPv4 bits an address keeps (`--ipv4-prefix`, `ipv4-prefix`): a /24.
pub const IPV4_PREFIX: u8 = 24;
/// IPv6 bits an address keeps (`--ipv6-prefix`, `ipv6-prefix`): a /48.
pub const IPV6_PREFIX: u8 = 48;
/// gzip level of compressed output (`--gzip-level`), libdeflate's. For 1M combined lines in place
/// its level 4 writes 28.9 MB, where `gzip -6` wrote 29.7 MB of the original text (and would write
/// 25.4 MB of the anonymized one), at 1.4x the speed of its level 6 (27.0 MB): 3.8-4.4x
/// `gzip -dc | gzip` in place on 2 cores (issue 23).
pub const GZIP_LEVEL: u32 = 4;
/// Bytes of input per piece, the unit of parallel work.
pub const PIECE: usize = 256 * 1024;
/// Lines longer than this are never held whole nor parsed (`--max-line-length`).
pub const MAX_LINE: usize = 1 << 20;
/// Labels kept per statistics panel (`--capacity`, `capacity`).
pub const CAPACITY: usize = 10_000;
/// K: report counts below it are withheld (`--min-count`, `min-count`).
pub const MIN_COUNT: u64 = 10;
/// Rows per report panel (`--top`, `top`).
pub const TOP: usize = 10;
