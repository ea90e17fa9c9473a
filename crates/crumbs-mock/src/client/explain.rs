//! What the client writes for one `Set-Cookie`, and what it tells the network log about
//! it. Both are pure: the same parsed line and the same observations give the same text,
//! which is what lets a table test pin every sentence the log can show.

use crumbs_cookies::clock::seconds_rounded_up;
use crumbs_cookies::{format_http_date, SetCookie, MAX_NAME_VALUE_BYTES};
use crumbs_protocol::http::Response;

/// What was seen around the script's write of one `Set-Cookie`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The line deletes its cookie (`Max-Age` of zero or less, or an `Expires` already past).
    pub removal: bool,
    /// A cookie of this name could be read before the write.
    pub was_there: bool,
    /// After the write, the page reads this cookie: for a removal, any cookie of the name;
    /// otherwise the name with the value asked for.
    pub present_after: bool,
    /// The page can read cookies on the line's path at all; when it cannot, neither
    /// `was_there` nor `present_after` says anything.
    pub readable: bool,
}

/// The line a page script may write for `cookie`: everything the server asked for but
/// `HttpOnly`, which only a server can set. Each attribute is written the way a browser
/// reads it back, so the jar holds what the browser would have kept. A removal is written
/// as `Max-Age=0`, which removes whatever way the server said it.
pub fn script_line(cookie: &SetCookie<'_>, removal: bool) -> String {
    // `=value` is the nameless cookie RFC 6265bis §5.6 reads, even when the value holds
    // `=` or looks like an attribute (`HttpOnly; Path=/` is such a cookie).
    let mut line = format!("{}={}", cookie.name, cookie.value);
    if removal {
        line.push_str("; Max-Age=0");
    } else {
        if let Some(at) = cookie.expires {
            line.push_str("; Expires=");
            line.push_str(&format_http_date(at));
        }
        if let Some(ms) = cookie.max_age {
            line.push_str(&format!("; Max-Age={}", seconds_rounded_up(ms)));
        }
    }
    if let Some(domain) = &cookie.domain {
        // The parser stripped one leading dot and a browser strips one again: a domain
        // that still starts with one (`Domain=..example.com`) keeps its second dot, so
        // the jar refuses it as a browser would instead of widening it to `example.com`.
        line.push_str("; Domain=");
        if domain.starts_with('.') {
            line.push('.');
        }
        line.push_str(domain);
    }
    if let Some(path) = cookie.path {
        line.push_str("; Path=");
        line.push_str(path);
    }
    if let Some(same_site) = cookie.same_site {
        line.push_str("; SameSite=");
        line.push_str(same_site.as_str());
    }
    if cookie.secure {
        line.push_str("; Secure");
    }
    if cookie.partitioned {
        line.push_str("; Partitioned");
    }
    line
}

/// The cookie as the page reads it back from `document.cookie`: a nameless cookie shows
/// as its value alone.
pub fn as_read_back(cookie: &SetCookie<'_>) -> String {
    if cookie.name.is_empty() {
        cookie.value.to_owned()
    } else {
        format!("{}={}", cookie.name, cookie.value)
    }
}

/// What the network log says about one `Set-Cookie`, in plain words.
pub fn explain(cookie: &SetCookie<'_>, outcome: Outcome) -> Vec<String> {
    let mut notes = explain_named(cookie, outcome);
    // Only where the line was kept or is a deletion: a refused one has said why already.
    if cookie.name.is_empty() && (outcome.present_after || outcome.removal) {
        notes.push(format!(
            "The cookie “{}” has no name: browsers keep such a line as a cookie whose name is \
             empty and send only its value (RFC 6265bis §5.6).",
            cookie.value
        ));
    }
    notes
}

fn explain_named(cookie: &SetCookie<'_>, outcome: Outcome) -> Vec<String> {
    // A nameless cookie is named by what the page reads back: its value.
    let name = if cookie.name.is_empty() {
        cookie.value
    } else {
        cookie.name
    };
    let mut notes = Vec::new();
    let kept = !outcome.removal && (outcome.present_after || !outcome.readable);
    if cookie.http_only && kept {
        let shown = if outcome.readable {
            ", which is why it shows in the cookie table"
        } else {
            ""
        };
        notes.push(format!(
            "The cookie “{name}” asks for HttpOnly: a real browser would hide it from page \
             scripts, so JavaScript (and an attacker's injected script) could never read it. A \
             script cannot set that flag, so Crumbs stores “{name}” without it{shown}."
        ));
    }
    if !outcome.readable {
        // Written, not confirmed: the page cannot read back what the browser did there.
        let path = cookie.path.unwrap_or("/");
        notes.push(if outcome.removal {
            format!(
                "A deletion of “{name}” was written for Path={path}, which this page is not under: \
                 the page cannot read cookies there, so nothing here can show whether it took effect."
            )
        } else {
            format!(
                "The cookie “{name}” was written for Path={path}, which this page is not under: the \
                 page cannot read cookies there, so nothing here can show whether the browser kept it."
            )
        });
        return notes;
    }
    match (outcome.removal, outcome.was_there, outcome.present_after) {
        (true, true, false) => {
            let how = match cookie.max_age {
                Some(ms) => format!("Max-Age={}", seconds_rounded_up(ms)),
                None => "an Expires in the past".to_owned(),
            };
            notes.push(format!("The cookie “{name}” was deleted from the jar ({how})."));
        }
        (true, _, true) => notes.push(match refusal(cookie) {
            Some(reason) => {
                format!(
                    "The browser refused to delete “{name}”, so it is still in the jar: {reason}."
                )
            }
            None => format!(
                "The cookie “{name}” should have been deleted but a “{name}” is still in the jar: one set \
                 on another Path or Domain than this deletion names."
            ),
        }),
        (false, _, false) => notes.push(match refusal(cookie) {
            Some(reason) => format!("The browser did not keep “{name}”: {reason}."),
            None => format!(
                "The browser did not keep “{name}”: it refused the Set-Cookie (a Domain must \
                 contain this page's host and not be a public suffix such as com, Secure \
                 needs an https page or localhost, and a page that is not secure cannot \
                 replace a Secure cookie)."
            ),
        }),
        (true, false, false) | (false, _, true) => {}
    }
    notes
}

/// What the log says about a 401's challenge. RFC 9110 §15.5.2 requires every 401 to
/// carry `WWW-Authenticate`; a browser asks for a password itself only for the schemes it
/// knows, and leaves any other to the page.
pub fn challenge_note(response: &Response) -> Option<String> {
    if response.status != 401 {
        return None;
    }
    let Some(challenge) = response.headers.get("WWW-Authenticate") else {
        return Some(
            "This 401 carries no WWW-Authenticate, which RFC 9110 §15.5.2 requires of every \
             401 so the client learns how to authenticate."
                .to_owned(),
        );
    };
    let scheme = challenge.split([' ', ',']).next().unwrap_or_default();
    let known = ["Basic", "Digest", "Negotiate", "NTLM"]
        .iter()
        .any(|known| known.eq_ignore_ascii_case(scheme));
    Some(if known {
        format!(
            "A real browser would answer this 401's {scheme} challenge (WWW-Authenticate) with \
             its own login dialog; this lab's client does not."
        )
    } else if scheme.eq_ignore_ascii_case("Cookie") {
        "A 401 must say how to authenticate in WWW-Authenticate (RFC 9110 §15.5.2). No scheme \
         is registered for a form login that sets a cookie, so this server names Cookie, from an \
         expired Internet-Draft; browsers do not know it, so they show no login dialog and leave \
         the asking to the page."
            .to_owned()
    } else {
        format!(
            "A 401 must say how to authenticate in WWW-Authenticate (RFC 9110 §15.5.2). This one \
             names {scheme}, a scheme browsers do not know, so they show no login dialog and \
             leave the asking to the page."
        )
    })
}

/// The rules of RFC 6265bis §5.7 that the line alone breaks, whatever the page: why a
/// browser drops it, or refuses it as a deletion.
fn refusal(cookie: &SetCookie<'_>) -> Option<String> {
    let name = cookie.name;
    if name.len().saturating_add(cookie.value.len()) > MAX_NAME_VALUE_BYTES {
        return Some(format!(
            "its name and value are over {MAX_NAME_VALUE_BYTES} bytes"
        ));
    }
    if name.is_empty()
        && (has_prefix(cookie.value, "__Host-") || has_prefix(cookie.value, "__Secure-"))
    {
        return Some(
            "a nameless cookie's value may not start with __Host- or __Secure-, or it would \
             pass for a cookie of that protected name"
                .to_owned(),
        );
    }
    if has_prefix(name, "__Host-")
        && (!cookie.secure || cookie.domain.is_some() || cookie.path != Some("/"))
    {
        return Some(
            "a __Host- cookie, even its deletion, must be Secure, have Path=/ and no Domain"
                .to_owned(),
        );
    }
    if has_prefix(name, "__Secure-") && !cookie.secure {
        return Some("a __Secure- cookie, even its deletion, must be Secure".to_owned());
    }
    if cookie.same_site == Some(crumbs_cookies::SameSite::None) && !cookie.secure {
        return Some("SameSite=None requires Secure".to_owned());
    }
    if cookie.partitioned && !cookie.secure {
        return Some("Partitioned requires Secure".to_owned());
    }
    None
}

/// Browsers match the prefixes without regard to case (RFC 6265bis §5.7 steps 20–21).
fn has_prefix(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crumbs_cookies::parse_set_cookie;

    const HTTP_ONLY: &str = "asks for HttpOnly";

    fn outcome(removal: bool, was_there: bool, present_after: bool, readable: bool) -> Outcome {
        Outcome {
            removal,
            was_there,
            present_after,
            readable,
        }
    }

    #[test]
    fn every_outcome_has_its_own_explanation() {
        // (line, outcome, what each note must contain, in order; nothing for no note)
        let table: &[(&str, Outcome, &[&str])] = &[
            ("a=1", outcome(false, false, true, true), &[]),
            ("a=1", outcome(false, true, true, true), &[]),
            (
                "a=1; HttpOnly",
                outcome(false, false, true, true),
                &[HTTP_ONLY],
            ),
            (
                "a=1; HttpOnly; Path=/x",
                outcome(false, false, false, false),
                &[HTTP_ONLY, "“a” was written for Path=/x, which this page is not under: the page cannot read cookies there, so nothing here can show whether the browser kept it"],
            ),
            (
                "a=1; HttpOnly; Domain=other.org",
                outcome(false, false, false, true),
                &["did not keep “a”: it refused the Set-Cookie (a Domain must contain"],
            ),
            (
                "a=1; SameSite=None",
                outcome(false, false, false, true),
                &["did not keep “a”: SameSite=None requires Secure."],
            ),
            (
                "a=1; Partitioned",
                outcome(false, false, false, true),
                &["did not keep “a”: Partitioned requires Secure."],
            ),
            (
                "__Secure-a=1",
                outcome(false, false, false, true),
                &["did not keep “__Secure-a”: a __Secure- cookie, even its deletion, must be Secure."],
            ),
            (
                "__host-a=1; Secure; Path=/x",
                outcome(false, false, false, true),
                &["did not keep “__host-a”: a __Host- cookie, even its deletion, must be Secure, have Path=/ and no Domain."],
            ),
            // A nameless cookie is named by what the page reads back: its value.
            (
                "flag; HttpOnly",
                outcome(false, false, true, true),
                &["The cookie “flag” asks for HttpOnly", "“flag” has no name"],
            ),
            (
                "=flag; Max-Age=0",
                outcome(true, true, false, true),
                &["The cookie “flag” was deleted from the jar (Max-Age=0).", "“flag” has no name"],
            ),
            (
                "__Host-a; Secure; Path=/",
                outcome(false, false, false, true),
                &["a nameless cookie's value may not start with __Host-"],
            ),
            (
                "a=1; Max-Age=0",
                outcome(true, true, false, true),
                &["The cookie “a” was deleted from the jar (Max-Age=0)."],
            ),
            (
                "a=1; Max-Age=-5; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                outcome(true, true, false, true),
                &["The cookie “a” was deleted from the jar (Max-Age=-5)."],
            ),
            (
                "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly",
                outcome(true, true, false, true),
                &["The cookie “a” was deleted from the jar (an Expires in the past)."],
            ),
            ("a=1; Max-Age=0", outcome(true, false, false, true), &[]),
            (
                "a=1; Max-Age=0",
                outcome(true, true, true, true),
                &["The cookie “a” should have been deleted but a “a” is still in the jar: one set on another Path or Domain"],
            ),
            (
                "__Host-a=; Path=/; Max-Age=0",
                outcome(true, true, true, true),
                &["refused to delete “__Host-a”, so it is still in the jar: a __Host- cookie, even its deletion, must be Secure"],
            ),
            (
                "a=; Max-Age=0; Path=/x",
                outcome(true, false, false, false),
                &["A deletion of “a” was written for Path=/x, which this page is not under: the page cannot read cookies there, so nothing here can show whether it took effect"],
            ),
            (
                &*format!("a={}", "x".repeat(MAX_NAME_VALUE_BYTES)),
                outcome(false, false, false, true),
                &["did not keep “a”: its name and value are over 4096 bytes."],
            ),
        ];
        for (line, outcome, expected) in table {
            let cookie = parse_set_cookie(line).unwrap();
            let notes = explain(&cookie, *outcome);
            assert_eq!(notes.len(), expected.len(), "{line} {outcome:?}: {notes:?}");
            for (note, part) in notes.iter().zip(expected.iter()) {
                assert!(note.contains(part), "{line} {outcome:?}: {note}");
                // The page shows notes as plain text, where Markdown marks are litter.
                assert!(!note.contains('`'), "{line} {outcome:?}: {note}");
                assert!(note.starts_with(char::is_uppercase), "{line}: {note}");
            }
        }
    }

    #[test]
    fn the_script_line_keeps_every_attribute_but_http_only() {
        for (line, removal, written) in [
            ("HttpOnly; Path=/", false, "=HttpOnly; Path=/"),
            ("a=\"x y\"; HttpOnly", false, "a=\"x y\""),
            ("a=1; HttpOnly=yes; Unknown=2; Path=rel", false, "a=1"),
            (
                "s=1; httponly; path=/app; domain=.Example.COM; max-age=60; samesite=strict; \
                 secure; partitioned; expires=21-Oct-2065 07:28:00",
                false,
                "s=1; Expires=Wed, 21 Oct 2065 07:28:00 GMT; Max-Age=60; Domain=example.com; \
                 Path=/app; SameSite=Strict; Secure; Partitioned",
            ),
            (
                "gone=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure",
                true,
                "gone=x; Max-Age=0; Path=/; Secure",
            ),
            // A browser strips one leading dot and refuses what is left: so must the jar.
            (
                "a=1; Domain=..example.com",
                false,
                "a=1; Domain=..example.com",
            ),
        ] {
            let cookie = parse_set_cookie(line).unwrap();
            assert_eq!(script_line(&cookie, removal), written, "{line}");
            let back = parse_set_cookie(written).unwrap();
            assert_eq!(
                (back.name, back.value),
                (cookie.name, cookie.value),
                "{line}: the pair reads back the same"
            );
            assert_eq!(
                (
                    &back.domain,
                    back.path,
                    back.secure,
                    back.same_site,
                    back.partitioned
                ),
                (
                    &cookie.domain,
                    cookie.path,
                    cookie.secure,
                    cookie.same_site,
                    cookie.partitioned
                ),
                "{line}: the attributes read back as the server sent them"
            );
        }
    }
}
