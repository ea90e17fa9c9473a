//! Reading the `document.cookie` string (the `Cookie` header a page sees, RFC 6265 §5.4).

use super::encoding::decode;

/// One cookie as the page sees it: the decoded name and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookiePair {
    /// The name, percent-decoded (empty for a cookie written without `=`).
    pub name: String,
    /// The value, percent-decoded, surrounding quotes removed.
    pub value: String,
}

/// Splits a cookie string into its raw `(name, value)` pairs, in order, nothing decoded.
///
/// Browsers join pairs with `"; "`, but scripts and proxies write `;` alone too, so any
/// whitespace around a pair, name or value is ignored. A pair without `=` is, as
/// RFC 6265bis §5.6 and every current browser treat it, a cookie with an empty name whose
/// value is the whole pair. Value quotes (`"…"`) are removed, as RFC 6265 §4.1.1 allows a
/// quoted `cookie-value`.
///
/// ```
/// use crumbs_cookies::parse_raw;
/// assert_eq!(parse_raw("a=1;b = \"2\"; flag"), vec![("a", "1"), ("b", "2"), ("", "flag")]);
/// ```
pub fn parse_raw(cookie_string: &str) -> Vec<(&str, &str)> {
    // Loops rather than iterator adaptors here and in `parse`: each adaptor chain is code
    // of its own in the Wasm, and these run on every read.
    let mut pairs = Vec::new();
    for pair in split(cookie_string, b';') {
        let pair = trim(pair);
        if pair.is_empty() {
            continue;
        }
        pairs.push(match split_once(pair, b'=') {
            Some((name, value)) => (trim(name), unquote(trim(value))),
            None => ("", pair),
        });
    }
    pairs
}

/// Parses and decodes a cookie string into the cookies a page can read, in order.
///
/// When a name appears twice (two cookies of the same name on different paths or
/// domains), the first one wins: browsers list the cookie with the longest (most specific)
/// path first (RFC 6265 §5.4 step 2), so it is the one meant for this page. A malformed
/// percent sequence is kept as written (see [`decode`]); nothing here can fail.
///
/// ```
/// use crumbs_cookies::parse;
/// let cookies = parse("lang=en; theme=dark%20blue; lang=fr");
/// assert_eq!(cookies.len(), 2);
/// assert_eq!((cookies[0].name.as_str(), cookies[0].value.as_str()), ("lang", "en"));
/// assert_eq!(cookies[1].value, "dark blue");
/// ```
pub fn parse(cookie_string: &str) -> Vec<CookiePair> {
    let raw = parse_raw(cookie_string);
    let mut cookies = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        cookies.push(CookiePair {
            name: decode(name),
            value: decode(value),
        });
    }
    drop_later_duplicates(&mut cookies);
    cookies
}

/// Keeps the first cookie of each name. A set of the names seen costs one cheap hash per
/// cookie, where checking each cookie against all earlier ones would cost n² comparisons:
/// most of the time of reading a jar of 150 cookies.
///
/// The set is a few lines of open addressing over indices rather than a `HashSet`, whose
/// generic table code would be the largest single part of reading cookies in the Wasm
/// (see `make bench`, "Libraries").
fn drop_later_duplicates(cookies: &mut Vec<CookiePair>) {
    if cookies.len() < 2 {
        return;
    }
    // At most half full, so every probe sequence reaches an empty slot.
    let mask = cookies.len().saturating_mul(2).next_power_of_two() - 1;
    const EMPTY: usize = usize::MAX;
    let mut slots = vec![EMPTY; mask + 1];
    // The cookies kept so far are `cookies[..kept]`, in order; the slots index them.
    let mut kept = 0;
    for index in 0..cookies.len() {
        let mut slot = fnv1a(cookies[index].name.as_bytes()) as usize & mask;
        let mut seen = false;
        while slots[slot] != EMPTY {
            if cookies[slots[slot]].name == cookies[index].name {
                seen = true;
                break;
            }
            slot = (slot + 1) & mask;
        }
        if !seen {
            slots[slot] = kept;
            // Everything between `kept` and `index` is a duplicate: moving this cookie
            // down keeps the ones kept in their order.
            cookies.swap(kept, index);
            kept += 1;
        }
    }
    cookies.truncate(kept);
}

/// FNV-1a, 32 bits: names are short, and no outsider chooses them to collide.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// `text` cut at each `separator`, an ASCII byte, as `str::split` would. By hand, as are
/// [`split_once`] and [`trim`]: the standard library's searchers for a `char` pattern
/// (`memchr` and UTF-8 decoding) weigh more in the Wasm than the cookie parser itself,
/// and an ASCII separator needs neither.
pub(crate) fn split(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let (piece, after) = split_once(current, separator)
            .map_or((current, None), |(piece, after)| (piece, Some(after)));
        rest = after;
        Some(piece)
    })
}

/// `text` before and after its first `separator`, an ASCII byte, as `str::split_once`.
pub(crate) fn split_once(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator)?;
    // Both ends of an ASCII byte are character boundaries.
    Some((&text[..at], &text[at + 1..]))
}

/// Without the spaces and tabs around it. On bytes, as both are ASCII: `str::trim_matches`
/// with a `char` predicate decodes UTF-8 on both ends, for more Wasm than this.
pub(crate) fn trim(text: &str) -> &str {
    let is_space = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |last| last + 1);
    &text[start..end]
}

pub(crate) fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(input: &str) -> Vec<(String, String)> {
        parse(input)
            .into_iter()
            .map(|c| (c.name, c.value))
            .collect()
    }

    #[test]
    fn parse_table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("   ", &[]),
            ("a=1", &[("a", "1")]),
            ("a=1; b=2", &[("a", "1"), ("b", "2")]),
            ("a=1;b=2", &[("a", "1"), ("b", "2")]),
            ("a=1 ;  b=2 ; ", &[("a", "1"), ("b", "2")]),
            ("a=1;;b=2", &[("a", "1"), ("b", "2")]),
            ("a = 1", &[("a", "1")]),
            ("a=\"quoted\"", &[("a", "quoted")]),
            ("a=\"", &[("a", "\"")]),
            ("a=\"left", &[("a", "\"left")]),
            ("a=right\"", &[("a", "right\"")]),
            ("a=\"\"", &[("a", "")]),
            ("a=", &[("a", "")]),
            ("a==b=c", &[("a", "=b=c")]),
            ("=v", &[("", "v")]),
            ("flag", &[("", "flag")]),
            ("flag; a=1", &[("", "flag"), ("a", "1")]),
            ("a=1; a=2", &[("a", "1")]),
            ("a=1; %61=2", &[("a", "1")]),
            ("c=%20", &[("c", " ")]),
            ("%28=v", &[("(", "v")]),
            ("c=%E2%82", &[("c", "%E2%82")]),
            (
                "bad=%E0%A4%A; good=yes",
                &[("bad", "%E0%A4%A"), ("good", "yes")],
            ),
            ("n%FF=1; m=2", &[("n%FF", "1"), ("m", "2")]),
            ("tab\t=\tx", &[("tab", "x")]),
        ];
        for (input, expected) in cases {
            let expected: Vec<(String, String)> = expected
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            assert_eq!(pairs(input), expected, "parse({input:?})");
        }
    }

    #[test]
    fn among_many_cookies_the_first_of_each_name_is_kept_in_order() {
        // 150 names, each written three times in a shuffled order (with the values
        // telling which write it was), so names collide in the set and probe past each
        // other.
        let mut written = Vec::new();
        for round in 0..3 {
            for n in 0..150 {
                let name = (n * 7 + round * 31) % 150;
                written.push(format!("n{name}={round}"));
            }
        }
        let mut expected: Vec<(String, String)> = Vec::new();
        for pair in &written {
            let (name, value) = pair.split_once('=').unwrap();
            if !expected.iter().any(|(seen, _)| seen == name) {
                expected.push((name.to_owned(), value.to_owned()));
            }
        }
        assert_eq!(expected.len(), 150);
        assert_eq!(pairs(&written.join("; ")), expected);
    }

    #[test]
    fn raw_pairs_keep_duplicates_and_encoding() {
        assert_eq!(parse_raw("a=%20; a=2"), vec![("a", "%20"), ("a", "2")]);
    }
}
