//! The sandbox's world: seeded users, a guild with channels, roles, members and messages, and
//! everything REST writes change. [`World`] is shared by the REST routes and the gateway.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::events::EventHub;
use super::faults::Faults;
use super::ratelimit::Limits;

/// Discord's epoch (2015-01-01) in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// When seeded objects were "created": 2024-01-01, in Unix milliseconds.
const SEED_TIME_MS: u64 = 1_704_067_200_000;
/// Members in the seeded guild (the bot included).
pub const SEED_MEMBERS: u64 = 3000;
/// Messages in the seeded #general.
pub const SEED_MESSAGES: u64 = 300;
/// How many of them (the oldest) are dated with the rest of the seed, 2024, and so are older
/// than bulk delete's 14 days; the others are dated in the minutes before the sandbox started.
pub const SEED_OLD_MESSAGES: u64 = 100;

/// A snowflake for a time (ms since the Unix epoch) and a counter.
pub fn snowflake(unix_ms: u64, counter: u64) -> u64 {
    ((unix_ms.saturating_sub(DISCORD_EPOCH_MS)) << 22) | (counter & 0x3f_ffff)
}

/// An ISO-8601 timestamp for a snowflake.
pub fn timestamp_of(id: u64) -> String {
    let ms = (id >> 22) + DISCORD_EPOCH_MS;
    iso8601(ms)
}

fn iso8601(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}000+00:00",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        unix_ms % 1000
    )
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(SEED_TIME_MS)
}

/// A guild and what hangs off it.
#[derive(Debug, Clone, Default)]
pub struct Guild {
    /// The guild object (without roles/channels/members, which live below).
    pub object: Value,
    /// Roles by id.
    pub roles: BTreeMap<u64, Value>,
    /// Members by user id.
    pub members: BTreeMap<u64, Value>,
    /// Bans by user id.
    pub bans: BTreeMap<u64, Value>,
    /// Custom emojis by id.
    pub emojis: BTreeMap<u64, Value>,
    /// Audit log entries, oldest first (written by the sandbox's own write operations).
    pub audit_log: Vec<Value>,
}

/// A channel and its messages.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    /// The channel object.
    pub object: Value,
    /// Messages by id.
    pub messages: BTreeMap<u64, Message>,
    /// Pinned message ids with when they were pinned (Unix ms, strictly increasing), newest
    /// pin last.
    pub pins: Vec<(u64, u64)>,
    /// For a thread: its members (thread member objects) by user id.
    pub members: BTreeMap<u64, Value>,
}

/// A message and its reactions.
#[derive(Debug, Clone)]
pub struct Message {
    /// The message object without `reactions`.
    pub object: Value,
    /// Reactions: emoji key (`name` or `name:id`) -> (emoji object, user ids).
    pub reactions: BTreeMap<String, (Value, Vec<u64>)>,
}

impl Message {
    /// The message as Discord returns it, with reactions as seen by `me`.
    pub fn render(&self, me: u64) -> Value {
        let mut object = self.object.clone();
        if !self.reactions.is_empty() {
            let reactions: Vec<Value> = self
                .reactions
                .values()
                .map(|(emoji, users)| {
                    json!({"count": users.len(), "me": users.contains(&me), "emoji": emoji,
                           "count_details": {"burst": 0, "normal": users.len()}, "burst_colors": [], "me_burst": false, "burst_me": false, "burst_count": 0})
                })
                .collect();
            object["reactions"] = Value::Array(reactions);
        }
        object
    }
}

/// Everything that changes.
#[derive(Debug, Default)]
pub struct State {
    /// Users by id.
    pub users: BTreeMap<u64, Value>,
    /// Guilds by id.
    pub guilds: BTreeMap<u64, Guild>,
    /// Channels by id.
    pub channels: BTreeMap<u64, Channel>,
    /// Webhooks by id.
    pub webhooks: BTreeMap<u64, Value>,
    /// Invites by code.
    pub invites: BTreeMap<String, Value>,
}

/// The sandbox's shared world.
#[derive(Debug)]
pub struct World {
    /// REST writes publish gateway dispatches here.
    pub hub: EventHub,
    /// The mutable state.
    pub state: Mutex<State>,
    /// Rate-limit buckets.
    pub limits: Limits,
    /// Injected faults and the request log.
    pub faults: Faults,
    /// The application: commands and interactions.
    pub apps: super::apps::Apps,
    /// The gateway's URL (`ws://127.0.0.1:PORT`), as `/gateway` and READY announce it.
    pub gateway_url: String,
    /// Uploaded files, served back with signed, expiring URLs.
    pub cdn: crate::cdn::Cdn,
    token: String,
    bot_id: u64,
    counter: AtomicU64,
}

impl World {
    /// A seeded world accepting `token`, whose gateway listens at `gateway_url`.
    pub fn new(token: String, limits: Limits, gateway_url: String) -> World {
        let (state, bot_id) = seed(now_ms());
        World {
            hub: EventHub::default(),
            state: Mutex::new(state),
            limits,
            faults: Faults::default(),
            apps: Default::default(),
            gateway_url,
            cdn: Default::default(),
            token,
            bot_id,
            counter: AtomicU64::new(1),
        }
    }

    /// The state, locked (a panic elsewhere never poisons the sandbox for good).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bot token the sandbox accepts.
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// The bot user's id.
    pub fn bot_id(&self) -> u64 {
        self.bot_id
    }

    /// A fresh snowflake for now, always larger than any seeded or earlier one.
    pub fn next_id(&self) -> u64 {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        snowflake(now_ms(), n)
    }

    /// The bot user object.
    pub fn bot_user(&self) -> Value {
        self.lock()
            .users
            .get(&self.bot_id)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Full GUILD_CREATE payloads for every guild.
    pub fn guild_create_payloads(&self) -> Vec<Value> {
        let state = self.lock();
        state
            .guilds
            .iter()
            .map(|(id, guild)| {
                let mut d = guild.object.clone();
                d["roles"] = Value::Array(guild.roles.values().cloned().collect());
                // As on Discord, threads are not channels here: the active ones are `threads`.
                let (threads, channels): (Vec<Value>, Vec<Value>) = state
                    .channels
                    .values()
                    .filter(|c| c.object["guild_id"] == json!(id.to_string()))
                    .map(|c| c.object.clone())
                    .filter(|c| c["thread_metadata"]["archived"] != json!(true))
                    .partition(|c| c.get("thread_metadata").is_some());
                d["channels"] = Value::Array(channels);
                d["threads"] = Value::Array(threads);
                d["members"] = Value::Array(guild.members.values().take(100).cloned().collect());
                d["member_count"] = json!(guild.members.len());
                d["large"] = json!(guild.members.len() > 250);
                d["unavailable"] = json!(false);
                d["joined_at"] = json!(timestamp_of(*id));
                d["voice_states"] = json!([]);
                d["presences"] = json!([]);
                d["stage_instances"] = json!([]);
                d["guild_scheduled_events"] = json!([]);
                d["soundboard_sounds"] = json!([]);
                d
            })
            .collect()
    }

    /// Every member of a guild.
    pub fn guild_members(&self, guild_id: u64) -> Vec<Value> {
        self.lock()
            .guilds
            .get(&guild_id)
            .map(|g| g.members.values().cloned().collect())
            .unwrap_or_default()
    }
}

fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": if bot { Value::Null } else { json!(name) },
           "avatar": null, "bot": bot, "system": false, "public_flags": 0, "flags": 0})
}

/// Builds the seeded state for a sandbox started at `started_ms` (Unix milliseconds); returns
/// it with the bot's id. Everything is dated 2024-01-01 except the newest seeded messages,
/// which are dated one a second up to a second before `started_ms`.
fn seed(started_ms: u64) -> (State, u64) {
    let mut state = State::default();
    let mut n = 0u64;
    let mut id = |offset_ms: u64| {
        n += 1;
        snowflake(SEED_TIME_MS + offset_ms, n)
    };
    let bot_id = id(0);
    let mut bot = user(bot_id, "Sandbox Bot", true);
    bot["verified"] = json!(true);
    bot["mfa_enabled"] = json!(false);
    state.users.insert(bot_id, bot.clone());
    let owner_id = id(1);
    state
        .users
        .insert(owner_id, user(owner_id, "sandbox-owner", false));

    let guild_id = id(2);
    let gid = guild_id.to_string();
    let mut guild = Guild {
        object: json!({"id": gid, "name": "Sandbox Guild", "icon": null, "splash": null, "discovery_splash": null,
            "owner_id": owner_id.to_string(), "afk_channel_id": null, "afk_timeout": 300, "verification_level": 1,
            "default_message_notifications": 1, "explicit_content_filter": 2, "emojis": [], "stickers": [], "features": [],
            "mfa_level": 0, "application_id": null, "system_channel_id": null, "system_channel_flags": 0,
            "rules_channel_id": null, "vanity_url_code": null, "description": "A local stand-in for a Discord guild",
            "banner": null, "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
            "public_updates_channel_id": null, "nsfw_level": 0, "premium_progress_bar_enabled": false}),
        roles: BTreeMap::new(),
        members: BTreeMap::new(),
        bans: BTreeMap::new(),
        emojis: BTreeMap::new(),
        audit_log: Vec::new(),
    };
    let role = |rid: u64, name: &str, position: u64, permissions: &str, color: u64| {
        json!({"id": rid.to_string(), "name": name, "color": color, "colors": {"primary_color": color, "secondary_color": null, "tertiary_color": null},
               "hoist": false, "icon": null, "unicode_emoji": null, "position": position, "permissions": permissions,
               "managed": false, "mentionable": false, "flags": 0})
    };
    guild
        .roles
        .insert(guild_id, role(guild_id, "@everyone", 0, "1071698660929", 0));
    let mod_role = id(3);
    guild.roles.insert(
        mod_role,
        role(mod_role, "moderators", 2, "1099511627775", 0x3498db),
    );
    let member_role = id(4);
    guild
        .roles
        .insert(member_role, role(member_role, "members", 1, "0", 0x2ecc71));

    let channel = |cid: u64, name: &str, kind: u64, position: u64, parent: Option<u64>| {
        let mut c = json!({"id": cid.to_string(), "type": kind, "guild_id": gid, "name": name, "position": position,
            "permission_overwrites": [], "parent_id": parent.map(|p| p.to_string()), "nsfw": false, "flags": 0});
        if kind == 0 {
            c["topic"] = Value::Null;
            c["last_message_id"] = Value::Null;
            c["rate_limit_per_user"] = json!(0);
        }
        if kind == 2 {
            c["bitrate"] = json!(64000);
            c["user_limit"] = json!(0);
            c["rtc_region"] = Value::Null;
        }
        Channel {
            object: c,
            ..Channel::default()
        }
    };
    let category = id(5);
    let general = id(6);
    let random = id(7);
    let voice = id(8);
    state
        .channels
        .insert(category, channel(category, "Text Channels", 4, 0, None));
    state
        .channels
        .insert(general, channel(general, "general", 0, 1, Some(category)));
    state
        .channels
        .insert(random, channel(random, "random", 0, 2, Some(category)));
    state
        .channels
        .insert(voice, channel(voice, "Voice", 2, 3, None));
    guild.object["system_channel_id"] = json!(general.to_string());

    let member = |u: &Value, roles: Vec<u64>, joined_id: u64| {
        json!({"user": u, "nick": null, "avatar": null, "banner": null,
               "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
               "joined_at": timestamp_of(joined_id), "premium_since": null, "deaf": false, "mute": false,
               "flags": 0, "pending": false, "communication_disabled_until": null})
    };
    guild
        .members
        .insert(bot_id, member(&bot, vec![mod_role], bot_id));
    let owner = state.users[&owner_id].clone();
    guild
        .members
        .insert(owner_id, member(&owner, vec![mod_role], owner_id));
    let mut authors = vec![owner_id];
    for i in 0..SEED_MEMBERS.saturating_sub(2) {
        let uid = id(10 + i);
        let u = user(uid, &format!("member{i:04}"), false);
        let roles = if i % 3 == 0 {
            vec![member_role]
        } else {
            vec![]
        };
        guild.members.insert(uid, member(&u, roles, uid));
        if i < 20 {
            authors.push(uid);
        }
        state.users.insert(uid, u);
    }
    let base = 10 + SEED_MEMBERS;
    if let Some(chan) = state.channels.get_mut(&general) {
        for i in 0..SEED_MESSAGES {
            let mid = if i < SEED_OLD_MESSAGES {
                id(base + i * 1000)
            } else {
                // Recent enough for bulk delete, and older than any id made after the start.
                let at = started_ms.saturating_sub((SEED_MESSAGES - i) * 1000);
                id(at.saturating_sub(SEED_TIME_MS).max(base + i * 1000))
            };
            let author_id = authors[(i as usize) % authors.len()];
            let author = state.users[&author_id].clone();
            let object = json!({"id": mid.to_string(), "type": 0, "channel_id": general.to_string(), "author": author,
                "content": format!("seeded message {i}"), "timestamp": timestamp_of(mid), "edited_timestamp": null,
                "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": [], "pinned": false, "flags": 0, "components": []});
            chan.messages.insert(
                mid,
                Message {
                    object,
                    reactions: BTreeMap::new(),
                },
            );
            chan.object["last_message_id"] = json!(mid.to_string());
        }
    }
    state.guilds.insert(guild_id, guild);
    (state, bot_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_carry_their_time() {
        let id = snowflake(SEED_TIME_MS, 5);
        assert_eq!((id >> 22) + DISCORD_EPOCH_MS, SEED_TIME_MS);
        assert_eq!(timestamp_of(id), "2024-01-01T00:00:00.000000+00:00");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000000+00:00");
    }

    #[test]
    fn seed_is_deterministic_and_complete() {
        let started = SEED_TIME_MS + 400 * 86_400_000;
        let (a, bot_a) = seed(started);
        let (b, bot_b) = seed(started);
        assert_eq!(bot_a, bot_b);
        assert_eq!(
            a.channels.keys().collect::<Vec<_>>(),
            b.channels.keys().collect::<Vec<_>>()
        );
        let guild = a.guilds.values().next().unwrap();
        assert_eq!(guild.members.len() as u64, SEED_MEMBERS);
        let general = a
            .channels
            .values()
            .find(|c| c.object["name"] == "general")
            .unwrap();
        assert_eq!(general.messages.len() as u64, SEED_MESSAGES);
        // The oldest are from the seed's 2024, the newest from the minutes before the start,
        // in id order.
        let times: Vec<u64> = general
            .messages
            .keys()
            .map(|id| (id >> 22) + DISCORD_EPOCH_MS)
            .collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        let old = times
            .iter()
            .filter(|t| **t < SEED_TIME_MS + 86_400_000)
            .count();
        assert_eq!(old as u64, SEED_OLD_MESSAGES);
        let newest = times.last().copied().unwrap_or(0);
        assert_eq!(newest, started - 1000);
        assert_eq!(times[SEED_OLD_MESSAGES as usize], started - 200_000);
    }

    #[test]
    fn guild_create_lists_active_threads_apart_from_channels() {
        let world = World::new(
            "t".into(),
            Limits::new(1.0, false, 50),
            "ws://127.0.0.1:1".into(),
        );
        let gid = *world.lock().guilds.keys().next().unwrap();
        for (id, archived) in [(1u64, false), (2, true)] {
            let object = json!({"id": id.to_string(), "type": 11, "guild_id": gid.to_string(),
                "thread_metadata": {"archived": archived}});
            world.lock().channels.insert(
                id,
                Channel {
                    object,
                    ..Channel::default()
                },
            );
        }
        let payload = &world.guild_create_payloads()[0];
        assert_eq!(payload["threads"].as_array().map(Vec::len), Some(1));
        assert_eq!(payload["threads"][0]["id"], "1");
        let channels = payload["channels"].as_array().unwrap();
        assert_eq!(channels.len(), 4);
        assert!(channels.iter().all(|c| c.get("thread_metadata").is_none()));
    }
}
