//! The demo accounts' passwords as Argon2id hashes (PHC strings), made at start with fresh
//! salts, and checked off the async runtime: one check takes tens of milliseconds of CPU,
//! which would stall every other request on that worker thread.

use std::sync::Arc;

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
            inner: Arc::new(Inner { accounts, dummy }),
        })
    }

    /// True when `password` is `name`'s. Runs the check on tokio's blocking pool.
    pub async fn verify(&self, name: &str, password: &str) -> bool {
        let inner = Arc::clone(&self.inner);
        let name = name.to_owned();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || inner.verify(&name, &password))
            .await
            // A check that panicked or was cancelled lets nobody in.
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
