//! Twenty thousand idle connections, from two helper processes (this test binary run
//! again, each holding ten thousand: one process may open at most 20,000 files here),
//! do not keep `GET /api/health` from being answered (issue 22, item 1: before the
//! connection cap they used up the server's file descriptors and health timed out).
//! Alone in its test binary, so no other test shares the machine's ports with it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use common::{http, Guard, Server};

/// Set in a helper process: the address to hold connections to, and how many.
const HOLD: &str = "CRUMBS_TEST_HOLD";

#[test]
fn twenty_thousand_idle_connections_do_not_keep_health_from_answering() {
    let server = Server::start(&["--store", "memory"]);
    let holders: Vec<Guard> = (0..2)
        .map(|_| {
            let child = Command::new(std::env::current_exe().unwrap())
                .args(["hold_connections", "--exact", "--ignored", "--nocapture"])
                .env(HOLD, format!("{} 10000", server.addr))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            Guard(child)
        })
        .collect();
    let mut holders = holders;
    for holder in &mut holders {
        let stdout = BufReader::new(holder.0.stdout.take().unwrap());
        let said: Vec<String> = stdout
            .lines()
            .map_while(Result::ok)
            .take_while(|line| !line.starts_with("held"))
            .collect();
        assert!(
            holder.0.try_wait().unwrap().is_none(),
            "a helper stopped before holding its connections: {said:?}"
        );
    }
    let answer = http(&server.addr, "GET", "/api/health", None, "");
    assert_eq!(answer.status, 200, "{answer:?}");
    drop(holders);
}

/// Not a test of its own: the helper process above. Opens the connections, says `held`,
/// and keeps them until its standard input closes (the test ends or dies).
#[test]
#[ignore = "run by twenty_thousand_idle_connections_do_not_keep_health_from_answering"]
fn hold_connections() {
    let Ok(hold) = std::env::var(HOLD) else {
        return;
    };
    let (addr, count) = hold.split_once(' ').unwrap();
    let count: usize = count.parse().unwrap();
    let mut held = Vec::with_capacity(count);
    for n in 0..count {
        match TcpStream::connect(addr) {
            Ok(stream) => held.push(stream),
            Err(e) => panic!("connection {n} of {count}: {e}"),
        }
    }
    println!("held {}", held.len());
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}
