//! Session cookie signing exactly as express-session does it (through the
//! `cookie-signature` package): `s:` + id + `.` + base64 HMAC-SHA256 of the id, `=`
//! padding removed.

use super::base64;
use super::sha256::{same_bytes, HmacSha256};

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
    let mac = HmacSha256::new(secret).mac(value.as_bytes());
    format!("s:{value}.{}", base64::encode(&mac, false))
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
    // Unpadded base64 has one spelling for each byte string (unused bits must be zero),
    // so comparing the text is comparing the decoded signature.
    let expected = base64::encode(&HmacSha256::new(secret).mac(value.as_bytes()), false);
    same_bytes(signature.as_bytes(), expected.as_bytes()).then_some(value)
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
