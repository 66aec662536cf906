//! Users: the bot itself (get, modify, its guilds), other users, and DM channels.

use serde_json::{json, Value};

use super::lookup::{id_str, user};
use super::{error, limit, ok, query_id, unknown, Ctx, Handler, Reply};
use crate::http::Response;
use crate::state::Channel;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-current-user", get_current_user),
    ("modify-current-user", modify_current_user),
    ("get-current-user-guilds", get_current_user_guilds),
    ("get-user", get_user),
    ("create-dm", create_dm),
];

fn get_current_user(ctx: &Ctx) -> Reply {
    ok(ctx.world.bot_user())
}

fn modify_current_user(ctx: &Ctx) -> Reply {
    let mut state = ctx.world.lock();
    let me = ctx.world.bot_id();
    let user = state.users.get_mut(&me).ok_or_else(|| unknown("User"))?;
    if let Some(name) = ctx.body.get("username") {
        user["username"] = name.clone();
    }
    let user = user.clone();
    drop(state);
    ctx.world.hub.publish("USER_UPDATE", user.clone());
    ok(user)
}

fn get_current_user_guilds(ctx: &Ctx) -> Reply {
    let limit = limit(ctx, 200, 200)? as usize;
    let after = query_id(ctx, "after")?.unwrap_or(0);
    let before = query_id(ctx, "before")?.unwrap_or(u64::MAX);
    let state = ctx.world.lock();
    let list: Vec<Value> = state
        .guilds
        .range(after + 1..before)
        .take(limit)
        .map(|(_, g)| {
            json!({"id": g.object["id"], "name": g.object["name"], "icon": null, "banner": null, "owner": false,
                   "permissions": "1099511627775", "features": g.object["features"]})
        })
        .collect();
    ok(Value::Array(list))
}

fn get_user(ctx: &Ctx) -> Reply {
    let uid = ctx.id("user_id", "User")?;
    ok(user(&ctx.world.lock(), uid)?)
}

/// Opens (or finds) the DM channel with `recipient_id`: Discord answers the same channel for
/// the same recipient, and 50033 Invalid Recipient(s) for a user it does not know.
fn create_dm(ctx: &Ctx) -> Reply {
    let recipient = ctx
        .body
        .get("recipient_id")
        .and_then(|v| match v {
            Value::String(s) => s.parse::<u64>().ok(),
            other => other.as_u64(),
        })
        .ok_or_else(invalid_recipient)?;
    let mut state = ctx.world.lock();
    let user = state
        .users
        .get(&recipient)
        .cloned()
        .ok_or_else(invalid_recipient)?;
    let existing = state.channels.values().find(|c| {
        c.object["type"] == json!(1) && c.object["recipients"][0]["id"] == id_str(recipient)
    });
    if let Some(c) = existing {
        return ok(c.object.clone());
    }
    let cid = ctx.world.next_id();
    let object = json!({"id": cid.to_string(), "type": 1, "last_message_id": null, "flags": 0,
        "recipients": [user]});
    state.channels.insert(
        cid,
        Channel {
            object: object.clone(),
            ..Channel::default()
        },
    );
    drop(state);
    ctx.world.hub.publish("CHANNEL_CREATE", object.clone());
    ok(object)
}

fn invalid_recipient() -> Response {
    error(400, 50033, "Invalid Recipient(s)")
}
