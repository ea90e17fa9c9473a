use thiserror::Error;

/// Why a cookie operation did not happen. Every message says what to change; on any of
/// these errors nothing was written to the jar.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CookieError {
    #[error("The cookie name is empty: give the cookie a name")]
    EmptyName,

    #[error(
        "Cookie “{name}” is {size} bytes once encoded (name + value) but browsers keep at most \
         {limit}: shorten the value (non-ASCII characters take 6 to 12 bytes each once encoded)"
    )]
    TooLarge {
        name: String,
        size: usize,
        limit: usize,
    },

    #[error(
        "The {attribute} attribute contains {found}, which would end or corrupt the cookie \
         string (attribute injection): remove it"
    )]
    InvalidAttribute {
        attribute: &'static str,
        found: String,
    },

    #[error(
        "The {attribute} attribute is {size} bytes but browsers ignore values over 1024 bytes: \
         shorten it"
    )]
    AttributeTooLong {
        attribute: &'static str,
        size: usize,
    },

    #[error(
        "The Path attribute “{0}” does not start with a slash: write an absolute path such as / \
         or /app"
    )]
    RelativePath(String),

    #[error("Cookie “{name}” breaks its name prefix: {rule}")]
    PrefixRule { name: String, rule: &'static str },

    #[error("The browser refused cookie “{name}”: {reason}")]
    Refused { name: String, reason: String },

    #[error(
        "Cookie “{name}” is still there after removal: it was set with another Path or Domain \
         than the ones given; pass those to remove it"
    )]
    StillPresent { name: String },

    /// A removal was written for every path and domain the page can see, yet the cookie
    /// is still there: the reason is never its Path or Domain.
    #[error("Cookie “{name}” is still there after removal: {reason}")]
    NotRemoved { name: String, reason: String },

    #[error(
        "Cookie “{name}” does not hold JSON of the expected shape ({message}): rewrite it, or \
         remove it"
    )]
    Json { name: String, message: String },

    #[error("The value for cookie “{name}” cannot be written as JSON: {message}")]
    Serialize { name: String, message: String },

    #[error("Cookies are not available here ({0}): use a browser page over http(s), not a worker, a file:// page or a sandboxed frame")]
    Unavailable(String),
}

/// The cookie layer's result.
pub type Result<T> = std::result::Result<T, CookieError>;

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
        ]);
        errors
    }

    #[test]
    fn every_error_starts_with_a_capital_and_holds_no_backtick() {
        let errors = every_error();
        assert_eq!(errors.len(), 15, "{errors:#?}");
        for error in errors {
            let text = error.to_string();
            assert!(text.starts_with(char::is_uppercase), "{text}");
            assert!(!text.contains('`'), "{text}");
        }
    }
}
