//! Five failed logins for a name lock that name out for thirty seconds.

use std::collections::HashMap;

use crate::clock::Millis;

pub const MAX_FAILURES: u32 = 5;
pub const LOCKOUT_MS: Millis = 30_000;

#[derive(Debug, Default)]
pub struct Throttle {
    by_name: HashMap<String, Entry>,
}

#[derive(Debug, Default)]
struct Entry {
    failures: u32,
    locked_until: Option<Millis>,
}

impl Throttle {
    /// Milliseconds left on `name`'s lockout, if it is locked out now.
    pub fn locked_for(&mut self, name: &str, now: Millis) -> Option<Millis> {
        let entry = self.by_name.get_mut(name)?;
        match entry.locked_until {
            Some(until) if until > now => Some(until - now),
            Some(_) => {
                self.by_name.remove(name);
                None
            }
            None => None,
        }
    }

    pub fn failed(&mut self, name: &str, now: Millis) {
        let entry = self.by_name.entry(name.to_owned()).or_default();
        entry.failures += 1;
        if entry.failures >= MAX_FAILURES {
            entry.failures = 0;
            entry.locked_until = Some(now + LOCKOUT_MS);
        }
    }

    pub fn succeeded(&mut self, name: &str) {
        self.by_name.remove(name);
    }
}
