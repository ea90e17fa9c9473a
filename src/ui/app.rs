use yew::prelude::*;

use super::components::{
    CookieTable, CookieTimeline, ForgePanel, LoginForm, NetworkLog, SameSitePanel, ServerSwitches,
    SessionPanel,
};
use super::context::LabContext;
use super::state::{LabAction, LabState, Purpose};
use crate::backend::{Backend, ServerProbe};
use crate::lab::boot;

/// The lab. Boots once per mount (a page load, or a remount in tests).
#[component]
pub fn App() -> Html {
    let booted = use_memo((), |_| boot());
    match &*booted {
        Ok((lab, state)) => html! { <Lab lab={lab.clone()} initial={state.clone()} /> },
        Err(error) => html! {
            <main class="app">
                <h1>{ "Crumbs" }</h1>
                <p role="alert" class="error">{ format!("The lab could not start: {error}") }</p>
            </main>
        },
    }
}

#[derive(Properties)]
struct LabProps {
    lab: std::rc::Rc<crate::lab::Lab>,
    initial: LabState,
}

impl PartialEq for LabProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.lab, &other.lab)
    }
}

#[component]
fn Lab(props: &LabProps) -> Html {
    let state = {
        let initial = props.initial.clone();
        use_reducer(move || initial)
    };
    let ctx = LabContext {
        lab: props.lab.clone(),
        state: state.clone(),
    };
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            let wanted = ctx.state.wanted;
            // The mock answers at once; `?backend=server` waits for the probe, so the
            // session is asked of the backend that will answer from now on.
            if wanted == Backend::Mock {
                ctx.check_session(Purpose::Restore);
            }
            yew::platform::spawn_local(async move {
                let probe = ctx.lab.probe().await;
                let found = matches!(probe, ServerProbe::Found { .. });
                ctx.dispatch(LabAction::Probed(probe));
                match (wanted, found) {
                    (Backend::Server, true) => {
                        ctx.choose_backend(Backend::Server, Purpose::Restore)
                    }
                    (Backend::Server, false) => ctx.check_session(Purpose::Restore),
                    (Backend::Mock, _) => {}
                }
            });
        });
    }
    html! {
        <ContextProvider<LabContext> context={ctx}>
            <main class="app">
                <header>
                    <h1>{ "Crumbs" }</h1>
                    <p class="lede">{ "How does a website remember you? Log in, reload, forge, log out — \
                        and watch the cookie and the session that make it work." }</p>
                </header>
                if let Some(notice) = &state.notice {
                    <p role="status" class="notice">{ notice }</p>
                }
                if let Some(error) = &state.settings_error {
                    <p role="alert" class="error">{ error }</p>
                }
                <section class="panel" aria-labelledby="server-heading">
                    <h2 id="server-heading">{ "Server" }</h2>
                    <div class="switches"><ServerSwitches /></div>
                </section>
                <div class="grid">
                    <SessionPanel />
                    <LoginForm />
                </div>
                <CookieTable />
                <CookieTimeline />
                <ForgePanel />
                <SameSitePanel />
                <NetworkLog />
            </main>
        </ContextProvider<LabContext>>
    }
}
