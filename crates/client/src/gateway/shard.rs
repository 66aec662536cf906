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
use crate::token::Token;
use crate::{Error, ErrorKind};

/// How long a new connection may wait for HELLO before it is given up and retried.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(20);

/// Longest wait between connection attempts that failed or did not stay up.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The shortest heartbeat interval followed, whatever HELLO says (see [`heartbeat_interval`]).
pub const MIN_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(1);

/// The longest heartbeat interval followed, whatever HELLO says (see [`heartbeat_interval`]).
pub const MAX_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(300);

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
        /// `(session_id, resume_gateway_url)` for READY; the URL is `None` when it is unusable
        /// (the session then cannot be resumed).
        ready: Option<(String, Option<String>)>,
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
    token: Token,
    identify: IdentifyConfig,
    /// Heartbeat ACKs since the current session's READY (counted up to the threshold).
    acks_since_ready: u32,
    /// Sessions in a row that failed to become established: each IDENTIFY that got no READY,
    /// and each session that ended before [`STABLE_SESSION_ACKS`] ACKs.
    short_sessions: u32,
    /// ACKs on the current connection that answered a beat we sent.
    connection_acks: u32,
    /// Connections in a row that failed or did not stay up (kept through `Active`, which a
    /// connection reaches before it is known to stay up).
    attempts: u32,
}

/// `2^(n-1)` seconds, capped: the wait after `n` connections in a row that did not stay up.
pub fn backoff(attempts: u32) -> Duration {
    doubling(attempts, MAX_BACKOFF)
}

/// The wait before an IDENTIFY after `n` sessions in a row failed to become established:
/// `2^(n-1)` s, capped.
pub fn identify_backoff(short_sessions: u32) -> Duration {
    doubling(short_sessions, MAX_IDENTIFY_BACKOFF)
}

fn doubling(n: u32, cap: Duration) -> Duration {
    if n == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs(1u64 << (n - 1).min(16)).min(cap)
}

/// A random wait of 1 to 5 s: Discord's docs ("Gateway > Resuming") ask a client that got op 9
/// to wait that long before it sends IDENTIFY or RESUME again.
pub fn invalid_session_wait() -> Duration {
    Duration::from_millis(1000 + fastrand::u64(0..4000))
}

/// The heartbeat interval a HELLO asks for, within sane bounds: Discord's is 41.25 s. Below
/// [`MIN_HEARTBEAT_INTERVAL`] beats would use more than half of the 120 sends a connection may
/// make per minute ("Gateway > Rate Limiting"); above [`MAX_HEARTBEAT_INTERVAL`] a dead
/// connection would go unnoticed for too long (and the timer could overflow).
pub fn heartbeat_interval(interval_ms: u64) -> Duration {
    Duration::from_millis(interval_ms).clamp(MIN_HEARTBEAT_INTERVAL, MAX_HEARTBEAT_INTERVAL)
}

/// Why a connection is being left, for [`Shard::disconnect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leave {
    /// Keep the session and RESUME it (if there is one).
    Resume,
    /// Forget the session and IDENTIFY afresh.
    Identify,
}

impl Shard {
    /// A shard about to make its first connection.
    pub fn new(token: Token, identify: IdentifyConfig, shard: [u32; 2]) -> Shard {
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
            connection_acks: 0,
            attempts: 0,
        }
    }

    /// When the next timed heartbeat is due, if heartbeating.
    pub fn deadline(&self) -> Option<Instant> {
        if let State::AwaitingHello { since, .. } = self.state {
            return Some(since + HELLO_TIMEOUT);
        }
        self.heartbeat.as_ref().map(Heartbeat::deadline)
    }

    /// A shard that starts by resuming `session` (kept by an earlier process) instead of
    /// identifying; if Discord refuses it, the shard identifies afresh as after any op 9.
    pub fn resuming(
        token: Token,
        identify: IdentifyConfig,
        shard: [u32; 2],
        session: Session,
    ) -> Shard {
        let mut sh = Shard::new(token, identify, shard);
        sh.session = Some(session);
        sh.state = State::Disconnected {
            attempts: 0,
            resume: true,
            wait: Duration::ZERO,
        };
        sh
    }

    /// Whether the next connection resumes, and where it goes (`None`: the gateway URL).
    pub fn plan(&self) -> (bool, Option<&str>) {
        match (&self.state, &self.session) {
            (State::Disconnected { resume: true, .. }, Some(s)) => (true, s.resume_url.as_deref()),
            _ => (false, None),
        }
    }

    /// The last sequence number, for heartbeats.
    pub fn seq(&self) -> Option<u64> {
        self.session.as_ref().and_then(|s| s.seq)
    }

    fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Leaves the connection and decides how long to wait before the next one:
    /// - a connection that did not stay up (no heartbeat of ours was answered) counts as a
    ///   failed attempt: reconnects back off `2^(n-1)` s up to [`MAX_BACKOFF`], whatever ended
    ///   them (a close, op 7, op 9, a drop), even right after RESUMED;
    /// - an IDENTIFY that got no READY, or a session that ended before it was established,
    ///   makes the next IDENTIFY wait [`identify_backoff`], up to [`MAX_IDENTIFY_BACKOFF`];
    /// - after op 9 the wait is Discord's 1-5 s ([`invalid_session_wait`]) rather than the
    ///   reconnect backoff (the IDENTIFY backoff still applies).
    fn disconnect(&mut self, leave: Leave, after_invalid_session: bool) {
        let stayed_up = self.connection_acks > 0;
        let attempts = if stayed_up {
            0
        } else {
            self.attempts.saturating_add(1)
        };
        self.attempts = attempts;
        let unanswered_identify = matches!(self.state, State::Identifying { .. });
        self.heartbeat = None;
        self.connection_acks = 0;
        let resumable = self
            .session
            .as_ref()
            .is_some_and(|s| s.resume_url.is_some());
        let resume = leave == Leave::Resume && resumable;
        if !resume {
            let short = self.session.is_some() && self.acks_since_ready < STABLE_SESSION_ACKS;
            if unanswered_identify || short {
                self.short_sessions = self.short_sessions.saturating_add(1);
            }
            self.session = None;
        }
        let mut wait = if after_invalid_session {
            invalid_session_wait()
        } else {
            backoff(attempts)
        };
        if !resume {
            wait = wait.max(identify_backoff(self.short_sessions));
        }
        self.state = State::Disconnected {
            attempts,
            resume,
            wait,
        };
    }

    /// Sessions in a row that failed to become established.
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
                self.state = State::AwaitingHello {
                    attempts: self.attempts(),
                    resume: self.plan().0,
                    since: now,
                };
                Action::None
            }
            Event::ConnectFailed => {
                self.disconnect(Leave::Resume, false);
                Action::None
            }
            Event::Hello { interval_ms } => self.on_hello(interval_ms, now),
            Event::Dispatch { t, s, ready } => self.on_dispatch(t, s, ready),
            Event::HeartbeatRequest => {
                if let Some(hb) = &mut self.heartbeat {
                    hb.sent(now);
                }
                Action::Send(frame::heartbeat(self.seq()))
            }
            Event::HeartbeatAck => {
                self.on_ack(now);
                Action::None
            }
            Event::Tick => self.on_tick(now),
            Event::Reconnect => {
                self.disconnect(Leave::Resume, false);
                close(if self.plan().0 {
                    "the gateway asked for a reconnect (op 7); resuming"
                } else {
                    "the gateway asked for a reconnect (op 7) with no session to resume; identifying"
                })
            }
            Event::InvalidSession { resumable } => {
                let (leave, why) = if resumable {
                    (
                        Leave::Resume,
                        "the gateway invalidated the session (op 9, resumable); resuming",
                    )
                } else {
                    (
                        Leave::Identify,
                        "the gateway invalidated the session (op 9); identifying afresh",
                    )
                };
                self.disconnect(leave, true);
                close(why)
            }
            Event::Closed { code } => self.on_closed(code),
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

    /// HELLO: starts heartbeating and sends RESUME or IDENTIFY.
    fn on_hello(&mut self, interval_ms: u64, now: Instant) -> Action {
        let State::AwaitingHello {
            attempts, resume, ..
        } = self.state
        else {
            return Action::None;
        };
        self.heartbeat = Some(Heartbeat::new(
            heartbeat_interval(interval_ms),
            now,
            fastrand::f64(),
        ));
        let token = self.token.secret();
        match (&self.session, resume) {
            (Some(session), true) => {
                self.state = State::Resuming { attempts };
                Action::Send(frame::resume(token, &session.id, session.seq))
            }
            _ => {
                self.state = State::Identifying { attempts };
                Action::Send(frame::identify(token, &self.identify, self.shard))
            }
        }
    }

    /// A dispatch: READY starts a session, RESUMED resumes it, others are printed once each.
    fn on_dispatch(
        &mut self,
        t: &str,
        s: Option<u64>,
        ready: Option<(String, Option<String>)>,
    ) -> Action {
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

    /// op 11: the connection is alive; enough of them make the session established.
    fn on_ack(&mut self, now: Instant) {
        let answered = self.heartbeat.as_mut().is_some_and(|hb| hb.ack(now));
        if answered {
            self.connection_acks = self.connection_acks.saturating_add(1);
        }
        if self.session.is_some() && self.acks_since_ready < STABLE_SESSION_ACKS {
            self.acks_since_ready += 1;
            if self.acks_since_ready == STABLE_SESSION_ACKS {
                self.short_sessions = 0;
            }
        }
    }

    /// Time passed: the HELLO deadline, the timed heartbeat and the zombie check.
    fn on_tick(&mut self, now: Instant) -> Action {
        if let State::AwaitingHello { since, .. } = self.state {
            if now < since + HELLO_TIMEOUT {
                return Action::None;
            }
            // A server that never says HELLO is as good as down: try again later.
            self.disconnect(Leave::Resume, false);
            return close(&format!(
                "no HELLO within {} s of connecting; reconnecting",
                HELLO_TIMEOUT.as_secs()
            ));
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
                self.disconnect(Leave::Resume, false);
                close("no heartbeat ACK since the last beat (zombie connection); reconnecting to resume")
            }
        }
    }

    /// The connection ended: stop for good on a fatal code, else resume or identify.
    fn on_closed(&mut self, code: Option<u16>) -> Action {
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
                self.disconnect(Leave::Identify, false);
                Action::None
            }
            Recovery::Resume => {
                self.disconnect(Leave::Resume, false);
                Action::None
            }
        }
    }
}

/// Closing with 4000 (not 1000, which would end the session) and saying why.
fn close(reason: &str) -> Action {
    Action::Close {
        code: 4000,
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn shard() -> Shard {
        Shard::new(
            Token::parse("tok", false).unwrap(),
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
        let ready = Some(("sess".to_string(), Some("ws://resume".to_string())));
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

    /// Lets one timed heartbeat go out and be answered.
    fn beat_answered(sh: &mut Shard, now: Instant) {
        let later = sh.deadline().unwrap().max(now);
        assert_eq!(sent_op(sh.process(Event::Tick, later)), 1);
        sh.process(Event::HeartbeatAck, later);
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
        beat_answered(&mut sh, now);
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
        // A dropped TCP connection of a connection that stayed up (a beat was answered) also
        // resumes, straight away.
        beat_answered(&mut sh, now);
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
            Token::parse("tok", false).unwrap(),
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
        // A connection that stayed up resets the count.
        active(&mut sh, now);
        beat_answered(&mut sh, now);
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
        beat_answered(&mut sh, now);
        assert_eq!(sh.short_sessions(), 0);
        sh.process(Event::Closed { code: Some(4009) }, now);
        assert!(matches!(sh.state, State::Disconnected { wait, .. } if wait.is_zero()));
    }

    fn wait_of(sh: &Shard) -> Duration {
        match sh.state {
            State::Disconnected { wait, .. } => wait,
            ref s => panic!("not disconnected: {s:?}"),
        }
    }

    #[test]
    fn every_way_a_session_fails_to_start_backs_off_identify_to_300s() {
        // Issue 14 item 9: Discord resets a token after 1000 IDENTIFYs a day ("Gateway >
        // Session Start Limit"), so an IDENTIFY that gets no READY, however it ends, makes the
        // next one wait 1, 2, 4, ... up to 300 s.
        let now = Instant::now();
        let failures: [Event<'static>; 5] = [
            Event::Reconnect,
            Event::InvalidSession { resumable: false },
            Event::InvalidSession { resumable: true },
            Event::Closed { code: Some(4000) },
            Event::Closed { code: None },
        ];
        for failure in failures {
            let mut sh = shard();
            let mut waits = Vec::new();
            for _ in 0..11 {
                sh.process(Event::Connected, now);
                assert_eq!(
                    sent_op(sh.process(Event::Hello { interval_ms: 1000 }, now)),
                    2
                );
                sh.process(failure.clone(), now);
                assert_eq!(sh.plan(), (false, None), "{failure:?}");
                waits.push(wait_of(&sh).as_secs());
            }
            // At least 1, 2, 4, ... 256, 300 s (after op 9, Discord's random 1-5 s may be more
            // while the backoff is still short).
            for (n, wait) in waits.iter().enumerate() {
                let least = identify_backoff(n as u32 + 1).as_secs();
                assert!(
                    *wait >= least && *wait <= least.max(5),
                    "{failure:?}: {waits:?}"
                );
            }
            assert_eq!(waits[9..], [300, 300], "{failure:?}: {waits:?}");
        }
    }

    #[test]
    fn reconnects_after_resumed_back_off_unless_the_connection_stayed_up() {
        // Issue 14 item 10: a server that ends each connection right after RESUMED gets ever
        // longer waits, not an immediate reconnect each time.
        let now = Instant::now();
        let mut sh = shard();
        active(&mut sh, now);
        beat_answered(&mut sh, now);
        let mut waits = Vec::new();
        for round in 0..8 {
            let end = if round % 2 == 0 {
                Event::Reconnect
            } else {
                Event::Closed { code: Some(4000) }
            };
            sh.process(end, now);
            waits.push(wait_of(&sh).as_secs());
            assert!(sh.plan().0);
            sh.process(Event::Connected, now);
            assert_eq!(
                sent_op(sh.process(Event::Hello { interval_ms: 1000 }, now)),
                6
            );
            let resumed = Event::Dispatch {
                t: "RESUMED",
                s: None,
                ready: None,
            };
            assert_eq!(sh.process(resumed, now), Action::Print);
        }
        assert_eq!(waits, [0, 1, 2, 4, 8, 16, 32, 60]);
        // An ACK nobody asked for does not make a connection count as up; an answered beat does.
        sh.process(Event::HeartbeatAck, now);
        sh.process(Event::Closed { code: Some(4000) }, now);
        assert_eq!(wait_of(&sh), MAX_BACKOFF);
        sh.process(Event::Connected, now);
        sh.process(Event::Hello { interval_ms: 1000 }, now);
        beat_answered(&mut sh, now);
        sh.process(Event::Closed { code: Some(4000) }, now);
        assert_eq!(wait_of(&sh), Duration::ZERO);
    }

    #[test]
    fn op_9_resumable_waits_1_to_5_s_whatever_the_backoff() {
        // Issue 14 item 11: Discord's 1-5 s after op 9 ("Gateway > Resuming"), not the
        // connect-failure backoff.
        let now = Instant::now();
        let mut sh = shard();
        active(&mut sh, now);
        beat_answered(&mut sh, now);
        sh.process(Event::Closed { code: None }, now);
        for _ in 0..6 {
            sh.process(Event::ConnectFailed, now);
        }
        assert_eq!(wait_of(&sh), Duration::from_secs(32));
        sh.process(Event::Connected, now);
        assert_eq!(
            sent_op(sh.process(Event::Hello { interval_ms: 1000 }, now)),
            6
        );
        sh.process(Event::InvalidSession { resumable: true }, now);
        let wait = wait_of(&sh);
        assert!(
            wait >= Duration::from_secs(1) && wait <= Duration::from_secs(5),
            "{wait:?}"
        );
        assert_eq!(sh.plan(), (true, Some("ws://resume")));
    }

    #[test]
    fn heartbeat_interval_from_hello_is_bounded() {
        // Issue 14 item 17: HELLO with heartbeat_interval 0 must not make the client beat as
        // fast as it polls, and an enormous one must not overflow the timer.
        let t0 = Instant::now();
        let mut sh = shard();
        sh.process(Event::Connected, t0);
        sh.process(Event::Hello { interval_ms: 0 }, t0);
        let first = sh.deadline().unwrap();
        assert_eq!(sent_op(sh.process(Event::Tick, first)), 1);
        assert_eq!(sh.deadline().unwrap() - first, MIN_HEARTBEAT_INTERVAL);
        let mut sh = shard();
        sh.process(Event::Connected, t0);
        sh.process(
            Event::Hello {
                interval_ms: u64::MAX,
            },
            t0,
        );
        assert!(sh.deadline().unwrap() <= t0 + MAX_HEARTBEAT_INTERVAL);
    }

    #[test]
    fn a_session_without_a_usable_resume_url_identifies_afresh() {
        let now = Instant::now();
        let mut sh = shard();
        sh.process(Event::Connected, now);
        sh.process(Event::Hello { interval_ms: 1000 }, now);
        let ready = Some(("sess".to_string(), None));
        sh.process(
            Event::Dispatch {
                t: "READY",
                s: Some(1),
                ready,
            },
            now,
        );
        beat_answered(&mut sh, now);
        sh.process(Event::Closed { code: Some(4000) }, now);
        assert_eq!(sh.plan(), (false, None));
        assert!(sh.session.is_none());
    }

    #[test]
    fn the_token_is_never_in_the_debug_output() {
        let sh = shard();
        assert!(!format!("{sh:?}").contains("tok\""), "{sh:?}");
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
