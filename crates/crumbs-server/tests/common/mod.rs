//! Helpers for the tests that run the real binary: start it on a free port, wait for its
//! start line (no sleeps), talk raw HTTP/1.1 to it, stop it with SIGTERM.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_crumbs-server");

/// A fresh, empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crumbs-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A child process killed (and reaped) when dropped: made right after the spawn, so a
/// helper that panics before it has built its own value leaks no process.
#[derive(Debug)]
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A running `crumbs-server`, stopped (SIGTERM, then SIGKILL) when dropped.
#[derive(Debug)]
pub struct Server {
    child: Guard,
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`, from the start line.
    pub addr: String,
    /// The start line as printed.
    pub line: String,
}

impl Server {
    /// Starts the binary with `args` plus `--addr 127.0.0.1:0` and waits for its start line.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Guard(
            Command::new(BIN)
                .args(["--addr", "127.0.0.1:0"])
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the crumbs-server binary runs"),
        );
        let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        if line.is_empty() {
            let mut stderr = String::new();
            child
                .0
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("crumbs-server {args:?} exited before serving: {stderr}");
        }
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no URL in the start line {line:?}"))
            .to_owned();
        Self {
            child,
            _stdout: stdout,
            addr,
            line: line.trim_end().to_owned(),
        }
    }

    /// Sends SIGTERM and returns the exit status once it has stopped.
    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child.0, "-TERM")
    }

    /// Sends SIGTERM and returns the exit status if it stops within `limit` (`None` if it
    /// is still running then; it is killed when dropped).
    pub fn terminate_within(
        mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let child = &mut self.child.0;
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "kill -TERM failed");
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does, and returns the exit status.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child.0, "-INT")
    }

    pub fn request(&self, method: &str, path: &str, cookie: Option<&str>, body: &str) -> Answer {
        http(&self.addr, method, path, cookie, body)
    }

    pub fn login(&self, user: &str, password: &str, remember: bool) -> Answer {
        let body =
            format!(r#"{{"username":"{user}","password":"{password}","remember":{remember}}}"#);
        self.request("POST", "/api/login", None, &body)
    }

    pub fn session(&self, cookie: &str) -> Answer {
        self.request("GET", "/api/session", Some(cookie), "")
    }
}

fn terminate(child: &mut Child, signal: &str) -> std::process::ExitStatus {
    if let Ok(Some(status)) = child.try_wait() {
        return status;
    }
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if !sent {
        let _ = child.kill();
    }
    child.wait().unwrap()
}

/// Runs the binary with `args` expecting it to refuse to start: its exit status and
/// stderr. Should it start serving instead, it is stopped and the test fails.
pub fn refused(args: &[&str]) -> (Option<i32>, String) {
    let mut guard = Guard(
        Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut guard.0;
    let mut stdout = String::new();
    // EOF comes when it exits; a start line means it is serving.
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut stdout)
        .unwrap();
    if stdout.contains("serving") {
        let _ = child.kill();
        let _ = child.wait();
        panic!("crumbs-server {args:?} started where it should refuse: {stdout}");
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `crumbs.sid=VALUE` from this answer's `Set-Cookie`.
    pub fn session_cookie(&self) -> String {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .find(|c| c.starts_with("crumbs.sid=") && c != "crumbs.sid=")
            .unwrap_or_else(|| panic!("no crumbs.sid set in {self:?}"))
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 exchange over a fresh connection (`Connection: close`, so the answer
/// ends where the stream does).
pub fn http(addr: &str, method: &str, path: &str, cookie: Option<&str>, body: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    // A server that never answers fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    // As the lab sends them: login and logout take JSON only (a 415 otherwise).
    if !body.is_empty() || method == "POST" {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {raw:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}
