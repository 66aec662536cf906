//! The heartbeat schedule: the first beat after `interval * jitter`, then one per interval, and
//! the zombie check (no op 11 ACK since the previous beat). Source: Discord docs, "Gateway >
//! Sending Heartbeats".

use std::time::{Duration, Instant};

/// The heartbeat state of one connection.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    interval: Duration,
    next: Instant,
    acked: bool,
    sent_at: Option<Instant>,
    /// The time between the last beat and its ACK.
    pub latency: Option<Duration>,
}

/// A beat is due but the previous one was never acknowledged: the connection is a zombie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zombie;

impl Heartbeat {
    /// Starts the schedule at HELLO; `jitter` is uniform in [0, 1).
    pub fn new(interval: Duration, now: Instant, jitter: f64) -> Heartbeat {
        Heartbeat {
            interval,
            next: now + interval.mul_f64(jitter.clamp(0.0, 1.0)),
            acked: true,
            sent_at: None,
            latency: None,
        }
    }

    /// When the next timed beat is due.
    pub fn deadline(&self) -> Instant {
        self.next
    }

    /// Whether a timed beat is due.
    pub fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// Takes the timed beat: schedules the next one, or reports a zombie when the last beat
    /// was never acknowledged.
    pub fn beat(&mut self, now: Instant) -> Result<(), Zombie> {
        if !self.acked {
            return Err(Zombie);
        }
        self.next = now + self.interval;
        self.sent(now);
        Ok(())
    }

    /// Records a beat sent because the server asked for one (op 1); the schedule stays.
    pub fn sent(&mut self, now: Instant) {
        self.acked = false;
        self.sent_at = Some(now);
    }

    /// Records an op 11 ACK; true when it answers a beat we sent (an ACK nobody asked for
    /// says nothing about the connection).
    pub fn ack(&mut self, now: Instant) -> bool {
        self.acked = true;
        match self.sent_at.take() {
            Some(at) => {
                self.latency = Some(now.saturating_duration_since(at));
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_beat_is_jittered_then_every_interval() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(Duration::from_millis(1000), t0, 0.25);
        assert!(!hb.due(t0 + Duration::from_millis(249)));
        assert!(hb.due(t0 + Duration::from_millis(250)));
        let t1 = t0 + Duration::from_millis(250);
        hb.beat(t1).unwrap();
        assert_eq!(hb.deadline(), t1 + Duration::from_millis(1000));
    }

    #[test]
    fn a_missing_ack_is_a_zombie() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(Duration::from_millis(100), t0, 0.0);
        hb.beat(t0).unwrap();
        assert!(hb.ack(t0 + Duration::from_millis(5)));
        assert!(
            !hb.ack(t0 + Duration::from_millis(6)),
            "nothing was outstanding"
        );
        assert_eq!(hb.latency, Some(Duration::from_millis(5)));
        hb.beat(t0 + Duration::from_millis(100)).unwrap();
        assert_eq!(hb.beat(t0 + Duration::from_millis(200)), Err(Zombie));
    }
}
