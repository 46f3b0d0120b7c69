#!/usr/bin/env bash
# Captures query logs written by the real DNS daemons of Debian 12 (BIND 9.18, Unbound 1.17,
# dnsmasq 2.90, PowerDNS Recursor 4.8, dnsdist 1.7, and Knot Resolver 5.6's own lines) for
# testdata/real/dns/ (issue 17), with a truth file of every query sent and the response code its
# client saw. Run as root on a Debian machine; CI does not run it (tests use the files it
# committed).
#
# It installs the daemons and dig, makes a network namespace `lsdns` whose loopback holds only
# documentation addresses (RFC 5737, RFC 3849; no packet leaves it, there is no route out), starts
# each daemon in it with a configuration of its own (nothing of the system's is used or changed),
# answering from local zones, sends the same bounded mix of queries to each (UDP and TCP, IPv4 and
# IPv6, EDNS client subnet, DO, no EDNS, PTR, NXDOMAIN, REFUSED by access control and by a local
# zone, CHAOS, AXFR, an unknown type), stops the daemons and deletes the namespace.
#
#   sudo scripts/capture-real-dns.sh [OUT-DIR]     (default testdata/real/dns)
#
# Output, one log per daemon configuration operators use:
#   bind-full.log      BIND querylog with print-time, print-category, print-severity
#   bind-plain.log     BIND querylog with none of them
#   bind-server.log    BIND's general log (start-up, zone loading, shutdown): no query lines
#   unbound.log        Unbound log-queries + log-replies + log-tag-queryreply +
#                      log-local-actions + log-servfail, epoch time (Unbound's default)
#   unbound-ascii.log  the same with log-time-ascii
#   dnsmasq.log        dnsmasq log-queries
#   dnsmasq-extra.log  dnsmasq log-queries=extra
#   pdns.log           PowerDNS Recursor quiet=no, structured logging (4.8's default), stderr
#   pdns-legacy.log    the same with structured-logging=no
#   dnsdist.log        dnsdist LogAction (text, with timestamps)
#   dnsdist-resp.log   dnsdist LogResponseAction
#   syslog.log         BIND (querylog to its default_syslog channel), Unbound (use-syslog),
#                      dnsmasq (log-queries, no log-facility), PowerDNS Recursor (its syslog) and
#                      Knot Resolver 5.6 (log_target('syslog'): it has no query log, only its
#                      own messages), all through one rsyslogd into one file, as Debian 12's /var/log/syslog
#                      (RSYSLOG_TraditionalFileFormat: `Dec  3 07:30:10 ns1 named[42]: ...`)
#   syslog-rfc3339.log the same lines in RSYSLOG_FileFormat (RFC 3339 times, Debian 13's default)
# and queries.truth: one line per query sent, tab-separated: daemon, client address, transport,
# name, type, class, the response code dig saw (or `timeout`).
set -euo pipefail

out=$(realpath -m "${1:-$(dirname "$0")/../testdata/real/dns}")
ns=lsdns
work=$(mktemp -d)
mkdir -p "$out"
chmod 755 "$work"

# Every process of the namespace (`ip netns exec` forks: its own pid is not the daemon's).
stop_all() { # stop_all SIGNAL
    local p
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "-$1" "$p" 2>/dev/null || true; done
}
made_dev_log=
cleanup() {
    stop_all TERM
    sleep 1
    stop_all KILL
    ip netns del "$ns" 2>/dev/null || true
    if [ -n "$made_dev_log" ]; then rm -f /dev/log; fi
    rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v named >/dev/null || need+=(bind9)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v unbound >/dev/null || need+=(unbound)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v pdns_recursor >/dev/null || need+=(pdns-recursor)
command -v dnsdist >/dev/null || need+=(dnsdist)
command -v rsyslogd >/dev/null || need+=(rsyslog)
command -v kresd >/dev/null || need+=(knot-resolver)
if [ ${#need[@]} -gt 0 ]; then
    # Installed, never started: the packages' services stay off (policy-rc.d says no).
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
    rm -f /usr/sbin/policy-rc.d
fi

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
server4=192.0.2.53
server6=2001:db8::53
ip -n "$ns" addr add $server4/24 dev lo
ip -n "$ns" addr add $server6/64 dev lo nodad
clients=(198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.4 2001:db8:1::1 2001:db8:1::2)
refused=203.0.113.9
for c in "${clients[@]}" $refused; do
    case $c in
    *:*) ip -n "$ns" addr add "$c/128" dev lo nodad ;;
    *) ip -n "$ns" addr add "$c/32" dev lo ;;
    esac
done
in_ns() { ip netns exec "$ns" "$@"; }
start() { # start NAME COMMAND...: runs in the namespace, in the background
    local name=$1
    shift
    in_ns "$@" >"$work/$name.stdout" 2>"$work/$name.stderr" &
}

# The zones every daemon answers from.
cat >"$work/example.com.zone" <<'EOF'
$TTL 300
@       IN SOA ns1.example.com. hostmaster.example.com. 2026120301 3600 600 86400 300
@       IN NS  ns1.example.com.
ns1     IN A   192.0.2.53
www     IN A   192.0.2.80
www     IN AAAA 2001:db8::80
alias   IN CNAME www.example.com.
chain   IN CNAME alias.example.com.
@       IN MX  10 mail.example.com.
mail    IN A   192.0.2.25
@       IN TXT "v=spf1 -all"
EOF
cat >"$work/2.0.192.zone" <<'EOF'
$TTL 300
@       IN SOA ns1.example.com. hostmaster.example.com. 2026120301 3600 600 86400 300
@       IN NS  ns1.example.com.
80      IN PTR www.example.com.
25      IN PTR mail.example.com.
EOF

# BIND: an authoritative server (recursion off); the 203.0.113.0/24 client is refused by
# allow-query. Without a logging block it logs to syslog (the default_syslog channel).
bind_conf() { # bind_conf DIR PORT [LOGGING-BLOCK]
    mkdir -p "$1"
    cat >"$1/named.conf" <<EOF
options {
    directory "$1";
    pid-file "$1/named.pid";
    listen-on port $2 { $server4; };
    listen-on-v6 port $2 { $server6; };
    recursion no;
    allow-query { 198.51.100.0/24; 2001:db8::/32; 192.0.2.0/24; };
    allow-transfer { 198.51.100.1; };
    querylog yes;
    dnssec-validation no;
};
${3:-}
zone "example.com" { type primary; file "$work/example.com.zone"; };
zone "2.0.192.in-addr.arpa" { type primary; file "$work/2.0.192.zone"; };
EOF
}
# The querylog in two files, the other categories in a third.
bind_conf "$work/bind" 5301 "logging {
    channel full { file \"$out/bind-full.log\"; print-time yes; print-category yes; print-severity yes; severity info; };
    channel plain { file \"$out/bind-plain.log\"; severity info; };
    channel server { file \"$out/bind-server.log\"; print-time yes; print-category yes; print-severity yes; severity info; };
    category queries { full; plain; };
    category query-errors { full; plain; };
    category default { server; };
    category general { server; };
    category security { full; plain; server; };
    category xfer-out { full; plain; };
};"

# Unbound: a resolver with local zones (no upstream: anything else fails inside the namespace),
# 203.0.113.0/24 refused by access-control, blocked.example refused by a local zone.
unbound_conf() { # unbound_conf FILE LOG ASCII PORT
    cat >"$1" <<EOF
server:
    interface: $server4@$4
    interface: $server6@$4
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "$work"
    pidfile: ""
    use-syslog: no
    logfile: "$2"
    log-time-ascii: $3
    verbosity: 1
    log-queries: yes
    log-replies: yes
    log-tag-queryreply: yes
    log-local-actions: yes
    log-servfail: yes
    access-control: 198.51.100.0/24 allow
    access-control: 2001:db8::/32 allow
    access-control: 192.0.2.0/24 allow
    access-control: 203.0.113.0/24 refuse
    module-config: "iterator"
    local-zone: "example.com." static
    local-data: "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300"
    local-data: "www.example.com. 300 IN A 192.0.2.80"
    local-data: "www.example.com. 300 IN AAAA 2001:db8::80"
    local-data: "example.com. 300 IN MX 10 mail.example.com."
    local-data: "example.com. 300 IN TXT \"v=spf1 -all\""
    local-data: "mail.example.com. 300 IN A 192.0.2.25"
    local-data-ptr: "192.0.2.80 www.example.com."
    local-zone: "blocked.example." refuse
    local-zone: "2.0.192.in-addr.arpa." static
EOF
}
unbound_conf "$work/unbound.conf" "$out/unbound.log" no 5302
unbound_conf "$work/unbound-ascii.conf" "$out/unbound-ascii.log" yes 5312

# dnsmasq: local records only (no upstream), a blocked name answered 0.0.0.0.
dnsmasq_args() { # dnsmasq_args PORT LOG|"" LOG-QUERIES-OPTION: sets the array dm
    dm=(--keep-in-foreground --port="$1" --listen-address=$server4,$server6 --bind-interfaces
        --no-resolv --no-hosts --no-poll --pid-file= --user=root --group=root
        "$3" ${2:+"--log-facility=$2"}
        --host-record=www.example.com,192.0.2.80,2001:db8::80
        --host-record=mail.example.com,192.0.2.25
        --cname=alias.example.com,www.example.com --cname=chain.example.com,alias.example.com
        --mx-host=example.com,mail.example.com,10 '--txt-record=example.com,"v=spf1 -all"'
        --address=/blocked.example/0.0.0.0 --address=/blocked.example/::
        --local=/example.com/)
}

# PowerDNS Recursor: the zone served locally (auth-zones), every question logged (quiet=no).
pdns_conf() { # pdns_conf DIR PORT STRUCTURED
    mkdir -p "$1"
    cat >"$1/recursor.conf" <<EOF
local-address=$server4:$2, [$server6]:$2
allow-from=198.51.100.0/24, 2001:db8::/32, 192.0.2.0/24
auth-zones=example.com=$work/example.com.zone,2.0.192.in-addr.arpa=$work/2.0.192.zone
quiet=no
disable-syslog=yes
log-timestamp=yes
structured-logging=$3
socket-dir=$1
daemon=no
setuid=
setgid=
dnssec=off
EOF
}
pdns_conf "$work/pdns" 5304 yes
pdns_conf "$work/pdns-legacy" 5314 no

# dnsdist: in front of BIND, logging every query and every response.
cat >"$work/dnsdist.conf" <<EOF
setLocal('$server4:5305')
addLocal('[$server6]:5305')
setACL({'198.51.100.0/24', '2001:db8::/32', '192.0.2.0/24'})
newServer({address='$server4:5301', name='bind', healthCheckMode='up'})
addAction(AllRule(), LogAction('$out/dnsdist.log', false, true, false, false, true))
addResponseAction(AllRule(), LogResponseAction('$out/dnsdist-resp.log', true, false, false, true))
EOF

# Syslog: an rsyslogd of our own, listening on a socket in $work; the daemons that log through
# syslog(3) run in a private mount namespace where that socket is bound over /dev/log (the
# system's logger, if any, sees nothing). On a machine without /dev/log an empty file stands in
# for the mount point while the capture runs.
cat >"$work/rsyslog.conf" <<EOF
global(workDirectory="$work" localHostname="ns1")
module(load="imuxsock" SysSock.Name="$work/log.sock" SysSock.RateLimit.Interval="0")
*.* action(type="omfile" file="$out/syslog.log" template="RSYSLOG_TraditionalFileFormat")
*.* action(type="omfile" file="$out/syslog-rfc3339.log" template="RSYSLOG_FileFormat")
EOF
if [ ! -e /dev/log ]; then
    : >/dev/log
    made_dev_log=1
fi
via_syslog() { # via_syslog NAME COMMAND...: start, with /dev/log bound to our rsyslogd
    local name=$1
    shift
    start "$name" unshare -m --propagation private \
        sh -c 'mount --bind "$0" /dev/log && exec "$@"' "$work/log.sock" "$@"
}
bind_conf "$work/bind-syslog" 5321
unbound_conf "$work/unbound-syslog.conf" "" no 5322
sed -i 's/use-syslog: no/use-syslog: yes/; /logfile: ""/d; /log-time-ascii/d' "$work/unbound-syslog.conf"
pdns_conf "$work/pdns-syslog" 5324 yes
mkdir -p "$work/kresd"
cat >"$work/kresd/kresd.conf" <<EOF
net.listen('$server4', 5325, { kind = 'dns' })
net.listen('$server6', 5325, { kind = 'dns' })
log_target('syslog')
log_level('info')
modules = { 'hints > iterate' }
hints['www.example.com'] = '192.0.2.80'
cache.size = 10 * MB
EOF
sed -i '/disable-syslog/d; /log-timestamp/d' "$work/pdns-syslog/recursor.conf"

rm -f "$out"/*.log "$out"/queries.truth
start rsyslog rsyslogd -n -f "$work/rsyslog.conf" -i "$work/rsyslog.pid"
for _ in $(seq 50); do
    [ -S "$work/log.sock" ] && break
    sleep 0.1
done
via_syslog bind-syslog named -c "$work/bind-syslog/named.conf" -f
via_syslog unbound-syslog unbound -d -c "$work/unbound-syslog.conf"
dnsmasq_args 5323 "" --log-queries # no log-facility: dnsmasq logs to syslog
via_syslog dnsmasq-syslog dnsmasq "${dm[@]}"
via_syslog pdns-syslog pdns_recursor --config-dir="$work/pdns-syslog"
via_syslog kresd-syslog kresd -n -c "$work/kresd/kresd.conf" "$work/kresd"
start bind named -c "$work/bind/named.conf" -f
start unbound unbound -d -c "$work/unbound.conf"
start unbound-ascii unbound -d -c "$work/unbound-ascii.conf"
dnsmasq_args 5303 "$out/dnsmasq.log" --log-queries
start dnsmasq dnsmasq "${dm[@]}"
dnsmasq_args 5313 "$out/dnsmasq-extra.log" --log-queries=extra
start dnsmasq-extra dnsmasq "${dm[@]}"
start pdns sh -c "exec pdns_recursor --config-dir=$work/pdns 2>$out/pdns.log"
start pdns-legacy sh -c "exec pdns_recursor --config-dir=$work/pdns-legacy 2>$out/pdns-legacy.log"
start dnsdist dnsdist --supervised --disable-syslog -C "$work/dnsdist.conf"
sleep 3

truth=$out/queries.truth
printf '# daemon\tclient\ttransport\tname\ttype\tclass\trcode (scripts/capture-real-dns.sh)\n' >"$truth"

# ask DAEMON PORT CLIENT NAME TYPE [dig options...]
ask() {
    local daemon=$1 port=$2 client=$3 name=$4 type=$5
    shift 5
    local server=$server4 transport=udp class=IN
    [[ $client == *:* ]] && server=$server6
    for o in "$@"; do
        case $o in
        +tcp | +vc) transport=tcp ;;
        -c) class=next ;;
        *) [ "$class" = next ] && class=$o ;;
        esac
    done
    [ "$type" = AXFR ] && transport=tcp
    local status
    status=$({ in_ns dig +tries=1 +time=2 -p "$port" -b "$client" "@$server" "$name" "$type" "$@" 2>/dev/null || true; } |
        sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -1)
    [ "$type" = AXFR ] && status=${status:-transfer}
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$daemon" "$client" "$transport" "$name" "$type" "$class" "${status:-timeout}" >>"$truth"
}

# The same mix for every daemon.
mix() { # mix DAEMON PORT
    local d=$1 p=$2 i=0
    for c in "${clients[@]}"; do
        ask "$d" "$p" "$c" www.example.com A
        ask "$d" "$p" "$c" www.example.com AAAA +dnssec
        i=$((i + 1))
    done
    ask "$d" "$p" 198.51.100.1 example.com MX +tcp
    ask "$d" "$p" 198.51.100.2 example.com TXT +noedns
    ask "$d" "$p" 198.51.100.3 chain.example.com A
    ask "$d" "$p" 198.51.100.4 nxdomain.example.com A
    ask "$d" "$p" 198.51.100.1 80.2.0.192.in-addr.arpa PTR
    ask "$d" "$p" 2001:db8:1::1 www.example.com A +subnet=198.51.100.0/24
    ask "$d" "$p" 2001:db8:1::2 www.example.com TYPE65534
    ask "$d" "$p" 198.51.100.2 version.bind TXT -c CH
    ask "$d" "$p" 198.51.100.3 blocked.example A
    ask "$d" "$p" 198.51.100.4 'odd name.example.com' A
    ask "$d" "$p" $refused www.example.com A
    ask "$d" "$p" 198.51.100.1 example.com AXFR
    ask "$d" "$p" 198.51.100.2 example.com AXFR
}
mix bind 5301
mix unbound 5302
mix unbound-ascii 5312
mix dnsmasq 5303
mix dnsmasq-extra 5313
mix pdns 5304
mix pdns-legacy 5314
mix dnsdist 5305
mix bind-syslog 5321
mix unbound-syslog 5322
mix dnsmasq-syslog 5323
mix pdns-syslog 5324
mix kresd-syslog 5325
sleep 2

# Stop every daemon the way its service would (their shutdown lines are part of the logs).
stop_all TERM
sleep 3
chmod 644 "$out"/*.log "$truth"
wc -l "$out"/*.log "$truth"
