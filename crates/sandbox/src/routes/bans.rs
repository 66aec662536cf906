//! Guild bans: list (paged both ways), get, ban (which removes the member), lift.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{guild, user};
use super::{done, limit, ok, query_id, unknown, Ctx, Handler, Reply};

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-guild-bans", get_guild_bans),
    ("get-guild-ban", get_guild_ban),
    ("create-guild-ban", create_guild_ban),
    ("remove-guild-ban", remove_guild_ban),
];

fn get_guild_bans(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let limit = limit(ctx, 1000, 1000)? as usize;
    let before = query_id(ctx, "before")?;
    let after = query_id(ctx, "after")?.unwrap_or(0);
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let list: Vec<Value> = match before {
        Some(b) => {
            let mut v: Vec<Value> = g
                .bans
                .range(..b)
                .rev()
                .take(limit)
                .map(|(_, x)| x.clone())
                .collect();
            v.reverse();
            v
        }
        None => g
            .bans
            .range(after + 1..)
            .take(limit)
            .map(|(_, x)| x.clone())
            .collect(),
    };
    ok(Value::Array(list))
}

fn get_guild_ban(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let uid = ctx.id("user_id", "Ban")?;
    let mut state = ctx.world.lock();
    guild(&mut state, gid)?
        .bans
        .get(&uid)
        .cloned()
        .ok_or_else(|| unknown("Ban"))
        .and_then(ok)
}

fn create_guild_ban(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let uid = ctx.id("user_id", "User")?;
    let mut state = ctx.world.lock();
    let user = user(&state, uid)?;
    let g = guild(&mut state, gid)?;
    g.bans
        .insert(uid, json!({"reason": ctx.reason(), "user": user}));
    let removed = g.members.remove(&uid).is_some();
    drop(state);
    let gid_s = gid.to_string();
    audit::record(ctx, Some(&gid_s), Entry::new(action::MEMBER_BAN_ADD, uid));
    ctx.world
        .hub
        .publish("GUILD_BAN_ADD", json!({"guild_id": gid_s, "user": user}));
    if removed {
        ctx.world.hub.publish(
            "GUILD_MEMBER_REMOVE",
            json!({"guild_id": gid_s, "user": user}),
        );
    }
    done()
}

fn remove_guild_ban(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let uid = ctx.id("user_id", "Ban")?;
    let mut state = ctx.world.lock();
    let ban = guild(&mut state, gid)?
        .bans
        .remove(&uid)
        .ok_or_else(|| unknown("Ban"))?;
    drop(state);
    let gid_s = gid.to_string();
    audit::record(
        ctx,
        Some(&gid_s),
        Entry::new(action::MEMBER_BAN_REMOVE, uid),
    );
    ctx.world.hub.publish(
        "GUILD_BAN_REMOVE",
        json!({"guild_id": gid_s, "user": ban["user"]}),
    );
    done()
}
