use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::backend::{store_words, Backend, ServerProbe};
use crate::lab::login_cookie;
use crate::ui::context::use_lab;
use crate::ui::state::{LabState, Purpose, SessionStatus};
use crumbs_cookies::clock::{Clock, Millis, SystemClock};
use crumbs_mock::server::Strategy;
use crumbs_protocol::ceil_seconds;
use crumbs_protocol::http::Request;
use crumbs_protocol::{COOKIE_NAMES_HEADER, SESSION_COOKIE};
use crumbs_yew::use_cookie;

/// Who the server thinks you are, how long for, and how it knows.
#[component]
pub fn SessionPanel() -> Html {
    let ctx = use_lab();
    let state = &ctx.state;
    let cookie_name = login_cookie(state.strategy_in_use());
    let cookie = use_cookie(cookie_name);
    let logout = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            ctx.send(
                Purpose::Logout,
                Request::post("/api/logout", "").with_header("Content-Type", "application/json"),
            )
        })
    };
    let status = match &state.session {
        SessionStatus::Checking => html! { <p class="status">{ "Checking with the server…" }</p> },
        SessionStatus::LoggedIn {
            user,
            expires_at,
            how,
        } => html! {
            <>
                <p class="status logged-in">{ format!("Logged in as {user}") }</p>
                <p class="how">{ format!("{how}.") }</p>
                if let Some(at) = expires_at { <Countdown expires_at={at} /> }
                else { <p class="how">{ "The server keeps no session: the cookie is all it has." }</p> }
                <button type="button" onclick={logout}
                    disabled={state.pending == Some(Purpose::Logout)}>{ "Log out" }</button>
            </>
        },
        SessionStatus::LoggedOut { why } => html! {
            <>
                <p class="status">{ "Not logged in" }</p>
                if let Some(why) = why { <p class="why">{ why }</p> }
            </>
        },
    };
    let at_load = if state.login_cookie_at_load() {
        html! { <>{ "The " }<code>{ cookie_name }</code>
        { " cookie was already in the jar when this page loaded, so the browser sent it along \
           with the GET /api/session made at load (the network log shows it)." }</> }
    } else {
        html! { <>{ "No " }<code>{ cookie_name }</code>
        { " cookie was in the jar when this page loaded." }</> }
    };
    let explain = match state.strategy_in_use() {
        Strategy::ServerSession => "With server sessions the cookie holds only a signed, random session id; \
            your name stays on the server. Reload the page: the cookie rides along and you stay logged in.",
        Strategy::CookieOnly => "With cookie only, the cookie holds your name itself and the server believes it. \
            Reload and you stay logged in, but so would anyone who writes a name into that cookie.",
    };
    let real = state.backend == Backend::Server;
    html! {
        <section class="panel" aria-labelledby="session-heading">
            <h2 id="session-heading">{ "Session" }</h2>
            <p class="page-load">{ format!("Page load #{}", state.page_load) }</p>
            { status }
            if let Some(error) = &state.session_error {
                <p role="alert" class="error">{ error }</p>
            }
            if real {
                // document.cookie says nothing about an HttpOnly cookie: only the server can.
                <p class="httponly">{ http_only(state) }</p>
                <p class="explain">{ explain }{ " " }{ real_store(&state.probe) }</p>
            } else {
                <p class="at-load">{ at_load }</p>
                <p class="cookie-now">
                    { match cookie.value() {
                        Some(_) => html! { <>{ "The " }<code>{ cookie_name }</code>{ " cookie is in the jar now." }</> },
                        None => html! { <>{ "There is no " }<code>{ cookie_name }</code>{ " cookie in the jar now." }</> },
                    } }
                </p>
                <p class="explain">{ explain }</p>
            }
        </section>
    }
}

/// What the page can say about `crumbs.sid` with the real server: it is HttpOnly, and only
/// the server's echo of the names it received shows that it rode along.
fn http_only(state: &LabState) -> Html {
    let received = match &state.received {
        Some(names) if names.iter().any(|name| name == SESSION_COOKIE) => html! {
            <>{ " Yet the server received it: the last session check's " }<code>{ COOKIE_NAMES_HEADER }</code>
            { format!(" header names the cookies {}.", names.join(", ")) }</>
        },
        Some(names) => html! {
            <>{ " The last session check's " }<code>{ COOKIE_NAMES_HEADER }</code>
            { format!(" header says the server received no {SESSION_COOKIE} (cookies received: {}): \
                the browser holds none for this site.",
                if names.is_empty() { "none".to_owned() } else { names.join(", ") }) }</>
        },
        None => html! {
            <>{ " Which cookies the server received shows here after the next session check \
                (GET /api/session), from its answer's " }
            <code>{ COOKIE_NAMES_HEADER }</code>{ " header." }</>
        },
    };
    html! {
        <>
            { "The session cookie " }<code>{ SESSION_COOKIE }</code>
            { " is HttpOnly: the page cannot read it, so the cookie table does not list it, and the \
               browser sends it along with every request to this site all the same." }
            { received }
        </>
    }
}

fn real_store(probe: &ServerProbe) -> String {
    match probe {
        ServerProbe::Found { store } => {
            format!("The real server keeps sessions in {}.", store_words(store))
        }
        _ => String::new(),
    }
}

#[derive(Properties, PartialEq)]
struct CountdownProps {
    expires_at: Millis,
}

/// Time left on the server's session; when it runs out, the server is asked again.
#[component]
fn Countdown(props: &CountdownProps) -> Html {
    let ctx = use_lab();
    let now = use_state(|| SystemClock.now());
    {
        let now = now.clone();
        let ctx = ctx.clone();
        use_effect_with(props.expires_at, move |expires_at| {
            let expires_at = *expires_at;
            let asked = Rc::new(Cell::new(false));
            let interval = Interval::new(250, move || {
                let current = SystemClock.now();
                now.set(current);
                if current >= expires_at && !asked.replace(true) {
                    ctx.check_session(Purpose::Check);
                }
            });
            move || drop(interval)
        });
    }
    let text = time_left(props.expires_at, *now);
    html! {
        <p class="countdown">{ "The server forgets this session in " }<time>{ text }</time>{ "." }</p>
    }
}

/// The countdown's text: whole seconds left, rounded up, as `m:ss` or, from an hour,
/// `Hh MMm`. `expires_at` comes from the server's answer, so any value must give text,
/// never an overflow.
fn time_left(expires_at: Millis, now: Millis) -> String {
    let left = ceil_seconds(expires_at.saturating_sub(now));
    if left >= 3600 {
        format!("{}h {:02}m", left / 3600, left % 3600 / 60)
    } else {
        format!("{}:{:02}", left / 60, left % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::time_left;

    #[test]
    fn the_countdown_reads_any_expiry_the_server_sends() {
        for (expires_at, now, shown) in [
            (90_000, 0, "1:30"),
            (1, 0, "0:01"),
            (0, 5_000, "0:00"),
            (7_260_000, 0, "2h 01m"),
            (i64::MAX, 0, "2562047788015h 12m"),
            (i64::MAX, i64::MIN, "2562047788015h 12m"),
            (i64::MIN, i64::MAX, "0:00"),
        ] {
            assert_eq!(time_left(expires_at, now), shown, "{expires_at} at {now}");
        }
    }
}
