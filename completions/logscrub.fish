# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_logscrub_global_optspecs
    string join \n h/help V/version
end

function __fish_logscrub_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_logscrub_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_logscrub_using_subcommand
    set -l cmd (__fish_logscrub_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c logscrub -n "__fish_logscrub_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_needs_command" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "anonymize" -d 'Rewrite client addresses in logs (stdin, files, compressed or not) to truncated or pseudonymized forms'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "keygen" -d 'Write a new random key for --mode hash (mode 0600)'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "formats" -d 'List the log formats logscrub reads, with an example line of each'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "rules" -d 'Work with rule files (see logscrub-rules(5))'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "prune" -d 'Delete rotated logs past their retention window, and nothing else (see --dry-run)'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "audit" -d 'Check logs for what should not be there: addresses with host bits, e-mail addresses, credentials and DoH questions in URLs. Findings are counted, never shown in clear'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "detect" -d 'Say which log format each file is, with the share of sampled lines that matched'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "stats" -d 'Count trend statistics (requests, visitors, pages, query types, ...) into a state file that holds no address; see merge and report'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "merge" -d 'Add statistics states together (days into a month, servers into a fleet)'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "report" -d 'Render statistics states as a report safe to publish (counts below --min-count withheld)'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "init" -d 'Write a starting policy for the servers whose logs are where their packages put them (nginx, Apache, BIND, Unbound, dnsmasq/Pi-hole), every setting commented'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "run" -d 'The nightly job: anonymize rotated logs that are due, then delete what is past its window, as a policy file says (see logscrub-policy(5) and --dry-run)'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "decrypt" -d 'Reverse a reversible scheme (cryptopan, ipcrypt-*, ipcipher) with its key, for audits and legal requests: on addresses given as arguments, or on log lines from stdin'
complete -c logscrub -n "__fish_logscrub_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s f -l format -d 'Log format: auto, raw, common, combined, vhost_combined, json, squid, elb, alb, s3, cloudfront, w3c, gcs, haproxy, traefik, caddy, apache:FORMAT, nginx:FORMAT, goaccess:FORMAT; DNS servers: bind, unbound, dnsmasq, coredns, powerdns, dnsdist, doh, syslog' -r -f -a "auto\t''
vhost_combined\t''
traefik\t''
combined\t''
common\t''
json\t''
squid\t''
elb\t''
alb\t''
s3\t''
cloudfront\t''
w3c\t''
gcs\t''
haproxy\t''
raw\t''
bind\t''
unbound\t''
dnsmasq\t''
coredns\t''
powerdns\t''
dnsdist\t''
doh\t''
syslog\t''
iis\t''
caddy\t''
apache:\t''
nginx:\t''
goaccess:\t''"
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s m -l mode -d 'How addresses are rewritten' -r -f -a "truncate\t'Keep the prefix (--ipv4-prefix, --ipv6-prefix), zero the rest'
hash\t'Keep the prefix, replace the rest by HMAC-SHA256 of the whole address (needs a key): distinct clients stay distinct, equal inputs give equal outputs'
cryptopan\t'Crypto-PAn, prefix-preserving, 32-byte key; reversible with the key'
ipcrypt-det\t'ipcrypt deterministic (AES-128), 16-byte key; IPv4 usually becomes IPv6-looking'
ipcrypt-pfx\t'ipcrypt prefix-preserving, 32-byte key; the address family is kept'
ipcrypt-nd\t'ipcrypt non-deterministic (KIASU-BC), 16-byte key; the output is NOT an address but a 48-hex-digit token, different each time'
ipcrypt-ndx\t'ipcrypt non-deterministic (AES-XTS), 32-byte key; the output is NOT an address but a 64-hex-digit token, different each time'
ipcipher\t'PowerDNS ipcipher, 16-byte key or a passphrase; the address family is kept'"
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l ipv4-prefix -d 'IPv4 bits kept (0-31)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l ipv6-prefix -d 'IPv6 bits kept (0-127)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l key-file -d 'Key file, mode 0600 (see keygen): hex on one line, 32 bytes for hash, cryptopan, ipcrypt-pfx and ipcrypt-ndx, 16 for ipcrypt-det, ipcrypt-nd and ipcipher (for ipcipher also a passphrase)' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l key-env -d 'Read the key, as hex (as in a key file), from this environment variable instead of a file (for engines such as Spark that hand secrets to tasks in the environment)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l passphrase-env -d 'For --mode ipcipher: read the passphrase from this environment variable (never give a passphrase on the command line)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l keep-net -d 'Leave addresses in this network untouched (e.g. the server\'s own); repeatable. A /0 is refused: it would keep every address of its family' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l on-unparsed -d 'What to do with lines that do not match the format' -r -f -a "scrub\t'Scrub every address in the line and write it'
drop\t'Leave the line out (counted in the summary)'
fail\t'Stop at the first such line with an error naming file:line:column'"
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s o -l output -d 'Write output here instead of stdout, compressed when the name ends in .gz, .zst, .xz or .bz2 (as several members, frames or streams compressed in parallel, which every reader of the kind reads whole; only `gzip -l` then reports the last member\'s size), atomically: the file appears when logscrub ends, so for a long-running pipe (Apache\'s piped logs, a FIFO) append with >> instead' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l max-line-length -d 'Lines longer than this are not held whole (bytes): they are never parsed, so they count as unparsed and --on-unparsed (or the rule file\'s) decides what they become; kept, they are scrubbed in parts (always, with --format raw)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l gzip-level -d 'gzip level for compressed output (1 fastest - 9 smallest; libdeflate\'s levels, whose 4 compresses about as well as gzip\'s 6)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l summary-json -d 'Also write the summary as JSON to this file' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l unparsed-to -d 'Also write the lines that did not match the format to this file (scrubbed like every line, atomically), to see what the parser misses' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s r -l rules -d 'Apply this rule file: field actions, line filters and address settings (logscrub-rules(5))' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l threads -d 'Worker threads (default: one per CPU; 1 to 1024)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l ephemeral-key -d 'Use a random key for this run only (never written anywhere): pseudonyms are consistent within the run and unlinkable across runs'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l strict -d 'Exit with status 3 if any line did not match the format (output is still complete)'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s i -l in-place -d 'Replace each FILE by its anonymized version, atomically, keeping its mode, owner, modification time and compression. A file named twice is refused (it would be anonymized twice), and so is a file with other names (hard links), which would keep the raw content'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s q -l quiet -d 'Print no summary, warnings or progress on stderr'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -l no-progress -d 'No progress bar (one is shown on a terminal while files are read)'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s v -l verbose -d 'Say which format was chosen for each input'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand anonymize" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand keygen" -s s -l scheme -d 'The scheme the key is for (its size follows)' -r -f -a "truncate\t'Keep the prefix (--ipv4-prefix, --ipv6-prefix), zero the rest'
hash\t'Keep the prefix, replace the rest by HMAC-SHA256 of the whole address (needs a key): distinct clients stay distinct, equal inputs give equal outputs'
cryptopan\t'Crypto-PAn, prefix-preserving, 32-byte key; reversible with the key'
ipcrypt-det\t'ipcrypt deterministic (AES-128), 16-byte key; IPv4 usually becomes IPv6-looking'
ipcrypt-pfx\t'ipcrypt prefix-preserving, 32-byte key; the address family is kept'
ipcrypt-nd\t'ipcrypt non-deterministic (KIASU-BC), 16-byte key; the output is NOT an address but a 48-hex-digit token, different each time'
ipcrypt-ndx\t'ipcrypt non-deterministic (AES-XTS), 32-byte key; the output is NOT an address but a 64-hex-digit token, different each time'
ipcipher\t'PowerDNS ipcipher, 16-byte key or a passphrase; the address family is kept'"
complete -c logscrub -n "__fish_logscrub_using_subcommand keygen" -s o -l output -d 'Write the key to this file (created with mode 0600); stdout when absent or `-`' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand keygen" -l force -d 'Overwrite an existing key file'
complete -c logscrub -n "__fish_logscrub_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand formats" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand formats" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and not __fish_seen_subcommand_from check show help" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and not __fish_seen_subcommand_from check show help" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and not __fish_seen_subcommand_from check show help" -f -a "check" -d 'Validate rule files: every problem is reported as FILE:LINE:COLUMN with what was expected'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and not __fish_seen_subcommand_from check show help" -f -a "show" -d 'Print a built-in rule set (or, without NAME, list them): every install has them, named builtin:NAME wherever a rule file is expected (--rules, a policy\'s rules =)'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and not __fish_seen_subcommand_from check show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate rule files: every problem is reported as FILE:LINE:COLUMN with what was expected'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a built-in rule set (or, without NAME, list them): every install has them, named builtin:NAME wherever a rule file is expected (--rules, a policy\'s rules =)'
complete -c logscrub -n "__fish_logscrub_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l max-age -d 'Delete files older than this: 30d, 12h, 2w, 1y (365 days), 1d12h; at most 100 years' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l age-from -d 'Where a file\'s age comes from: the date in its name, its modification time, or the name\'s date when it has one (auto)' -r -f -a "name\t'The date in the file name; files without one are kept'
mtime\t'The modification time'
auto\t'The name\'s date when there is one, else the modification time'"
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l keep -d 'Always keep the N newest matching files of each PATH' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l exclude -d 'Never delete files whose name (or path below PATH) matches this glob (`*`, `?`, `[0-9]`; a `[` no `]` closes, `{a,b}`, `[[:digit:]]` and `\\` are refused); repeatable' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l audit-log -d 'Append one JSON record per deletion (path, size, age, rule; no log content) to this file' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l now -d 'Measure ages at this time instead of now (RFC 3339, YYYY-MM-DD or @EPOCH): reproducible runs for scripts and tests' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -s r -l recursive -d 'Descend into subdirectories (never through symbolic links)'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l include-symlinks -d 'Treat symbolic links as candidates (the link is deleted, never what it points to)'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l remove-empty-dirs -d 'Remove directories that deletion leaves empty (never a PATH itself)'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -s n -l dry-run -d 'Print the plan (what, why, age) and delete nothing'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l json -d 'Print the plan or the actions as JSON lines'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -l force -d 'Allow --max-age 0 (delete every matching file)'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -s q -l quiet -d 'Print only problems'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand prune" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l policy -d 'Check every file this policy (logscrub-policy(5)) says is anonymized by now, each against its own source\'s prefixes, instead of PATHs' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l now -d 'With --policy: measure ages at this time instead of now (RFC 3339, YYYY-MM-DD or @EPOCH)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l ipv4-prefix -d 'IPv4 bits an address may keep' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l ipv6-prefix -d 'IPv6 bits an address may keep' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l rules -d 'Take the prefixes from this rule file\'s [addresses] (the policy the logs were made with)' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -s m -l mode -d 'The scheme the files were anonymized with: under any but truncate, addresses are pseudonyms that look like addresses, so the address check is off (e-mail, credential and DoH checks still apply)' -r -f -a "truncate\t'Keep the prefix (--ipv4-prefix, --ipv6-prefix), zero the rest'
hash\t'Keep the prefix, replace the rest by HMAC-SHA256 of the whole address (needs a key): distinct clients stay distinct, equal inputs give equal outputs'
cryptopan\t'Crypto-PAn, prefix-preserving, 32-byte key; reversible with the key'
ipcrypt-det\t'ipcrypt deterministic (AES-128), 16-byte key; IPv4 usually becomes IPv6-looking'
ipcrypt-pfx\t'ipcrypt prefix-preserving, 32-byte key; the address family is kept'
ipcrypt-nd\t'ipcrypt non-deterministic (KIASU-BC), 16-byte key; the output is NOT an address but a 48-hex-digit token, different each time'
ipcrypt-ndx\t'ipcrypt non-deterministic (AES-XTS), 32-byte key; the output is NOT an address but a 64-hex-digit token, different each time'
ipcipher\t'PowerDNS ipcipher, 16-byte key or a passphrase; the address family is kept'"
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l threads -d 'Worker threads (default: one per CPU; 1 to 1024)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -s r -l recursive -d 'Check files in subdirectories too (never through symbolic links)'
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -l json -d 'One JSON object per file'
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand audit" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand detect" -l json -d 'One JSON object per file'
complete -c logscrub -n "__fish_logscrub_using_subcommand detect" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand detect" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand completions" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand completions" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s f -l format -d 'Log format (as for anonymize; see `logscrub formats`)' -r -f -a "auto\t''
vhost_combined\t''
traefik\t''
combined\t''
common\t''
json\t''
squid\t''
elb\t''
alb\t''
s3\t''
cloudfront\t''
w3c\t''
gcs\t''
haproxy\t''
raw\t''
bind\t''
unbound\t''
dnsmasq\t''
coredns\t''
powerdns\t''
dnsdist\t''
doh\t''
syslog\t''
iis\t''
caddy\t''
apache:\t''
nginx:\t''
goaccess:\t''"
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s r -l rules -d 'Apply this rule file\'s [[exclude]] blocks: the lines they leave out of the log are not counted. Its field actions shape the published log, not the statistics, which count the fields as the server wrote them (labels are scrubbed of addresses all the same)' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l bucket -d 'Time-series bucket' -r -f -a "day\t'One bucket per day (`2026-11-01`)'
hour\t'One bucket per hour (`2026-11-01T13`)'"
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l tz -d 'Offset from UTC (+01:00, -05:00) of the bucket boundaries and of times the logs write without a zone (BIND, syslog, dnsmasq); default UTC. Times with a zone are read as written' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l year -d 'The year of times written without one (syslog, dnsmasq); default: the year of the file\'s modification time (the year before for dates that would lie in its future)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l key-file -d 'Key file for the unique counts (32 bytes, hex; `logscrub keygen`): states made with the same key merge. Without it a random key is used and the state merges with nothing else' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l key-env -d 'Read the key, as hex, from this environment variable instead of a file (for engines such as Spark, which hand secrets to tasks in the environment)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l geoip -d 'A MaxMind DB file (GeoLite2 Country, City or ASN, or DB-IP\'s; repeat for several): each web client\'s full address is looked up before anything is truncated and counted in the `country` and `network` panels (K applies as to every label; nothing of the address is kept)' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l capacity -d 'Labels kept per panel (1 to 10000000); beyond, counts carry a stated error bound' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l ipv4-prefix -d 'IPv4 bits an address in a counted label keeps (labels are scrubbed like log lines)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l ipv6-prefix -d 'IPv6 bits an address in a counted label keeps' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l report -l to -d 'Write a report in this format instead of the state (-o is then the report); `--to` as in `logscrub report`' -r -f -a "json\t'JSON, for machines'
csv\t'CSV, one tidy table (`section,panel,bucket,label,metric,value,withheld`)'
md\t'Markdown, for a wiki or a blog post'
html\t'One self-contained HTML page (inline SVG charts, no external requests)'"
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l min-count -d 'With --report: counts below this are withheld' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l top -d 'With --report: rows per panel' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l dp-epsilon -d 'With --report: differential-privacy noise, ε per published number (see report)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s o -l output -d 'Write the state (or report) here, atomically; stdout when absent or `-`. A state is one line of JSON, so states can be piped into `logscrub merge -`' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -l threads -d 'Worker threads (default: one per CPU; 1 to 1024)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s q -l quiet -d 'No summary on stderr'
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s v -l verbose -d 'Say which format was chosen for each input'
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand stats" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand merge" -s o -l output -d 'Write the merged state here (atomically); stdout when absent or `-`' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand merge" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand merge" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -l to -l report -d 'The report\'s format (`--report` as in `logscrub stats`)' -r -f -a "json\t'JSON, for machines'
csv\t'CSV, one tidy table (`section,panel,bucket,label,metric,value,withheld`)'
md\t'Markdown, for a wiki or a blog post'
html\t'One self-contained HTML page (inline SVG charts, no external requests)'"
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -l min-count -d 'Counts below this are withheld: small labels fold into "other", small cells show "< K"' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -l top -d 'Rows per panel' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -l dp-epsilon -d 'Add differential-privacy noise: ε per published number for one log line (event level; smaller is more private and noisier; e.g. 1). See STATISTICS in logscrub(1)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -s o -l output -d 'Write the report here, atomically; stdout when absent or `-`' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -l compare -d 'Two states side by side (A, then B: a month and the same month a year before), with the change of every number published on both sides; K (and noise) apply to each side'
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand report" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand init" -s o -l output -d 'Write the policy here (created with mode 0644; an existing file is kept unless --force); stdout when absent' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand init" -l root -d 'Look for logs below this directory instead of / (a container\'s or a chroot\'s root); the policy\'s paths then start with it' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand init" -l force -d 'Replace an existing --output file'
complete -c logscrub -n "__fish_logscrub_using_subcommand init" -s h -l help -d 'Print help'
complete -c logscrub -n "__fish_logscrub_using_subcommand init" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -s p -l policy -d 'The policy file (logscrub-policy(5))' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -l metrics -d 'Write Prometheus metrics (textfile collector format) here; overrides `metrics` in the policy' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -l now -d 'Measure ages at this time instead of now (RFC 3339, YYYY-MM-DD or @EPOCH)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -l threads -d 'Worker threads (default: one per CPU; 1 to 1024)' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -s n -l dry-run -d 'Print what would be anonymized and deleted, and change nothing (no lock, no state written)'
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -l json -d 'Print the actions and the summary as one JSON document on stdout'
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -s q -l quiet -d 'Print only problems (no actions, no summary)'
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -s v -l verbose -d 'Also list the files left as they are, and why (live, not due yet, inside their window, keep-forever)'
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand run" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand decrypt" -s m -l mode -d 'The scheme the addresses were encrypted with' -r -f -a "truncate\t'Keep the prefix (--ipv4-prefix, --ipv6-prefix), zero the rest'
hash\t'Keep the prefix, replace the rest by HMAC-SHA256 of the whole address (needs a key): distinct clients stay distinct, equal inputs give equal outputs'
cryptopan\t'Crypto-PAn, prefix-preserving, 32-byte key; reversible with the key'
ipcrypt-det\t'ipcrypt deterministic (AES-128), 16-byte key; IPv4 usually becomes IPv6-looking'
ipcrypt-pfx\t'ipcrypt prefix-preserving, 32-byte key; the address family is kept'
ipcrypt-nd\t'ipcrypt non-deterministic (KIASU-BC), 16-byte key; the output is NOT an address but a 48-hex-digit token, different each time'
ipcrypt-ndx\t'ipcrypt non-deterministic (AES-XTS), 32-byte key; the output is NOT an address but a 64-hex-digit token, different each time'
ipcipher\t'PowerDNS ipcipher, 16-byte key or a passphrase; the address family is kept'"
complete -c logscrub -n "__fish_logscrub_using_subcommand decrypt" -l key-file -d 'The key file used to encrypt them' -r -F
complete -c logscrub -n "__fish_logscrub_using_subcommand decrypt" -l passphrase-env -d 'For ipcipher: the environment variable holding the passphrase' -r
complete -c logscrub -n "__fish_logscrub_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logscrub -n "__fish_logscrub_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "anonymize" -d 'Rewrite client addresses in logs (stdin, files, compressed or not) to truncated or pseudonymized forms'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "keygen" -d 'Write a new random key for --mode hash (mode 0600)'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "formats" -d 'List the log formats logscrub reads, with an example line of each'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "rules" -d 'Work with rule files (see logscrub-rules(5))'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "prune" -d 'Delete rotated logs past their retention window, and nothing else (see --dry-run)'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "audit" -d 'Check logs for what should not be there: addresses with host bits, e-mail addresses, credentials and DoH questions in URLs. Findings are counted, never shown in clear'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "detect" -d 'Say which log format each file is, with the share of sampled lines that matched'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "completions" -d 'Print a shell completion script'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "stats" -d 'Count trend statistics (requests, visitors, pages, query types, ...) into a state file that holds no address; see merge and report'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "merge" -d 'Add statistics states together (days into a month, servers into a fleet)'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "report" -d 'Render statistics states as a report safe to publish (counts below --min-count withheld)'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "init" -d 'Write a starting policy for the servers whose logs are where their packages put them (nginx, Apache, BIND, Unbound, dnsmasq/Pi-hole), every setting commented'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "run" -d 'The nightly job: anonymize rotated logs that are due, then delete what is past its window, as a policy file says (see logscrub-policy(5) and --dry-run)'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "decrypt" -d 'Reverse a reversible scheme (cryptopan, ipcrypt-*, ipcipher) with its key, for audits and legal requests: on addresses given as arguments, or on log lines from stdin'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and not __fish_seen_subcommand_from anonymize keygen formats rules prune audit detect completions stats merge report init run decrypt help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "check" -d 'Validate rule files: every problem is reported as FILE:LINE:COLUMN with what was expected'
complete -c logscrub -n "__fish_logscrub_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "show" -d 'Print a built-in rule set (or, without NAME, list them): every install has them, named builtin:NAME wherever a rule file is expected (--rules, a policy\'s rules =)'
