#![doc = include_str!("../README.md")]
#![deny(missing_docs, missing_debug_implementations)]

pub mod client;
pub mod server;

pub use client::Client;
pub use server::MockServer;
