fn main() {
    yew::Renderer::<crumbs::ui::App>::new().render();
}
