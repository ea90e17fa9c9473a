//! The browser's own jar, through `document.cookie`.

use std::rc::Rc;

use web_sys::HtmlDocument;

use super::error::unavailable;
use super::snapshot;
use super::{CookieError, CookieJar, CookiePair, Page, Result};
use crate::clock::{Clock, Millis, SystemClock};

/// `document.cookie` of the current page: the jar to use in a browser.
///
/// Every write through it is read back (see [`CookieJar::set_with`]) and announced to the
/// page's [`watch`](crate::watch)er. Reads share one parse per change of the cookie
/// string (see [`snapshot`](Self::snapshot)).
///
/// ```no_run
/// use crumbs_cookies::{CookieJar, CookieOptions, DocumentJar, SameSite};
/// let jar = DocumentJar::new()?;
/// jar.set_with("theme", "dark", &CookieOptions::new().max_age(30 * 86_400_000).same_site(SameSite::Lax))?;
/// assert_eq!(jar.get("theme")?.as_deref(), Some("dark"));
/// # Ok::<(), crumbs_cookies::CookieError>(())
/// ```
#[derive(Clone, Debug)]
pub struct DocumentJar {
    document: HtmlDocument,
}

impl DocumentJar {
    /// The jar of the page this code runs in; [`CookieError::Unavailable`] where there is
    /// no HTML document (a worker, or outside a browser).
    ///
    /// ```no_run
    /// let jar = crumbs_cookies::DocumentJar::new()?;
    /// # Ok::<(), crumbs_cookies::CookieError>(())
    /// ```
    pub fn new() -> Result<Self> {
        Ok(Self {
            document: snapshot::page_document()?,
        })
    }
}

impl DocumentJar {
    /// Every cookie this page can read, decoded: the same as
    /// [`get_all`](CookieJar::get_all), but shared. While `document.cookie` is unchanged
    /// the previous parse is returned without copying or parsing anything, so components
    /// that all watch the jar parse it once per change between them.
    ///
    /// ```no_run
    /// use crumbs_cookies::DocumentJar;
    /// let jar = DocumentJar::new()?;
    /// let first = jar.snapshot()?;
    /// let again = jar.snapshot()?;
    /// // Nothing changed in between: the same parse, shared.
    /// assert!(std::rc::Rc::ptr_eq(&first, &again));
    /// # Ok::<(), crumbs_cookies::CookieError>(())
    /// ```
    pub fn snapshot(&self) -> Result<Rc<Vec<CookiePair>>> {
        Ok(snapshot::read(&self.document)?.cookies)
    }
}

impl CookieJar for DocumentJar {
    fn get_all(&self) -> Result<Vec<CookiePair>> {
        Ok(self.snapshot()?.as_ref().clone())
    }

    fn get(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .snapshot()?
            .iter()
            .find(|cookie| cookie.name == name)
            .map(|cookie| cookie.value.clone()))
    }

    fn raw(&self) -> Result<String> {
        self.document.cookie().map_err(unavailable)
    }

    fn write_raw(&self, cookie: &str) -> Result<()> {
        self.document.set_cookie(cookie).map_err(unavailable)?;
        // Every write in this page goes through here, so every watcher hears of it.
        super::watch::changed_here(cookie);
        Ok(())
    }

    fn page(&self) -> Result<Page> {
        let window = web_sys::window()
            .ok_or_else(|| CookieError::Unavailable("there is no window".into()))?;
        let location = window.location();
        let host = location.hostname().map_err(unavailable)?;
        let path = location.pathname().map_err(unavailable)?;
        Ok(Page::new(host, path, window.is_secure_context()))
    }

    fn now(&self) -> Millis {
        SystemClock.now()
    }
}
