//! dnsmasq (and Pi-hole FTL) `log-queries` lines.
//!
//! ```text
//! [Oct 10 13:55:36 ]dnsmasq[<pid>]: [<serial> <client>/<port> ]<event>
//!   query[<TYPE>] <name> from <client>
//!   forwarded <name> to <upstream>
//!   reply|cached|config|/etc/hosts|gravity blocked|… <name> is <answer>
//! ```
//! The file prefix has no year (it is inferred from the file's modification time). The
//! `<serial> <client>/<port>` prefix comes with `log-queries=extra`. Pi-hole's blocked answers
//! use event words such as `gravity blocked`, `regex blacklisted`, `exactly blacklisted`,
//! `special domain`; they are reported as `blocked`. Spec: dnsmasq(8) `--log-queries`.

use super::cursor::{Col, Cur, addr_port, client_port};
use super::wrapper::bsd_time;
use crate::format::fields::{Fields, Std};

/// Parses one dnsmasq line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    if let Some(t) = bsd_time(s, 0) {
        f.std(Std::Time, 0, t);
        c.i = t;
        c.lit(b" ")?;
    }
    // `dnsmasq[pid]: ` (absent when a syslog wrapper carried the tag).
    let save = c.i;
    let mut tagged = false;
    if let Ok((a, b)) = c.word_sp() {
        tagged = s[b - 1] == b':' && s[a..b].contains(&b'[');
        if !tagged {
            c.i = save;
        }
    } else {
        c.i = save;
    }
    let message = c.i;
    match query_or_answer(s, c, f) {
        Ok(()) => Ok(()),
        // The daemon's own lines (`started, version 2.90`, `cleared cache`, `exiting on receipt
        // of SIGTERM`, warnings): after its tag, a message that is no query.
        Err(_)
            if tagged
                && ![
                    &b"query["[..],
                    b"forwarded ",
                    b"reply ",
                    b"cached ",
                    b"dnssec-query",
                ]
                .iter()
                .any(|w| s[message..].starts_with(w)) =>
        {
            f.clear_but_time();
            f.std(Std::Message, message, s.len());
            Ok(())
        }
        Err(col) => Err(col),
    }
}

/// The query and answer lines, from the event on.
fn query_or_answer(s: &[u8], mut c: Cur, f: &mut Fields) -> Result<(), Col> {
    // log-queries=extra: `<serial> <client>/<port> `.
    let save = c.i;
    if let Ok(serial) = c.digits()
        && c.eat(b" ")
    {
        f.std(Std::Id, serial.0, serial.1);
        let (a, b) = c.word_sp()?;
        client_port(s, a, b, b'/', f)?;
    } else {
        c.i = save;
    }
    if c.eat(b"query[") {
        f.std(Std::Event, c.i - 6, c.i - 1);
        let ty = c.until(b']')?;
        f.std(Std::Qtype, ty.0, ty.1);
        c.lit(b"] ")?;
        // The name as received: it may hold spaces (`odd name.example.com`), so it ends at the
        // last ` from `.
        let from = memchr::memmem::rfind(c.rest(), b" from ").ok_or(c.i)?;
        if from == 0 {
            return Err(c.i);
        }
        f.std(Std::Qname, c.i, c.i + from);
        c.i += from + 6;
        let ip = c.word()?;
        if !is_ip(&s[ip.0..ip.1]) {
            return Err(ip.0);
        }
        if f.get(Std::Client).is_none() {
            f.std(Std::Client, ip.0, ip.1);
        }
        return c.end();
    }
    let rest = c.rest();
    if let Some(k) = memchr::memmem::find(rest, b" to ")
        .filter(|_| rest.starts_with(b"forwarded ") || rest.starts_with(b"dnssec-query"))
    {
        let ev_end = c.i + memchr::memchr(b' ', rest).ok_or(c.i)?;
        f.std(Std::Event, c.i, ev_end);
        let name = (ev_end + 1, c.i + k);
        if name.0 >= name.1 {
            return Err(ev_end);
        }
        f.std(Std::Qname, name.0, name.1);
        c.i += k + 4;
        let (a, b) = c.word()?;
        let up = addr_port(s, a, b, b'#').map_or((a, b), |(addr, _)| addr);
        f.std(Std::Upstream, up.0, up.1);
        return c.end();
    }
    // `<event words> <name> is <answer>`: a known event first (the name may hold spaces: it runs
    // from the event to the last ` is `), else the first word.
    let k = memchr::memmem::rfind(rest, b" is ").ok_or(c.i)?;
    let known = super::DNSMASQ_ANSWERS
        .iter()
        .find(|w| rest.len() > w.len() && rest.starts_with(w) && rest[w.len()] == b' ');
    let ev_len = match known {
        Some(w) => w.len(),
        None => memchr::memchr(b' ', rest).ok_or(c.i)?,
    };
    let (ev, name) = ((c.i, c.i + ev_len), (c.i + ev_len + 1, c.i + k));
    if ev.0 >= ev.1 || name.0 >= name.1 {
        return Err(c.i);
    }
    let event = &s[ev.0..ev.1];
    // Event words are dnsmasq's and Pi-hole's (`reply`, `cached`, `gravity blocked`) or the path
    // of a hosts file (`/etc/hosts`, `/etc/pihole/custom.list`); anything else means this is not
    // a dnsmasq line (`the initial working directory is '/x'`, BIND's banner in a shared syslog).
    // `-` is an event a rule redacted: applying rules twice equals applying them once.
    if known.is_none()
        && event != b"-"
        && !(event.first() == Some(&b'/')
            && event
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b"/._-".contains(&b)))
    {
        return Err(ev.0);
    }
    f.std(Std::Event, ev.0, ev.1);
    let answer = (c.i + k + 4, s.len());
    let text = &s[answer.0..answer.1];
    if [
        &b"blocked"[..],
        b"blacklisted",
        b"denied",
        b"special domain",
    ]
    .iter()
    .any(|w| memchr::memmem::find(event, w).is_some())
    {
        f.std(Std::Blocked, ev.0, ev.1);
    } else if known.is_some() && matches!(text, b"0.0.0.0" | b"::") {
        // `address=/example.com/0.0.0.0`, dnsmasq's way of blocking a name: the answer says it.
        // (After a known event only: a rule that rewrote the event leaves a line this does not
        // mark again, so applying rules twice equals applying them once.)
        f.std(Std::Blocked, answer.0, answer.1);
    }
    f.std(Std::Qname, name.0, name.1);
    f.std(Std::Answer, answer.0, answer.1);
    // Its response code in its own words; an answer with data (an address, a name, `<CNAME>`)
    // is NOERROR, which `crate::format::dns::rcode` says for a line without one.
    if matches!(
        text,
        b"NXDOMAIN"
            | b"SERVFAIL"
            | b"REFUSED"
            | b"NOTIMP"
            | b"NODATA"
            | b"NODATA-IPv4"
            | b"NODATA-IPv6"
    ) {
        f.std(Std::Rcode, answer.0, answer.1);
    }
    Ok(())
}

fn is_ip(b: &[u8]) -> bool {
    crate::anonymize::scan::parse_addr(b).is_some()
}
