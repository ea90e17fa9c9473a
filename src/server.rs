//! The mock backend: answers `POST /api/login`, `GET /api/session` and
//! `POST /api/logout` like an HTTP server would, inside the page. It reaches the browser
//! only through [`Storage`], time only through [`Clock`], randomness only through
//! [`Random`], so every rule is tested on the host.

pub mod api;
mod error;
pub mod http;
mod random;
mod sessions;
mod signing;
mod storage;
mod throttle;
pub mod users;

use std::rc::Rc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub use error::{Result, ServerError};
pub use random::{CryptoRandom, Random};
pub use sessions::{Saved, Session, StoreKind, Strategy, SAVED_VERSION};
pub use signing::{sign, unsign};
pub use storage::{LocalStorage, MemoryStorage, Storage};
pub use throttle::{LOCKOUT_MS, MAX_FAILURES};

use self::api::{ErrorBody, LoginRequest, Reason, SessionBody};
use self::http::{Method, Request, Response};
use self::throttle::Throttle;
use crate::clock::{Clock, Millis};
use crate::cookies::{encode_uri_component, parse};

/// The key everything the server keeps is saved under.
pub const STORAGE_KEY: &str = "crumbs.server";
/// Where unreadable data found under [`STORAGE_KEY`] is kept aside.
pub const QUARANTINE_KEY: &str = "crumbs.server.unreadable";

/// The session cookie (server-session strategy).
pub const SESSION_COOKIE: &str = "crumbs.sid";
/// The user cookie (cookie-only strategy).
pub const USER_COOKIE: &str = "crumbs.user";

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// Without "Remember me": the server forgets the session after this, and the cookie
    /// is a session cookie, gone when the browser closes.
    pub session_ms: Millis,
    /// With "Remember me": both the session and the cookie (`Max-Age`) last this long.
    pub remembered_ms: Millis,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            session_ms: 30 * 60 * 1000,
            remembered_ms: 7 * 24 * 60 * 60 * 1000,
        }
    }
}

pub struct MockServer {
    storage: Rc<dyn Storage>,
    clock: Rc<dyn Clock>,
    random: Rc<dyn Random>,
    lifetimes: Lifetimes,
    secret: Vec<u8>,
    strategy: Strategy,
    store: StoreKind,
    sessions: Vec<Session>,
    throttle: Throttle,
    notice: Option<String>,
}

impl MockServer {
    /// Starts the server on what `storage` holds: the secret, the settings and (with the
    /// database store) the sessions. Unreadable data is kept aside under
    /// [`QUARANTINE_KEY`], the server starts clean and [`notice`](Self::notice) says so.
    pub fn start(
        storage: Rc<dyn Storage>,
        clock: Rc<dyn Clock>,
        random: Rc<dyn Random>,
        lifetimes: Lifetimes,
    ) -> Result<Self> {
        let mut notice = None;
        let saved = match storage.get(STORAGE_KEY) {
            None => None,
            Some(text) => match read_saved(&text) {
                Ok(saved) => Some(saved),
                Err(why) => {
                    let kept = storage.set(QUARANTINE_KEY, &text);
                    storage.remove(STORAGE_KEY);
                    notice = Some(match kept {
                        Ok(()) => format!(
                            "The mock server's saved data under `{STORAGE_KEY}` was unreadable ({why}). \
                             It was kept aside under `{QUARANTINE_KEY}` and the server started clean: \
                             earlier sessions are gone, so log in again."
                        ),
                        Err(error) => format!(
                            "The mock server's saved data under `{STORAGE_KEY}` was unreadable ({why}) \
                             and could not be kept aside ({error}). The server started clean: log in again."
                        ),
                    });
                    None
                }
            },
        };
        let fresh = saved.is_none();
        let mut server = match saved {
            Some((saved, secret)) => Self {
                storage,
                clock,
                random,
                lifetimes,
                secret,
                strategy: saved.strategy,
                store: saved.store,
                sessions: saved.sessions,
                throttle: Throttle::default(),
                notice,
            },
            None => {
                let mut secret = vec![0u8; 32];
                random.fill(&mut secret)?;
                Self {
                    storage,
                    clock,
                    random,
                    lifetimes,
                    secret,
                    strategy: Strategy::default(),
                    store: StoreKind::default(),
                    sessions: Vec::new(),
                    throttle: Throttle::default(),
                    notice,
                }
            }
        };
        server.purge();
        // Loaded data is saved again only when it changes; a fresh start is saved at once
        // so the new secret outlives this page.
        if fresh {
            server.save()?;
        }
        Ok(server)
    }

    /// A message for the page about how the server started, if anything went wrong.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    pub fn store(&self) -> StoreKind {
        self.store
    }

    pub fn lifetimes(&self) -> Lifetimes {
        self.lifetimes
    }

    /// The live sessions, oldest first.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    pub fn set_strategy(&mut self, strategy: Strategy) -> Result<()> {
        self.strategy = strategy;
        self.save()
    }

    /// Moves the live sessions to the other store: they survive the switch, and then
    /// live as long as that store does.
    pub fn set_store(&mut self, store: StoreKind) -> Result<()> {
        self.store = store;
        self.save()
    }

    /// Answers one request.
    pub fn handle(&mut self, request: &Request) -> Response {
        let path = request.path.split('?').next().unwrap_or_default();
        let response = match (request.method, path) {
            (Method::Post, "/api/login") => self.login(request),
            (Method::Get, "/api/session") => self.session(request),
            (Method::Post, "/api/logout") => self.logout(request),
            (_, "/api/login" | "/api/logout") => method_not_allowed("POST"),
            (_, "/api/session") => method_not_allowed("GET"),
            _ => error(
                404,
                Reason::NotFound,
                format!("no route for {} {path}", request.method.as_str()),
            ),
        };
        // After answering, so an expired session is reported as expired once, then gone.
        self.purge();
        response
    }

    fn login(&mut self, request: &Request) -> Response {
        let body: LoginRequest = match serde_json::from_str(&request.body) {
            Ok(body) => body,
            Err(why) => {
                return error(
                    400,
                    Reason::MalformedBody,
                    format!(
                        "the body is not a login request ({why}); send JSON like \
                         {{\"username\": \"alice\", \"password\": \"…\", \"remember\": false}}"
                    ),
                )
            }
        };
        let username = body.username.trim();
        if username.is_empty() {
            return error(
                400,
                Reason::MalformedBody,
                "the username is empty".to_owned(),
            );
        }
        let now = self.clock.now();
        if let Some(left) = self.throttle.locked_for(username, now) {
            let seconds = (left + 999) / 1000;
            return error(
                429,
                Reason::Throttled,
                format!(
                    "too many failed logins for `{username}`: try again in {seconds} s \
                     (after {MAX_FAILURES} failures the server locks the name for {} s)",
                    LOCKOUT_MS / 1000
                ),
            )
            .with_header("Retry-After", seconds.to_string());
        }
        if !users::verify(username, &body.password) {
            self.throttle.failed(username, now);
            return error(
                401,
                Reason::BadCredentials,
                "unknown user or wrong password".to_owned(),
            );
        }
        self.throttle.succeeded(username);

        let lifetime = if body.remember {
            self.lifetimes.remembered_ms
        } else {
            self.lifetimes.session_ms
        };
        let max_age = body.remember.then_some(lifetime / 1000);
        match self.strategy {
            Strategy::CookieOnly => {
                let cookie = set_cookie(USER_COOKIE, &encode_uri_component(username), max_age);
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
                    self.sessions.retain(|s| s.id != id);
                }
                let id = match self.new_id() {
                    Ok(id) => id,
                    Err(why) => return error(500, Reason::Internal, why.to_string()),
                };
                let session = Session {
                    id: id.clone(),
                    user: username.to_owned(),
                    created_at: now,
                    expires_at: now + lifetime,
                };
                self.sessions.push(session.clone());
                if let Err(why) = self.save() {
                    self.sessions.retain(|s| s.id != id);
                    return error(500, Reason::Internal, why.to_string());
                }
                let value = encode_uri_component(&sign(&id, &self.secret));
                Response::json(
                    200,
                    &SessionBody {
                        user: session.user,
                        expires_at: Some(session.expires_at),
                        how: "the server made a session and sent its signed id in a cookie"
                            .to_owned(),
                    },
                )
                .with_header("Set-Cookie", set_cookie(SESSION_COOKIE, &value, max_age))
            }
        }
    }

    fn session(&mut self, request: &Request) -> Response {
        match self.strategy {
            Strategy::CookieOnly => match cookie_in(request, USER_COOKIE) {
                Some(user) if !user.is_empty() => Response::json(
                    200,
                    &SessionBody {
                        how: format!(
                            "the cookie says `{USER_COOKIE}={user}` and this server believes any cookie"
                        ),
                        user,
                        expires_at: None,
                    },
                ),
                _ => unauthorized(
                    Reason::MissingCookie,
                    format!("no `{USER_COOKIE}` cookie came with the request"),
                    USER_COOKIE,
                ),
            },
            Strategy::ServerSession => {
                let Some(raw) = cookie_in(request, SESSION_COOKIE) else {
                    return unauthorized(
                        Reason::MissingCookie,
                        format!("no `{SESSION_COOKIE}` cookie came with the request"),
                        SESSION_COOKIE,
                    );
                };
                let Some(id) = unsign(&raw, &self.secret) else {
                    return unauthorized(
                        Reason::Tampered,
                        "the cookie's signature does not match its session id: it was changed \
                         outside the server, so it is refused and cleared"
                            .to_owned(),
                        SESSION_COOKIE,
                    );
                };
                let now = self.clock.now();
                match self.sessions.iter().find(|s| s.id == id) {
                    Some(session) if session.expires_at <= now => unauthorized(
                        Reason::Expired,
                        format!(
                            "the session expired {} s ago: the server forgets sessions after their \
                             lifetime, whatever the cookie says",
                            (now - session.expires_at) / 1000
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
                                                  it keeps sessions in memory, and the reload restarted it (or you logged out)",
                            StoreKind::Database => "the signature is good but the server has no such session: \
                                                    it ended at logout or expired",
                        };
                        unauthorized(Reason::UnknownSession, why.to_owned(), SESSION_COOKIE)
                    }
                }
            }
        }
    }

    fn logout(&mut self, request: &Request) -> Response {
        let cookie = match self.strategy {
            Strategy::CookieOnly => USER_COOKIE,
            Strategy::ServerSession => {
                if let Some(id) = self.session_id_in(request) {
                    self.sessions.retain(|s| s.id != id);
                    if let Err(why) = self.save() {
                        return error(500, Reason::Internal, why.to_string());
                    }
                }
                SESSION_COOKIE
            }
        };
        Response::empty(204).with_header("Set-Cookie", clearing_cookie(cookie))
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

    /// Expired sessions are forgotten.
    fn purge(&mut self) {
        let now = self.clock.now();
        let before = self.sessions.len();
        self.sessions.retain(|s| s.expires_at > now);
        if self.sessions.len() != before {
            // Saving again next time is as good: a failure here loses nothing.
            let _ = self.save();
        }
    }

    fn save(&self) -> Result<()> {
        let saved = Saved {
            version: SAVED_VERSION,
            secret: STANDARD.encode(&self.secret),
            strategy: self.strategy,
            store: self.store,
            sessions: match self.store {
                StoreKind::Database => self.sessions.clone(),
                StoreKind::Memory => Vec::new(),
            },
        };
        let text = serde_json::to_string(&saved).map_err(|e| ServerError::Save(e.to_string()))?;
        self.storage
            .set(STORAGE_KEY, &text)
            .map_err(ServerError::Save)
    }
}

fn read_saved(text: &str) -> std::result::Result<(Saved, Vec<u8>), String> {
    let saved: Saved =
        serde_json::from_str(text).map_err(|e| format!("not the server's JSON: {e}"))?;
    if saved.version != SAVED_VERSION {
        return Err(format!(
            "version {} where {SAVED_VERSION} was expected",
            saved.version
        ));
    }
    let secret = STANDARD
        .decode(&saved.secret)
        .map_err(|e| format!("the secret is not base64: {e}"))?;
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
/// `SameSite=Lax` so other sites cannot make the browser use it.
fn set_cookie(name: &str, value: &str, max_age_seconds: Option<Millis>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age_seconds {
        cookie.push_str(&format!("; Max-Age={seconds}"));
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

fn unauthorized(reason: Reason, message: String, cookie: &str) -> Response {
    error(401, reason, message).with_header("Set-Cookie", clearing_cookie(cookie))
}

fn method_not_allowed(allow: &str) -> Response {
    error(
        405,
        Reason::MethodNotAllowed,
        format!("this route answers {allow} only"),
    )
    .with_header("Allow", allow)
}
