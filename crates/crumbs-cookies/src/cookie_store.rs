//! Every cookie's attributes, read from the Cookie Store API (`window.cookieStore`):
//! what `document.cookie` hides.
//!
//! `document.cookie` lists names and values only. Where the browser's Cookie Store API
//! reports more, [`attributes`] reads, for every cookie the page can see, when it expires
//! and its `Path`, `Domain`, `Secure`, `SameSite` and `Partitioned` attributes. Where it
//! cannot, the error says why in one sentence a page can show (see [`Unavailable`]).
//!
//! Measured in this project's browser tests: headless Chromium reports every attribute;
//! Firefox ESR has a `cookieStore` that reports names and values only
//! ([`Unavailable::NamesAndValuesOnly`]); a page that is not a secure context (http on a
//! host other than localhost) has no `cookieStore` in either
//! ([`Unavailable::NoCookieStore`]).
//!
//! The [`watch`](crate::watch)er uses the same read to drop a cookie from every
//! subscriber's list at its expiry, whoever wrote it.

use std::fmt;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::encoding::decode;
use super::parse::unquote;
use super::{CookieError, Result, SameSite};
use crate::clock::Millis;

/// One cookie as the Cookie Store API reports it: name and value decoded as
/// [`parse`](crate::parse) decodes `document.cookie`, and the attributes `document.cookie`
/// hides.
///
/// ```
/// use crumbs_cookies::cookie_store::CookieAttributes;
/// use crumbs_cookies::SameSite;
///
/// let theme = CookieAttributes {
///     name: "theme".into(),
///     value: "dark blue".into(),
///     expires: Some(1_800_000_060_000),
///     path: "/".into(),
///     domain: None,
///     secure: false,
///     same_site: Some(SameSite::Lax),
///     partitioned: false,
/// };
/// assert_eq!(theme.expires_in(1_800_000_000_000), Some(60_000));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieAttributes {
    /// The name, percent-decoded (empty for a cookie written without `=`).
    pub name: String,
    /// The value, percent-decoded, surrounding quotes removed.
    pub value: String,
    /// When the browser drops it, in milliseconds since the Unix epoch (`Expires`, or
    /// `Max-Age` counted from the write: RFC 6265bis §5.6.1, §5.6.2); `None` for a session
    /// cookie, kept until the browser session ends (§5.7 step 17).
    pub expires: Option<Millis>,
    /// The `Path` it is scoped to (§5.6.4; the default path when written without one).
    pub path: String,
    /// The `Domain` it was written with (§5.6.3), without the leading `.` browsers drop;
    /// `None` for a host-only cookie, sent to this exact host only.
    pub domain: Option<String>,
    /// `Secure` (§5.6.5): sent over https (and to localhost) only.
    pub secure: bool,
    /// `SameSite` (§5.6.7) as the browser enforces it: Chromium reports `Lax` for a
    /// cookie written without one, its default. `None` for a value this crate does not
    /// know.
    pub same_site: Option<SameSite>,
    /// `Partitioned` (CHIPS): kept in a jar of its own for each top-level site.
    pub partitioned: bool,
}

impl CookieAttributes {
    /// Milliseconds left until it expires (negative once passed), for a countdown;
    /// `None` for a session cookie. Saturates rather than overflowing.
    ///
    /// ```
    /// use crumbs_cookies::cookie_store::CookieAttributes;
    /// # let mut cookie = CookieAttributes { name: "a".into(), value: "1".into(),
    /// #     expires: None, path: "/".into(), domain: None, secure: false,
    /// #     same_site: None, partitioned: false };
    /// cookie.expires = Some(5_000);
    /// assert_eq!(cookie.expires_in(1_000), Some(4_000));
    /// cookie.expires = None;
    /// assert_eq!(cookie.expires_in(1_000), None);
    /// ```
    pub fn expires_in(&self, now: Millis) -> Option<Millis> {
        self.expires.map(|at| at.saturating_sub(now))
    }
}

/// Why this page cannot read cookie attributes. Its `Display` is one sentence a page can
/// show under a cookie table.
///
/// New reasons may be added in a minor release, so a `match` needs a `_` arm.
///
/// ```
/// use crumbs_cookies::cookie_store::Unavailable;
/// assert!(Unavailable::NoCookieStore.to_string().starts_with("This browser"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unavailable {
    /// There is no `window.cookieStore`: a browser without the Cookie Store API, or a
    /// page that is not a secure context (the API exists on https and localhost only).
    NoCookieStore,
    /// The Cookie Store API answers names and values only (Firefox ESR does).
    NamesAndValuesOnly,
    /// The Cookie Store API refused to list the cookies (a sandboxed frame, an opaque
    /// origin). Holds what the browser said.
    Refused(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NoCookieStore => f.write_str(
                "This browser offers this page no Cookie Store API (it needs https or \
                 localhost and a browser that has one), and document.cookie hides every \
                 attribute, so expiry, path, domain, Secure and SameSite are unknown here.",
            ),
            Unavailable::NamesAndValuesOnly => f.write_str(
                "This browser's Cookie Store API reports names and values only, so expiry, \
                 path, domain, Secure and SameSite are unknown here.",
            ),
            Unavailable::Refused(reason) => write!(
                f,
                "The browser's Cookie Store API refused to list the cookies ({reason}), so \
                 their attributes are unknown here."
            ),
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `window.cookieStore`, seen for `getAll` only.
    type CookieStore;

    #[wasm_bindgen(method, js_name = getAll, catch)]
    fn get_all(this: &CookieStore) -> std::result::Result<js_sys::Promise, JsValue>;

    /// One entry of `getAll`'s answer; every field is read as the JavaScript value it is,
    /// since browsers leave out the ones they do not report.
    type CookieListItem;

    #[wasm_bindgen(method, getter)]
    fn name(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn value(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn expires(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn path(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn domain(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn secure(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = sameSite)]
    fn same_site(this: &CookieListItem) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn partitioned(this: &CookieListItem) -> JsValue;
}

/// Every cookie the page can see, with its attributes, as the Cookie Store API lists
/// them (in the browser's order, the order of `document.cookie`; when two cookies share a
/// name, the first is the one [`parse`](crate::parse) keeps), or
/// [`CookieError::AttributesUnavailable`] saying why the browser will not tell.
///
/// ```no_run
/// # async fn show() {
/// use crumbs_cookies::{cookie_store, CookieError};
/// match cookie_store::attributes().await {
///     Ok(cookies) => {
///         for cookie in cookies {
///             println!("{} expires {:?} on {}", cookie.name, cookie.expires, cookie.path);
///         }
///     }
///     // One sentence to show under the table.
///     Err(CookieError::AttributesUnavailable(why)) => println!("{why}"),
///     Err(other) => println!("{other}"),
/// }
/// # }
/// ```
pub async fn attributes() -> Result<Vec<CookieAttributes>> {
    let listed = js_sys::futures::JsFuture::from(list()?)
        .await
        .map_err(refused)?;
    from_list(&listed)
}

/// `cookieStore.getAll()`'s promise, or why there is none. The watcher hands the promise
/// its own callback rather than awaiting it: an async task per read would bring a future
/// of its own into every app's Wasm.
pub(crate) fn list() -> Result<js_sys::Promise> {
    let store = cookie_store().ok_or(CookieError::AttributesUnavailable(
        Unavailable::NoCookieStore,
    ))?;
    store.get_all().map_err(refused)
}

/// `getAll`'s answer as attributes, or why it holds none.
pub(crate) fn from_list(listed: &JsValue) -> Result<Vec<CookieAttributes>> {
    if !js_sys::Array::is_array(listed) {
        return Err(CookieError::AttributesUnavailable(Unavailable::Refused(
            "cookieStore.getAll() answered something other than a list".into(),
        )));
    }
    let listed: &js_sys::Array = listed.unchecked_ref();
    let mut cookies = Vec::with_capacity(listed.length() as usize);
    for item in listed.iter() {
        let record = record_of(item.unchecked_ref());
        cookies.push(
            record
                .into_attributes()
                .map_err(CookieError::AttributesUnavailable)?,
        );
    }
    Ok(cookies)
}

/// A rejection of `getAll`, as the error a page shows.
pub(crate) fn refused(error: JsValue) -> CookieError {
    CookieError::AttributesUnavailable(Unavailable::Refused(js_reason(&error)))
}

/// `window.cookieStore`, where there is one.
fn cookie_store() -> Option<CookieStore> {
    let window = web_sys::window()?;
    let store = js_sys::Reflect::get(&window, &JsValue::from_str("cookieStore")).ok()?;
    (!store.is_undefined() && !store.is_null()).then(|| store.unchecked_into())
}

/// What a browser's rejection said: a `DOMException`'s or an `Error`'s message.
fn js_reason(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "no reason given".into())
}

fn record_of(item: &CookieListItem) -> Record {
    Record {
        name: item.name().as_string(),
        value: item.value().as_string(),
        expires: item.expires().as_f64(),
        path: item.path().as_string(),
        domain: item.domain().as_string(),
        secure: item.secure().as_bool(),
        same_site: item.same_site().as_string(),
        partitioned: item.partitioned().as_bool(),
    }
}

/// One Cookie Store API entry, each field `None` where the browser left it out or gave
/// another type: the JavaScript side done, so the mapping is tested on the host.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Record {
    pub(crate) name: Option<String>,
    pub(crate) value: Option<String>,
    pub(crate) expires: Option<f64>,
    pub(crate) path: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) secure: Option<bool>,
    pub(crate) same_site: Option<String>,
    pub(crate) partitioned: Option<bool>,
}

impl Record {
    /// The attributes, decoded; [`Unavailable::NamesAndValuesOnly`] for an entry without
    /// a path, which every cookie has where a browser reports attributes at all.
    pub(crate) fn into_attributes(self) -> std::result::Result<CookieAttributes, Unavailable> {
        let path = self.path.ok_or(Unavailable::NamesAndValuesOnly)?;
        let name = self.name.unwrap_or_default();
        let value = self.value.unwrap_or_default();
        Ok(CookieAttributes {
            name: decode(&name),
            value: decode(unquote(&value)),
            expires: self.expires.and_then(millis_from),
            path,
            domain: self.domain.map(|domain| {
                domain
                    .strip_prefix('.')
                    .map(str::to_owned)
                    .unwrap_or(domain)
            }),
            secure: self.secure.unwrap_or(false),
            same_site: self.same_site.as_deref().and_then(same_site_from),
            partitioned: self.partitioned.unwrap_or(false),
        })
    }
}

/// A JavaScript time (a double) as [`Millis`]: `None` for NaN, which is no time at all;
/// the infinities and anything beyond [`Millis`]' range stop at its ends (Rust's
/// float-to-integer `as` saturates), whole milliseconds rounded down.
fn millis_from(ms: f64) -> Option<Millis> {
    (!ms.is_nan()).then(|| ms.floor() as Millis)
}

/// The Cookie Store API's `sameSite` (`"strict"`, `"lax"`, `"none"`), in any case.
fn same_site_from(text: &str) -> Option<SameSite> {
    if text.eq_ignore_ascii_case("strict") {
        Some(SameSite::Strict)
    } else if text.eq_ignore_ascii_case("lax") {
        Some(SameSite::Lax)
    } else if text.eq_ignore_ascii_case("none") {
        Some(SameSite::None)
    } else {
        None
    }
}

/// The nearest expiry after `now` in `getAll`'s answer: when the next cookie leaves the
/// page. Reads `expires` alone, so the watcher's timer does not bring the whole mapping
/// into an app that never shows attributes.
pub(crate) fn nearest_listed_expiry(listed: &JsValue, now: Millis) -> Option<Millis> {
    if !js_sys::Array::is_array(listed) {
        return None;
    }
    let listed: &js_sys::Array = listed.unchecked_ref();
    nearest_expiry(
        listed.iter().map(|item| {
            item.unchecked_ref::<CookieListItem>()
                .expires()
                .as_f64()
                .and_then(millis_from)
        }),
        now,
    )
}

/// The nearest of `expiries` after `now` (`None` stands for a session cookie).
fn nearest_expiry(expiries: impl Iterator<Item = Option<Millis>>, now: Millis) -> Option<Millis> {
    expiries.flatten().filter(|at| *at > now).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Chromium answers for `short=lived; Path=/; Max-Age=1`.
    fn chromium(name: &str, value: &str) -> Record {
        Record {
            name: Some(name.into()),
            value: Some(value.into()),
            expires: Some(1_800_000_001_000.0),
            path: Some("/".into()),
            domain: None,
            secure: Some(false),
            same_site: Some("lax".into()),
            partitioned: Some(false),
        }
    }

    #[test]
    fn a_full_record_maps_to_its_attributes() {
        let cookie = chromium("short", "lived").into_attributes().unwrap();
        assert_eq!(
            cookie,
            CookieAttributes {
                name: "short".into(),
                value: "lived".into(),
                expires: Some(1_800_000_001_000),
                path: "/".into(),
                domain: None,
                secure: false,
                same_site: Some(SameSite::Lax),
                partitioned: false,
            }
        );
    }

    #[test]
    fn names_and_values_are_decoded_as_document_cookie_is() {
        let cookie = chromium("caf%C3%A9", "\"dark%20blue\"")
            .into_attributes()
            .unwrap();
        assert_eq!(
            (cookie.name.as_str(), cookie.value.as_str()),
            ("café", "dark blue")
        );
        let parsed = crate::parse("caf%C3%A9=\"dark%20blue\"");
        assert_eq!(
            (parsed[0].name.as_str(), parsed[0].value.as_str()),
            ("café", "dark blue")
        );
        let malformed = chromium("bad", "%E0%A4%A").into_attributes().unwrap();
        assert_eq!(malformed.value, "%E0%A4%A");
    }

    #[test]
    fn a_record_without_a_path_means_names_and_values_only() {
        // What Firefox ESR answers: `{ name, value }`.
        let firefox = Record {
            name: Some("plain".into()),
            value: Some("1".into()),
            ..Record::default()
        };
        assert_eq!(
            firefox.into_attributes(),
            Err(Unavailable::NamesAndValuesOnly)
        );
    }

    #[test]
    fn missing_or_odd_fields_take_their_defaults() {
        let sparse = Record {
            path: Some("/app".into()),
            ..Record::default()
        };
        let cookie = sparse.into_attributes().unwrap();
        assert_eq!(cookie.name, "");
        assert_eq!(cookie.value, "");
        assert_eq!(cookie.expires, None, "no expiry: a session cookie");
        assert_eq!(cookie.domain, None);
        assert!(!cookie.secure && !cookie.partitioned);
        assert_eq!(cookie.same_site, None);
        let dotted = Record {
            domain: Some(".example.com".into()),
            ..chromium("a", "1")
        };
        assert_eq!(
            dotted.into_attributes().unwrap().domain.as_deref(),
            Some("example.com")
        );
    }

    #[test]
    fn same_site_strings_in_any_case() {
        for (text, expected) in [
            ("strict", Some(SameSite::Strict)),
            ("Strict", Some(SameSite::Strict)),
            ("lax", Some(SameSite::Lax)),
            ("LAX", Some(SameSite::Lax)),
            ("none", Some(SameSite::None)),
            ("", None),
            ("unspecified", None),
        ] {
            assert_eq!(same_site_from(text), expected, "{text:?}");
        }
    }

    #[test]
    fn expiry_times_from_javascript_never_overflow() {
        for (ms, expected) in [
            (1_800_000_001_000.0, Some(1_800_000_001_000)),
            (1_800_000_001_000.7, Some(1_800_000_001_000)),
            (0.0, Some(0)),
            (-1.5, Some(-2)),
            (f64::INFINITY, Some(Millis::MAX)),
            (f64::NEG_INFINITY, Some(Millis::MIN)),
            (1e300, Some(Millis::MAX)),
            (-1e300, Some(Millis::MIN)),
            (f64::NAN, None),
        ] {
            assert_eq!(millis_from(ms), expected, "{ms}");
        }
    }

    #[test]
    fn the_nearest_expiry_is_the_first_still_ahead() {
        let now = 1_000;
        let expiries = [
            None,
            Some(9_000),
            Some(2_000),
            Some(500),
            Some(1_000),
            Some(Millis::MAX),
        ];
        assert_eq!(nearest_expiry(expiries.into_iter(), now), Some(2_000));
        assert_eq!(nearest_expiry(expiries[..1].iter().copied(), now), None);
        assert_eq!(nearest_expiry(std::iter::empty(), now), None);
    }

    #[test]
    fn every_reason_is_one_sentence() {
        for reason in [
            Unavailable::NoCookieStore,
            Unavailable::NamesAndValuesOnly,
            Unavailable::Refused("The operation is insecure.".into()),
        ] {
            let text = reason.to_string();
            assert!(text.starts_with(char::is_uppercase), "{text}");
            assert!(text.ends_with('.'), "{text}");
            assert!(!text.contains('`'), "{text}");
            assert_eq!(
                text.matches(". ").count(),
                0,
                "one sentence, not several: {text}"
            );
        }
    }
}
