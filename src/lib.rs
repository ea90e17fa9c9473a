//! Crumbs: browser cookies and login sessions you can watch, poke and break.
//!
//! Layers, each knowing only those below it: [`ui`] (Yew), [`client`] (the network),
//! [`server`] (the mock backend), [`cookies`] (the cookie layer), [`clock`].

pub mod client;
pub mod clock;
pub mod cookies;
pub mod server;
pub mod ui;
