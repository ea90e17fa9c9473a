//! The command line, which tests and scripts rely on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

/// `crumbs-server`'s command line. A bad flag is a one-line error and exit status 2.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "crumbs-server",
    version,
    about = "The Crumbs lab's real server: a true HttpOnly session cookie, sessions in SQLite, \
             memory or Redis",
    after_help = "Sessions live in SQLite at --db unless --store memory or --redis is given. \
                  Ctrl-C or SIGTERM stops the server."
)]
pub struct Args {
    /// Where to listen; port 0 picks a free port (the start line tells which).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// A built lab (`trunk build --release` writes `dist/`) to serve beside `/api`, so the
    /// page and the API share one origin; unknown paths get its `index.html`.
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// The SQLite file sessions live in (created, with its directory, if missing).
    #[arg(
        long,
        value_name = "PATH",
        default_value = ".crumbs-server/sessions.db"
    )]
    pub db: PathBuf,
    /// The 64-byte signing key; made once (mode 600) if missing, so restarts and several
    /// instances sign alike.
    #[arg(
        long,
        value_name = "PATH",
        default_value = ".crumbs-server/signing.key"
    )]
    pub key_file: PathBuf,
    /// Where sessions live: `sqlite` (the file at --db) or `memory` (a restart forgets them).
    #[arg(long, value_enum, default_value_t = StoreArg::Sqlite, conflicts_with = "redis")]
    pub store: StoreArg,
    /// Keep sessions in Redis at this URL (e.g. redis://127.0.0.1:6379), so several
    /// instances share them. Needs the `redis` feature.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// How long a request's head may take to arrive, from when the server starts waiting
    /// for it (a keep-alive connection waits from its last answer): `10s`, `500ms`.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub header_timeout: Duration,
    /// How long one request may take, its body and the server's work included (408 after).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub request_timeout: Duration,
    /// How long a connection may sit with no request and no byte arriving before it is
    /// closed.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = duration)]
    pub idle_timeout: Duration,
    /// The most connections held at once; past it the one idle the longest is closed.
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// The largest request head (request line and headers) in bytes; larger is a 431.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024, value_parser = clap::value_parser!(u32).range(1024..=1024 * 1024))]
    pub max_header_bytes: u32,
    /// How long requests in flight may go on after Ctrl-C or SIGTERM; then the rest are
    /// closed.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub shutdown_timeout: Duration,
    /// How long a call to the session store may take before the request is answered 503.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = duration)]
    pub store_timeout: Duration,
}

impl Args {
    /// The connection limits these flags set.
    pub fn limits(&self) -> crate::serve::Limits {
        crate::serve::Limits {
            header_timeout: self.header_timeout,
            request_timeout: self.request_timeout,
            idle_timeout: self.idle_timeout,
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            max_header_bytes: usize::try_from(self.max_header_bytes).unwrap_or(usize::MAX),
            shutdown_timeout: self.shutdown_timeout,
        }
    }
}

/// A duration as humans write it (`10s`, `1m 30s`, `250ms`), more than zero: a zero
/// timeout would close every connection at once.
fn duration(text: &str) -> Result<Duration, String> {
    let parsed = humantime::parse_duration(text)
        .map_err(|e| format!("{e} (write a duration such as 10s or 500ms)"))?;
    if parsed.is_zero() {
        return Err("a timeout of zero would end every request at once".to_owned());
    }
    Ok(parsed)
}

/// The values of `--store`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// A SQLite file (`--db`): sessions outlive a restart.
    Sqlite,
    /// The process's memory: a restart forgets every session.
    Memory,
}
