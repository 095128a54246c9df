//! What lets a browser or a cache keep a file and ask only whether it changed:
//! `Last-Modified`, `ETag`, the HTTP date format they travel in, and the
//! conditional request that is answered `304 Not Modified` (RFC 9110 §8.8, §13).
//!
//! A `--dir` file's answer carries both validators, made from the file's
//! modification time and length as nginx makes them:
//!
//! - `Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT`, the mtime in whole seconds;
//! - `ETag: "5a1b2c3d.1f4-2d67"`, the mtime's seconds and nanoseconds and the
//!   length, in hex. nginx's is `"seconds-length"`; the nanoseconds make a file
//!   rewritten within the same second, at the same length, get a new tag.
//!
//! A GET or HEAD that sends them back is answered by [`not_modified`], in the
//! order RFC 9110 §13.2.2 gives: `If-None-Match` decides when present (weak
//! comparison, `*` matches any file); only without it does `If-Modified-Since`
//! count, and then the file is "not modified" when its mtime, in whole seconds,
//! is not after the date sent. An `If-Modified-Since` that does not parse is
//! ignored, as the RFC asks. nginx's default (`if_modified_since exact`) answers
//! 304 only when the date equals the file's exactly; we follow the RFC's "not
//! after", which answers the same for a browser (it sends back what it got).
//!
//! The built-in flags carry no validators: they have no file to take a time from.
//! (A tag made from their bytes at build time would serve; nothing here caches
//! them across runs, so it is left out.)

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a response says about its file, for a later conditional request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    /// The file's modification time.
    pub modified: SystemTime,
    /// The file's length in bytes.
    pub len: u64,
}

impl FileStamp {
    /// The `ETag` value, quotes included (module doc).
    pub fn etag(&self) -> String {
        let since = since_epoch(self.modified);
        format!(
            "\"{:x}.{:x}-{:x}\"",
            since.as_secs(),
            since.subsec_nanos(),
            self.len
        )
    }

    /// The `Last-Modified` value.
    pub fn last_modified(&self) -> String {
        http_date(self.modified)
    }
}

/// The validators a request sent, as they came (`None` when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// The `If-None-Match` field's value (several fields joined with commas).
    pub if_none_match: Option<String>,
    /// The `If-Modified-Since` field's value.
    pub if_modified_since: Option<String>,
}

/// Whether a GET or HEAD with `conditions` for a file with `stamp` is answered
/// 304 instead of 200 (module doc).
pub fn not_modified(conditions: &Conditions, stamp: &FileStamp) -> bool {
    if let Some(tags) = &conditions.if_none_match {
        let etag = stamp.etag();
        return tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag);
    }
    match conditions
        .if_modified_since
        .as_deref()
        .and_then(parse_http_date)
    {
        Some(date) => since_epoch(stamp.modified).as_secs() <= since_epoch(date).as_secs(),
        None => false,
    }
}

/// `t` since the epoch; zero for a time before it (a file stamped 1960).
fn since_epoch(t: SystemTime) -> Duration {
    t.duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// Day names from Thursday, the weekday of 1970-01-01.
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// Month names, January first.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `t` as an IMF-fixdate (RFC 9110 §5.6.7), for example
/// `Sun, 06 Nov 1994 08:49:37 GMT`, in whole seconds.
pub fn http_date(t: SystemTime) -> String {
    let secs = since_epoch(t).as_secs();
    let days = secs / 86_400;
    let (year, month, day) = civil_from_days(days);
    let in_day = secs % 86_400;
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Parses an HTTP date in any of the three forms RFC 9110 §5.6.7 asks a recipient
/// to accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850
/// form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
/// The weekday is not checked. `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    let tokens: Vec<&str> = text
        .split([' ', ',', '-', ':'])
        .filter(|token| !token.is_empty())
        .collect();
    let month_of = |name: &str| MONTHS.iter().position(|m| *m == name).map(|i| i as u64 + 1);
    let number = |token: &str| -> Option<u64> {
        (!token.is_empty() && token.len() <= 4 && token.bytes().all(|b| b.is_ascii_digit()))
            .then(|| token.parse().ok())
            .flatten()
    };
    let (day, month, year, clock) = match tokens.as_slice() {
        // asctime: weekday, month, day, hh, mm, ss, year.
        [_, month, day, h, m, s, year] => (*day, month_of(month)?, *year, [*h, *m, *s]),
        // IMF-fixdate and RFC 850: weekday, day, month, year, hh, mm, ss, "GMT".
        [_, day, month, year, h, m, s, "GMT"] => (*day, month_of(month)?, *year, [*h, *m, *s]),
        _ => return None,
    };
    let (day, mut year) = (number(day)?, number(year)?);
    if year < 100 {
        // RFC 850's two-digit year: RFC 9110 says to read a year more than 50 years
        // ahead as the past; for dates sent by clients today, 70-99 is 19xx.
        year += if year < 70 { 2000 } else { 1900 };
    }
    let [h, m, s] = clock.map(number);
    let (h, m, s) = (h?, m?, s?);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s))
}

/// (year, month 1-12, day 1-31) of the `days`-th day after 1970-01-01, in the
/// proleptic Gregorian calendar. Counts in 400-year eras of 146,097 days, each
/// starting on a March 1st so that the leap day falls at the end of a year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// The inverse of [`civil_from_days`]: days from 1970-01-01 to the given date
/// (which must not be before it).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era).saturating_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9110's example instant, 1994-11-06 08:49:37 UTC.
    fn rfc_example() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    #[test]
    fn dates_are_formatted_as_imf_fixdate() {
        assert_eq!(http_date(rfc_example()), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(http_date(leap_day), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn all_three_date_forms_parse_to_the_same_instant() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text), Some(rfc_example()), "{text}");
        }
    }

    #[test]
    fn formatting_and_parsing_agree_over_a_century_of_days() {
        for days in (0..36_600u64).step_by(7) {
            let t = UNIX_EPOCH + Duration::from_secs(days * 86_400 + 45_296);
            assert_eq!(parse_http_date(&http_date(t)), Some(t), "day {days}");
        }
    }

    #[test]
    fn malformed_dates_are_ignored() {
        for text in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 19940 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(text), None, "{text:?}");
        }
    }

    fn stamp() -> FileStamp {
        FileStamp {
            modified: rfc_example() + Duration::from_nanos(500),
            len: 11_623,
        }
    }

    fn asking(if_none_match: Option<&str>, if_modified_since: Option<&str>) -> Conditions {
        Conditions {
            if_none_match: if_none_match.map(str::to_owned),
            if_modified_since: if_modified_since.map(str::to_owned),
        }
    }

    #[test]
    fn the_etag_names_mtime_and_length() {
        assert_eq!(stamp().etag(), "\"2ebc98a1.1f4-2d67\"");
        assert_eq!(stamp().last_modified(), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn a_matching_etag_is_not_modified_and_any_other_is() {
        let etag = stamp().etag();
        assert!(not_modified(&asking(Some(&etag), None), &stamp()));
        assert!(not_modified(
            &asking(Some(&format!("W/{etag}")), None),
            &stamp()
        ));
        assert!(not_modified(
            &asking(Some(&format!("\"x\", {etag}")), None),
            &stamp()
        ));
        assert!(not_modified(&asking(Some("*"), None), &stamp()));
        assert!(!not_modified(&asking(Some("\"x\""), None), &stamp()));
        // If-None-Match decides: a matching date does not override a stale tag.
        let date = stamp().last_modified();
        assert!(!not_modified(&asking(Some("\"x\""), Some(&date)), &stamp()));
    }

    #[test]
    fn if_modified_since_counts_whole_seconds() {
        let at = |secs: u64| {
            http_date(rfc_example() + Duration::from_secs(secs) - Duration::from_secs(1))
        };
        assert!(
            !not_modified(&asking(None, Some(&at(0))), &stamp()),
            "a second before"
        );
        assert!(
            not_modified(&asking(None, Some(&at(1))), &stamp()),
            "the same second"
        );
        assert!(
            not_modified(&asking(None, Some(&at(2))), &stamp()),
            "a second after"
        );
        assert!(!not_modified(&asking(None, Some("garbage")), &stamp()));
        assert!(!not_modified(&Conditions::default(), &stamp()));
    }
}
