//! Five failed logins for a name within fifteen minutes lock that name out for thirty
//! seconds. The table is saved with the sessions (under the Database store, so lockouts
//! outlive a reload where sessions do), stays bounded, and no clock value can stretch a
//! lockout past thirty seconds.

use serde::{Deserialize, Serialize};

use super::users;
use crumbs_cookies::clock::Millis;

// The protocol's rules, so the real server locks names out exactly as the mock does.
// Failures further apart than the window never add up to a lockout: an entry with no
// failure that recent is forgotten, whether the name exists or not.
pub use crumbs_protocol::rules::{FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_FAILURES};
/// At most this many names are tracked, so a stream of made-up names cannot grow the
/// table (or the saved data) without end. When it is full, made-up names are evicted
/// before accounts: otherwise failures on made-up names would push out a real name's
/// count and buy free guesses. Accounts are few (the demo users), so the cap holds.
pub const MAX_ENTRIES: usize = 256;

/// Failed logins by name. Only the server changes it; public so the saved data
/// ([`Saved`](super::Saved)) can name its type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Throttle {
    by_name: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    /// Failures since the last lockout.
    failures: u32,
    /// The latest failure.
    last_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locked_until: Option<Millis>,
}

impl Entry {
    /// Brings the entry in line with `now`; `false` once it has nothing left to hold.
    fn settle(&mut self, now: Millis) -> bool {
        // A clock that stepped back must not stretch anything: no failure lies ahead of
        // now, and no lockout ends further ahead than a full lockout from now.
        self.last_at = self.last_at.min(now);
        if let Some(until) = self.locked_until {
            let until = until.min(now.saturating_add(LOCKOUT_MS));
            self.locked_until = Some(until);
            return until > now;
        }
        now.saturating_sub(self.last_at) < FAILURE_WINDOW_MS
    }

    fn locked(&self, now: Millis) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

impl Throttle {
    /// Nothing is tracked: no failure and no lockout.
    ///
    /// ```
    /// use crumbs_mock::server::Throttle;
    /// assert!(Throttle::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Forgets spent lockouts and failures older than [`FAILURE_WINDOW_MS`], and keeps
    /// at most [`MAX_ENTRIES`] (saved data may hold more, edited by hand).
    ///
    /// ```
    /// use crumbs_mock::server::{Throttle, FAILURE_WINDOW_MS};
    /// let mut throttle = Throttle::default();
    /// throttle.failed("bob", 0);
    /// throttle.prune(FAILURE_WINDOW_MS);
    /// assert!(throttle.is_empty(), "too old to count");
    /// ```
    pub fn prune(&mut self, now: Millis) {
        self.by_name.retain_mut(|entry| entry.settle(now));
        self.evict_down_to(MAX_ENTRIES, now);
    }

    /// Milliseconds left on `name`'s lockout (never more than [`LOCKOUT_MS`]), if it is
    /// locked out now.
    ///
    /// ```
    /// use crumbs_mock::server::{Throttle, LOCKOUT_MS, MAX_FAILURES};
    /// let mut throttle = Throttle::default();
    /// assert_eq!(throttle.locked_for("bob", 0), None);
    /// for _ in 0..MAX_FAILURES {
    ///     throttle.failed("bob", 0);
    /// }
    /// assert_eq!(throttle.locked_for("bob", 0), Some(LOCKOUT_MS));
    /// assert_eq!(throttle.locked_for("bob", LOCKOUT_MS), None, "over");
    /// ```
    pub fn locked_for(&mut self, name: &str, now: Millis) -> Option<Millis> {
        self.prune(now);
        let until = self.by_name.iter().find(|e| e.name == name)?.locked_until?;
        Some(until.saturating_sub(now)).filter(|left| *left > 0)
    }

    /// Counts a failed login for `name` at `now`; the [`MAX_FAILURES`]th within
    /// [`FAILURE_WINDOW_MS`] locks the name for [`LOCKOUT_MS`].
    ///
    /// ```
    /// use crumbs_mock::server::{Throttle, LOCKOUT_MS, MAX_FAILURES};
    /// let mut throttle = Throttle::default();
    /// for _ in 0..MAX_FAILURES {
    ///     throttle.failed("alice", 0);
    /// }
    /// assert_eq!(throttle.locked_for("alice", 1_000), Some(LOCKOUT_MS - 1_000));
    /// ```
    pub fn failed(&mut self, name: &str, now: Millis) {
        self.prune(now);
        let index = match self.by_name.iter().position(|e| e.name == name) {
            Some(index) => index,
            None => {
                self.make_room(now);
                self.by_name.push(Entry {
                    name: name.to_owned(),
                    failures: 0,
                    last_at: now,
                    locked_until: None,
                });
                self.by_name.len() - 1
            }
        };
        let entry = &mut self.by_name[index];
        entry.failures = entry.failures.saturating_add(1);
        entry.last_at = now;
        if entry.failures >= MAX_FAILURES {
            entry.failures = 0;
            entry.locked_until = Some(now.saturating_add(LOCKOUT_MS));
        }
    }

    /// Forgets `name`'s failures: a good login starts its count afresh.
    ///
    /// ```
    /// use crumbs_mock::server::Throttle;
    /// let mut throttle = Throttle::default();
    /// throttle.failed("bob", 0);
    /// throttle.succeeded("bob");
    /// assert!(throttle.is_empty());
    /// ```
    pub fn succeeded(&mut self, name: &str) {
        self.by_name.retain(|e| e.name != name);
    }

    /// Brings into this table (the shared one) what `mine` changed since it was copied
    /// from `base` (a tab moving back from its own memory): a name `mine` counted more
    /// failures for takes the later count and lockout of both, never more than a full
    /// lockout from now; a name `mine` forgot (a success) is forgotten here too, unless
    /// another tab changed it since the copy. Names `mine` left as copied are left as
    /// this table has them now, so nothing another tab cleared comes back.
    ///
    /// ```
    /// use crumbs_mock::server::Throttle;
    /// let base = Throttle::default(); // the database when this tab copied it
    /// let mut mine = base.clone();
    /// mine.failed("bob", 10); // this tab, on its own memory
    /// let mut shared = base.clone();
    /// shared.failed("alice", 20); // another tab, on the database
    /// shared.carry(&mine, &base, 30);
    /// assert!(!shared.is_empty());
    /// shared.succeeded("alice");
    /// shared.succeeded("bob");
    /// assert!(shared.is_empty(), "both names were there");
    /// ```
    pub fn carry(&mut self, mine: &Throttle, base: &Throttle, now: Millis) {
        let find =
            |table: &Throttle, name: &str| table.by_name.iter().find(|e| e.name == name).cloned();
        for entry in &mine.by_name {
            if find(base, &entry.name).as_ref() == Some(entry) {
                continue;
            }
            match self.by_name.iter_mut().find(|e| e.name == entry.name) {
                Some(stored) => {
                    stored.failures = stored.failures.max(entry.failures);
                    stored.last_at = stored.last_at.max(entry.last_at);
                    stored.locked_until = stored.locked_until.max(entry.locked_until);
                }
                None => {
                    self.make_room(now);
                    self.by_name.push(entry.clone());
                }
            }
        }
        for entry in &base.by_name {
            if find(mine, &entry.name).is_none() {
                self.by_name.retain(|e| e != entry);
            }
        }
        // Settles every entry: no lockout ends more than a full lockout from now.
        self.prune(now);
    }

    /// Evicts entries until one more fits.
    fn make_room(&mut self, now: Millis) {
        self.evict_down_to(MAX_ENTRIES.saturating_sub(1), now);
    }

    /// Evicts entries until at most `count` are left: made-up names before accounts
    /// (so junk cannot reset a real name's count), then names merely failing before
    /// names locked out, the oldest first.
    ///
    /// The entries kept are those a stable sort by that order would put first, in its
    /// order, found in one pass that keeps at most `count` in order (hand-edited data may
    /// hold many): the standard library's sorts cost the page about 1 KB gzip of Wasm.
    fn evict_down_to(&mut self, count: usize, now: Millis) {
        if self.by_name.len() <= count {
            return;
        }
        let mut kept: Vec<((bool, bool, Millis), Entry)> = Vec::with_capacity(count + 1);
        for entry in std::mem::take(&mut self.by_name) {
            let key = (users::exists(&entry.name), entry.locked(now), entry.last_at);
            // After every kept entry that ranks as high: equal ones keep their order.
            let at = kept.partition_point(|(placed, _)| *placed >= key);
            if at < count {
                kept.insert(at, (key, entry));
                kept.truncate(count);
            }
        }
        self.by_name = kept.into_iter().map(|(_, entry)| entry).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_800_000_000_000;

    fn lock(throttle: &mut Throttle, name: &str, now: Millis) {
        for _ in 0..MAX_FAILURES {
            throttle.failed(name, now);
        }
    }

    #[test]
    fn a_lockout_never_exceeds_thirty_seconds_when_the_clock_steps_back() {
        let mut throttle = Throttle::default();
        lock(&mut throttle, "alice", NOW);
        let back = NOW - 60 * 60 * 1000;
        assert_eq!(throttle.locked_for("alice", back), Some(LOCKOUT_MS));
        assert_eq!(throttle.locked_for("alice", back + LOCKOUT_MS), None);
    }

    #[test]
    fn extreme_clock_values_do_not_overflow() {
        let mut throttle = Throttle::default();
        lock(&mut throttle, "alice", Millis::MAX);
        assert_eq!(throttle.locked_for("alice", Millis::MIN), Some(LOCKOUT_MS));
        lock(&mut throttle, "bob", Millis::MIN);
        assert!(throttle.locked_for("bob", Millis::MAX).is_none());
    }

    #[test]
    fn failures_for_unknown_names_are_forgotten_once_their_window_passes() {
        let mut throttle = Throttle::default();
        for i in 0..10 {
            throttle.failed(&format!("nobody{i}"), NOW);
        }
        throttle.failed("late", NOW + FAILURE_WINDOW_MS);
        assert_eq!(throttle.by_name.len(), 1, "{:?}", throttle.by_name);
    }

    #[test]
    fn the_table_never_holds_more_than_its_cap() {
        let mut throttle = Throttle::default();
        lock(&mut throttle, "alice", NOW);
        for i in 0..(MAX_ENTRIES * 3) {
            throttle.failed(&format!("nobody{i}"), NOW + 1);
        }
        assert!(throttle.by_name.len() <= MAX_ENTRIES);
        assert!(
            throttle.locked_for("alice", NOW + 2).is_some(),
            "a live lockout is the last thing evicted"
        );
    }

    #[test]
    fn eviction_keeps_what_a_stable_sort_by_rank_would_put_first() {
        // Names, accounts among them, with failures and lockouts at few distinct times, so
        // many entries tie and the order among equals shows.
        let mut x: u32 = 7;
        let mut next = move |below: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % below
        };
        for round in 0..200 {
            let len = next(40) as usize;
            let by_name: Vec<Entry> = (0..len)
                .map(|i| Entry {
                    name: match next(4) {
                        0 => "alice".to_owned(),
                        1 => "bob".to_owned(),
                        _ => format!("n{i}"),
                    },
                    failures: 1,
                    last_at: NOW + Millis::from(next(3)),
                    locked_until: (next(3) == 0).then(|| NOW + Millis::from(next(2))),
                })
                .collect();
            let count = next(45) as usize;
            let mut expected = by_name.clone();
            // A table within the count is left as it is, in its order.
            if expected.len() > count {
                expected.sort_by_key(|e| {
                    std::cmp::Reverse((users::exists(&e.name), e.locked(NOW), e.last_at))
                });
                expected.truncate(count);
            }
            let mut throttle = Throttle { by_name };
            throttle.evict_down_to(count, NOW);
            assert_eq!(throttle.by_name, expected, "round {round}, keeping {count}");
        }
    }

    #[test]
    fn a_saved_table_over_the_cap_is_cut_down_when_read() {
        let entries: Vec<String> = (0..(MAX_ENTRIES + 50))
            .map(|i| format!(r#"{{"name":"n{i}","failures":1,"last_at":{NOW}}}"#))
            .collect();
        let mut throttle: Throttle =
            serde_json::from_str(&format!("[{}]", entries.join(","))).unwrap();
        throttle.prune(NOW);
        assert_eq!(throttle.by_name.len(), MAX_ENTRIES);
    }

    #[test]
    fn carrying_a_tabs_changes_keeps_what_another_tab_cleared_cleared() {
        let mut base = Throttle::default();
        lock(&mut base, "bob", NOW);
        let mut mine = base.clone();
        mine.failed("alice", NOW + 1);
        // Meanwhile another tab: bob logged in, carol failed.
        let mut stored = base.clone();
        stored.succeeded("bob");
        stored.failed("carol", NOW + 1);
        stored.carry(&mine, &base, NOW + 2);
        let names: Vec<&str> = stored.by_name.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["carol", "alice"]);
    }

    #[test]
    fn carrying_a_tabs_lockout_never_stretches_it_past_thirty_seconds() {
        let base = Throttle::default();
        let mut mine = Throttle::default();
        lock(&mut mine, "alice", NOW + 60 * 60 * 1000);
        let mut stored = Throttle::default();
        lock(&mut stored, "alice", NOW);
        stored.carry(&mine, &base, NOW);
        assert_eq!(stored.locked_for("alice", NOW), Some(LOCKOUT_MS));
    }

    #[test]
    fn a_success_in_a_tab_forgets_the_copied_failures_unless_changed_since() {
        let mut base = Throttle::default();
        base.failed("alice", NOW);
        base.failed("bob", NOW);
        let mut mine = base.clone();
        mine.succeeded("alice");
        mine.succeeded("bob");
        let mut stored = base.clone();
        stored.failed("bob", NOW + 1);
        stored.carry(&mine, &base, NOW + 2);
        let names: Vec<&str> = stored.by_name.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["bob"],
            "bob failed again in another tab since the copy"
        );
    }
}
