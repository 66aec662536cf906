//! Guild routes (guild, channels, members, roles, bans, webhooks), users and the gateway
//! discovery routes. Every write publishes the matching gateway dispatch.

use serde_json::{json, Value};

use super::{
    done, field_error, id, limit, max_len, not_found, ok, query_id, unknown, Ctx, FormErrors, Reply,
};
use crate::http::Response;
use crate::state::{Channel, Guild, State};

/// Routes under `/guilds`, `/users` and `/gateway`.
pub fn route(ctx: &Ctx, method: &str, seg: &[&str]) -> Reply {
    match (method, seg) {
        ("GET", ["gateway"]) => ok(json!({"url": ctx.world.gateway_url})),
        ("GET", ["gateway", "bot"]) => ok(crate::gateway::gateway_bot(ctx.world)),
        ("GET", ["users", "@me"]) => ok(ctx.world.bot_user()),
        ("PATCH", ["users", "@me"]) => {
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
        ("GET", ["users", "@me", "guilds"]) => my_guilds(ctx),
        ("GET", ["users", u]) => {
            let uid = id(u, "User")?;
            ctx.world
                .lock()
                .users
                .get(&uid)
                .cloned()
                .ok_or_else(|| unknown("User"))
                .and_then(ok)
        }
        (_, ["guilds", g, rest @ ..]) => guild_route(ctx, method, id(g, "Guild")?, rest),
        _ => Err(not_found()),
    }
}

fn my_guilds(ctx: &Ctx) -> Reply {
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

fn guild(state: &mut State, gid: u64) -> Result<&mut Guild, Response> {
    state.guilds.get_mut(&gid).ok_or_else(|| unknown("Guild"))
}

fn guild_route(ctx: &Ctx, method: &str, gid: u64, rest: &[&str]) -> Reply {
    let world = ctx.world;
    let gid_s = gid.to_string();
    match (method, rest) {
        ("GET", []) => {
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            let mut object = g.object.clone();
            object["roles"] = Value::Array(g.roles.values().cloned().collect());
            if ctx.req.query("with_counts").is_some_and(|v| v == "true") {
                object["approximate_member_count"] = json!(g.members.len());
                object["approximate_presence_count"] = json!(0);
            }
            ok(object)
        }
        ("PATCH", []) => {
            if let Some(name) = ctx.body.get("name") {
                let mut errors = FormErrors::default();
                errors.string_value(name, "name", 2, 100);
                errors.result()?;
            }
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            if let Some(obj) = ctx.body.as_object() {
                for (k, v) in obj {
                    if k != "id" && k != "owner_id" {
                        g.object[k] = v.clone();
                    }
                }
            }
            let updated = g.object.clone();
            drop(state);
            world.hub.publish("GUILD_UPDATE", updated.clone());
            ok(updated)
        }
        ("GET", ["channels"]) => {
            let state = world.lock();
            if !state.guilds.contains_key(&gid) {
                return Err(unknown("Guild"));
            }
            ok(Value::Array(
                state
                    .channels
                    .values()
                    .filter(|c| c.object["guild_id"] == json!(gid_s))
                    .map(|c| c.object.clone())
                    .collect(),
            ))
        }
        ("POST", ["channels"]) => {
            let name = ctx.str_field("name").unwrap_or("");
            if !(1..=100).contains(&name.chars().count()) {
                return Err(field_error(
                    "name",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                ));
            }
            let kind = ctx.body.get("type").and_then(Value::as_u64).unwrap_or(0);
            if ![0, 2, 4, 5, 13, 14, 15, 16].contains(&kind) {
                return Err(field_error(
                    "type",
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {0, 2, 4, 5, 13, 14, 15, 16}.",
                ));
            }
            let cid = world.next_id();
            let mut state = world.lock();
            guild(&mut state, gid)?;
            let object = json!({"id": cid.to_string(), "type": kind, "guild_id": gid_s, "name": name,
                "position": ctx.body.get("position").cloned().unwrap_or(json!(0)), "permission_overwrites": [],
                "parent_id": ctx.body.get("parent_id").cloned().unwrap_or(Value::Null),
                "topic": ctx.body.get("topic").cloned().unwrap_or(Value::Null), "nsfw": false,
                "last_message_id": null, "rate_limit_per_user": 0, "flags": 0});
            state.channels.insert(
                cid,
                Channel {
                    object: object.clone(),
                    messages: Default::default(),
                    pins: Vec::new(),
                },
            );
            drop(state);
            world.hub.publish("CHANNEL_CREATE", object.clone());
            Ok(Response::json(201, &object))
        }
        ("GET", ["members"]) => {
            let limit = limit(ctx, 1, 1000)? as usize;
            let after = query_id(ctx, "after")?.unwrap_or(0);
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            ok(Value::Array(
                g.members
                    .range(after + 1..)
                    .take(limit)
                    .map(|(_, m)| m.clone())
                    .collect(),
            ))
        }
        ("GET", ["members", u]) => {
            let uid = id(u, "Member")?;
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            g.members
                .get(&uid)
                .cloned()
                .ok_or_else(|| unknown("Member"))
                .and_then(ok)
        }
        ("PATCH", ["members", u]) => {
            let uid = if *u == "@me" {
                world.bot_id()
            } else {
                id(u, "Member")?
            };
            max_len(ctx, "nick", 32)?;
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            if let Some(roles) = ctx.body.get("roles").and_then(Value::as_array) {
                for r in roles {
                    let known = r
                        .as_str()
                        .and_then(|s| s.parse::<u64>().ok())
                        .is_some_and(|r| g.roles.contains_key(&r));
                    if !known {
                        return Err(unknown("Role"));
                    }
                }
            }
            let m = g.members.get_mut(&uid).ok_or_else(|| unknown("Member"))?;
            for key in [
                "nick",
                "roles",
                "mute",
                "deaf",
                "communication_disabled_until",
                "flags",
            ] {
                if let Some(v) = ctx.body.get(key) {
                    m[key] = v.clone();
                }
            }
            let member = m.clone();
            drop(state);
            publish_member_update(ctx, &gid_s, &member);
            ok(member)
        }
        ("DELETE", ["members", u]) => {
            let uid = id(u, "Member")?;
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            let m = g.members.remove(&uid).ok_or_else(|| unknown("Member"))?;
            drop(state);
            world.hub.publish(
                "GUILD_MEMBER_REMOVE",
                json!({"guild_id": gid_s, "user": m["user"]}),
            );
            done()
        }
        (verb @ ("PUT" | "DELETE"), ["members", u, "roles", r]) => {
            let uid = id(u, "Member")?;
            let rid = id(r, "Role")?;
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            if !g.roles.contains_key(&rid) {
                return Err(unknown("Role"));
            }
            let m = g.members.get_mut(&uid).ok_or_else(|| unknown("Member"))?;
            let mut roles: Vec<Value> = m["roles"].as_array().cloned().unwrap_or_default();
            roles.retain(|x| x != &json!(rid.to_string()));
            if verb == "PUT" {
                roles.push(json!(rid.to_string()));
            }
            m["roles"] = Value::Array(roles);
            let member = m.clone();
            drop(state);
            publish_member_update(ctx, &gid_s, &member);
            done()
        }
        ("GET", ["roles"]) => {
            let mut state = world.lock();
            ok(Value::Array(
                guild(&mut state, gid)?.roles.values().cloned().collect(),
            ))
        }
        ("GET", ["roles", r]) => {
            let rid = id(r, "Role")?;
            let mut state = world.lock();
            guild(&mut state, gid)?
                .roles
                .get(&rid)
                .cloned()
                .ok_or_else(|| unknown("Role"))
                .and_then(ok)
        }
        ("POST", ["roles"]) => {
            check_role_fields(ctx)?;
            let name = ctx.str_field("name").unwrap_or("new role");
            let rid = world.next_id();
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            let color = ctx.body.get("color").and_then(Value::as_u64).unwrap_or(0);
            let role = json!({"id": rid.to_string(), "name": name, "color": color,
                "colors": {"primary_color": color, "secondary_color": null, "tertiary_color": null},
                "hoist": ctx.body.get("hoist").and_then(Value::as_bool).unwrap_or(false), "icon": null, "unicode_emoji": null,
                "position": 1, "permissions": ctx.body.get("permissions").map(|p| match p { Value::String(s) => s.clone(), other => other.to_string() }).unwrap_or_else(|| "0".into()),
                "managed": false, "mentionable": ctx.body.get("mentionable").and_then(Value::as_bool).unwrap_or(false), "flags": 0});
            g.roles.insert(rid, role.clone());
            drop(state);
            world.hub.publish(
                "GUILD_ROLE_CREATE",
                json!({"guild_id": gid_s, "role": role}),
            );
            ok(role)
        }
        ("PATCH", ["roles", r]) => {
            let rid = id(r, "Role")?;
            check_role_fields(ctx)?;
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            let role = g.roles.get_mut(&rid).ok_or_else(|| unknown("Role"))?;
            for key in [
                "name",
                "color",
                "hoist",
                "mentionable",
                "permissions",
                "unicode_emoji",
            ] {
                if let Some(v) = ctx.body.get(key) {
                    role[key] = v.clone();
                }
            }
            let role = role.clone();
            drop(state);
            world.hub.publish(
                "GUILD_ROLE_UPDATE",
                json!({"guild_id": gid_s, "role": role}),
            );
            ok(role)
        }
        ("DELETE", ["roles", r]) => {
            let rid = id(r, "Role")?;
            if rid == gid {
                return Err(super::error(400, 50028, "Invalid role"));
            }
            let mut state = world.lock();
            let g = guild(&mut state, gid)?;
            g.roles.remove(&rid).ok_or_else(|| unknown("Role"))?;
            drop(state);
            world.hub.publish(
                "GUILD_ROLE_DELETE",
                json!({"guild_id": gid_s, "role_id": rid.to_string()}),
            );
            done()
        }
        ("GET", ["bans"]) => {
            let limit = limit(ctx, 1000, 1000)? as usize;
            let before = query_id(ctx, "before")?;
            let after = query_id(ctx, "after")?.unwrap_or(0);
            let mut state = world.lock();
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
        ("GET", ["bans", u]) => {
            let uid = id(u, "Ban")?;
            let mut state = world.lock();
            guild(&mut state, gid)?
                .bans
                .get(&uid)
                .cloned()
                .ok_or_else(|| unknown("Ban"))
                .and_then(ok)
        }
        ("PUT", ["bans", u]) => {
            let uid = id(u, "User")?;
            let mut state = world.lock();
            let user = state
                .users
                .get(&uid)
                .cloned()
                .ok_or_else(|| unknown("User"))?;
            let reason = ctx
                .req
                .header("x-audit-log-reason")
                .map(crate::http::decode);
            let g = guild(&mut state, gid)?;
            g.bans.insert(uid, json!({"reason": reason, "user": user}));
            let removed = g.members.remove(&uid).is_some();
            drop(state);
            world
                .hub
                .publish("GUILD_BAN_ADD", json!({"guild_id": gid_s, "user": user}));
            if removed {
                world.hub.publish(
                    "GUILD_MEMBER_REMOVE",
                    json!({"guild_id": gid_s, "user": user}),
                );
            }
            done()
        }
        ("DELETE", ["bans", u]) => {
            let uid = id(u, "Ban")?;
            let mut state = world.lock();
            let ban = guild(&mut state, gid)?
                .bans
                .remove(&uid)
                .ok_or_else(|| unknown("Ban"))?;
            drop(state);
            world.hub.publish(
                "GUILD_BAN_REMOVE",
                json!({"guild_id": gid_s, "user": ban["user"]}),
            );
            done()
        }
        ("GET", ["invites"]) => {
            let state = world.lock();
            if !state.guilds.contains_key(&gid) {
                return Err(unknown("Guild"));
            }
            ok(Value::Array(
                state
                    .invites
                    .values()
                    .filter(|i| i["guild"]["id"] == json!(gid_s))
                    .cloned()
                    .collect(),
            ))
        }
        ("GET", ["webhooks"]) => {
            let state = world.lock();
            if !state.guilds.contains_key(&gid) {
                return Err(unknown("Guild"));
            }
            ok(Value::Array(
                state
                    .webhooks
                    .values()
                    .filter(|w| w["guild_id"] == json!(gid_s))
                    .cloned()
                    .collect(),
            ))
        }
        _ => Err(not_found()),
    }
}

/// Discord's checks on a role body: `name` a string of at most 100 characters, `color` an
/// integer, `hoist` and `mentionable` booleans.
fn check_role_fields(ctx: &Ctx) -> Result<(), Response> {
    let mut errors = FormErrors::default();
    errors.string(&ctx.body, "name", 0, 100);
    if let Some(color) = ctx.body.get("color").filter(|v| !v.is_null()) {
        if color.as_u64().is_none() {
            errors.push(
                "color",
                "NUMBER_TYPE_COERCE",
                &format!(
                    "Value \"{}\" is not int.",
                    color
                        .as_str()
                        .map_or_else(|| color.to_string(), str::to_string)
                ),
            );
        }
    }
    for key in ["hoist", "mentionable"] {
        if let Some(v) = ctx.body.get(key).filter(|v| !v.is_null()) {
            if !v.is_boolean() {
                errors.push(key, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
            }
        }
    }
    errors.result()
}

fn publish_member_update(ctx: &Ctx, guild_id: &str, member: &Value) {
    let mut d = member.clone();
    d["guild_id"] = json!(guild_id);
    ctx.world.hub.publish("GUILD_MEMBER_UPDATE", d);
}
