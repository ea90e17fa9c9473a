//! The browser's own jar, through `document.cookie`.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlDocument;

use super::{CookieError, CookieJar, Page, Result};
use crate::clock::{Clock, Millis, SystemClock};

/// `document.cookie` of the current page.
#[derive(Clone, Debug)]
pub struct DocumentJar {
    document: HtmlDocument,
}

impl DocumentJar {
    /// The jar of the page this code runs in.
    pub fn new() -> Result<Self> {
        let document = web_sys::window()
            .and_then(|window| window.document())
            .ok_or_else(|| CookieError::Unavailable("there is no window or document".into()))?
            .dyn_into::<HtmlDocument>()
            .map_err(|_| CookieError::Unavailable("the document is not an HTML document".into()))?;
        Ok(Self { document })
    }
}

fn unavailable(error: JsValue) -> CookieError {
    CookieError::Unavailable(
        error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "document.cookie threw".into()),
    )
}

impl CookieJar for DocumentJar {
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
