//! Requests and responses as the mock server sees them: enough of HTTP to show a person
//! what goes over the wire.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Header names are compared without regard to case, as HTTP says (RFC 9110 §5.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push((name.to_owned(), value.into()));
        self
    }

    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_owned(), value.into()));
    }

    /// The first value of header `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`, in order (`Set-Cookie` may come many times).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub headers: Headers,
    pub body: String,
}

impl Request {
    pub fn get(path: &str) -> Self {
        Self {
            method: Method::Get,
            path: path.to_owned(),
            headers: Headers::new(),
            body: String::new(),
        }
    }

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

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push(name, value);
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: String,
}

impl Response {
    pub fn json(status: u16, body: &impl Serialize) -> Self {
        Self {
            status,
            headers: Headers::new().with("Content-Type", "application/json"),
            // Serializing these plain structs cannot fail; an empty body would only hide a bug.
            body: serde_json::to_string(body).unwrap_or_default(),
        }
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Headers::new(),
            body: String::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push(name, value);
        self
    }

    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.headers.get_all("Set-Cookie")
    }
}

/// The reason phrase for the statuses the mock answers with.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "",
    }
}
