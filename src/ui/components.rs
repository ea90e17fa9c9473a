//! One component per file.

mod cookie_editor;
mod cookie_table;
mod forge_panel;
mod login_form;
mod network_log;
mod session_panel;
mod store_switch;
mod strategy_switch;

pub use cookie_editor::CookieEditor;
pub use cookie_table::CookieTable;
pub use forge_panel::ForgePanel;
pub use login_form::LoginForm;
pub use network_log::NetworkLog;
pub use session_panel::SessionPanel;
pub use store_switch::StoreSwitch;
pub use strategy_switch::StrategySwitch;

use web_sys::HtmlInputElement;
use yew::{Callback, InputEvent, TargetCast, UseStateHandle};

/// Keeps `state` equal to the text of the input this is the `oninput` of.
pub(crate) fn bind_text(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |event: InputEvent| {
        state.set(event.target_unchecked_into::<HtmlInputElement>().value())
    })
}

/// Messages from the server, the client and the cookie layer may mark names and code
/// with backticks, as their docs do. The page shows such spans as `<code>`, never the
/// backticks themselves: pieces of `text` and whether each is code. A backtick with no
/// partner is kept as it is, since it is then part of the text (a cookie name can hold
/// one).
pub(crate) fn code_spans(text: &str) -> Vec<(bool, String)> {
    let pieces: Vec<&str> = text.split('`').collect();
    let paired = if pieces.len().is_multiple_of(2) {
        pieces.len() - 1
    } else {
        pieces.len()
    };
    let mut spans: Vec<(bool, String)> = pieces[..paired]
        .iter()
        .enumerate()
        .filter(|(_, piece)| !piece.is_empty())
        .map(|(i, piece)| (i % 2 == 1, (*piece).to_owned()))
        .collect();
    if paired < pieces.len() {
        let rest = format!("`{}", pieces[paired]);
        match spans.last_mut() {
            Some((false, last)) => last.push_str(&rest),
            _ => spans.push((false, rest)),
        }
    }
    spans
}

/// `text` with its backtick spans rendered as `<code>` (see [`code_spans`]).
pub(crate) fn rich(text: &str) -> yew::Html {
    code_spans(text)
        .into_iter()
        .map(|(code, piece)| {
            if code {
                yew::html! { <code>{ piece }</code> }
            } else {
                yew::html! { { piece } }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::code_spans;

    #[test]
    fn backtick_spans_become_code_and_lone_backticks_stay_text() {
        let spans = |text| code_spans(text);
        assert_eq!(spans(""), vec![]);
        assert_eq!(spans("plain"), vec![(false, "plain".to_owned())]);
        assert_eq!(
            spans("no `crumbs.sid` cookie came"),
            vec![
                (false, "no ".to_owned()),
                (true, "crumbs.sid".to_owned()),
                (false, " cookie came".to_owned()),
            ]
        );
        assert_eq!(
            spans("`a` and `b`"),
            vec![
                (true, "a".to_owned()),
                (false, " and ".to_owned()),
                (true, "b".to_owned()),
            ]
        );
        assert_eq!(
            spans("`a` then a lone ` here"),
            vec![
                (true, "a".to_owned()),
                (false, " then a lone ` here".to_owned()),
            ]
        );
        assert_eq!(spans("`"), vec![(false, "`".to_owned())]);
        for text in ["x `y` z", "`only`", "a ` b ` c ` d"] {
            let visible: String = code_spans(text).into_iter().map(|(_, s)| s).collect();
            let backticks_left = visible.matches('`').count();
            assert_eq!(backticks_left, text.matches('`').count() % 2, "{text}");
        }
    }
}
