//! The JSON bodies of the API, shared by the servers that write them and the page that
//! reads them, so the two cannot drift apart.

use serde::{Deserialize, Serialize};

/// `POST /api/login` request body. Unknown fields are refused, so a typo such as
/// `"remeber"` is a `400` rather than a silently short session.
///
/// ```
/// use crumbs_protocol::api::LoginRequest;
/// let body: LoginRequest =
///     serde_json::from_str(r#"{"username":"alice","password":"wonderland"}"#).unwrap();
/// assert!(!body.remember, "remember defaults to false");
/// assert!(serde_json::from_str::<LoginRequest>(r#"{"username":"a","password":"b","admin":true}"#).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account name; surrounding blanks are ignored, an empty one is a `400`.
    pub username: String,
    /// Compared with the account's salted hash; never stored or echoed.
    pub password: String,
    /// "Remember me": a persistent cookie (`Max-Age`) and the longer session lifetime.
    #[serde(default)]
    pub remember: bool,
}

impl LoginRequest {
    /// What a body should look like, for the sentences of a `400`.
    pub const EXAMPLE: &'static str =
        r#"{"username": "alice", "password": "…", "remember": false}"#;

    /// Reads a `POST /api/login` body as every backend must: a JSON object (serde would
    /// take an array too, fields by position; the endpoint does not), no unknown field,
    /// and a username that is not blank, returned trimmed. The error is the `400
    /// malformed_body` sentence, starting lower-case, naming what is wrong and showing
    /// [`EXAMPLE`](Self::EXAMPLE), so the mock and the real server say the same.
    ///
    /// ```
    /// use crumbs_protocol::api::LoginRequest;
    /// let read = LoginRequest::from_body(r#"{"username":" alice ","password":"wonderland"}"#).unwrap();
    /// assert_eq!(read.username, "alice");
    /// let refused = LoginRequest::from_body(r#"{"username":"a","password":"b","admin":true}"#);
    /// assert!(refused.unwrap_err().contains("unknown field “admin”"));
    /// assert_eq!(LoginRequest::from_body(r#"["alice","wonderland"]"#).unwrap_err(),
    ///     format!("the body is not a JSON object; send JSON like {}", LoginRequest::EXAMPLE));
    /// ```
    pub fn from_body(body: &str) -> Result<Self, String> {
        let example = Self::EXAMPLE;
        if !body
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('{')
        {
            return Err(format!(
                "the body is not a JSON object; send JSON like {example}"
            ));
        }
        let mut request: Self = serde_json::from_str(body).map_err(|why| {
            format!(
                "the body is not a login request ({}); send JSON like {example}",
                quote_names(&why.to_string())
            )
        })?;
        let username = request.username.trim();
        if username.is_empty() {
            return Err("the username is empty".to_owned());
        }
        request.username = username.to_owned();
        Ok(request)
    }
}

/// `text` with the Markdown-style backticks serde puts around names (`user`) turned into
/// curly quotes (“user”): the pages show messages as plain text.
///
/// ```
/// assert_eq!(crumbs_protocol::api::quote_names("missing field `user`"), "missing field “user”");
/// ```
pub fn quote_names(text: &str) -> String {
    let mut open = true;
    text.chars()
        .map(|c| match c {
            '`' => {
                open = !open;
                if open {
                    '”'
                } else {
                    '“'
                }
            }
            c => c,
        })
        .collect()
}

/// `200` body of `POST /api/login` and `GET /api/session`: who the server thinks you are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBody {
    /// The logged-in user.
    pub user: String,
    /// When the server forgets the session, in milliseconds since the Unix epoch; `None`
    /// when the server keeps no session at all (the cookie-only strategy).
    pub expires_at: Option<crate::Millis>,
    /// How the server decided who you are, in one sentence.
    pub how: String,
}

/// The body of every failure (`400`, `401`, `403`, `404`, `405`, `408`, `413`, `415`, `429`,
/// `500`, `503`): `reason` is a
/// stable code for programs, `error` a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, as a stable code.
    pub reason: Reason,
    /// What went wrong and what to do, in one sentence that starts lower-case (callers
    /// compose it into their own).
    pub error: String,
}

/// Why a request failed, as a stable code (snake_case on the wire).
///
/// A newer server may answer with a reason this version does not know: it reads as
/// [`Reason::Unknown`], so the body (and its sentence for people) is still read. Matches
/// need a wildcard arm, for the same reason.
///
/// ```
/// use crumbs_protocol::api::{ErrorBody, Reason};
/// let body: ErrorBody =
///     serde_json::from_str(r#"{"reason":"some_new_reason","error":"the server says why"}"#)
///         .unwrap();
/// assert_eq!(body.reason, Reason::Unknown);
/// assert_eq!(body.error, "the server says why");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// `400`: the login body is not a JSON object with `username` and `password`, or the
    /// username is empty.
    MalformedBody,
    /// `401`: unknown user or wrong password (the two are not told apart).
    BadCredentials,
    /// `429`: too many failed logins for this name; `Retry-After` says for how long.
    Throttled,
    /// `401`: no login cookie came with the request.
    MissingCookie,
    /// `401`: the session cookie's signature does not match (changed, or signed with an
    /// earlier secret).
    Tampered,
    /// `401`: the signature is good but the server has no such session.
    UnknownSession,
    /// `401`: the session outlived its lifetime on the server.
    Expired,
    /// `404`: no such route.
    NotFound,
    /// `405`: the route exists but takes another method; `Allow` names it.
    MethodNotAllowed,
    /// `413`: the body is larger than [`MAX_BODY_BYTES`](crate::rules::MAX_BODY_BYTES);
    /// the server stopped reading it.
    BodyTooLarge,
    /// `400`: the address's query is not what the route needs (the SameSite experiment's
    /// pages: a run id, a kind of request, the lab's address).
    BadQuery,
    /// `500`: the server could not do its part (storage refused a write, no randomness).
    Internal,
    /// `408`: the request (its body, or the work it asked for) took longer than the
    /// server waits; the connection is closed.
    Timeout,
    /// `503`: the server cannot answer now: its session store does not answer, or it holds
    /// as many connections as it takes, all of them busy. Nothing changed; try again.
    Unavailable,
    /// `403`: a request that changes something (login, logout) came from a page of
    /// another origin (`Origin`, `Sec-Fetch-Site`): refused, as cross-site request forgery.
    CrossOrigin,
    /// `415`: the body is not declared as `application/json` (`Content-Type`); login and
    /// logout take nothing else, so that no plain form or script of another site can send one
    /// without the browser asking first.
    UnsupportedMediaType,
    /// A reason this version of the protocol does not know, from a newer server. Never
    /// sent: it only stands in for an unknown code when reading.
    Unknown,
}

impl Reason {
    /// Every reason, in declaration order.
    pub(crate) const ALL: [Reason; 17] = [
        Reason::MalformedBody,
        Reason::BadCredentials,
        Reason::Throttled,
        Reason::MissingCookie,
        Reason::Tampered,
        Reason::UnknownSession,
        Reason::Expired,
        Reason::NotFound,
        Reason::MethodNotAllowed,
        Reason::BodyTooLarge,
        Reason::BadQuery,
        Reason::Internal,
        Reason::Timeout,
        Reason::Unavailable,
        Reason::CrossOrigin,
        Reason::UnsupportedMediaType,
        Reason::Unknown,
    ];
    /// Their codes, as the serialize derive writes them (a test holds the two together).
    pub(crate) const CODES: [&'static str; 17] = [
        "malformed_body",
        "bad_credentials",
        "throttled",
        "missing_cookie",
        "tampered",
        "unknown_session",
        "expired",
        "not_found",
        "method_not_allowed",
        "body_too_large",
        "bad_query",
        "internal",
        "timeout",
        "unavailable",
        "cross_origin",
        "unsupported_media_type",
        "unknown",
    ];
}

/// Read as `#[derive(Deserialize)]` with `#[serde(other)]` on [`Reason::Unknown`] reads
/// it, through [`variant_index`](crate::unit_enum::variant_index): the page's Wasm then
/// carries one enum reader for all its enums.
impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const UNKNOWN: usize = Reason::ALL.len() - 1;
        let index =
            crate::unit_enum::variant_index(deserializer, "Reason", &Reason::CODES, Some(UNKNOWN))?;
        Ok(Reason::ALL.get(index).copied().unwrap_or(Reason::Unknown))
    }
}

/// `200` body of `GET /api/health`, which only a real server answers: which backend and
/// which session store. The page offers "Real server" when this reads back with
/// `backend` `"server"`.
///
/// ```
/// use crumbs_protocol::api::HealthBody;
/// let body: HealthBody = serde_json::from_str(r#"{"backend":"server","store":"sqlite"}"#).unwrap();
/// assert_eq!(body.backend, "server");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthBody {
    /// `"server"` for crumbs-server.
    pub backend: String,
    /// Where sessions live: `"sqlite"`, `"memory"` or `"redis"`.
    pub store: String,
}

/// `200` body of `GET /api/cookies`, which only a real server answers: the names of the
/// cookies the request carried, in order. Never their values.
///
/// ```
/// use crumbs_protocol::api::CookieNamesBody;
/// let body: CookieNamesBody = serde_json::from_str(r#"{"names":["crumbs.sid","theme"]}"#).unwrap();
/// assert_eq!(body.names, ["crumbs.sid", "theme"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookieNamesBody {
    /// The cookies' names, as the request's `Cookie` header listed them.
    pub names: Vec<String>,
}
