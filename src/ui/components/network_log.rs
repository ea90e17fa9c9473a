use yew::prelude::*;

use crate::lab::Backend;
use crate::ui::context::use_lab;
use crate::ui::state::LogEntry;
use crumbs_protocol::api::LoginRequest;

/// Every request the page made to a backend, newest first.
#[component]
pub fn NetworkLog() -> Html {
    let ctx = use_lab();
    let log = &ctx.state.log;
    html! {
        <section class="panel" aria-labelledby="log-heading">
            <h2 id="log-heading">{ "Network log" }</h2>
            if ctx.state.backend == Backend::Server {
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
            if log.is_empty() {
                <p class="empty">{ "No requests yet." }</p>
            } else {
                <ol class="log" reversed=true>
                    { for log.iter().rev().map(entry) }
                </ol>
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
    let status_class = if exchange.response.status < 400 {
        "ok"
    } else {
        "failed"
    };
    html! {
        <li class="exchange">
            // The summary stays the exchange's own line: tests and people read it whole.
            <p class={classes!("summary", status_class)}><strong>{ exchange.summary() }</strong></p>
            <p class="via">{ format!("Answered by the {backend}.") }</p>
            { for exchange.set_cookies().map(|line| html! {
                <p class="set-cookie"><code>{ format!("Set-Cookie: {line}") }</code></p>
            }) }
            { for exchange.notes.iter().map(|note| html! { <p class="note">{ note }</p> }) }
            <details>
                <summary>{ "Headers and body" }</summary>
                <h3>{ "Request" }</h3>
                { headers(&exchange.request.headers) }
                if !exchange.request.body.is_empty() {
                    <pre>{ redact(&exchange.request.body) }</pre>
                }
                <h3>{ if entry.backend == Backend::Server { "Response (headers fetch exposes)" } else { "Response" } }</h3>
                { headers(&exchange.response.headers) }
                if !exchange.response.body.is_empty() {
                    <pre>{ &exchange.response.body }</pre>
                }
            </details>
        </li>
    }
}

/// The log shows that a password was sent, not the password.
fn redact(body: &str) -> String {
    match serde_json::from_str::<LoginRequest>(body) {
        Ok(mut login) => {
            login.password = "••••••".to_owned();
            serde_json::to_string(&login).unwrap_or_default()
        }
        Err(_) => body.to_owned(),
    }
}
