//! The Discord client: REST ([`rest`]: auth, rate limits, bodies, multipart, paging, retries) and
//! the gateway ([`gateway`]: the shard state machine and the runner that drives it). It parses no
//! arguments and prints nothing of its own: what it has to tell the user goes through the
//! [`Notice`] callback its options carry, and everything else is a return value.

pub mod gateway;
pub mod rest;

pub use discord_protocol::{endpoints, error, token, user_agent, Error, ErrorKind, Result};

/// Where the client reports what the user should know but that is not a result (a wait for a
/// rate limit, a retry, a reconnect): one line of text at a time, without a trailing newline.
/// The command line prints it on stderr; a test may collect it.
#[derive(Clone)]
pub struct Notice(std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl Notice {
    /// A notice that hands each line to `report`.
    pub fn new(report: impl Fn(&str) + Send + Sync + 'static) -> Notice {
        Notice(std::sync::Arc::new(report))
    }

    /// Reports one line.
    pub fn say(&self, text: &str) {
        (self.0)(text)
    }
}

impl std::fmt::Debug for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notice")
    }
}

/// Where the client writes telemetry (`--trace`): one JSON object per HTTP request or gateway
/// connection event, never holding a token. The command line appends each as a line to a file.
#[derive(Clone)]
pub struct Trace(std::sync::Arc<dyn Fn(&serde_json::Value) + Send + Sync>);

impl Trace {
    /// A trace that hands each record to `record`.
    pub fn new(record: impl Fn(&serde_json::Value) + Send + Sync + 'static) -> Trace {
        Trace(std::sync::Arc::new(record))
    }

    /// Records one event.
    pub fn record(&self, event: &serde_json::Value) {
        (self.0)(event)
    }
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trace")
    }
}

/// Seconds since the Unix epoch, for trace records.
pub fn epoch_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
