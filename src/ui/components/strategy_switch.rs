use yew::prelude::*;

use crumbs_mock::server::Strategy;

use crate::lab::Setting;
use crate::ui::context::LabContext;
use crate::ui::state::{LabAction, Purpose};

/// How the mock server decides who you are: part of [`ServerSwitches`](super::ServerSwitches).
pub(crate) fn strategy_switch(ctx: &LabContext) -> Html {
    let choose = |strategy: Strategy| {
        let ctx = ctx.clone();
        Callback::from(move |_: Event| {
            let result = ctx.lab.change(Setting::Strategy(strategy));
            match result {
                Ok(()) => {
                    ctx.dispatch(LabAction::StrategyChanged(strategy));
                    ctx.check_session(Purpose::Check);
                }
                Err(error) => ctx.dispatch(LabAction::SettingsFailed(error.to_string())),
            }
            ctx.refresh_notice();
        })
    };
    let current = ctx.state.strategy;
    html! {
        <fieldset>
            <legend>{ "Strategy" }</legend>
            <label><input type="radio" name="strategy" checked={current == Strategy::ServerSession}
                onchange={choose(Strategy::ServerSession)} />{ "Server session" }</label>
            <label><input type="radio" name="strategy" checked={current == Strategy::CookieOnly}
                onchange={choose(Strategy::CookieOnly)} />{ "Cookie only" }</label>
            <p class="explain">{ "Server session: the cookie carries a signed id, the server keeps who you are. \
                Cookie only: the cookie carries your name and the server takes its word for it. \
                Each strategy has its own cookie, crumbs.sid and crumbs.user. Switching removes \
                neither: it only changes which one the server reads, so switching back logs you in \
                again if that cookie (and, for Server session, its session) is still there. \
                Log out deletes both." }</p>
        </fieldset>
    }
}
