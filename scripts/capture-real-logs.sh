#!/usr/bin/env bash
# Captures access logs written by the real nginx and Apache daemons (Debian packages) for
# testdata/real/, with the escapes servers write around client-supplied bytes (issue 14): every
# request carries a documentation address glued to an escape (%20, %22, \x22, \u0001, &quot;,
# %5B...%5D, +, ...). Run as root on a Debian machine; CI does not run it (tests use the files
# it committed). It installs nginx-light, apache2 and curl, makes a network namespace `lsreal`
# with documentation addresses only on its loopback (no packet leaves it), starts each daemon in
# it with a configuration of its own (nothing of the system's is used or changed), sends the
# requests, stops the daemons and deletes the namespace.
#
#   sudo scripts/capture-real-logs.sh [OUT-DIR]     (default testdata/real/web)
#
# Output: nginx-combined.log, nginx-main-xff.log (combined + "$http_x_forwarded_for"
# $request_time), nginx-json.log (escape=json), apache-combined.log, apache-vhost.log
# (vhost_combined with %O), apache-xff.log (combined + %D "%{X-Forwarded-For}i"),
# apache-common.log (Debian's common: %O), and
# escapes.truth: the raw addresses the requests carried, one per line (none may survive).
set -euo pipefail

out=$(realpath -m "${1:-$(dirname "$0")/../testdata/real/web}")
ns=lsreal
work=$(mktemp -d)
mkdir -p "$out"
chmod 755 "$work"

cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    [ -f "$work/apache.pid" ] && kill "$(cat "$work/apache.pid")" 2>/dev/null || true
    sleep 0.5
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

command -v nginx >/dev/null && command -v apache2 >/dev/null && command -v curl >/dev/null ||
    apt-get install -y -q nginx-light apache2 curl >/dev/null

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
# The server and the clients: documentation ranges only (RFC 5737, RFC 3849).
ip -n "$ns" addr add 192.0.2.1/24 dev lo
for a in 198.51.100.7 198.51.100.23 203.0.113.9 203.0.113.77; do ip -n "$ns" addr add "$a/32" dev lo; done
ip -n "$ns" addr add 2001:db8::1/64 dev lo nodad
ip -n "$ns" addr add 2001:db8:aa:bb::17/64 dev lo nodad
in_ns() { ip netns exec "$ns" "$@"; }

# nginx: three log formats, each to its own file.
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
daemon on;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $work/nginx;
    log_format main '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status \$body_bytes_sent "\$http_referer" "\$http_user_agent" "\$http_x_forwarded_for" \$request_time';
    log_format js escape=json '{"time":"\$time_iso8601","remote_addr":"\$remote_addr","request":"\$request","status":\$status,"bytes":\$body_bytes_sent,"referer":"\$http_referer","user_agent":"\$http_user_agent","xff":"\$http_x_forwarded_for"}';
    server {
        listen 192.0.2.1:8080;
        listen [2001:db8::1]:8080;
        root $work/nginx;
        access_log $out/nginx-combined.log combined;
        access_log $out/nginx-main-xff.log main;
        access_log $out/nginx-json.log js;
    }
}
EOF
: >"$work/nginx/index.html"

# Apache: its stock formats (Debian's vhost_combined uses %O) and one with %D and XFF.
mods=/usr/lib/apache2/modules
mkdir -p "$work/apache/htdocs"
cat >"$work/apache/apache2.conf" <<EOF
ServerRoot $work/apache
PidFile $work/apache.pid
ErrorLog $work/apache/error.log
Listen 192.0.2.1:8081
Listen [2001:db8::1]:8081
ServerName logscrub.example
User www-data
Group www-data
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
DocumentRoot $work/apache/htdocs
<Directory $work/apache/htdocs>
    Require all granted
</Directory>
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
LogFormat "%h %l %u %t \"%r\" %>s %O" common
LogFormat "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" vhost_combined
LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D \"%{X-Forwarded-For}i\"" xff
CustomLog $out/apache-combined.log combined
CustomLog $out/apache-vhost.log vhost_combined
CustomLog $out/apache-xff.log xff
CustomLog $out/apache-common.log common
EOF
: >"$work/apache/htdocs/index.html"

rm -f "$out"/nginx-*.log "$out"/apache-*.log
in_ns nginx -c "$work/nginx/nginx.conf"
in_ns apache2 -f "$work/apache/apache2.conf" -k start
sleep 1

truth=$out/escapes.truth
{
    echo "# Raw addresses carried by the captured requests (scripts/capture-real-logs.sh)."
    echo "# None of them may appear in logscrub's output."
} >"$truth"
note() { printf '%s\n' "$@" >>"$truth"; }

# One request per escape form, from each client address in turn, to both servers.
clients=(198.51.100.7 198.51.100.23 203.0.113.9 203.0.113.77 2001:db8:aa:bb::17)
n=0
req() { # req TARGET [curl options...]: the request target is sent as it is
    local target=$1
    shift
    for port in 8080 8081; do
        local c=${clients[$((n % ${#clients[@]}))]}
        local host=192.0.2.1
        [[ $c == *:* ]] && host='[2001:db8::1]'
        n=$((n + 1))
        in_ns curl -s -o /dev/null --interface "$c" --path-as-is --request-target "$target" "$@" "http://$host:$port/" || true
    done
}
note 198.51.100.7 198.51.100.23 203.0.113.9 203.0.113.77 2001:db8:aa:bb::17

req '/cgi-bin/test.cgi?cmd=ping%20192.0.2.11'
req '/q?ip=%22192.0.2.55%22'
req '/q?x=%40198.51.100.71&y=%26192.0.2.56'
req '/q?a=%28198.51.100.11%29&b=%09192.0.2.62&c=%2C192.0.2.63&d=%3D192.0.2.64&e=%3A192.0.2.65'
req '/q?dbl=%2520192.0.2.12'
req '/q?plus=ping+192.0.2.13'
req '/q?v6=%202001:db8:1234:5678::99&m=%22::ffff:192.0.2.14'
req '/r?ref=%5B2001:db8:1234:5678:9abc:def0:1234:5678%5D&s=%5B2001:db8:aa:bb::18%5D'
req '/q?enc=192%2E0%2E2%2E15&v6enc=2001%3Adb8%3A77%3A%3A16'
req '/q?client_2001:db8:cc:dd::19&x2001:db8:ee:ff::20'
req '/q?ip="192.0.2.57"'
req $'/q?tab=\t192.0.2.58'
req $'/q?ctl=\x01192.0.2.59'
req '/ok' -A $'Bot"192.0.2.66'
req '/ok' -A $'probe\t192.0.2.67'
req '/ok' -A $'ctl\x01192.0.2.68'
req '/ok' -H 'X-Forwarded-For: "192.0.2.61", 198.51.100.12'
req '/ok' -H 'X-Forwarded-For: %20192.0.2.69, 2001:db8:1:2::21'
req '/ok' -e 'https://r.example/?q=&quot;192.0.2.70&amp;b=&#34;192.0.2.71&c=&#x22;192.0.2.72'
req '/ok' -e 'https://r.example/?ip=%20198.51.100.73&v6=%5B2001:db8:9:8::22%5D'
note 192.0.2.11 192.0.2.55 198.51.100.71 192.0.2.56 198.51.100.11 192.0.2.62 192.0.2.63
note 192.0.2.64 192.0.2.65 192.0.2.12 192.0.2.13 2001:db8:1234:5678::99 192.0.2.14
note 2001:db8:1234:5678:9abc:def0:1234:5678 2001:db8:aa:bb::18 192%2E0%2E2%2E15
note 2001%3Adb8%3A77%3A%3A16 2001:db8:cc:dd::19 2001:db8:ee:ff::20 192.0.2.57 192.0.2.58
note 192.0.2.59 192.0.2.66 192.0.2.67 192.0.2.68 192.0.2.61 198.51.100.12 192.0.2.69
note 2001:db8:1:2::21 192.0.2.70 192.0.2.71 192.0.2.72 198.51.100.73 2001:db8:9:8::22

sleep 1
kill "$(cat "$work/nginx.pid")"
in_ns apache2 -f "$work/apache/apache2.conf" -k graceful-stop
sleep 1
chmod 644 "$out"/*.log
wc -l "$out"/*.log
