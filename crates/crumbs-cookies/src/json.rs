//! JSON in cookies, behind the `json` feature: an extension trait, so it works on every
//! jar, `Rc<dyn CookieJar>` included.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{CookieError, CookieJar, CookieOptions, Result};

/// Reads and writes cookie values as JSON, on any [`CookieJar`] (a trait object too).
///
/// ```
/// use std::rc::Rc;
/// use crumbs_cookies::{CookieJar, CookieJarJson, MemoryJar};
/// let jar: Rc<dyn CookieJar> = Rc::new(MemoryJar::localhost());
/// jar.set_json("cart", &vec![1, 2, 3]).unwrap();
/// assert_eq!(jar.get_json::<Vec<u32>>("cart").unwrap(), Some(vec![1, 2, 3]));
/// assert!(jar.get_json::<String>("cart").is_err());
/// ```
pub trait CookieJarJson {
    /// Reads cookie `name` as JSON. A value that is not JSON of type `T` is an error
    /// naming the cookie, never a panic.
    ///
    /// ```
    /// use crumbs_cookies::{CookieError, CookieJar, CookieJarJson, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("n", "not json").unwrap();
    /// assert!(matches!(jar.get_json::<u32>("n"), Err(CookieError::Json { .. })));
    /// assert_eq!(jar.get_json::<u32>("missing").unwrap(), None);
    /// ```
    fn get_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>>;

    /// Writes `value` as JSON in a session cookie on `Path=/`.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJar, CookieJarJson, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set_json("prefs", &("dark", 14)).unwrap();
    /// assert_eq!(jar.get("prefs").unwrap().as_deref(), Some("[\"dark\",14]"));
    /// ```
    fn set_json<T: Serialize + ?Sized>(&self, name: &str, value: &T) -> Result<()> {
        self.set_json_with(name, value, &CookieOptions::new())
    }

    /// Writes `value` as JSON with the given options.
    ///
    /// ```
    /// use crumbs_cookies::{CookieJarJson, CookieOptions, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// let a_day = 24 * 3600 * 1000;
    /// jar.set_json_with("cart", &[1, 2], &CookieOptions::new().max_age(a_day)).unwrap();
    /// assert_eq!(jar.get_json::<Vec<u8>>("cart").unwrap(), Some(vec![1, 2]));
    /// ```
    fn set_json_with<T: Serialize + ?Sized>(
        &self,
        name: &str,
        value: &T,
        options: &CookieOptions,
    ) -> Result<()>;
}

impl<J: CookieJar + ?Sized> CookieJarJson for J {
    fn get_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.get(name)?
            .map(|value| {
                serde_json::from_str(&value).map_err(|error| CookieError::Json {
                    name: name.to_owned(),
                    message: error.to_string(),
                })
            })
            .transpose()
    }

    fn set_json_with<T: Serialize + ?Sized>(
        &self,
        name: &str,
        value: &T,
        options: &CookieOptions,
    ) -> Result<()> {
        let json = serde_json::to_string(value).map_err(|error| CookieError::Serialize {
            name: name.to_owned(),
            message: error.to_string(),
        })?;
        self.set_with(name, &json, options)
    }
}
