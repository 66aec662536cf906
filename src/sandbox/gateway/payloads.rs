//! What each session sees: intents and shard filtering, MESSAGE_CONTENT blanking, the replay
//! log, and the pre-serialised MESSAGE_CREATE used by bursts.

use super::*;

pub(super) fn log(inner: &mut SessionInner, payload: Arc<str>) {
    let seq = inner.seq;
    inner.log.push_back((seq, payload));
    if inner.log.len() > LOG_LIMIT {
        inner.log.pop_front();
    }
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
pub(super) fn visible(event: &Dispatch, bits: u64, shard: [u32; 2], bot_id: &str) -> Option<Value> {
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
            return Some(d);
        }
    }
    Some(d.clone())
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
        let mut s =
            String::with_capacity(self.head.len() + self.middle.len() + self.tail.len() + 40);
        s.push_str(&self.head);
        s.push_str(&seq.to_string());
        s.push_str(&self.middle);
        s.push_str(&(1_300_000_000_000_000_000u64 + seq).to_string());
        s.push_str(&self.tail);
        s
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
