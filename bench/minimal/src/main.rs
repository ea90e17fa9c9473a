use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <button type="button">{ "Click" }</button> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
