//! What the end-to-end tests and the benchmarks share: a static file server and a
//! headless Chromium or Firefox driven through WebDriver.

mod browser;
mod static_server;

pub use browser::{Browser, BrowserKind, CHROMEDRIVER, CHROMIUM, FIREFOX, GECKODRIVER};
pub use static_server::StaticServer;
