//! The mock backend: answers `POST /api/login`, `GET /api/session` and
//! `POST /api/logout` like an HTTP server would, inside the page. It reaches the browser
//! only through [`Storage`], time only through [`Clock`], randomness only through
//! [`Random`], so every rule is tested on the host.

mod base64;
mod error;
mod random;
mod sessions;
mod sha256;
mod signing;
mod storage;
mod throttle;
pub mod users;

use std::rc::Rc;

pub use error::{Result, ServerError};
pub use random::{CryptoRandom, Random};
pub use sessions::{Saved, Session, StoreKind, Strategy, SAVED_VERSION};
pub use signing::{sign, unsign};
pub use storage::{LocalStorage, MemoryStorage, Storage, StorageError};
pub use throttle::{Throttle, FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_ENTRIES, MAX_FAILURES};

use crumbs_cookies::clock::{Clock, Millis};
use crumbs_cookies::{encode_uri_component, parse};
use crumbs_protocol::api::{ErrorBody, LoginRequest, Reason, SessionBody};
use crumbs_protocol::http::{Method, Request, Response};
use crumbs_protocol::{ceil_seconds, SESSION_COOKIE, USER_COOKIE};

/// The key everything the server keeps is saved under.
pub const STORAGE_KEY: &str = "crumbs.server";
/// Where unreadable data found under [`STORAGE_KEY`] is kept aside: this key, or the
/// first free one of `crumbs.server.unreadable.2`, `.3`, … so a kept copy is never
/// overwritten.
pub const QUARANTINE_KEY: &str = "crumbs.server.unreadable";

/// How long sessions last, in milliseconds. Cookies count in whole seconds (`Max-Age`),
/// so a remembered cookie lives the lifetime rounded up to the second: never less than
/// its session.
///
/// ```
/// use crumbs_mock::server::Lifetimes;
/// // A demo where every login ends after ten seconds, remembered or not.
/// let short = Lifetimes { session_ms: 10_000, remembered_ms: 10_000 };
/// assert!(short.remembered_ms < Lifetimes::default().remembered_ms);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// Without "Remember me": the server forgets the session after this, and the cookie
    /// is a session cookie (no `Max-Age`): browsers usually delete it when they quit, but
    /// session restore can keep it, and the server's limit applies all the same.
    pub session_ms: Millis,
    /// With "Remember me": both the session and the cookie (`Max-Age`) last this long.
    pub remembered_ms: Millis,
}

impl Default for Lifetimes {
    /// Thirty minutes without "Remember me", seven days with it.
    fn default() -> Self {
        Self {
            session_ms: crumbs_protocol::rules::SESSION_MS,
            remembered_ms: crumbs_protocol::rules::REMEMBERED_MS,
        }
    }
}

/// The mock backend: answers the contract of `crumbs-protocol` inside the page, with
/// signed session cookies, a session store, and login throttling. Several tabs of one
/// browser each run their own, sharing the Database store through `localStorage` as
/// servers behind one address share a database.
pub struct MockServer {
    /// `localStorage`, or a [`MemoryStorage`] put in its place when `localStorage` could
    /// not take the server's data without losing what it holds.
    storage: Rc<dyn Storage>,
    clock: Rc<dyn Clock>,
    random: Rc<dyn Random>,
    lifetimes: Lifetimes,
    secret: Vec<u8>,
    /// This tab's settings. The saved ones are only what a new page starts with.
    strategy: Strategy,
    store: StoreKind,
    /// Under the Memory store, this tab's sessions and failed logins. Under the Database
    /// store it stays empty: they live in storage, shared by every tab, and are read
    /// there at every request.
    memory: Table,
    /// What this tab copied from the database when it moved to the Memory store, so the
    /// move back carries only this tab's own changes and resurrects nothing another tab
    /// ended meanwhile. Empty under the Database store.
    copied: Table,
    notice: Option<String>,
    /// Why the secret in use was made during this page load, when it was: a cookie
    /// signed before then fails its signature check whether or not anyone changed it.
    new_secret: Option<String>,
    /// Since when the secret in use has been this server's: sessions made since then were
    /// signed with it. The start of time when it was read from storage, where every
    /// session saved beside it was signed with it.
    secret_since: Millis,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret: a debug print must not let anyone forge cookies.
        f.debug_struct("MockServer")
            .field("strategy", &self.strategy)
            .field("store", &self.store)
            .field("lifetimes", &self.lifetimes)
            .field("notice", &self.notice)
            .finish_non_exhaustive()
    }
}

/// The sessions and failed logins, wherever they are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Table {
    sessions: Vec<Session>,
    throttle: Throttle,
}

/// What one request works on.
struct Open {
    /// The table as stored when the request began (or as last committed).
    stored: Table,
    /// The table with the request's changes.
    table: Table,
    /// Under the Database store, everything saved as read when the request began, so a
    /// write changes the table alone and keeps other tabs' settings.
    saved: Option<Saved>,
}

/// What the notice says is lost when the server runs on memory.
const IN_MEMORY: &str = "the lab runs on an in-memory store: sessions, failed logins and the \
                         signing secret will not outlive a reload";

impl MockServer {
    /// Starts the server on what `storage` holds: the secret and the settings; with the
    /// Database store the sessions stay in `storage` and are read at every request.
    /// Unreadable data is kept aside under a free key beside [`QUARANTINE_KEY`] before
    /// anything replaces it. When `storage` refuses the server's data, the server runs
    /// on memory, leaves what `storage` holds untouched, and [`notice`](Self::notice)
    /// says so. The only error: no randomness for a new secret.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// use crumbs_cookies::clock::ManualClock;
    /// use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer, STORAGE_KEY};
    /// use crumbs_mock::server::Storage;
    ///
    /// let storage = Rc::new(MemoryStorage::default());
    /// let server = MockServer::start(
    ///     storage.clone(),
    ///     Rc::new(ManualClock::at(1_800_000_000_000)),
    ///     Rc::new(CryptoRandom),
    ///     Lifetimes::default(),
    /// )
    /// .unwrap();
    /// assert_eq!(server.notice(), None);
    /// assert!(storage.get(STORAGE_KEY).is_some(), "the new secret is saved at once");
    /// ```
    pub fn start(
        storage: Rc<dyn Storage>,
        clock: Rc<dyn Clock>,
        random: Rc<dyn Random>,
        lifetimes: Lifetimes,
    ) -> Result<Self> {
        let mut server = Self {
            storage,
            clock,
            random,
            lifetimes,
            secret: Vec::new(),
            strategy: Strategy::default(),
            store: StoreKind::default(),
            memory: Table::default(),
            copied: Table::default(),
            notice: None,
            new_secret: None,
            secret_since: Millis::MIN,
        };
        match server.storage.get(STORAGE_KEY) {
            Some(text) => match read_saved(&text) {
                Ok((saved, secret)) => {
                    server.secret = secret;
                    server.strategy = saved.strategy;
                    server.store = saved.store;
                }
                Err(why) => {
                    server.new_secret()?;
                    let kept = server.set_aside(&text, &why, true);
                    server.new_secret = Some(if kept {
                        format!(
                            "the saved data under the localStorage key “{STORAGE_KEY}” was \
                             unreadable and was set aside"
                        )
                    } else {
                        format!(
                            "the saved data under the localStorage key “{STORAGE_KEY}” is \
                             unreadable, so the secret lives in this page only and every reload \
                             makes a new one"
                        )
                    });
                }
            },
            None => {
                // Saved at once so the new secret outlives this page.
                server.new_secret()?;
                match server.write(&server.fresh()) {
                    Ok(()) => {
                        server.new_secret = Some(format!(
                            "nothing was saved under the localStorage key “{STORAGE_KEY}” when \
                             this page loaded: a first visit, storage cleared since, or a browser \
                             that keeps no localStorage here, which makes a new secret at every \
                             reload"
                        ))
                    }
                    Err(why) => {
                        server.run_in_memory();
                        server.new_secret = Some(
                            "localStorage refused to save it, so it lives in this page only and \
                             every reload makes a new one"
                                .to_owned(),
                        );
                        server.notice = Some(format!(
                            "The mock server's data could not be saved ({why}), so {IN_MEMORY}. \
                             Whatever is stored under the key “{STORAGE_KEY}” is left untouched."
                        ));
                    }
                }
            }
        }
        Ok(server)
    }

    /// A message for the page about how the server runs, if anything went wrong. It may
    /// appear after a request too, when the saved data turned unreadable meanwhile.
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use crumbs_cookies::clock::ManualClock;
    /// # use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// # let mut server = MockServer::start(
    /// #     Rc::new(MemoryStorage::default()),
    /// #     Rc::new(ManualClock::at(1_800_000_000_000)),
    /// #     Rc::new(CryptoRandom),
    /// #     Lifetimes::default(),
    /// # )
    /// # .unwrap();
    /// assert_eq!(server.notice(), None, "memory takes every write");
    /// ```
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// How this tab's server decides who a request comes from.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// Where this tab's server keeps sessions and failed logins.
    pub fn store(&self) -> StoreKind {
        self.store
    }

    /// How long sessions last, as given to [`start`](Self::start).
    pub fn lifetimes(&self) -> Lifetimes {
        self.lifetimes
    }

    /// The live sessions, oldest first: this tab's under the Memory store, what storage
    /// holds now under the Database store.
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use crumbs_cookies::clock::ManualClock;
    /// # use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// # let mut server = MockServer::start(
    /// #     Rc::new(MemoryStorage::default()),
    /// #     Rc::new(ManualClock::at(1_800_000_000_000)),
    /// #     Rc::new(CryptoRandom),
    /// #     Lifetimes::default(),
    /// # )
    /// # .unwrap();
    /// # use crumbs_protocol::Request;
    /// server.handle(&Request::post("/api/login", r#"{"username":"bob","password":"builder"}"#));
    /// assert_eq!(server.sessions()[0].user, "bob");
    /// ```
    pub fn sessions(&self) -> Vec<Session> {
        let now = self.clock.now();
        let mut sessions = match self.store {
            StoreKind::Memory => self.memory.sessions.clone(),
            StoreKind::Database => self
                .storage
                .get(STORAGE_KEY)
                .and_then(|text| read_saved(&text).ok())
                .map(|(saved, _)| saved.sessions)
                .unwrap_or_default(),
        };
        sessions.retain(|s| s.expires_at > now);
        sessions
    }

    /// Switches how requests are trusted, in this tab and for pages opened from now on.
    /// When that cannot be saved nothing changes.
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use crumbs_cookies::clock::ManualClock;
    /// # use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// # let mut server = MockServer::start(
    /// #     Rc::new(MemoryStorage::default()),
    /// #     Rc::new(ManualClock::at(1_800_000_000_000)),
    /// #     Rc::new(CryptoRandom),
    /// #     Lifetimes::default(),
    /// # )
    /// # .unwrap();
    /// # use crumbs_protocol::Request;
    /// use crumbs_mock::server::Strategy;
    /// server.set_strategy(Strategy::CookieOnly).unwrap();
    /// // The flaw on show: a cookie nobody signed is believed.
    /// let forged = Request::get("/api/session").with_header("Cookie", "crumbs.user=admin");
    /// assert_eq!(server.handle(&forged).status, 200);
    /// ```
    pub fn set_strategy(&mut self, strategy: Strategy) -> Result<()> {
        let mut saved = self.load();
        saved.strategy = strategy;
        self.write_setting(
            &saved,
            format!("the switch to “{}”", strategy_label(strategy)),
        )?;
        self.strategy = strategy;
        Ok(())
    }

    /// Switches where this tab keeps sessions (and failed logins), in this tab and for
    /// pages opened from now on. The live ones survive the switch: to the Memory store
    /// they are copied, and the database, shared with other tabs, keeps them; back to the
    /// Database store this tab's own changes are carried over (its new logins, its
    /// logouts, its failed logins) and nothing another tab ended meanwhile comes back.
    /// When that cannot be saved nothing changes.
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use crumbs_cookies::clock::ManualClock;
    /// # use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// # let mut server = MockServer::start(
    /// #     Rc::new(MemoryStorage::default()),
    /// #     Rc::new(ManualClock::at(1_800_000_000_000)),
    /// #     Rc::new(CryptoRandom),
    /// #     Lifetimes::default(),
    /// # )
    /// # .unwrap();
    /// # use crumbs_protocol::Request;
    /// use crumbs_mock::server::StoreKind;
    /// server.handle(&Request::post("/api/login", r#"{"username":"bob","password":"builder"}"#));
    /// server.set_store(StoreKind::Memory).unwrap();
    /// assert_eq!(server.store(), StoreKind::Memory);
    /// assert_eq!(server.sessions().len(), 1, "copied into this tab's memory");
    /// ```
    pub fn set_store(&mut self, store: StoreKind) -> Result<()> {
        let now = self.clock.now();
        let mut saved = self.load();
        let mut memory = self.memory.clone();
        let mut copied = self.copied.clone();
        match (self.store, store) {
            (StoreKind::Database, StoreKind::Memory) => {
                // Other tabs may still be on the database: take nothing out of it.
                memory.sessions = saved
                    .sessions
                    .iter()
                    .filter(|s| s.expires_at > now)
                    .cloned()
                    .collect();
                memory.throttle = saved.throttle.clone();
                memory.throttle.prune(now);
                copied = memory.clone();
            }
            (StoreKind::Memory, StoreKind::Database) => {
                let mine = std::mem::take(&mut memory);
                let base = std::mem::take(&mut copied);
                let copied_id = |id: &str| base.sessions.iter().any(|s| s.id == id);
                // Copied sessions this tab ended (logout, expiry, a new login) end here
                // too; copied ones it kept stay only if the database still has them.
                saved
                    .sessions
                    .retain(|s| !copied_id(&s.id) || mine.sessions.iter().any(|m| m.id == s.id));
                for session in mine.sessions {
                    if !copied_id(&session.id) && !saved.sessions.iter().any(|s| s.id == session.id)
                    {
                        saved.sessions.push(session);
                    }
                }
                saved.throttle.carry(&mine.throttle, &base.throttle, now);
                saved.sessions.retain(|s| s.expires_at > now);
            }
            _ => {}
        }
        saved.store = store;
        self.write_setting(
            &saved,
            format!("the switch to the “{}” store", store_label(store)),
        )?;
        self.memory = memory;
        self.copied = copied;
        self.store = store;
        Ok(())
    }

    /// Answers one request, as the contract in `crumbs-protocol` says. The `Cookie`
    /// header is the caller's to attach (a [`Client`](crate::Client) does it from a jar);
    /// the answer's `Set-Cookie` lines are the caller's to apply.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// use crumbs_cookies::clock::ManualClock;
    /// use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
    /// use crumbs_protocol::api::{ErrorBody, Reason};
    /// use crumbs_protocol::Request;
    ///
    /// let clock = ManualClock::at(1_800_000_000_000);
    /// let mut server = MockServer::start(
    ///     Rc::new(MemoryStorage::default()),
    ///     Rc::new(clock.clone()),
    ///     Rc::new(CryptoRandom),
    ///     Lifetimes::default(),
    /// )
    /// .unwrap();
    /// let login = server.handle(&Request::post(
    ///     "/api/login",
    ///     r#"{"username": "bob", "password": "builder"}"#,
    /// ));
    /// assert_eq!(login.status, 200);
    /// let set_cookie = login.set_cookies().next().unwrap();
    /// let cookie = set_cookie.split(';').next().unwrap();
    ///
    /// let check = Request::get("/api/session").with_header("Cookie", cookie);
    /// assert_eq!(server.handle(&check).status, 200);
    ///
    /// // Half an hour later the server has forgotten the session, whatever the cookie says.
    /// clock.advance(30 * 60 * 1000);
    /// let expired = server.handle(&check);
    /// assert_eq!(expired.status, 401);
    /// let body: ErrorBody = serde_json::from_str(&expired.body).unwrap();
    /// assert_eq!(body.reason, Reason::Expired);
    /// ```
    pub fn handle(&mut self, request: &Request) -> Response {
        let path = request.path.split('?').next().unwrap_or_default();
        let mut open = self.open();
        let response = match (request.method, path) {
            (Method::Post, "/api/login") => self.login(request, &mut open),
            (Method::Get, "/api/session") => self.session(request, &open),
            (Method::Post, "/api/logout") => self.logout(request, &mut open),
            (_, "/api/login" | "/api/logout") => method_not_allowed("POST"),
            (_, "/api/session") => method_not_allowed("GET"),
            _ => error(
                404,
                Reason::NotFound,
                format!("no route for {} {path}", request.method.as_str()),
            ),
        };
        // After answering, so an expired session is reported as expired once, then gone.
        self.tidy(&mut open);
        response
    }

    fn login(&mut self, request: &Request, open: &mut Open) -> Response {
        let body = match LoginRequest::from_body(&request.body) {
            Ok(body) => body,
            Err(why) => return error(400, Reason::MalformedBody, why),
        };
        let username = body.username.as_str();
        let now = self.clock.now();
        if let Some(left) = open.table.throttle.locked_for(username, now) {
            let seconds = ceil_seconds(left);
            return error(
                429,
                Reason::Throttled,
                format!(
                    "too many failed logins for “{username}”: try again in {seconds} s \
                     (after {MAX_FAILURES} failures the server locks the name for {} s)",
                    ceil_seconds(LOCKOUT_MS)
                ),
            )
            .with_header("Retry-After", seconds.to_string());
        }
        if !users::verify(username, &body.password) {
            open.table.throttle.failed(username, now);
            // A failure that is not counted would let guesses go on without a lockout.
            if let Err(why) = self.commit(open) {
                open.table = open.stored.clone();
                return error(
                    500,
                    Reason::Internal,
                    format!(
                        "unknown user or wrong password, and the failed attempt could not be \
                         counted ({why})"
                    ),
                );
            }
            return error(
                401,
                Reason::BadCredentials,
                "unknown user or wrong password".to_owned(),
            )
            .with_header("WWW-Authenticate", CHALLENGE);
        }
        // Forgetting earlier failures is left to `tidy`: if that cannot be saved, they
        // only linger until their window passes.
        open.table.throttle.succeeded(username);

        let lifetime = if body.remember {
            self.lifetimes.remembered_ms
        } else {
            self.lifetimes.session_ms
        };
        // Without "Remember me" the cookie is a session cookie: the server's limit alone
        // ends the login.
        let cookie_lifetime = body.remember.then_some(lifetime);
        match self.strategy {
            Strategy::CookieOnly => {
                let cookie = set_cookie(
                    USER_COOKIE,
                    &encode_uri_component(username),
                    cookie_lifetime,
                );
                Response::json(
                    200,
                    &SessionBody {
                        user: username.to_owned(),
                        expires_at: None,
                        how: "the server wrote your name into a cookie, unsigned".to_owned(),
                    },
                )
                .with_header("Set-Cookie", cookie)
            }
            Strategy::ServerSession => {
                // Whatever session this browser had ends: a fresh id at every login, so an
                // id planted before login (session fixation) is worth nothing after it.
                if let Some(id) = self.session_id_in(request) {
                    open.table.sessions.retain(|s| s.id != id);
                }
                let id = match self.new_id() {
                    Ok(id) => id,
                    Err(why) => {
                        open.table = open.stored.clone();
                        return error(500, Reason::Internal, why.to_string());
                    }
                };
                let session = Session {
                    id,
                    user: username.to_owned(),
                    created_at: now,
                    expires_at: now.saturating_add(lifetime),
                };
                open.table.sessions.push(session.clone());
                if let Err(why) = self.commit(open) {
                    open.table = open.stored.clone();
                    return error(
                        500,
                        Reason::Internal,
                        format!(
                            "the login failed: the new session could not be saved ({why}), so you \
                             are not logged in"
                        ),
                    );
                }
                let value = encode_uri_component(&sign(&session.id, &self.secret));
                Response::json(
                    200,
                    &SessionBody {
                        user: session.user,
                        expires_at: Some(session.expires_at),
                        how: "the server made a session and sent its signed id in a cookie"
                            .to_owned(),
                    },
                )
                .with_header(
                    "Set-Cookie",
                    set_cookie(SESSION_COOKIE, &value, cookie_lifetime),
                )
            }
        }
    }

    fn session(&self, request: &Request, open: &Open) -> Response {
        match self.strategy {
            Strategy::CookieOnly => match cookie_in(request, USER_COOKIE) {
                Some(user) if !user.is_empty() => Response::json(
                    200,
                    &SessionBody {
                        how: format!(
                            "the cookie says {USER_COOKIE}={user} and this server believes any cookie"
                        ),
                        user,
                        expires_at: None,
                    },
                ),
                _ => unauthorized(
                    Reason::MissingCookie,
                    format!("no {USER_COOKIE} cookie came with the request"),
                    USER_COOKIE,
                ),
            },
            Strategy::ServerSession => {
                let Some(raw) = cookie_in(request, SESSION_COOKIE) else {
                    return unauthorized(
                        Reason::MissingCookie,
                        format!("no {SESSION_COOKIE} cookie came with the request"),
                        SESSION_COOKIE,
                    );
                };
                let Some(id) = unsign(&raw, &self.secret) else {
                    let why = self.why_refused(&raw, &open.table);
                    return unauthorized(Reason::Tampered, why, SESSION_COOKIE);
                };
                let now = self.clock.now();
                match open.table.sessions.iter().find(|s| s.id == id) {
                    Some(session) if session.expires_at <= now => unauthorized(
                        Reason::Expired,
                        format!(
                            "the session expired {} s ago: the server forgets sessions after their \
                             lifetime, whatever the cookie says",
                            // Time already past, told in whole seconds elapsed: rounded
                            // down, unlike a length the browser must wait out.
                            now.saturating_sub(session.expires_at) / 1000
                        ),
                        SESSION_COOKIE,
                    ),
                    Some(session) => Response::json(
                        200,
                        &SessionBody {
                            user: session.user.clone(),
                            expires_at: Some(session.expires_at),
                            how: "the cookie's signed id matched a live session on the server".to_owned(),
                        },
                    ),
                    None => {
                        let why = match self.store {
                            StoreKind::Memory => "the signature is good but the server has no such session: \
                                                  it keeps sessions in memory, in this tab only, so a reload or \
                                                  another tab starts with none (or the session ended: logout, expiry)",
                            StoreKind::Database => "the signature is good but the server has no such session: \
                                                    it ended (logout, expiry, a newer login), or it lives only in \
                                                    a tab that uses the Memory store",
                        };
                        unauthorized(Reason::UnknownSession, why.to_owned(), SESSION_COOKIE)
                    }
                }
            }
        }
    }

    /// Ends the login whatever the strategy: the session a valid `crumbs.sid` names is
    /// destroyed and both cookies are cleared, so switching strategy afterwards finds no
    /// login left behind.
    fn logout(&mut self, request: &Request, open: &mut Open) -> Response {
        if let Some(id) = self.session_id_in(request) {
            let before = open.table.sessions.len();
            open.table.sessions.retain(|s| s.id != id);
            if open.table.sessions.len() != before {
                if let Err(why) = self.commit(open) {
                    open.table = open.stored.clone();
                    // No cookie is cleared: the session lives on, and the page must not
                    // look logged out while the server still honours it.
                    return error(
                        500,
                        Reason::Internal,
                        format!(
                            "the logout failed: the session's removal could not be saved \
                             ({why}), so the session is still live and you are still logged in"
                        ),
                    );
                }
            }
        }
        Response::empty(204)
            .with_header("Set-Cookie", clearing_cookie(SESSION_COOKIE))
            .with_header("Set-Cookie", clearing_cookie(USER_COOKIE))
    }

    /// Why the signature of `raw` failed its check. A cookie naming a session this server
    /// made with its current secret was changed; otherwise the server cannot tell a changed
    /// cookie from one signed with an earlier secret, so it names both, and says why when
    /// it knows its secret is new.
    fn why_refused(&self, raw: &str, table: &Table) -> String {
        let id = raw
            .strip_prefix("s:")
            .and_then(|body| body.rsplit_once('.'))
            .map(|(id, _)| id);
        let signed_with_this_secret = table
            .sessions
            .iter()
            .any(|s| Some(s.id.as_str()) == id && s.created_at >= self.secret_since);
        if signed_with_this_secret {
            return "the cookie's signature does not match its session id: the server signed \
                    that session's id with its current secret, so the cookie was changed \
                    outside the server. It is refused and cleared"
                .to_owned();
        }
        let either = "the cookie's signature does not match this server's secret: either the \
                      cookie was changed outside the server, or it was signed with an earlier \
                      secret";
        match &self.new_secret {
            Some(why) => format!(
                "{either}. This server's secret is new since this page loaded ({why}), so a \
                 cookie signed before then is refused too, changed or not. It is cleared: log in \
                 again"
            ),
            None => format!(
                "{either} (the server makes a new one when its saved data is cleared or set \
                 aside). Either way it is refused and cleared"
            ),
        }
    }

    fn session_id_in(&self, request: &Request) -> Option<String> {
        let raw = cookie_in(request, SESSION_COOKIE)?;
        unsign(&raw, &self.secret).map(str::to_owned)
    }

    fn new_id(&self) -> Result<String> {
        let mut bytes = [0u8; 16];
        self.random.fill(&mut bytes)?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn new_secret(&mut self) -> Result<()> {
        let mut secret = vec![0u8; 32];
        self.random.fill(&mut secret)?;
        self.secret = secret;
        self.secret_since = self.clock.now();
        Ok(())
    }

    /// The table a request works on: under the Database store, what storage holds now.
    fn open(&mut self) -> Open {
        match self.store {
            StoreKind::Database => {
                let saved = self.load();
                let table = Table {
                    sessions: saved.sessions.clone(),
                    throttle: saved.throttle.clone(),
                };
                Open {
                    stored: table.clone(),
                    table,
                    saved: Some(saved),
                }
            }
            StoreKind::Memory => Open {
                stored: self.memory.clone(),
                table: self.memory.clone(),
                saved: None,
            },
        }
    }

    /// Keeps the request's changes. Under the Database store they are written over what
    /// was read when the request began, so nothing another tab saved is lost.
    fn commit(&mut self, open: &mut Open) -> std::result::Result<(), StorageError> {
        match &mut open.saved {
            Some(saved) => {
                saved.sessions = open.table.sessions.clone();
                saved.throttle = open.table.throttle.clone();
                self.write(saved)?;
            }
            None => self.memory = open.table.clone(),
        }
        open.stored = open.table.clone();
        Ok(())
    }

    /// Forgets expired sessions, spent lockouts and stale failures.
    fn tidy(&mut self, open: &mut Open) {
        let now = self.clock.now();
        open.table.sessions.retain(|s| s.expires_at > now);
        open.table.throttle.prune(now);
        if open.table != open.stored {
            // Only leftovers are dropped here, and every request checks expiry: if this
            // cannot be saved nothing is lost, and the next request tries again.
            let _ = self.commit(open);
        }
    }

    /// Everything saved, as storage holds it now; this tab's fresh data where nothing
    /// is. Unreadable data is kept aside first.
    fn load(&mut self) -> Saved {
        match self.storage.get(STORAGE_KEY) {
            Some(text) => match read_saved(&text) {
                Ok((saved, secret)) => {
                    // Another tab may have started afresh: its secret is the one in use.
                    if secret != self.secret {
                        self.secret = secret;
                        self.secret_since = self.clock.now();
                        self.new_secret = Some(
                            "another tab replaced it after finding the saved data cleared or \
                             unreadable"
                                .to_owned(),
                        );
                    }
                    saved
                }
                Err(why) => {
                    self.set_aside(&text, &why, false);
                    self.fresh()
                }
            },
            None => self.fresh(),
        }
    }

    /// What a start with nothing saved saves: this tab's secret and settings.
    fn fresh(&self) -> Saved {
        Saved {
            version: SAVED_VERSION,
            secret: base64::encode(&self.secret, true),
            strategy: self.strategy,
            store: self.store,
            sessions: Vec::new(),
            throttle: Throttle::default(),
        }
    }

    /// Saves a change of setting; `what` names it in the error when storage refuses.
    fn write_setting(&self, saved: &Saved, what: String) -> Result<()> {
        self.write(saved)
            .map_err(|why| ServerError::Save { what, why })
    }

    fn write(&self, saved: &Saved) -> std::result::Result<(), StorageError> {
        // `Saved` holds only strings, integers, unit enums and lists of such structs: JSON
        // encodes every value of it, so this cannot fail on any data, read or made.
        let text = serde_json::to_string(saved).expect("`Saved` always encodes as JSON");
        self.storage.set(STORAGE_KEY, &text)
    }

    /// Keeps unreadable `text` found under [`STORAGE_KEY`] under a free key, then
    /// replaces it with fresh data. What could not be kept is never replaced: the server
    /// runs on memory instead. True when fresh data took its place in storage.
    /// `new_secret`: the server made its secret for this start, so the notice says so.
    fn set_aside(&mut self, text: &str, why: &str, new_secret: bool) -> bool {
        let Some(key) = self.free_quarantine_key() else {
            self.run_in_memory();
            self.notice = Some(format!(
                "The mock server's saved data under the localStorage key “{STORAGE_KEY}” is \
                 unreadable ({why}) and every key for keeping it aside is taken, so it is left \
                 untouched and {IN_MEMORY}."
            ));
            return false;
        };
        let (notice, replaced) = match self.storage.set(&key, text) {
            Err(error) => {
                self.run_in_memory();
                let notice = format!(
                    "The mock server's saved data under the localStorage key “{STORAGE_KEY}” is \
                     unreadable ({why}) and could not be kept aside under “{key}” ({error}), so \
                     it is left untouched and {IN_MEMORY}."
                );
                (notice, false)
            }
            Ok(()) => match self.write(&self.fresh()) {
                Ok(()) => {
                    let secret = if new_secret {
                        ", with a new signing secret"
                    } else {
                        ""
                    };
                    let notice = format!(
                        "The mock server's saved data under the localStorage key \
                         “{STORAGE_KEY}” was unreadable ({why}). It was kept aside under \
                         “{key}” and the server started clean{secret}: earlier sessions are \
                         gone, so log in again."
                    );
                    (notice, true)
                }
                Err(error) => {
                    self.run_in_memory();
                    let notice = format!(
                        "The mock server's saved data under the localStorage key \
                         “{STORAGE_KEY}” was unreadable ({why}). It was kept aside under \
                         “{key}”, but new data could not be saved in its place ({error}), so it \
                         is left untouched and {IN_MEMORY}."
                    );
                    (notice, false)
                }
            },
        };
        self.notice = Some(notice);
        replaced
    }

    /// [`QUARANTINE_KEY`], or the first of `….2`, `….3`, … that holds nothing: a kept
    /// copy is never overwritten.
    fn free_quarantine_key(&self) -> Option<String> {
        std::iter::once(QUARANTINE_KEY.to_owned())
            .chain((2..=u32::MAX).map(|n| format!("{QUARANTINE_KEY}.{n}")))
            .find(|key| self.storage.get(key).is_none())
    }

    /// Leaves `localStorage` alone from now on: the server's data lives in this page.
    fn run_in_memory(&mut self) {
        self.storage = Rc::new(MemoryStorage::default());
        // A map in memory takes every write.
        let _ = self.write(&self.fresh());
    }
}

fn strategy_label(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::ServerSession => "Server session",
        Strategy::CookieOnly => "Cookie only",
    }
}

fn store_label(store: StoreKind) -> &'static str {
    match store {
        StoreKind::Database => "Database",
        StoreKind::Memory => "Memory",
    }
}

fn read_saved(text: &str) -> std::result::Result<(Saved, Vec<u8>), String> {
    let saved: Saved = serde_json::from_str(text).map_err(|e| {
        format!(
            "not the server's JSON: {}",
            crumbs_protocol::api::quote_names(&e.to_string())
        )
    })?;
    if saved.version != SAVED_VERSION {
        return Err(format!(
            "version {} where {SAVED_VERSION} was expected",
            saved.version
        ));
    }
    let secret =
        base64::decode(&saved.secret).map_err(|e| format!("the secret is not base64: {e}"))?;
    if secret.len() < 32 {
        return Err("the secret is shorter than 256 bits".to_owned());
    }
    Ok((saved, secret))
}

/// The decoded value of cookie `name` in the request's `Cookie` header.
fn cookie_in(request: &Request, name: &str) -> Option<String> {
    let header = request.headers.get("Cookie")?;
    parse(header)
        .into_iter()
        .find(|c| c.name == name)
        .map(|c| c.value)
}

/// What a real server would send: `HttpOnly` so page scripts cannot read the cookie,
/// `SameSite=Lax` so the browser leaves it off cross-site sub-requests (images, frames,
/// `fetch`) and off cross-site POSTs, even top-level ones such as another site's form
/// (RFC 6265bis: Lax allows only top-level navigations with a safe method). It still
/// rides along when another site links or redirects here with a top-level GET, so a GET
/// that changes something is not protected by it.
///
/// `lifetime`: how long the browser keeps the cookie, as `Max-Age` (whole seconds, rounded
/// up so a lifetime under a second does not delete the cookie at once); `None` for a
/// session cookie.
fn set_cookie(name: &str, value: &str, lifetime: Option<Millis>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(lifetime) = lifetime {
        cookie.push_str(&format!("; Max-Age={}", ceil_seconds(lifetime)));
    }
    cookie
}

fn clearing_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn error(status: u16, reason: Reason, message: String) -> Response {
    Response::json(
        status,
        &ErrorBody {
            reason,
            error: message,
        },
    )
}

/// The challenge every 401 carries. RFC 9110 §15.5.2 requires a `WWW-Authenticate` with
/// at least one challenge on every 401, but no scheme is registered for a form login that
/// sets a cookie. This one names `Cookie`, the scheme of an expired Internet-Draft
/// (draft-broyer-http-cookie-auth, 2009); browsers do not know it, so they show no login
/// dialog and leave the asking to the page, and the network log says so.
const CHALLENGE: &str = "Cookie realm=\"crumbs\"";

fn unauthorized(reason: Reason, message: String, cookie: &str) -> Response {
    error(401, reason, message)
        .with_header("WWW-Authenticate", CHALLENGE)
        .with_header("Set-Cookie", clearing_cookie(cookie))
}

fn method_not_allowed(allow: &str) -> Response {
    error(
        405,
        Reason::MethodNotAllowed,
        format!("this route answers {allow} only"),
    )
    .with_header("Allow", allow)
}
