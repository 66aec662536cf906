//! Spaces IDENTIFYs as Discord requires: `max_concurrency` per 5 s, and no more than the
//! daily session start limit, warning when few are left. A shard takes a slot before it
//! connects ([`IdentifyGate::acquire`]) and spends one session start only when its IDENTIFY
//! actually goes out ([`IdentifyGate::spend`]); a connection that ended before that gives the
//! slot back ([`IdentifyGate::release`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::runner::{GatewayInfo, Stop};
use crate::Notice;
use crate::{Error, ErrorKind, Result};

/// Discord's window for `max_concurrency` IDENTIFYs.
const IDENTIFY_WINDOW: Duration = Duration::from_secs(5);

/// Spaces IDENTIFYs: one per rate-limit key (`shard_id % max_concurrency`) per 5 s, and no more
/// than the session start limit allows.
#[derive(Debug)]
pub struct IdentifyGate {
    inner: Mutex<GateInner>,
    max_concurrency: u32,
    notice: Notice,
}

#[derive(Debug)]
struct GateInner {
    /// When each rate-limit key last let an IDENTIFY through.
    last: HashMap<u32, Instant>,
    /// Slots taken but not yet spent, by shard id: the key's previous time, to give back.
    held: HashMap<u32, Option<Instant>>,
    total: u64,
    remaining: u64,
    reset_at: Instant,
    identified: bool,
}

impl IdentifyGate {
    /// A gate from `/gateway/bot`'s `session_start_limit`.
    pub fn new(info: &GatewayInfo, notice: Notice) -> IdentifyGate {
        IdentifyGate {
            inner: Mutex::new(GateInner {
                last: HashMap::new(),
                held: HashMap::new(),
                total: info.total,
                remaining: info.remaining,
                reset_at: Instant::now() + info.reset_after,
                identified: false,
            }),
            max_concurrency: info.max_concurrency.max(1),
            notice,
        }
    }

    /// Waits until shard `id` may IDENTIFY and takes the slot; false when stopped while
    /// waiting. With no session starts left before the first IDENTIFY, fails with when they
    /// reset.
    pub fn acquire(&self, id: u32, stop: &Stop) -> Result<bool> {
        let key = id % self.max_concurrency;
        loop {
            let now = Instant::now();
            let wait = {
                let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
                if g.remaining == 0 && now >= g.reset_at {
                    g.remaining = g.total;
                    g.reset_at = now + Duration::from_secs(24 * 3600);
                }
                if g.remaining == 0 {
                    let left = g.reset_at - now;
                    let when = describe_wait(left);
                    if !g.identified {
                        return Err(Error::new(
                            ErrorKind::Gateway,
                            format!("no gateway session starts left today (0 of {}): Discord resets the limit in {when}; try again then (more IDENTIFYs now would get the token reset)", g.total),
                        ));
                    }
                    self.notice.say(&format!(
                        "gateway: no session starts left; waiting {when} for Discord to reset the limit"
                    ));
                    left
                } else {
                    match g.last.get(&key) {
                        Some(t) if now < *t + IDENTIFY_WINDOW => *t + IDENTIFY_WINDOW - now,
                        previous => {
                            let previous = previous.copied();
                            g.held.insert(id, previous);
                            g.last.insert(key, now);
                            return Ok(true);
                        }
                    }
                }
            };
            if !stop.sleep(wait) {
                return Ok(false);
            }
        }
    }
}

impl IdentifyGate {
    /// Shard `id` sent its IDENTIFY: one session start is used.
    pub fn spend(&self, id: u32) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.held.remove(&id);
        g.remaining = g.remaining.saturating_sub(1);
        g.identified = true;
        if g.remaining <= (g.total / 10).max(1) {
            self.notice.say(&format!(
                "gateway: warning: only {} of {} session starts (IDENTIFYs) left; they reset in {}",
                g.remaining,
                g.total,
                describe_wait(g.reset_at.saturating_duration_since(Instant::now()))
            ));
        }
    }

    /// Shard `id`'s connection ended without sending the IDENTIFY its slot was for: the slot
    /// goes back, so the retry does not wait out a window nothing used.
    pub fn release(&self, id: u32) {
        let key = id % self.max_concurrency;
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(previous) = g.held.remove(&id) {
            match previous {
                Some(t) => g.last.insert(key, t),
                None => g.last.remove(&key),
            };
        }
    }
}

fn describe_wait(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 3600 {
        format!("{}h {}m", secs / 3600, secs % 3600 / 60)
    } else if secs >= 60 {
        format!("{}m {}s", secs / 60, secs % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_refuses_when_no_starts_are_left() {
        let v = serde_json::json!({"url": "wss://g", "session_start_limit": {"total": 1000, "remaining": 0, "reset_after": 3_600_000, "max_concurrency": 1}});
        let gate = IdentifyGate::new(&GatewayInfo::from_json(&v).unwrap(), Notice::new(|_| {}));
        let err = gate.acquire(0, &Stop::default()).unwrap_err();
        assert!(
            err.message.contains("resets the limit in"),
            "{}",
            err.message
        );
    }

    #[test]
    fn gate_lets_one_identify_per_key_through() {
        let v = serde_json::json!({"url": "wss://g", "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 2}});
        let gate = IdentifyGate::new(&GatewayInfo::from_json(&v).unwrap(), Notice::new(|_| {}));
        let stop = Stop::default();
        assert!(gate.acquire(0, &stop).unwrap());
        assert!(gate.acquire(1, &stop).unwrap());
        gate.spend(0);
        // Shard 2 shares shard 0's key: it must wait, so a stop ends the wait.
        stop.request();
        assert!(!gate.acquire(2, &stop).unwrap());
    }

    #[test]
    fn only_a_sent_identify_uses_a_session_start() {
        let v = serde_json::json!({"url": "wss://g", "session_start_limit": {"total": 1000, "remaining": 2, "reset_after": 3_600_000, "max_concurrency": 1}});
        let gate = IdentifyGate::new(&GatewayInfo::from_json(&v).unwrap(), Notice::new(|_| {}));
        let stop = Stop::default();
        // Connections that end before their IDENTIFY give the slot back: no wait, no start used.
        for _ in 0..5 {
            assert!(gate.acquire(0, &stop).unwrap());
            gate.release(0);
        }
        assert!(gate.acquire(0, &stop).unwrap());
        gate.spend(0);
        gate.release(0); // after a spend, nothing to give back
        let g = gate.inner.lock().unwrap();
        assert_eq!(g.remaining, 1);
        assert!(g.last.contains_key(&0));
    }
}
