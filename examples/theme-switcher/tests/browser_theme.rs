//! The theme switcher in headless Chromium: the picker, the preview and the page follow
//! the one `theme` cookie, whoever changes it.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use crumbs_cookies::watch::{self, Sources, CHANNEL_NAME};
use crumbs_cookies::{CookieJar, DocumentJar};
use theme_switcher::{App, ThemePicker, ThemePreview};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
export function raw_assign(text) { document.cookie = text; }
// Settles as `promise` does, or fails naming `what` once `ms` have passed: a deadline so a
// broken watcher fails the test instead of hanging it, never a wait for success.
export function within(promise, ms, what) {
    let timer;
    const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(what + ' did not happen within ' + ms + ' ms')), ms);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
")]
extern "C" {
    fn raw_assign(text: &str);
    fn within(promise: &js_sys::Promise, ms: u32, what: &str) -> js_sys::Promise;
}

/// One component rendered into its own fresh <div>, removed when dropped.
struct Mounted<C: BaseComponent> {
    root: Element,
    app: Option<yew::AppHandle<C>>,
}

impl<C> Mounted<C>
where
    C: BaseComponent,
    C::Properties: Default,
{
    async fn new() -> Self {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let app =
            yew::Renderer::<C>::with_root_and_props(root.clone(), Default::default()).render();
        yew::scheduler::flush().await;
        Self {
            root,
            app: Some(app),
        }
    }
}

impl<C: BaseComponent> Mounted<C> {
    fn find(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector).text_content().unwrap_or_default()
    }

    /// The radio button whose label reads `name`: found by its accessible name, as a
    /// person (or a screen reader) would find it.
    fn radio(&self, name: &str) -> HtmlInputElement {
        let labels = self.root.query_selector_all("label").unwrap();
        (0..labels.length())
            .filter_map(|i| labels.item(i))
            .find(|label| label.text_content().unwrap_or_default().trim() == name)
            .and_then(|label| {
                label
                    .unchecked_into::<Element>()
                    .query_selector("input")
                    .unwrap()
            })
            .unwrap_or_else(|| panic!("no radio button is labelled {name}"))
            .unchecked_into()
    }

    async fn pick(&self, name: &str) {
        self.radio(name).unchecked_into::<HtmlElement>().click();
        yew::scheduler::flush().await;
    }

    fn checked(&self) -> Vec<String> {
        ["Light", "Dark"]
            .into_iter()
            .filter(|name| self.radio(name).checked())
            .map(str::to_owned)
            .collect()
    }
}

impl<C: BaseComponent> Drop for Mounted<C> {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

const STATUS: &str = "[role=status]";

/// Starts each test from an empty jar and the default change sources, and leaves them so
/// even when an assertion fails.
struct Clean;

impl Clean {
    fn new() -> Self {
        clear();
        watch::set_sources(Sources::default());
        Self
    }
}

impl Drop for Clean {
    fn drop(&mut self) {
        watch::set_sources(Sources::default());
        clear();
    }
}

fn clear() {
    DocumentJar::new().unwrap().remove_all().unwrap();
}

fn theme_cookie() -> Option<String> {
    DocumentJar::new().unwrap().get("theme").unwrap()
}

/// Resolves the next time the watcher tells its subscribers the cookies changed. It tells
/// them all in one go, so by then every mounted hook has its new value too.
fn next_change() -> (js_sys::Promise, watch::Subscription) {
    let resolver: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        *resolver.borrow_mut() = Some(resolve);
    });
    let subscription = watch::subscribe(move |_| {
        if let Some(resolve) = resolver.borrow_mut().take() {
            resolve.call0(&JsValue::NULL).unwrap();
        }
    });
    (promise, subscription)
}

async fn wait_for(change: js_sys::Promise, what: &str) {
    JsFuture::from(within(&change, 3_000, what))
        .await
        .unwrap_or_else(|error| panic!("{error:?}"));
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn picking_dark_sets_the_cookie_and_the_preview_shows_it() {
    let _clean = Clean::new();
    let picker = Mounted::<ThemePicker>::new().await;
    let preview = Mounted::<ThemePreview>::new().await;
    assert_eq!(preview.text(STATUS), "The light theme is on.");
    assert_eq!(picker.checked(), ["Light"], "no cookie: the default theme");

    picker.pick("Dark").await;
    assert_eq!(theme_cookie().as_deref(), Some("dark"));
    assert_eq!(picker.checked(), ["Dark"]);
    assert_eq!(
        preview.text(STATUS),
        "The dark theme is on.",
        "the preview shares nothing with the picker but the cookie"
    );
    assert!(picker
        .root
        .query_selector("[role=alert]")
        .unwrap()
        .is_none());

    picker.pick("Light").await;
    assert_eq!(theme_cookie().as_deref(), Some("light"));
    assert_eq!(preview.text(STATUS), "The light theme is on.");
}

#[wasm_bindgen_test]
async fn the_page_takes_the_theme_and_says_another_tab_is_followed() {
    let _clean = Clean::new();
    let page = Mounted::<App>::new().await;
    assert_eq!(
        page.find("main").get_attribute("data-theme").as_deref(),
        Some("light")
    );
    let hint = page.text(".hint");
    assert!(
        hint.contains("second tab") && hint.contains("broadcasts"),
        "{hint}"
    );
    page.pick("Dark").await;
    assert_eq!(
        page.find("main").get_attribute("data-theme").as_deref(),
        Some("dark")
    );
    assert_eq!(page.text(STATUS), "The dark theme is on.");
}

#[wasm_bindgen_test]
async fn a_theme_written_by_another_script_is_followed() {
    let _clean = Clean::new();
    let page = Mounted::<App>::new().await;
    let (change, _subscription) = next_change();
    // What devtools or a third-party script does: no crumbs code is told of this write;
    // the watcher finds it (the Cookie Store API's change event in Chromium).
    raw_assign("theme=dark; Path=/");
    wait_for(change, "the watcher's notice of a script's write").await;
    assert_eq!(page.text(STATUS), "The dark theme is on.");
    assert_eq!(page.checked(), ["Dark"]);
    assert_eq!(
        page.find("main").get_attribute("data-theme").as_deref(),
        Some("dark")
    );
}

#[wasm_bindgen_test]
async fn a_theme_picked_in_another_tab_is_followed() {
    let _clean = Clean::new();
    // Only the other tabs' announcements: what follows cannot be noticed any other way.
    watch::set_sources(Sources {
        cookie_store: false,
        poll: false,
        broadcast: true,
    });
    let picker = Mounted::<ThemePicker>::new().await;
    let preview = Mounted::<ThemePreview>::new().await;

    // The other tab writes the shared jar...
    raw_assign("theme=dark; Path=/");
    yew::scheduler::flush().await;
    assert_eq!(
        preview.text(STATUS),
        "The light theme is on.",
        "nothing but the broadcast is listening in this test"
    );
    // ...then its DocumentJar announces the write on the origin's channel.
    let (change, _subscription) = next_change();
    let other_tab = web_sys::BroadcastChannel::new(CHANNEL_NAME).unwrap();
    other_tab
        .post_message(&JsValue::from_str("changed"))
        .unwrap();
    wait_for(change, "the watcher's notice of another tab's write").await;
    other_tab.close();
    assert_eq!(preview.text(STATUS), "The dark theme is on.");
    assert_eq!(picker.checked(), ["Dark"]);
}
