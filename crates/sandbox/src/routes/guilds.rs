//! Guilds: get and modify a guild, list and create its channels.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{guild, guild_exists};
use super::{field_error, ok, Ctx, FormErrors, Handler, Reply};
use crate::http::Response;
use crate::state::Channel;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-guild", get_guild),
    ("modify-guild", modify_guild),
    ("get-guild-channels", get_guild_channels),
    ("create-guild-channel", create_guild_channel),
];

/// Channel types a guild channel can be created with (Channel > Channel Types).
const CREATABLE_TYPES: [u64; 8] = [0, 2, 4, 5, 13, 14, 15, 16];

fn get_guild(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let mut object = g.object.clone();
    object["roles"] = Value::Array(g.roles.values().cloned().collect());
    object["emojis"] = Value::Array(g.emojis.values().cloned().collect());
    if ctx.req.query("with_counts").is_some_and(|v| v == "true") {
        object["approximate_member_count"] = json!(g.members.len());
        object["approximate_presence_count"] = json!(0);
    }
    ok(object)
}

fn modify_guild(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    if let Some(name) = ctx.body.get("name") {
        let mut errors = FormErrors::default();
        errors.string_value(name, "name", 2, 100);
        errors.result()?;
    }
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let mut entry = Entry::new(action::GUILD_UPDATE, gid);
    if let Some(obj) = ctx.body.as_object() {
        for (k, v) in obj {
            if k != "id" && k != "owner_id" {
                entry = entry.change(k, g.object[k].clone(), v.clone());
                g.object[k] = v.clone();
            }
        }
    }
    let updated = g.object.clone();
    drop(state);
    audit::record(ctx, Some(&gid.to_string()), entry);
    ctx.world.hub.publish("GUILD_UPDATE", updated.clone());
    ok(updated)
}

fn get_guild_channels(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let state = ctx.world.lock();
    guild_exists(&state, gid)?;
    ok(Value::Array(
        state
            .channels
            .values()
            .filter(|c| c.object["guild_id"] == json!(gid.to_string()))
            .filter(|c| !super::threads::is_thread(&c.object))
            .map(|c| c.object.clone())
            .collect(),
    ))
}

/// The channel body's `name` (1 to 100 characters) and `type` as Discord checks them.
fn channel_name_and_type(ctx: &Ctx) -> Result<(String, u64), Response> {
    let name = ctx.str_field("name").unwrap_or("");
    if !(1..=100).contains(&name.chars().count()) {
        return Err(field_error(
            "name",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        ));
    }
    let kind = ctx.body.get("type").and_then(Value::as_u64).unwrap_or(0);
    if !CREATABLE_TYPES.contains(&kind) {
        return Err(field_error(
            "type",
            "BASE_TYPE_CHOICES",
            "Value must be one of {0, 2, 4, 5, 13, 14, 15, 16}.",
        ));
    }
    Ok((name.to_string(), kind))
}

fn create_guild_channel(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let (name, kind) = channel_name_and_type(ctx)?;
    let overwrites = super::permissions::overwrites_of(&ctx.body)?;
    let cid = ctx.world.next_id();
    let gid_s = gid.to_string();
    let mut state = ctx.world.lock();
    guild(&mut state, gid)?;
    let field = |k: &str| ctx.body.get(k).cloned().unwrap_or(Value::Null);
    let object = json!({"id": cid.to_string(), "type": kind, "guild_id": gid_s, "name": name,
        "position": ctx.body.get("position").cloned().unwrap_or(json!(0)),
        "permission_overwrites": overwrites, "parent_id": field("parent_id"), "topic": field("topic"),
        "nsfw": false, "last_message_id": null, "rate_limit_per_user": 0, "flags": 0});
    state.channels.insert(
        cid,
        Channel {
            object: object.clone(),
            ..Channel::default()
        },
    );
    drop(state);
    let entry = Entry::new(action::CHANNEL_CREATE, cid)
        .change("name", Value::Null, json!(name))
        .change("type", Value::Null, json!(kind));
    audit::record(ctx, Some(&gid_s), entry);
    ctx.world.hub.publish("CHANNEL_CREATE", object.clone());
    Ok(Response::json(201, &object))
}
