//! The companion's test binary: the store's suite on SQLite and PostgreSQL, and the HTTP server
//! (website and `/api/v1`) against the dfns-emulator.

mod every_body;
mod http;
mod store;
mod support;
