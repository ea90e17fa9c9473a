//! Base64 with the standard alphabet (RFC 4648 §4): the saved signing secret (padded) and
//! the session cookie's signature (unpadded, as `cookie-signature` writes it).
//!
//! Written here rather than taken from the `base64` crate, whose unrolled engine is a lot
//! of Wasm for two 32-byte values (see `sha256.rs` for what the two cost together).
//! Decoding is that crate's `STANDARD` engine to the letter: it accepts only canonical
//! text, and each malformed input gets the same error, worded the same (the tests compare
//! the two on every short input over a set of telling characters).

use thiserror::Error;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD: u8 = b'=';

/// Why text is not canonical padded base64, as the `base64` crate says it.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub(crate) enum DecodeError {
    /// A character outside the alphabet, or padding where it cannot be: (offset, byte).
    #[error("Invalid symbol {1}, offset {0}.")]
    Byte(usize, u8),
    /// A last group of a single character: the number of characters before padding.
    #[error("Invalid input length: {0}")]
    Length(usize),
    /// A last character whose unused bits are not zero: (offset, byte).
    #[error("Invalid last symbol {1}, offset {0}.")]
    LastSymbol(usize, u8),
    /// Padding missing, or more than the last group needs.
    #[error("Invalid padding")]
    Padding,
}

/// `bytes` in base64, with `=` padding or without.
pub(crate) fn encode(bytes: &[u8], padded: bool) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |acc, (i, &byte)| {
            acc | u32::from(byte) << (16 - 8 * i)
        });
        for i in 0..4 {
            if i <= chunk.len() {
                text.push(char::from(ALPHABET[(group >> (18 - 6 * i) & 63) as usize]));
            } else if padded {
                text.push(char::from(PAD));
            }
        }
    }
    text
}

fn value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The bytes of canonical padded base64 `text`.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let input = text.as_bytes();
    let rem = input.len() % 4;
    // The crate looks at a lone last character before anything else.
    if rem == 1 {
        let last = input[input.len() - 1];
        if last != PAD && value(last).is_none() {
            return Err(DecodeError::Byte(input.len() - 1, last));
        }
    }
    // Every group but the last is four alphabet characters.
    let body = input
        .len()
        .saturating_sub(rem)
        .saturating_sub(if rem == 0 { 4 } else { 0 });
    let mut bytes = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut group = 0u32;
    for (at, &byte) in input[..body].iter().enumerate() {
        let morsel = value(byte).ok_or(DecodeError::Byte(at, byte))?;
        group = group << 6 | u32::from(morsel);
        if at % 4 == 3 {
            bytes.extend_from_slice(&group.to_be_bytes()[1..]);
        }
    }
    // The last group: two to four characters, then padding up to four in all.
    let mut morsels = 0;
    let mut pads = 0;
    let mut first_pad = 0;
    let mut last = 0u8;
    let mut group = 0u32;
    for (offset, &byte) in input[body..].iter().enumerate() {
        let at = body + offset;
        if byte == PAD {
            if offset < 2 {
                return Err(DecodeError::Byte(at, byte));
            }
            if pads == 0 {
                first_pad = at;
            }
            pads += 1;
            continue;
        }
        if pads > 0 {
            return Err(DecodeError::Byte(first_pad, PAD));
        }
        let morsel = value(byte).ok_or(DecodeError::Byte(at, byte))?;
        last = byte;
        group |= u32::from(morsel) << (26 - 6 * morsels);
        morsels += 1;
    }
    if !input.is_empty() && morsels < 2 {
        return Err(DecodeError::Length(body + morsels));
    }
    if (pads + morsels) % 4 != 0 {
        return Err(DecodeError::Padding);
    }
    let whole = morsels * 6 / 8;
    if group & (u32::MAX >> (whole * 8)) != 0 {
        return Err(DecodeError::LastSymbol(body + morsels - 1, last));
    }
    bytes.extend_from_slice(&group.to_be_bytes()[..whole]);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine;

    #[test]
    fn encodes_as_rfc_4648_says() {
        for (bytes, padded, unpadded) in [
            ("", "", ""),
            ("f", "Zg==", "Zg"),
            ("fo", "Zm8=", "Zm8"),
            ("foo", "Zm9v", "Zm9v"),
            ("foob", "Zm9vYg==", "Zm9vYg"),
            ("fooba", "Zm9vYmE=", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(bytes.as_bytes(), true), padded);
            assert_eq!(encode(bytes.as_bytes(), false), unpadded);
            assert_eq!(decode(padded).unwrap(), bytes.as_bytes());
        }
    }

    #[test]
    fn encodes_as_the_base64_crate_does() {
        let bytes: Vec<u8> = (0..=255).rev().collect();
        for len in 0..bytes.len() {
            let bytes = &bytes[..len];
            assert_eq!(encode(bytes, true), STANDARD.encode(bytes));
            assert_eq!(encode(bytes, false), STANDARD_NO_PAD.encode(bytes));
        }
    }

    /// Every input of up to 7 characters drawn from ones that exercise each path (alphabet
    /// characters with and without unused low bits, padding, a character outside the
    /// alphabet), then longer ones around a valid encoding: same bytes or same error.
    #[test]
    fn decodes_and_refuses_exactly_as_the_base64_crate_does() {
        fn same(text: &str) {
            let theirs = STANDARD.decode(text).map_err(|error| error.to_string());
            let ours = decode(text).map_err(|error| error.to_string());
            assert_eq!(ours, theirs, "{text:?}");
        }
        let symbols = [b'A', b'B', b'Q', b'/', b'=', b'!'];
        let mut text = Vec::new();
        for len in 0..=7u32 {
            for mut n in 0..symbols.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(symbols[n % symbols.len()]);
                    n /= symbols.len();
                }
                same(std::str::from_utf8(&text).unwrap());
            }
        }
        let secret = STANDARD.encode((0..32).collect::<Vec<u8>>());
        for at in 0..secret.len() {
            for replacement in ["=", "-", "é", "", "A", "AA", "=="] {
                let mut changed = secret.clone();
                changed.replace_range(at..at + 1, replacement);
                same(&changed);
            }
        }
        for tail in ["", "=", "==", "A", "A=", "AA", "AA=", "AA==", "AAA=", "AAA"] {
            same(&format!("{secret}{tail}"));
        }
    }
}
