//! The real server's transport: each request goes out with `fetch` to the page's own
//! origin, and the browser itself attaches the cookies and stores what `Set-Cookie` says,
//! `HttpOnly` included. The page sees only what `fetch` exposes: the status, the body and
//! the response headers other than `Set-Cookie`. What it cannot see, the notes say, and the
//! names the server says it received (`X-Crumbs-Cookie-Names`) stand in for the `Cookie`
//! header.
//!
//! Reading an answer into an [`Exchange`] is pure ([`exchange_from`], [`unanswered`]) and
//! tested on the host; only [`FetchTransport`] needs a browser.

use crumbs_protocol::api::{ErrorBody, Reason};
use crumbs_protocol::{
    decode_cookie_names, Exchange, Headers, Pending, Request, Response, Transport,
    COOKIE_NAMES_HEADER,
};

/// What the page says when the real server did not answer, as an [`ErrorBody`] sentence
/// (lower-case, to be composed).
pub const NOT_ANSWERING: &str = "the real server did not answer: start it with make serve-server";

/// The stand-in status when `fetch` got no answer at all: the request never reached a
/// server, so nothing else fits as well.
pub const NO_ANSWER_STATUS: u16 = 503;

/// How much of a proxy's own error page a note quotes.
const QUOTED_CHARS: usize = 160;

/// Sends requests to `crumbs-server` with `fetch`, same origin, cookies carried by the
/// browser (`credentials: same-origin`).
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(&self, request: Request) -> Pending<'_> {
        Box::pin(async move {
            match fetch(&request).await {
                Ok(answer) => exchange_from(request, answer),
                Err(why) => unanswered(request, &why),
            }
        })
    }
}

/// An answer as `fetch` hands it to the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The response headers `fetch` exposes, as `(name, value)`: every one but `Set-Cookie`.
    pub headers: Vec<(String, String)>,
    /// The body as text, or why it could not be read.
    pub body: Result<String, String>,
}

// `fetch` through web-sys directly rather than gloo-net's builder: the lab needs only a
// method, headers, a text body and credentials, and gloo-net's URL and query handling,
// global-scope probing and error type cost the page about 3 KB gzip of Wasm and glue. The
// error texts are gloo-net's: a JavaScript `Error`'s own `toString()`.
async fn fetch(request: &Request) -> Result<Answer, String> {
    use js_sys::futures::JsFuture;
    use wasm_bindgen::JsCast;
    use web_sys::{RequestCredentials, RequestInit};

    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    // Same origin is fetch's default for credentials too; said here because the whole
    // lesson rests on the browser attaching the HttpOnly cookie.
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(error_text)?;
    for (name, value) in request.headers.iter() {
        headers.set(name, value).map_err(error_text)?;
    }
    init.set_headers(&headers);
    if !request.body.is_empty() {
        init.set_body(&request.body.as_str().into());
    }
    let window = web_sys::window().ok_or_else(|| "this page has no window".to_owned())?;
    let built =
        web_sys::Request::new_with_str_and_init(&request.path, &init).map_err(error_text)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&built))
        .await
        .map_err(error_text)?
        .unchecked_into();
    let status = response.status();
    // `Headers` iterates as a `Map` does: `[name, value]` pairs, names in lower case.
    let pairs = response.headers().unchecked_into::<js_sys::Map>().entries();
    let mut headers = Vec::new();
    while let Ok(next) = pairs.next() {
        if next.done() {
            break;
        }
        let pair: js_sys::Array = next.value().unchecked_into();
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            headers.push((name, value));
        }
    }
    let body = match response.text() {
        Ok(text) => JsFuture::from(text)
            .await
            .map(|text| text.as_string().unwrap_or_default())
            .map_err(error_text),
        Err(error) => Err(error_text(error)),
    };
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// What a JavaScript exception or rejection says: an `Error`'s `toString()` ("TypeError:
/// Failed to fetch"), any other value as it prints.
fn error_text(error: wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match error.dyn_into::<js_sys::Error>() {
        Ok(error) => error.to_string().into(),
        Err(other) => other.as_string().unwrap_or_else(|| format!("{other:?}")),
    }
}

/// The exchange for an answer `fetch` delivered: the response as the page saw it and notes
/// on what it could not see. A gateway error from the proxy in front of the server (trunk
/// answers `502` when nothing listens behind it) becomes [`NOT_ANSWERING`], with the proxy's
/// own words quoted in a note.
pub fn exchange_from(request: Request, answer: Answer) -> Exchange {
    let mut notes = Vec::new();
    let mut headers = Headers::new();
    for (name, value) in answer.headers {
        headers.push(&name, value);
    }
    let body = answer.body.unwrap_or_else(|why| {
        notes.push(format!("The answer's body could not be read: {why}."));
        String::new()
    });
    let mut response = Response {
        status: answer.status,
        headers,
        body,
    };
    if from_a_proxy(&response) {
        notes.push(format!(
            "This {} came from the proxy in front of the server, not from the server: {}. \
             The body shown is the page's own sentence in its place.",
            response.status,
            quote(&response.body),
        ));
        response.body = not_answering_body();
    }
    notes.push(received_note(&response));
    notes.push(FORBIDDEN_NOTE.to_owned());
    Exchange {
        request,
        response,
        notes,
    }
}

/// The exchange for a request `fetch` got no answer to (the server is down and nothing
/// stands in front of it, or the network failed): a [`NO_ANSWER_STATUS`] stand-in saying
/// so, never a panic.
pub fn unanswered(request: Request, why: &str) -> Exchange {
    let response = Response {
        status: NO_ANSWER_STATUS,
        headers: Headers::new(),
        body: not_answering_body(),
    };
    let notes = vec![format!(
        "No answer came: fetch failed ({}). The {NO_ANSWER_STATUS} shown is the page's own \
         stand-in; no server sent it.",
        why.trim().trim_end_matches('.')
    )];
    Exchange {
        request,
        response,
        notes,
    }
}

/// The names of the cookies the server says the request carried, from
/// [`COOKIE_NAMES_HEADER`]; `None` when the answer does not say (not the real server, or
/// no answer at all).
pub fn received_cookie_names(response: &Response) -> Option<Vec<String>> {
    response
        .headers
        .get(COOKIE_NAMES_HEADER)
        .map(decode_cookie_names)
}

const FORBIDDEN_NOTE: &str = "The browser attached the Cookie header itself and acted on any \
    Set-Cookie in the answer without showing either to this page: both are forbidden headers, \
    kept from page script, so this log cannot show them.";

fn received_note(response: &Response) -> String {
    match received_cookie_names(response) {
        Some(names) if names.is_empty() => {
            format!(
                "The server says this request carried no cookies ({COOKIE_NAMES_HEADER} is empty)."
            )
        }
        Some(names) => format!(
            "The server says this request carried the cookies {} ({COOKIE_NAMES_HEADER}: names \
             only, never values).",
            names.join(", ")
        ),
        None => format!(
            "The answer has no {COOKIE_NAMES_HEADER} header, so the page cannot tell which \
             cookies the browser sent."
        ),
    }
}

/// A gateway status whose body is not the contract's error body: the server never spoke.
fn from_a_proxy(response: &Response) -> bool {
    matches!(response.status, 502..=504)
        && serde_json::from_str::<ErrorBody>(&response.body).is_err()
}

fn not_answering_body() -> String {
    let body = ErrorBody {
        reason: Reason::Internal,
        error: NOT_ANSWERING.to_owned(),
    };
    // Serializing this plain struct cannot fail; an empty body would only hide a bug.
    serde_json::to_string(&body).unwrap_or_default()
}

/// A proxy's error page, shortened and on one line, for a note.
fn quote(body: &str) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "it sent no body".to_owned();
    }
    let mut shown: String = line.chars().take(QUOTED_CHARS).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    format!("“{shown}”")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
        Answer {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: Ok(body.to_owned()),
        }
    }

    fn error_of(exchange: &Exchange) -> ErrorBody {
        serde_json::from_str(&exchange.response.body).expect("an ErrorBody")
    }

    #[test]
    fn an_answer_keeps_every_exposed_header_and_the_body_and_names_the_cookies_received() {
        let body = r#"{"user":"alice","expires_at":1,"how":"a session"}"#;
        let exchange = exchange_from(
            Request::get("/api/session"),
            answer(
                200,
                &[
                    ("content-type", "application/json"),
                    ("x-crumbs-cookie-names", "crumbs.sid, theme"),
                ],
                body,
            ),
        );
        assert_eq!(exchange.summary(), "GET /api/session → 200 OK");
        assert_eq!(exchange.response.body, body);
        assert_eq!(
            exchange.response.headers.get("Content-Type"),
            Some("application/json")
        );
        assert_eq!(
            received_cookie_names(&exchange.response),
            Some(vec!["crumbs.sid".to_owned(), "theme".to_owned()])
        );
        let notes = exchange.notes.join("\n");
        assert!(
            notes.contains("carried the cookies crumbs.sid, theme"),
            "{notes}"
        );
        assert!(
            notes.contains("Cookie header") && notes.contains("Set-Cookie"),
            "says what it cannot show: {notes}"
        );
        assert!(notes.contains("forbidden headers"), "and why: {notes}");
    }

    #[test]
    fn no_cookies_and_no_header_are_told_apart() {
        let none = exchange_from(
            Request::get("/api/session"),
            answer(401, &[("x-crumbs-cookie-names", "")], "{}"),
        );
        assert_eq!(received_cookie_names(&none.response), Some(Vec::new()));
        assert!(
            none.notes[0].contains("carried no cookies"),
            "{:?}",
            none.notes
        );

        let silent = exchange_from(Request::get("/api/session"), answer(404, &[], ""));
        assert_eq!(received_cookie_names(&silent.response), None);
        assert!(
            silent.notes[0].contains("cannot tell which cookies"),
            "{:?}",
            silent.notes
        );
    }

    #[test]
    fn a_proxy_with_nothing_behind_it_reads_as_the_server_not_answering() {
        for status in [502, 503, 504] {
            let exchange = exchange_from(
                Request::post("/api/login", "{}"),
                answer(
                    status,
                    &[("content-type", "text/plain")],
                    "error sending request\n for url (http://127.0.0.1:3000/api/login)",
                ),
            );
            assert_eq!(exchange.response.status, status);
            assert_eq!(error_of(&exchange).error, NOT_ANSWERING);
            let notes = exchange.notes.join("\n");
            assert!(notes.contains("from the proxy"), "{notes}");
            assert!(
                notes.contains("error sending request for url"),
                "quotes the proxy on one line: {notes}"
            );
        }
        // A server's own 5xx with the contract's body stays the server's.
        let own = r#"{"reason":"internal","error":"the store refused the write"}"#;
        let exchange = exchange_from(Request::get("/api/session"), answer(503, &[], own));
        assert_eq!(exchange.response.body, own);
    }

    #[test]
    fn a_long_or_empty_proxy_page_is_quoted_safely() {
        let long = "é".repeat(1000);
        let exchange = exchange_from(Request::get("/api/session"), answer(502, &[], &long));
        let note = &exchange.notes[0];
        assert!(note.contains('…'), "{note}");
        assert!(note.chars().count() < 400, "{note}");
        let empty = exchange_from(Request::get("/api/session"), answer(502, &[], ""));
        assert!(empty.notes[0].contains("sent no body"), "{:?}", empty.notes);
    }

    #[test]
    fn an_unreadable_body_is_a_note_not_a_panic() {
        let mut broken = answer(200, &[], "");
        broken.body = Err("the stream was cut".to_owned());
        let exchange = exchange_from(Request::get("/api/session"), broken);
        assert_eq!(exchange.response.body, "");
        assert!(
            exchange.notes[0].contains("the stream was cut"),
            "{:?}",
            exchange.notes
        );
    }

    #[test]
    fn no_answer_at_all_is_a_stand_in_that_says_how_to_start_the_server() {
        let exchange = unanswered(Request::get("/api/session"), "TypeError: Failed to fetch. ");
        assert_eq!(
            exchange.summary(),
            "GET /api/session → 503 Service Unavailable"
        );
        let error = error_of(&exchange);
        assert_eq!(error.reason, Reason::Internal);
        assert!(error.error.contains("make serve-server"), "{error:?}");
        assert!(
            exchange.notes[0].contains("fetch failed (TypeError: Failed to fetch)")
                && exchange.notes[0].contains("no server sent it"),
            "{:?}",
            exchange.notes
        );
        assert_eq!(received_cookie_names(&exchange.response), None);
    }

    #[test]
    fn no_note_shows_a_backtick() {
        let exchanges = [
            exchange_from(
                Request::get("/"),
                answer(200, &[("x-crumbs-cookie-names", "a")], ""),
            ),
            exchange_from(Request::get("/"), answer(502, &[], "bad gateway")),
            unanswered(Request::get("/"), "offline"),
        ];
        for exchange in exchanges {
            for note in &exchange.notes {
                assert!(!note.contains('`'), "{note}");
            }
        }
    }
}
