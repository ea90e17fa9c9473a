//! The "network": sends requests to the mock server (or anything else that answers
//! [`Request`]s), carries the page's cookies with them, applies each `Set-Cookie` to the
//! jar as a browser would, and describes every exchange for the network log.

mod explain;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use explain::{as_read_back, challenge_note, explain, script_line, Outcome};

use crumbs_cookies::{parse_raw, parse_set_cookie, CookieJar};
use crumbs_protocol::http::{Request, Response};
use crumbs_protocol::{Exchange, Pending, Transport};

use crate::server::MockServer;

/// What answers the client's requests inside the page: the mock server, or a stand-in
/// in tests.
pub trait Handler {
    /// The answer to `request`, as a server would give it.
    fn handle(&self, request: &Request) -> Response;
}

impl Handler for RefCell<MockServer> {
    fn handle(&self, request: &Request) -> Response {
        self.borrow_mut().handle(request)
    }
}

/// The simulated network delay, so a person sees the pending state.
pub const DEFAULT_LATENCY: Duration = Duration::from_millis(150);

pub struct Client {
    handler: Rc<dyn Handler>,
    jar: Rc<dyn CookieJar>,
    latency: Duration,
}

impl Client {
    pub fn new(handler: Rc<dyn Handler>, jar: Rc<dyn CookieJar>) -> Self {
        Self {
            handler,
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
        let response = self.handler.handle(&request);
        notes.extend(challenge_note(&response));
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
        // Parsed once: what is written and what is explained both come from this reading,
        // so an attribute can never be mistaken for the cookie's name or value.
        let Some(cookie) = parse_set_cookie(set_cookie) else {
            return vec![format!(
                "Ignored a Set-Cookie the browser could not read: “{}”",
                set_cookie.escape_debug()
            )];
        };
        let removal = cookie.is_removal(self.jar.now());
        // What the page will read if the jar keeps the cookie: the same reading as the
        // page's own (quotes around a value come off), so the two compare like for like.
        let read_back = as_read_back(&cookie);
        let expected = parse_raw(&read_back).into_iter().next();
        let present = || {
            let Some((name, value)) = expected else {
                return false;
            };
            self.jar.raw().is_ok_and(|raw| {
                parse_raw(&raw)
                    .into_iter()
                    .any(|(n, v)| n == name && (removal || v == value))
            })
        };
        // Without a Path the cookie lands on the page's own directory, which it can read;
        // a page that cannot say where it is gets the benefit of the doubt.
        let readable = match (cookie.path, self.jar.page()) {
            (Some(path), Ok(page)) => page.path_matches(path),
            _ => true,
        };
        let was_there = present();
        if let Err(error) = self.jar.write_raw(&script_line(&cookie, removal)) {
            return vec![format!(
                "The cookie “{}” could not be stored: {error}",
                cookie.name
            )];
        }
        let outcome = Outcome {
            removal,
            was_there,
            present_after: present(),
            readable,
        };
        explain(&cookie, outcome)
    }
}

impl Transport for Client {
    fn send(&self, request: Request) -> Pending<'_> {
        Box::pin(Client::send(self, request))
    }
}
