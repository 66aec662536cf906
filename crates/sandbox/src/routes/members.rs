//! Guild members: list, search, get, modify (another member or the bot), remove, and one role
//! added or removed.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{guild, id_str};
use super::{done, field_error, limit, max_len, ok, query_id, unknown, Ctx, Handler, Reply};

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("list-guild-members", list_guild_members),
    ("search-guild-members", search_guild_members),
    ("get-guild-member", get_guild_member),
    ("modify-guild-member", modify_guild_member),
    ("modify-current-member", modify_guild_member),
    ("remove-guild-member", remove_guild_member),
    ("add-guild-member-role", add_guild_member_role),
    ("remove-guild-member-role", remove_guild_member_role),
];

/// Fields a member update may change (Guild > Modify Guild Member).
const MEMBER_FIELDS: [&str; 6] = [
    "nick",
    "roles",
    "mute",
    "deaf",
    "communication_disabled_until",
    "flags",
];

fn list_guild_members(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let limit = limit(ctx, 1, 1000)? as usize;
    let after = query_id(ctx, "after")?.unwrap_or(0);
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    ok(Value::Array(
        g.members
            .range(after + 1..)
            .take(limit)
            .map(|(_, m)| m.clone())
            .collect(),
    ))
}

/// Whether a member's username or nickname starts with `query`, ignoring case, as Discord's
/// member search matches (Guild > Search Guild Members).
pub fn member_matches(member: &Value, query: &str) -> bool {
    let query = query.to_lowercase();
    [&member["user"]["username"], &member["nick"]]
        .iter()
        .filter_map(|v| v.as_str())
        .any(|name| name.to_lowercase().starts_with(&query))
}

/// `query` is required; `limit` 1 to 1000, default 1.
fn search_guild_members(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let Some(query) = ctx.req.query("query") else {
        return Err(field_error(
            "query",
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    };
    let limit = limit(ctx, 1, 1000)? as usize;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    ok(Value::Array(
        g.members
            .values()
            .filter(|m| member_matches(m, query))
            .take(limit)
            .cloned()
            .collect(),
    ))
}

fn get_guild_member(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let uid = ctx.id("user_id", "Member")?;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    g.members
        .get(&uid)
        .cloned()
        .ok_or_else(|| unknown("Member"))
        .and_then(ok)
}

/// Also `PATCH .../members/@me` (Modify Current Member), which has no `user_id` and changes
/// only the nickname.
fn modify_guild_member(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let (uid, fields): (u64, &[&str]) = match ctx.param("user_id") {
        "" => (ctx.world.bot_id(), &["nick"]),
        _ => (ctx.user_or_me("user_id", "Member")?, &MEMBER_FIELDS),
    };
    max_len(ctx, "nick", 32)?;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let roles = ctx.body.get("roles").filter(|_| fields.contains(&"roles"));
    if let Some(roles) = roles.and_then(Value::as_array) {
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
    let roles_before = m["roles"].clone();
    let mut entry = Entry::new(action::MEMBER_UPDATE, uid);
    for key in fields {
        if let Some(v) = ctx.body.get(*key) {
            if *key != "roles" {
                entry = entry.change(key, m[*key].clone(), v.clone());
            }
            m[*key] = v.clone();
        }
    }
    let member = m.clone();
    drop(state);
    let gid_s = gid.to_string();
    if !entry.changes.is_empty() {
        audit::record(ctx, Some(&gid_s), entry);
    }
    if member["roles"] != roles_before {
        record_role_change(ctx, &gid_s, uid, &roles_before, &member["roles"]);
    }
    publish_member_update(ctx, &gid_s, &member);
    ok(member)
}

/// A MEMBER_ROLE_UPDATE entry: the roles added (`$add`) and removed (`$remove`).
fn record_role_change(ctx: &Ctx, guild_id: &str, uid: u64, before: &Value, after: &Value) {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let (before, after) = (list(before), list(after));
    let role = |r: &Value| json!({"id": r, "name": ""});
    let added: Vec<Value> = after
        .iter()
        .filter(|r| !before.contains(r))
        .map(role)
        .collect();
    let removed: Vec<Value> = before
        .iter()
        .filter(|r| !after.contains(r))
        .map(role)
        .collect();
    let mut entry = Entry::new(action::MEMBER_ROLE_UPDATE, uid);
    if !added.is_empty() {
        entry = entry.change("$add", Value::Null, Value::Array(added));
    }
    if !removed.is_empty() {
        entry = entry.change("$remove", Value::Null, Value::Array(removed));
    }
    audit::record(ctx, Some(guild_id), entry);
}

fn remove_guild_member(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let uid = ctx.id("user_id", "Member")?;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let m = g.members.remove(&uid).ok_or_else(|| unknown("Member"))?;
    drop(state);
    let gid_s = gid.to_string();
    audit::record(ctx, Some(&gid_s), Entry::new(action::MEMBER_KICK, uid));
    ctx.world.hub.publish(
        "GUILD_MEMBER_REMOVE",
        json!({"guild_id": gid_s, "user": m["user"]}),
    );
    done()
}

fn add_guild_member_role(ctx: &Ctx) -> Reply {
    member_role(ctx, true)
}

fn remove_guild_member_role(ctx: &Ctx) -> Reply {
    member_role(ctx, false)
}

fn member_role(ctx: &Ctx, add: bool) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let uid = ctx.id("user_id", "Member")?;
    let rid = ctx.id("role_id", "Role")?;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    if !g.roles.contains_key(&rid) {
        return Err(unknown("Role"));
    }
    let m = g.members.get_mut(&uid).ok_or_else(|| unknown("Member"))?;
    let before = m["roles"].clone();
    let mut roles: Vec<Value> = before.as_array().cloned().unwrap_or_default();
    roles.retain(|x| x != &id_str(rid));
    if add {
        roles.push(id_str(rid));
    }
    m["roles"] = Value::Array(roles);
    let member = m.clone();
    drop(state);
    let gid_s = gid.to_string();
    if member["roles"] != before {
        record_role_change(ctx, &gid_s, uid, &before, &member["roles"]);
    }
    publish_member_update(ctx, &gid_s, &member);
    done()
}

fn publish_member_update(ctx: &Ctx, guild_id: &str, member: &Value) {
    let mut d = member.clone();
    d["guild_id"] = json!(guild_id);
    ctx.world.hub.publish("GUILD_MEMBER_UPDATE", d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_matches_username_or_nick_prefix_ignoring_case() {
        let m = json!({"user": {"username": "member0042"}, "nick": "Zed"});
        assert!(member_matches(&m, "MEMBER00"));
        assert!(member_matches(&m, "ze"));
        assert!(!member_matches(&m, "0042"));
        assert!(!member_matches(
            &json!({"user": {"username": "a"}, "nick": null}),
            "b"
        ));
    }
}
