//! Cookie dates: writing `Expires` as an HTTP-date (RFC 6265 §4.1.1, `rfc1123-date`) and
//! reading it back with the lenient algorithm browsers use (RFC 6265 §5.1.1). Done here
//! rather than through a date library: these two small functions are all a cookie needs,
//! and a general parser and formatter would weigh more in the Wasm than the rest of the
//! cookie layer.
//!
//! Both speak [`Millis`], the crate's one time type; the text itself counts whole
//! seconds.

use crate::clock::Millis;

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The earliest and latest moments [`parse_cookie_date`] reads, as browsers do (RFC 6265
/// §5.1.1: years before 1601 are ignored; a year has at most four digits):
/// 1601-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const FIRST_READABLE: i64 = -11_644_473_600;
const LAST_READABLE: i64 = 253_402_300_799;

/// `Thu, 01 Jan 1970 00:00:00 GMT` for a moment in milliseconds since the Unix epoch (the
/// second it falls in), clamped to the dates a browser reads (1601 to 9999): a removal
/// dated in year 1500 or -1 must still read as a past date, where written as is it would
/// be ignored and create the cookie it deletes.
///
/// ```
/// use crumbs_cookies::format_http_date;
/// assert_eq!(format_http_date(784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
/// assert_eq!(format_http_date(i64::MIN), "Mon, 01 Jan 1601 00:00:00 GMT");
/// ```
pub fn format_http_date(at: Millis) -> String {
    let unix_seconds = at.div_euclid(1000).clamp(FIRST_READABLE, LAST_READABLE);
    let days = unix_seconds.div_euclid(86_400);
    let seconds = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// A cookie date as browsers read it (RFC 6265 §5.1.1): tokens in any order, the first
/// time, day of month, month name and year found are used; two-digit years are 19xx or
/// 20xx. The moment is in milliseconds since the Unix epoch; `None` where a browser would
/// ignore the attribute.
///
/// ```
/// use crumbs_cookies::parse_cookie_date;
/// assert_eq!(parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
/// assert_eq!(parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777_000));
/// assert_eq!(parse_cookie_date("tomorrow"), None);
/// ```
pub fn parse_cookie_date(text: &str) -> Option<Millis> {
    let mut time = None;
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for token in text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
        .filter(|t| !t.is_empty())
    {
        if time.is_none() {
            if let Some(parsed) = parse_time(token) {
                time = Some(parsed);
                continue;
            }
        }
        let digits = leading_digits(token);
        if day.is_none() && (1..=2).contains(&digits.len()) {
            day = digits.parse::<u32>().ok();
            continue;
        }
        if month.is_none() && token.len() >= 3 {
            let prefix = token[..3].to_ascii_lowercase();
            if let Some(index) = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(&prefix)) {
                month = Some(index as u32 + 1);
                continue;
            }
        }
        if year.is_none() && (2..=4).contains(&digits.len()) {
            year = digits.parse::<i64>().ok();
        }
    }
    let (hour, minute, second) = time?;
    let (day, month, mut year) = (day?, month?, year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    let valid = (1..=31).contains(&day)
        && year >= 1601
        && hour <= 23
        && minute <= 59
        && second <= 59
        && day <= days_in_month(year, month);
    valid.then(|| {
        (days_from_civil(year, month, day) * 86_400
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second))
        .saturating_mul(1000)
    })
}

fn leading_digits(token: &str) -> &str {
    let end = token
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(token.len());
    &token[..end]
}

/// `hms-time`: 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT, anything may follow the seconds.
fn parse_time(token: &str) -> Option<(u32, u32, u32)> {
    let mut parts = token.splitn(3, ':');
    let hour = parts.next()?;
    let minute = parts.next()?;
    let second = leading_digits(parts.next()?);
    let field = |digits: &str| -> Option<u32> {
        ((1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    Some((field(hour)?, field(minute)?, field(second)?))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables read best in whole seconds; the functions speak milliseconds.
    fn ms(seconds: i64) -> Millis {
        seconds.saturating_mul(1000)
    }

    #[test]
    fn format_table() {
        for (seconds, text) in [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        ] {
            assert_eq!(format_http_date(ms(seconds)), text);
            assert_eq!(parse_cookie_date(text), Some(ms(seconds)), "{text}");
        }
        // A moment is written as the second it falls in.
        assert_eq!(format_http_date(999), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
    }

    #[test]
    fn lenient_parse_table() {
        for (text, expected) in [
            ("Sunday, 06-Nov-94 08:49:37 GMT", Some(784_111_777)),
            ("Sun Nov  6 08:49:37 1994", Some(784_111_777)),
            ("06 november 1994 08:49:37", Some(784_111_777)),
            ("Wed, 09 Jun 2021 10:18:14 GMT", Some(1_623_233_894)),
            ("1 Jan 70 0:0:0", Some(0)),
            ("Tue, 30 Feb 2000 00:00:00 GMT", None),
            ("Thu, 01 Jan 1970 24:00:00 GMT", None),
            ("Thu, 01 Foo 1970 00:00:00 GMT", None),
            ("01 Jan 1600 00:00:00", None),
            ("tomorrow", None),
            ("", None),
        ] {
            assert_eq!(parse_cookie_date(text), expected.map(ms), "{text}");
        }
    }

    /// 1601-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range browsers read.
    const FIRST: i64 = -11_644_473_600;
    const LAST: i64 = 253_402_300_799;

    #[test]
    fn dates_outside_what_browsers_read_are_clamped_into_it() {
        for (seconds, text) in [
            (FIRST, "Mon, 01 Jan 1601 00:00:00 GMT"),
            (FIRST - 1, "Mon, 01 Jan 1601 00:00:00 GMT"),
            (-62_198_755_200, "Mon, 01 Jan 1601 00:00:00 GMT"),
            (
                -62_167_219_200 - 86_400 * 366,
                "Mon, 01 Jan 1601 00:00:00 GMT",
            ),
            (i64::MIN, "Mon, 01 Jan 1601 00:00:00 GMT"),
            (LAST, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (LAST + 1, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (i64::MAX, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ] {
            assert_eq!(format_http_date(ms(seconds)), text, "{seconds}");
            let read = parse_cookie_date(text);
            assert_eq!(read, Some(ms(seconds.clamp(FIRST, LAST))), "{text}");
        }
    }

    #[test]
    fn every_day_for_centuries_round_trips() {
        for day in (-1_000_000..3_000_000).step_by(37) {
            let seconds = day * 86_400 + 3_723;
            let text = format_http_date(ms(seconds));
            assert_eq!(
                parse_cookie_date(&text),
                Some(ms(seconds.clamp(FIRST, LAST))),
                "{text}"
            );
        }
    }
}
