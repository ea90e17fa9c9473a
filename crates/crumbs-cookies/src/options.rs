//! The attributes a cookie is written with, and the checks made before any write.

use super::date::format_http_date;
use super::encoding::{encode_name, encode_value};
use super::{CookieError, Result, SameSite};
use crate::clock::{seconds_rounded_up, Millis};

/// Browsers keep a cookie only while its name and value together fit in this many bytes
/// (RFC 6265bis §5.6 ignores a longer line whole; RFC 6265 §6.1 asked for at least
/// 4096, and Chromium and Firefox stop there). [`CookieOptions::render`] refuses a larger cookie up front.
pub const MAX_NAME_VALUE_BYTES: usize = 4096;

/// Browsers ignore an attribute whose value is longer than this (RFC 6265bis §5.6):
/// the cookie would be stored with the default instead, so [`CookieOptions::render`]
/// refuses it.
pub const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// How a cookie is written: a builder whose unset fields take the browser's defaults,
/// except `path`, which defaults to `/` so a cookie is seen by the whole site (as
/// js-cookie does), not only by the directory of the page that wrote it.
///
/// ```
/// use crumbs_cookies::{CookieOptions, SameSite};
/// // An hour, in milliseconds like every time in this crate; written in seconds.
/// let options = CookieOptions::new().max_age(3_600_000).same_site(SameSite::Strict);
/// assert_eq!(options.render("theme", "dark").unwrap(),
///            "theme=dark; SameSite=Strict; Path=/; Max-Age=3600");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CookieOptions {
    path: Option<String>,
    domain: Option<String>,
    max_age: Option<Millis>,
    expires: Option<Millis>,
    same_site: Option<SameSite>,
    secure: Option<bool>,
    partitioned: bool,
}

impl CookieOptions {
    /// A session cookie on `Path=/`, host-only, with the browser's defaults for the rest.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().render("a", "1").unwrap(), "a=1; Path=/");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `Path` (RFC 6265bis §4.1.2.4, §5.6.4): the cookie is sent to this path and the
    /// paths below it. Must start with `/` (a relative one would be ignored by the
    /// browser, and the cookie land on the page's directory). Default `/`.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// let options = CookieOptions::new().path("/app");
    /// assert_eq!(options.render("a", "1").unwrap(), "a=1; Path=/app");
    /// assert!(CookieOptions::new().path("app").render("a", "1").is_err());
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// `Domain` (RFC 6265bis §4.1.2.3, §5.6.3): also send the cookie to subdomains of
    /// this domain. Without it the cookie is host-only: sent to exactly this host. The
    /// browser refuses a domain that does not contain the page's host (§5.7), which
    /// [`CookieJar::set_with`](crate::CookieJar::set_with) reports.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// let options = CookieOptions::new().domain("example.com");
    /// assert_eq!(options.render("a", "1").unwrap(), "a=1; Path=/; Domain=example.com");
    /// ```
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// `Max-Age` (RFC 6265bis §4.1.2.2, §5.6.2): the cookie persists, across browser
    /// restarts, for `ms` milliseconds. Zero or less deletes it. Wins over `Expires`.
    /// Without either the cookie is a session cookie, gone when the browser closes.
    ///
    /// The attribute counts whole seconds, so a partial second is rounded up: a short
    /// positive lifetime stays a lifetime rather than becoming a deletion. Browsers keep
    /// a cookie at most 400 days (§5.5) whatever it asks for.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// let week = CookieOptions::new().max_age(7 * 24 * 3600 * 1000);
    /// assert_eq!(week.render("a", "1").unwrap(), "a=1; Path=/; Max-Age=604800");
    /// let blink = CookieOptions::new().max_age(1);
    /// assert_eq!(blink.render("a", "1").unwrap(), "a=1; Path=/; Max-Age=1");
    /// ```
    pub fn max_age(mut self, ms: Millis) -> Self {
        self.max_age = Some(ms);
        self
    }

    /// `Expires` (RFC 6265bis §4.1.2.1, §5.6.1): the cookie persists until this moment,
    /// in milliseconds since the Unix epoch. Written as an HTTP date, whole seconds
    /// rounded up, and clamped to the years browsers read (see
    /// [`format_http_date`](crate::format_http_date)).
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// let options = CookieOptions::new().expires(784_111_777_000);
    /// assert_eq!(options.render("a", "1").unwrap(),
    ///            "a=1; Path=/; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
    /// ```
    pub fn expires(mut self, at: Millis) -> Self {
        self.expires = Some(at);
        self
    }

    /// `SameSite` (RFC 6265bis §4.1.2.7, §5.6.7). [`SameSite::None`] implies `Secure`
    /// unless [`secure(false)`](Self::secure) says otherwise, which browsers then refuse
    /// (§5.7).
    ///
    /// ```
    /// use crumbs_cookies::{CookieOptions, SameSite};
    /// let options = CookieOptions::new().same_site(SameSite::None);
    /// assert_eq!(options.render("a", "1").unwrap(), "a=1; SameSite=None; Secure; Path=/");
    /// ```
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = Some(same_site);
        self
    }

    /// `Secure` (RFC 6265bis §4.1.2.5, §5.6.5): sent only over https, and (§5.7) only
    /// settable from a secure page; browsers count `localhost` as one.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().secure(true).render("a", "1").unwrap(),
    ///            "a=1; Secure; Path=/");
    /// ```
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = Some(secure);
        self
    }

    /// `Partitioned` (CHIPS, draft-cutler-httpbis-partitioned-cookies §2.1; not part of
    /// RFC 6265bis): when embedded in another site, keep a separate cookie per top-level
    /// site. Implies `Secure`, without which browsers refuse it.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().partitioned(true).render("a", "1").unwrap(),
    ///            "a=1; Partitioned; Secure; Path=/");
    /// ```
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = partitioned;
        self
    }

    /// The `Path` written: the one given, or `/`.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().get_path(), "/");
    /// assert_eq!(CookieOptions::new().path("/app").get_path(), "/app");
    /// ```
    pub fn get_path(&self) -> &str {
        self.path.as_deref().unwrap_or("/")
    }

    /// The `Domain` given, if any (`None`: a host-only cookie).
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().get_domain(), None);
    /// assert_eq!(CookieOptions::new().domain("example.com").get_domain(), Some("example.com"));
    /// ```
    pub fn get_domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The `Max-Age` given, in milliseconds, as given (before rounding to seconds).
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().max_age(1_500).get_max_age(), Some(1_500));
    /// assert_eq!(CookieOptions::new().get_max_age(), None);
    /// ```
    pub fn get_max_age(&self) -> Option<Millis> {
        self.max_age
    }

    /// The `Expires` given, in milliseconds since the Unix epoch.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert_eq!(CookieOptions::new().expires(1_000).get_expires(), Some(1_000));
    /// ```
    pub fn get_expires(&self) -> Option<Millis> {
        self.expires
    }

    /// The `SameSite` given, if any (`None`: the browser's default, `Lax` today).
    ///
    /// ```
    /// use crumbs_cookies::{CookieOptions, SameSite};
    /// let options = CookieOptions::new().same_site(SameSite::Strict);
    /// assert_eq!(options.get_same_site(), Some(SameSite::Strict));
    /// ```
    pub fn get_same_site(&self) -> Option<SameSite> {
        self.same_site
    }

    /// Whether `Secure` is written: asked for, or implied by `SameSite=None` or
    /// `Partitioned`.
    ///
    /// ```
    /// use crumbs_cookies::{CookieOptions, SameSite};
    /// assert!(!CookieOptions::new().is_secure());
    /// assert!(CookieOptions::new().same_site(SameSite::None).is_secure());
    /// assert!(!CookieOptions::new().same_site(SameSite::None).secure(false).is_secure());
    /// ```
    pub fn is_secure(&self) -> bool {
        self.secure
            .unwrap_or(self.same_site == Some(SameSite::None))
            || self.partitioned
    }

    /// Whether `Partitioned` is written.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// assert!(CookieOptions::new().partitioned(true).is_partitioned());
    /// ```
    pub fn is_partitioned(&self) -> bool {
        self.partitioned
    }

    /// Whether writing with these options at `now` (milliseconds since the Unix epoch)
    /// deletes the cookie rather than storing it, judged on what is written: a `Max-Age`
    /// of zero or less, or else an `Expires` (rounded up to its second) not after `now`
    /// (RFC 6265bis §5.6.1–§5.6.2, §5.7).
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// let now = 1_800_000_000_000;
    /// assert!(CookieOptions::new().max_age(0).is_removal(now));
    /// assert!(!CookieOptions::new().max_age(1).is_removal(now));
    /// assert!(CookieOptions::new().expires(now - 1_000).is_removal(now));
    /// assert!(!CookieOptions::new().expires(now + 1_000).is_removal(now));
    /// assert!(!CookieOptions::new().is_removal(now));
    /// ```
    pub fn is_removal(&self, now: Millis) -> bool {
        match (self.max_age, self.expires) {
            (Some(ms), _) => ms <= 0,
            (None, Some(at)) => seconds_rounded_up(at).saturating_mul(1000) <= now,
            (None, None) => false,
        }
    }

    /// The same cookie's deletion: these path, domain and flags (a partitioned or
    /// `__Host-` cookie is only matched when they agree), `Max-Age=0`, no `Expires`.
    ///
    /// ```
    /// use crumbs_cookies::CookieOptions;
    /// let options = CookieOptions::new().path("/app").max_age(60_000);
    /// assert_eq!(options.removal().render("a", "").unwrap(), "a=; Path=/app; Max-Age=0");
    /// ```
    pub fn removal(&self) -> Self {
        Self {
            max_age: Some(0),
            expires: None,
            ..self.clone()
        }
    }

    /// Checks everything a browser would otherwise reject silently, then encodes the name
    /// and value as js-cookie does and renders the string to assign to `document.cookie`.
    ///
    /// The errors are [`CookieError`]s naming what to change: an empty name, a name and
    /// value over [`MAX_NAME_VALUE_BYTES`], a `;` or control character in an attribute
    /// (which would inject attributes of its own), an attribute over
    /// [`MAX_ATTRIBUTE_BYTES`], a relative path, or a broken `__Secure-`/`__Host-` prefix
    /// rule (RFC 6265bis §4.1.3).
    ///
    /// ```
    /// use crumbs_cookies::{CookieError, CookieOptions};
    /// let options = CookieOptions::new();
    /// assert_eq!(options.render("a b", "c;d").unwrap(), "a%20b=c%3Bd; Path=/");
    /// let injected = CookieOptions::new().path("/; Domain=evil.example").render("a", "1");
    /// assert!(matches!(injected, Err(CookieError::InvalidAttribute { attribute: "Path", .. })));
    /// ```
    pub fn render(&self, name: &str, value: &str) -> Result<String> {
        if name.is_empty() {
            return Err(CookieError::EmptyName);
        }
        let encoded_name = encode_name(name);
        let encoded_value = encode_value(value);
        let size = encoded_name.len() + encoded_value.len();
        if size > MAX_NAME_VALUE_BYTES {
            return Err(CookieError::TooLarge {
                name: name.to_owned(),
                size,
                limit: MAX_NAME_VALUE_BYTES,
            });
        }
        let path = self.get_path();
        check_attribute("Path", path)?;
        if !path.starts_with('/') {
            return Err(CookieError::RelativePath(path.to_owned()));
        }
        if let Some(domain) = &self.domain {
            check_attribute("Domain", domain)?;
        }
        self.check_prefix(name)?;

        // Attribute order as the `cookie` crate writes it, which tools and tests expect.
        let mut cookie = format!("{encoded_name}={encoded_value}");
        if let Some(same_site) = self.same_site {
            cookie.push_str("; SameSite=");
            cookie.push_str(same_site.as_str());
        }
        if self.partitioned {
            cookie.push_str("; Partitioned");
        }
        if self.is_secure() {
            cookie.push_str("; Secure");
        }
        cookie.push_str("; Path=");
        cookie.push_str(path);
        if let Some(domain) = &self.domain {
            cookie.push_str("; Domain=");
            // One dot, as browsers strip one: `..example.com` stays wrong and is refused
            // (and reported) rather than silently becoming `example.com`.
            cookie.push_str(domain.strip_prefix('.').unwrap_or(domain));
        }
        if let Some(ms) = self.max_age {
            cookie.push_str(&format!("; Max-Age={}", seconds_rounded_up(ms)));
        }
        if let Some(at) = self.expires {
            cookie.push_str("; Expires=");
            cookie.push_str(&format_http_date(
                seconds_rounded_up(at).saturating_mul(1000),
            ));
        }
        Ok(cookie)
    }

    /// Cookie name prefixes (RFC 6265bis §4.1.3): browsers drop a `__Secure-` cookie
    /// without `Secure` and a `__Host-` cookie that is not `Secure`, host-only and `Path=/`.
    fn check_prefix(&self, name: &str) -> Result<()> {
        let rule = if starts_with_ignore_case(name, "__Secure-") && !self.is_secure() {
            Some("a __Secure- cookie must be Secure")
        } else if starts_with_ignore_case(name, "__Host-")
            && (!self.is_secure() || self.domain.is_some() || self.get_path() != "/")
        {
            Some("a __Host- cookie must be Secure, have Path=/ and no Domain")
        } else {
            None
        };
        match rule {
            Some(rule) => Err(CookieError::PrefixRule {
                name: name.to_owned(),
                rule,
            }),
            None => Ok(()),
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// An attribute value is written verbatim after `Name=`, so `;` would start a new
/// attribute of the caller's choosing and a control character would cut the string.
fn check_attribute(attribute: &'static str, value: &str) -> Result<()> {
    if let Some(bad) = value.chars().find(|c| *c == ';' || c.is_control()) {
        let found = if bad == ';' {
            "a semicolon (;)".to_owned()
        } else {
            format!("the control character U+{:04X}", bad as u32)
        };
        return Err(CookieError::InvalidAttribute { attribute, found });
    }
    if value.len() > MAX_ATTRIBUTE_BYTES {
        return Err(CookieError::AttributeTooLong {
            attribute,
            size: value.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A moment given in whole seconds since the Unix epoch, as the tables read best.
    fn at(unix_seconds: i64) -> Millis {
        unix_seconds * 1000
    }

    #[test]
    fn render_table() {
        let cases: Vec<(CookieOptions, &str, &str, &str)> = vec![
            (CookieOptions::new(), "a", "1", "a=1; Path=/"),
            (CookieOptions::new(), "a b", "c;d", "a%20b=c%3Bd; Path=/"),
            (
                CookieOptions::new().path("/app"),
                "a",
                "1",
                "a=1; Path=/app",
            ),
            (
                CookieOptions::new().domain("example.com"),
                "a",
                "1",
                "a=1; Path=/; Domain=example.com",
            ),
            (
                CookieOptions::new().max_age(60_000),
                "a",
                "1",
                "a=1; Path=/; Max-Age=60",
            ),
            (
                CookieOptions::new().expires(at(0)),
                "a",
                "1",
                "a=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ),
            (
                CookieOptions::new().same_site(SameSite::Lax),
                "a",
                "1",
                "a=1; SameSite=Lax; Path=/",
            ),
            (
                CookieOptions::new().same_site(SameSite::None),
                "a",
                "1",
                "a=1; SameSite=None; Secure; Path=/",
            ),
            (
                CookieOptions::new().same_site(SameSite::None).secure(false),
                "a",
                "1",
                "a=1; SameSite=None; Path=/",
            ),
            (
                CookieOptions::new().secure(true),
                "a",
                "1",
                "a=1; Secure; Path=/",
            ),
            (
                CookieOptions::new().partitioned(true),
                "a",
                "1",
                "a=1; Partitioned; Secure; Path=/",
            ),
            (
                CookieOptions::new().secure(true),
                "__Host-id",
                "1",
                "__Host-id=1; Secure; Path=/",
            ),
        ];
        for (options, name, value, expected) in cases {
            assert_eq!(
                options.render(name, value).unwrap(),
                expected,
                "{options:?}"
            );
        }
    }

    #[test]
    fn validation_table() {
        let long = "x".repeat(MAX_ATTRIBUTE_BYTES + 1);
        let cases: Vec<(CookieOptions, String, String, CookieError)> = vec![
            (
                CookieOptions::new(),
                "".into(),
                "v".into(),
                CookieError::EmptyName,
            ),
            (
                CookieOptions::new(),
                "n".into(),
                "v".repeat(4096),
                CookieError::TooLarge {
                    name: "n".into(),
                    size: 4097,
                    limit: 4096,
                },
            ),
            (
                CookieOptions::new(),
                "n".into(),
                ";".repeat(1366),
                CookieError::TooLarge {
                    name: "n".into(),
                    size: 1 + 3 * 1366,
                    limit: 4096,
                },
            ),
            (
                CookieOptions::new().path("/; Domain=evil.example"),
                "n".into(),
                "v".into(),
                CookieError::InvalidAttribute {
                    attribute: "Path",
                    found: "a semicolon (;)".into(),
                },
            ),
            (
                CookieOptions::new().domain("a.example\n"),
                "n".into(),
                "v".into(),
                CookieError::InvalidAttribute {
                    attribute: "Domain",
                    found: "the control character U+000A".into(),
                },
            ),
            (
                CookieOptions::new().path(format!("/{long}")),
                "n".into(),
                "v".into(),
                CookieError::AttributeTooLong {
                    attribute: "Path",
                    size: MAX_ATTRIBUTE_BYTES + 2,
                },
            ),
            (
                CookieOptions::new().path("app"),
                "n".into(),
                "v".into(),
                CookieError::RelativePath("app".into()),
            ),
            (
                CookieOptions::new(),
                "__Secure-n".into(),
                "v".into(),
                CookieError::PrefixRule {
                    name: "__Secure-n".into(),
                    rule: "a __Secure- cookie must be Secure",
                },
            ),
            (
                CookieOptions::new().secure(true).path("/app"),
                "__host-n".into(),
                "v".into(),
                CookieError::PrefixRule {
                    name: "__host-n".into(),
                    rule: "a __Host- cookie must be Secure, have Path=/ and no Domain",
                },
            ),
        ];
        for (options, name, value, expected) in cases {
            assert_eq!(
                options.render(&name, &value),
                Err(expected),
                "{options:?} {name}"
            );
        }
    }

    #[test]
    fn a_date_that_removes_is_written_as_one_that_browsers_read_as_removing() {
        use crate::parse_set_cookie;
        let now = at(1_800_000_000);
        let year = |year: i64| at(crate::date::days_from_civil(year, 3, 1) * 86_400);
        for (expires, written) in [
            (at(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
            (year(1601), "Thu, 01 Mar 1601 00:00:00 GMT"),
            (year(1600), "Mon, 01 Jan 1601 00:00:00 GMT"),
            (year(1500), "Mon, 01 Jan 1601 00:00:00 GMT"),
            (year(0), "Mon, 01 Jan 1601 00:00:00 GMT"),
            (year(-1), "Mon, 01 Jan 1601 00:00:00 GMT"),
            (year(-9999), "Mon, 01 Jan 1601 00:00:00 GMT"),
        ] {
            let options = CookieOptions::new().expires(expires);
            assert!(options.is_removal(now), "{expires}");
            let line = options.render("n", "").unwrap();
            assert!(line.ends_with(&format!("; Expires={written}")), "{line}");
            let parsed = parse_set_cookie(&line).unwrap();
            assert!(parsed.is_removal(now), "{line}");
        }
    }

    #[test]
    fn max_age_in_milliseconds_is_written_in_whole_seconds_rounded_up() {
        let now = at(1_800_000_000);
        // (lifetime, attribute written, whether it deletes): a positive lifetime, however
        // short, never becomes a deletion; zero or less always is; extremes saturate.
        for (ms, written, removal) in [
            (1_500, "Max-Age=2", false),
            (1, "Max-Age=1", false),
            (999, "Max-Age=1", false),
            (1_000, "Max-Age=1", false),
            (1_001, "Max-Age=2", false),
            (60_000, "Max-Age=60", false),
            (0, "Max-Age=0", true),
            (-1, "Max-Age=0", true),
            (-1_000, "Max-Age=-1", true),
            (-1_500, "Max-Age=-1", true),
            (Millis::MAX, "Max-Age=9223372036854776", false),
            (Millis::MIN, "Max-Age=-9223372036854775", true),
        ] {
            let options = CookieOptions::new().max_age(ms);
            let line = options.render("n", "v").unwrap();
            assert!(line.ends_with(&format!("; {written}")), "{ms} ms: {line}");
            assert_eq!(options.is_removal(now), removal, "{ms} ms");
            let parsed = crate::parse_set_cookie(&line).unwrap();
            assert_eq!(parsed.is_removal(now), removal, "{line}");
        }
    }

    #[test]
    fn expires_is_written_in_whole_seconds_rounded_up_and_judged_as_written() {
        let now = at(1_800_000_000);
        for (expires, written, removal) in [
            (now + 1, "Fri, 15 Jan 2027 08:00:01 GMT", false),
            (now + 999, "Fri, 15 Jan 2027 08:00:01 GMT", false),
            (now, "Fri, 15 Jan 2027 08:00:00 GMT", true),
            (now - 1, "Fri, 15 Jan 2027 08:00:00 GMT", true),
            (now - 1_000, "Fri, 15 Jan 2027 07:59:59 GMT", true),
            (Millis::MAX, "Fri, 31 Dec 9999 23:59:59 GMT", false),
            (Millis::MIN, "Mon, 01 Jan 1601 00:00:00 GMT", true),
        ] {
            let options = CookieOptions::new().expires(expires);
            let line = options.render("n", "v").unwrap();
            assert!(
                line.ends_with(&format!("; Expires={written}")),
                "{expires}: {line}"
            );
            assert_eq!(options.is_removal(now), removal, "{expires}");
            let parsed = crate::parse_set_cookie(&line).unwrap();
            assert_eq!(parsed.is_removal(now), removal, "{line}");
        }
    }

    #[test]
    fn exactly_the_limit_is_accepted() {
        assert!(CookieOptions::new().render("n", &"v".repeat(4095)).is_ok());
    }

    #[test]
    fn removal_keeps_scope_and_zeroes_max_age() {
        let options = CookieOptions::new()
            .path("/app")
            .domain("example.com")
            .expires(at(4_000_000_000))
            .partitioned(true);
        let removal = options.removal();
        assert_eq!(
            removal.render("n", "").unwrap(),
            "n=; Partitioned; Secure; Path=/app; Domain=example.com; Max-Age=0"
        );
        assert!(removal.is_removal(at(0)));
        assert!(!options.is_removal(at(0)));
        assert!(CookieOptions::new().expires(at(10)).is_removal(at(10)));
    }
}
