use thiserror::Error;

/// What can go wrong inside the mock server itself (not the client's fault).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ServerError {
    #[error("the session database could not be saved in localStorage ({0}): free some space for this site, or switch the store to Memory")]
    Save(String),

    #[error("the browser's random number generator is unavailable ({0}): session ids cannot be made safely")]
    Random(String),
}

pub type Result<T> = std::result::Result<T, ServerError>;
