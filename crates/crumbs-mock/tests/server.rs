//! Every route and rule of the mock server, on the host, with a hand-moved clock.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::Cell;
use std::rc::Rc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use crumbs_cookies::clock::{Clock, ManualClock};
use crumbs_mock::server::{
    sign, Lifetimes, MemoryStorage, MockServer, Random, ServerError, Storage, StorageError,
    StoreKind, Strategy, MAX_ENTRIES, MAX_FAILURES, QUARANTINE_KEY, STORAGE_KEY,
};
use crumbs_protocol::api::{ErrorBody, Reason, SessionBody};
use crumbs_protocol::http::{Request, Response};
use crumbs_protocol::{SESSION_COOKIE, USER_COOKIE};

/// Predictable "random" bytes, different at every call.
#[derive(Default)]
struct Counter(Cell<u8>);

impl Random for Counter {
    fn fill(&self, bytes: &mut [u8]) -> crumbs_mock::server::Result<()> {
        for byte in bytes {
            self.0.set(self.0.get().wrapping_add(1));
            *byte = self.0.get();
        }
        Ok(())
    }
}

/// What a browser's `localStorage` refuses a write with when the site's quota is used up.
const QUOTA: &str =
    "Failed to execute 'setItem' on 'Storage': Setting the value of 'crumbs.server' exceeded the quota.";

/// `localStorage` as a browser gives it: shared by every tab of the origin, and able to
/// refuse writes (a full quota, a private mode) while reads and removals still work.
#[derive(Default)]
struct BrowserStorage {
    map: MemoryStorage,
    /// How many more writes succeed; `None`: all of them.
    writes_left: Cell<Option<u32>>,
}

impl BrowserStorage {
    fn holding(entries: &[(&str, &str)]) -> Rc<Self> {
        let storage = Self::default();
        for (key, value) in entries {
            storage.map.set(key, value).unwrap();
        }
        Rc::new(storage)
    }

    fn refuse_writes(&self) {
        self.writes_left.set(Some(0));
    }

    fn refuse_writes_after(&self, writes: u32) {
        self.writes_left.set(Some(writes));
    }
}

impl Storage for BrowserStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.map.get(key)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        match self.writes_left.get() {
            Some(0) => {
                return Err(StorageError::Refused {
                    key: key.to_owned(),
                    why: QUOTA.to_owned(),
                })
            }
            Some(left) => self.writes_left.set(Some(left - 1)),
            None => {}
        }
        self.map.set(key, value)
    }

    fn remove(&self, key: &str) {
        self.map.remove(key);
    }
}

struct World {
    storage: Rc<BrowserStorage>,
    clock: ManualClock,
    random: Rc<Counter>,
    server: MockServer,
}

impl World {
    fn new() -> Self {
        Self::on(Rc::new(BrowserStorage::default()))
    }

    /// The lab started on `storage` as it is.
    fn on(storage: Rc<BrowserStorage>) -> Self {
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

    /// Another tab of the same browser: its own server on the same storage and clock.
    fn tab(&self) -> MockServer {
        MockServer::start(
            self.storage.clone(),
            Rc::new(self.clock.clone()),
            self.random.clone(),
            Lifetimes::default(),
        )
        .unwrap()
    }

    /// A page reload: the server starts again on the same storage.
    fn restart(&mut self) {
        self.server = self.tab();
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
        r#"["alice","wonderland",true]"#,
        r#"["alice","wonderland"]"#,
        r#" ["alice","wonderland"]"#,
        "null",
        r#""alice""#,
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

fn login_request(username: &str, password: &str) -> Request {
    let body = serde_json::json!({ "username": username, "password": password });
    Request::post("/api/login", body.to_string())
}

fn with_cookie(request: Request, cookie: &str) -> Request {
    request.with_header("Cookie", cookie)
}

fn error_text(response: &Response) -> String {
    serde_json::from_str::<ErrorBody>(&response.body)
        .unwrap_or_else(|e| panic!("{e}: {}", response.body))
        .error
}

// Issue 9, item 13.

#[test]
fn a_json_array_is_not_a_login_request() {
    let mut world = World::new();
    let response = world.server.handle(&Request::post(
        "/api/login",
        r#"["alice","wonderland",true]"#,
    ));
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(error_reason(&response), Reason::MalformedBody);
    assert!(response.set_cookies().next().is_none());
    assert!(world.server.sessions().is_empty());
    assert!(
        error_text(&response).contains("JSON object"),
        "{}",
        response.body
    );
}

// Issue 9, item 2: tabs share one database.

#[test]
fn a_logout_in_one_tab_is_not_undone_by_another_tabs_save() {
    let mut world = World::new();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    let mut other = world.tab();
    assert_eq!(world.logout(&alice).status, 204);
    // The other tab saves after the logout: bob logs in there.
    assert_eq!(other.handle(&login_request("bob", "builder")).status, 200);
    assert_eq!(
        error_reason(&world.session(&alice)),
        Reason::UnknownSession,
        "the logout holds in the first tab"
    );
    let replay = other.handle(&with_cookie(Request::get("/api/session"), &alice));
    assert_eq!(replay.status, 401, "and in the other tab");
    world.restart();
    assert_eq!(world.session(&alice).status, 401, "and after a reload");
}

#[test]
fn a_login_in_one_tab_survives_another_tabs_login_and_logout() {
    let mut world = World::new();
    let mut other = world.tab();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    let bob = cookie_pair(&other.handle(&login_request("bob", "builder")));
    assert_eq!(
        world.session(&alice).status,
        200,
        "bob's login kept alice's"
    );
    let logout = other.handle(&with_cookie(Request::post("/api/logout", ""), &bob));
    assert_eq!(logout.status, 204);
    assert_eq!(
        world.session(&alice).status,
        200,
        "bob's logout kept alice's"
    );
    world.restart();
    assert_eq!(world.session(&alice).status, 200, "and so did the database");
    assert_eq!(world.session(&bob).status, 401);
}

#[test]
fn a_tab_sees_a_login_made_in_another_tab() {
    let mut world = World::new();
    let mut other = world.tab();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    let response = other.handle(&with_cookie(Request::get("/api/session"), &alice));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(session_body(&response).user, "alice");
    assert_eq!(other.sessions().len(), 1);
}

#[test]
fn a_tabs_session_write_keeps_another_tabs_newer_settings() {
    let mut world = World::new();
    let mut other = world.tab();
    world.server.set_strategy(Strategy::CookieOnly).unwrap();
    world.server.set_store(StoreKind::Memory).unwrap();
    // The other tab still runs a server session on the database, and saves a login.
    assert_eq!(other.handle(&login_request("bob", "builder")).status, 200);
    world.restart();
    assert_eq!(world.server.strategy(), Strategy::CookieOnly);
    assert_eq!(world.server.store(), StoreKind::Memory);
}

// Issue 9, item 3: a change that cannot be saved is undone.

#[test]
fn a_strategy_switch_that_cannot_be_saved_is_undone() {
    let mut world = World::new();
    world.storage.refuse_writes();
    let error = world.server.set_strategy(Strategy::CookieOnly).unwrap_err();
    assert_eq!(world.server.strategy(), Strategy::ServerSession, "undone");
    let text = error.to_string();
    assert!(
        text.contains(QUOTA) && text.contains("Cookie only"),
        "{text}"
    );
    let forged = world.session(&format!("{USER_COOKIE}=admin"));
    assert_eq!(forged.status, 401, "the server still trusts no user cookie");
    world.restart();
    assert_eq!(world.server.strategy(), Strategy::ServerSession);
}

#[test]
fn a_store_switch_that_cannot_be_saved_is_undone() {
    let mut world = World::new();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    world.storage.refuse_writes();
    let error = world.server.set_store(StoreKind::Memory).unwrap_err();
    assert_eq!(world.server.store(), StoreKind::Database, "undone");
    assert!(error.to_string().contains(QUOTA), "{error}");
    assert_eq!(world.session(&alice).status, 200);
    world.restart();
    assert_eq!(world.server.store(), StoreKind::Database);
    assert_eq!(world.session(&alice).status, 200, "still in the database");
}

#[test]
fn a_move_back_to_the_database_that_cannot_be_saved_keeps_the_memory_sessions() {
    let mut world = World::new();
    world.server.set_store(StoreKind::Memory).unwrap();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    world.storage.refuse_writes();
    assert!(world.server.set_store(StoreKind::Database).is_err());
    assert_eq!(world.server.store(), StoreKind::Memory);
    assert_eq!(world.session(&alice).status, 200, "still in memory");
}

#[test]
fn a_quota_refusal_names_the_key_and_the_browsers_reason() {
    let mut world = World::new();
    world.storage.refuse_writes();
    let error = world.server.set_strategy(Strategy::CookieOnly).unwrap_err();
    let ServerError::Save { what, why } = &error else {
        panic!("not a save error: {error:?}");
    };
    assert!(what.contains("Cookie only"), "{what}");
    assert_eq!(
        why,
        &StorageError::Refused {
            key: STORAGE_KEY.to_owned(),
            why: QUOTA.to_owned(),
        }
    );
    let text = error.to_string();
    assert!(
        text.contains(&format!("“{STORAGE_KEY}”")) && text.contains(QUOTA),
        "{text}"
    );
    // The answers the page shows name them too.
    let alice = world.login("alice", "wonderland", false);
    let text = error_text(&alice);
    assert!(
        text.contains(&format!("“{STORAGE_KEY}”")) && text.contains(QUOTA),
        "{text}"
    );
}

#[test]
fn server_errors_start_with_a_capital_and_say_what_failed() {
    for error in [
        ServerError::Save {
            what: "the switch to “Cookie only”".to_owned(),
            why: StorageError::Refused {
                key: STORAGE_KEY.to_owned(),
                why: QUOTA.to_owned(),
            },
        },
        ServerError::Random("no entropy".to_owned()),
    ] {
        let text = error.to_string();
        assert!(text.starts_with(char::is_uppercase), "{text}");
        assert!(!text.contains("switch the store"), "{text}");
    }
}

// Issue 9, item 4.

#[test]
fn a_logout_that_cannot_be_saved_is_a_500_that_keeps_the_session() {
    let mut world = World::new();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    world.storage.refuse_writes();
    let response = world.logout(&alice);
    assert_eq!(response.status, 500);
    assert_eq!(error_reason(&response), Reason::Internal);
    assert!(
        response.set_cookies().next().is_none(),
        "no cookie is cleared"
    );
    let text = error_text(&response);
    assert!(
        text.contains("logout failed") && text.contains(QUOTA),
        "{text}"
    );
    assert_eq!(world.server.sessions().len(), 1, "in memory");
    assert_eq!(world.session(&alice).status, 200);
    assert!(
        world.storage.get(STORAGE_KEY).unwrap().contains("alice"),
        "in storage"
    );
    world.restart();
    assert_eq!(world.session(&alice).status, 200, "after a reload");
}

#[test]
fn a_login_that_cannot_be_saved_is_a_500_that_sets_no_cookie() {
    let mut world = World::new();
    world.storage.refuse_writes();
    let response = world.login("alice", "wonderland", false);
    assert_eq!(response.status, 500);
    assert!(response.set_cookies().next().is_none());
    assert!(
        error_text(&response).contains("login failed"),
        "{}",
        response.body
    );
    assert!(world.server.sessions().is_empty());
}

#[test]
fn the_memory_store_needs_no_local_storage_for_sessions() {
    let mut world = World::new();
    world.server.set_store(StoreKind::Memory).unwrap();
    world.storage.refuse_writes();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    assert_eq!(world.session(&alice).status, 200);
    assert_eq!(world.logout(&alice).status, 204);
}

// Issue 9, items 5 and 8: a full or refusing localStorage.

#[test]
fn a_full_local_storage_still_starts_the_lab() {
    let storage = Rc::new(BrowserStorage::default());
    storage.refuse_writes();
    let mut world = World::on(storage);
    let notice = world.server.notice().expect("a notice").to_owned();
    assert!(notice.contains(QUOTA), "{notice}");
    assert!(
        notice.contains("in-memory") && notice.contains("reload"),
        "{notice}"
    );
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    assert_eq!(world.session(&alice).status, 200, "the lab works in memory");
    assert_eq!(world.storage.get(STORAGE_KEY), None, "nothing was written");
}

#[test]
fn a_refusing_local_storage_leaves_unreadable_data_where_it_was() {
    let storage = BrowserStorage::holding(&[(STORAGE_KEY, "not json")]);
    storage.refuse_writes();
    let mut world = World::on(storage);
    let notice = world.server.notice().expect("a notice").to_owned();
    assert!(
        notice.contains("left untouched") && notice.contains(QUOTA),
        "{notice}"
    );
    assert_eq!(
        world.storage.get(STORAGE_KEY).as_deref(),
        Some("not json"),
        "never delete what could not be kept"
    );
    assert_eq!(world.storage.get(QUARANTINE_KEY), None);
    assert_eq!(world.login("alice", "wonderland", false).status, 200);
    assert_eq!(world.storage.get(STORAGE_KEY).as_deref(), Some("not json"));
}

#[test]
fn unreadable_data_kept_aside_but_not_replaced_stays_in_place() {
    // The copy fits, the fresh data does not.
    let storage = BrowserStorage::holding(&[(STORAGE_KEY, "not json")]);
    storage.refuse_writes_after(1);
    let world = World::on(storage);
    assert_eq!(
        world.storage.get(QUARANTINE_KEY).as_deref(),
        Some("not json")
    );
    assert_eq!(world.storage.get(STORAGE_KEY).as_deref(), Some("not json"));
    let notice = world.server.notice().expect("a notice");
    assert!(notice.contains("in-memory"), "{notice}");
}

#[test]
fn a_second_corruption_does_not_overwrite_the_first_kept_copy() {
    let mut world = World::new();
    world.storage.set(STORAGE_KEY, "first garbage").unwrap();
    world.restart();
    assert_eq!(
        world.storage.get(QUARANTINE_KEY).as_deref(),
        Some("first garbage")
    );
    world.storage.set(STORAGE_KEY, "second garbage").unwrap();
    world.restart();
    let second_key = format!("{QUARANTINE_KEY}.2");
    assert_eq!(
        world.storage.get(QUARANTINE_KEY).as_deref(),
        Some("first garbage"),
        "the first copy is kept"
    );
    assert_eq!(
        world.storage.get(&second_key).as_deref(),
        Some("second garbage")
    );
    let notice = world.server.notice().expect("a notice");
    assert!(notice.contains(&second_key), "{notice}");
}

// Issue 9, item 6: throttling.

#[test]
fn a_clock_stepping_back_never_stretches_a_lockout() {
    let mut world = World::new();
    for _ in 0..5 {
        world.login("alice", "guess", false);
    }
    world.clock.advance(-60 * 60 * 1000);
    let locked = world.login("alice", "wonderland", false);
    assert_eq!(locked.status, 429);
    let seconds: u32 = locked.headers.get("Retry-After").unwrap().parse().unwrap();
    assert!(seconds <= 30, "Retry-After: {seconds}");
    world.clock.advance(30_000);
    assert_eq!(world.login("alice", "wonderland", false).status, 200);
}

#[test]
fn a_lockout_survives_a_reload_under_the_database_store() {
    let mut world = World::new();
    for _ in 0..5 {
        world.login("alice", "guess", false);
    }
    world.restart();
    assert_eq!(world.login("alice", "wonderland", false).status, 429);
    let mut other = world.tab();
    assert_eq!(
        other.handle(&login_request("alice", "wonderland")).status,
        429,
        "and holds in another tab"
    );
}

#[test]
fn saved_data_from_before_lockouts_were_saved_is_still_read() {
    let mut world = World::new();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    let saved = world.storage.get(STORAGE_KEY).unwrap();
    assert!(!saved.contains("throttle"), "{saved}");
    world.restart();
    assert_eq!(world.server.notice(), None);
    assert_eq!(world.session(&alice).status, 200);
}

// Issue 9, item 7.

#[test]
fn logout_under_cookie_only_also_ends_the_server_session() {
    let mut world = World::new();
    let sid = cookie_pair(&world.login("alice", "wonderland", false));
    world.server.set_strategy(Strategy::CookieOnly).unwrap();
    let user = cookie_pair(&world.login("alice", "wonderland", false));
    let logout = world.logout(&format!("{sid}; {user}"));
    assert_eq!(logout.status, 204);
    assert!(clears(&logout, USER_COOKIE) && clears(&logout, SESSION_COOKIE));
    assert!(world.server.sessions().is_empty());
    world.server.set_strategy(Strategy::ServerSession).unwrap();
    assert_eq!(
        world.session(&sid).status,
        401,
        "switching back logs no one in"
    );
}

#[test]
fn logout_under_server_session_also_clears_the_user_cookie() {
    let mut world = World::new();
    let sid = cookie_pair(&world.login("alice", "wonderland", false));
    let logout = world.logout(&format!("{sid}; {USER_COOKIE}=alice"));
    assert_eq!(logout.status, 204);
    assert!(clears(&logout, USER_COOKIE) && clears(&logout, SESSION_COOKIE));
}

#[test]
fn data_saved_before_lockouts_were_kept_is_read_as_it_is() {
    let secret = [7u8; 32];
    let saved = format!(
        r#"{{"version":1,"secret":"{}","strategy":"server_session","store":"database","sessions":[{{"id":"00112233445566778899aabbccddeeff","user":"alice","created_at":1800000000000,"expires_at":1800001800000}}]}}"#,
        STANDARD.encode(secret)
    );
    let storage = BrowserStorage::holding(&[(STORAGE_KEY, &saved)]);
    let mut world = World::on(storage);
    assert_eq!(world.server.notice(), None);
    let signed = sign("00112233445566778899aabbccddeeff", &secret);
    let cookie = format!("{SESSION_COOKIE}={}", signed.replace(':', "%3A"));
    let response = world.session(&cookie);
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        world.storage.get(STORAGE_KEY).as_deref(),
        Some(saved.as_str())
    );
}

#[test]
fn data_made_unreadable_while_the_lab_runs_is_kept_aside_not_overwritten() {
    let mut world = World::new();
    world.login("alice", "wonderland", false);
    // An edit in the browser's devtools, or another program, spoils the saved data.
    world.storage.set(STORAGE_KEY, "spoiled by hand").unwrap();
    let bob = cookie_pair(&world.login("bob", "builder", false));
    assert_eq!(
        world.storage.get(QUARANTINE_KEY).as_deref(),
        Some("spoiled by hand")
    );
    let notice = world.server.notice().expect("a notice");
    assert!(notice.contains(QUARANTINE_KEY), "{notice}");
    assert_eq!(world.session(&bob).status, 200);
}

// Issue 14: every sentence true, and shown as plain text.

/// Every answer the server can give that carries a sentence for people, and every notice
/// it can start with.
fn every_message() -> Vec<(String, String)> {
    let mut messages = Vec::new();
    let mut world = World::new();
    let mut answer = |what: &str, response: Response| {
        messages.push((what.to_owned(), response.body));
    };
    answer("wrong password", world.login("alice", "guess", false));
    for _ in 1..5 {
        world.login("alice", "guess", false);
    }
    answer("throttled", world.login("alice", "wonderland", false));
    answer("empty name", world.login(" ", "x", false));
    answer(
        "array body",
        world
            .server
            .handle(&Request::post("/api/login", "[1, 2, 3]")),
    );
    answer(
        "bad body",
        world
            .server
            .handle(&Request::post("/api/login", "{\"user\": 1}")),
    );
    answer("no route", world.server.handle(&Request::get("/api/other")));
    answer(
        "wrong method",
        world.server.handle(&Request::get("/api/login")),
    );
    answer("no cookie", world.session(""));
    let bob = cookie_pair(&world.login("bob", "builder", false));
    answer("logged in", world.session(&bob));
    answer("tampered", world.session(&format!("{bob}x")));
    world.clock.advance(31 * 60 * 1000);
    answer("expired", world.session(&bob));
    answer("unknown", world.session(&bob));
    world.server.set_strategy(Strategy::CookieOnly).unwrap();
    answer("cookie only, none", world.session(""));
    answer("cookie only", world.session(&format!("{USER_COOKIE}=bob")));
    world.server.set_store(StoreKind::Memory).unwrap();
    world.server.set_strategy(Strategy::ServerSession).unwrap();
    answer("unknown in memory", world.session(&bob));

    let mut world = World::new();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    world.storage.refuse_writes();
    let mut answer = |what: &str, response: Response| {
        messages.push((what.to_owned(), response.body));
    };
    answer("uncounted failure", world.login("bob", "guess", false));
    answer("login not saved", world.login("bob", "builder", false));
    answer("logout not saved", world.logout(&alice));
    let error = world.server.set_strategy(Strategy::CookieOnly).unwrap_err();
    messages.push(("switch not saved".to_owned(), error.to_string()));

    let full = Rc::new(BrowserStorage::default());
    full.refuse_writes();
    let refusing = BrowserStorage::holding(&[(STORAGE_KEY, "not json")]);
    refusing.refuse_writes();
    let half = BrowserStorage::holding(&[(STORAGE_KEY, "not json")]);
    half.refuse_writes_after(1);
    for (what, storage) in [
        ("full", full),
        (
            "unreadable",
            BrowserStorage::holding(&[(STORAGE_KEY, "not json")]),
        ),
        ("unreadable, refusing", refusing),
        ("unreadable, kept but not replaced", half),
    ] {
        let world = World::on(storage);
        let notice = world.server.notice().expect("a notice").to_owned();
        messages.push((format!("notice: {what}"), notice));
    }
    let mut world = World::new();
    world.storage.set(STORAGE_KEY, "spoiled").unwrap();
    world.login("alice", "wonderland", false);
    let notice = world.server.notice().expect("a notice").to_owned();
    // Found spoiled while the page runs, the data is replaced under the secret in use.
    assert!(!notice.contains("new signing secret"), "{notice}");
    messages.push(("notice: spoiled mid-run".to_owned(), notice));
    messages
}

#[test]
fn no_server_message_holds_a_backtick() {
    let messages = every_message();
    assert!(messages.len() > 20);
    for (what, message) in &messages {
        assert!(!message.contains('`'), "{what}: {message}");
    }
}

#[test]
fn notices_start_with_a_capital() {
    for (what, message) in every_message() {
        if what.starts_with("notice") {
            assert!(message.starts_with(char::is_uppercase), "{what}: {message}");
        }
    }
}

#[test]
fn every_401_says_how_to_authenticate() {
    let mut world = World::new();
    let bob = cookie_pair(&world.login("bob", "builder", false));
    let mut answers = vec![
        ("wrong password", world.login("alice", "guess", false)),
        ("no cookie", world.session("")),
        ("tampered", world.session(&format!("{bob}x"))),
    ];
    world.clock.advance(31 * 60 * 1000);
    answers.push(("expired", world.session(&bob)));
    answers.push(("unknown", world.session(&bob)));
    world.server.set_strategy(Strategy::CookieOnly).unwrap();
    answers.push(("cookie only, none", world.session("")));
    for (what, response) in answers {
        assert_eq!(response.status, 401, "{what}");
        let challenge = response
            .headers
            .get("WWW-Authenticate")
            .unwrap_or_else(|| panic!("{what}: a 401 without WWW-Authenticate"));
        assert_eq!(challenge, "Cookie realm=\"crumbs\"", "{what}");
    }
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    assert_eq!(
        world.session(&alice).headers.get("WWW-Authenticate"),
        None,
        "only a 401 challenges"
    );
}

#[test]
fn a_changed_signature_on_a_session_this_secret_signed_is_called_changed() {
    let mut world = World::new();
    let bob = cookie_pair(&world.login("bob", "builder", false));
    for moment in ["in the page that logged in", "after a reload"] {
        let text = error_text(&world.session(&format!("{bob}x")));
        assert!(
            text.contains("changed outside the server"),
            "{moment}: {text}"
        );
        assert!(!text.contains("earlier secret"), "{moment}: {text}");
        world.restart();
    }
}

#[test]
fn a_refused_signature_names_both_causes_when_the_secret_was_kept() {
    let mut world = World::new();
    world.login("bob", "builder", false);
    world.restart();
    let unknown = format!(
        "{SESSION_COOKIE}=s%3A{}.bm90IHRoZSBzaWduYXR1cmU",
        "0".repeat(32)
    );
    let text = error_text(&world.session(&unknown));
    assert!(
        text.contains("does not match this server's secret"),
        "{text}"
    );
    assert!(text.contains("the cookie was changed"), "{text}");
    assert!(text.contains("earlier secret"), "{text}");
    assert!(!text.contains("new since this page loaded"), "{text}");
}

#[test]
fn a_signature_from_before_a_new_secret_says_the_secret_is_new() {
    // The storage was cleared: the next page load makes a new secret.
    let mut world = World::new();
    let bob = cookie_pair(&world.login("bob", "builder", false));
    world.storage.remove(STORAGE_KEY);
    world.restart();
    let response = world.session(&bob);
    assert_eq!(error_reason(&response), Reason::Tampered);
    let text = error_text(&response);
    assert!(text.contains("new since this page loaded"), "{text}");
    assert!(text.contains("nothing was saved"), "{text}");
    assert!(text.contains("the cookie was changed"), "{text}");

    // The saved data was spoiled and set aside.
    let mut world = World::new();
    let bob = cookie_pair(&world.login("bob", "builder", false));
    world.storage.set(STORAGE_KEY, "spoiled").unwrap();
    world.restart();
    let text = error_text(&world.session(&bob));
    assert!(text.contains("new since this page loaded"), "{text}");
    assert!(text.contains("set aside"), "{text}");

    // localStorage takes nothing: every reload makes a new secret.
    let storage = Rc::new(BrowserStorage::default());
    storage.refuse_writes();
    let mut world = World::on(storage);
    let bob = cookie_pair(&world.login("bob", "builder", false));
    world.restart();
    let text = error_text(&world.session(&bob));
    assert!(text.contains("new since this page loaded"), "{text}");
    assert!(text.contains("every reload"), "{text}");
}

#[test]
fn a_secret_replaced_by_another_tab_is_named_as_the_possible_cause() {
    let mut world = World::new();
    let bob = cookie_pair(&world.login("bob", "builder", false));
    // Another tab finds the storage cleared and starts with a new secret.
    world.storage.remove(STORAGE_KEY);
    let _other = world.tab();
    let text = error_text(&world.session(&bob));
    assert!(text.contains("another tab"), "{text}");
}

#[test]
fn unreadable_saved_data_is_described_without_backticks() {
    let world = World::on(BrowserStorage::holding(&[(
        STORAGE_KEY,
        r#"{"some":"other app"}"#,
    )]));
    let notice = world.server.notice().expect("a notice");
    assert!(notice.contains("“version”"), "{notice}");
    assert!(!notice.contains('`'), "{notice}");
}

// Review of issue 9, item 2: one tab's switch to the Memory store copies the database,
// it does not empty it, and the switch back carries only that tab's own changes.

/// Alice logged in, and a lockout for bob, in the database; two tabs on it.
fn two_tabs_with_alice_logged_in_and_bob_locked_out() -> (World, MockServer, String) {
    let mut world = World::new();
    let alice = cookie_pair(&world.login("alice", "wonderland", false));
    for _ in 0..5 {
        world.login("bob", "guess", false);
    }
    let other = world.tab();
    (world, other, alice)
}

#[test]
fn one_tab_switching_to_memory_leaves_the_other_tabs_logins_and_lockouts() {
    let (mut world, mut other, alice) = two_tabs_with_alice_logged_in_and_bob_locked_out();
    world.server.set_store(StoreKind::Memory).unwrap();
    assert_eq!(world.session(&alice).status, 200, "copied into memory");
    let response = other.handle(&with_cookie(Request::get("/api/session"), &alice));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        other.handle(&login_request("bob", "builder")).status,
        429,
        "the lockout holds in the tab still on the database"
    );
    assert_eq!(
        world.login("bob", "builder", false).status,
        429,
        "and was copied into memory"
    );
}

#[test]
fn a_logout_in_another_tab_is_not_undone_by_a_switch_back_to_the_database() {
    let (mut world, mut other, alice) = two_tabs_with_alice_logged_in_and_bob_locked_out();
    world.server.set_store(StoreKind::Memory).unwrap();
    let logout = other.handle(&with_cookie(Request::post("/api/logout", ""), &alice));
    assert_eq!(logout.status, 204);
    world.server.set_store(StoreKind::Database).unwrap();
    assert_eq!(
        world.session(&alice).status,
        401,
        "dead in the tab that switched"
    );
    let replay = other.handle(&with_cookie(Request::get("/api/session"), &alice));
    assert_eq!(replay.status, 401, "and in the other tab");
}

#[test]
fn a_logout_made_under_memory_ends_the_session_in_the_database_on_the_switch_back() {
    let (mut world, mut other, alice) = two_tabs_with_alice_logged_in_and_bob_locked_out();
    world.server.set_store(StoreKind::Memory).unwrap();
    assert_eq!(world.logout(&alice).status, 204);
    assert_eq!(
        other
            .handle(&with_cookie(Request::get("/api/session"), &alice))
            .status,
        200,
        "a logout in memory stays in memory until the switch back"
    );
    world.server.set_store(StoreKind::Database).unwrap();
    assert_eq!(world.session(&alice).status, 401);
    let replay = other.handle(&with_cookie(Request::get("/api/session"), &alice));
    assert_eq!(replay.status, 401, "the database lost it too");
}

#[test]
fn a_login_made_under_memory_reaches_the_database_on_the_switch_back() {
    let (mut world, mut other, _alice) = two_tabs_with_alice_logged_in_and_bob_locked_out();
    world.server.set_store(StoreKind::Memory).unwrap();
    world.clock.advance(30_000);
    let bob = cookie_pair(&world.login("bob", "builder", false));
    world.server.set_store(StoreKind::Database).unwrap();
    assert_eq!(world.session(&bob).status, 200);
    let response = other.handle(&with_cookie(Request::get("/api/session"), &bob));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(session_body(&response).user, "bob");
}

#[test]
fn failures_made_under_memory_reach_the_database_on_the_switch_back() {
    let mut world = World::new();
    let mut other = world.tab();
    world.server.set_store(StoreKind::Memory).unwrap();
    for _ in 0..5 {
        world.login("alice", "guess", false);
    }
    world.server.set_store(StoreKind::Database).unwrap();
    assert_eq!(
        other.handle(&login_request("alice", "wonderland")).status,
        429
    );
}

// Review of issue 9, item 6: made-up names cannot push a real name out of the throttle.

#[test]
fn made_up_names_cannot_reset_a_real_names_failure_count() {
    let mut world = World::new();
    for _ in 0..(MAX_FAILURES - 1) {
        assert_eq!(world.login("alice", "guess", false).status, 401);
    }
    // Newer than alice's failures, so an eviction by age alone would take hers first.
    world.clock.advance(1_000);
    for i in 0..MAX_ENTRIES {
        world.login(&format!("nobody{i}"), "guess", false);
    }
    assert_eq!(world.login("alice", "guess", false).status, 401);
    assert_eq!(
        world.login("alice", "wonderland", false).status,
        429,
        "the fifth failure locked alice out"
    );
}
