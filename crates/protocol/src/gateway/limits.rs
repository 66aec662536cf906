//! Discord's gateway send limits (docs: "Gateway > Rate Limiting"), shared by the client that keeps
//! them and the sandbox that enforces them.

use std::time::Duration;

/// Discord's send limit per window.
pub const SENDS_PER_WINDOW: usize = 120;
/// The window of the send limit.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The largest payload Discord accepts.
pub const MAX_PAYLOAD_BYTES: usize = 4096;
