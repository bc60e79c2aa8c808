//! Civil-date arithmetic and every timestamp form the crate reads or writes:
//! SigV4's `x-amz-date`, STS's `Expiration`, and the RFC 3339 forms of the SSO
//! token cache.
//!
//! Written once here so that the signer, the STS reader and the cache agree on
//! the calendar (proleptic Gregorian, Howard Hinnant's algorithms) and on what a
//! timestamp may look like.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Days since 1970-01-01 for a proleptic Gregorian date (`days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 as (year, month, day) (`civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A moment broken into UTC fields, for writers. `None` before 1970 or after
/// 9999.
struct Civil {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Civil {
    fn of(time: SystemTime) -> Option<Self> {
        let secs = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
        let (year, month, day) = civil_from_days(i64::try_from(secs / 86_400).ok()?);
        let year = u32::try_from(year).ok().filter(|y| *y <= 9999)?;
        let rest = u32::try_from(secs % 86_400).ok()?;
        Some(Self {
            year,
            month,
            day,
            hour: rest / 3600,
            minute: rest / 60 % 60,
            second: rest % 60,
        })
    }
}

/// Writes `value` as `width` decimal digits at `out[at..]`.
fn put_digits(out: &mut [u8], at: usize, value: u32, width: usize) {
    let mut value = value;
    for i in (0..width).rev() {
        out[at + i] = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
    }
}

/// SigV4's `x-amz-date`: `YYYYMMDDTHHMMSSZ` in UTC; its first 8 bytes are the
/// credential scope's date.
#[cfg_attr(not(feature = "sigv4"), allow(dead_code))]
pub(crate) struct AmzDate([u8; 16]);

#[cfg_attr(not(feature = "sigv4"), allow(dead_code))]
impl AmzDate {
    /// `None` before 1970 or after 9999.
    pub(crate) fn new(time: SystemTime) -> Option<Self> {
        let c = Civil::of(time)?;
        let mut out = *b"00000000T000000Z";
        put_digits(&mut out, 0, c.year, 4);
        put_digits(&mut out, 4, c.month, 2);
        put_digits(&mut out, 6, c.day, 2);
        put_digits(&mut out, 9, c.hour, 2);
        put_digits(&mut out, 11, c.minute, 2);
        put_digits(&mut out, 13, c.second, 2);
        Some(Self(out))
    }

    pub(crate) fn date_time(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn date(&self) -> &[u8] {
        &self.0[..8]
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC, fractions dropped: the one form every reader
/// of the SSO token cache accepts. `None` before 1970 or after 9999.
#[cfg_attr(
    not(any(feature = "cache", feature = "sts", feature = "portal")),
    allow(dead_code)
)]
pub(crate) fn rfc3339_z(time: SystemTime) -> Option<[u8; 20]> {
    let c = Civil::of(time)?;
    let mut out = *b"0000-00-00T00:00:00Z";
    put_digits(&mut out, 0, c.year, 4);
    put_digits(&mut out, 5, c.month, 2);
    put_digits(&mut out, 8, c.day, 2);
    put_digits(&mut out, 11, c.hour, 2);
    put_digits(&mut out, 14, c.minute, 2);
    put_digits(&mut out, 17, c.second, 2);
    Some(out)
}

/// Which zone designators a reader takes besides `Z` and numeric offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(any(feature = "sts", feature = "cache")), allow(dead_code))]
pub(crate) enum Zones {
    /// `Z` and `±hh:mm` (STS, RFC 3339).
    Rfc3339,
    /// Also `UTC` (written by AWS CLIs before December 2020), `±hhmm` and
    /// `±hh`, as botocore's dateutil reads them.
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    Lenient,
}

/// The decimal number `b[range]` spells, digits only.
fn digits(b: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    b.get(range)?.iter().try_fold(0u32, |value, &d| {
        d.is_ascii_digit().then(|| value * 10 + u32::from(d - b'0'))
    })
}

/// Seconds since 1970 of a UTC date and time, `None` when a field is out of
/// range (`:60` too: a reader that takes leap seconds handles them first).
fn civil_secs(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<i64> {
    if month == 0
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction]<zone>`. Nothing else is accepted: no
/// surrounding space, no offset beyond ±23:59, no field out of range. Fractions
/// beyond nanoseconds are truncated. A leap second, `:60`, is read as the SDK's
/// reader (the `time` crate) reads it: only as the last second of a month in
/// UTC, and as the nanosecond before the next minute (`23:59:59.999999999`).
#[cfg_attr(not(any(feature = "sts", feature = "cache")), allow(dead_code))]
pub(crate) fn parse_rfc3339(b: &[u8], zones: Zones) -> Option<SystemTime> {
    let num = digits;
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (i64::from(num(b, 0..4)?), num(b, 5..7)?, num(b, 8..10)?);
    let (hour, minute, second) = (num(b, 11..13)?, num(b, 14..16)?, num(b, 17..19)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start).min(9)..9 {
            nanos *= 10;
        }
    }
    let offset_minutes = |sign: u8, h: u32, m: u32| -> Option<i64> {
        if h > 23 || m > 59 {
            return None;
        }
        let minutes = i64::from(h * 60 + m);
        Some(if sign == b'-' { -minutes } else { minutes })
    };
    let lenient = zones == Zones::Lenient;
    let zone = b.get(i..)?;
    let offset = match zone {
        b"Z" | b"z" => 0,
        b"UTC" | b"utc" if lenient => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            offset_minutes(*sign, num(zone, 1..3)?, num(zone, 4..6)?)?
        }
        [sign @ (b'+' | b'-'), _, _, _, _] if lenient => {
            offset_minutes(*sign, num(zone, 1..3)?, num(zone, 3..5)?)?
        }
        [sign @ (b'+' | b'-'), _, _] if lenient => offset_minutes(*sign, num(zone, 1..3)?, 0)?,
        _ => return None,
    };
    let leap = second == 60;
    let (second, nanos) = if leap {
        (59, 999_999_999)
    } else {
        (second, nanos)
    };
    let secs = civil_secs(year, month, day, hour, minute, second)? - offset * 60;
    let secs = u64::try_from(secs).ok()?;
    if leap {
        // Only where a leap second can be: the next second, in UTC, starts
        // the first day of a month.
        let next = secs + 1;
        let (_, _, day) = civil_from_days(i64::try_from(next / 86_400).ok()?);
        if next % 86_400 != 0 || day != 1 {
            return None;
        }
    }
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Reads an HTTP-date in its one current form, IMF-fixdate (RFC 9110
/// section 5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`, which every AWS service
/// sends in `Date`. The obsolete RFC 850 and asctime forms are not read (the
/// SDK's `HttpDate` reader does not take them either); the weekday must be one
/// of the seven names but is not checked against the date.
#[cfg(feature = "http")]
pub(crate) fn parse_http_date(b: &[u8]) -> Option<SystemTime> {
    const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let b: &[u8; 29] = b.try_into().ok()?;
    if !DAYS.iter().any(|day| b[..3] == day[..])
        || &b[3..5] != b", "
        || b[7] != b' '
        || b[11] != b' '
        || b[16] != b' '
        || b[19] != b':'
        || b[22] != b':'
        || &b[25..] != b" GMT"
    {
        return None;
    }
    let month = MONTHS.iter().position(|m| b[8..11] == m[..])? + 1;
    let secs = civil_secs(
        i64::from(digits(b, 12..16)?),
        u32::try_from(month).ok()?,
        digits(b, 5..7)?,
        digits(b, 17..19)?,
        digits(b, 20..22)?,
        digits(b, 23..25)?,
    )?;
    UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))
}

/// How far the service's clock is from this one: positive when the service's
/// is ahead. Learned from a refused signature's `Date` header (the `send`
/// calls and the credentials provider sign again corrected by it, as the SDK's
/// clients do).
#[cfg(any(feature = "reqwest", feature = "ureq"))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ClockSkew {
    /// Milliseconds, signed (`Date` has whole seconds; SigV4 signs seconds).
    millis: i64,
}

#[cfg(any(feature = "reqwest", feature = "ureq"))]
impl ClockSkew {
    /// The skew a `Date` of `server` shows for a request sent at `sent` and
    /// answered at `received` (this clock): the service is taken to have
    /// stamped its answer halfway through the round trip (NTP's offset, as the
    /// SDK measures it).
    pub(crate) fn measured(server: SystemTime, sent: SystemTime, received: SystemTime) -> Self {
        let midpoint = sent + received.duration_since(sent).unwrap_or_default() / 2;
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Self {
            millis: match server.duration_since(midpoint) {
                Ok(ahead) => millis(ahead),
                Err(behind) => -millis(behind.duration()),
            },
        }
    }

    /// `time` on this clock, as the service's clock reads it.
    pub(crate) fn to_service(self, time: SystemTime) -> SystemTime {
        shift(time, self.millis)
    }

    /// `time` on the service's clock, as this clock reads it.
    #[cfg_attr(not(feature = "credentials"), allow(dead_code))]
    pub(crate) fn to_local(self, time: SystemTime) -> SystemTime {
        shift(time, self.millis.saturating_neg())
    }

    /// How far apart two skews are.
    pub(crate) fn distance(self, other: Self) -> Duration {
        Duration::from_millis(self.millis.abs_diff(other.millis))
    }
}

/// `time` moved on by `millis` (back, when negative); `time` itself if that
/// cannot be represented.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
fn shift(time: SystemTime, millis: i64) -> SystemTime {
    let by = Duration::from_millis(millis.unsigned_abs());
    if millis >= 0 {
        time.checked_add(by)
    } else {
        time.checked_sub(by)
    }
    .unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 10_957, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn amz_date() {
        let d = AmzDate::new(at(1_440_938_160)).unwrap();
        assert_eq!(d.date_time(), b"20150830T123600Z");
        assert_eq!(d.date(), b"20150830");
        assert!(AmzDate::new(at(253_402_300_800)).is_none(), "year 10000");
        assert!(AmzDate::new(UNIX_EPOCH - Duration::from_secs(1)).is_none());
    }

    #[test]
    fn writes_z() {
        let t = at(1_764_248_400) + Duration::from_millis(999);
        assert_eq!(&rfc3339_z(t).unwrap(), b"2025-11-27T13:00:00Z");
        assert_eq!(&rfc3339_z(at(0)).unwrap(), b"1970-01-01T00:00:00Z");
    }

    #[test]
    fn reads_every_form() {
        let t = at(1_764_248_400);
        for (text, zones) in [
            ("2025-11-27T13:00:00Z", Zones::Rfc3339),
            ("2025-11-27t13:00:00z", Zones::Rfc3339),
            ("2025-11-27T14:30:00+01:30", Zones::Rfc3339),
            ("2025-11-27T08:00:00-05:00", Zones::Rfc3339),
            ("2025-11-27T13:00:00UTC", Zones::Lenient),
            ("2025-11-27T13:00:00+00:00", Zones::Lenient),
            ("2025-11-27T14:00:00+0100", Zones::Lenient),
            ("2025-11-27T14:00:00+01", Zones::Lenient),
        ] {
            assert_eq!(parse_rfc3339(text.as_bytes(), zones), Some(t), "{text}");
        }
        assert_eq!(
            parse_rfc3339(b"2025-11-27T13:00:00.123456Z", Zones::Rfc3339),
            Some(t + Duration::from_micros(123_456))
        );
        assert_eq!(
            parse_rfc3339(b"2025-11-27T13:00:00.1234567891Z", Zones::Rfc3339),
            Some(t + Duration::from_nanos(123_456_789))
        );
    }

    #[test]
    fn refuses_the_rest() {
        for text in [
            "",
            "2025-11-27",
            "2025-11-27 13:00:00Z",
            " 2025-11-27T13:00:00Z",
            "2025-11-27T13:00:00Z ",
            "2025-11-27T13:00:00\u{a0}Z",
            "2025-11-27T13:00:00",
            "2025-11-27T13:00:00.Z",
            "2025-13-27T13:00:00Z",
            "2025-02-29T13:00:00Z",
            "2025-11-31T13:00:00Z",
            "2025-11-27T24:00:00Z",
            "2025-11-27T13:60:00Z",
            "2025-11-27T13:00:61Z",
            "2025-11-27T13:00:00+99:99",
            "2025-11-27T13:00:00+24:00",
            "2025-11-27T13:00:00+23:60",
            "2025-11-27T13:00:00+1:00",
            "1969-12-31T23:59:59Z",
            "+025-11-27T13:00:00Z",
        ] {
            assert_eq!(
                parse_rfc3339(text.as_bytes(), Zones::Lenient),
                None,
                "{text:?}"
            );
        }
        for text in [
            "2025-11-27T13:00:00UTC",
            "2025-11-27T13:00:00+0000",
            "2025-11-27T13:00:00+00",
        ] {
            assert_eq!(
                parse_rfc3339(text.as_bytes(), Zones::Rfc3339),
                None,
                "{text}"
            );
        }
        assert!(parse_rfc3339(b"2025-11-27T13:00:00+23:59", Zones::Rfc3339).is_some());
    }

    /// A leap second as the SDK's reader (the `time` crate) takes it: only the
    /// last second of a month in UTC, read as the nanosecond before the next.
    #[test]
    fn a_leap_second_only_where_one_can_be() {
        let before = |secs| Some(at(secs) - Duration::from_nanos(1));
        // 2017-01-01T00:00:00Z is 1_483_228_800.
        for text in [
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5Z",
            "2017-01-01T00:59:60+01:00",
            "2016-12-31T22:59:60-01:00",
        ] {
            assert_eq!(
                parse_rfc3339(text.as_bytes(), Zones::Rfc3339),
                before(1_483_228_800),
                "{text}"
            );
        }
        // The last second of February in a leap year, and of 9999.
        assert_eq!(
            parse_rfc3339(b"2024-02-29T23:59:60Z", Zones::Rfc3339),
            before(1_709_251_200)
        );
        assert!(parse_rfc3339(b"9999-12-31T23:59:60Z", Zones::Rfc3339).is_some());
        for text in [
            "2025-11-27T13:00:60Z",
            "2016-12-30T23:59:60Z",
            "2016-12-31T23:58:60Z",
            "2016-12-31T22:59:60Z",
            "2016-12-31T23:59:60+01:00",
            "2023-02-28T23:59:60+00:30",
        ] {
            assert_eq!(
                parse_rfc3339(text.as_bytes(), Zones::Lenient),
                None,
                "{text}"
            );
        }
    }

    #[cfg(feature = "http")]
    #[test]
    fn reads_imf_fixdate() {
        assert_eq!(
            parse_http_date(b"Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(at(784_111_777))
        );
        assert_eq!(
            parse_http_date(b"Thu, 03 Dec 2026 15:23:22 GMT"),
            Some(at(1_796_311_402))
        );
        assert_eq!(
            parse_http_date(b"Tue, 29 Feb 2028 00:00:00 GMT"),
            Some(at(1_835_395_200))
        );
        for text in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            " Sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2027 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            // The SDK's reader takes no leap second in an HTTP date.
            "Sat, 31 Dec 2016 23:59:60 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun; 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(text.as_bytes()), None, "{text:?}");
        }
    }

    #[cfg(any(feature = "reqwest", feature = "ureq"))]
    #[test]
    fn a_skew_is_measured_from_the_round_trips_midpoint_and_shifts_both_ways() {
        let sent = at(1_000_000);
        let received = sent + Duration::from_secs(2);
        let ahead = ClockSkew::measured(at(1_000_601), sent, received);
        assert_eq!(ahead.to_service(sent), at(1_000_600));
        assert_eq!(ahead.to_local(at(1_000_600)), sent);
        let behind = ClockSkew::measured(at(999_401), sent, received);
        assert_eq!(behind.to_service(sent), at(999_400));
        assert_eq!(behind.to_local(at(999_400)), sent);
        assert_eq!(ahead.distance(behind), Duration::from_secs(1_200));
        assert_eq!(ClockSkew::default().to_service(sent), sent);
        // An answer dated before it was asked for on this clock (a reordered
        // clock): the midpoint is the sending time.
        assert_eq!(
            ClockSkew::measured(sent, received, sent),
            ClockSkew::measured(sent, received, received)
        );
    }
}
