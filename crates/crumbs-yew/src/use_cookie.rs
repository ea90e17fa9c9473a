use std::rc::Rc;

use yew::prelude::*;

use super::{current_value, value_of};
use crumbs_cookies::{watch, CookieJar, CookieOptions, DocumentJar, Result};

/// A cookie as a component sees it: its current decoded value and ways to change it.
/// Every change goes through the page's [`DocumentJar`], so every component watching the
/// same cookie re-renders.
#[derive(Clone, Debug, PartialEq)]
pub struct UseCookieHandle {
    name: Rc<str>,
    options: Rc<CookieOptions>,
    value: Option<String>,
}

impl UseCookieHandle {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The decoded value, `None` while this page has no such cookie.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The options `set` and `remove` use.
    pub fn options(&self) -> &CookieOptions {
        &self.options
    }

    /// Writes the cookie with the hook's options; the error says why it was not kept.
    pub fn set(&self, value: &str) -> Result<()> {
        self.set_with(value, &self.options)
    }

    /// Writes the cookie with other options.
    pub fn set_with(&self, value: &str, options: &CookieOptions) -> Result<()> {
        DocumentJar::new()?.set_with(&self.name, value, options)
    }

    /// Removes the cookie on the path and domain of the hook's options.
    pub fn remove(&self) -> Result<()> {
        DocumentJar::new()?.remove_with(&self.name, &self.options)
    }
}

/// Watches cookie `name`, written with the default [`CookieOptions`] (`Path=/`, a
/// session cookie).
///
/// ```no_run
/// use crumbs_yew::use_cookie;
/// use yew::prelude::*;
///
/// #[component]
/// fn Theme() -> Html {
///     let theme = use_cookie("theme");
///     let dark = {
///         let theme = theme.clone();
///         Callback::from(move |_| { let _ = theme.set("dark"); })
///     };
///     html! { <button onclick={dark}>{ theme.value().unwrap_or("light") }</button> }
/// }
/// ```
#[hook]
pub fn use_cookie(name: &str) -> UseCookieHandle {
    use_cookie_with_options(name, CookieOptions::new())
}

/// Watches cookie `name`; [`UseCookieHandle::set`] and [`UseCookieHandle::remove`] use
/// `options` (see [`CookieOptions`] for each attribute and its RFC 6265 section).
///
/// ```no_run
/// use crumbs_cookies::{CookieOptions, SameSite};
/// use crumbs_yew::use_cookie_with_options;
/// use yew::prelude::*;
///
/// #[component]
/// fn Consent() -> Html {
///     let consent = use_cookie_with_options(
///         "consent",
///         CookieOptions::new().max_age(180 * 24 * 3600 * 1000).same_site(SameSite::Lax),
///     );
///     let accept = {
///         let consent = consent.clone();
///         Callback::from(move |_| { let _ = consent.set("yes"); })
///     };
///     html! { if consent.value().is_none() { <button onclick={accept}>{ "Accept" }</button> } }
/// }
/// ```
#[hook]
pub fn use_cookie_with_options(name: &str, options: CookieOptions) -> UseCookieHandle {
    let name: Rc<str> = Rc::from(name);
    let value = {
        let name = name.clone();
        use_state_eq(move || current_value(&name))
    };
    {
        let setter = value.setter();
        use_effect_with(name.clone(), move |name| {
            // The name may have changed since the state was made.
            setter.set(current_value(name));
            let name = name.clone();
            let subscription =
                watch::subscribe(move |cookies| setter.set(value_of(cookies, &name)));
            move || drop(subscription)
        });
    }
    UseCookieHandle {
        name,
        options: Rc::new(options),
        value: (*value).clone(),
    }
}
