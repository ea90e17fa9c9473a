//! How components reach the lab: the running pieces and the page's state, as one context.

use std::rc::Rc;

use crumbs_protocol::http::Request;
use yew::prelude::*;

use super::state::{LabAction, LabState, Purpose};
use crate::backend::Backend;
use crate::lab::Lab;

/// What components reach the lab through.
#[derive(Clone)]
pub struct LabContext {
    pub lab: Rc<Lab>,
    pub state: UseReducerHandle<LabState>,
}

impl PartialEq for LabContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lab, &other.lab) && self.state == other.state
    }
}

impl LabContext {
    /// Sends `request` to the backend in use; the answer lands in the state as `purpose`,
    /// marked with that backend.
    pub fn send(&self, purpose: Purpose, request: Request) {
        let lab = self.lab.clone();
        let (backend, transport) = (lab.backend(), lab.transport());
        let dispatcher = self.state.dispatcher();
        dispatcher.dispatch(LabAction::Sending(purpose));
        yew::platform::spawn_local(async move {
            let exchange = transport.send(request).await;
            dispatcher.dispatch(LabAction::Answered(purpose, backend, Rc::new(exchange)));
            if let Some(notice) = lab.server_notice() {
                dispatcher.dispatch(LabAction::ServerNotice(notice));
            }
        });
    }

    /// Shows what the server now says about its storage, if anything.
    pub fn refresh_notice(&self) {
        if let Some(notice) = self.lab.server_notice() {
            self.dispatch(LabAction::ServerNotice(notice));
        }
    }

    /// Sends the requests that follow to `backend`, then asks it who you are (as
    /// `purpose`). A choice the address could not keep still holds; the page says a reload
    /// would forget it.
    pub fn choose_backend(&self, backend: Backend, purpose: Purpose) {
        let kept = self.lab.choose_backend(backend);
        self.dispatch(LabAction::BackendChosen(backend));
        if let Err(why) = kept {
            self.dispatch(LabAction::BackendNotKept(why));
        }
        self.check_session(purpose);
    }

    pub fn check_session(&self, purpose: Purpose) {
        self.send(purpose, Request::get("/api/session"));
    }

    pub fn dispatch(&self, action: LabAction) {
        self.state.dispatch(action);
    }
}

#[hook]
pub fn use_lab() -> LabContext {
    use_context::<LabContext>().expect("lab components are rendered inside the App")
}
