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
use crumbs_protocol::api::HealthBody;
use crumbs_protocol::{Exchange, Request, Transport, SESSION_COOKIE, USER_COOKIE};

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

/// Where a real server says which backend and store answer.
pub const HEALTH_PATH: &str = "/api/health";

/// Whether a real server answers at this origin, as `GET /api/health` told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ServerProbe {
    /// The answer has not come yet.
    #[default]
    Looking,
    /// `crumbs-server` answered, keeping its sessions in `store`.
    Found { store: String },
    /// Something else answered, or nothing: the exchange's one-line summary, and why a
    /// `200` is not the server's.
    Absent { answer: String },
}

/// Reads the answer to `GET /api/health`: only `crumbs-server`'s own body counts, so a
/// static server's 404 or `trunk serve`'s index page (its fallback for unknown paths)
/// never offers a real server that is not there.
pub fn probe_result(exchange: &Exchange) -> ServerProbe {
    let response = &exchange.response;
    if response.status == 200 {
        if let Ok(health) = serde_json::from_str::<HealthBody>(&response.body) {
            if health.backend == "server" {
                return ServerProbe::Found {
                    store: health.store,
                };
            }
        }
    }
    // `trunk serve` answers unknown paths with its index page, 200 OK: say why that is no
    // server, or the line would read as a contradiction.
    let answer = if response.status == 200 {
        format!("{}, but not crumbs-server's answer", exchange.summary())
    } else {
        exchange.summary()
    };
    ServerProbe::Absent { answer }
}

/// The real server's store as people say it, from `/api/health`'s `store`.
pub fn store_words(store: &str) -> String {
    match store {
        "sqlite" => "SQLite, a database file on the server's disk, so sessions outlive a \
                     server restart"
            .to_owned(),
        "memory" => "the server's own memory, so a server restart forgets every session \
                     (started with --store memory)"
            .to_owned(),
        "redis" => "Redis, shared by every server instance behind this address (started \
                    with --redis)"
            .to_owned(),
        other => format!("a store it calls “{other}”"),
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

/// Which backend answers the page's requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// The mock server inside the page (the default: `make serve` needs nothing else).
    #[default]
    Mock,
    /// `crumbs-server`, over `fetch` at the page's own origin.
    Server,
}

/// The query parameter that keeps the backend choice: `?backend=server`.
pub const BACKEND_PARAM: &str = "backend";

/// `query` (a `location.search`, with or without its `?`) with the backend choice written
/// into it: `backend=server` for the real server, nothing for the default mock. Every other
/// parameter stays as it was, in order, so `?latency=0` survives a switch. Returns the new
/// search, with its `?`, or an empty string when nothing is left.
pub fn query_with_backend(query: &str, backend: Backend) -> String {
    let mut pairs: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| pair.split_once('=').map_or(*pair, |(key, _)| key) != BACKEND_PARAM)
        .collect();
    if backend == Backend::Server {
        pairs.push("backend=server");
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
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

    fn health(status: u16, body: &str) -> Exchange {
        Exchange {
            request: Request::get(HEALTH_PATH),
            response: crumbs_protocol::Response {
                status,
                headers: Default::default(),
                body: body.to_owned(),
            },
            notes: Vec::new(),
        }
    }

    #[test]
    fn only_the_real_servers_own_health_answer_offers_it() {
        assert_eq!(
            probe_result(&health(200, r#"{"backend":"server","store":"sqlite"}"#)),
            ServerProbe::Found {
                store: "sqlite".into()
            }
        );
        // A 200 says why it is no server, or the page's line would contradict itself.
        let not_the_server = "GET /api/health → 200 OK, but not crumbs-server's answer";
        for (status, body, summary) in [
            (404, "", "GET /api/health → 404 Not Found"),
            // trunk serve answers unknown paths with the index page.
            (200, "<!DOCTYPE html><html>", not_the_server),
            (
                200,
                r#"{"backend":"mock","store":"memory"}"#,
                not_the_server,
            ),
            (200, r#"{"backend":"server"}"#, not_the_server),
            (
                503,
                r#"{"backend":"server","store":"sqlite"}"#,
                "GET /api/health → 503 Service Unavailable",
            ),
        ] {
            assert_eq!(
                probe_result(&health(status, body)),
                ServerProbe::Absent {
                    answer: summary.into()
                },
                "{status} {body}"
            );
        }
    }

    #[test]
    fn every_store_reads_as_words() {
        assert!(store_words("sqlite").starts_with("SQLite"));
        assert!(store_words("memory").contains("restart forgets"));
        assert!(store_words("redis").starts_with("Redis"));
        assert_eq!(store_words("etcd"), "a store it calls “etcd”");
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
    }

    #[test]
    fn the_backend_choice_is_written_into_the_query_keeping_the_rest() {
        for (query, backend, written) in [
            ("", Backend::Server, "?backend=server"),
            ("", Backend::Mock, ""),
            ("?", Backend::Mock, ""),
            ("?backend=server", Backend::Mock, ""),
            ("?backend=server", Backend::Server, "?backend=server"),
            ("?latency=0", Backend::Server, "?latency=0&backend=server"),
            (
                "?latency=0&backend=server&ttl=5",
                Backend::Mock,
                "?latency=0&ttl=5",
            ),
            (
                "?backend=mock&backend=server",
                Backend::Server,
                "?backend=server",
            ),
            ("latency=0", Backend::Mock, "?latency=0"),
            ("?a&&b=", Backend::Mock, "?a&b="),
        ] {
            let result = query_with_backend(query, backend);
            assert_eq!(result, written, "{query:?} with {backend:?}");
            assert_eq!(UrlSettings::parse(&result).backend, backend, "{result:?}");
        }
    }
}
