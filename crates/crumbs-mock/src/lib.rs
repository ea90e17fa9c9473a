//! The Crumbs mock backend, inside the page: a server that answers `/api/login`,
//! `/api/session` and `/api/logout` with signed session cookies, a session store in
//! `localStorage` or memory, and login throttling; and a [`Client`] that carries its
//! cookies as a browser would and explains what the browser did with each `Set-Cookie`.
//!
//! Everything reaches the browser through seams ([`Storage`](server::Storage),
//! [`Clock`](crumbs_cookies::clock::Clock), [`Random`](server::Random),
//! [`CookieJar`](crumbs_cookies::CookieJar)), so every rule is tested on the host.

pub mod client;
pub mod server;

pub use client::Client;
pub use server::MockServer;
