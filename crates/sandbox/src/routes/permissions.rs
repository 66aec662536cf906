//! The permission model: a member's permissions in a guild and in a channel, computed as
//! Discord documents it (Permissions > Permission Overwrites: base permissions from
//! `@everyone` and the member's roles, ADMINISTRATOR and the owner get everything; then in a
//! channel the `@everyone` overwrite, the roles' overwrites together, and the member's own,
//! each deny before allow). Operations that need a permission are refused with 403 Missing
//! Permissions (50013) when the bot lacks it.

use serde_json::{json, Value};

use super::{error, Ctx};
use crate::http::Response;
use crate::state::{Guild, State};
use discord_protocol::endpoints::permissions::PERMISSIONS;

/// Every permission bit Discord defines.
fn all() -> u64 {
    PERMISSIONS.iter().fold(0, |bits, (_, bit)| bits | 1 << bit)
}

/// The bit of a permission named as Discord names it.
pub fn bit(name: &str) -> u64 {
    PERMISSIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, b)| 1 << b)
}

/// What an operation needs, from Discord's docs for each (the rest need nothing here):
/// operation name, permissions needed, and whether they are judged in the channel of the
/// path's `channel_id` (else in the guild of `guild_id`).
const REQUIRED: &[(&str, &[&str], bool)] = &[
    ("create-message", &["VIEW_CHANNEL", "SEND_MESSAGES"], true),
    ("get-channel-messages", &["VIEW_CHANNEL"], true),
    (
        "trigger-typing-indicator",
        &["VIEW_CHANNEL", "SEND_MESSAGES"],
        true,
    ),
    ("bulk-delete-messages", &["MANAGE_MESSAGES"], true),
    (
        "create-reaction",
        &["VIEW_CHANNEL", "READ_MESSAGE_HISTORY", "ADD_REACTIONS"],
        true,
    ),
    ("delete-all-reactions", &["MANAGE_MESSAGES"], true),
    ("delete-all-reactions-for-emoji", &["MANAGE_MESSAGES"], true),
    ("delete-user-reaction", &["MANAGE_MESSAGES"], true),
    ("modify-channel", &["MANAGE_CHANNELS"], true),
    ("delete-channel", &["MANAGE_CHANNELS"], true),
    ("edit-channel-permissions", &["MANAGE_ROLES"], true),
    ("delete-channel-permission", &["MANAGE_ROLES"], true),
    ("create-channel-invite", &["CREATE_INSTANT_INVITE"], true),
    ("create-webhook", &["MANAGE_WEBHOOKS"], true),
    (
        "start-thread-from-message",
        &["CREATE_PUBLIC_THREADS"],
        true,
    ),
    (
        "list-private-archived-threads",
        &["READ_MESSAGE_HISTORY", "MANAGE_THREADS"],
        true,
    ),
    (
        "list-public-archived-threads",
        &["READ_MESSAGE_HISTORY"],
        true,
    ),
    ("create-guild-channel", &["MANAGE_CHANNELS"], false),
    ("modify-guild", &["MANAGE_GUILD"], false),
    ("create-guild-role", &["MANAGE_ROLES"], false),
    ("modify-guild-role", &["MANAGE_ROLES"], false),
    ("delete-guild-role", &["MANAGE_ROLES"], false),
    ("add-guild-member-role", &["MANAGE_ROLES"], false),
    ("remove-guild-member-role", &["MANAGE_ROLES"], false),
    ("remove-guild-member", &["KICK_MEMBERS"], false),
    ("create-guild-ban", &["BAN_MEMBERS"], false),
    ("remove-guild-ban", &["BAN_MEMBERS"], false),
    ("get-guild-bans", &["BAN_MEMBERS"], false),
    ("get-guild-audit-log", &["VIEW_AUDIT_LOG"], false),
    ("create-guild-emoji", &["CREATE_GUILD_EXPRESSIONS"], false),
    ("modify-guild-emoji", &["MANAGE_GUILD_EXPRESSIONS"], false),
    ("delete-guild-emoji", &["MANAGE_GUILD_EXPRESSIONS"], false),
];

/// Operations on another member that Discord's role hierarchy guards: the target must not be
/// the owner, and the bot's highest role must be above the target's (Permissions > Permission
/// Hierarchy).
const OUTRANK: &[&str] = &["remove-guild-member", "create-guild-ban"];

/// The position of a member's highest role (0 for @everyone only, or not a member).
fn top_position(guild: &Guild, user: u64) -> u64 {
    roles_of(guild, user)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.parse::<u64>().ok())
        .filter_map(|r| guild.roles.get(&r)?["position"].as_u64())
        .max()
        .unwrap_or(0)
}

/// Whether `actor` may act on `target` under the role hierarchy.
pub fn outranks(guild: &Guild, actor: u64, target: u64) -> bool {
    let owner = |u: u64| guild.object["owner_id"] == json!(u.to_string());
    !owner(target) && (owner(actor) || top_position(guild, actor) > top_position(guild, target))
}

/// Refuses the request when the bot lacks a permission its operation needs, or acts on a
/// member its roles do not outrank.
pub fn check(ctx: &Ctx) -> Result<(), Response> {
    check_hierarchy(ctx)?;
    check_permissions(ctx)
}

fn check_hierarchy(ctx: &Ctx) -> Result<(), Response> {
    if !OUTRANK.contains(&ctx.endpoint.name) {
        return Ok(());
    }
    let (Ok(gid), Ok(target)) = (
        ctx.param("guild_id").parse::<u64>(),
        ctx.param("user_id").parse::<u64>(),
    ) else {
        return Ok(());
    };
    let state = ctx.world.lock();
    match state.guilds.get(&gid) {
        Some(g) if !outranks(g, ctx.world.bot_id(), target) => Err(missing()),
        _ => Ok(()),
    }
}

fn check_permissions(ctx: &Ctx) -> Result<(), Response> {
    let Some((_, needed, in_channel)) = REQUIRED.iter().find(|(n, _, _)| *n == ctx.endpoint.name)
    else {
        return Ok(());
    };
    let mut needed = needed.iter().fold(0, |bits, name| bits | bit(name));
    let state = ctx.world.lock();
    let me = ctx.world.bot_id();
    let have = if *in_channel {
        let Ok(cid) = ctx.param("channel_id").parse::<u64>() else {
            return Ok(());
        };
        let Some(channel) = state.channels.get(&cid) else {
            return Ok(());
        };
        if super::threads::is_thread(&channel.object) {
            needed = in_thread(ctx.endpoint.name, &channel.object, me, needed);
        }
        match in_channel_of(&state, &channel.object, me) {
            Some(bits) => bits,
            None => return Ok(()),
        }
    } else {
        let gid = ctx.param("guild_id").parse::<u64>().unwrap_or(0);
        match state.guilds.get(&gid) {
            Some(g) => base(g, me),
            None => return Ok(()),
        }
    };
    if have & needed == needed {
        Ok(())
    } else {
        Err(missing())
    }
}

/// What an operation needs in a thread instead (Channel > Modify Channel, thread): sending
/// takes SEND_MESSAGES_IN_THREADS; changing or deleting the thread takes MANAGE_THREADS, except
/// that its owner may change it.
fn in_thread(operation: &str, thread: &Value, me: u64, needed: u64) -> u64 {
    match operation {
        "create-message" => needed & !bit("SEND_MESSAGES") | bit("SEND_MESSAGES_IN_THREADS"),
        "modify-channel" if thread["owner_id"] == json!(me.to_string()) => 0,
        "modify-channel" | "delete-channel" => bit("MANAGE_THREADS"),
        _ => needed,
    }
}

/// Discord's answer to an action the bot lacks a permission for.
pub fn missing() -> Response {
    error(403, 50013, "Missing Permissions")
}

/// A permission string or number as bits (0 for anything else).
fn bits_of(value: &Value) -> u64 {
    match value {
        Value::String(s) => s.parse().unwrap_or(0),
        other => other.as_u64().unwrap_or(0),
    }
}

/// The member's roles (ids as strings), or `None` when `user` is not a member.
fn roles_of(guild: &Guild, user: u64) -> Option<Vec<String>> {
    let member = guild.members.get(&user)?;
    Some(
        member["roles"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// The member's guild-wide permissions: `@everyone`'s and their roles' together; all of them
/// for the owner or with ADMINISTRATOR. A non-member has none.
pub fn base(guild: &Guild, user: u64) -> u64 {
    if guild.object["owner_id"] == json!(user.to_string()) {
        return all();
    }
    let Some(roles) = roles_of(guild, user) else {
        return 0;
    };
    let role_bits = |id: &str| {
        id.parse::<u64>()
            .ok()
            .and_then(|r| guild.roles.get(&r))
            .map_or(0, |r| bits_of(&r["permissions"]))
    };
    let everyone = guild.object["id"].as_str().unwrap_or("");
    let bits = roles
        .iter()
        .fold(role_bits(everyone), |bits, r| bits | role_bits(r));
    if bits & bit("ADMINISTRATOR") != 0 {
        all()
    } else {
        bits
    }
}

/// Applies a channel's overwrites to base permissions, in Discord's order.
pub fn apply_overwrites(
    base: u64,
    overwrites: &[Value],
    everyone: &str,
    roles: &[String],
    user: &str,
) -> u64 {
    if base & bit("ADMINISTRATOR") != 0 {
        return all();
    }
    let of = |o: &Value| (bits_of(&o["allow"]), bits_of(&o["deny"]));
    let mut bits = base;
    if let Some((allow, deny)) = overwrites
        .iter()
        .find(|o| o["id"] == json!(everyone))
        .map(of)
    {
        bits = bits & !deny | allow;
    }
    let (allow, deny) = overwrites
        .iter()
        .filter(|o| o["type"] == json!(0) && o["id"] != json!(everyone))
        .filter(|o| {
            o["id"]
                .as_str()
                .is_some_and(|id| roles.iter().any(|r| r == id))
        })
        .map(of)
        .fold((0, 0), |(a, d), (allow, deny)| (a | allow, d | deny));
    bits = bits & !deny | allow;
    let member = overwrites
        .iter()
        .find(|o| o["type"] == json!(1) && o["id"] == json!(user));
    if let Some((allow, deny)) = member.map(of) {
        bits = bits & !deny | allow;
    }
    bits
}

/// The user's permissions in a channel (a thread takes its parent's), `None` outside guilds.
pub fn in_channel_of(state: &State, channel: &Value, user: u64) -> Option<u64> {
    let channel = if super::threads::is_thread(channel) {
        let parent = channel["parent_id"].as_str()?.parse::<u64>().ok()?;
        &state.channels.get(&parent)?.object
    } else {
        channel
    };
    let gid = channel["guild_id"].as_str()?.parse::<u64>().ok()?;
    let guild = state.guilds.get(&gid)?;
    let roles = roles_of(guild, user).unwrap_or_default();
    let overwrites = channel["permission_overwrites"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Some(apply_overwrites(
        base(guild, user),
        &overwrites,
        &gid.to_string(),
        &roles,
        &user.to_string(),
    ))
}

/// One overwrite as Discord stores it: `id`, `type` (0 role, 1 member), `allow` and `deny`
/// as decimal strings.
pub fn overwrite(id: &str, body: &Value) -> Value {
    let text = |k: &str| bits_of(&body[k]).to_string();
    let kind = body["type"]
        .as_u64()
        .or_else(|| body["type"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0);
    json!({"id": id, "type": kind, "allow": text("allow"), "deny": text("deny")})
}

/// A channel body's `permission_overwrites`, normalized; a 400 when it is not a list.
pub fn overwrites_of(body: &Value) -> Result<Value, Response> {
    match body.get("permission_overwrites") {
        None | Some(Value::Null) => Ok(json!([])),
        Some(Value::Array(items)) => Ok(Value::Array(
            items
                .iter()
                .map(|o| overwrite(o["id"].as_str().unwrap_or(""), o))
                .collect(),
        )),
        Some(_) => Err(super::field_error(
            "permission_overwrites",
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEND: u64 = 1 << 11;
    const VIEW: u64 = 1 << 10;

    #[test]
    fn overwrites_apply_everyone_then_roles_then_member() {
        let roles = vec!["5".to_string()];
        let deny_everyone = json!({"id": "1", "type": 0, "allow": "0", "deny": SEND.to_string()});
        let allow_role = json!({"id": "5", "type": 0, "allow": SEND.to_string(), "deny": "0"});
        let deny_member = json!({"id": "9", "type": 1, "allow": "0", "deny": SEND.to_string()});
        let base = SEND | VIEW;
        let everyone_only = [deny_everyone.clone()];
        assert_eq!(
            apply_overwrites(base, &everyone_only, "1", &roles, "9"),
            VIEW
        );
        // A role's allow wins over @everyone's deny...
        let with_role = [deny_everyone.clone(), allow_role.clone()];
        assert_eq!(apply_overwrites(base, &with_role, "1", &roles, "9"), base);
        // ...and the member's own deny wins over both.
        let all_three = [deny_everyone, allow_role, deny_member];
        assert_eq!(apply_overwrites(base, &all_three, "1", &roles, "9"), VIEW);
        // ADMINISTRATOR ignores overwrites.
        let admin = 1 << 3;
        assert_eq!(apply_overwrites(admin, &all_three, "1", &roles, "9"), all());
    }

    #[test]
    fn role_overwrites_deny_together_before_allowing_together() {
        let roles = vec!["5".to_string(), "6".to_string()];
        let deny = json!({"id": "5", "type": 0, "allow": "0", "deny": SEND.to_string()});
        let allow = json!({"id": "6", "type": 0, "allow": SEND.to_string(), "deny": "0"});
        assert_eq!(
            apply_overwrites(VIEW, &[deny, allow], "1", &roles, "9"),
            VIEW | SEND
        );
    }

    #[test]
    fn the_owner_and_equal_roles_are_not_outranked() {
        let role = |id: &str, position: u64| {
            (
                id.parse().unwrap(),
                json!({"id": id, "position": position, "permissions": "0"}),
            )
        };
        let member = |roles: &[&str]| json!({"roles": roles});
        let guild = Guild {
            object: json!({"id": "1", "owner_id": "10"}),
            roles: [role("1", 0), role("2", 2), role("3", 1)]
                .into_iter()
                .collect(),
            members: [
                (10, member(&[])),
                (11, member(&["2"])),
                (12, member(&["3"])),
                (13, member(&["2"])),
                (14, member(&[])),
            ]
            .into_iter()
            .collect(),
            ..Guild::default()
        };
        assert!(outranks(&guild, 11, 12));
        assert!(outranks(&guild, 11, 14));
        assert!(!outranks(&guild, 11, 10), "nobody outranks the owner");
        assert!(!outranks(&guild, 11, 13), "an equal top role is not above");
        assert!(!outranks(&guild, 12, 11));
        assert!(outranks(&guild, 10, 11), "the owner outranks everyone");
    }

    #[test]
    fn threads_take_their_own_permissions() {
        let thread = json!({"owner_id": "5"});
        let send = bit("SEND_MESSAGES") | VIEW;
        assert_eq!(
            in_thread("create-message", &thread, 9, send),
            VIEW | bit("SEND_MESSAGES_IN_THREADS")
        );
        let manage = bit("MANAGE_CHANNELS");
        assert_eq!(in_thread("modify-channel", &thread, 5, manage), 0);
        assert_eq!(
            in_thread("modify-channel", &thread, 9, manage),
            bit("MANAGE_THREADS")
        );
        assert_eq!(
            in_thread("delete-channel", &thread, 5, manage),
            bit("MANAGE_THREADS")
        );
        assert_eq!(in_thread("get-channel-messages", &thread, 9, VIEW), VIEW);
    }

    #[test]
    fn every_required_permission_and_operation_exists() {
        for name in OUTRANK {
            assert!(discord_protocol::endpoints::find(name).is_some(), "{name}");
        }
        for (name, perms, _) in REQUIRED {
            assert!(discord_protocol::endpoints::find(name).is_some(), "{name}");
            for p in *perms {
                assert_ne!(bit(p), 0, "{p}");
            }
        }
    }
}
