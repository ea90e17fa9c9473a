//! The API in process: the router on a memory store, driven with `oneshot`.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use crumbs_protocol::api::{CookieNamesBody, ErrorBody, HealthBody, Reason, SessionBody};
use crumbs_protocol::rules::{MAX_BODY_BYTES, MAX_FAILURES, REMEMBERED_MS, SESSION_MS};
use crumbs_protocol::samesite::{RunBody, Via};
use crumbs_protocol::{decode_cookie_names, COOKIE_NAMES_HEADER};
use crumbs_server::app::api_routes;
use crumbs_server::passwords::Passwords;
use crumbs_server::store::{now_ms, write, Login, LOGIN_KEY};
use crumbs_server::{AppState, LifetimeStore, OpenStore};
use tower::ServiceExt;
use tower_sessions::cookie::Key;
use tower_sessions::session::{Id, Record};
use tower_sessions::Session;

fn passwords() -> Passwords {
    static PASSWORDS: OnceLock<Passwords> = OnceLock::new();
    PASSWORDS
        .get_or_init(|| Passwords::hash_demo_accounts().unwrap())
        .clone()
}

/// A test-only route that writes to the session as any later request would, through the
/// one write path the server has.
async fn later_write(session: Session) -> StatusCode {
    write(&session, "note", now_ms()).await.unwrap();
    StatusCode::NO_CONTENT
}

/// A test-only route that moves the session's login expiry a millisecond into the past,
/// as the clock passing its lifetime would (the app reads the system clock).
async fn expire_now(session: Session) -> StatusCode {
    let mut login: Login = session.get(LOGIN_KEY).await.unwrap().unwrap();
    login.expires_at = now_ms() - 1;
    write(&session, LOGIN_KEY, login).await.unwrap();
    StatusCode::NO_CONTENT
}

fn app_with(key: Key, store: OpenStore, dist: Option<&std::path::Path>) -> Router {
    let state = AppState::new(key, passwords(), store.name);
    let extra = Router::new()
        .route("/test/write", post(later_write))
        .route("/test/expire", post(expire_now));
    api_routes(extra, state, store.store, dist)
}

fn app() -> Router {
    app_with(Key::generate(), OpenStore::memory(), None)
}

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// `crumbs.sid=VALUE`, from this answer's `Set-Cookie`.
    fn session_cookie(&self) -> String {
        let line = self
            .set_cookies()
            .into_iter()
            .find(|l| l.starts_with("crumbs.sid=") && !l.starts_with("crumbs.sid=;"))
            .unwrap_or_else(|| panic!("no crumbs.sid cookie set in {self:?}"));
        line.split(';').next().unwrap().to_owned()
    }

    fn error(&self) -> ErrorBody {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn session(&self) -> SessionBody {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

async fn send(
    app: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: impl Into<Body>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    // As the lab sends them: login and logout take JSON only (a 415 otherwise).
    if method == "POST" {
        request = request.header("content-type", "application/json");
    }
    send_request(app, request.body(body.into()).unwrap()).await
}

async fn send_request(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        // Lossy: the SameSite experiment's <img> answer is a GIF.
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn login(
    app: &Router,
    user: &str,
    password: &str,
    remember: bool,
    cookie: Option<&str>,
) -> Answer {
    let body = format!(r#"{{"username":"{user}","password":"{password}","remember":{remember}}}"#);
    send(app, "POST", "/api/login", cookie, body).await
}

async fn session(app: &Router, cookie: Option<&str>) -> Answer {
    send(app, "GET", "/api/session", cookie, Body::empty()).await
}

fn assert_clears_session_cookie(answer: &Answer) {
    assert_eq!(
        answer.set_cookies(),
        ["crumbs.sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
        "{answer:?}"
    );
}

fn assert_sentence(error: &ErrorBody) {
    let first = error.error.chars().next().unwrap();
    assert!(first.is_lowercase(), "{:?} starts lower-case", error.error);
}

#[tokio::test]
async fn login_sets_a_signed_httponly_lax_session_cookie_and_a_thirty_minute_session() {
    let app = app();
    let before = now_ms();
    let answer = login(&app, "alice", "wonderland", false, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let body = answer.session();
    assert_eq!(body.user, "alice");
    let expires_at = body.expires_at.unwrap();
    assert!((before + SESSION_MS..=now_ms() + SESSION_MS).contains(&expires_at));
    let lines = answer.set_cookies();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(line.contains(attribute), "{line}");
    }
    for absent in ["Max-Age", "Expires", "Secure"] {
        assert!(
            !line.contains(absent),
            "a session cookie on loopback http: {line}"
        );
    }
}

#[tokio::test]
async fn remember_me_makes_the_cookie_last_the_remembered_lifetime() {
    let app = app();
    let answer = login(&app, "bob", "builder", true, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let line = &answer.set_cookies()[0];
    assert!(
        line.contains(&format!("Max-Age={}", REMEMBERED_MS / 1000)),
        "{line}"
    );
    let expires_at = answer.session().expires_at.unwrap();
    assert!(expires_at > now_ms() + REMEMBERED_MS - 60_000);
}

#[tokio::test]
async fn the_session_cookie_tells_the_server_who_you_are() {
    let app = app();
    let cookie = login(&app, "alice", "wonderland", false, None)
        .await
        .session_cookie();
    let answer = session(&app, Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let body = answer.session();
    assert_eq!(body.user, "alice");
    assert!(body.how.contains("signed id"), "{}", body.how);
    assert!(answer.set_cookies().is_empty(), "a read writes nothing");
}

#[tokio::test]
async fn no_cookie_is_401_missing_cookie_with_a_challenge_and_a_clearing_cookie() {
    let app = app();
    let answer = session(&app, None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error().reason, Reason::MissingCookie);
    assert_eq!(
        answer.header("www-authenticate"),
        Some("Cookie realm=\"crumbs\"")
    );
    assert_clears_session_cookie(&answer);
}

#[tokio::test]
async fn a_tampered_cookie_is_401_tampered_and_cleared() {
    let app = app();
    let cookie = login(&app, "alice", "wonderland", false, None)
        .await
        .session_cookie();
    // Change the session id after the signature, as someone in devtools would.
    let mut tampered = cookie.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let answer = session(&app, Some(&tampered)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer:?}");
    let error = answer.error();
    assert_eq!(error.reason, Reason::Tampered, "{}", error.error);
    assert_sentence(&error);
    assert_clears_session_cookie(&answer);

    // Signed with another key: refused the same way.
    let other = app_with(Key::generate(), OpenStore::memory(), None);
    let foreign = login(&other, "alice", "wonderland", false, None)
        .await
        .session_cookie();
    assert_eq!(
        session(&app, Some(&foreign)).await.error().reason,
        Reason::Tampered
    );
    // And the real cookie still works: nothing was ended by the forgery.
    assert_eq!(session(&app, Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_good_signature_without_a_session_is_401_unknown_session_and_cleared() {
    let key = Key::generate();
    let first = app_with(key.clone(), OpenStore::memory(), None);
    let cookie = login(&first, "bob", "builder", false, None)
        .await
        .session_cookie();
    // Same key, another (empty) store: as after a restart on the memory store.
    let second = app_with(key, OpenStore::memory(), None);
    let answer = session(&second, Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error().reason, Reason::UnknownSession);
    assert_clears_session_cookie(&answer);
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_both_cookies_and_a_replay_is_refused() {
    let app = app();
    let cookie = login(&app, "alice", "wonderland", true, None)
        .await
        .session_cookie();
    let answer = send(&app, "POST", "/api/logout", Some(&cookie), Body::empty()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{answer:?}");
    assert!(answer.body.is_empty());
    assert_eq!(
        answer.set_cookies(),
        [
            "crumbs.sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "crumbs.user=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        ]
    );
    let replay = session(&app, Some(&cookie)).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert_eq!(replay.error().reason, Reason::UnknownSession);
}

#[tokio::test]
async fn logout_without_a_login_is_204_and_clears_the_cookies_all_the_same() {
    let app = app();
    let answer = send(&app, "POST", "/api/logout", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.set_cookies().len(), 2);
}

#[tokio::test]
async fn login_makes_a_new_id_and_a_planted_id_never_survives_it() {
    let app = app();
    // The attacker's own, validly signed session id, planted in the victim's browser.
    let planted = login(&app, "bob", "builder", false, None)
        .await
        .session_cookie();
    let answer = login(&app, "alice", "wonderland", false, Some(&planted)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let fresh = answer.session_cookie();
    assert_ne!(fresh, planted, "login must make a new id");
    let replay = session(&app, Some(&planted)).await;
    assert_eq!(
        replay.status,
        StatusCode::UNAUTHORIZED,
        "the planted id died: {replay:?}"
    );
    assert_eq!(replay.error().reason, Reason::UnknownSession);
    assert_eq!(session(&app, Some(&fresh)).await.session().user, "alice");
    // And logging in again from a live session also moves to a new id.
    let again = login(&app, "alice", "wonderland", false, Some(&fresh))
        .await
        .session_cookie();
    assert_ne!(again, fresh);
    assert_eq!(
        session(&app, Some(&fresh)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn remember_me_expiry_survives_a_later_write() {
    let app = app();
    let first = login(&app, "alice", "wonderland", true, None).await;
    let expires_at = first.session().expires_at.unwrap();
    let cookie = first.session_cookie();
    let written = send(&app, "POST", "/test/write", Some(&cookie), Body::empty()).await;
    assert_eq!(written.status, StatusCode::NO_CONTENT);
    let line = written
        .set_cookies()
        .into_iter()
        .find(|l| l.starts_with("crumbs.sid="))
        .expect("a write re-sends the cookie");
    let max_age: i64 = line
        .split("; ")
        .find_map(|a| a.strip_prefix("Max-Age="))
        .unwrap_or_else(|| panic!("the remembered cookie lost its Max-Age: {line}"))
        .parse()
        .unwrap();
    assert!(max_age > REMEMBERED_MS / 1000 - 60, "{line}");
    // The server's own expiry did not move either.
    let later = session(&app, Some(&cookie)).await.session();
    assert_eq!(later.expires_at, Some(expires_at));
}

#[tokio::test]
async fn a_session_cookie_stays_a_session_cookie_after_a_later_write() {
    let app = app();
    let cookie = login(&app, "bob", "builder", false, None)
        .await
        .session_cookie();
    let written = send(&app, "POST", "/test/write", Some(&cookie), Body::empty()).await;
    let line = written.set_cookies().join("\n");
    assert!(
        line.starts_with("crumbs.sid=") && !line.contains("Max-Age"),
        "{line}"
    );
}

#[tokio::test]
async fn five_failures_lock_the_name_with_retry_after_and_other_names_are_free() {
    let app = app();
    for attempt in 1..=MAX_FAILURES {
        let answer = login(&app, "bob", "wrong", false, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(answer.error().reason, Reason::BadCredentials);
        assert_eq!(
            answer.header("www-authenticate"),
            Some("Cookie realm=\"crumbs\"")
        );
    }
    // Now even the right password waits.
    let answer = login(&app, "bob", "builder", false, None).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{answer:?}");
    let error = answer.error();
    assert_eq!(error.reason, Reason::Throttled);
    assert_sentence(&error);
    assert_eq!(answer.header("retry-after"), Some("30"));
    assert!(answer.set_cookies().is_empty());
    assert_eq!(
        login(&app, "alice", "wonderland", false, None).await.status,
        StatusCode::OK
    );
}

/// A login as `alice` with these extra request headers (and no Content-Type unless they
/// name one).
async fn login_with(app: &Router, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::builder().method("POST").uri("/api/login");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = r#"{"username":"alice","password":"wonderland","remember":true}"#;
    send_request(app, request.body(Body::from(body)).unwrap()).await
}

// Issue 22, item 5: `curl -H 'Content-Type: text/plain' -H 'Origin: http://evil.example'
// -H 'Sec-Fetch-Site: cross-site' --data-binary '{…}' …/api/login` answered 200 with a
// seven-day cookie, and a page on another port of 127.0.0.1 (same site) logged the victim
// in with a no-cors fetch.
#[tokio::test]
async fn a_login_from_another_origin_is_refused_and_sets_no_cookie() {
    let app = app();
    type Case<'a> = (&'a [(&'a str, &'a str)], StatusCode, Reason, &'a str);
    let cases: &[Case] = &[
        (
            &[
                ("content-type", "text/plain"),
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            StatusCode::FORBIDDEN,
            Reason::CrossOrigin,
            "Sec-Fetch-Site: cross-site",
        ),
        (
            &[
                ("content-type", "application/json"),
                ("origin", "http://127.0.0.1:9999"),
                ("sec-fetch-site", "same-site"),
            ],
            StatusCode::FORBIDDEN,
            Reason::CrossOrigin,
            "Sec-Fetch-Site: same-site",
        ),
        (
            // A browser that sends no Sec-Fetch-Site: Origin against Host.
            &[
                ("content-type", "application/json"),
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            StatusCode::FORBIDDEN,
            Reason::CrossOrigin,
            "a page of http://127.0.0.1:8080",
        ),
        (
            &[("content-type", "application/json"), ("origin", "null")],
            StatusCode::FORBIDDEN,
            Reason::CrossOrigin,
            "a page of null",
        ),
        (
            &[("content-type", "text/plain")],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::UnsupportedMediaType,
            "declared as “text/plain”",
        ),
        (
            &[("content-type", "application/x-www-form-urlencoded")],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::UnsupportedMediaType,
            "only Content-Type: application/json",
        ),
        (
            &[],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::UnsupportedMediaType,
            "has no Content-Type",
        ),
    ];
    for (headers, status, reason, says) in cases {
        let answer = login_with(&app, headers).await;
        assert_eq!(answer.status, *status, "{headers:?}: {answer:?}");
        let error = answer.error();
        assert_eq!(error.reason, *reason, "{headers:?}");
        assert!(error.error.contains(says), "{headers:?}: {}", error.error);
        assert_sentence(&error);
        assert!(answer.set_cookies().is_empty(), "{headers:?}: {answer:?}");
    }
}

#[tokio::test]
async fn a_login_from_the_servers_own_page_is_taken() {
    let app = app();
    for headers in [
        &[
            ("content-type", "application/json"),
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin"),
        ][..],
        // Behind trunk's proxy the Host is the server's, the Origin the page's: the
        // browser's Sec-Fetch-Site is what counts.
        &[
            ("content-type", "application/json; charset=utf-8"),
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin"),
        ][..],
        &[
            ("content-type", "application/json"),
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
        ][..],
        // Not a browser: nothing to forge with.
        &[("content-type", "application/json")][..],
    ] {
        let answer = login_with(&app, headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{headers:?}: {answer:?}");
    }
}

// Issue 22, item 5: a cross-site form POST cleared the cookie, a same-site fetch ended
// the session.
#[tokio::test]
async fn a_logout_from_another_origin_is_refused_and_the_session_lives_on() {
    let app = app();
    let cookie = login(&app, "alice", "wonderland", false, None)
        .await
        .session_cookie();
    for (site, content_type) in [
        ("cross-site", "application/x-www-form-urlencoded"),
        ("same-site", "text/plain"),
    ] {
        let request = Request::builder()
            .method("POST")
            .uri("/api/logout")
            .header("cookie", &cookie)
            .header("content-type", content_type)
            .header("sec-fetch-site", site)
            .body(Body::empty())
            .unwrap();
        let answer = send_request(&app, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{site}: {answer:?}");
        assert!(answer.set_cookies().is_empty(), "{site}: {answer:?}");
    }
    let without_type = Request::builder()
        .method("POST")
        .uri("/api/logout")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    let answer = send_request(&app, without_type).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(session(&app, Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_samesite_experiments_cross_site_post_still_arrives() {
    let app = app();
    let request = Request::builder()
        .method("POST")
        .uri("/api/samesite/echo?run=csrf&via=form&back=http%3A%2F%2F127.0.0.1%3A8080%2F")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://localhost:8080")
        .header("sec-fetch-site", "cross-site")
        .header("cookie", "samesite.unset=1")
        .body(Body::empty())
        .unwrap();
    let answer = send_request(&app, request).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{answer:?}");
}

// Issue 22, item 6: `document.cookie = "note=café"`, then `GET /api/session` was
// `401 missing_cookie` and the valid `crumbs.sid` was cleared: the signature check read
// the header with `to_str`, which refuses bytes past ASCII, while the session layer reads
// it as UTF-8.
#[tokio::test]
async fn a_cookie_outside_ascii_beside_the_session_cookie_logs_nobody_out() {
    let app = app();
    let cookie = login(&app, "alice", "wonderland", false, None)
        .await
        .session_cookie();
    for header in [
        format!("note=café; {cookie}"),
        format!("{cookie}; note=café"),
    ] {
        let request = Request::builder()
            .uri("/api/session")
            .header(
                "cookie",
                axum::http::HeaderValue::from_bytes(header.as_bytes()).unwrap(),
            )
            .body(Body::empty())
            .unwrap();
        let answer = send_request(&app, request).await;
        assert_eq!(answer.status, StatusCode::OK, "{header}: {answer:?}");
        assert_eq!(answer.session().user, "alice");
        assert!(answer.set_cookies().is_empty(), "{answer:?}");
    }
}

/// A session store that never answers, as Redis does while it is down (its client
/// queues every command until it reconnects).
#[derive(Clone, Debug)]
struct Silent;

#[async_trait::async_trait]
impl tower_sessions::SessionStore for Silent {
    async fn create(&self, _: &mut Record) -> tower_sessions::session_store::Result<()> {
        std::future::pending().await
    }
    async fn save(&self, _: &Record) -> tower_sessions::session_store::Result<()> {
        std::future::pending().await
    }
    async fn load(&self, _: &Id) -> tower_sessions::session_store::Result<Option<Record>> {
        std::future::pending().await
    }
    async fn delete(&self, _: &Id) -> tower_sessions::session_store::Result<()> {
        std::future::pending().await
    }
}

// Issue 22, item 3: with Redis down every request hung for over a minute while
// `/api/health` said 200.
#[tokio::test]
async fn a_store_that_does_not_answer_is_a_503_with_a_sentence_and_no_cookie_is_cleared() {
    let key = Key::generate();
    let state = AppState::new(key.clone(), passwords(), "redis");
    let store = LifetimeStore::new(Silent).with_timeout(std::time::Duration::from_millis(200));
    let app = api_routes(Router::new(), state, store, None);
    // A cookie this server signed, for a session the store would have.
    let mut jar = tower_sessions::cookie::CookieJar::new();
    jar.signed_mut(&key)
        .add(tower_sessions::cookie::Cookie::new(
            "crumbs.sid",
            Id::default().to_string(),
        ));
    let cookie = format!("crumbs.sid={}", jar.get("crumbs.sid").unwrap().value());

    let health = send(&app, "GET", "/api/health", None, Body::empty()).await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE, "{health:?}");
    let error = health.error();
    assert_eq!(error.reason, Reason::Unavailable);
    assert!(
        error.error.contains("(redis) does not answer"),
        "{}",
        error.error
    );

    let read = session(&app, Some(&cookie)).await;
    assert_eq!(read.status, StatusCode::SERVICE_UNAVAILABLE, "{read:?}");
    assert_eq!(read.error().reason, Reason::Unavailable);
    assert!(
        read.error().error.contains("did not answer within 0.2 s"),
        "{read:?}"
    );
    assert!(
        read.set_cookies().is_empty(),
        "the session may be fine: {read:?}"
    );

    let login = login(&app, "alice", "wonderland", false, Some(&cookie)).await;
    assert_eq!(login.status, StatusCode::SERVICE_UNAVAILABLE, "{login:?}");
    assert!(
        login
            .error()
            .error
            .contains("a login you had before is left as it was"),
        "{login:?}"
    );
    assert!(login.set_cookies().is_empty(), "{login:?}");

    let logout = send(&app, "POST", "/api/logout", Some(&cookie), Body::empty()).await;
    assert_eq!(logout.status, StatusCode::SERVICE_UNAVAILABLE, "{logout:?}");
    assert!(
        logout
            .error()
            .error
            .contains("it may still be live, so the cookie is kept"),
        "{logout:?}"
    );
    assert!(logout.set_cookies().is_empty(), "{logout:?}");
    for answer in [&health, &read, &login, &logout] {
        assert_sentence(&answer.error());
    }
}

/// A store whose saves fail after its creates worked: the session layer's own save,
/// after the handler's, is what fails.
#[derive(Clone, Debug, Default)]
struct SavesFail(tower_sessions::MemoryStore);

#[async_trait::async_trait]
impl tower_sessions::SessionStore for SavesFail {
    async fn create(&self, record: &mut Record) -> tower_sessions::session_store::Result<()> {
        self.0.create(record).await
    }
    async fn save(&self, _: &Record) -> tower_sessions::session_store::Result<()> {
        Err(tower_sessions::session_store::Error::Encode(
            "this record cannot be written".to_owned(),
        ))
    }
    async fn load(&self, id: &Id) -> tower_sessions::session_store::Result<Option<Record>> {
        self.0.load(id).await
    }
    async fn delete(&self, id: &Id) -> tower_sessions::session_store::Result<()> {
        self.0.delete(id).await
    }
}

// Issue 22, item 10: the session layer answers a failed save with an empty 500.
#[tokio::test]
async fn a_failed_save_is_the_protocols_error_never_an_empty_500() {
    let state = AppState::new(Key::generate(), passwords(), "memory");
    let app = api_routes(
        Router::new(),
        state,
        LifetimeStore::new(SavesFail::default()),
        None,
    );
    let answer = login(&app, "alice", "wonderland", false, None).await;
    assert_eq!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{answer:?}"
    );
    let error = answer.error();
    assert_eq!(error.reason, Reason::Internal);
    assert!(
        error.error.contains("could not be saved"),
        "{}",
        error.error
    );
    assert!(answer.set_cookies().is_empty(), "{answer:?}");
}

#[tokio::test]
async fn an_unknown_user_is_told_as_a_wrong_password_is() {
    let app = app();
    let unknown = login(&app, "mallory", "wonderland", false, None).await;
    let wrong = login(&app, "alice", "nope", false, None).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body, wrong.body);
}

#[tokio::test]
async fn bad_bodies_are_400_malformed_body_with_a_sentence() {
    let app = app();
    let cases: &[(&[u8], &str)] = &[
        (b"", "not a JSON object"),
        (b"not json", "not a JSON object"),
        (br#"["alice","wonderland"]"#, "not a JSON object"),
        (
            br#"{"username":"alice"}"#,
            "not a login request (missing field “password”",
        ),
        (
            br#"{"username":"alice","password":"x","remeber":true}"#,
            "unknown field “remeber”",
        ),
        (
            br#"{"username":"  ","password":"x"}"#,
            "the username is empty",
        ),
        (b"{\"username\":\"\xff\"}", "not UTF-8"),
    ];
    for (body, says) in cases {
        let answer = send(&app, "POST", "/api/login", None, body.to_vec()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body:?}");
        let error = answer.error();
        assert_eq!(error.reason, Reason::MalformedBody);
        assert!(
            error.error.contains(says),
            "{:?} should say {says:?}",
            error.error
        );
        assert_sentence(&error);
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_body_too_large() {
    let app = app();
    let padding = "x".repeat(MAX_BODY_BYTES);
    let body = format!(r#"{{"username":"alice","password":"{padding}"}}"#);
    let answer = send(&app, "POST", "/api/login", None, body).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    let error = answer.error();
    assert_eq!(error.reason, Reason::BodyTooLarge);
    assert_sentence(&error);
    // A streamed body with no length given is cut off the same way.
    let chunks = futures_like_stream(MAX_BODY_BYTES + 1);
    let answer = send(&app, "POST", "/api/login", None, chunks).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_like_stream(len: usize) -> Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..len.div_ceil(1024))
        .map(|_| Ok(vec![b' '; 1024]))
        .collect();
    Body::from_stream(tokio_stream_iter(chunks))
}

fn tokio_stream_iter(
    chunks: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    StreamIter(chunks.into_iter())
}

struct StreamIter(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>);

impl futures_core::Stream for StreamIter {
    type Item = Result<Vec<u8>, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}

#[tokio::test]
async fn a_cookie_name_outside_ascii_does_not_hide_the_others() {
    // Browsers send what a script wrote, UTF-8 bytes included; the echo must still name
    // every cookie rather than drop the whole header.
    let app = app();
    let answer = send(
        &app,
        "GET",
        "/api/cookies",
        Some("café=1; theme=dark"),
        Body::empty(),
    )
    .await;
    let body: CookieNamesBody = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body.names, ["café", "theme"]);
    let header = answer.header(COOKIE_NAMES_HEADER).unwrap();
    assert_eq!(decode_cookie_names(header), ["café", "theme"]);
}

#[tokio::test]
async fn every_api_answer_echoes_the_cookie_names_never_the_values() {
    let app = app();
    let cookie = "theme=dark-secret-value; crumbs.sid=also-secret; a%2Cb=1";
    for (method, path) in [
        ("GET", "/api/cookies"),
        ("GET", "/api/health"),
        ("GET", "/api/session"),
        ("POST", "/api/logout"),
        ("GET", "/api/nowhere"),
        ("DELETE", "/api/login"),
    ] {
        let answer = send(&app, method, path, Some(cookie), Body::empty()).await;
        let header = answer
            .header(COOKIE_NAMES_HEADER)
            .unwrap_or_else(|| panic!("{method} {path}: no {COOKIE_NAMES_HEADER}"));
        assert_eq!(
            decode_cookie_names(header),
            ["theme", "crumbs.sid", "a%2Cb"],
            "{method} {path}"
        );
        for value in ["dark-secret-value", "also-secret"] {
            assert!(
                !answer.body.contains(value),
                "{method} {path}: {}",
                answer.body
            );
            assert!(answer
                .headers
                .iter()
                .all(|(_, v)| !v.to_str().unwrap().contains(value)));
        }
    }
    let answer = send(&app, "GET", "/api/cookies", Some(cookie), Body::empty()).await;
    let body: CookieNamesBody = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body.names, ["theme", "crumbs.sid", "a%2Cb"]);
    // No cookies: an empty header, still there.
    let answer = send(&app, "GET", "/api/cookies", None, Body::empty()).await;
    assert_eq!(answer.header(COOKIE_NAMES_HEADER), Some(""));
    assert_eq!(answer.body, r#"{"names":[]}"#);
}

#[tokio::test]
async fn health_says_server_and_the_store() {
    let answer = send(&app(), "GET", "/api/health", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body: HealthBody = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(
        (body.backend.as_str(), body.store.as_str()),
        ("server", "memory")
    );
}

#[tokio::test]
async fn unknown_api_paths_are_404_and_wrong_methods_405_with_allow() {
    let app = app();
    for path in ["/api", "/api/", "/api/nowhere", "/api/session/extra"] {
        let answer = send(&app, "GET", path, None, Body::empty()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        let error = answer.error();
        assert_eq!(error.reason, Reason::NotFound);
        assert_eq!(error.error, format!("no route for GET {path}"));
    }
    for (method, path, allow) in [
        ("GET", "/api/login", "POST"),
        ("PUT", "/api/login", "POST"),
        ("POST", "/api/session", "GET"),
        ("DELETE", "/api/session", "GET"),
        ("GET", "/api/logout", "POST"),
        ("POST", "/api/cookies", "GET"),
        ("POST", "/api/health", "GET"),
    ] {
        let answer = send(&app, method, path, None, Body::empty()).await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(answer.header("allow"), Some(allow), "{method} {path}");
        let error = answer.error();
        assert_eq!(error.reason, Reason::MethodNotAllowed);
        assert_eq!(error.error, format!("this route answers {allow} only"));
    }
}

#[tokio::test]
async fn other_paths_serve_the_built_lab_with_index_html_for_unknown_ones() {
    let dist = std::env::temp_dir().join(format!("crumbs-server-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>lab</title>").unwrap();
    std::fs::write(dist.join("app.js"), "console.log(1)").unwrap();
    let app = app_with(Key::generate(), OpenStore::memory(), Some(&dist));
    let answer = send(&app, "GET", "/app.js", None, Body::empty()).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "console.log(1)")
    );
    let answer = send(&app, "GET", "/some/page", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("<title>lab</title>"));
    assert_eq!(
        answer.header(COOKIE_NAMES_HEADER),
        None,
        "only /api answers echo names"
    );
    // /api stays the API's, even with a dist.
    assert_eq!(
        send(&app, "GET", "/api/nowhere", None, Body::empty())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    std::fs::remove_dir_all(dist).unwrap();

    let answer = send(
        &app_with(Key::generate(), OpenStore::memory(), None),
        "GET",
        "/",
        None,
        Body::empty(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.error().error.contains("without --dist"));
}

/// Guesses sent at once must not all be checked: the throttle counts the ones in flight,
/// so no more than [`MAX_FAILURES`] are ever checked before the lock, however many come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_wrong_passwords_are_checked_at_most_max_failures_times() {
    let app = app();
    let guesses: Vec<_> = (0..20)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move { login(&app, "bob", &format!("guess{n}"), false, None).await })
        })
        .collect();
    let (mut checked, mut throttled) = (0u32, 0u32);
    for guess in guesses {
        let answer = guess.await.unwrap();
        match answer.status {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(answer.header("retry-after").is_some(), "{answer:?}");
                assert_eq!(answer.error().reason, Reason::Throttled);
                throttled += 1;
            }
            other => panic!("unexpected {other}: {answer:?}"),
        }
    }
    assert!(
        checked <= MAX_FAILURES,
        "{checked} guesses were checked; the rule allows {MAX_FAILURES}"
    );
    assert_eq!(checked + throttled, 20);
}

#[tokio::test]
async fn a_session_past_its_lifetime_is_401_expired_and_cleared_then_gone() {
    let app = app();
    let cookie = login(&app, "alice", "wonderland", false, None)
        .await
        .session_cookie();
    let expired = send(&app, "POST", "/test/expire", Some(&cookie), Body::empty()).await;
    assert_eq!(expired.status, StatusCode::NO_CONTENT, "{expired:?}");
    let answer = session(&app, Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer:?}");
    let error = answer.error();
    assert_eq!(error.reason, Reason::Expired, "{error:?}");
    assert_sentence(&error);
    assert_clears_session_cookie(&answer);
    let again = session(&app, Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        again.error().reason,
        Reason::UnknownSession,
        "the record is gone"
    );
}

// ---------------------------------------------------------------- the SameSite experiment

const LAB: &str = "http://127.0.0.1:8080/?backend=server";
const LAB_ENCODED: &str = "http%3A%2F%2F127.0.0.1%3A8080%2F%3Fbackend%3Dserver";

#[tokio::test]
async fn samesite_cookies_are_four_lines_that_differ_only_in_samesite() {
    let answer = send(&app(), "POST", "/api/samesite/cookies", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let lines = answer.set_cookies();
    let value = lines[0]
        .split_once('=')
        .and_then(|(_, rest)| rest.split_once(';'))
        .map(|(value, _)| value.to_owned())
        .unwrap();
    assert!(value.parse::<i64>().is_ok(), "{value}");
    assert_eq!(
        lines,
        [
            format!("samesite.strict={value}; Path=/; SameSite=Strict"),
            format!("samesite.lax={value}; Path=/; SameSite=Lax"),
            format!("samesite.unset={value}; Path=/"),
            format!("samesite.none={value}; Path=/; SameSite=None; Secure"),
        ]
    );
}

#[tokio::test]
async fn the_other_sites_page_sends_each_request_to_the_labs_site() {
    let app = app();
    let first = send(
        &app,
        "GET",
        &format!("/api/samesite/visit?run=r1&back={LAB_ENCODED}"),
        None,
        Body::empty(),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(
        first.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let echo = "http://127.0.0.1:8080/api/samesite/echo?run=r1";
    for needle in [
        "This page comes from <code>http://localhost:8080</code>",
        &format!("src=\"{echo}&amp;via=img\""),
        &format!("fetch(\"{echo}&via=fetch\", {{credentials: \"include\""),
        &format!("method=\"post\" action=\"{echo}&amp;via=form&amp;back={LAB_ENCODED}\""),
    ] {
        assert!(first.body.contains(needle), "{needle} in {}", first.body);
    }
    let last = send(
        &app,
        "GET",
        &format!("/api/samesite/visit?run=r1&back={LAB_ENCODED}&step=link"),
        None,
        Body::empty(),
    )
    .await;
    let link = format!("<a id=\"link\" href=\"{echo}&amp;via=link&amp;back={LAB_ENCODED}\"");
    assert!(last.body.contains(&link), "{}", last.body);
    assert!(!last.body.contains("<form"), "{}", last.body);
}

#[tokio::test]
async fn the_echo_notes_what_each_request_carried_and_leads_the_tab_home() {
    let app = app();
    let echo = "/api/samesite/echo?run=r2";
    let img = send(
        &app,
        "GET",
        &format!("{echo}&via=img"),
        Some("samesite.none=1"),
        Body::empty(),
    )
    .await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.header("content-type"), Some("image/gif"));
    let fetch = send(
        &app,
        "GET",
        &format!("{echo}&via=fetch"),
        None,
        Body::empty(),
    )
    .await;
    assert_eq!(fetch.status, StatusCode::NO_CONTENT);
    let form = send(
        &app,
        "POST",
        &format!("{echo}&via=form&back={LAB_ENCODED}"),
        Some("samesite.unset=1; samesite.none=1"),
        Body::empty(),
    )
    .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert_eq!(
        form.header("location"),
        Some(
            format!("http://localhost:8080/api/samesite/visit?run=r2&back={LAB_ENCODED}&step=link")
                .as_str()
        )
    );
    let link = send(
        &app,
        "GET",
        &format!("{echo}&via=link&back={LAB_ENCODED}"),
        Some("samesite.lax=1; samesite.unset=1; samesite.none=1"),
        Body::empty(),
    )
    .await;
    assert_eq!(link.status, StatusCode::SEE_OTHER);
    assert_eq!(link.header("location"), Some(LAB));

    let report = send(&app, "GET", "/api/samesite/runs/r2", None, Body::empty()).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let body: RunBody = serde_json::from_str(&report.body).unwrap();
    let carried = |via| body.names_for(via).map(<[String]>::to_vec);
    assert_eq!(carried(Via::Image), Some(vec!["samesite.none".to_owned()]));
    assert_eq!(carried(Via::Fetch), Some(vec![]));
    assert_eq!(
        carried(Via::Form),
        Some(vec![
            "samesite.unset".to_owned(),
            "samesite.none".to_owned()
        ])
    );
    assert_eq!(
        carried(Via::Link),
        Some(vec![
            "samesite.lax".to_owned(),
            "samesite.unset".to_owned(),
            "samesite.none".to_owned()
        ])
    );
}

#[tokio::test]
async fn the_experiment_refuses_other_hosts_bad_ids_and_unknown_runs_with_a_sentence() {
    let app = app();
    for (path, says) in [
        (
            "/api/samesite/visit?run=r3&back=http%3A%2F%2Fevil.example%2F".to_owned(),
            "is not on http://127.0.0.1:PORT or http://localhost:PORT",
        ),
        (
            format!("/api/samesite/visit?run=a%26b&back={LAB_ENCODED}"),
            "the run id “a&b” is not 1 to 32 letters, digits or dashes",
        ),
        (
            "/api/samesite/echo?run=r3&via=link&back=http%3A%2F%2F127.0.0.1%3A1%40evil.example%2F"
                .to_owned(),
            "the lab's address “http://127.0.0.1:1@evil.example/” is not on",
        ),
        (
            "/api/samesite/echo?run=r3&via=iframe".to_owned(),
            "the kind of request “iframe” is not one this experiment sends",
        ),
    ] {
        let answer = send(&app, "GET", &path, None, Body::empty()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        let error = answer.error();
        assert_eq!(error.reason, Reason::BadQuery, "{path}");
        assert!(error.error.contains(says), "{path}: {}", error.error);
        assert_sentence(&error);
    }
    // Nothing refused was noted.
    let unknown = send(&app, "GET", "/api/samesite/runs/r3", None, Body::empty()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown
        .error()
        .error
        .contains("saw no request of the run “r3”"));
}

// Review of 4285221: what a run keeps must not grow with the request's Cookie header (a
// 400 KB header of `a=;a=;…` made the real server hold ~7 MB per request, 1.8 GB for
// 64 runs × 4 kinds), and the only names the panel shows are the experiment's four.
#[tokio::test]
async fn a_run_keeps_only_the_experiments_names_however_many_a_request_carried() {
    let app = app();
    let mut cookie: String = (0..10_000).map(|n| format!("x{n}=1; ")).collect();
    cookie.push_str("samesite.lax=1");
    let answer = send(
        &app,
        "GET",
        "/api/samesite/echo?run=big&via=fetch",
        Some(&cookie),
        Body::empty(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let report = send(&app, "GET", "/api/samesite/runs/big", None, Body::empty()).await;
    assert!(
        report.body.len() < 1024,
        "the report of one request holds {} bytes",
        report.body.len()
    );
    let body: RunBody = serde_json::from_str(&report.body).unwrap();
    assert_eq!(
        body.names_for(Via::Fetch),
        Some(&["samesite.lax".to_owned()][..])
    );
}

// Review of 4285221: Chromium keeps an overwritten cookie's creation date when the new
// value equals the old (CookieMonster's `creation_date_to_inherit`), and its 2-minute
// Lax-allow-unsafe window counts from that date: pressing "Set the four cookies" again
// after 2 minutes, with the same `=1`, does not reopen the window the panel promises.
#[tokio::test]
async fn setting_the_cookies_again_gives_each_a_new_value() {
    let app = app();
    let first = send(&app, "POST", "/api/samesite/cookies", None, Body::empty()).await;
    let again = send(&app, "POST", "/api/samesite/cookies", None, Body::empty()).await;
    for (one, two) in first.set_cookies().iter().zip(again.set_cookies()) {
        let pair = |line: &str| line.split(';').next().unwrap_or_default().to_owned();
        assert_ne!(pair(one), pair(&two), "the same value twice: {one}");
    }
}
