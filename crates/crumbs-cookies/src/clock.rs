//! Time as the rest of the crate sees it, so expiry rules are tested without waiting.

use std::cell::Cell;
use std::rc::Rc;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub trait Clock {
    fn now(&self) -> Millis;
}

/// The real time: `Date.now()` in a browser, the system clock on the host.
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
            .map_or(0, |elapsed| elapsed.as_millis() as Millis)
    }
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Clone, Debug, Default)]
pub struct ManualClock(Rc<Cell<Millis>>);

impl ManualClock {
    pub fn at(now: Millis) -> Self {
        Self(Rc::new(Cell::new(now)))
    }

    pub fn advance(&self, by: Millis) {
        self.0.set(self.0.get() + by);
    }

    pub fn set(&self, now: Millis) {
        self.0.set(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        self.0.get()
    }
}
