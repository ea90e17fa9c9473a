//! The lab in headless Chromium and Firefox: mounted in a fresh `<div>`, driven by typing
//! and clicking, against the real `document.cookie` and `localStorage`.
#![cfg(target_arch = "wasm32")]

use crumbs::backend::{query_with_backend, Backend};
use crumbs::ui::App;
use crumbs_cookies::{CookieJar, DocumentJar};
use crumbs_mock::server::{QUARANTINE_KEY, STORAGE_KEY};
use crumbs_protocol::SESSION_COOKIE;
use crumbs_test_support::{browser, cookie_gone, dom_change, left_until, raw_assign, Browser};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, InputEvent, InputEventInit};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
// Makes every Storage write fail as a full localStorage does, until allow_storage_writes().
let original = null;
export function refuse_storage_writes() {
    original = original || Storage.prototype.setItem;
    Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
}
export function allow_storage_writes() {
    if (original) { Storage.prototype.setItem = original; original = null; }
}

// Stands in for crumbs-server behind fetch, as the contract says it answers, until
// real_fetch(). It cannot make an HttpOnly cookie, so it keeps the login itself and echoes
// crumbs.sid in X-Crumbs-Cookie-Names as the real server would. `down`: every request but
// the health check fails as fetch does when nothing answers.
let original_fetch = null;
export function fake_server(down) {
    original_fetch = original_fetch || window.fetch;
    let logged_in = false;
    const answer = (status, body, names) => new Response(
        body === null ? null : JSON.stringify(body),
        { status, headers: { 'content-type': 'application/json', 'x-crumbs-cookie-names': names } });
    window.fetch = async function (request) {
        const path = new URL(request.url, location.href).pathname;
        if (path === '/api/health') {
            return answer(200, { backend: 'server', store: 'memory' }, '');
        }
        if (down) { throw new TypeError('Failed to fetch'); }
        const forged = document.cookie.includes('crumbs.sid=forged-by-script');
        if (path === '/api/session' && forged) {
            document.cookie = 'crumbs.sid=; Max-Age=0; Path=/';
            return answer(401, { reason: 'tampered', error: 'the signature does not match' }, 'crumbs.sid');
        }
        const sent = logged_in ? 'crumbs.sid' : '';
        const alice = { user: 'alice', expires_at: Date.now() + 1800000, how: 'the server found your session' };
        if (path === '/api/session') {
            return logged_in ? answer(200, alice, sent)
                : answer(401, { reason: 'missing_cookie', error: 'no session cookie came with the request' }, sent);
        }
        if (path === '/api/login') {
            const body = JSON.parse(await request.text());
            if (body.username === 'alice' && body.password === 'wonderland') {
                logged_in = true;
                return answer(200, alice, sent);
            }
            return answer(401, { reason: 'bad_credentials', error: 'unknown user or wrong password' }, sent);
        }
        if (path === '/api/samesite/cookies') {
            for (const line of ['samesite.strict=1; Path=/; SameSite=Strict', 'samesite.lax=1; Path=/; SameSite=Lax',
                                'samesite.unset=1; Path=/', 'samesite.none=1; Path=/; SameSite=None; Secure']) {
                document.cookie = line;
            }
            return new Response(null, { status: 204, headers: { 'x-crumbs-cookie-names': sent } });
        }
        if (path === '/api/samesite/runs/r1') {
            return answer(200, [['link', 'samesite.lax', 'samesite.none'], ['fetch']], sent);
        }
        if (path.startsWith('/api/samesite/runs/')) {
            return answer(404, { reason: 'not_found', error: 'this server saw no request of the run' }, sent);
        }
        if (path === '/api/logout') {
            logged_in = false;
            return new Response(null, { status: 204, headers: { 'x-crumbs-cookie-names': sent } });
        }
        return answer(404, { reason: 'not_found', error: 'no such route' }, sent);
    };
}
export function real_fetch() {
    if (original_fetch) { window.fetch = original_fetch; original_fetch = null; }
}
")]
extern "C" {
    fn refuse_storage_writes();
    fn allow_storage_writes();
    fn fake_server(down: bool);
    fn real_fetch();
}

/// While alive, fetch answers as crumbs-server would (see `fake_server`). A failed test
/// aborts without dropping it, so [`fresh_browser`] also puts fetch back.
struct FakeServer;

impl FakeServer {
    fn start() -> Self {
        fake_server(false);
        Self
    }

    /// Answers the health check as the server, then nothing: a server that went away.
    fn gone() -> Self {
        fake_server(true);
        Self
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        real_fetch();
    }
}

/// This page's address with the backend choice as `backend`, as a link or a reload would
/// bring it.
fn address_asks_for(backend: Backend) {
    let window = web_sys::window().unwrap();
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap(),
        query_with_backend(&location.search().unwrap(), backend)
    );
    window
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .unwrap();
}

fn address() -> String {
    web_sys::window().unwrap().location().search().unwrap()
}

/// While alive, the browser's storage refuses every write, as when it is full. A failed
/// test aborts without dropping it, so [`fresh_browser`] also allows writes again.
struct FullStorage;

impl FullStorage {
    fn start() -> Self {
        refuse_storage_writes();
        Self
    }
}

impl Drop for FullStorage {
    fn drop(&mut self) {
        allow_storage_writes();
    }
}

struct Page {
    root: Element,
    app: Option<yew::AppHandle<App>>,
}

impl Page {
    /// Mounts the app as a page load would.
    async fn open() -> Self {
        let document = gloo_utils::document();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let app = yew::Renderer::<App>::with_root(root.clone()).render();
        yew::scheduler::flush().await;
        Self {
            root,
            app: Some(app),
        }
    }

    /// Unmounts and mounts again: a reload, as far as the app can tell.
    async fn reload(mut self) -> Self {
        self.close();
        Self::open().await
    }

    fn close(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }

    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).unwrap()
    }

    /// The input inside the `<label>` whose text is `label`.
    fn field(&self, label: &str) -> HtmlInputElement {
        let labels = self.root.query_selector_all("label").unwrap();
        for i in 0..labels.length() {
            let label_element: Element = labels.item(i).unwrap().unchecked_into();
            if label_element.text_content().unwrap_or_default().trim() == label {
                return label_element
                    .query_selector("input")
                    .unwrap()
                    .unwrap()
                    .unchecked_into();
            }
        }
        panic!("no field labelled {label:?}");
    }

    async fn type_into(&self, label: &str, text: &str) {
        let input = self.field(label);
        input.set_value(text);
        let init = InputEventInit::new();
        init.set_bubbles(true);
        input
            .dispatch_event(&InputEvent::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
        yew::scheduler::flush().await;
    }

    async fn click(&self, name: &str) {
        let buttons = self.root.query_selector_all("button").unwrap();
        for i in 0..buttons.length() {
            let button: HtmlElement = buttons.item(i).unwrap().unchecked_into();
            if button.text_content().unwrap_or_default().trim() == name {
                button.click();
                yew::scheduler::flush().await;
                return;
            }
        }
        panic!("no button named {name:?} in: {}", self.text());
    }

    /// Waits until the page shows `text` (the simulated network takes ~150 ms).
    async fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} showing"), |page| {
            page.text().contains(text)
        })
        .await;
    }

    /// Waits until `done` holds for the page, checking again at each change to the page;
    /// five seconds without it fail the test.
    async fn wait_until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        let deadline = js_sys::Date::now() + 5_000.0;
        loop {
            yew::scheduler::flush().await;
            if done(self) {
                return;
            }
            let changed = dom_change(&self.root, left_until(deadline)).await;
            yew::scheduler::flush().await;
            assert!(
                changed || done(self),
                "{what} never happened; the page says: {}",
                self.text()
            );
        }
    }

    /// How many exchanges the network log shows.
    fn exchanges(&self) -> u32 {
        self.root
            .query_selector_all("li.exchange")
            .unwrap()
            .length()
    }

    /// Sends the login form and waits for the server's answer in the network log.
    async fn log_in_and_wait(&self, username: &str, password: &str) {
        let before = self.exchanges();
        self.log_in(username, password).await;
        self.wait_until("the login's answer", |page| page.exchanges() > before)
            .await;
    }

    async fn log_in(&self, username: &str, password: &str) {
        self.type_into("Username", username).await;
        self.type_into("Password", password).await;
        self.click("Log in").await;
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        self.close();
    }
}

fn fresh_browser() {
    allow_storage_writes();
    real_fetch();
    address_asks_for(Backend::Mock);
    DocumentJar::new().unwrap().remove_all().unwrap();
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    window.session_storage().unwrap().unwrap().clear().unwrap();
}

#[wasm_bindgen_test]
async fn log_in_reload_and_stay_logged_in() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    assert!(page.text().contains("Page load #1"));
    assert!(page
        .text()
        .contains("No crumbs.sid cookie was in the jar when this page loaded"));

    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    assert!(page.text().contains("POST /api/login → 200 OK"));
    assert!(page.text().contains("Set-Cookie: crumbs.sid=s%3A"));
    assert!(
        page.text().contains("asks for HttpOnly"),
        "the log explains HttpOnly"
    );
    let cookie = DocumentJar::new().unwrap().get(SESSION_COOKIE).unwrap();
    assert!(
        cookie.is_some_and(|v| v.starts_with("s:")),
        "in the real document.cookie"
    );

    let page = page.reload().await;
    page.wait_for("Logged in as alice").await;
    assert!(page.text().contains("Page load #2"));
    assert!(page
        .text()
        .contains("was already in the jar when this page loaded"));
    assert!(page.text().contains("GET /api/session → 200 OK"));

    page.click("Log out").await;
    page.wait_for("Not logged in").await;
    assert_eq!(
        DocumentJar::new().unwrap().get(SESSION_COOKIE).unwrap(),
        None
    );
    let page = page.reload().await;
    page.wait_for("Not logged in").await;
    assert!(page.text().contains("Page load #3"));
}

#[wasm_bindgen_test]
async fn a_wrong_password_and_an_empty_name_are_clear_errors() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in("", "whatever").await;
    let alert = page
        .find("[role=alert]")
        .expect("an alert")
        .text_content()
        .unwrap();
    assert!(alert.contains("Type a username"), "{alert}");
    page.log_in("alice", "guess").await;
    page.wait_for("Unknown user or wrong password").await;
    assert!(page.text().contains("Not logged in"));
    // The refused login's line in the network log is marked as failed.
    let refused = page
        .find("li.exchange .summary.failed")
        .expect("the 401's summary");
    assert_eq!(
        refused.get_attribute("class").as_deref(),
        Some("summary failed")
    );
}

#[wasm_bindgen_test]
async fn a_forged_session_cookie_is_rejected_and_explained() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in("bob", "builder").await;
    page.wait_for("Logged in as bob").await;
    page.click("Forge").await;
    page.wait_for("Rejected").await;
    assert_eq!(
        page.find("[role=status].forge-report")
            .and_then(|report| report.get_attribute("class"))
            .as_deref(),
        Some("forge-report"),
        "not marked as fooling the server"
    );
    assert!(page.text().contains("signature does not match"));
    assert!(
        page.text().contains("without the secret"),
        "the why paragraph"
    );
    assert!(page.text().contains("Not logged in"));
    assert_eq!(
        DocumentJar::new().unwrap().get(SESSION_COOKIE).unwrap(),
        None,
        "the server's 401 cleared the forged cookie"
    );
}

#[wasm_bindgen_test]
async fn cookie_only_is_fooled_by_a_forged_user() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.field("Cookie only").click();
    yew::scheduler::flush().await;
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    page.click("Forge").await;
    page.wait_for("Logged in as admin").await;
    assert_eq!(
        page.find("[role=status].forge-report")
            .and_then(|report| report.get_attribute("class"))
            .as_deref(),
        Some("forge-report fooled")
    );
    assert!(page.text().contains("Accepted"));
    assert!(page.text().contains("The server believed the cookie"));
}

#[wasm_bindgen_test]
async fn after_a_switch_the_session_panel_speaks_of_the_cookie_now_in_use() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    let page = page.reload().await;
    page.wait_for("Logged in as alice").await;
    assert!(page
        .text()
        .contains("The crumbs.sid cookie was already in the jar when this page loaded"));

    page.field("Cookie only").click();
    page.wait_for("Not logged in").await;
    assert!(
        page.text()
            .contains("No crumbs.user cookie was in the jar when this page loaded"),
        "{}",
        page.text()
    );
    // Under Cookie only Forge needs no login, and the panel says so.
    assert!(page.text().contains("No login needed"), "{}", page.text());
    page.click("Forge").await;
    page.wait_for("Logged in as admin").await;
    // Names and code from every layer show as code, not as Markdown backticks. (innerText:
    // what is rendered, so not the raw bodies folded away under "Headers and body".)
    let shown = page.root.unchecked_ref::<HtmlElement>().inner_text();
    assert!(!shown.contains('`'), "{shown}");
}

#[wasm_bindgen_test]
async fn corrupted_server_storage_is_set_aside_with_a_notice() {
    fresh_browser();
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage
        .set_item(STORAGE_KEY, "{definitely not the server's")
        .unwrap();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    let notice = page
        .find("[role=status].notice")
        .expect("a notice")
        .text_content()
        .unwrap();
    assert!(notice.contains(QUARANTINE_KEY), "{notice}");
    assert_eq!(
        storage.get_item(QUARANTINE_KEY).unwrap().as_deref(),
        Some("{definitely not the server's")
    );
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
}

#[wasm_bindgen_test]
async fn the_memory_store_loses_the_session_at_reload_but_not_the_cookie() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.field("Memory").click();
    yew::scheduler::flush().await;
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    let page = page.reload().await;
    page.wait_for("Not logged in").await;
    assert!(
        page.text().contains("keeps sessions in memory"),
        "{}",
        page.text()
    );
    assert!(page
        .text()
        .contains("was already in the jar when this page loaded"));
}

#[wasm_bindgen_test]
async fn the_editor_refuses_bad_input_and_keeps_everything_else() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    page.type_into("Cookie name", "theme").await;
    page.type_into("Cookie value", "dark").await;
    page.click("Set cookie").await;
    page.wait_until("the editor's confirmation", |page| {
        page.find(".editor [role=status]")
            .and_then(|status| status.text_content())
            .is_some_and(|text| text.contains("theme"))
    })
    .await;

    page.type_into("Cookie name", "big").await;
    page.type_into("Cookie value", &"x".repeat(5000)).await;
    page.click("Set cookie").await;
    page.wait_for("browsers keep at most 4096").await;

    page.type_into("Cookie value", "v").await;
    page.type_into("Path", "/; Domain=evil.example").await;
    page.click("Set cookie").await;
    page.wait_for("attribute injection").await;

    let jar = DocumentJar::new().unwrap();
    assert_eq!(jar.get("theme").unwrap().as_deref(), Some("dark"));
    assert_eq!(jar.get("big").unwrap(), None);
    assert!(
        jar.get(SESSION_COOKIE).unwrap().is_some(),
        "the session cookie is intact"
    );
    assert!(page.text().contains("Logged in as alice"));
}

#[wasm_bindgen_test]
async fn a_full_local_storage_still_starts_the_lab_and_says_what_is_lost() {
    fresh_browser();
    let full = FullStorage::start();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    assert!(!page.text().contains("could not start"), "{}", page.text());
    let notice = page
        .find("[role=status].notice")
        .expect("a notice saying what is lost")
        .text_content()
        .unwrap();
    assert!(notice.to_lowercase().contains("memory"), "{notice}");
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    drop(full);
}

#[wasm_bindgen_test]
async fn a_switch_the_browser_cannot_save_is_undone_and_explained() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    let full = FullStorage::start();
    page.field("Cookie only").click();
    yew::scheduler::flush().await;
    let alert = page
        .find("[role=alert]")
        .expect("an alert saying the switch failed")
        .text_content()
        .unwrap();
    assert!(!alert.is_empty());
    assert!(page.field("Server session").checked(), "{alert}");
    assert!(!page.field("Cookie only").checked(), "{alert}");
    // The same refusal twice must put the radio back twice.
    for attempt in 1..=2 {
        page.field("Memory").click();
        yew::scheduler::flush().await;
        assert!(page.field("Database").checked(), "attempt {attempt}");
        assert!(!page.field("Memory").checked(), "attempt {attempt}");
    }
    drop(full);
    let page = page.reload().await;
    page.wait_for("Not logged in").await;
    assert!(page.field("Server session").checked());
    assert!(page.field("Database").checked());
}

#[wasm_bindgen_test]
async fn a_logout_the_server_cannot_save_says_so_and_you_stay_logged_in() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    let full = FullStorage::start();
    page.click("Log out").await;
    page.wait_for("Logging out failed").await;
    assert!(
        page.text().contains("Logged in as alice"),
        "{}",
        page.text()
    );
    assert!(!page.text().contains("You logged out"), "{}", page.text());
    drop(full);
    let page = page.reload().await;
    page.wait_for("Logged in as alice").await;
}

#[wasm_bindgen_test]
async fn the_demo_accounts_say_how_few_hashing_rounds_the_mock_uses_and_why() {
    fresh_browser();
    let page = Page::open().await;
    let note = page
        .find(".hashing")
        .expect("a note next to the demo accounts")
        .text_content()
        .unwrap();
    assert!(note.contains("4,096 rounds"), "{note}");
    assert!(note.contains("600,000"), "{note}");
}

/// Every piece of visible text that holds a backtick, with the state the page was in and
/// the text around it: Markdown's code marks mean nothing in a page and show as litter.
fn backticks(page: &Page, state: &str) -> Vec<String> {
    let text = page.text();
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '`')
        .map(|(at, _)| {
            let start = at.saturating_sub(50);
            let end = chars.len().min(at.saturating_add(50));
            let around: String = chars[start..end].iter().collect();
            format!("{state}: …{around}…")
        })
        .collect()
}

#[wasm_bindgen_test]
async fn no_panel_shows_a_backtick_in_any_of_its_main_states() {
    fresh_browser();
    let mut found = Vec::new();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    found.extend(backticks(&page, "not logged in"));

    page.log_in_and_wait("alice", "guess").await;
    page.wait_for("Unknown user or wrong password").await;
    found.extend(backticks(&page, "a failed login"));
    for _ in 1..5 {
        page.log_in_and_wait("alice", "guess").await;
    }
    page.log_in_and_wait("alice", "wonderland").await;
    page.wait_for("Too many failed logins").await;
    found.extend(backticks(&page, "a throttled login (429)"));

    page.log_in_and_wait("bob", "builder").await;
    page.wait_for("Logged in as bob").await;
    let notes = page.root.query_selector_all("li.exchange .note").unwrap();
    assert!(notes.length() >= 2, "the log's notes: {}", page.text());
    found.extend(backticks(&page, "logged in under server session"));
    page.click("Forge").await;
    page.wait_for("Rejected").await;
    found.extend(backticks(&page, "a forged cookie under server session"));

    // The editor's errors, from the cookie layer and from the editor itself, and its
    // confirmation. Each submission is awaited by its outcome changing, whatever it says.
    let outcome = |page: &Page| {
        page.find(".editor [role=status], .editor [role=alert]")
            .map(|shown| {
                let role = shown.get_attribute("role").unwrap_or_default();
                (role, shown.text_content().unwrap_or_default())
            })
    };
    for (name, value, path, max_age, role) in [
        ("big", "x".repeat(5000), "/", "", "alert"),
        ("v", "1".to_owned(), "/; Domain=evil.example", "", "alert"),
        ("v", "1".to_owned(), "app", "", "alert"),
        ("a;b", "1".to_owned(), "/", "", "alert"),
        ("v", "1".to_owned(), "/", "soon", "alert"),
        ("theme", "dark".to_owned(), "/", "", "status"),
    ] {
        let before = outcome(&page);
        page.type_into("Cookie name", name).await;
        page.type_into("Cookie value", &value).await;
        page.type_into("Path", path).await;
        page.type_into("Max-Age (seconds)", max_age).await;
        page.click("Set cookie").await;
        page.wait_until("the editor's outcome", |page| outcome(page) != before)
            .await;
        let shown = outcome(&page).unwrap_or_default();
        assert_eq!(shown.0, role, "{name} {path} {max_age}: {}", shown.1);
        found.extend(backticks(
            &page,
            &format!("the editor, {name} {path} {max_age}"),
        ));
    }

    page.field("Cookie only").click();
    yew::scheduler::flush().await;
    page.log_in_and_wait("bob", "builder").await;
    page.wait_for("Logged in as bob").await;
    found.extend(backticks(&page, "logged in under cookie only"));
    page.click("Forge").await;
    page.wait_for("Logged in as admin").await;
    found.extend(backticks(&page, "a forged cookie under cookie only"));
    page.click("Log out").await;
    page.wait_for("Not logged in").await;
    found.extend(backticks(&page, "after logout"));

    // A session cookie signed with a secret the server no longer has, because its saved
    // data was spoiled: the storage notice, and the refusal at load.
    page.field("Server session").click();
    yew::scheduler::flush().await;
    page.log_in_and_wait("bob", "builder").await;
    page.wait_for("Logged in as bob").await;
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(STORAGE_KEY, "{spoiled").unwrap();
    let page = page.reload().await;
    page.wait_for("Not logged in").await;
    assert!(
        page.find("[role=status].notice").is_some(),
        "{}",
        page.text()
    );
    found.extend(backticks(&page, "corrupted storage"));

    let full = FullStorage::start();
    page.field("Cookie only").click();
    yew::scheduler::flush().await;
    assert!(page.find("[role=alert]").is_some(), "{}", page.text());
    found.extend(backticks(&page, "a switch that cannot be saved"));
    drop(full);

    fresh_browser();
    let full = FullStorage::start();
    let page = page.reload().await;
    page.wait_for("Not logged in").await;
    found.extend(backticks(&page, "a full localStorage"));
    drop(full);

    assert!(
        found.is_empty(),
        "{} backticks shown:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[wasm_bindgen_test]
async fn a_name_typed_with_backticks_is_shown_as_typed() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    // Backticks are legal in a cookie name; the page must not take them for markup.
    page.type_into("Cookie name", "a`b`c").await;
    page.type_into("Cookie value", "1").await;
    page.click("Set cookie").await;
    let shown = page
        .find(".editor [role=status]")
        .expect("the editor's confirmation")
        .text_content()
        .unwrap();
    assert!(shown.contains("a`b`c"), "{shown}");
    DocumentJar::new().unwrap().remove("a`b`c").unwrap();
}

impl Page {
    /// The input labelled `label` inside the group (`<fieldset>`) named `group` by its
    /// `<legend>`: how a screen reader finds a radio button.
    fn in_group(&self, group: &str, label: &str) -> HtmlInputElement {
        let fieldsets = self.root.query_selector_all("fieldset").unwrap();
        for i in 0..fieldsets.length() {
            let fieldset: Element = fieldsets.item(i).unwrap().unchecked_into();
            let legend = fieldset
                .query_selector("legend")
                .unwrap()
                .and_then(|legend| legend.text_content())
                .unwrap_or_default();
            if legend.trim() != group {
                continue;
            }
            let labels = fieldset.query_selector_all("label").unwrap();
            for j in 0..labels.length() {
                let label_element: Element = labels.item(j).unwrap().unchecked_into();
                if label_element.text_content().unwrap_or_default().trim() == label {
                    return label_element
                        .query_selector("input")
                        .unwrap()
                        .unwrap()
                        .unchecked_into();
                }
            }
        }
        panic!("no {label:?} in a group named {group:?}: {}", self.text());
    }

    fn has_field(&self, label: &str) -> bool {
        let labels = self.root.query_selector_all("label").unwrap();
        (0..labels.length()).any(|i| {
            labels
                .item(i)
                .and_then(|label| label.text_content())
                .is_some_and(|text| text.trim() == label)
        })
    }

    async fn choose(&self, label: &str) {
        self.in_group("Backend", label).click();
        yew::scheduler::flush().await;
    }
}

#[wasm_bindgen_test]
async fn with_no_real_server_the_backend_group_offers_the_mock_and_says_how_to_start_one() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("No real server answers at this address")
        .await;
    let mock = page.in_group("Backend", "In-page mock");
    let real = page.in_group("Backend", "Real server");
    assert_eq!(mock.type_(), "radio");
    assert!(mock.checked() && !mock.disabled());
    assert!(real.disabled() && !real.checked());
    let why = page
        .find("#backend-status")
        .and_then(|status| status.text_content())
        .unwrap_or_default();
    assert!(why.contains("make serve-server"), "{why}");
    assert_eq!(
        real.get_attribute("aria-describedby").as_deref(),
        Some("backend-status"),
        "a screen reader hears why it is disabled"
    );
    // Clicking the disabled radio changes nothing.
    page.choose("Real server").await;
    assert!(page.in_group("Backend", "In-page mock").checked());
    page.log_in("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    assert!(
        page.text().contains("Answered by the in-page mock."),
        "{}",
        page.text()
    );
    // The end-to-end suite reads each entry's summary whole: the backend is said beside it.
    let summary = page
        .find("li.exchange .summary")
        .and_then(|summary| summary.text_content())
        .unwrap_or_default();
    assert_eq!(summary, "POST /api/login → 200 OK");
    assert_eq!(
        page.find("li.exchange .summary")
            .and_then(|summary| summary.get_attribute("class"))
            .as_deref(),
        Some("summary ok")
    );
}

#[wasm_bindgen_test]
async fn an_address_asking_for_a_server_that_is_not_there_gets_the_mock_and_says_so() {
    fresh_browser();
    address_asks_for(Backend::Server);
    let page = Page::open().await;
    page.wait_for("This address asks for it").await;
    page.wait_for("Not logged in").await;
    assert!(page.in_group("Backend", "In-page mock").checked());
    assert!(page.has_field("Cookie only"), "the mock's switches stay");
    assert!(
        address().contains("backend=server"),
        "kept for a reload once the server runs: {}",
        address()
    );
    address_asks_for(Backend::Mock);
}

#[wasm_bindgen_test]
async fn switching_to_the_real_server_keeps_what_was_typed_and_survives_a_reload() {
    fresh_browser();
    let server = FakeServer::start();
    let page = Page::open().await;
    page.wait_for("A real server answers here").await;
    page.wait_for("Not logged in").await;
    assert!(
        page.text().contains("the server's own memory"),
        "{}",
        page.text()
    );
    page.type_into("Username", "alice").await;
    page.type_into("Cookie name", "typed").await;

    page.choose("Real server").await;
    page.wait_for("The server says this request carried no cookies")
        .await;
    assert!(page.in_group("Backend", "Real server").checked());
    assert_eq!(
        page.field("Username").value(),
        "alice",
        "nothing typed is lost"
    );
    assert_eq!(page.field("Cookie name").value(), "typed");
    assert!(address().contains("backend=server"), "{}", address());
    // The mock's own settings give way to what the real server uses.
    for mock_only in ["Server session", "Cookie only", "Database", "Memory"] {
        assert!(!page.has_field(mock_only), "{mock_only} is the mock's");
    }
    assert!(page.text().contains("The real server has one strategy"));
    assert!(
        page.text()
            .contains("is HttpOnly: the page cannot read it, so the cookie table does not list it"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("Cookie header"), "the log says why");
    assert!(page.text().contains("Answered by the real server."));

    page.type_into("Password", "wonderland").await;
    page.click("Log in").await;
    page.wait_for("Logged in as alice").await;
    assert!(page.text().contains("POST /api/login → 200 OK"));
    assert!(
        page.text().contains("x-crumbs-cookie-names"),
        "the exposed headers are shown: {}",
        page.text()
    );

    let page = page.reload().await;
    page.wait_for("Logged in as alice").await;
    assert!(page.in_group("Backend", "Real server").checked());
    assert!(page.text().contains("Page load #2"));
    assert!(
        page.text().contains("Yet the server received it"),
        "{}",
        page.text()
    );
    assert!(page
        .text()
        .contains("The server says this request carried the cookies crumbs.sid"));

    page.choose("In-page mock").await;
    page.wait_for("Not logged in").await;
    assert!(
        page.has_field("Cookie only"),
        "the mock's switches are back"
    );
    assert!(!address().contains("backend"), "{}", address());
    drop(server);
}

#[wasm_bindgen_test]
async fn forge_with_the_real_server_writes_as_script_and_gives_the_curl_command() {
    fresh_browser();
    let server = FakeServer::start();
    address_asks_for(Backend::Server);
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    assert!(page.in_group("Backend", "Real server").checked());
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    assert!(
        page.text().contains(&format!(
            "curl -i -H 'Cookie: crumbs.sid=…' {origin}/api/session"
        )),
        "{}",
        page.text()
    );
    page.click("Forge").await;
    page.wait_for("Rejected").await;
    // No HttpOnly crumbs.sid was there (this stand-in cannot make one), so the write made
    // an ordinary cookie, and the server refused and cleared it.
    assert!(
        page.text()
            .contains("The browser kept the write as an ordinary cookie"),
        "{}",
        page.text()
    );
    assert!(page
        .text()
        .contains("document.cookie = \"crumbs.sid=forged-by-script"));
    assert_eq!(
        DocumentJar::new().unwrap().get(SESSION_COOKIE).unwrap(),
        None
    );
    drop(server);
    address_asks_for(Backend::Mock);
}

#[wasm_bindgen_test]
async fn a_real_server_that_stops_answering_is_a_clear_error_not_a_panic() {
    fresh_browser();
    let server = FakeServer::gone();
    let page = Page::open().await;
    page.wait_for("A real server answers here").await;
    page.type_into("Username", "alice").await;
    page.choose("Real server").await;
    page.wait_for("The real server did not answer: start it with make serve-server")
        .await;
    assert!(page.text().contains("No answer came: fetch failed"));
    page.type_into("Password", "wonderland").await;
    page.click("Log in").await;
    page.wait_until("the login's error", |page| {
        page.find("[role=alert]")
            .and_then(|alert| alert.text_content())
            .is_some_and(|text| text.contains("make serve-server"))
    })
    .await;
    assert!(!page
        .find("button[type=submit]")
        .unwrap()
        .has_attribute("disabled"));
    drop(server);
    address_asks_for(Backend::Mock);
}

/// The texts of the network log's page-load headings, top to bottom.
fn log_groups(page: &Page) -> Vec<(String, String)> {
    let groups = page.root.query_selector_all(".page-load-group").unwrap();
    (0..groups.length())
        .map(|i| {
            let group: Element = groups.item(i).unwrap().unchecked_into();
            let heading = group.query_selector("h3").unwrap().unwrap();
            (
                heading.text_content().unwrap_or_default(),
                group.text_content().unwrap_or_default(),
            )
        })
        .collect()
}

/// Where the page keeps the network log for the tab (the page's `saved_log::LOG_KEY`).
const SAVED_LOG_KEY: &str = "crumbs.network-log";

fn saved_log() -> Option<String> {
    let window = web_sys::window().unwrap();
    let storage = window.session_storage().unwrap().unwrap();
    storage.get_item(SAVED_LOG_KEY).unwrap()
}

#[wasm_bindgen_test]
async fn the_network_log_survives_a_reload_grouped_by_page_load_newest_first() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in_and_wait("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;

    let page = page.reload().await;
    page.wait_for("Logged in as alice").await;
    page.wait_for("GET /api/session → 200 OK").await;
    let groups = log_groups(&page);
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups[0].0.starts_with("Page load #2"), "{groups:?}");
    assert!(groups[0].1.contains("GET /api/session → 200 OK"));
    assert!(groups[1].0.starts_with("Page load #1"), "{groups:?}");
    assert!(groups[1].1.contains("POST /api/login → 200 OK"));
    assert!(groups[1].1.contains("Set-Cookie: crumbs.sid=s%3A"));
    let saved = saved_log().expect("the log is saved for the tab");
    assert!(saved.contains("alice"), "{saved}");
    assert!(!saved.contains("wonderland"), "no password saved: {saved}");
}

#[wasm_bindgen_test]
async fn an_unreadable_saved_log_starts_afresh_and_says_so() {
    fresh_browser();
    let window = web_sys::window().unwrap();
    let storage = window.session_storage().unwrap().unwrap();
    storage.set_item(SAVED_LOG_KEY, "{not a log").unwrap();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.wait_for("GET /api/session → 401 Unauthorized").await;
    assert!(
        page.text()
            .contains("The network log saved for this tab could not be read ("),
        "{}",
        page.text()
    );
    assert!(page
        .text()
        .contains("so it starts afresh from this page load."));
    page.log_in_and_wait("alice", "wonderland").await;
    page.wait_for("Logged in as alice").await;
    let saved = saved_log().unwrap();
    // `[version, [page loads], [exchanges]]`: this load's, with the login in it.
    assert!(saved.starts_with("[1,[1],[["), "saved afresh: {saved}");
}

#[wasm_bindgen_test]
async fn clear_log_empties_the_saved_log_and_keeps_this_load() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    page.log_in_and_wait("alice", "wonderland").await;
    let page = page.reload().await;
    page.wait_for("GET /api/session → 200 OK").await;
    assert!(saved_log().unwrap().contains("/api/login"));

    page.click("Clear log").await;
    page.wait_for("Log cleared.").await;
    assert_eq!(page.exchanges(), 0);
    let groups = log_groups(&page);
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert!(groups[0].0.starts_with("Page load #2"), "{groups:?}");
    let saved = saved_log().unwrap();
    assert_eq!(saved, "[1,[2],[]]", "only this load, with nothing in it");
}

#[wasm_bindgen_test]
async fn a_refused_save_of_the_log_is_said_and_breaks_nothing() {
    fresh_browser();
    let full = FullStorage::start();
    let page = Page::open().await;
    page.wait_for("This browser refused to save the network log for this tab (")
        .await;
    page.wait_for("GET /api/session → 401 Unauthorized").await;
    assert!(page.text().contains("Page load #1"));
    drop(full);
}

/// Firefox ESR's Cookie Store API reports names and values only; Chromium's, every
/// attribute.
fn firefox() -> bool {
    browser() == Browser::Firefox
}

impl Page {
    /// The texts of the `td` cells of the cookie table's row for `name`, or `None`
    /// without such a row.
    fn row_cells(&self, name: &str) -> Option<Vec<String>> {
        let rows = self
            .root
            .query_selector_all("table.cookies tbody tr")
            .unwrap();
        (0..rows.length())
            .map(|i| rows.item(i).unwrap().unchecked_into::<Element>())
            .find(|row| {
                row.query_selector("th")
                    .unwrap()
                    .is_some_and(|th| th.text_content().unwrap_or_default() == name)
            })
            .map(|row| {
                let cells = row.query_selector_all("td").unwrap();
                (0..cells.length())
                    .map(|i| cells.item(i).unwrap().text_content().unwrap_or_default())
                    .collect()
            })
    }

    /// The timeline's caption list, entry by entry.
    fn timeline_captions(&self) -> Vec<String> {
        let items = self
            .root
            .query_selector_all(".timeline-captions li")
            .unwrap();
        (0..items.length())
            .map(|i| items.item(i).unwrap().text_content().unwrap_or_default())
            .collect()
    }
}

#[wasm_bindgen_test]
async fn attributes_from_the_cookie_store_api_reach_the_table() {
    fresh_browser();
    raw_assign("strict=1; Path=/; SameSite=Strict; Max-Age=3600");
    let page = Page::open().await;
    let header = page
        .find("table.cookies thead tr")
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(header, "NameValueExpiresPathDomainSecureSameSiteActions");
    if firefox() {
        page.wait_for("reports names and values only").await;
        let cells = page.row_cells("strict").unwrap();
        assert_eq!(cells[1..6], ["—", "—", "—", "—", "—"], "{cells:?}");
        assert_eq!(
            page.root
                .query_selector_all(".attributes-unknown")
                .unwrap()
                .length(),
            1,
            "one line says why"
        );
    } else {
        page.wait_until("the attributes", |page| {
            page.row_cells("strict")
                .is_some_and(|cells| cells[5] == "Strict")
        })
        .await;
        let cells = page.row_cells("strict").unwrap();
        assert_eq!(cells[0], "1", "the value, decoded");
        assert!(
            ["in 59 min", "in 1 h"].contains(&cells[1].as_str()),
            "{cells:?}"
        );
        assert_eq!(
            cells[2..6],
            ["/", "this host only", "no", "Strict"],
            "{cells:?}"
        );
        assert!(page.find(".attributes-unknown").is_none());
    }
}

#[wasm_bindgen_test]
async fn a_max_age_cookie_written_by_script_leaves_the_table_by_itself() {
    fresh_browser();
    let page = Page::open().await;
    raw_assign("short=lived; Path=/; Max-Age=1");
    page.wait_until("the short-lived row", |page| {
        page.row_cells("short").is_some()
    })
    .await;
    if firefox() {
        // No expiry from Firefox's Cookie Store API: the documented fallback is that the
        // row goes at the next change the watcher sees after the browser dropped it.
        let gone = cookie_gone("short", 3_000.0).await;
        assert!(gone, "Firefox drops the cookie at its expiry");
        raw_assign("next=change; Path=/");
    }
    page.wait_until("the short-lived row to leave", |page| {
        page.row_cells("short").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_timeline_is_in_the_page_with_its_text_alternative() {
    fresh_browser();
    raw_assign("theme=dark; Path=/; Max-Age=604800");
    raw_assign("lang=en; Path=/");
    let page = Page::open().await;
    let svg = page.find("svg.timeline").expect("the timeline's picture");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-labelledby").as_deref(),
        Some("timeline-title timeline-desc")
    );
    assert_eq!(
        page.find("svg.timeline title")
            .unwrap()
            .text_content()
            .unwrap(),
        "Cookie timeline"
    );
    let desc = page
        .find("svg.timeline desc")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(desc.starts_with("2 cookies as bars"), "{desc}");
    let captions = page.timeline_captions();
    assert_eq!(
        captions.len(),
        3,
        "a cookie each and the page load: {captions:?}"
    );
    for name in ["theme", "lang"] {
        assert!(
            captions
                .iter()
                .any(|caption| caption.starts_with(&format!("{name}: first seen "))),
            "{name} in {captions:?}"
        );
    }
    assert!(captions
        .iter()
        .any(|caption| caption.starts_with("Page load #1 at ")));
    let bars = page.root.query_selector_all("svg.timeline g.bar").unwrap();
    assert_eq!(bars.length(), 2);
    // Neither ends on the axis (a session cookie; an expiry a week away): both "open".
    for i in 0..bars.length() {
        let bar: Element = bars.get(i).unwrap().unchecked_into();
        assert_eq!(bar.get_attribute("class").as_deref(), Some("bar open"));
    }
    if !firefox() {
        page.wait_until("theme's expiry", |page| {
            page.timeline_captions().iter().any(|caption| {
                caption.contains("expires in 6 d 23 h") || caption.contains("expires in 7 d")
            })
        })
        .await;
    }

    page.log_in_and_wait("alice", "wonderland").await;
    page.wait_until("the server session's end", |page| {
        page.timeline_captions()
            .iter()
            .any(|caption| caption.starts_with("Server session ends in "))
    })
    .await;
    assert!(page.find("svg.timeline .session-end").is_some());
}

#[wasm_bindgen_test]
async fn a_cookie_named_like_markup_is_drawn_as_text_not_markup() {
    fresh_browser();
    raw_assign("<i>hi</i>=1; Path=/");
    let page = Page::open().await;
    page.find("svg.timeline").expect("the timeline's picture");
    assert!(
        page.find("svg.timeline i").is_none(),
        "the name became an element"
    );
    let label = page
        .find("svg.timeline g.bar text")
        .and_then(|text| text.text_content())
        .unwrap_or_default();
    assert_eq!(label, "<i>hi</i>");
}

#[wasm_bindgen_test]
async fn the_timeline_keeps_first_sightings_across_a_reload_and_survives_a_spoiled_record() {
    fresh_browser();
    raw_assign("theme=dark; Path=/");
    let page = Page::open().await;
    let first = page.timeline_captions()[0].clone();
    assert!(first.starts_with("theme: first seen "), "{first}");
    let page = page.reload().await;
    let captions = page.timeline_captions();
    assert_eq!(captions[0], first, "the first sighting is kept");
    assert!(captions
        .iter()
        .any(|caption| caption.starts_with("Page load #1 at ")));
    assert!(captions
        .iter()
        .any(|caption| caption.starts_with("Page load #2 at ")));
    drop(page);

    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .set_item(crumbs::timeline::SEEN_KEY, "{\"v\":1,\"loads\":[[")
        .unwrap();
    let page = Page::open().await;
    let captions = page.timeline_captions();
    assert!(
        captions[0].starts_with("theme: first seen "),
        "{captions:?}"
    );
    assert!(page.find("svg.timeline").is_some());
    assert!(!page.text().contains("could not start"));
}

// ---------------------------------------------------------------- SameSite, for real

/// The rows of the SameSite panel's table, each cell's text.
fn samesite_rows(page: &Page) -> Vec<Vec<String>> {
    let rows = page
        .root
        .query_selector_all("table.samesite tbody tr")
        .unwrap();
    (0..rows.length())
        .map(|i| {
            let row: Element = rows.item(i).unwrap().unchecked_into();
            let cells = row.query_selector_all("th, td").unwrap();
            (0..cells.length())
                .map(|j| cells.item(j).unwrap().text_content().unwrap_or_default())
                .collect()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn with_the_mock_the_samesite_panel_says_it_needs_the_real_server_and_offers_no_button() {
    fresh_browser();
    let page = Page::open().await;
    page.wait_for("Not logged in").await;
    assert!(
        page.text()
            .contains("This experiment needs the real server (make serve-server"),
        "{}",
        page.text()
    );
    assert!(
        !page.text().contains("Set the four cookies"),
        "{}",
        page.text()
    );
}

#[wasm_bindgen_test]
async fn the_samesite_table_shows_the_servers_report_beside_the_cookies_this_browser_kept() {
    fresh_browser();
    let _server = FakeServer::start();
    address_asks_for(Backend::Server);
    let page = Page::open().await;
    page.wait_for("A real server answers here").await;
    page.click("Set the four cookies").await;
    page.wait_for("The server set the four cookies.").await;
    // Back from the other site with run r1 (the tab keeps its id in sessionStorage).
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .set_item("crumbs.samesite-run", "r1")
        .unwrap();
    let page = page.reload().await;
    page.wait_until("the table", |page| !samesite_rows(page).is_empty())
        .await;
    let port = web_sys::window().unwrap().location().port().unwrap();
    assert!(
        page.text().contains(&format!(
            "What each request from http://localhost:{port} carried"
        )),
        "{}",
        page.text()
    );
    let row = |cells: [&str; 5]| cells.map(str::to_owned).to_vec();
    assert_eq!(
        samesite_rows(&page),
        [
            row(["Kept in this browser now", "yes", "yes", "yes", "yes"]),
            row([
                "Top-level link (GET)",
                "not sent",
                "sent",
                "not sent",
                "sent"
            ]),
            row([
                "Form POST",
                "did not arrive",
                "did not arrive",
                "did not arrive",
                "did not arrive"
            ]),
            row(["fetch", "not sent", "not sent", "not sent", "not sent"]),
            row([
                "<img>",
                "did not arrive",
                "did not arrive",
                "did not arrive",
                "did not arrive"
            ]),
        ]
    );
    assert!(
        page.text().contains("GET /api/samesite/runs/r1 → 200 OK"),
        "the log shows the report's exchange: {}",
        page.text()
    );
    address_asks_for(Backend::Mock);
}

#[wasm_bindgen_test]
async fn a_run_the_server_does_not_know_is_a_clear_error() {
    fresh_browser();
    let _server = FakeServer::start();
    address_asks_for(Backend::Server);
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .set_item("crumbs.samesite-run", "gone")
        .unwrap();
    let page = Page::open().await;
    page.wait_for("The SameSite experiment failed: this server saw no request of the run")
        .await;
    assert!(samesite_rows(&page).is_empty());
    address_asks_for(Backend::Mock);
}
