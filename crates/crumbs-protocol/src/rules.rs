//! The rules every backend keeps alike, so the lab behaves the same whichever answers:
//! the demo accounts, session lifetimes, the login throttle, the body limit.

use crate::Millis;

/// The demo accounts, `(name, password)`: what the page lists so a newcomer can log in.
/// Backends keep only salted hashes of these passwords.
pub const DEMO_ACCOUNTS: &[(&str, &str)] = &[("alice", "wonderland"), ("bob", "builder")];

/// Without "Remember me": the server forgets the session after thirty minutes, and the
/// cookie is a session cookie (no `Max-Age`).
pub const SESSION_MS: Millis = 30 * 60 * 1000;

/// With "Remember me": the session and the cookie's `Max-Age` last seven days.
pub const REMEMBERED_MS: Millis = 7 * 24 * 60 * 60 * 1000;

/// Failed logins for one name before it is locked.
pub const MAX_FAILURES: u32 = 5;

/// How long a locked name stays locked (`429` with `Retry-After`).
pub const LOCKOUT_MS: Millis = 30_000;

/// Failures older than this are forgotten, so a slip a day ago does not count today.
pub const FAILURE_WINDOW_MS: Millis = 15 * 60 * 1000;

/// The largest request body a backend reads: a login body is a few dozen bytes, so more
/// than this is refused with `413` before it is read to the end.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
