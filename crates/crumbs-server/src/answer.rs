//! What every route answers with: JSON bodies, the protocol's errors, and the names of the
//! cookies a request carried.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use crumbs_protocol::api::{ErrorBody, Reason};

/// `body` as JSON with `status`.
pub(crate) fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    (status, Json(body)).into_response()
}

/// The protocol's failure: `{reason, error}` with `status`.
pub(crate) fn error(status: StatusCode, reason: Reason, message: String) -> Response {
    json(
        status,
        &ErrorBody {
            reason,
            error: message,
        },
    )
}

/// The names of the cookies the request carried, in order; never their values. A pair
/// with no `=` has no name (RFC 6265bis) and is left out. The header is read as UTF-8
/// whatever its bytes (a browser sends a name a script wrote as it was written), so one
/// name outside ASCII does not hide the others.
pub fn cookie_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .flat_map(|header| {
            header
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .map(|(name, _)| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}
