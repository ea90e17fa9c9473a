//! Renders the app into the page's <body>; everything else is in the library, where the
//! browser tests can reach it.

fn main() {
    yew::Renderer::<theme_switcher::App>::new().render();
}
