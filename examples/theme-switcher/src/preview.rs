//! A sample of the chosen theme.

use crumbs_yew::use_cookie;
use yew::prelude::*;

use crate::theme::{Theme, THEME_COOKIE};

/// Shows the theme in use. It reads the cookie itself instead of taking the picker's
/// choice as a property: the two share nothing but the cookie, as two parts of a real
/// page (or two tabs) would. Its sentence is a status region, so a screen reader hears
/// the change however it came.
#[component]
pub fn ThemePreview() -> Html {
    let theme = Theme::from_cookie(use_cookie(THEME_COOKIE).value());
    html! {
        <section class="preview" data-theme={theme.as_str()} aria-labelledby="preview-heading">
            <h2 id="preview-heading">{ "Preview" }</h2>
            <p role="status">{ format!("The {} theme is on.", theme.as_str()) }</p>
        </section>
    }
}
