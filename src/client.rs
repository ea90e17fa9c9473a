//! The "network": sends requests to the mock server (or anything else that answers
//! [`Request`]s), carries the page's cookies with them, applies each `Set-Cookie` to the
//! jar as a browser would, and describes every exchange for the network log.

mod exchange;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

pub use exchange::Exchange;

use crate::cookies::{parse_raw, parse_set_cookie, CookieJar};
use crate::server::http::{Request, Response};
use crate::server::MockServer;

/// What answers requests: the in-page mock, or (through an implementation of this trait
/// over `fetch`) a real backend.
pub trait Transport {
    fn send(&self, request: &Request) -> Response;
}

impl Transport for RefCell<MockServer> {
    fn send(&self, request: &Request) -> Response {
        self.borrow_mut().handle(request)
    }
}

/// The simulated network delay, so a person sees the pending state.
pub const DEFAULT_LATENCY: Duration = Duration::from_millis(150);

pub struct Client {
    transport: Rc<dyn Transport>,
    jar: Rc<dyn CookieJar>,
    latency: Duration,
}

impl Client {
    pub fn new(transport: Rc<dyn Transport>, jar: Rc<dyn CookieJar>) -> Self {
        Self {
            transport,
            jar,
            latency: DEFAULT_LATENCY,
        }
    }

    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// Sends `request` after the simulated latency.
    pub async fn send(&self, request: Request) -> Exchange {
        if !self.latency.is_zero() {
            gloo_timers::future::sleep(self.latency).await;
        }
        self.exchange(request)
    }

    /// Sends `request` at once: attaches the `Cookie` header the browser would, asks the
    /// transport, and applies the answer's `Set-Cookie` headers to the jar.
    pub fn exchange(&self, mut request: Request) -> Exchange {
        let mut notes = Vec::new();
        match self.jar.raw() {
            Ok(cookies) if !cookies.is_empty() => request.headers.push("Cookie", cookies),
            Ok(_) => {}
            Err(error) => notes.push(format!("No cookies could be sent: {error}")),
        }
        let response = self.transport.send(&request);
        for set_cookie in response.set_cookies() {
            notes.extend(self.apply(set_cookie));
        }
        Exchange {
            request,
            response,
            notes,
        }
    }

    /// Stores one `Set-Cookie` as the browser would have, and says in plain words what
    /// differed from what the server asked for.
    fn apply(&self, set_cookie: &str) -> Vec<String> {
        let mut notes = Vec::new();
        let Some(cookie) = parse_set_cookie(set_cookie) else {
            notes.push(format!(
                "Ignored a Set-Cookie the browser could not read: `{set_cookie}`"
            ));
            return notes;
        };
        let name = cookie.name.to_owned();
        let removal = cookie.is_removal(self.jar.now());
        let present = || {
            self.jar.raw().is_ok_and(|raw| {
                parse_raw(&raw)
                    .into_iter()
                    .any(|(n, v)| n == name && (removal || v == cookie.value))
            })
        };
        let was_there = removal && present();
        let attributes: Vec<&str> = set_cookie.split(';').collect();
        let kept: Vec<&str> = attributes
            .iter()
            .copied()
            .filter(|a| !a.trim().eq_ignore_ascii_case("HttpOnly"))
            .collect();
        if kept.len() != attributes.len() && !removal {
            notes.push(format!(
                "`{name}` asks for HttpOnly: a real browser would hide it from page scripts, so \
                 JavaScript (and an attacker's injected script) could never read it. A script \
                 cannot set that flag, so Crumbs stores `{name}` without it, which is why it \
                 shows in the cookie table."
            ));
        }
        let line = kept.join(";");
        if let Err(error) = self.jar.write_raw(&line) {
            notes.push(format!("`{name}` could not be stored: {error}"));
            return notes;
        }
        match (removal, present()) {
            (true, false) if was_there => {
                notes.push(format!("`{name}` was deleted from the jar (Max-Age=0)."))
            }
            (true, false) | (false, true) => {}
            (true, true) => notes.push(format!(
                "`{name}` should have been deleted but another `{name}` (set on another path or domain) is still in the jar."
            )),
            (false, false) => notes.push(format!(
                "The browser did not keep `{name}`: it refused the Set-Cookie (check its Secure, SameSite and Domain)."
            )),
        }
        notes
    }
}
