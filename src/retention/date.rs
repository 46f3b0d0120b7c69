//! Dates in log file names and durations on the command line.
//!
//! Rotated logs carry their date in the name: logrotate `dateext` (`access.log-20261101`,
//! `-2026110113` with an hourly `dateformat`), and the common `YYYY-MM-DD`, `YYYYMMDD`,
//! `YYYYMMDDHH` and ISO 8601 forms, with or without `.gz`/`.zst` after them, in the years 2000 to
//! 2099 (ten digits of seconds since 1970, `-%s`, are no date: the age comes from the file's
//! modification time). A name date names a
//! period (a day or an hour); retention counts a file's age from the *end* of that period, so a
//! file is never deleted while any of its lines could still be inside the window.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The end of the period a file name's date names, if the name has a date: read in UTC or in
/// the local time zone (`TZ`), whichever ends later.
pub fn name_period_end(name: &[u8]) -> Option<DateTime<Utc>> {
    name_period_end_at(name, &chrono::Local)
}

/// [`name_period_end`] with `local` for the local time zone (the tests' is fixed).
fn name_period_end_at<Tz: TimeZone>(name: &[u8], local: &Tz) -> Option<DateTime<Utc>> {
    let n = name.len();
    let mut i = 0;
    let mut found = None;
    while i < n {
        if !name[i].is_ascii_digit() || (i > 0 && name[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run = name[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = |a: usize, len: usize| -> Option<u32> {
            std::str::from_utf8(&name[a..a + len]).ok()?.parse().ok()
        };
        let candidate = match run {
            // YYYYMMDD or YYYYMMDDHH
            8 | 10 => {
                let d = NaiveDate::from_ymd_opt(
                    digits(i, 4)? as i32,
                    digits(i + 4, 2)?,
                    digits(i + 6, 2)?,
                );
                d.and_then(|d| {
                    if run == 10 {
                        hour(d, digits(i + 8, 2)?)
                    } else {
                        Some(day(d))
                    }
                })
            }
            // YYYY-MM-DD, optionally followed by THH[:MM[:SS]] or -HH
            4 if name.get(i + 4) == Some(&b'-') && i + 10 <= n && name[i + 7] == b'-' => {
                let d = NaiveDate::from_ymd_opt(
                    digits(i, 4)? as i32,
                    digits(i + 5, 2)?,
                    digits(i + 8, 2)?,
                );
                let rest = &name[i + 10..];
                let h = if (rest.first() == Some(&b'T') || rest.first() == Some(&b'-'))
                    && rest.len() >= 3
                    && rest[1..3].iter().all(u8::is_ascii_digit)
                    && rest.get(3).is_none_or(|b| !b.is_ascii_digit())
                {
                    Some(digits(i + 11, 2)?)
                } else {
                    None
                };
                d.and_then(|d| match h {
                    Some(h) => hour(d, h),
                    None => Some(day(d)),
                })
            }
            _ => None,
        };
        // Years 2000-2099 only: logrotate's `dateformat -%s` writes seconds since 1970, whose
        // ten digits read as YYYYMMDDHH name a year such as 1801 (a new user's review: a file
        // rotated a day ago was 82,571 days old by its name, and deleted). Such a name has no
        // date; the file's age comes from its modification time.
        let plausible = candidate.is_some_and(|(start, _)| (2000..2100).contains(&start.year()));
        if plausible && let Some(end) = candidate.end(local) {
            found = Some(end); // the last date in the name wins (`app-2025-01-01.log-20261101`)
        }
        i += run;
    }
    found
}

fn day(d: NaiveDate) -> (NaiveDateTime, Duration) {
    (d.and_time(NaiveTime::MIN), Duration::days(1))
}

fn hour(d: NaiveDate, h: u32) -> Option<(NaiveDateTime, Duration)> {
    Some((d.and_hms_opt(h, 0, 0)?, Duration::hours(1)))
}

trait PeriodEnd {
    fn end<Tz: TimeZone>(self, local: &Tz) -> Option<DateTime<Utc>>;
}

impl PeriodEnd for Option<(NaiveDateTime, Duration)> {
    /// The period's end read in UTC or in the local time zone, whichever is later: logrotate
    /// names a file by the local date, and a day that ends at midnight UTC ends 8 hours later
    /// in Los Angeles, where the file is still written to (a new user's review: `run` took a
    /// live file for a rotated one, and lines written after went nowhere). Later is the safe
    /// side: never deleted inside its window, never rewritten while written to.
    fn end<Tz: TimeZone>(self, local: &Tz) -> Option<DateTime<Utc>> {
        self.map(|(start, len)| {
            let end = start + len;
            let utc = Utc.from_utc_datetime(&end);
            let local = local
                .from_local_datetime(&end)
                .latest()
                .map(|t| t.with_timezone(&Utc));
            local.map_or(utc, |l| l.max(utc))
        })
    }
}

/// Longest duration accepted: 100 years (a longer window is "keep forever", which policies say
/// with keep-forever); anything longer would also overflow the date arithmetic.
pub const MAX_DURATION_DAYS: i64 = 36_525;

/// A duration such as `30d`, `12h`, `2w`, `1y` (365 days), `90m`, `45s`, or a sum of them
/// (`1d12h`), at most [`MAX_DURATION_DAYS`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let too_long = || {
        format!(
            "`{s}`: longer than 100 years; to keep files forever, use keep-forever or no window"
        )
    };
    // Zero needs no unit (`--max-age 0 --force`, as the help writes it).
    if s.trim() == "0" {
        return Ok(Duration::zero());
    }
    let mut total = Duration::zero();
    let mut num = String::new();
    let mut any = false;
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if num.is_empty() {
            return Err(format!("`{s}`: expected a number before `{c}`"));
        }
        let n: i64 = num.parse().map_err(|_| too_long())?;
        num.clear();
        let secs_per = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            'y' => 365 * 86_400,
            _ => {
                return Err(format!(
                    "`{s}`: unknown unit `{c}`; expected s, m, h, d, w or y (e.g. 30d, 12h, 2w, 1y)"
                ));
            }
        };
        let part = n
            .checked_mul(secs_per)
            .filter(|&p| p <= MAX_DURATION_DAYS * 86_400)
            .ok_or_else(too_long)?;
        total = total
            .checked_add(&Duration::seconds(part))
            .filter(|t| t.num_days() <= MAX_DURATION_DAYS)
            .ok_or_else(too_long)?;
        any = true;
    }
    if !num.is_empty() || !any {
        return Err(format!(
            "`{s}`: expected a duration such as 30d, 12h, 2w or 1d12h"
        ));
    }
    Ok(total)
}

/// `--now`: RFC 3339 (`2026-11-22T00:00:00Z`), a date (`2026-11-22`, midnight UTC) or `@EPOCH`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    if let Some(e) = s.strip_prefix('@') {
        let secs: i64 = e
            .parse()
            .map_err(|_| format!("`{s}`: expected @ and seconds since 1970"))?;
        return Utc
            .timestamp_opt(secs, 0)
            .single()
            .ok_or_else(|| format!("`{s}`: out of range"));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)));
    }
    Err(format!(
        "`{s}`: expected RFC 3339 time (2026-11-22T00:00:00Z), a date (2026-11-22) or @EPOCH"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(name: &str) -> Option<String> {
        name_period_end_at(name.as_bytes(), &Utc).map(|t| t.format("%Y-%m-%dT%H").to_string())
    }

    /// West of UTC a named day ends later, east of it the UTC reading is the later one.
    #[test]
    fn the_later_of_utc_and_local_time() {
        let at = |name: &str, hours: i32| {
            let tz = chrono::FixedOffset::east_opt(hours * 3600).unwrap();
            name_period_end_at(name.as_bytes(), &tz).map(|t| t.format("%Y-%m-%dT%H").to_string())
        };
        assert_eq!(at("a-20261101.log", -8).as_deref(), Some("2026-11-02T08"));
        assert_eq!(at("a-20261101.log", 9).as_deref(), Some("2026-11-02T00"));
        assert_eq!(at("a-2026110113.log", -5).as_deref(), Some("2026-11-01T19"));
    }

    #[test]
    fn dates_in_names() {
        let table = [
            ("access.log-20261101", Some("2026-11-02T00")),
            ("access.log-20261101.gz", Some("2026-11-02T00")),
            ("access.log-2026110113.zst", Some("2026-11-01T14")),
            ("unbound-2026-11-01.log", Some("2026-11-02T00")),
            ("app.2026-11-01T13.log", Some("2026-11-01T14")),
            ("app.2026-11-01-13.log.gz", Some("2026-11-01T14")),
            ("app-2025-01-01.log-20261101", Some("2026-11-02T00")),
            ("access.log.1", None),
            ("access.log.2.gz", None),
            ("build-123456789.log", None),
            ("x-20261340.log", None),
            ("x-99999999.log", None),
            // Seconds since 1970 (logrotate's `-%s`), and years no log was written in.
            ("access.log-1801010100", None),
            ("access.log-1801010100.gz", None),
            ("app-10101010.log", None),
            ("x-21001231.log", None),
            ("x-20991231.log", Some("2100-01-01T00")),
            ("x-2000-01-01.log", Some("2000-01-02T00")),
        ];
        for (name, want) in table {
            assert_eq!(end(name).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn durations_and_now() {
        assert_eq!(parse_duration("30d").unwrap(), Duration::days(30));
        assert_eq!(parse_duration("1d12h").unwrap(), Duration::hours(36));
        assert_eq!(parse_duration("2w").unwrap(), Duration::days(14));
        assert_eq!(parse_duration("1y").unwrap(), Duration::days(365));
        // Overflow and absurd windows are errors, never panics (issue 15).
        for s in [
            "106751991168d",
            "106751991167d1d",
            "99999999999999999999s",
            "101y",
            "36526d",
        ] {
            assert!(
                parse_duration(s)
                    .unwrap_err()
                    .contains("longer than 100 years"),
                "{s}"
            );
        }
        assert!(parse_duration("d").is_err());
        // Zero alone needs no unit (`--max-age 0 --force`).
        assert_eq!(parse_duration("0").unwrap(), Duration::zero());
        assert!(parse_duration("00").is_err());
        assert!(
            parse_duration("30")
                .unwrap_err()
                .contains("expected a duration")
        );
        assert!(
            parse_duration("3q")
                .unwrap_err()
                .contains("unknown unit `q`")
        );
        assert!(parse_duration("").is_err());
        assert_eq!(
            parse_now("2026-11-22").unwrap().to_rfc3339(),
            "2026-11-22T00:00:00+00:00"
        );
        assert_eq!(
            parse_now("@0").unwrap().to_rfc3339(),
            "1970-01-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_now("2026-11-22T10:00:00+02:00").unwrap().to_rfc3339(),
            "2026-11-22T08:00:00+00:00"
        );
        assert!(parse_now("yesterday").is_err());
    }
}
