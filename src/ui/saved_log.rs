//! The network log kept for the tab across reloads, in `sessionStorage` under one key as
//! versioned JSON, so load #1's `Set-Cookie` stays beside load #2's request. The rules
//! (the saved shape, the bounds, what is never written, what a broken saved log becomes)
//! are pure and tested on the host; [`read`] and [`write`] are the thin storage part.

use std::rc::Rc;

use wasm_bindgen::JsCast;

use crumbs_protocol::api::LoginRequest;
use crumbs_protocol::http::{Headers, Method, Request, Response};
use crumbs_protocol::Exchange;

use crate::backend::Backend;

/// One line of the network log: an exchange and the backend that answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub backend: Backend,
    /// The page load of this tab that sent it ("Page load #N").
    pub page_load: u32,
    pub exchange: Rc<Exchange>,
}

/// The `sessionStorage` key: it lives as long as the tab, as the page-load count does.
pub const LOG_KEY: &str = "crumbs.network-log";
/// The saved shape's version: a log saved by another shape starts afresh, never half-read.
pub const VERSION: u32 = 1;
/// How many page loads are kept; the oldest go first.
pub const MAX_LOADS: usize = 20;
/// How many exchanges are kept, across all loads; the oldest go first.
pub const MAX_EXCHANGES: usize = 200;
/// Where the login form sends its body, password included.
const LOGIN_PATH: &str = "/api/login";
/// What a login's password becomes, shown and saved.
pub const HIDDEN_PASSWORD: &str = "••••••";

/// The log as the page holds it: the page loads of this tab (oldest first, this one last)
/// and every exchange kept (oldest first), each marked with its load.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TabLog {
    pub loads: Vec<u32>,
    pub entries: Vec<LogEntry>,
}

impl TabLog {
    /// Adds `page_load` (this one) and drops what is over the bounds.
    pub fn begin_load(&mut self, page_load: u32) {
        self.loads.push(page_load);
        self.bound();
    }

    pub fn push(&mut self, entry: LogEntry) {
        self.entries.push(entry);
        self.bound();
    }

    /// Keeps the last [`MAX_LOADS`] loads and the last [`MAX_EXCHANGES`] exchanges; an
    /// exchange whose load was dropped goes with it.
    pub fn bound(&mut self) {
        let extra_loads = self.loads.len().saturating_sub(MAX_LOADS);
        if extra_loads > 0 {
            self.loads.drain(..extra_loads);
            let loads = &self.loads;
            self.entries
                .retain(|entry| loads.contains(&entry.page_load));
        }
        let extra = self.entries.len().saturating_sub(MAX_EXCHANGES);
        self.entries.drain(..extra);
    }

    /// The JSON kept in `sessionStorage`: passwords already hidden.
    pub fn to_json(&self) -> String {
        let saved: Saved = (
            VERSION,
            self.loads.clone(),
            self.entries.iter().map(saved_entry).collect(),
        );
        // Strings and numbers only: serializing cannot fail; an empty log is the safe side.
        serde_json::to_string(&saved).unwrap_or_default()
    }
}

/// What the page starts with: the saved log, or a fresh one and one line saying why.
#[derive(Debug, PartialEq, Eq)]
pub struct Restored {
    pub log: TabLog,
    pub notice: Option<String>,
}

/// The log this page load starts with, from what storage gave: the saved text (`None`
/// for a tab with no log yet) or why it could not be read. Nothing here fails the page.
pub fn restore(saved: Result<Option<String>, String>, page_load: u32) -> Restored {
    let (mut log, why) = match saved {
        Ok(None) => (TabLog::default(), None),
        Ok(Some(text)) => match parse(&text) {
            Ok(log) => (log, None),
            Err(why) => (TabLog::default(), Some(why)),
        },
        Err(why) => (
            TabLog::default(),
            Some(format!("this browser refused to read it: {why}")),
        ),
    };
    // A load numbered as this one or later comes from a count that started over (its
    // key removed): its exchanges would mix with this load's under one heading.
    log.loads.retain(|&load| load < page_load);
    log.entries.retain(|entry| entry.page_load < page_load);
    log.begin_load(page_load);
    Restored {
        log,
        notice: why.map(|why| unreadable_notice(&why)),
    }
}

/// The one line the log section shows when the saved log could not be used.
pub fn unreadable_notice(why: &str) -> String {
    format!(
        "The network log saved for this tab could not be read ({why}), so it starts afresh \
         from this page load."
    )
}

/// The one line the log section shows when the log could not be saved.
pub fn unsaved_notice(why: &str) -> String {
    format!(
        "This browser refused to save the network log for this tab ({why}), so a reload \
         will not show what is above."
    )
}

fn parse(text: &str) -> Result<TabLog, String> {
    let (version, loads, entries): Saved =
        serde_json::from_str(text).map_err(|error| format!("{error}"))?;
    if version != VERSION {
        return Err(format!(
            "it is version {version}, this page reads version {VERSION}"
        ));
    }
    let entries = entries
        .into_iter()
        .map(read_entry)
        .collect::<Result<_, _>>()?;
    let mut log = TabLog { loads, entries };
    log.bound();
    Ok(log)
}

/// A login's body with the password hidden; any other body as it is.
pub fn redact(body: &str) -> String {
    match serde_json::from_str::<LoginRequest>(body) {
        Ok(mut login) => {
            login.password = HIDDEN_PASSWORD.to_owned();
            serde_json::to_string(&login).unwrap_or_default()
        }
        Err(_) => body.to_owned(),
    }
}

/// A request body as saved: a login's password hidden, and a login body that cannot be
/// read as one (so its password cannot be found) not saved at all.
fn saved_body(request: &Request) -> String {
    let redacted = redact(&request.body);
    if request.path == LOGIN_PATH && !request.body.is_empty() && redacted == request.body {
        return "(a login body this page could not read; not saved, as it may hold a password)"
            .to_owned();
    }
    redacted
}

/// The saved log: `[version, [page loads], [exchanges]]`. Lists of numbers and strings
/// only, as their decoder costs the page's Wasm far less than named fields would.
type Saved = (u32, Vec<u32>, Vec<Vec<String>>);

/// How many strings one saved exchange is: the page load, the backend ("mock" or
/// "server"), the method, the path, the request's headers (one "Name: value" a line) and
/// body, the status, the response's headers and body, and the notes (one a line).
const FIELDS: usize = 10;

fn saved_entry(entry: &LogEntry) -> Vec<String> {
    let Exchange {
        request,
        response,
        notes,
    } = &*entry.exchange;
    let backend = match entry.backend {
        Backend::Mock => "mock",
        Backend::Server => "server",
    };
    vec![
        entry.page_load.to_string(),
        backend.to_owned(),
        request.method.as_str().to_owned(),
        request.path.clone(),
        saved_headers(&request.headers),
        saved_body(request),
        response.status.to_string(),
        saved_headers(&response.headers),
        response.body.clone(),
        notes.join("\n"),
    ]
}

/// Header lines: a header's value never holds a line break (HTTP forbids it).
fn saved_headers(headers: &Headers) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn headers(saved: &str) -> Headers {
    let mut headers = Headers::new();
    for line in saved.lines() {
        let (name, value) = line.split_once(": ").unwrap_or((line, ""));
        headers.push(name, value);
    }
    headers
}

fn read_entry(saved: Vec<String>) -> Result<LogEntry, String> {
    let Ok::<[String; FIELDS], _>(
        [load, backend, method, path, request_headers, request_body, status, response_headers, response_body, notes],
    ) = saved.try_into()
    else {
        return Err(format!("an exchange is not {FIELDS} strings"));
    };
    let number = |text: &str, what: &str| {
        text.parse::<u32>()
            .map_err(|_| format!("an exchange's {what} {text:?} is not a number"))
    };
    let backend = match backend.as_str() {
        "mock" => Backend::Mock,
        "server" => Backend::Server,
        other => return Err(format!("an exchange names an unknown backend {other:?}")),
    };
    let method = match method.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        other => return Err(format!("an exchange names an unknown method {other:?}")),
    };
    let status = u16::try_from(number(&status, "status")?)
        .map_err(|_| format!("an exchange's status {status:?} is out of range"))?;
    Ok(LogEntry {
        backend,
        page_load: number(&load, "page load")?,
        exchange: Rc::new(Exchange {
            request: Request {
                method,
                path,
                headers: headers(&request_headers),
                body: request_body,
            },
            response: Response {
                status,
                headers: headers(&response_headers),
                body: response_body,
            },
            notes: notes.lines().map(str::to_owned).collect(),
        }),
    })
}

/// What `sessionStorage` holds under [`LOG_KEY`], or why it could not be read.
pub fn read(window: &web_sys::Window) -> Result<Option<String>, String> {
    storage(window)?
        .get_item(LOG_KEY)
        .map_err(|error| js_reason(&error))
}

/// Saves `log` for the tab; why not, when the browser refuses (full, disabled).
pub fn write(log: &TabLog) -> Result<(), String> {
    let window = web_sys::window().ok_or("this page has no window")?;
    storage(&window)?
        .set_item(LOG_KEY, &log.to_json())
        .map_err(|error| js_reason(&error))
}

fn storage(window: &web_sys::Window) -> Result<web_sys::Storage, String> {
    window
        .session_storage()
        .map_err(|error| js_reason(&error))?
        .ok_or_else(|| "this browser has no sessionStorage here".to_owned())
}

/// A thrown JavaScript value in words: a `DOMException`'s message, or what it says.
fn js_reason(error: &wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "no reason given".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(page_load: u32, path: &str) -> LogEntry {
        LogEntry {
            backend: Backend::Mock,
            page_load,
            exchange: Rc::new(Exchange {
                request: Request::get(path),
                response: Response::empty(204).with_header("Set-Cookie", "a=1; Path=/"),
                notes: vec!["a note".to_owned()],
            }),
        }
    }

    #[test]
    fn twenty_one_loads_keep_the_last_twenty_and_their_exchanges() {
        let mut log = TabLog::default();
        for load in 1..=21 {
            log.begin_load(load);
            log.push(entry(load, &format!("/load/{load}")));
        }
        assert_eq!(log.loads, (2..=21).collect::<Vec<_>>());
        assert_eq!(log.entries.len(), 20);
        assert_eq!(
            log.entries[0].page_load, 2,
            "load #1's exchange went with it"
        );
    }

    #[test]
    fn two_hundred_and_one_exchanges_keep_the_last_two_hundred() {
        let mut log = TabLog::default();
        log.begin_load(1);
        for n in 0..201 {
            log.push(entry(1, &format!("/n/{n}")));
        }
        assert_eq!(log.entries.len(), 200);
        assert_eq!(
            log.entries[0].exchange.request.path, "/n/1",
            "the oldest went"
        );
        assert_eq!(log.entries[199].exchange.request.path, "/n/200");
    }

    #[test]
    fn the_saved_json_never_holds_the_password() {
        let mut log = TabLog::default();
        log.begin_load(1);
        log.push(LogEntry {
            backend: Backend::Server,
            page_load: 1,
            exchange: Rc::new(Exchange {
                request: Request::post(
                    LOGIN_PATH,
                    r#"{"username":"alice","password":"wonderland","remember":false}"#,
                ),
                response: Response::empty(200),
                notes: Vec::new(),
            }),
        });
        // A login body the page cannot read as one is not saved either.
        log.push(LogEntry {
            backend: Backend::Mock,
            page_load: 1,
            exchange: Rc::new(Exchange {
                request: Request::post(LOGIN_PATH, r#"{"password":"wonderland","x":1}"#),
                response: Response::empty(400),
                notes: Vec::new(),
            }),
        });
        let json = log.to_json();
        assert!(!json.contains("wonderland"), "{json}");
        assert!(json.contains(HIDDEN_PASSWORD), "{json}");
        assert!(json.contains("alice"), "the username stays: {json}");
    }

    #[test]
    fn a_saved_log_comes_back_as_it_was_with_this_load_added() {
        let mut log = TabLog::default();
        log.begin_load(1);
        log.push(entry(1, "/api/session"));
        let restored = restore(Ok(Some(log.to_json())), 2);
        assert_eq!(restored.notice, None);
        assert_eq!(restored.log.loads, vec![1, 2]);
        assert_eq!(restored.log.entries, log.entries);
    }

    #[test]
    fn loads_numbered_from_a_count_that_started_over_are_not_mixed_with_this_one() {
        let mut log = TabLog::default();
        for load in 1..=3 {
            log.begin_load(load);
            log.push(entry(load, "/api/session"));
        }
        // The tab's page-load count was removed and starts again at 2.
        let restored = restore(Ok(Some(log.to_json())), 2);
        assert_eq!(restored.log.loads, vec![1, 2]);
        assert_eq!(restored.log.entries.len(), 1, "only load #1's exchange");
        assert_eq!(restored.log.entries[0].page_load, 1);
    }

    #[test]
    fn an_unreadable_saved_log_starts_afresh_and_says_so() {
        for (saved, why) in [
            (Ok(Some("{not json".to_owned())), "invalid type"),
            (
                Ok(Some(r#"[1,[1],[["1","mock"]]]"#.to_owned())),
                "an exchange is not 10 strings",
            ),
            (
                Ok(Some("[99,[1],[]]".to_owned())),
                "it is version 99, this page reads version 1",
            ),
            (
                Ok(Some(
                    r#"[1,[1],[["1","mock","PUT","/","","","200","","",""]]]"#.to_owned(),
                )),
                "unknown method \"PUT\"",
            ),
            (
                Err("The operation is insecure.".to_owned()),
                "this browser refused to read it: The operation is insecure.",
            ),
        ] {
            let restored = restore(saved, 3);
            assert_eq!(restored.log.loads, vec![3], "{why}");
            assert!(restored.log.entries.is_empty());
            let notice = restored.notice.expect("a line saying why");
            assert!(
                notice.starts_with("The network log saved for this tab could not be read ("),
                "{notice}"
            );
            assert!(notice.contains(why), "{notice}");
            assert!(notice.ends_with("so it starts afresh from this page load."));
        }
        assert_eq!(
            restore(Ok(None), 1).notice,
            None,
            "a new tab has no log yet"
        );
    }
}
