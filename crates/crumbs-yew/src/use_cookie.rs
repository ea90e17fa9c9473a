use std::rc::Rc;

use yew::prelude::*;

use super::{current_value, value_of};
use crumbs_cookies::{watch, CookieJar, CookieOptions, DocumentJar, Result};

/// A cookie as a component sees it: its value at this render and ways to change it.
///
/// Changes go through the page's [`DocumentJar`], which tells the watcher, so every
/// component reading the same cookie re-renders, this one included: a component never
/// keeps its own copy of the value. The handle is cheap to clone (two `Rc`s and the
/// value), which is what a [`Callback`] needs, and compares by value, so it can be a
/// property of a child component without re-rendering it for nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct UseCookieHandle {
    pub(crate) name: Rc<str>,
    pub(crate) options: Rc<CookieOptions>,
    pub(crate) value: Option<String>,
}

impl UseCookieHandle {
    /// The cookie's name as the hook was given it (not encoded): what an error message
    /// or a label shows.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The decoded value, `None` while this page has no such cookie (never set, removed,
    /// expired, or `HttpOnly` and so hidden from scripts).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The options `set` and `remove` use, so a component can show how long the cookie
    /// lasts or on which path it lives.
    pub fn options(&self) -> &CookieOptions {
        &self.options
    }

    /// Writes the cookie with the hook's options. The write is read back: an error says
    /// why the browser did not keep it (too large, refused, cookies unavailable), so the
    /// component can show that instead of a value it never stored.
    pub fn set(&self, value: &str) -> Result<()> {
        self.set_with(value, &self.options)
    }

    /// Writes the cookie with other options, for a one-off such as a longer lifetime
    /// after "Remember me". [`remove`](Self::remove) still uses the hook's options, so
    /// keep `Path` and `Domain` the same or the removal will not reach this cookie.
    pub fn set_with(&self, value: &str, options: &CookieOptions) -> Result<()> {
        DocumentJar::new()?.set_with(&self.name, value, options)
    }

    /// Removes the cookie on the path and domain of the hook's options: a browser keeps
    /// one cookie per name, path and domain, so a removal must name the same ones. The
    /// error says so when the cookie survives.
    pub fn remove(&self) -> Result<()> {
        DocumentJar::new()?.remove_with(&self.name, &self.options)
    }
}

/// Watches cookie `name`, written with the default [`CookieOptions`]: `Path=/`, so the
/// whole site sees it, and no lifetime, so it is a session cookie. The component
/// re-renders whenever the value changes: a write from this page, a script or another
/// tab, or the end of a lifetime this page wrote it with.
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

/// Watches cookie `name`, as [`use_cookie`] does; [`UseCookieHandle::set`] and
/// [`UseCookieHandle::remove`] use `options`, given once here so that every write and the
/// removal agree on them (see [`CookieOptions`] for each attribute and its RFC 6265
/// section).
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
