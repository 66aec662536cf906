//! The real-time gateway client behind `discord listen`: the per-connection pieces (heartbeat,
//! send limits, identify gate), the session state machine, and the runner that drives it over
//! sockets. The protocol tables (intents, close codes, frames, inflaters) come from the protocol
//! crate and are re-exported here.
#![warn(missing_docs)]

pub use discord_protocol::gateway::{close_codes, frame, inflate, intents, json_check};

pub mod connection;
pub mod frame_reader;
pub mod handshake;
pub mod heartbeat;
pub mod identify_gate;
pub mod identify_queue;
pub mod limiter;
pub mod runner;
pub mod session;
pub mod session_file;
pub mod shard;
pub mod sink;
