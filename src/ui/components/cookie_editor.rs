use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::bind_text;

use crate::ui::context::use_lab;
use crate::ui::state::capitalize;
use crumbs_cookies::clock::{seconds_rounded_up, Millis};
use crumbs_cookies::{CookieJar, CookieOptions, SameSite};

/// Writes a cookie with the attributes a person picks.
#[component]
pub fn CookieEditor() -> Html {
    let ctx = use_lab();
    let name = use_state(String::new);
    let value = use_state(String::new);
    let max_age = use_state(String::new);
    let path = use_state(|| "/".to_owned());
    let same_site = use_state(|| "Lax".to_owned());
    let outcome = use_state(|| None::<Result<String, String>>);

    let onsubmit = {
        let (ctx, name, value, max_age, path, same_site, outcome) = (
            ctx.clone(),
            name.clone(),
            value.clone(),
            max_age.clone(),
            path.clone(),
            same_site.clone(),
            outcome.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(bad) = name.chars().find(|c| is_separator(*c)) {
                outcome.set(Some(Err(refused_name(bad))));
                return;
            }
            let mut options = CookieOptions::new().path(path.trim());
            options = match same_site.as_str() {
                "Strict" => options.same_site(SameSite::Strict),
                "None" => options.same_site(SameSite::None),
                _ => options.same_site(SameSite::Lax),
            };
            let age = max_age.trim();
            if !age.is_empty() {
                match age.parse::<i64>() {
                    // The field counts seconds, as the attribute does; the jar takes ms.
                    Ok(seconds) => options = options.max_age(seconds.saturating_mul(1000)),
                    Err(_) => {
                        outcome.set(Some(Err(format!(
                            "Max-Age must be a whole number of seconds, not “{age}”: leave it empty \
                             for a session cookie, or write 0 to delete the cookie."
                        ))));
                        return;
                    }
                }
            }
            let result = ctx
                .lab
                .jar
                .set_with(&name, &value, &options)
                .map(|()| {
                    let path = options.get_path();
                    let seen = ctx.lab.jar.page().is_ok_and(|page| page.path_matches(path));
                    saved_outcome(&name, options.get_max_age(), path, seen)
                })
                .map_err(|error| capitalize(&error.to_string()));
            outcome.set(Some(result));
        })
    };
    let on_same_site = {
        let same_site = same_site.clone();
        Callback::from(move |event: Event| {
            same_site.set(event.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <form class="editor" {onsubmit}>
            <label>{ "Cookie name" }
                <input type="text" value={(*name).clone()} oninput={bind_text(&name)} />
            </label>
            <label>{ "Cookie value" }
                <input type="text" value={(*value).clone()} oninput={bind_text(&value)} />
            </label>
            <label>{ "Max-Age (seconds)" }
                <input type="text" inputmode="numeric" placeholder="empty: session cookie"
                    value={(*max_age).clone()} oninput={bind_text(&max_age)} />
            </label>
            <label>{ "Path" }
                <input type="text" value={(*path).clone()} oninput={bind_text(&path)} />
            </label>
            <label>{ "SameSite" }
                <select onchange={on_same_site}>
                    { for ["Lax", "Strict", "None"].iter().map(|option| html! {
                        <option value={*option} selected={*same_site == *option}>{ *option }</option>
                    }) }
                </select>
            </label>
            <p class="explain">{ "A Max-Age of 0 or less deletes the cookie. SameSite=None makes the \
                cookie Secure as well, since browsers refuse None without Secure; a Secure cookie can \
                only be set from an https page or a loopback address such as localhost (or 127.0.0.1, in Chromium). The table above shows the \
                expiry, Path, SameSite and Secure a cookie was stored with where the browser's Cookie \
                Store API reports them; devtools › Application › Cookies (Storage › Cookies in \
                Firefox) shows them in every browser." }</p>
            <button type="submit">{ "Set cookie" }</button>
            { match &*outcome {
                Some(Ok(message)) => html! { <p role="status" class="ok">{ message }</p> },
                Some(Err(message)) => html! { <p role="alert" class="error">{ message }</p> },
                None => html! {},
            } }
        </form>
    }
}

/// What the editor says once the jar took the cookie. The jar reads back only what this
/// page can see: for a `Path` the page is not under (`seen` false) nothing is confirmed,
/// and that is what it says. A `Max-Age` of zero or less (RFC 6265 §5.2.2: the cookie
/// expires at once) is a deletion; the read-back shows none of that name is left, which
/// may also mean there was none. `max_age` is in milliseconds, as the jar takes it, and
/// shown in the seconds the attribute carries.
fn saved_outcome(name: &str, max_age: Option<Millis>, path: &str, seen: bool) -> String {
    match max_age {
        _ if !seen => format!(
            "Wrote {name} for Path={path}. This page is not under that path, so it cannot read \
             cookies there and cannot confirm what the browser did."
        ),
        Some(ms) if ms <= 0 => format!(
            "Deleted {name}, if it was there: a Max-Age of {} tells the browser the cookie \
             has already expired, so it removes the cookie instead of storing it.",
            seconds_rounded_up(ms)
        ),
        _ => format!("Set {name}."),
    }
}

/// The separators of RFC 2616 §2.2 that RFC 6265 §4.1.1 keeps out of a cookie name (a
/// `token`). The cookie layer would percent-encode them, but a server reading the raw
/// header would not decode them, so the editor refuses them and says why.
const SEPARATORS: &str = "()<>@,;:\\\"/[]?={}";

/// Everything the editor refuses in a name: [`SEPARATORS`], spaces and control characters.
fn is_separator(c: char) -> bool {
    c.is_control() || c.is_whitespace() || SEPARATORS.contains(c)
}

/// Why a name holding `bad` is refused, listing exactly what [`is_separator`] refuses and
/// what the cookie layer does with the rest, so the message cannot claim more or less.
fn refused_name(bad: char) -> String {
    let listed: Vec<String> = SEPARATORS.chars().map(String::from).collect();
    format!(
        "A cookie name cannot contain {}. In the Cookie header, ; separates one cookie from the \
         next (RFC 6265 §4.2.1; some older servers also split on a comma), and = starts the value. \
         RFC 6265 §4.1.1 keeps these out of names: spaces, control characters and {}. Every other \
         character is accepted: ASCII letters and digits, the backtick and ! # $ & ' * + - . ^ _ | ~ are \
         written as they are, and the rest (such as %, or é) are percent-encoded, then decoded \
         when read back.",
        describe(bad),
        listed.join(" ")
    )
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("the character U+{:04X}", c as u32),
        c => format!("“{c}”"),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_separator, refused_name, saved_outcome, SEPARATORS};
    use crumbs_cookies::encode_name;

    #[test]
    fn a_max_age_of_zero_or_less_reports_a_deletion() {
        for max_age in [Some(0), Some(-1), Some(i64::MIN)] {
            let said = saved_outcome("theme", max_age, "/", true);
            assert!(said.starts_with("Deleted theme"), "{max_age:?}: {said}");
        }
        for max_age in [None, Some(1), Some(i64::MAX)] {
            let said = saved_outcome("theme", max_age, "/", true);
            assert!(said.starts_with("Set theme"), "{max_age:?}: {said}");
        }
    }

    #[test]
    fn a_cookie_on_a_path_this_page_cannot_read_is_not_claimed_as_set_or_deleted() {
        for max_age in [None, Some(60), Some(0)] {
            let said = saved_outcome("theme", max_age, "/app", false);
            assert!(
                said.starts_with("Wrote theme for Path=/app") && said.contains("cannot confirm"),
                "{max_age:?}: {said}"
            );
        }
        // A deletion is confirmed only in the sense that nothing of that name is left.
        let said = saved_outcome("theme", Some(0), "/", true);
        assert!(said.contains("if it was there"), "{said}");
    }

    #[test]
    fn the_refusal_lists_exactly_what_is_refused_and_tells_the_truth_about_the_rest() {
        let said = refused_name(';');
        assert!(!said.contains('`'), "{said}");
        for c in SEPARATORS.chars() {
            assert!(is_separator(c), "{c:?}");
        }
        // Every printable ASCII character that is not refused is written as is exactly
        // when the message says so.
        let as_is = "!#$&'*+-.^_|~";
        for c in as_is.chars() {
            assert!(said.contains(c), "{c:?} in {said}");
        }
        assert!(said.contains("backtick"), "{said}");
        for c in (' '..='~').filter(|c| !is_separator(*c)) {
            let listed = c.is_ascii_alphanumeric() || c == '`' || as_is.contains(c);
            assert_eq!(
                encode_name(&c.to_string()) == c.to_string(),
                listed,
                "{c:?}"
            );
        }
        // What it says is percent-encoded, is.
        for c in ['%', 'é'] {
            assert!(!is_separator(c), "{c:?}");
            assert!(encode_name(&c.to_string()).starts_with('%'), "{c:?}");
        }
    }

    #[test]
    fn separator_table() {
        for c in [
            '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}',
            ' ', '\t', '\n',
        ] {
            assert!(is_separator(c), "{c:?}");
        }
        for c in ['a', 'Z', '0', '-', '_', '.', '!', '~', '*', '\'', 'é'] {
            assert!(!is_separator(c), "{c:?}");
        }
    }
}
