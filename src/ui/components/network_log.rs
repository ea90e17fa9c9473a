use yew::prelude::*;

use crate::backend::Backend;
use crate::ui::context::use_lab;
use crate::ui::saved_log::{self, redact};
use crate::ui::state::{LabAction, LabState, LogEntry};

/// Every request this tab made to a backend, across reloads (see `saved_log`), grouped by
/// page load, newest first.
#[component]
pub fn NetworkLog() -> Html {
    let ctx = use_lab();
    let state = &*ctx.state;
    {
        // Saved after each change, so a reload finds it; a refusal is said, never fatal.
        let ctx = ctx.clone();
        use_effect_with(state.log_revision, move |_| {
            let saved = saved_log::write(&ctx.state.log);
            if saved.is_err() || ctx.state.log_unsaved.is_some() {
                ctx.dispatch(LabAction::LogSaved(saved));
            }
        });
    }
    let clear = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(LabAction::ClearLog))
    };
    html! {
        <section class="panel" aria-labelledby="log-heading">
            <h2 id="log-heading">{ "Network log" }</h2>
            if state.backend == Backend::Server {
                <p class="explain">{ "What went over the wire to the real server, as far as this page \
                    can know it: method, path, status, body, and the response headers fetch exposes. \
                    The browser attaches the Cookie header and acts on Set-Cookie itself, and keeps \
                    both from page script (they are forbidden headers), so the log shows instead the \
                    cookie names the server says it received, from its X-Crumbs-Cookie-Names \
                    header." }</p>
            } else {
                <p class="explain">{ "What went over the (simulated) wire. The Cookie request header stands in \
                    for what a browser attaches on its own: the lab's client copies what document.cookie \
                    shows at this page's path (a real browser would pick the cookies for the request's \
                    path). Set-Cookie is what the server asked the browser to store." }</p>
            }
            <div class="log-controls">
                <button type="button" class="secondary" onclick={clear}>{ "Clear log" }</button>
            </div>
            if let Some(notice) = &state.log_notice {
                <p role="status" class="log-notice">{ notice }</p>
            }
            if let Some(unsaved) = &state.log_unsaved {
                <p role="status" class="log-notice">{ unsaved }</p>
            }
            // Newest load first, and in each its newest exchange first: the end-to-end
            // suite reads every `li.exchange` in that order.
            { for state.log.loads.iter().rev().map(|&load| group(state, load)) }
        </section>
    }
}

/// One page load's heading and its exchanges, newest first.
fn group(state: &LabState, load: u32) -> Html {
    let entries = state
        .log
        .entries
        .iter()
        .rev()
        .filter(|entry| entry.page_load == load)
        .map(entry)
        .collect::<Vec<_>>();
    let now = load == state.page_load;
    let empty = if now && state.log_cleared {
        "Log cleared."
    } else if now {
        "No requests yet."
    } else {
        "No requests during this load were kept."
    };
    html! {
        <section class="page-load-group">
            <h3>
                { format!("Page load #{load}") }
                if now { <span class="this-load">{ " (this one)" }</span> }
            </h3>
            if entries.is_empty() {
                <p class="empty">{ empty }</p>
            } else {
                <ol class="log" reversed=true>{ for entries }</ol>
            }
        </section>
    }
}

fn entry(entry: &LogEntry) -> Html {
    let exchange = &entry.exchange;
    let backend = match entry.backend {
        Backend::Mock => "in-page mock",
        Backend::Server => "real server",
    };
    let headers = |headers: &crumbs_protocol::http::Headers| -> Html {
        headers
            .iter()
            .map(|(name, value)| html! { <div><code>{ format!("{name}: {value}") }</code></div> })
            .collect()
    };
    // "summary ok" or "summary failed": literal class lists, not `classes!` (see
    // `forge_panel::report_box`); both a `p`, so a change patches the same element.
    let summary = html! { <strong>{ exchange.summary() }</strong> };
    let summary = if exchange.response.status < 400 {
        html! { <p class="summary ok">{ summary }</p> }
    } else {
        html! { <p class="summary failed">{ summary }</p> }
    };
    html! {
        <li class="exchange">
            // The summary stays the exchange's own line: tests and people read it whole.
            { summary }
            <p class="via">{ format!("Answered by the {backend}.") }</p>
            { for exchange.set_cookies().map(|line| html! {
                <p class="set-cookie"><code>{ format!("Set-Cookie: {line}") }</code></p>
            }) }
            { for exchange.notes.iter().map(|note| html! { <p class="note">{ note }</p> }) }
            <details>
                <summary>{ "Headers and body" }</summary>
                <h4>{ "Request" }</h4>
                { headers(&exchange.request.headers) }
                if !exchange.request.body.is_empty() {
                    <pre>{ redact(&exchange.request.body) }</pre>
                }
                <h4>{ if entry.backend == Backend::Server { "Response (headers fetch exposes)" } else { "Response" } }</h4>
                { headers(&exchange.response.headers) }
                if !exchange.response.body.is_empty() {
                    <pre>{ &exchange.response.body }</pre>
                }
            </details>
        </li>
    }
}
