use yew::prelude::*;

use crate::ui::hooks::use_cookies;

/// The cookies of this origin, as the page sees them, kept current by [`use_cookies`].
#[component]
pub fn CookieTable() -> Html {
    let cookies = use_cookies();
    html! {
        <section class="panel" aria-labelledby="cookies-heading">
            <h2 id="cookies-heading">{ "Cookie jar" }</h2>
            <table class="cookies">
                <caption>{ "Cookies in this browser" }</caption>
                <thead>
                    <tr><th scope="col">{ "Name" }</th><th scope="col">{ "Value" }</th></tr>
                </thead>
                <tbody>
                    if cookies.is_empty() {
                        <tr><td colspan="2" class="empty">{ "No cookies for this site yet." }</td></tr>
                    }
                    { for cookies.iter().map(|cookie| html! {
                        <tr key={cookie.name.clone()}>
                            <th scope="row"><code>{ &cookie.name }</code></th>
                            <td><code>{ &cookie.value }</code></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
