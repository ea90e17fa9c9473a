//! Browser cookies for Rust and WebAssembly: `document.cookie` done right.
//!
//! - [`parse`] reads a cookie string the way browsers write it, never failing;
//! - [`encode_name`], [`encode_value`] and [`decode`] match js-cookie 3 byte for byte, so
//!   a page that also uses js-cookie reads the same cookies;
//! - [`CookieOptions`] holds the attributes, each documented against the RFC 6265bis
//!   section it implements, and refuses attribute injection before anything is written;
//! - [`parse_set_cookie`], [`parse_cookie_date`] and [`format_http_date`] read and write
//!   `Set-Cookie` lines and cookie dates as browsers do;
//! - [`CookieJar`] is the jar: [`DocumentJar`] in a browser, [`MemoryJar`] anywhere (it
//!   applies a browser's storage rules, for tests and in-page servers). Writes are read
//!   back, so a cookie the browser silently dropped is an error that says why;
//! - [`watch`] tells subscribers when the page's cookies change, whoever changed them,
//!   expiries included;
//! - [`cookie_store`] reads every cookie's expiry, `Path`, `Domain`, `Secure`,
//!   `SameSite` and `Partitioned` from the Cookie Store API, where the browser reports
//!   them, or says why not;
//! - [`clock`] holds [`Millis`](clock::Millis), the one time type, and the clocks.
//!
//! With the `json` feature, `CookieJarJson` reads and writes values as JSON through
//! serde. Without it the crate needs no serde, and never yew.
//!
//! ```
//! use crumbs_cookies::{CookieJar, CookieOptions, MemoryJar, SameSite};
//!
//! // `DocumentJar::new()?` in a browser; the same calls work on either jar.
//! let jar = MemoryJar::localhost();
//! let a_year = 365 * 24 * 3600 * 1000;
//! jar.set_with("theme", "dark blue", &CookieOptions::new().max_age(a_year).same_site(SameSite::Lax))?;
//! assert_eq!(jar.get("theme")?.as_deref(), Some("dark blue"));
//! assert_eq!(jar.raw()?, "theme=dark%20blue");
//! jar.remove("theme")?;
//! assert_eq!(jar.get("theme")?, None);
//! # Ok::<(), crumbs_cookies::CookieError>(())
//! ```
#![deny(missing_docs, missing_debug_implementations)]

pub mod clock;
pub mod cookie_store;
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
mod snapshot;
pub mod watch;

pub use date::{format_http_date, parse_cookie_date};
pub use document_jar::DocumentJar;
pub use encoding::{decode, encode_name, encode_uri_component, encode_value};
pub use error::{CookieError, Result};
pub use jar::CookieJar;
#[cfg(feature = "json")]
pub use json::CookieJarJson;
pub use memory_jar::{MemoryJar, Source, StoredCookie};
pub use options::{CookieOptions, MAX_ATTRIBUTE_BYTES, MAX_NAME_VALUE_BYTES};
pub use page::{default_path, path_matches, Page};
pub use parse::{parse, parse_raw, CookiePair};
pub use same_site::SameSite;
pub use set_cookie::{parse_set_cookie, SetCookie};

/// The README's examples, compiled and run as doc tests so they stay copy-pasteable.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
