use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::timeline::countdown;
use crate::ui::components::CookieEditor;
use crate::ui::state::capitalize;
use crumbs_cookies::clock::{Clock, Millis, SystemClock};
use crumbs_cookies::cookie_store::CookieAttributes;
use crumbs_cookies::{CookieJar, DocumentJar};
use crumbs_yew::{use_cookie_attributes, use_cookies};

/// What an attribute cell says when the browser does not report it.
const UNKNOWN: &str = "—";

/// The time now, and a render of the component every `period_ms` so countdowns move:
/// one interval per component (not per row), dropped with it.
#[hook]
pub(crate) fn use_now(period_ms: u32) -> Millis {
    let update = use_force_update();
    use_effect_with(period_ms, move |&period| {
        let interval = Interval::new(period, move || update.force_update());
        move || drop(interval)
    });
    SystemClock.now()
}

/// The attribute cells of one row: Expires, Path, Domain, Secure, SameSite.
fn attribute_cells(attributes: Option<&CookieAttributes>, now: Millis) -> [String; 5] {
    let Some(cookie) = attributes else {
        return [UNKNOWN; 5].map(String::from);
    };
    [
        cookie
            .expires_in(now)
            .map_or_else(|| "session".to_owned(), countdown),
        cookie.path.clone(),
        cookie
            .domain
            .clone()
            .unwrap_or_else(|| "this host only".to_owned()),
        if cookie.secure { "yes" } else { "no" }.to_owned(),
        cookie
            .same_site
            .map_or(UNKNOWN, |same_site| same_site.as_str())
            .to_owned(),
    ]
}

/// The cookies of this origin, as the page sees them, kept current by [`use_cookies`],
/// with their attributes where the Cookie Store API reports them, an editor and a
/// "Delete" button per cookie.
#[component]
pub fn CookieTable() -> Html {
    let cookies = use_cookies();
    let attributes = use_cookie_attributes();
    let now = use_now(1_000);
    let error = use_state(|| None::<String>);
    let delete = |name: String| {
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            let result = DocumentJar::new().and_then(|jar| jar.remove_everywhere(&name));
            error.set(result.err().map(|e| capitalize(&e.to_string())));
        })
    };
    html! {
        <section class="panel" aria-labelledby="cookies-heading">
            <h2 id="cookies-heading">{ "Cookie jar" }</h2>
            <p class="explain">{ "Every cookie this page can read through " }<code>{ "document.cookie" }</code>
                { ", decoded, and kept current: a login, the editor below, another tab or your devtools \
                   all show up here at once. Reload the page and they are still here: the browser keeps them." }</p>
            <p class="explain">{ "The table below is what this page can read, not everything the browser \
                holds: HttpOnly cookies, cookies scoped to another path and other sites' cookies never \
                reach " }<code>{ "document.cookie" }</code>{ ". That shows names and values only; each \
                cookie's expiry (counting down), Path, Domain, Secure and SameSite come from the \
                browser's Cookie Store API, where it reports them, and a cookie leaves the table by \
                itself when it expires." }</p>
            <div class="table-scroll">
            <table class="cookies">
                <caption>{ "Cookies in this browser" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Name" }</th>
                        <th scope="col">{ "Value" }</th>
                        <th scope="col">{ "Expires" }</th>
                        <th scope="col">{ "Path" }</th>
                        <th scope="col">{ "Domain" }</th>
                        <th scope="col">{ "Secure" }</th>
                        <th scope="col">{ "SameSite" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr>
                </thead>
                <tbody>
                    if cookies.is_empty() {
                        <tr><td colspan="8" class="empty">{ "No cookies for this site yet." }</td></tr>
                    }
                    { for cookies.iter().map(|cookie| html! {
                        <tr key={cookie.name.clone()}>
                            <th scope="row"><code>{ &cookie.name }</code></th>
                            <td class="value"><code>{ &cookie.value }</code></td>
                            { for attribute_cells(attributes.get(&cookie.name), now)
                                .into_iter()
                                .map(|text| html! { <td>{ text }</td> }) }
                            <td><button type="button" class="secondary"
                                onclick={delete(cookie.name.clone())}>{ "Delete" }</button></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
            if let Some(reason) = attributes.reason() {
                <p class="explain attributes-unknown">{ reason.to_string() }</p>
            }
            if let Some(error) = &*error { <p role="alert" class="error">{ error }</p> }
            <h3>{ "Set a cookie" }</h3>
            <CookieEditor />
        </section>
    }
}
