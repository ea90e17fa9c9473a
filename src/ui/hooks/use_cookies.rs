use std::rc::Rc;

use yew::prelude::*;

use super::current_cookie_string;
use crate::cookies::{parse, watch, CookiePair};

/// Every cookie this page can read, decoded, re-read whenever any of them changes.
///
/// ```no_run
/// use crumbs::ui::hooks::use_cookies;
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
    let cookies = use_state_eq(|| Rc::new(parse(&current_cookie_string())));
    {
        let setter = cookies.setter();
        use_effect_with((), move |_| {
            setter.set(Rc::new(parse(&current_cookie_string())));
            let subscription = watch::subscribe(move |raw| setter.set(Rc::new(parse(raw))));
            move || drop(subscription)
        });
    }
    (*cookies).clone()
}
