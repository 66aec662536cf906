//! Drives shards over real sockets: opens the WebSocket (ws:// or wss:// with rustls), feeds
//! what arrives into [`Shard::process`], does what it answers, and writes dispatches to the
//! output ([`super::sink`]). One thread per shard; a shared gate ([`super::identify_gate`]) spaces
//! IDENTIFYs as Discord requires.

use std::collections::VecDeque;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::frame::{self, op, Frame, Hello, IdentifyConfig, Ready};
use super::identify_gate::IdentifyGate;
use super::inflate::{Compression, Inflater};
use super::limiter::SendLimiter;
use super::shard::{Action, Event, Shard, State};
use super::sink::Sink;
use crate::token::Token;
use crate::Notice;
use crate::{Error, ErrorKind, Result};

/// How long a read waits before the loop looks at timers, commands and Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

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
    crate::rest::url::check_token_transport(&text.replacen("ws://", "http://", 1))?;
    Ok(text)
}

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

/// One open WebSocket.
struct Connection {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
}

/// Why reading stopped.
enum ReadEnd {
    /// The connection ended, with the close code if there was one.
    Closed(Option<u16>),
}

impl Connection {
    fn open(url: &str, timeout: Duration) -> Result<Connection> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::network(format!("bad gateway URL '{url}': {e}")))?;
        let host = parsed.host_str().unwrap_or("").to_string();
        let port = parsed.port_or_known_default().unwrap_or(443);
        let addrs = (host.trim_matches(['[', ']']), port)
            .to_socket_addrs()
            .map_err(|e| Error::network(format!("cannot resolve the gateway host {host}: {e}")))?;
        let mut last = None;
        let mut stream = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let stream = stream.ok_or_else(|| {
            Error::network(format!(
                "cannot connect to the gateway at {host}:{port}: {}",
                last.map_or("no address".to_string(), |e| e.to_string())
            ))
        })?;
        let _ = stream.set_nodelay(true);
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(Duration::from_secs(30)))?;
        let socket = stream.try_clone()?;
        let (ws, _) = tungstenite::client_tls_with_config(url, stream, Some(ws_config()), None)
            .map_err(|e| Error::network(format!("gateway handshake with {host} failed: {e}")))?;
        socket.set_read_timeout(Some(POLL))?;
        Ok(Connection { ws })
    }

    /// The next message, `Ok(None)` when nothing arrived within [`POLL`].
    fn read(&mut self) -> std::result::Result<Option<Message>, ReadEnd> {
        match self.ws.read() {
            Ok(Message::Close(frame)) => Err(ReadEnd::Closed(frame.map(|f| u16::from(f.code)))),
            Ok(m) => Ok(Some(m)),
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(_) => Err(ReadEnd::Closed(None)),
        }
    }

    fn send(&mut self, payload: String) -> bool {
        self.ws.send(Message::text(payload)).is_ok()
    }

    /// Sends a close frame; with 1000 waits briefly for the server's reply so it sees a clean
    /// end of session.
    fn close(&mut self, code: u16) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: "".into(),
        };
        if self.ws.close(Some(frame)).is_err() || code != 1000 {
            let _ = self.ws.flush();
            return;
        }
        let end = Instant::now() + Duration::from_secs(1);
        while Instant::now() < end {
            match self.ws.read() {
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
    }
}

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
    std::thread::scope(|scope| {
        for (id, rx) in receivers {
            let shared = &shared;
            let errors = &errors;
            scope.spawn(move || {
                if let Err(e) = run_shard(shared, id, rx) {
                    shared.stop.request();
                    errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                }
            });
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

fn run_shard(shared: &Shared<'_>, id: u32, commands: Receiver<String>) -> Result<()> {
    let options = shared.options;
    let diag = |text: &str| options.notice.say(text);
    let mut shard = Shard::new(
        options.token.secret().to_string(),
        options.identify.clone(),
        [id, options.shard_count],
    );
    let mut pending: VecDeque<String> = VecDeque::new();
    let label = if options.tag_shard {
        format!("shard {id}/{}: ", options.shard_count)
    } else {
        String::new()
    };
    loop {
        let State::Disconnected { wait, .. } = shard.state else {
            return Ok(());
        };
        if !wait.is_zero() {
            let why = match shard.short_sessions() {
                0 | 1 => String::new(),
                n => format!(
                    " ({n} sessions in a row ended before they were established; each IDENTIFY uses one of the day's session starts)"
                ),
            };
            diag(&format!(
                "gateway: {label}reconnecting in {:.1}s{why}",
                wait.as_secs_f64()
            ));
        }
        if !shared.stop.sleep(wait) {
            return Ok(());
        }
        let (resume, resume_url) = shard.plan();
        if !resume && !shared.gate.acquire(id, shared.stop)? {
            return Ok(());
        }
        let url = connect_url(resume_url.unwrap_or(&shared.info.url), options.compress)?;
        diag(&format!(
            "gateway: {label}connecting to {} ({})",
            url.split('?').next().unwrap_or(&url),
            if resume { "resume" } else { "identify" }
        ));
        let mut conn = match Connection::open(&url, options.connect_timeout) {
            Ok(c) => c,
            Err(e) => {
                diag(&format!("gateway: {label}{e}"));
                shard.process(Event::ConnectFailed, Instant::now());
                shared.gate.release(id);
                continue;
            }
        };
        shard.process(Event::Connected, Instant::now());
        let ended = drive(
            shared,
            &mut shard,
            &mut conn,
            &commands,
            &mut pending,
            &label,
        );
        shared.gate.release(id);
        match ended? {
            Ended::Stopped => return Ok(()),
            Ended::Reconnect => {}
        }
    }
}

/// Runs one connection until it ends.
fn drive(
    shared: &Shared<'_>,
    shard: &mut Shard,
    conn: &mut Connection,
    commands: &Receiver<String>,
    pending: &mut VecDeque<String>,
    label: &str,
) -> Result<Ended> {
    let options = shared.options;
    let diag = |text: &str| options.notice.say(text);
    let tag = options.tag_shard.then_some(shard.shard);
    let mut inflater = options.compress.map(Inflater::new);
    let mut limiter = SendLimiter::default();
    loop {
        if shared.stop.requested() {
            shard.process(Event::Shutdown, Instant::now());
            conn.close(1000);
            return Ok(Ended::Stopped);
        }
        let message = match conn.read() {
            Ok(m) => m,
            Err(ReadEnd::Closed(code)) => {
                let action = shard.process(Event::Closed { code }, Instant::now());
                if let Action::Fatal(e) = action {
                    return Err(e);
                }
                diag(&format!(
                    "gateway: {label}{}; {}",
                    super::close_codes::describe(code),
                    if shard.plan().0 {
                        "resuming"
                    } else {
                        "identifying afresh"
                    }
                ));
                return Ok(Ended::Reconnect);
            }
        };
        let text: Option<&str> = match &message {
            Some(Message::Text(t)) => Some(t.as_str()),
            Some(Message::Binary(b)) => match inflater
                .as_mut()
                .map_or(Ok(Some(b.as_ref())), |i| i.push(b))
            {
                Ok(Some(bytes)) => match std::str::from_utf8(bytes) {
                    Ok(s) => Some(s),
                    Err(_) => {
                        diag(&format!("gateway: {label}the gateway sent a message that is not UTF-8; reconnecting"));
                        shard.process(Event::Closed { code: None }, Instant::now());
                        conn.close(4000);
                        return Ok(Ended::Reconnect);
                    }
                },
                Ok(None) => None,
                Err(e) => {
                    diag(&format!("gateway: {label}{e}; reconnecting"));
                    shard.process(Event::Closed { code: None }, Instant::now());
                    conn.close(4000);
                    return Ok(Ended::Reconnect);
                }
            },
            _ => None,
        };
        if message.is_none() {
            // Quiet for a poll interval: nothing buffered may wait longer than that.
            shared.sink.flush()?;
        }
        let now = Instant::now();
        if let Some(text) = text {
            let frame = match Frame::parse(text) {
                Ok(f) => f,
                Err(e) => {
                    diag(&format!("gateway: {label}{e}; reconnecting"));
                    shard.process(Event::Closed { code: None }, now);
                    conn.close(4000);
                    return Ok(Ended::Reconnect);
                }
            };
            let t = frame.t.as_deref().unwrap_or("");
            let was_active = shard.state == State::Active;
            let event = match frame.op {
                op::DISPATCH => Event::Dispatch {
                    t,
                    s: frame.s,
                    ready: (t == "READY")
                        .then(|| frame.data::<Ready>())
                        .flatten()
                        .map(|r| (r.session_id, r.resume_gateway_url)),
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
                _ => continue,
            };
            let was_identifying = matches!(shard.state, State::Identifying { .. });
            let action = shard.process(event, now);
            if !was_identifying && matches!(shard.state, State::Identifying { .. }) {
                // The action is the IDENTIFY itself: it uses one of the day's session starts.
                shared.gate.spend(shard.shard[0]);
            }
            match action {
                Action::Print => {
                    if t == "RESUMED" {
                        diag(&format!("gateway: {label}resumed"));
                    }
                    shared.sink.emit(text, t, tag, now)?;
                }
                other => {
                    if let Some(end) = act(other, conn, &mut limiter, label, now, &options.notice)?
                    {
                        return Ok(end);
                    }
                }
            }
            if !was_active && shard.state == State::Active {
                // Commands wait for a live session; a fresh one starts a fresh send budget.
                while let Ok(cmd) = commands.try_recv() {
                    pending.push_back(cmd);
                }
            }
        }
        if shard.deadline().is_some_and(|d| now >= d) {
            let action = shard.process(Event::Tick, now);
            if let Some(end) = act(action, conn, &mut limiter, label, now, &options.notice)? {
                return Ok(end);
            }
        }
        if shard.state == State::Active {
            while let Ok(cmd) = commands.try_recv() {
                pending.push_back(cmd);
            }
            while let Some(cmd) = pending.pop_front() {
                match limiter.admit(&cmd, now) {
                    Ok(()) => {
                        if !conn.send(cmd) {
                            break;
                        }
                    }
                    Err(e) => diag(&format!("error: {e}")),
                }
            }
        }
    }
}

/// Does an action other than printing; `Some` when the connection is over.
fn act(
    action: Action,
    conn: &mut Connection,
    limiter: &mut SendLimiter,
    label: &str,
    now: Instant,
    notice: &Notice,
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
            notice.say(&format!("gateway: {label}{reason}"));
            conn.close(code);
            Ok(Some(Ended::Reconnect))
        }
        Action::Fatal(e) => Err(e),
    }
}

/// WebSocket limits: a GUILD_CREATE of a very large guild is tens of MB in one message, far
/// over tungstenite's 16 MiB frame default; 512 MiB still bounds a hostile server.
fn ws_config() -> tungstenite::protocol::WebSocketConfig {
    tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(512 << 20))
        .max_frame_size(Some(512 << 20))
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
