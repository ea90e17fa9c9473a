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
        fill(bytes).map_err(ServerError::Random)
    }
}

/// `crypto.getRandomValues` called directly, rather than through the `getrandom` crate,
/// whose probing for Node.js and its error texts for every other platform cost the page
/// about 1.5 KB gzip of Wasm and glue. The reasons are getrandom's words for the two
/// failures a page can meet.
#[cfg(target_arch = "wasm32")]
fn fill(bytes: &mut [u8]) -> std::result::Result<(), String> {
    /// The most `getRandomValues` fills in one call.
    const MAX_CALL: usize = 65_536;
    let crypto = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .ok_or_else(|| "Web Crypto API is unavailable".to_owned())?;
    for chunk in bytes.chunks_mut(MAX_CALL) {
        crypto
            .get_random_values_with_u8_array(chunk)
            .map_err(|_| "Calling Web API crypto.getRandomValues failed".to_owned())?;
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn fill(bytes: &mut [u8]) -> std::result::Result<(), String> {
    getrandom::getrandom(bytes).map_err(|error| error.to_string())
}
