//! The gateway client ([`discord_client::gateway::runner`]) against the sandbox's gateway over
//! real sockets on 127.0.0.1, with a small stand-in world: sessions, intents, faults, resumes, compression.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use discord_client::gateway::frame::{self as client_frame, IdentifyConfig};
use discord_client::gateway::inflate::Compression;
use discord_client::gateway::intents;
use discord_client::gateway::runner::{self, GatewayInfo, ListenOptions, Stop};
use discord_client::gateway::sink::{Buf, Sink};
use discord_client::token::Token;
use discord_client::Notice;
use discord_sandbox::events::EventHub;
use discord_sandbox::gateway::*;
use tungstenite::Message;

const TOKEN: &str = "test-token";
const GUILD: &str = "1100000000000000000";
const BOT: &str = "1000000000000000001";

struct TestWorld {
    hub: EventHub,
}

impl GatewayWorld for TestWorld {
    fn token(&self) -> String {
        TOKEN.into()
    }
    fn bot_user(&self) -> Value {
        json!({"id": BOT, "username": "sandbox-bot", "bot": true})
    }
    fn guild_create_payloads(&self) -> Vec<Value> {
        vec![
            json!({"id": GUILD, "name": "Sandbox", "channels": [{"id": "1100000000000000001", "name": "general", "type": 0}]}),
        ]
    }
    fn guild_members(&self, _guild_id: u64) -> Vec<Value> {
        (0..3)
            .map(|i| json!({"user": {"id": format!("12000000000000000{i:02}"), "username": format!("user{i}")}, "nick": null}))
            .collect()
    }
    fn hub(&self) -> &EventHub {
        &self.hub
    }
}

struct Harness {
    world: Arc<TestWorld>,
}

struct Listener {
    out: Buf,
    stop: Arc<Stop>,
    handle: std::thread::JoinHandle<discord_client::Result<()>>,
}

fn start() -> Harness {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let world = Arc::new(TestWorld {
        hub: EventHub::default(),
    });
    let w = Arc::clone(&world);
    std::thread::spawn(move || serve_world(listener, w));
    let h = Harness { world };
    let deadline = Instant::now() + Duration::from_secs(10);
    while gateway_bot_world(&*h.world).is_none() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    h
}

fn options(intents: u64) -> ListenOptions {
    ListenOptions {
        token: Token::parse(TOKEN, false).unwrap(),
        identify: IdentifyConfig {
            intents,
            large_threshold: 50,
            presence: client_frame::presence(Some("idle"), None),
        },
        compress: None,
        events: None,
        max_events: None,
        shard_ids: vec![0],
        shard_count: 1,
        tag_shard: false,
        stdin: false,
        request_members: Vec::new(),
        connect_timeout: Duration::from_secs(10),
        notice: Notice::new(|_| {}),
        identify_queue: None,
        sessions: None,
    }
}

impl Harness {
    fn admin(&self, method: &str, path: &str, body: Value) -> Value {
        let (status, v) = admin_world(&*self.world, method, path, &body);
        assert_eq!(status, 200, "{method} {path}: {v}");
        v
    }

    fn listen(&self, options: ListenOptions) -> Listener {
        let info = GatewayInfo::from_json(&gateway_bot_world(&*self.world).unwrap()).unwrap();
        let out = Buf::default();
        let stop = Arc::new(Stop::default());
        let sink = Sink::new(
            Box::new(out.clone()),
            options.events.clone(),
            options.max_events,
            Arc::clone(&stop),
        );
        let s = Arc::clone(&stop);
        let handle = std::thread::spawn(move || runner::run(&options, &info, &sink, &s));
        Listener { out, stop, handle }
    }

    /// The server's view of the one session: (id, last seq).
    fn session(&self) -> (String, u64) {
        let sessions = self.admin("GET", "/_sandbox/gateway/sessions", Value::Null);
        let live: Vec<&Value> = sessions
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["connected"] == true)
            .collect();
        assert_eq!(live.len(), 1, "{sessions}");
        (
            live[0]["session_id"].as_str().unwrap().to_string(),
            live[0]["seq"].as_u64().unwrap(),
        )
    }
}

impl Listener {
    fn lines(&self) -> Vec<Value> {
        let text = String::from_utf8(self.out.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let lines = self.lines();
            if pred(&lines) {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; got {lines:?}"
            );
            assert!(
                !self.handle.is_finished(),
                "listener ended while waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn finish(self) -> (Vec<Value>, discord_client::Result<()>) {
        self.stop.request();
        let Listener { out, handle, .. } = self;
        let result = handle.join().unwrap();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, result)
    }
}

fn seqs(lines: &[Value]) -> Vec<u64> {
    lines.iter().filter_map(|l| l["s"].as_u64()).collect()
}

fn count_t(lines: &[Value], t: &str) -> usize {
    lines.iter().filter(|l| l["t"] == t).count()
}

#[test]
fn identify_stream_intents_and_content_blanking() {
    let h = start();
    let l = h.listen(options(513));
    l.wait_for("GUILD_CREATE", |ls| count_t(ls, "GUILD_CREATE") == 1);
    let identify = h.admin("GET", "/_sandbox/gateway/identify", Value::Null);
    assert_eq!(identify["intents"], 513);
    assert_eq!(identify["token"], "(redacted)");
    assert_eq!(identify["token_matched"], true);
    assert_eq!(identify["properties"]["browser"], "discord-cli");
    assert_eq!(identify["presence"]["status"], "idle");
    let msg = json!({"id": "5", "guild_id": GUILD, "channel_id": "1", "content": "secret", "author": {"id": "7"}});
    h.admin(
        "POST",
        "/_sandbox/gateway/dispatch",
        json!({"t": "MESSAGE_CREATE", "d": msg}),
    );
    let own = json!({"id": "6", "guild_id": GUILD, "content": "mine", "author": {"id": BOT}});
    h.admin(
        "POST",
        "/_sandbox/gateway/dispatch",
        json!({"t": "MESSAGE_CREATE", "d": own}),
    );
    // Not covered by the intents: never arrives.
    h.admin(
        "POST",
        "/_sandbox/gateway/dispatch",
        json!({"t": "TYPING_START", "d": {"guild_id": GUILD}}),
    );
    // The guild object itself has no guild_id and is still a GUILDS event.
    h.admin(
        "POST",
        "/_sandbox/gateway/dispatch",
        json!({"t": "GUILD_UPDATE", "d": {"id": GUILD, "name": "renamed"}}),
    );
    h.admin("POST", "/_sandbox/gateway/burst", json!({"count": 200}));
    let lines = l.wait_for("the burst", |ls| count_t(ls, "MESSAGE_CREATE") == 202);
    let creates: Vec<&Value> = lines
        .iter()
        .filter(|l| l["t"] == "MESSAGE_CREATE")
        .collect();
    // The burst and the hub's events may interleave: find the two by id.
    let by_id = |id: &str| {
        creates
            .iter()
            .find(|c| c["d"]["id"] == id)
            .map(|c| c["d"]["content"].clone())
    };
    assert_eq!(by_id("5"), Some(json!("")), "others' content is blanked");
    assert_eq!(
        by_id("6"),
        Some(json!("mine")),
        "the bot's own content stays"
    );
    let s = seqs(&lines);
    assert!(s.windows(2).all(|w| w[1] == w[0] + 1), "{s:?}");
    let (_, server_seq) = h.session();
    assert_eq!(s, (1..=server_seq).collect::<Vec<_>>());
    let (lines, result) = l.finish();
    result.unwrap();
    assert_eq!(count_t(&lines, "TYPING_START"), 0);
    assert_eq!(count_t(&lines, "GUILD_UPDATE"), 1);
}

/// Runs a fault and checks the printed sequence numbers are exactly the ones the server sent.
fn fault_then_resume(fault: Value, compress: Option<Compression>) {
    let h = start();
    h.admin(
        "POST",
        "/_sandbox/gateway/config",
        json!({"heartbeat_interval": 300}),
    );
    let mut o = options(intents::unprivileged() | 32768);
    o.compress = compress;
    let l = h.listen(o);
    l.wait_for("GUILD_CREATE", |ls| count_t(ls, "GUILD_CREATE") == 1);
    h.admin("POST", "/_sandbox/gateway/burst", json!({"count": 20}));
    l.wait_for("first burst", |ls| count_t(ls, "MESSAGE_CREATE") == 20);
    let (first_session, _) = h.session();
    assert_eq!(
        h.admin("POST", "/_sandbox/gateway/faults", fault.clone())["applied"],
        1
    );
    l.wait_for("RESUMED", |ls| count_t(ls, "RESUMED") == 1);
    let (session, _) = h.session();
    assert_eq!(session, first_session, "{fault}");
    h.admin("POST", "/_sandbox/gateway/burst", json!({"count": 20}));
    let unsent = fault["unsent"].as_u64().unwrap_or(0) as usize;
    l.wait_for("second burst", |ls| {
        count_t(ls, "MESSAGE_CREATE") == 40 + unsent
    });
    let (_, server_seq) = h.session();
    let (lines, result) = l.finish();
    result.unwrap();
    assert_eq!(count_t(&lines, "READY"), 1);
    let s = seqs(&lines);
    assert_eq!(s, (1..=server_seq).collect::<Vec<_>>(), "{fault}");
    assert_burst_messages_numbered(&lines);
}

/// Every burst message's id follows its sequence number, so a replayed one is the payload
/// first sent under that number.
fn assert_burst_messages_numbered(lines: &[Value]) {
    for m in lines.iter().filter(|l| l["t"] == "MESSAGE_CREATE") {
        let id: u64 = m["d"]["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(id - 1_300_000_000_000_000_000, m["s"].as_u64().unwrap());
        assert!(!m["d"]["content"].as_str().unwrap().is_empty());
    }
}

#[test]
fn reconnect_op7_resumes() {
    fault_then_resume(json!({"kind": "reconnect"}), None);
}

#[test]
fn invalid_session_resumable_resumes() {
    fault_then_resume(
        json!({"kind": "invalid_session_resumable"}),
        Some(Compression::Zstd),
    );
}

#[test]
fn dropped_connection_resumes_with_replay_and_no_duplicates() {
    fault_then_resume(
        json!({"kind": "drop", "unsent": 5, "replay_overlap": 4}),
        Some(Compression::Zlib),
    );
    fault_then_resume(
        json!({"kind": "drop", "unsent": 5, "replay_overlap": 4}),
        Some(Compression::Zstd),
    );
}

#[test]
fn big_bursts_and_replayed_burst_messages_arrive_whole_and_numbered() {
    // Uncompressed bursts are framed by the server itself in batches of many frames; replayed
    // burst messages are rendered again from their template. Both must be what a client reads
    // as the exact payloads, in order: each message's id follows its sequence number.
    fault_then_resume(json!({"kind": "drop", "unsent": 50}), None);
    let h = start();
    let l = h.listen(options(intents::unprivileged() | 32768));
    l.wait_for("GUILD_CREATE", |ls| count_t(ls, "GUILD_CREATE") == 1);
    h.admin("POST", "/_sandbox/gateway/burst", json!({"count": 3000}));
    let lines = l.wait_for("burst", |ls| count_t(ls, "MESSAGE_CREATE") == 3000);
    l.finish().1.unwrap();
    assert_burst_messages_numbered(&lines);
    assert_eq!(seqs(&lines), (1..=lines.len() as u64).collect::<Vec<_>>());
}

#[test]
fn slow_fragmented_frames_are_reassembled_plain_and_compressed() {
    for compress in [None, Some(Compression::Zlib), Some(Compression::Zstd)] {
        let h = start();
        let mut o = options(intents::unprivileged() | 32768);
        o.compress = compress;
        let l = h.listen(o);
        l.wait_for("GUILD_CREATE", |ls| count_t(ls, "GUILD_CREATE") == 1);
        h.admin(
            "POST",
            "/_sandbox/gateway/faults",
            json!({"kind": "fragment", "count": 6, "pieces": 4, "delay_ms": 20}),
        );
        h.admin("POST", "/_sandbox/gateway/burst", json!({"count": 10}));
        let lines = l.wait_for("burst", |ls| count_t(ls, "MESSAGE_CREATE") == 10);
        l.finish().1.unwrap();
        assert_burst_messages_numbered(&lines);
        assert_eq!(seqs(&lines), (1..=lines.len() as u64).collect::<Vec<_>>());
    }
}

/// One WebSocket frame as read off the wire: FIN bit, opcode, payload.
type RawFrame = (bool, u8, Vec<u8>);

/// The frames (FIN bit, opcode, payload) the server sends after a `fragment` fault and a
/// burst, until `messages` messages have ended, read off the wire by hand: tungstenite would
/// reassemble them. `query` is added to the gateway URL. Also returns the three messages
/// before them (HELLO, READY, GUILD_CREATE), which a compression context must see first.
fn raw_frames_after_fragment_fault(
    h: &Harness,
    query: &str,
    fault: Value,
    burst: usize,
    messages: usize,
) -> (Vec<Vec<u8>>, Vec<RawFrame>) {
    use std::io::Read;
    let url = gateway_bot_world(&*h.world).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let (mut ws, _) = tungstenite::connect(format!("{url}/?v=10&encoding=json{query}")).unwrap();
    let mut before = vec![ws.read().unwrap().into_data().to_vec()]; // HELLO
    let identify = client_frame::identify(
        TOKEN,
        &IdentifyConfig {
            intents: intents::unprivileged() | 32768,
            large_threshold: 50,
            presence: None,
        },
        [0, 1],
    );
    ws.send(Message::text(identify)).unwrap();
    before.push(ws.read().unwrap().into_data().to_vec()); // READY
    before.push(ws.read().unwrap().into_data().to_vec()); // GUILD_CREATE
    h.admin("POST", "/_sandbox/gateway/faults", fault);
    h.admin("POST", "/_sandbox/gateway/burst", json!({"count": burst}));
    let stream = match ws.get_mut() {
        tungstenite::stream::MaybeTlsStream::Plain(s) => s,
        _ => unreachable!("plain ws:// to 127.0.0.1"),
    };
    let mut bytes = Vec::new();
    let mut frames = Vec::new();
    let mut ended = 0;
    while ended < messages {
        let mut chunk = [0u8; 65536];
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "server closed");
        bytes.extend_from_slice(&chunk[..n]);
        // Peel off every complete frame (server frames are unmasked).
        loop {
            if bytes.len() < 2 {
                break;
            }
            let (fin, opcode) = (bytes[0] & 0x80 != 0, bytes[0] & 0x0f);
            let (len, head) = match bytes[1] & 0x7f {
                126 if bytes.len() >= 4 => (u16::from_be_bytes([bytes[2], bytes[3]]) as usize, 4),
                127 if bytes.len() >= 10 => (
                    u64::from_be_bytes(bytes[2..10].try_into().unwrap()) as usize,
                    10,
                ),
                126 | 127 => break,
                n => (n as usize, 2),
            };
            if bytes.len() < head + len {
                break;
            }
            frames.push((fin, opcode, bytes[head..head + len].to_vec()));
            bytes.drain(..head + len);
            if fin {
                ended += 1;
            }
        }
    }
    (before, frames)
}

#[test]
fn fragment_fault_cuts_payloads_into_continuation_frames() {
    let h = start();
    let fault = json!({"kind": "fragment", "count": 3, "pieces": 4, "delay_ms": 1});
    let (_, frames) = raw_frames_after_fragment_fault(&h, "", fault, 5, 5);
    // Three messages in four frames each (text, then continuations, FIN on the last), then two
    // whole text frames.
    let shape: Vec<(bool, u8)> = frames.iter().map(|f| (f.0, f.1)).collect();
    let cut = [(false, 1), (false, 0), (false, 0), (true, 0)];
    let whole = [(true, 1)];
    let expected: Vec<(bool, u8)> = [&cut[..], &cut, &cut, &whole, &whole].concat();
    assert_eq!(shape, expected);
    let first: Vec<u8> = frames[..4].iter().flat_map(|f| f.2.clone()).collect();
    let v: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(v["t"], "MESSAGE_CREATE");
}

#[test]
fn fragment_fault_splits_a_zlib_payload_across_messages() {
    let h = start();
    let fault = json!({"kind": "fragment", "count": 2, "pieces": 3});
    let (_, frames) = raw_frames_after_fragment_fault(&h, "&compress=zlib-stream", fault, 3, 7);
    // Two payloads in three binary messages each (every message itself in two frames), then one
    // whole message; only the last piece of a payload ends with the zlib flush suffix.
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut current = Vec::new();
    for (fin, opcode, data) in &frames {
        assert_eq!(*opcode, if current.is_empty() { 2 } else { 0 });
        current.extend_from_slice(data);
        if *fin {
            messages.push(std::mem::take(&mut current));
        }
    }
    let suffixed: Vec<bool> = messages
        .iter()
        .map(|m| m.ends_with(&[0, 0, 0xff, 0xff]))
        .collect();
    assert_eq!(suffixed, [false, false, true, false, false, true, true]);
    assert_eq!(frames.len(), 6 * 2 + 1);
}

#[test]
fn zstd_stream_sends_one_payload_per_message_in_one_context() {
    use discord_client::gateway::inflate::ZstdStream;
    let h = start();
    let fault = json!({"kind": "fragment", "count": 2, "pieces": 3});
    let (before, frames) =
        raw_frames_after_fragment_fault(&h, "&compress=zstd-stream", fault, 3, 3);
    // zstd-stream has no end-of-message marker, so a cut payload stays one WebSocket message:
    // a binary frame and continuations; the third payload is one whole frame.
    let shape: Vec<(bool, u8)> = frames.iter().map(|f| (f.0, f.1)).collect();
    let cut = [(false, 2), (false, 0), (true, 0)];
    assert_eq!(shape, [&cut[..], &cut, &[(true, 2)]].concat());
    let mut stream = ZstdStream::default();
    let texts: Vec<Value> = before
        .iter()
        .chain(
            [&frames[..3], &frames[3..6], &frames[6..]]
                .map(|m| m.iter().flat_map(|f| f.2.clone()).collect::<Vec<u8>>())
                .iter(),
        )
        .map(|m| serde_json::from_slice(stream.push(m).unwrap()).unwrap())
        .collect();
    let kinds: Vec<(Value, Value)> = texts
        .iter()
        .map(|v| (v["op"].clone(), v["t"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (json!(10), Value::Null),
            (json!(0), json!("READY")),
            (json!(0), json!("GUILD_CREATE")),
            (json!(0), json!("MESSAGE_CREATE")),
            (json!(0), json!("MESSAGE_CREATE")),
            (json!(0), json!("MESSAGE_CREATE")),
        ]
    );
    // Without the earlier messages the context is missing: a fresh one cannot read the last.
    let last: Vec<u8> = frames[6].2.clone();
    assert!(ZstdStream::default().push(&last).is_err());
}

#[test]
fn missing_acks_mean_zombie_then_resume() {
    fault_then_resume(json!({"kind": "stop_acks"}), None);
}

#[test]
fn resumable_close_code_resumes() {
    fault_then_resume(
        json!({"kind": "close", "code": 4000}),
        Some(Compression::Zlib),
    );
}

#[test]
fn invalid_session_false_identifies_afresh() {
    let h = start();
    let l = h.listen(options(intents::unprivileged()));
    l.wait_for("GUILD_CREATE", |ls| count_t(ls, "GUILD_CREATE") == 1);
    h.admin(
        "POST",
        "/_sandbox/gateway/faults",
        json!({"kind": "invalid_session"}),
    );
    l.wait_for("second READY", |ls| count_t(ls, "READY") == 2);
    let (lines, result) = l.finish();
    result.unwrap();
    let ids: Vec<&Value> = lines
        .iter()
        .filter(|l| l["t"] == "READY")
        .map(|l| &l["d"]["session_id"])
        .collect();
    assert_ne!(ids[0], ids[1]);
    assert_eq!(count_t(&lines, "RESUMED"), 0);
}

#[test]
fn session_gone_code_identifies_afresh() {
    let h = start();
    let l = h.listen(options(intents::unprivileged()));
    l.wait_for("GUILD_CREATE", |ls| count_t(ls, "GUILD_CREATE") == 1);
    h.admin(
        "POST",
        "/_sandbox/gateway/faults",
        json!({"kind": "close", "code": 4009}),
    );
    l.wait_for("second READY", |ls| count_t(ls, "READY") == 2);
    l.finish().1.unwrap();
}

#[test]
fn fatal_close_codes_stop_with_their_message() {
    for code in [4004u16, 4010, 4011, 4012, 4013, 4014] {
        let h = start();
        let l = h.listen(options(1));
        l.wait_for("READY", |ls| count_t(ls, "READY") == 1);
        h.admin(
            "POST",
            "/_sandbox/gateway/faults",
            json!({"kind": "close", "code": code}),
        );
        let err = l.handle.join().unwrap().unwrap_err();
        assert_eq!(err.kind, discord_client::ErrorKind::Gateway);
        assert!(err.message.contains(&code.to_string()), "{}", err.message);
    }
}

#[test]
fn identify_checks_token_and_privileged_intents() {
    let h = start();
    let mut o = options(1);
    o.token = Token::parse("wrong", false).unwrap();
    let err = h.listen(o).handle.join().unwrap().unwrap_err();
    assert!(err.message.contains("token is wrong"), "{}", err.message);

    h.admin(
        "POST",
        "/_sandbox/gateway/config",
        json!({"privileged_enabled": ["GUILD_MEMBERS"]}),
    );
    let err = h
        .listen(options(1 | 32768))
        .handle
        .join()
        .unwrap()
        .unwrap_err();
    assert!(err.message.contains("MESSAGE_CONTENT"), "{}", err.message);
    assert!(err.message.contains("Developer Portal"), "{}", err.message);

    let err = h
        .listen(options(1 << 18))
        .handle
        .join()
        .unwrap()
        .unwrap_err();
    assert!(err.message.contains("4013"), "{}", err.message);
}

#[test]
fn request_members_and_filters_and_max_events() {
    let h = start();
    let mut o = options(intents::all());
    o.request_members = vec![GUILD.into()];
    o.events = Some(vec!["GUILD_MEMBERS_CHUNK".into()]);
    o.max_events = Some(1);
    let l = h.listen(o);
    let result = l.handle.join().unwrap();
    result.unwrap();
    let lines = String::from_utf8(l.out.0.lock().unwrap().clone()).unwrap();
    let v: Value = serde_json::from_str(lines.trim()).unwrap();
    assert_eq!(v["t"], "GUILD_MEMBERS_CHUNK");
    assert_eq!(v["d"]["members"].as_array().unwrap().len(), 3);
}

#[test]
fn shards_identify_with_their_ids_and_tag_lines() {
    let h = start();
    let mut o = options(1);
    o.shard_ids = vec![0, 1];
    o.shard_count = 2;
    o.tag_shard = true;
    h.admin(
        "POST",
        "/_sandbox/gateway/config",
        json!({"max_concurrency": 2}),
    );
    let l = h.listen(o);
    // GUILD_CREATE follows its shard's READY, so wait for it too before counting.
    let lines = l.wait_for("two READYs and the GUILD_CREATE", |ls| {
        count_t(ls, "READY") == 2 && count_t(ls, "GUILD_CREATE") >= 1
    });
    let mut shards: Vec<Value> = lines
        .iter()
        .filter(|l| l["t"] == "READY")
        .map(|l| {
            assert_eq!(l["shard"], l["d"]["shard"]);
            l["shard"].clone()
        })
        .collect();
    shards.sort_by_key(|s| s[0].as_u64());
    assert_eq!(shards, vec![json!([0, 2]), json!([1, 2])]);
    // The one guild lives on exactly one shard.
    let (all, result) = l.finish();
    result.unwrap();
    assert_eq!(count_t(&all, "GUILD_CREATE"), 1);
}
