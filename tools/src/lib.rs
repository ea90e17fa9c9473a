//! What the end-to-end tests and the benchmarks share: a static file server and a
//! headless Chromium driven through chromedriver.

mod browser;
mod static_server;

pub use browser::{Browser, CHROMEDRIVER, CHROMIUM};
pub use static_server::StaticServer;
