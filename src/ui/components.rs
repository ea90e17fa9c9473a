//! One component per file.

mod cookie_table;

pub use cookie_table::CookieTable;
