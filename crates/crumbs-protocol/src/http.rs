//! Requests and responses as the lab sees them: enough of HTTP to show a person what goes
//! over the wire, and nothing a browser would hide from a page (no bodies as streams, no
//! trailers). The in-page mock answers these directly; a real server's answers are read
//! into them.

use serde::Serialize;

/// The methods the contract uses. The lab only reads (`GET`) and changes (`POST`); more
/// would be dead weight in the page's Wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reads without changing anything: `GET /api/session`.
    Get,
    /// Changes something on the server: `POST /api/login`, `POST /api/logout`.
    Post,
}

impl Method {
    /// The method as it appears on the request line, for the network log.
    ///
    /// ```
    /// use crumbs_protocol::Method;
    /// assert_eq!(Method::Post.as_str(), "POST");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Header fields, in the order they were added. A list rather than a map: `Set-Cookie`
/// comes many times and the log shows headers as sent. Names are compared without regard
/// to case, as HTTP says (RFC 9110 §5.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// No headers.
    ///
    /// ```
    /// assert_eq!(crumbs_protocol::Headers::new().iter().count(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// These headers and one more, for building headers in one expression.
    ///
    /// ```
    /// use crumbs_protocol::Headers;
    /// let headers = Headers::new().with("Content-Type", "application/json");
    /// assert_eq!(headers.get("content-type"), Some("application/json"));
    /// ```
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.push(name, value);
        self
    }

    /// Adds a header after the others; one already there by that name stays (HTTP allows
    /// repeats, and `Set-Cookie` needs them).
    ///
    /// ```
    /// use crumbs_protocol::Headers;
    /// let mut headers = Headers::new();
    /// headers.push("Set-Cookie", "a=1");
    /// headers.push("set-cookie", "b=2");
    /// assert_eq!(headers.get_all("Set-Cookie").count(), 2);
    /// ```
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_owned(), value.into()));
    }

    /// The first value of header `name`, whatever its case.
    ///
    /// ```
    /// use crumbs_protocol::Headers;
    /// let headers = Headers::new().with("Retry-After", "30");
    /// assert_eq!(headers.get("retry-after"), Some("30"));
    /// assert_eq!(headers.get("Allow"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`, in order (`Set-Cookie` may come many times).
    ///
    /// ```
    /// use crumbs_protocol::Headers;
    /// let headers = Headers::new()
    ///     .with("Set-Cookie", "a=1")
    ///     .with("Set-Cookie", "b=2");
    /// assert_eq!(headers.get_all("set-cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header as `(name, value)`, in the order added, names as written.
    ///
    /// ```
    /// use crumbs_protocol::Headers;
    /// let headers = Headers::new().with("Allow", "POST");
    /// assert_eq!(headers.iter().collect::<Vec<_>>(), [("Allow", "POST")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// One request, as the page sends it and the network log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET` or `POST`.
    pub method: Method,
    /// The path and any query, e.g. `/api/session`; the origin is the page's own.
    pub path: String,
    /// What the page set, plus the `Cookie` header once the transport attached it.
    pub headers: Headers,
    /// The body as text (JSON for `POST /api/login`), empty when there is none.
    pub body: String,
}

impl Request {
    /// A `GET` of `path` with no headers and no body.
    ///
    /// ```
    /// use crumbs_protocol::{Method, Request};
    /// let request = Request::get("/api/session");
    /// assert_eq!(request.method, Method::Get);
    /// assert!(request.body.is_empty());
    /// ```
    pub fn get(path: &str) -> Self {
        Self {
            method: Method::Get,
            path: path.to_owned(),
            headers: Headers::new(),
            body: String::new(),
        }
    }

    /// A `POST` of `body` to `path`; a body that is not empty is labelled JSON, the only
    /// kind the contract takes.
    ///
    /// ```
    /// use crumbs_protocol::Request;
    /// let login = Request::post("/api/login", r#"{"username":"alice","password":"wonderland"}"#);
    /// assert_eq!(login.headers.get("Content-Type"), Some("application/json"));
    /// assert_eq!(Request::post("/api/logout", "").headers.get("Content-Type"), None);
    /// ```
    pub fn post(path: &str, body: impl Into<String>) -> Self {
        let body = body.into();
        let headers = if body.is_empty() {
            Headers::new()
        } else {
            Headers::new().with("Content-Type", "application/json")
        };
        Self {
            method: Method::Post,
            path: path.to_owned(),
            headers,
            body,
        }
    }

    /// This request with one more header.
    ///
    /// ```
    /// use crumbs_protocol::Request;
    /// let request = Request::get("/api/session").with_header("Cookie", "crumbs.user=alice");
    /// assert_eq!(request.headers.get("cookie"), Some("crumbs.user=alice"));
    /// ```
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push(name, value);
        self
    }
}

/// One answer, as the server gave it (before the browser acted on its `Set-Cookie`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code: one of those [`reason_phrase`] names.
    pub status: u16,
    /// `Set-Cookie`, `Retry-After`, `WWW-Authenticate`, `Allow`, `Content-Type`.
    pub headers: Headers,
    /// JSON ([`api`](crate::api)'s bodies), or empty for `204`.
    pub body: String,
}

impl Response {
    /// A JSON answer: `body` serialized, labelled `application/json`.
    ///
    /// ```
    /// use crumbs_protocol::api::{ErrorBody, Reason};
    /// use crumbs_protocol::Response;
    /// let answer = Response::json(
    ///     400,
    ///     &ErrorBody { reason: Reason::MalformedBody, error: "the username is empty".into() },
    /// );
    /// assert_eq!(answer.headers.get("Content-Type"), Some("application/json"));
    /// assert_eq!(answer.body, r#"{"reason":"malformed_body","error":"the username is empty"}"#);
    /// ```
    pub fn json(status: u16, body: &impl Serialize) -> Self {
        Self {
            status,
            headers: Headers::new().with("Content-Type", "application/json"),
            // Serializing these plain structs cannot fail; an empty body would only hide a bug.
            body: serde_json::to_string(body).unwrap_or_default(),
        }
    }

    /// An answer with no body and no headers yet, such as logout's `204`.
    ///
    /// ```
    /// use crumbs_protocol::Response;
    /// let answer = Response::empty(204);
    /// assert!(answer.body.is_empty() && answer.headers.iter().next().is_none());
    /// ```
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Headers::new(),
            body: String::new(),
        }
    }

    /// This answer with one more header.
    ///
    /// ```
    /// use crumbs_protocol::Response;
    /// let answer = Response::empty(204).with_header("Set-Cookie", "crumbs.sid=; Max-Age=0");
    /// assert_eq!(answer.headers.get("Set-Cookie"), Some("crumbs.sid=; Max-Age=0"));
    /// ```
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push(name, value);
        self
    }

    /// Every `Set-Cookie` line, in order: what the browser will act on.
    ///
    /// ```
    /// use crumbs_protocol::Response;
    /// let answer = Response::empty(204)
    ///     .with_header("Set-Cookie", "crumbs.sid=; Max-Age=0")
    ///     .with_header("Set-Cookie", "crumbs.user=; Max-Age=0");
    /// assert_eq!(answer.set_cookies().count(), 2);
    /// ```
    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.headers.get_all("Set-Cookie")
    }
}

/// The reason phrase for the statuses the contract answers with; empty for any other, so
/// a log line never shows a phrase the server did not mean.
///
/// ```
/// use crumbs_protocol::reason_phrase;
/// assert_eq!(reason_phrase(429), "Too Many Requests");
/// assert_eq!(reason_phrase(418), "");
/// ```
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}
