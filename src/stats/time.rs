//! The `time` field, as each server writes it, to a UTC instant.
//!
//! Forms: Common Log Format (`10/Oct/2026:13:55:36 +0000`), BIND (`10-Oct-2026 13:55:36.123`),
//! seconds since 1970 with an optional fraction (Unbound, PowerDNS, dnsdist), syslog without a
//! year (`Oct 10 13:55:36`: the year is the reference time's, or the year before when that would
//! put the line more than a day after the reference, as at New Year), and ISO 8601 / RFC 3339
//! (`2026-10-10T13:55:36.5Z`, `+02:00`, a space instead of `T`). Times without a zone (BIND,
//! syslog, ISO without offset) are read at the given offset (`--tz`, default UTC); `--year`
//! stands in for the reference's year. Hand-written on bytes: this runs once per line.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

fn month(b: &[u8]) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| b.len() == 3 && b.eq_ignore_ascii_case(*m))
        .map(|i| i as u32 + 1)
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `HH:MM:SS` with an optional `.fraction`; returns the time and the bytes used.
fn hms(b: &[u8]) -> Option<(NaiveTime, usize)> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (num(&b[0..2])?, num(&b[3..5])?, num(&b[6..8])?);
    let mut used = 8;
    let mut nanos = 0;
    if b.get(8) == Some(&b'.') || b.get(8) == Some(&b',') {
        let digits = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            let take = digits.min(9);
            nanos = num(&b[9..9 + take])? * 10u32.pow(9 - take as u32);
            used = 9 + digits;
        }
    }
    Some((NaiveTime::from_hms_nano_opt(h, m, s.min(59), nanos)?, used))
}

/// `+0000`, `-05:00`, `Z`; returns the offset in seconds.
fn zone(b: &[u8]) -> Option<i32> {
    match b {
        [b'Z' | b'z', ..] => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let digits: Vec<u8> = rest
                .iter()
                .copied()
                .filter(|&c| c != b':')
                .take(4)
                .collect();
            if digits.len() < 4 {
                return None;
            }
            let (h, m) = (num(&digits[0..2])?, num(&digits[2..4])?);
            let s = (h * 3600 + m * 60) as i32;
            Some(if *sign == b'-' { -s } else { s })
        }
        _ => None,
    }
}

fn at(d: NaiveDate, t: NaiveTime, offset: i32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDateTime::new(d, t)) - Duration::seconds(i64::from(offset))
}

/// The earliest time counted (1990-01-01, seconds since 1970); earlier ones are undated.
pub const EARLIEST: i64 = 631_152_000;

/// The reference for a year: its last second, so that no date of that year is rolled back
/// (what `--year` means).
pub fn end_of_year(year: i32) -> Option<DateTime<Utc>> {
    Some(at(
        NaiveDate::from_ymd_opt(year, 12, 31)?,
        NaiveTime::from_hms_opt(23, 59, 59)?,
        0,
    ))
}

/// Parses a time field. `reference` supplies the year for syslog times that have none; `local`
/// (seconds east of UTC) is the zone of times written without one.
pub fn parse(raw: &[u8], reference: DateTime<Utc>, local: i32) -> Option<DateTime<Utc>> {
    let b = raw.strip_prefix(b"[").unwrap_or(raw);
    let b = b.strip_suffix(b"]").unwrap_or(b);
    let first = *b.first()?;
    // Microseconds since 1970 (Google Cloud Storage's `time_micros`, 16 digits until 2286).
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 16 && int == b.len() {
        let us: i64 = std::str::from_utf8(b).ok()?.parse().ok()?;
        return Utc
            .timestamp_opt(
                us.div_euclid(1_000_000),
                (us.rem_euclid(1_000_000) * 1000) as u32,
            )
            .single();
    }
    // A TAI64N label (daemontools, s6: `@4000000068e8f0e81d0b4c54`): 2^62 + 10 + seconds since
    // 1970, then nanoseconds, in hex (as `tai64n` writes it, leap seconds not counted).
    if first == b'@' && b.len() == 25 && b[1..].iter().all(u8::is_ascii_hexdigit) {
        let hex = |t: &[u8]| u64::from_str_radix(std::str::from_utf8(t).ok()?, 16).ok();
        let label = hex(&b[1..17])?;
        let secs = i64::try_from(label.checked_sub((1 << 62) + 10)?).ok()?;
        let nanos = u32::try_from(hex(&b[17..25])?).ok()?;
        return Utc.timestamp_opt(secs, nanos).single();
    }
    // Seconds since 1970, optionally with a fraction.
    if int >= 9 && (int == b.len() || b[int] == b'.') {
        let secs: i64 = std::str::from_utf8(&b[..int]).ok()?.parse().ok()?;
        let frac = &b[(int + 1).min(b.len())..];
        let nanos = if frac.is_empty() {
            0
        } else {
            let take = frac.len().min(9);
            num(&frac[..take])? * 10u32.pow(9 - take as u32)
        };
        return Utc.timestamp_opt(secs, nanos).single();
    }
    // ISO 8601: YYYY-MM-DD[T ]HH:MM:SS[.f][zone] (a tab too: CloudFront's date and time fields)
    if int == 4
        && b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b' ' | b'\t')
    {
        let d = NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)?;
        let (t, used) = hms(&b[11..])?;
        let off = zone(&b[11 + used..]).unwrap_or(local);
        return Some(at(d, t, off));
    }
    // CLF: DD/Mon/YYYY:HH:MM:SS +ZZZZ ; BIND: DD-Mon-YYYY HH:MM:SS.fff
    if first.is_ascii_digit() && b.len() >= 20 && (b[2] == b'/' || b[2] == b'-') && b[6] == b[2] {
        let d = NaiveDate::from_ymd_opt(num(&b[7..11])? as i32, month(&b[3..6])?, num(&b[0..2])?)?;
        if b[11] != b':' && b[11] != b' ' {
            return None;
        }
        let (t, used) = hms(&b[12..])?;
        let rest = &b[12 + used..];
        let off = zone(rest.strip_prefix(b" ").unwrap_or(rest)).unwrap_or(local);
        return Some(at(d, t, off));
    }
    // syslog: Mon DD HH:MM:SS (day space-padded)
    if first.is_ascii_alphabetic() && b.len() >= 15 && b[3] == b' ' {
        let m = month(&b[0..3])?;
        let day = num(b[4..6].trim_ascii())?;
        let (t, _) = hms(&b[7..])?;
        let year = reference.year();
        // The reference's year, unless that puts the line more than a day after the reference
        // or the date does not exist then (Feb 29 of last year, read in a common year).
        let d = match NaiveDate::from_ymd_opt(year, m, day) {
            Some(d) if at(d, t, local) <= reference + Duration::days(1) => d,
            _ => NaiveDate::from_ymd_opt(year - 1, m, day)?,
        };
        return Some(at(d, t, local));
    }
    None
}

/// The bucket an instant falls in: `2026-10-10` (day) or `2026-10-10T13` (hour), at `offset`
/// seconds from UTC.
pub fn bucket(t: DateTime<Utc>, hourly: bool, offset: i32) -> String {
    let local = t.naive_utc() + Duration::seconds(i64::from(offset));
    if hourly {
        local.format("%Y-%m-%dT%H").to_string()
    } else {
        local.format("%Y-%m-%d").to_string()
    }
}

/// Every bucket from `first` to `last` (both keys as [`bucket`] writes them), in order; `None`
/// when a key does not parse or the range holds more than `cap` buckets.
pub fn buckets_between(first: &str, last: &str, hourly: bool, cap: usize) -> Option<Vec<String>> {
    let parse = |k: &str| {
        if hourly {
            NaiveDateTime::parse_from_str(&format!("{k}:00"), "%Y-%m-%dT%H:%M").ok()
        } else {
            NaiveDate::parse_from_str(k, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        }
    };
    let (a, b) = (parse(first)?, parse(last)?);
    let step = if hourly {
        Duration::hours(1)
    } else {
        Duration::days(1)
    };
    let n = (b - a).num_seconds() / step.num_seconds();
    if n < 0 || n >= cap as i64 {
        return None;
    }
    let fmt = if hourly { "%Y-%m-%dT%H" } else { "%Y-%m-%d" };
    Some(
        (0..=n)
            .map(|i| (a + step * i as i32).format(fmt).to_string())
            .collect(),
    )
}

/// `+01:00`, `-0500`, `Z`, `UTC` → seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i32> {
    if s.eq_ignore_ascii_case("utc") || s == "Z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    let secs = h * 3600 + m * 60;
    (m < 60 && secs <= super::MAX_TZ_OFFSET).then_some(sign * secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_between_fills_days_and_hours() {
        assert_eq!(
            buckets_between("2026-02-27", "2026-03-02", false, 100).unwrap(),
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]
        );
        assert_eq!(
            buckets_between("2026-12-31T22", "2027-01-01T01", true, 100).unwrap(),
            [
                "2026-12-31T22",
                "2026-12-31T23",
                "2027-01-01T00",
                "2027-01-01T01"
            ]
        );
        assert_eq!(
            buckets_between("2026-01-01", "2026-01-01", false, 1).unwrap(),
            ["2026-01-01"]
        );
        assert_eq!(buckets_between("2026-01-01", "2026-01-05", false, 4), None);
        assert_eq!(
            buckets_between("2026-01-05", "2026-01-01", false, 100),
            None
        );
        assert_eq!(buckets_between("nonsense", "2026-01-01", false, 100), None);
        assert_eq!(
            buckets_between("0001-01-01T00", "9999-12-31T23", true, 1000),
            None
        );
    }

    #[test]
    fn every_server_form() {
        let r: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
        let want: DateTime<Utc> = "2026-10-10T13:55:36Z".parse().unwrap();
        for (text, ms) in [
            ("10/Oct/2026:13:55:36 +0000", 0),
            ("[10/Oct/2026:15:55:36 +0200]", 0),
            ("10/Oct/2026:08:55:36 -0500", 0),
            ("10-Oct-2026 13:55:36.123", 123),
            ("1791640536", 0),
            ("1791640536.52016013", 520),
            ("[1791640536]", 0),
            ("Oct 10 13:55:36", 0),
            ("2026-10-10T13:55:36Z", 0),
            ("2026-10-10T13:55:36.25+00:00", 250),
            ("2026-10-10 15:55:36+02:00", 0),
            ("2026-10-10T13:55:36", 0),
            // TAI64N (daemontools, s6) and journald's microseconds.
            ("@400000006aca43e2075bcd15", 123),
            ("1791640536250000", 250),
        ] {
            let got = parse(text.as_bytes(), r, 0).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(got.timestamp(), want.timestamp(), "{text}");
            assert_eq!(got.timestamp_subsec_millis(), ms, "{text}");
        }
        for bad in [
            "",
            "-",
            "yesterday",
            "99/Foo/2026:13:55:36 +0000",
            "Oct 32 13:55:36",
            "12345",
            "@3fffffffffffffff00000000",
            "@400000006aca43e2ffffffff0",
        ] {
            assert_eq!(parse(bad.as_bytes(), r, 0), None, "{bad}");
        }
    }

    #[test]
    fn syslog_year_comes_from_the_reference() {
        let jan: DateTime<Utc> = "2027-01-01T06:00:00Z".parse().unwrap();
        let dec = parse(b"Dec 31 23:59:59", jan, 0).unwrap();
        assert_eq!(
            dec.year(),
            2026,
            "a log rotated at New Year holds last year's lines"
        );
        let jan1 = parse(b"Jan  1 00:00:01", jan, 0).unwrap();
        assert_eq!(jan1.year(), 2027);
    }

    #[test]
    fn times_without_a_zone_are_read_in_the_local_offset_and_year_can_be_given() {
        let r: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
        let want: DateTime<Utc> = "2026-10-10T12:55:36Z".parse().unwrap();
        for text in [
            "10-Oct-2026 13:55:36",
            "Oct 10 13:55:36",
            "2026-10-10T13:55:36",
            "2026-10-10 13:55:36",
        ] {
            assert_eq!(parse(text.as_bytes(), r, 3600), Some(want), "{text}");
        }
        // A zone in the text wins; epoch seconds have none to infer.
        assert_eq!(
            parse(b"10/Oct/2026:13:55:36 +0000", r, 3600)
                .unwrap()
                .timestamp(),
            want.timestamp() + 3600
        );
        assert_eq!(
            parse(b"1791640536", r, 3600).unwrap().timestamp(),
            1791640536
        );
        // --year: every date of that year, December included, stays in it.
        let y = end_of_year(2024).unwrap();
        assert_eq!(parse(b"Dec 31 23:59:59", y, 0).unwrap().year(), 2024);
        assert_eq!(parse(b"Jan  1 00:00:00", y, 0).unwrap().year(), 2024);
        assert_eq!(parse(b"Feb 29 12:00:00", y, 0).unwrap().day(), 29);
        // Review finding: Feb 29 read in a common year was undated; it is last year's.
        let jan25: DateTime<Utc> = "2025-01-15T00:00:00Z".parse().unwrap();
        let leap = parse(b"Feb 29 12:00:00", jan25, 0).unwrap();
        assert_eq!((leap.year(), leap.month(), leap.day()), (2024, 2, 29));
    }

    proptest::proptest! {
        /// Any bytes, and any mutation of a valid form, parse or not without panicking.
        #[test]
        fn never_panics(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..40), k in 0usize..30, b in proptest::num::u8::ANY) {
            let r: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
            let _ = parse(&raw, r, 3600);
            for form in ["10/Oct/2026:13:55:36 +0000", "10-Oct-2026 13:55:36.123", "1791640536.5", "Oct 10 13:55:36", "2026-10-10T13:55:36.25+00:00"] {
                let mut m = form.as_bytes().to_vec();
                let i = k % m.len();
                m[i] = b;
                let _ = parse(&m, r, -18000);
                m.truncate(k % (m.len() + 1));
                let _ = parse(&m, r, -18000);
            }
        }
    }

    #[test]
    fn buckets() {
        let t: DateTime<Utc> = "2026-10-10T23:30:00Z".parse().unwrap();
        assert_eq!(bucket(t, false, 0), "2026-10-10");
        assert_eq!(bucket(t, true, 0), "2026-10-10T23");
        assert_eq!(bucket(t, false, 3600), "2026-10-11");
    }
}
