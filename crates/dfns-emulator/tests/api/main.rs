//! The Dfns emulator served on loopback, driven by our client, software authenticators and raw
//! HTTP: what it accepts, what it refuses and with which error, and what survives a restart.

mod bodies;
mod credential_codes;
mod every_body;
mod files;
mod http_edges;
mod identity;
mod recovery;
mod rejections;
mod restart;
mod support;
mod wallets;
