//! The client-side gateway send limits: 120 payloads per connection per 60 s and 4096 bytes per
//! payload (Discord closes with 4008 or 4002 otherwise). Commands from `--stdin` are refused
//! with an error before they could cost the connection; a few slots stay free for heartbeats.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::{Error, Result};

pub use discord_protocol::gateway::limits::{MAX_PAYLOAD_BYTES, SENDS_PER_WINDOW, WINDOW};

/// Slots kept for heartbeats, IDENTIFY and RESUME.
pub const RESERVED: usize = 5;

/// Counts the sends of one connection.
#[derive(Debug, Default, Clone)]
pub struct SendLimiter {
    sent: VecDeque<Instant>,
}

impl SendLimiter {
    fn expire(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.sent.pop_front();
        }
    }

    /// Records a protocol send (heartbeat, IDENTIFY, RESUME): always allowed.
    pub fn record(&mut self, now: Instant) {
        self.expire(now);
        self.sent.push_back(now);
    }

    /// Checks and records a user command; refuses it when too big or when it would eat into
    /// the reserved slots.
    pub fn admit(&mut self, payload: &str, now: Instant) -> Result<()> {
        check_size(payload)?;
        self.expire(now);
        if self.sent.len() + RESERVED >= SENDS_PER_WINDOW {
            let wait = self
                .sent
                .front()
                .map_or(Duration::ZERO, |t| WINDOW.saturating_sub(now - *t));
            return Err(Error::usage(format!(
                "gateway command not sent: Discord allows {SENDS_PER_WINDOW} sends per 60 s on a connection and this one is at the limit; send it again in {:.1} s",
                wait.as_secs_f64()
            )));
        }
        self.sent.push_back(now);
        Ok(())
    }

    /// Forgets every send: for a new connection.
    pub fn reset(&mut self) {
        self.sent.clear();
    }
}

/// Refuses a payload over 4096 bytes.
pub fn check_size(payload: &str) -> Result<()> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(Error::usage(format!(
            "gateway command not sent: it is {} bytes and Discord accepts at most {MAX_PAYLOAD_BYTES}; split it (e.g. fewer user_ids)",
            payload.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_commands_stop_short_of_the_limit_and_recover() {
        let t0 = Instant::now();
        let mut l = SendLimiter::default();
        for _ in 0..SENDS_PER_WINDOW - RESERVED {
            l.admit("{}", t0).unwrap();
        }
        let err = l.admit("{}", t0).unwrap_err();
        assert!(err.message.contains("120 sends per 60 s"));
        // Heartbeats still go out.
        l.record(t0);
        assert!(l.admit("{}", t0 + WINDOW).is_ok());
    }

    #[test]
    fn payloads_over_4096_bytes_are_refused() {
        let mut l = SendLimiter::default();
        let big = "x".repeat(4097);
        assert!(l
            .admit(&big, Instant::now())
            .unwrap_err()
            .message
            .contains("4097 bytes"));
        assert!(check_size(&"x".repeat(4096)).is_ok());
    }
}
