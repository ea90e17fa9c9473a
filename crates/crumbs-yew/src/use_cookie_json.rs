use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;
use yew::prelude::*;

use super::{use_cookie_with_options, UseCookieHandle};
use crumbs_cookies::{CookieError, CookieJarJson, CookieOptions, DocumentJar, Result};

/// A cookie holding JSON of type `T`.
///
/// The handle clones whatever `T` is, as Yew's own handles do: moving a clone into a
/// [`Callback`] is how a component writes the cookie on a click, and `T` need only be
/// serde's, not `Clone`.
///
/// ```no_run
/// use crumbs_yew::use_cookie_json;
/// use yew::prelude::*;
///
/// // Serialize and Deserialize only: no Clone, no PartialEq, no Debug.
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Layout { columns: u8 }
///
/// #[component]
/// fn Columns() -> Html {
///     let layout = use_cookie_json::<Layout>("layout");
///     let two = {
///         let layout = layout.clone();
///         Callback::from(move |_: MouseEvent| { let _ = layout.set(&Layout { columns: 2 }); })
///     };
///     html! { <button onclick={two}>{ "Two columns" }</button> }
/// }
/// ```
pub struct UseCookieJsonHandle<T> {
    cookie: UseCookieHandle,
    /// `fn() -> T`: the handle makes `T`s, it holds none, so it is `Clone`, `PartialEq`
    /// and `Debug` whatever `T` is (the impls below are written by hand because a derive
    /// would demand each of those of `T`).
    kind: PhantomData<fn() -> T>,
}

impl<T> Clone for UseCookieJsonHandle<T> {
    fn clone(&self) -> Self {
        Self {
            cookie: self.cookie.clone(),
            kind: PhantomData,
        }
    }
}

/// Equal when the cookie's name, options and text are: two handles showing the same JSON
/// text show the same `T`.
impl<T> PartialEq for UseCookieJsonHandle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cookie == other.cookie
    }
}

impl<T> fmt::Debug for UseCookieJsonHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UseCookieJsonHandle")
            .field("type", &std::any::type_name::<T>())
            .field("cookie", &self.cookie)
            .finish()
    }
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

    /// Writes `value` as JSON with the hook's options. An error says why it was not kept:
    /// `T`'s serializer refused it (a map with non-string keys), or the browser did.
    pub fn set(&self, value: &T) -> Result<()> {
        DocumentJar::new()?.set_json_with(self.cookie.name(), value, self.cookie.options())
    }

    /// Removes the cookie, as [`UseCookieHandle::remove`] does: what to offer next to a
    /// value that no longer parses.
    pub fn remove(&self) -> Result<()> {
        self.cookie.remove()
    }
}

/// Watches cookie `name` holding JSON of any serde type: a typed value without writing
/// its encoding by hand, and a cookie someone else wrote badly is an error to show, not a
/// panic. The options are the defaults, as for [`use_cookie`](crate::use_cookie).
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

/// [`use_cookie_json`] with the options `set` and `remove` use, given once so every write
/// and the removal agree on `Path` and `Domain`.
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

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;

    /// Has none of Clone, PartialEq or Debug, as a serde-only type would.
    struct Opaque;

    fn handle(value: Option<&str>) -> UseCookieJsonHandle<Opaque> {
        UseCookieJsonHandle {
            cookie: UseCookieHandle {
                name: Rc::from("prefs"),
                options: Rc::new(CookieOptions::new()),
                value: value.map(str::to_owned),
            },
            kind: PhantomData,
        }
    }

    #[test]
    fn a_json_handle_clones_compares_and_prints_whatever_its_type() {
        let first = handle(Some("{}"));
        assert!(first.clone() == first);
        assert!(handle(Some("[]")) != first);
        let printed = format!("{first:?}");
        assert!(
            printed.contains("Opaque") && printed.contains("prefs"),
            "{printed}"
        );
    }
}
