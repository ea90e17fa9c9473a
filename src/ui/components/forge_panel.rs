use yew::prelude::*;

use crate::cookies::CookieJar;
use crate::server::{Strategy, SESSION_COOKIE, USER_COOKIE};
use crate::ui::lab::use_lab;
use crate::ui::state::{capitalize, LabAction, Purpose};

/// Rewrites the login cookie as a user could in devtools, then asks the server.
#[component]
pub fn ForgePanel() -> Html {
    let ctx = use_lab();
    let error = use_state(|| None::<String>);
    let strategy = ctx.state.strategy;
    let forge = {
        let (ctx, error) = (ctx.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let jar = &ctx.lab.jar;
            let current = jar.get(SESSION_COOKIE).ok().flatten();
            let (name, forged) = forged_cookie(strategy, current.as_deref());
            match jar.set(name, &forged) {
                Ok(()) => {
                    error.set(None);
                    ctx.dispatch(LabAction::Forged(format!("{name}={forged}")));
                    ctx.check_session(Purpose::Forge);
                }
                Err(why) => error.set(Some(capitalize(&why.to_string()))),
            }
        })
    };
    let what = match strategy {
        Strategy::CookieOnly => "Forge sets the crumbs.user cookie to admin, a name no one logged in as, and asks the server who you are.",
        Strategy::ServerSession => "Forge changes one character of the crumbs.sid cookie's signature and asks the server who you are.",
    };
    html! {
        <section class="panel" aria-labelledby="forge-heading">
            <h2 id="forge-heading">{ "Forge the cookie" }</h2>
            <p class="explain">{ "Cookies live in your browser, so you can change them: devtools, an extension, \
                or this button. The question is whether the server notices. " }{ what }{ " " }
                { forge_precondition(strategy) }</p>
            <p class="explain">{ "Here Forge can edit the login cookie in place because the mock server \
                runs inside the page and cannot give its cookie a real HttpOnly flag (the network log \
                says so). On a real site a script can neither read an HttpOnly cookie nor replace it in \
                place, but it can still create a cookie of that name when there is none, or shadow it \
                with one on a narrower Path, and anyone can send any Cookie header with devtools or \
                curl. What stops a forgery is the server's check, not HttpOnly. Nor does HttpOnly stop \
                a script injected into the page (XSS) from using the session: the browser attaches the \
                cookie to every request that script sends to the site, so it can act as you while it \
                runs." }</p>
            <button type="button" onclick={forge}
                disabled={ctx.state.pending == Some(Purpose::Forge)}>{ "Forge" }</button>
            if let Some(error) = &*error { <p role="alert" class="error">{ error }</p> }
            if let Some(report) = &ctx.state.forge {
                <div role="status" class={classes!("forge-report", report.accepted.then_some("fooled"))}>
                    <p>{ "Forged: " }<code>{ &report.forged }</code></p>
                    <p class="outcome">{ &report.outcome }</p>
                    <p class="why">{ report.why() }</p>
                </div>
            }
        </section>
    }
}

/// The cookie Forge writes under `strategy`, given the `crumbs.sid` now in the jar.
fn forged_cookie(strategy: Strategy, current_sid: Option<&str>) -> (&'static str, String) {
    match strategy {
        Strategy::CookieOnly => (USER_COOKIE, "admin".to_owned()),
        Strategy::ServerSession => (SESSION_COOKIE, tamper(current_sid)),
    }
}

/// What Forge needs before it is pressed under `strategy`: the text beside the button,
/// checked against what the mock server does with a forgery when nobody logged in.
fn forge_precondition(strategy: Strategy) -> &'static str {
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
fn tamper(current: Option<&str>) -> String {
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
    use crate::clock::ManualClock;
    use crate::server::http::Request;
    use crate::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer, Strategy};

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
