//! Reading a `Set-Cookie` line the way a browser does (RFC 6265 §5.2, with the
//! RFC 6265bis additions: nameless cookies, `SameSite`, and CHIPS' `Partitioned`).

use super::date::parse_cookie_date;
use super::SameSite;
use crate::clock::Millis;

/// One `Set-Cookie` line, its attributes read as a browser reads them. A later attribute
/// of the same name wins; an attribute a browser would ignore is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie<'a> {
    /// Empty for a pair without `=` (RFC 6265bis §5.6 step 5).
    pub name: &'a str,
    pub value: &'a str,
    pub expires: Option<Millis>,
    /// Seconds; zero or less means "delete now".
    pub max_age: Option<i64>,
    /// Lower case, leading `.` removed.
    pub domain: Option<String>,
    /// Only a value starting with `/`; otherwise the default path applies.
    pub path: Option<&'a str>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
}

impl SetCookie<'_> {
    /// When the cookie expires, in milliseconds since the epoch: `Max-Age` wins over
    /// `Expires`; `None` for a session cookie.
    pub fn expires_at(&self, now: Millis) -> Option<Millis> {
        match (self.max_age, self.expires) {
            (Some(seconds), _) if seconds <= 0 => Some(Millis::MIN),
            (Some(seconds), _) => Some(now.saturating_add(seconds.saturating_mul(1000))),
            (None, at) => at,
        }
    }

    /// Whether storing this line deletes the cookie instead.
    pub fn is_removal(&self, now: Millis) -> bool {
        self.expires_at(now).is_some_and(|at| at <= now)
    }
}

/// Parses one `Set-Cookie` line; `None` where a browser would ignore the whole line.
///
/// ```
/// use crumbs::cookies::parse_set_cookie;
/// let cookie = parse_set_cookie("sid=abc; Path=/; HttpOnly; Max-Age=60").unwrap();
/// assert_eq!((cookie.name, cookie.value, cookie.max_age), ("sid", "abc", Some(60)));
/// assert!(cookie.http_only);
/// ```
pub fn parse_set_cookie(line: &str) -> Option<SetCookie<'_>> {
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
                if let Some(seconds) = parse_cookie_date(value) {
                    cookie.expires = Some(seconds.saturating_mul(1000));
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
                    cookie.max_age =
                        Some(value.parse::<i64>().unwrap_or(if value.starts_with('-') {
                            i64::MIN
                        } else {
                            i64::MAX
                        }));
                }
            }
            "domain" => {
                let domain = value.trim_start_matches('.');
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
        assert_eq!(parsed.max_age, Some(60));
        assert_eq!(parsed.expires, Some(10_000));
        assert_eq!(parsed.expires_at(1_000), Some(61_000), "Max-Age wins");
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
            ("a=1; Max-Age=-5", Some(-5)),
            ("a=1; Max-Age=1x", None),
            ("a=1; Max-Age=", None),
            ("a=1; Max-Age=-", None),
            ("a=1; Max-Age=99999999999999999999", Some(i64::MAX)),
            ("a=1; Max-Age=5; Max-Age=7", Some(7)),
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
