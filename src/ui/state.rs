//! The lab's state as one reducer, so every rule about what the page shows is tested
//! without a DOM.

use std::rc::Rc;

use yew::Reducible;

use crumbs_cookies::clock::Millis;
use crumbs_mock::server::{StoreKind, Strategy};
use crumbs_protocol::api::{ErrorBody, Reason, SessionBody};
use crumbs_protocol::Exchange;
use crumbs_protocol::{SESSION_COOKIE, USER_COOKIE};

use crate::backend::{Backend, ServerProbe};
use crate::fetch::received_cookie_names;
use crate::forge::ScriptWrite;
pub use crate::ui::saved_log::LogEntry;
use crate::ui::saved_log::{self, Restored, TabLog};

/// Why a request was sent, which decides what its answer changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The check at page load: is the browser still logged in?
    Restore,
    /// A check later on (after a switch, or when the countdown ends).
    Check,
    Login,
    Logout,
    /// A check right after the cookie was forged.
    Forge,
    /// The SameSite experiment's (real server only): setting its cookies, or asking what
    /// a run carried. Its answer is kept as it is, for the panel to read.
    SameSite,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    Checking,
    LoggedIn {
        user: String,
        /// `None` when the server keeps no session (cookie only).
        expires_at: Option<Millis>,
        how: String,
    },
    LoggedOut {
        why: Option<String>,
    },
}

/// The outcome of a forgery, for the page to explain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForgeReport {
    pub strategy: Strategy,
    pub forged: String,
    pub accepted: bool,
    pub outcome: String,
    /// With the real server, Forge writes with `document.cookie` as any page script could:
    /// what the browser did with that write. `None` with the mock, which Forge edits in place.
    pub script: Option<ScriptWrite>,
}

impl ForgeReport {
    /// Whether the server believed a forged cookie: the mock's Cookie only strategy. With
    /// the real server an accepted answer comes from the real cookie, the forgery ignored.
    pub fn fooled(&self) -> bool {
        self.accepted && self.script.is_none()
    }

    /// One paragraph on why it turned out this way.
    pub fn why(&self) -> &'static str {
        if self.script.is_some() {
            return if self.accepted {
                "The server still knows you: the browser sent your real, HttpOnly crumbs.sid, \
                 which the script could neither read nor replace. HttpOnly keeps the cookie's \
                 value out of page script's reach, a script injected into the page (XSS) \
                 included, but not out of yours: devtools and curl send any Cookie header (see \
                 below), and then only the server's signature check stands in the way."
            } else {
                "The server refused what it received: a value without a signature made with the \
                 server's secret. A script can plant a crumbs.sid when the browser holds none, \
                 but it cannot replace an HttpOnly one, and without the secret it cannot make a \
                 cookie the server accepts."
            };
        }
        match (self.strategy, self.accepted) {
            (Strategy::CookieOnly, true) => {
                "The server believed the cookie. A cookie is only text that the browser keeps \
                 and sends back, and anyone can rewrite it in devtools. This server stored the \
                 user name in it with nothing to check it against, so whoever edits the cookie \
                 becomes whoever they write. A real server trusts a cookie that says who you \
                 are only when it can verify it: by a signature made with a secret it keeps \
                 (signed cookie sessions are a standard design) or by a lookup in its own \
                 records, as the Server session strategy does."
            }
            (Strategy::CookieOnly, false) => {
                "Under Cookie only no login is needed: the server believes any crumbs.user \
                 cookie that reaches it. A refusal means the forged cookie did not reach it, or \
                 the server failed (the reason is above); the network log shows what the \
                 browser sent."
            }
            (Strategy::ServerSession, false) => {
                "The server refused the cookie. It holds only a session id followed by an \
                 HMAC-SHA256 signature made with the server's secret. Changing even one \
                 character breaks the signature, and without the secret nobody can compute a \
                 new one, so the server rejected the cookie and told the browser to delete it. \
                 A real server keeps that secret to itself. This mock keeps it in the page's \
                 localStorage, under crumbs.server, where anyone at this browser can read it \
                 in devtools (Application › Local storage), with the session ids beside it."
            }
            (Strategy::ServerSession, true) => {
                "The server accepted the cookie: the forgery left the signed id as it was. \
                 Only someone holding the secret can sign an id: the server, or, in this lab, \
                 anyone who reads crumbs.server in localStorage."
            }
        }
    }
}

/// Which login cookies were already in the jar when this page loaded, one flag per
/// cookie: the strategy can change after the load, and the panel must then speak of the
/// other cookie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CookiesAtLoad {
    /// `crumbs.sid` (Server session).
    pub session: bool,
    /// `crumbs.user` (Cookie only).
    pub user: bool,
}

impl CookiesAtLoad {
    /// Whether the cookie that carries the login under `strategy` was there.
    pub fn for_strategy(self, strategy: Strategy) -> bool {
        match strategy {
            Strategy::ServerSession => self.session,
            Strategy::CookieOnly => self.user,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LabState {
    pub page_load: u32,
    /// Where requests go now.
    pub backend: Backend,
    /// What the page's address asked for at load (`?backend=server`): the real server is
    /// chosen once it answers as one.
    pub wanted: Backend,
    /// Whether a real server answers at this origin.
    pub probe: ServerProbe,
    /// The names of the cookies the real server says the last session check carried
    /// (`X-Crumbs-Cookie-Names`); `None` before one, after a login or logout (whose
    /// requests say nothing of the cookie their answers set or clear), or when it did not say.
    pub received: Option<Vec<String>>,
    /// The SameSite experiment's last answer.
    pub samesite: Option<Rc<Exchange>>,
    /// Which login cookies were in the jar when this page loaded.
    pub cookies_at_load: CookiesAtLoad,
    pub session: SessionStatus,
    pub pending: Option<Purpose>,
    pub login_error: Option<String>,
    /// This tab's page loads and exchanges, this load's and those kept from before.
    pub log: TabLog,
    /// Bumped at each change to `log`, so the page saves it only when it changed.
    pub log_revision: u32,
    /// Whether "Clear log" was pressed during this load.
    pub log_cleared: bool,
    /// Why the saved log could not be read, so the log starts afresh.
    pub log_notice: Option<String>,
    /// Why the log could not be saved, when the browser refused the last write.
    pub log_unsaved: Option<String>,
    pub strategy: Strategy,
    pub store: StoreKind,
    pub forge: Option<ForgeReport>,
    /// Why the real server's forge could not write its cookie. Kept here, not in the forge
    /// panel, so that panel needs no component of its own for the real server (see
    /// `ForgePanel`); forgotten at every change of backend, as that component's state was.
    pub script_forge_error: Option<String>,
    /// How the mock server started, when that needs saying (recovered storage).
    pub notice: Option<String>,
    pub settings_error: Option<String>,
    /// How many setting changes the server refused: each refusal is a new state, so the
    /// switches render again and put back the radio button the click moved, even when
    /// the message is the same as last time.
    pub settings_refusals: u32,
    /// A request about the session (a logout) that failed: what the page must say.
    pub session_error: Option<String>,
}

impl LabState {
    pub fn new(
        page_load: u32,
        cookies_at_load: CookiesAtLoad,
        strategy: Strategy,
        store: StoreKind,
    ) -> Self {
        Self {
            page_load,
            backend: Backend::Mock,
            wanted: Backend::Mock,
            probe: ServerProbe::Looking,
            received: None,
            samesite: None,
            cookies_at_load,
            session: SessionStatus::Checking,
            pending: None,
            login_error: None,
            log: {
                let mut log = TabLog::default();
                log.begin_load(page_load);
                log
            },
            log_revision: 0,
            log_cleared: false,
            log_notice: None,
            log_unsaved: None,
            strategy,
            store,
            forge: None,
            script_forge_error: None,
            notice: None,
            settings_error: None,
            settings_refusals: 0,
            session_error: None,
        }
    }

    /// This state, with the log kept for the tab (see [`saved_log::restore`]).
    pub fn with_saved_log(mut self, restored: Restored) -> Self {
        self.log = restored.log;
        self.log_notice = restored.notice;
        self
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }

    /// This state, asking for `backend` at load.
    pub fn asking_for(mut self, backend: Backend) -> Self {
        self.wanted = backend;
        self
    }

    /// Whether the cookie the current strategy logs in with was in the jar at load.
    pub fn login_cookie_at_load(&self) -> bool {
        self.cookies_at_load.for_strategy(self.strategy_in_use())
    }

    /// The strategy of the backend in use: the mock's setting, or the real server's only
    /// one, server sessions.
    pub fn strategy_in_use(&self) -> Strategy {
        match self.backend {
            Backend::Mock => self.strategy,
            Backend::Server => Strategy::ServerSession,
        }
    }

    /// Whether the backend is not settled yet: the address asks for the real server and
    /// `GET /api/health` has not answered. A request sent now would go to the mock.
    pub fn still_choosing(&self) -> bool {
        self.wanted == Backend::Server && self.probe == ServerProbe::Looking
    }

    /// Whether the real server can be chosen.
    pub fn server_found(&self) -> bool {
        matches!(self.probe, ServerProbe::Found { .. })
    }

    pub fn logged_in_user(&self) -> Option<&str> {
        match &self.session {
            SessionStatus::LoggedIn { user, .. } => Some(user),
            _ => None,
        }
    }
}

pub enum LabAction {
    Sending(Purpose),
    /// An answer, from the backend the request went to.
    Answered(Purpose, Backend, Rc<Exchange>),
    /// The form was not sent: what to fix.
    LoginInvalid(String),
    Forged(String),
    /// Forge with the real server: what the script wrote and what the browser did with it.
    ForgedByScript(String, ScriptWrite),
    /// Forge with the real server could not write its cookie: why, for people.
    ScriptForgeFailed(String),
    /// What `GET /api/health` told.
    Probed(ServerProbe),
    /// Requests go to this backend from now on.
    BackendChosen(Backend),
    /// The backend was switched, but the address could not keep the choice: why.
    BackendNotKept(String),
    StrategyChanged(Strategy),
    StoreChanged(StoreKind),
    SettingsFailed(String),
    /// What the server now says about its storage (it can find its data spoiled mid-run).
    ServerNotice(String),
    /// "Clear log": only this page load stays, with nothing in it.
    ClearLog,
    /// Saving the log: `Err` says why the browser refused.
    LogSaved(Result<(), String>),
}

enum Answer {
    Session(SessionBody),
    LoggedOut,
    Failed(ErrorBody),
}

fn read_answer(exchange: &Exchange) -> Answer {
    let response = &exchange.response;
    match response.status {
        200 => match serde_json::from_str::<SessionBody>(&response.body) {
            Ok(body) => Answer::Session(body),
            Err(error) => Answer::Failed(ErrorBody {
                reason: Reason::Internal,
                error: format!("the server's answer could not be read: {error}"),
            }),
        },
        204 => Answer::LoggedOut,
        status => Answer::Failed(serde_json::from_str(&response.body).unwrap_or(ErrorBody {
            reason: Reason::Internal,
            error: format!("the server answered {status} without saying why"),
        })),
    }
}

impl Reducible for LabState {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            LabAction::Sending(purpose) => {
                state.pending = Some(purpose);
                match purpose {
                    Purpose::Login => state.login_error = None,
                    Purpose::Logout => state.session_error = None,
                    _ => {}
                }
            }
            LabAction::LoginInvalid(why) => state.login_error = Some(why),
            LabAction::Forged(value) => {
                state.forge = Some(ForgeReport {
                    strategy: state.strategy_in_use(),
                    forged: value,
                    accepted: false,
                    outcome: "Asking the server…".to_owned(),
                    script: None,
                })
            }
            LabAction::ForgedByScript(written, write) => {
                state.script_forge_error = None;
                state.forge = Some(ForgeReport {
                    strategy: Strategy::ServerSession,
                    forged: written,
                    accepted: false,
                    outcome: "Asking the server…".to_owned(),
                    script: Some(write),
                })
            }
            LabAction::ScriptForgeFailed(why) => state.script_forge_error = Some(why),
            LabAction::Probed(probe) => state.probe = probe,
            LabAction::BackendChosen(backend) => {
                if state.backend == backend {
                    return self;
                }
                state.backend = backend;
                // What was said about the other backend no longer holds; an answer still on
                // its way from it is logged but changes nothing (see `Answered`), so no
                // button waits for it. What the user typed lives in the components and stays.
                state.session = SessionStatus::Checking;
                state.pending = None;
                state.forge = None;
                state.script_forge_error = None;
                state.login_error = None;
                state.session_error = None;
                state.settings_error = None;
                state.received = None;
                state.samesite = None;
            }
            LabAction::BackendNotKept(why) => state.settings_error = Some(capitalize(&why)),
            LabAction::StrategyChanged(strategy) => {
                state.strategy = strategy;
                state.forge = None;
                state.settings_error = None;
            }
            LabAction::StoreChanged(store) => {
                state.store = store;
                state.settings_error = None;
            }
            LabAction::SettingsFailed(why) => {
                state.settings_error = Some(capitalize(&why));
                state.settings_refusals = state.settings_refusals.wrapping_add(1);
            }
            LabAction::ServerNotice(notice) => {
                if state.notice.as_ref() == Some(&notice) {
                    return self;
                }
                state.notice = Some(notice);
            }
            LabAction::ClearLog => {
                state.log = TabLog::default();
                state.log.begin_load(state.page_load);
                state.log_revision = state.log_revision.wrapping_add(1);
                state.log_cleared = true;
                state.log_notice = None;
            }
            LabAction::LogSaved(result) => {
                let unsaved = result.err().map(|why| saved_log::unsaved_notice(&why));
                if state.log_unsaved == unsaved {
                    return self;
                }
                state.log_unsaved = unsaved;
            }
            LabAction::Answered(purpose, backend, exchange) => {
                let answer = read_answer(&exchange);
                let received = received_cookie_names(&exchange.response);
                let kept = exchange.clone();
                state.log.push(LogEntry {
                    backend,
                    page_load: state.page_load,
                    exchange,
                });
                state.log_revision = state.log_revision.wrapping_add(1);
                // Sent before a switch: the log shows it, but it says nothing about the
                // backend in use now.
                if backend != state.backend {
                    return Rc::new(state);
                }
                if state.pending == Some(purpose) {
                    state.pending = None;
                }
                // It says nothing of the login: the panel reads it whole.
                if purpose == Purpose::SameSite {
                    state.samesite = Some(kept);
                    return Rc::new(state);
                }
                if backend == Backend::Server {
                    // Only a session check tells what the browser holds: a login's request
                    // went out before its answer set the cookie, a logout's answer cleared it.
                    state.received = match purpose {
                        Purpose::Restore | Purpose::Check | Purpose::Forge => received,
                        Purpose::Login | Purpose::Logout | Purpose::SameSite => None,
                    };
                }
                apply_answer(&mut state, purpose, answer);
            }
        }
        Rc::new(state)
    }
}

fn apply_answer(state: &mut LabState, purpose: Purpose, answer: Answer) {
    match (purpose, answer) {
        (Purpose::Login, Answer::Session(body)) => {
            state.login_error = None;
            state.session_error = None;
            state.forge = None;
            state.session = logged_in(body);
        }
        (Purpose::Login, Answer::Failed(error)) => {
            state.login_error = Some(capitalize(&error.error))
        }
        (Purpose::Logout, Answer::LoggedOut) => {
            state.forge = None;
            state.session_error = None;
            state.session = SessionStatus::LoggedOut {
                why: Some(logged_out_why(state.strategy_in_use())),
            }
        }
        // The server changed nothing and cleared no cookie: say so, and keep showing the
        // login it still believes (a server session, or under Cookie only the cookie).
        (Purpose::Logout, Answer::Failed(error)) => {
            state.session_error = Some(format!(
                "Logging out failed: {}. Nothing was removed, so you are still logged in; \
                 try again.",
                error.error.trim_end_matches('.')
            ))
        }
        (Purpose::Logout, Answer::Session(_)) => {
            state.session_error = Some(
                "Logging out failed: the server answered as if you were still logged in."
                    .to_owned(),
            )
        }
        (Purpose::Forge, answer) => {
            // A script's write the browser ignored leaves the real cookie to answer: the
            // server recognising you then is no forgery accepted.
            let by_script = state.forge.as_ref().and_then(|report| report.script);
            let (accepted, outcome) = match &answer {
                Answer::Session(body) if by_script == Some(ScriptWrite::Ignored) => (
                    true,
                    format!(
                        "The server still says you are {}: it received your own cookie.",
                        body.user
                    ),
                ),
                Answer::Session(body) => (
                    true,
                    format!("Accepted: the server says you are {}.", body.user),
                ),
                Answer::Failed(error) => (false, format!("Rejected: {}.", error.error)),
                Answer::LoggedOut => (false, "Rejected.".to_owned()),
            };
            if let Some(report) = state.forge.as_mut() {
                report.accepted = accepted;
                report.outcome = outcome;
            }
            state.session = status_from(answer);
        }
        // Kept whole before this is reached (see `Answered`).
        (Purpose::SameSite, _) => {}
        (Purpose::Restore | Purpose::Check, answer) => {
            state.session_error = None;
            state.session = status_from(answer)
        }
        (Purpose::Login, Answer::LoggedOut) => {}
    }
}

/// What a logout did: the server's answer deletes both login cookies, and forgets the
/// session a valid `crumbs.sid` names, whatever the strategy; under Cookie only the
/// login itself had no session on the server.
fn logged_out_why(strategy: Strategy) -> String {
    match strategy {
        Strategy::ServerSession => format!(
            "You logged out: the server ended the session your {SESSION_COOKIE} cookie named, if \
             it still had it, and its answer's Set-Cookie lines (Max-Age=0) deleted both login cookies, \
             {SESSION_COOKIE} and {USER_COOKIE}."
        ),
        Strategy::CookieOnly => format!(
            "You logged out. Under Cookie only the server keeps no session for your login, so \
             there was no session to end: its answer's Set-Cookie lines (Max-Age=0) deleted \
             the {USER_COOKIE} cookie, and {SESSION_COOKIE} too (ending the server session \
             it named, if any), so switching strategy finds no login left behind."
        ),
    }
}

fn status_from(answer: Answer) -> SessionStatus {
    match answer {
        Answer::Session(body) => logged_in(body),
        Answer::Failed(error) => SessionStatus::LoggedOut {
            why: match error.reason {
                Reason::MissingCookie => None,
                _ => Some(capitalize(&error.error)),
            },
        },
        Answer::LoggedOut => SessionStatus::LoggedOut { why: None },
    }
}

fn logged_in(body: SessionBody) -> SessionStatus {
    SessionStatus::LoggedIn {
        user: body.user,
        expires_at: body.expires_at,
        how: capitalize(&body.how),
    }
}

/// Messages from the server, the client and the cookie layer start lower-case, to be
/// composed; shown on their own they start with a capital.
pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crumbs_protocol::http::{Request, Response};

    fn exchange(status: u16, body: &str) -> Rc<Exchange> {
        Rc::new(Exchange {
            request: Request::get("/api/session"),
            response: Response {
                status,
                headers: Default::default(),
                body: body.to_owned(),
            },
            notes: Vec::new(),
        })
    }

    fn ok(user: &str) -> Rc<Exchange> {
        exchange(
            200,
            &format!(r#"{{"user":"{user}","expires_at":1000,"how":"the cookie matched"}}"#),
        )
    }

    fn err(status: u16, reason: &str, error: &str) -> Rc<Exchange> {
        exchange(
            status,
            &format!(r#"{{"reason":"{reason}","error":"{error}"}}"#),
        )
    }

    #[test]
    fn a_script_forge_error_lasts_until_the_next_forge_or_a_change_of_backend() {
        let failed = start()
            .reduce(LabAction::BackendChosen(Backend::Server))
            .reduce(LabAction::ScriptForgeFailed("Cookies are off".into()));
        assert_eq!(
            failed.script_forge_error.as_deref(),
            Some("Cookies are off")
        );
        let same = failed
            .clone()
            .reduce(LabAction::BackendChosen(Backend::Server));
        assert_eq!(
            same.script_forge_error.as_deref(),
            Some("Cookies are off"),
            "choosing the backend in use changes nothing"
        );
        let forged = failed.clone().reduce(LabAction::ForgedByScript(
            "crumbs.sid=forged-by-script".into(),
            ScriptWrite::Ignored,
        ));
        assert_eq!(forged.script_forge_error, None);
        let away_and_back = failed
            .reduce(LabAction::BackendChosen(Backend::Mock))
            .reduce(LabAction::BackendChosen(Backend::Server));
        assert_eq!(away_and_back.script_forge_error, None);
    }

    fn start() -> Rc<LabState> {
        Rc::new(LabState::new(
            1,
            CookiesAtLoad::default(),
            Strategy::ServerSession,
            StoreKind::Database,
        ))
    }

    #[test]
    fn clear_log_keeps_only_this_load_and_a_refused_save_is_said_until_one_succeeds() {
        let mut earlier = TabLog::default();
        earlier.begin_load(1);
        let state = Rc::new(
            LabState::new(
                2,
                CookiesAtLoad::default(),
                Strategy::ServerSession,
                StoreKind::Database,
            )
            .with_saved_log(saved_log::restore(Ok(Some(earlier.to_json())), 2)),
        );
        let state = state.reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Mock,
            ok("a"),
        ));
        assert_eq!(state.log.loads, vec![1, 2]);
        assert_eq!(state.log.entries[0].page_load, 2, "marked with this load");
        let revision = state.log_revision;

        let state = state.reduce(LabAction::ClearLog);
        assert_eq!(state.log.loads, vec![2]);
        assert!(state.log.entries.is_empty() && state.log_cleared);
        assert_ne!(
            state.log_revision, revision,
            "so the page saves the cleared log"
        );

        let state = state.reduce(LabAction::LogSaved(Err("full".to_owned())));
        assert_eq!(
            state.log_unsaved.as_deref(),
            Some(
                "This browser refused to save the network log for this tab (full), so a \
                 reload will not show what is above."
            )
        );
        let state = state.reduce(LabAction::LogSaved(Ok(())));
        assert_eq!(state.log_unsaved, None);
    }

    #[test]
    fn restore_logs_in_or_out_and_logs_the_exchange() {
        let state = start().reduce(LabAction::Sending(Purpose::Restore));
        assert_eq!(state.pending, Some(Purpose::Restore));
        let state = state.reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Mock,
            ok("alice"),
        ));
        assert_eq!(state.logged_in_user(), Some("alice"));
        assert_eq!(state.pending, None);
        assert_eq!(state.log.entries.len(), 1);

        let state = start().reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Mock,
            err(401, "missing_cookie", "no cookie"),
        ));
        assert_eq!(
            state.session,
            SessionStatus::LoggedOut { why: None },
            "nothing to explain"
        );
        let state = start().reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Mock,
            err(401, "unknown_session", "the server restarted"),
        ));
        assert_eq!(
            state.session,
            SessionStatus::LoggedOut {
                why: Some("The server restarted".into())
            }
        );
    }

    #[test]
    fn a_failed_login_shows_the_error_and_keeps_the_session() {
        let state = start()
            .reduce(LabAction::Answered(
                Purpose::Restore,
                Backend::Mock,
                ok("bob"),
            ))
            .reduce(LabAction::Sending(Purpose::Login))
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Mock,
                err(401, "bad_credentials", "unknown user or wrong password"),
            ));
        assert_eq!(
            state.login_error.as_deref(),
            Some("Unknown user or wrong password")
        );
        assert_eq!(state.logged_in_user(), Some("bob"));
        let state = state.reduce(LabAction::Sending(Purpose::Login));
        assert_eq!(
            state.login_error, None,
            "a new attempt clears the old error"
        );
    }

    #[test]
    fn a_samesite_answer_is_logged_and_kept_for_the_panel_and_changes_nothing_else() {
        let before = start().reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Mock,
            ok("alice"),
        ));
        // A 404 with an error body must not read as a logout.
        let answer = err(404, "not_found", "this server saw no request of the run");
        let after = before.clone().reduce(LabAction::Answered(
            Purpose::SameSite,
            Backend::Mock,
            answer.clone(),
        ));
        assert_eq!(after.log.entries.len(), before.log.entries.len() + 1);
        assert!(after
            .samesite
            .as_ref()
            .is_some_and(|kept| Rc::ptr_eq(kept, &answer)));
        assert_ne!(after.log_revision, before.log_revision);
        assert_eq!(after.session, before.session);
        assert_eq!(after.login_error, before.login_error);
        assert_eq!(after.session_error, before.session_error);
        assert_eq!(after.pending, before.pending);
    }

    #[test]
    fn invalid_input_is_an_error_without_a_request() {
        let state = start().reduce(LabAction::LoginInvalid("Type a username".into()));
        assert_eq!(state.login_error.as_deref(), Some("Type a username"));
        assert!(state.log.entries.is_empty());
    }

    #[test]
    fn logout_logs_out_with_a_reason() {
        let state = start()
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Mock,
                ok("alice"),
            ))
            .reduce(LabAction::Answered(
                Purpose::Logout,
                Backend::Mock,
                exchange(204, ""),
            ));
        assert!(matches!(
            state.session,
            SessionStatus::LoggedOut { why: Some(_) }
        ));
    }

    #[test]
    fn a_failed_logout_says_so_and_keeps_the_session_the_server_still_has() {
        let state = start()
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Mock,
                ok("alice"),
            ))
            .reduce(LabAction::Sending(Purpose::Logout))
            .reduce(LabAction::Answered(
                Purpose::Logout,
                Backend::Mock,
                err(
                    500,
                    "internal",
                    "the logout could not be saved: quota exceeded",
                ),
            ));
        assert_eq!(state.logged_in_user(), Some("alice"), "{:?}", state.session);
        let shown = state.session_error.as_deref().unwrap_or_default();
        assert!(
            shown.starts_with("Logging out failed") && shown.contains("quota exceeded"),
            "{shown}"
        );
        let state = state
            .reduce(LabAction::Sending(Purpose::Logout))
            .reduce(LabAction::Answered(
                Purpose::Logout,
                Backend::Mock,
                exchange(204, ""),
            ));
        assert_eq!(
            state.session_error, None,
            "a logout that worked clears the error"
        );
        assert!(matches!(
            state.session,
            SessionStatus::LoggedOut { why: Some(_) }
        ));
    }

    #[test]
    fn forgery_reports_say_what_happened_and_why() {
        let state = start()
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Mock,
                ok("alice"),
            ))
            .reduce(LabAction::Forged("s:abc.forged".into()))
            .reduce(LabAction::Answered(
                Purpose::Forge,
                Backend::Mock,
                err(401, "tampered", "the signature does not match"),
            ));
        let report = state.forge.clone().unwrap();
        assert!(!report.accepted);
        assert!(report.outcome.starts_with("Rejected"));
        assert!(report.why().contains("signature"));
        assert!(matches!(state.session, SessionStatus::LoggedOut { .. }));

        let state = Rc::new(LabState::new(
            1,
            CookiesAtLoad::default(),
            Strategy::CookieOnly,
            StoreKind::Database,
        ))
        .reduce(LabAction::Forged("admin".into()))
        .reduce(LabAction::Answered(
            Purpose::Forge,
            Backend::Mock,
            ok("admin"),
        ));
        let report = state.forge.clone().unwrap();
        assert!(report.accepted);
        assert!(report.why().contains("believed"));
        assert_eq!(state.logged_in_user(), Some("admin"));
    }

    #[test]
    fn an_unreadable_answer_is_an_error_not_a_panic() {
        let state = start().reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Mock,
            exchange(200, "<html>"),
        ));
        assert!(matches!(
            &state.session,
            SessionStatus::LoggedOut { why: Some(why) } if why.contains("could not be read")
        ));
        let state = start().reduce(LabAction::Answered(
            Purpose::Login,
            Backend::Mock,
            exchange(502, ""),
        ));
        assert_eq!(
            state.login_error.as_deref(),
            Some("The server answered 502 without saying why")
        );
    }

    #[test]
    fn the_at_load_flag_follows_the_strategy_after_a_switch() {
        // crumbs.sid was in the jar at load, crumbs.user was not.
        let at_load = CookiesAtLoad {
            session: true,
            user: false,
        };
        let state = Rc::new(LabState::new(
            1,
            at_load,
            Strategy::ServerSession,
            StoreKind::Database,
        ));
        assert!(state.login_cookie_at_load(), "crumbs.sid was there");
        let state = state.reduce(LabAction::StrategyChanged(Strategy::CookieOnly));
        assert!(
            !state.login_cookie_at_load(),
            "the panel now names crumbs.user, which was not in the jar at load"
        );
        let state = state.reduce(LabAction::StrategyChanged(Strategy::ServerSession));
        assert!(
            state.login_cookie_at_load(),
            "and crumbs.sid again after switching back"
        );
    }

    #[test]
    fn logging_out_under_cookie_only_claims_no_server_session() {
        let logged_out = |strategy| {
            let state = Rc::new(LabState::new(
                1,
                CookiesAtLoad::default(),
                strategy,
                StoreKind::Database,
            ))
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Mock,
                ok("alice"),
            ))
            .reduce(LabAction::Answered(
                Purpose::Logout,
                Backend::Mock,
                exchange(204, ""),
            ));
            match &state.session {
                SessionStatus::LoggedOut { why: Some(why) } => why.clone(),
                other => panic!("{other:?}"),
            }
        };
        let cookie_only = logged_out(Strategy::CookieOnly);
        assert!(
            cookie_only.contains("no session"),
            "Cookie only keeps no session on the server: {cookie_only}"
        );
        let server_session = logged_out(Strategy::ServerSession);
        assert!(!server_session.contains("no session"), "{server_session}");
        for why in [cookie_only, server_session] {
            assert!(
                why.contains("crumbs.sid") && why.contains("crumbs.user"),
                "logout deletes both cookies: {why}"
            );
        }
    }

    #[test]
    fn switching_strategy_clears_the_forge_report() {
        let state = start()
            .reduce(LabAction::Forged("x".into()))
            .reduce(LabAction::StrategyChanged(Strategy::CookieOnly));
        assert_eq!(state.forge, None);
        assert_eq!(state.strategy, Strategy::CookieOnly);
    }

    fn from_server(status: u16, body: &str, names: &str) -> Rc<Exchange> {
        Rc::new(Exchange {
            request: Request::get("/api/session"),
            response: Response {
                status,
                headers: crumbs_protocol::Headers::new()
                    .with(crumbs_protocol::COOKIE_NAMES_HEADER, names),
                body: body.to_owned(),
            },
            notes: Vec::new(),
        })
    }

    #[test]
    fn an_answer_from_the_backend_left_behind_is_logged_but_changes_nothing() {
        let state = start()
            .reduce(LabAction::Sending(Purpose::Login))
            .reduce(LabAction::BackendChosen(Backend::Server));
        assert_eq!(state.pending, None, "no button waits for the old backend");
        assert_eq!(state.session, SessionStatus::Checking);
        let state = state
            .reduce(LabAction::Sending(Purpose::Check))
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Mock,
                ok("alice"),
            ));
        assert_eq!(state.log.entries.len(), 1);
        assert_eq!(state.log.entries[0].backend, Backend::Mock);
        assert_eq!(state.logged_in_user(), None, "{:?}", state.session);
        assert_eq!(
            state.pending,
            Some(Purpose::Check),
            "the real server's check is still awaited"
        );
        let state = state.reduce(LabAction::Answered(
            Purpose::Check,
            Backend::Server,
            from_server(
                200,
                r#"{"user":"bob","expires_at":1,"how":"a session"}"#,
                "crumbs.sid",
            ),
        ));
        assert_eq!(state.logged_in_user(), Some("bob"));
        assert_eq!(state.pending, None);
    }

    #[test]
    fn the_names_the_real_server_received_are_kept_from_its_last_answer() {
        let state = start().reduce(LabAction::BackendChosen(Backend::Server));
        assert_eq!(state.received, None);
        let state = state.reduce(LabAction::Answered(
            Purpose::Restore,
            Backend::Server,
            from_server(
                200,
                r#"{"user":"bob","expires_at":1,"how":"a session"}"#,
                "crumbs.sid, theme",
            ),
        ));
        assert_eq!(
            state.received,
            Some(vec!["crumbs.sid".to_owned(), "theme".to_owned()])
        );
        let state = state.reduce(LabAction::Answered(
            Purpose::Check,
            Backend::Server,
            err(503, "internal", "the real server did not answer"),
        ));
        assert_eq!(state.received, None, "an answer that does not say");
        let state = state
            .reduce(LabAction::BackendChosen(Backend::Mock))
            .reduce(LabAction::Answered(
                Purpose::Check,
                Backend::Mock,
                ok("alice"),
            ));
        assert_eq!(state.received, None, "the mock never says");
    }

    #[test]
    fn a_login_or_logout_answer_says_nothing_about_the_cookie_it_sets_or_clears() {
        // The login request carried no crumbs.sid (the answer brings it), so its echo must
        // not make the panel say the browser holds none right beside "Logged in as".
        let state = start()
            .reduce(LabAction::BackendChosen(Backend::Server))
            .reduce(LabAction::Answered(
                Purpose::Restore,
                Backend::Server,
                from_server(
                    200,
                    r#"{"user":"bob","expires_at":1,"how":"a session"}"#,
                    "theme",
                ),
            ));
        for purpose in [Purpose::Login, Purpose::Logout] {
            let after = state.clone().reduce(LabAction::Answered(
                purpose,
                Backend::Server,
                from_server(
                    200,
                    r#"{"user":"alice","expires_at":1,"how":"a session"}"#,
                    "",
                ),
            ));
            assert_eq!(after.received, None, "{purpose:?}");
        }
    }

    #[test]
    fn the_real_server_has_server_sessions_whatever_the_mock_is_set_to() {
        let state = start()
            .reduce(LabAction::StrategyChanged(Strategy::CookieOnly))
            .reduce(LabAction::BackendChosen(Backend::Server));
        assert_eq!(state.strategy_in_use(), Strategy::ServerSession);
        assert_eq!(
            state.strategy,
            Strategy::CookieOnly,
            "the mock keeps its own"
        );
        let state = state
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Server,
                ok("alice"),
            ))
            .reduce(LabAction::Answered(
                Purpose::Logout,
                Backend::Server,
                exchange(204, ""),
            ));
        assert!(matches!(
            &state.session,
            SessionStatus::LoggedOut { why: Some(why) } if !why.contains("no session")
        ));
        let state = state.reduce(LabAction::BackendChosen(Backend::Mock));
        assert_eq!(state.strategy_in_use(), Strategy::CookieOnly);
    }

    #[test]
    fn a_script_forgery_says_what_the_browser_and_the_server_did() {
        let state = start()
            .reduce(LabAction::BackendChosen(Backend::Server))
            .reduce(LabAction::Answered(
                Purpose::Login,
                Backend::Server,
                ok("alice"),
            ))
            .reduce(LabAction::ForgedByScript(
                "crumbs.sid=forged-by-script".into(),
                ScriptWrite::Ignored,
            ))
            .reduce(LabAction::Answered(
                Purpose::Forge,
                Backend::Server,
                ok("alice"),
            ));
        let report = state.forge.clone().unwrap();
        assert!(report.accepted);
        assert!(
            report
                .outcome
                .starts_with("The server still says you are alice"),
            "the real cookie answered, no forgery was accepted: {}",
            report.outcome
        );
        assert!(!report.fooled());
        assert_eq!(report.script, Some(ScriptWrite::Ignored));
        assert!(
            report.why().contains("neither read nor replace"),
            "{}",
            report.why()
        );
        assert_eq!(state.logged_in_user(), Some("alice"));

        let state = state
            .reduce(LabAction::ForgedByScript(
                "crumbs.sid=forged-by-script".into(),
                ScriptWrite::Stored,
            ))
            .reduce(LabAction::Answered(
                Purpose::Forge,
                Backend::Server,
                err(401, "tampered", "the signature does not match"),
            ));
        let report = state.forge.clone().unwrap();
        assert!(!report.accepted);
        assert!(
            report.why().contains("cannot replace an HttpOnly one"),
            "{}",
            report.why()
        );
    }

    #[test]
    fn an_address_asking_for_the_server_settles_only_when_the_probe_answers() {
        let asking = Rc::new(start().as_ref().clone().asking_for(Backend::Server));
        assert!(asking.still_choosing());
        let found = asking.clone().reduce(LabAction::Probed(ServerProbe::Found {
            store: "sqlite".into(),
        }));
        assert!(!found.still_choosing());
        let absent = asking.reduce(LabAction::Probed(ServerProbe::Absent {
            answer: "GET /api/health → 404 Not Found".into(),
        }));
        assert!(!absent.still_choosing(), "the mock answers from now on");
        assert!(!start().still_choosing(), "the mock needs no probe");
    }
}
