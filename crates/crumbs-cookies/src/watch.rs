//! One watcher per page that tells subscribers when `document.cookie` changed, whoever
//! changed it:
//!
//! - a write through any [`DocumentJar`](crate::DocumentJar) in this page (it calls
//!   [`changed_here`]), which is also announced to other tabs;
//! - another tab of the same origin, through one `BroadcastChannel`;
//! - any other script or devtools: the Cookie Store API's `change` event where the browser
//!   has it, otherwise a comparison of the cookie string every 500 ms while the tab is
//!   visible;
//! - the expiry of any cookie: one timer, for the nearest expiry. The expiries of cookies
//!   written here are known from what was written; where the browser's Cookie Store API
//!   reports them (Chromium: see [`crate::cookie_store`]), those of every
//!   cookie, whoever wrote it, re-read at each change the watcher sees. Elsewhere (Firefox
//!   ESR, whose Cookie Store API reports no expiry) a cookie another script wrote with a
//!   lifetime leaves the subscribers' lists at the next change the watcher sees after it
//!   expired.
//!
//! With no subscriber the watcher holds no listener, channel or timer: nothing is done for
//! cookies nobody watches.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, EventTarget};

use super::snapshot::{self, Snapshot, Version};
use super::CookiePair;

use crate::clock::{Clock, Millis, SystemClock};
use crate::cookie_store;

/// The channel other tabs of this origin announce their cookie writes on.
pub const CHANNEL_NAME: &str = "crumbs-cookies";

/// How often the fallback comparison runs, in milliseconds.
pub const POLL_INTERVAL_MS: u32 = 500;

/// Which change sources the watcher listens to. All are on by default; turning the
/// automatic ones off leaves the in-page notifications and the expiry timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sources {
    /// The Cookie Store API, where the browser has it: its `change` event, and the
    /// expiry of every cookie, for the expiry timer.
    pub cookie_store: bool,
    /// The 500 ms comparison, used where there is no Cookie Store API (or always, when
    /// `cookie_store` is off).
    pub poll: bool,
    /// Other tabs' announcements.
    pub broadcast: bool,
}

impl Default for Sources {
    fn default() -> Self {
        ALL_SOURCES
    }
}

const ALL_SOURCES: Sources = Sources {
    cookie_store: true,
    poll: true,
    broadcast: true,
};

/// Every cookie with its attributes, as the Cookie Store API last reported them, or why
/// this page cannot know them (see [`cookie_store::attributes`]): what
/// [`subscribe_attributes`] tells and [`latest_attributes`] gives. The list is shared, so
/// passing it on clones a pointer.
pub type Attributes = crate::Result<Rc<Vec<cookie_store::CookieAttributes>>>;

/// Told the page's cookies, decoded, after each change.
type CookiesCallback = Rc<dyn Fn(&Rc<Vec<CookiePair>>)>;

/// Told the Cookie Store API's answer when it changes.
type AttributesCallback = Rc<dyn Fn(&Attributes)>;

/// See [`Watcher::attributes_reader`].
type AttributesReader = fn(&JsValue) -> crate::Result<Vec<cookie_store::CookieAttributes>>;

/// Someone told of changes: to the cookies, decoded, or to their attributes.
enum Subscriber {
    Cookies(CookiesCallback),
    Attributes(AttributesCallback),
}

struct Watcher {
    subscribers: Vec<(u64, Subscriber)>,
    next_id: u64,
    /// The parse of the cookies the watcher last looked at: a check that finds another
    /// one tells the subscribers.
    last: Option<Version>,
    sources: Sources,
    /// (encoded name, expiry) of cookies written here that will expire.
    expiries: Vec<(String, Millis)>,
    /// The nearest expiry of any cookie, as the Cookie Store API last reported it.
    store_expiry: Option<Millis>,
    /// Which read of the Cookie Store API is the latest: an answer to an older one, which
    /// may arrive after it, is dropped.
    store_reads: u32,
    /// The Cookie Store API's latest answer, while anyone subscribes.
    attributes: Option<Attributes>,
    /// Turns `getAll`'s answer into attributes; set by the first
    /// [`subscribe_attributes`], so an app that never shows attributes has no mapping in
    /// its Wasm (the timer reads `expires` alone).
    attributes_reader: Option<AttributesReader>,
    active: Option<Active>,
    expiry_timer: Option<Registration>,
}

impl Watcher {
    /// A `const` start, so the thread-local needs no lazy initialisation code.
    const fn new() -> Self {
        Self {
            subscribers: Vec::new(),
            next_id: 0,
            last: None,
            sources: ALL_SOURCES,
            expiries: Vec::new(),
            store_expiry: None,
            store_reads: 0,
            attributes: None,
            attributes_reader: None,
            active: None,
            expiry_timer: None,
        }
    }
}

impl Watcher {
    /// Forgets what the Cookie Store API said, and any answer still to come.
    fn forget_store_expiry(&mut self) {
        self.store_expiry = None;
        self.attributes = None;
        self.store_reads = self.store_reads.wrapping_add(1);
    }

    /// Whether the Cookie Store API is worth asking: for the expiry timer, where the
    /// sources allow it, or for someone who asked for the attributes.
    fn wants_store(&self) -> bool {
        !self.subscribers.is_empty()
            && (self.sources.cookie_store
                || self
                    .subscribers
                    .iter()
                    .any(|(_, s)| matches!(s, Subscriber::Attributes(_))))
    }
}

/// What the watcher holds while anyone subscribes; dropping it removes every listener.
struct Active {
    channel: Option<(BroadcastChannel, Registration)>,
    store_listener: Option<Registration>,
    visibility_listener: Option<Registration>,
    poll: Option<Registration>,
}

impl Drop for Active {
    fn drop(&mut self) {
        if let Some((channel, _)) = &self.channel {
            channel.close();
        }
    }
}

thread_local! {
    static WATCHER: RefCell<Watcher> = const { RefCell::new(Watcher::new()) };
}

/// A live subscription; dropping it unsubscribes.
#[must_use = "the subscription ends when this is dropped"]
#[derive(Debug)]
pub struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.0;
        WATCHER.with(|w| {
            let mut w = w.borrow_mut();
            w.subscribers.retain(|(sid, _)| *sid != id);
            if w.subscribers.is_empty() {
                w.active = None;
                w.expiry_timer = None;
                w.forget_store_expiry();
            }
        });
    }
}

/// Calls `callback` with the page's cookies, decoded, each time they change, until the
/// returned [`Subscription`] is dropped. Every subscriber gets the same shared parse.
///
/// ```no_run
/// use std::cell::Cell;
/// use std::rc::Rc;
///
/// let changes = Rc::new(Cell::new(0));
/// let counter = changes.clone();
/// let subscription = crumbs_cookies::watch::subscribe(move |_cookies| {
///     counter.set(counter.get() + 1);
/// });
/// // … later, to stop listening:
/// drop(subscription);
/// ```
pub fn subscribe(callback: impl Fn(&Rc<Vec<CookiePair>>) + 'static) -> Subscription {
    add(Subscriber::Cookies(Rc::new(callback)))
}

/// Calls `callback` with every cookie's attributes each time the Cookie Store API
/// answers, until the returned [`Subscription`] is dropped. The watcher asks the API at
/// each change it sees (a write, another tab, a script, an expiry, the API's own `change`
/// event, which also tells of a cookie written again with another lifetime) and tells
/// every attribute subscriber each answer, the first one (soon after the first
/// subscription) included; an answer may equal the last, so compare before re-rendering
/// (Yew's `use_state_eq` does). Where the browser will not tell, the answer is
/// [`CookieError::AttributesUnavailable`](crate::CookieError::AttributesUnavailable).
///
/// ```no_run
/// use crumbs_cookies::watch;
///
/// let subscription = watch::subscribe_attributes(|answer| match answer {
///     Ok(cookies) => {
///         for cookie in cookies.iter() {
///             println!("{} expires at {:?}", cookie.name, cookie.expires);
///         }
///     }
///     Err(why) => println!("{why}"),
/// });
/// drop(subscription);
/// ```
pub fn subscribe_attributes(callback: impl Fn(&Attributes) + 'static) -> Subscription {
    let first_for_attributes = WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        w.attributes_reader = Some(cookie_store::from_list);
        !w.subscribers
            .iter()
            .any(|(_, s)| matches!(s, Subscriber::Attributes(_)))
    });
    let subscription = add(Subscriber::Attributes(Rc::new(callback)));
    // The expiry timer may not have asked (its sources turned the API off).
    if first_for_attributes && latest_attributes().is_none() {
        read_store();
    }
    subscription
}

/// The Cookie Store API's latest answer (see [`subscribe_attributes`]); `None` while
/// nobody subscribes or before its first answer.
///
/// ```no_run
/// if let Some(Ok(cookies)) = crumbs_cookies::watch::latest_attributes() {
///     println!("{} cookies", cookies.len());
/// }
/// ```
pub fn latest_attributes() -> Option<Attributes> {
    WATCHER.with(|w| w.borrow().attributes.clone())
}

fn add(subscriber: Subscriber) -> Subscription {
    let (id, first) = WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        let id = w.next_id;
        w.next_id = w.next_id.wrapping_add(1);
        w.subscribers.push((id, subscriber));
        let first = w.active.is_none();
        if first {
            w.last = read().map(|snapshot| snapshot.version);
            w.active = Some(activate(w.sources));
        }
        (id, first)
    });
    if first {
        read_store();
    }
    schedule_expiry();
    Subscription(id)
}

/// Chooses the change sources; takes effect at once for current subscribers. Tests use
/// it to see one source at work; an app rarely needs it.
///
/// ```no_run
/// use crumbs_cookies::watch::{self, Sources};
/// // Follow other tabs and in-page writes only: no polling, no Cookie Store events.
/// watch::set_sources(Sources { cookie_store: false, poll: false, broadcast: true });
/// ```
pub fn set_sources(sources: Sources) {
    WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        w.sources = sources;
        w.forget_store_expiry();
        if w.active.is_some() {
            w.active = None;
            w.active = Some(activate(sources));
        }
    });
    read_store();
    schedule_expiry();
}

/// The sources in use.
///
/// ```
/// use crumbs_cookies::watch::{self, Sources};
/// assert_eq!(watch::sources(), Sources::default());
/// ```
pub fn sources() -> Sources {
    WATCHER.with(|w| w.borrow().sources)
}

/// Re-reads `document.cookie` and tells subscribers if it changed: for code that knows
/// the cookies may have changed (after a `fetch` whose response set one, say) and will
/// not wait for the next poll.
///
/// ```no_run
/// crumbs_cookies::watch::check();
/// ```
pub fn check() {
    check_changed();
}

/// [`check`], telling whether the cookies changed.
fn check_changed() -> bool {
    if WATCHER.with(|w| w.borrow().subscribers.is_empty()) {
        return false;
    }
    // The shared snapshot compares the cookie string without copying it into Wasm, so a
    // poll tick or a write that changed nothing costs almost nothing.
    let Some(snapshot) = read() else {
        return false;
    };
    let (changed, subscribers) = WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        let changed = snapshot.changed_since(w.last);
        w.last = Some(snapshot.version);
        let mut told = Vec::new();
        if changed {
            for (_, subscriber) in &w.subscribers {
                if let Subscriber::Cookies(callback) = subscriber {
                    told.push(callback.clone());
                }
            }
        }
        (changed, told)
    });
    if !changed {
        return false;
    }
    let cookies = snapshot.cookies;
    // Called with no borrow held: a subscriber may render, and rendering may subscribe.
    for subscriber in subscribers {
        subscriber(&cookies);
    }
    // A change may have added, replaced or removed a cookie with a lifetime.
    read_store();
    true
}

/// The Cookie Store API's `change` event: also a cookie written again with the same value
/// and another lifetime, which `document.cookie` does not show.
fn on_store_change() {
    if !check_changed() {
        read_store();
    }
}

/// Asks the Cookie Store API for every cookie's attributes; when it answers, arms the
/// expiry timer for the nearest expiry (where the sources allow the API) and tells the
/// attribute subscribers if the answer changed. Where the API reports no expiry (or is
/// missing), the nearest is unknown and only cookies written here are timed.
fn read_store() {
    let read = WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        if !w.wants_store() {
            return None;
        }
        w.store_reads = w.store_reads.wrapping_add(1);
        Some(w.store_reads)
    });
    let Some(read) = read else { return };
    let promise = match cookie_store::list() {
        Ok(promise) => promise,
        Err(error) => return on_store_answer(read, Err(error)),
    };
    // One callback for every read, told which read it answers: a closure per read would
    // have to outlive the watcher, and an async task per read costs Wasm of its own.
    let callback = STORE_CALLBACK.with(Clone::clone);
    let read_number = JsValue::from_f64(f64::from(read));
    let answered = callback.bind2(&JsValue::NULL, &read_number, &JsValue::TRUE);
    let refused = callback.bind2(&JsValue::NULL, &read_number, &JsValue::FALSE);
    promise
        .unchecked_ref::<Settling>()
        .then(&answered, &refused);
}

#[wasm_bindgen]
extern "C" {
    /// A promise, seen for `then` with plain functions (js-sys's `then` takes closures
    /// only).
    type Settling;

    #[wasm_bindgen(method, js_name = then)]
    fn then(this: &Settling, answered: &JsValue, refused: &JsValue);
}

thread_local! {
    /// What the Cookie Store API's promises call back, made once for the page and never
    /// freed (a promise may settle after every subscriber left).
    static STORE_CALLBACK: js_sys::Function = Closure::<dyn Fn(f64, bool, JsValue)>::new(
        |read: f64, answered: bool, value: JsValue| {
            let listed = if answered {
                Ok(value)
            } else {
                Err(cookie_store::refused(value))
            };
            // `read` is one of the u32s of `read_store`, sent as a double: exact.
            on_store_answer(read as u32, listed);
        },
    )
    .into_js_value()
    .unchecked_into();
}

/// The Cookie Store API's answer to read `read`: the expiry timer and the attribute
/// subscribers hear of it, unless a later read was asked for since.
fn on_store_answer(read: u32, listed: crate::Result<JsValue>) {
    let now = SystemClock.now();
    let told = WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        if w.store_reads != read {
            return None;
        }
        w.store_expiry = match &listed {
            Ok(listed) if w.sources.cookie_store => {
                cookie_store::nearest_listed_expiry(listed, now)
            }
            _ => None,
        };
        let Some(reader) = w.attributes_reader else {
            return Some(None);
        };
        let answer: Attributes = listed.and_then(|listed| reader(&listed)).map(Rc::new);
        w.attributes = Some(answer.clone());
        let mut told = Vec::new();
        for (_, subscriber) in &w.subscribers {
            if let Subscriber::Attributes(callback) = subscriber {
                told.push(callback.clone());
            }
        }
        Some(Some((answer, told)))
    });
    let Some(told) = told else { return };
    schedule_expiry();
    // Called with no borrow held, as the cookie subscribers are.
    if let Some((answer, told)) = told {
        for subscriber in told {
            subscriber(&answer);
        }
    }
}

/// A write was made in this page: tell this page's subscribers and the other tabs, and
/// remember when the written cookie expires. [`DocumentJar`](crate::DocumentJar) calls it on every write;
/// code that assigns `document.cookie` itself can call it with the line it wrote.
///
/// ```no_run
/// // After `document.cookie = "theme=dark; Path=/; Max-Age=60"` done elsewhere:
/// crumbs_cookies::watch::changed_here("theme=dark; Path=/; Max-Age=60");
/// ```
pub fn changed_here(written: &str) {
    if let Some(cookie) = super::set_cookie::parse_lifetime(written) {
        let now = SystemClock.now();
        let expires_at = cookie.expires_at(now);
        WATCHER.with(|w| {
            let mut w = w.borrow_mut();
            w.expiries.retain(|(n, _)| n != cookie.name);
            if let Some(at) = expires_at.filter(|at| *at > now) {
                w.expiries.push((cookie.name.to_owned(), at));
            }
            if let Some(Active {
                channel: Some((channel, _)),
                ..
            }) = &w.active
            {
                let _ = channel.post_message(&JsValue::from_str("changed"));
            }
        });
    }
    check();
    schedule_expiry();
}

fn read() -> Option<Snapshot> {
    snapshot::read(&snapshot::page_document().ok()?).ok()
}

fn activate(sources: Sources) -> Active {
    let window = web_sys::window();
    let channel = sources
        .broadcast
        .then(|| BroadcastChannel::new(CHANNEL_NAME).ok())
        .flatten()
        .and_then(|channel| {
            let listener = Registration::listen(&channel, "message", check)?;
            Some((channel, listener))
        });
    let store = window
        .as_ref()
        .filter(|_| sources.cookie_store)
        .and_then(|w| js_sys::Reflect::get(w, &JsValue::from_str("cookieStore")).ok())
        .and_then(|store| store.dyn_into::<EventTarget>().ok());
    let store_listener = store
        .as_ref()
        .and_then(|store| Registration::listen(store, "change", on_store_change));
    let mut active = Active {
        channel,
        store_listener,
        visibility_listener: None,
        poll: None,
    };
    if sources.poll && active.store_listener.is_none() {
        let document = window.and_then(|w| w.document());
        if let Some(document) = document {
            active.poll = visible(&document).then(start_poll).flatten();
            active.visibility_listener =
                Registration::listen(&document, "visibilitychange", on_visibility_change);
        }
    }
    active
}

fn visible(document: &web_sys::Document) -> bool {
    // `hidden` rather than `visibilityState`: a boolean, where the enum comes with its
    // string conversion (the two states are the only ones the standard has).
    !document.hidden()
}

fn start_poll() -> Option<Registration> {
    Registration::timer(Timer::Interval, POLL_INTERVAL_MS, check)
}

fn on_visibility_change() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let now_visible = visible(&document);
    WATCHER.with(|w| {
        if let Some(active) = w.borrow_mut().active.as_mut() {
            active.poll = now_visible.then(start_poll).flatten();
        }
    });
    if now_visible {
        check();
    }
}

/// A listener or timer through which the browser calls one of the watcher's functions;
/// dropping it removes the listener or clears the timer.
///
/// One closure type for every event and timer, rather than gloo's listener and its two
/// timers: each of those brings its own closure glue, Rust and JavaScript, and together
/// they weighed about a fifth of what the cookie layer adds to an app's Wasm (see
/// `make bench`, "Libraries"). The browser passes an event to a listener; a closure that
/// takes no argument ignores it.
struct Registration {
    callback: Closure<dyn FnMut()>,
    undo: Undo,
}

enum Undo {
    Listener(EventTarget, &'static str),
    Timer(Timer, i32),
}

#[derive(Clone, Copy)]
enum Timer {
    Timeout,
    Interval,
}

impl Registration {
    /// Calls `handler` on each `event` at `target`; `None` if the browser refused.
    fn listen(target: &EventTarget, event: &'static str, handler: fn()) -> Option<Self> {
        let callback = Closure::<dyn FnMut()>::new(handler);
        target
            .add_event_listener_with_callback(event, callback.as_ref().unchecked_ref())
            .ok()?;
        Some(Self {
            callback,
            undo: Undo::Listener(target.clone(), event),
        })
    }

    /// Calls `handler` after `delay_ms`, once or every time; `None` without a window.
    fn timer(timer: Timer, delay_ms: u32, handler: fn()) -> Option<Self> {
        let window = web_sys::window()?;
        let callback = Closure::<dyn FnMut()>::new(handler);
        let function = callback.as_ref().unchecked_ref();
        // `setTimeout` takes a signed 32-bit delay (see `MAX_TIMER_DELAY_MS`).
        let delay = i32::try_from(delay_ms).unwrap_or(i32::MAX);
        let id = match timer {
            Timer::Timeout => {
                window.set_timeout_with_callback_and_timeout_and_arguments_0(function, delay)
            }
            Timer::Interval => {
                window.set_interval_with_callback_and_timeout_and_arguments_0(function, delay)
            }
        }
        .ok()?;
        Some(Self {
            callback,
            undo: Undo::Timer(timer, id),
        })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        match &self.undo {
            Undo::Listener(target, event) => {
                let function = self.callback.as_ref().unchecked_ref();
                let _ = target.remove_event_listener_with_callback(event, function);
            }
            Undo::Timer(timer, id) => {
                if let Some(window) = web_sys::window() {
                    match timer {
                        Timer::Timeout => window.clear_timeout_with_handle(*id),
                        Timer::Interval => window.clear_interval_with_handle(*id),
                    }
                }
            }
        }
    }
}

/// One timer, for the nearest expiry of a cookie written here or reported by the Cookie
/// Store API, while anyone watches.
fn schedule_expiry() {
    WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        let now = SystemClock.now();
        w.expiries.retain(|(_, at)| *at > now.saturating_sub(1_000));
        let nearest = nearest_expiry(&w.expiries, w.store_expiry, now);
        w.expiry_timer = match nearest {
            Some(at) if !w.subscribers.is_empty() => {
                Registration::timer(Timer::Timeout, expiry_timer_delay(at, now), on_expiry)
            }
            _ => None,
        };
    });
}

/// The longest delay `setTimeout` honours: it takes a signed 32-bit count, and a longer
/// one wraps negative and fires at once, over and over.
const MAX_TIMER_DELAY_MS: u32 = i32::MAX as u32;

/// A few milliseconds past the expiry, so the browser has dropped the cookie by then.
const EXPIRY_GRACE_MS: Millis = 20;

/// How long to wait before looking again for a cookie that expires at `at`. An expiry
/// beyond what `setTimeout` can wait (about 24.8 days) gets the longest wait it can;
/// [`on_expiry`] then finds the cookie still alive and arms the timer again.
fn expiry_timer_delay(at: Millis, now: Millis) -> u32 {
    let wait = at
        .saturating_sub(now)
        .max(0)
        .saturating_add(EXPIRY_GRACE_MS);
    u32::try_from(wait).map_or(MAX_TIMER_DELAY_MS, |ms| ms.min(MAX_TIMER_DELAY_MS))
}

/// The expiry the timer waits for: the nearest of the cookies written here (kept up to a
/// second past their expiry, in case the browser is slow to drop one) and the one the
/// Cookie Store API reported, if still ahead.
fn nearest_expiry(
    written_here: &[(String, Millis)],
    store: Option<Millis>,
    now: Millis,
) -> Option<Millis> {
    let store = store.filter(|at| *at > now);
    written_here.iter().map(|(_, at)| *at).chain(store).min()
}

fn on_expiry() {
    let now = SystemClock.now();
    WATCHER.with(|w| {
        let mut w = w.borrow_mut();
        w.expiry_timer = None;
        w.expiries.retain(|(_, at)| *at > now);
        w.store_expiry = w.store_expiry.filter(|at| *at > now);
    });
    // The store is asked again even when `document.cookie` looks unchanged: the cookie
    // may have been replaced with a later expiry in the meantime.
    if !check_changed() {
        read_store();
    }
    schedule_expiry();
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_TIMEOUT_MS: u32 = MAX_TIMER_DELAY_MS;

    #[test]
    fn the_expiry_timer_never_asks_set_timeout_for_more_than_it_takes() {
        let now = 1_800_000_000_000;
        let day: Millis = 24 * 60 * 60 * 1000;
        for (at, expected) in [
            (now + 1_000, 1_020),
            (now, 20),
            (now - 5_000, 20),
            (now + 24 * day, 24 * day as u32 + 20),
            (now + 30 * day, MAX_TIMEOUT_MS),
            (now + 180 * day, MAX_TIMEOUT_MS),
            (now + 420_906_795 * 1000, MAX_TIMEOUT_MS),
            (Millis::MAX, MAX_TIMEOUT_MS),
            (Millis::MIN, 20),
        ] {
            assert_eq!(expiry_timer_delay(at, now), expected, "{at} - {now}");
        }
        assert_eq!(expiry_timer_delay(now, Millis::MIN), MAX_TIMEOUT_MS);
        assert_eq!(expiry_timer_delay(Millis::MIN, Millis::MAX), 20);
    }

    #[test]
    fn the_timer_waits_for_the_nearest_expiry_whoever_wrote_the_cookie() {
        let now = 1_000;
        let here = |at: Millis| ("a".to_owned(), at);
        assert_eq!(nearest_expiry(&[], None, now), None);
        assert_eq!(nearest_expiry(&[], Some(5_000), now), Some(5_000));
        assert_eq!(
            nearest_expiry(&[here(3_000)], Some(5_000), now),
            Some(3_000)
        );
        assert_eq!(
            nearest_expiry(&[here(9_000)], Some(5_000), now),
            Some(5_000)
        );
        // A reported expiry that has passed is not waited for again.
        assert_eq!(nearest_expiry(&[], Some(now), now), None);
        assert_eq!(nearest_expiry(&[here(9_000)], Some(-5), now), Some(9_000));
        // The ends of time arm a timer like any other expiry (see `expiry_timer_delay`).
        let far = nearest_expiry(&[], Some(Millis::MAX), now).unwrap();
        assert_eq!(expiry_timer_delay(far, now), MAX_TIMEOUT_MS);
    }
}
