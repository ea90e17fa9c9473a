//! The in-memory jar behaves as a browser's does, and the jar trait's rules (read-back,
//! removal, JSON) hold on it. Browser-only behaviour is in `browser_cookies.rs`.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use crumbs_cookies::clock::{ManualClock, Millis};
use crumbs_cookies::{CookieError, CookieJar, CookieOptions, MemoryJar, Page, SameSite, Source};

const NOW: Millis = 1_800_000_000_000;

fn jar_at(page: Page) -> (MemoryJar, ManualClock) {
    let clock = ManualClock::at(NOW);
    (MemoryJar::new(page, Rc::new(clock.clone())), clock)
}

fn localhost() -> (MemoryJar, ManualClock) {
    jar_at(Page::new("localhost", "/", true))
}

#[test]
fn max_age_expires_the_cookie_at_the_right_moment() {
    let (jar, clock) = localhost();
    jar.set_with("a", "1", &CookieOptions::new().max_age(10_000))
        .unwrap();
    clock.advance(9_999);
    assert_eq!(jar.get("a").unwrap().as_deref(), Some("1"));
    clock.advance(1);
    assert_eq!(jar.get("a").unwrap(), None);
    assert!(jar.stored().is_empty(), "expired cookies are purged");
}

#[test]
fn expires_is_honoured_and_max_age_wins_over_it() {
    let (jar, clock) = localhost();
    let in_a_minute = NOW + 60_000;
    jar.set_with("e", "1", &CookieOptions::new().expires(in_a_minute))
        .unwrap();
    jar.set_with(
        "both",
        "1",
        &CookieOptions::new().expires(in_a_minute).max_age(3_600_000),
    )
    .unwrap();
    clock.advance(61_000);
    assert_eq!(jar.get("e").unwrap(), None);
    assert_eq!(jar.get("both").unwrap().as_deref(), Some("1"));
}

#[test]
fn a_session_cookie_has_no_expiry() {
    let (jar, clock) = localhost();
    jar.set("s", "1").unwrap();
    clock.advance(10 * 365 * 24 * 3600 * 1000);
    assert_eq!(jar.stored()[0].expires_at, None);
    assert_eq!(jar.get("s").unwrap().as_deref(), Some("1"));
}

#[test]
fn path_scopes_what_a_page_sees_and_longest_path_comes_first() {
    let (jar, _) = jar_at(Page::new("localhost", "/app/page", true));
    jar.set_with("n", "root", &CookieOptions::new()).unwrap();
    jar.set_with("n", "app", &CookieOptions::new().path("/app"))
        .unwrap();
    jar.set_with("other", "x", &CookieOptions::new().path("/elsewhere"))
        .unwrap();
    assert_eq!(jar.raw().unwrap(), "n=app; n=root");
    assert_eq!(jar.get("n").unwrap().as_deref(), Some("app"));
    jar.set_page(Page::new("localhost", "/", true));
    assert_eq!(jar.raw().unwrap(), "n=root");
    jar.set_page(Page::new("localhost", "/elsewhere/deeper", true));
    assert_eq!(jar.raw().unwrap(), "other=x; n=root");
}

#[test]
fn a_missing_path_defaults_to_the_page_directory() {
    let (jar, _) = jar_at(Page::new("localhost", "/docs/intro", true));
    assert!(jar.apply("d=1", Source::Server));
    assert_eq!(jar.stored()[0].path, "/docs");
}

#[test]
fn same_name_domain_and_path_replaces_keeping_its_place() {
    let (jar, _) = localhost();
    jar.set("a", "1").unwrap();
    jar.set("b", "2").unwrap();
    jar.set("a", "3").unwrap();
    assert_eq!(jar.raw().unwrap(), "a=3; b=2");
}

#[test]
fn browser_refusals_become_errors_that_say_why() {
    let (jar, _) = jar_at(Page::new("www.example.com", "/", false));
    jar.set("keep", "me").unwrap();
    let cases: Vec<(CookieOptions, &str)> = vec![
        (CookieOptions::new().secure(true), "https"),
        (
            CookieOptions::new().same_site(SameSite::None).secure(false),
            "SameSite=None requires Secure",
        ),
        (
            CookieOptions::new().domain("other.example"),
            "does not contain this page's host",
        ),
    ];
    for (options, why) in cases {
        match jar.set_with("x", "1", &options) {
            Err(CookieError::Refused { name, reason }) => {
                assert_eq!(name, "x");
                assert!(reason.contains(why), "{reason:?} should mention {why:?}");
            }
            other => panic!("{options:?}: expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(jar.raw().unwrap(), "keep=me", "nothing else was lost");
}

#[test]
fn a_parent_domain_is_accepted_and_seen_by_sibling_hosts() {
    let (jar, _) = jar_at(Page::new("a.example.com", "/", false));
    jar.set_with("d", "1", &CookieOptions::new().domain("example.com"))
        .unwrap();
    jar.set("host", "1").unwrap();
    jar.set_page(Page::new("b.example.com", "/", false));
    assert_eq!(jar.raw().unwrap(), "d=1");
}

#[test]
fn localhost_may_set_secure_cookies() {
    let (jar, _) = localhost();
    jar.set_with("s", "1", &CookieOptions::new().same_site(SameSite::None))
        .unwrap();
    assert!(jar.stored()[0].secure);
}

#[test]
fn oversize_is_refused_before_writing() {
    let (jar, _) = localhost();
    jar.set("keep", "me").unwrap();
    let error = jar.set("big", &"x".repeat(5000)).unwrap_err();
    assert!(
        matches!(error, CookieError::TooLarge { size: 5003, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("shorten the value"));
    assert_eq!(jar.raw().unwrap(), "keep=me");
}

#[test]
fn injection_through_an_attribute_is_an_error_and_writes_nothing() {
    let (jar, _) = localhost();
    let error = jar
        .set_with(
            "a",
            "1",
            &CookieOptions::new().path("/; Domain=evil.example"),
        )
        .unwrap_err();
    assert!(matches!(
        error,
        CookieError::InvalidAttribute {
            attribute: "Path",
            ..
        }
    ));
    assert_eq!(jar.raw().unwrap(), "");
}

#[test]
fn a_name_or_value_with_separators_cannot_inject_either() {
    let (jar, _) = localhost();
    jar.set("a; Max-Age=0", "x; Domain=evil.example").unwrap();
    assert_eq!(jar.stored().len(), 1);
    assert_eq!(
        jar.get("a; Max-Age=0").unwrap().as_deref(),
        Some("x; Domain=evil.example")
    );
}

#[test]
fn remove_deletes_only_the_named_cookie() {
    let (jar, _) = localhost();
    jar.set("a", "1").unwrap();
    jar.set("b", "2").unwrap();
    jar.remove("a").unwrap();
    assert_eq!(jar.raw().unwrap(), "b=2");
}

#[test]
fn remove_with_the_wrong_path_reports_that_the_cookie_survived() {
    let (jar, _) = jar_at(Page::new("localhost", "/app/x", true));
    jar.set_with("a", "1", &CookieOptions::new().path("/app"))
        .unwrap();
    assert_eq!(
        jar.remove("a"),
        Err(CookieError::StillPresent { name: "a".into() })
    );
    jar.remove_with("a", &CookieOptions::new().path("/app"))
        .unwrap();
    assert_eq!(jar.raw().unwrap(), "");
}

#[test]
fn remove_all_clears_every_visible_path_and_domain() {
    let (jar, _) = jar_at(Page::new("www.example.com", "/app/x", false));
    jar.set("root", "1").unwrap();
    jar.set_with("app", "1", &CookieOptions::new().path("/app"))
        .unwrap();
    jar.set_with("wide", "1", &CookieOptions::new().domain("example.com"))
        .unwrap();
    assert!(jar.apply("raw name=1; Path=/", Source::Script));
    assert!(jar.apply("bare", Source::Script));
    jar.remove_all().unwrap();
    assert_eq!(jar.raw().unwrap(), "");
}

#[test]
fn scripts_cannot_set_or_see_http_only_cookies() {
    let (jar, _) = localhost();
    assert!(!jar.apply("h=1; HttpOnly", Source::Script));
    assert!(jar.apply("h=1; HttpOnly; Path=/", Source::Server));
    assert_eq!(jar.raw().unwrap(), "");
    assert_eq!(jar.cookie_header(), "h=1");
    assert!(
        !jar.apply("h=2; Path=/", Source::Script),
        "nor overwrite them"
    );
}

#[test]
fn prefixed_names_follow_their_rules() {
    let (jar, _) = localhost();
    assert!(!jar.apply("__Host-a=1; Secure; Path=/app", Source::Server));
    assert!(!jar.apply("__Secure-a=1", Source::Server));
    assert!(jar.apply("__Host-a=1; Secure; Path=/", Source::Server));
}

#[cfg(feature = "json")]
#[test]
fn json_values_round_trip_and_garbage_is_a_named_error() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Prefs {
        theme: String,
        size: u8,
        tags: Vec<String>,
    }
    let (jar, _) = localhost();
    let prefs = Prefs {
        theme: "dark; blue".into(),
        size: 12,
        tags: vec!["ä".into(), "=".into()],
    };
    use crumbs_cookies::CookieJarJson;
    jar.set_json("prefs", &prefs).unwrap();
    assert_eq!(jar.get_json::<Prefs>("prefs").unwrap(), Some(prefs));
    assert_eq!(jar.get_json::<Prefs>("absent").unwrap(), None);
    jar.set("prefs", "{not json").unwrap();
    let error = jar.get_json::<Prefs>("prefs").unwrap_err();
    assert!(matches!(&error, CookieError::Json { name, .. } if name == "prefs"));
}

#[test]
fn remove_everywhere_deletes_one_name_on_every_path_and_nothing_else() {
    let (jar, _) = jar_at(Page::new("www.example.com", "/app/x", false));
    jar.set("n", "root").unwrap();
    jar.set_with("n", "app", &CookieOptions::new().path("/app"))
        .unwrap();
    jar.set_with(
        "n",
        "wide",
        &CookieOptions::new().domain("example.com").path("/app/x"),
    )
    .unwrap();
    jar.set("other", "1").unwrap();
    jar.remove_everywhere("n").unwrap();
    assert_eq!(jar.raw().unwrap(), "other=1");
}

/// Each line from a page at `host` (http unless `secure`), with whether the jar keeps it
/// and the `Cookie` header that page then sends.
fn stored_from(host: &str, secure: bool, line: &str) -> (bool, String) {
    let (jar, _) = jar_at(Page::new(host, "/", secure));
    let stored = jar.apply(line, Source::Server);
    (stored, jar.cookie_header())
}

#[test]
fn only_one_leading_dot_of_a_domain_is_ignored() {
    for (line, stored) in [
        ("a=1; Domain=example.org", true),
        ("a=1; Domain=.example.org", true),
        ("a=1; Domain=.home.example.org", true),
        ("a=1; Domain=..example.org", false),
        ("a=1; Domain=..home.example.org", false),
        ("a=1; Domain=...example.org", false),
    ] {
        assert_eq!(
            stored_from("home.example.org", false, line).0,
            stored,
            "{line}"
        );
    }
}

#[test]
fn a_public_suffix_domain_is_refused_unless_it_is_the_host() {
    for (host, line, expected) in [
        ("www.example.com", "a=1; Domain=com", (false, "")),
        ("www.example.com", "a=1; Domain=.com", (false, "")),
        ("www.example.com", "a=1; Domain=example.com", (true, "a=1")),
        ("home.example.org", "a=1; Domain=.org", (false, "")),
        ("www.example.co.uk", "a=1; Domain=co.uk", (false, "")),
        ("www.example.co.uk", "a=1; Domain=uk", (false, "")),
        (
            "www.example.co.uk",
            "a=1; Domain=example.co.uk",
            (true, "a=1"),
        ),
        // A private-section suffix: every site under it belongs to someone else.
        ("me.github.io", "a=1; Domain=github.io", (false, "")),
        // The suffix itself may set a cookie for itself, host-only.
        ("github.io", "a=1; Domain=github.io", (true, "a=1")),
        ("localhost", "a=1; Domain=localhost", (true, "a=1")),
    ] {
        let (stored, header) = stored_from(host, false, line);
        assert_eq!((stored, header.as_str()), expected, "{host}: {line}");
    }
    // Host-only: the suffix's cookie is not sent to the sites under it.
    let (jar, _) = jar_at(Page::new("github.io", "/", false));
    assert!(jar.apply("a=1; Domain=github.io", Source::Server));
    assert!(jar.stored()[0].host_only);
    jar.set_page(Page::new("me.github.io", "/", false));
    assert_eq!(jar.cookie_header(), "");
}

#[test]
fn a_line_with_a_control_character_stores_nothing() {
    let (jar, _) = localhost();
    assert!(!jar.apply("a=x\r\nX-Injected: 1; Path=/", Source::Server));
    assert!(!jar.apply("b=x\0y", Source::Script));
    assert_eq!(jar.cookie_header(), "");
}

#[test]
fn an_http_page_cannot_overwrite_or_shadow_a_secure_cookie() {
    let (jar, _) = jar_at(Page::new("www.example.com", "/", true));
    assert!(jar.apply("s=secure; Secure; Path=/", Source::Server));
    assert!(jar.apply("deep=secure; Secure; Path=/app", Source::Server));
    jar.set_page(Page::new("www.example.com", "/", false));
    for line in [
        "s=plain; Path=/",
        "s=plain; Path=/app",
        "S=plain; Path=/app; Domain=example.com",
        "s=plain; Domain=example.com",
        "s=plain; Domain=www.example.com; Path=/app/x",
    ] {
        let refused = !jar.apply(line, Source::Server);
        let shadowed = line != "S=plain; Path=/app; Domain=example.com";
        assert_eq!(refused, shadowed, "{line}");
    }
    assert!(!jar.apply("s=gone; Max-Age=0", Source::Script));
    // Another name, or a path the secure cookie does not cover, is not a shadow.
    assert!(jar.apply("other=plain", Source::Server));
    assert!(jar.apply("deep=plain; Path=/", Source::Server));
    jar.set_page(Page::new("www.example.com", "/app", true));
    assert_eq!(
        jar.cookie_header(),
        "deep=secure; S=plain; s=secure; other=plain; deep=plain"
    );
    // A secure page may replace it.
    jar.set_page(Page::new("www.example.com", "/", true));
    assert!(jar.apply("s=new; Secure; Path=/", Source::Server));
}

#[test]
fn prefixes_are_matched_whatever_their_case_and_nameless_cookies_cannot_fake_them() {
    for (line, stored) in [
        ("__Secure-a=1; Secure", true),
        ("__secure-a=1", false),
        ("__SECURE-a=1", false),
        ("__Host-a=1; Secure; Path=/", true),
        ("__host-a=1; Secure", false),
        ("__HOST-a=1; Secure; Path=/; Domain=www.example.com", false),
        ("__hOsT-a=1; Path=/", false),
        // RFC 6265bis §5.7: a nameless cookie is sent as its value alone, so one
        // whose value starts like a prefixed name would pass for that cookie.
        ("__Host-a; Secure; Path=/", false),
        ("=__Host-a=1; Secure; Path=/", false),
        ("=__secure-a=1; Secure; Path=/", false),
        ("=__Securea=1; Secure; Path=/", true),
        ("plain", true),
    ] {
        assert_eq!(
            stored_from("www.example.com", true, line).0,
            stored,
            "{line}"
        );
    }
}

#[test]
fn a_cookie_lives_at_most_400_days() {
    const DAY: i64 = 86_400_000;
    for line in [
        "a=1; Max-Age=999999999",
        "a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let (jar, clock) = localhost();
        assert!(jar.apply(line, Source::Server), "{line}");
        assert_eq!(jar.stored()[0].expires_at, Some(NOW + 400 * DAY), "{line}");
        clock.advance(400 * DAY - 1);
        assert_eq!(jar.cookie_header(), "a=1", "{line}");
        clock.advance(1);
        assert_eq!(jar.cookie_header(), "", "{line}");
    }
}

/// RFC 6265bis §5.6 and today's browsers, where the 2011 http-state suite expected these
/// lines to be dropped: a pair without `=`, or with nothing before it, is a cookie with an
/// empty name, sent as its value alone; it replaces the previous nameless cookie.
#[test]
fn nameless_cookies_follow_rfc_6265bis() {
    let cases: &[(&[&str], &str)] = &[
        (&["foo"], "foo"),
        (&["=foo"], "foo"),
        (&["=a=bar"], "a=bar"),
        (&["foo;bar=baz"], "foo"),
        (&["foo", "bar"], "bar"),
        (&["a=b", "=x", "c=d"], "a=b; x; c=d"),
        (&["foo", "="], "foo"),
        (&["foo", ""], "foo"),
        (&["foo", "; bar"], "foo"),
        (&["six", "seven", " =eight", "test=six"], "eight; test=six"),
    ];
    for (lines, header) in cases {
        let (jar, _) = jar_at(Page::new("home.example.org", "/", false));
        for line in *lines {
            jar.apply(line, Source::Server);
        }
        assert_eq!(jar.cookie_header(), *header, "{lines:?}");
    }
}
