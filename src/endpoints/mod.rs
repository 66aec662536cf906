//! The endpoint table (data, from the protocol crate) and, in [`clap`], the typed subcommands
//! built from it.

pub use discord_protocol::endpoints::*;

pub mod clap;
