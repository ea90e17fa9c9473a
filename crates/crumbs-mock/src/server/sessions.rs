//! The session store's contents and how they are saved.

use serde::{Deserialize, Serialize};

use super::throttle::Throttle;
use crumbs_cookies::clock::Millis;
use crumbs_protocol::unit_enum::variant_index;

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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The cookie holds a signed session id; the user lives on the server.
    #[default]
    ServerSession,
    /// The cookie holds the user name itself, unsigned, and is believed.
    CookieOnly,
}

/// Where the server keeps its sessions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// Saved in `localStorage`: survives reloads, like a session database.
    #[default]
    Database,
    /// Lost at every reload, like a server restarted without a database.
    Memory,
}

// Strategy and StoreKind are read as their derive would read them, through the protocol's
// one reader for enums of unit variants (`variant_index`): two fewer enum readers in the
// page's Wasm. A test holds the names to what the serialize derive writes.

const STRATEGY_NAMES: &[&str] = &["server_session", "cookie_only"];

impl<'de> Deserialize<'de> for Strategy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            match variant_index(deserializer, "Strategy", STRATEGY_NAMES, None)? {
                0 => Strategy::ServerSession,
                _ => Strategy::CookieOnly,
            },
        )
    }
}

const STORE_NAMES: &[&str] = &["database", "memory"];

impl<'de> Deserialize<'de> for StoreKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            match variant_index(deserializer, "StoreKind", STORE_NAMES, None)? {
                0 => StoreKind::Database,
                _ => StoreKind::Memory,
            },
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The name tables and the readers' index matches are kept by hand since the readers
    /// are no longer derived: a variant missing from them serializes but does not read
    /// back (saved data would then read as broken). These matches are exhaustive, so a new
    /// variant does not compile here until it has its place, in declaration order.
    #[test]
    fn every_strategy_and_store_has_its_place_in_the_name_tables() {
        fn strategy_place(strategy: Strategy) -> usize {
            match strategy {
                Strategy::ServerSession => 0,
                Strategy::CookieOnly => 1,
            }
        }
        fn store_place(store: StoreKind) -> usize {
            match store {
                StoreKind::Database => 0,
                StoreKind::Memory => 1,
            }
        }
        // Places in declaration order: the last variant's place ends each table.
        assert_eq!(
            strategy_place(Strategy::CookieOnly) + 1,
            STRATEGY_NAMES.len()
        );
        assert_eq!(store_place(StoreKind::Memory) + 1, STORE_NAMES.len());
        for strategy in [Strategy::ServerSession, Strategy::CookieOnly] {
            let text = serde_json::to_string(&strategy).unwrap();
            assert_eq!(
                text,
                format!("\"{}\"", STRATEGY_NAMES[strategy_place(strategy)])
            );
            assert_eq!(serde_json::from_str::<Strategy>(&text).unwrap(), strategy);
        }
        for store in [StoreKind::Database, StoreKind::Memory] {
            let text = serde_json::to_string(&store).unwrap();
            assert_eq!(text, format!("\"{}\"", STORE_NAMES[store_place(store)]));
            assert_eq!(serde_json::from_str::<StoreKind>(&text).unwrap(), store);
        }
    }

    #[test]
    fn strategies_and_stores_read_back_as_written_and_nothing_else() {
        for (strategy, name) in [
            (Strategy::ServerSession, STRATEGY_NAMES[0]),
            (Strategy::CookieOnly, STRATEGY_NAMES[1]),
        ] {
            let text = serde_json::to_string(&strategy).unwrap();
            assert_eq!(text, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<Strategy>(&text).unwrap(), strategy);
        }
        for (store, name) in [
            (StoreKind::Database, STORE_NAMES[0]),
            (StoreKind::Memory, STORE_NAMES[1]),
        ] {
            let text = serde_json::to_string(&store).unwrap();
            assert_eq!(text, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<StoreKind>(&text).unwrap(), store);
        }
        assert_eq!(
            serde_json::from_str::<Strategy>(r#""Cookie_only""#)
                .unwrap_err()
                .to_string(),
            "unknown variant `Cookie_only`, expected `server_session` or `cookie_only` at line 1 \
             column 13"
        );
        assert_eq!(
            serde_json::from_str::<StoreKind>("1")
                .unwrap_err()
                .to_string(),
            "expected value at line 1 column 1"
        );
    }
}
