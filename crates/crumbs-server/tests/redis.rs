//! Two instances on one Redis share sessions: log in on one, the other knows you, log
//! out there, and the first refuses the old cookie. Needs Debian's `redis-server` on PATH
//! (`make setup` installs it); without it this test fails, it never skips.

#![cfg(feature = "redis")]

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{path_str, temp_dir, Guard, Server};
use crumbs_protocol::api::{ErrorBody, HealthBody, Reason, SessionBody};

/// A `redis-server` on a free loopback port, without persistence, killed on drop (its
/// guard).
struct Redis {
    /// Killed on drop.
    child: Guard,
    url: String,
}

impl Redis {
    fn start() -> Self {
        // A free port: bound, read, released; redis-server takes it right after.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self {
            child: Self::spawn(port),
            url: format!("redis://127.0.0.1:{port}"),
        }
    }

    /// Kills it and starts a fresh one (empty: no persistence) on the same port.
    fn restart(&mut self) {
        // Stopped before the new one starts: they want the same port.
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
        let port = self.url.rsplit(':').next().unwrap().parse().unwrap();
        self.child = Self::spawn(port);
    }

    fn spawn(port: u16) -> Guard {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run redis-server ({e}): this test needs Debian's redis-server on \
                     PATH; `make setup` installs it"
                )
            });
        // Guarded at once: a panic below (an unreadable line) kills it rather than leak it.
        let mut child = Guard(child);
        // Ready when it says so: no timed waits.
        let stdout = BufReader::new(child.0.stdout.take().unwrap());
        let mut said = Vec::new();
        for line in stdout.lines() {
            let line = line.unwrap();
            if line.contains("Ready to accept connections") {
                return child;
            }
            said.push(line);
        }
        drop(child);
        panic!(
            "redis-server exited before it was ready:\n{}",
            said.join("\n")
        );
    }
}

#[test]
fn two_instances_on_one_redis_share_logins_and_logouts() {
    let redis = Redis::start();
    let dir = temp_dir("redis");
    let key = dir.join("signing.key");
    let args = ["--redis", redis.url.as_str(), "--key-file", path_str(&key)];
    let first = Server::start(&args);
    let second = Server::start(&args);
    assert!(
        first.line.contains("in Redis at redis://127.0.0.1:"),
        "{}",
        first.line
    );
    let health: HealthBody = second.request("GET", "/api/health", None, "").json();
    assert_eq!(health.store, "redis");

    let login = first.login("alice", "wonderland", true);
    assert_eq!(login.status, 200, "{login:?}");
    let cookie = login.session_cookie();
    let known: SessionBody = second.session(&cookie).json();
    assert_eq!(known.user, "alice", "the other instance knows you");

    assert_eq!(
        second
            .request("POST", "/api/logout", Some(&cookie), "")
            .status,
        204
    );
    let replay = first.session(&cookie);
    assert_eq!(replay.status, 401, "{replay:?}");
    assert_eq!(replay.json::<ErrorBody>().reason, Reason::UnknownSession);

    assert!(first.stop().success());
    assert!(second.stop().success());
    drop(redis);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn after_redis_restarts_the_server_answers_again() {
    let mut redis = Redis::start();
    let dir = temp_dir("redis-restart");
    let key = dir.join("signing.key");
    let server = Server::start(&["--redis", redis.url.as_str(), "--key-file", path_str(&key)]);
    assert_eq!(server.login("alice", "wonderland", false).status, 200);
    // A fresh Redis has lost the sessions; the point is that the server reconnects.
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = server.login("alice", "wonderland", false);
        if answer.status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no good login within 30 s of Redis coming back: {answer:?}"
        );
    }
    assert!(server.stop().success());
    drop(redis);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_redis_that_does_not_answer_is_one_line_and_status_2() {
    let dir = temp_dir("redis-down");
    let key = dir.join("signing.key");
    // Port 1 on loopback: nothing listens there.
    let (code, stderr) = common::refused(&[
        "--redis",
        "redis://127.0.0.1:1",
        "--key-file",
        path_str(&key),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(
        stderr.contains("cannot use Redis at redis://127.0.0.1:1"),
        "{stderr:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
