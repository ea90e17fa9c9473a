//! The jar: one trait, two raw seams, and every rule in default methods, so the
//! browser's `document.cookie` and the in-memory jar behave the same.

use super::encoding::{decode, encode_name, encode_value};
use super::parse::{parse, parse_raw, CookiePair};
use super::{CookieError, CookieOptions, Page, Result, SameSite, MAX_NAME_VALUE_BYTES};
use crate::clock::Millis;

/// A cookie jar as a page sees it.
///
/// Implementors provide the seams ([`raw`](Self::raw), [`write_raw`](Self::write_raw),
/// [`page`](Self::page), [`now`](Self::now)); reading, encoding, validation, read-back
/// and removal come from the default methods.
///
/// The helpers behind removal are not part of the trait: a jar can neither call nor
/// override them, so every jar removes cookies by the same rules.
///
/// ```compile_fail,E0599
/// use crumbs_cookies::{CookieJar, MemoryJar};
/// let jar = MemoryJar::localhost();
/// jar.remove_matching(&|_| true).unwrap();
/// ```
///
/// ```compile_fail,E0599
/// use crumbs_cookies::{CookieJar, CookieOptions, MemoryJar};
/// let jar = MemoryJar::localhost();
/// jar.confirm_removed("a", &CookieOptions::new()).unwrap();
/// ```
///
/// Nor is the reason a browser refused a cookie, which [`CookieError::Refused`] carries:
///
/// ```compile_fail,E0425
/// use crumbs_cookies::{CookieOptions, Page};
/// let page = Page::new("localhost", "/", true);
/// crumbs_cookies::refusal_reason(&page, "a", "a", "1", &CookieOptions::new());
/// ```
pub trait CookieJar {
    /// The cookie string this page reads, as `document.cookie` returns it: still encoded,
    /// duplicates included.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("a b", "1").unwrap();
    /// assert_eq!(jar.raw().unwrap(), "a%20b=1");
    /// ```
    fn raw(&self) -> Result<String>;

    /// One assignment, as `document.cookie = cookie` makes it. Like the browser, a jar
    /// may ignore what it will not keep: the default methods read back to find out.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.write_raw("a=1; Path=/").unwrap();
    /// assert_eq!(jar.raw().unwrap(), "a=1");
    /// ```
    fn write_raw(&self, cookie: &str) -> Result<()>;

    /// Where the page is, which decides what it may set and see.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// assert!(MemoryJar::localhost().page().unwrap().secure);
    /// ```
    fn page(&self) -> Result<Page>;

    /// The jar's current time, in milliseconds since the Unix epoch: it decides whether a
    /// write with `Expires` is a removal.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use crumbs_cookies::clock::ManualClock;
    /// use crumbs_cookies::{CookieJar, MemoryJar, Page};
    /// let jar = MemoryJar::new(Page::new("localhost", "/", true), Rc::new(ManualClock::at(7)));
    /// assert_eq!(jar.now(), 7);
    /// ```
    fn now(&self) -> Millis;

    /// Every cookie this page can read, decoded, first of each name (see [`parse`]).
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("a", "1").unwrap();
    /// jar.set("b", "2").unwrap();
    /// let names: Vec<String> = jar.get_all().unwrap().into_iter().map(|c| c.name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// ```
    fn get_all(&self) -> Result<Vec<CookiePair>> {
        Ok(parse(&self.raw()?))
    }

    /// The decoded value of cookie `name`, if this page can see one.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("greeting", "hello, world").unwrap();
    /// assert_eq!(jar.get("greeting").unwrap().as_deref(), Some("hello, world"));
    /// assert_eq!(jar.get("missing").unwrap(), None);
    /// ```
    fn get(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .get_all()?
            .into_iter()
            .find(|cookie| cookie.name == name)
            .map(|cookie| cookie.value))
    }

    /// Writes a session cookie on `Path=/` (see [`set_with`](Self::set_with)).
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("lang", "fr").unwrap();
    /// assert_eq!(jar.get("lang").unwrap().as_deref(), Some("fr"));
    /// ```
    fn set(&self, name: &str, value: &str) -> Result<()> {
        self.set_with(name, value, &CookieOptions::new())
    }

    /// Validates, encodes and writes a cookie, then reads the jar back: when the browser
    /// silently dropped it, the error says so and why, instead of reporting success.
    ///
    /// ```
    /// use crumbs_cookies::{CookieError, CookieJar, CookieOptions, MemoryJar, SameSite};
    /// let jar = MemoryJar::localhost();
    /// let refused = jar.set_with("x", "1", &CookieOptions::new().same_site(SameSite::None).secure(false));
    /// assert!(matches!(refused, Err(CookieError::Refused { .. })));
    /// ```
    fn set_with(&self, name: &str, value: &str, options: &CookieOptions) -> Result<()> {
        let rendered = options.render(name, value)?;
        self.write_raw(&rendered)?;
        if options.is_removal(self.now()) {
            return confirm_removed(self, name, options);
        }
        let page = self.page()?;
        if !page.path_matches(options.get_path()) {
            // The page cannot see a cookie scoped elsewhere: there is nothing to check.
            return Ok(());
        }
        let (encoded_name, encoded_value) = (encode_name(name), encode_value(value));
        let stored = parse_raw(&self.raw()?)
            .into_iter()
            .any(|(n, v)| n == encoded_name && v == encoded_value);
        if stored {
            Ok(())
        } else {
            Err(CookieError::Refused {
                name: name.to_owned(),
                reason: refusal_reason(&page, name, &encoded_name, &encoded_value, options),
            })
        }
    }

    /// Removes cookie `name` set on `Path=/` with no `Domain`.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("lang", "fr").unwrap();
    /// jar.remove("lang").unwrap();
    /// assert_eq!(jar.get("lang").unwrap(), None);
    /// ```
    fn remove(&self, name: &str) -> Result<()> {
        self.remove_with(name, &CookieOptions::new())
    }

    /// Removes cookie `name` with `Max-Age=0`; `options` must carry the `Path` and
    /// `Domain` it was set with, since those are part of a cookie's identity.
    ///
    /// ```
    /// use crumbs_cookies::{CookieError, CookieJar, CookieOptions, MemoryJar, Page};
    /// let jar = MemoryJar::localhost();
    /// jar.set_page(Page::new("localhost", "/app/", true));
    /// jar.set_with("a", "1", &CookieOptions::new().path("/app")).unwrap();
    /// // Path is part of the cookie's identity: without it, the removal misses.
    /// let missed = jar.remove("a");
    /// assert_eq!(missed, Err(CookieError::StillPresent { name: "a".into() }));
    /// jar.remove_with("a", &CookieOptions::new().path("/app")).unwrap();
    /// assert_eq!(jar.get("a").unwrap(), None);
    /// ```
    fn remove_with(&self, name: &str, options: &CookieOptions) -> Result<()> {
        self.set_with(name, "", &options.removal())
    }

    /// Removes every cookie named `name` that this page can see, whatever path and
    /// domain it was set on (each one the page can see is tried): what a "Delete" button
    /// next to a cookie means.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar, Page, Source};
    /// let jar = MemoryJar::localhost();
    /// jar.set_page(Page::new("localhost", "/app/x", true));
    /// jar.apply("t=1; Path=/app", Source::Script);
    /// jar.apply("t=2; Path=/", Source::Script);
    /// jar.remove_everywhere("t").unwrap();
    /// assert_eq!(jar.raw().unwrap(), "");
    /// ```
    fn remove_everywhere(&self, name: &str) -> Result<()> {
        remove_matching(self, &|candidate| candidate == name)
    }

    /// Removes every cookie this page can see, and reports one that survived.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("a", "1").unwrap();
    /// jar.set("b", "2").unwrap();
    /// jar.remove_all().unwrap();
    /// assert_eq!(jar.raw().unwrap(), "");
    /// ```
    fn remove_all(&self) -> Result<()> {
        remove_matching(self, &|_| true)
    }
}

/// Removes every cookie the page can see whose decoded name is `wanted`, on every path
/// and domain it may have been set on, then checks that none is left. A free function
/// rather than a trait method: a jar cannot override the rules, nor a user call it.
fn remove_matching<J: CookieJar + ?Sized>(jar: &J, wanted: &dyn Fn(&str) -> bool) -> Result<()> {
    let page = jar.page()?;
    let raw = jar.raw()?;
    for (name, value) in parse_raw(&raw) {
        if !wanted(&decode(name)) {
            continue;
        }
        for line in removal_lines(&page, name, value) {
            jar.write_raw(&line)?;
        }
    }
    match parse(&jar.raw()?).into_iter().find(|c| wanted(&c.name)) {
        Some(left) => Err(CookieError::NotRemoved {
            reason: survival_reason(&page, &left.name),
            name: left.name,
        }),
        None => Ok(()),
    }
}

/// After a removal, the cookie must be gone from where the page can see it.
fn confirm_removed<J: CookieJar + ?Sized>(
    jar: &J,
    name: &str,
    options: &CookieOptions,
) -> Result<()> {
    if !jar.page()?.path_matches(options.get_path()) {
        return Ok(());
    }
    let encoded_name = encode_name(name);
    if parse_raw(&jar.raw()?)
        .into_iter()
        .any(|(n, _)| n == encoded_name)
    {
        Err(CookieError::StillPresent {
            name: name.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Why a browser would have dropped this cookie: the rules of RFC 6265bis §5.7 that a
/// page can break, checked in the order browsers apply them.
fn refusal_reason(
    page: &Page,
    name: &str,
    encoded_name: &str,
    encoded_value: &str,
    options: &CookieOptions,
) -> String {
    if let Some(domain) = options.get_domain() {
        if !page.domain_matches(domain) {
            // Pushed rather than `format!`ted, like every string a write makes: see
            // `format_http_date`.
            let mut reason = "Domain=".to_owned();
            reason.push_str(domain);
            reason.push_str(" does not contain this page's host ");
            reason.push_str(&page.host);
            reason.push_str("; leave Domain out or use a parent domain of the host");
            return reason;
        }
    }
    if options.is_secure() && !page.secure {
        return "Secure cookies can only be set from an https page (or localhost); serve the page over https or drop Secure".to_owned();
    }
    if options.get_same_site() == Some(SameSite::None) && !options.is_secure() {
        return "SameSite=None requires Secure; keep Secure or choose SameSite=Lax".to_owned();
    }
    if encoded_name.len() + encoded_value.len() > MAX_NAME_VALUE_BYTES {
        let mut reason = "“".to_owned();
        reason.push_str(name);
        reason.push_str("” is too large for the browser; shorten the value");
        return reason;
    }
    "the browser did not keep it: an HttpOnly cookie of that name may be there (set by a server; page script can neither see nor replace it), cookies may be blocked for this site, or another script replaced it at once".to_owned()
}

/// The assignments that delete a cookie the page reads as `name=value` (both raw, as
/// `document.cookie` shows them), wherever it may have been set: each path the page can
/// see, host-only and on each domain. The raw name, not a re-encoding of the decoded one:
/// another script may have written it with an encoding of its own.
///
/// On a secure page every line carries `Secure`: browsers refuse a `__Secure-` or
/// `__Host-` line without it (RFC 6265bis §5.7 steps 20–21), and for any other cookie it
/// changes nothing, since a deletion matches by name, domain and path alone. Each line is
/// then written a second time with `Partitioned`: a partitioned cookie (CHIPS) is kept
/// apart from the others, and only a partitioned deletion reaches it. A `__Host-` cookie
/// can only exist on `Path=/` with no `Domain`, so that is its one place.
pub(crate) fn removal_lines(page: &Page, name: &str, value: &str) -> Vec<String> {
    let pair = if name.is_empty() {
        value.to_owned()
    } else {
        format!("{name}=")
    };
    // Exact case only: a browser that matches prefixes case-sensitively may hold a
    // `__host-` cookie on any path, and the lines below reach it wherever it is.
    let places: Vec<String> = if name.starts_with("__Host-") {
        vec!["Path=/".to_owned()]
    } else {
        let domains = page.visible_domains();
        removal_paths(page)
            .into_iter()
            .flat_map(|path| {
                std::iter::once(format!("Path={path}")).chain(
                    domains
                        .iter()
                        .map(move |domain| format!("Path={path}; Domain={domain}")),
                )
            })
            .collect()
    };
    // On a secure page a removal must be Secure to reach a prefixed or partitioned cookie;
    // plain lines go first for browsers that do not count this page as secure for cookies
    // (WebKit on http://localhost refuses Secure there). A `__Host-` cookie needs Secure.
    let flags: &[&str] = match (page.secure, name.starts_with("__Host-")) {
        (true, true) => &["; Secure", "; Secure; Partitioned"],
        (true, false) => &["", "; Secure", "; Secure; Partitioned"],
        (false, _) => &[""],
    };
    let mut lines = Vec::with_capacity(places.len().saturating_mul(flags.len()));
    for flags in flags {
        for place in &places {
            lines.push(format!("{pair}; {place}; Max-Age=0{flags}"));
        }
    }
    lines
}

/// Every cookie path this page can see: each of [`Page::visible_paths`] and, where the
/// page is below it, the same path with a trailing `/` (a cookie set with `Path=/app/` is
/// seen from `/app/x` but is not the cookie on `Path=/app`).
fn removal_paths(page: &Page) -> Vec<String> {
    let mut paths = Vec::new();
    for path in page.visible_paths() {
        let slashed = format!("{path}/");
        let add_slashed = !path.ends_with('/') && page.path_matches(&slashed);
        paths.push(path);
        if add_slashed {
            paths.push(slashed);
        }
    }
    paths
}

/// Why a cookie is still there after a removal was written for every path and domain
/// the page can see: never its Path or Domain, since each was tried.
pub(crate) fn survival_reason(page: &Page, name: &str) -> String {
    let prefix = ["__Host-", "__Secure-"].into_iter().find(|prefix| {
        name.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    });
    match (prefix, page.secure) {
        (Some(prefix), false) => format!(
            "a {prefix} cookie can only be deleted by a Secure removal, which a page that is \
             not secure (http, other than localhost) cannot write; delete it from the https page \
             or in the browser's settings"
        ),
        (None, false) => "this page is not secure (http, other than localhost), so if the cookie \
             is Secure the browser will not let it be deleted from here; otherwise another script \
             set it again at once. Delete it from the https page or in the browser's settings"
            .to_owned(),
        (_, true) => "a Secure removal, partitioned and not, was written for every path and \
             domain this page can see, and the browser kept it: another script may have set it \
             again at once, or this site's cookies may be blocked from changing. Delete it in the \
             browser's settings"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::clock::ManualClock;
    use crate::{MemoryJar, Source};

    fn secure_jar() -> MemoryJar {
        MemoryJar::new(
            Page::new("127.0.0.1", "/", true),
            Rc::new(ManualClock::at(1_800_000_000_000)),
        )
    }

    #[test]
    fn delete_removes_host_and_secure_prefixed_cookies_on_a_secure_page() {
        let jar = secure_jar();
        assert!(jar.apply("__Host-x=1; Secure; Path=/", Source::Script));
        assert!(jar.apply("__Secure-y=1; Secure; Path=/", Source::Script));
        assert!(jar.apply("plain=1; Path=/", Source::Script));
        jar.remove_everywhere("__Host-x").unwrap();
        jar.remove_everywhere("__Secure-y").unwrap();
        assert_eq!(jar.raw().unwrap(), "plain=1");
        jar.remove_all().unwrap();
        assert_eq!(jar.raw().unwrap(), "");
    }

    #[test]
    fn delete_reaches_a_cookie_set_on_a_path_with_a_trailing_slash() {
        let jar = secure_jar();
        jar.set_page(Page::new("127.0.0.1", "/app/x", true));
        assert!(jar.apply("t=1; Path=/app/", Source::Script));
        assert!(jar.apply("t=2; Path=/app", Source::Script));
        assert_eq!(jar.raw().unwrap(), "t=1; t=2");
        jar.remove_everywhere("t").unwrap();
        assert_eq!(jar.raw().unwrap(), "");
    }

    #[test]
    fn removal_lines_are_secure_on_a_secure_page_and_host_cookies_get_their_one_line() {
        let secure = Page::new("a.example.com", "/", true);
        let insecure = Page::new("a.example.com", "/", false);
        assert_eq!(
            removal_lines(&secure, "__Host-x", "1"),
            [
                "__Host-x=; Path=/; Max-Age=0; Secure",
                "__Host-x=; Path=/; Max-Age=0; Secure; Partitioned"
            ]
        );
        // Plain lines first: a browser that does not count this page as secure for
        // cookies (WebKit on http://localhost) refuses the Secure ones.
        assert_eq!(
            removal_lines(&secure, "n", "1"),
            [
                "n=; Path=/; Max-Age=0",
                "n=; Path=/; Domain=a.example.com; Max-Age=0",
                "n=; Path=/; Domain=example.com; Max-Age=0",
                "n=; Path=/; Max-Age=0; Secure",
                "n=; Path=/; Domain=a.example.com; Max-Age=0; Secure",
                "n=; Path=/; Domain=example.com; Max-Age=0; Secure",
                "n=; Path=/; Max-Age=0; Secure; Partitioned",
                "n=; Path=/; Domain=a.example.com; Max-Age=0; Secure; Partitioned",
                "n=; Path=/; Domain=example.com; Max-Age=0; Secure; Partitioned",
            ]
        );
        assert_eq!(
            removal_lines(&insecure, "", "bare"),
            [
                "bare; Path=/; Max-Age=0",
                "bare; Path=/; Domain=a.example.com; Max-Age=0",
                "bare; Path=/; Domain=example.com; Max-Age=0",
            ]
        );
        // A browser that reads prefixes case-sensitively may keep `__host-x` anywhere.
        assert_eq!(removal_lines(&secure, "__host-x", "1").len(), 9);
        assert_eq!(
            removal_paths(&Page::new("h", "/a/b/", true)),
            ["/", "/a", "/a/", "/a/b", "/a/b/"]
        );
        assert_eq!(
            removal_paths(&Page::new("h", "/a/b", true)),
            ["/", "/a", "/a/", "/a/b"]
        );
    }

    /// A jar that keeps every cookie whatever is written, as a browser keeps one it will
    /// not let this page delete.
    struct Stubborn(Page);

    impl CookieJar for Stubborn {
        fn raw(&self) -> Result<String> {
            Ok("__Secure-a=1; __host-b=1; plain=1".to_owned())
        }
        fn write_raw(&self, _: &str) -> Result<()> {
            Ok(())
        }
        fn page(&self) -> Result<Page> {
            Ok(self.0.clone())
        }
        fn now(&self) -> Millis {
            0
        }
    }

    #[test]
    fn a_cookie_that_survives_delete_is_explained_without_blaming_its_path_or_domain() {
        let insecure = Stubborn(Page::new("example.com", "/", false));
        for (name, says) in [
            (
                "__Secure-a",
                "a __Secure- cookie can only be deleted by a Secure removal",
            ),
            (
                "__host-b",
                "a __Host- cookie can only be deleted by a Secure removal",
            ),
            (
                "plain",
                "if the cookie is Secure the browser will not let it be deleted",
            ),
        ] {
            let error = insecure.remove_everywhere(name).unwrap_err();
            let message = error.to_string();
            assert!(message.contains(says), "{name}: {message}");
            assert!(!message.contains("Path or Domain"), "{name}: {message}");
        }
        let secure = Stubborn(Page::new("example.com", "/", true));
        let message = secure.remove_all().unwrap_err().to_string();
        assert!(
            message.starts_with("Cookie “__Secure-a” is still there after removal: a Secure removal, partitioned and not, was written"),
            "{message}"
        );
    }
}
