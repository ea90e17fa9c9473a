//! Reading the `document.cookie` string (the `Cookie` header a page sees, RFC 6265 §5.4).

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

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
    cookie_string
        .split(';')
        .map(|pair| pair.trim_matches(is_space))
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (
                name.trim_matches(is_space),
                unquote(value.trim_matches(is_space)),
            ),
            None => ("", pair),
        })
        .collect()
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
    let mut cookies: Vec<CookiePair> = parse_raw(cookie_string)
        .into_iter()
        .map(|(name, value)| CookiePair {
            name: decode(name),
            value: decode(value),
        })
        .collect();
    drop_later_duplicates(&mut cookies);
    cookies
}

/// Keeps the first cookie of each name. A set of the names seen costs one cheap hash per
/// cookie, where checking each cookie against all earlier ones would cost n² comparisons:
/// most of the time of reading a jar of 150 cookies.
fn drop_later_duplicates(cookies: &mut Vec<CookiePair>) {
    if cookies.len() < 2 {
        return;
    }
    let later: Vec<bool> = {
        let mut seen: HashSet<&str, BuildHasherDefault<Fnv1a>> =
            HashSet::with_capacity_and_hasher(cookies.len(), Default::default());
        cookies.iter().map(|c| !seen.insert(&c.name)).collect()
    };
    if later.contains(&true) {
        let mut index = 0;
        cookies.retain(|_| {
            index += 1;
            !later[index - 1]
        });
    }
}

/// FNV-1a: cookie names are short and not attacker-chosen in a way that matters here
/// (the page reads its own jar), so a fast non-keyed hash is the right trade.
#[derive(Default)]
struct Fnv1a(u64);

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn unquote(value: &str) -> &str {
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
    fn raw_pairs_keep_duplicates_and_encoding() {
        assert_eq!(parse_raw("a=%20; a=2"), vec![("a", "%20"), ("a", "2")]);
    }
}
