//! The sandbox's gateway: a WebSocket server speaking Discord's gateway protocol v10 (HELLO,
//! IDENTIFY checks, READY + GUILD_CREATE, heartbeats, RESUME with replay, op 8 member chunks,
//! intents filtering, zlib-stream or zstd-stream), fed by the [`EventHub`] that REST writes publish to, plus
//! the admin routes under `/_sandbox/gateway/` that inject faults and bursts for tests and
//! benchmarks.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::handshake::server::{Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

use super::events::{Dispatch, EventHub};
use super::World;
use crate::compress::Deflater;
use discord_protocol::gateway::frame::op;
use discord_protocol::gateway::inflate::Compression;
use discord_protocol::gateway::intents;
use discord_protocol::gateway::limits::{MAX_PAYLOAD_BYTES, SENDS_PER_WINDOW, WINDOW};

/// How often a connection looks at its faults, bursts and new events when the client is quiet.
const POLL: Duration = Duration::from_millis(5);
/// How long a session stays resumable after its connection went away.
const RESUMABLE_FOR: Duration = Duration::from_secs(300);
/// The path of READY's `resume_gateway_url`: the same server, told apart by its path (Discord
/// gives another host).
const RESUME_PATH: &str = "/resume";

/// Dispatches kept per session for replay on RESUME.
const LOG_LIMIT: usize = 200_000;
/// Bytes of burst frames gathered before one write to the socket.
const BURST_BATCH_BYTES: usize = 256 * 1024;
/// Members per GUILD_MEMBERS_CHUNK.
const CHUNK_SIZE: usize = 1000;

mod admin;
mod payloads;

pub use admin::{admin_world, gateway_bot_world};
use payloads::{
    log, message_template, on_shard, record, snowflake, text_frame_header, visible, Logged,
};

/// What the gateway needs from the sandbox's world.
pub trait GatewayWorld: Send + Sync + 'static {
    /// The bot token the sandbox accepts.
    fn token(&self) -> String;
    /// The bot's user object (READY's `user`).
    fn bot_user(&self) -> Value;
    /// One GUILD_CREATE `d` per guild the bot is in.
    fn guild_create_payloads(&self) -> Vec<Value>;
    /// The members of a guild.
    fn guild_members(&self, guild_id: u64) -> Vec<Value>;
    /// Where REST writes publish dispatches.
    fn hub(&self) -> &EventHub;
}

impl GatewayWorld for World {
    fn token(&self) -> String {
        World::token(self)
    }
    fn bot_user(&self) -> Value {
        World::bot_user(self)
    }
    fn guild_create_payloads(&self) -> Vec<Value> {
        World::guild_create_payloads(self)
    }
    fn guild_members(&self, guild_id: u64) -> Vec<Value> {
        World::guild_members(self, guild_id)
    }
    fn hub(&self) -> &EventHub {
        &self.hub
    }
}

/// Serves the sandbox's gateway on `listener` on a background thread.
pub fn serve(listener: TcpListener, world: Arc<World>) {
    std::thread::spawn(move || serve_world(listener, world));
}

/// Admin calls under `/_sandbox/gateway/...`.
pub fn admin(world: &World, method: &str, path: &str, body: &Value) -> (u16, Value) {
    admin_world(world, method, path, body)
}

/// The `/gateway/bot` body for the sandbox world: its gateway's live settings, or the defaults
/// in the moment before the gateway is serving.
pub fn gateway_bot(world: &World) -> Value {
    gateway_bot_world(world)
        .unwrap_or_else(|| admin::gateway_bot_body(&world.gateway_url, &Config::default()))
}

/// Settings an admin call can change.
#[derive(Debug, Clone)]
struct Config {
    heartbeat_interval: u64,
    privileged_enabled: u64,
    shards: u32,
    min_shards: u32,
    max_concurrency: u32,
    start_total: u64,
    start_remaining: u64,
    reset_after: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            heartbeat_interval: 41_250,
            privileged_enabled: intents::privileged(),
            shards: 1,
            min_shards: 1,
            max_concurrency: 1,
            start_total: 1000,
            start_remaining: 1000,
            reset_after: 86_400_000,
        }
    }
}

/// A control message from an admin call to one live connection.
#[derive(Debug, Clone)]
enum Control {
    Fault(Value),
    Burst(u64),
}

/// One session: what it asked for, its numbering and its replay log.
struct SessionState {
    id: String,
    intents: u64,
    shard: [u32; 2],
    /// When its IDENTIFY came (Unix milliseconds), for tests of identify spacing.
    identified_at_ms: u64,
    owner: AtomicU64,
    inner: Mutex<SessionInner>,
}

struct SessionInner {
    seq: u64,
    log: VecDeque<(u64, Logged)>,
    events: Receiver<Arc<Dispatch>>,
    overlap: u64,
    left_at: Option<Instant>,
    /// RESUMEs of this session, and how many of them came in elsewhere than at READY's
    /// `resume_gateway_url` (admin calls show both, so tests can check where clients resume).
    resumes: u64,
    resumes_elsewhere: u64,
}

/// One live connection, as admin calls see it.
struct Live {
    conn: u64,
    session: Arc<Mutex<Option<String>>>,
    control: Sender<Control>,
    /// The transport compression the connection asked for.
    compression: Option<Compression>,
    /// When the client's heartbeats arrived.
    beats: Arc<Mutex<Beats>>,
}

/// When one connection's heartbeats arrived, for tests of the client's timing.
#[derive(Debug, Default, Clone)]
struct Beats {
    /// When HELLO went out.
    hello_at: Option<Instant>,
    /// Milliseconds after HELLO of the first few heartbeats.
    after_hello_ms: Vec<u64>,
    /// An op 1 sent by the `heartbeat_request` fault, not yet answered.
    requested_at: Option<Instant>,
    /// How long the client took to answer the last op 1, in ms.
    request_answered_ms: Option<u64>,
}

/// How many heartbeat times [`Beats`] keeps.
const BEATS_KEPT: usize = 16;

/// The gateway server's state.
struct Server {
    url: String,
    config: Mutex<Config>,
    sessions: Mutex<HashMap<String, Arc<SessionState>>>,
    live: Mutex<Vec<Live>>,
    last_identify: Mutex<Option<Value>>,
    next_id: AtomicU64,
}

/// Servers by the address of their world, so admin calls (which get the world) find theirs.
fn registry() -> &'static Mutex<HashMap<usize, Arc<Server>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<usize, Arc<Server>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

fn key<W>(world: &W) -> usize {
    world as *const W as *const () as usize
}

fn server_of<W>(world: &W) -> Option<Arc<Server>> {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key(world))
        .cloned()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Serves the gateway on `listener` until the process exits (one thread per connection).
pub fn serve_world<W: GatewayWorld>(listener: TcpListener, world: Arc<W>) {
    let url = match listener.local_addr() {
        Ok(addr) => format!("ws://{addr}"),
        Err(_) => return,
    };
    let server = Arc::new(Server {
        url,
        config: Mutex::new(Config::default()),
        sessions: Mutex::new(HashMap::new()),
        live: Mutex::new(Vec::new()),
        last_identify: Mutex::new(None),
        next_id: AtomicU64::new(1),
    });
    lock(registry()).insert(key(&*world), Arc::clone(&server));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let server = Arc::clone(&server);
        let world = Arc::clone(&world);
        std::thread::spawn(move || Connection::run(&server, &*world, stream));
    }
}

/// Why a connection loop ended.
enum End {
    /// Close with this code.
    Close(u16),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// The client went away.
    Gone,
}

/// One client connection.
struct Connection<'a, W: GatewayWorld> {
    server: &'a Server,
    world: &'a W,
    id: u64,
    ws: WebSocket<TcpStream>,
    /// The connection's transport compression, when it asked for one.
    deflater: Option<Deflater>,
    zbuf: Vec<u8>,
    /// The URL path the client connected to (`/` or [`RESUME_PATH`]).
    path: String,
    /// When the client's heartbeats arrived (shared with [`Live`]).
    beats: Arc<Mutex<Beats>>,
    session: Option<Arc<SessionState>>,
    session_name: Arc<Mutex<Option<String>>>,
    control: Receiver<Control>,
    acks: bool,
    received: VecDeque<Instant>,
    fragmenting: Option<Fragmenting>,
}

/// The `fragment` fault: how the next payloads are cut up and slowed down.
#[derive(Debug, Clone, Copy)]
struct Fragmenting {
    /// Payloads still to be sent this way.
    left: u64,
    /// Pieces per payload.
    pieces: usize,
    /// Pause before each piece after the first.
    delay: Duration,
}

impl<'a, W: GatewayWorld> Connection<'a, W> {
    fn run(server: &'a Server, world: &'a W, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
        let _ = stream.set_nodelay(true);
        let Ok(socket) = stream.try_clone() else {
            return;
        };
        let mut query = String::new();
        let mut path = String::new();
        // The closure's type is fixed by tungstenite's handshake callback.
        #[allow(clippy::result_large_err)]
        let callback = |req: &Request, resp: Response| {
            query = req.uri().query().unwrap_or("").to_string();
            path = req.uri().path().to_string();
            Ok(resp)
        };
        let Ok(ws) = tungstenite::accept_hdr(stream, callback) else {
            return;
        };
        let _ = socket.set_read_timeout(Some(POLL));
        let params: HashMap<&str, &str> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let id = server.next_id.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = channel();
        let session_name = Arc::new(Mutex::new(None));
        let compression = params
            .get("compress")
            .and_then(|c| Compression::from_query_value(c));
        let beats = Arc::new(Mutex::new(Beats::default()));
        lock(&server.live).push(Live {
            conn: id,
            session: Arc::clone(&session_name),
            control: tx,
            compression,
            beats: Arc::clone(&beats),
        });
        let mut conn = Connection {
            server,
            world,
            id,
            ws,
            deflater: compression.map(Deflater::new),
            zbuf: Vec::new(),
            path,
            beats,
            fragmenting: None,
            session: None,
            session_name,
            control: rx,
            acks: true,
            received: VecDeque::new(),
        };
        let end = if params.get("v").is_some_and(|v| *v != "10") {
            End::Close(4012)
        } else {
            conn.serve()
        };
        match end {
            End::Close(code) => {
                let _ = conn.ws.close(Some(CloseFrame {
                    code: CloseCode::from(code),
                    reason: "".into(),
                }));
                let _ = conn.ws.flush();
                // Let the client read the close frame before the socket goes.
                let until = Instant::now() + Duration::from_millis(500);
                while Instant::now() < until {
                    match conn.ws.read() {
                        Ok(_) => {}
                        Err(tungstenite::Error::Io(e))
                            if e.kind() == std::io::ErrorKind::WouldBlock
                                || e.kind() == std::io::ErrorKind::TimedOut => {}
                        Err(_) => break,
                    }
                }
            }
            End::Drop => {
                let _ = socket.shutdown(std::net::Shutdown::Both);
            }
            End::Gone => {}
        }
        if let Some(s) = &conn.session {
            if s.owner.load(Ordering::SeqCst) == id {
                lock(&s.inner).left_at = Some(Instant::now());
            }
        }
        lock(&server.live).retain(|l| l.conn != id);
        conn.forget_stale_sessions();
    }

    fn forget_stale_sessions(&self) {
        let live: Vec<String> = lock(&self.server.live)
            .iter()
            .filter_map(|l| lock(&l.session).clone())
            .collect();
        lock(&self.server.sessions).retain(|id, s| {
            live.contains(id)
                || lock(&s.inner)
                    .left_at
                    .is_none_or(|t| t.elapsed() < RESUMABLE_FOR)
        });
    }

    fn serve(&mut self) -> End {
        let interval = lock(&self.server.config).heartbeat_interval;
        if !self.send(
            &json!({"op": op::HELLO, "d": {"heartbeat_interval": interval}, "s": null, "t": null})
                .to_string(),
        ) {
            return End::Gone;
        }
        lock(&self.beats).hello_at = Some(Instant::now());
        loop {
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    if let Some(end) = self.command(text.as_str()) {
                        return end;
                    }
                }
                Ok(Message::Binary(_)) => return End::Close(4002),
                Ok(Message::Close(frame)) => {
                    // Docs ("Gateway > Disconnecting"): a client that closes with 1000 or 1001
                    // ends its session; any other code leaves it resumable.
                    if frame.is_some_and(|f| matches!(u16::from(f.code), 1000 | 1001)) {
                        if let Some(session) = &self.session {
                            lock(&self.server.sessions).remove(&session.id);
                        }
                    }
                    return End::Gone;
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return End::Gone,
            }
            while let Ok(control) = self.control.try_recv() {
                if let Some(end) = self.apply(control) {
                    return end;
                }
            }
            if let Some(session) = self.session.clone() {
                if session.owner.load(Ordering::SeqCst) != self.id {
                    // Resumed on another connection: this one is finished.
                    return End::Close(4009);
                }
                if !self.pump(&session) {
                    return End::Gone;
                }
            }
        }
    }

    /// Wraps a payload in a WebSocket message (compressed when asked); `None` when
    /// compression failed.
    fn encode(&mut self, text: String) -> Option<Message> {
        match &mut self.deflater {
            Some(d) => {
                d.write(text.as_bytes(), &mut self.zbuf).ok()?;
                Some(Message::binary(self.zbuf.clone()))
            }
            None => Some(Message::text(text)),
        }
    }

    /// Sends one payload and flushes; false when the socket failed.
    fn send(&mut self, text: &str) -> bool {
        self.queue(text.to_string()) && self.ws.flush().is_ok()
    }

    /// Queues a payload without flushing (bursts); false when the socket failed.
    fn queue(&mut self, text: String) -> bool {
        if let Some(f) = self.fragmenting.as_mut().filter(|f| f.left > 0) {
            f.left -= 1;
            let f = *f;
            return self.send_in_pieces(text, f);
        }
        match self.encode(text) {
            Some(message) => self.ws.write(message).is_ok(),
            None => false,
        }
    }

    /// Sends a payload in `f.pieces` pieces, pausing before each but the first: as WebSocket
    /// continuation frames, or with zlib-stream as separate binary messages (each itself in
    /// two frames), of which only the last ends with the stream's flush suffix. zstd-stream
    /// has no such suffix (a message is one payload), so there it is continuation frames.
    fn send_in_pieces(&mut self, text: String, f: Fragmenting) -> bool {
        use tungstenite::protocol::frame::coding::{Data, OpCode};
        use tungstenite::protocol::frame::Frame;
        let (bytes, first) = match &mut self.deflater {
            Some(d) => {
                if d.write(text.as_bytes(), &mut self.zbuf).is_err() {
                    return false;
                }
                (self.zbuf.clone(), Data::Binary)
            }
            None => (text.into_bytes(), Data::Text),
        };
        let split_messages = self
            .deflater
            .as_ref()
            .is_some_and(|d| d.compression() == Compression::Zlib);
        let size = bytes.len().div_ceil(f.pieces.max(1)).max(1);
        let pieces: Vec<&[u8]> = bytes.chunks(size).collect();
        let frames = |piece: &[u8], opcode: Data, last: bool| -> Vec<Frame> {
            match piece.len() {
                0 | 1 => vec![Frame::message(piece.to_vec(), OpCode::Data(opcode), last)],
                n => vec![
                    Frame::message(piece[..n / 2].to_vec(), OpCode::Data(opcode), false),
                    Frame::message(piece[n / 2..].to_vec(), OpCode::Data(Data::Continue), last),
                ],
            }
        };
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                if self.ws.flush().is_err() {
                    return false;
                }
                std::thread::sleep(f.delay);
            }
            let last = i + 1 == pieces.len();
            let sent = if split_messages {
                frames(piece, Data::Binary, true)
            } else {
                let opcode = if i == 0 { first } else { Data::Continue };
                vec![Frame::message(piece.to_vec(), OpCode::Data(opcode), last)]
            };
            for frame in sent {
                if self.ws.write(Message::Frame(frame)).is_err() {
                    return false;
                }
            }
        }
        true
    }

    /// Handles one client payload; `Some` ends the connection.
    fn command(&mut self, text: &str) -> Option<End> {
        if text.len() > MAX_PAYLOAD_BYTES {
            return Some(End::Close(4002));
        }
        let now = Instant::now();
        self.received.push_back(now);
        while self
            .received
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.received.pop_front();
        }
        if self.received.len() > SENDS_PER_WINDOW {
            return Some(End::Close(4008));
        }
        let Ok(payload) = serde_json::from_str::<Value>(text) else {
            return Some(End::Close(4002));
        };
        let opcode = payload["op"].as_u64().unwrap_or(u64::MAX);
        let d = &payload["d"];
        match u8::try_from(opcode).unwrap_or(u8::MAX) {
            op::HEARTBEAT => {
                {
                    let mut beats = lock(&self.beats);
                    if let Some(at) = beats.requested_at.take() {
                        beats.request_answered_ms = Some(at.elapsed().as_millis() as u64);
                    }
                    if let Some(hello) = beats.hello_at {
                        if beats.after_hello_ms.len() < BEATS_KEPT {
                            beats
                                .after_hello_ms
                                .push(hello.elapsed().as_millis() as u64);
                        }
                    }
                }
                if self.acks && !self.send(r#"{"op":11,"d":null,"s":null,"t":null}"#) {
                    return Some(End::Gone);
                }
                None
            }
            op::IDENTIFY => self.identify(d),
            op::RESUME => self.resume(d),
            _ if self.session.is_none() => Some(End::Close(4003)),
            op::REQUEST_GUILD_MEMBERS => self.members(d),
            op::PRESENCE_UPDATE | op::VOICE_STATE_UPDATE | op::REQUEST_CHANNEL_INFO => None,
            op::REQUEST_SOUNDBOARD_SOUNDS => {
                for guild in d["guild_ids"].as_array().cloned().unwrap_or_default() {
                    self.world.hub().publish(
                        "SOUNDBOARD_SOUNDS",
                        json!({"guild_id": guild, "soundboard_sounds": []}),
                    );
                }
                None
            }
            _ => Some(End::Close(4001)),
        }
    }

    fn identify(&mut self, d: &Value) -> Option<End> {
        if self.session.is_some() {
            return Some(End::Close(4005));
        }
        let token_ok = d["token"].as_str() == Some(self.world.token().as_str());
        let mut recorded = d.clone();
        if recorded.get("token").is_some() {
            recorded["token"] = json!("(redacted)");
        }
        recorded["token_matched"] = json!(token_ok);
        *lock(&self.server.last_identify) = Some(recorded);
        if !token_ok {
            return Some(End::Close(4004));
        }
        let config = lock(&self.server.config).clone();
        let Some(bits) = d["intents"].as_u64() else {
            return Some(End::Close(4013));
        };
        if bits & !intents::all() != 0 {
            return Some(End::Close(4013));
        }
        if bits & intents::privileged() & !config.privileged_enabled != 0 {
            return Some(End::Close(4014));
        }
        let shard = match d.get("shard") {
            None | Some(Value::Null) => [0, 1],
            Some(s) => match (s[0].as_u64(), s[1].as_u64()) {
                (Some(id), Some(count)) if count >= 1 && id < count && count <= 1024 => {
                    [id as u32, count as u32]
                }
                _ => return Some(End::Close(4010)),
            },
        };
        if shard[1] < config.min_shards {
            return Some(End::Close(4011));
        }
        {
            let mut c = lock(&self.server.config);
            c.start_remaining = c.start_remaining.saturating_sub(1);
        }
        let n = self.server.next_id.fetch_add(1, Ordering::SeqCst);
        let session = Arc::new(SessionState {
            id: format!("sandbox-session-{n:06}"),
            intents: bits,
            shard,
            identified_at_ms: crate::state::now_ms(),
            owner: AtomicU64::new(self.id),
            inner: Mutex::new(SessionInner {
                seq: 0,
                log: VecDeque::new(),
                events: self.world.hub().subscribe(),
                overlap: 0,
                left_at: None,
                resumes: 0,
                resumes_elsewhere: 0,
            }),
        });
        lock(&self.server.sessions).insert(session.id.clone(), Arc::clone(&session));
        *lock(&self.session_name) = Some(session.id.clone());
        self.session = Some(Arc::clone(&session));

        let user = self.world.bot_user();
        let guilds: Vec<Value> = self
            .world
            .guild_create_payloads()
            .into_iter()
            .filter(|g| on_shard(g, shard))
            .collect();
        let stubs: Vec<Value> = guilds
            .iter()
            .map(|g| json!({"id": g["id"], "unavailable": true}))
            .collect();
        let ready = json!({
            "v": 10,
            "user": user,
            "guilds": stubs,
            "session_id": session.id,
            "resume_gateway_url": format!("{}{RESUME_PATH}", self.server.url),
            "shard": shard,
            "application": {"id": user["id"], "flags": 0},
        });
        if !self.dispatch(&session, "READY", &ready) {
            return Some(End::Gone);
        }
        for g in guilds {
            if !self.dispatch(&session, "GUILD_CREATE", &g) {
                return Some(End::Gone);
            }
        }
        None
    }

    fn resume(&mut self, d: &Value) -> Option<End> {
        if d["token"].as_str() != Some(self.world.token().as_str()) {
            return Some(End::Close(4004));
        }
        let found = d["session_id"]
            .as_str()
            .and_then(|id| lock(&self.server.sessions).get(id).cloned());
        let Some(session) = found else {
            return (!self.send(r#"{"op":9,"d":false,"s":null,"t":null}"#)).then_some(End::Gone);
        };
        let client_seq = d["seq"].as_u64().unwrap_or(0);
        let replay: Vec<String> = {
            let mut inner = lock(&session.inner);
            if client_seq > inner.seq {
                return Some(End::Close(4007));
            }
            let from = client_seq.saturating_sub(std::mem::take(&mut inner.overlap));
            if inner.log.front().is_some_and(|(s, _)| *s > from + 1) {
                // The log no longer reaches back far enough.
                drop(inner);
                return (!self.send(r#"{"op":9,"d":false,"s":null,"t":null}"#))
                    .then_some(End::Gone);
            }
            inner.left_at = None;
            // Taken over under the log's lock: a connection that still thinks it owns the
            // session checks this under the same lock before it logs, so nothing can be
            // logged after the replay below was cut and then sent to the dead connection.
            session.owner.store(self.id, Ordering::SeqCst);
            inner.resumes += 1;
            if self.path != RESUME_PATH {
                inner.resumes_elsewhere += 1;
            }
            inner
                .log
                .iter()
                .filter(|(s, _)| *s > from)
                .map(|(s, entry)| entry.text(*s))
                .collect()
        };
        *lock(&self.session_name) = Some(session.id.clone());
        self.session = Some(Arc::clone(&session));
        for payload in replay {
            if !self.queue(payload) {
                return Some(End::Gone);
            }
        }
        // Events published while the client was away follow the replay.
        if !self.pump(&session) {
            return Some(End::Gone);
        }
        if !self.send(r#"{"t":"RESUMED","s":null,"op":0,"d":{}}"#) {
            return Some(End::Gone);
        }
        None
    }

    fn members(&mut self, d: &Value) -> Option<End> {
        let Some(guild) = snowflake(&d["guild_id"]) else {
            return Some(End::Close(4001));
        };
        let query = d["query"].as_str().unwrap_or("").to_lowercase();
        let limit = d["limit"].as_u64().unwrap_or(0) as usize;
        let ids: Option<Vec<String>> = d["user_ids"].as_array().map(|a| {
            a.iter()
                .filter_map(|v| snowflake(v).map(|n| n.to_string()))
                .collect()
        });
        let mut members: Vec<Value> = self
            .world
            .guild_members(guild)
            .into_iter()
            .filter(|m| {
                let user = &m["user"];
                match &ids {
                    Some(ids) => user["id"]
                        .as_str()
                        .is_some_and(|id| ids.iter().any(|i| i == id)),
                    None => {
                        let name = user["username"].as_str().unwrap_or("").to_lowercase();
                        let nick = m["nick"].as_str().unwrap_or("").to_lowercase();
                        name.starts_with(&query) || (!nick.is_empty() && nick.starts_with(&query))
                    }
                }
            })
            .collect();
        if limit > 0 {
            members.truncate(limit);
        }
        let chunks: Vec<Vec<Value>> = if members.is_empty() {
            vec![Vec::new()]
        } else {
            members.chunks(CHUNK_SIZE).map(<[Value]>::to_vec).collect()
        };
        let count = chunks.len();
        let session = self.session.clone()?;
        for (i, chunk) in chunks.into_iter().enumerate() {
            let mut data = json!({
                "guild_id": guild.to_string(),
                "members": chunk,
                "chunk_index": i,
                "chunk_count": count,
            });
            if let Some(nonce) = d.get("nonce") {
                data["nonce"] = nonce.clone();
            }
            if !self.dispatch(&session, "GUILD_MEMBERS_CHUNK", &data) {
                return Some(End::Gone);
            }
        }
        None
    }

    /// Numbers, logs and sends one dispatch to this connection's session.
    fn dispatch(&mut self, session: &SessionState, t: &str, d: &Value) -> bool {
        let payload = record(&mut lock(&session.inner), t, d);
        self.send(&payload)
    }

    /// Sends every hub event the session has not seen yet, filtered by its intents and shard.
    fn pump(&mut self, session: &SessionState) -> bool {
        let bot_id = self.world.bot_user()["id"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let mut sent = false;
        loop {
            let payload = {
                let mut inner = lock(&session.inner);
                if !self.owns(session) {
                    // Resumed elsewhere: what is logged now belongs to the new connection.
                    return false;
                }
                let event = match inner.events.try_recv() {
                    Ok(e) => e,
                    Err(_) => break,
                };
                let Some(d) = visible(&event, session.intents, session.shard, &bot_id) else {
                    continue;
                };
                record(&mut inner, &event.t, &d)
            };
            if !self.queue(payload.to_string()) {
                return false;
            }
            sent = true;
        }
        !sent || self.ws.flush().is_ok()
    }

    /// Whether this connection still owns `session` (a RESUME elsewhere takes it over). Read
    /// under the session's lock when logging, as the RESUME changes it under that lock.
    fn owns(&self, session: &SessionState) -> bool {
        session.owner.load(Ordering::SeqCst) == self.id
    }

    /// Applies an admin fault or burst; `Some` ends the connection.
    fn apply(&mut self, control: Control) -> Option<End> {
        let session = self.session.clone()?;
        if !self.owns(&session) {
            // A connection the client has already left behind: it must not log dispatches
            // that only it would send.
            return Some(End::Close(4009));
        }
        match control {
            Control::Burst(count) => {
                if !self.burst(&session, count) {
                    return Some(End::Gone);
                }
                None
            }
            Control::Fault(fault) => {
                let kind = fault["kind"].as_str().unwrap_or("");
                match kind {
                    "reconnect" => {
                        (!self.send(r#"{"op":7,"d":null,"s":null,"t":null}"#)).then_some(End::Gone)
                    }
                    "invalid_session" => {
                        lock(&self.server.sessions).remove(&session.id);
                        self.session = None;
                        *lock(&self.session_name) = None;
                        (!self.send(r#"{"op":9,"d":false,"s":null,"t":null}"#)).then_some(End::Gone)
                    }
                    "invalid_session_resumable" => {
                        (!self.send(r#"{"op":9,"d":true,"s":null,"t":null}"#)).then_some(End::Gone)
                    }
                    "stop_acks" => {
                        self.acks = false;
                        None
                    }
                    "heartbeat_request" => {
                        lock(&self.beats).requested_at = Some(Instant::now());
                        (!self.send(r#"{"op":1,"d":null,"s":null,"t":null}"#)).then_some(End::Gone)
                    }
                    "fragment" => {
                        self.fragmenting = Some(Fragmenting {
                            left: fault["count"].as_u64().unwrap_or(10),
                            pieces: fault["pieces"].as_u64().unwrap_or(3).clamp(1, 1000) as usize,
                            delay: Duration::from_millis(
                                fault["delay_ms"].as_u64().unwrap_or(0).min(5000),
                            ),
                        });
                        None
                    }
                    "drop" => {
                        let unsent = fault["unsent"].as_u64().unwrap_or(0);
                        let overlap = fault["replay_overlap"].as_u64().unwrap_or(0);
                        let template = Arc::new(message_template(self.world, &session));
                        let mut inner = lock(&session.inner);
                        inner.overlap = overlap;
                        for _ in 0..unsent {
                            log(&mut inner, Logged::Burst(Arc::clone(&template)));
                        }
                        Some(End::Drop)
                    }
                    "close" => {
                        let code = fault["code"].as_u64().unwrap_or(4000);
                        Some(End::Close(u16::try_from(code).unwrap_or(4000)))
                    }
                    _ => None,
                }
            }
        }
    }

    /// Emits `count` MESSAGE_CREATE dispatches as fast as the socket takes them.
    fn burst(&mut self, session: &SessionState, count: u64) -> bool {
        if session.intents & intents::required_for("MESSAGE_CREATE", true).unwrap_or(0) == 0 {
            return true;
        }
        let template = Arc::new(message_template(self.world, session));
        if self.deflater.is_some() || self.fragmenting.is_some_and(|f| f.left > 0) {
            for _ in 0..count {
                let seq = {
                    let mut inner = lock(&session.inner);
                    if !self.owns(session) {
                        return false;
                    }
                    log(&mut inner, Logged::Burst(Arc::clone(&template)))
                };
                if !self.queue(template.render(seq)) {
                    return false;
                }
            }
            return self.ws.flush().is_ok();
        }
        // Uncompressed, the frames are written here in large batches, straight to the socket
        // once tungstenite's own buffer is empty: through tungstenite, a burst was limited
        // by the sandbox rather than by the client being measured.
        if self.ws.flush().is_err() {
            return false;
        }
        let mut batch = Vec::with_capacity(BURST_BATCH_BYTES + 4096);
        let mut left = count;
        while left > 0 {
            {
                let mut inner = lock(&session.inner);
                if !self.owns(session) {
                    return false;
                }
                while left > 0 && batch.len() < BURST_BATCH_BYTES {
                    let seq = log(&mut inner, Logged::Burst(Arc::clone(&template)));
                    text_frame_header(template.len(seq), &mut batch);
                    template.render_into(seq, &mut batch);
                    left -= 1;
                }
            }
            if self.ws.get_mut().write_all(&batch).is_err() {
                return false;
            }
            batch.clear();
        }
        true
    }
}
