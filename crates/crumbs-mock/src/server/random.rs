use super::{Result, ServerError};

/// A source of unpredictable bytes, for session ids and the signing secret.
pub trait Random {
    /// Fills `bytes` with unpredictable bytes, or says why it cannot: never a weaker source.
    fn fill(&self, bytes: &mut [u8]) -> Result<()>;
}

/// The browser's `crypto.getRandomValues` (the OS generator on the host).
#[derive(Clone, Copy, Debug, Default)]
pub struct CryptoRandom;

impl Random for CryptoRandom {
    fn fill(&self, bytes: &mut [u8]) -> Result<()> {
        getrandom::getrandom(bytes).map_err(|error| ServerError::Random(error.to_string()))
    }
}
