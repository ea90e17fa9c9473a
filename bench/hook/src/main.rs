use crumbs_yew::use_cookie;
use yew::prelude::*;

/// The minimal app's button, now showing a cookie and setting it: what one `use_cookie`
/// costs over bench/minimal is the cookie libraries' marginal size.
#[component]
fn App() -> Html {
    let theme = use_cookie("theme");
    let onclick = {
        let theme = theme.clone();
        Callback::from(move |_| {
            let _ = theme.set("dark");
        })
    };
    html! {
        <button type="button" {onclick}>{ theme.value().unwrap_or("light") }</button>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
