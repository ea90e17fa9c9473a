use thiserror::Error;

/// Why a cookie operation did not happen. Every message says what to change; on any of
/// these errors nothing was written to the jar.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CookieError {
    #[error("the cookie name is empty: give the cookie a name")]
    EmptyName,

    #[error(
        "cookie `{name}` is {size} bytes once encoded (name + value) but browsers keep at most \
         {limit}: shorten the value (non-ASCII characters take 6 to 12 bytes each once encoded)"
    )]
    TooLarge {
        name: String,
        size: usize,
        limit: usize,
    },

    #[error(
        "the {attribute} attribute contains {found}, which would end or corrupt the cookie \
         string (attribute injection): remove it"
    )]
    InvalidAttribute {
        attribute: &'static str,
        found: String,
    },

    #[error(
        "the {attribute} attribute is {size} bytes but browsers ignore values over 1024 bytes: \
         shorten it"
    )]
    AttributeTooLong {
        attribute: &'static str,
        size: usize,
    },

    #[error("the Path attribute `{0}` does not start with `/`: write an absolute path such as `/` or `/app`")]
    RelativePath(String),

    #[error("cookie `{name}` breaks its name prefix: {rule}")]
    PrefixRule { name: String, rule: &'static str },

    #[error("the browser refused cookie `{name}`: {reason}")]
    Refused { name: String, reason: String },

    #[error(
        "cookie `{name}` is still there after removal: it was set with another Path or Domain \
         than the ones given; pass those to remove it"
    )]
    StillPresent { name: String },

    /// A removal was written for every path and domain the page can see, yet the cookie
    /// is still there: the reason is never its Path or Domain.
    #[error("cookie `{name}` is still there after removal: {reason}")]
    NotRemoved { name: String, reason: String },

    #[error("cookie `{name}` does not hold JSON of the expected shape ({message}): rewrite it, or remove it")]
    Json { name: String, message: String },

    #[error("the value for cookie `{name}` cannot be written as JSON: {message}")]
    Serialize { name: String, message: String },

    #[error("cookies are not available here ({0}): use a browser page over http(s), not a worker, a file:// page or a sandboxed frame")]
    Unavailable(String),
}

/// The cookie layer's result.
pub type Result<T> = std::result::Result<T, CookieError>;
