//! The hooks in headless Chromium and Firefox: components follow a cookie whoever changes it.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use crumbs_cookies::watch::{self, Sources, CHANNEL_NAME};
use crumbs_cookies::{CookieJar, CookieJarJson, CookieOptions, DocumentJar};
use crumbs_test_support::{browser, cookie_gone, dom_change, left_until, raw_assign, Browser};
use crumbs_yew::{
    use_cookie_attributes, use_cookie_json, use_cookie_with_options, use_cookies,
    CookieAttributesState,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
// Wraps setTimeout so a test sees every delay the page asks for; restore() undoes it.
export function record_timeouts() {
    const original = globalThis.setTimeout;
    const delays = [];
    globalThis.setTimeout = function (handler, delay, ...rest) {
        delays.push(delay);
        return original.call(this, handler, delay, ...rest);
    };
    return { delays: () => delays.slice(), restore: () => { globalThis.setTimeout = original; } };
}
")]
extern "C" {
    type TimeoutRecorder;
    fn record_timeouts() -> TimeoutRecorder;
    #[wasm_bindgen(method)]
    fn delays(this: &TimeoutRecorder) -> Vec<f64>;
    #[wasm_bindgen(method)]
    fn restore(this: &TimeoutRecorder);
}

#[derive(Properties, PartialEq)]
struct ProbeProps {
    name: AttrValue,
    /// In milliseconds, as `CookieOptions::max_age` takes it.
    #[prop_or_default]
    max_age: Option<i64>,
}

/// Shows one cookie and offers a button that sets it to "clicked".
#[component]
fn Probe(props: &ProbeProps) -> Html {
    let options = match props.max_age {
        Some(ms) => CookieOptions::new().max_age(ms),
        None => CookieOptions::new(),
    };
    let cookie = use_cookie_with_options(&props.name, options);
    let error = use_state(|| None::<String>);
    let onclick = {
        let (cookie, error) = (cookie.clone(), error.clone());
        Callback::from(move |_| error.set(cookie.set("clicked").err().map(|e| e.to_string())))
    };
    html! {
        <div>
            <output class="value">{ cookie.value().unwrap_or("(none)") }</output>
            <button {onclick}>{ "Set" }</button>
            if let Some(error) = &*error { <p role="alert">{ error }</p> }
        </div>
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Prefs {
    size: u8,
}

#[component]
fn JsonProbe() -> Html {
    let prefs = use_cookie_json::<Prefs>("prefs");
    html! {
        <div>
            { match prefs.value() {
                Some(Ok(prefs)) => html! { <output class="value">{ prefs.size }</output> },
                Some(Err(error)) => html! { <p role="alert">{ error.to_string() }</p> },
                None => html! { <output class="value">{ "(none)" }</output> },
            } }
        </div>
    }
}

#[component]
fn Count() -> Html {
    let cookies = use_cookies();
    html! { <output class="value">{ cookies.len() }</output> }
}

/// The names of every cookie, in the order the page lists them.
#[component]
fn Names() -> Html {
    let cookies = use_cookies();
    let names: Vec<&str> = cookies.iter().map(|c| c.name.as_str()).collect();
    html! { <output class="value">{ names.join(" ") }</output> }
}

/// Cookie `strict`'s attributes as "path SameSite lifetime", or why they are unknown.
#[component]
fn StrictAttributes() -> Html {
    let attributes = use_cookie_attributes();
    let text = match (&attributes, attributes.get("strict")) {
        (CookieAttributesState::Reading, _) => "(reading)".to_owned(),
        (CookieAttributesState::Unavailable(why), _) => format!("unavailable: {why}"),
        (_, None) => "(none)".to_owned(),
        (_, Some(cookie)) => format!(
            "{} {:?} {}",
            cookie.path,
            cookie.same_site,
            match cookie.expires_in(js_sys::Date::now() as i64) {
                Some(ms) if ms > 3_000_000 => "about an hour",
                Some(_) => "soon",
                None => "session",
            }
        ),
    };
    html! { <output class="value">{ text }</output> }
}

struct Mounted<C: BaseComponent> {
    root: Element,
    app: Option<yew::AppHandle<C>>,
}

impl<C: BaseComponent> Mounted<C> {
    async fn new(props: C::Properties) -> Self {
        let document = gloo_utils::document();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let app = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        Self {
            root,
            app: Some(app),
        }
    }

    fn text(&self, selector: &str) -> String {
        self.root
            .query_selector(selector)
            .unwrap()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    fn value(&self) -> String {
        self.text(".value")
    }

    async fn click(&self) {
        self.root
            .query_selector("button")
            .unwrap()
            .unwrap()
            .unchecked_into::<HtmlElement>()
            .click();
        yew::scheduler::flush().await;
    }

    /// Waits until the shown value is `expected`, checking again at each change to the
    /// component's DOM, up to `limit`; returns the last value.
    async fn wait_for(&self, expected: &str, limit: Duration) -> String {
        let deadline = js_sys::Date::now() + limit.as_millis() as f64;
        loop {
            yew::scheduler::flush().await;
            let value = self.value();
            if value == expected || !dom_change(&self.root, left_until(deadline)).await {
                yew::scheduler::flush().await;
                return self.value();
            }
        }
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

fn probe(name: &str) -> ProbeProps {
    ProbeProps {
        name: AttrValue::from(name.to_owned()),
        max_age: None,
    }
}

fn clear() {
    DocumentJar::new().unwrap().remove_all().unwrap();
}

#[wasm_bindgen_test]
async fn two_components_share_a_cookie() {
    clear();
    let writer = Mounted::<Probe>::new(probe("shared")).await;
    let reader = Mounted::<Probe>::new(probe("shared")).await;
    let count = Mounted::<Count>::new(()).await;
    assert_eq!(reader.value(), "(none)");
    assert_eq!(count.value(), "0");
    writer.click().await;
    assert_eq!(writer.value(), "clicked");
    assert_eq!(
        reader.value(),
        "clicked",
        "the other component follows after one flush"
    );
    assert_eq!(count.value(), "1");
    DocumentJar::new().unwrap().remove("shared").unwrap();
    yew::scheduler::flush().await;
    assert_eq!(reader.value(), "(none)");
    assert_eq!(count.value(), "0");
}

#[wasm_bindgen_test]
async fn a_raw_document_cookie_assignment_shows_up() {
    clear();
    let shown = Mounted::<Probe>::new(probe("outside")).await;
    raw_assign("outside=from%20JavaScript");
    assert_eq!(
        shown
            .wait_for("from JavaScript", Duration::from_secs(3))
            .await,
        "from JavaScript"
    );
    clear();
}

#[wasm_bindgen_test]
async fn without_the_cookie_store_api_the_comparison_catches_it() {
    clear();
    watch::set_sources(Sources {
        cookie_store: false,
        poll: true,
        broadcast: false,
    });
    let shown = Mounted::<Probe>::new(probe("polled")).await;
    raw_assign("polled=yes");
    let seen = shown.wait_for("yes", Duration::from_secs(3)).await;
    watch::set_sources(Sources::default());
    assert_eq!(seen, "yes");
    clear();
}

#[wasm_bindgen_test]
async fn a_message_from_another_tab_refreshes_the_value() {
    clear();
    watch::set_sources(Sources {
        cookie_store: false,
        poll: false,
        broadcast: true,
    });
    let shown = Mounted::<Probe>::new(probe("tab")).await;
    raw_assign("tab=other");
    yew::scheduler::flush().await;
    assert_eq!(
        shown.value(),
        "(none)",
        "nothing else is listening in this test"
    );
    // What another tab's DocumentJar sends after its write.
    let other_tab = web_sys::BroadcastChannel::new(CHANNEL_NAME).unwrap();
    other_tab
        .post_message(&JsValue::from_str("changed"))
        .unwrap();
    let seen = shown.wait_for("other", Duration::from_secs(3)).await;
    other_tab.close();
    watch::set_sources(Sources::default());
    assert_eq!(seen, "other");
    clear();
}

#[wasm_bindgen_test]
async fn a_max_age_cookie_turns_to_none_when_it_expires() {
    clear();
    let shown = Mounted::<Probe>::new(ProbeProps {
        name: "brief".into(),
        max_age: Some(1_000),
    })
    .await;
    shown.click().await;
    assert_eq!(shown.value(), "clicked");
    // The expiry timer fires just after the second is up; allow for a slow machine.
    assert_eq!(
        shown.wait_for("(none)", Duration::from_secs(3)).await,
        "(none)"
    );
    assert_eq!(DocumentJar::new().unwrap().get("brief").unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_cookie_that_expires_in_months_arms_one_long_timer_not_a_zero_delay_loop() {
    clear();
    let shown = Mounted::<Probe>::new(ProbeProps {
        name: "season".into(),
        // 180 days, as the hooks' own doc example writes: past what setTimeout can wait.
        max_age: Some(180 * 24 * 60 * 60 * 1000),
    })
    .await;
    let recorder = record_timeouts();
    shown.click().await;
    let delays = recorder.delays();
    recorder.restore();
    assert_eq!(shown.value(), "clicked");
    // A delay setTimeout cannot hold wraps negative and fires at once, re-arming forever.
    let most = f64::from(i32::MAX);
    assert!(
        !delays.is_empty() && delays.iter().all(|d| (0.0..=most).contains(d)),
        "setTimeout was asked for {delays:?} ms"
    );
    let longest = delays.iter().copied().fold(0.0, f64::max);
    assert!(
        longest > 24.0 * 24.0 * 3600.0 * 1000.0,
        "the expiry timer waits as long as it can: {delays:?}"
    );
    clear();
}

#[wasm_bindgen_test]
async fn a_json_cookie_holding_garbage_is_an_error_the_component_shows() {
    clear();
    raw_assign("prefs={oops");
    let shown = Mounted::<JsonProbe>::new(()).await;
    let alert = shown.text("[role=alert]");
    assert!(
        alert.contains("Cookie “prefs” does not hold JSON"),
        "{alert}"
    );
    DocumentJar::new()
        .unwrap()
        .set_json("prefs", &Prefs { size: 14 })
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(shown.value(), "14");
    clear();
}

#[wasm_bindgen_test]
async fn a_max_age_cookie_written_by_another_script_leaves_the_list_when_it_expires() {
    clear();
    let shown = Mounted::<Names>::new(()).await;
    raw_assign("short=lived; Path=/; Max-Age=1");
    let written = js_sys::Date::now();
    assert_eq!(
        shown.wait_for("short", Duration::from_secs(3)).await,
        "short"
    );
    match browser() {
        // The Cookie Store API reports the expiry: the watcher's timer drops the cookie
        // within about a second of its expiry, one second after it was written.
        Browser::Chromium => {
            let left = shown.wait_for("", Duration::from_millis(2_500)).await;
            let after = js_sys::Date::now() - written;
            assert_eq!(left, "", "still listed {after} ms after a Max-Age=1 write");
            assert!(after < 2_500.0, "left after {after} ms");
        }
        // Firefox's Cookie Store API reports no expiry, so the documented fallback: the
        // list keeps the cookie after the browser dropped it, until the next change the
        // watcher sees.
        Browser::Firefox => {
            let gone = cookie_gone("short", 3_000.0).await;
            assert!(gone, "Firefox drops the cookie at its expiry");
            yew::scheduler::flush().await;
            assert_eq!(
                shown.value(),
                "short",
                "Firefox: stale until the next change"
            );
            watch::check();
            yew::scheduler::flush().await;
            assert_eq!(shown.value(), "", "Firefox: gone at the next check");
        }
    }
    clear();
}

#[wasm_bindgen_test]
async fn attributes_from_the_cookie_store_api_reach_a_component_or_the_reason_does() {
    use crumbs_cookies::cookie_store::Unavailable;
    use crumbs_cookies::CookieError;
    clear();
    let shown = Mounted::<StrictAttributes>::new(()).await;
    raw_assign("strict=1; Path=/; SameSite=Strict; Max-Age=3600");
    let limit = Duration::from_secs(3);
    match browser() {
        Browser::Chromium => {
            let expected = "/ Some(Strict) about an hour";
            assert_eq!(shown.wait_for(expected, limit).await, expected);
            // The same value again, now for the session: document.cookie shows no change,
            // the Cookie Store API's change event does.
            raw_assign("strict=1; Path=/; SameSite=Strict");
            let expected = "/ Some(Strict) session";
            assert_eq!(shown.wait_for(expected, limit).await, expected);
            DocumentJar::new().unwrap().remove("strict").unwrap();
            assert_eq!(shown.wait_for("(none)", limit).await, "(none)");
        }
        Browser::Firefox => {
            let why = CookieError::AttributesUnavailable(Unavailable::NamesAndValuesOnly);
            let expected = format!("unavailable: {why}");
            assert_eq!(shown.wait_for(&expected, limit).await, expected);
        }
    }
    clear();
}
