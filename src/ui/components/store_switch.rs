use yew::prelude::*;

use crumbs_mock::server::StoreKind;

use crate::lab::Setting;
use crate::ui::context::LabContext;
use crate::ui::state::LabAction;

/// Where the mock server keeps its sessions: part of
/// [`ServerSwitches`](super::ServerSwitches).
pub(crate) fn store_switch(ctx: &LabContext) -> Html {
    let choose = |store: StoreKind| {
        let ctx = ctx.clone();
        Callback::from(move |_: Event| {
            let result = ctx.lab.change(Setting::Store(store));
            match result {
                Ok(()) => ctx.dispatch(LabAction::StoreChanged(store)),
                Err(error) => ctx.dispatch(LabAction::SettingsFailed(error.to_string())),
            }
            ctx.refresh_notice();
        })
    };
    let current = ctx.state.store;
    html! {
        <fieldset>
            <legend>{ "Session store" }</legend>
            <label><input type="radio" name="store" checked={current == StoreKind::Database}
                onchange={choose(StoreKind::Database)} />{ "Database" }</label>
            <label><input type="radio" name="store" checked={current == StoreKind::Memory}
                onchange={choose(StoreKind::Memory)} />{ "Memory" }</label>
            <p class="explain">{ "Database keeps sessions in localStorage, so they outlive a reload. \
                Memory loses them at every reload, like a server restarted without a database: \
                the cookie survives, but the session it points to is gone." }</p>
        </fieldset>
    }
}
