//! Crumbs: browser cookies and login sessions you can watch, poke and break.
//!
//! The lab app. The pieces it is built from are crates of their own, each usable without
//! the lab: `crumbs-cookies` (the cookie layer), `crumbs-yew` (the hooks),
//! `crumbs-protocol` (the HTTP contract) and `crumbs-mock` (the in-page server).
//! [`lab`] starts them once per page load; [`backend`] says which backend answers; [`fetch`] reaches the real server,
//! `crumbs-server`; [`ui`] is the Yew interface, which reaches either backend only through
//! requests and the lab's own methods.

pub mod backend;
pub mod fetch;
pub mod forge;
pub mod lab;
pub mod timeline;
pub mod ui;
