//! The man page `logscrub(1)`, generated from the clap definition plus hand-written sections.
//!
//! Why not `clap_mangen`: it renders one page per command and only names subcommands, while an
//! operator wants one `logscrub(1)` with every subcommand's options, plus EXAMPLES, EXIT STATUS
//! and FILES. Rendering roff from `clap::Command` takes a page of code and keeps the page in step
//! with `--help` by construction. `man/logscrub.1` is committed; `tests/integration/man.rs` fails when it is
//! stale and rewrites it with `UPDATE_MAN=1`.

use clap::Command;

use crate::exit::TABLE;

/// Escapes text for roff: backslashes, hyphens, and a leading `.` or `'`.
fn esc(s: &str) -> String {
    let mut o = s.replace('\\', "\\e").replace('-', "\\-");
    if o.starts_with('.') || o.starts_with('\'') {
        o.insert_str(0, "\\&");
    }
    o
}

fn para(out: &mut String, text: &str) {
    for p in text.split("\n\n") {
        out.push_str(".PP\n");
        for line in p.lines() {
            out.push_str(&esc(line.trim_end()));
            out.push('\n');
        }
    }
}

fn options(out: &mut String, cmd: &Command) {
    for a in cmd.get_arguments() {
        if a.is_hide_set() {
            continue;
        }
        let id = a.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        let mut head = String::new();
        if let Some(s) = a.get_short() {
            head += &format!("\\fB\\-{s}\\fR");
        }
        if let Some(l) = a.get_long() {
            if !head.is_empty() {
                head += ", ";
            }
            head += &format!("\\fB\\-\\-{}\\fR", esc(l));
        }
        let takes_value =
            a.get_num_args().is_some_and(|n| n.takes_values()) || a.get_value_names().is_some();
        if a.get_long().is_none() && a.get_short().is_none() {
            let v = a
                .get_value_names()
                .and_then(|v| v.first())
                .map_or(id.to_string(), |v| v.to_string());
            head = format!("\\fI{}\\fR...", esc(&v));
        } else if takes_value && !matches!(a.get_action(), clap::ArgAction::SetTrue) {
            let v = a
                .get_value_names()
                .and_then(|v| v.first())
                .map_or("VALUE".to_string(), |v| v.to_string());
            head += &format!(" \\fI{}\\fR", esc(&v));
        }
        out.push_str(".TP\n");
        out.push_str(&head);
        out.push('\n');
        let help = a
            .get_long_help()
            .or(a.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        let mut first = true;
        for p in help.split("\n\n") {
            if !first {
                out.push_str(".IP\n");
            }
            first = false;
            out.push_str(&esc(&p.replace('\n', " ")));
            out.push('\n');
        }
        let shown = if a.is_hide_possible_values_set() {
            Vec::new()
        } else {
            a.get_possible_values()
        };
        let pv: Vec<String> = shown
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("{}: {}", v.get_name(), h),
                None => v.get_name().to_string(),
            })
            .collect();
        if !pv.is_empty() && !matches!(a.get_action(), clap::ArgAction::SetTrue) {
            for v in pv {
                out.push_str(".RS\n.IP \\(bu 2\n");
                out.push_str(&esc(&v));
                out.push_str("\n.RE\n");
            }
        }
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !matches!(a.get_action(), clap::ArgAction::SetTrue) {
            out.push_str(&format!(".IP\nDefault: {}\n", esc(&defaults.join(", "))));
        }
    }
}

const EXAMPLES: &str = r#"Anonymize a log to standard output (format detected, /24 and /48 truncation):
.IP
.EX
logscrub anonymize /var/log/nginx/access.log > access.anon.log
.EE
.PP
Filter a live log through a pipe, as Apache's piped logs do:
.IP
.EX
CustomLog "|$/usr/bin/logscrub anonymize \-q \-\-no\-progress >> /var/log/apache2/access.anon.log" combined
tail \-F access.log | logscrub anonymize \-q >> access.anon.log
.EE
.PP
Rewrite rotated logs in place, keeping gzip, mode, owner and modification time:
.IP
.EX
logscrub anonymize \-\-in\-place /var/log/nginx/access.log.1 /var/log/nginx/access.log.2.gz
.EE
.PP
Keyed pseudonyms that keep distinct clients distinct, with a key made once:
.IP
.EX
logscrub keygen \-o /etc/logscrub/key
logscrub anonymize \-\-mode hash \-\-key\-file /etc/logscrub/key access.log \-o anon.log.gz
.EE
.PP
An nginx custom format, failing on the first line that does not match it:
.IP
.EX
logscrub anonymize \-\-on\-unparsed fail access.log \e
  \-\-format 'nginx:$remote_addr \- $remote_user [$time_local] "$request" $status'
.EE
"#;

const FAIL_CLOSED: &str = "Whatever the format, every byte of every line is scanned for address literals: \
bare IPv4 and IPv6 (any case, compressed or full, with a dotted IPv4 tail), ip:port, [v6]:port, ip#port, \
ip/port, v6%zone, IPv4-mapped IPv6 (which gets the IPv4 prefix), addresses inside URLs, query strings, \
referrers, JSON strings and X-Forwarded-For lists, IPv6 with percent-encoded colons (%3A), IPv4 with \
percent-encoded dots (%2E), and \
reverse-DNS names in PTR queries (d.c.b.a.in-addr.arpa and ip6.arpa or ip6.int nibble names, rewritten \
as the addresses they encode; a partial ip6.arpa name is a prefix and is cut like one; in an RFC 2317 \
classless name, 77.64/26.2.0.192.in-addr.arpa, the host label 77; also with dots written %2E, \
17%2E2%2E0%2E192%2Ein-addr%2Earpa), a dotted quad that begins \
a DNS name (12.2.0.192.zen.spamhaus.org: DNS blocklists write the address reversed, other names forward, so \
it is cut read both ways: 0.2.0.0.zen.spamhaus.org; after more dotted numbers, the last four: \
www.1.77.2.0.192.example becomes www.1.0.2.0.0.example; IPv6 as 16 to 32 nibble labels likewise), a host \
name with the address in dashes at the end of a label (ip-192-0-2-11.ec2.internal becomes \
ip-0-0-2-0.ec2.internal, cut read both ways as well; also a whole label, ip-192-0-2-77, unless more \
groups of digits come before it, as in a date), and \
IPv6 cut mid-address by a truncated line or list \
(four to seven groups without ::, four only if they cannot be a clock such as 2026:13:55:36, read as the \
prefix they write: 2001:db8:1234:5678:9abc becomes \
2001:db8:1234:0:0; more than eight groups are read from where eight begin as a client address does, \
2000::/3, fc00::/7 or fe80::/10: 1:2001:db8:1:2:3:4:5:77 keeps its 1:). A 6to4 address (2002::/16) holds the client's IPv4 address in its next 32 bits: it \
keeps at most 16 + the IPv4 prefix bits (2002:c000:244:: becomes 2002:c000:200::). Each is rewritten with \
the selected scheme; a value that does not change keeps its original bytes. In DNS formats the source \
prefix length of an EDNS client subnet is cut to the configured prefix too (ECS 192.0.2.0/32/0 becomes \
192.0.2.0/24/0). A client field \
holding a host name instead of an address is replaced by \"-\". A line that does not match the format is \
scrubbed the same way and counted (see --on-unparsed and --strict). A line longer than --max-line-length \
is never held whole nor parsed: it counts as unparsed (--on-unparsed and --strict apply to it, and no \
field rule does) and, kept, is scrubbed in parts cut between address literals.

Escapes end where the address begins. A server writes a byte it will not log raw as an escape whose \
last character may be a digit or hex digit, glued to the address that follows: %20192.0.2.1 and \
%2520192.0.2.1 (URLs, referrers, double-encoded), \\x22192.0.2.1 (nginx), \\u0022192.0.2.1 (JSON), \
%u0022192.0.2.1 (IIS), %5B2001:db8::1%5D. The digits of such an escape are text, not address. Where \
digits are glued to an address some other way, the finder chooses the reading that rewrites most (fail \
closed): digits glued before a dotted quad are left out of its first octet (1234.1.2.3 is 234.1.2.3, \
256.1.2.3 is 56.1.2.3; whatever the first octet was, the host octets are the ones rewritten); hex digits \
glued before IPv6 leave the last four before the first colon as its first group (ab2001:db8::1 is \
2001:db8::1); IPv6 glued to a word is taken when its first group has four hex digits, or when it starts \
with :: and holds three groups (x2001:db8::1, client_2001:db8::1), while shorter ones are identifiers \
(std::vector, Foo::Bar, ref:2001:db8::1 whose address starts after the colon). An address whose own \
characters are written as escapes (%31%39%32.0.2.1, double-encoded %2531, \\x31, 192\\u002e0\\u002e2\\u002e1, \
%u0031, and 192\\.0\\.2\\.1, a dot inside a DNS label as BIND writes one), or whose separators are written both ways (%3A%3Affff%3A192.0.2.1), is decoded and rewritten: \
what changes is written plain, the rest stays as written (%31%39%32.0.2.20 becomes %31%39%32.0.2.0). An IPv6 literal that \
touches other address characters is written back in its own shape (the same groups, :: and separators), \
so that a second pass reads the line exactly as the first did.

Known limits: an IPv4 dotted quad followed by more dotted numbers (1.2.3.4.5, a version string) is \
rewritten as an address; a dotted quad followed by more digits (1.2.3.4567) is not (no escape follows \
what it escapes, and the host octet it would rewrite cannot be told apart); integer, hexadecimal or octal IPv4 forms are not recognised; a line of more than \
--max-line-length bytes consisting only of the characters 0-9 a-f : . % may be cut inside an address.";

const DNS: &str = "DNS formats are recognised as the server writes them and inside a log collector's \
wrapper, which is kept byte-identical: RFC 3164 syslog, RFC 3339 rsyslog and journalctl -o short-iso, \
journalctl -o json (the MESSAGE string), CRI container logs, Docker json-file (the log string), and \
daemontools TAI64N stamps. Every address in a DNS line is rewritten: the client, the server's own \
listen address (unless --keep-net), upstreams and ECS subnets. A syslog file several \
programs share (/var/log/syslog) is the syslog format: each line is read by the parser of the program its \
tag names (named, unbound, dnsmasq, pihole-FTL, pdns_recursor, dnsdist, coredns), and other programs' lines \
are server lines. With any other format, a line that does not match is scrubbed all the same.";

/// One entry per --mode: what it protects, what it does not, keys.
const SCHEMES: &[(&str, &str)] = &[
    (
        "truncate",
        "Keeps --ipv4-prefix and --ipv6-prefix bits (default /24 and /48) and zeroes the rest (an \
IPv4-mapped address keeps its IPv4 prefix, as in hash mode). Protects: \
the host part is gone for good; nobody, logscrub included, can recover it. Does not protect: the network \
(a /24 may hold one household); distinct clients in one network can no longer be told apart. No key.",
    ),
    (
        "hash",
        "Keeps the prefix and replaces the host bits by HMAC-SHA256 of the whole address under a 32-byte \
key. Protects: without the key the host bits cannot be recovered or tested. Does not protect: equal \
addresses stay equal (linkable within and across files with the same key), and the prefix is in clear. \
Not reversible. Rotate the key to stop linking across periods; --ephemeral-key links within one run only.",
    ),
    (
        "cryptopan",
        "Crypto-PAn (Xu, Fan, Ammar, Moon), prefix-preserving over the whole address, 32-byte key; \
IPv4 exactly as the reference implementation (published sample trace), IPv6 with the same construction \
over 128 bits. An IPv4-mapped address (::ffff:a.b.c.d) is encrypted as the IPv6 address it is, as the \
reference tools (yacryptopan) do, so its output is IPv6 and those tools decrypt it. Protects: addresses are unreadable without the key. Does not protect: network structure is \
kept (two addresses share exactly as many leading bits after as before), which allows correlation and, \
with enough known addresses, partial recovery; linkable under one key. Reversible with the key \
(logscrub decrypt).",
    ),
    (
        "ipcrypt-det",
        "draft-denis-ipcrypt deterministic: AES-128 over the 16-byte form (IPv4 as IPv4-mapped), \
16-byte key; IPv4 input usually gives IPv6-looking output. Protects: no structure survives. Does not \
protect: equal inputs give equal outputs (linkable under one key). Reversible with the key.",
    ),
    (
        "ipcrypt-pfx",
        "draft-denis-ipcrypt prefix-preserving, 32-byte key (two different AES-128 keys); IPv4 stays \
IPv4 and encrypts like its ::ffff: form. Protects and does not protect as cryptopan. Reversible.",
    ),
    (
        "ipcrypt-nd",
        "draft-denis-ipcrypt non-deterministic (KIASU-BC with a random 8-byte tweak), 16-byte key. \
The output is NOT an address: 48 hex digits (tweak and ciphertext), different every time, so equal \
addresses cannot be linked without the key; tools that expect an address in that field will not parse it. \
Reversible with the key.",
    ),
    (
        "ipcrypt-ndx",
        "draft-denis-ipcrypt non-deterministic (AES-XTS with a random 16-byte tweak), 32-byte key. \
The output is NOT an address: 64 hex digits. As ipcrypt-nd, with a larger tweak. Reversible.",
    ),
    (
        "ipcipher",
        "PowerDNS ipcipher: IPv4 through the 32-bit ipcrypt permutation, IPv6 through one AES-128 \
block (an IPv4-mapped address, being IPv6, through AES as PowerDNS does); 16-byte key in hex, or a passphrase (from the key file or --passphrase-env, never the command line) \
turned into the key with PBKDF2-HMAC-SHA1 as the specification says. The family is kept; equal inputs give \
equal outputs. The 32-bit permutation is a small-block cipher: do not rely on it against an adversary who \
can encrypt chosen addresses. Reversible with the key.",
    ),
];

const KEYS: &str = "Key files hold the key in hexadecimal on one line (white space around it is ignored), so keys made by \
other tools can be used; logscrub keygen --scheme S -o FILE writes one of the right size with mode 0600. A key \
file that group or others can read or write is refused (their execute bits alone are harmless: Spark delivers files as 0711), and so is an implausible key: one whose bytes are all the \
same (0000...), a key file larger than 4 KiB, and for ipcipher a passphrase that is empty, shorter than 12 \
characters, not one line of text, or hex digits of another length than a key (a mistyped key must not \
silently become a passphrase); --passphrase-env is held to the same rules. Keys of reversible schemes are escrow: whoever holds the key \
can recover every address it encrypted, so keep it apart from the logs, and plan rotation (a new key per \
period) knowing that rotating stops linking addresses across periods, which is usually the point.";

const STATISTICS: &str = "logscrub stats counts logs into a state file (JSON, documented in \
docs/STATS.md) that holds no address, key or salt. Unique visitors, sources and networks are \
HyperLogLog sketches (2^14 registers, error about 1 %) of an AES-keyed hash of each client; the state \
records the key's fingerprint only, and logscrub merge refuses states of different keys (an \
state made without --key-file merges with nothing). Every label taken from a line (page, referrer site, \
query name, ...) is scrubbed of addresses before it is counted. Panels keep up to --capacity labels \
exactly; beyond, a Misra-Gries summary keeps the largest with a stated error bound, and the \
\"other\" row stays exact. logscrub report withholds every count below --min-count (K, default 10): \
small labels fold into \"other\", and a cell below K (other included) is shown as \"< K\". Totals \
could give a withheld number back, so more is withheld: while a panel's \"other\" is below K but \
not empty, its smallest shown row joins it; while the withheld requests (queries) of a series add \
up to less than K but more than 0, the smallest shown bucket is withheld too; bytes and unique counts \
are withheld with their bucket's requests; a status class, page, TLD, client family or OS never exceeds \
its shown status codes, 404 rows, domains or versions by less than K (the class, page, TLD or family is \
withheld: it costs the reader only that remainder), nor a page its shown visit-order steps in or out (the \
steps are withheld); every bucket from the first to the last is listed, empty ones as \
\"< K\" (an absent bucket would tell nothing from few), a run of them as one row. The time range is given in buckets, \
never a line's time. The footer states K, the time range and any error bound. Times are read in every server form \
(Common Log Format, BIND, epoch seconds, syslog without a year (the year of the file's modification \
time, or --year), ISO 8601); times without a zone are read at --tz (default UTC), and buckets are \
days or hours at --tz. DNS \
servers that log a query in several lines are counted once per query: question lines when the log \
has any, else answer lines. --dp-epsilon E adds two-sided geometric noise (the discrete Laplace \
mechanism) to every published number before K applies: event-level differential privacy, E per number \
for one log line; one line changes at most 26 numbers (the line total and up to four visit-order steps \
among them), so the report as a whole is 26 E. It hides \
whether any single request is in the data, not a client with many requests; unique counts get the same \
noise with an approximate guarantee (a sketch can move by more than one for one line); bytes are not \
published under it; the first and last bucket are shown as they are. E must be at least 0.000001.";

const OUTPUT: &str = "Every line of input produces its line of output, in order, unless --on-unparsed drop leaves \
it out (counted). Line endings (LF, CRLF, a missing final newline), invalid UTF-8 and NUL bytes are kept as \
they are. Files are written atomically: a temporary file in the same directory, fsync, rename, fsync of the \
directory; a crash leaves the old file or the new one. SIGINT, SIGTERM and SIGHUP remove the temporary \
file being written and end logscrub with 128 plus the signal's number (130, 143, 129); a file size limit \
(ulimit -f) is an error naming the file, not a kill. gzip, zstd, xz and bzip2 input is recognised by its \
magic bytes, whatever its name, and may hold several members, frames or streams; --in-place and run write \
such a file back in its own compression (gzip at --gzip-level, zstd at level 3, xz at preset 6, bzip2 at \
9). A file compressed in a form logscrub cannot read and write back (lz4, lzip, lzop, compress .Z, 7z, zip) \
is refused by its magic bytes before anything is written, and left as it is. Compressed output is written as \
one member, frame or stream per chunk of about 256 KiB, compressed in parallel, which every reader of the \
kind accepts. A summary is printed on standard error at the end (lines, \
unparsed, dropped, addresses rewritten, bytes, seconds, MB/s) unless --quiet.";

/// Every command that does the work (nested subcommands flattened), with its path (`rules check`).
fn leaves(cmd: &Command) -> Vec<(String, &Command)> {
    let mut v = Vec::new();
    for sub in cmd.get_subcommands() {
        if sub.has_subcommands() {
            for (p, c) in leaves(sub) {
                v.push((format!("{} {p}", sub.get_name()), c));
            }
        } else {
            v.push((sub.get_name().to_string(), sub));
        }
    }
    v
}

/// Renders `logscrub(1)` for `cmd` (the clap definition).
pub fn render(cmd: &Command) -> String {
    let mut out = String::new();
    let version = cmd.get_version().unwrap_or("");
    out.push_str(&format!(
        ".TH LOGSCRUB 1 \"\" \"logscrub {}\" \"User Commands\"\n",
        esc(version)
    ));
    out.push_str(".SH NAME\nlogscrub \\- ");
    out.push_str(&esc(&cmd
        .get_about()
        .map(|a| a.to_string())
        .unwrap_or_default()));
    out.push_str("\n.SH SYNOPSIS\n");
    let leaves = leaves(cmd);
    for (path, sub) in &leaves {
        out.push_str(&format!(".B logscrub {}\n[\\fIOPTIONS\\fR]", esc(path)));
        // Required options, then the operands by their own names, `...` when repeated and in
        // brackets when optional.
        let value = |a: &clap::Arg| {
            a.get_value_names()
                .and_then(|v| v.first())
                .map_or_else(|| a.get_id().as_str().to_uppercase(), |v| v.to_string())
        };
        for a in sub
            .get_arguments()
            .filter(|a| !a.is_positional() && a.is_required_set())
        {
            if let Some(long) = a.get_long() {
                out.push_str(&format!(
                    " \\fB\\-\\-{}\\fR \\fI{}\\fR",
                    esc(long),
                    esc(&value(a))
                ));
            }
        }
        for a in sub.get_arguments().filter(|a| a.is_positional()) {
            let many = matches!(a.get_action(), clap::ArgAction::Append);
            let name = format!(
                "\\fI{}\\fR{}",
                esc(&value(a)),
                if many { "..." } else { "" }
            );
            if a.is_required_set() {
                out.push_str(&format!(" {name}"));
            } else {
                out.push_str(&format!(" [{name}]"));
            }
        }
        out.push_str("\n.br\n");
    }
    out.push_str(".SH DESCRIPTION\n");
    para(
        &mut out,
        &cmd.get_long_about()
            .map(|a| a.to_string())
            .unwrap_or_default(),
    );
    if cmd
        .get_arguments()
        .any(|a| !a.is_hide_set() && !matches!(a.get_id().as_str(), "help" | "version"))
    {
        out.push_str(".SH GLOBAL OPTIONS\n");
        options(&mut out, cmd);
    }
    out.push_str(".SH COMMANDS\n");
    for (path, sub) in &leaves {
        out.push_str(&format!(".SS \"logscrub {}\"\n", esc(path)));
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        para(&mut out, &about);
        options(&mut out, sub);
    }
    out.push_str(".SH ADDRESSES\n");
    para(&mut out, FAIL_CLOSED);
    out.push_str(".SH SCHEMES\n");
    for (name, text) in SCHEMES {
        out.push_str(&format!(".TP\n.B {}\n{}\n", esc(name), esc(text)));
    }
    out.push_str(".SH KEYS\n");
    para(&mut out, KEYS);
    out.push_str(".SH DNS LOGS\n");
    para(&mut out, DNS);
    out.push_str(".SH OUTPUT\n");
    para(&mut out, OUTPUT);
    out.push_str(".SH STATISTICS\n");
    para(&mut out, STATISTICS);
    out.push_str(".SH FORMATS\n");
    let dns = crate::format::dns::SERVERS.iter().map(|(n, _, e)| (*n, *e));
    for (name, example) in crate::format::BUILTIN.iter().copied().chain(dns) {
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR\n.EX\n{}\n.EE\n",
            esc(name),
            esc(example)
        ));
    }
    out.push_str(".TP\n\\fBapache:\\fIFORMAT\\fR\nAn Apache LogFormat string; %h and %a are the client, %{Header}i names a field after the header (Referer \\(-> referrer, User\\-Agent \\(-> user_agent).\n");
    out.push_str(".TP\n\\fBnginx:\\fIFORMAT\\fR\nAn nginx log_format string; $remote_addr is the client, $http_user_agent \\(-> user_agent, $http_referer \\(-> referrer.\n");
    out.push_str(".TP\n\\fBgoaccess:\\fIFORMAT\\fR\nA GoAccess log\\-format string (%h %^[%d:%t %^] \"%r\" %s %b) or name (VCOMBINED, CLOUDFRONT, W3C, ...); %d and %t are read together as the time, %U is split into path and query.\n");
    out.push_str(".SH EXAMPLES\n.PP\n");
    out.push_str(EXAMPLES);
    out.push_str(".SH EXIT STATUS\n");
    for (code, meaning) in TABLE {
        out.push_str(&format!(".TP\n.B {}\n{}\n", *code as u8, esc(meaning)));
    }
    out.push_str(".PP\n.B logscrub audit\nhas statuses of its own, as grep(1) has:\n");
    for (code, meaning) in crate::exit::AUDIT {
        out.push_str(&format!(".TP\n.B {code}\n{}\n", esc(meaning)));
    }
    out.push_str(".SH FILES\n.TP\n.I .NAME.logscrub\\-tmp\\-*\nTemporary files beside an output being written; a file of this name is left only by a killed run and may be removed.\n");
    out.push_str(
        ".SH SEE ALSO\n.BR logscrub\\-rules (5),\n.BR logscrub\\-policy (5),\n.BR gzip (1),\n.BR logrotate (8)\n",
    );
    out
}
