//! What each session sees: intents and shard filtering, MESSAGE_CONTENT blanking, the replay
//! log, and the pre-serialised MESSAGE_CREATE used by bursts.

use std::borrow::Cow;

use super::*;

/// One entry of a session's replay log: a payload as sent, or a burst message, which is
/// rendered again from its template when replayed rather than kept (a burst of 200,000
/// would otherwise hold 140 MB per session).
pub(super) enum Logged {
    Payload(Arc<str>),
    Burst(Arc<MessageTemplate>),
}

impl Logged {
    /// The payload as it was sent with sequence number `seq`.
    pub(super) fn text(&self, seq: u64) -> String {
        match self {
            Logged::Payload(p) => p.to_string(),
            Logged::Burst(template) => template.render(seq),
        }
    }
}

/// Numbers the next dispatch and keeps it in the replay log; returns its sequence number.
pub(super) fn log(inner: &mut SessionInner, entry: Logged) -> u64 {
    inner.seq += 1;
    inner.log.push_back((inner.seq, entry));
    if inner.log.len() > LOG_LIMIT {
        inner.log.pop_front();
    }
    inner.seq
}

/// Numbers, logs and returns a dispatch payload for `t` with data `d`.
pub(super) fn record(inner: &mut SessionInner, t: &str, d: &Value) -> Arc<str> {
    let data = serde_json::to_string(d).unwrap_or_else(|_| "null".into());
    let payload: Arc<str> =
        format!(r#"{{"t":"{t}","s":{},"op":0,"d":{data}}}"#, inner.seq + 1).into();
    log(inner, Logged::Payload(Arc::clone(&payload)));
    payload
}

pub(super) fn snowflake(v: &Value) -> Option<u64> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
}

/// Whether a guild (or an event about one) belongs to `shard`: `(guild_id >> 22) % count`;
/// events without a guild go to shard 0 only.
pub(super) fn on_shard(d: &Value, shard: [u32; 2]) -> bool {
    let guild = snowflake(&d["guild_id"]).or_else(|| {
        d.get("unavailable")
            .or(d.get("channels"))
            .and_then(|_| snowflake(&d["id"]))
    });
    match guild {
        Some(g) => (g >> 22) % u64::from(shard[1].max(1)) == u64::from(shard[0]),
        None => shard[0] == 0,
    }
}

/// The event's data as this session may see it, or `None` when its intents or shard exclude it.
pub(super) fn visible<'a>(
    event: &'a Dispatch,
    bits: u64,
    shard: [u32; 2],
    bot_id: &str,
) -> Option<Cow<'a, Value>> {
    let d = &event.d;
    let in_guild = d.get("guild_id").is_some_and(|g| !g.is_null());
    if let Some(mask) = intents::required_for(&event.t, in_guild) {
        if bits & mask == 0 {
            return None;
        }
    }
    if !on_shard(d, shard) {
        return None;
    }
    let message = matches!(event.t.as_str(), "MESSAGE_CREATE" | "MESSAGE_UPDATE");
    if message && in_guild && bits & intents::find("MESSAGE_CONTENT").map_or(0, |i| i.value()) == 0
    {
        let own = d["author"]["id"].as_str() == Some(bot_id);
        let mentioned = d["mentions"]
            .as_array()
            .is_some_and(|m| m.iter().any(|u| u["id"].as_str() == Some(bot_id)));
        if !own && !mentioned {
            let mut d = d.clone();
            blank_content(&mut d);
            return Some(Cow::Owned(d));
        }
    }
    Some(Cow::Borrowed(d))
}

/// Empties what MESSAGE_CONTENT governs.
fn blank_content(d: &mut Value) {
    if let Some(obj) = d.as_object_mut() {
        for (key, empty) in [
            ("content", json!("")),
            ("embeds", json!([])),
            ("attachments", json!([])),
            ("components", json!([])),
        ] {
            if obj.contains_key(key) {
                obj.insert(key.to_string(), empty);
            }
        }
        obj.remove("poll");
    }
}

/// A pre-serialised MESSAGE_CREATE of about 700 bytes, split around its sequence number and
/// message id so each copy costs two integer formats.
pub(super) struct MessageTemplate {
    head: String,
    middle: String,
    tail: String,
}

impl MessageTemplate {
    pub(super) fn render(&self, seq: u64) -> String {
        let mut out = Vec::with_capacity(self.len(seq));
        self.render_into(seq, &mut out);
        // Only the digits written between UTF-8 template pieces.
        String::from_utf8(out).unwrap_or_default()
    }

    /// The rendered payload's length in bytes.
    pub(super) fn len(&self, seq: u64) -> usize {
        self.head.len()
            + digits(seq)
            + self.middle.len()
            + digits(message_id(seq))
            + self.tail.len()
    }

    /// Appends the payload numbered `seq` to `out`.
    pub(super) fn render_into(&self, seq: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(self.head.as_bytes());
        push_decimal(seq, out);
        out.extend_from_slice(self.middle.as_bytes());
        push_decimal(message_id(seq), out);
        out.extend_from_slice(self.tail.as_bytes());
    }
}

/// The id of burst message `seq`.
fn message_id(seq: u64) -> u64 {
    1_300_000_000_000_000_000u64.saturating_add(seq)
}

fn digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Appends `n` in decimal: bursts number hundreds of thousands of payloads a second, where
/// `format!` machinery was a fifth of the cost.
fn push_decimal(mut n: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends the header of an unmasked, final WebSocket text frame (RFC 6455 5.2) carrying
/// `len` bytes, as a server sends it.
pub(super) fn text_frame_header(len: usize, out: &mut Vec<u8>) {
    out.push(0x81);
    if len < 126 {
        out.push(len as u8);
    } else if let Ok(short) = u16::try_from(len) {
        out.push(126);
        out.extend_from_slice(&short.to_be_bytes());
    } else {
        out.push(127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
}

pub(super) fn message_template<W: GatewayWorld>(
    world: &W,
    session: &SessionState,
) -> MessageTemplate {
    let guild = world
        .guild_create_payloads()
        .into_iter()
        .find(|g| on_shard(g, session.shard));
    let guild_id = guild
        .as_ref()
        .and_then(|g| g["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| "1100000000000000000".into());
    let channel_id = guild
        .as_ref()
        .and_then(|g| g["channels"][0]["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| "1100000000000000001".into());
    let content_allowed =
        session.intents & intents::find("MESSAGE_CONTENT").map_or(0, |i| i.value()) != 0;
    let content = if content_allowed {
        "Benchmark message: the quick brown fox jumps over the lazy dog, again and again, so that every dispatch carries a realistic amount of text."
    } else {
        ""
    };
    let rest = json!({
        "type": 0,
        "content": content,
        "channel_id": channel_id,
        "author": {
            "id": "1200000000000000042",
            "username": "burst-user",
            "avatar": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "discriminator": "0",
            "public_flags": 0,
            "flags": 0,
            "bot": false,
            "banner": null,
            "accent_color": null,
            "global_name": "Burst User",
            "avatar_decoration_data": null,
            "banner_color": null,
            "clan": null
        },
        "attachments": [],
        "embeds": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": false,
        "mention_everyone": false,
        "tts": false,
        "timestamp": "2026-11-22T12:00:00.000000+00:00",
        "edited_timestamp": null,
        "flags": 0,
        "components": [],
        "nonce": "1300000000000000000",
        "member": {
            "roles": [],
            "premium_since": null,
            "pending": false,
            "nick": null,
            "mute": false,
            "joined_at": "2026-01-01T00:00:00.000000+00:00",
            "flags": 0,
            "deaf": false,
            "communication_disabled_until": null,
            "banner": null,
            "avatar": null
        },
        "guild_id": guild_id,
    });
    let rest = rest.to_string();
    MessageTemplate {
        head: r#"{"t":"MESSAGE_CREATE","s":"#.to_string(),
        middle: r#","op":0,"d":{"id":""#.to_string(),
        tail: format!("\",{}}}", &rest[1..]),
    }
}
