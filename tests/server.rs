//! Every route and rule of the mock server, on the host, with a hand-moved clock.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::Cell;
use std::rc::Rc;

use crumbs::clock::{Clock, ManualClock};
use crumbs::server::api::{ErrorBody, Reason, SessionBody};
use crumbs::server::http::{Request, Response};
use crumbs::server::{
    Lifetimes, MemoryStorage, MockServer, Random, Storage, StoreKind, Strategy, QUARANTINE_KEY,
    SESSION_COOKIE, STORAGE_KEY, USER_COOKIE,
};

/// Predictable "random" bytes, different at every call.
#[derive(Default)]
struct Counter(Cell<u8>);

impl Random for Counter {
    fn fill(&self, bytes: &mut [u8]) -> crumbs::server::Result<()> {
        for byte in bytes {
            self.0.set(self.0.get().wrapping_add(1));
            *byte = self.0.get();
        }
        Ok(())
    }
}

struct World {
    storage: Rc<MemoryStorage>,
    clock: ManualClock,
    random: Rc<Counter>,
    server: MockServer,
}

impl World {
    fn new() -> Self {
        let storage = Rc::new(MemoryStorage::default());
        let clock = ManualClock::at(1_800_000_000_000);
        let random = Rc::new(Counter::default());
        let server = MockServer::start(
            storage.clone(),
            Rc::new(clock.clone()),
            random.clone(),
            Lifetimes::default(),
        )
        .unwrap();
        Self {
            storage,
            clock,
            random,
            server,
        }
    }

    /// A page reload: the server starts again on the same storage.
    fn restart(&mut self) {
        self.server = MockServer::start(
            self.storage.clone(),
            Rc::new(self.clock.clone()),
            self.random.clone(),
            Lifetimes::default(),
        )
        .unwrap();
    }

    fn login(&mut self, username: &str, password: &str, remember: bool) -> Response {
        let body =
            serde_json::json!({ "username": username, "password": password, "remember": remember });
        self.server
            .handle(&Request::post("/api/login", body.to_string()))
    }

    fn session(&mut self, cookie: &str) -> Response {
        self.server
            .handle(&Request::get("/api/session").with_header("Cookie", cookie))
    }

    fn logout(&mut self, cookie: &str) -> Response {
        self.server
            .handle(&Request::post("/api/logout", "").with_header("Cookie", cookie))
    }
}

/// The `name=value` a browser would send back for the response's first `Set-Cookie`.
fn cookie_pair(response: &Response) -> String {
    let set_cookie = response.set_cookies().next().expect("a Set-Cookie header");
    set_cookie.split(';').next().unwrap().to_owned()
}

fn error_reason(response: &Response) -> Reason {
    serde_json::from_str::<ErrorBody>(&response.body)
        .unwrap_or_else(|e| panic!("{e}: {}", response.body))
        .reason
}

fn session_body(response: &Response) -> SessionBody {
    serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body))
}

fn clears(response: &Response, name: &str) -> bool {
    response
        .set_cookies()
        .any(|c| c.starts_with(&format!("{name}=;")) && c.contains("Max-Age=0"))
}

#[test]
fn login_answers_with_the_user_and_a_signed_http_only_session_cookie() {
    let mut world = World::new();
    let response = world.login("alice", "wonderland", false);
    assert_eq!(response.status, 200);
    assert_eq!(session_body(&response).user, "alice");
    let set_cookie = response.set_cookies().next().unwrap();
    assert!(set_cookie.starts_with("crumbs.sid=s%3A"), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    assert!(
        !set_cookie.contains("Max-Age"),
        "without Remember me: a session cookie"
    );
    let session = &world.server.sessions()[0];
    assert_eq!(session.id.len(), 32, "128 bits as hex");
    assert!(
        cookie_pair(&response).contains(&session.id),
        "the cookie carries the id"
    );

    let again = world.session(&cookie_pair(&response));
    assert_eq!(again.status, 200);
    let body = session_body(&again);
    assert_eq!(body.user, "alice");
    assert_eq!(body.expires_at, Some(world.clock.now() + 30 * 60 * 1000));
}

#[test]
fn remember_me_makes_a_persistent_cookie_and_a_longer_session() {
    let mut world = World::new();
    let response = world.login("bob", "builder", true);
    let set_cookie = response.set_cookies().next().unwrap();
    assert!(set_cookie.contains("Max-Age=604800"), "{set_cookie}");
    world.clock.advance(31 * 60 * 1000);
    assert_eq!(world.session(&cookie_pair(&response)).status, 200);
}

#[test]
fn wrong_password_and_unknown_user_get_the_same_401() {
    let mut world = World::new();
    for (user, password) in [("alice", "builder"), ("mallory", "wonderland")] {
        let response = world.login(user, password, false);
        assert_eq!(response.status, 401, "{user}");
        assert_eq!(error_reason(&response), Reason::BadCredentials);
        assert!(response.set_cookies().next().is_none());
        assert!(response.body.contains("unknown user or wrong password"));
    }
    assert!(world.server.sessions().is_empty());
}

#[test]
fn a_malformed_body_is_a_400_that_says_what_to_send() {
    let mut world = World::new();
    for body in [
        "",
        "{",
        "[]",
        r#"{"username":"alice"}"#,
        r#"{"username":"alice","password":1}"#,
        r#"{"username":"alice","password":"x","admin":true}"#,
        r#"{"username":"  ","password":"x"}"#,
    ] {
        let response = world.server.handle(&Request::post("/api/login", body));
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(error_reason(&response), Reason::MalformedBody, "{body}");
    }
}

#[test]
fn five_failures_lock_the_name_for_thirty_seconds() {
    let mut world = World::new();
    for _ in 0..5 {
        assert_eq!(world.login("alice", "guess", false).status, 401);
    }
    let locked = world.login("alice", "wonderland", false);
    assert_eq!(locked.status, 429, "even the right password waits");
    assert_eq!(error_reason(&locked), Reason::Throttled);
    assert_eq!(locked.headers.get("Retry-After"), Some("30"));
    assert_eq!(
        world.login("bob", "builder", false).status,
        200,
        "only that name"
    );
    world.clock.advance(29_000);
    assert_eq!(world.login("alice", "wonderland", false).status, 429);
    world.clock.advance(1_000);
    assert_eq!(world.login("alice", "wonderland", false).status, 200);
}

#[test]
fn a_success_resets_the_failure_count() {
    let mut world = World::new();
    for _ in 0..4 {
        world.login("alice", "guess", false);
    }
    assert_eq!(world.login("alice", "wonderland", false).status, 200);
    for _ in 0..4 {
        assert_eq!(world.login("alice", "guess", false).status, 401);
    }
}

#[test]
fn an_expired_session_is_refused_cleared_and_purged() {
    let mut world = World::new();
    let cookie = cookie_pair(&world.login("alice", "wonderland", false));
    world.clock.advance(30 * 60 * 1000 - 1);
    assert_eq!(world.session(&cookie).status, 200);
    world.clock.advance(1);
    let response = world.session(&cookie);
    assert_eq!(response.status, 401);
    assert_eq!(error_reason(&response), Reason::Expired);
    assert!(clears(&response, SESSION_COOKIE));
    assert!(world.server.sessions().is_empty(), "purged");
    assert_eq!(
        error_reason(&world.session(&cookie)),
        Reason::UnknownSession
    );
    assert!(!world.storage.get(STORAGE_KEY).unwrap().contains("alice"));
}

#[test]
fn a_tampered_cookie_is_refused_and_cleared() {
    let mut world = World::new();
    let cookie = cookie_pair(&world.login("alice", "wonderland", false));
    let id = world.server.sessions()[0].id.clone();
    let mut forged_id = id.clone();
    forged_id.replace_range(0..1, if id.starts_with('0') { "1" } else { "0" });
    let cases = [
        format!("{cookie}x"),
        cookie.replace(&id, &forged_id),
        format!("{SESSION_COOKIE}=s%3A{id}.bm90IHRoZSBzaWduYXR1cmU"),
        format!("{SESSION_COOKIE}={id}"),
    ];
    for forged in cases {
        let response = world.session(&forged);
        assert_eq!(response.status, 401, "{forged}");
        assert_eq!(error_reason(&response), Reason::Tampered, "{forged}");
        assert!(clears(&response, SESSION_COOKIE));
    }
    assert_eq!(
        world.session(&cookie).status,
        200,
        "the real session is untouched"
    );
}

#[test]
fn a_missing_cookie_is_a_401() {
    let mut world = World::new();
    let response = world.server.handle(&Request::get("/api/session"));
    assert_eq!(response.status, 401);
    assert_eq!(error_reason(&response), Reason::MissingCookie);
    assert_eq!(world.session("other=1").status, 401);
}

#[test]
fn logout_destroys_the_session_so_a_replayed_cookie_fails() {
    let mut world = World::new();
    let cookie = cookie_pair(&world.login("alice", "wonderland", false));
    let response = world.logout(&cookie);
    assert_eq!(response.status, 204);
    assert!(clears(&response, SESSION_COOKIE));
    assert!(world.server.sessions().is_empty());
    let replay = world.session(&cookie);
    assert_eq!(replay.status, 401);
    assert_eq!(error_reason(&replay), Reason::UnknownSession);
}

#[test]
fn every_login_gets_a_new_id_and_ends_the_old_session() {
    let mut world = World::new();
    let first = cookie_pair(&world.login("alice", "wonderland", false));
    let planted_id = world.server.sessions()[0].id.clone();
    let body = serde_json::json!({ "username": "alice", "password": "wonderland" }).to_string();
    let second = world
        .server
        .handle(&Request::post("/api/login", body).with_header("Cookie", &first));
    let second = cookie_pair(&second);
    assert_ne!(first, second);
    assert_eq!(world.server.sessions().len(), 1);
    assert_ne!(world.server.sessions()[0].id, planted_id);
    assert_eq!(
        world.session(&first).status,
        401,
        "the fixated id is worthless"
    );
    assert_eq!(world.session(&second).status, 200);
}

#[test]
fn cookie_only_believes_a_forged_user() {
    let mut world = World::new();
    world.server.set_strategy(Strategy::CookieOnly).unwrap();
    let response = world.login("alice", "wonderland", false);
    assert_eq!(cookie_pair(&response), format!("{USER_COOKIE}=alice"));
    assert!(
        world.server.sessions().is_empty(),
        "no server-side session at all"
    );
    let forged = world.session(&format!("{USER_COOKIE}=admin"));
    assert_eq!(forged.status, 200);
    assert_eq!(session_body(&forged).user, "admin");
    assert_eq!(world.session("").status, 401);
    let logout = world.logout(&format!("{USER_COOKIE}=alice"));
    assert_eq!(logout.status, 204);
    assert!(clears(&logout, USER_COOKIE));
}

#[test]
fn the_database_store_keeps_sessions_across_a_restart_and_memory_does_not() {
    let mut world = World::new();
    let cookie = cookie_pair(&world.login("alice", "wonderland", false));
    world.restart();
    assert_eq!(world.session(&cookie).status, 200, "database store");

    world.server.set_store(StoreKind::Memory).unwrap();
    assert_eq!(world.session(&cookie).status, 200, "moved into memory");
    world.restart();
    assert_eq!(
        world.server.store(),
        StoreKind::Memory,
        "the setting is kept"
    );
    let response = world.session(&cookie);
    assert_eq!(response.status, 401);
    assert_eq!(error_reason(&response), Reason::UnknownSession);
    assert!(response.body.contains("memory"), "{}", response.body);
}

#[test]
fn the_secret_is_made_once_and_kept() {
    let mut world = World::new();
    let cookie = cookie_pair(&world.login("alice", "wonderland", false));
    let saved = world.storage.get(STORAGE_KEY).unwrap();
    world.restart();
    assert_eq!(world.storage.get(STORAGE_KEY).unwrap(), saved);
    assert_eq!(world.session(&cookie).status, 200);
}

#[test]
fn corrupted_storage_is_kept_aside_and_the_server_starts_clean() {
    for garbage in [
        "not json",
        r#"{"version":99,"secret":"","strategy":"server_session","store":"database","sessions":[]}"#,
        r#"{"version":1,"secret":"c2hvcnQ=","strategy":"server_session","store":"database","sessions":[]}"#,
        r#"{"some":"other app"}"#,
    ] {
        let mut world = World::new();
        world.storage.set(STORAGE_KEY, garbage).unwrap();
        world.restart();
        let notice = world.server.notice().expect("a notice for the page");
        assert!(notice.contains(QUARANTINE_KEY), "{notice}");
        assert_eq!(world.storage.get(QUARANTINE_KEY).as_deref(), Some(garbage));
        assert_eq!(
            world.login("alice", "wonderland", false).status,
            200,
            "{garbage}"
        );
        world.restart();
        assert_eq!(world.server.notice(), None, "clean from then on");
    }
}

#[test]
fn unknown_routes_and_methods_are_answered() {
    let mut world = World::new();
    assert_eq!(
        world.server.handle(&Request::get("/api/nothing")).status,
        404
    );
    let wrong = world.server.handle(&Request::get("/api/login"));
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.headers.get("Allow"), Some("POST"));
    assert_eq!(
        world
            .server
            .handle(&Request::post("/api/session", ""))
            .status,
        405
    );
}
