//! The HTTP side: the routes of the protocol, the session layer, the `/api` headers and
//! the built lab beside them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::header::{ALLOW, COOKIE, RETRY_AFTER, SET_COOKIE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use crumbs_protocol::api::{CookieNamesBody, HealthBody, LoginRequest, Reason, SessionBody};
use crumbs_protocol::rules::{LOCKOUT_MS, MAX_BODY_BYTES, MAX_FAILURES, REMEMBERED_MS, SESSION_MS};
use crumbs_protocol::{
    ceil_seconds, encode_cookie_names, COOKIE_NAMES_HEADER, SESSION_COOKIE, USER_COOKIE,
};
use tower_http::services::{ServeDir, ServeFile};
use tower_sessions::cookie::{Cookie, CookieJar, Key, SameSite};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

pub use crate::answer::cookie_names;
use crate::answer::{error, json};
use crate::passwords::Passwords;
use crate::samesite::{self, Experiment};
use crate::store::{self, now_ms, LifetimeStore, Login, LOGIN_KEY};
use crate::throttle::{Attempt, Refusal, Throttle};

/// What every request shares: the signing key (to check signatures the session layer
/// hides), the password hashes, the throttle, the store's name.
#[derive(Clone)]
pub struct AppState {
    key: Key,
    passwords: Passwords,
    throttle: Arc<Mutex<Throttle>>,
    store_name: &'static str,
    samesite: Experiment,
}

/// The SameSite experiment's routes take their part of the state alone.
impl FromRef<AppState> for Experiment {
    fn from_ref(state: &AppState) -> Self {
        state.samesite.clone()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key: a debug print must not let anyone forge cookies.
        f.debug_struct("AppState")
            .field("store_name", &self.store_name)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The shared state for a server signing with `key` whose store is called
    /// `store_name` in `/api/health`.
    pub fn new(key: Key, passwords: Passwords, store_name: &'static str) -> Self {
        Self {
            key,
            passwords,
            throttle: Arc::new(Mutex::new(Throttle::default())),
            store_name,
            samesite: Experiment::default(),
        }
    }
}

/// The whole application: `/api` on `store`, and the built lab in `dist` (if given) for
/// every other path, with `index.html` for paths it lacks.
pub fn router(state: AppState, store: LifetimeStore, dist: Option<&Path>) -> Router {
    api_routes(Router::new(), state, store, dist)
}

/// Like [`router`], with `extra` routes (sharing the session layer) added first: tests
/// use it to exercise [`store::write`] as a later request would.
pub fn api_routes(
    extra: Router<AppState>,
    state: AppState,
    store: LifetimeStore,
    dist: Option<&Path>,
) -> Router {
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        // Loopback http: a Secure cookie would never come back.
        .with_secure(false)
        .with_path("/")
        // A session cookie unless a login says otherwise (see `store::write`).
        .with_expiry(Expiry::OnSessionEnd)
        .with_signed(state.key.clone());
    let api = extra
        .route(
            "/api/login",
            post(login).fallback(|| async { method_not_allowed("POST") }),
        )
        .route(
            "/api/session",
            get(session_info).fallback(|| async { method_not_allowed("GET") }),
        )
        .route(
            "/api/logout",
            post(logout).fallback(|| async { method_not_allowed("POST") }),
        )
        .route(
            "/api/cookies",
            get(cookie_names_route).fallback(|| async { method_not_allowed("GET") }),
        )
        .route(
            "/api/health",
            get(health).fallback(|| async { method_not_allowed("GET") }),
        )
        .route(
            "/api/samesite/cookies",
            post(samesite::set_cookies).fallback(|| async { method_not_allowed("POST") }),
        )
        .route(
            "/api/samesite/visit",
            get(samesite::visit).fallback(|| async { method_not_allowed("GET") }),
        )
        .route(
            "/api/samesite/echo",
            get(samesite::echo)
                .post(samesite::echo)
                .fallback(|| async { method_not_allowed("GET, POST") }),
        )
        .route(
            "/api/samesite/runs/{run}",
            get(samesite::run_report).fallback(|| async { method_not_allowed("GET") }),
        )
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .layer(sessions)
        .with_state(state);
    let app = match dist {
        Some(dir) => api
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => api.fallback(no_dist),
    };
    app.layer(middleware::from_fn(echo_cookie_names))
        .layer(middleware::map_response(one_set_cookie_per_name))
}

/// The challenge every 401 carries (RFC 9110 §15.5.2 wants one); the same as the in-page
/// mock's: `Cookie`, a scheme browsers do not know, so they show no login dialog.
const CHALLENGE: &str = "Cookie realm=\"crumbs\"";

async fn login(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let over = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.into_inner().is::<http_body_util::LengthLimitError>();
            if over {
                return too_large();
            }
            return error(
                StatusCode::BAD_REQUEST,
                Reason::MalformedBody,
                "the body could not be read to its end".to_owned(),
            );
        }
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return error(
            StatusCode::BAD_REQUEST,
            Reason::MalformedBody,
            format!(
                "the body is not UTF-8 text; send JSON like {}",
                LoginRequest::EXAMPLE
            ),
        );
    };
    let request = match LoginRequest::from_body(text) {
        Ok(request) => request,
        Err(why) => return error(StatusCode::BAD_REQUEST, Reason::MalformedBody, why),
    };
    let username = request.username.as_str();
    // The attempt is reserved before the (slow) check and counted while it runs: guesses
    // sent at once are refused as soon as failures plus checks under way reach the limit,
    // instead of all being checked against a count none of them has added to yet.
    let attempt = match Attempt::begin(&state.throttle, username, now_ms()) {
        Ok(attempt) => attempt,
        Err(Refusal::Locked(left)) => {
            let seconds = ceil_seconds(left);
            return throttled(
                format!(
                    "too many failed logins for “{username}”: try again in {seconds} s (after \
                     {MAX_FAILURES} failures the server locks the name for {} s)",
                    ceil_seconds(LOCKOUT_MS)
                ),
                seconds,
            );
        }
        Err(Refusal::Busy) => {
            return throttled(
                format!(
                    "{MAX_FAILURES} logins for “{username}” have failed or are being checked \
                     right now: try again in 1 s (after {MAX_FAILURES} failures the server \
                     locks the name for {} s)",
                    ceil_seconds(LOCKOUT_MS)
                ),
                1,
            );
        }
    };
    if !state.passwords.verify(username, &request.password).await {
        attempt.failed(now_ms());
        return with_header(
            error(
                StatusCode::UNAUTHORIZED,
                Reason::BadCredentials,
                "unknown user or wrong password".to_owned(),
            ),
            WWW_AUTHENTICATE,
            CHALLENGE,
        );
    }
    attempt.succeeded();

    // A new id at every login, and nothing of the old session kept: an id planted before
    // login (session fixation) is worth nothing after it. `clear` then `cycle_id`, never
    // `flush` then `insert`: after `flush` the record keeps the presented id, and the
    // insert re-creates the session under it.
    session.clear().await;
    if let Err(why) = session.cycle_id().await {
        return internal(format!(
            "the login failed: the old session could not be ended ({why}), so no new one was \
             made; a login you had before is left as it was"
        ));
    }
    let now = now_ms();
    let lifetime = if request.remember {
        REMEMBERED_MS
    } else {
        SESSION_MS
    };
    let login = Login {
        user: username.to_owned(),
        remember: request.remember,
        expires_at: now.saturating_add(lifetime),
    };
    // Saved here, not only by the session layer after the handler: the layer answers a
    // failed save with a bare 500 and no body, where the page needs the protocol's error
    // and its reason (a full disk, say). The layer then saves the same record once more.
    let kept = match store::write(&session, LOGIN_KEY, &login).await {
        Ok(()) => session.save().await,
        Err(why) => Err(why),
    };
    if let Err(why) = kept {
        return internal(format!(
            "the login failed: the new session could not be kept ({why}), so you are not logged in"
        ));
    }
    json(
        StatusCode::OK,
        &SessionBody {
            user: login.user,
            expires_at: Some(login.expires_at),
            how: "the server made a session and sent its signed id in an HttpOnly cookie"
                .to_owned(),
        },
    )
}

async fn session_info(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Response {
    match signature(&state.key, &headers) {
        Signature::Missing => {
            return unauthorized(
                Reason::MissingCookie,
                format!("no {SESSION_COOKIE} cookie came with the request"),
            )
        }
        Signature::Bad => {
            return unauthorized(
                Reason::Tampered,
                "the cookie's signature does not match this server's key: either the cookie was \
                 changed outside the server, or it was signed with another key. It is refused \
                 and cleared"
                    .to_owned(),
            )
        }
        Signature::Good => {}
    }
    let login = match session.get::<Login>(LOGIN_KEY).await {
        Ok(Some(login)) => login,
        Ok(None) => {
            return unauthorized(
                Reason::UnknownSession,
                "the signature is good but the server has no such session: it ended (logout, \
                 expiry, a newer login), or the server keeps sessions in memory and restarted"
                    .to_owned(),
            )
        }
        Err(why) => return internal(format!("the session could not be read ({why})")),
    };
    let now = now_ms();
    if login.expires_at <= now {
        // The store keeps records a while past their expiry (`EXPIRED_GRACE_MS`) so this
        // can be told apart from an unknown session, as the mock tells it. It is over:
        // deleted now, so the next request with this cookie is an unknown session.
        let _ = session.flush().await;
        return unauthorized(
            Reason::Expired,
            format!(
                "the session expired {} s ago: the server forgets sessions after their \
                 lifetime, whatever the cookie says",
                now.saturating_sub(login.expires_at) / 1000
            ),
        );
    }
    json(
        StatusCode::OK,
        &SessionBody {
            user: login.user,
            expires_at: Some(login.expires_at),
            how: "the cookie's signed id matched a live session on the server".to_owned(),
        },
    )
}

async fn logout(session: Session) -> Response {
    if let Err(why) = session.flush().await {
        // No cookie is cleared: the session may live on, and the page must not look
        // logged out while the server may still honour it. "May": a store's error does
        // not always mean nothing happened (an answer lost after Redis deleted it).
        return internal(format!(
            "the logout failed: the session could not be deleted ({why}); it may still be \
             live, so the cookie is kept: log out again once the server can write"
        ));
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    for name in [SESSION_COOKIE, USER_COOKIE] {
        response
            .headers_mut()
            .append(SET_COOKIE, clearing_cookie(name));
    }
    response
}

async fn cookie_names_route(headers: HeaderMap) -> Response {
    json(
        StatusCode::OK,
        &CookieNamesBody {
            names: cookie_names(&headers),
        },
    )
}

async fn health(State(state): State<AppState>) -> Response {
    json(
        StatusCode::OK,
        &HealthBody {
            backend: "server".to_owned(),
            store: state.store_name.to_owned(),
        },
    )
}

async fn api_not_found(method: Method, uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        Reason::NotFound,
        format!("no route for {method} {}", uri.path()),
    )
}

async fn no_dist(method: Method, uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        Reason::NotFound,
        format!(
            "no route for {method} {}: this server was started without --dist, so it serves \
             only /api",
            uri.path()
        ),
    )
}

enum Signature {
    Missing,
    Bad,
    Good,
}

/// Checks `crumbs.sid`'s signature as the session layer does (same parsing, same key). The
/// layer treats a bad signature as no cookie at all and leaves it in the browser, so the
/// handler must tell "tampered" apart and clear it.
fn signature(key: &Key, headers: &HeaderMap) -> Signature {
    let mut jar = CookieJar::new();
    for header in headers.get_all(COOKIE) {
        if let Ok(header) = header.to_str() {
            for pair in header.split(';') {
                if let Ok(cookie) = Cookie::parse_encoded(pair.to_owned()) {
                    jar.add_original(cookie);
                }
            }
        }
    }
    if jar.get(SESSION_COOKIE).is_none() {
        Signature::Missing
    } else if jar.signed(key).get(SESSION_COOKIE).is_none() {
        Signature::Bad
    } else {
        Signature::Good
    }
}

/// Puts [`COOKIE_NAMES_HEADER`] on every `/api` answer: the page cannot read an `HttpOnly`
/// cookie nor the `Cookie` header its browser sent, but it can read what arrived.
async fn echo_cookie_names(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path == "/api" || path.starts_with("/api/");
    let names = api
        .then(|| encode_cookie_names(cookie_names(request.headers()).iter().map(String::as_str)));
    let mut response = next.run(request).await;
    if let Some(names) = names {
        // `encode_cookie_names` writes printable ASCII only, always a valid value.
        let value = HeaderValue::from_str(&names).unwrap_or(HeaderValue::from_static(""));
        response.headers_mut().insert(COOKIE_NAMES_HEADER, value);
    }
    response
}

/// Keeps one `Set-Cookie` per cookie name, the handler's (it comes first): when a
/// handler clears `crumbs.sid` the session layer may add its own removal line too, and one
/// clear line is what the page's log should show.
async fn one_set_cookie_per_name(mut response: Response) -> Response {
    let lines: Vec<HeaderValue> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    response.headers_mut().remove(SET_COOKIE);
    let mut seen: Vec<String> = Vec::new();
    for line in lines {
        let name = line
            .to_str()
            .ok()
            .and_then(|text| text.split_once('='))
            .map(|(name, _)| name.trim().to_owned());
        if let Some(name) = name {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
        }
        response.headers_mut().append(SET_COOKIE, line);
    }
    response
}

fn clearing_cookie(name: &str) -> HeaderValue {
    // Names are the protocol's constants: always a valid header value.
    HeaderValue::from_str(&format!(
        "{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    ))
    .unwrap_or(HeaderValue::from_static(""))
}

fn internal(message: String) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, Reason::Internal, message)
}

fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        Reason::BodyTooLarge,
        format!(
            "the body is larger than {} KB, the most this server reads; a login body is a few \
             dozen bytes",
            MAX_BODY_BYTES / 1024
        ),
    )
}

fn unauthorized(reason: Reason, message: String) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, reason, message);
    let headers = response.headers_mut();
    headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
    headers.append(SET_COOKIE, clearing_cookie(SESSION_COOKIE));
    response
}

fn throttled(message: String, retry_after_seconds: u64) -> Response {
    with_header(
        error(StatusCode::TOO_MANY_REQUESTS, Reason::Throttled, message),
        RETRY_AFTER,
        &retry_after_seconds.to_string(),
    )
}

fn method_not_allowed(allow: &'static str) -> Response {
    with_header(
        error(
            StatusCode::METHOD_NOT_ALLOWED,
            Reason::MethodNotAllowed,
            format!("this route answers {allow} only"),
        ),
        ALLOW,
        allow,
    )
}

fn with_header(mut response: Response, name: axum::http::HeaderName, value: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
    response
}
