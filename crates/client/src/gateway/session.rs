//! What survives a reconnect: the session id, the last sequence number and the URL to resume
//! at; plus the rule that a dispatch is passed on only if its sequence number is new.

/// How far below the last sequence number a dispatch still counts as a replay of one already
/// passed on. Discord numbers a session's dispatches one by one, and a RESUME replays only what
/// came after the `seq` it sent, so an overlap is a handful of events. A number further below
/// the last one means the server's numbering started over (or the last one was absurd, such as
/// 2^64-1): such dispatches are new, and dropping them would drop every later event.
pub const REPLAY_WINDOW: u64 = 1 << 20;

/// A gateway session, created from READY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `session_id` from READY, sent back in RESUME.
    pub id: String,
    /// The last dispatch sequence number received (sent in heartbeats and RESUME).
    pub seq: Option<u64>,
    /// `resume_gateway_url` from READY: where RESUME must connect. `None` when READY's was
    /// unusable, so the session cannot be resumed.
    pub resume_url: Option<String>,
}

impl Session {
    /// A new session as READY describes it.
    pub fn new(id: String, resume_url: Option<String>, seq: Option<u64>) -> Session {
        Session {
            id,
            seq,
            resume_url,
        }
    }

    /// Records a dispatch's sequence number; false when it was already seen (a replay after a
    /// resume that overlaps what was printed), so it must not be passed on again.
    pub fn accept(&mut self, s: Option<u64>) -> bool {
        match (s, self.seq) {
            (Some(s), Some(last)) if s <= last && last - s < REPLAY_WINDOW => false,
            (Some(s), _) => {
                self.seq = Some(s);
                true
            }
            (None, _) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_at_or_below_the_last_seq_are_dropped() {
        let mut s = Session::new("abc".into(), Some("ws://x".into()), Some(1));
        assert!(s.accept(Some(2)));
        assert!(s.accept(Some(3)));
        assert!(!s.accept(Some(2)));
        assert!(!s.accept(Some(3)));
        assert!(s.accept(Some(5)));
        assert!(!s.accept(Some(4)));
        assert_eq!(s.seq, Some(5));
        assert!(s.accept(None));
    }

    #[test]
    fn an_absurd_seq_does_not_swallow_the_events_after_it() {
        // Issue 14 item 17: one dispatch numbered 2^64-1 used to make every later one look
        // like a replay.
        let mut s = Session::new("abc".into(), None, Some(1));
        assert!(s.accept(Some(u64::MAX)));
        assert!(!s.accept(Some(u64::MAX)), "the same one again is a replay");
        assert!(s.accept(Some(2)));
        assert!(s.accept(Some(3)));
        assert_eq!(s.seq, Some(3));
    }
}
