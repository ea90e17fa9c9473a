//! End to end, in a real browser: the release build served from `dist/` by a static file
//! server started here, driven through Debian's chromedriver. Each scenario has its own
//! Chromium profile, so a "restart" is a real browser restart on the same profile.
//!
//! Run by `make test-e2e` (which builds `dist/` first). On failure a screenshot and
//! Chromium's log (console messages included) are saved under `target/e2e/<scenario>/`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use cookie::SameSite;
use crumbs_tools::{Browser, StaticServer};
use fantoccini::cookies::Cookie;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

const WAIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------- the page

struct Page<'a> {
    client: &'a Client,
    server: &'a StaticServer,
}

impl Page<'_> {
    async fn open(&self, path: &str) -> Result<()> {
        self.client.goto(&self.server.url(path)).await?;
        self.wait_for_text("Page load #").await
    }

    async fn reload(&self) -> Result<()> {
        self.client.refresh().await?;
        self.wait_for_text("Page load #").await
    }

    async fn text(&self) -> Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    /// Waits until the page shows `text`: no fixed sleeps, only polling with a limit.
    async fn wait_for_text(&self, text: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            let body = self.text().await.unwrap_or_default();
            if body.contains(text) {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                bail!("{text:?} never showed; the page says:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn session_settled(&self) -> Result<String> {
        let started = Instant::now();
        loop {
            let body = self.text().await?;
            if body.contains("Logged in as") || body.contains("Not logged in") {
                return Ok(body);
            }
            ensure!(
                started.elapsed() < WAIT,
                "the session check never finished:\n{body}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn field(&self, label: &str) -> Result<fantoccini::elements::Element> {
        let xpath = format!("//label[normalize-space(.)='{label}']//input");
        Ok(self.client.find(Locator::XPath(&xpath)).await?)
    }

    async fn type_into(&self, label: &str, text: &str) -> Result<()> {
        let field = self.field(label).await?;
        // Select all and delete, as a person would: clear() fires no input event.
        let select_all = format!("{}a", char::from(Key::Control));
        field.send_keys(&select_all).await?;
        field
            .send_keys(&char::from(Key::Backspace).to_string())
            .await?;
        if !text.is_empty() {
            field.send_keys(text).await?;
        }
        Ok(())
    }

    async fn click(&self, button: &str) -> Result<()> {
        let xpath = format!("//button[normalize-space(.)='{button}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await?
            .click()
            .await?;
        Ok(())
    }

    async fn choose(&self, label: &str) -> Result<()> {
        let xpath = format!("//label[normalize-space(.)='{label}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await?
            .click()
            .await?;
        Ok(())
    }

    async fn log_in(&self, username: &str, password: &str, remember: bool) -> Result<()> {
        self.type_into("Username", username).await?;
        self.type_into("Password", password).await?;
        if remember {
            self.field("Remember me").await?.click().await?;
        }
        self.click("Log in").await?;
        self.wait_for_text(&format!("Logged in as {username}"))
            .await
    }

    /// A cookie from the browser's own store, read through WebDriver, not the app.
    async fn browser_cookie(&self, name: &str) -> Result<Option<Cookie<'static>>> {
        Ok(self
            .client
            .get_all_cookies()
            .await?
            .into_iter()
            .find(|c| c.name() == name))
    }

    /// Replaces a cookie's value as devtools would.
    async fn overwrite_cookie(&self, name: &str, value: &str) -> Result<()> {
        let _ = self.client.delete_cookie(name).await;
        let mut cookie = Cookie::new(name.to_owned(), value.to_owned());
        cookie.set_path("/");
        // chromedriver refuses the nulls fantoccini sends for absent fields: give them all.
        cookie.set_domain("localhost");
        cookie.set_same_site(SameSite::Lax);
        self.client.add_cookie(cookie).await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- harness

/// One scenario's world: the static server, a Chromium profile of its own, and where
/// evidence goes if it fails.
struct Run {
    server: StaticServer,
    profile: PathBuf,
    artifacts: PathBuf,
}

impl Run {
    fn new(scenario: &str) -> Result<Self> {
        let crate_root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let dist = crate_root.join("dist");
        ensure!(
            dist.join("index.html").exists(),
            "no release build in {}: run `make test-e2e`, which builds it first",
            dist.display()
        );
        let profile =
            std::env::temp_dir().join(format!("crumbs-e2e-{scenario}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile)?;
        let artifacts = crate_root.join("target/e2e").join(scenario);
        let _ = std::fs::remove_dir_all(&artifacts);
        Ok(Self {
            server: StaticServer::start(dist)?,
            profile,
            artifacts,
        })
    }

    /// Saves what helps to see why a scenario failed.
    async fn save_failure(&self, browser: Option<&Browser>, error: &anyhow::Error) {
        let _ = std::fs::create_dir_all(&self.artifacts);
        let _ = std::fs::write(self.artifacts.join("error.txt"), format!("{error:?}"));
        if let Some(browser) = browser {
            if let Ok(png) = browser.client().screenshot().await {
                let _ = std::fs::write(self.artifacts.join("screenshot.png"), png);
            }
        }
        let _ = std::fs::copy(
            self.profile.join("chrome_debug.log"),
            self.artifacts.join("chromium-console.log"),
        );
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        // A Chromium left behind by a failure still holds the profile: end it first.
        let _ = Command::new("pkill")
            .arg("-f")
            .arg("--")
            .arg(format!("user-data-dir={}", self.profile.display()))
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

struct Ctx {
    run: Run,
    browser: Option<Browser>,
}

impl Ctx {
    /// The page at `path`, once its session check has answered.
    async fn opened(&self, path: &str) -> Result<Page<'_>> {
        let page = self.page();
        page.open(path).await?;
        page.session_settled().await?;
        Ok(page)
    }

    fn page(&self) -> Page<'_> {
        Page {
            client: self.browser.as_ref().expect("a running browser").client(),
            server: &self.run.server,
        }
    }

    /// Quits the browser and starts a new one on the same profile.
    async fn restart(&mut self) -> Result<()> {
        if let Some(browser) = self.browser.take() {
            browser.quit().await?;
        }
        self.browser = Some(Browser::start(&self.run.profile).await?);
        Ok(())
    }
}

/// Runs one scenario in a fresh browser; on failure saves the evidence; always cleans up.
async fn scenario(name: &str, body: impl AsyncFnOnce(&mut Ctx) -> Result<()>) {
    let run = Run::new(name).unwrap_or_else(|error| panic!("{name}: {error:?}"));
    let mut ctx = Ctx { run, browser: None };
    let outcome = match Browser::start(&ctx.run.profile).await {
        Ok(browser) => {
            ctx.browser = Some(browser);
            body(&mut ctx).await
        }
        Err(error) => Err(error),
    };
    if let Err(error) = &outcome {
        ctx.run.save_failure(ctx.browser.as_ref(), error).await;
    }
    if let Some(browser) = ctx.browser.take() {
        let _ = browser.quit().await;
    }
    let artifacts = ctx.run.artifacts.clone();
    drop(ctx);
    if let Err(error) = outcome {
        panic!(
            "{name} failed (evidence in {}): {error:?}",
            artifacts.display()
        );
    }
}

// ---------------------------------------------------------------- scenarios

#[tokio::test(flavor = "current_thread")]
async fn s1_first_visit() {
    scenario("s1-first-visit", async |ctx| {
        let page = ctx.page();
        page.open("/").await?;
        let body = page.session_settled().await?;
        ensure!(body.contains("Not logged in"), "{body}");
        ensure!(body.contains("Page load #1"), "{body}");
        ensure!(
            page.browser_cookie("crumbs.sid").await?.is_none(),
            "no session cookie yet"
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s2_login_then_reload_stays_logged_in() {
    scenario("s2-login-reload", async |ctx| {
        let page = ctx.opened("/").await?;
        page.log_in("alice", "wonderland", false).await?;
        let cookie = page
            .browser_cookie("crumbs.sid")
            .await?
            .ok_or_else(|| anyhow!("the browser's cookie store has no crumbs.sid after login"))?;
        ensure!(cookie.value().starts_with("s%3A"), "{}", cookie.value());
        page.reload().await?;
        let body = page.session_settled().await?;
        ensure!(body.contains("Logged in as alice"), "{body}");
        ensure!(body.contains("Page load #2"), "{body}");
        ensure!(
            body.contains("was already in the jar when this page loaded"),
            "{body}"
        );
        ensure!(body.contains("GET /api/session → 200 OK"), "{body}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s3_remember_me_survives_a_browser_restart_and_a_session_cookie_does_not() {
    scenario("s3-restart", async |ctx| {
        for (remember, expected) in [(true, "Logged in as alice"), (false, "Not logged in")] {
            {
                let page = ctx.page();
                page.open("/").await?;
                if page.session_settled().await?.contains("Logged in as") {
                    page.click("Log out").await?;
                    page.wait_for_text("Not logged in").await?;
                }
                page.log_in("alice", "wonderland", remember).await?;
            }
            ctx.restart().await?;
            let page = ctx.page();
            page.open("/").await?;
            let body = page.session_settled().await?;
            ensure!(
                body.contains(expected),
                "remember me {remember}, after a restart: {body}"
            );
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s4_tampering_is_refused_by_sessions_and_believed_by_cookie_only() {
    scenario("s4-tamper", async |ctx| {
        let page = ctx.opened("/").await?;
        page.log_in("alice", "wonderland", false).await?;
        let real = page
            .browser_cookie("crumbs.sid")
            .await?
            .context("a session cookie")?;
        let mut tampered = real.value().to_owned();
        let last = tampered.pop().context("a non-empty cookie")?;
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        page.overwrite_cookie("crumbs.sid", &tampered).await?;
        page.reload().await?;
        let body = page.session_settled().await?;
        ensure!(body.contains("Not logged in"), "{body}");
        ensure!(body.contains("signature does not match"), "{body}");
        ensure!(
            page.browser_cookie("crumbs.sid").await?.is_none(),
            "the bad cookie is cleared"
        );

        page.choose("Cookie only").await?;
        page.wait_for_text("Not logged in").await?;
        page.log_in("alice", "wonderland", false).await?;
        page.overwrite_cookie("crumbs.user", "admin").await?;
        page.reload().await?;
        let body = page.session_settled().await?;
        ensure!(body.contains("Logged in as admin"), "{body}");
        ensure!(body.contains("this server believes any cookie"), "{body}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s5_logout_then_a_replayed_cookie_is_still_refused() {
    scenario("s5-logout-replay", async |ctx| {
        let page = ctx.opened("/").await?;
        page.log_in("bob", "builder", false).await?;
        let old = page
            .browser_cookie("crumbs.sid")
            .await?
            .context("a session cookie")?;
        page.click("Log out").await?;
        page.wait_for_text("Not logged in").await?;
        page.reload().await?;
        ensure!(page.session_settled().await?.contains("Not logged in"));
        ensure!(
            page.browser_cookie("crumbs.sid").await?.is_none(),
            "the cookie is gone"
        );
        page.overwrite_cookie("crumbs.sid", old.value()).await?;
        page.reload().await?;
        let body = page.session_settled().await?;
        ensure!(body.contains("Not logged in"), "{body}");
        ensure!(body.contains("no such session"), "{body}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s6_an_expired_session_is_refused() {
    scenario("s6-expiry", async |ctx| {
        let page = ctx.opened("/?ttl=2").await?;
        page.log_in("alice", "wonderland", false).await?;
        // The countdown asks the server when the two seconds are up.
        page.wait_for_text("Not logged in").await?;
        let body = page.text().await?;
        ensure!(body.contains("The session expired"), "{body}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s7_the_memory_store_forgets_sessions_at_reload() {
    scenario("s7-memory-store", async |ctx| {
        let page = ctx.opened("/").await?;
        page.choose("Memory").await?;
        page.log_in("alice", "wonderland", false).await?;
        page.reload().await?;
        let body = page.session_settled().await?;
        ensure!(body.contains("Not logged in"), "{body}");
        ensure!(body.contains("keeps sessions in memory"), "{body}");
        ensure!(
            body.contains("was already in the jar when this page loaded"),
            "{body}"
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s8_bad_input_is_a_clear_error_and_loses_nothing() {
    scenario("s8-bad-input", async |ctx| {
        let page = ctx.opened("/").await?;
        page.log_in("alice", "wonderland", false).await?;
        page.type_into("Cookie name", "keep").await?;
        page.type_into("Cookie value", "me").await?;
        page.click("Set cookie").await?;
        page.wait_for_text("Set `keep`.").await?;

        page.type_into("Username", "").await?;
        page.click("Log in").await?;
        page.wait_for_text("Type a username").await?;

        page.type_into("Cookie name", "big").await?;
        page.type_into("Cookie value", &"x".repeat(5000)).await?;
        page.click("Set cookie").await?;
        page.wait_for_text("browsers keep at most 4096").await?;

        page.type_into("Cookie name", "semi;colon").await?;
        page.type_into("Cookie value", "v").await?;
        page.click("Set cookie").await?;
        page.wait_for_text("A cookie name cannot contain `;`")
            .await?;

        ensure!(page.text().await?.contains("Logged in as alice"));
        ensure!(
            page.browser_cookie("crumbs.sid").await?.is_some(),
            "the session cookie is intact"
        );
        ensure!(
            page.browser_cookie("keep").await?.is_some(),
            "the other cookie is intact"
        );
        ensure!(page.browser_cookie("big").await?.is_none());
        page.reload().await?;
        ensure!(
            page.session_settled().await?.contains("Logged in as alice"),
            "the session too"
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s9_the_editor_writes_attributes_the_browser_keeps_and_delete_removes() {
    scenario("s9-editor", async |ctx| {
        let page = ctx.opened("/").await?;
        page.type_into("Cookie name", "flavour").await?;
        page.type_into("Cookie value", "oat raisin").await?;
        page.type_into("Max-Age (seconds)", "3600").await?;
        let select = page
            .client
            .find(Locator::XPath(
                "//label[starts-with(normalize-space(.),'SameSite')]//select",
            ))
            .await?;
        select.select_by_value("Strict").await?;
        page.click("Set cookie").await?;
        page.wait_for_text("Set `flavour`.").await?;
        let cookie = page
            .browser_cookie("flavour")
            .await?
            .context("the cookie in the browser")?;
        ensure!(cookie.value() == "oat%20raisin", "{}", cookie.value());
        ensure!(
            cookie.same_site() == Some(SameSite::Strict),
            "{:?}",
            cookie.same_site()
        );
        ensure!(cookie.path() == Some("/"), "{:?}", cookie.path());
        let expires = cookie
            .expires_datetime()
            .context("a persistent cookie has an expiry")?
            .unix_timestamp();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64;
        ensure!(
            (expires - (now + 3600)).abs() < 60,
            "expires {expires}, now {now}"
        );
        page.wait_for_text("oat raisin").await?;
        page.client
            .find(Locator::XPath(
                "//tr[th[normalize-space(.)='flavour']]//button[normalize-space(.)='Delete']",
            ))
            .await?
            .click()
            .await?;
        let started = Instant::now();
        while page.browser_cookie("flavour").await?.is_some() {
            ensure!(started.elapsed() < WAIT, "Delete did not remove the cookie");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn s10_two_tabs_and_devtools_edits_show_up_without_a_reload() {
    scenario("s10-tabs-devtools", async |ctx| {
        let page = ctx.page();
        let client = page.client;
        page.open("/").await?;
        page.session_settled().await?;
        let first = client.window().await?;
        let second = client.new_window(true).await?.handle;
        client.switch_to_window(second.clone()).await?;
        page.open("/").await?;
        page.session_settled().await?;

        // Set a cookie in the first tab; the second tab's table follows.
        client.switch_to_window(first).await?;
        page.type_into("Cookie name", "from_tab").await?;
        page.type_into("Cookie value", "one").await?;
        page.click("Set cookie").await?;
        page.wait_for_text("Set `from_tab`.").await?;
        client.switch_to_window(second).await?;
        let started = Instant::now();
        page.wait_for_text("from_tab").await?;
        ensure!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );

        // Edit a cookie as devtools would (straight into the browser's store).
        page.overwrite_cookie("from_tab", "edited%20in%20devtools")
            .await?;
        let started = Instant::now();
        page.wait_for_text("edited in devtools").await?;
        ensure!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        Ok(())
    })
    .await;
}
