use super::*;

fn errors(text: &str) -> Vec<String> {
    compile(text)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| format!("{}:{}: {}", e.line, e.col, e.msg))
        .collect()
}

#[test]
fn every_action_compiles() {
    let r = compile(
        r#"
[addresses]
mode = "hash"
ipv4-prefix = 16
ipv6-prefix = 32
keep-net = ["192.0.2.0/24", "2001:db8::1"]
key-file = "/etc/logscrub/key"

[fields]
user = "drop"
ident = "keep"
custom.session = "hash"
custom.upstream_addr = "drop"
forwarded_for = { truncate-ip = { ipv4-prefix = 8, ipv6-prefix = 16 } }
server = "truncate-ip"
request = { redact-params = ["email", "session*"] }
referrer = "referrer-site"
user_agent = "user-agent-family"
qname = { qname-reduce = "registered-domain" }
vhost = { replace = { regex = "^www\\.", with = "" } }
status = { map = { "404" = "4xx", "410" = "4xx" } }
ecs = { qname-reduce = 2 }

[[exclude]]
status = [301, "3xx"]
path = "^/health"
client = ["10.0.0.0/8"]
bot = true

[[exclude]]
qname-suffix = ["example.com."]

[options]
on-error = "keep"
on-unparsed = "drop"
"#,
    )
    .unwrap();
    assert_eq!(rules_len(&r), (13, 2));
    assert_eq!(r.addresses.scheme, Some(crate::anonymize::SchemeKind::Hash));
    assert_eq!((r.addresses.v4, r.addresses.v6), (Some(16), Some(32)));
    assert_eq!(r.addresses.keep_net.len(), 2);
    assert_eq!(r.excludes[0].status, [(301, 301), (300, 399)]);
    assert_eq!(r.excludes[1].qname_suffix, [b"example.com".to_vec()]);
    assert_eq!(r.on_error, OnError::Keep);
    assert_eq!(r.on_unparsed, Some(crate::rules::OnUnparsed::Drop));
    assert!(
        r.actions
            .iter()
            .any(|(f, _)| *f == FieldRef::Custom("session".into()))
    );
    assert!(r.needs_request_parts());
}

fn rules_len(r: &RuleSet) -> (usize, usize) {
    (r.actions.len(), r.excludes.len())
}

#[test]
fn every_error_has_a_position_and_says_what_was_expected() {
    let text = r#"[fields]
useragent = "drop"
user = "erase"
status = { map = { "404" = 4 } }
path = { replace = { regex = "(", with = "x" } }

[addresses]
keep-net = ["10.0.0.0/33"]
ipv4-prefix = 40
mode = "scramble"

[[exclude]]
status = ["4x"]
size = 3

[bogus]
"#;
    let e = errors(text);
    let want = [
        "2:1: unknown field `useragent`",
        "3:8: unknown action `erase`",
        "4:28: expected the replacement value (a string), found an integer",
        "5:30: invalid regex `(`",
        "8:13: `10.0.0.0/33` is not a network",
        "9:15: expected IPv4 bits kept from 0 to 31",
        "10:8: unknown mode `scramble`; expected one of truncate, hash, cryptopan",
        "13:11: expected a status code such as 404",
        "14:1: unknown condition `size`",
        "16:2: unknown section `bogus`",
    ];
    assert_eq!(e.len(), want.len(), "{e:#?}");
    for (got, w) in e.iter().zip(want) {
        assert!(got.starts_with(w), "{got}\n  should start with {w}");
    }
}

#[test]
fn every_other_message() {
    let table: &[(&str, &str)] = &[
        (
            "[fields]\nuser = 3",
            "2:8: expected an action (a string or a one-key table), found an integer",
        ),
        (
            "[fields]\nuser = { drop = 1, keep = 2 }",
            "2:8: expected exactly one action in the table",
        ),
        (
            "[fields]\nuser = { erase = 1 }",
            "2:10: unknown action `erase`",
        ),
        (
            "[fields]\nrequest = { redact-params = \"email\" }",
            "2:29: expected parameter names or globs (an array), found a string",
        ),
        (
            "[fields]\nrequest = { redact-params = [1] }",
            "2:30: expected a parameter name or glob (a string), found an integer",
        ),
        (
            "[fields]\nqname = { qname-reduce = \"sld\" }",
            "2:26: expected \"registered-domain\", \"tld\" or a number of labels",
        ),
        (
            "[fields]\nqname = { qname-reduce = 300 }",
            "2:26: expected a number of labels from 0 to 127",
        ),
        (
            "[fields]\npath = { replace = { regex = \"a\" } }",
            "2:20: replace needs both `regex` and `with`",
        ),
        (
            "[fields]\npath = { replace = { regex = \"a\", with = \"b\", flags = \"i\" } }",
            "2:47: unknown key `flags` in replace",
        ),
        (
            "[fields]\npath = { replace = \"a\" }",
            "2:20: expected { regex = \"...\", with = \"...\" } (a table), found a string",
        ),
        (
            "[fields]\nstatus = { map = [1] }",
            "2:18: expected a table of value = replacement (a table), found an array",
        ),
        (
            "[fields]\nserver = { truncate-ip = { ipv4-prefix = 8, bits = 2 } }",
            "2:45: unknown key `bits`",
        ),
        (
            "[fields]\nserver = { truncate-ip = { ipv6-prefix = 128 } }",
            "2:42: expected IPv6 bits kept from 0 to 127",
        ),
        ("[fields]\ncustom = \"drop\"", "2:1: unknown field `custom`"),
        (
            "[[exclude]]\nstatus = [404, 42]",
            "2:16: expected a status code from 100 to 999",
        ),
        (
            "[fields]\nreferrer = { referrer-site = true }",
            "2:14: `referrer-site` takes no options; write it as a string: \"referrer-site\"",
        ),
        (
            "[fields]\n\"custom.\" = \"drop\"",
            "2:1: expected a field name after `custom.`",
        ),
        (
            "[addresses]\nkey-file = 3",
            "2:12: expected a path (a string), found an integer",
        ),
        (
            "[addresses]\nkeep-net = [\"192.0.2.0/24\", \"0.0.0.0/0\"]",
            "2:29: 0.0.0.0/0 would keep every IPv4 address unchanged",
        ),
        (
            "[addresses]\nsalt = \"x\"",
            "2:1: unknown key `salt` in [addresses]",
        ),
        (
            "[addresses]\nipv6-prefix = \"48\"",
            "2:15: expected IPv6 bits kept (an integer), found a string",
        ),
        (
            "addresses = 3",
            "1:13: expected [addresses] (a table), found an integer",
        ),
        (
            "[keep-only]\nnames = []",
            "2:1: unknown key `names` in [keep-only]",
        ),
        (
            "[keep-only]\nfields = [\"colour\"]",
            "2:11: unknown field `colour`",
        ),
        (
            "[[exclude]]\nbot = \"yes\"",
            "2:7: expected true or false, found a string",
        ),
        (
            "[[exclude]]\nqname-suffix = [2]",
            "2:17: expected a domain suffix (a string), found an integer",
        ),
        (
            "[[exclude]]\nstatus = [1000]",
            "2:11: expected a status code from 0 to 999",
        ),
        (
            "exclude = 1",
            "1:11: expected [[exclude]] blocks (an array), found an integer",
        ),
        (
            "[options]\non-error = \"panic\"",
            "2:12: unknown on-error `panic`; expected drop or keep",
        ),
        (
            "[options]\nstrict = true",
            "2:1: unknown key `strict` in [options]",
        ),
    ];
    let mut bad = Vec::new();
    for (text, want) in table {
        let e = errors(text);
        if !e.iter().any(|g| g.starts_with(want)) {
            bad.push(format!("{text:?}\n  want {want}\n  got  {e:?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn conflicts_and_syntax_errors() {
    let e = errors("[fields]\nrequest = \"drop\"\nquery = \"strip-query\"\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("3:1: conflicting rules"), "{e:?}");
    let e =
        errors("[fields]\nuser_agent = \"user-agent-family\"\n[keep-only]\nfields = [\"time\"]\n");
    assert!(
        e[0].starts_with(
            "2:1: conflicting rules: `user_agent` has an action but [keep-only] drops it"
        ),
        "{e:?}"
    );
    let e = errors("[fields]\nuser = \n");
    assert!(
        e[0].starts_with("2:") && e[0].contains("not valid TOML"),
        "{e:?}"
    );
    let e = errors("[[exclude]]\n");
    assert!(e[0].contains("empty exclude block"), "{e:?}");
}
