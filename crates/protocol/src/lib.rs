//! Discord's protocol as data, shared by the client, the sandbox and the command line:
//! - [`error`]: the one error type (a kind that decides the exit code, and a one-line message);
//! - [`token`]: the bot token as a type that never prints itself;
//! - [`method`]: the HTTP methods Discord uses;
//! - [`endpoints`]: the REST endpoint table (one row per operation, with paging and form layout);
//! - [`gateway`]: intents, frames, close codes and transport compression (receiving side);
//! - [`paging`]: how list endpoints page (cursors, where items and ids are).
//!
//! Nothing here does I/O: it is the vocabulary the crates above it speak.

pub mod endpoints;
pub mod error;
pub mod gateway;
pub mod method;
pub mod paging;
pub mod token;

pub use error::{Error, ErrorKind, Result};
pub use method::Method;

/// Requests per second Discord allows a bot across all routes, unless Discord raised that
/// bot's limit (docs: "Rate Limits > Global Rate Limit").
pub const GLOBAL_PER_SECOND: u32 = 50;

/// The project's home page, sent in the User-Agent as Discord requires.
pub const PROJECT_URL: &str = "https://github.com/discord-cli/discord";

/// The version of this build, from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The User-Agent header value: `DiscordBot (<url>, <version>)`.
pub fn user_agent() -> String {
    format!("DiscordBot ({PROJECT_URL}, {VERSION})")
}
