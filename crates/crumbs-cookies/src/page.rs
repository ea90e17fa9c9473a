//! Where a page is, which decides what cookies it may set and see (RFC 6265 §5.1.3–§5.1.4).

/// The page a jar belongs to: its host, path and whether it is secure decide which
/// cookies it may set and see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// Host name, lower case, without port.
    pub host: String,
    /// The URL path, starting with `/`.
    pub path: String,
    /// Whether the page may set and see `Secure` cookies: https, or localhost.
    pub secure: bool,
}

impl Page {
    /// A page at `host` (lower-cased here, as browsers compare hosts) and `path`;
    /// `secure` for https, or localhost.
    ///
    /// ```
    /// use crumbs_cookies::Page;
    /// let page = Page::new("WWW.Example.com", "/app/x", true);
    /// assert_eq!(page.host, "www.example.com");
    /// ```
    pub fn new(host: impl Into<String>, path: impl Into<String>, secure: bool) -> Self {
        Self {
            host: host.into().to_ascii_lowercase(),
            path: path.into(),
            secure,
        }
    }

    /// Whether a cookie scoped to `cookie_path` is sent to this page (§5.1.4 path-match).
    ///
    /// ```
    /// use crumbs_cookies::Page;
    /// let page = Page::new("localhost", "/app/x", true);
    /// assert!(page.path_matches("/app"));
    /// assert!(!page.path_matches("/application"));
    /// ```
    pub fn path_matches(&self, cookie_path: &str) -> bool {
        path_matches(&self.path, cookie_path)
    }

    /// Whether a `Domain` attribute may be set from this page (§5.1.3 domain-match): the
    /// host itself or a parent domain of it, never a parent of an IP address. One leading
    /// `.` is ignored, as browsers read `Domain` (RFC 6265bis §5.6.3); a second one is not.
    /// Public suffixes are the jar's concern (see [`MemoryJar`](super::MemoryJar)).
    ///
    /// ```
    /// use crumbs_cookies::Page;
    /// let page = Page::new("www.example.com", "/", true);
    /// assert!(page.domain_matches(".example.com"));
    /// assert!(!page.domain_matches("other.com"));
    /// ```
    pub fn domain_matches(&self, domain: &str) -> bool {
        let domain = domain
            .strip_prefix('.')
            .unwrap_or(domain)
            .to_ascii_lowercase();
        domain_matches(&self.host, &domain)
    }

    /// The cookie paths this page can see: `/` and each directory on the way to its own
    /// path, shortest first.
    ///
    /// ```
    /// use crumbs_cookies::Page;
    /// let page = Page::new("localhost", "/a/b", true);
    /// assert_eq!(page.visible_paths(), ["/", "/a", "/a/b"]);
    /// ```
    pub fn visible_paths(&self) -> Vec<String> {
        let mut paths = vec!["/".to_owned()];
        for (at, _) in self.path.match_indices('/').skip(1) {
            paths.push(self.path[..at].to_owned());
        }
        if self.path.len() > 1 && !self.path.ends_with('/') {
            paths.push(self.path.clone());
        }
        paths
    }

    /// The `Domain` values a cookie visible here may have been set with: the host and
    /// each parent domain with at least two labels.
    ///
    /// ```
    /// use crumbs_cookies::Page;
    /// let page = Page::new("a.example.com", "/", true);
    /// assert_eq!(page.visible_domains(), ["a.example.com", "example.com"]);
    /// ```
    pub fn visible_domains(&self) -> Vec<String> {
        let mut domains = vec![self.host.clone()];
        if !is_ip(&self.host) {
            let mut rest = self.host.as_str();
            while let Some((_, parent)) = rest.split_once('.') {
                if parent.contains('.') {
                    domains.push(parent.to_owned());
                }
                rest = parent;
            }
        }
        domains
    }
}

/// An IPv4 or IPv6 address rather than a name: a cookie for one never covers others.
/// (A check this small keeps `std::net`'s parser out of the Wasm.)
fn is_ip(host: &str) -> bool {
    host.contains(':')
        || host.split('.').count() == 4
            && host.split('.').all(|part| {
                !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit())
            })
}

/// RFC 6265 §5.1.3 domain-match, nothing stripped: `host` (lower case) is `domain` (lower
/// case) or a name under it, and not an IP address.
pub(crate) fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain
        || !is_ip(host)
            && !domain.is_empty()
            && host
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.'))
}

/// RFC 6265 §5.1.4: the paths are equal, or the cookie's path is a prefix of the
/// request's that ends at a `/`.
///
/// ```
/// use crumbs_cookies::path_matches;
/// assert!(path_matches("/app/x", "/app"));
/// assert!(!path_matches("/application", "/app"));
/// ```
pub fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || request_path
            .strip_prefix(cookie_path)
            .is_some_and(|rest| cookie_path.ends_with('/') || rest.starts_with('/'))
}

/// RFC 6265 §5.1.4 default-path: the directory of the request path, where a cookie set
/// without `Path` lands.
///
/// ```
/// use crumbs_cookies::default_path;
/// assert_eq!(default_path("/app/login"), "/app");
/// assert_eq!(default_path("/login"), "/");
/// ```
pub fn default_path(request_path: &str) -> String {
    match request_path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(at) => request_path[..at].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_match_table() {
        for (request, cookie, expected) in [
            ("/", "/", true),
            ("/app", "/", true),
            ("/app", "/app", true),
            ("/app/", "/app", true),
            ("/app/x", "/app", true),
            ("/app/x", "/app/", true),
            ("/application", "/app", false),
            ("/", "/app", false),
            ("/ap", "/app", false),
        ] {
            assert_eq!(
                path_matches(request, cookie),
                expected,
                "{request} ~ {cookie}"
            );
        }
    }

    #[test]
    fn domain_match_table() {
        let page = Page::new("www.Example.com", "/", false);
        for (domain, expected) in [
            ("www.example.com", true),
            ("example.com", true),
            (".example.com", true),
            ("..example.com", false),
            (".www.example.com", true),
            ("..www.example.com", false),
            ("EXAMPLE.com", true),
            ("ample.com", false),
            ("other.com", false),
            ("sub.www.example.com", false),
            ("", false),
        ] {
            assert_eq!(page.domain_matches(domain), expected, "{domain}");
        }
        let ip = Page::new("127.0.0.1", "/", true);
        assert!(ip.domain_matches("127.0.0.1"));
        assert!(!ip.domain_matches("0.0.1"));
    }

    #[test]
    fn default_path_table() {
        for (request, expected) in [
            ("/", "/"),
            ("/a", "/"),
            ("/a/b", "/a"),
            ("/a/b/", "/a/b"),
            ("", "/"),
        ] {
            assert_eq!(default_path(request), expected, "{request}");
        }
    }

    #[test]
    fn visible_scopes() {
        let page = Page::new("a.b.example.com", "/x/y/z.html", true);
        assert_eq!(page.visible_paths(), ["/", "/x", "/x/y", "/x/y/z.html"]);
        assert_eq!(
            page.visible_domains(),
            ["a.b.example.com", "b.example.com", "example.com"]
        );
        assert_eq!(Page::new("localhost", "/", true).visible_paths(), ["/"]);
        assert_eq!(
            Page::new("127.0.0.1", "/", true).visible_domains(),
            ["127.0.0.1"]
        );
        assert_eq!(Page::new("[::1]", "/", true).visible_domains(), ["[::1]"]);
        assert!(!Page::new("[::1]", "/", true).domain_matches(":1]"));
        assert!(Page::new("a.1.2.example", "/", true).domain_matches("2.example"));
    }
}
