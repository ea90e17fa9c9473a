//! Everything the lab runs on, made once per page load: the mock server, the client and
//! the jar, and the state they start the page in. The server handle stays here: the UI
//! reaches it only through requests and [`Lab::change`].

use std::cell::RefCell;
use std::rc::Rc;

use crate::ui::state::{CookiesAtLoad, LabState};
use crumbs_cookies::clock::{Millis, SystemClock};
use crumbs_cookies::{CookieJar, DocumentJar};
use crumbs_mock::client::{Client, DEFAULT_LATENCY};
use crumbs_mock::server::{
    CryptoRandom, Lifetimes, LocalStorage, MemoryStorage, MockServer, ServerError, Storage,
    StoreKind, Strategy,
};
use crumbs_protocol::{Transport, SESSION_COOKIE, USER_COOKIE};

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

/// The lab's running pieces. Components send requests through [`Lab::transport`]; the
/// server itself is private, changed only through [`Lab::change`].
pub struct Lab {
    server: Rc<RefCell<MockServer>>,
    /// Where requests go: the in-page mock, through a client that carries its cookies.
    pub transport: Rc<dyn Transport>,
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
}

/// The name of the cookie that carries the login under `strategy`.
pub fn login_cookie(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::ServerSession => SESSION_COOKIE,
        Strategy::CookieOnly => USER_COOKIE,
    }
}

/// Settings a URL can carry for demos and tests: `?latency=MS` (simulated network delay)
/// and `?ttl=SECONDS` (how long sessions last, remembered or not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlSettings {
    pub latency: Millis,
    pub lifetimes: Lifetimes,
}

impl UrlSettings {
    pub fn parse(query: &str) -> Self {
        let mut settings = Self {
            latency: DEFAULT_LATENCY,
            lifetimes: Lifetimes::default(),
        };
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
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
    .with_notice(notice);
    let server = Rc::new(RefCell::new(server));
    let client = Client::new(server.clone(), jar.clone()).with_latency(settings.latency);
    Ok((
        Rc::new(Lab {
            server,
            transport: Rc::new(client),
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
}
