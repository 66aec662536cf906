//! `discord sandbox`: a local, stateful stand-in for Discord's REST API v10 and gateway on
//! 127.0.0.1, used by every end-to-end test and by users who want to try scripts safely.
//!
//! - [`http`]: the small HTTP/1.1 server; [`multipart`]: upload parsing.
//! - [`state`]: the seeded world ([`World`]) that REST and gateway share.
//! - [`routes`]: the REST routes; [`ratelimit`]: Discord-shaped buckets and 429s.
//! - [`faults`]: injected faults and the request log (admin routes under `/_sandbox/`).
//! - [`events`]: REST writes become gateway dispatches; [`gateway`]: the WebSocket side.
//! - [`replay`]: `--replay`, a prebuilt gateway stream for benchmarks.

pub mod apps;
pub mod cdn;
pub mod compress;
pub mod events;
pub mod faults;
pub mod gateway;
pub mod http;
pub mod interactions;
pub mod multipart;
pub mod ratelimit;
pub mod replay;
pub mod routes;
pub mod state;
pub mod trigger;

use std::net::TcpListener;
use std::sync::Arc;

pub use state::World;

pub use discord_protocol::{Error, ErrorKind, Result};

/// The bot token the sandbox accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Port for the REST API (0: a free port).
    pub port: u16,
    /// The bot token it accepts.
    pub token: String,
    /// Multiplies every rate-limit window (1.0: Discord's; smaller for fast tests).
    pub rate_limit_scale: f64,
    /// Whether rate limits are enforced at all.
    pub rate_limits: bool,
    /// Requests per second allowed across all routes.
    pub global_limit: u32,
}

impl SandboxOptions {
    /// Defaults: a free port, the default token, Discord's limits.
    pub fn new(token: impl Into<String>) -> SandboxOptions {
        SandboxOptions {
            port: 0,
            token: token.into(),
            rate_limit_scale: 1.0,
            rate_limits: true,
            global_limit: discord_protocol::GLOBAL_PER_SECOND,
        }
    }
}

/// Opens the REST port (0: a free one).
fn bind_rest(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        Error::runtime(format!(
            "cannot listen on 127.0.0.1:{port}: {e} (choose another --port)"
        ))
    })
}

/// A running sandbox; it serves until the process exits.
#[derive(Debug, Clone)]
pub struct Sandbox {
    api_url: String,
    gateway_url: String,
    world: Arc<World>,
}

impl Sandbox {
    /// Starts the sandbox's servers on background threads.
    pub fn start(options: SandboxOptions) -> Result<Sandbox> {
        let rest = bind_rest(options.port)?;
        let gateway = TcpListener::bind(("127.0.0.1", 0))
            .map_err(|e| Error::runtime(format!("cannot open the gateway port: {e}")))?;
        let rest_addr = rest.local_addr()?;
        let gateway_addr = gateway.local_addr()?;
        let gateway_url = format!("ws://{gateway_addr}");
        let world = Arc::new(World::new(
            options.token,
            ratelimit::Limits::new(
                options.rate_limit_scale,
                options.rate_limits,
                options.global_limit,
            ),
            gateway_url.clone(),
        ));
        world.cdn.set_base(format!("http://{rest_addr}/cdn"));
        gateway::serve(gateway, Arc::clone(&world));
        let routes_world = Arc::clone(&world);
        http::serve(rest, move |req| routes::handle(&routes_world, req));
        Ok(Sandbox {
            api_url: format!("http://{rest_addr}{}", routes::API_PREFIX),
            gateway_url,
            world,
        })
    }

    /// The REST base URL, e.g. `http://127.0.0.1:PORT/api/v10`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The gateway URL, e.g. `ws://127.0.0.1:PORT`.
    pub fn gateway_url(&self) -> &str {
        &self.gateway_url
    }

    /// The shared world (for in-process tests).
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }
}
