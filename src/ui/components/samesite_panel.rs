use crumbs_cookies::clock::{Clock, SystemClock};
use crumbs_protocol::api::ErrorBody;
use crumbs_protocol::samesite::{other_site, visit_url, RunBody, Via, COOKIES};
use crumbs_protocol::Request;
use crumbs_yew::use_cookies;
use yew::prelude::*;

use crate::backend::Backend;
use crate::ui::context::use_lab;
use crate::ui::state::Purpose;

/// Where the tab keeps the id of its last run while it visits the other site.
pub const RUN_KEY: &str = "crumbs.samesite-run";

/// What the panel shows under its buttons: `Ok(None)` once the cookies are set, the last
/// run's report, or why either failed.
type Shown = Option<Result<Option<RunBody>, String>>;

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// One row of the table: its heading cell and a cell per cookie.
fn row(heading: &str, cells: [&'static str; 4]) -> Html {
    html! {
        <tr><th scope="row">{ heading }</th>{ for cells.into_iter().map(|cell| html! { <td>{ cell }</td> }) }</tr>
    }
}

/// What a row's kind of request is called in the table.
fn via_label(via: Via) -> &'static str {
    match via {
        Via::Link => "Top-level link (GET)",
        Via::Form => "Form POST",
        Via::Fetch => "fetch",
        Via::Image => "<img>",
    }
}

/// SameSite, for real: four cookies set here, four requests sent back from the other
/// loopback name (another site to the browser), and what each carried as the server saw.
/// With the in-page mock there is nothing a browser could judge, so it says how to start
/// the real server.
#[component]
pub fn SameSitePanel() -> Html {
    let ctx = use_lab();
    let cookies = use_cookies();
    // Why the tab could not set off for the other site, if it could not.
    let refused = use_state(|| None::<String>);
    let server = ctx.state.backend == Backend::Server;
    {
        // Home from the other site (or reloaded): ask the server what the saved run carried.
        let ctx = ctx.clone();
        use_effect_with(server, move |&server| {
            let run =
                session_storage().and_then(|storage| storage.get_item(RUN_KEY).ok().flatten());
            if let (true, Some(run)) = (server, run) {
                ctx.send(
                    Purpose::SameSite,
                    Request::get(&format!("/api/samesite/runs/{run}")),
                );
            }
        });
    }
    // The server's last answer: the cookies set (`204`), a run's report (`200`), or its
    // sentence.
    let answer: Shown = ctx.state.samesite.as_deref().map(|exchange| {
        let body = &exchange.response.body;
        match exchange.response.status {
            204 => Ok(None),
            200 => serde_json::from_str(body)
                .map(Some)
                .map_err(|why| format!("the server's report could not be read ({why})")),
            status => {
                if status == 404 {
                    // A run the server forgot (a restart) stays forgotten: the next load
                    // does not say so again.
                    if let Some(storage) = session_storage() {
                        let _ = storage.remove_item(RUN_KEY);
                    }
                }
                Err(serde_json::from_str::<ErrorBody>(body)
                    .map_or_else(|_| exchange.summary(), |error| error.error))
            }
        }
    });
    let reported = matches!(answer, Some(Ok(Some(_))));
    // Home from the other site (the address ends in `#samesite`): once the report is in,
    // show it, and drop the fragment so a later render or reload leaves the page be. The
    // browser's own jump to the fragment came before the page was drawn.
    use_effect(move || {
        let window = web_sys::window();
        let home = window
            .as_ref()
            .and_then(|window| window.location().hash().ok());
        if let (true, Some(window), Some("#samesite")) = (reported, &window, home.as_deref()) {
            if let Some(panel) = window
                .document()
                .and_then(|d| d.get_element_by_id("samesite"))
            {
                panel.scroll_into_view();
            }
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some("/?backend=server"),
                );
            }
        }
    });
    let shown = match &*refused {
        Some(why) => Some(Err(why.clone())),
        None => answer,
    };
    let location = web_sys::window().map(|window| window.location());
    let here = location
        .as_ref()
        .and_then(|location| location.origin().ok())
        .unwrap_or_default();
    let body = match (server, other_site(&here)) {
        (false, _) => html! { <p class="explain">{ "This experiment needs the real server (make \
        serve-server, then “Real server” above): the in-page mock sends no request a browser \
        could judge." }</p> },
        (true, None) => html! { <p class="explain">{ "Open the lab at http://127.0.0.1:PORT or \
        http://localhost:PORT: the experiment needs those two names for one server." }</p> },
        (true, Some(other)) => {
            let set = {
                let (ctx, refused) = (ctx.clone(), refused.clone());
                Callback::from(move |_: MouseEvent| {
                    refused.set(None);
                    ctx.send(
                        Purpose::SameSite,
                        Request::post("/api/samesite/cookies", ""),
                    );
                })
            };
            let go = {
                let (refused, here) = (refused.clone(), here.clone());
                Callback::from(move |_: MouseEvent| {
                    // Unique in this tab; not a secret: it only names what the server noted.
                    let run = SystemClock.now().to_string();
                    let saved = session_storage()
                        .is_some_and(|storage| storage.set_item(RUN_KEY, &run).is_ok());
                    match (saved, visit_url(&here, &run), &location) {
                        (true, Some(url), Some(location)) if location.assign(&url).is_ok() => {}
                        _ => refused.set(Some(
                            "this tab refused to keep the run's id \
                            (sessionStorage), so the lab could not find its report on return: \
                            nothing was sent"
                                .to_owned(),
                        )),
                    }
                })
            };
            let result = match &shown {
                Some(Ok(None)) => html! { <p role="status">{ "The server set the four cookies. \
                Send the requests within 2 minutes to see Chromium let a cookie without \
                SameSite ride on a cross-site form POST; later it does not." }</p> },
                Some(Ok(Some(run))) => {
                    let kept = COOKIES.map(|c| {
                        if cookies.iter().any(|pair| pair.name == c.name) {
                            "yes"
                        } else {
                            "no"
                        }
                    });
                    let none_kept = kept.iter().all(|kept| *kept == "no");
                    html! {<>
                        <div class="table-scroll">
                            <table class="samesite">
                                <caption>{ format!("What each request from {other} carried") }</caption>
                                <thead><tr><th scope="col">{ "Request" }</th>
                                    { for COOKIES.iter().map(|c| html! { <th scope="col">{ c.name }</th> }) }
                                </tr></thead>
                                <tbody>
                                    { row("Kept in this browser now", kept) }
                                    { for Via::ALL.into_iter().map(|via| row(via_label(via), match run.names_for(via) {
                                        Some(names) => COOKIES.map(|c| {
                                            if names.iter().any(|name| name == c.name) { "sent" } else { "not sent" }
                                        }),
                                        None => ["did not arrive"; 4],
                                    })) }
                                </tbody>
                            </table>
                        </div>
                        if none_kept {
                            <p class="explain">{ "This browser holds none of the four cookies now: \
                                “Set the four cookies” sets them." }</p>
                        }
                    </>}
                }
                Some(Err(why)) => html! {
                    <p role="alert" class="error">{ format!("The SameSite experiment failed: {why}") }</p>
                },
                None => html! {},
            };
            html! {<>
                <p class="explain">{ format!("To a browser {here} and {other} are two sites, though \
                    one server answers both. Set four cookies here that differ only in SameSite, \
                    then let a page on {other} send four requests back here: a top-level link, a \
                    form POST, a fetch and an <img>. The server notes which cookies each carried. \
                    Strict rides on none of them; Lax on the link only; a cookie without SameSite \
                    is Lax in Chromium (but rides on a form POST in its first 2 minutes) and None \
                    in Firefox; None rides on all four unless the browser keeps third-party \
                    cookies apart (blocked, or partitioned by site).") }</p>
                <div class="buttons">
                    <button type="button" onclick={set}
                        disabled={ctx.state.pending == Some(Purpose::SameSite)}>{ "Set the four cookies" }</button>
                    <button type="button" onclick={go}>{ format!("Send four requests from {other}") }</button>
                </div>
                { result }
            </>}
        }
    };
    html! {
        <section class="panel" id="samesite" aria-labelledby="samesite-heading">
            <h2 id="samesite-heading">{ "SameSite, for real" }</h2>
            { body }
        </section>
    }
}
