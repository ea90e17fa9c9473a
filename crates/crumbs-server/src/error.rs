//! What can stop the server from starting or running, each as one line for stderr.

use std::path::PathBuf;

/// Why the server could not start (or stopped): `main` prints it as one line and exits
/// with status 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The key file exists but does not hold exactly 64 bytes.
    #[error(
        "the key file {path} holds {len} bytes where 64 are needed: delete it to make a new key \
         (every session signed with the old one ends) or point --key-file elsewhere"
    )]
    KeyLength {
        /// The key file.
        path: PathBuf,
        /// How many bytes it holds.
        len: u64,
    },
    /// `--key-file` names a directory (or something else that is no file).
    #[error("the key file {path} is {is}: point --key-file at a file (it is made if missing)")]
    KeyNotAFile {
        /// The path given.
        path: PathBuf,
        /// What it is instead: "a directory", "not a regular file".
        is: &'static str,
    },
    /// The key file may be read by its group or by others: anyone who reads it can forge
    /// session cookies.
    #[error(
        "the key file {path} is readable by group or others (mode {mode:o}): anyone who reads \
         it can forge session cookies; run `chmod 600 {path}`"
    )]
    KeyReadableByOthers {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A file or directory could not be read, made or written.
    #[error("{what} {path}: {source}")]
    Io {
        /// What the server was doing, e.g. "cannot create the key file".
        what: &'static str,
        /// The path it was doing it to.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// `--dist` names something that is not a directory.
    #[error("--dist {0} is not a directory: build the lab first (`trunk build --release`) or point --dist at its output")]
    DistNotADirectory(PathBuf),
    /// The operating system had no randomness for a new key.
    #[error("no randomness for a new signing key: {0}")]
    Random(String),
    /// Hashing the demo accounts' passwords failed.
    #[error("cannot hash the demo passwords: {0}")]
    Hash(String),
    /// The SQLite database could not be opened or prepared.
    #[error("cannot open the SQLite database {path}: {reason}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// sqlx's reason.
        reason: String,
    },
    /// `--redis` was given to a build without the `redis` feature.
    #[error(
        "this crumbs-server was built without Redis support: rebuild it with \
         `cargo build -p crumbs-server --features redis`, or drop --redis"
    )]
    RedisNotBuilt,
    /// The Redis URL is malformed or the server did not answer.
    #[error("cannot use Redis at {url}: {reason}")]
    Redis {
        /// The URL given to `--redis`.
        url: String,
        /// The client's reason.
        reason: String,
    },
    /// The address could not be bound (in use, or not this machine's).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address given to `--addr`.
        addr: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
}
