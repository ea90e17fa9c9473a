//! `crumbs-tools bench-server`: `make bench`'s server figure. `GET /api/session` with a
//! valid session cookie, on loopback, from 64 keep-alive connections for a bounded run:
//! requests/s and p99 for `crumbs-server --store memory` beside an express-session app on
//! its default MemoryStore (bench/express-session), measured in the same run, and for
//! `crumbs-server` on SQLite on its own line.
//!
//! Each server is started on loopback port 0 (its start line says which port it got),
//! waited for by polling, logged in to once (alice's session cookie comes from the login's
//! `Set-Cookie`), loaded, and killed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};

use crate::load::{self, Connection};

const CONNECTIONS: usize = 64;
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(5);
/// How long a server may take to accept requests after it is started.
const START_WITHIN: Duration = Duration::from_secs(30);
/// The load generator's threads. Two: this machine's cores, so the client is not what
/// limits the faster server; both servers share the same client, so the ratio is fair.
const LOAD_THREADS: usize = 2;
const COOKIE: &str = "crumbs.sid";
const LOGIN: &str = r#"{"username":"alice","password":"wonderland","remember":false}"#;

/// Requests/s and p99 of one server.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    pub requests_per_s: f64,
    pub p99: Duration,
}

/// How to tell a started server is ready.
#[derive(Clone, Copy)]
enum Ready {
    /// `GET /api/health` answers 200: crumbs-server, whose answer must then name this
    /// store, so the figure is never printed for the wrong one.
    Health { store: &'static str },
    /// The port accepts connections: the baseline announces its port once it listens,
    /// with its routes already in place.
    Port,
}

struct Spec {
    label: &'static str,
    program: PathBuf,
    args: Vec<String>,
    ready: Ready,
}

/// A started server, killed (and waited for) when dropped.
struct Running {
    label: &'static str,
    child: Child,
    /// Known once its start line is out.
    addr: Option<SocketAddr>,
    log: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn addr(&self) -> Result<SocketAddr> {
        self.addr
            .ok_or_else(|| anyhow!("{} announced no address", self.label))
    }

    /// The end of the server's output, for an error message.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(15)..].join("\n    ");
        if tail.is_empty() {
            "(it printed nothing)".to_owned()
        } else {
            format!("its last output:\n    {tail}")
        }
    }
}

/// A folder for the SQLite database, the key file and the servers' output, removed again.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("crumbs-bench-server-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The address a server's start line announces: the first `http://HOST:PORT` in its
/// output. Both servers are started on port 0 and say which port they got, so no port is
/// picked here and then lost to another process before the server binds it.
fn announced_addr(output: &str) -> Option<SocketAddr> {
    let (_, rest) = output.split_once("http://")?;
    let end = rest
        .find(|c: char| c == '/' || c.is_whitespace())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

async fn start(spec: &Spec, scratch: &Path) -> Result<Running> {
    let log = scratch.join(format!("{}.log", spec.label.replace([' ', '(', ')'], "")));
    let out = std::fs::File::create(&log)?;
    let child = Command::new(&spec.program)
        .args(&spec.args)
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .with_context(|| format!("starting {} ({})", spec.label, spec.program.display()))?;
    let mut running = Running {
        label: spec.label,
        child,
        addr: None,
        log,
    };
    let started = Instant::now();
    loop {
        if let Some(status) = running.child.try_wait()? {
            bail!(
                "{} exited ({status}) before it was ready; {}",
                running.label,
                running.log_tail()
            );
        }
        if running.addr.is_none() {
            running.addr = announced_addr(&std::fs::read_to_string(&running.log)?);
        }
        if let Some(addr) = running.addr {
            if is_ready(addr, spec.ready)
                .await
                .with_context(|| format!("{} on {addr}", running.label))?
            {
                return Ok(running);
            }
        }
        ensure!(
            started.elapsed() < START_WITHIN,
            "{} was not ready within {} s (address: {:?}); {}",
            running.label,
            START_WITHIN.as_secs(),
            running.addr,
            running.log_tail()
        );
        // Polled, not slept on: the next look comes as soon as this short pause ends.
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// `Ok(false)`: not yet; an error: something answers, but not the server expected.
async fn is_ready(addr: SocketAddr, ready: Ready) -> Result<bool> {
    let Ok(mut connection) = Connection::open(addr).await else {
        return Ok(false);
    };
    let Ready::Health { store } = ready else {
        return Ok(true);
    };
    let Ok(response) = connection
        .exchange(&load::get_request(addr, "/api/health", None))
        .await
    else {
        return Ok(false);
    };
    let body = String::from_utf8_lossy(&response.body);
    check_health(response.head.status, &body, store)?;
    Ok(true)
}

/// The health answer of a crumbs-server keeping its sessions in `store`.
fn check_health(status: u16, body: &str, store: &str) -> Result<()> {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    ensure!(
        status == 200 && json["backend"] == "server",
        "GET /api/health answered {status} {body:?}, not crumbs-server's health"
    );
    ensure!(
        json["store"] == store,
        "crumbs-server keeps its sessions in {}, not in {store}: {body}",
        json["store"]
    );
    Ok(())
}

/// Logs alice in and checks her cookie is taken back: the `Cookie` header value the load
/// sends.
async fn log_in(server: &Running) -> Result<String> {
    let addr = server.addr()?;
    let mut connection = Connection::open(addr).await?;
    let response = connection
        .exchange(&load::post_json_request(addr, "/api/login", LOGIN))
        .await?;
    ensure!(
        response.head.status == 200,
        "{}: POST /api/login answered {}: {}",
        server.label,
        response.head.status,
        String::from_utf8_lossy(&response.body)
    );
    let cookie = load::cookie_from(&response.head.set_cookies, COOKIE).ok_or_else(|| {
        anyhow!(
            "{}: the login set no {COOKIE} cookie (Set-Cookie: {:?})",
            server.label,
            response.head.set_cookies
        )
    })?;
    let check = connection
        .exchange(&load::get_request(addr, "/api/session", Some(&cookie)))
        .await?;
    let body: serde_json::Value = serde_json::from_slice(&check.body).unwrap_or_default();
    ensure!(
        check.head.status == 200 && body["user"] == "alice",
        "{}: GET /api/session with the login's cookie answered {}: {}",
        server.label,
        check.head.status,
        String::from_utf8_lossy(&check.body)
    );
    Ok(cookie)
}

async fn measure(spec: &Spec, scratch: &Path) -> Result<Figure> {
    let server = start(spec, scratch).await?;
    let cookie = log_in(&server).await?;
    let addr = server.addr()?;
    let request = load::get_request(addr, "/api/session", Some(&cookie));
    let result = load::run(addr, request, "/api/session", CONNECTIONS, WARM_UP, MEASURE)
        .await
        .map_err(|error| anyhow!("{}: {error}; {}", server.label, server.log_tail()))?;
    Ok(Figure {
        requests_per_s: result.requests_per_s,
        p99: result.p99,
    })
}

/// Where cargo puts this workspace's binaries built with `--profile server` (the root
/// Cargo.toml's profile for native programs: fast, and panics unwind).
fn server_profile_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("server")
}

/// `baseline_only`: measure express-session alone (for when crumbs-server is not built).
pub fn run(root: &Path, baseline_only: bool) -> Result<()> {
    let express_dir = root.join("bench/express-session");
    ensure!(
        express_dir.join("node_modules/express-session/package.json").is_file(),
        "the baseline is not installed: npm ci --no-audit --no-fund --prefix bench/express-session \
         (make bench does this)"
    );
    let crumbs_server = server_profile_dir(root).join("crumbs-server");
    ensure!(
        baseline_only || crumbs_server.is_file(),
        "no {}: cargo build --profile server -p crumbs-server (make bench does this)",
        crumbs_server.display()
    );
    let scratch = Scratch::new()?;
    // The lab's release build when there is one; the server needs some folder to serve.
    let dist = if root.join("dist/index.html").is_file() {
        root.join("dist")
    } else {
        let empty = scratch.0.join("dist");
        std::fs::create_dir_all(&empty)?;
        empty
    };
    let path = |p: &Path| p.display().to_string();
    let express = Spec {
        label: "express-session",
        program: PathBuf::from("node"),
        args: vec![path(&express_dir.join("server.js")), "0".to_owned()],
        ready: Ready::Port,
    };
    let memory = Spec {
        label: "crumbs-server (memory)",
        program: crumbs_server.clone(),
        args: vec![
            "--addr".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--dist".to_owned(),
            path(&dist),
            "--store".to_owned(),
            "memory".to_owned(),
            "--key-file".to_owned(),
            path(&scratch.0.join("memory.key")),
        ],
        ready: Ready::Health { store: "memory" },
    };
    let sqlite = Spec {
        label: "crumbs-server (SQLite)",
        program: crumbs_server,
        args: vec![
            "--addr".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--dist".to_owned(),
            path(&dist),
            "--db".to_owned(),
            path(&scratch.0.join("sessions.db")),
            "--key-file".to_owned(),
            path(&scratch.0.join("sqlite.key")),
        ],
        ready: Ready::Health { store: "sqlite" },
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(LOAD_THREADS)
        .enable_all()
        .build()?;
    let versions = baseline_versions(&express_dir);
    println!();
    println!(
        "Server: GET /api/session with a session cookie, loopback, {CONNECTIONS} keep-alive \
         connections, {} s warm-up + {} s measured, each server in turn",
        WARM_UP.as_secs(),
        MEASURE.as_secs()
    );
    println!(
        "  load: crumbs-tools, {LOAD_THREADS} threads on the same machine; baseline: {versions}"
    );
    let express_figure = runtime.block_on(measure(&express, &scratch.0))?;
    if baseline_only {
        println!("  {}", alone_line(express.label, express_figure));
        println!("  crumbs-server: not measured (baseline only)");
        return Ok(());
    }
    let memory_figure = runtime.block_on(measure(&memory, &scratch.0))?;
    let sqlite_figure = runtime.block_on(measure(&sqlite, &scratch.0))?;
    println!("  {}", goal_line(memory_figure, express_figure));
    println!("  {}", alone_line(sqlite.label, sqlite_figure));
    Ok(())
}

/// "express 5.3.0, express-session 1.19.0, Node v20.20.2", from what is installed.
fn baseline_versions(express_dir: &Path) -> String {
    let version = |package: &str| {
        std::fs::read(
            express_dir
                .join("node_modules")
                .join(package)
                .join("package.json"),
        )
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|json| json["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
    };
    let node = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "?".to_owned(), |v| v.trim().to_owned());
    format!(
        "express {}, express-session {}, Node {node}",
        version("express"),
        version("express-session")
    )
}

/// 41200.4 → "41,200".
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn figure_text(figure: Figure) -> String {
    format!(
        "{} req/s p99 {:.1} ms",
        thousands(figure.requests_per_s),
        figure.p99.as_secs_f64() * 1000.0
    )
}

fn alone_line(label: &str, figure: Figure) -> String {
    format!("{label}: {}", figure_text(figure))
}

/// The goal: at least 2× express-session's throughput, and a p99 no worse.
fn goal_line(crumbs: Figure, express: Figure) -> String {
    let throughput = crumbs.requests_per_s / express.requests_per_s;
    let p99 = crumbs.p99.as_secs_f64() / express.p99.as_secs_f64();
    let met = throughput >= 2.0 && crumbs.p99 <= express.p99;
    format!(
        "crumbs-server (memory) {}; express-session {}: {throughput:.1}× throughput, p99 {p99:.2}× \
         (goal ≥ 2×, ≤ 1×): {}",
        figure_text(crumbs),
        figure_text(express),
        crate::verdict(met)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(requests_per_s: f64, p99_ms: f64) -> Figure {
        Figure {
            requests_per_s,
            p99: Duration::from_secs_f64(p99_ms / 1000.0),
        }
    }

    #[test]
    fn only_a_crumbs_server_on_the_expected_store_counts_as_ready() {
        check_health(200, r#"{"backend":"server","store":"memory"}"#, "memory").unwrap();
        let wrong_store = check_health(200, r#"{"backend":"server","store":"sqlite"}"#, "memory");
        assert_eq!(
            wrong_store.unwrap_err().to_string(),
            r#"crumbs-server keeps its sessions in "sqlite", not in memory: {"backend":"server","store":"sqlite"}"#
        );
        assert!(check_health(404, "{}", "memory").is_err());
        assert!(check_health(200, "<html>", "memory").is_err());
        assert!(check_health(200, r#"{"backend":"mock","store":"memory"}"#, "memory").is_err());
    }

    #[test]
    fn the_address_comes_from_either_servers_start_line() {
        let addr = |line: &str| announced_addr(line).map(|a| a.to_string());
        assert_eq!(
            addr("crumbs-server: serving http://127.0.0.1:41234/ with sessions in memory\n")
                .as_deref(),
            Some("127.0.0.1:41234")
        );
        assert_eq!(
            addr("listening on http://127.0.0.1:5000\n").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(
            addr("listening on http://127.0.0.1:5000").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(addr(""), None);
        assert_eq!(addr("listening on http://127.0.0.1:"), None);
        assert_eq!(addr("listening on http://localhost:80/"), None);
    }

    #[test]
    fn thousands_are_grouped_by_commas() {
        assert_eq!(thousands(41_200.4), "41,200");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_000.0), "1,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(-5.0), "0");
    }

    #[test]
    fn the_goal_line_gives_both_figures_their_ratios_and_the_verdict() {
        assert_eq!(
            goal_line(figure(41_200.0, 3.1), figure(9_800.0, 12.0)),
            "crumbs-server (memory) 41,200 req/s p99 3.1 ms; express-session 9,800 req/s p99 \
             12.0 ms: 4.2× throughput, p99 0.26× (goal ≥ 2×, ≤ 1×): met"
        );
    }

    #[test]
    fn the_goal_needs_both_twice_the_throughput_and_a_p99_no_worse() {
        assert!(goal_line(figure(20_000.0, 5.0), figure(10_000.0, 5.0)).ends_with(": met"));
        assert!(goal_line(figure(19_999.0, 1.0), figure(10_000.0, 5.0)).ends_with("NOT met"));
        assert!(goal_line(figure(50_000.0, 5.1), figure(10_000.0, 5.0)).ends_with("NOT met"));
    }

    #[test]
    fn the_sqlite_line_stands_alone() {
        assert_eq!(
            alone_line("crumbs-server (SQLite)", figure(20_100.0, 6.04)),
            "crumbs-server (SQLite): 20,100 req/s p99 6.0 ms"
        );
    }
}
