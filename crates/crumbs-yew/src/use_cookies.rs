use std::rc::Rc;

use yew::prelude::*;

use super::current_cookies;
use crumbs_cookies::{watch, CookiePair};

/// Every cookie this page can read, decoded, re-read whenever any of them changes: for a
/// component that lists cookies or reacts to several at once, where one
/// [`use_cookie`](crate::use_cookie) per name would not know the names in advance.
///
/// The list is shared (an `Rc`) with every other hook in the page: it is parsed once per
/// change, and a re-render clones a pointer, not the cookies. It holds what
/// `document.cookie` shows, so `HttpOnly` cookies are not in it.
///
/// ```no_run
/// use crumbs_yew::use_cookies;
/// use yew::prelude::*;
///
/// #[component]
/// fn Names() -> Html {
///     let cookies = use_cookies();
///     html! { <ul>{ for cookies.iter().map(|c| html! { <li>{ &c.name }</li> }) }</ul> }
/// }
/// ```
#[hook]
pub fn use_cookies() -> Rc<Vec<CookiePair>> {
    let cookies = use_state_eq(current_cookies);
    {
        let setter = cookies.setter();
        use_effect_with((), move |_| {
            setter.set(current_cookies());
            let subscription = watch::subscribe(move |cookies| setter.set(cookies.clone()));
            move || drop(subscription)
        });
    }
    (*cookies).clone()
}
