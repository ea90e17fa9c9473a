#![doc = include_str!("../README.md")]
#![deny(missing_docs, missing_debug_implementations)]

pub mod api;
mod cookie_names;
mod exchange;
pub mod http;
pub mod rules;
pub mod samesite;
pub mod unit_enum;

use std::future::Future;
use std::pin::Pin;

pub use cookie_names::{decode_cookie_names, encode_cookie_names, COOKIE_NAMES_HEADER};
pub use exchange::Exchange;
pub use http::{reason_phrase, Headers, Method, Request, Response};

/// Milliseconds: since the Unix epoch for an instant, a count for a length of time. The
/// one time type of every Crumbs API, so no value has to say which unit it is in. The
/// same type as `crumbs_cookies::clock::Millis` (both are `i64`), named here too so a
/// server can speak the protocol without the cookie layer.
pub type Millis = i64;

/// The session cookie (server-session strategy): a signed, random session id.
pub const SESSION_COOKIE: &str = "crumbs.sid";
/// The user cookie (cookie-only strategy): the user's name itself.
pub const USER_COOKIE: &str = "crumbs.user";

/// A length of time in whole seconds, as `Max-Age` and `Retry-After` count it: rounded up,
/// so a cookie meant to live 500 ms gets `Max-Age=1` rather than `Max-Age=0` (which
/// deletes it at once) and a client told to retry never comes back early. Lengths of zero
/// or less give 0; the largest [`Millis`] does not overflow. The cookie layer has a
/// signed kin, `seconds_rounded_up`, for attributes where a negative `Max-Age` means
/// "delete"; this crate depends on serde and serde_json alone, so it keeps its own.
///
/// ```
/// use crumbs_protocol::ceil_seconds;
/// assert_eq!(ceil_seconds(500), 1);
/// assert_eq!(ceil_seconds(30_000), 30);
/// assert_eq!(ceil_seconds(-5), 0);
/// ```
pub fn ceil_seconds(length: Millis) -> u64 {
    if length <= 0 {
        return 0;
    }
    // Division first: adding 999 before it would overflow near `Millis::MAX`.
    let whole = length / 1000;
    let part = i64::from(length % 1000 != 0);
    // `length` is positive here, so `whole + part` is positive and at most `i64::MAX / 1000 + 1`.
    u64::try_from(whole + part).unwrap_or(u64::MAX)
}

/// The future a [`Transport`] answers with. Not `Send`: in the browser everything runs on
/// one thread.
pub type Pending<'a> = Pin<Box<dyn Future<Output = Exchange> + 'a>>;

/// How the page reaches a backend: the in-page mock (which carries cookies as a browser
/// would) or a real server over `fetch` (where the browser carries them). Components hold
/// an `Rc<dyn Transport>` and never know which.
///
/// ```
/// use crumbs_protocol::{Exchange, Pending, Request, Response, Transport};
///
/// /// Answers every request with `404`, as a stand-in in a test.
/// struct Nowhere;
///
/// impl Transport for Nowhere {
///     fn send(&self, request: Request) -> Pending<'_> {
///         Box::pin(async move {
///             Exchange { request, response: Response::empty(404), notes: Vec::new() }
///         })
///     }
/// }
///
/// let transport: std::rc::Rc<dyn Transport> = std::rc::Rc::new(Nowhere);
/// let _pending = transport.send(Request::get("/api/session"));
/// ```
pub trait Transport {
    /// Sends `request` and resolves to the whole exchange: the request as sent, the
    /// answer, and what the browser did with its cookies. There is no error path: a
    /// transport that cannot reach its server resolves to an exchange that says so (a
    /// `500` with an [`api::ErrorBody`], say), so the page shows every outcome one way.
    fn send(&self, request: Request) -> Pending<'_>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_seconds_rounds_up_and_never_overflows() {
        for (length, seconds) in [
            (Millis::MIN, 0),
            (-1_000, 0),
            (-1, 0),
            (0, 0),
            (1, 1),
            (500, 1),
            (999, 1),
            (1_000, 1),
            (1_001, 2),
            (29_999, 30),
            (30_000, 30),
            (604_800_000, 604_800),
            (Millis::MAX, 9_223_372_036_854_776),
        ] {
            assert_eq!(ceil_seconds(length), seconds, "{length} ms");
        }
    }

    #[test]
    fn every_reason_is_read_by_the_code_it_is_written_as() {
        use api::Reason;
        assert_eq!(Reason::ALL.len(), Reason::CODES.len());
        for (reason, code) in Reason::ALL.iter().zip(Reason::CODES) {
            assert_eq!(
                serde_json::to_string(reason).unwrap(),
                format!("\"{code}\"")
            );
        }
        assert_eq!(Reason::ALL.last(), Some(&Reason::Unknown));
    }

    /// `Reason::ALL` is kept by hand since the reader is no longer derived, and a variant
    /// missing from it (and from `CODES`) passes every other test yet reads back as
    /// `Unknown`. This match is exhaustive: a new variant does not compile here until it
    /// has its place, numbered in declaration order with `Unknown` last, and then `ALL`
    /// must hold it at that place.
    #[test]
    fn reason_all_holds_every_variant_in_declaration_order() {
        use api::Reason;
        fn place(reason: Reason) -> usize {
            match reason {
                Reason::MalformedBody => 0,
                Reason::BadCredentials => 1,
                Reason::Throttled => 2,
                Reason::MissingCookie => 3,
                Reason::Tampered => 4,
                Reason::UnknownSession => 5,
                Reason::Expired => 6,
                Reason::NotFound => 7,
                Reason::MethodNotAllowed => 8,
                Reason::BodyTooLarge => 9,
                Reason::BadQuery => 10,
                Reason::Internal => 11,
                Reason::Timeout => 12,
                Reason::Unavailable => 13,
                Reason::CrossOrigin => 14,
                Reason::UnsupportedMediaType => 15,
                Reason::Unknown => 16,
            }
        }
        assert_eq!(place(Reason::Unknown) + 1, Reason::ALL.len());
        for (at, reason) in Reason::ALL.iter().enumerate() {
            assert_eq!(place(*reason), at, "{reason:?}");
        }
    }

    #[test]
    fn every_reason_reads_back_as_written() {
        use api::Reason;
        // All but Unknown, which is never written.
        for reason in Reason::ALL.into_iter().filter(|r| *r != Reason::Unknown) {
            let text = serde_json::to_string(&reason).unwrap();
            assert_ne!(text, "\"unknown\"", "{reason:?}");
            assert_eq!(serde_json::from_str::<Reason>(&text).unwrap(), reason);
        }
    }
}
