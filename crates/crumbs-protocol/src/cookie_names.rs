//! The names of the cookies a request carried, as a real server echoes them in
//! [`COOKIE_NAMES_HEADER`]: the page cannot read an `HttpOnly` cookie, nor the `Cookie`
//! header its browser sent (a forbidden header to page script), but it can read what the
//! server says arrived. Names only, never values.

/// The response header a real server puts on every `/api` answer: the names of the
/// cookies the request carried, in order, written by [`encode_cookie_names`]. Absent from
/// the in-page mock's answers (the page sees its own `Cookie` header there).
pub const COOKIE_NAMES_HEADER: &str = "X-Crumbs-Cookie-Names";

/// Writes cookie names for [`COOKIE_NAMES_HEADER`]: joined by `", "`, each with `%`, `,`,
/// blanks, control characters and every byte outside ASCII percent-encoded, so any name a
/// browser sends fits a header value and reads back exactly. No names: an empty string.
///
/// ```
/// use crumbs_protocol::{decode_cookie_names, encode_cookie_names};
/// let names = ["crumbs.sid", "theme", "a,b", "café"];
/// let header = encode_cookie_names(names);
/// assert_eq!(header, "crumbs.sid, theme, a%2Cb, caf%C3%A9");
/// assert_eq!(decode_cookie_names(&header), names);
/// ```
pub fn encode_cookie_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut header = String::new();
    for (index, name) in names.into_iter().enumerate() {
        if index > 0 {
            header.push_str(", ");
        }
        for byte in name.bytes() {
            if byte.is_ascii_graphic() && byte != b'%' && byte != b',' {
                header.push(char::from(byte));
            } else {
                header.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    header
}

/// Reads a [`COOKIE_NAMES_HEADER`] value back into names. Never fails: a `%` not followed
/// by two hex digits is kept as written, and bytes that are not UTF-8 read as U+FFFD, so a
/// server that writes the header another way still shows something.
///
/// ```
/// use crumbs_protocol::decode_cookie_names;
/// assert!(decode_cookie_names("").is_empty());
/// assert_eq!(decode_cookie_names("a, b%20c"), ["a", "b c"]);
/// assert_eq!(decode_cookie_names("100%"), ["100%"]);
/// ```
pub fn decode_cookie_names(header: &str) -> Vec<String> {
    header
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(percent_decode)
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                at += 3;
            }
            None => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_exactly_whatever_they_hold() {
        let cases: &[&[&str]] = &[
            &[],
            &["crumbs.sid"],
            &["a", "b"],
            &["a,b", "c, d", "100%", "%41"],
            &["tab\there", "line\nbreak", "sp ace"],
            &["naïve", "日本", "emoji🍪"],
            &["quote\"d", "semi;colon", "eq=ual"],
        ];
        for names in cases {
            let header = encode_cookie_names(names.iter().copied());
            assert!(
                header.bytes().all(|b| b.is_ascii_graphic() || b == b' '),
                "{header:?} is not a plain header value"
            );
            assert_eq!(decode_cookie_names(&header), *names, "{header:?}");
        }
    }

    #[test]
    fn a_broken_escape_is_kept_as_written() {
        for (header, names) in [
            ("%", vec!["%"]),
            ("%4", vec!["%4"]),
            ("%zz, b", vec!["%zz", "b"]),
            ("%FF", vec!["\u{FFFD}"]),
            (" , ,a", vec!["a"]),
        ] {
            assert_eq!(decode_cookie_names(header), names, "{header:?}");
        }
    }
}
