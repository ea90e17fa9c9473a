//! The Yew user interface.

mod app;
pub mod components;
pub mod hooks;

pub use app::App;
