//! What survives a reconnect: the session id, the last sequence number and the URL to resume
//! at; plus the rule that a dispatch is passed on only if its sequence number is new.

/// A gateway session, created from READY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `session_id` from READY, sent back in RESUME.
    pub id: String,
    /// The last dispatch sequence number received (sent in heartbeats and RESUME).
    pub seq: Option<u64>,
    /// `resume_gateway_url` from READY: where RESUME must connect.
    pub resume_url: String,
}

impl Session {
    /// A new session as READY describes it.
    pub fn new(id: String, resume_url: String, seq: Option<u64>) -> Session {
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
            (Some(s), Some(last)) if s <= last => false,
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
        let mut s = Session::new("abc".into(), "ws://x".into(), Some(1));
        assert!(s.accept(Some(2)));
        assert!(s.accept(Some(3)));
        assert!(!s.accept(Some(2)));
        assert!(!s.accept(Some(3)));
        assert!(s.accept(Some(5)));
        assert!(!s.accept(Some(4)));
        assert_eq!(s.seq, Some(5));
        assert!(s.accept(None));
    }
}
