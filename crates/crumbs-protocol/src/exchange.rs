use crate::http::{reason_phrase, Request, Response};

/// One request and its answer, as the network log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// As sent, with the `Cookie` header the browser attached.
    pub request: Request,
    pub response: Response,
    /// What the browser did with the answer, in plain words.
    pub notes: Vec<String>,
}

impl Exchange {
    /// `POST /api/login → 200 OK`
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

    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.response.set_cookies()
    }
}
