//! The login throttle, the protocol's rule: [`MAX_FAILURES`] failed logins for one name
//! within [`FAILURE_WINDOW_MS`] lock that name out for [`LOCKOUT_MS`]. Kept in this
//! process's memory: a restart forgets it, and each instance behind one address counts on
//! its own (documented in the README).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crumbs_protocol::rules::{DEMO_ACCOUNTS, FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_FAILURES};
use crumbs_protocol::Millis;

/// At most this many names are tracked, so a stream of made-up names cannot grow the
/// table without end; when full, made-up names go before the demo accounts, names
/// merely failing before locked ones, the oldest failure first (as in the in-page mock).
pub const MAX_ENTRIES: usize = 4096;

/// Failed logins by name.
#[derive(Debug, Default)]
pub struct Throttle {
    by_name: HashMap<String, Entry>,
}

#[derive(Debug)]
struct Entry {
    failures: u32,
    /// Checks begun and not yet resolved: they count as failures until they resolve, so
    /// guesses sent at once cannot all be checked before the first one fails.
    in_flight: u32,
    last_at: Millis,
    locked_until: Option<Millis>,
}

/// Why a login may not be checked now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The name is locked for this many more milliseconds.
    Locked(Millis),
    /// Failures plus checks under way already reach [`MAX_FAILURES`]: the name may be
    /// locked as soon as those end.
    Busy,
}

impl Entry {
    /// False once the entry holds nothing that still counts at `now`.
    fn live(&self, now: Millis) -> bool {
        if self.in_flight > 0 {
            return true;
        }
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

    /// Reserves one check of `name`'s password at `now`, or says why not: refused while
    /// locked, and while failures plus checks under way reach [`MAX_FAILURES`]. The
    /// reservation must end in [`failed`](Self::failed), [`succeeded`](Self::succeeded)
    /// or [`released`](Self::released); [`Attempt`] makes sure it does.
    pub fn begin(&mut self, name: &str, now: Millis) -> Result<(), Refusal> {
        if let Some(left) = self.locked_for(name, now) {
            return Err(Refusal::Locked(left));
        }
        let entry = self.entry(name, now);
        if entry.failures.saturating_add(entry.in_flight) >= MAX_FAILURES {
            return Err(Refusal::Busy);
        }
        entry.in_flight = entry.in_flight.saturating_add(1);
        Ok(())
    }

    /// Ends a reservation from [`begin`](Self::begin) that neither failed nor succeeded
    /// (the check itself broke): it counts for nothing.
    pub fn released(&mut self, name: &str) {
        if let Some(entry) = self.by_name.get_mut(name) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            if entry.in_flight == 0 && entry.failures == 0 && entry.locked_until.is_none() {
                self.by_name.remove(name);
            }
        }
    }

    /// Counts a failure for `name`, ending one reservation if there is one; the
    /// [`MAX_FAILURES`]th within the window locks it.
    pub fn failed(&mut self, name: &str, now: Millis) {
        self.prune(now);
        let entry = self.entry(name, now);
        entry.in_flight = entry.in_flight.saturating_sub(1);
        entry.failures = entry.failures.saturating_add(1);
        entry.last_at = now;
        if entry.failures >= MAX_FAILURES {
            entry.failures = 0;
            entry.locked_until = Some(now.saturating_add(LOCKOUT_MS));
        }
    }

    /// Forgets `name`'s failures after a good login, ending one reservation.
    pub fn succeeded(&mut self, name: &str) {
        if let Some(entry) = self.by_name.get_mut(name) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            entry.failures = 0;
            entry.locked_until = None;
            if entry.in_flight == 0 {
                self.by_name.remove(name);
            }
        }
    }

    /// `name`'s entry, made (evicting one if the table is full) when missing.
    fn entry(&mut self, name: &str, now: Millis) -> &mut Entry {
        if !self.by_name.contains_key(name) && self.by_name.len() >= MAX_ENTRIES {
            // The mock's rule: made-up names before accounts (so junk cannot reset a real
            // name's count), names merely failing before names locked out, the oldest
            // first; and here a name with checks under way last, or its count would
            // restart when they end.
            if let Some(oldest) = self
                .by_name
                .iter()
                .min_by_key(|(n, e)| {
                    (
                        DEMO_ACCOUNTS.iter().any(|(account, _)| account == n),
                        e.in_flight > 0,
                        e.locked_until.is_some_and(|until| until > now),
                        e.last_at,
                    )
                })
                .map(|(n, _)| n.clone())
            {
                self.by_name.remove(&oldest);
            }
        }
        self.by_name.entry(name.to_owned()).or_insert(Entry {
            failures: 0,
            in_flight: 0,
            last_at: now,
            locked_until: None,
        })
    }

    fn prune(&mut self, now: Millis) {
        self.by_name.retain(|_, entry| entry.live(now));
    }
}

/// One reserved check of a name's password ([`Throttle::begin`]). It ends in
/// [`failed`](Self::failed) or [`succeeded`](Self::succeeded); dropped otherwise (the
/// check panicked, or the request was cancelled mid-check) it is released, so a name is
/// never held busy for good.
#[derive(Debug)]
pub struct Attempt {
    throttle: Arc<Mutex<Throttle>>,
    name: String,
    resolved: bool,
}

impl Attempt {
    /// Reserves a check of `name` at `now` in `throttle`, or says why not.
    pub fn begin(
        throttle: &Arc<Mutex<Throttle>>,
        name: &str,
        now: Millis,
    ) -> Result<Self, Refusal> {
        lock(throttle).begin(name, now)?;
        Ok(Self {
            throttle: Arc::clone(throttle),
            name: name.to_owned(),
            resolved: false,
        })
    }

    /// The password was wrong.
    pub fn failed(mut self, now: Millis) {
        self.resolved = true;
        lock(&self.throttle).failed(&self.name, now);
    }

    /// The password was right.
    pub fn succeeded(mut self) {
        self.resolved = true;
        lock(&self.throttle).succeeded(&self.name);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.resolved {
            lock(&self.throttle).released(&self.name);
        }
    }
}

/// The table, even after a panic elsewhere held its lock: each change is a few field
/// writes on one entry, never left half-done in a way that matters.
pub fn lock(throttle: &Mutex<Throttle>) -> std::sync::MutexGuard<'_, Throttle> {
    throttle.lock().unwrap_or_else(|e| e.into_inner())
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
    fn checks_under_way_count_so_no_more_than_max_failures_run_at_once() {
        let throttle = Arc::new(Mutex::new(Throttle::default()));
        let attempts: Vec<_> = (0..MAX_FAILURES)
            .map(|_| Attempt::begin(&throttle, "bob", 0).unwrap())
            .collect();
        assert_eq!(
            Attempt::begin(&throttle, "bob", 0).unwrap_err(),
            Refusal::Busy
        );
        assert!(Attempt::begin(&throttle, "alice", 0).is_ok(), "per name");
        for attempt in attempts {
            attempt.failed(0);
        }
        assert!(matches!(
            Attempt::begin(&throttle, "bob", 1),
            Err(Refusal::Locked(_))
        ));
    }

    #[test]
    fn a_check_that_never_ends_releases_its_reservation() {
        let throttle = Arc::new(Mutex::new(Throttle::default()));
        for _ in 0..(2 * MAX_FAILURES) {
            drop(Attempt::begin(&throttle, "bob", 0).unwrap());
        }
        assert_eq!(lock(&throttle).locked_for("bob", 0), None);
        assert!(lock(&throttle).by_name.is_empty(), "nothing kept");
    }

    #[test]
    fn made_up_names_cannot_grow_the_table_without_end() {
        let mut throttle = Throttle::default();
        for n in 0..(MAX_ENTRIES + 10) {
            throttle.failed(&format!("name{n}"), 0);
        }
        assert_eq!(throttle.by_name.len(), MAX_ENTRIES);
    }

    #[test]
    fn made_up_names_never_push_out_an_accounts_failures() {
        let mut throttle = Throttle::default();
        for _ in 1..MAX_FAILURES {
            throttle.failed("bob", 0);
        }
        for n in 0..MAX_ENTRIES {
            throttle.failed(&format!("made-up{n}"), 1);
        }
        throttle.failed("bob", 2);
        assert!(
            throttle.locked_for("bob", 2).is_some(),
            "bob's earlier failures were pushed out by made-up names"
        );
        assert!(throttle.by_name.len() <= MAX_ENTRIES);
    }
}
