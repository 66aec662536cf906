//! The guild audit log: entries written by the sandbox's own write operations (with the
//! `X-Audit-Log-Reason` a request carried), read back with Discord's filters and paging.

use serde_json::{json, Value};

use super::lookup::{guild, id_str};
use super::{field_error, limit, ok, query_id, Ctx, Handler, Reply};

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[("get-guild-audit-log", get_guild_audit_log)];

/// Audit log action types the sandbox writes (Audit Logs > Audit Log Events).
pub mod action {
    /// The guild's settings changed.
    pub const GUILD_UPDATE: u64 = 1;
    /// A channel was created.
    pub const CHANNEL_CREATE: u64 = 10;
    /// A channel's settings changed.
    pub const CHANNEL_UPDATE: u64 = 11;
    /// A channel was deleted.
    pub const CHANNEL_DELETE: u64 = 12;
    /// A permission overwrite was added to a channel.
    pub const CHANNEL_OVERWRITE_CREATE: u64 = 13;
    /// A permission overwrite was updated.
    pub const CHANNEL_OVERWRITE_UPDATE: u64 = 14;
    /// A permission overwrite was deleted.
    pub const CHANNEL_OVERWRITE_DELETE: u64 = 15;
    /// A member was removed (kicked).
    pub const MEMBER_KICK: u64 = 20;
    /// A member was banned.
    pub const MEMBER_BAN_ADD: u64 = 22;
    /// A ban was lifted.
    pub const MEMBER_BAN_REMOVE: u64 = 23;
    /// A member's nickname, mute, deafen or timeout changed.
    pub const MEMBER_UPDATE: u64 = 24;
    /// A member's roles changed.
    pub const MEMBER_ROLE_UPDATE: u64 = 25;
    /// A role was created.
    pub const ROLE_CREATE: u64 = 30;
    /// A role was edited.
    pub const ROLE_UPDATE: u64 = 31;
    /// A role was deleted.
    pub const ROLE_DELETE: u64 = 32;
    /// An invite was created.
    pub const INVITE_CREATE: u64 = 40;
    /// An invite was deleted.
    pub const INVITE_DELETE: u64 = 42;
    /// A webhook was created.
    pub const WEBHOOK_CREATE: u64 = 50;
    /// A webhook was changed.
    pub const WEBHOOK_UPDATE: u64 = 51;
    /// A webhook was deleted.
    pub const WEBHOOK_DELETE: u64 = 52;
    /// An emoji was created.
    pub const EMOJI_CREATE: u64 = 60;
    /// An emoji was renamed.
    pub const EMOJI_UPDATE: u64 = 61;
    /// An emoji was deleted.
    pub const EMOJI_DELETE: u64 = 62;
    /// A member's message was deleted by someone else.
    pub const MESSAGE_DELETE: u64 = 72;
    /// Messages were deleted in bulk.
    pub const MESSAGE_BULK_DELETE: u64 = 73;
    /// A message was pinned.
    pub const MESSAGE_PIN: u64 = 74;
    /// A message was unpinned.
    pub const MESSAGE_UNPIN: u64 = 75;
    /// A thread was created.
    pub const THREAD_CREATE: u64 = 110;
    /// A thread was changed.
    pub const THREAD_UPDATE: u64 = 111;
    /// A thread was deleted.
    pub const THREAD_DELETE: u64 = 112;
}

/// What one write operation did, for its audit log entry.
#[derive(Debug, Default)]
pub struct Entry {
    /// The action type (see [`action`]).
    pub action_type: u64,
    /// The id of what was changed (a channel, a user, a role, ...).
    pub target_id: Option<String>,
    /// The changed keys: `(key, old value, new value)`.
    pub changes: Vec<(String, Value, Value)>,
    /// Extra information some action types carry (`count`, `channel_id`, ...).
    pub options: Option<Value>,
}

impl Entry {
    /// An entry of `action_type` about `target_id`.
    pub fn new(action_type: u64, target_id: impl ToString) -> Entry {
        Entry {
            action_type,
            target_id: Some(target_id.to_string()),
            ..Entry::default()
        }
    }

    /// Adds a change of `key`.
    pub fn change(mut self, key: &str, old: Value, new: Value) -> Entry {
        if old != new {
            self.changes.push((key.to_string(), old, new));
        }
        self
    }

    /// Sets the options.
    pub fn options(mut self, options: Value) -> Entry {
        self.options = Some(options);
        self
    }
}

/// Writes an entry in a guild's audit log for the request being handled (the bot as the user,
/// the request's reason), and publishes GUILD_AUDIT_LOG_ENTRY_CREATE. Call with the state
/// unlocked. A guild id that is not a guild (a DM) writes nothing.
pub fn record(ctx: &Ctx, guild_id: Option<&str>, entry: Entry) {
    let Some(gid) = guild_id.and_then(|g| g.parse::<u64>().ok()) else {
        return;
    };
    let eid = ctx.world.next_id();
    let changes: Vec<Value> = entry
        .changes
        .into_iter()
        .map(|(key, old, new)| {
            let mut c = json!({ "key": key });
            if !old.is_null() {
                c["old_value"] = old;
            }
            if !new.is_null() {
                c["new_value"] = new;
            }
            c
        })
        .collect();
    let mut object = json!({"id": eid.to_string(), "user_id": id_str(ctx.world.bot_id()),
        "target_id": entry.target_id, "action_type": entry.action_type, "changes": changes});
    if let Some(options) = entry.options {
        object["options"] = options;
    }
    if let Some(reason) = ctx.reason() {
        object["reason"] = json!(reason);
    }
    let mut state = ctx.world.lock();
    let Some(g) = state.guilds.get_mut(&gid) else {
        return;
    };
    g.audit_log.push(object.clone());
    drop(state);
    object["guild_id"] = id_str(gid);
    ctx.world
        .hub
        .publish("GUILD_AUDIT_LOG_ENTRY_CREATE", object);
}

/// Newest first; `user_id` and `action_type` filter, `before`/`after` are entry ids, `limit`
/// 1 to 100 (default 50) (Audit Logs > Get Guild Audit Log).
fn get_guild_audit_log(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let limit = limit(ctx, 50, 100)? as usize;
    let before = query_id(ctx, "before")?.unwrap_or(u64::MAX);
    let after = query_id(ctx, "after")?.unwrap_or(0);
    let user = query_id(ctx, "user_id")?.map(id_str);
    let action_type = match ctx.req.query("action_type") {
        None => None,
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            field_error(
                "action_type",
                "NUMBER_TYPE_COERCE",
                &format!("Value \"{v}\" is not int."),
            )
        })?),
    };
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let entry_id = |e: &Value| e["id"].as_str().and_then(|s| s.parse::<u64>().ok());
    let entries: Vec<Value> = g
        .audit_log
        .iter()
        .rev()
        .filter(|e| entry_id(e).is_some_and(|i| i < before && i > after))
        .filter(|e| user.as_ref().is_none_or(|u| &e["user_id"] == u))
        .filter(|e| action_type.is_none_or(|a| e["action_type"] == json!(a)))
        .take(limit)
        .cloned()
        .collect();
    let mut user_ids: Vec<u64> = entries
        .iter()
        .filter_map(|e| e["user_id"].as_str()?.parse().ok())
        .collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users: Vec<Value> = user_ids
        .iter()
        .filter_map(|u| state.users.get(u).cloned())
        .collect();
    ok(
        json!({"audit_log_entries": entries, "users": users, "integrations": [], "webhooks": [],
        "guild_scheduled_events": [], "threads": [], "application_commands": [],
        "auto_moderation_rules": []}),
    )
}
