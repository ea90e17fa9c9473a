//! `crumbs-tools bench`: the figures `make bench` prints, each beside its baseline.
//! `crumbs-tools screenshot FILE`: the README's picture of the lab, from the release build.
//! `crumbs-tools http-state DIR`: the http-state cookie suite run against `MemoryJar`.
//! `crumbs-tools bench-server [--baseline-only]`: the server figure `make bench` prints,
//! crumbs-server beside express-session (`--baseline-only`: express-session alone).
//! `crumbs-tools balance LISTEN BACKEND…`: one address in front of several crumbs-server
//! instances (`make serve-redis`).

mod balance;
mod http_state;
mod load;
mod server_bench;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use crumbs_tools::{Browser, StaticServer, CHROMIUM};
use fantoccini::{Client, Locator};
use flate2::write::GzEncoder;
use flate2::Compression;

const LOADS: usize = 11;
const WAIT: Duration = Duration::from_secs(60);

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The browser work drives one WebDriver session: one thread is enough. The server
    // figure builds its own multi-threaded runtime for the load.
    let browser_runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    match args.first().map(String::as_str) {
        Some("bench") => browser_runtime()?.block_on(bench(&root)),
        Some("bench-server") => match args.get(1).map(String::as_str) {
            None => server_bench::run(&root, false),
            Some("--baseline-only") => server_bench::run(&root, true),
            Some(other) => bail!("bench-server takes --baseline-only or nothing, not {other:?}"),
        },
        Some("screenshot") => {
            let out = args
                .get(1)
                .context("usage: crumbs-tools screenshot FILE.png")?;
            browser_runtime()?.block_on(screenshot(&root, Path::new(out)))
        }
        Some("http-state") => {
            let dir = args
                .get(1)
                .context("usage: crumbs-tools http-state DIR (the suite's tests/data folder)")?;
            http_state::run(Path::new(dir))
        }
        Some("balance") => {
            let (listen, backends) = args
                .get(1)
                .zip(args.get(2..).filter(|b| !b.is_empty()))
                .context("usage: crumbs-tools balance LISTEN_ADDR BACKEND_ADDR…")?;
            let listener = std::net::TcpListener::bind(listen)
                .with_context(|| format!("cannot listen on {listen}"))?;
            println!(
                "Balancing http://{listen}/ between {} (Ctrl-C stops it)",
                backends.join(" and ")
            );
            balance::serve(listener, backends.to_vec())
        }
        _ => bail!(
            "usage: crumbs-tools bench | crumbs-tools bench-server [--baseline-only] | \
             crumbs-tools screenshot FILE.png | crumbs-tools http-state DIR | \
             crumbs-tools balance LISTEN BACKEND…"
        ),
    }
}

/// A profile directory that is removed again, with its Chromium.
struct Profile(PathBuf);

impl Profile {
    fn new(name: &str) -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("crumbs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn poll_js(client: &Client, expression: &str) -> Result<serde_json::Value> {
    let started = Instant::now();
    loop {
        let value = client
            .execute(&format!("return {expression};"), vec![])
            .await?;
        if !value.is_null() {
            return Ok(value);
        }
        ensure!(started.elapsed() < WAIT, "{expression} stayed null");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------- bench

struct Asset {
    raw: usize,
    gzip: usize,
}

fn assets(dist: &Path) -> Result<Vec<(&'static str, Asset)>> {
    let mut found = Vec::new();
    for (kind, extension) in [("wasm", "wasm"), ("js glue", "js"), ("css", "css")] {
        let mut raw = 0;
        let mut gzip = 0;
        for entry in
            std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))?
        {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) == Some(extension) {
                let bytes = std::fs::read(&path)?;
                raw += bytes.len();
                let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
                std::io::Write::write_all(&mut encoder, &bytes)?;
                gzip += encoder.finish()?.len();
            }
        }
        found.push((kind, Asset { raw, gzip }));
    }
    Ok(found)
}

/// Records, inside the page, when `selector` first matches: milliseconds since navigation
/// start (`performance.now()`), free of the driver's round trips.
fn first_render_probe(selector: &str) -> String {
    format!(
        "new MutationObserver(function (m, o) {{ if (document.querySelector('{selector}')) {{ \
         window.firstRender = performance.now(); o.disconnect(); }} }})\
         .observe(document, {{ childList: true, subtree: true }});"
    )
}

fn stats(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

async fn bench(root: &Path) -> Result<()> {
    let crumbs_dist = root.join("dist");
    let minimal_dist = root.join("bench/minimal/dist");
    let reads_dist = root.join("bench/reads/dist");
    let hook_dist = root.join("bench/hook/dist");

    let crumbs_assets = assets(&crumbs_dist)?;
    let minimal_assets = assets(&minimal_dist)?;
    let hook_assets = assets(&hook_dist)?;

    let crumbs_server = StaticServer::start_with(
        crumbs_dist,
        Some(first_render_probe("input[name=password]")),
    )?;
    let minimal_server =
        StaticServer::start_with(minimal_dist, Some(first_render_probe("button")))?;
    let reads_server = StaticServer::start(reads_dist)?;

    let profile = Profile::new("bench")?;
    let browser = Browser::start(&profile.0).await?;
    let client = browser.client();

    let mut crumbs_ms = Vec::new();
    let mut minimal_ms = Vec::new();
    for load in 0..LOADS {
        let mut order = [
            (&crumbs_server, &mut crumbs_ms),
            (&minimal_server, &mut minimal_ms),
        ];
        if load % 2 == 1 {
            order.reverse();
        }
        for (server, times) in order {
            client.goto("about:blank").await?;
            client.goto(&server.url("/")).await?;
            let ms = poll_js(
                client,
                "window.firstRender === undefined ? null : window.firstRender",
            )
            .await?
            .as_f64()
            .ok_or_else(|| anyhow!("firstRender is not a number"))?;
            times.push(ms);
        }
    }

    client.goto(&reads_server.url("/")).await?;
    let results = poll_js(
        client,
        "window.benchResults === undefined ? null : window.benchResults",
    )
    .await?;
    if let Some(error) = results.get("error") {
        bail!("the cookie-read page failed: {error}");
    }
    let version = client
        .execute("return navigator.userAgent;", vec![])
        .await?
        .as_str()
        .map(|ua| {
            ua.split_whitespace()
                .find(|part| part.starts_with("HeadlessChrome/") || part.starts_with("Chrome/"))
                .unwrap_or(ua)
                .to_owned()
        })
        .unwrap_or_default();
    browser.quit().await?;

    // ---- the table
    println!();
    println!("Crumbs benchmarks — {}", machine(&version));
    println!();
    println!("Transfer size (bytes)    Crumbs raw   gzip -9 | minimal Yew raw   gzip -9");
    let mut totals = [0usize; 4];
    for ((kind, crumbs), (_, minimal)) in crumbs_assets.iter().zip(&minimal_assets) {
        println!(
            "  {kind:<20} {:>12} {:>9} | {:>15} {:>9}",
            crumbs.raw, crumbs.gzip, minimal.raw, minimal.gzip
        );
        for (total, add) in
            totals
                .iter_mut()
                .zip([crumbs.raw, crumbs.gzip, minimal.raw, minimal.gzip])
        {
            *total += add;
        }
    }
    println!(
        "  {:<20} {:>12} {:>9} | {:>15} {:>9}",
        "total", totals[0], totals[1], totals[2], totals[3]
    );
    let budget = 110 * 1024;
    println!(
        "  gzip total {:.1} KB, budget 110 KB: {}",
        totals[1] as f64 / 1024.0,
        verdict(totals[1] <= budget)
    );
    println!(
        "{}",
        libraries_line(gzip_total(&hook_assets), gzip_total(&minimal_assets))
    );
    println!();

    let (crumbs_median, crumbs_min, crumbs_max) = stats(crumbs_ms);
    let (minimal_median, minimal_min, minimal_max) = stats(minimal_ms);
    let ratio = crumbs_median / minimal_median;
    println!("First render (ms from navigation start, {LOADS} alternated loads each)");
    println!("  Crumbs (login form)    median {crumbs_median:>7.1}  range {crumbs_min:.1}–{crumbs_max:.1}");
    println!("  minimal Yew (button)   median {minimal_median:>7.1}  range {minimal_min:.1}–{minimal_max:.1}");
    println!("  ratio {ratio:.2}, budget 1.3: {}", verdict(ratio <= 1.3));
    println!();

    println!("Reading every cookie (µs per call, median of 15 rounds)");
    println!("  cookies  document.cookie  js-cookie get()  Crumbs read-all  Crumbs/js-cookie  Crumbs/getter  | parse every time  copy into Wasm only");
    let mut read_verdicts = String::new();
    for row in results["reads"].as_array().context("reads")? {
        let count = row["count"].as_u64().unwrap_or_default();
        let getter = row["getter"].as_f64().unwrap_or(f64::NAN);
        let js_cookie = row["jsCookie"].as_f64().unwrap_or(f64::NAN);
        let crumbs = row["crumbs"].as_f64().unwrap_or(f64::NAN);
        let every_time = row["parseEveryTime"].as_f64().unwrap_or(f64::NAN);
        let copy_only = row["copyOnly"].as_f64().unwrap_or(f64::NAN);
        println!(
            "  {count:>7}  {getter:>15.2}  {js_cookie:>15.2}  {crumbs:>15.2}  {:>16.2}  {:>13.2}  | {every_time:>16.2}  {copy_only:>19.2}",
            crumbs / js_cookie,
            crumbs / getter
        );
        if count == 150 {
            read_verdicts = format!(
                "  at 150: ≤ 0.1× js-cookie: {}; ≤ 3× the getter: {}",
                verdict(crumbs <= 0.1 * js_cookie),
                verdict(crumbs <= 3.0 * getter)
            );
        }
    }
    println!("{read_verdicts}");
    println!();
    println!(
        "Mock login round trip (latency 0, PBKDF2 included): median {:.2} ms of 21",
        results["loginMs"].as_f64().unwrap_or(f64::NAN)
    );
    Ok(())
}

fn gzip_total(assets: &[(&'static str, Asset)]) -> usize {
    assets.iter().map(|(_, asset)| asset.gzip).sum()
}

/// What the cookie libraries add to an app: bench/hook (the minimal app, one `use_cookie`
/// shown and set by its button) over bench/minimal, both built by this run.
fn libraries_line(hook_gzip: usize, minimal_gzip: usize) -> String {
    const BUDGET: usize = 10 * 1024;
    let added = hook_gzip.saturating_sub(minimal_gzip);
    format!(
        "  Libraries: minimal Yew + one use_cookie: {:.1} KB gzip, +{:.1} KB over minimal Yew \
         (budget 10 KB): {}",
        hook_gzip as f64 / 1024.0,
        added as f64 / 1024.0,
        verdict(added <= BUDGET)
    )
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

fn machine(browser: &str) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    format!(
        "{}, {cpu}, {cores} cores, {browser} ({CHROMIUM})",
        date.trim()
    )
}

// ---------------------------------------------------------------- screenshot

async fn screenshot(root: &Path, out: &Path) -> Result<()> {
    let server = StaticServer::start(root.join("dist"))?;
    let profile = Profile::new("screenshot")?;
    let browser = Browser::start(&profile.0).await?;
    let client = browser.client();
    client.goto(&server.url("/?latency=0")).await?;
    let field = |label: &str| format!("//label[normalize-space(.)='{label}']//input");
    client
        .wait()
        .for_element(Locator::XPath(&field("Username")))
        .await?;
    client
        .find(Locator::XPath(&field("Username")))
        .await?
        .send_keys("alice")
        .await?;
    client
        .find(Locator::XPath(&field("Password")))
        .await?
        .send_keys("wonderland")
        .await?;
    client
        .find(Locator::XPath("//button[normalize-space(.)='Log in']"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .for_element(Locator::XPath(
            "//*[starts-with(normalize-space(.),'Logged in as alice')]",
        ))
        .await?;
    client.refresh().await?;
    client
        .wait()
        .for_element(Locator::XPath(
            "//*[starts-with(normalize-space(.),'Logged in as alice')]",
        ))
        .await?;
    client.set_window_size(1100, 1500).await?;
    let png = client.screenshot().await?;
    std::fs::write(out, png)?;
    browser.quit().await?;
    println!("wrote {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_libraries_line_gives_the_added_size_against_a_10_kb_budget() {
        assert_eq!(
            libraries_line(55_427 + 10 * 1024, 55_427),
            "  Libraries: minimal Yew + one use_cookie: 64.1 KB gzip, +10.0 KB over minimal Yew \
             (budget 10 KB): met"
        );
        assert!(libraries_line(55_427 + 10 * 1024 + 1, 55_427).ends_with("NOT met"));
        assert!(libraries_line(1, 2).contains("+0.0 KB"));
    }
}
