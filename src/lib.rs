//! `discord`: a command-line tool for the whole Discord API.
//!
//! The layout follows the architecture:
//! - [`cli`]: clap argument definitions (global flags, fixed subcommands).
//! - [`config`]: resolving flags, environment and the config file into [`config::Settings`].
//! - [`rest`]: the HTTP client, rate limits, request bodies, multipart and pagination.
//! - [`endpoints`]: the route table, one entry per Discord REST operation, from which the typed
//!   subcommands are built.
//! - [`gateway`]: the real-time gateway client (`discord listen`).
//! - [`sandbox`]: a local, stateful stand-in for Discord (REST and gateway).
//! - [`output`]: how responses reach stdout (pretty/compact JSON, colour).
//! - [`commands`]: thin glue, one module per subcommand.

pub mod cli;
pub mod commands;
pub mod config;
pub mod endpoints;
pub mod error;
pub mod gateway;
pub mod names;
pub mod output;
pub mod rest;
pub mod sandbox;
pub mod token;

pub use error::{Error, ErrorKind, Result};

/// The project's home page, sent in the User-Agent as Discord requires.
pub const PROJECT_URL: &str = "https://github.com/discord-cli/discord";

/// The version of this build, from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The User-Agent header value: `DiscordBot (<url>, <version>)`.
pub fn user_agent() -> String {
    format!("DiscordBot ({PROJECT_URL}, {VERSION})")
}
