//! Reactive cookies for Yew: a component re-renders when a cookie it reads changes,
//! whoever changed it (see [`crate::cookies::watch`]).

mod use_cookie;
mod use_cookie_json;
mod use_cookies;

pub use use_cookie::{use_cookie, use_cookie_with_options, UseCookieHandle};
pub use use_cookie_json::{use_cookie_json, use_cookie_json_with_options, UseCookieJsonHandle};
pub use use_cookies::use_cookies;

use crate::cookies::{parse, CookieJar, DocumentJar};

/// The page's cookie string, or an empty one where there is no `document.cookie`.
fn current_cookie_string() -> String {
    DocumentJar::new()
        .and_then(|jar| jar.raw())
        .unwrap_or_default()
}

/// The decoded value of `name` in a cookie string.
fn value_in(cookie_string: &str, name: &str) -> Option<String> {
    parse(cookie_string)
        .into_iter()
        .find(|cookie| cookie.name == name)
        .map(|cookie| cookie.value)
}
