use std::rc::Rc;

use yew::prelude::*;

use crumbs_cookies::cookie_store::CookieAttributes;
use crumbs_cookies::{watch, CookieError};

/// What [`use_cookie_attributes`] knows of the page's cookies' attributes.
///
/// ```
/// use crumbs_cookies::cookie_store::Unavailable;
/// use crumbs_cookies::CookieError;
/// use crumbs_yew::CookieAttributesState;
///
/// let firefox = CookieAttributesState::Unavailable(CookieError::AttributesUnavailable(
///     Unavailable::NamesAndValuesOnly,
/// ));
/// assert!(firefox.get("theme").is_none());
/// assert!(firefox.cookies().is_empty());
/// // The line to show under the table.
/// assert!(firefox.reason().unwrap().to_string().contains("names and values only"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum CookieAttributesState {
    /// The browser has not answered yet: the first read is under way (it answers within
    /// a few milliseconds of the component's first render).
    Reading,
    /// Every cookie the page can see, with its attributes, in `document.cookie`'s order,
    /// as the Cookie Store API last reported them.
    Known(Rc<Vec<CookieAttributes>>),
    /// Why this page cannot know them: its `to_string()` is one sentence to show under
    /// a cookie table ([`CookieError::AttributesUnavailable`], or the API failing).
    Unavailable(CookieError),
}

impl CookieAttributesState {
    /// The attributes of cookie `name` (decoded): the first cookie of that name, the one
    /// [`use_cookies`](crate::use_cookies) and [`use_cookie`](crate::use_cookie) show.
    /// `None` while reading, where unavailable, or without such a cookie.
    pub fn get(&self, name: &str) -> Option<&CookieAttributes> {
        self.cookies().iter().find(|cookie| cookie.name == name)
    }

    /// Every cookie with its attributes; empty unless [`Known`](Self::Known).
    pub fn cookies(&self) -> &[CookieAttributes] {
        match self {
            CookieAttributesState::Known(cookies) => cookies,
            _ => &[],
        }
    }

    /// Why the attributes are unknown, where they are; `None` while reading or known.
    pub fn reason(&self) -> Option<&CookieError> {
        match self {
            CookieAttributesState::Unavailable(error) => Some(error),
            _ => None,
        }
    }
}

impl From<Option<watch::Attributes>> for CookieAttributesState {
    /// The watcher's latest answer ([`watch::latest_attributes`]); `None` is
    /// [`Reading`](Self::Reading).
    fn from(answer: Option<watch::Attributes>) -> Self {
        match answer {
            None => CookieAttributesState::Reading,
            Some(Ok(cookies)) => CookieAttributesState::Known(cookies),
            Some(Err(error)) => CookieAttributesState::Unavailable(error),
        }
    }
}

/// Every cookie's attributes — expiry, `Path`, `Domain`, `Secure`, `SameSite` and
/// `Partitioned` (see [`CookieAttributes`] for each, against its RFC 6265bis section) —
/// from the Cookie Store API, re-read at every change the page-wide watcher sees, or
/// why the browser will not tell (Firefox ESR's API reports names and values only; no
/// browser offers the API to a page that is not https or localhost).
///
/// One read per change serves every component and the watcher's expiry timer: a cookie
/// leaves this list, as it leaves [`use_cookies`](crate::use_cookies), at its expiry. A
/// countdown needs its own clock tick; [`CookieAttributes::expires_in`] gives what is
/// left.
///
/// ```no_run
/// use crumbs_yew::{use_cookie_attributes, CookieAttributesState};
/// use yew::prelude::*;
///
/// #[component]
/// fn Expiries() -> Html {
///     let attributes = use_cookie_attributes();
///     let rows = attributes.cookies().iter().map(|cookie| {
///         let expires = match cookie.expires {
///             Some(at) => format!("{at}"),
///             None => "session".to_owned(),
///         };
///         html! { <tr><td>{ &cookie.name }</td><td>{ expires }</td><td>{ &cookie.path }</td></tr> }
///     });
///     html! {
///         <>
///             <table>{ for rows }</table>
///             if let Some(why) = attributes.reason() { <p>{ why.to_string() }</p> }
///         </>
///     }
/// }
/// ```
#[hook]
pub fn use_cookie_attributes() -> CookieAttributesState {
    let state = use_state_eq(|| CookieAttributesState::from(watch::latest_attributes()));
    {
        let setter = state.setter();
        use_effect_with((), move |_| {
            let told = setter.clone();
            let subscription = watch::subscribe_attributes(move |answer| {
                told.set(CookieAttributesState::from(Some(answer.clone())));
            });
            // An answer may have come between the first render and this effect.
            if let Some(answer) = watch::latest_attributes() {
                setter.set(CookieAttributesState::from(Some(answer)));
            }
            move || drop(subscription)
        });
    }
    (*state).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crumbs_cookies::cookie_store::Unavailable;

    fn cookie(name: &str, path: &str) -> CookieAttributes {
        CookieAttributes {
            name: name.into(),
            value: "1".into(),
            expires: None,
            path: path.into(),
            domain: None,
            secure: false,
            same_site: None,
            partitioned: false,
        }
    }

    #[test]
    fn the_watchers_answer_becomes_the_state() {
        assert_eq!(
            CookieAttributesState::from(None),
            CookieAttributesState::Reading
        );
        let why = CookieError::AttributesUnavailable(Unavailable::NoCookieStore);
        let unavailable = CookieAttributesState::from(Some(Err(why.clone())));
        assert_eq!(unavailable.reason(), Some(&why));
        assert!(unavailable.cookies().is_empty());
        let known = CookieAttributesState::from(Some(Ok(Rc::new(vec![cookie("a", "/")]))));
        assert_eq!(known.reason(), None);
        assert_eq!(known.cookies().len(), 1);
    }

    #[test]
    fn a_name_finds_the_first_cookie_of_that_name_as_the_value_hooks_do() {
        let state = CookieAttributesState::Known(Rc::new(vec![
            cookie("a", "/app"),
            cookie("b", "/"),
            cookie("a", "/"),
        ]));
        assert_eq!(state.get("a").map(|c| c.path.as_str()), Some("/app"));
        assert_eq!(state.get("b").map(|c| c.path.as_str()), Some("/"));
        assert_eq!(state.get("c"), None);
        assert_eq!(CookieAttributesState::Reading.get("a"), None);
    }
}
