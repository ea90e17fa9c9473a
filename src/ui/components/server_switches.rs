use yew::prelude::*;

use super::backend_switch::{backend_switch, real_server_facts};
use super::store_switch::store_switch;
use super::strategy_switch::strategy_switch;
use crate::backend::Backend;
use crate::ui::context::use_lab;

/// The "Server" panel's switches: which backend answers; for the mock, its strategy and
/// its store; for the real server, what its command line chose.
///
/// One component drawing the four parts (plain functions, each in its own file), not one
/// component each: they all read only the lab's context, so they rendered together
/// anyway, and every Yew component costs the page about 0.5 KB gzip of Wasm.
#[component]
pub fn ServerSwitches() -> Html {
    let ctx = use_lab();
    html! {
        <>
            { backend_switch(&ctx) }
            // The mock's own settings: the real server's are on its command line.
            if ctx.state.backend == Backend::Mock {
                { strategy_switch(&ctx) }
                { store_switch(&ctx) }
            } else {
                { real_server_facts(&ctx) }
            }
        </>
    }
}
