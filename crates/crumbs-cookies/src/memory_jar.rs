//! A jar that keeps cookies the way a browser does, for host tests and the mock network.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::page::{default_path, domain_matches, path_matches};
use super::set_cookie::parse_set_cookie;
use super::{CookieJar, Page, Result, SameSite, MAX_ATTRIBUTE_BYTES, MAX_NAME_VALUE_BYTES};
use crate::clock::{Clock, Millis, SystemClock};

/// A stored cookie with everything a browser remembers about it (the cookie record of
/// RFC 6265bis §5.7), as [`MemoryJar::stored`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCookie {
    /// The name as written (still percent-encoded, if it was).
    pub name: String,
    /// The value as written (still percent-encoded, if it was).
    pub value: String,
    /// The host it was set from, or its `Domain` attribute, lower case.
    pub domain: String,
    /// Without a `Domain` attribute, sent to the exact host only.
    pub host_only: bool,
    /// Its `Path`, or the default path of the page that set it.
    pub path: String,
    /// Sent only to secure pages.
    pub secure: bool,
    /// Hidden from scripts: only a [`Source::Server`] line sets or sees it.
    pub http_only: bool,
    /// Its `SameSite`, if it had a valid one.
    pub same_site: Option<SameSite>,
    /// Set with `Partitioned` (CHIPS).
    pub partitioned: bool,
    /// When it expires, in milliseconds since the Unix epoch; `None` for a session
    /// cookie.
    pub expires_at: Option<Millis>,
    created: u64,
}

/// Where a cookie line came from: a script may not set or see `HttpOnly` cookies
/// (RFC 6265bis §5.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `document.cookie = …` in the page.
    Script,
    /// A `Set-Cookie` header on a response.
    Server,
}

/// An in-memory cookie store that applies RFC 6265bis §5.6–§5.7 storage rules: a line
/// with a control character ignored whole, Max-Age over Expires, lifetimes capped at 400
/// days, expiry, default path, domain matching (one leading dot ignored), public suffixes
/// refused, `Secure` only from a secure page, which alone may overwrite or shadow a
/// `Secure` cookie, `SameSite=None` only with `Secure`, the `__Secure-` and `__Host-`
/// prefixes (any case, and never faked by a nameless cookie), the size limit,
/// replacement by (name, domain, host-only, path), and the `Cookie` string in §5.8.3
/// order (longest path first, then oldest).
///
/// Public suffixes come from the Public Suffix List (the `psl` crate) on the host. In
/// Wasm, where that list would cost ~255 KB gzipped (more than the whole lab), only
/// single-label domains (`Domain=com`, `Domain=localhost` from another host) are refused:
/// there `Domain=co.uk` is accepted, as it would not be in a browser.
///
/// ```
/// use crumbs_cookies::{CookieJar, MemoryJar, Source};
/// let jar = MemoryJar::localhost();
/// assert!(jar.apply("sid=abc; Path=/; HttpOnly", Source::Server));
/// jar.set("theme", "dark").unwrap();
/// // A script sees what `document.cookie` would show; a request carries the rest too.
/// assert_eq!(jar.raw().unwrap(), "theme=dark");
/// assert_eq!(jar.cookie_header(), "sid=abc; theme=dark");
/// ```
pub struct MemoryJar {
    page: RefCell<Page>,
    clock: Rc<dyn Clock>,
    cookies: RefCell<Vec<StoredCookie>>,
    counter: Cell<u64>,
}

impl std::fmt::Debug for MemoryJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The clock is a trait object with no `Debug`: its time is what matters.
        f.debug_struct("MemoryJar")
            .field("page", &self.page.borrow())
            .field("now", &self.clock.now())
            .field("cookies", &self.cookies.borrow())
            .finish_non_exhaustive()
    }
}

impl MemoryJar {
    /// An empty jar for `page`, reading the time from `clock` (a
    /// [`ManualClock`](crate::clock::ManualClock) lets a test move it).
    ///
    /// ```
    /// use std::rc::Rc;
    /// use crumbs_cookies::clock::ManualClock;
    /// use crumbs_cookies::{CookieJar, MemoryJar, Page};
    /// let jar = MemoryJar::new(Page::new("app.example.com", "/", true), Rc::new(ManualClock::at(0)));
    /// assert_eq!(jar.raw().unwrap(), "");
    /// ```
    pub fn new(page: Page, clock: Rc<dyn Clock>) -> Self {
        Self {
            page: RefCell::new(page),
            clock,
            cookies: RefCell::new(Vec::new()),
            counter: Cell::new(0),
        }
    }

    /// A jar for a page at `http://localhost/` (a secure context, as browsers count it),
    /// on the system clock.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, MemoryJar};
    /// assert_eq!(MemoryJar::localhost().page().unwrap().host, "localhost");
    /// ```
    pub fn localhost() -> Self {
        Self::new(Page::new("localhost", "/", true), Rc::new(SystemClock))
    }

    /// Moves the jar's page, as navigating would: what it sees and may set changes, what
    /// it holds does not.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, CookieOptions, MemoryJar, Page};
    /// let jar = MemoryJar::localhost();
    /// jar.set_with("a", "1", &CookieOptions::new().path("/app")).unwrap();
    /// assert_eq!(jar.raw().unwrap(), "");
    /// jar.set_page(Page::new("localhost", "/app/x", true));
    /// assert_eq!(jar.raw().unwrap(), "a=1");
    /// ```
    pub fn set_page(&self, page: Page) {
        *self.page.borrow_mut() = page;
    }

    /// Every unexpired cookie, whatever the page can see, in storage order.
    ///
    /// ```
    /// use crumbs_cookies::{MemoryJar, Source};
    /// let jar = MemoryJar::localhost();
    /// jar.apply("sid=abc; HttpOnly", Source::Server);
    /// assert!(jar.stored()[0].http_only);
    /// ```
    pub fn stored(&self) -> Vec<StoredCookie> {
        self.purge_expired();
        self.cookies.borrow().clone()
    }

    /// Applies one `Set-Cookie` line. Returns whether the cookie was stored (or, for a
    /// deletion, whether the line was accepted); like a browser, a refusal is silent.
    ///
    /// ```
    /// use crumbs_cookies::{MemoryJar, Source};
    /// let jar = MemoryJar::localhost();
    /// assert!(jar.apply("sid=abc; Path=/; HttpOnly", Source::Server));
    /// // A script may not overwrite an HttpOnly cookie.
    /// assert!(!jar.apply("sid=forged; Path=/", Source::Script));
    /// ```
    pub fn apply(&self, set_cookie: &str, source: Source) -> bool {
        let Some(cookie) = parse_set_cookie(set_cookie) else {
            return false;
        };
        let page = self.page.borrow().clone();
        let now = self.clock.now();
        if cookie.name.len() + cookie.value.len() > MAX_NAME_VALUE_BYTES {
            return false;
        }
        if cookie.http_only && source == Source::Script {
            return false;
        }
        // RFC 6265bis §5.7: a nameless cookie is sent as its value alone, so one
        // whose value reads as a prefixed name would pass for that protected cookie.
        if cookie.name.is_empty()
            && (starts_with_ignore_case(cookie.value, "__Secure-")
                || starts_with_ignore_case(cookie.value, "__Host-"))
        {
            return false;
        }
        let domain_attribute = cookie
            .domain
            .as_deref()
            .filter(|d| d.len() <= MAX_ATTRIBUTE_BYTES)
            // §5.7 step 9: a public suffix is refused, unless it is the page's own host,
            // which then gets a host-only cookie.
            .filter(|d| !(is_public_suffix(d) && *d == page.host));
        let (domain, host_only) = match domain_attribute {
            Some(domain) if is_public_suffix(domain) => return false,
            Some(domain) if domain_matches(&page.host, domain) => (domain.to_owned(), false),
            Some(_) => return false,
            None => (page.host.clone(), true),
        };
        let path = match cookie.path {
            Some(path) if path.len() <= MAX_ATTRIBUTE_BYTES => path.to_owned(),
            _ => default_path(&page.path),
        };
        let secure = cookie.secure;
        if secure && !page.secure {
            return false;
        }
        let same_site = cookie.same_site;
        if same_site == Some(SameSite::None) && !secure {
            return false;
        }
        let partitioned = cookie.partitioned;
        if partitioned && !secure {
            return false;
        }
        let name = cookie.name.to_owned();
        // Prefixes match whatever their case (RFC 6265bis §4.1.3), as `CookieOptions`
        // checks them; `__Host-` also needs an explicit `Path=/`.
        if (starts_with_ignore_case(&name, "__Secure-") && !secure)
            || (starts_with_ignore_case(&name, "__Host-")
                && (!secure || !host_only || cookie.path != Some("/")))
        {
            return false;
        }
        // §5.7 step 16: a page that is not secure may neither overwrite a `Secure` cookie
        // nor shadow it with one of the same name on an overlapping domain and path.
        self.purge_expired();
        if !page.secure
            && self.cookies.borrow().iter().any(|c| {
                c.secure
                    && c.name == name
                    && domains_overlap(&c.domain, &domain)
                    && path_matches(&path, &c.path)
            })
        {
            return false;
        }
        let expires_at = cookie.expires_at(now);

        let mut cookies = self.cookies.borrow_mut();
        let existing = cookies.iter().position(|c| {
            c.name == name && c.domain == domain && c.path == path && c.host_only == host_only
        });
        // A script cannot overwrite an HttpOnly cookie (RFC 6265bis §5.7 step 19).
        if let Some(at) = existing {
            if cookies[at].http_only && source == Source::Script {
                return false;
            }
        }
        let created = match existing {
            Some(at) => cookies.remove(at).created,
            None => {
                let next = self.counter.get() + 1;
                self.counter.set(next);
                next
            }
        };
        if expires_at.is_some_and(|at| at <= now) {
            return true;
        }
        cookies.push(StoredCookie {
            name,
            value: cookie.value.to_owned(),
            domain,
            host_only,
            path,
            secure,
            http_only: cookie.http_only,
            same_site,
            partitioned,
            expires_at,
            created,
        });
        true
    }

    /// The `Cookie` string a request from this page carries: what `raw()` shows plus any
    /// `HttpOnly` cookies.
    ///
    /// ```
    /// use crumbs_cookies::{MemoryJar, Source};
    /// let jar = MemoryJar::localhost();
    /// jar.apply("sid=abc; HttpOnly", Source::Server);
    /// assert_eq!(jar.cookie_header(), "sid=abc");
    /// ```
    pub fn cookie_header(&self) -> String {
        self.visible(Source::Server)
    }

    fn visible(&self, to: Source) -> String {
        self.purge_expired();
        let page = self.page.borrow();
        let cookies = self.cookies.borrow();
        let mut seen: Vec<&StoredCookie> = cookies
            .iter()
            .filter(|c| {
                let domain_ok = if c.host_only {
                    page.host == c.domain
                } else {
                    domain_matches(&page.host, &c.domain)
                };
                domain_ok
                    && page.path_matches(&c.path)
                    && (!c.secure || page.secure)
                    && (!c.http_only || to == Source::Server)
            })
            .collect();
        seen.sort_by(|a, b| {
            b.path
                .len()
                .cmp(&a.path.len())
                .then(a.created.cmp(&b.created))
        });
        seen.iter()
            .map(|c| {
                if c.name.is_empty() {
                    c.value.clone()
                } else {
                    format!("{}={}", c.name, c.value)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn purge_expired(&self) {
        let now = self.clock.now();
        self.cookies
            .borrow_mut()
            .retain(|c| c.expires_at.is_none_or(|at| at > now));
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Either domain is the other or a parent of it (the overlap §5.7 step 16 looks for).
fn domains_overlap(a: &str, b: &str) -> bool {
    let parent_of = |child: &str, parent: &str| {
        child
            .strip_suffix(parent)
            .is_some_and(|rest| rest.ends_with('.'))
    };
    a == b || parent_of(a, b) || parent_of(b, a)
}

/// A single label (`com`, `localhost`) is a public suffix under the list's default rule,
/// whatever the list holds.
fn is_single_label(domain: &str) -> bool {
    !domain.contains('.')
}

/// Whether `domain` (lower case) is a public suffix: a whole registry such as `com`,
/// `co.uk` or `github.io`, under which a cookie would reach every site.
#[cfg(not(target_arch = "wasm32"))]
fn is_public_suffix(domain: &str) -> bool {
    is_single_label(domain)
        || psl::suffix(domain.as_bytes())
            .is_some_and(|suffix| suffix.as_bytes() == domain.as_bytes())
}

/// In Wasm the list is left out (see [`MemoryJar`]): single labels only.
#[cfg(target_arch = "wasm32")]
fn is_public_suffix(domain: &str) -> bool {
    is_single_label(domain)
}

impl CookieJar for MemoryJar {
    fn raw(&self) -> Result<String> {
        Ok(self.visible(Source::Script))
    }

    fn write_raw(&self, cookie: &str) -> Result<()> {
        self.apply(cookie, Source::Script);
        Ok(())
    }

    fn page(&self) -> Result<Page> {
        Ok(self.page.borrow().clone())
    }

    fn now(&self) -> Millis {
        self.clock.now()
    }
}
