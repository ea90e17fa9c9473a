//! What the Forge button writes and what it says beforehand: pure rules, checked here
//! against what the mock server does with a forgery. With the real server Forge can only
//! do what any page script can, so it writes with `document.cookie` and reports what the
//! browser did, and gives the `curl` command that sends any cookie it likes.

use crumbs_mock::server::Strategy;
use crumbs_protocol::{SESSION_COOKIE, USER_COOKIE};

/// The cookie Forge writes under `strategy`, given the `crumbs.sid` now in the jar.
pub fn forged_cookie(strategy: Strategy, current_sid: Option<&str>) -> (&'static str, String) {
    match strategy {
        Strategy::CookieOnly => (USER_COOKIE, "admin".to_owned()),
        Strategy::ServerSession => (SESSION_COOKIE, tamper(current_sid)),
    }
}

/// What Forge needs before it is pressed under `strategy`: the text beside the button,
/// checked against what the mock server does with a forgery when nobody logged in.
pub fn forge_precondition(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::CookieOnly => {
            "No login needed: Forge writes crumbs.user=admin whether or not you \
            logged in, and this server believes any crumbs.user cookie."
        }
        Strategy::ServerSession => {
            "Log in first to tamper with a real session cookie. Without one, \
            Forge invents a session id and a signature made without the secret; the server \
            refuses that too."
        }
    }
}

/// A session cookie with one signature character changed; an invented one without it.
pub fn tamper(current: Option<&str>) -> String {
    match current.and_then(|value| value.rsplit_once('.')) {
        Some((id, signature)) if !signature.is_empty() => {
            let mut chars: Vec<char> = signature.chars().collect();
            let last = chars.len() - 1;
            chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
            format!("{id}.{}", chars.into_iter().collect::<String>())
        }
        _ => "s:00000000000000000000000000000000.forged-without-the-secret".to_owned(),
    }
}

/// What Forge writes as page script when the real server answers.
pub const SCRIPT_FORGERY: &str = "forged-by-script";

/// The `document.cookie` line Forge writes with the real server: the session cookie's
/// name, path and SameSite, so it names the very cookie the server set.
pub fn script_forgery_line() -> String {
    format!("{SESSION_COOKIE}={SCRIPT_FORGERY}; Path=/; SameSite=Lax")
}

/// What the browser did with a script's write of the session cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptWrite {
    /// Read back, `document.cookie` does not show the forgery: the browser dropped it.
    Ignored,
    /// Read back, `document.cookie` shows the forgery: an ordinary cookie now.
    Stored,
}

impl ScriptWrite {
    /// Judges the write by reading `crumbs.sid` back through `document.cookie` after it.
    pub fn from_read_back(read_back: Option<&str>) -> Self {
        if read_back == Some(SCRIPT_FORGERY) {
            ScriptWrite::Stored
        } else {
            ScriptWrite::Ignored
        }
    }

    /// The sentence the Forge panel shows about the write.
    pub fn sentence(self) -> &'static str {
        match self {
            ScriptWrite::Ignored => {
                "The browser ignored the write: read back, document.cookie shows no such \
                 crumbs.sid. When an HttpOnly cookie of that name is in the jar, page script can \
                 neither read it nor replace it."
            }
            ScriptWrite::Stored => {
                "The browser kept the write as an ordinary cookie, which document.cookie now \
                 shows: no HttpOnly crumbs.sid was in the jar to protect, and a script may \
                 create a cookie of any name where none is (just not an HttpOnly one)."
            }
        }
    }
}

/// The command that sends the session cookie as devtools or any HTTP client can, to
/// `origin` (the page's `location.origin`). The value is left for the reader to paste:
/// the page itself cannot read it.
pub fn curl_command(origin: &str) -> String {
    let url = format!("{}/api/session", origin.trim_end_matches('/'));
    format!(
        "curl -i -H 'Cookie: {SESSION_COOKIE}=…' {}",
        shell_word(&url)
    )
}

/// `word` as one shell word: as it is when it holds only what URLs usually do, otherwise in
/// single quotes, each `'` in it closed, escaped and reopened. Brackets (an IPv6 host) are
/// quoted too: the shell would read them as a glob.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:.-_%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::{
        curl_command, forge_precondition, forged_cookie, script_forgery_line, tamper, ScriptWrite,
        SCRIPT_FORGERY,
    };
    use crumbs_cookies::clock::ManualClock;
    use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer, Strategy};
    use crumbs_protocol::http::Request;

    #[test]
    fn forges_precondition_matches_what_a_forgery_without_a_login_gets() {
        for strategy in [Strategy::CookieOnly, Strategy::ServerSession] {
            let mut server = MockServer::start(
                Rc::new(MemoryStorage::default()),
                Rc::new(ManualClock::at(1_000_000)),
                Rc::new(CryptoRandom),
                Lifetimes::default(),
            )
            .unwrap();
            server.set_strategy(strategy).unwrap();
            // Nobody logged in: the jar holds no crumbs.sid.
            let (name, value) = forged_cookie(strategy, None);
            let answer = server.handle(
                &Request::get("/api/session").with_header("Cookie", format!("{name}={value}")),
            );
            let accepted = answer.status == 200;
            assert_eq!(accepted, strategy == Strategy::CookieOnly, "{answer:?}");
            let said = forge_precondition(strategy);
            assert_eq!(
                said.starts_with("No login needed"),
                accepted,
                "{strategy:?}: the forgery without a login was {}, yet the panel says: {said}",
                if accepted { "accepted" } else { "refused" }
            );
        }
    }

    #[test]
    fn tampering_changes_exactly_one_signature_character() {
        assert_eq!(tamper(Some("s:abc.XYZ")), "s:abc.XYA");
        assert_eq!(tamper(Some("s:abc.XYA")), "s:abc.XYB");
        assert!(tamper(None).starts_with("s:0000"));
        assert!(tamper(Some("no-dot")).starts_with("s:0000"));
    }

    #[test]
    fn the_script_forgery_is_judged_by_what_document_cookie_shows_after_it() {
        assert!(script_forgery_line().starts_with("crumbs.sid=forged-by-script; Path=/"));
        assert_eq!(
            ScriptWrite::from_read_back(Some(SCRIPT_FORGERY)),
            ScriptWrite::Stored
        );
        for other in [None, Some(""), Some("s:abc.def")] {
            assert_eq!(
                ScriptWrite::from_read_back(other),
                ScriptWrite::Ignored,
                "{other:?}"
            );
        }
        for write in [ScriptWrite::Ignored, ScriptWrite::Stored] {
            assert!(!write.sentence().contains('`'));
        }
    }

    #[test]
    fn the_curl_command_targets_this_origin_and_survives_a_shell() {
        assert_eq!(
            curl_command("http://127.0.0.1:8080"),
            "curl -i -H 'Cookie: crumbs.sid=…' http://127.0.0.1:8080/api/session"
        );
        assert_eq!(
            curl_command("http://[::1]:8080/"),
            "curl -i -H 'Cookie: crumbs.sid=…' 'http://[::1]:8080/api/session'"
        );
        // `location.origin` is an opaque "null" for some pages, and a hostile host name
        // must not become shell syntax.
        assert_eq!(
            curl_command("http://a;rm -rf ~'x"),
            r"curl -i -H 'Cookie: crumbs.sid=…' 'http://a;rm -rf ~'\''x/api/session'"
        );
    }
}
