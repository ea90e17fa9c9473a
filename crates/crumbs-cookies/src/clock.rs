//! Time as the rest of the crate sees it: one type, [`Millis`], and a [`Clock`] to read it
//! from, so expiry rules are tested without waiting.

use std::cell::Cell;
use std::rc::Rc;

/// The crate's one time type, at every API boundary: milliseconds since the Unix epoch
/// for a moment (`Expires`, [`Clock::now`]), or a count of milliseconds for a length of
/// time (`Max-Age`). The same unit as JavaScript's `Date.now()`, so a browser's time
/// crosses into Wasm without conversion.
///
/// Cookies count in whole seconds: where a [`Millis`] is written into a cookie it is
/// rounded up to the next second ([`seconds_rounded_up`]), and arithmetic on it
/// saturates rather than overflowing.
pub type Millis = i64;

/// Where a jar or the watcher reads the time. [`SystemClock`] in an app,
/// [`ManualClock`] in a test that must move time by hand.
pub trait Clock {
    /// The current time, in milliseconds since the Unix epoch.
    fn now(&self) -> Millis;
}

/// The real time: `Date.now()` in a browser, the system clock on the host.
///
/// ```
/// use crumbs_cookies::clock::{Clock, SystemClock};
/// // Any time after 2020-01-01.
/// assert!(SystemClock.now() > 1_577_836_800_000);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(target_arch = "wasm32")]
    fn now(&self) -> Millis {
        js_sys::Date::now() as Millis
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn now(&self) -> Millis {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                Millis::try_from(elapsed.as_millis()).unwrap_or(Millis::MAX)
            })
    }
}

/// A clock that moves only when told to; clones share the same time, so a test keeps
/// one clone and hands the other to the jar.
///
/// ```
/// use std::rc::Rc;
/// use crumbs_cookies::clock::{Clock, ManualClock};
/// use crumbs_cookies::{CookieJar, CookieOptions, MemoryJar, Page};
///
/// let clock = ManualClock::at(1_800_000_000_000);
/// let jar = MemoryJar::new(Page::new("localhost", "/", true), Rc::new(clock.clone()));
/// jar.set_with("a", "1", &CookieOptions::new().max_age(10_000)).unwrap();
/// clock.advance(10_000);
/// assert_eq!(jar.get("a").unwrap(), None);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ManualClock(Rc<Cell<Millis>>);

impl ManualClock {
    /// A clock stopped at `now`.
    ///
    /// ```
    /// use crumbs_cookies::clock::{Clock, ManualClock};
    /// assert_eq!(ManualClock::at(42).now(), 42);
    /// ```
    pub fn at(now: Millis) -> Self {
        Self(Rc::new(Cell::new(now)))
    }

    /// Moves this clock and every clone of it forward by `by` (back, if negative),
    /// stopping at the ends of [`Millis`] rather than overflowing.
    ///
    /// ```
    /// use crumbs_cookies::clock::{Clock, ManualClock};
    /// let clock = ManualClock::at(1_000);
    /// clock.advance(500);
    /// assert_eq!(clock.now(), 1_500);
    /// ```
    pub fn advance(&self, by: Millis) {
        self.0.set(self.0.get().saturating_add(by));
    }

    /// Sets this clock and every clone of it to `now`.
    ///
    /// ```
    /// use crumbs_cookies::clock::{Clock, ManualClock};
    /// let clock = ManualClock::at(1_000);
    /// clock.set(0);
    /// assert_eq!(clock.now(), 0);
    /// ```
    pub fn set(&self, now: Millis) {
        self.0.set(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        self.0.get()
    }
}

/// `ms` in whole seconds, rounded up (towards the future), as a cookie attribute writes
/// it: cookies count in seconds, and a lifetime or a date in the future must not be
/// written as one that has passed. Zero or less stays zero or less. Never overflows.
///
/// ```
/// use crumbs_cookies::clock::seconds_rounded_up;
/// assert_eq!(seconds_rounded_up(1_500), 2);
/// assert_eq!(seconds_rounded_up(1), 1);
/// assert_eq!(seconds_rounded_up(0), 0);
/// assert_eq!(seconds_rounded_up(-1_500), -1);
/// ```
pub fn seconds_rounded_up(ms: Millis) -> i64 {
    ms.div_euclid(1000) + i64::from(ms.rem_euclid(1000) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_up_to_whole_seconds_without_overflow() {
        for (ms, seconds) in [
            (0, 0),
            (1, 1),
            (999, 1),
            (1_000, 1),
            (1_001, 2),
            (1_500, 2),
            (-1, 0),
            (-999, 0),
            (-1_000, -1),
            (-1_500, -1),
            (Millis::MAX, Millis::MAX / 1000 + 1),
            (Millis::MIN, Millis::MIN / 1000),
        ] {
            assert_eq!(seconds_rounded_up(ms), seconds, "{ms}");
        }
    }

    #[test]
    fn a_manual_clock_saturates_at_the_ends_of_time() {
        let clock = ManualClock::at(Millis::MAX - 1);
        clock.advance(10);
        assert_eq!(clock.now(), Millis::MAX);
        clock.set(Millis::MIN + 1);
        clock.advance(-10);
        assert_eq!(clock.now(), Millis::MIN);
    }
}
