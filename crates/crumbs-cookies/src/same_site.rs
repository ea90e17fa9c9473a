use std::fmt;

/// The `SameSite` attribute (RFC 6265bis §4.1.2.7, §5.6.7): whether the browser sends the
/// cookie with requests that another site starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SameSite {
    /// Sent only when the request comes from this same site.
    Strict,
    /// Also sent on top-level navigations from other sites (a followed link). What
    /// browsers assume when the attribute is missing.
    Lax,
    /// Sent with every request, cross-site included. Browsers keep such a cookie only when
    /// it is also `Secure`, so [`CookieOptions`](super::CookieOptions) adds `Secure` unless
    /// told otherwise.
    None,
}

impl SameSite {
    /// The attribute's value as written in a cookie.
    ///
    /// ```
    /// use crumbs_cookies::SameSite;
    /// assert_eq!(SameSite::Lax.as_str(), "Lax");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

impl fmt::Display for SameSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
