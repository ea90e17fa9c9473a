//! The client carries cookies both ways as a browser would, against the real mock server.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use crumbs_cookies::clock::ManualClock;
use crumbs_cookies::{CookieJar, MemoryJar, Page, SameSite};
use crumbs_mock::client::{Client, Handler};
use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer, Strategy};
use crumbs_protocol::http::{Request, Response};
use crumbs_protocol::{SESSION_COOKIE, USER_COOKIE};

fn setup() -> (Client, Rc<MemoryJar>, Rc<RefCell<MockServer>>) {
    let clock = Rc::new(ManualClock::at(1_800_000_000_000));
    let jar = Rc::new(MemoryJar::new(
        Page::new("127.0.0.1", "/", true),
        clock.clone(),
    ));
    let server = MockServer::start(
        Rc::new(MemoryStorage::default()),
        clock,
        Rc::new(CryptoRandom),
        Lifetimes::default(),
    )
    .unwrap();
    let server = Rc::new(RefCell::new(server));
    let client = Client::new(server.clone(), jar.clone());
    (client, jar, server)
}

fn login(remember: bool) -> Request {
    Request::post(
        "/api/login",
        serde_json::json!({ "username": "alice", "password": "wonderland", "remember": remember })
            .to_string(),
    )
}

#[test]
fn a_login_lands_the_session_cookie_in_the_jar_and_it_rides_along_after() {
    let (client, jar, _) = setup();
    let first = client.exchange(login(false));
    assert_eq!(first.summary(), "POST /api/login → 200 OK");
    assert!(
        first.request.headers.get("Cookie").is_none(),
        "nothing to send yet"
    );
    let value = jar
        .get(SESSION_COOKIE)
        .unwrap()
        .expect("the cookie is in the jar");
    assert!(value.starts_with("s:"), "{value}");
    assert!(
        first.notes.iter().any(|n| n.contains("HttpOnly")),
        "the log says HttpOnly could not be honoured: {:?}",
        first.notes
    );
    assert!(!jar.stored()[0].http_only);

    let check = client.exchange(Request::get("/api/session"));
    assert_eq!(check.summary(), "GET /api/session → 200 OK");
    let sent = check.request.headers.get("Cookie").unwrap();
    assert!(
        sent.starts_with(&format!("{SESSION_COOKIE}=s%3A")),
        "{sent}"
    );
}

/// `Lifetimes` is public: a remembered lifetime under a second must still give a cookie
/// that lives (`Max-Age` rounds up), not `Max-Age=0`, which deletes it at once.
#[test]
fn a_remembered_lifetime_under_a_second_still_stores_the_cookie() {
    for strategy in [Strategy::ServerSession, Strategy::CookieOnly] {
        let clock = Rc::new(ManualClock::at(1_800_000_000_000));
        let jar = Rc::new(MemoryJar::new(
            Page::new("127.0.0.1", "/", true),
            clock.clone(),
        ));
        let mut server = MockServer::start(
            Rc::new(MemoryStorage::default()),
            clock.clone(),
            Rc::new(CryptoRandom),
            Lifetimes {
                session_ms: 500,
                remembered_ms: 500,
            },
        )
        .unwrap();
        server.set_strategy(strategy).unwrap();
        let client = Client::new(Rc::new(RefCell::new(server)), jar.clone());
        let answer = client.exchange(login(true));
        let set_cookie = answer.set_cookies().next().unwrap().to_owned();
        assert!(
            set_cookie.contains("Max-Age=1"),
            "{strategy:?}: {set_cookie}"
        );
        assert_eq!(jar.stored().len(), 1, "{strategy:?}: {:?}", answer.notes);
        if strategy == Strategy::ServerSession {
            clock.advance(499);
            let check = client.exchange(Request::get("/api/session"));
            assert_eq!(check.response.status, 200, "{strategy:?}");
        }
    }
}

#[test]
fn remember_me_stores_a_persistent_cookie() {
    let (client, jar, _) = setup();
    client.exchange(login(true));
    assert!(jar.stored()[0].expires_at.is_some());
    let (client, jar, _) = setup();
    client.exchange(login(false));
    assert_eq!(jar.stored()[0].expires_at, None, "a session cookie");
}

#[test]
fn logout_deletes_the_cookie_and_says_so() {
    let (client, jar, _) = setup();
    jar.set("other", "kept").unwrap();
    client.exchange(login(false));
    let out = client.exchange(Request::post("/api/logout", ""));
    assert_eq!(out.summary(), "POST /api/logout → 204 No Content");
    assert_eq!(jar.get(SESSION_COOKIE).unwrap(), None);
    assert_eq!(jar.get("other").unwrap().as_deref(), Some("kept"));
    assert!(
        out.notes.iter().any(|n| n.contains("deleted")),
        "{:?}",
        out.notes
    );
    assert_eq!(
        client
            .exchange(Request::get("/api/session"))
            .response
            .status,
        401
    );
}

#[test]
fn a_tampered_cookie_is_cleared_by_the_401() {
    let (client, jar, _) = setup();
    client.exchange(login(false));
    let value = jar.get(SESSION_COOKIE).unwrap().unwrap();
    jar.set(SESSION_COOKIE, &format!("{value}x")).unwrap();
    let check = client.exchange(Request::get("/api/session"));
    assert_eq!(check.response.status, 401);
    assert_eq!(jar.get(SESSION_COOKIE).unwrap(), None);
}

#[test]
fn cookie_only_is_fooled_through_the_whole_round_trip() {
    let (client, jar, server) = setup();
    server
        .borrow_mut()
        .set_strategy(Strategy::CookieOnly)
        .unwrap();
    client.exchange(login(false));
    assert_eq!(jar.get(USER_COOKIE).unwrap().as_deref(), Some("alice"));
    jar.set(USER_COOKIE, "admin").unwrap();
    let check = client.exchange(Request::get("/api/session"));
    assert_eq!(check.response.status, 200);
    assert!(check.response.body.contains("\"user\":\"admin\""));
}

/// A server whose cookie no browser would keep.
struct Insecure;

impl Handler for Insecure {
    fn handle(&self, _: &Request) -> Response {
        Response::empty(200).with_header("Set-Cookie", "x=1; SameSite=None")
    }
}

#[test]
fn a_set_cookie_the_browser_refuses_is_noted() {
    let jar = Rc::new(MemoryJar::localhost());
    let client = Client::new(Rc::new(Insecure), jar.clone());
    let exchange = client.exchange(Request::get("/"));
    assert!(
        exchange
            .notes
            .iter()
            .any(|n| n.contains("did not keep “x”")),
        "{:?}",
        exchange.notes
    );
    assert_eq!(jar.raw().unwrap(), "");
}

/// A server that answers every request with the given `Set-Cookie` lines.
struct Answers(Vec<&'static str>);

impl Handler for Answers {
    fn handle(&self, _: &Request) -> Response {
        self.0.iter().fold(Response::empty(200), |response, line| {
            response.with_header("Set-Cookie", *line)
        })
    }
}

fn exchange_with(jar: &Rc<MemoryJar>, lines: Vec<&'static str>) -> Vec<String> {
    Client::new(Rc::new(Answers(lines)), jar.clone())
        .exchange(Request::get("/"))
        .notes
}

#[test]
fn a_line_starting_with_http_only_keeps_its_pair_and_stores_no_cookie_named_path() {
    let jar = Rc::new(MemoryJar::localhost());
    let notes = exchange_with(&jar, vec!["HttpOnly; Path=/"]);
    // A browser reads `HttpOnly` here as a nameless cookie's value (RFC 6265bis §5.6),
    // not as the flag: the line keeps its pair and asks for no HttpOnly.
    assert_eq!(jar.raw().unwrap(), "HttpOnly", "{notes:?}");
    assert!(jar.stored().iter().all(|c| c.name != "Path"));
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("“HttpOnly” has no name"), "{notes:?}");
}

#[test]
fn an_http_only_attribute_with_a_value_is_still_stripped() {
    let jar = Rc::new(MemoryJar::localhost());
    let notes = exchange_with(&jar, vec!["h=1; HttpOnly=yes; Path=/"]);
    assert_eq!(jar.raw().unwrap(), "h=1", "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("asks for HttpOnly")),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("did not keep")),
        "{notes:?}"
    );
}

#[test]
fn a_quoted_value_that_is_stored_is_not_reported_as_refused() {
    let jar = Rc::new(MemoryJar::localhost());
    let notes = exchange_with(&jar, vec!["a=\"x y\"; Path=/"]);
    assert_eq!(
        jar.stored()[0].value,
        "\"x y\"",
        "kept as given, quotes included"
    );
    assert_eq!(jar.get("a").unwrap().as_deref(), Some("x y"));
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn every_attribute_but_http_only_reaches_the_jar() {
    let clock = Rc::new(ManualClock::at(1_800_000_000_000));
    let jar = Rc::new(MemoryJar::new(
        Page::new("www.example.com", "/app/page", true),
        clock,
    ));
    exchange_with(
        &jar,
        vec![
            "s=1; HttpOnly; Path=/app; Domain=.Example.com; Max-Age=60; SameSite=Strict; \
             Secure; Partitioned",
            // Within the 400 days a browser lets a cookie live, so the date is kept as sent.
            "e=2; Expires=Sun, 25 Apr 2027 07:28:00 GMT; SameSite=Lax; HttpOnly",
            "d=3; Expires=Sun, 25 Apr 2027 07:28:00 GMT; Max-Age=30",
        ],
    );
    let stored = jar.stored();
    let s = stored.iter().find(|c| c.name == "s").unwrap();
    assert_eq!(
        (s.path.as_str(), s.domain.as_str(), s.host_only),
        ("/app", "example.com", false)
    );
    assert!(s.secure && s.partitioned && !s.http_only);
    assert_eq!(s.same_site, Some(SameSite::Strict));
    assert_eq!(s.expires_at, Some(1_800_000_060_000));
    let e = stored.iter().find(|c| c.name == "e").unwrap();
    assert_eq!(e.expires_at, Some(1_808_638_080_000));
    assert_eq!(
        (e.path.as_str(), e.host_only),
        ("/app", true),
        "default path"
    );
    assert_eq!(e.same_site, Some(SameSite::Lax));
    let d = stored.iter().find(|c| c.name == "d").unwrap();
    assert_eq!(d.expires_at, Some(1_800_000_030_000), "Max-Age wins");
}

#[test]
fn a_removal_by_a_past_expires_deletes_and_says_how() {
    let jar = Rc::new(MemoryJar::localhost());
    jar.set("gone", "1").unwrap();
    let notes = exchange_with(
        &jar,
        vec!["gone=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
    );
    assert_eq!(jar.raw().unwrap(), "");
    assert_eq!(
        notes,
        ["The cookie “gone” was deleted from the jar (an Expires in the past)."]
    );
}

#[test]
fn a_cookie_for_a_path_the_page_cannot_read_is_not_called_refused() {
    let jar = Rc::new(MemoryJar::localhost());
    let notes = exchange_with(&jar, vec!["a=1; Path=/api"]);
    assert_eq!(jar.stored()[0].path, "/api");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("written for Path=/api, which this page is not under"),
        "{notes:?}"
    );
}

// Issue 14: the log tells the truth about the wire, in plain text.

#[test]
fn a_401_with_the_mocks_challenge_is_explained_in_the_log() {
    let (client, _, _) = setup();
    let check = client.exchange(Request::get("/api/session"));
    assert_eq!(check.response.status, 401);
    let note = check
        .notes
        .iter()
        .find(|n| n.contains("WWW-Authenticate"))
        .unwrap_or_else(|| panic!("no note on the challenge: {:?}", check.notes));
    assert!(note.contains("RFC 9110 §15.5.2"), "{note}");
    assert!(note.contains("no login dialog"), "{note}");
}

/// A server that answers 401 without saying how to authenticate.
struct NoChallenge;

impl Handler for NoChallenge {
    fn handle(&self, _: &Request) -> Response {
        Response::empty(401)
    }
}

#[test]
fn a_401_without_a_challenge_is_called_out() {
    let client = Client::new(Rc::new(NoChallenge), Rc::new(MemoryJar::localhost()));
    let notes = client.exchange(Request::get("/")).notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("no WWW-Authenticate") && notes[0].contains("RFC 9110 §15.5.2"),
        "{notes:?}"
    );
}

#[test]
fn no_log_note_holds_a_backtick_and_each_starts_with_a_capital() {
    let (client, jar, server) = setup();
    let mut notes = Vec::new();
    notes.extend(client.exchange(login(false)).notes);
    let value = jar.get(SESSION_COOKIE).unwrap().unwrap();
    jar.set(SESSION_COOKIE, &format!("{value}x")).unwrap();
    notes.extend(client.exchange(Request::get("/api/session")).notes);
    server
        .borrow_mut()
        .set_strategy(Strategy::CookieOnly)
        .unwrap();
    notes.extend(client.exchange(login(false)).notes);
    notes.extend(client.exchange(Request::post("/api/logout", "")).notes);
    let jar = Rc::new(MemoryJar::localhost());
    jar.set("b", "1").unwrap();
    notes.extend(exchange_with(
        &jar,
        vec![
            "x=1; SameSite=None",
            "a=1\r\nX-Injected: 1",
            "__Host-h=1; Path=/",
            "a=1; Domain=other.org",
            "c=1; Path=/elsewhere; HttpOnly",
            "b=; Max-Age=0",
        ],
    ));
    assert!(notes.len() >= 8, "{notes:?}");
    for note in &notes {
        assert!(!note.contains('`'), "{note}");
        assert!(note.starts_with(char::is_uppercase), "{note}");
    }
}

/// The protocol names the time type for servers that do without the cookie layer; it
/// must stay the cookie layer's own, or values would need converting at every boundary.
#[test]
fn the_protocol_and_the_cookie_layer_share_one_time_type() {
    let same: fn(crumbs_protocol::Millis) -> crumbs_cookies::clock::Millis = |millis| millis;
    assert_eq!(same(1_800_000_000_000), 1_800_000_000_000);
}
