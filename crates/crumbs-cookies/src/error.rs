//! The one error type of the cookie layer.

use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};

/// Why a cookie operation did not do what was asked. Every message says what to change.
///
/// The validation errors (from [`EmptyName`](Self::EmptyName) to
/// [`PrefixRule`](Self::PrefixRule), and [`Serialize`](Self::Serialize)) come before
/// anything is written. The others report what reading the jar back found: the browser
/// dropped the cookie ([`Refused`](Self::Refused)) or kept one it was told to remove
/// ([`StillPresent`](Self::StillPresent), [`NotRemoved`](Self::NotRemoved)).
///
/// New reasons may be added in a minor release, so a `match` needs a `_` arm.
///
/// ```
/// use crumbs_cookies::{CookieError, CookieJar, MemoryJar};
/// let jar = MemoryJar::localhost();
/// match jar.set("", "x") {
///     Err(CookieError::EmptyName) => {}
///     Err(other) => panic!("another error: {other}"),
///     Ok(()) => panic!("a nameless cookie was written"),
/// }
/// ```
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieError {
    /// The name is empty: `document.cookie` would read such a cookie as a bare value.
    #[error("The cookie name is empty: give the cookie a name")]
    EmptyName,

    /// Name and value, once encoded, are over what browsers keep
    /// ([`MAX_NAME_VALUE_BYTES`](crate::MAX_NAME_VALUE_BYTES)); the browser would drop
    /// the cookie without a word.

    #[error(
        "Cookie “{name}” is {size} bytes once encoded (name + value) but browsers keep at most \
         {limit}: shorten the value (non-ASCII characters take 6 to 12 bytes each once encoded)"
    )]
    TooLarge {
        /// The cookie's name, decoded.
        name: String,
        /// Encoded name plus encoded value, in bytes.
        size: usize,
        /// The most browsers keep, in bytes.
        limit: usize,
    },

    /// An attribute value holds `;` or a control character: written as is, it would add
    /// attributes of its author's choosing or cut the cookie string.

    #[error(
        "The {attribute} attribute contains {found}, which would end or corrupt the cookie \
         string (attribute injection): remove it"
    )]
    InvalidAttribute {
        /// The attribute, as written (`Path`, `Domain`).
        attribute: &'static str,
        /// The offending character, in words.
        found: String,
    },

    /// An attribute value is over
    /// [`MAX_ATTRIBUTE_BYTES`](crate::MAX_ATTRIBUTE_BYTES): browsers would ignore it and
    /// store the cookie with the default instead.

    #[error(
        "The {attribute} attribute is {size} bytes but browsers ignore values over 1024 bytes: \
         shorten it"
    )]
    AttributeTooLong {
        /// The attribute, as written (`Path`, `Domain`).
        attribute: &'static str,
        /// Its value's length, in bytes.
        size: usize,
    },

    /// The `Path` does not start with `/`: browsers would ignore it and scope the cookie
    /// to the page's directory. Holds the path given.

    #[error(
        "The Path attribute “{0}” does not start with a slash: write an absolute path such as / \
         or /app"
    )]
    RelativePath(String),

    /// A `__Secure-` or `__Host-` name without the attributes its prefix requires
    /// (RFC 6265bis §4.1.3): browsers would drop the cookie.
    #[error("Cookie “{name}” breaks its name prefix: {rule}")]
    PrefixRule {
        /// The cookie's name.
        name: String,
        /// The rule broken, in words.
        rule: &'static str,
    },

    /// The cookie was written, but reading the jar back did not find it: the browser
    /// dropped it, for the reason given (RFC 6265bis §5.7's rules, checked in order).
    #[error("The browser refused cookie “{name}”: {reason}")]
    Refused {
        /// The cookie's name.
        name: String,
        /// Why the browser would have dropped it, and what to change.
        reason: String,
    },

    /// A removal with the given `Path` and `Domain` left a cookie of that name where the
    /// page can see it: it lives on another path or domain.

    #[error(
        "Cookie “{name}” is still there after removal: it was set with another Path or Domain \
         than the ones given; pass those to remove it"
    )]
    StillPresent {
        /// The cookie's name.
        name: String,
    },

    /// A removal was written for every path and domain the page can see, yet the cookie
    /// is still there: the reason is never its Path or Domain.
    #[error("Cookie “{name}” is still there after removal: {reason}")]
    NotRemoved {
        /// The name of a cookie that survived.
        name: String,
        /// Why it may have survived, and what to do.
        reason: String,
    },

    /// The cookie's value is not JSON of the type asked for (the `json` feature).
    #[error(
        "Cookie “{name}” does not hold JSON of the expected shape ({message}): rewrite it, or \
         remove it"
    )]
    Json {
        /// The cookie's name.
        name: String,
        /// What the JSON parser said.
        message: String,
    },

    /// The value could not be turned into JSON (the `json` feature); nothing was written.
    #[error("The value for cookie “{name}” cannot be written as JSON: {message}")]
    Serialize {
        /// The cookie's name.
        name: String,
        /// What the JSON writer said.
        message: String,
    },

    /// There is no `document.cookie` to use here (no window, not an HTML document, or
    /// the browser threw). Holds what was missing or what the browser said.
    #[error("Cookies are not available here ({0}): use a browser page over http(s), not a worker, a file:// page or a sandboxed frame")]
    Unavailable(String),

    /// The browser will not tell this page its cookies' attributes (expiry, `Path`,
    /// `Domain`, `Secure`, `SameSite`): see
    /// [`cookie_store::attributes`](crate::cookie_store::attributes). The message is one
    /// sentence a page can show under a cookie table.
    #[error("{0}")]
    AttributesUnavailable(crate::cookie_store::Unavailable),
}

/// The cookie layer's result: every fallible operation returns a [`CookieError`].
pub type Result<T> = std::result::Result<T, CookieError>;

/// What a throwing `document.cookie` or `location` said, as [`CookieError::Unavailable`]
/// (every reader of the page's jar reports such a failure the same way).
pub(crate) fn unavailable(error: JsValue) -> CookieError {
    CookieError::Unavailable(
        error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "document.cookie threw".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CookieJar, CookieOptions, MemoryJar, Page};

    /// Every error the cookie layer can give, made the way the layer makes it where it
    /// can be, so the reasons it composes are checked too.
    fn every_error() -> Vec<CookieError> {
        let jar = MemoryJar::localhost();
        let mut errors: Vec<CookieError> = [
            jar.set("", "x"),
            jar.set("big", &"x".repeat(5000)),
            jar.set_with("a", "1", &CookieOptions::new().path("/; Domain=evil")),
            jar.set_with("a", "1", &CookieOptions::new().path("/\u{7}")),
            jar.set_with("a", "1", &CookieOptions::new().path("/x".repeat(600))),
            jar.set_with("a", "1", &CookieOptions::new().path("app")),
            jar.set("__Secure-a", "1"),
            jar.set_with(
                "__Host-a",
                "1",
                &CookieOptions::new().secure(true).path("/x"),
            ),
            jar.set_with("a", "1", &CookieOptions::new().domain("other.org")),
        ]
        .into_iter()
        .filter_map(|result| result.err())
        .collect();
        let insecure = MemoryJar::new(
            Page::new("example.com", "/", false),
            std::rc::Rc::new(crate::clock::ManualClock::at(0)),
        );
        errors.extend(
            insecure
                .set_with("a", "1", &CookieOptions::new().secure(true))
                .err(),
        );
        errors.extend([
            CookieError::StillPresent { name: "a".into() },
            CookieError::NotRemoved {
                name: "a".into(),
                reason: crate::jar::survival_reason(
                    &Page::new("example.com", "/", false),
                    "__Host-a",
                ),
            },
            CookieError::Json {
                name: "prefs".into(),
                message: "expected a map".into(),
            },
            CookieError::Serialize {
                name: "prefs".into(),
                message: "a key must be a string".into(),
            },
            CookieError::Unavailable("no document".into()),
            CookieError::AttributesUnavailable(crate::cookie_store::Unavailable::NoCookieStore),
            CookieError::AttributesUnavailable(
                crate::cookie_store::Unavailable::NamesAndValuesOnly,
            ),
            CookieError::AttributesUnavailable(crate::cookie_store::Unavailable::Refused(
                "The operation is insecure.".into(),
            )),
        ]);
        errors
    }

    #[test]
    fn every_error_starts_with_a_capital_and_holds_no_backtick() {
        let errors = every_error();
        assert_eq!(errors.len(), 18, "{errors:#?}");
        for error in errors {
            let text = error.to_string();
            assert!(text.starts_with(char::is_uppercase), "{text}");
            assert!(!text.contains('`'), "{text}");
        }
    }
}
