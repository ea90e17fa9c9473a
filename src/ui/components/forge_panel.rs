use yew::prelude::*;

use crate::cookies::CookieJar;
use crate::server::{Strategy, SESSION_COOKIE, USER_COOKIE};
use crate::ui::lab::use_lab;
use crate::ui::state::{LabAction, Purpose};

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
            let (name, forged) = match strategy {
                Strategy::CookieOnly => (USER_COOKIE, "admin".to_owned()),
                Strategy::ServerSession => {
                    let current = jar.get(SESSION_COOKIE).ok().flatten();
                    (SESSION_COOKIE, tamper(current.as_deref()))
                }
            };
            match jar.set(name, &forged) {
                Ok(()) => {
                    error.set(None);
                    ctx.dispatch(LabAction::Forged(format!("{name}={forged}")));
                    ctx.check_session(Purpose::Forge);
                }
                Err(why) => error.set(Some(why.to_string())),
            }
        })
    };
    let what = match strategy {
        Strategy::CookieOnly => "Forge sets the user cookie to admin — a name no one logged in as — and asks the server who you are.",
        Strategy::ServerSession => "Forge changes one character of the session cookie's signature (or invents a session id) and asks the server who you are.",
    };
    html! {
        <section class="panel" aria-labelledby="forge-heading">
            <h2 id="forge-heading">{ "Forge the cookie" }</h2>
            <p class="explain">{ "Cookies live in your browser, so you can change them: devtools, an extension, \
                or this button. The question is whether the server notices. " }{ what }</p>
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
    use super::tamper;

    #[test]
    fn tampering_changes_exactly_one_signature_character() {
        assert_eq!(tamper(Some("s:abc.XYZ")), "s:abc.XYA");
        assert_eq!(tamper(Some("s:abc.XYA")), "s:abc.XYB");
        assert!(tamper(None).starts_with("s:0000"));
        assert!(tamper(Some("no-dot")).starts_with("s:0000"));
    }
}
