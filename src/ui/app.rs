use yew::prelude::*;

use super::components::CookieTable;

#[component]
pub fn App() -> Html {
    html! {
        <main class="app">
            <header>
                <h1>{ "Crumbs" }</h1>
                <p class="lede">
                    { "Every cookie this page can read through " }
                    <code>{ "document.cookie" }</code>
                    { ", decoded and kept current: set one in devtools or another tab and watch it appear." }
                </p>
            </header>
            <CookieTable />
        </main>
    }
}
