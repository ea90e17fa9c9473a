//! The cookie layer: `document.cookie` done right.
//!
//! - [`parse`] reads a cookie string the way browsers write it, never failing;
//! - [`encode_name`], [`encode_value`] and [`decode`] match js-cookie 3 byte for byte;
//! - [`CookieOptions`] holds the attributes, each documented against its RFC section,
//!   and refuses attribute injection before anything is written;
//! - [`CookieJar`] is the jar: [`DocumentJar`] in a browser, [`MemoryJar`] anywhere.
//!   Writes are read back, so a cookie the browser silently dropped is an error.

pub mod clock;
mod date;
mod document_jar;
mod encoding;
mod error;
mod jar;
#[cfg(feature = "json")]
mod json;
mod memory_jar;
mod options;
mod page;
mod parse;
mod same_site;
mod set_cookie;
pub mod watch;

pub use date::{format_http_date, parse_cookie_date};
pub use document_jar::DocumentJar;
pub use encoding::{decode, encode_name, encode_uri_component, encode_value};
pub use error::{CookieError, Result};
pub use jar::{refusal_reason, CookieJar};
#[cfg(feature = "json")]
pub use json::CookieJarJson;
pub use memory_jar::{MemoryJar, Source, StoredCookie};
pub use options::{CookieOptions, MAX_ATTRIBUTE_BYTES, MAX_NAME_VALUE_BYTES};
pub use page::{default_path, path_matches, Page};
pub use parse::{parse, parse_raw, CookiePair};
pub use same_site::SameSite;
pub use set_cookie::{parse_set_cookie, SetCookie};
pub use time::OffsetDateTime;
