//! The cookie layer against the real `document.cookie` of headless Chromium and headless
//! Firefox, with js-cookie 3's read and write algorithms as the interoperability
//! reference. Where the two browsers store or list cookies differently, a test asserts
//! each one's own behaviour, by name.
#![cfg(target_arch = "wasm32")]

use crumbs_cookies::{CookieError, CookieJar, CookieOptions, DocumentJar, SameSite};
use crumbs_test_support::{browser, cookie_gone, raw_assign, Browser};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// js-cookie 3's converters (src/converter.mjs and src/api.mjs), restated: what a page
// using js-cookie would write and read.
#[wasm_bindgen(inline_js = r#"
export function js_cookie_encode_value(value) {
  return encodeURIComponent(value).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent);
}
export function js_cookie_encode_name(name) {
  return encodeURIComponent(name)
    .replace(/%(2[346B]|5E|60|7C)/g, decodeURIComponent)
    .replace(/[()]/g, escape);
}
export function js_cookie_set(name, value) {
  document.cookie = js_cookie_encode_name(name) + '=' + js_cookie_encode_value(value) + '; path=/';
}
export function js_cookie_get(name) {
  const cookies = document.cookie ? document.cookie.split('; ') : [];
  for (const cookie of cookies) {
    const parts = cookie.split('=');
    let value = parts.slice(1).join('=');
    try {
      const found = decodeURIComponent(parts[0]);
      if (value[0] === '"') value = value.slice(1, -1);
      value = value.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent);
      if (found === name) return value;
    } catch (e) {}
  }
  return undefined;
}
export function raw_cookie() { return document.cookie; }
// A promise and the function that resolves it with a value.
export function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return [promise, resolve];
}
// Resolves to `value` after `ms`: the limit a wait gives up at.
export function after(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
// The own fields of what the Cookie Store API answers for `name`, sorted, and its sameSite.
export async function cookie_store_fields(name) {
  const cookie = await cookieStore.get(name);
  return [Object.keys(cookie).sort().join(' '), String(cookie.sameSite)];
}
"#)]
extern "C" {
    fn js_cookie_encode_value(value: &str) -> String;
    fn js_cookie_encode_name(name: &str) -> String;
    fn js_cookie_set(name: &str, value: &str);
    fn js_cookie_get(name: &str) -> Option<String>;
    fn raw_cookie() -> String;
    fn cookie_store_fields(name: &str) -> js_sys::Promise;
    fn deferred() -> js_sys::Array;
    fn after(ms: f64, value: &JsValue) -> js_sys::Promise;
}

fn jar() -> DocumentJar {
    DocumentJar::new().expect("a browser page has document.cookie")
}

fn clear() {
    jar()
        .remove_all()
        .expect("every cookie of the test page can be removed");
    assert_eq!(raw_cookie(), "");
}

fn samples() -> Vec<String> {
    (0x20u8..0x7f)
        .map(|b| char::from(b).to_string())
        .chain(["ã", "₯", "𩸽", "a b;c=d,e\"f\\g%h", "\"quoted\""].map(String::from))
        .collect()
}

#[wasm_bindgen_test]
fn every_js_cookie_encoding_case_round_trips_as_a_value() {
    clear();
    let jar = jar();
    for text in samples() {
        jar.set("c", &text)
            .unwrap_or_else(|e| panic!("set {text:?}: {e}"));
        assert_eq!(
            raw_cookie(),
            format!("c={}", js_cookie_encode_value(&text)),
            "{text:?}"
        );
        assert_eq!(
            js_cookie_get("c").as_deref(),
            Some(text.as_str()),
            "js-cookie reads {text:?}"
        );
        assert_eq!(
            jar.get("c").unwrap().as_deref(),
            Some(text.as_str()),
            "Crumbs reads {text:?}"
        );

        js_cookie_set("c", &text);
        assert_eq!(
            jar.get("c").unwrap().as_deref(),
            Some(text.as_str()),
            "Crumbs reads js-cookie's {text:?}"
        );
    }
    clear();
}

#[wasm_bindgen_test]
fn every_js_cookie_encoding_case_round_trips_as_a_name() {
    clear();
    let jar = jar();
    for text in samples() {
        jar.set(&text, "v")
            .unwrap_or_else(|e| panic!("set name {text:?}: {e}"));
        assert_eq!(
            raw_cookie(),
            format!("{}=v", js_cookie_encode_name(&text)),
            "{text:?}"
        );
        assert_eq!(
            js_cookie_get(&text).as_deref(),
            Some("v"),
            "js-cookie finds {text:?}"
        );
        assert_eq!(
            jar.get(&text).unwrap().as_deref(),
            Some("v"),
            "Crumbs finds {text:?}"
        );
        jar.remove(&text).unwrap();

        js_cookie_set(&text, "w");
        assert_eq!(
            jar.get(&text).unwrap().as_deref(),
            Some("w"),
            "Crumbs finds js-cookie's {text:?}"
        );
        jar.remove(&text)
            .unwrap_or_else(|e| panic!("remove {text:?}: {e}"));
        assert_eq!(raw_cookie(), "", "{text:?} removed");
    }
}

#[wasm_bindgen_test]
fn max_age_zero_removes_and_leaves_the_others() {
    clear();
    let jar = jar();
    jar.set("keep", "1").unwrap();
    jar.set_with("gone", "1", &CookieOptions::new().max_age(3_600_000))
        .unwrap();
    jar.set_with("gone", "", &CookieOptions::new().max_age(0))
        .unwrap();
    assert_eq!(raw_cookie(), "keep=1");
    jar.remove("keep").unwrap();
    assert_eq!(raw_cookie(), "");
}

#[wasm_bindgen_test]
fn a_cookie_the_browser_refuses_is_an_error_not_a_success() {
    clear();
    let jar = jar();
    jar.set("keep", "1").unwrap();
    let refused = jar.set_with(
        "cross",
        "1",
        &CookieOptions::new().same_site(SameSite::None).secure(false),
    );
    match refused {
        Err(CookieError::Refused { name, reason }) => {
            assert_eq!(name, "cross");
            assert!(reason.contains("SameSite=None requires Secure"), "{reason}");
        }
        other => panic!("expected the browser to refuse, got {other:?}"),
    }
    let wrong_domain = jar.set_with("d", "1", &CookieOptions::new().domain("example.com"));
    assert!(
        matches!(wrong_domain, Err(CookieError::Refused { .. })),
        "{wrong_domain:?}"
    );
    assert_eq!(raw_cookie(), "keep=1", "the other cookie is untouched");
    clear();
}

#[wasm_bindgen_test]
fn an_oversize_cookie_is_an_error_and_nothing_is_written() {
    clear();
    let jar = jar();
    jar.set("keep", "1").unwrap();
    let error = jar.set("big", &"x".repeat(5000)).unwrap_err();
    assert!(
        matches!(
            error,
            CookieError::TooLarge {
                size: 5003,
                limit: 4096,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(raw_cookie(), "keep=1");
    // The browser agrees about the limit: written raw, it is dropped.
    raw_assign(&format!("big={}", "x".repeat(5000)));
    assert_eq!(raw_cookie(), "keep=1");
    clear();
}

#[wasm_bindgen_test]
fn a_malformed_cookie_from_another_script_does_not_hide_the_others() {
    clear();
    raw_assign("before=1");
    raw_assign("bad=%E0%A4%A");
    raw_assign("lone=100%");
    raw_assign("bare");
    raw_assign("quoted=\"x y\"");
    raw_assign("after=2");
    let jar = jar();
    let names: Vec<String> = jar.get_all().unwrap().into_iter().map(|c| c.name).collect();
    // `bare` (no `=`): Chromium keeps a nameless cookie and lists it as `bare`, as RFC
    // 6265bis §5.6 says; Firefox keeps a cookie named `bare` with an empty value and lists
    // it as `bare=`. Crumbs reads what each browser stored. Both list in creation order.
    let bare = match browser() {
        Browser::Chromium => "",
        Browser::Firefox => "bare",
    };
    assert_eq!(names, ["before", "bad", "lone", bare, "quoted", "after"]);
    assert_eq!(jar.get("bad").unwrap().as_deref(), Some("%E0%A4%A"));
    assert_eq!(jar.get("lone").unwrap().as_deref(), Some("100%"));
    match browser() {
        Browser::Chromium => assert_eq!(jar.get("").unwrap().as_deref(), Some("bare")),
        Browser::Firefox => {
            assert_eq!(jar.get("bare").unwrap().as_deref(), Some(""));
            assert_eq!(jar.get("").unwrap(), None);
        }
    }
    assert_eq!(jar.get("quoted").unwrap().as_deref(), Some("x y"));
    assert_eq!(jar.get("after").unwrap().as_deref(), Some("2"));
    // js-cookie gives up on `bad`; Crumbs still reads everything else, and can clear it all.
    clear();
}

#[wasm_bindgen_test]
fn a_pair_without_a_name_is_stored_as_each_browser_stores_it() {
    clear();
    raw_assign("=nameless");
    raw_assign("bare");
    let jar = jar();
    match browser() {
        // Both are nameless cookies, so the second replaces the first.
        Browser::Chromium => {
            assert_eq!(raw_cookie(), "bare");
            assert_eq!(jar.get("").unwrap().as_deref(), Some("bare"));
        }
        // An empty name before `=` is refused; a lone token is a name.
        Browser::Firefox => {
            assert_eq!(raw_cookie(), "bare=");
            assert_eq!(jar.get("bare").unwrap().as_deref(), Some(""));
            assert_eq!(jar.get("").unwrap(), None);
        }
    }
    clear();
}

#[wasm_bindgen_test]
async fn the_cookie_store_api_answers_these_fields_in_each_browser() {
    clear();
    raw_assign("plain=1; Path=/");
    let answer = js_sys::futures::JsFuture::from(cookie_store_fields("plain"))
        .await
        .expect("the Cookie Store API answers for a cookie the page can read");
    let answer = js_sys::Array::from(&answer);
    let fields = answer.get(0).as_string().unwrap();
    let same_site = answer.get(1).as_string().unwrap();
    match browser() {
        // A cookie written without SameSite is reported as Lax, the default it gets.
        Browser::Chromium => {
            assert_eq!(
                fields,
                "domain expires name partitioned path sameSite secure value"
            );
            assert_eq!(same_site, "lax");
        }
        // Firefox answers the name and value only.
        Browser::Firefox => {
            assert_eq!(fields, "name value");
            assert_eq!(same_site, "undefined");
        }
    }
    clear();
}

#[wasm_bindgen_test]
async fn attributes_read_from_the_cookie_store_api_or_the_reason_they_are_unknown() {
    use crumbs_cookies::cookie_store::{self, Unavailable};
    clear();
    let before = js_sys::Date::now() as i64;
    raw_assign("strict=dark%20blue; Path=/; SameSite=Strict; Max-Age=3600");
    raw_assign("plain=1");
    let after = js_sys::Date::now() as i64;
    let read = cookie_store::attributes().await;
    match browser() {
        Browser::Chromium => {
            let cookies = read.expect("Chromium reports every attribute");
            let names: Vec<&str> = cookies.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["strict", "plain"], "in document.cookie's order");
            let strict = &cookies[0];
            assert_eq!(strict.value, "dark blue", "decoded as document.cookie is");
            assert_eq!(strict.path, "/");
            assert_eq!(strict.domain, None, "host-only");
            assert!(!strict.secure && !strict.partitioned);
            assert_eq!(strict.same_site, Some(SameSite::Strict));
            let expires = strict.expires.expect("Max-Age gives an expiry");
            let hour = 3_600_000;
            assert!(
                (before + hour - 1_000..=after + hour + 1_000).contains(&expires),
                "expires {expires}, written between {before} and {after}"
            );
            let plain = &cookies[1];
            assert_eq!(plain.expires, None, "a session cookie");
            assert_eq!(plain.same_site, Some(SameSite::Lax), "Chromium's default");
        }
        Browser::Firefox => {
            let error = read.expect_err("Firefox ESR reports names and values only");
            assert_eq!(
                error,
                CookieError::AttributesUnavailable(Unavailable::NamesAndValuesOnly)
            );
            assert!(
                error.to_string().contains("reports names and values only"),
                "{error}"
            );
        }
    }
    clear();
}

#[wasm_bindgen_test]
async fn the_watcher_tells_when_a_max_age_cookie_from_another_script_expires() {
    use crumbs_cookies::watch;
    use js_sys::futures::JsFuture;
    use std::cell::Cell;
    use std::rc::Rc;
    clear();
    let [left, resolve_left]: [JsValue; 2] = deferred().to_vec().try_into().unwrap();
    let resolve_left: js_sys::Function = resolve_left.into();
    let told_gone = Rc::new(Cell::new(false));
    let subscription = {
        let told_gone = told_gone.clone();
        watch::subscribe(move |cookies| {
            if !cookies.iter().any(|c| c.name == "short") {
                told_gone.set(true);
                let _ = resolve_left.call1(&JsValue::NULL, &JsValue::TRUE);
            }
        })
    };
    raw_assign("short=lived; Path=/; Max-Age=1");
    let written = js_sys::Date::now();
    // Nothing was told yet: the write was a raw one, and its notice comes later.
    told_gone.set(false);
    match browser() {
        Browser::Chromium => {
            let race =
                js_sys::Promise::race(&js_sys::Array::of2(&left, &after(2_500.0, &JsValue::FALSE)));
            let told = JsFuture::from(race).await.ok().and_then(|v| v.as_bool());
            let waited = js_sys::Date::now() - written;
            assert_eq!(
                told,
                Some(true),
                "no notice {waited} ms after a Max-Age=1 write"
            );
            assert!(raw_cookie().is_empty(), "{}", raw_cookie());
        }
        // No expiry from Firefox's Cookie Store API: the watcher tells at the next
        // change it sees (here, a check) after the browser dropped the cookie.
        Browser::Firefox => {
            let gone = cookie_gone("short", 3_000.0).await;
            assert!(gone, "Firefox drops the cookie at its expiry");
            assert!(
                !told_gone.get(),
                "Firefox: nothing tells the watcher of the expiry"
            );
            watch::check();
            assert!(told_gone.get(), "Firefox: told at the next check");
        }
    }
    drop(subscription);
    clear();
}

#[cfg(feature = "json")]
#[wasm_bindgen_test]
fn json_values_round_trip_and_garbage_is_an_error() {
    use crumbs_cookies::CookieJarJson;
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Cart {
        items: Vec<(String, u32)>,
        note: Option<String>,
    }
    clear();
    let jar = jar();
    let cart = Cart {
        items: vec![("pain au chocolat".into(), 2), ("crème; brûlée".into(), 1)],
        note: Some("\"door\" = back".into()),
    };
    jar.set_json_with("cart", &cart, &CookieOptions::new().max_age(60_000))
        .unwrap();
    assert_eq!(jar.get_json::<Cart>("cart").unwrap(), Some(cart));
    raw_assign("cart={oops");
    assert!(matches!(
        jar.get_json::<Cart>("cart"),
        Err(CookieError::Json { .. })
    ));
    clear();
}

#[wasm_bindgen_test]
fn the_page_is_where_the_test_runs() {
    let page = jar().page().unwrap();
    assert_eq!(page.host, "127.0.0.1");
    assert!(
        page.secure,
        "{:?} treats 127.0.0.1 as a secure context",
        browser()
    );
}

#[wasm_bindgen_test]
fn delete_removes_host_and_secure_prefixed_cookies() {
    clear();
    raw_assign("__Host-x=1; Secure; Path=/");
    raw_assign("__Secure-y=1; Secure; Path=/");
    raw_assign("keep=1; Path=/");
    assert_eq!(raw_cookie(), "__Host-x=1; __Secure-y=1; keep=1");
    let jar = jar();
    jar.remove_everywhere("__Host-x")
        .unwrap_or_else(|e| panic!("delete __Host-x: {e}"));
    jar.remove_everywhere("__Secure-y")
        .unwrap_or_else(|e| panic!("delete __Secure-y: {e}"));
    assert_eq!(raw_cookie(), "keep=1");
    clear();
}

#[wasm_bindgen_test]
fn delete_removes_a_partitioned_cookie() {
    clear();
    raw_assign("p=1; Secure; Path=/; Partitioned");
    raw_assign("keep=1; Path=/");
    assert_eq!(raw_cookie(), "p=1; keep=1");
    jar()
        .remove_everywhere("p")
        .unwrap_or_else(|e| panic!("delete p: {e}"));
    assert_eq!(raw_cookie(), "keep=1");
    clear();
}
