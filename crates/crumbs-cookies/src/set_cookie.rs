//! Reading a `Set-Cookie` line the way a browser does (RFC 6265 §5.2, with the
//! RFC 6265bis additions: nameless cookies, `SameSite`, and CHIPS' `Partitioned`).

use super::date::parse_cookie_date;
use super::SameSite;
use crate::clock::Millis;

/// The longest a cookie may live: 400 days (RFC 6265bis §5.5, the cookie-age-limit).
const MAX_LIFETIME_MS: Millis = 400 * 24 * 3600 * 1000;

/// One `Set-Cookie` line, its attributes read as a browser reads them (RFC 6265bis §5.6).
/// A later attribute of the same name wins; an attribute a browser would ignore is
/// `None`. Name and value are as written, still percent-encoded if they were.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie<'a> {
    /// Empty for a pair without `=` (RFC 6265bis §5.6 step 5).
    pub name: &'a str,
    /// The value, whitespace around it removed, quotes kept.
    pub value: &'a str,
    /// `Expires` (§5.6.1), in milliseconds since the Unix epoch.
    pub expires: Option<Millis>,
    /// `Max-Age` (§5.6.2) in milliseconds, the attribute's seconds × 1000 (saturating,
    /// as an overlong number does); zero or less means "delete now".
    pub max_age: Option<Millis>,
    /// `Domain` (§5.6.3): lower case, one leading `.` removed (a second one stays, and no
    /// host matches it).
    pub domain: Option<String>,
    /// `Path` (§5.6.4): only a value starting with `/`; otherwise the default path applies.
    pub path: Option<&'a str>,
    /// `Secure` (§5.6.5): sent over https only, and set only from a secure page.
    pub secure: bool,
    /// `HttpOnly` (§5.6.6): hidden from `document.cookie`, and not settable through it.
    pub http_only: bool,
    /// `SameSite` (§5.6.7); `None` when missing or not one of the three values.
    pub same_site: Option<SameSite>,
    /// `Partitioned` (CHIPS): kept per top-level site when embedded.
    pub partitioned: bool,
}

impl SetCookie<'_> {
    /// When the cookie expires, in milliseconds since the epoch: `Max-Age` wins over
    /// `Expires`, and neither reaches more than 400 days past `now`
    /// (RFC 6265bis §5.6.1–§5.6.2, as browsers do); `None` for a session cookie.
    ///
    /// ```
    /// use crumbs_cookies::parse_set_cookie;
    /// let now = 1_800_000_000_000;
    /// let cookie = parse_set_cookie("a=1; Max-Age=60").unwrap();
    /// assert_eq!(cookie.expires_at(now), Some(now + 60_000));
    /// assert_eq!(parse_set_cookie("a=1").unwrap().expires_at(now), None);
    /// ```
    pub fn expires_at(&self, now: Millis) -> Option<Millis> {
        let latest = now.saturating_add(MAX_LIFETIME_MS);
        match (self.max_age, self.expires) {
            (Some(ms), _) if ms <= 0 => Some(Millis::MIN),
            (Some(ms), _) => Some(now.saturating_add(ms).min(latest)),
            (None, at) => at.map(|at| at.min(latest)),
        }
    }

    /// Whether storing this line at `now` deletes the cookie instead.
    ///
    /// ```
    /// use crumbs_cookies::parse_set_cookie;
    /// assert!(parse_set_cookie("a=; Max-Age=0").unwrap().is_removal(1_800_000_000_000));
    /// ```
    pub fn is_removal(&self, now: Millis) -> bool {
        self.expires_at(now).is_some_and(|at| at <= now)
    }
}

/// Parses one `Set-Cookie` line; `None` where a browser would ignore the whole line.
///
/// ```
/// use crumbs_cookies::parse_set_cookie;
/// let cookie = parse_set_cookie("sid=abc; Path=/; HttpOnly; Max-Age=60").unwrap();
/// assert_eq!((cookie.name, cookie.value, cookie.max_age), ("sid", "abc", Some(60_000)));
/// assert!(cookie.http_only);
/// ```
pub fn parse_set_cookie(line: &str) -> Option<SetCookie<'_>> {
    // RFC 6265bis §5.6 step 1: a control character other than tab (NUL, CR, LF, …) voids
    // the whole line; keeping part of it would let `a=x\r\nX-Injected: 1` through.
    if line.chars().any(|c| c != '\t' && (c < ' ' || c == '\x7f')) {
        return None;
    }
    let mut parts = line.split(';');
    let pair = parts.next()?.trim_matches(is_space);
    let (name, value) = match pair.split_once('=') {
        Some((name, value)) => (name.trim_matches(is_space), value.trim_matches(is_space)),
        None => ("", pair),
    };
    if name.is_empty() && value.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name,
        value,
        expires: None,
        max_age: None,
        domain: None,
        path: None,
        secure: false,
        http_only: false,
        same_site: None,
        partitioned: false,
    };
    for attribute in parts {
        let (key, value) = match attribute.split_once('=') {
            Some((key, value)) => (key.trim_matches(is_space), value.trim_matches(is_space)),
            None => (attribute.trim_matches(is_space), ""),
        };
        match key.to_ascii_lowercase().as_str() {
            "expires" => {
                if let Some(at) = parse_cookie_date(value) {
                    cookie.expires = Some(at);
                }
            }
            "max-age" => {
                let well_formed = value
                    .strip_prefix('-')
                    .unwrap_or(value)
                    .bytes()
                    .all(|b| b.is_ascii_digit());
                if well_formed && !value.is_empty() && value != "-" {
                    // Overlong numbers saturate rather than being ignored (RFC 6265bis §5.6.2).
                    let seconds = value.parse::<i64>().unwrap_or(if value.starts_with('-') {
                        i64::MIN
                    } else {
                        i64::MAX
                    });
                    cookie.max_age = Some(seconds.saturating_mul(1000));
                }
            }
            "domain" => {
                // Only one dot (RFC 6265bis §5.6.3): `..example.com` stays a domain that
                // no host matches, so the cookie is refused.
                let domain = value.strip_prefix('.').unwrap_or(value);
                if !domain.is_empty() {
                    cookie.domain = Some(domain.to_ascii_lowercase());
                }
            }
            "path" => cookie.path = value.starts_with('/').then_some(value),
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => {
                cookie.same_site = match value.to_ascii_lowercase().as_str() {
                    "strict" => Some(SameSite::Strict),
                    "lax" => Some(SameSite::Lax),
                    "none" => Some(SameSite::None),
                    _ => None,
                }
            }
            "partitioned" => cookie.partitioned = true,
            _ => {}
        }
    }
    Some(cookie)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_table() {
        let parsed = parse_set_cookie(
            " sid = a=b ; path=/app; DOMAIN=.Example.com; secure; HttpOnly; SameSite=strict; \
             Partitioned; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Unknown=1",
        )
        .unwrap();
        assert_eq!(parsed.name, "sid");
        assert_eq!(parsed.value, "a=b");
        assert_eq!(parsed.path, Some("/app"));
        assert_eq!(parsed.domain.as_deref(), Some("example.com"));
        assert!(parsed.secure && parsed.http_only && parsed.partitioned);
        assert_eq!(parsed.same_site, Some(SameSite::Strict));
        assert_eq!(parsed.max_age, Some(60_000));
        assert_eq!(parsed.expires, Some(10_000));
        assert_eq!(parsed.expires_at(1_000), Some(61_000), "Max-Age wins");
    }

    #[test]
    fn a_line_with_a_control_character_is_ignored_whole() {
        for line in [
            "a=x\r\nX-Injected: 1; Path=/",
            "a=x\nb=y",
            "a=x\rb",
            "a=b\0c",
            "a\x01=b",
            "a=b; Path=/\x1f",
            "a=b; Domain=example.com\x0b",
            "a=\x7f",
            "flag\x08",
        ] {
            assert_eq!(parse_set_cookie(line), None, "{line:?}");
        }
        // Tab is the one control character a cookie line may hold (RFC 6265bis §5.6).
        let tabbed = parse_set_cookie("a=b\tc;\tPath=/").unwrap();
        assert_eq!((tabbed.value, tabbed.path), ("b\tc", Some("/")));
    }

    #[test]
    fn only_one_leading_dot_is_stripped_from_domain() {
        for (line, domain) in [
            ("a=1; Domain=example.com", Some("example.com")),
            ("a=1; Domain=.example.com", Some("example.com")),
            ("a=1; Domain=..example.com", Some(".example.com")),
            ("a=1; Domain=...Example.com", Some("..example.com")),
            ("a=1; Domain=.", None),
        ] {
            assert_eq!(
                parse_set_cookie(line).unwrap().domain.as_deref(),
                domain,
                "{line}"
            );
        }
    }

    #[test]
    fn lifetimes_are_capped_at_400_days() {
        const NOW: Millis = 1_800_000_000_000;
        const CAP: Millis = NOW + 400 * 86_400 * 1000;
        for (line, expires_at) in [
            ("a=1; Max-Age=60", Some(NOW + 60_000)),
            ("a=1; Max-Age=34560000", Some(CAP)),
            ("a=1; Max-Age=34560001", Some(CAP)),
            ("a=1; Max-Age=99999999999999999999", Some(CAP)),
            ("a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", Some(CAP)),
            (
                "a=1; Expires=Sun, 14 Feb 2027 08:00:00 GMT",
                Some(NOW + 30 * 86_400 * 1000),
            ),
            ("a=1; Max-Age=0", Some(Millis::MIN)),
            ("a=1", None),
        ] {
            assert_eq!(
                parse_set_cookie(line).unwrap().expires_at(NOW),
                expires_at,
                "{line}"
            );
        }
        // Near the end of time the cap saturates rather than overflowing.
        assert_eq!(
            parse_set_cookie("a=1; Max-Age=60")
                .unwrap()
                .expires_at(Millis::MAX),
            Some(Millis::MAX)
        );
    }

    #[test]
    fn edge_cases() {
        assert_eq!(parse_set_cookie(""), None);
        assert_eq!(parse_set_cookie("="), None);
        assert_eq!(parse_set_cookie("; Path=/"), None);
        let bare = parse_set_cookie("flag; Path=/").unwrap();
        assert_eq!((bare.name, bare.value), ("", "flag"));
        for (line, max_age) in [
            ("a=1; Max-Age=0", Some(0)),
            ("a=1; Max-Age=-5", Some(-5_000)),
            ("a=1; Max-Age=1x", None),
            ("a=1; Max-Age=", None),
            ("a=1; Max-Age=-", None),
            ("a=1; Max-Age=99999999999999999999", Some(Millis::MAX)),
            ("a=1; Max-Age=-99999999999999999999", Some(Millis::MIN)),
            ("a=1; Max-Age=9223372036854775807", Some(Millis::MAX)),
            ("a=1; Max-Age=5; Max-Age=7", Some(7_000)),
        ] {
            assert_eq!(parse_set_cookie(line).unwrap().max_age, max_age, "{line}");
        }
        assert!(parse_set_cookie("a=1; Max-Age=0").unwrap().is_removal(5));
        assert!(
            parse_set_cookie("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
                .unwrap()
                .is_removal(5)
        );
        assert!(!parse_set_cookie("a=1").unwrap().is_removal(5));
        assert_eq!(parse_set_cookie("a=1; Path=relative").unwrap().path, None);
        assert_eq!(parse_set_cookie("a=1; Domain=").unwrap().domain, None);
        assert_eq!(
            parse_set_cookie("a=1; SameSite=bogus").unwrap().same_site,
            None
        );
        assert_eq!(
            parse_set_cookie("a=1; Expires=never").unwrap().expires,
            None
        );
    }
}
