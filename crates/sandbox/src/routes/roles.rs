//! Guild roles: list, get, create, modify, delete.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::guild;
use super::{done, error, ok, unknown, Ctx, FormErrors, Handler, Reply};
use crate::http::Response;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-guild-roles", get_guild_roles),
    ("get-guild-role", get_guild_role),
    ("create-guild-role", create_guild_role),
    ("modify-guild-role", modify_guild_role),
    ("delete-guild-role", delete_guild_role),
];

/// Fields a role update may change.
const ROLE_FIELDS: [&str; 6] = [
    "name",
    "color",
    "hoist",
    "mentionable",
    "permissions",
    "unicode_emoji",
];

fn get_guild_roles(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let mut state = ctx.world.lock();
    ok(Value::Array(
        guild(&mut state, gid)?.roles.values().cloned().collect(),
    ))
}

fn get_guild_role(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let rid = ctx.id("role_id", "Role")?;
    let mut state = ctx.world.lock();
    guild(&mut state, gid)?
        .roles
        .get(&rid)
        .cloned()
        .ok_or_else(|| unknown("Role"))
        .and_then(ok)
}

/// A permissions value as Discord stores it: a decimal string.
fn permissions_string(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "0".into(),
    }
}

fn create_guild_role(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    check_role_fields(ctx)?;
    let name = ctx.str_field("name").unwrap_or("new role");
    let rid = ctx.world.next_id();
    let color = ctx.body.get("color").and_then(Value::as_u64).unwrap_or(0);
    let flag = |k: &str| ctx.body.get(k).and_then(Value::as_bool).unwrap_or(false);
    let role = json!({"id": rid.to_string(), "name": name, "color": color,
        "colors": {"primary_color": color, "secondary_color": null, "tertiary_color": null},
        "hoist": flag("hoist"), "icon": null, "unicode_emoji": null, "position": 1,
        "permissions": permissions_string(ctx.body.get("permissions")),
        "managed": false, "mentionable": flag("mentionable"), "flags": 0});
    let mut state = ctx.world.lock();
    guild(&mut state, gid)?.roles.insert(rid, role.clone());
    drop(state);
    let gid_s = gid.to_string();
    let entry = Entry::new(action::ROLE_CREATE, rid)
        .change("name", Value::Null, role["name"].clone())
        .change("permissions", Value::Null, role["permissions"].clone());
    audit::record(ctx, Some(&gid_s), entry);
    ctx.world.hub.publish(
        "GUILD_ROLE_CREATE",
        json!({"guild_id": gid_s, "role": role}),
    );
    ok(role)
}

fn modify_guild_role(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let rid = ctx.id("role_id", "Role")?;
    check_role_fields(ctx)?;
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let role = g.roles.get_mut(&rid).ok_or_else(|| unknown("Role"))?;
    let mut entry = Entry::new(action::ROLE_UPDATE, rid);
    for key in ROLE_FIELDS {
        if let Some(v) = ctx.body.get(key) {
            let v = if key == "permissions" {
                json!(permissions_string(Some(v)))
            } else {
                v.clone()
            };
            entry = entry.change(key, role[key].clone(), v.clone());
            role[key] = v;
        }
    }
    let role = role.clone();
    drop(state);
    let gid_s = gid.to_string();
    audit::record(ctx, Some(&gid_s), entry);
    ctx.world.hub.publish(
        "GUILD_ROLE_UPDATE",
        json!({"guild_id": gid_s, "role": role}),
    );
    ok(role)
}

fn delete_guild_role(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let rid = ctx.id("role_id", "Role")?;
    if rid == gid {
        return Err(error(400, 50028, "Invalid role"));
    }
    let mut state = ctx.world.lock();
    let g = guild(&mut state, gid)?;
    let role = g.roles.remove(&rid).ok_or_else(|| unknown("Role"))?;
    drop(state);
    let gid_s = gid.to_string();
    let entry =
        Entry::new(action::ROLE_DELETE, rid).change("name", role["name"].clone(), Value::Null);
    audit::record(ctx, Some(&gid_s), entry);
    ctx.world.hub.publish(
        "GUILD_ROLE_DELETE",
        json!({"guild_id": gid_s, "role_id": rid.to_string()}),
    );
    done()
}

/// Discord's checks on a role body: `name` a string of at most 100 characters, `color` an
/// integer, `hoist` and `mentionable` booleans.
fn check_role_fields(ctx: &Ctx) -> Result<(), Response> {
    let mut errors = FormErrors::default();
    errors.string(&ctx.body, "name", 0, 100);
    if let Some(color) = ctx.body.get("color").filter(|v| !v.is_null()) {
        if color.as_u64().is_none() {
            let shown = color
                .as_str()
                .map_or_else(|| color.to_string(), str::to_string);
            errors.push(
                "color",
                "NUMBER_TYPE_COERCE",
                &format!("Value \"{shown}\" is not int."),
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
