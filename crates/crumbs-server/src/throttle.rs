//! The login throttle, the protocol's rule: [`MAX_FAILURES`] failed logins for one name
//! within [`FAILURE_WINDOW_MS`] lock that name out for [`LOCKOUT_MS`]. Kept in this
//! process's memory: a restart forgets it, and each instance behind one address counts on
//! its own (documented in the README).

use std::collections::HashMap;

use crumbs_protocol::rules::{FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_FAILURES};
use crumbs_protocol::Millis;

/// At most this many names are tracked, so a stream of made-up names cannot grow the
/// table without end; when full, the entry with the oldest failure goes first.
pub const MAX_ENTRIES: usize = 4096;

/// Failed logins by name.
#[derive(Debug, Default)]
pub struct Throttle {
    by_name: HashMap<String, Entry>,
}

#[derive(Debug)]
struct Entry {
    failures: u32,
    last_at: Millis,
    locked_until: Option<Millis>,
}

impl Entry {
    /// False once the entry holds nothing that still counts at `now`.
    fn live(&self, now: Millis) -> bool {
        match self.locked_until {
            Some(until) => until > now,
            None => now.saturating_sub(self.last_at) < FAILURE_WINDOW_MS,
        }
    }
}

impl Throttle {
    /// Milliseconds left on `name`'s lockout at `now`, if it is locked.
    pub fn locked_for(&mut self, name: &str, now: Millis) -> Option<Millis> {
        self.prune(now);
        let until = self.by_name.get(name)?.locked_until?;
        // A clock that stepped back never stretches a lockout past its full length.
        Some(until.saturating_sub(now).min(LOCKOUT_MS)).filter(|left| *left > 0)
    }

    /// Counts a failure for `name`; the [`MAX_FAILURES`]th within the window locks it.
    pub fn failed(&mut self, name: &str, now: Millis) {
        self.prune(now);
        if !self.by_name.contains_key(name) && self.by_name.len() >= MAX_ENTRIES {
            if let Some(oldest) = self
                .by_name
                .iter()
                .min_by_key(|(_, e)| e.last_at)
                .map(|(n, _)| n.clone())
            {
                self.by_name.remove(&oldest);
            }
        }
        let entry = self.by_name.entry(name.to_owned()).or_insert(Entry {
            failures: 0,
            last_at: now,
            locked_until: None,
        });
        entry.failures = entry.failures.saturating_add(1);
        entry.last_at = now;
        if entry.failures >= MAX_FAILURES {
            entry.failures = 0;
            entry.locked_until = Some(now.saturating_add(LOCKOUT_MS));
        }
    }

    /// Forgets `name`'s failures after a good login.
    pub fn succeeded(&mut self, name: &str) {
        self.by_name.remove(name);
    }

    fn prune(&mut self, now: Millis) {
        self.by_name.retain(|_, entry| entry.live(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_a_name_for_thirty_seconds_then_it_is_free() {
        let mut throttle = Throttle::default();
        for _ in 1..MAX_FAILURES {
            throttle.failed("bob", 0);
        }
        assert_eq!(throttle.locked_for("bob", 0), None, "four are not enough");
        throttle.failed("bob", 0);
        assert_eq!(throttle.locked_for("bob", 1_000), Some(LOCKOUT_MS - 1_000));
        assert_eq!(throttle.locked_for("alice", 1_000), None, "per name");
        assert_eq!(throttle.locked_for("bob", LOCKOUT_MS), None);
    }

    #[test]
    fn failures_further_apart_than_the_window_never_add_up() {
        let mut throttle = Throttle::default();
        for n in 0..10 {
            throttle.failed("bob", n * FAILURE_WINDOW_MS);
        }
        assert_eq!(throttle.locked_for("bob", 10 * FAILURE_WINDOW_MS), None);
    }

    #[test]
    fn made_up_names_cannot_grow_the_table_without_end() {
        let mut throttle = Throttle::default();
        for n in 0..(MAX_ENTRIES + 10) {
            throttle.failed(&format!("name{n}"), 0);
        }
        assert_eq!(throttle.by_name.len(), MAX_ENTRIES);
    }
}
