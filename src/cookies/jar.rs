//! The jar: one trait, two raw seams, and every rule in default methods, so the
//! browser's `document.cookie` and the in-memory jar behave the same.

use serde::de::DeserializeOwned;
use serde::Serialize;
use time::OffsetDateTime;

use super::encoding::{decode, encode_name, encode_value};
use super::parse::{parse, parse_raw, CookiePair};
use super::{CookieError, CookieOptions, Page, Result, SameSite, MAX_NAME_VALUE_BYTES};
use crate::clock::Millis;

/// A cookie jar as a page sees it.
///
/// Implementors provide the seams ([`raw`](Self::raw), [`write_raw`](Self::write_raw),
/// [`page`](Self::page), [`now`](Self::now)); reading, encoding, validation, read-back
/// and removal come from the default methods.
pub trait CookieJar {
    /// The cookie string this page reads, as `document.cookie` returns it.
    fn raw(&self) -> Result<String>;

    /// One assignment, as `document.cookie = cookie` makes it. Like the browser, a jar
    /// may ignore what it will not keep: the default methods read back to find out.
    fn write_raw(&self, cookie: &str) -> Result<()>;

    /// Where the page is, which decides what it may set and see.
    fn page(&self) -> Result<Page>;

    /// The jar's current time, in milliseconds since the Unix epoch.
    fn now(&self) -> Millis;

    /// Every cookie this page can read, decoded, first of each name (see [`parse`]).
    fn get_all(&self) -> Result<Vec<CookiePair>> {
        Ok(parse(&self.raw()?))
    }

    /// The decoded value of cookie `name`, if this page can see one.
    ///
    /// ```
    /// use crumbs::cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set("greeting", "hello, world").unwrap();
    /// assert_eq!(jar.get("greeting").unwrap().as_deref(), Some("hello, world"));
    /// assert_eq!(jar.get("missing").unwrap(), None);
    /// ```
    fn get(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .get_all()?
            .into_iter()
            .find(|cookie| cookie.name == name)
            .map(|cookie| cookie.value))
    }

    /// Writes a session cookie on `Path=/`.
    fn set(&self, name: &str, value: &str) -> Result<()> {
        self.set_with(name, value, &CookieOptions::new())
    }

    /// Validates, encodes and writes a cookie, then reads the jar back: when the browser
    /// silently dropped it, the error says so and why, instead of reporting success.
    ///
    /// ```
    /// use crumbs::cookies::{CookieError, CookieJar, CookieOptions, MemoryJar, SameSite};
    /// let jar = MemoryJar::localhost();
    /// let refused = jar.set_with("x", "1", &CookieOptions::new().same_site(SameSite::None).secure(false));
    /// assert!(matches!(refused, Err(CookieError::Refused { .. })));
    /// ```
    fn set_with(&self, name: &str, value: &str, options: &CookieOptions) -> Result<()> {
        let rendered = options.render(name, value)?;
        self.write_raw(&rendered)?;
        if options.is_removal(to_datetime(self.now())) {
            return self.confirm_removed(name, options);
        }
        let page = self.page()?;
        if !page.path_matches(options.get_path()) {
            // The page cannot see a cookie scoped elsewhere: there is nothing to check.
            return Ok(());
        }
        let (encoded_name, encoded_value) = (encode_name(name), encode_value(value));
        let stored = parse_raw(&self.raw()?)
            .into_iter()
            .any(|(n, v)| n == encoded_name && v == encoded_value);
        if stored {
            Ok(())
        } else {
            Err(CookieError::Refused {
                name: name.to_owned(),
                reason: refusal_reason(&page, name, &encoded_name, &encoded_value, options),
            })
        }
    }

    /// Removes cookie `name` set on `Path=/` with no `Domain`.
    fn remove(&self, name: &str) -> Result<()> {
        self.remove_with(name, &CookieOptions::new())
    }

    /// Removes cookie `name` with `Max-Age=0`; `options` must carry the `Path` and
    /// `Domain` it was set with, since those are part of a cookie's identity.
    fn remove_with(&self, name: &str, options: &CookieOptions) -> Result<()> {
        self.set_with(name, "", &options.removal())
    }

    /// Removes every cookie named `name` that this page can see, whatever path and
    /// domain it was set on (each one the page can see is tried): what a "Delete" button
    /// next to a cookie means.
    fn remove_everywhere(&self, name: &str) -> Result<()> {
        self.remove_matching(&|candidate| candidate == name)
    }

    /// Removes every cookie this page can see, and reports one that survived.
    fn remove_all(&self) -> Result<()> {
        self.remove_matching(&|_| true)
    }

    #[doc(hidden)]
    fn remove_matching(&self, wanted: &dyn Fn(&str) -> bool) -> Result<()> {
        let page = self.page()?;
        let raw = self.raw()?;
        for (name, value) in parse_raw(&raw) {
            if !wanted(&decode(name)) {
                continue;
            }
            // The raw name, not a re-encoding of the decoded one: another script may
            // have written it with an encoding of its own.
            let pair = if name.is_empty() {
                value.to_owned()
            } else {
                format!("{name}=")
            };
            for path in page.visible_paths() {
                self.write_raw(&format!("{pair}; Path={path}; Max-Age=0"))?;
                for domain in page.visible_domains() {
                    self.write_raw(&format!("{pair}; Path={path}; Domain={domain}; Max-Age=0"))?;
                }
            }
        }
        match parse(&self.raw()?).into_iter().find(|c| wanted(&c.name)) {
            Some(left) => Err(CookieError::StillPresent { name: left.name }),
            None => Ok(()),
        }
    }

    /// Reads cookie `name` as JSON. A value that is not JSON of type `T` is an error
    /// naming the cookie, never a panic.
    ///
    /// ```
    /// use crumbs::cookies::{CookieJar, MemoryJar};
    /// let jar = MemoryJar::localhost();
    /// jar.set_json("cart", &vec![1, 2, 3]).unwrap();
    /// assert_eq!(jar.get_json::<Vec<u32>>("cart").unwrap(), Some(vec![1, 2, 3]));
    /// assert!(jar.get_json::<String>("cart").is_err());
    /// ```
    fn get_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>>
    where
        Self: Sized,
    {
        self.get(name)?
            .map(|value| {
                serde_json::from_str(&value).map_err(|error| CookieError::Json {
                    name: name.to_owned(),
                    message: error.to_string(),
                })
            })
            .transpose()
    }

    /// Writes `value` as JSON in a session cookie on `Path=/`.
    fn set_json<T: Serialize + ?Sized>(&self, name: &str, value: &T) -> Result<()>
    where
        Self: Sized,
    {
        self.set_json_with(name, value, &CookieOptions::new())
    }

    /// Writes `value` as JSON with the given options.
    fn set_json_with<T: Serialize + ?Sized>(
        &self,
        name: &str,
        value: &T,
        options: &CookieOptions,
    ) -> Result<()>
    where
        Self: Sized,
    {
        let json = serde_json::to_string(value).map_err(|error| CookieError::Serialize {
            name: name.to_owned(),
            message: error.to_string(),
        })?;
        self.set_with(name, &json, options)
    }

    /// After a removal, the cookie must be gone from where the page can see it.
    #[doc(hidden)]
    fn confirm_removed(&self, name: &str, options: &CookieOptions) -> Result<()> {
        if !self.page()?.path_matches(options.get_path()) {
            return Ok(());
        }
        let encoded_name = encode_name(name);
        if parse_raw(&self.raw()?)
            .into_iter()
            .any(|(n, _)| n == encoded_name)
        {
            Err(CookieError::StillPresent {
                name: name.to_owned(),
            })
        } else {
            Ok(())
        }
    }
}

/// Why a browser would have dropped this cookie: the rules of RFC 6265bis §5.7 that a
/// page can break, checked in the order browsers apply them.
pub fn refusal_reason(
    page: &Page,
    name: &str,
    encoded_name: &str,
    encoded_value: &str,
    options: &CookieOptions,
) -> String {
    if let Some(domain) = options.get_domain() {
        if !page.domain_matches(domain) {
            return format!(
                "Domain={domain} does not contain this page's host `{}`; leave Domain out or use a parent domain of the host",
                page.host
            );
        }
    }
    if options.is_secure() && !page.secure {
        return "Secure cookies can only be set from an https page (or localhost); serve the page over https or drop Secure".to_owned();
    }
    if options.get_same_site() == Some(SameSite::None) && !options.is_secure() {
        return "SameSite=None requires Secure; keep Secure or choose SameSite=Lax".to_owned();
    }
    if encoded_name.len() + encoded_value.len() > MAX_NAME_VALUE_BYTES {
        return format!("`{name}` is too large for the browser; shorten the value");
    }
    "the browser did not keep it (cookies may be blocked for this site, or it was replaced at once by another script); check the browser's cookie settings".to_owned()
}

pub(crate) fn to_datetime(millis: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
