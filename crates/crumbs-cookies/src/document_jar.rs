//! The browser's own jar, through `document.cookie`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlDocument;

use super::{parse, CookieError, CookieJar, CookiePair, Page, Result};
use crate::clock::{Clock, Millis, SystemClock};

#[wasm_bindgen]
extern "C" {
    /// The document, seen only for its `cookie` getter.
    type CookieDocument;

    /// `document.cookie` left as a JavaScript string: comparing it with the last one read
    /// costs far less than copying it into Wasm memory.
    #[wasm_bindgen(method, getter, js_name = cookie, catch)]
    fn cookie(this: &CookieDocument) -> std::result::Result<JsValue, JsValue>;
}

thread_local! {
    /// The last cookie string read and its parse, shared by every reader in the page.
    static SNAPSHOT: RefCell<Option<(JsValue, Rc<Vec<CookiePair>>)>> = const { RefCell::new(None) };
}

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

impl DocumentJar {
    /// Every cookie this page can read, decoded: the same as
    /// [`get_all`](CookieJar::get_all), but shared. While `document.cookie` is unchanged
    /// the previous parse is returned without copying or parsing anything, so components
    /// that all watch the jar parse it once per change between them.
    pub fn snapshot(&self) -> Result<Rc<Vec<CookiePair>>> {
        let raw = self
            .document
            .unchecked_ref::<CookieDocument>()
            .cookie()
            .map_err(unavailable)?;
        let cached = SNAPSHOT.with(|snapshot| {
            snapshot
                .borrow()
                .as_ref()
                .filter(|(seen, _)| *seen == raw)
                .map(|(_, cookies)| cookies.clone())
        });
        if let Some(cookies) = cached {
            return Ok(cookies);
        }
        let text = raw
            .as_string()
            .ok_or_else(|| CookieError::Unavailable("document.cookie is not a string".into()))?;
        let cookies = Rc::new(parse(&text));
        SNAPSHOT.with(|snapshot| *snapshot.borrow_mut() = Some((raw, cookies.clone())));
        Ok(cookies)
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
