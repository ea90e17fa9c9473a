//! The Yew user interface.

mod app;
pub mod components;
pub mod context;
pub mod saved_log;
pub mod state;

pub use app::App;
