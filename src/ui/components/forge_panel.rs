use yew::prelude::*;

use crumbs_cookies::CookieJar;
use crumbs_mock::server::Strategy;
use crumbs_protocol::SESSION_COOKIE;

use crate::backend::Backend;
use crate::forge::{
    curl_command, forge_precondition, forged_cookie, script_forgery_line, ScriptWrite,
};
use crate::ui::context::{use_lab, LabContext};
use crate::ui::state::{capitalize, LabAction, Purpose};

/// Rewrites the login cookie as a user could in devtools, then asks the server. With the
/// real server, tries what any page script could, and gives the command that can.
///
/// One component for both backends (the real server's part is [`script_forge`]): a Yew
/// component costs the page about 0.5 KB gzip of Wasm. The mock's error is this
/// component's and outlives switches; the real server's lives in the lab's state, which
/// forgets it at every change of backend, as a component of its own, mounted afresh at
/// each turn to the real server, did.
#[component]
pub fn ForgePanel() -> Html {
    let ctx = use_lab();
    let error = use_state(|| None::<String>);
    if ctx.state.backend == Backend::Server {
        return script_forge(&ctx);
    }
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
                { report_box(report.fooled(), html! { <>
                    <p>{ "Forged: " }<code>{ &report.forged }</code></p>
                    <p class="outcome">{ &report.outcome }</p>
                    <p class="why">{ report.why() }</p>
                </> }) }
            }
        </section>
    }
}

/// Forge with the real server: a `document.cookie` write of `crumbs.sid`, what the browser
/// did with it, what the server then said, and the `curl` command that sends any cookie.
fn script_forge(ctx: &LabContext) -> Html {
    let forge = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            let jar = &ctx.lab.jar;
            let line = script_forgery_line();
            match jar.write_raw(&line) {
                Ok(()) => {
                    let read_back = jar.get(SESSION_COOKIE).ok().flatten();
                    let write = ScriptWrite::from_read_back(read_back.as_deref());
                    ctx.dispatch(LabAction::ForgedByScript(
                        format!("document.cookie = \"{line}\""),
                        write,
                    ));
                    ctx.check_session(Purpose::Forge);
                }
                Err(why) => {
                    ctx.dispatch(LabAction::ScriptForgeFailed(capitalize(&why.to_string())))
                }
            }
        })
    };
    // The page's own address, so the command reaches this very server.
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
    html! {
        <section class="panel" aria-labelledby="forge-heading">
            <h2 id="forge-heading">{ "Forge the cookie" }</h2>
            <p class="explain">{ "With the real server, " }<code>{ SESSION_COOKIE }</code>
                { " is HttpOnly for real. Forge tries what any script in this page could: it writes " }
                <code>{ script_forgery_line() }</code>{ " through document.cookie, reads document.cookie \
                back to see what the browser did, then asks the server who you are." }</p>
            <button type="button" onclick={forge}
                disabled={ctx.state.pending == Some(Purpose::Forge)}>{ "Forge" }</button>
            if let Some(error) = &ctx.state.script_forge_error { <p role="alert" class="error">{ error }</p> }
            if let Some(report) = &ctx.state.forge {
                { report_box(report.fooled(), html! { <>
                    <p>{ "Script wrote: " }<code>{ &report.forged }</code></p>
                    if let Some(write) = report.script {
                        <p class="script-write">{ write.sentence() }</p>
                    }
                    <p class="outcome">{ &report.outcome }</p>
                    <p class="why">{ report.why() }</p>
                </> }) }
            }
            <p class="explain">{ "What can send any cookie is anything that speaks HTTP without a \
                browser's rules. Copy the value of " }<code>{ SESSION_COOKIE }</code>{ " from devtools \
                (Application › Cookies, where HttpOnly cookies are listed) and send it yourself:" }</p>
            <pre class="curl"><code>{ curl_command(&origin) }</code></pre>
            <p class="explain">{ "Unchanged, the server answers as you: whoever holds the cookie is \
                you, which is why it must stay secret. Change one character and the server answers \
                401 tampered: the signature check, not HttpOnly, is what stops a forgery." }</p>
        </section>
    }
}

/// The forge report's box: `forge-report`, and `fooled` when the forgery got through.
/// Two literal class lists rather than `classes!`: yew's `Classes` (an ordered hash set)
/// cost the page about 3 KB gzip of Wasm, for the lab's four class lists chosen at run
/// time. Both branches are a `div`, so a change of class patches the same element.
fn report_box(fooled: bool, children: Html) -> Html {
    if fooled {
        html! { <div role="status" class="forge-report fooled">{ children }</div> }
    } else {
        html! { <div role="status" class="forge-report">{ children }</div> }
    }
}
