//! The real-time gateway client behind `discord listen`: the protocol tables (intents, close
//! codes), the per-connection pieces (heartbeat, zlib-stream, send limits), the session state
//! machine, and the runner that drives it over sockets.
#![warn(missing_docs)]

pub mod close_codes;
pub mod connection;
pub mod frame;
pub mod heartbeat;
pub mod identify_gate;
pub mod inflate;
pub mod intents;
pub mod limiter;
pub mod runner;
pub mod session;
pub mod shard;
pub mod sink;
