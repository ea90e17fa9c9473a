use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;
use yew::prelude::*;

use super::{use_cookie_with_options, UseCookieHandle};
use crumbs_cookies::{CookieError, CookieJarJson, CookieOptions, DocumentJar, Result};

/// A cookie holding JSON of type `T`.
#[derive(Clone, Debug, PartialEq)]
pub struct UseCookieJsonHandle<T> {
    cookie: UseCookieHandle,
    kind: PhantomData<T>,
}

impl<T: Serialize + DeserializeOwned> UseCookieJsonHandle<T> {
    /// `None` without the cookie; `Some(Err(CookieError::Json))` when it holds something
    /// that is not JSON of type `T` (written by hand, by another app or an older version),
    /// for the component to show.
    pub fn value(&self) -> Option<Result<T>> {
        self.cookie.value().map(|raw| {
            serde_json::from_str(raw).map_err(|error| CookieError::Json {
                name: self.cookie.name().to_owned(),
                message: error.to_string(),
            })
        })
    }

    /// The raw text, decoded but not parsed: what to show next to a JSON error.
    pub fn raw(&self) -> Option<&str> {
        self.cookie.value()
    }

    /// Writes `value` as JSON with the hook's options.
    pub fn set(&self, value: &T) -> Result<()> {
        DocumentJar::new()?.set_json_with(self.cookie.name(), value, self.cookie.options())
    }

    pub fn remove(&self) -> Result<()> {
        self.cookie.remove()
    }
}

/// Watches cookie `name` holding JSON of any serde type.
///
/// ```no_run
/// use crumbs_yew::use_cookie_json;
/// use yew::prelude::*;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Prefs { font_size: u8 }
///
/// #[component]
/// fn FontSize() -> Html {
///     let prefs = use_cookie_json::<Prefs>("prefs");
///     match prefs.value() {
///         Some(Ok(prefs)) => html! { { prefs.font_size } },
///         Some(Err(error)) => html! { <p role="alert">{ error.to_string() }</p> },
///         None => html! { { "default" } },
///     }
/// }
/// ```
#[hook]
pub fn use_cookie_json<T>(name: &str) -> UseCookieJsonHandle<T>
where
    T: Serialize + DeserializeOwned + 'static,
{
    use_cookie_json_with_options(name, CookieOptions::new())
}

/// [`use_cookie_json`] with the options `set` and `remove` use.
///
/// ```no_run
/// use crumbs_cookies::{CookieOptions, SameSite};
/// use crumbs_yew::use_cookie_json_with_options;
/// use yew::prelude::*;
///
/// #[component]
/// fn Cart() -> Html {
///     let cart = use_cookie_json_with_options::<Vec<u32>>(
///         "cart",
///         CookieOptions::new().max_age(3_600_000).same_site(SameSite::Strict),
///     );
///     let add = {
///         let cart = cart.clone();
///         Callback::from(move |_| {
///             let mut items = cart.value().and_then(Result::ok).unwrap_or_default();
///             items.push(42);
///             let _ = cart.set(&items);
///         })
///     };
///     html! { <button onclick={add}>{ "Add to cart" }</button> }
/// }
/// ```
#[hook]
pub fn use_cookie_json_with_options<T>(name: &str, options: CookieOptions) -> UseCookieJsonHandle<T>
where
    T: Serialize + DeserializeOwned + 'static,
{
    UseCookieJsonHandle {
        cookie: use_cookie_with_options(name, options),
        kind: PhantomData,
    }
}
