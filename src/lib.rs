//! `discord`: a command-line tool for the whole Discord API. This crate is the command line;
//! the layers under it are crates of their own, each depending only on those below it:
//!
//! ```text
//! discord-cli (this crate: clap, output, config, one thin module per subcommand, the binary)
//!  ├── discord-client   (REST client and gateway client; no clap, no printing)
//!  │    └── discord-protocol
//!  ├── discord-sandbox  (the local stand-in for Discord; never uses the client)
//!  │    └── discord-protocol
//!  └── discord-protocol (tokens, errors, intents, frames, compression, the endpoint table)
//! ```
//!
//! Here:
//! - [`cli`]: clap argument definitions (global flags, fixed subcommands).
//! - [`config`]: resolving flags, environment and the config file into [`config::Settings`].
//! - [`request`]: the request pipeline shared by the raw, typed, `send-message` and `batch`
//!   commands (arguments to a request, sending it, printing pages).
//! - [`endpoints`]: the endpoint table (from the protocol crate) and the clap commands built from it.
//! - [`export`]: `discord export`, archives of guilds, channels and threads.
//! - [`output`]: how responses reach stdout (pretty/compact JSON, colour) and diagnostics stderr.
//! - [`listen`]: what `listen` does with a dispatch besides printing it (filters, handlers).
//! - [`names`]: names, mentions, links and times where ids are taken, and the names cache.
//! - [`commands`]: thin glue, one module per subcommand.
//!
//! The lower crates are re-exported under their old names ([`rest`], [`gateway`], [`sandbox`],
//! [`token`], [`error`]) so that paths read the same from every layer.

pub mod cli;
pub mod commands;
pub mod config;
pub mod endpoints;
pub mod export;
pub mod listen;
pub mod names;
pub mod output;
pub mod request;

pub use discord_client::{gateway, rest};
pub use discord_protocol::{
    error, suggest, token, user_agent, Error, ErrorKind, Result, PROJECT_URL, VERSION,
};
pub use discord_sandbox as sandbox;
