//! Headless Chromium (Debian's, through its chromedriver) or headless Firefox ESR
//! (Debian's, through geckodriver), on a profile directory of the caller's.

use std::fs::OpenOptions;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use fantoccini::{Client, ClientBuilder};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
/// geckodriver is not in Debian: `make setup` builds it into Cargo's bin directory.
pub const GECKODRIVER: &str = "geckodriver";
const WAIT: Duration = Duration::from_secs(10);

/// Which browser a harness drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserKind {
    Chromium,
    Firefox,
}

impl BrowserKind {
    /// The environment variable that chooses the browser: `chromium` (the default) or
    /// `firefox`.
    pub const VAR: &'static str = "CRUMBS_BROWSER";

    /// The browser `CRUMBS_BROWSER` names; Chromium when it is unset or empty.
    pub fn from_env() -> Result<Self> {
        match std::env::var(Self::VAR) {
            Ok(name) => Self::parse(&name),
            Err(std::env::VarError::NotPresent) => Ok(Self::Chromium),
            Err(error) => bail!("{}: {error}", Self::VAR),
        }
    }

    fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "chromium" | "chrome" => Ok(Self::Chromium),
            "firefox" => Ok(Self::Firefox),
            other => bail!(
                "{}={other:?} names no browser this harness drives: use chromium or firefox",
                Self::VAR
            ),
        }
    }

    /// The browser's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Chromium => "Chromium",
            Self::Firefox => "Firefox",
        }
    }

    /// The name in file and directory names.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Chromium => "chromium",
            Self::Firefox => "firefox",
        }
    }
}

/// A WebDriver server and one browser on a profile directory; both end when dropped.
pub struct Browser {
    kind: BrowserKind,
    client: Option<Client>,
    driver: Child,
}

impl Browser {
    /// Headless Chromium, as the benchmarks and the screenshot use it.
    pub async fn start(profile: &Path) -> Result<Self> {
        Self::start_as(BrowserKind::Chromium, profile).await
    }

    /// Headless `kind` on `profile`, which it keeps between starts: starting again on the
    /// same directory is a browser restart.
    pub async fn start_as(kind: BrowserKind, profile: &Path) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let (program, output, errors) = match kind {
            BrowserKind::Chromium => (CHROMEDRIVER, Stdio::null(), Stdio::null()),
            // Firefox prints the page's console to its standard output (see the prefs
            // below), which geckodriver passes on: that file is Firefox's console log.
            BrowserKind::Firefox => {
                let log = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(Self::console_log_path(kind, profile))
                    .context("opening Firefox's console log")?;
                let errors = log.try_clone()?;
                (GECKODRIVER, Stdio::from(log), Stdio::from(errors))
            }
        };
        let driver = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(output)
            .stderr(errors)
            .spawn()
            .with_context(|| format!("starting {program} (make setup installs it)"))?;
        let mut browser = Self {
            kind,
            client: None,
            driver,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(
                started.elapsed() < WAIT,
                "{program} did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let capabilities = match kind {
            BrowserKind::Chromium => serde_json::json!({
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-quic",
                        "--no-first-run", "--enable-logging", "--v=0",
                        "--window-size=1200,1000",
                        format!("--user-data-dir={}", profile.display()),
                    ]
                }
            }),
            // `-profile` makes geckodriver use the directory in place instead of a
            // temporary copy, so what Firefox saves at quit is there at the next start.
            BrowserKind::Firefox => serde_json::json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": FIREFOX,
                    "args": ["-headless", "-profile", profile.display().to_string()],
                    "prefs": firefox_prefs(),
                }
            }),
        };
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("the capabilities are written as an object above")
        };
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .with_context(|| format!("opening a {} session", kind.name()))?;
        if kind == BrowserKind::Firefox {
            // Chromium takes its size as an argument; Firefox through WebDriver.
            client.set_window_size(1200, 1000).await?;
        }
        browser.client = Some(client);
        Ok(browser)
    }

    pub fn kind(&self) -> BrowserKind {
        self.kind
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("a live session")
    }

    /// Where the browser's console messages go for a run on `profile`: Chromium writes
    /// `chrome_debug.log` into its profile (`--enable-logging`); Firefox's come through
    /// geckodriver's output, which is kept beside them.
    pub fn console_log_path(kind: BrowserKind, profile: &Path) -> PathBuf {
        match kind {
            BrowserKind::Chromium => profile.join("chrome_debug.log"),
            BrowserKind::Firefox => profile.join("geckodriver-console.log"),
        }
    }

    /// Quits the browser the way a person would, so it saves its cookies to the profile.
    pub async fn quit(mut self) -> Result<()> {
        if let Some(client) = self.client.take() {
            client.close().await?;
        }
        Ok(())
    }
}

/// Firefox preferences for a test run: the page's console on standard output, and none
/// of the background traffic a first start makes (the machine may have no network).
fn firefox_prefs() -> serde_json::Value {
    serde_json::json!({
        "devtools.console.stdout.content": true,
        "app.update.disabledForTesting": true,
        "browser.shell.checkDefaultBrowser": false,
        "browser.safebrowsing.malware.enabled": false,
        "browser.safebrowsing.phishing.enabled": false,
        "browser.safebrowsing.downloads.enabled": false,
        "datareporting.policy.dataSubmissionEnabled": false,
        "toolkit.telemetry.reportingpolicy.firstRun": false,
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
        "extensions.update.enabled": false,
    })
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_variable_names_chromium_or_firefox_and_nothing_else() {
        assert_eq!(BrowserKind::parse("").unwrap(), BrowserKind::Chromium);
        assert_eq!(
            BrowserKind::parse("chromium").unwrap(),
            BrowserKind::Chromium
        );
        assert_eq!(BrowserKind::parse("Firefox").unwrap(), BrowserKind::Firefox);
        let error = BrowserKind::parse("safari").unwrap_err().to_string();
        assert!(error.contains("use chromium or firefox"), "{error}");
    }
}
