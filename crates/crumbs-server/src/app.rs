//! The HTTP side: the routes of the protocol, the session layer, the `/api` headers and
//! the built lab beside them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::header::{
    ALLOW, CONTENT_TYPE, COOKIE, HOST, ORIGIN, RETRY_AFTER, SET_COOKIE, WWW_AUTHENTICATE,
};
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
    let sessions = SessionManagerLayer::new(store.clone())
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
            post(login)
                .route_layer(middleware::from_fn(only_same_origin_json))
                .fallback(|| async { method_not_allowed("POST") }),
        )
        .route(
            "/api/session",
            get(session_info).fallback(|| async { method_not_allowed("GET") }),
        )
        .route(
            "/api/logout",
            post(logout)
                .route_layer(middleware::from_fn(only_same_origin_json))
                .fallback(|| async { method_not_allowed("POST") }),
        )
        .route(
            "/api/cookies",
            get(cookie_names_route).fallback(|| async { method_not_allowed("GET") }),
        )
        .route(
            "/api/health",
            get({
                let store = store.clone();
                move |State(state): State<AppState>| health(state, store)
            })
            .fallback(|| async { method_not_allowed("GET") }),
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
    app.layer(middleware::map_response(no_bare_server_error))
        .layer(middleware::from_fn(echo_cookie_names))
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
    // login (session fixation) is worth nothing after it. `cycle_id` then `clear`, never
    // `flush` then `insert`: after `flush` the record keeps the presented id, and the
    // insert re-creates the session under it. `cycle_id` first, so a store that fails it
    // leaves the session as it was: cleared first, the layer would take the session for
    // an empty one and delete the browser's cookie of a session the store still holds.
    if let Err(why) = session.cycle_id().await {
        return store_failed(
            "the login failed: the old session could not be ended",
            &why,
            "so no new one was made; a login you had before is left as it was",
        );
    }
    session.clear().await;
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
    // and its reason (a full disk, Redis gone). The layer then saves the same record once
    // more (one extra write per login).
    let kept = match store::write(&session, LOGIN_KEY, &login).await {
        Ok(()) => session.save().await,
        Err(why) => Err(why),
    };
    if let Err(why) = kept {
        return store_failed(
            "the login failed: the new session could not be kept",
            &why,
            "so you are not logged in",
        );
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
        Err(why) => {
            return store_failed(
                "the session could not be read",
                &why,
                "so the server cannot tell who you are",
            )
        }
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
        return store_failed(
            "the logout failed: the session could not be deleted",
            &why,
            "it may still be live, so the cookie is kept: log out again once the server can \
             write",
        );
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

/// `200` only when the store answers: a server whose every session request would fail is
/// not healthy, whatever its process does.
async fn health(state: AppState, store: LifetimeStore) -> Response {
    if let Err(why) = store.probe().await {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            Reason::Unavailable,
            format!(
                "the session store ({}) does not answer: {why}",
                state.store_name
            ),
        );
    }
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
        // As tower-cookies reads it (UTF-8, not `to_str`'s visible ASCII): a cookie a
        // script wrote as `note=café` must not hide the session cookie beside it.
        if let Ok(header) = std::str::from_utf8(header.as_bytes()) {
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

/// A session operation that failed: `503 unavailable` when the store itself failed (no
/// answer in time, Redis gone, a full disk: try again), `500 internal` when what it holds
/// could not be read or written as a session. `doing` says what failed, `so` what that
/// means for the user.
fn store_failed(doing: &str, why: &tower_sessions::session::Error, so: &str) -> Response {
    let store_down = matches!(
        why,
        tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(_))
    );
    if store_down {
        error(
            StatusCode::SERVICE_UNAVAILABLE,
            Reason::Unavailable,
            format!("{doing} ({why}), {so}; try again in a moment"),
        )
    } else {
        internal(format!("{doing} ({why}), {so}"))
    }
}

/// The session layer answers a failed save with an empty `500`; every failure here is the
/// protocol's `{reason, error}`.
async fn no_bare_server_error(response: Response) -> Response {
    let bare = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !response.headers().contains_key(CONTENT_TYPE);
    if bare {
        return internal(
            "the session could not be saved in the store, so this request changed nothing"
                .to_owned(),
        );
    }
    response
}

/// Login and logout change who the browser is logged in as, so another site's page must
/// not be able to send them (login CSRF plants the attacker's account; a forged logout
/// ends the user's session): refused with `403` when the browser says the request comes
/// from another origin, and with `415` unless the body is declared `application/json`,
/// which no form and no script of another origin can send without the browser asking
/// this server first (a CORS preflight, which it never grants). Clients that are not
/// browsers send neither `Sec-Fetch-Site` nor `Origin` and are let through: forgery needs
/// a victim's browser.
async fn only_same_origin_json(request: Request, next: Next) -> Response {
    if let Some(from) = other_origin(request.headers()) {
        return error(
            StatusCode::FORBIDDEN,
            Reason::CrossOrigin,
            format!(
                "this request came from {from}: the server takes logins and logouts only from \
                 its own pages, so that no other site can log you in or out (cross-site \
                 request forgery)"
            ),
        );
    }
    if !declares_json(request.headers()) {
        let declared = request
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::UnsupportedMediaType,
            match declared {
                Some(declared) => format!(
                    "the body is declared as “{declared}”: this route takes only \
                     Content-Type: application/json"
                ),
                None => "the request has no Content-Type: this route takes only \
                         Content-Type: application/json"
                    .to_owned(),
            },
        );
    }
    next.run(request).await
}

/// Where a request came from when that is another origin, in words; `None` when it is
/// this server's own page, a navigation the user typed, or no browser at all.
///
/// `Sec-Fetch-Site` is the browser's own word and wins (every current browser sends it
/// over http on loopback, and a page cannot set it); `Origin` is compared with `Host` only
/// where it is missing, as Go's `CrossOriginProtection` does.
fn other_origin(headers: &HeaderMap) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = String::from_utf8_lossy(site.as_bytes());
        let own = site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none");
        return (!own).then(|| format!("another origin (Sec-Fetch-Site: {site})"));
    }
    let origin = headers.get(ORIGIN)?;
    let origin = String::from_utf8_lossy(origin.as_bytes());
    let host = headers
        .get(HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned());
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    match (origin_host, host) {
        (Some(origin_host), Some(host)) if origin_host.eq_ignore_ascii_case(&host) => None,
        _ => Some(format!("a page of {origin}")),
    }
}

/// True if `Content-Type` is `application/json`, parameters (`; charset=utf-8`) aside.
fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
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
