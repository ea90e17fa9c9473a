//! The Yew user interface.

mod app;
pub mod components;
pub mod hooks;
pub mod lab;
pub mod state;

pub use app::App;
