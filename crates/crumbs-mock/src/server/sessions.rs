//! The session store's contents and how they are saved.

use serde::{Deserialize, Serialize};

use super::throttle::Throttle;
use crumbs_cookies::clock::Millis;

/// One login on the server-session strategy: what the signed id in `crumbs.sid` names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// 128 random bits, as 32 hex digits.
    pub id: String,
    /// Who logged in.
    pub user: String,
    /// When, in milliseconds since the Unix epoch: tells a cookie signed with the current
    /// secret from one signed before it.
    pub created_at: Millis,
    /// When the server forgets it, whatever the cookie says.
    pub expires_at: Millis,
}

/// How the server decides who a request comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The cookie holds a signed session id; the user lives on the server.
    #[default]
    ServerSession,
    /// The cookie holds the user name itself, unsigned, and is believed.
    CookieOnly,
}

/// Where the server keeps its sessions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// Saved in `localStorage`: survives reloads, like a session database.
    #[default]
    Database,
    /// Lost at every reload, like a server restarted without a database.
    Memory,
}

/// Everything the server saves under its one storage key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    /// [`SAVED_VERSION`]: data of another version is set aside, not misread.
    pub version: u32,
    /// The signing secret, base64.
    pub secret: String,
    /// The strategy a new page starts with.
    pub strategy: Strategy,
    /// The store a new page starts with.
    pub store: StoreKind,
    /// The database's sessions, shared by every tab on the Database store. A tab on the
    /// Memory store keeps its own in memory and leaves these to the other tabs, so they
    /// may be present whatever `store` says.
    pub sessions: Vec<Session>,
    /// Failed logins and lockouts, kept beside the sessions (the database's).
    /// Absent from data saved before they were kept, and whenever there are none, so
    /// such data reads the same.
    #[serde(default, skip_serializing_if = "Throttle::is_empty")]
    pub throttle: Throttle,
}

/// The version of [`Saved`] this server writes and reads.
pub const SAVED_VERSION: u32 = 1;
