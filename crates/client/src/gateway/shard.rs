//! The connection state machine of one shard: named states and one [`Shard::process`] step
//! that turns what happened (a payload, a tick, a close) into the one thing to do next. It does
//! no I/O, so every transition is unit-tested; [`super::runner`] does the sockets.
//! Source: Discord docs, "Gateway > Connection Lifecycle" and "Resuming".

use std::time::{Duration, Instant};

use super::close_codes::{self, Recovery};
use super::frame::{self, IdentifyConfig};
use super::heartbeat::Heartbeat;
use super::intents;
use super::session::Session;
use crate::{Error, ErrorKind};

/// How long a new connection may wait for HELLO before it is given up and retried.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(20);

/// Longest wait between failed connection attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Heartbeat ACKs after READY that make a session count as established. One that ends (4007,
/// 4009, op 9 `false`) before that is a failure: in a row, they make the next IDENTIFY wait
/// longer and longer, since each uses up one of the day's session starts. Counted in
/// heartbeats rather than seconds so that it follows the server's pace: about a minute on
/// Discord (41.25 s beats), well under a second on a sandbox told to beat fast.
pub const STABLE_SESSION_ACKS: u32 = 2;

/// Longest wait before an IDENTIFY after sessions that keep ending early: at most 288 a day.
pub const MAX_IDENTIFY_BACKOFF: Duration = Duration::from_secs(300);

/// Where a shard is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Not connected; connect after `wait`, then RESUME if `resume` (and a session exists)
    /// or IDENTIFY. `attempts` counts connections in a row that failed before READY/RESUMED.
    Disconnected {
        /// Failed attempts in a row.
        attempts: u32,
        /// Whether to resume.
        resume: bool,
        /// How long to wait before connecting.
        wait: Duration,
    },
    /// Connected, waiting for HELLO.
    AwaitingHello {
        /// Failed attempts in a row.
        attempts: u32,
        /// Whether to resume.
        resume: bool,
        /// When the connection opened (HELLO is due within [`HELLO_TIMEOUT`]).
        since: Instant,
    },
    /// IDENTIFY sent, waiting for READY.
    Identifying {
        /// Failed attempts in a row.
        attempts: u32,
    },
    /// RESUME sent, waiting for the replay and RESUMED.
    Resuming {
        /// Failed attempts in a row.
        attempts: u32,
    },
    /// READY or RESUMED received: events flow.
    Active,
    /// Closed with a fatal code; nothing more to do.
    FatallyClosed {
        /// The close code.
        code: u16,
    },
    /// Closed on our own request (Ctrl-C, `--max-events`).
    ShutDown,
}

/// Something that happened to the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// The WebSocket is open.
    Connected,
    /// Opening the WebSocket failed.
    ConnectFailed,
    /// op 10 with the heartbeat interval in ms.
    Hello {
        /// Milliseconds between beats.
        interval_ms: u64,
    },
    /// op 0. `ready` carries READY's session fields.
    Dispatch {
        /// Event name.
        t: &'a str,
        /// Sequence number.
        s: Option<u64>,
        /// `(session_id, resume_gateway_url)` for READY.
        ready: Option<(String, String)>,
    },
    /// op 1 from the server: beat now.
    HeartbeatRequest,
    /// op 11.
    HeartbeatAck,
    /// op 7.
    Reconnect,
    /// op 9 with its `d`.
    InvalidSession {
        /// Whether the session may be resumed.
        resumable: bool,
    },
    /// The connection ended; `None` when it dropped without a close frame.
    Closed {
        /// The close code, if any.
        code: Option<u16>,
    },
    /// Time passed (heartbeats).
    Tick,
    /// We are stopping: close with 1000.
    Shutdown,
}

/// The one thing the runner does next.
#[derive(Debug)]
pub enum Action {
    /// Nothing.
    None,
    /// Send this payload.
    Send(String),
    /// Pass the current dispatch on to stdout.
    Print,
    /// Close the socket with this code; then follow [`Shard::state`] (reconnect unless shut down).
    Close {
        /// The close code (1000 only for our own shutdown).
        code: u16,
        /// Why, for stderr.
        reason: String,
    },
    /// Stop with this error.
    Fatal(Error),
}

impl PartialEq for Action {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Action::None, Action::None) | (Action::Print, Action::Print) => true,
            (Action::Send(a), Action::Send(b)) => a == b,
            (Action::Close { code: a, .. }, Action::Close { code: b, .. }) => a == b,
            (Action::Fatal(a), Action::Fatal(b)) => a.kind == b.kind && a.message == b.message,
            _ => false,
        }
    }
}

/// One shard's protocol state.
#[derive(Debug)]
pub struct Shard {
    /// Where the shard is.
    pub state: State,
    /// The session to resume, once READY arrived.
    pub session: Option<Session>,
    /// `[id, count]`.
    pub shard: [u32; 2],
    heartbeat: Option<Heartbeat>,
    token: String,
    identify: IdentifyConfig,
    /// Heartbeat ACKs since the current session's READY (counted up to the threshold).
    acks_since_ready: u32,
    /// Sessions in a row that ended before [`STABLE_SESSION_ACKS`] ACKs.
    short_sessions: u32,
}

/// `2^(n-1)` seconds, capped: the wait after `n` failures in a row.
pub fn backoff(attempts: u32) -> Duration {
    doubling(attempts, MAX_BACKOFF)
}

/// The wait before an IDENTIFY after `n` sessions in a row ended early: `2^(n-1)` s, capped.
pub fn identify_backoff(short_sessions: u32) -> Duration {
    doubling(short_sessions, MAX_IDENTIFY_BACKOFF)
}

fn doubling(n: u32, cap: Duration) -> Duration {
    if n == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs(1u64 << (n - 1).min(16)).min(cap)
}

/// A random wait of 1 to 5 s, as older clients did after op 9.
pub fn invalid_session_wait() -> Duration {
    Duration::from_millis(1000 + fastrand::u64(0..4000))
}

impl Shard {
    /// A shard about to make its first connection.
    pub fn new(token: String, identify: IdentifyConfig, shard: [u32; 2]) -> Shard {
        Shard {
            state: State::Disconnected {
                attempts: 0,
                resume: false,
                wait: Duration::ZERO,
            },
            session: None,
            shard,
            heartbeat: None,
            token,
            identify,
            acks_since_ready: 0,
            short_sessions: 0,
        }
    }

    /// When the next timed heartbeat is due, if heartbeating.
    pub fn deadline(&self) -> Option<Instant> {
        if let State::AwaitingHello { since, .. } = self.state {
            return Some(since + HELLO_TIMEOUT);
        }
        self.heartbeat.as_ref().map(Heartbeat::deadline)
    }

    /// Whether the next connection resumes, and where it goes (`None`: the gateway URL).
    pub fn plan(&self) -> (bool, Option<&str>) {
        match (&self.state, &self.session) {
            (State::Disconnected { resume: true, .. }, Some(s)) => (true, Some(&s.resume_url)),
            _ => (false, None),
        }
    }

    /// The last sequence number, for heartbeats.
    pub fn seq(&self) -> Option<u64> {
        self.session.as_ref().and_then(|s| s.seq)
    }

    fn attempts(&self) -> u32 {
        match self.state {
            State::Disconnected { attempts, .. }
            | State::AwaitingHello { attempts, .. }
            | State::Identifying { attempts }
            | State::Resuming { attempts } => attempts,
            _ => 0,
        }
    }

    /// Leaves the connection: `resume` keeps the session for a RESUME, `failed` counts the
    /// attempt as a failure, `wait` is the least time before the next connection.
    fn disconnect(&mut self, resume: bool, failed: bool, wait: Option<Duration>) {
        let attempts = if failed { self.attempts() + 1 } else { 0 };
        self.heartbeat = None;
        let mut least = wait.unwrap_or_default().max(backoff(attempts));
        if !resume && self.session.is_some() {
            // The session is gone and the next connection must IDENTIFY afresh.
            if self.acks_since_ready < STABLE_SESSION_ACKS {
                self.short_sessions += 1;
            }
            least = least.max(identify_backoff(self.short_sessions));
            self.session = None;
        }
        self.state = State::Disconnected {
            attempts,
            resume: resume && self.session.is_some(),
            wait: least,
        };
    }

    /// Sessions in a row that ended before they were established.
    pub fn short_sessions(&self) -> u32 {
        self.short_sessions
    }

    /// One step: updates the state for `event` and says what to do.
    pub fn process(&mut self, event: Event<'_>, now: Instant) -> Action {
        if matches!(self.state, State::FatallyClosed { .. } | State::ShutDown) {
            return Action::None;
        }
        match event {
            Event::Connected => {
                let (resume, _) = self.plan();
                self.state = State::AwaitingHello {
                    attempts: self.attempts(),
                    resume,
                    since: now,
                };
                Action::None
            }
            Event::ConnectFailed => {
                let (resume, _) = self.plan();
                self.disconnect(resume, true, None);
                Action::None
            }
            Event::Hello { interval_ms } => {
                let State::AwaitingHello {
                    attempts, resume, ..
                } = self.state
                else {
                    return Action::None;
                };
                self.heartbeat = Some(Heartbeat::new(
                    Duration::from_millis(interval_ms.max(1)),
                    now,
                    fastrand::f64(),
                ));
                match (&self.session, resume) {
                    (Some(session), true) => {
                        self.state = State::Resuming { attempts };
                        Action::Send(frame::resume(&self.token, &session.id, session.seq))
                    }
                    _ => {
                        self.state = State::Identifying { attempts };
                        Action::Send(frame::identify(&self.token, &self.identify, self.shard))
                    }
                }
            }
            Event::Dispatch { t, s, ready } => {
                if let Some((id, url)) = ready {
                    self.session = Some(Session::new(id, url, s));
                    self.acks_since_ready = 0;
                    self.state = State::Active;
                    return Action::Print;
                }
                let fresh = match &mut self.session {
                    Some(session) => session.accept(s),
                    None => true,
                };
                if t == "RESUMED" {
                    self.state = State::Active;
                    return Action::Print;
                }
                if fresh {
                    Action::Print
                } else {
                    Action::None
                }
            }
            Event::HeartbeatRequest => {
                if let Some(hb) = &mut self.heartbeat {
                    hb.sent(now);
                }
                Action::Send(frame::heartbeat(self.seq()))
            }
            Event::HeartbeatAck => {
                if let Some(hb) = &mut self.heartbeat {
                    hb.ack(now);
                }
                if self.session.is_some() && self.acks_since_ready < STABLE_SESSION_ACKS {
                    self.acks_since_ready += 1;
                    if self.acks_since_ready == STABLE_SESSION_ACKS {
                        self.short_sessions = 0;
                    }
                }
                Action::None
            }
            Event::Tick => {
                if let State::AwaitingHello { resume, since, .. } = self.state {
                    if now < since + HELLO_TIMEOUT {
                        return Action::None;
                    }
                    // A server that never says HELLO is as good as down: try again later.
                    self.disconnect(resume, true, None);
                    return Action::Close {
                        code: 4000,
                        reason: format!(
                            "no HELLO within {} s of connecting; reconnecting",
                            HELLO_TIMEOUT.as_secs()
                        ),
                    };
                }
                let Some(hb) = &mut self.heartbeat else {
                    return Action::None;
                };
                if !hb.due(now) {
                    return Action::None;
                }
                match hb.beat(now) {
                    Ok(()) => Action::Send(frame::heartbeat(self.seq())),
                    Err(_) => {
                        self.disconnect(true, false, None);
                        Action::Close {
                            code: 4000,
                            reason: "no heartbeat ACK since the last beat (zombie connection); reconnecting to resume".into(),
                        }
                    }
                }
            }
            Event::Reconnect => {
                self.disconnect(true, false, None);
                Action::Close {
                    code: 4000,
                    reason: if self.plan().0 {
                        "the gateway asked for a reconnect (op 7); resuming".into()
                    } else {
                        "the gateway asked for a reconnect (op 7) before the session began; identifying".into()
                    },
                }
            }
            Event::InvalidSession { resumable } => {
                let failed = !matches!(self.state, State::Active);
                self.disconnect(resumable, failed, Some(invalid_session_wait()));
                Action::Close {
                    code: 4000,
                    reason: if resumable {
                        "the gateway invalidated the session (op 9, resumable); resuming".into()
                    } else {
                        "the gateway invalidated the session (op 9); identifying afresh".into()
                    },
                }
            }
            Event::Closed { code } => {
                let failed = !matches!(self.state, State::Active);
                match close_codes::recovery(code) {
                    Recovery::Fatal => {
                        let code = code.unwrap_or_default();
                        self.state = State::FatallyClosed { code };
                        self.heartbeat = None;
                        let mut message = close_codes::lookup(code)
                            .map_or("", |c| c.message)
                            .to_string();
                        let asked = self.identify.intents & intents::privileged();
                        if code == 4014 && asked != 0 {
                            message.push_str(&format!(
                                " (this session asked for {})",
                                intents::names(asked).join(", ")
                            ));
                        }
                        Action::Fatal(Error::new(ErrorKind::Gateway, message))
                    }
                    Recovery::Identify => {
                        self.disconnect(false, failed, None);
                        Action::None
                    }
                    Recovery::Resume => {
                        self.disconnect(true, failed, None);
                        Action::None
                    }
                }
            }
            Event::Shutdown => {
                self.state = State::ShutDown;
                self.heartbeat = None;
                Action::Close {
                    code: 1000,
                    reason: "shutting down".into(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn shard() -> Shard {
        Shard::new(
            "tok".into(),
            IdentifyConfig {
                intents: 1,
                large_threshold: 50,
                presence: None,
            },
            [0, 1],
        )
    }

    fn sent_op(action: Action) -> u64 {
        match action {
            Action::Send(p) => serde_json::from_str::<Value>(&p).unwrap()["op"]
                .as_u64()
                .unwrap(),
            other => panic!("expected a send, got {other:?}"),
        }
    }

    /// Connects and reaches Active with a session at seq 1.
    fn active(sh: &mut Shard, now: Instant) {
        sh.process(Event::Connected, now);
        assert_eq!(
            sent_op(sh.process(Event::Hello { interval_ms: 1000 }, now)),
            2
        );
        let ready = Some(("sess".to_string(), "ws://resume".to_string()));
        let a = sh.process(
            Event::Dispatch {
                t: "READY",
                s: Some(1),
                ready,
            },
            now,
        );
        assert_eq!(a, Action::Print);
        assert_eq!(sh.state, State::Active);
    }

    #[test]
    fn identify_then_ready_then_dedup() {
        let now = Instant::now();
        let mut sh = shard();
        active(&mut sh, now);
        let d = |s| Event::Dispatch {
            t: "MESSAGE_CREATE",
            s: Some(s),
            ready: None,
        };
        assert_eq!(sh.process(d(2), now), Action::Print);
        assert_eq!(sh.process(d(2), now), Action::None);
        assert_eq!(sh.seq(), Some(2));
    }

    #[test]
    fn reconnect_and_drop_resume_at_the_resume_url() {
        let now = Instant::now();
        let mut sh = shard();
        active(&mut sh, now);
        assert!(matches!(
            sh.process(Event::Reconnect, now),
            Action::Close { code: 4000, .. }
        ));
        assert_eq!(sh.plan(), (true, Some("ws://resume")));
        sh.process(Event::Connected, now);
        assert_eq!(
            sent_op(sh.process(Event::Hello { interval_ms: 1000 }, now)),
            6
        );
        assert_eq!(sh.state, State::Resuming { attempts: 0 });
        let a = sh.process(
            Event::Dispatch {
                t: "RESUMED",
                s: None,
                ready: None,
            },
            now,
        );
        assert_eq!(a, Action::Print);
        assert_eq!(sh.state, State::Active);
        // A dropped TCP connection also resumes, straight away.
        sh.process(Event::Closed { code: None }, now);
        assert_eq!(
            sh.state,
            State::Disconnected {
                attempts: 0,
                resume: true,
                wait: Duration::ZERO
            }
        );
    }

    #[test]
    fn invalid_session_false_and_4007_identify_afresh() {
        let now = Instant::now();
        let mut sh = shard();
        active(&mut sh, now);
        sh.process(Event::InvalidSession { resumable: false }, now);
        assert_eq!(sh.plan(), (false, None));
        assert!(sh.session.is_none());
        match sh.state {
            State::Disconnected { wait, .. } => {
                assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(5))
            }
            ref s => panic!("{s:?}"),
        }
        let mut sh = shard();
        active(&mut sh, now);
        sh.process(Event::Closed { code: Some(4007) }, now);
        assert_eq!(sh.plan(), (false, None));
        let mut sh = shard();
        active(&mut sh, now);
        sh.process(Event::InvalidSession { resumable: true }, now);
        assert_eq!(sh.plan(), (true, Some("ws://resume")));
    }

    #[test]
    fn fatal_codes_stop_with_their_message() {
        let now = Instant::now();
        let mut sh = shard();
        sh.process(Event::Connected, now);
        sh.process(Event::Hello { interval_ms: 1000 }, now);
        match sh.process(Event::Closed { code: Some(4014) }, now) {
            Action::Fatal(e) => assert!(e.message.contains("MESSAGE_CONTENT")),
            other => panic!("{other:?}"),
        }
        assert_eq!(sh.state, State::FatallyClosed { code: 4014 });
        assert_eq!(sh.process(Event::Connected, now), Action::None);
        // The message names the privileged intents this session asked for.
        let mut sh = Shard::new(
            "tok".into(),
            IdentifyConfig {
                intents: 1 | 2 | 32768,
                large_threshold: 50,
                presence: None,
            },
            [0, 1],
        );
        sh.process(Event::Connected, now);
        sh.process(Event::Hello { interval_ms: 1000 }, now);
        match sh.process(Event::Closed { code: Some(4014) }, now) {
            Action::Fatal(e) => assert!(
                e.message
                    .ends_with("(this session asked for GUILD_MEMBERS, MESSAGE_CONTENT)"),
                "{}",
                e.message
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(sh.state, State::FatallyClosed { code: 4014 });
        assert_eq!(sh.process(Event::Connected, now), Action::None);
    }

    #[test]
    fn no_hello_means_close_and_retry() {
        let t0 = Instant::now();
        let mut sh = shard();
        sh.process(Event::Connected, t0);
        assert_eq!(sh.deadline(), Some(t0 + HELLO_TIMEOUT));
        assert_eq!(
            sh.process(Event::Tick, t0 + Duration::from_secs(1)),
            Action::None
        );
        let a = sh.process(Event::Tick, t0 + HELLO_TIMEOUT);
        assert!(matches!(a, Action::Close { code: 4000, .. }), "{a:?}");
        assert!(matches!(sh.state, State::Disconnected { attempts: 1, .. }));
    }

    #[test]
    fn heartbeats_and_zombies() {
        let t0 = Instant::now();
        let mut sh = shard();
        active(&mut sh, t0);
        let late = t0 + Duration::from_millis(1001);
        assert_eq!(sent_op(sh.process(Event::Tick, late)), 1);
        assert_eq!(sh.process(Event::Tick, late), Action::None);
        // Server-requested beat goes out at once.
        assert_eq!(sent_op(sh.process(Event::HeartbeatRequest, late)), 1);
        // No ACK before the next beat: close non-1000 and resume.
        let a = sh.process(Event::Tick, late + Duration::from_millis(1001));
        assert!(matches!(a, Action::Close { code: 4000, .. }));
        assert_eq!(sh.plan(), (true, Some("ws://resume")));
    }

    #[test]
    fn acks_keep_the_connection_alive() {
        let t0 = Instant::now();
        let mut sh = shard();
        active(&mut sh, t0);
        let mut t = t0;
        for _ in 0..3 {
            t += Duration::from_millis(1001);
            assert_eq!(sent_op(sh.process(Event::Tick, t)), 1);
            sh.process(Event::HeartbeatAck, t);
        }
    }

    #[test]
    fn failures_back_off_exponentially() {
        let now = Instant::now();
        let mut sh = shard();
        for n in 1..=8u32 {
            sh.process(Event::ConnectFailed, now);
            let State::Disconnected { attempts, wait, .. } = sh.state else {
                panic!()
            };
            assert_eq!(attempts, n);
            assert_eq!(wait, backoff(n));
        }
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(4));
        assert_eq!(backoff(30), MAX_BACKOFF);
        // Success resets the count.
        active(&mut sh, now);
        sh.process(Event::Closed { code: Some(4000) }, now);
        assert!(matches!(sh.state, State::Disconnected { attempts: 0, .. }));
    }

    #[test]
    fn sessions_that_keep_ending_early_back_off_the_identifies() {
        let now = Instant::now();
        let mut sh = shard();
        let mut waits = Vec::new();
        for _ in 0..11 {
            active(&mut sh, now);
            // One ACK is not enough to call the session established.
            sh.process(Event::HeartbeatAck, now);
            sh.process(Event::Closed { code: Some(4009) }, now);
            let State::Disconnected { wait, resume, .. } = sh.state else {
                panic!("{:?}", sh.state)
            };
            assert!(!resume);
            waits.push(wait.as_secs());
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(sh.short_sessions(), 11);
        // op 9 false counts the same way.
        active(&mut sh, now);
        sh.process(Event::InvalidSession { resumable: false }, now);
        assert!(
            matches!(sh.state, State::Disconnected { wait, .. } if wait == MAX_IDENTIFY_BACKOFF)
        );
        // Resumable ends use no session start and do not count; a session that lived through
        // its ACKs, across a resume, resets the count.
        active(&mut sh, now);
        sh.process(Event::HeartbeatAck, now);
        sh.process(Event::Closed { code: Some(4000) }, now);
        assert!(matches!(sh.state, State::Disconnected { resume: true, .. }));
        sh.process(Event::Connected, now);
        sh.process(Event::Hello { interval_ms: 1000 }, now);
        let resumed = Event::Dispatch {
            t: "RESUMED",
            s: None,
            ready: None,
        };
        sh.process(resumed, now);
        sh.process(Event::HeartbeatAck, now);
        assert_eq!(sh.short_sessions(), 0);
        sh.process(Event::Closed { code: Some(4009) }, now);
        assert!(matches!(sh.state, State::Disconnected { wait, .. } if wait.is_zero()));
    }

    #[test]
    fn reconnect_before_hello_identifies_and_says_so() {
        let now = Instant::now();
        let mut sh = shard();
        sh.process(Event::Connected, now);
        match sh.process(Event::Reconnect, now) {
            Action::Close { reason, .. } => assert!(reason.contains("identifying"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(sh.plan(), (false, None));
    }

    #[test]
    fn shutdown_closes_with_1000() {
        let now = Instant::now();
        let mut sh = shard();
        active(&mut sh, now);
        assert!(matches!(
            sh.process(Event::Shutdown, now),
            Action::Close { code: 1000, .. }
        ));
        assert_eq!(sh.state, State::ShutDown);
    }
}
