//! The HTTP contract between the Crumbs lab and its backends: the requests and responses
//! as the network log shows them, the JSON bodies of `/api/login`, `/api/session` and
//! `/api/logout`, the stable error reasons, the cookie names, and the [`Transport`] the
//! page sends requests through. The in-page mock and a real server both speak it.

pub mod api;
mod exchange;
pub mod http;

use std::future::Future;
use std::pin::Pin;

pub use exchange::Exchange;
pub use http::{reason_phrase, Headers, Method, Request, Response};

/// Milliseconds since the Unix epoch (or, for a length of time, a count of milliseconds):
/// the one time type of every Crumbs API.
pub type Millis = i64;

/// The session cookie (server-session strategy): a signed, random session id.
pub const SESSION_COOKIE: &str = "crumbs.sid";
/// The user cookie (cookie-only strategy): the user's name itself.
pub const USER_COOKIE: &str = "crumbs.user";

/// The future a [`Transport`] answers with.
pub type Pending<'a> = Pin<Box<dyn Future<Output = Exchange> + 'a>>;

/// How the page reaches a backend: the in-page mock (which carries cookies as a browser
/// would) or a real server over `fetch` (where the browser carries them). Components hold
/// an `Rc<dyn Transport>` and never know which.
pub trait Transport {
    /// Sends `request` and resolves to the whole exchange: the request as sent, the
    /// answer, and what the browser did with its cookies.
    fn send(&self, request: Request) -> Pending<'_>;
}
