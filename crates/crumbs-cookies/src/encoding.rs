//! Percent-encoding of cookie names and values, byte for byte as js-cookie 3 does it.
//!
//! Matching js-cookie (rather than RFC 6265 §4.1.1's bare `cookie-octet` grammar) is the
//! point: a cookie written by Crumbs must read back correctly in a page that uses
//! js-cookie, and the other way round. js-cookie starts from `encodeURIComponent` and then
//! turns back the characters that RFC 6265 allows in that position, so cookies stay
//! readable in devtools.

/// A set of ASCII bytes, one bit each: the bytes an encoder leaves as they are. Every
/// other byte, and every byte of a non-ASCII character, is written as `%XX`.
type Kept = [u64; 2];

/// `A-Z a-z 0-9` and the bytes of `extra`.
const fn kept(extra: &[u8]) -> Kept {
    let mut set = [0, 0];
    let mut byte = 0u8;
    while byte < 128 {
        if byte.is_ascii_alphanumeric() {
            set[(byte >> 6) as usize] |= 1 << (byte & 63);
        }
        byte += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        set[(extra[i] >> 6) as usize] |= 1 << (extra[i] & 63);
        i += 1;
    }
    set
}

/// What `encodeURIComponent` leaves: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: Kept = kept(b"-_.!~*'()");

/// js-cookie's value writer un-escapes `# $ & + / : < = > ? @ [ ] ^ ` { | }`: they are
/// legal `cookie-octet`s, so only space, `"`, `%`, `,`, `;`, `\`, controls and non-ASCII
/// stay escaped.
const VALUE: Kept = kept(b"-_.!~*'()#$&+/:<=>?@[]^`{|}");

/// js-cookie's name writer un-escapes only `# $ & + ^ ` |` (the other separators of
/// RFC 2616 `token` stay escaped) and additionally escapes `(` and `)`.
const NAME: Kept = kept(b"-_.!~*'#$&+^`|");

/// Written by hand rather than through a percent-encoding crate: its `Display`-based
/// encoder and 768-byte table of escapes cost more Wasm than this whole function, and a
/// cookie is encoded on every write (see `make bench`, "Libraries").
#[inline(never)]
fn percent_encode(text: &str, kept: &Kept) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte < 128 && kept[usize::from(byte >> 6)] >> (byte & 63) & 1 == 1 {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

/// Encodes a cookie name as js-cookie 3 writes it.
///
/// ```
/// assert_eq!(crumbs_cookies::encode_name("a b(c)"), "a%20b%28c%29");
/// ```
pub fn encode_name(name: &str) -> String {
    percent_encode(name, &NAME)
}

/// Encodes a cookie value as js-cookie 3 writes it.
///
/// ```
/// assert_eq!(crumbs_cookies::encode_value("a b;c=d"), "a%20b%3Bc=d");
/// ```
pub fn encode_value(value: &str) -> String {
    percent_encode(value, &VALUE)
}

/// Encodes as JavaScript's `encodeURIComponent` does: what Node's `cookie` module (and
/// so express-session) writes into `Set-Cookie`.
///
/// ```
/// assert_eq!(crumbs_cookies::encode_uri_component("s:a+b/c"), "s%3Aa%2Bb%2Fc");
/// ```
pub fn encode_uri_component(text: &str) -> String {
    percent_encode(text, &URI_COMPONENT)
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
    // Not `contains`, which for bytes brings in the standard library's `memchr`.
    #[allow(clippy::manual_contains)]
    let escaped = bytes.iter().any(|&b| b == b'%');
    if !escaped {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(bytes.len());
    let mut run = Vec::new();
    // `plain` starts the stretch not yet copied; it and `i` only ever stop at a `%` or
    // at the end, so slicing `raw` there always falls between characters.
    let (mut plain, mut i) = (0, 0);
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'%') {
        i += at;
        if escape_at(bytes, i).is_none() {
            i += 1;
            continue;
        }
        out.push_str(&raw[plain..i]);
        let run_start = i;
        run.clear();
        while let Some(byte) = escape_at(bytes, i) {
            run.push(byte);
            i += 3;
        }
        push_run(&mut out, &raw[run_start..i], &run);
        plain = i;
    }
    out.push_str(&raw[plain..]);
    out
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

/// Appends a decoded run: the characters its bytes form as UTF-8, and each byte that is
/// not part of one as its original `%XX` text (three characters of `original` per byte
/// of `run`).
fn push_run(out: &mut String, original: &str, run: &[u8]) {
    let mut at = 0;
    while at < run.len() {
        match utf8_char(&run[at..]) {
            Some((c, len)) => {
                out.push(c);
                at += len;
            }
            None => {
                out.push_str(&original[at * 3..at * 3 + 3]);
                at += 1;
            }
        }
    }
}

/// The character of the well-formed UTF-8 sequence that `bytes` starts with, and its
/// length (as the Unicode Standard's table 3-7 has it: no overlong forms, no surrogates,
/// nothing past U+10FFFF). By hand rather than through `std::str::from_utf8`, whose validator
/// and error type would be a tenth of the cookie layer's Wasm for four lines' worth.
fn utf8_char(bytes: &[u8]) -> Option<(char, usize)> {
    let lead = *bytes.first()?;
    // The sequence's length, and the smallest code point that needs that many bytes.
    let (len, least) = match lead {
        0x00..=0x7f => return Some((char::from(lead), 1)),
        0xc0..=0xdf => (2, 0x80),
        0xe0..=0xef => (3, 0x800),
        0xf0..=0xf7 => (4, 0x1_0000),
        _ => return None,
    };
    let tail = bytes.get(1..len)?;
    if !tail.iter().all(|b| b & 0xc0 == 0x80) {
        return None;
    }
    let first = u32::from(lead) & (0x7f >> len);
    let code = tail
        .iter()
        .fold(first, |code, b| code << 6 | u32::from(b & 0x3f));
    // An overlong form is not UTF-8; `from_u32` refuses surrogates and what is past
    // U+10FFFF.
    if code < least {
        return None;
    }
    Some((char::from_u32(code)?, len))
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

    /// What `decode` must make of `%XX` escapes of `bytes`, from the standard library's
    /// UTF-8 decoder: each valid character decoded, each other byte left as its escape.
    fn decoded_by_std(bytes: &[u8], escapes: &str) -> String {
        let mut expected = String::new();
        let mut at = 0;
        for chunk in bytes.utf8_chunks() {
            expected.push_str(chunk.valid());
            at += chunk.valid().len();
            let invalid = chunk.invalid().len();
            expected.push_str(&escapes[at * 3..(at + invalid) * 3]);
            at += invalid;
        }
        expected
    }

    #[test]
    fn escaped_bytes_decode_as_the_standard_library_reads_utf8() {
        // Every sequence of one or two bytes, and three- and four-byte ones over every
        // lead byte with the continuation bytes at each edge of the ranges that decide
        // validity (overlong forms, surrogates, past U+10FFFF, truncation).
        let edges = [
            0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed,
            0xf0, 0xf4, 0xf5, 0xff,
        ];
        let mut cases: Vec<Vec<u8>> = (0..=0xffff_u32)
            .map(|n| n.to_be_bytes()[2..].to_vec())
            .chain((0..=0xff).map(|b| vec![b]))
            .collect();
        for lead in 0xc0..=0xff {
            for &b in &edges {
                for &c in &edges {
                    cases.push(vec![lead, b, c]);
                    for &d in &edges {
                        cases.push(vec![lead, b, c, d]);
                    }
                }
            }
        }
        for bytes in cases {
            let upper: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
            let lower = upper.to_ascii_lowercase();
            for escapes in [upper, lower] {
                let expected = decoded_by_std(&bytes, &escapes);
                assert_eq!(decode(&escapes), expected, "{escapes}");
                let framed = format!("a%{escapes}%zz");
                assert_eq!(decode(&framed), format!("a%{expected}%zz"), "{framed}");
            }
        }
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
