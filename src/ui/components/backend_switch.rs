use yew::prelude::*;

use super::login_form::duration_words;
use crate::backend::{store_words, Backend, ServerProbe};
use crate::ui::context::LabContext;
use crate::ui::state::Purpose;
use crumbs_protocol::rules::{REMEMBERED_MS, SESSION_MS};

/// Which backend answers: the in-page mock, or `crumbs-server` when one answers here. Part
/// of [`ServerSwitches`](super::ServerSwitches).
pub(crate) fn backend_switch(ctx: &LabContext) -> Html {
    let state = &ctx.state;
    let choose = |backend: Backend| {
        let ctx = ctx.clone();
        Callback::from(move |_: Event| ctx.choose_backend(backend, Purpose::Check))
    };
    let line = match &state.probe {
        ServerProbe::Looking => html! {
            <>{ "Looking for a real server at this address (GET /api/health)…" }</>
        },
        ServerProbe::Found { store } => html! {
            <>{ format!("A real server answers here: crumbs-server, keeping sessions in {}.",
                store_words(store)) }</>
        },
        ServerProbe::Absent { answer } => html! {
            <>
                { format!("No real server answers at this address ({answer}). To use one, start it \
                    with ") }<code>{ "make serve-server" }</code>
                { " and open the address it prints." }
                if state.wanted == Backend::Server {
                    { " This address asks for it (?backend=server), so a reload uses it once it \
                       answers; until then the in-page mock answers." }
                }
            </>
        },
    };
    html! {
        <fieldset class="backend">
            <legend>{ "Backend" }</legend>
            <label><input type="radio" name="backend" checked={state.backend == Backend::Mock}
                onchange={choose(Backend::Mock)} />{ "In-page mock" }</label>
            <label><input type="radio" name="backend" checked={state.backend == Backend::Server}
                disabled={!state.server_found()} aria-describedby="backend-status"
                onchange={choose(Backend::Server)} />{ "Real server" }</label>
            <p id="backend-status" class="explain backend-status">{ line }</p>
            <p class="explain">{ "The in-page mock runs inside this page: the lab can show every \
                header, but a page script cannot make a cookie HttpOnly. The real server is \
                crumbs-server behind this same address: the browser stores its cookie HttpOnly for \
                real, and the page sees only what fetch lets it see. The choice is kept in the \
                address (?backend=server), so a reload keeps it." }</p>
            <p class="explain">{ "Both log in with a cookie named crumbs.sid at this address, so \
                they meet in the browser's jar: the real server refuses the mock's cookie (it did \
                not sign it) and clears it, and while the real server's HttpOnly crumbs.sid is \
                there the mock cannot store its own, since no script may replace an HttpOnly \
                cookie. Log out before switching to keep each login clean." }</p>
        </fieldset>
    }
}

/// In place of the mock's switches: what the real server uses, which its command line
/// decides. Part of [`ServerSwitches`](super::ServerSwitches).
pub(crate) fn real_server_facts(ctx: &LabContext) -> Html {
    let store = match &ctx.state.probe {
        ServerProbe::Found { store } => store_words(store),
        // Chosen only after it answered as a server; said plainly should that change.
        _ => "a store it has not named".to_owned(),
    };
    html! {
        <div class="real-server">
            <p>{ format!("The real server has one strategy, server sessions (a signed session id \
                in the cookie, your name on the server), and keeps its sessions in {store}.") }</p>
            <p class="explain">{ "Its store is chosen on its command line, not here: " }
                <code>{ "--db PATH" }</code>{ " (SQLite, the default), " }
                <code>{ "--store memory" }</code>{ " or " }<code>{ "--redis URL" }</code>
                { format!(". Its sessions last {}, or {} with Remember me: the contract's \
                   lifetimes, whatever this page's address says.",
                   duration_words(SESSION_MS), duration_words(REMEMBERED_MS)) }</p>
        </div>
    }
}
