//! The radio group that chooses the theme.

use crumbs_yew::use_cookie_with_options;
use yew::prelude::*;

use crate::theme::{theme_options, Theme, THEME_COOKIE};

/// Two radio buttons, "Light" and "Dark", in a group named "Theme". The checked one is
/// whatever the cookie says now, so a change made elsewhere (the other tab) moves it too.
#[component]
pub fn ThemePicker() -> Html {
    let cookie = use_cookie_with_options(THEME_COOKIE, theme_options());
    // Why the last choice was not kept, if it was not: without it a refused cookie
    // (cookies off, a sandboxed frame) would look like a button that does nothing.
    let error = use_state_eq(|| None::<String>);
    let current = Theme::from_cookie(cookie.value());
    let choices = Theme::ALL.into_iter().map(|theme| {
        let onchange = {
            let (cookie, error) = (cookie.clone(), error.clone());
            Callback::from(move |_: Event| {
                error.set(cookie.set(theme.as_str()).err().map(|e| e.to_string()));
            })
        };
        html! {
            <label>
                <input
                    type="radio"
                    name="theme"
                    value={theme.as_str()}
                    checked={theme == current}
                    {onchange}
                />
                { theme.label() }
            </label>
        }
    });
    html! {
        <fieldset class="picker">
            <legend>{ "Theme" }</legend>
            { for choices }
            if let Some(error) = &*error {
                <p role="alert">{ error }</p>
            }
        </fieldset>
    }
}
