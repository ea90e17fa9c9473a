//! Everything the lab runs on, made once per page load: the mock server, the client and
//! the jar, the transport to the real server, and the state they start the page in. The
//! server handle stays here: the UI reaches it only through requests and [`Lab::change`],
//! and a backend only through [`Lab::transport`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::ui::saved_log;
use crate::ui::state::{CookiesAtLoad, LabState};
use crumbs_cookies::clock::{Millis, SystemClock};
use crumbs_cookies::{CookieJar, DocumentJar};
use crumbs_mock::client::{Client, DEFAULT_LATENCY};
use crumbs_mock::server::{
    CryptoRandom, Lifetimes, LocalStorage, MemoryStorage, MockServer, ServerError, Storage,
    StoreKind, Strategy,
};
use crumbs_protocol::{Request, Transport, SESSION_COOKIE, USER_COOKIE};

use crate::backend::{
    probe_result, query_with_backend, Backend, ServerProbe, BACKEND_PARAM, HEALTH_PATH,
};
use crate::fetch::FetchTransport;

/// Where the page counts its loads; `sessionStorage` lives as long as the tab.
pub const PAGE_LOADS_KEY: &str = "crumbs.page-loads";

/// A setting of the mock server that the page can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// How the server decides who you are.
    Strategy(Strategy),
    /// Where the server keeps its sessions.
    Store(StoreKind),
}

/// The lab's running pieces. Components send requests through [`Lab::transport`], which
/// is the backend chosen with [`Lab::choose_backend`]; the mock server itself is private,
/// changed only through [`Lab::change`].
pub struct Lab {
    server: Rc<RefCell<MockServer>>,
    /// The in-page mock, through a client that carries its cookies as a browser would.
    mock: Rc<dyn Transport>,
    /// The real server, over fetch: the browser carries the cookies.
    real: Rc<dyn Transport>,
    backend: Cell<Backend>,
    /// The page's own `document.cookie`.
    pub jar: Rc<DocumentJar>,
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab").finish_non_exhaustive()
    }
}

impl Lab {
    /// The server's notice about its storage: it can change while the page runs, when
    /// another tab or devtools spoils the saved data.
    pub fn server_notice(&self) -> Option<String> {
        self.server.borrow().notice().map(str::to_owned)
    }

    /// Changes one of the mock server's settings; a setting that cannot be saved is left
    /// as it was and the error says why.
    pub fn change(&self, setting: Setting) -> Result<(), ServerError> {
        let mut server = self.server.borrow_mut();
        match setting {
            Setting::Strategy(strategy) => server.set_strategy(strategy),
            Setting::Store(store) => server.set_store(store),
        }
    }

    /// How long the mock server's sessions last, with and without "Remember me".
    pub fn lifetimes(&self) -> Lifetimes {
        self.server.borrow().lifetimes()
    }

    /// Where requests go now: the backend last chosen.
    pub fn transport(&self) -> Rc<dyn Transport> {
        match self.backend.get() {
            Backend::Mock => self.mock.clone(),
            Backend::Server => self.real.clone(),
        }
    }

    /// The backend requests go to now.
    pub fn backend(&self) -> Backend {
        self.backend.get()
    }

    /// Sends the requests that follow to `backend`, and writes the choice into the page's
    /// address so that a reload keeps it. The choice holds either way; the error says the
    /// address could not be changed, so a reload would forget it.
    pub fn choose_backend(&self, backend: Backend) -> Result<(), String> {
        self.backend.set(backend);
        remember_in_address(backend)
    }

    /// Asks whether a real server answers at this origin: `GET /api/health`, through the
    /// real server's transport whatever the choice.
    pub async fn probe(&self) -> ServerProbe {
        probe_result(&self.real.send(Request::get(HEALTH_PATH)).await)
    }
}

/// Keeps the backend choice in the address (`?backend=server`) with
/// `history.replaceState`: a reload, a bookmark or a shared link keeps it, and no history
/// entry is added.
fn remember_in_address(backend: Backend) -> Result<(), String> {
    let window = web_sys::window().ok_or("this page has no window")?;
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let wanted = query_with_backend(&search, backend);
    if wanted == search {
        return Ok(());
    }
    let url = format!(
        "{}{}{}",
        location.pathname().unwrap_or_default(),
        wanted,
        location.hash().unwrap_or_default()
    );
    window
        .history()
        .and_then(|history| {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        })
        .map_err(|error| {
            format!(
                "the page's address could not be changed ({}), so a reload goes back to what \
                 the address says",
                // A DOMException has no string form; its debug form names it.
                error.as_string().unwrap_or_else(|| format!("{error:?}"))
            )
        })
}

/// The name of the cookie that carries the login under `strategy`.
pub fn login_cookie(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::ServerSession => SESSION_COOKIE,
        Strategy::CookieOnly => USER_COOKIE,
    }
}

/// Settings a URL can carry for demos and tests: `?latency=MS` (simulated network delay),
/// `?ttl=SECONDS` (how long sessions last, remembered or not) and `?backend=server`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlSettings {
    pub latency: Millis,
    pub lifetimes: Lifetimes,
    /// The backend asked for; the real server is used only when it answers as one.
    pub backend: Backend,
}

impl UrlSettings {
    pub fn parse(query: &str) -> Self {
        let mut settings = Self {
            latency: DEFAULT_LATENCY,
            lifetimes: Lifetimes::default(),
            backend: Backend::Mock,
        };
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if key == BACKEND_PARAM {
                // Anything but `server` is the default, so a typo never strands the page.
                settings.backend = if value == "server" {
                    Backend::Server
                } else {
                    Backend::Mock
                };
                continue;
            }
            let Ok(number) = value.parse::<u32>() else {
                continue;
            };
            match key {
                "latency" => settings.latency = Millis::from(number.min(10_000)),
                "ttl" if number > 0 => {
                    let millis = i64::from(number) * 1000;
                    settings.lifetimes = Lifetimes {
                        session_ms: millis,
                        remembered_ms: millis,
                    };
                }
                _ => {}
            }
        }
        settings
    }
}

/// Starts the lab: counts this page load, starts the mock server on `localStorage` and
/// notes which login cookies were already in the jar.
pub fn boot() -> Result<(Rc<Lab>, LabState), String> {
    let window = web_sys::window().ok_or("this page has no window")?;
    let query = window.location().search().unwrap_or_default();
    let settings = UrlSettings::parse(&query);
    let page_load = count_page_load(&window);

    let (storage, storage_notice): (Rc<dyn Storage>, _) = match LocalStorage::new() {
        Some(storage) => (Rc::new(storage), None),
        None => (
            Rc::new(MemoryStorage::default()),
            // Without localStorage the signing secret is new at every load too, so an old
            // crumbs.sid fails its signature check rather than naming a lost session.
            Some(format!(
                "This browser refuses localStorage here, so the mock server keeps everything in \
                 this page's memory, its signing secret included. At every reload it starts with a \
                 new secret and no sessions: even the Database store forgets everything, as Memory \
                 does, and a {SESSION_COOKIE} cookie from before the reload fails the signature check."
            )),
        ),
    };
    let server = MockServer::start(
        storage,
        Rc::new(SystemClock),
        Rc::new(CryptoRandom),
        settings.lifetimes,
    )
    .map_err(|error| error.to_string())?;
    let jar = Rc::new(DocumentJar::new().map_err(|error| error.to_string())?);
    // Both cookies, whatever the strategy now: it can be switched after the load.
    let in_jar = |name| jar.get(name).ok().flatten().is_some();
    let cookies_at_load = CookiesAtLoad {
        session: in_jar(SESSION_COOKIE),
        user: in_jar(USER_COOKIE),
    };
    let notice = server.notice().map(str::to_owned).or(storage_notice);
    let state = LabState::new(
        page_load,
        cookies_at_load,
        server.strategy(),
        server.store(),
    )
    .with_notice(notice)
    .with_saved_log(saved_log::restore(saved_log::read(&window), page_load))
    .asking_for(settings.backend);
    let server = Rc::new(RefCell::new(server));
    let client = Client::new(server.clone(), jar.clone()).with_latency(settings.latency);
    Ok((
        Rc::new(Lab {
            server,
            mock: Rc::new(client),
            real: Rc::new(FetchTransport),
            // The mock until the real server has answered as one (see `ui::app`).
            backend: Cell::new(Backend::Mock),
            jar,
        }),
        state,
    ))
}

fn count_page_load(window: &web_sys::Window) -> u32 {
    let Some(storage) = window.session_storage().ok().flatten() else {
        return 1;
    };
    let previous = storage
        .get_item(PAGE_LOADS_KEY)
        .ok()
        .flatten()
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    let now = previous.saturating_add(1);
    let _ = storage.set_item(PAGE_LOADS_KEY, &now.to_string());
    now
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_settings_table() {
        let default = UrlSettings::parse("");
        assert_eq!(default.latency, DEFAULT_LATENCY);
        assert_eq!(default.lifetimes, Lifetimes::default());
        let set = UrlSettings::parse("?latency=0&ttl=5");
        assert_eq!(set.latency, 0);
        assert_eq!(set.lifetimes.session_ms, 5000);
        assert_eq!(set.lifetimes.remembered_ms, 5000);
        for junk in ["?latency=-1", "?ttl=abc", "?ttl=0", "?latency", "?=&&"] {
            assert_eq!(UrlSettings::parse(junk), default, "{junk}");
        }
        assert_eq!(UrlSettings::parse("?latency=999999").latency, 10_000);
    }

    #[test]
    fn the_url_selects_the_real_server_only_when_it_says_server() {
        assert_eq!(UrlSettings::parse("").backend, Backend::Mock);
        assert_eq!(
            UrlSettings::parse("?backend=server").backend,
            Backend::Server
        );
        let both = UrlSettings::parse("?latency=0&backend=server&ttl=5");
        assert_eq!(both.backend, Backend::Server);
        assert_eq!(both.latency, 0, "the other settings are still read");
        for other in ["?backend=mock", "?backend=", "?backend", "?backend=SERVER"] {
            assert_eq!(UrlSettings::parse(other).backend, Backend::Mock, "{other}");
        }
        // What the switch writes into the address reads back as the same choice.
        for backend in [Backend::Mock, Backend::Server] {
            let written = query_with_backend("?latency=0", backend);
            assert_eq!(UrlSettings::parse(&written).backend, backend, "{written:?}");
        }
    }
}
