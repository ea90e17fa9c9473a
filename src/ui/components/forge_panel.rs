use yew::prelude::*;

use crumbs_cookies::CookieJar;
use crumbs_mock::server::Strategy;
use crumbs_protocol::SESSION_COOKIE;

use crate::forge::{forge_precondition, forged_cookie};
use crate::ui::context::use_lab;
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
