use yew::prelude::*;

use crate::cookies::{CookieJar, CookiePair, DocumentJar, Result};

fn read_cookies() -> Result<Vec<CookiePair>> {
    DocumentJar::new()?.get_all()
}

/// The cookies of this origin, as the page sees them.
#[component]
pub fn CookieTable() -> Html {
    let cookies = use_state(read_cookies);
    let refresh = {
        let cookies = cookies.clone();
        Callback::from(move |_: MouseEvent| cookies.set(read_cookies()))
    };
    let body = match &*cookies {
        Err(error) => html! { <p role="alert" class="error">{ error.to_string() }</p> },
        Ok(list) => html! {
            <table class="cookies">
                <caption>{ "Cookies in this browser" }</caption>
                <thead>
                    <tr><th scope="col">{ "Name" }</th><th scope="col">{ "Value" }</th></tr>
                </thead>
                <tbody>
                    if list.is_empty() {
                        <tr><td colspan="2" class="empty">{ "No cookies for this site yet." }</td></tr>
                    }
                    { for list.iter().map(|cookie| html! {
                        <tr key={cookie.name.clone()}>
                            <th scope="row"><code>{ &cookie.name }</code></th>
                            <td><code>{ &cookie.value }</code></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <section class="panel" aria-labelledby="cookies-heading">
            <h2 id="cookies-heading">{ "Cookie jar" }</h2>
            { body }
            <button type="button" onclick={refresh}>{ "Refresh" }</button>
        </section>
    }
}
