#![doc = include_str!("../README.md")]
//!
//! Every hook subscribes to one page-wide watcher ([`crumbs_cookies::watch`]) while its
//! component is mounted, and every subscriber shares one parse of `document.cookie` per
//! change: a page with fifty cookie-reading components parses the jar once, not fifty
//! times.
#![deny(missing_docs, missing_debug_implementations)]

mod use_cookie;
mod use_cookie_attributes;
#[cfg(feature = "json")]
mod use_cookie_json;
mod use_cookies;

pub use use_cookie::{use_cookie, use_cookie_with_options, UseCookieHandle};
pub use use_cookie_attributes::{use_cookie_attributes, CookieAttributesState};
#[cfg(feature = "json")]
pub use use_cookie_json::{use_cookie_json, use_cookie_json_with_options, UseCookieJsonHandle};
pub use use_cookies::use_cookies;

use std::rc::Rc;

use crumbs_cookies::{CookiePair, DocumentJar};

/// The page's cookies, parsed once per change for every hook (see
/// [`DocumentJar::snapshot`]); none where there is no `document.cookie`.
fn current_cookies() -> Rc<Vec<CookiePair>> {
    DocumentJar::new()
        .and_then(|jar| jar.snapshot())
        .unwrap_or_default()
}

/// The decoded value of cookie `name`.
fn current_value(name: &str) -> Option<String> {
    value_of(&current_cookies(), name)
}

/// The decoded value of cookie `name` among `cookies`.
fn value_of(cookies: &[CookiePair], name: &str) -> Option<String> {
    cookies
        .iter()
        .find(|cookie| cookie.name == name)
        .map(|cookie| cookie.value.clone())
}
