//! Session cookie signing exactly as express-session does it (through the
//! `cookie-signature` package): `s:` + id + `.` + base64 HMAC-SHA256 of the id, `=`
//! padding removed.

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// `s:<value>.<signature>`.
///
/// ```
/// use crumbs_mock::server::sign;
/// // The example from cookie-signature's own tests.
/// assert_eq!(
///     sign("hello", b"tobiiscool"),
///     "s:hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI"
/// );
/// ```
pub fn sign(value: &str, secret: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(value.as_bytes());
    format!(
        "s:{value}.{}",
        STANDARD_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The value inside a signed string, if the signature is the secret's. The comparison
/// takes the same time wherever the signatures differ, so timing reveals nothing.
///
/// ```
/// use crumbs_mock::server::{sign, unsign};
/// let signed = sign("8f3a", b"secret");
/// assert_eq!(unsign(&signed, b"secret"), Some("8f3a"));
/// assert_eq!(unsign(&signed.replace("8f3a", "8f3b"), b"secret"), None, "changed");
/// assert_eq!(unsign(&signed, b"another secret"), None, "signed with another secret");
/// ```
pub fn unsign<'a>(signed: &'a str, secret: &[u8]) -> Option<&'a str> {
    let body = signed.strip_prefix("s:")?;
    let (value, signature) = body.rsplit_once('.')?;
    let signature = STANDARD_NO_PAD.decode(signature).ok()?;
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(value.as_bytes());
    mac.verify_slice(&signature).ok().map(|()| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From cookie-signature's own test suite: `sign('hello', 'tobiiscool')`.
    #[test]
    fn matches_cookie_signature() {
        assert_eq!(
            sign("hello", b"tobiiscool"),
            "s:hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI"
        );
    }

    #[test]
    fn unsign_table() {
        let secret = b"tobiiscool";
        let good = sign("hello", secret);
        assert_eq!(unsign(&good, secret), Some("hello"));
        for bad in [
            "hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI",
            "s:hellx.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI",
            "s:hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QJ",
            "s:hello.",
            "s:hello",
            "s:hello.!!!",
            "",
        ] {
            assert_eq!(unsign(bad, secret), None, "{bad}");
        }
        assert_eq!(unsign(&good, b"another secret"), None);
    }
}
