//! The real binary against clients that stall: each timeout and limit of `serve.rs`,
//! with raw sockets (issue 22, items 1 and 4). Before them the server ran `axum::serve`,
//! which gives hyper no timer: every stalled connection below stayed open for good, and a
//! SIGTERM waited for a half-sent request for ever.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Server;
use crumbs_protocol::api::{ErrorBody, Reason};

/// Longer than any limit the tests set: a read that waits this long means the server
/// kept a connection it should have closed.
const PATIENCE: Duration = Duration::from_secs(8);

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Reads until the server closes the connection (EOF or a reset), and how long that took
/// from `since`; fails if it is still open after [`PATIENCE`].
fn closed_after(stream: &mut TcpStream, since: Instant) -> Duration {
    let mut sink = [0u8; 4096];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return since.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return since.elapsed(),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("the connection is still open {PATIENCE:?} later")
            }
            Err(e) => panic!("reading: {e}"),
        }
    }
}

/// One answer read off a keep-alive connection: status, head, body (by Content-Length).
fn read_answer(stream: &mut TcpStream) -> (u16, String, String) {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            other => panic!(
                "no whole answer ({other:?}) after {:?}",
                String::from_utf8_lossy(&raw)
            ),
        }
    }
    let head = String::from_utf8(raw).unwrap();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an answer: {head:?}"));
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, head, String::from_utf8(body).unwrap())
}

/// A login whose body never comes, in flight once the server asks for the body
/// (`100 Continue`, sent when the handler starts reading it).
fn login_in_flight(server: &Server) -> TcpStream {
    let mut stream = connect(server);
    stream
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Expect: 100-continue\r\nContent-Length: 60\r\n\r\n",
        )
        .unwrap();
    let (status, head, _) = read_answer(&mut stream);
    assert_eq!(status, 100, "{head}");
    stream
}

fn health_request(keep_alive: bool) -> String {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    format!("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: {connection}\r\n\r\n")
}

#[test]
fn a_head_sent_a_byte_at_a_time_is_dropped_at_the_header_timeout() {
    let server = Server::start(&["--store", "memory", "--header-timeout", "1s"]);
    let mut stream = connect(&server);
    let mut writer = stream.try_clone().unwrap();
    let start = Instant::now();
    // A slowloris: the head never ends, each byte in time to reset any idle timer.
    let trickle = std::thread::spawn(move || {
        writer
            .write_all(b"GET /api/health HTTP/1.1\r\nX-Slow: ")
            .unwrap();
        while start.elapsed() < PATIENCE {
            if writer.write_all(b"a").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let after = closed_after(&mut stream, start);
    assert!(
        after >= Duration::from_millis(900),
        "closed after {after:?}, before the header timeout of 1 s"
    );
    trickle.join().unwrap();
}

#[test]
fn a_connection_that_sends_nothing_or_goes_quiet_is_closed_at_the_idle_timeout() {
    let server = Server::start(&["--store", "memory", "--idle-timeout", "1s"]);
    let start = Instant::now();
    let mut silent = connect(&server);
    closed_after(&mut silent, start);

    let mut kept_alive = connect(&server);
    kept_alive
        .write_all(health_request(true).as_bytes())
        .unwrap();
    let (status, _, _) = read_answer(&mut kept_alive);
    assert_eq!(status, 200);
    let answered = Instant::now();
    let after = closed_after(&mut kept_alive, answered);
    assert!(
        after >= Duration::from_millis(900),
        "closed after {after:?}"
    );
}

#[test]
fn a_request_whose_body_stalls_is_answered_408_at_the_request_timeout() {
    let server = Server::start(&["--store", "memory", "--request-timeout", "1s"]);
    let mut stream = connect(&server);
    stream
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"username\":",
        )
        .unwrap();
    let (status, head, body) = read_answer(&mut stream);
    assert_eq!(status, 408, "{head}{body}");
    assert!(
        head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    let error: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(error.reason, Reason::Timeout);
    assert!(error.error.contains("within 1 s"), "{}", error.error);
    closed_after(&mut stream, Instant::now());
}

#[test]
fn a_head_over_the_limit_is_refused_with_431() {
    let server = Server::start(&["--store", "memory"]);
    for (cookie_bytes, expected) in [(8 * 1024, 200), (20 * 1024, 431)] {
        let mut stream = connect(&server);
        let cookie = format!("big={}", "x".repeat(cookie_bytes));
        let request = format!(
            "GET /api/health HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        );
        // The server may close before it has read everything: a write error is fine.
        let _ = stream.write_all(request.as_bytes());
        let (status, head, _) = read_answer(&mut stream);
        assert_eq!(status, expected, "{cookie_bytes} bytes of cookie: {head}");
    }
}

#[test]
fn past_the_connection_cap_the_connection_idle_the_longest_makes_room() {
    let server = Server::start(&[
        "--store",
        "memory",
        "--max-connections",
        "3",
        "--idle-timeout",
        "60s",
        "--header-timeout",
        "60s",
    ]);
    // Three idle keep-alive connections, each known to the server (answered once), the
    // first idle the longest.
    let mut held: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut stream = connect(&server);
            stream.write_all(health_request(true).as_bytes()).unwrap();
            assert_eq!(read_answer(&mut stream).0, 200);
            stream
        })
        .collect();
    let mut newcomer = connect(&server);
    newcomer
        .write_all(health_request(false).as_bytes())
        .unwrap();
    assert_eq!(read_answer(&mut newcomer).0, 200, "the fourth is answered");
    closed_after(&mut held[0], Instant::now());
    for stream in &mut held[1..] {
        stream.write_all(health_request(true).as_bytes()).unwrap();
        assert_eq!(read_answer(stream).0, 200, "the others are kept");
    }
}

#[test]
fn with_every_connection_busy_a_newcomer_is_told_503_and_closed() {
    let server = Server::start(&["--store", "memory", "--max-connections", "2"]);
    let _busy: Vec<TcpStream> = (0..2).map(|_| login_in_flight(&server)).collect();
    let mut newcomer = connect(&server);
    let _ = newcomer.write_all(health_request(false).as_bytes());
    let (status, head, body) = read_answer(&mut newcomer);
    assert_eq!(status, 503, "{head}{body}");
    assert!(head.contains("Retry-After: 1"), "{head}");
    let error: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(error.reason, Reason::Unavailable);
    closed_after(&mut newcomer, Instant::now());
}

#[test]
fn sigterm_stops_the_server_though_requests_are_half_sent() {
    let server = Server::start(&["--store", "memory", "--shutdown-timeout", "1s"]);
    // Half a head, and a whole head whose body never comes.
    let mut half_head = connect(&server);
    half_head
        .write_all(b"GET /api/health HTTP/1.1\r\nHost:")
        .unwrap();
    let _half_body = login_in_flight(&server);
    let status = server
        .terminate_within(Duration::from_secs(6))
        .expect("the server was still running 6 s after SIGTERM");
    assert!(status.success(), "{status:?}");
}
