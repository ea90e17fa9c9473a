//! The demo accounts. Only salted PBKDF2-HMAC-SHA256 hashes are kept, as a real server
//! would keep them; the passwords are printed on the page for people to try.

use super::sha256::{pbkdf2_hmac_sha256, same_bytes};

/// What the page lists so a newcomer can log in: the protocol's, so every backend knows
/// the same accounts.
pub use crumbs_protocol::rules::DEMO_ACCOUNTS;

/// PBKDF2 rounds for the demo hashes. Current guidance (OWASP's password storage cheat
/// sheet) asks 600,000 for PBKDF2-HMAC-SHA256; in this page's Wasm that would make every
/// login wait about 0.3 s (`make bench` times a whole mock login, these 4,096 rounds
/// included, at 2–3 ms), so the mock keeps the count low and the page says so next to
/// the demo accounts.
pub const PBKDF2_ROUNDS: u32 = 4096;

/// What current guidance asks for PBKDF2-HMAC-SHA256, for the page to compare against.
pub const RECOMMENDED_PBKDF2_ROUNDS: u32 = 600_000;

struct User {
    name: &'static str,
    salt: [u8; 16],
    hash: [u8; 32],
}

const USERS: &[User] = &[
    User {
        name: "alice",
        salt: hex("c83a9a960a83ba9c446d43460f747dfa"),
        hash: hex("9f6c565f0baec6f537d67be562612add5785470b6848470f93c1f5d45e96cbfa"),
    },
    User {
        name: "bob",
        salt: hex("f7af5a01832d9943aeb678ed0099d442"),
        hash: hex("143bb7f900d96251eed5c5e7365be6683f6baf3d28cbf7581e45f7589bd7f328"),
    },
];

/// Whether `name` is an account, for the throttle to keep accounts' failure counts when
/// its table is full. Answers depend on it only through that eviction: a name whose count
/// survives a flood of made-up names is an account. The lab accepts that small leak so
/// that junk cannot reset a real account's count.
///
/// ```
/// use crumbs_mock::server::users;
/// assert!(users::exists("alice"));
/// assert!(!users::exists("Alice"), "names are compared exactly");
/// ```
pub fn exists(name: &str) -> bool {
    USERS.iter().any(|u| u.name == name)
}

/// Whether `password` is `username`'s. An unknown user costs as much as a known one, so
/// timing does not tell which names exist.
///
/// ```
/// use crumbs_mock::server::users;
/// assert!(users::verify("alice", "wonderland"));
/// assert!(!users::verify("alice", "builder"));
/// assert!(!users::verify("mallory", "wonderland"));
/// ```
pub fn verify(username: &str, password: &str) -> bool {
    let user = USERS.iter().find(|u| u.name == username);
    let salt = user.map_or([0; 16], |u| u.salt);
    let derived = pbkdf2_hmac_sha256(password.as_bytes(), &salt, PBKDF2_ROUNDS);
    let matches = user.map_or([0xff; 32], |u| u.hash);
    let same = same_bytes(&derived, &matches);
    user.is_some() && same
}

const fn hex<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = nibble(bytes[2 * i]) << 4 | nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        _ => digit - b'a' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_accounts_verify_and_nothing_else_does() {
        for (name, password) in DEMO_ACCOUNTS {
            assert!(verify(name, password), "{name}");
        }
        for (name, password) in [
            ("alice", "builder"),
            ("bob", "wonderland"),
            ("alice", ""),
            ("Alice", "wonderland"),
            ("carol", "wonderland"),
            ("", ""),
        ] {
            assert!(!verify(name, password), "{name}/{password}");
        }
    }

    #[test]
    fn only_the_demo_accounts_exist() {
        for (name, _) in DEMO_ACCOUNTS {
            assert!(exists(name), "{name}");
        }
        for name in ["Alice", "carol", "", "alice "] {
            assert!(!exists(name), "{name:?}");
        }
    }
}
