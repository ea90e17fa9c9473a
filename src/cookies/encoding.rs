//! Percent-encoding of cookie names and values, byte for byte as js-cookie 3 does it.
//!
//! Matching js-cookie (rather than RFC 6265 §4.1.1's bare `cookie-octet` grammar) is the
//! point: a cookie written by Crumbs must read back correctly in a page that uses
//! js-cookie, and the other way round. js-cookie starts from `encodeURIComponent` and then
//! turns back the characters that RFC 6265 allows in that position, so cookies stay
//! readable in devtools.

use percent_encoding::{percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What `encodeURIComponent` escapes: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// js-cookie's value writer un-escapes `# $ & + / : < = > ? @ [ ] ^ ` { | }`: they are
/// legal `cookie-octet`s, so only space, `"`, `%`, `,`, `;`, `\`, controls and non-ASCII
/// stay escaped.
const VALUE: &AsciiSet = &URI_COMPONENT
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'/')
    .remove(b':')
    .remove(b'<')
    .remove(b'=')
    .remove(b'>')
    .remove(b'?')
    .remove(b'@')
    .remove(b'[')
    .remove(b']')
    .remove(b'^')
    .remove(b'`')
    .remove(b'{')
    .remove(b'|')
    .remove(b'}');

/// js-cookie's name writer un-escapes only `# $ & + ^ ` |` (the other separators of
/// RFC 2616 `token` stay escaped) and additionally escapes `(` and `)`.
const NAME: &AsciiSet = &URI_COMPONENT
    .add(b'(')
    .add(b')')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'^')
    .remove(b'`')
    .remove(b'|');

/// Encodes a cookie name as js-cookie 3 writes it.
///
/// ```
/// assert_eq!(crumbs::cookies::encode_name("a b(c)"), "a%20b%28c%29");
/// ```
pub fn encode_name(name: &str) -> String {
    percent_encode(name.as_bytes(), NAME).to_string()
}

/// Encodes a cookie value as js-cookie 3 writes it.
///
/// ```
/// assert_eq!(crumbs::cookies::encode_value("a b;c=d"), "a%20b%3Bc=d");
/// ```
pub fn encode_value(value: &str) -> String {
    percent_encode(value.as_bytes(), VALUE).to_string()
}

/// Encodes as JavaScript's `encodeURIComponent` does: what Node's `cookie` module (and
/// so express-session) writes into `Set-Cookie`.
///
/// ```
/// assert_eq!(crumbs::cookies::encode_uri_component("s:a+b/c"), "s%3Aa%2Bb%2Fc");
/// ```
pub fn encode_uri_component(text: &str) -> String {
    percent_encode(text.as_bytes(), URI_COMPONENT).to_string()
}

/// Decodes a name or value as js-cookie 3 reads it: every run of `%XX` sequences is
/// decoded as UTF-8, hex digits in either case, `+` left alone.
///
/// Where js-cookie throws on a malformed run (and so loses the whole cookie), this keeps
/// the bytes that do not form UTF-8 as their original `%XX` text: a stray `%` or a
/// truncated sequence written by another script never hides a cookie.
///
/// ```
/// use crumbs::cookies::decode;
/// assert_eq!(decode("%E2%82%AF%20ok"), "₯ ok");
/// assert_eq!(decode("100%"), "100%");
/// assert_eq!(decode("%E2%82"), "%E2%82");
/// ```
pub fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mut plain_from = 0;
    while i < bytes.len() {
        if !is_escape(bytes, i) {
            i += 1;
            continue;
        }
        out.push_str(&raw[plain_from..i]);
        let run_start = i;
        let mut run = Vec::new();
        while is_escape(bytes, i) {
            run.push(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
            i += 3;
        }
        push_run(&mut out, &raw[run_start..i], &run);
        plain_from = i;
    }
    out.push_str(&raw[plain_from..]);
    out
}

fn is_escape(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&b'%')
        && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
}

fn hex(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

/// Appends a decoded run; `original` is its `%XX` text, three characters per byte.
fn push_run(out: &mut String, original: &str, run: &[u8]) {
    let mut at = 0;
    for chunk in run.utf8_chunks() {
        out.push_str(chunk.valid());
        at += chunk.valid().len();
        let invalid = chunk.invalid().len();
        out.push_str(&original[at * 3..(at + invalid) * 3]);
        at += invalid;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every printable ASCII character, with js-cookie's expected encoding as a value and
    /// as a name (from js-cookie's `test/encoding.js` and its converter's regular
    /// expressions).
    const ASCII: &[(char, &str, &str)] = &[
        (' ', "%20", "%20"),
        ('!', "!", "!"),
        ('"', "%22", "%22"),
        ('#', "#", "#"),
        ('$', "$", "$"),
        ('%', "%25", "%25"),
        ('&', "&", "&"),
        ('\'', "'", "'"),
        ('(', "(", "%28"),
        (')', ")", "%29"),
        ('*', "*", "*"),
        ('+', "+", "+"),
        (',', "%2C", "%2C"),
        ('-', "-", "-"),
        ('.', ".", "."),
        ('/', "/", "%2F"),
        (':', ":", "%3A"),
        (';', "%3B", "%3B"),
        ('<', "<", "%3C"),
        ('=', "=", "%3D"),
        ('>', ">", "%3E"),
        ('?', "?", "%3F"),
        ('@', "@", "%40"),
        ('[', "[", "%5B"),
        ('\\', "%5C", "%5C"),
        (']', "]", "%5D"),
        ('^', "^", "^"),
        ('_', "_", "_"),
        ('`', "`", "`"),
        ('{', "{", "%7B"),
        ('|', "|", "|"),
        ('}', "}", "%7D"),
        ('~', "~", "~"),
    ];

    #[test]
    fn every_printable_ascii_character_encodes_like_js_cookie() {
        for c in (0x20u8..0x7f).map(char::from) {
            let (value, name) = match ASCII.iter().find(|(ch, _, _)| *ch == c) {
                Some((_, value, name)) => (value.to_string(), name.to_string()),
                None => {
                    assert!(c.is_ascii_alphanumeric(), "{c:?} missing from the table");
                    (c.to_string(), c.to_string())
                }
            };
            assert_eq!(encode_value(&c.to_string()), value, "value {c:?}");
            assert_eq!(encode_name(&c.to_string()), name, "name {c:?}");
            assert_eq!(decode(&value), c.to_string(), "decode value {c:?}");
            assert_eq!(decode(&name), c.to_string(), "decode name {c:?}");
        }
    }

    #[test]
    fn multi_byte_utf8_encodes_like_js_cookie() {
        for (text, encoded) in [
            ("ã", "%C3%A3"),
            ("₯", "%E2%82%AF"),
            ("𩸽", "%F0%A9%B8%BD"),
            (";;", "%3B%3B"),
            ("{{", "{{"),
        ] {
            assert_eq!(encode_value(text), encoded);
            assert_eq!(decode(encoded), text);
        }
        assert_eq!(encode_name("(())"), "%28%28%29%29");
    }

    #[test]
    fn decoding_table() {
        for (raw, decoded) in [
            ("plain", "plain"),
            ("", ""),
            ("%c3%a3", "ã"),
            ("a+b", "a+b"),
            ("%", "%"),
            ("%%", "%%"),
            ("%2", "%2"),
            ("%zz", "%zz"),
            ("50%25", "50%"),
            ("%E2%82", "%E2%82"),
            ("x%FFy", "x%FFy"),
            ("%41%FF%42", "A%FFB"),
            ("%F0%A9%B8%BD%F0", "𩸽%F0"),
            ("%E2%82%AF%", "₯%"),
        ] {
            assert_eq!(decode(raw), decoded, "decode({raw:?})");
        }
    }
}
