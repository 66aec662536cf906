//! `discord sandbox`: a local, stateful stand-in for Discord's REST API v10 and gateway on
//! 127.0.0.1, used by every end-to-end test and by users who want to try scripts safely.

pub mod events;
pub mod gateway;

use crate::{Error, Result};

/// The bot token the sandbox accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Port for the REST API (0: a free port).
    pub port: u16,
    /// The bot token it accepts.
    pub token: String,
}

/// A running sandbox; it serves until the process exits.
#[derive(Debug, Clone)]
pub struct Sandbox {
    api_url: String,
}

impl Sandbox {
    /// Starts the sandbox's servers on background threads.
    pub fn start(_options: SandboxOptions) -> Result<Sandbox> {
        Err(Error::runtime("the sandbox is not built yet"))
    }

    /// The REST base URL, e.g. `http://127.0.0.1:PORT/api/v10`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }
}
