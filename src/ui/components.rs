//! One component per file; the server switches' parts, plain functions, have a file each
//! too.

mod backend_switch;
mod cookie_editor;
mod cookie_table;
mod cookie_timeline;
mod forge_panel;
mod login_form;
mod network_log;
mod samesite_panel;
mod server_switches;
mod session_panel;
mod store_switch;
mod strategy_switch;

pub use cookie_editor::CookieEditor;
pub use cookie_table::CookieTable;
pub use cookie_timeline::CookieTimeline;
pub use forge_panel::ForgePanel;
pub use login_form::LoginForm;
pub use network_log::NetworkLog;
pub use samesite_panel::SameSitePanel;
pub use server_switches::ServerSwitches;
pub use session_panel::SessionPanel;

use web_sys::HtmlInputElement;
use yew::{Callback, InputEvent, TargetCast, UseStateHandle};

/// Keeps `state` equal to the text of the input this is the `oninput` of.
pub(crate) fn bind_text(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |event: InputEvent| {
        state.set(event.target_unchecked_into::<HtmlInputElement>().value())
    })
}
