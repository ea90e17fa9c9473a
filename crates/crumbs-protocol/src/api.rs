//! The JSON bodies of the mock endpoint, shared by the server that writes them and the
//! UI that reads them.

use serde::{Deserialize, Serialize};

/// `POST /api/login` request body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub remember: bool,
}

/// `200` body of `POST /api/login` and `GET /api/session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBody {
    pub user: String,
    /// When the server forgets the session; `None` when the server keeps no session at
    /// all (the cookie-only strategy).
    pub expires_at: Option<crate::Millis>,
    /// How the server decided who you are, in one sentence.
    pub how: String,
}

/// Why a request failed: `reason` is a stable code, `error` a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub reason: Reason,
    pub error: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    MalformedBody,
    BadCredentials,
    Throttled,
    MissingCookie,
    Tampered,
    UnknownSession,
    Expired,
    NotFound,
    MethodNotAllowed,
    Internal,
}
