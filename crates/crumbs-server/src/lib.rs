#![doc = include_str!("../README.md")]
#![deny(missing_docs, missing_debug_implementations)]

mod answer;
pub mod app;
pub mod cli;
pub mod error;
pub mod keyfile;
pub mod passwords;
pub mod samesite;
pub mod serve;
pub mod store;
pub mod throttle;

use std::io::Write;

use tokio::net::TcpListener;

pub use app::{router, AppState};
pub use cli::{Args, StoreArg};
pub use error::ServerError;
pub use store::{LifetimeStore, Login, OpenStore};

/// Starts the server as `args` say, prints the start line (`crumbs-server: serving
/// http://HOST:PORT/ with sessions …`) on stdout, and serves until Ctrl-C or SIGTERM.
/// Everything that can go wrong at start (paths, key, store, address) is an error here,
/// before the line is printed.
pub async fn run(args: Args) -> Result<(), ServerError> {
    // Before anything touches the disk: a flag this build cannot honour changes nothing.
    if args.redis.is_some() && !cfg!(feature = "redis") {
        return Err(ServerError::RedisNotBuilt);
    }
    if let Some(dist) = &args.dist {
        if !dist.is_dir() {
            return Err(ServerError::DistNotADirectory(dist.clone()));
        }
    }
    let key = keyfile::load_or_create(&args.key_file)?;
    // Hashing is CPU work: off the runtime's worker threads, like every check after it.
    let passwords = tokio::task::spawn_blocking(passwords::Passwords::hash_demo_accounts)
        .await
        .map_err(|e| ServerError::Hash(e.to_string()))??;
    let store = OpenStore::open(&args).await?;
    let listener = listen(args.addr).map_err(|source| ServerError::Bind {
        addr: args.addr.to_string(),
        source,
    })?;
    let local = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: args.addr.to_string(),
        source,
    })?;
    let state = AppState::new(key, passwords, store.name);
    let app = router(state, store.store.clone(), args.dist.as_deref());

    let mut stdout = std::io::stdout();
    // Tests and scripts wait for this line (or poll /api/health); a closed stdout must
    // not stop the server.
    let _ = writeln!(
        stdout,
        "crumbs-server: serving http://{local}/ with sessions {}",
        store.describe
    );
    let _ = stdout.flush();

    serve::serve(listener, app, args.limits(), shutdown_signal()).await;
    store.close().await;
    Ok(())
}

/// How many connections the kernel may queue before the server accepts them (Linux caps
/// it at `net.core.somaxconn`, 4096 by default). `TcpListener::bind`'s 1024 is soon full
/// in a burst, and a client whose connection finds it full waits a second or more for
/// its retry, however fast the server accepts.
const BACKLOG: u32 = 4096;

fn listen(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does on Unix: a restart may listen again at once, while the
    // last run's connections wait out TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Resolves at Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
