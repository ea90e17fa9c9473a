//! A small HTTP/1.1 load generator for `make bench`'s server figure: keep-alive
//! connections on loopback, each sending one request after another for a bounded run, every
//! response read to its end, every latency kept.
//!
//! Hand-written on `TcpStream` rather than through a client library: the load is one fixed
//! `GET` whose responses always carry `Content-Length`, and the less the client does per
//! request, the more of the two shared cores are left to the server being measured.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest response head read: the servers' heads are a few hundred bytes.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The largest response body read: a session body is a few hundred bytes.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What went wrong talking to a server.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the response head is not HTTP/1.1: {0}")]
    Malformed(String),
    #[error("the response head is larger than {MAX_HEAD_BYTES} bytes")]
    HeadTooLarge,
    #[error("the response has no Content-Length (chunked or close-delimited bodies are not read)")]
    NoContentLength,
    #[error("the response announces {0} bytes of body, more than the {MAX_BODY_BYTES} read")]
    BodyTooLarge(usize),
    #[error("the server closed the connection {0}")]
    Closed(&'static str),
    #[error("{method} {path} answered {status}, not 200: {body}")]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        body: String,
    },
    #[error("no request completed inside the measured window")]
    NothingMeasured,
    #[error("a connection's task stopped: {0}")]
    Task(String),
    #[error("talking to the server: {0}")]
    Io(#[from] std::io::Error),
}

/// A parsed response head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    /// Bytes up to and including the blank line.
    pub len: usize,
    pub content_length: usize,
    /// Every `Set-Cookie` value, in order.
    pub set_cookies: Vec<String>,
    /// `Connection: close`: the server will not take another request on this connection.
    pub close: bool,
}

/// Parses a response head from the start of `buf`: `Ok(None)` while the blank line that
/// ends it has not arrived yet.
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>, LoadError> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if buf.len() > MAX_HEAD_BYTES {
            Err(LoadError::HeadTooLarge)
        } else {
            Ok(None)
        };
    };
    if end > MAX_HEAD_BYTES {
        return Err(LoadError::HeadTooLarge);
    }
    let text = std::str::from_utf8(&buf[..end])
        .map_err(|_| LoadError::Malformed("not UTF-8".to_owned()))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (Some("HTTP/1.1"), Some(code)) = (parts.next(), parts.next()) else {
        return Err(LoadError::Malformed(format!("status line {status_line:?}")));
    };
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|code| (100..=599).contains(code))
        .ok_or_else(|| LoadError::Malformed(format!("status line {status_line:?}")))?;
    let mut content_length = None;
    let mut chunked = false;
    let mut set_cookies = Vec::new();
    let mut close = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(LoadError::Malformed(format!("header line {line:?}")));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let length = value
                .parse::<usize>()
                .map_err(|_| LoadError::Malformed(format!("Content-Length {value:?}")))?;
            if content_length.is_some_and(|earlier| earlier != length) {
                return Err(LoadError::Malformed(
                    "two different Content-Lengths".to_owned(),
                ));
            }
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = true;
        } else if name.eq_ignore_ascii_case("set-cookie") {
            set_cookies.push(value.to_owned());
        } else if name.eq_ignore_ascii_case("connection") {
            close = value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("close"));
        }
    }
    let content_length = match content_length {
        Some(_) if chunked => {
            return Err(LoadError::Malformed(
                "both Content-Length and Transfer-Encoding".to_owned(),
            ))
        }
        Some(length) if length > MAX_BODY_BYTES => return Err(LoadError::BodyTooLarge(length)),
        Some(length) => length,
        None => return Err(LoadError::NoContentLength),
    };
    Ok(Some(Head {
        status,
        len: end + 4,
        content_length,
        set_cookies,
        close,
    }))
}

/// The value of cookie `name` from a response's `Set-Cookie` values (the last one wins, as
/// in a browser), ready to send back as `name=value`.
pub fn cookie_from(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies
        .iter()
        .filter_map(|line| {
            let pair = line.split(';').next()?.trim();
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name && !value.trim().is_empty())
                .then(|| format!("{name}={}", value.trim()))
        })
        .next_back()
}

/// The `p`-th percentile (0 < p ≤ 100) of `sorted`, nearest-rank: the smallest value with
/// at least p % of the values at or below it. `None` for no values.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() || !(p > 0.0 && p <= 100.0) {
        return None;
    }
    // ceil(p/100 × n) as a 1-based rank; the float is at most n, so the cast is exact
    // enough and the clamp keeps it an index.
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// One response, read to its end.
pub struct Response {
    pub head: Head,
    pub body: Vec<u8>,
}

/// One keep-alive connection; the buffer keeps what arrived past the current response.
pub struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Result<Self, LoadError> {
        let stream = TcpStream::connect(addr).await?;
        // Requests are small and sent whole: no waiting for more bytes to fill a segment.
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    /// Sends `request` (a whole request, head and body) and reads the response.
    pub async fn exchange(&mut self, request: &[u8]) -> Result<Response, LoadError> {
        self.stream.write_all(request).await?;
        let head = loop {
            if let Some(head) = parse_head(&self.buf)? {
                break head;
            }
            self.fill("before the response head ended").await?;
        };
        // Both are bounded by parse_head (16 KiB and 1 MiB), so this cannot overflow.
        let total = head.len + head.content_length;
        while self.buf.len() < total {
            self.fill("before the response body ended").await?;
        }
        let body = self.buf[head.len..total].to_vec();
        self.buf.drain(..total);
        Ok(Response { head, body })
    }

    async fn fill(&mut self, when: &'static str) -> Result<(), LoadError> {
        let mut chunk = [0u8; 8192];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(LoadError::Closed(when));
        }
        self.buf.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

/// A `GET path` with the given `Cookie` header, as the load sends it.
pub fn get_request(host: SocketAddr, path: &str, cookie: Option<&str>) -> Vec<u8> {
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n{cookie}\r\n")
        .into_bytes()
}

/// A `POST path` with a JSON body.
pub fn post_json_request(host: SocketAddr, path: &str, json: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    )
    .into_bytes()
}

/// The measured part of a run.
#[derive(Debug)]
pub struct LoadResult {
    /// 200s completed inside the measured window, per second.
    pub requests_per_s: f64,
    pub p99: Duration,
}

/// `connections` connections send `request` back to back for `warm_up + measure`; the
/// requests sent and answered inside the measured window count. Any answer but a 200, or a
/// closed connection, fails the run.
pub async fn run(
    addr: SocketAddr,
    request: Vec<u8>,
    path: &str,
    connections: usize,
    warm_up: Duration,
    measure: Duration,
) -> Result<LoadResult, LoadError> {
    let request: std::sync::Arc<[u8]> = request.into();
    let mut open = Vec::with_capacity(connections);
    for _ in 0..connections {
        open.push(Connection::open(addr).await?);
    }
    let start = Instant::now();
    let measured_from = start + warm_up;
    let until = measured_from + measure;
    let mut tasks = tokio::task::JoinSet::new();
    for mut connection in open {
        let request = request.clone();
        let path = path.to_owned();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let sent = Instant::now();
                if sent >= until {
                    return Ok(latencies);
                }
                let response = connection.exchange(&request).await?;
                let done = Instant::now();
                if response.head.status != 200 {
                    return Err(LoadError::Status {
                        method: "GET",
                        path,
                        status: response.head.status,
                        body: String::from_utf8_lossy(&response.body).into_owned(),
                    });
                }
                if response.head.close {
                    return Err(LoadError::Closed("after a response (Connection: close)"));
                }
                if sent >= measured_from && done <= until {
                    latencies.push(done - sent);
                }
            }
        });
    }
    let mut all = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let latencies = joined.map_err(|e| LoadError::Task(e.to_string()))??;
        all.extend(latencies);
    }
    all.sort_unstable();
    let p99 = percentile(&all, 99.0).ok_or(LoadError::NothingMeasured)?;
    Ok(LoadResult {
        requests_per_s: all.len() as f64 / measure.as_secs_f64(),
        p99,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPRESS_LOGIN: &[u8] = b"HTTP/1.1 200 OK\r\n\
        Content-Type: application/json; charset=utf-8\r\n\
        Content-Length: 5\r\n\
        Set-Cookie: crumbs.sid=s%3Aabc.def; Path=/; HttpOnly; SameSite=Lax\r\n\
        Connection: keep-alive\r\n\r\n{\"a\":";

    #[test]
    fn a_head_is_not_parsed_until_its_blank_line_arrives() {
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")
            .unwrap()
            .is_none());
        assert!(parse_head(b"").unwrap().is_none());
    }

    #[test]
    fn a_head_gives_status_length_cookies_and_where_the_body_starts() {
        let head = parse_head(EXPRESS_LOGIN).unwrap().unwrap();
        assert_eq!(head.status, 200);
        assert_eq!(head.content_length, 5);
        assert_eq!(&EXPRESS_LOGIN[head.len..], b"{\"a\":");
        assert_eq!(
            head.set_cookies,
            ["crumbs.sid=s%3Aabc.def; Path=/; HttpOnly; SameSite=Lax"]
        );
        assert!(!head.close);
    }

    #[test]
    fn header_names_are_case_insensitive_and_connection_close_is_seen() {
        let head = parse_head(
            b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: Close\r\n\r\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (head.status, head.content_length, head.close),
            (401, 0, true)
        );
    }

    #[test]
    fn bodies_without_a_content_length_are_refused_not_misread() {
        assert!(matches!(
            parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(LoadError::NoContentLength)
        ));
        assert!(matches!(
            parse_head(b"HTTP/1.1 200 OK\r\n\r\n"),
            Err(LoadError::NoContentLength)
        ));
    }

    #[test]
    fn malformed_and_oversized_heads_are_errors_not_panics() {
        for bad in [
            &b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"[..],
            b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 99999 OK\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            b"\xff\xfe\r\n\r\n",
        ] {
            assert!(
                parse_head(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(matches!(
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n"),
            Err(LoadError::BodyTooLarge(2_000_000))
        ));
        assert!(matches!(
            parse_head(&vec![b'x'; MAX_HEAD_BYTES + 1]),
            Err(LoadError::HeadTooLarge)
        ));
    }

    #[test]
    fn the_session_cookie_is_found_among_the_set_cookies() {
        let set = [
            "theme=dark; Path=/".to_owned(),
            "crumbs.sid=abc.def; Path=/; HttpOnly".to_owned(),
        ];
        assert_eq!(
            cookie_from(&set, "crumbs.sid").as_deref(),
            Some("crumbs.sid=abc.def")
        );
        assert_eq!(cookie_from(&set, "crumbs"), None);
        assert_eq!(
            cookie_from(&["crumbs.sid=; Max-Age=0".to_owned()], "crumbs.sid"),
            None
        );
        assert_eq!(cookie_from(&[], "crumbs.sid"), None);
    }

    #[test]
    fn p99_is_the_nearest_rank() {
        let ms = |n: u64| Duration::from_millis(n);
        let values: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&values, 99.0), Some(ms(99)));
        assert_eq!(percentile(&values, 100.0), Some(ms(100)));
        assert_eq!(percentile(&values, 50.0), Some(ms(50)));
        let values: Vec<Duration> = (1..=1000).map(ms).collect();
        assert_eq!(percentile(&values, 99.0), Some(ms(990)));
        assert_eq!(percentile(&[ms(7)], 99.0), Some(ms(7)));
        assert_eq!(percentile(&[], 99.0), None);
        assert_eq!(percentile(&values, 0.0), None);
        assert_eq!(percentile(&values, f64::NAN), None);
    }

    #[test]
    fn requests_are_well_formed_http_1_1() {
        let host: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(
            get_request(host, "/api/session", Some("crumbs.sid=x")),
            b"GET /api/session HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: application/json\r\n\
              Cookie: crumbs.sid=x\r\n\r\n"
        );
        let post = String::from_utf8(post_json_request(host, "/api/login", "{}")).unwrap();
        assert!(post.starts_with("POST /api/login HTTP/1.1\r\n"));
        assert!(post.ends_with("Content-Length: 2\r\n\r\n{}"));
    }

    /// The whole client against a scripted server on loopback: a response split across
    /// reads, then two in one read, each returned whole and in order.
    #[tokio::test]
    async fn a_connection_reads_responses_split_and_run_together() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let request = get_request(addr, "/", None);
        let request_len = request.len();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; request_len];
            socket.read_exact(&mut buf).await.unwrap();
            socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Le")
                .await
                .unwrap();
            socket.flush().await.unwrap();
            socket.write_all(b"ngth: 3\r\n\r\none").await.unwrap();
            socket.read_exact(&mut buf).await.unwrap();
            socket
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwoHTTP/1.1 401 No\r\n\
                      Content-Length: 5\r\n\r\nthree",
                )
                .await
                .unwrap();
        });
        let mut connection = Connection::open(addr).await.unwrap();
        let one = connection.exchange(&request).await.unwrap();
        assert_eq!((one.head.status, one.body.as_slice()), (200, &b"one"[..]));
        let two = connection.exchange(&request).await.unwrap();
        assert_eq!(two.body, b"two");
        // The third came with the second: no request is needed to read it.
        let three = connection.exchange(b"").await.unwrap();
        assert_eq!(
            (three.head.status, three.body.as_slice()),
            (401, &b"three"[..])
        );
        server.await.unwrap();
        assert!(matches!(
            connection.exchange(b"").await,
            Err(LoadError::Closed(_))
        ));
    }

    /// A keep-alive server on loopback that answers every request it reads with `answer`
    /// (one request per read is enough here: the client waits for each answer).
    async fn answering(answers: Vec<&'static [u8]>) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let answers = answers.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let mut next = answers.iter().cycle();
                    while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {
                        let answer = next.next().copied().unwrap_or_default();
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

    #[tokio::test]
    async fn a_bounded_run_counts_the_200s_of_every_connection() {
        let addr = answering(vec![OK]).await;
        let request = get_request(addr, "/api/session", Some("crumbs.sid=x"));
        let result = run(
            addr,
            request,
            "/api/session",
            4,
            Duration::from_millis(50),
            Duration::from_millis(200),
        )
        .await
        .unwrap();
        assert!(
            result.requests_per_s >= 5.0,
            "at least one request in 0.2 s"
        );
        assert!(result.p99 > Duration::ZERO);
        // A whole number of requests over the 0.2 s measured.
        let requests = result.requests_per_s * 0.2;
        assert!((requests - requests.round()).abs() < 1e-6);
    }

    #[tokio::test]
    async fn any_answer_but_200_fails_the_run_with_its_status_and_body() {
        let addr = answering(vec![
            OK,
            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 10\r\n\r\nlogged out",
        ])
        .await;
        let request = get_request(addr, "/api/session", None);
        let error = run(
            addr,
            request,
            "/api/session",
            2,
            Duration::ZERO,
            Duration::from_secs(5),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "GET /api/session answered 401, not 200: logged out"
        );
    }
}
