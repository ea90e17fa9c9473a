//! The demo accounts' passwords as Argon2id hashes (PHC strings), made at start with fresh
//! salts, and checked off the async runtime: one check takes tens of milliseconds of CPU,
//! which would stall every other request on that worker thread.

use std::sync::Arc;

use tokio::sync::Semaphore;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use crumbs_protocol::rules::DEMO_ACCOUNTS;

use crate::error::ServerError;

/// The accounts' Argon2id hashes, and one more for names that are no account, so an
/// unknown name costs as much time as a wrong password and timing does not tell which
/// names exist.
#[derive(Clone, Debug)]
pub struct Passwords {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    accounts: Vec<(String, String)>,
    dummy: String,
    checks: Limit,
}

/// Runs closures on tokio's blocking pool, at most `permits` at once. One Argon2 check
/// holds about 19 MiB and a core for tens of milliseconds; the pool itself grows to 512
/// threads, so a burst of logins could otherwise take gigabytes and starve the rest.
#[derive(Debug)]
struct Limit {
    permits: Arc<Semaphore>,
}

impl Limit {
    fn new(permits: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits)),
        }
    }

    /// One per core: more checks at once would only queue for the cores.
    fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    }

    /// `f`'s result, or `None` if it panicked or the limit was closed.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        // The permit moves into the blocking task: a request cancelled while its check
        // runs does not free a slot the check still uses.
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok()?;
        tokio::task::spawn_blocking(move || {
            let result = f();
            drop(permit);
            result
        })
        .await
        .ok()
    }
}

impl Passwords {
    /// Hashes [`DEMO_ACCOUNTS`]' passwords with Argon2id's defaults and random salts. Blocks
    /// for a moment: call it before serving, or on a blocking thread.
    pub fn hash_demo_accounts() -> Result<Self, ServerError> {
        let hash = |password: &str| {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|e| ServerError::Hash(e.to_string()))
        };
        let accounts = DEMO_ACCOUNTS
            .iter()
            .map(|(name, password)| Ok(((*name).to_owned(), hash(password)?)))
            .collect::<Result<Vec<_>, ServerError>>()?;
        let dummy = hash("no account has this password")?;
        Ok(Self {
            inner: Arc::new(Inner {
                accounts,
                dummy,
                checks: Limit::per_core(),
            }),
        })
    }

    /// True when `password` is `name`'s. Runs the check on tokio's blocking pool, no more
    /// checks at once than the machine has cores (the others wait their turn).
    pub async fn verify(&self, name: &str, password: &str) -> bool {
        let inner = Arc::clone(&self.inner);
        let name = name.to_owned();
        let password = password.to_owned();
        self.inner
            .checks
            .run(move || inner.verify(&name, &password))
            .await
            // A check that panicked lets nobody in.
            .unwrap_or(false)
    }

    /// The PHC string kept for `name`, if it is an account (for tests and the README).
    pub fn phc(&self, name: &str) -> Option<&str> {
        self.inner
            .accounts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, hash)| hash.as_str())
    }
}

impl Inner {
    fn verify(&self, name: &str, password: &str) -> bool {
        let (known, hash) = match self.accounts.iter().find(|(n, _)| n == name) {
            Some((_, hash)) => (true, hash.as_str()),
            None => (false, self.dummy.as_str()),
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        known && matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::{Condvar, Mutex};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_checks_run_at_once_than_the_limit_allows() {
        const LIMIT: usize = 2;
        const CHECKS: usize = 3 * LIMIT;
        let limit = Arc::new(Limit::new(LIMIT));
        // Every check waits at the gate until the test opens it, so the ones let in pile up.
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let checks: Vec<_> = (0..CHECKS)
            .map(|_| {
                let (limit, gate) = (Arc::clone(&limit), Arc::clone(&gate));
                let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(async move {
                    limit
                        .run(move || {
                            let now = running.fetch_add(1, SeqCst) + 1;
                            most.fetch_max(now, SeqCst);
                            let (open, opened) = &*gate;
                            let mut open = open.lock().unwrap();
                            while !*open {
                                open = opened.wait(open).unwrap();
                            }
                            drop(open);
                            running.fetch_sub(1, SeqCst);
                        })
                        .await
                })
            })
            .collect();
        // Until more run than the limit, or the limit's worth run holding every permit
        // (then no other can start before the gate opens).
        loop {
            let now = running.load(SeqCst);
            if now > LIMIT || (now == LIMIT && limit.permits.available_permits() == 0) {
                break;
            }
            tokio::task::yield_now().await;
        }
        let at_once = most.load(SeqCst);
        // Opened before any assertion: a blocked check would keep the runtime from ending.
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        assert_eq!(at_once, LIMIT, "checks running at once");
        for check in checks {
            assert_eq!(check.await.unwrap(), Some(()));
        }
        assert!(most.load(SeqCst) <= LIMIT, "{} at once", most.load(SeqCst));
    }

    #[tokio::test]
    async fn demo_passwords_are_argon2id_hashes_and_check_out() {
        let passwords = Passwords::hash_demo_accounts().unwrap();
        for (name, password) in DEMO_ACCOUNTS {
            let phc = passwords.phc(name).unwrap();
            assert!(phc.starts_with("$argon2id$"), "{phc}");
            assert!(!phc.contains(password));
            assert!(passwords.verify(name, password).await, "{name}");
            assert!(!passwords.verify(name, "wrong").await, "{name}");
        }
        assert!(
            !passwords
                .verify("mallory", "no account has this password")
                .await
        );
    }
}
