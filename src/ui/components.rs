//! One component per file.

mod backend_switch;
mod cookie_editor;
mod cookie_table;
mod cookie_timeline;
mod forge_panel;
mod login_form;
mod network_log;
mod samesite_panel;
mod session_panel;
mod store_switch;
mod strategy_switch;

pub use backend_switch::{BackendSwitch, RealServerFacts};
pub use cookie_editor::CookieEditor;
pub use cookie_table::CookieTable;
pub use cookie_timeline::CookieTimeline;
pub use forge_panel::ForgePanel;
pub use login_form::LoginForm;
pub use network_log::NetworkLog;
pub use samesite_panel::SameSitePanel;
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
