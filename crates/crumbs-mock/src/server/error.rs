use thiserror::Error;

use super::StorageError;

/// What can go wrong inside the mock server itself (not the client's fault). Messages
/// start with a capital and say what failed and what is left as it was: the page shows
/// them as they are.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerError {
    /// A change of setting was refused by storage and undone.
    #[error("Nothing changed: {what} could not be saved ({why}).")]
    Save {
        /// The change, as the page names it (“the switch to “Cookie only””).
        what: String,
        /// What storage said; shown in the message, so not also given as its
        /// [`source`](std::error::Error::source) (a report would print it twice).
        why: StorageError,
    },

    /// No randomness for a session id or a signing secret: the server will not make
    /// guessable ones instead.
    #[error("The browser's random number generator is unavailable ({0}): session ids cannot be made safely.")]
    Random(String),
}

/// What the server's fallible operations return.
pub type Result<T> = std::result::Result<T, ServerError>;
