//! Invites: create and list per channel, list per guild, get (without a token too), delete.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{guild_exists, guild_of};
use super::{ok, unknown, Ctx, Handler, Reply};
use crate::state::timestamp_of;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("create-channel-invite", create_channel_invite),
    ("get-channel-invites", get_channel_invites),
    ("get-guild-invites", get_guild_invites),
    ("get-invite", get_invite),
    ("delete-invite", delete_invite),
];

/// Characters of an invite code.
const CODE_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

fn create_channel_invite(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let bot = ctx.world.bot_user();
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let chan = state
        .channels
        .get(&channel_id)
        .map(|c| c.object.clone())
        .unwrap_or(Value::Null);
    let guild_name = guild_id
        .as_ref()
        .and_then(|g| g.parse::<u64>().ok())
        .and_then(|g| state.guilds.get(&g))
        .map(|g| g.object["name"].clone())
        .unwrap_or(Value::Null);
    let code: String = (0..8)
        .map(|_| CODE_CHARS[fastrand::usize(..CODE_CHARS.len())] as char)
        .collect();
    let field = |k: &str, default: Value| ctx.body.get(k).cloned().unwrap_or(default);
    let invite = json!({"type": 0, "code": code, "guild": {"id": guild_id, "name": guild_name},
        "channel": {"id": chan["id"], "name": chan["name"], "type": chan["type"]},
        "inviter": bot, "uses": 0, "max_age": field("max_age", json!(86400)),
        "max_uses": field("max_uses", json!(0)), "temporary": field("temporary", json!(false)),
        "created_at": timestamp_of(ctx.world.next_id())});
    state.invites.insert(code.clone(), invite.clone());
    drop(state);
    let entry = Entry::new(action::INVITE_CREATE, &code).change("code", Value::Null, json!(code));
    audit::record(ctx, guild_id.as_deref(), entry);
    ctx.world.hub.publish(
        "INVITE_CREATE",
        json!({"channel_id": channel_id.to_string(), "guild_id": guild_id, "code": code, "created_at": invite["created_at"],
               "inviter": invite["inviter"], "max_age": invite["max_age"], "max_uses": invite["max_uses"], "temporary": invite["temporary"], "uses": 0}),
    );
    ok(invite)
}

fn get_channel_invites(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let state = ctx.world.lock();
    guild_of(&state, channel_id)?;
    let key = json!(channel_id.to_string());
    ok(Value::Array(
        state
            .invites
            .values()
            .filter(|i| i["channel"]["id"] == key)
            .cloned()
            .collect(),
    ))
}

fn get_guild_invites(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let state = ctx.world.lock();
    guild_exists(&state, gid)?;
    let key = json!(gid.to_string());
    ok(Value::Array(
        state
            .invites
            .values()
            .filter(|i| i["guild"]["id"] == key)
            .cloned()
            .collect(),
    ))
}

fn get_invite(ctx: &Ctx) -> Reply {
    let state = ctx.world.lock();
    let invite = state.invites.get(ctx.param("code"));
    ok(invite.cloned().ok_or_else(|| unknown("Invite"))?)
}

fn delete_invite(ctx: &Ctx) -> Reply {
    let code = ctx.param("code");
    let invite = ctx
        .world
        .lock()
        .invites
        .remove(code)
        .ok_or_else(|| unknown("Invite"))?;
    let entry = Entry::new(action::INVITE_DELETE, code).change("code", json!(code), Value::Null);
    audit::record(ctx, invite["guild"]["id"].as_str(), entry);
    ctx.world.hub.publish(
        "INVITE_DELETE",
        json!({"channel_id": invite["channel"]["id"], "guild_id": invite["guild"]["id"], "code": code}),
    );
    ok(invite)
}
