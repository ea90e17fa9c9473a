use yew::prelude::*;

use crate::ui::components::CookieEditor;
use crate::ui::state::capitalize;
use crumbs_cookies::{CookieJar, DocumentJar};
use crumbs_yew::use_cookies;

/// The cookies of this origin, as the page sees them, kept current by [`use_cookies`],
/// with an editor and a "Delete" button per cookie.
#[component]
pub fn CookieTable() -> Html {
    let cookies = use_cookies();
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
                reach " }<code>{ "document.cookie" }</code>{ ". It shows names and values only; the \
                Expires or Max-Age, Path, Domain, SameSite and Secure of each cookie are in devtools › \
                Application › Cookies (Storage › Cookies in Firefox)." }</p>
            <table class="cookies">
                <caption>{ "Cookies in this browser" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Name" }</th>
                        <th scope="col">{ "Value" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr>
                </thead>
                <tbody>
                    if cookies.is_empty() {
                        <tr><td colspan="3" class="empty">{ "No cookies for this site yet." }</td></tr>
                    }
                    { for cookies.iter().map(|cookie| html! {
                        <tr key={cookie.name.clone()}>
                            <th scope="row"><code>{ &cookie.name }</code></th>
                            <td><code>{ &cookie.value }</code></td>
                            <td><button type="button" class="secondary"
                                onclick={delete(cookie.name.clone())}>{ "Delete" }</button></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if let Some(error) = &*error { <p role="alert" class="error">{ error }</p> }
            <h3>{ "Set a cookie" }</h3>
            <CookieEditor />
        </section>
    }
}
