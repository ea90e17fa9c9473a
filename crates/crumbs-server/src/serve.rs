//! The connection loop: hyper's HTTP/1.1 under limits that `axum::serve` does not set.
//!
//! `axum::serve` runs hyper without a timer, so no timeout ever applies: a client that
//! sends half a request (or nothing) holds its connection, its buffer and a file
//! descriptor for as long as it likes, and a few thousand of them stop the server. Here
//! every connection is bounded:
//!
//! - its request head must arrive within [`Limits::header_timeout`] of the server starting
//!   to wait for it, and be at most [`Limits::max_header_bytes`] (`431` past that);
//! - a request must be answered within [`Limits::request_timeout`], body reading included
//!   (`408` and the connection closed);
//! - a connection with no request in flight and no byte arriving for
//!   [`Limits::idle_timeout`] is closed;
//! - at most [`Limits::max_connections`] are held: a new one closes the connection idle
//!   the longest, so idle clients can never lock out a new one; with every connection busy
//!   the newcomer gets a `503` and is closed;
//! - at shutdown, requests in flight get [`Limits::shutdown_timeout`] to finish, then what
//!   is left is closed.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use crumbs_protocol::api::Reason;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::answer::error;

/// The bounds every connection is held to (each a command-line flag; see [`crate::Args`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How long a request's head (request line and headers) may take to arrive, counted
    /// from when the server starts waiting for it.
    pub header_timeout: Duration,
    /// How long a request may take, from its head to its answer (reading the body too).
    pub request_timeout: Duration,
    /// How long a connection may sit with no request in flight and no byte arriving.
    pub idle_timeout: Duration,
    /// The most connections held at once.
    pub max_connections: usize,
    /// The largest request head, in bytes.
    pub max_header_bytes: usize,
    /// How long requests in flight may go on after a shutdown signal.
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    /// Tighter than Node's (headers 60 s, requests 300 s, keep-alive 5 s, 16 KB of
    /// headers): this server's requests are a few hundred bytes and a few milliseconds,
    /// but for a login queued behind Argon2 checks.
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(5),
            max_connections: 1024,
            max_header_bytes: 16 * 1024,
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` resolves, then lets
/// requests in flight finish for at most [`Limits::shutdown_timeout`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let table = Arc::new(Table::default());
    let mut connections = JoinSet::new();
    let mut next_id: u64 = 0;
    tokio::pin!(shutdown);
    loop {
        // Finished connections' tasks, so the set holds only live ones.
        while connections.try_join_next().is_some() {}
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, or a connection that died in the queue: the
                    // listener itself is fine. A pause keeps a lasting cause from spinning.
                    if !is_connection_error(&e) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        if !table.make_room(limits.max_connections) {
            refuse(stream);
            continue;
        }
        next_id = next_id.wrapping_add(1);
        let slot = table.insert(next_id);
        let table = Arc::clone(&table);
        let app = app.clone();
        connections.spawn(async move {
            serve_connection(stream, app, limits, &slot).await;
            table.remove(slot.id);
        });
    }
    drop(listener);
    table.close_all();
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_timeout, drained)
        .await
        .is_err()
    {
        connections.shutdown().await;
    }
}

/// Errors of one connection, not of the listener: the next accept may well succeed.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Every connection busy: the newcomer is told so, if its socket takes the few bytes at
/// once (never waited for), and closed.
fn refuse(stream: TcpStream) {
    const BODY: &str = r#"{"reason":"unavailable","error":"the server holds as many connections as it takes and every one is busy: try again in a moment"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}

/// The connections held, each with what the loop needs to pick one to close.
#[derive(Debug, Default)]
struct Table {
    slots: Mutex<HashMap<u64, Arc<Slot>>>,
}

/// One connection's state, shared between its task and the accept loop.
#[derive(Debug)]
struct Slot {
    id: u64,
    /// Requests handed to the app and not yet answered.
    in_flight: AtomicUsize,
    /// When a byte last arrived or a request last ended, in ms since `born`.
    last_active_ms: AtomicU64,
    born: Instant,
    /// Set once the connection was told to close (so it is not picked twice).
    closing: AtomicBool,
    close: Notify,
}

impl Slot {
    fn new(id: u64) -> Self {
        Self {
            id,
            in_flight: AtomicUsize::new(0),
            last_active_ms: AtomicU64::new(0),
            born: Instant::now(),
            closing: AtomicBool::new(false),
            close: Notify::new(),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_active_ms.store(ms, Ordering::Relaxed);
    }

    fn last_active(&self) -> Instant {
        self.born + Duration::from_millis(self.last_active_ms.load(Ordering::Relaxed))
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }

    /// Tells the connection to close (at once if idle, after its answer if busy).
    fn tell_to_close(&self) {
        self.closing.store(true, Ordering::Release);
        // `notify_one` keeps the wake-up for a task not waiting yet.
        self.close.notify_one();
    }
}

impl Table {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Slot>>> {
        // A panic elsewhere while holding the lock leaves a map that is still whole.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn insert(&self, id: u64) -> Arc<Slot> {
        let slot = Arc::new(Slot::new(id));
        self.lock().insert(id, Arc::clone(&slot));
        slot
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// True if one more connection may be held: below `max` (not counting those already
    /// told to close), or once the connection idle the longest has been told to close.
    fn make_room(&self, max: usize) -> bool {
        let slots = self.lock();
        let open = slots
            .values()
            .filter(|slot| !slot.closing.load(Ordering::Acquire))
            .count();
        if open < max {
            return true;
        }
        let oldest_idle = slots
            .values()
            .filter(|slot| !slot.closing.load(Ordering::Acquire) && slot.idle())
            .min_by_key(|slot| slot.last_active());
        match oldest_idle {
            Some(slot) => {
                slot.tell_to_close();
                true
            }
            None => false,
        }
    }

    fn close_all(&self) {
        for slot in self.lock().values() {
            slot.tell_to_close();
        }
    }
}

/// Marks one request in flight on its connection until dropped (answered, or cancelled).
struct InFlight(Arc<Slot>);

impl InFlight {
    fn begin(slot: &Arc<Slot>) -> Self {
        slot.in_flight.fetch_add(1, Ordering::AcqRel);
        Self(Arc::clone(slot))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

async fn serve_connection(stream: TcpStream, app: Router, limits: Limits, slot: &Arc<Slot>) {
    let io = TokioIo::new(Watched {
        stream,
        slot: Arc::clone(slot),
    });
    let service_slot = Arc::clone(slot);
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let in_flight = InFlight::begin(&service_slot);
        let app = app.clone();
        async move {
            let answer = tokio::time::timeout(
                limits.request_timeout,
                app.oneshot(request.map(axum::body::Body::new)),
            )
            .await;
            drop(in_flight);
            Ok::<_, std::convert::Infallible>(match answer {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(_) => timed_out(limits.request_timeout),
            })
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut closing = false;
    loop {
        // While a request is in flight the connection is not idle; looked at again once
        // the timeout has passed, by when the request has likely ended and said so.
        let idle_until = if slot.idle() {
            slot.last_active() + limits.idle_timeout
        } else {
            Instant::now() + limits.idle_timeout
        };
        tokio::select! {
            _ = connection.as_mut() => return,
            () = slot.close.notified(), if !closing => {
                if slot.idle() {
                    return;
                }
                // Busy: the answer goes out, then hyper closes instead of keeping alive.
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep_until(idle_until), if !closing => {
                // Woken at the deadline last computed: idle only if nothing moved since.
                if slot.idle() && slot.last_active() + limits.idle_timeout <= Instant::now() {
                    return;
                }
            }
        }
    }
}

/// The `408` for a request that outlived [`Limits::request_timeout`]; the connection is
/// closed after it, since the rest of the request may still be on its way.
fn timed_out(limit: Duration) -> Response {
    let mut response = error(
        StatusCode::REQUEST_TIMEOUT,
        Reason::Timeout,
        format!(
            "the request was not done within {} s, the most this server waits for one: the \
             body arrived too slowly or the work took too long; nothing was changed",
            limit.as_secs_f64()
        ),
    );
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The connection's socket, noting when bytes arrive: a client sending (however slowly)
/// is not idle; the header timeout bounds how slowly.
struct Watched {
    stream: TcpStream,
    slot: Arc<Slot>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.slot.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
