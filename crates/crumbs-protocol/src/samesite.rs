//! The SameSite experiment, run with the real server: four cookies that differ only in
//! `SameSite`, four requests sent to their site from another site, and what each request
//! carried as the server saw it.
//!
//! Loopback has two names a browser takes for two sites: `127.0.0.1` and `localhost`
//! (RFC 6265bis §5.2: a site is the registrable domain, or the host itself for an IP
//! address or a name like `localhost`). The lab on one of them sets the cookies; a page on
//! the other sends the requests back to it:
//!
//! 1. `POST /api/samesite/cookies` (same site) sets [`COOKIES`].
//! 2. The lab navigates to [`visit_url`]: `GET /api/samesite/visit` on the other site, a
//!    page that loads an `<img>`, sends a `fetch` and then a form `POST` to
//!    `/api/samesite/echo` on the lab's site; the form's answer sends the tab back to the
//!    other site, whose page follows a plain link to the echo; that answer leads home.
//! 3. The server keeps the names each [`Via`] carried; the lab reads them with
//!    `GET /api/samesite/runs/{run}` ([`RunBody`]).

use serde::{Deserialize, Serialize};

/// One of the experiment's cookies: its name and the attributes it is set with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SameSiteCookie {
    /// The cookie's name.
    pub name: &'static str,
    /// What follows `name=1; Path=/` in its `Set-Cookie` line.
    pub attributes: &'static str,
}

/// The four cookies, in the order the lab's table lists them.
pub const COOKIES: [SameSiteCookie; 4] = [
    SameSiteCookie {
        name: "samesite.strict",
        attributes: "; SameSite=Strict",
    },
    SameSiteCookie {
        name: "samesite.lax",
        attributes: "; SameSite=Lax",
    },
    // No attribute: each browser applies its own default (Chromium: Lax, with an
    // exception for top-level POSTs in the two minutes after the cookie was set).
    SameSiteCookie {
        name: "samesite.unset",
        attributes: "",
    },
    // `None` needs `Secure` (RFC 6265bis §5.6.7); browsers take loopback http as secure.
    SameSiteCookie {
        name: "samesite.none",
        attributes: "; SameSite=None; Secure",
    },
];

impl SameSiteCookie {
    /// The `Set-Cookie` value that sets it to `value`: a session cookie on `Path=/`, not
    /// `HttpOnly`, so the page can show whether the browser kept it. Each setting needs a
    /// new `value`: Chromium keeps an overwritten cookie's creation time when the value is
    /// unchanged, and its two minutes for a cookie without SameSite count from that time.
    pub fn set_cookie_line(&self, value: &str) -> String {
        format!("{}={value}; Path=/{}", self.name, self.attributes)
    }

    /// Whether `name` is one of the experiment's four.
    pub fn is_one(name: &str) -> bool {
        COOKIES.iter().any(|cookie| cookie.name == name)
    }
}

/// A kind of request the other site's page sends to the lab's site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A plain link followed: a top-level `GET` navigation.
    Link,
    /// A form submitted: a top-level `POST` navigation.
    Form,
    /// `fetch(…, {credentials: "include"})` from the other site's script.
    Fetch,
    /// An `<img>` on the other site's page.
    Image,
}

impl Via {
    /// Every kind, in the order the lab's table lists them.
    pub const ALL: [Via; 4] = [Via::Link, Via::Form, Via::Fetch, Via::Image];

    /// Its name in URLs and in [`RunBody`]'s lists.
    pub fn key(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::Form => "form",
            Via::Fetch => "fetch",
            Via::Image => "img",
        }
    }

    /// The kind named `key`, if any.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|via| via.key() == key)
    }
}

/// What one request carried, as the server read its `Cookie` header: names only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carried {
    /// The kind of request.
    pub via: Via,
    /// The names of the cookies it carried, in order.
    pub names: Vec<String>,
}

/// `200` body of `GET /api/samesite/runs/{run}`: the requests of one run that reached the
/// server, in the order they arrived. A request missing from it never arrived.
///
/// On the wire a list of lists of strings, each the [`Via::key`] then the names (the page
/// already reads that shape for its saved log, so the decoder costs it nothing more); a
/// list whose first string names no kind is left out.
///
/// ```
/// use crumbs_protocol::samesite::{RunBody, Via};
/// let body: RunBody = serde_json::from_str(r#"[["link","samesite.lax"],["fetch"]]"#).unwrap();
/// assert_eq!(body.names_for(Via::Link), Some(&["samesite.lax".to_owned()][..]));
/// assert_eq!(body.names_for(Via::Fetch), Some(&[][..]));
/// assert_eq!(body.names_for(Via::Image), None);
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"[["link","samesite.lax"],["fetch"]]"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Vec<String>>", into = "Vec<Vec<String>>")]
pub struct RunBody {
    /// One entry per request that arrived (the latest, if one kind came twice).
    pub carried: Vec<Carried>,
}

impl RunBody {
    /// The names `via` carried, or `None` when no such request arrived.
    pub fn names_for(&self, via: Via) -> Option<&[String]> {
        self.carried
            .iter()
            .find(|carried| carried.via == via)
            .map(|carried| carried.names.as_slice())
    }
}

impl From<Vec<Vec<String>>> for RunBody {
    fn from(lists: Vec<Vec<String>>) -> Self {
        let carried = lists
            .into_iter()
            .filter_map(|mut list| {
                let via = Via::from_key(list.first()?)?;
                list.remove(0);
                Some(Carried { via, names: list })
            })
            .collect();
        Self { carried }
    }
}

impl From<RunBody> for Vec<Vec<String>> {
    fn from(body: RunBody) -> Self {
        body.carried
            .into_iter()
            .map(|carried| {
                std::iter::once(carried.via.key().to_owned())
                    .chain(carried.names)
                    .collect()
            })
            .collect()
    }
}

/// The longest run id the server keeps.
pub const MAX_RUN_LEN: usize = 32;

/// Whether `run` can name a run: 1 to [`MAX_RUN_LEN`] ASCII letters, digits or `-`, so
/// it goes into a URL and an HTML page as it is.
pub fn is_run_id(run: &str) -> bool {
    (1..=MAX_RUN_LEN).contains(&run.len())
        && run.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

const HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

/// The origin of `url` (`http://HOST:PORT`) when `url` is a page of this experiment: http,
/// host `127.0.0.1` or `localhost`, a port 1 to 65535 or none, and only characters that are safe as they are
/// in a URL, an HTML attribute and a script string. Anything else is `None`, so the server
/// never sends the tab to another host (no open redirect).
///
/// ```
/// use crumbs_protocol::samesite::lab_origin;
/// assert_eq!(lab_origin("http://127.0.0.1:8080/?backend=server"), Some("http://127.0.0.1:8080"));
/// assert_eq!(lab_origin("http://localhost:3000"), Some("http://localhost:3000"));
/// assert_eq!(lab_origin("http://example.com:80/"), None);
/// assert_eq!(lab_origin("http://127.0.0.1:8080.evil/"), None);
/// assert_eq!(lab_origin("http://127.0.0.1:8080/\"><script>"), None);
/// ```
pub fn lab_origin(url: &str) -> Option<&str> {
    let safe =
        |b: u8| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`');
    if !url.bytes().all(safe) {
        return None;
    }
    let rest = url.strip_prefix("http://")?;
    let host = HOSTS.into_iter().find(|host| {
        rest.strip_prefix(host)
            .is_some_and(|after| after.is_empty() || after.starts_with([':', '/']))
    })?;
    let after_host = &rest[host.len()..];
    // No port (80), or a port 1 to 65535 written plainly.
    let port_len = match after_host.strip_prefix(':') {
        None => 0,
        Some(port) => {
            let digits = port.bytes().take_while(u8::is_ascii_digit).count();
            match port[..digits].parse::<u16>() {
                Ok(number) if number > 0 && !port.starts_with('0') => digits + 1,
                _ => return None,
            }
        }
    };
    let end = "http://".len() + host.len() + port_len;
    match url.as_bytes().get(end) {
        None | Some(b'/') => Some(&url[..end]),
        Some(_) => None,
    }
}

/// The same server under its other loopback name: `http://127.0.0.1:8080` ↔
/// `http://localhost:8080`. `None` when `origin` is neither (with a port 1 to 65535, or
/// none): the whole of `origin` must be what [`lab_origin`] finds in it.
///
/// ```
/// use crumbs_protocol::samesite::other_site;
/// assert_eq!(other_site("http://127.0.0.1:8080").as_deref(), Some("http://localhost:8080"));
/// assert_eq!(other_site("http://localhost:8080").as_deref(), Some("http://127.0.0.1:8080"));
/// assert_eq!(other_site("http://192.168.1.2:8080"), None);
/// ```
pub fn other_site(origin: &str) -> Option<String> {
    let origin = lab_origin(origin).filter(|found| found.len() == origin.len())?;
    let (host, other) = if origin.starts_with("http://127.0.0.1") {
        (HOSTS[0], HOSTS[1])
    } else {
        (HOSTS[1], HOSTS[0])
    };
    let port = &origin["http://".len() + host.len()..];
    Some(format!("http://{other}{port}"))
}

/// `value` percent-encoded for a URL's query: everything but RFC 3986's unreserved
/// characters.
pub fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            encoded.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 15)]));
        }
    }
    encoded
}

/// Where the lab at `origin` sends the tab to start run `run`: the visit page on the other
/// site, told to come home to the lab's own address with the real server chosen
/// (`/?backend=server`, at the panel: `#samesite`). `None` when `origin` is not on
/// `127.0.0.1` or `localhost` (see [`other_site`]).
///
/// ```
/// use crumbs_protocol::samesite::visit_url;
/// assert_eq!(
///     visit_url("http://127.0.0.1:8080", "r1").as_deref(),
///     Some("http://localhost:8080/api/samesite/visit?run=r1&back=http%3A%2F%2F127.0.0.1%3A8080%2F%3Fbackend%3Dserver%23samesite"),
/// );
/// assert_eq!(visit_url("http://example.com", "r1"), None);
/// ```
pub fn visit_url(origin: &str, run: &str) -> Option<String> {
    let other = other_site(origin)?;
    Some(format!(
        "{other}/api/samesite/visit?run={}&back={}",
        encode_query_value(run),
        encode_query_value(&format!("{origin}/?backend=server#samesite"))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_lab_addresses_have_an_origin() {
        let table = [
            ("http://127.0.0.1:8080/", Some("http://127.0.0.1:8080")),
            ("http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
            ("http://localhost:1/a?b=c#d", Some("http://localhost:1")),
            ("https://127.0.0.1:8080/", None),
            ("http://127.0.0.1/", Some("http://127.0.0.1")),
            ("http://localhost", Some("http://localhost")),
            ("http://127.0.0.1:/", None),
            ("http://127.0.0.1:0/", None),
            ("http://127.0.0.1:08080/", None),
            ("http://127.0.0.1:65536/", None),
            ("http://127.0.0.1:65535/", Some("http://127.0.0.1:65535")),
            ("http://127.0.0.1:123456/", None),
            ("http://127.0.0.1.evil/", None),
            ("http://localhostx/", None),
            ("http://127.0.0.1:80@evil.example/", None),
            ("http://localhost.evil.example:80/", None),
            ("http://LOCALHOST:80/", None),
            ("http://127.0.0.1:8080/ space", None),
            ("http://127.0.0.1:8080/é", None),
            ("//127.0.0.1:8080/", None),
            ("", None),
        ];
        for (url, origin) in table {
            assert_eq!(lab_origin(url), origin, "{url}");
        }
    }

    #[test]
    fn the_other_site_of_a_whole_origin_only() {
        for origin in [
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:0",
            "http://127.0.0.1:080",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:",
            "http://127.0.0.1.evil",
            "http://localhostx",
            "https://localhost:1",
        ] {
            assert_eq!(other_site(origin), None, "{origin}");
        }
        assert_eq!(
            other_site("http://localhost:65535").as_deref(),
            Some("http://127.0.0.1:65535")
        );
        assert_eq!(
            other_site("http://127.0.0.1").as_deref(),
            Some("http://localhost")
        );
        assert_eq!(
            other_site("http://localhost:3000").as_deref(),
            Some("http://127.0.0.1:3000")
        );
    }

    #[test]
    fn query_values_keep_only_unreserved_characters() {
        assert_eq!(encode_query_value("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_query_value("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn run_ids_are_short_and_plain() {
        assert!(is_run_id("k3x9-1"));
        assert!(!is_run_id(""));
        assert!(!is_run_id(&"a".repeat(MAX_RUN_LEN + 1)));
        assert!(!is_run_id("a&b"));
        assert!(!is_run_id("é"));
    }

    #[test]
    fn every_kind_of_request_reads_back_from_its_key() {
        for via in Via::ALL {
            assert_eq!(Via::from_key(via.key()), Some(via));
        }
        assert_eq!(Via::from_key("image"), None);
    }

    #[test]
    fn the_cookies_set_lines_name_their_samesite() {
        let lines: Vec<String> = COOKIES.iter().map(|c| c.set_cookie_line("7")).collect();
        assert_eq!(
            lines,
            [
                "samesite.strict=7; Path=/; SameSite=Strict",
                "samesite.lax=7; Path=/; SameSite=Lax",
                "samesite.unset=7; Path=/",
                "samesite.none=7; Path=/; SameSite=None; Secure",
            ]
        );
        assert!(SameSiteCookie::is_one("samesite.none"));
        assert!(!SameSiteCookie::is_one("crumbs.sid"));
    }
}
