use thiserror::Error;

/// What can go wrong inside the mock server itself (not the client's fault).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ServerError {
    /// A change was refused by storage and undone.
    #[error("Nothing changed: localStorage refused to save {what} ({why}).")]
    Save { what: String, why: String },

    #[error("The browser's random number generator is unavailable ({0}): session ids cannot be made safely.")]
    Random(String),
}

pub type Result<T> = std::result::Result<T, ServerError>;
