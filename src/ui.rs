//! The Yew user interface.

mod app;
pub mod components;

pub use app::App;
