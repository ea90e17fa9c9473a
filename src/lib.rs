//! Crumbs: browser cookies and login sessions you can watch, poke and break.
//!
//! Layers, each knowing only those below it: [`ui`] (Yew) over [`cookies`] (the cookie
//! layer) over [`clock`].

pub mod clock;
pub mod cookies;
pub mod server;
pub mod ui;
