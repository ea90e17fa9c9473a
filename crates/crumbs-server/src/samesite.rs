//! The SameSite experiment's server side (see `crumbs_protocol::samesite`): set the four
//! cookies, serve the other site's page, note what each of its requests carried, and tell
//! the lab.
//!
//! Runs are kept in this process's memory, bounded: they are a demonstration's
//! by-product, not sessions. Behind a balancer each instance knows only the requests it
//! answered.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use crumbs_protocol::api::Reason;
use crumbs_protocol::samesite::{
    encode_query_value, is_run_id, lab_origin, other_site, Carried, RunBody, SameSiteCookie, Via,
    COOKIES,
};
use serde::Deserialize;

use crate::answer::{cookie_names, error, json};
use crate::store::now_ms;

/// The experiment's part of the server's state: the runs, and the last value its cookies
/// were given.
#[derive(Clone, Debug, Default)]
pub struct Experiment {
    runs: Arc<Mutex<Runs>>,
    last_value: Arc<AtomicI64>,
}

impl Experiment {
    /// A value for the cookies never given before by this process: the time in
    /// milliseconds, or one more than the last if that is not later (two settings in one
    /// millisecond). From the clock, so a restarted server does not hand out its first
    /// values again.
    fn next_value(&self) -> i64 {
        let now = now_ms();
        let mut last = self.last_value.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self.last_value.compare_exchange_weak(
                last,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }

    /// The runs, whatever a request that panicked while holding them left: each record
    /// is a whole entry.
    fn runs(&self) -> std::sync::MutexGuard<'_, Runs> {
        self.runs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How many runs the server remembers; the oldest go first.
pub const MAX_RUNS: usize = 64;

/// What each run's requests carried, newest run last.
#[derive(Debug, Default)]
pub struct Runs {
    runs: VecDeque<(String, RunBody)>,
}

impl Runs {
    /// Notes that `via` of `run` carried `names`; a second request of the same kind
    /// replaces the first.
    pub fn record(&mut self, run: &str, via: Via, names: Vec<String>) {
        let index = match self.runs.iter().position(|(known, _)| known == run) {
            Some(index) => index,
            None => {
                if self.runs.len() >= MAX_RUNS {
                    self.runs.pop_front();
                }
                self.runs.push_back((run.to_owned(), RunBody::default()));
                self.runs.len() - 1
            }
        };
        let Some((_, body)) = self.runs.get_mut(index) else {
            return;
        };
        let carried = Carried { via, names };
        match body.carried.iter_mut().find(|known| known.via == via) {
            Some(known) => *known = carried,
            None => body.carried.push(carried),
        }
    }

    /// The run named `run`, if this server saw any of its requests.
    pub fn get(&self, run: &str) -> Option<&RunBody> {
        self.runs
            .iter()
            .find(|(known, _)| known == run)
            .map(|(_, body)| body)
    }
}

/// `POST /api/samesite/cookies`: `204` with the four cookies, valued with a number never
/// given before (see [`Experiment`]).
pub async fn set_cookies(State(experiment): State<Experiment>) -> Response {
    let value = experiment.next_value().to_string();
    let mut response = StatusCode::NO_CONTENT.into_response();
    for cookie in COOKIES {
        if let Ok(line) = HeaderValue::from_str(&cookie.set_cookie_line(&value)) {
            response.headers_mut().append(SET_COOKIE, line);
        }
    }
    response
}

/// The query of the visit page and of the echo; every field is checked by hand so a
/// wrong one gets a sentence, not the extractor's.
#[derive(Debug, Default, Deserialize)]
pub struct RunQuery {
    run: Option<String>,
    via: Option<String>,
    back: Option<String>,
    step: Option<String>,
}

/// The run id and the lab's address (and its origin) from `query`, or the sentence of
/// the `400` that says what is wrong.
fn run_and_back(query: &RunQuery) -> Result<(&str, &str, &str), String> {
    let Some(run) = query.run.as_deref() else {
        return Err(
            "the address gives no run id (run=…): start the experiment from the lab's \
                    SameSite panel"
                .to_owned(),
        );
    };
    if !is_run_id(run) {
        return Err(format!(
            "the run id “{run}” is not 1 to 32 letters, digits or dashes: start the experiment \
             from the lab's SameSite panel"
        ));
    }
    let Some(back) = query.back.as_deref() else {
        return Err(
            "the address gives no lab address to come back to (back=…): start the \
                    experiment from the lab's SameSite panel"
                .to_owned(),
        );
    };
    let Some(origin) = lab_origin(back) else {
        return Err(format!(
            "the lab's address “{back}” is not on http://127.0.0.1:PORT or \
             http://localhost:PORT, the two names this experiment uses for two sites"
        ));
    };
    Ok((run, back, origin))
}

/// `GET /api/samesite/visit?run=…&back=…[&step=link]`, asked for on the site that is not
/// the lab's: a page that sends the requests to the lab's site. Without `step` it loads an
/// `<img>`, sends a `fetch`, then submits a form; with `step=link` (where the form's
/// answer leads) it follows a link. Each works by hand too, with scripts off.
pub async fn visit(
    query: Result<Query<RunQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(query) = match query {
        Ok(query) => query,
        Err(why) => return bad_request(format!("the address's query cannot be read ({why})")),
    };
    let (run, back, lab) = match run_and_back(&query) {
        Ok(found) => found,
        Err(why) => return bad_request(why),
    };
    // `lab_origin` passed: both are safe in HTML and in a script string as they are.
    let here = other_site(lab).unwrap_or_default();
    let echo = format!("{lab}/api/samesite/echo?run={run}");
    let back_param = encode_query_value(back);
    let body = if query.step.as_deref() == Some("link") {
        format!(
            "<p>The form has been sent. Last, a plain link to the lab's site: following it is \
             a top-level <code>GET</code>, and its answer leads back to the lab.</p>\n\
             <p><a id=\"link\" href=\"{echo}&amp;via=link&amp;back={back_param}\">Follow the \
             link back to the lab</a></p>\n\
             <script>if (!{BACK_FORWARD}) document.getElementById(\"link\").click();</script>"
        )
    } else {
        format!(
            "<ol>\n<li>An image: <img id=\"img\" alt=\"\" width=\"1\" height=\"1\" \
             src=\"{echo}&amp;via=img\"></li>\n\
             <li>A <code>fetch</code> with <code>credentials: \"include\"</code>.</li>\n\
             <li>A form <code>POST</code>: <form id=\"form\" method=\"post\" \
             action=\"{echo}&amp;via=form&amp;back={back_param}\"><button type=\"submit\">Send \
             the form</button></form></li>\n\
             <li>Then a plain link, on the page the form's answer opens.</li>\n</ol>\n\
             <script>\n\
             const img = document.getElementById(\"img\");\n\
             const loaded = new Promise(done => {{ if (img.complete) done(); else img.onload = img.onerror = done; }});\n\
             const fetched = fetch(\"{echo}&via=fetch\", {{credentials: \"include\", mode: \"no-cors\"}}).catch(() => {{}});\n\
             if (!{BACK_FORWARD}) Promise.all([loaded, fetched]).then(() => document.getElementById(\"form\").submit());\n\
             </script>"
        )
    };
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Crumbs — a page on another site</title>\n\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}</style>\n\
         </head>\n<body>\n<main>\n<h1>A page on another site</h1>\n\
         <p>This page comes from <code>{here}</code>. The lab and its four SameSite cookies \
         are on <code>{lab}</code>: to the browser, another site. From here the tab sends \
         requests there, and the server notes which cookies each one carried.</p>\n\
         {body}\n</main>\n</body>\n</html>\n"
    );
    let mut response = (StatusCode::OK, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A script condition: this page was reached with Back or Forward. Its steps then wait for
/// the buttons: the page is not cached (`no-store`), and replaying them would send the
/// tab straight back to the lab (Back could never leave it) and note the run again.
const BACK_FORWARD: &str =
    "((performance.getEntriesByType(\"navigation\")[0] || {}).type === \"back_forward\")";

/// The smallest GIF (1×1, transparent): the `<img>`'s answer, so the page sees it load.
const PIXEL: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";

/// `GET` or `POST /api/samesite/echo?run=…&via=…[&back=…]`: notes the names of the cookies
/// the request carried, then answers as its kind needs: a pixel for the `<img>`, `204` for
/// the `fetch`, and for the two navigations a `303` onwards (the form to the other site's
/// link page, the link home to the lab).
pub async fn echo(
    State(experiment): State<Experiment>,
    headers: HeaderMap,
    query: Result<Query<RunQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(query) = match query {
        Ok(query) => query,
        Err(why) => return bad_request(format!("the address's query cannot be read ({why})")),
    };
    let Some(via_key) = query.via.as_deref() else {
        return bad_request(
            "the address gives no kind of request (via=link, form, fetch or img)".to_owned(),
        );
    };
    let Some(via) = Via::from_key(via_key) else {
        return bad_request(format!(
            "the kind of request “{via_key}” is not one this experiment sends: link, form, \
             fetch or img"
        ));
    };
    let run = query.run.as_deref().unwrap_or_default();
    if !is_run_id(run) {
        return bad_request(format!(
            "the run id “{run}” is not 1 to 32 letters, digits or dashes (run=…)"
        ));
    }
    // Where a navigation goes next, checked before anything is noted.
    let next = match via {
        Via::Image | Via::Fetch => None,
        Via::Form | Via::Link => match run_and_back(&query) {
            Ok((run, back, lab)) => Some(match via {
                Via::Form => format!(
                    "{}/api/samesite/visit?run={run}&back={}&step=link",
                    other_site(lab).unwrap_or_default(),
                    encode_query_value(back)
                ),
                _ => back.to_owned(),
            }),
            Err(why) => return bad_request(why),
        },
    };
    // Only the experiment's four, each once: what a run keeps cannot grow with the
    // Cookie header.
    let mut names: Vec<String> = Vec::new();
    for name in cookie_names(&headers) {
        if SameSiteCookie::is_one(&name) && !names.contains(&name) {
            names.push(name);
        }
    }
    experiment.runs().record(run, via, names);
    let mut response = match (via, next) {
        (Via::Image, _) => ([(CONTENT_TYPE, "image/gif")], PIXEL).into_response(),
        (_, Some(next)) => match HeaderValue::from_str(&next) {
            Ok(location) => {
                let mut response = StatusCode::SEE_OTHER.into_response();
                response.headers_mut().insert(LOCATION, location);
                response
            }
            Err(_) => bad_request("the lab's address cannot go in a header".to_owned()),
        },
        _ => StatusCode::NO_CONTENT.into_response(),
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/samesite/runs/{run}`: what the run's requests carried ([`RunBody`]), or `404`.
pub async fn run_report(State(experiment): State<Experiment>, Path(run): Path<String>) -> Response {
    let body = experiment.runs().get(&run).cloned();
    match body {
        Some(body) => json(StatusCode::OK, &body),
        None => error(
            StatusCode::NOT_FOUND,
            Reason::NotFound,
            format!(
                "this server saw no request of the run “{run}”: none arrived, or the server \
                 restarted, or another instance answered them (runs are kept in each \
                 instance's memory)"
            ),
        ),
    }
}

fn bad_request(message: String) -> Response {
    error(StatusCode::BAD_REQUEST, Reason::BadQuery, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_run_keeps_the_latest_request_of_each_kind_in_arrival_order() {
        let mut runs = Runs::default();
        runs.record("r", Via::Image, names(&["a"]));
        runs.record("r", Via::Link, names(&["b"]));
        runs.record("r", Via::Image, names(&[]));
        let body = runs.get("r").unwrap();
        assert_eq!(body.names_for(Via::Image), Some(&[][..]));
        assert_eq!(body.names_for(Via::Link), Some(&names(&["b"])[..]));
        assert_eq!(body.carried[0].via, Via::Image);
        assert_eq!(runs.get("other"), None);
    }

    #[test]
    fn the_oldest_run_goes_first_past_the_limit() {
        let mut runs = Runs::default();
        for n in 0..=MAX_RUNS {
            runs.record(&format!("r{n}"), Via::Fetch, Vec::new());
        }
        assert_eq!(runs.get("r0"), None);
        assert!(runs.get("r1").is_some());
        assert!(runs.get(&format!("r{MAX_RUNS}")).is_some());
    }
}
