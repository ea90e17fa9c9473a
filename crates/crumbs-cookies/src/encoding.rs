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
/// assert_eq!(crumbs_cookies::encode_name("a b(c)"), "a%20b%28c%29");
/// ```
pub fn encode_name(name: &str) -> String {
    percent_encode(name.as_bytes(), NAME).to_string()
}

/// Encodes a cookie value as js-cookie 3 writes it.
///
/// ```
/// assert_eq!(crumbs_cookies::encode_value("a b;c=d"), "a%20b%3Bc=d");
/// ```
pub fn encode_value(value: &str) -> String {
    percent_encode(value.as_bytes(), VALUE).to_string()
}

/// Encodes as JavaScript's `encodeURIComponent` does: what Node's `cookie` module (and
/// so express-session) writes into `Set-Cookie`.
///
/// ```
/// assert_eq!(crumbs_cookies::encode_uri_component("s:a+b/c"), "s%3Aa%2Bb%2Fc");
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
/// use crumbs_cookies::decode;
/// assert_eq!(decode("%E2%82%AF%20ok"), "₯ ok");
/// assert_eq!(decode("100%"), "100%");
/// assert_eq!(decode("%E2%82"), "%E2%82");
/// ```
pub fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    if !bytes.contains(&b'%') {
        return raw.to_owned();
    }
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes[i..]
            .iter()
            .position(|&b| b == b'%')
            .map_or(bytes.len(), |at| i + at);
        out.extend_from_slice(&bytes[i..next]);
        i = next;
        if i == bytes.len() {
            break;
        }
        if escape_at(bytes, i).is_none() {
            out.push(b'%');
            i += 1;
            continue;
        }
        let (run_start, decoded_start) = (i, out.len());
        while let Some(byte) = escape_at(bytes, i) {
            out.push(byte);
            i += 3;
        }
        if std::str::from_utf8(&out[decoded_start..]).is_err() {
            let run = out.split_off(decoded_start);
            let mut text = String::new();
            push_run(&mut text, &raw[run_start..i], &run);
            out.extend_from_slice(text.as_bytes());
        }
    }
    // Plain stretches come whole from `raw` and decoded runs were checked: always UTF-8.
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// The byte `%XX` at `i` stands for, if there is one.
fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let high = HEX[*bytes.get(i + 1)? as usize];
    let low = HEX[*bytes.get(i + 2)? as usize];
    (high | low != INVALID).then_some(high << 4 | low)
}

const INVALID: u8 = 0xff;

/// Hex digit values by byte, `INVALID` elsewhere: one load per digit in the hot loop.
const HEX: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Appends a run that is not UTF-8: the parts that are, decoded; the bytes that are not,
/// as their original `%XX` text (three characters per byte of `run`).
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
