use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::bind_text;

use crate::cookies::{CookieJar, CookieOptions, SameSite};
use crate::ui::lab::use_lab;

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
                outcome.set(Some(Err(format!(
                    "A cookie name cannot contain {}: servers read `;` and `,` as the end of a cookie, \
                     `=` as the start of its value, and the other separators (RFC 6265 §4.1.1) break \
                     parsers. Use letters, digits and - _ . ! ~ * ' only.",
                    describe(bad)
                ))));
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
                    Ok(seconds) => options = options.max_age(seconds),
                    Err(_) => {
                        outcome.set(Some(Err(format!(
                            "Max-Age must be a whole number of seconds, not `{age}`: leave it empty for a session cookie"
                        ))));
                        return;
                    }
                }
            }
            let result = ctx
                .lab
                .jar
                .set_with(&name, &value, &options)
                .map(|()| format!("Set `{}`.", *name))
                .map_err(|error| capitalized(&error.to_string()));
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
            <button type="submit">{ "Set cookie" }</button>
            { match &*outcome {
                Some(Ok(message)) => html! { <p role="status" class="ok">{ message }</p> },
                Some(Err(message)) => html! { <p role="alert" class="error">{ message }</p> },
                None => html! {},
            } }
        </form>
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Characters RFC 6265 §4.1.1 (a `token`, RFC 2616 §2.2) keeps out of cookie names. The
/// cookie layer would encode them, but a server reading the raw header would not decode
/// them, so the editor refuses them and says why.
fn is_separator(c: char) -> bool {
    c.is_control() || c.is_whitespace() || "()<>@,;:\\\"/[]?={}".contains(c)
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("the character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_separator;

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
