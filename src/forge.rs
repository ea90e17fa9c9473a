//! What the Forge button writes and what it says beforehand: pure rules, checked here
//! against what the mock server does with a forgery.

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

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::{forge_precondition, forged_cookie, tamper};
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
}
