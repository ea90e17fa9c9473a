//! The page's cookies, parsed once per change: the one cache behind
//! [`DocumentJar::snapshot`](crate::DocumentJar::snapshot) and the watcher.
//!
//! Every reader in the page (each hook, each jar, the watcher's checks) asks here, so a
//! cookie string is parsed once however many components read it, and "did it change
//! since I last looked?" is answered by the same cache that did the reading, through a
//! [`Version`] rather than by comparing what two modules hold.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlDocument;

use super::error::unavailable;
use super::{parse, CookieError, CookiePair, Result};

#[wasm_bindgen]
extern "C" {
    /// The document, seen only for its `cookie` getter.
    type CookieDocument;

    /// `document.cookie` left as a JavaScript string: comparing it with the last one read
    /// costs far less than copying it into Wasm memory.
    #[wasm_bindgen(method, getter, js_name = cookie, catch)]
    fn cookie(this: &CookieDocument) -> std::result::Result<JsValue, JsValue>;
}

/// Which parse of the cookie string a reader saw. A new parse gets a new version, so two
/// reads with the same version saw the same cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Version(u64);

/// The cookies as last read, and which parse they are.
#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    pub(crate) version: Version,
    pub(crate) cookies: Rc<Vec<CookiePair>>,
}

impl Snapshot {
    /// Whether the cookies changed since a reader saw `seen` (always, if it saw none).
    pub(crate) fn changed_since(&self, seen: Option<Version>) -> bool {
        seen != Some(self.version)
    }
}

/// The last cookie string read, as a JavaScript value, with its parse.
struct Cache {
    raw: JsValue,
    snapshot: Snapshot,
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// The document of the page this code runs in, seen as an HTML document (the only kind
/// with `document.cookie`).
pub(crate) fn page_document() -> Result<HtmlDocument> {
    web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| CookieError::Unavailable("there is no window or document".into()))?
        .dyn_into::<HtmlDocument>()
        .map_err(|_| CookieError::Unavailable("the document is not an HTML document".into()))
}

/// The page's cookies now: the cached parse while `document.cookie` is unchanged,
/// otherwise a new parse under a new version.
pub(crate) fn read(document: &HtmlDocument) -> Result<Snapshot> {
    let raw = document
        .unchecked_ref::<CookieDocument>()
        .cookie()
        .map_err(unavailable)?;
    let cached = CACHE.with(|cache| {
        cache
            .borrow()
            .as_ref()
            .filter(|cache| cache.raw == raw)
            .map(|cache| cache.snapshot.clone())
    });
    if let Some(snapshot) = cached {
        return Ok(snapshot);
    }
    let text = raw
        .as_string()
        .ok_or_else(|| CookieError::Unavailable("document.cookie is not a string".into()))?;
    let cookies = Rc::new(parse(&text));
    Ok(CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Wrapping: a page would need 2^64 changes to meet a version it saw before.
        let next = cache
            .as_ref()
            .map_or(0, |cache| cache.snapshot.version.0.wrapping_add(1));
        let snapshot = Snapshot {
            version: Version(next),
            cookies,
        };
        *cache = Some(Cache {
            raw,
            snapshot: snapshot.clone(),
        });
        snapshot
    }))
}
