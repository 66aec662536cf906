//! Drives shards over real sockets ([`super::connection`]): feeds what arrives into
//! [`Shard::process`], does what it answers, and writes dispatches to the output
//! ([`super::sink`]). One thread per shard, at most [`MAX_SHARDS_PER_PROCESS`]; a shared gate
//! ([`super::identify_gate`]) spaces IDENTIFYs as Discord requires.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::Message;

use super::connection::{Closed, Connection, OpenError, POLL};
use super::frame::{self, op, Frame, Hello, IdentifyConfig, Ready};
use super::identify_gate::IdentifyGate;
use super::inflate::{Compression, Inflater};
use super::limiter::SendLimiter;
use super::shard::{Action, Event, Shard, State};
use super::sink::Sink;
use crate::token::Token;
use crate::Notice;
use crate::{Error, ErrorKind, Result};

/// What `GET /gateway/bot` said.
#[derive(Debug, Clone)]
pub struct GatewayInfo {
    /// The WSS URL for fresh connections.
    pub url: String,
    /// The recommended shard count.
    pub shards: u32,
    /// `session_start_limit.total`.
    pub total: u64,
    /// `session_start_limit.remaining`.
    pub remaining: u64,
    /// `session_start_limit.reset_after`.
    pub reset_after: Duration,
    /// `session_start_limit.max_concurrency`.
    pub max_concurrency: u32,
}

impl GatewayInfo {
    /// Reads the `/gateway/bot` body; missing limit fields default to Discord's usual values.
    pub fn from_json(v: &Value) -> Result<GatewayInfo> {
        let url = v["url"].as_str().ok_or_else(|| {
            Error::new(
                ErrorKind::Api,
                "GET /gateway/bot answered without a \"url\"",
            )
        })?;
        let limit = &v["session_start_limit"];
        Ok(GatewayInfo {
            url: url.to_string(),
            shards: v["shards"].as_u64().unwrap_or(1).clamp(1, u32::MAX as u64) as u32,
            total: limit["total"].as_u64().unwrap_or(1000),
            remaining: limit["remaining"].as_u64().unwrap_or(1000),
            reset_after: Duration::from_millis(limit["reset_after"].as_u64().unwrap_or(0)),
            max_concurrency: limit["max_concurrency"]
                .as_u64()
                .unwrap_or(1)
                .clamp(1, 1024) as u32,
        })
    }
}

/// Everything `discord listen` decided from its flags.
#[derive(Debug, Clone)]
pub struct ListenOptions {
    /// The bot token (sent bare in IDENTIFY and RESUME).
    pub token: Token,
    /// Intents, large threshold, presence.
    pub identify: IdentifyConfig,
    /// Transport compression asked for in the gateway URL.
    pub compress: Option<Compression>,
    /// Only these dispatch types are printed (`None`: all).
    pub events: Option<Vec<String>>,
    /// Stop after this many lines.
    pub max_events: Option<u64>,
    /// The shard ids this process runs.
    pub shard_ids: Vec<u32>,
    /// The total shard count.
    pub shard_count: u32,
    /// Whether lines carry `"shard":[id,count]`.
    pub tag_shard: bool,
    /// Read gateway commands from stdin.
    pub stdin: bool,
    /// Guilds to request all members of once READY arrives.
    pub request_members: Vec<String>,
    /// Time allowed for opening a connection.
    pub connect_timeout: Duration,
    /// Where connection events (reconnects, resumes, waits) are reported.
    pub notice: Notice,
    /// An external queue asked before each IDENTIFY (`--identify-queue`).
    pub identify_queue: Option<super::identify_queue::IdentifyQueue>,
    /// Where sessions are kept across restarts (`--session-file`).
    pub sessions: Option<std::sync::Arc<super::session_file::SessionStore>>,
    /// Where connection events go (`--trace`): connects, closes, identifies and resumes.
    pub trace: Option<crate::Trace>,
}

/// Appends the query Discord expects: `v=10`, `encoding=json`, and `compress` when asked.
pub fn connect_url(base: &str, compress: Option<Compression>) -> Result<String> {
    let mut url = reqwest::Url::parse(base).map_err(|e| {
        Error::new(
            ErrorKind::Api,
            format!("the gateway URL '{base}' is not a URL ({e})"),
        )
    })?;
    if !matches!(url.scheme(), "ws" | "wss") {
        return Err(Error::new(
            ErrorKind::Api,
            format!(
                "the gateway URL '{base}' must start with wss:// (or ws:// for a local sandbox)"
            ),
        ));
    }
    let keep: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !matches!(k.as_ref(), "v" | "encoding" | "compress"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in &keep {
            q.append_pair(k, v);
        }
        q.append_pair("v", "10").append_pair("encoding", "json");
        if let Some(compression) = compress {
            q.append_pair("compress", compression.query_value());
        }
    }
    let text = url.to_string();
    // Rate-limit proxies serve REST only: the gateway is Discord's, so no opt-in applies.
    crate::rest::url::check_token_transport(&text.replacen("ws://", "http://", 1), &[])?;
    Ok(text)
}

/// How often a shard's session is written to `--session-file` while connected (and always when
/// stopping).
const KEEP_SESSION_EVERY: Duration = Duration::from_secs(2);

/// Asks every shard to stop; set by Ctrl-C/SIGTERM, `--max-events`, a closed stdout or a fatal
/// close of any shard.
#[derive(Debug, Default)]
pub struct Stop {
    flag: AtomicBool,
}

impl Stop {
    /// Asks everything to stop.
    pub fn request(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Sleeps up to `wait`, waking early on a stop; false when stopped.
    pub fn sleep(&self, wait: Duration) -> bool {
        let end = Instant::now() + wait;
        while !self.requested() {
            let now = Instant::now();
            if now >= end {
                return true;
            }
            std::thread::sleep((end - now).min(POLL));
        }
        false
    }
}

/// The most shards one process runs. Each shard is a thread and a socket, and its IDENTIFY
/// waits its turn (`max_concurrency` per 5 s): a bot that needs more shards than this runs
/// several processes, each with `--shard FIRST-LAST/COUNT`. It also bounds what a gateway's
/// shard count can make this process start.
pub const MAX_SHARDS_PER_PROCESS: usize = 256;

/// What one shard thread shares with the others.
struct Shared<'a> {
    options: &'a ListenOptions,
    info: &'a GatewayInfo,
    sink: &'a Sink,
    gate: &'a IdentifyGate,
    stop: &'a Stop,
}

/// How a connection ended.
enum Ended {
    Reconnect,
    Stopped,
}

/// Runs the shards until stopped (Ctrl-C, `--max-events`, closed output) or a fatal close.
pub fn run(options: &ListenOptions, info: &GatewayInfo, sink: &Sink, stop: &Stop) -> Result<()> {
    if options.shard_ids.len() > MAX_SHARDS_PER_PROCESS {
        return Err(too_many_shards(options.shard_ids.len() as u64));
    }
    let gate = IdentifyGate::new(info, options.notice.clone());
    let shared = Shared {
        options,
        info,
        sink,
        gate: &gate,
        stop,
    };
    let mut senders = Vec::new();
    let mut receivers = Vec::new();
    for id in &options.shard_ids {
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        senders.push((*id, tx));
        receivers.push((*id, rx));
    }
    for guild in &options.request_members {
        let cmd = serde_json::json!({"op": op::REQUEST_GUILD_MEMBERS, "d": {"guild_id": guild, "query": "", "limit": 0}});
        route(&senders, options.shard_count, &cmd);
    }
    if options.stdin {
        let senders = senders.clone();
        let count = options.shard_count;
        let notice = options.notice.clone();
        std::thread::spawn(move || read_commands(&senders, count, &notice));
    }
    drop(senders);
    let errors: Mutex<Vec<Error>> = Mutex::new(Vec::new());
    let fail = |e: Error| {
        stop.request();
        errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
    };
    std::thread::scope(|scope| {
        for (id, rx) in receivers {
            let (shared, fail) = (&shared, &fail);
            let spawned = std::thread::Builder::new()
                .name(format!("shard-{id}"))
                .spawn_scoped(scope, move || {
                    if let Err(e) = run_shard(shared, id, rx) {
                        fail(e);
                    }
                });
            if let Err(e) = spawned {
                fail(Error::runtime(format!(
                    "cannot start a thread for shard {id}: {e}"
                )));
                break;
            }
        }
    });
    sink.flush()?;
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    // A fatal close says more than the broken pipe it may have caused elsewhere.
    errors.sort_by_key(|e| e.kind == ErrorKind::BrokenPipe);
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The error for a shard plan larger than [`MAX_SHARDS_PER_PROCESS`].
pub fn too_many_shards(count: u64) -> Error {
    Error::usage(format!(
        "{count} shards is more than one process runs ({MAX_SHARDS_PER_PROCESS}); run several processes, each with --shard FIRST-LAST/COUNT for its part"
    ))
}

/// Reads `--stdin` lines and hands each command to the shard that must send it.
fn read_commands(senders: &[(u32, Sender<String>)], count: u32, notice: &Notice) {
    let diag = |text: &str| notice.say(text);
    let stdin = std::io::stdin();
    let mut line = String::new();
    loop {
        line.clear();
        match stdin.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.trim().is_empty() {
            continue;
        }
        match frame::user_command(line.trim()) {
            Ok((_, value)) => route(senders, count, &value),
            Err(e) => diag(&format!("error: {e}")),
        }
    }
}

/// Sends a command to its shard: presence updates to every shard, guild commands to the shard
/// of the guild (`(guild_id >> 22) % count`), anything else to the first shard.
fn route(senders: &[(u32, Sender<String>)], count: u32, cmd: &Value) {
    let text = cmd.to_string();
    if cmd["op"] == op::PRESENCE_UPDATE {
        for (_, tx) in senders {
            let _ = tx.send(text.clone());
        }
        return;
    }
    let guild = cmd["d"]["guild_id"]
        .as_str()
        .and_then(|g| g.parse::<u64>().ok())
        .or_else(|| cmd["d"]["guild_id"].as_u64());
    let target = guild.map(|g| ((g >> 22) % u64::from(count.max(1))) as u32);
    let chosen = senders
        .iter()
        .find(|(id, _)| Some(*id) == target)
        .or_else(|| senders.first());
    if let Some((_, tx)) = chosen {
        let _ = tx.send(text);
    }
}

/// One shard's connection state and what it keeps across its connections.
struct ShardRun<'a> {
    shared: &'a Shared<'a>,
    shard: Shard,
    commands: Receiver<String>,
    pending: VecDeque<String>,
    label: String,
}

fn run_shard(shared: &Shared<'_>, id: u32, commands: Receiver<String>) -> Result<()> {
    let options = shared.options;
    let ids = [id, options.shard_count];
    let saved = options.sessions.as_ref().and_then(|s| s.session(ids));
    let mut run = ShardRun {
        shared,
        shard: match saved {
            Some(session) => {
                options.notice.say(&format!(
                    "gateway: resuming session {} from the session file (after seq {})",
                    session.id,
                    session.seq.map_or("none".into(), |s| s.to_string())
                ));
                Shard::resuming(
                    options.token.clone(),
                    options.identify.clone(),
                    ids,
                    session,
                )
            }
            None => Shard::new(options.token.clone(), options.identify.clone(), ids),
        },
        commands,
        pending: VecDeque::new(),
        label: if options.tag_shard {
            format!("shard {id}/{}: ", options.shard_count)
        } else {
            String::new()
        },
    };
    loop {
        let Some(mut conn) = run.connect()? else {
            return Ok(());
        };
        let ended = run.drive(&mut conn);
        shared.gate.release(id);
        match ended? {
            Ended::Stopped => return Ok(()),
            Ended::Reconnect => {}
        }
    }
}

impl ShardRun<'_> {
    /// Reports one line about the connection.
    fn say(&self, text: &str) {
        self.shared.options.notice.say(text);
    }

    /// One `--trace` record about this shard's connection (`event` plus its fields).
    fn trace(&self, event: &str, fields: serde_json::Value) {
        if let Some(trace) = &self.shared.options.trace {
            let mut record = serde_json::json!({
                "time": crate::epoch_seconds(),
                "kind": "gateway",
                "event": event,
                "shard": self.shard.shard,
            });
            if let (Some(all), serde_json::Value::Object(more)) = (record.as_object_mut(), fields) {
                all.extend(more);
            }
            trace.record(&record);
        }
    }

    /// Waits out the backoff, takes an IDENTIFY slot if identifying, and opens the next
    /// connection. `None` when the shard is done (stopped, or closed for good).
    fn connect(&mut self) -> Result<Option<Connection>> {
        let (shared, label) = (self.shared, &self.label);
        let id = self.shard.shard[0];
        loop {
            let State::Disconnected { wait, .. } = self.shard.state else {
                return Ok(None);
            };
            if !wait.is_zero() {
                let why = match self.shard.short_sessions() {
                    0 | 1 => String::new(),
                    n => format!(
                        " ({n} sessions in a row failed to become established; each IDENTIFY uses one of the day's session starts)"
                    ),
                };
                self.say(&format!(
                    "gateway: {label}reconnecting in {:.1}s{why}",
                    wait.as_secs_f64()
                ));
            }
            if !shared.stop.sleep(wait) {
                return Ok(None);
            }
            let (resume, resume_url) = self.shard.plan();
            if !resume && !shared.gate.acquire(id, shared.stop)? {
                return Ok(None);
            }
            if let (false, Some(queue)) = (resume, &shared.options.identify_queue) {
                if !queue.wait_turn(id, shared.stop, &shared.options.notice)? {
                    return Ok(None);
                }
            }
            let url = connect_url(
                resume_url.unwrap_or(&shared.info.url),
                shared.options.compress,
            )?;
            self.say(&format!(
                "gateway: {label}connecting to {} ({})",
                url.split('?').next().unwrap_or(&url),
                if resume { "resume" } else { "identify" }
            ));
            self.trace(
                "connect",
                serde_json::json!({ "plan": if resume { "resume" } else { "identify" } }),
            );
            match Connection::open(&url, shared.options.connect_timeout, shared.stop) {
                Ok(conn) => {
                    self.shard.process(Event::Connected, Instant::now());
                    return Ok(Some(conn));
                }
                Err(OpenError::Stopped) => return Ok(None),
                Err(OpenError::Failed(e)) => {
                    self.say(&format!("gateway: {label}{e}"));
                    self.shard.process(Event::ConnectFailed, Instant::now());
                    shared.gate.release(id);
                }
            }
        }
    }

    /// Runs one connection until it ends.
    fn drive(&mut self, conn: &mut Connection) -> Result<Ended> {
        let shared = self.shared;
        let mut inflater = shared.options.compress.map(Inflater::new);
        let mut limiter = SendLimiter::default();
        let mut kept = Instant::now();
        loop {
            if shared.stop.requested() {
                self.keep_session()?;
                self.shard.process(Event::Shutdown, Instant::now());
                // Closing with 1000 ends the session on Discord's side (docs: "Gateway >
                // Disconnecting"); a session kept in a file must stay resumable.
                conn.close(if shared.options.sessions.is_some() {
                    4000
                } else {
                    1000
                });
                return Ok(Ended::Stopped);
            }
            if kept.elapsed() >= KEEP_SESSION_EVERY {
                self.keep_session()?;
                kept = Instant::now();
            }
            let message = match conn.read() {
                Ok(m) => m,
                Err(closed) => return self.closed(&closed),
            };
            if message.is_none() {
                // Quiet for a poll interval: nothing buffered may wait longer than that, and a
                // reader that went away (`listen | head -1`) is noticed without a write.
                shared.sink.flush()?;
                if shared.sink.output_closed() {
                    shared.stop.request();
                    return Err(Error::new(ErrorKind::BrokenPipe, "output closed"));
                }
            }
            let now = Instant::now();
            let text = match decode(message.as_ref(), inflater.as_mut()) {
                Ok(text) => text,
                Err(why) => return Ok(self.broken(conn, &why)),
            };
            if let Some(text) = text {
                if let Some(end) = self.on_text(conn, &mut limiter, text, now)? {
                    return Ok(end);
                }
            }
            if self.shard.deadline().is_some_and(|d| now >= d) {
                let action = self.shard.process(Event::Tick, now);
                if let Some(end) = self.act(action, conn, &mut limiter, now)? {
                    return Ok(end);
                }
            }
            if self.shard.state == State::Active {
                self.send_commands(conn, &mut limiter, now);
            }
        }
    }

    /// With `--session-file`: writes out what was printed so far, then records the session
    /// with the sequence number of the last dispatch printed, so a restart resumes right after it.
    fn keep_session(&self) -> Result<()> {
        let Some(store) = &self.shared.options.sessions else {
            return Ok(());
        };
        self.shared.sink.flush()?;
        store.record(self.shard.shard, self.shard.session.as_ref())
    }

    /// The server closed the connection (or it broke): says so with the code and reason,
    /// then stops for good on a fatal code or plans the next connection.
    fn closed(&mut self, closed: &Closed) -> Result<Ended> {
        let action = self
            .shard
            .process(Event::Closed { code: closed.code }, Instant::now());
        let next = match action {
            Action::Fatal(_) => "stopping",
            _ if self.shard.plan().0 => "resuming",
            _ => "identifying afresh",
        };
        self.say(&format!(
            "gateway: {}{}; {next}",
            self.label,
            closed.describe()
        ));
        self.trace(
            "close",
            serde_json::json!({ "code": closed.code, "reason": closed.reason, "next": next }),
        );
        match action {
            Action::Fatal(e) => Err(e),
            _ => Ok(Ended::Reconnect),
        }
    }

    /// The connection is unusable (corrupt data, a message over the limits): ends it as a
    /// dropped connection, which resumes or reconnects like any other.
    fn broken(&mut self, conn: &mut Connection, why: &str) -> Ended {
        self.say(&format!("gateway: {}{why}; reconnecting", self.label));
        self.shard
            .process(Event::Closed { code: None }, Instant::now());
        conn.close(4000);
        Ended::Reconnect
    }

    /// One payload: checks it, feeds it to the state machine and does what that says.
    fn on_text(
        &mut self,
        conn: &mut Connection,
        limiter: &mut SendLimiter,
        text: &str,
        now: Instant,
    ) -> Result<Option<Ended>> {
        let shared = self.shared;
        let frame = match Frame::parse(text) {
            Ok(f) => f,
            Err(e) => return Ok(Some(self.broken(conn, &e.message))),
        };
        let t = frame.t.as_deref().unwrap_or("");
        let Some(event) = self.event(&frame, t) else {
            return Ok(None);
        };
        let was_active = self.shard.state == State::Active;
        let was_identifying = matches!(self.shard.state, State::Identifying { .. });
        let action = self.shard.process(event, now);
        if !was_identifying && matches!(self.shard.state, State::Identifying { .. }) {
            // The action is the IDENTIFY itself: it uses one of the day's session starts.
            shared.gate.spend(self.shard.shard[0]);
            self.trace("identify", serde_json::json!({}));
        }
        if !was_active && self.shard.state == State::Active {
            // Commands wait for a live session; a fresh one starts a fresh send budget.
            while let Ok(cmd) = self.commands.try_recv() {
                self.pending.push_back(cmd);
            }
        }
        if !matches!(action, Action::Print) {
            return self.act(action, conn, limiter, now);
        }
        if t == "RESUMED" {
            self.say(&format!("gateway: {}resumed", self.label));
            self.trace("resumed", serde_json::json!({}));
        } else if t == "READY" {
            self.trace("ready", serde_json::json!({}));
        }
        let tag = shared.options.tag_shard.then_some(self.shard.shard);
        shared.sink.observe(t, &frame);
        shared.sink.emit(&frame::one_line(text), t, tag, now)?;
        Ok(None)
    }

    /// The state machine's event for a payload; `None` for opcodes a client ignores.
    fn event<'f>(&self, frame: &'f Frame<'_>, t: &'f str) -> Option<Event<'f>> {
        Some(match frame.op {
            op::DISPATCH => Event::Dispatch {
                t,
                s: frame.s,
                ready: (t == "READY")
                    .then(|| frame.data::<Ready>())
                    .flatten()
                    .map(|r| (r.session_id, self.resume_url(r.resume_gateway_url))),
            },
            op::HEARTBEAT => Event::HeartbeatRequest,
            op::RECONNECT => Event::Reconnect,
            op::INVALID_SESSION => Event::InvalidSession {
                resumable: frame.data::<bool>().unwrap_or(false),
            },
            op::HELLO => Event::Hello {
                interval_ms: frame
                    .data::<Hello>()
                    .map_or(41_250, |h| h.heartbeat_interval),
            },
            op::HEARTBEAT_ACK => Event::HeartbeatAck,
            _ => return None,
        })
    }

    /// READY's `resume_gateway_url` if a RESUME could connect there; otherwise says why and
    /// gives `None`, so the session is not resumed and a later reconnect identifies afresh.
    fn resume_url(&self, url: String) -> Option<String> {
        match connect_url(&url, self.shared.options.compress) {
            Ok(_) => Some(url),
            Err(e) => {
                self.say(&format!(
                    "gateway: {}READY's resume_gateway_url is unusable ({}); a reconnect will identify afresh",
                    self.label, e.message
                ));
                None
            }
        }
    }

    /// Sends queued `--stdin` commands within the connection's send budget.
    fn send_commands(&mut self, conn: &mut Connection, limiter: &mut SendLimiter, now: Instant) {
        while let Ok(cmd) = self.commands.try_recv() {
            self.pending.push_back(cmd);
        }
        while let Some(cmd) = self.pending.pop_front() {
            match limiter.admit(&cmd, now) {
                Ok(()) => {
                    if !conn.send(cmd) {
                        break;
                    }
                }
                Err(e) => self.say(&format!("error: {e}")),
            }
        }
    }

    /// Does an action other than printing; `Some` when the connection is over.
    fn act(
        &mut self,
        action: Action,
        conn: &mut Connection,
        limiter: &mut SendLimiter,
        now: Instant,
    ) -> Result<Option<Ended>> {
        match action {
            Action::None | Action::Print => Ok(None),
            Action::Send(payload) => {
                limiter.record(now);
                // A failed write shows up as a closed connection on the next read.
                conn.send(payload);
                Ok(None)
            }
            Action::Close { code, reason } => {
                self.say(&format!("gateway: {}{reason}", self.label));
                conn.close(code);
                Ok(Some(Ended::Reconnect))
            }
            Action::Fatal(e) => Err(e),
        }
    }
}

/// The text of one WebSocket message: text as is, binary through the connection's
/// decompressor (`Ok(None)` while a zlib message is still incomplete). An error is why the
/// connection cannot go on.
fn decode<'m>(
    message: Option<&'m Message>,
    inflater: Option<&'m mut Inflater>,
) -> std::result::Result<Option<&'m str>, String> {
    let bytes = match message {
        Some(Message::Text(t)) => return Ok(Some(t.as_str())),
        Some(Message::Binary(b)) => match inflater {
            Some(i) => match i.push(b) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return Ok(None),
                Err(e) => return Err(e.message),
            },
            None => b.as_ref(),
        },
        _ => return Ok(None),
    };
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "the gateway sent a message that is not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_url_gets_the_query() {
        assert_eq!(
            connect_url("wss://gateway.discord.gg", None).unwrap(),
            "wss://gateway.discord.gg/?v=10&encoding=json"
        );
        assert_eq!(
            connect_url("ws://127.0.0.1:9/?v=9", Some(Compression::Zlib)).unwrap(),
            "ws://127.0.0.1:9/?v=10&encoding=json&compress=zlib-stream"
        );
        assert_eq!(
            connect_url(
                "ws://127.0.0.1:9/?compress=zlib-stream",
                Some(Compression::Zstd)
            )
            .unwrap(),
            "ws://127.0.0.1:9/?v=10&encoding=json&compress=zstd-stream"
        );
        assert!(connect_url("ws://example.com", None).is_err());
        assert!(connect_url("https://example.com", None).is_err());
    }

    #[test]
    fn gateway_info_reads_the_limit() {
        let v = serde_json::json!({"url": "wss://g", "shards": 3, "session_start_limit": {"total": 1000, "remaining": 7, "reset_after": 5000, "max_concurrency": 2}});
        let info = GatewayInfo::from_json(&v).unwrap();
        assert_eq!(
            (info.shards, info.remaining, info.max_concurrency),
            (3, 7, 2)
        );
        assert!(GatewayInfo::from_json(&serde_json::json!({})).is_err());
    }
}
