//! For Crumbs' own browser tests: wait for what a mounted component shows without
//! sleeping. A test checks its condition, and if it does not hold yet, waits for the next
//! change to the DOM under its root (a `MutationObserver`), then checks again. The limit
//! only ever fails a test; nothing waits for a fixed time hoping the page caught up.
#![deny(missing_docs, missing_debug_implementations)]

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

#[wasm_bindgen(inline_js = "
export function next_change(root, ms) {
    return new Promise((resolve) => {
        let timer;
        const observer = new MutationObserver(() => {
            observer.disconnect();
            clearTimeout(timer);
            resolve(true);
        });
        timer = setTimeout(() => { observer.disconnect(); resolve(false); }, ms);
        observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    });
}
export function raw_assign(text) { document.cookie = text; }
export function user_agent() { return navigator.userAgent; }
export function cookie_gone(name, ms) {
    const gone = () => !document.cookie.split('; ').some((pair) => pair.split('=')[0] === name);
    const deadline = Date.now() + ms;
    return new Promise((resolve) => {
        const look = () => {
            if (gone()) resolve(true);
            else if (Date.now() > deadline) resolve(false);
            else setTimeout(look, 20);
        };
        look();
    });
}
")]
extern "C" {
    fn next_change(root: &Element, ms: f64) -> js_sys::Promise;
    /// Writes `text` to `document.cookie` as another script would: straight from
    /// JavaScript, past the cookie layer and its watcher.
    pub fn raw_assign(text: &str);
    /// `navigator.userAgent`, for tests that assert what each browser does.
    pub fn user_agent() -> String;
    #[wasm_bindgen(js_name = cookie_gone)]
    fn cookie_gone_promise(name: &str, ms: f64) -> js_sys::Promise;
}

/// Resolves to `true` once the browser itself no longer lists cookie `name` in
/// `document.cookie` (looked at every 20 ms, whatever the watcher does), or to `false`
/// after `limit_ms`: for tests of what the page does once the browser dropped an expired
/// cookie, where no page event says when that happened.
pub async fn cookie_gone(name: &str, limit_ms: f64) -> bool {
    JsFuture::from(cookie_gone_promise(name, limit_ms.max(0.0)))
        .await
        .ok()
        .and_then(|gone| gone.as_bool())
        .unwrap_or(false)
}

/// Resolves to `true` at the next change to the DOM under `root`, or to `false` once
/// `limit_ms` have passed without one. The observer is in place before this returns its
/// future, and page script runs on one thread, so a change made after the caller's last
/// check cannot be missed.
pub async fn dom_change(root: &Element, limit_ms: f64) -> bool {
    JsFuture::from(next_change(root, limit_ms.max(0.0)))
        .await
        .ok()
        .and_then(|changed| changed.as_bool())
        .unwrap_or(false)
}

/// Milliseconds left until `deadline` (a `Date.now()` value), never negative.
pub fn left_until(deadline: f64) -> f64 {
    (deadline - js_sys::Date::now()).max(0.0)
}

/// The browsers Crumbs' tests know, for assertions that differ between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    /// Chromium (headless, through chromedriver).
    Chromium,
    /// Firefox ESR (headless, through geckodriver).
    Firefox,
}

/// The browser running the test, told apart by its user agent. Panics on any other: a
/// test that branches on the browser must not silently take one branch for an unknown one.
pub fn browser() -> Browser {
    let agent = user_agent();
    // Chromium's agent names Chrome; Firefox's names only Firefox (and Gecko).
    if agent.contains("Firefox/") {
        Browser::Firefox
    } else if agent.contains("Chrome/") {
        Browser::Chromium
    } else {
        panic!("these tests know Chromium and Firefox, not {agent:?}")
    }
}
