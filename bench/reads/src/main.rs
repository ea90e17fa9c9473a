//! Exports for the benchmark page's JavaScript, so Crumbs pays the same call cost as the
//! JavaScript it is compared with.

use std::cell::RefCell;
use std::rc::Rc;

use crumbs_cookies::clock::SystemClock;
use crumbs_cookies::{CookieJar, DocumentJar};
use crumbs_mock::client::Client;
use crumbs_mock::server::{CryptoRandom, Lifetimes, MemoryStorage, MockServer};
use crumbs_protocol::http::Request;
use wasm_bindgen::prelude::*;

thread_local! {
    static JAR: Option<DocumentJar> = DocumentJar::new().ok();
}

/// Reads every cookie, decoded, as `Cookies.get()` does, through Crumbs' read-all
/// ([`DocumentJar::snapshot`]); returns how many.
#[wasm_bindgen]
pub fn crumbs_read_all() -> usize {
    JAR.with(|jar| {
        jar.as_ref()
            .and_then(|jar| jar.snapshot().ok())
            .map_or(0, |cookies| cookies.len())
    })
}

/// The same without the snapshot: copy the string into Wasm and parse it every time.
#[wasm_bindgen]
pub fn crumbs_parse_every_time() -> usize {
    JAR.with(|jar| {
        jar.as_ref()
            .and_then(|jar| jar.raw().ok())
            .map_or(0, |raw| crumbs_cookies::parse(&raw).len())
    })
}

/// Only the copy of `document.cookie` into Wasm memory, which any Wasm reader pays.
#[wasm_bindgen]
pub fn crumbs_copy_only() -> usize {
    JAR.with(|jar| {
        jar.as_ref()
            .and_then(|jar| jar.raw().ok())
            .map_or(0, |raw| raw.len())
    })
}

/// A mock server and client with no simulated latency, for timing one login.
#[wasm_bindgen]
pub struct LoginBench {
    client: Client,
}

#[wasm_bindgen]
impl LoginBench {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<LoginBench, JsError> {
        let server = MockServer::start(
            Rc::new(MemoryStorage::default()),
            Rc::new(SystemClock),
            Rc::new(CryptoRandom),
            Lifetimes::default(),
        )?;
        let jar = DocumentJar::new()?;
        let client = Client::new(Rc::new(RefCell::new(server)), Rc::new(jar)).with_latency(0);
        Ok(LoginBench { client })
    }

    /// One `POST /api/login` round trip, cookie applied; returns the status.
    pub fn login(&self) -> u16 {
        let body = r#"{"username":"alice","password":"wonderland","remember":false}"#;
        self.client
            .exchange(Request::post("/api/login", body))
            .response
            .status
    }
}

fn main() {}
