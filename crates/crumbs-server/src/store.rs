//! Where sessions live, and what a login keeps in its session.
//!
//! Every store is wrapped in a [`LifetimeStore`], which files each record under the expiry
//! its login says (plus a grace period, so an expired session is answered `expired`). tower-sessions takes the record's expiry from the cookie's setting, and
//! a session cookie (no "Remember me") has none there: left alone, the store would keep
//! such a session for tower-sessions' default of two weeks instead of thirty minutes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use crumbs_protocol::{ceil_seconds, Millis};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::{Expiry, MemoryStore, Session, SessionStore};
use tower_sessions_sqlx_store::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
};
use tower_sessions_sqlx_store::sqlx::Connection;
use tower_sessions_sqlx_store::SqliteStore;

use crate::cli::{Args, StoreArg};
use crate::error::ServerError;

/// The session key a login is kept under.
pub const LOGIN_KEY: &str = "login";

/// What a login keeps in its session. `remember` and `expires_at` are kept here, not only
/// in the session's expiry setting, because tower-sessions does not persist a
/// per-session `set_expiry`: every request that writes must set it again from these, or a
/// remembered login's cookie silently becomes a session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    /// Who logged in.
    pub user: String,
    /// "Remember me": a persistent cookie (`Max-Age`).
    pub remember: bool,
    /// When the server forgets the session, in ms since the Unix epoch.
    pub expires_at: Millis,
}

impl Login {
    /// The cookie's lifetime from `now`: `Max-Age` up to [`expires_at`](Self::expires_at)
    /// (whole seconds, rounded up) with "Remember me", a session cookie without.
    pub fn cookie_expiry(&self, now: Millis) -> Expiry {
        if self.remember {
            let seconds = ceil_seconds(self.expires_at.saturating_sub(now));
            Expiry::OnInactivity(time::Duration::seconds(
                i64::try_from(seconds).unwrap_or(i64::MAX),
            ))
        } else {
            Expiry::OnSessionEnd
        }
    }
}

/// Writes `value` under `key` in `session`, then sets the cookie's expiry again from the
/// session's [`Login`]. Every write goes through here: the expiry a login set is not
/// persisted, and a write without it re-sends the cookie with the layer's default (a
/// session cookie), so "Remember me" would silently shorten.
pub async fn write(
    session: &Session,
    key: &str,
    value: impl Serialize,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(key, value).await?;
    if let Some(login) = session.get::<Login>(LOGIN_KEY).await? {
        session.set_expiry(Some(login.cookie_expiry(now_ms())));
    }
    Ok(())
}

/// Now, in ms since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> Millis {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    Millis::try_from(nanos).unwrap_or(0)
}

/// A store that files every record under its login's `expires_at` plus
/// [`EXPIRED_GRACE_MS`], so the store forgets a session when the server means to,
/// whatever the cookie's setting (and the server can still tell it expired).
///
/// Every call is also bounded by a timeout ([`STORE_TIMEOUT`] unless
/// [`with_timeout`](Self::with_timeout) says otherwise): a store that does not answer (Redis stopped, a
/// database locked) fails the request with a `503` instead of holding it.
#[derive(Clone, Debug)]
pub struct LifetimeStore {
    inner: Arc<dyn SessionStore>,
    timeout: Duration,
}

/// How long a store call may take unless told otherwise: a healthy store answers in
/// milliseconds, and a browser's user gives up on a page after a few seconds.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(2);

impl LifetimeStore {
    /// Wraps `inner`.
    pub fn new(inner: impl SessionStore) -> Self {
        Self {
            inner: Arc::new(inner),
            timeout: STORE_TIMEOUT,
        }
    }

    /// The same store, each call failing after `timeout`.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Asks the store for a session that does not exist, as every request with a cookie
    /// does: an error (or no answer within the timeout) means requests would fail too.
    /// For `/api/health`.
    pub async fn probe(&self) -> session_store::Result<()> {
        self.load(&Id::default()).await.map(|_| ())
    }

    async fn bounded<T>(
        &self,
        call: impl std::future::Future<Output = session_store::Result<T>>,
    ) -> session_store::Result<T> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(session_store::Error::Backend(format!(
                "{} {}",
                NO_ANSWER,
                seconds(self.timeout)
            ))),
        }
    }
}

/// How a store call that timed out starts to read (a `session_store::Error::Backend`).
const NO_ANSWER: &str = "the session store did not answer within";

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// How long past its login's expiry a record is kept. A store that forgot the session
/// exactly at `expires_at` would make the server answer `unknown_session`, never
/// `expired` as the mock does; kept a while longer, the server sees the session is over,
/// says so, and deletes it. An hour bounds what abandoned sessions cost the store.
pub const EXPIRED_GRACE_MS: Millis = 60 * 60 * 1000;

fn file_under_login_expiry(record: &mut Record) {
    let login = record
        .data
        .get(LOGIN_KEY)
        .and_then(|value| serde_json::from_value::<Login>(value.clone()).ok());
    if let Some(login) = login {
        let kept_until = login.expires_at.saturating_add(EXPIRED_GRACE_MS);
        let nanos = i128::from(kept_until).saturating_mul(1_000_000);
        if let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            record.expiry_date = at;
        }
    }
}

#[async_trait]
impl SessionStore for LifetimeStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        file_under_login_expiry(record);
        self.bounded(self.inner.create(record)).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut record = record.clone();
        file_under_login_expiry(&mut record);
        self.bounded(self.inner.save(&record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.bounded(self.inner.load(id)).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.bounded(self.inner.delete(id)).await
    }
}

/// An open session store: the store, its name for `/api/health`, and what the start line
/// says about it.
#[derive(Debug)]
pub struct OpenStore {
    /// The store, wrapped.
    pub store: LifetimeStore,
    /// `"sqlite"`, `"memory"` or `"redis"`.
    pub name: &'static str,
    /// Where sessions live, for the start line.
    pub describe: String,
    /// Work to stop at shutdown (the SQLite pool and its purge task).
    closer: Closer,
}

#[derive(Debug)]
enum Closer {
    None,
    Sqlite {
        pool: SqlitePool,
        purge: tokio::task::JoinHandle<()>,
    },
}

impl OpenStore {
    /// A store in this process's memory, as `--store memory` makes.
    pub fn memory() -> Self {
        Self {
            store: LifetimeStore::new(MemoryStore::default()),
            name: "memory",
            describe: "in memory (a restart forgets them)".to_owned(),
            closer: Closer::None,
        }
    }

    /// Opens the store the command line asks for.
    pub async fn open(args: &Args) -> Result<Self, ServerError> {
        let mut open = if let Some(url) = &args.redis {
            open_redis(url).await?
        } else {
            match args.store {
                StoreArg::Memory => Self::memory(),
                StoreArg::Sqlite => open_sqlite(&args.db).await?,
            }
        };
        open.store = open.store.with_timeout(args.store_timeout);
        Ok(open)
    }

    /// Stops the purge task and closes the database cleanly.
    pub async fn close(self) {
        if let Closer::Sqlite { pool, purge } = self.closer {
            purge.abort();
            pool.close().await;
        }
    }
}

/// The SQLite pool's options: a connection that sqlx still counts inside a transaction
/// once released is closed, not pooled.
///
/// A COMMIT that fails on a full disk (SQLITE_FULL) has already been rolled back by
/// SQLite, but sqlx still counts the transaction open: the ROLLBACK queued when it is
/// dropped fails ("no transaction is active") and the count stays at one. Pooled, that
/// connection's next transaction is a SAVEPOINT, and when its commit fails too, the
/// ROLLBACK TO undoing it leaves a real transaction open, holding the WAL's write lock:
/// every other write waited out the busy timeout and failed "database is locked" until
/// the pool retired the connection, 30 minutes after it was opened, and its own writes,
/// never committed, were lost. Closed, it takes any transaction with it, and the pool
/// opens a fresh connection when one is needed.
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().after_release(|conn, _| {
        Box::pin(async move {
            // First run the rollback a dropped transaction queued, then look.
            conn.ping().await?;
            Ok(!conn.is_in_transaction())
        })
    })
}

async fn open_sqlite(path: &Path) -> Result<OpenStore, ServerError> {
    let failed = |reason: String| ServerError::Sqlite {
        path: path.to_owned(),
        reason,
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ServerError::Io {
            what: "cannot create the database's directory",
            path: PathBuf::from(dir),
            source,
        })?;
    }
    // WAL: readers (every `GET /api/session`) never wait for a login's write. The file
    // gains `-wal` and `-shm` companions while the server runs.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = pool_options()
        .connect_with(options)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let store = SqliteStore::new(pool.clone());
    store.migrate().await.map_err(|e| failed(e.to_string()))?;
    // Expired sessions are never loaded (the store checks expiry at every load); this
    // only keeps the file from growing with abandoned ones.
    let purge = tokio::spawn({
        let store = store.clone();
        async move {
            let _ = store
                .continuously_delete_expired(tokio::time::Duration::from_secs(60))
                .await;
        }
    });
    Ok(OpenStore {
        store: LifetimeStore::new(store),
        name: "sqlite",
        describe: format!("in SQLite at {}", path.display()),
        closer: Closer::Sqlite { pool, purge },
    })
}

#[cfg(feature = "redis")]
async fn open_redis(url: &str) -> Result<OpenStore, ServerError> {
    use tower_sessions_redis_store::fred::prelude::{ClientLike, Config, Pool, ReconnectPolicy};
    use tower_sessions_redis_store::RedisStore;

    let failed = |reason: String| ServerError::Redis {
        url: url.to_owned(),
        reason,
    };
    let config = Config::from_url(url).map_err(|e| failed(e.to_string()))?;
    // Reconnect for ever (0 attempts = no limit), 100 ms to 2 s apart: without a policy a
    // Redis restart left every later request failing until the server restarted. The
    // first connection still fails fast (fred's `fail_fast`, on by default), so a Redis
    // that does not answer at start is an error at once.
    let policy = ReconnectPolicy::new_exponential(0, 100, 2_000, 2);
    let pool = Pool::new(config, None, None, Some(policy), 4).map_err(|e| failed(e.to_string()))?;
    match tokio::time::timeout(std::time::Duration::from_secs(10), pool.init()).await {
        Ok(Ok(_connection_task)) => {}
        Ok(Err(e)) => return Err(failed(e.to_string())),
        Err(_) => return Err(failed("no answer within 10 s".to_owned())),
    }
    Ok(OpenStore {
        store: LifetimeStore::new(RedisStore::new(pool)),
        name: "redis",
        describe: format!("in Redis at {url}"),
        closer: Closer::None,
    })
}

#[cfg(not(feature = "redis"))]
async fn open_redis(_url: &str) -> Result<OpenStore, ServerError> {
    Err(ServerError::RedisNotBuilt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crumbs_protocol::rules::SESSION_MS;

    fn record_for(login: &Login) -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert(LOGIN_KEY.to_owned(), serde_json::to_value(login).unwrap());
        Record {
            id: Id::default(),
            data,
            // What tower-sessions files a session cookie's record under: two weeks.
            expiry_date: OffsetDateTime::now_utc() + time::Duration::weeks(2),
        }
    }

    #[tokio::test]
    async fn a_session_is_filed_under_its_login_expiry_not_the_cookie_setting() {
        let store = LifetimeStore::new(MemoryStore::default());
        let login = Login {
            user: "alice".to_owned(),
            remember: false,
            expires_at: now_ms() + SESSION_MS,
        };
        let mut record = record_for(&login);
        store.create(&mut record).await.unwrap();
        let kept = store.load(&record.id).await.unwrap().unwrap();
        let filed = kept.expiry_date.unix_timestamp_nanos() / 1_000_000;
        assert_eq!(
            filed,
            i128::from(login.expires_at + EXPIRED_GRACE_MS),
            "thirty minutes (and the grace), not two weeks"
        );
    }

    #[tokio::test]
    async fn a_session_past_its_login_expiry_and_the_grace_is_forgotten_by_the_store() {
        let store = LifetimeStore::new(MemoryStore::default());
        let login = Login {
            user: "bob".to_owned(),
            remember: true,
            expires_at: now_ms() - EXPIRED_GRACE_MS - 1,
        };
        let mut record = record_for(&login);
        store.create(&mut record).await.unwrap();
        assert_eq!(store.load(&record.id).await.unwrap(), None);
        // A save files it under the login's expiry too.
        let mut live = record_for(&Login {
            expires_at: now_ms() + SESSION_MS,
            ..login.clone()
        });
        store.create(&mut live).await.unwrap();
        live.data
            .insert(LOGIN_KEY.to_owned(), serde_json::to_value(&login).unwrap());
        store.save(&live).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap(), None);
    }

    /// The state a COMMIT failed on a full disk leaves, injected without one: SQLite
    /// rolls the transaction back behind sqlx's back, so sqlx's own rollback fails.
    #[tokio::test]
    async fn a_connection_left_counted_in_a_transaction_is_closed_not_pooled() {
        use tower_sessions_sqlx_store::sqlx::{Acquire, Executor};

        let dir = std::env::temp_dir().join(format!("crumbs-store-pool-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.join("s.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        // One connection, so the next acquire gets the one released or its replacement.
        let pool = pool_options()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .unwrap();
        let store = SqliteStore::new(pool.clone());
        store.migrate().await.unwrap();

        let mut conn = pool.acquire().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        tx.execute("ROLLBACK").await.unwrap();
        drop(tx);
        drop(conn);

        let mut conn = pool.acquire().await.unwrap();
        assert!(
            !conn.is_in_transaction(),
            "the pool handed out a connection sqlx counts inside a transaction"
        );
        // What that connection did next: a transaction undone (a create that failed).
        let mut tx = conn.begin().await.unwrap();
        tx.execute("insert into tower_sessions values ('x', x'00', 0)")
            .await
            .unwrap();
        drop(tx);
        drop(conn);
        let idle = pool.acquire().await.unwrap();

        // Another connection (another process, say) may write at once: no lock is left.
        let mut other = tower_sessions_sqlx_store::sqlx::SqliteConnection::connect_with(
            &options.busy_timeout(std::time::Duration::from_millis(100)),
        )
        .await
        .unwrap();
        other
            .execute("insert into tower_sessions values ('y', x'00', 0)")
            .await
            .expect("no connection of the pool holds the write lock");
        other.close().await.unwrap();
        drop(idle);
        pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_cookie_lasts_until_the_login_expires_in_whole_seconds_rounded_up() {
        let login = Login {
            user: "alice".to_owned(),
            remember: true,
            expires_at: 10_500,
        };
        assert_eq!(
            login.cookie_expiry(0),
            Expiry::OnInactivity(time::Duration::seconds(11))
        );
        assert_eq!(
            login.cookie_expiry(20_000),
            Expiry::OnInactivity(time::Duration::seconds(0))
        );
        let session_cookie = Login {
            remember: false,
            ..login
        };
        assert_eq!(session_cookie.cookie_expiry(0), Expiry::OnSessionEnd);
    }
}
