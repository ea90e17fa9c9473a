//! A jar that keeps cookies the way a browser does, for host tests and the mock network.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::page::default_path;
use super::set_cookie::parse_set_cookie;
use super::{CookieJar, Page, Result, SameSite, MAX_ATTRIBUTE_BYTES, MAX_NAME_VALUE_BYTES};
use crate::clock::{Clock, Millis, SystemClock};

/// A stored cookie with everything a browser remembers about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCookie {
    /// Name and value as written (still percent-encoded, if they were).
    pub name: String,
    pub value: String,
    pub domain: String,
    /// Without a `Domain` attribute, sent to the exact host only.
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
    /// `None` for a session cookie.
    pub expires_at: Option<Millis>,
    created: u64,
}

/// Where a cookie came from: a script may not set or see `HttpOnly` cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Script,
    Server,
}

/// An in-memory cookie store that applies RFC 6265bis §5.7 storage rules: Max-Age over
/// Expires, expiry, default path, domain matching, `Secure` only from a secure page,
/// `SameSite=None` only with `Secure`, the size limit, replacement by (name, domain,
/// path), and the `Cookie` string in §5.8.3 order (longest path first, then oldest).
pub struct MemoryJar {
    page: RefCell<Page>,
    clock: Rc<dyn Clock>,
    cookies: RefCell<Vec<StoredCookie>>,
    counter: Cell<u64>,
}

impl MemoryJar {
    pub fn new(page: Page, clock: Rc<dyn Clock>) -> Self {
        Self {
            page: RefCell::new(page),
            clock,
            cookies: RefCell::new(Vec::new()),
            counter: Cell::new(0),
        }
    }

    /// A jar for a page at `http://localhost/`, on the system clock.
    pub fn localhost() -> Self {
        Self::new(Page::new("localhost", "/", true), Rc::new(SystemClock))
    }

    /// Moves the jar's page, as navigating would.
    pub fn set_page(&self, page: Page) {
        *self.page.borrow_mut() = page;
    }

    /// Every unexpired cookie, whatever the page can see, in storage order.
    pub fn stored(&self) -> Vec<StoredCookie> {
        self.purge_expired();
        self.cookies.borrow().clone()
    }

    /// Applies one `Set-Cookie` line. Returns whether the cookie was stored (or, for a
    /// deletion, whether the line was accepted); like a browser, a refusal is silent.
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
        let (domain, host_only) = match cookie
            .domain
            .as_deref()
            .filter(|d| d.len() <= MAX_ATTRIBUTE_BYTES)
        {
            Some(domain) if page.domain_matches(domain) => (domain.to_owned(), false),
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
        if (name.starts_with("__Secure-") && !secure)
            || (name.starts_with("__Host-") && (!secure || !host_only || path != "/"))
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
                    page.domain_matches(&c.domain)
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
