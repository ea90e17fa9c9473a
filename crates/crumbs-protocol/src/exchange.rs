use crate::http::{reason_phrase, Request, Response};

/// One request and its answer, as the network log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// As sent, with the `Cookie` header the browser attached.
    pub request: Request,
    /// As the server answered, `Set-Cookie` included (a real browser hides it from the
    /// page; the in-page mock can show it).
    pub response: Response,
    /// What the browser did with the answer, in plain words: a cookie stored, refused,
    /// deleted, or out of the page's reach.
    pub notes: Vec<String>,
}

impl Exchange {
    /// The log's one-line title: method, path, status and reason phrase.
    ///
    /// ```
    /// use crumbs_protocol::{Exchange, Request, Response};
    /// let exchange = Exchange {
    ///     request: Request::post("/api/logout", ""),
    ///     response: Response::empty(204),
    ///     notes: Vec::new(),
    /// };
    /// assert_eq!(exchange.summary(), "POST /api/logout → 204 No Content");
    /// ```
    pub fn summary(&self) -> String {
        format!(
            "{} {} → {} {}",
            self.request.method.as_str(),
            self.request.path,
            self.response.status,
            reason_phrase(self.response.status)
        )
        .trim_end()
        .to_owned()
    }

    /// The answer's `Set-Cookie` lines, in order.
    ///
    /// ```
    /// use crumbs_protocol::{Exchange, Request, Response};
    /// let exchange = Exchange {
    ///     request: Request::post("/api/logout", ""),
    ///     response: Response::empty(204).with_header("Set-Cookie", "crumbs.sid=; Max-Age=0"),
    ///     notes: Vec::new(),
    /// };
    /// assert_eq!(exchange.set_cookies().collect::<Vec<_>>(), ["crumbs.sid=; Max-Age=0"]);
    /// ```
    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.response.set_cookies()
    }
}
