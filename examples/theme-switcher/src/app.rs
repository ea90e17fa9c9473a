//! The page: a heading, the picker, the preview, and what to try.

use crumbs_yew::use_cookie;
use yew::prelude::*;

use crate::picker::ThemePicker;
use crate::preview::ThemePreview;
use crate::theme::{Theme, THEME_COOKIE};

/// The whole page, coloured by the theme it reads from the cookie (a third reader: the
/// page, the picker and the preview each follow the cookie on their own).
#[component]
pub fn App() -> Html {
    let theme = Theme::from_cookie(use_cookie(THEME_COOKIE).value());
    html! {
        <main class="page" data-theme={theme.as_str()}>
            <h1>{ "Theme switcher" }</h1>
            <p>
                { "Your choice is kept in a cookie named " }<code>{ THEME_COOKIE }</code>
                { " for a year: reload, or come back tomorrow, and it is still there." }
            </p>
            <ThemePicker />
            <ThemePreview />
            <p class="hint">
                { "Open this page in a second tab and switch the theme there: this tab \
                   follows at once, because the cookie layer's watcher broadcasts every \
                   write to the other tabs of this site. A change typed in the devtools \
                   console (" }
                <code>{ "document.cookie = \"theme=dark\"" }</code>
                { ") is followed too." }
            </p>
        </main>
    }
}
