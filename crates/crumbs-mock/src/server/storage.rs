//! The only way the server reaches the browser: a key-value store.

use std::cell::RefCell;
use std::collections::HashMap;

/// Where the server keeps what must outlive a page load.
pub trait Storage {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str) -> Result<(), String>;
    fn remove(&self, key: &str);
}

/// A map in memory: for tests, and for when the browser has no `localStorage`.
#[derive(Debug, Default)]
pub struct MemoryStorage(RefCell<HashMap<String, String>>);

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.borrow().get(key).cloned()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        self.0.borrow_mut().insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.0.borrow_mut().remove(key);
    }
}

/// The browser's `localStorage`.
#[derive(Clone, Debug)]
pub struct LocalStorage(web_sys::Storage);

impl LocalStorage {
    /// `None` where the browser refuses storage (some private modes, sandboxed frames).
    pub fn new() -> Option<Self> {
        web_sys::window()?.local_storage().ok().flatten().map(Self)
    }
}

impl Storage for LocalStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        self.0.set_item(key, value).map_err(|error| {
            error
                .as_string()
                .or_else(|| {
                    js_sys::Reflect::get(&error, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                })
                .unwrap_or_else(|| "localStorage refused the write".to_owned())
        })
    }

    fn remove(&self, key: &str) {
        let _ = self.0.remove_item(key);
    }
}
