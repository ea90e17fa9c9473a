//! The "network": sends requests to the mock server (or anything else that answers
//! [`Request`]s), carries the page's cookies with them, applies each `Set-Cookie` to the
//! jar as a browser would, and describes every exchange for the network log.

mod explain;

use std::cell::RefCell;
use std::rc::Rc;

use explain::{as_read_back, challenge_note, explain, script_line, Outcome};

use crumbs_cookies::clock::Millis;
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

/// The simulated network delay in milliseconds, so a person sees the pending state.
pub const DEFAULT_LATENCY: Millis = 150;

/// The browser's side of the in-page network: a [`Transport`] that attaches the jar's
/// cookies to each request, hands it to a [`Handler`] (the mock server), and applies the
/// answer's `Set-Cookie` lines to the jar as a browser would, saying in plain words what
/// it did. A page script cannot set `HttpOnly`, so the cookies it stores stay readable,
/// and the notes say so.
pub struct Client {
    handler: Rc<dyn Handler>,
    jar: Rc<dyn CookieJar>,
    latency: Millis,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The handler and the jar are trait objects with nothing useful to print.
        f.debug_struct("Client")
            .field("latency", &self.latency)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client that sends to `handler` and keeps cookies in `jar`, with the
    /// [`DEFAULT_LATENCY`].
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    ///
    /// use crumbs_cookies::clock::ManualClock;
    /// use crumbs_cookies::{MemoryJar, Page};
    /// use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// use crumbs_mock::Client;
    ///
    /// let clock = Rc::new(ManualClock::at(1_800_000_000_000));
    /// let server = MockServer::start(
    ///     Rc::new(MemoryStorage::default()),
    ///     clock.clone(),
    ///     Rc::new(CryptoRandom),
    ///     Lifetimes::default(),
    /// )
    /// .unwrap();
    /// let jar = Rc::new(MemoryJar::new(Page::new("localhost", "/", true), clock));
    /// let client = Client::new(Rc::new(RefCell::new(server)), jar);
    /// assert_eq!(client.latency(), crumbs_mock::client::DEFAULT_LATENCY);
    /// ```
    pub fn new(handler: Rc<dyn Handler>, jar: Rc<dyn CookieJar>) -> Self {
        Self {
            handler,
            jar,
            latency: DEFAULT_LATENCY,
        }
    }

    /// This client with another simulated delay before each answer of [`send`](Self::send),
    /// in milliseconds; zero or less answers at once.
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use crumbs_cookies::{clock::ManualClock, MemoryJar, Page};
    /// # use crumbs_mock::{client::Handler, Client};
    /// # use crumbs_protocol::{Request, Response};
    /// struct NotFound;
    /// impl Handler for NotFound {
    ///     fn handle(&self, _: &Request) -> Response {
    ///         Response::empty(404)
    ///     }
    /// }
    /// let jar = Rc::new(MemoryJar::new(Page::new("localhost", "/", true), Rc::new(ManualClock::at(0))));
    /// let client = Client::new(Rc::new(NotFound), jar).with_latency(0);
    /// assert_eq!(client.latency(), 0);
    /// ```
    pub fn with_latency(mut self, latency: Millis) -> Self {
        self.latency = latency;
        self
    }

    /// The simulated delay before each answer of [`send`](Self::send), in milliseconds.
    pub fn latency(&self) -> Millis {
        self.latency
    }

    /// Sends `request` after the simulated latency (a browser timer: this needs a page's
    /// event loop), then as [`exchange`](Self::exchange) does.
    ///
    /// ```
    /// use crumbs_mock::Client;
    /// use crumbs_protocol::{Exchange, Request};
    ///
    /// // In a page, e.g. from `wasm_bindgen_futures::spawn_local`.
    /// async fn check(client: &Client) -> Exchange {
    ///     client.send(Request::get("/api/session")).await
    /// }
    /// ```
    pub async fn send(&self, request: Request) -> Exchange {
        if let Ok(latency) = u64::try_from(self.latency) {
            if latency > 0 {
                gloo_timers::future::sleep(std::time::Duration::from_millis(latency)).await;
            }
        }
        self.exchange(request)
    }

    /// Sends `request` at once: attaches the `Cookie` header the browser would, asks the
    /// handler, and applies the answer's `Set-Cookie` headers to the jar. What the
    /// browser did with each is in the exchange's notes.
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    ///
    /// use crumbs_cookies::clock::ManualClock;
    /// use crumbs_cookies::{CookieJar, MemoryJar, Page};
    /// use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// use crumbs_mock::Client;
    /// use crumbs_protocol::{Request, SESSION_COOKIE};
    ///
    /// let clock = Rc::new(ManualClock::at(1_800_000_000_000));
    /// let server = MockServer::start(
    ///     Rc::new(MemoryStorage::default()),
    ///     clock.clone(),
    ///     Rc::new(CryptoRandom),
    ///     Lifetimes::default(),
    /// )
    /// .unwrap();
    /// let jar = Rc::new(MemoryJar::new(Page::new("localhost", "/", true), clock));
    /// let client = Client::new(Rc::new(RefCell::new(server)), jar.clone());
    ///
    /// let login = client.exchange(Request::post(
    ///     "/api/login",
    ///     r#"{"username": "alice", "password": "wonderland"}"#,
    /// ));
    /// assert_eq!(login.summary(), "POST /api/login → 200 OK");
    /// assert!(jar.get(SESSION_COOKIE).unwrap().is_some(), "{:?}", login.notes);
    ///
    /// // The cookie rides along from now on.
    /// let check = client.exchange(Request::get("/api/session"));
    /// assert!(check.request.headers.get("Cookie").is_some());
    /// assert_eq!(check.response.status, 200);
    /// ```
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
