//! The command line, which tests and scripts rely on.

use std::net::SocketAddr;
use std::path::PathBuf;

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
}

/// The values of `--store`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// A SQLite file (`--db`): sessions outlive a restart.
    Sqlite,
    /// The process's memory: a restart forgets every session.
    Memory,
}
