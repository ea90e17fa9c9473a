//! The only way the server reaches the browser: a key-value store.

use std::cell::RefCell;

use thiserror::Error;

/// Why a [`Storage`] did not keep a value. Reads never fail (a value that cannot be read
/// is a value that is not there); writes can, when the browser's quota is used up or
/// storage is disabled (some private modes, sandboxed frames).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// The store refused to keep `key`; `why` is the browser's own words (for a full
    /// `localStorage`, its `QuotaExceededError` message), so the person reading it can
    /// search for it.
    #[error("localStorage refused to save “{key}”: {why}")]
    Refused {
        /// The key the write was for.
        key: String,
        /// What the browser said.
        why: String,
    },
}

/// Where the server keeps what must outlive a page load: `localStorage` in a page, a map
/// in tests. A trait so every rule about a full or refusing store is tested on the host.
pub trait Storage {
    /// The value under `key`, if there is one that can be read.
    fn get(&self, key: &str) -> Option<String>;
    /// Keeps `value` under `key`, replacing what was there; on error nothing changed.
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Forgets `key`; removing what is not there is not an error.
    fn remove(&self, key: &str);
}

/// A map in memory: for tests, and for when the browser has no `localStorage`. It takes
/// every write.
///
/// ```
/// use crumbs_mock::server::{MemoryStorage, Storage};
/// let storage = MemoryStorage::default();
/// storage.set("crumbs.server", "{}").unwrap();
/// assert_eq!(storage.get("crumbs.server").as_deref(), Some("{}"));
/// storage.remove("crumbs.server");
/// assert_eq!(storage.get("crumbs.server"), None);
/// ```
#[derive(Debug, Default)]
// A list, not a `HashMap`: it holds a key or two (the server's data, perhaps a copy kept
// aside), and the page's Wasm then carries no hash table of its own for it.
pub struct MemoryStorage(RefCell<Vec<(String, String)>>);

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        let entries = self.0.borrow();
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let mut entries = self.0.borrow_mut();
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_owned(),
            None => entries.push((key.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.0.borrow_mut().retain(|(k, _)| k != key);
    }
}

/// The browser's `localStorage`: shared by every tab of the origin, limited by a quota.
#[derive(Clone, Debug)]
pub struct LocalStorage(web_sys::Storage);

impl LocalStorage {
    /// The page's `localStorage`; `None` where the browser refuses it (some private modes,
    /// sandboxed frames) or outside a browser.
    ///
    /// ```
    /// use crumbs_mock::server::LocalStorage;
    /// # #[cfg(not(target_arch = "wasm32"))]
    /// assert!(LocalStorage::new().is_none(), "no window on the host");
    /// ```
    pub fn new() -> Option<Self> {
        // `web_sys::window()` panics outside wasm32 rather than answering `None`.
        if !cfg!(target_arch = "wasm32") {
            return None;
        }
        web_sys::window()?.local_storage().ok().flatten().map(Self)
    }
}

impl Storage for LocalStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.0
            .set_item(key, value)
            .map_err(|error| StorageError::Refused {
                key: key.to_owned(),
                why: error
                    .as_string()
                    .or_else(|| {
                        js_sys::Reflect::get(&error, &"message".into())
                            .ok()
                            .and_then(|m| m.as_string())
                    })
                    .unwrap_or_else(|| "no reason given".to_owned()),
            })
    }

    fn remove(&self, key: &str) {
        // Removal only tidies: a key left behind is read as spoiled or stale data later.
        let _ = self.0.remove_item(key);
    }
}
