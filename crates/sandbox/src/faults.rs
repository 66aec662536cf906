//! Fault injection and the request log, driven by the admin routes under `/_sandbox/`: the next
//! N requests to a route can be answered with a chosen status (429, 502, ...), a raw body, a
//! truncated body or a dropped connection, and every API request is recorded for tests.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::Value;

/// Requests kept in the log.
const LOG_LIMIT: usize = 100_000;

/// One injected fault, as posted to `/_sandbox/faults`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Fault {
    /// The method it applies to.
    pub method: String,
    /// The exact API path (after `/api/v10`, no query).
    pub path: String,
    /// The status to answer with.
    #[serde(default = "default_status")]
    pub status: u16,
    /// How many requests it applies to.
    #[serde(default = "default_count")]
    pub count: u32,
    /// For 429s: the `retry_after` to put in the body (omitted when absent).
    #[serde(default)]
    pub retry_after: Option<f64>,
    /// For 429s: whether it is the global limit.
    #[serde(default)]
    pub global: bool,
    /// A raw body to send instead of Discord's JSON.
    #[serde(default)]
    pub body: Option<String>,
    /// Announce a longer body than is sent, then close.
    #[serde(default)]
    pub truncate: bool,
    /// Drop the connection without answering.
    #[serde(default)]
    pub close: bool,
    /// How many matching requests pass untouched before the fault applies (to fail, say, the
    /// second page of a walk).
    #[serde(default)]
    pub skip: u32,
}

fn default_status() -> u16 {
    500
}

fn default_count() -> u32 {
    1
}

/// Pending faults and the request log.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Vec<Fault>>,
    next_id: AtomicU64,
    log: Mutex<VecDeque<Value>>,
}

impl Faults {
    /// Adds a fault and returns its id (1, 2, ...), which the admin route reports.
    pub fn add(&self, fault: Fault) -> u64 {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(fault);
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Takes one use of the first fault matching this request, if any.
    pub fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let i = pending
            .iter()
            .position(|f| f.method.eq_ignore_ascii_case(method) && f.path == path)?;
        if pending[i].skip > 0 {
            pending[i].skip -= 1;
            return None;
        }
        let fault = pending[i].clone();
        if pending[i].count <= 1 {
            pending.remove(i);
        } else {
            pending[i].count -= 1;
        }
        Some(fault)
    }

    /// Drops every queued fault; returns how many there were (counting each by its remaining
    /// uses).
    pub fn clear(&self) -> u64 {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let n = pending.iter().map(|f| u64::from(f.count.max(1))).sum();
        pending.clear();
        n
    }

    /// Records a request.
    pub fn record(&self, entry: Value) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= LOG_LIMIT {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// The log, oldest first.
    pub fn log(&self) -> Vec<Value> {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Empties the log.
    pub fn clear_log(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_count_times_to_their_route() {
        let faults = Faults::default();
        let id = faults.add(
            serde_json::from_str(r#"{"method":"POST","path":"/a","status":429,"count":2}"#)
                .unwrap(),
        );
        assert_eq!(id, 1);
        assert!(faults.take("GET", "/a").is_none());
        assert_eq!(faults.take("post", "/a").unwrap().status, 429);
        assert!(faults.take("POST", "/a").is_some());
        assert!(faults.take("POST", "/a").is_none());
    }

    #[test]
    fn clear_drops_every_queued_fault() {
        let faults = Faults::default();
        for path in ["/a", "/b"] {
            faults.add(Fault {
                method: "GET".into(),
                path: path.into(),
                status: 502,
                count: 2,
                retry_after: None,
                global: false,
                body: None,
                truncate: false,
                close: false,
                skip: 0,
            });
        }
        assert_eq!(faults.clear(), 4);
        assert!(faults.take("GET", "/a").is_none());
        assert!(faults.take("GET", "/b").is_none());
        assert_eq!(faults.clear(), 0);
    }
}
