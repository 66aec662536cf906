//! Channels: get, modify (threads too: archiving, locking), delete, typing, and permission
//! overwrites.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{channel, channel_mut, guild_of, with_guild};
use super::{done, ok, Ctx, FormErrors, Handler, Reply};

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-channel", get_channel),
    ("modify-channel", modify_channel),
    ("delete-channel", delete_channel),
    ("trigger-typing-indicator", trigger_typing_indicator),
    ("edit-channel-permissions", edit_channel_permissions),
    ("delete-channel-permission", delete_channel_permission),
];

/// Channel fields a modify may change.
const CHANNEL_FIELDS: [&str; 8] = [
    "name",
    "topic",
    "nsfw",
    "position",
    "rate_limit_per_user",
    "parent_id",
    "bitrate",
    "user_limit",
];

fn get_channel(ctx: &Ctx) -> Reply {
    let cid = ctx.id("channel_id", "Channel")?;
    ok(channel(&ctx.world.lock(), cid)?.object.clone())
}

fn modify_channel(ctx: &Ctx) -> Reply {
    let cid = ctx.id("channel_id", "Channel")?;
    let mut errors = FormErrors::default();
    if let Some(name) = ctx.body.get("name") {
        errors.string_value(name, "name", 1, 100);
    }
    errors.string(&ctx.body, "topic", 0, 1024);
    errors.result()?;
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, cid)?;
    let chan = channel_mut(&mut state, cid)?;
    let thread = super::threads::is_thread(&chan.object);
    let kind = if thread {
        action::THREAD_UPDATE
    } else {
        action::CHANNEL_UPDATE
    };
    let mut entry = Entry::new(kind, cid);
    for key in CHANNEL_FIELDS {
        if let Some(v) = ctx.body.get(key) {
            entry = entry.change(key, chan.object[key].clone(), v.clone());
            chan.object[key] = v.clone();
        }
    }
    if thread {
        entry = super::threads::modify_metadata(ctx, &mut chan.object, entry);
    }
    let updated = chan.object.clone();
    drop(state);
    audit::record(ctx, guild_id.as_deref(), entry);
    let event = if thread {
        "THREAD_UPDATE"
    } else {
        "CHANNEL_UPDATE"
    };
    ctx.world.hub.publish(event, updated.clone());
    ok(updated)
}

fn delete_channel(ctx: &Ctx) -> Reply {
    let cid = ctx.id("channel_id", "Channel")?;
    let removed = ctx
        .world
        .lock()
        .channels
        .remove(&cid)
        .ok_or_else(|| super::unknown("Channel"))?
        .object;
    let thread = super::threads::is_thread(&removed);
    let (kind, event) = if thread {
        (action::THREAD_DELETE, "THREAD_DELETE")
    } else {
        (action::CHANNEL_DELETE, "CHANNEL_DELETE")
    };
    let entry = Entry::new(kind, cid).change("name", removed["name"].clone(), Value::Null);
    audit::record(ctx, removed["guild_id"].as_str(), entry);
    ctx.world.hub.publish(event, removed.clone());
    ok(removed)
}

fn trigger_typing_indicator(ctx: &Ctx) -> Reply {
    let cid = ctx.id("channel_id", "Channel")?;
    let guild_id = guild_of(&ctx.world.lock(), cid)?;
    let now = crate::state::now_ms() / 1000;
    ctx.world.hub.publish(
        "TYPING_START",
        with_guild(json!({"channel_id": cid.to_string(), "user_id": ctx.world.bot_id().to_string(), "timestamp": now}), &guild_id),
    );
    done()
}

/// Adds or replaces one overwrite (Channel > Edit Channel Permissions).
fn edit_channel_permissions(ctx: &Ctx) -> Reply {
    let cid = ctx.id("channel_id", "Channel")?;
    let oid = ctx.id("overwrite_id", "Overwrite")?.to_string();
    let overwrite = super::permissions::overwrite(&oid, &ctx.body);
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, cid)?;
    let chan = channel_mut(&mut state, cid)?;
    let mut list = chan.object["permission_overwrites"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let existed = list.iter().any(|o| o["id"] == json!(oid));
    list.retain(|o| o["id"] != json!(oid));
    list.push(overwrite.clone());
    chan.object["permission_overwrites"] = Value::Array(list);
    let updated = chan.object.clone();
    drop(state);
    let kind = if existed {
        action::CHANNEL_OVERWRITE_UPDATE
    } else {
        action::CHANNEL_OVERWRITE_CREATE
    };
    let entry = Entry::new(kind, cid)
        .change("allow", Value::Null, overwrite["allow"].clone())
        .change("deny", Value::Null, overwrite["deny"].clone())
        .options(json!({"id": oid, "type": overwrite["type"].to_string()}));
    audit::record(ctx, guild_id.as_deref(), entry);
    ctx.world.hub.publish("CHANNEL_UPDATE", updated);
    done()
}

fn delete_channel_permission(ctx: &Ctx) -> Reply {
    let cid = ctx.id("channel_id", "Channel")?;
    let oid = ctx.id("overwrite_id", "Overwrite")?.to_string();
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, cid)?;
    let chan = channel_mut(&mut state, cid)?;
    let mut list = chan.object["permission_overwrites"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let before = list.len();
    list.retain(|o| o["id"] != json!(oid));
    let removed = list.len() != before;
    chan.object["permission_overwrites"] = Value::Array(list);
    let updated = chan.object.clone();
    drop(state);
    if removed {
        let entry = Entry::new(action::CHANNEL_OVERWRITE_DELETE, cid).options(json!({"id": oid}));
        audit::record(ctx, guild_id.as_deref(), entry);
        ctx.world.hub.publish("CHANNEL_UPDATE", updated);
    }
    done()
}
