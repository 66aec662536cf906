//! `discord sandbox --replay N`: a gateway for benchmarks that is never the slower side.
//!
//! The normal sandbox renders, numbers, logs and (when asked) compresses every dispatch as it
//! sends it, as Discord would; a client that keeps up with that measures the sandbox, not
//! itself. Here the whole server side of a connection is built once at start-up, for each of
//! plain JSON, zlib-stream and zstd-stream: HELLO, READY and GUILD_CREATE, then `N` of the
//! burst's MESSAGE_CREATE dispatches, each one already a WebSocket frame (and compressed with
//! one context per stream, as one connection's would be). A connection is sent those bytes
//! from memory: the preamble at once, the dispatches when `POST /_sandbox/gateway/burst` asks,
//! in a single write. Each connection gets the same bytes, which is correct because a
//! compression context belongs to one connection and every connection starts a fresh one.
//!
//! REST is the ordinary sandbox (`/gateway/bot` names this gateway). Heartbeats are not
//! answered (an ACK would have to be compressed into the stream): HELLO asks for one an hour,
//! so a benchmark never gets that far. RESUME, intents and faults are the normal sandbox's
//! business, not this one's.

mod limit;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::handshake::server::{Request as WsRequest, Response as WsResponse};
use tungstenite::{Message, WebSocket};

use crate::compress::Deflater;
use crate::gateway::{frame_header, template_for};
use crate::http::{self, Request, Response};
use crate::{ratelimit, routes, Error, Result, SandboxOptions, World};
use discord_protocol::gateway::frame::op;
use discord_protocol::gateway::inflate::Compression;

pub use limit::{inflate, InflateCost};

/// The heartbeat interval HELLO asks for: longer than any benchmark, since beats go unanswered.
const HEARTBEAT_MS: u64 = 3_600_000;
/// How long a waiting connection sleeps between looks at its socket and the burst trigger.
const POLL: Duration = Duration::from_millis(5);
/// The three streams, in the order [`Replay::stream`] indexes them.
const KINDS: [Option<Compression>; 3] = [None, Some(Compression::Zlib), Some(Compression::Zstd)];

/// The server side of one connection, built up front: WebSocket frames as they go on the wire.
#[derive(Debug)]
pub struct Stream {
    /// `None` for plain JSON text frames, else the compression of the binary frames.
    pub compression: Option<Compression>,
    /// HELLO, then READY and GUILD_CREATE, then the dispatches, back to back.
    pub bytes: Vec<u8>,
    /// Where HELLO ends (it goes out on connect).
    pub hello_end: usize,
    /// Where GUILD_CREATE ends (it goes out after IDENTIFY).
    pub ready_end: usize,
    /// Where each dispatch's frame ends: a burst of `n` sends `bytes[ready_end..ends[n - 1]]`.
    pub ends: Vec<usize>,
}

impl Stream {
    /// Builds the stream a client of `world` asking for `compression` gets, with `count`
    /// MESSAGE_CREATE dispatches.
    pub fn build(world: &World, count: usize, compression: Option<Compression>) -> Result<Stream> {
        let mut out = Framer {
            deflater: compression.map(Deflater::new),
            scratch: Vec::new(),
            bytes: Vec::new(),
        };
        out.push(&json!({"op": op::HELLO, "d": {"heartbeat_interval": HEARTBEAT_MS}, "s": null, "t": null}))?;
        let hello_end = out.bytes.len();
        let user = world.bot_user();
        let guilds = world.guild_create_payloads();
        let stubs: Vec<Value> = guilds
            .iter()
            .map(|g| json!({"id": g["id"], "unavailable": true}))
            .collect();
        let ready = json!({
            "v": 10, "user": user, "guilds": stubs, "session_id": "replay",
            "resume_gateway_url": world.gateway_url, "shard": [0, 1],
            "application": {"id": user["id"], "flags": 0},
        });
        let mut seq = 1;
        out.push(&json!({"op": op::DISPATCH, "t": "READY", "s": seq, "d": ready}))?;
        for g in &guilds {
            seq += 1;
            out.push(&json!({"op": op::DISPATCH, "t": "GUILD_CREATE", "s": seq, "d": g}))?;
        }
        let ready_end = out.bytes.len();
        // Every client here gets the message text, whatever its intents: the same bytes for all.
        let template = template_for(guilds.first(), true);
        let mut ends = Vec::with_capacity(count);
        let mut text = Vec::with_capacity(1024);
        for _ in 0..count {
            seq += 1;
            text.clear();
            template.render_into(seq, &mut text);
            out.push_bytes(&text)?;
            ends.push(out.bytes.len());
        }
        out.bytes.shrink_to_fit();
        Ok(Stream {
            compression,
            bytes: out.bytes,
            hello_end,
            ready_end,
            ends,
        })
    }

    /// The bytes of a burst of `count` dispatches (all of them when `count` is larger).
    pub fn burst(&self, count: usize) -> &[u8] {
        let end = match count.min(self.ends.len()) {
            0 => self.ready_end,
            n => self.ends[n - 1],
        };
        &self.bytes[self.ready_end..end]
    }
}

/// Frames payloads the way one server connection would, compressing with one context.
struct Framer {
    deflater: Option<Deflater>,
    scratch: Vec<u8>,
    bytes: Vec<u8>,
}

impl Framer {
    fn push(&mut self, payload: &Value) -> Result<()> {
        self.push_bytes(payload.to_string().as_bytes())
    }

    fn push_bytes(&mut self, text: &[u8]) -> Result<()> {
        match &mut self.deflater {
            Some(d) => {
                d.write(text, &mut self.scratch)?;
                frame_header(0x82, self.scratch.len(), &mut self.bytes);
                self.bytes.extend_from_slice(&self.scratch);
            }
            None => {
                frame_header(0x81, text.len(), &mut self.bytes);
                self.bytes.extend_from_slice(text);
            }
        }
        Ok(())
    }
}

/// One connection that identified, as `GET /_sandbox/gateway/sessions` lists it.
struct Session {
    compression: Option<Compression>,
    live: bool,
    /// Whether it had its burst: the stream's bytes continue one compression context, so
    /// sending them twice on one connection would be corrupt.
    used: bool,
    trigger: Sender<usize>,
    /// Seconds from the burst's first byte to the client's close frame: how long the client
    /// took, by one clock for every client, without its start-up or exit.
    burst_to_close: Option<f64>,
}

/// The replay gateway: its prebuilt streams and the connections that identified.
pub struct Replay {
    streams: Vec<Stream>,
    token: String,
    sessions: Mutex<Vec<Session>>,
}

impl Replay {
    /// Builds the three streams for `world` with `count` dispatches each.
    pub fn new(world: &World, count: usize) -> Result<Replay> {
        let streams = KINDS
            .iter()
            .map(|c| Stream::build(world, count, *c))
            .collect::<Result<Vec<_>>>()?;
        Ok(Replay {
            streams,
            token: world.token(),
            sessions: Mutex::new(Vec::new()),
        })
    }

    /// The stream for a compression (`None`: plain).
    pub fn stream(&self, compression: Option<Compression>) -> &Stream {
        let i = KINDS.iter().position(|k| *k == compression).unwrap_or(0);
        &self.streams[i]
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, Vec<Session>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a burst of `count` on every live connection that has not had one; how many got it.
    fn trigger(&self, count: usize) -> usize {
        let mut sent = 0;
        for s in self.sessions().iter_mut().filter(|s| s.live && !s.used) {
            s.used = true;
            sent += usize::from(s.trigger.send(count).is_ok());
        }
        sent
    }

    /// The admin routes it adds to the sandbox's; `None` for every other request.
    fn admin(&self, req: &Request) -> Option<Response> {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let kind = |c: Option<Compression>| c.map_or("plain", Compression::query_value);
        let answer = match (req.method.as_str(), req.path.trim_end_matches('/')) {
            ("GET", "/_sandbox/gateway/sessions") => Value::Array(
                self.sessions()
                    .iter()
                    .map(|s| json!({"compress": kind(s.compression), "live": s.live, "burst": s.used, "burst_to_close": s.burst_to_close}))
                    .collect(),
            ),
            ("POST", "/_sandbox/gateway/burst") => {
                let most = self.streams[0].ends.len();
                let count = body["count"].as_u64().map_or(most, |c| c as usize);
                if count > most {
                    let message = format!("this replay holds {most} dispatches; ask for at most that many (or restart it with --replay {count})");
                    return Some(Response::json(400, &json!({ "message": message })));
                }
                json!({"sessions": self.trigger(count), "count": count})
            }
            ("GET", "/_sandbox/replay") => {
                let bytes: serde_json::Map<String, Value> = self
                    .streams
                    .iter()
                    .map(|s| (kind(s.compression).to_string(), json!(s.burst(usize::MAX).len())))
                    .collect();
                json!({"count": self.streams[0].ends.len(), "bytes": bytes})
            }
            ("GET", "/_sandbox/replay/inflate") => {
                let c = req.query("compress").and_then(Compression::from_query_value);
                let Some(c) = c else {
                    let message = "say which stream: ?compress=zlib-stream or ?compress=zstd-stream";
                    return Some(Response::json(400, &json!({ "message": message })));
                };
                match inflate(self.stream(Some(c))) {
                    Ok(cost) => cost.to_json(),
                    Err(e) => return Some(Response::json(500, &json!({"message": e.to_string()}))),
                }
            }
            _ => return None,
        };
        Some(Response::json(200, &answer))
    }
}

/// A running replay sandbox.
#[derive(Debug, Clone)]
pub struct ReplaySandbox {
    api_url: String,
    gateway_url: String,
}

impl ReplaySandbox {
    /// Builds the streams (`count` dispatches each) and starts REST and the replay gateway.
    pub fn start(options: SandboxOptions, count: usize) -> Result<ReplaySandbox> {
        let rest = crate::bind_rest(options.port)?;
        let gateway = TcpListener::bind(("127.0.0.1", 0))
            .map_err(|e| Error::runtime(format!("cannot open the gateway port: {e}")))?;
        let gateway_url = format!("ws://{}", gateway.local_addr()?);
        let limits = ratelimit::Limits::new(
            options.rate_limit_scale,
            options.rate_limits,
            options.global_limit,
        );
        let world = Arc::new(World::new(options.token, limits, gateway_url.clone()));
        let replay = Arc::new(Replay::new(&world, count)?);
        {
            let replay = Arc::clone(&replay);
            std::thread::spawn(move || {
                for stream in gateway.incoming().flatten() {
                    let replay = Arc::clone(&replay);
                    std::thread::spawn(move || serve(&replay, stream));
                }
            });
        }
        let api_url = format!("http://{}{}", rest.local_addr()?, routes::API_PREFIX);
        http::serve(rest, move |req| {
            replay
                .admin(req)
                .unwrap_or_else(|| routes::handle(&world, req))
        });
        Ok(ReplaySandbox {
            api_url,
            gateway_url,
        })
    }

    /// The REST base URL, e.g. `http://127.0.0.1:PORT/api/v10`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The replay gateway's URL, e.g. `ws://127.0.0.1:PORT`.
    pub fn gateway_url(&self) -> &str {
        &self.gateway_url
    }
}

/// Serves one connection: HELLO, IDENTIFY, READY, then bursts until the client leaves.
fn serve(replay: &Replay, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(60)));
    let mut query = String::new();
    // The closure's type is fixed by tungstenite's handshake callback.
    #[allow(clippy::result_large_err)]
    let callback = |req: &WsRequest, resp: WsResponse| {
        query = req.uri().query().unwrap_or("").to_string();
        Ok(resp)
    };
    let Ok(mut ws) = tungstenite::accept_hdr(stream, callback) else {
        return;
    };
    let compression = http::parse_query(&query)
        .into_iter()
        .find(|(k, _)| k == "compress")
        .and_then(|(_, v)| Compression::from_query_value(&v));
    let prebuilt = replay.stream(compression);
    if ws
        .get_mut()
        .write_all(&prebuilt.bytes[..prebuilt.hello_end])
        .is_err()
    {
        return;
    }
    match identify(&mut ws, &replay.token) {
        Some(true) => {}
        Some(false) => {
            let _ = ws.close(Some(tungstenite::protocol::CloseFrame {
                code: 4004.into(),
                reason: "".into(),
            }));
            let _ = ws.flush();
            return;
        }
        None => return,
    }
    let ready = &prebuilt.bytes[prebuilt.hello_end..prebuilt.ready_end];
    if ws.get_mut().write_all(ready).is_err() {
        return;
    }
    let (trigger, bursts) = channel();
    let index = {
        let mut sessions = replay.sessions();
        sessions.push(Session {
            compression,
            live: true,
            used: false,
            trigger,
            burst_to_close: None,
        });
        sessions.len() - 1
    };
    let _ = ws.get_ref().set_read_timeout(Some(POLL));
    let took = wait_and_send(&mut ws, prebuilt, &bursts);
    let mut sessions = replay.sessions();
    sessions[index].live = false;
    sessions[index].burst_to_close = took.map(|t| t.as_secs_f64());
}

/// Reads until IDENTIFY: `Some(true)` with the right token, `Some(false)` with another one,
/// `None` when the client went away first.
fn identify(ws: &mut WebSocket<TcpStream>, token: &str) -> Option<bool> {
    loop {
        match ws.read().ok()? {
            Message::Text(text) => {
                let v: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                if v["op"] == op::IDENTIFY {
                    return Some(v["d"]["token"].as_str() == Some(token));
                }
            }
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

/// Sends the burst when asked, in one write, and answers the client's close; the time from
/// the burst's start to that close.
fn wait_and_send(
    ws: &mut WebSocket<TcpStream>,
    stream: &Stream,
    bursts: &Receiver<usize>,
) -> Option<Duration> {
    let mut started = None;
    loop {
        if let Ok(count) = bursts.try_recv() {
            started = Some(Instant::now());
            ws.get_mut().write_all(stream.burst(count)).ok()?;
        }
        match ws.read() {
            Ok(Message::Close(_)) => {
                let took = started.map(|t| t.elapsed());
                let _ = ws.flush();
                return took;
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use discord_protocol::gateway::inflate::Inflater;

    /// The messages of a stream as a client reads them: frame payloads, inflated when the
    /// stream is compressed.
    fn read_back(stream: &Stream) -> Vec<String> {
        let mut inflater = stream.compression.map(Inflater::new);
        let mut messages = Vec::new();
        let mut rest = &stream.bytes[..];
        while !rest.is_empty() {
            let (len, head) = match rest[1] {
                126 => (u16::from_be_bytes([rest[2], rest[3]]) as usize, 4),
                127 => (
                    u64::from_be_bytes(rest[2..10].try_into().unwrap()) as usize,
                    10,
                ),
                n => (n as usize, 2),
            };
            // Server frames are final and unmasked (RFC 6455 5.1); text when plain, else binary.
            assert_eq!(rest[0], if inflater.is_some() { 0x82 } else { 0x81 });
            let payload = &rest[head..head + len];
            let text = match inflater.as_mut() {
                Some(i) => i.push(payload).unwrap().unwrap().to_vec(),
                None => payload.to_vec(),
            };
            messages.push(String::from_utf8(text).unwrap());
            rest = &rest[head + len..];
        }
        messages
    }

    #[test]
    fn every_stream_carries_the_same_numbered_dispatches() {
        let world = World::new(
            "t".into(),
            ratelimit::Limits::new(1.0, false, 50),
            "ws://127.0.0.1:9".into(),
        );
        let plain = read_back(&Stream::build(&world, 20, None).unwrap());
        // HELLO, READY, one GUILD_CREATE per guild, then the 20 dispatches.
        let first: Value = serde_json::from_str(&plain[0]).unwrap();
        assert_eq!(first["op"], op::HELLO);
        let guilds = world.guild_create_payloads().len();
        assert_eq!(plain.len(), 2 + guilds + 20);
        for (i, text) in plain.iter().enumerate().skip(1) {
            let v: Value = serde_json::from_str(text).unwrap();
            // Sequence numbers count every dispatch of the session from 1 (Discord docs,
            // "Gateway > Sending Heartbeats": `s` is the last sequence number received).
            assert_eq!(v["s"], i as u64);
        }
        let last: Value = serde_json::from_str(plain.last().unwrap()).unwrap();
        assert_eq!(last["t"], "MESSAGE_CREATE");
        assert!(last["d"]["content"].as_str().unwrap().len() > 50);
        for c in [Compression::Zlib, Compression::Zstd] {
            assert_eq!(
                read_back(&Stream::build(&world, 20, Some(c)).unwrap()),
                plain
            );
        }
    }

    #[test]
    fn a_burst_is_a_prefix_of_whole_frames() {
        let world = World::new(
            "t".into(),
            ratelimit::Limits::new(1.0, false, 50),
            "ws://127.0.0.1:9".into(),
        );
        let s = Stream::build(&world, 10, Some(Compression::Zlib)).unwrap();
        assert!(s.burst(0).is_empty());
        assert_eq!(s.burst(3).len(), s.ends[2] - s.ready_end);
        assert_eq!(s.burst(usize::MAX).len(), s.bytes.len() - s.ready_end);
    }
}
