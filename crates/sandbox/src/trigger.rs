//! `discord sandbox trigger` (admin route `POST /_sandbox/trigger`): other users act, with the
//! dispatches Discord would send: a member posts a message (MESSAGE_CREATE), reacts
//! (MESSAGE_REACTION_ADD), or a new user joins the guild (GUILD_MEMBER_ADD).

use serde_json::{json, Value};

use super::interactions::{find_channel, find_member};
use super::routes::interactions::publish_new;
use super::state::timestamp_of;
use super::World;

fn refused(message: &str) -> (u16, Value) {
    (400, json!({"message": message, "code": 0}))
}

/// Answers `POST /_sandbox/trigger`.
pub fn trigger(world: &World, body: &Value) -> (u16, Value) {
    match body["kind"].as_str() {
        Some("message") => message(world, body),
        Some("reaction") => reaction(world, body),
        Some("member-join") => member_join(world, body),
        _ => refused("kind must be message, reaction or member-join"),
    }
}

/// The channel and the acting member (by `@name` or id; default: the guild's owner).
fn channel_and_member(world: &World, body: &Value) -> Result<(Value, Value), (u16, Value)> {
    let state = world.lock();
    let channel = find_channel(&state, body["channel"].as_str().unwrap_or("#general"))
        .ok_or_else(|| refused("no such channel (give #name or id)"))?;
    let gid: u64 = channel["guild_id"]
        .as_str()
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    let guild = state
        .guilds
        .get(&gid)
        .ok_or_else(|| refused("the channel is not in a guild"))?;
    let owner = guild.object["owner_id"].as_str().unwrap_or("");
    let member = find_member(guild, body["user"].as_str().unwrap_or(owner))
        .ok_or_else(|| refused("no such member (give @username or id)"))?;
    Ok((channel, member))
}

fn message(world: &World, body: &Value) -> (u16, Value) {
    let (channel, member) = match channel_and_member(world, body) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let content = body["content"].as_str().unwrap_or("");
    if content.is_empty() || content.chars().count() > 2000 {
        return refused("content must be 1 to 2000 characters");
    }
    let mid = world.next_id();
    let object = json!({"id": mid.to_string(), "type": 0, "channel_id": channel["id"], "author": member["user"],
        "content": content, "timestamp": timestamp_of(mid), "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "flags": 0, "components": []});
    // MESSAGE_CREATE in a guild carries the author's member object, without its user.
    let mut member_part = member.clone();
    if let Some(m) = member_part.as_object_mut() {
        m.remove("user");
    }
    let d = publish_new(
        world,
        object,
        channel["guild_id"].as_str(),
        Some(member_part),
    );
    (200, d)
}

fn reaction(world: &World, body: &Value) -> (u16, Value) {
    let (channel, member) = match channel_and_member(world, body) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let cid: u64 = channel["id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let uid: u64 = member["user"]["id"]
        .as_str()
        .and_then(|u| u.parse().ok())
        .unwrap_or(0);
    let emoji_text = body["emoji"].as_str().unwrap_or("");
    let Ok((key, emoji)) = super::routes::reactions::parse_emoji(emoji_text) else {
        return refused("emoji must be a unicode emoji or name:id");
    };
    let mut state = world.lock();
    let Some(chan) = state.channels.get_mut(&cid) else {
        return refused("no such channel");
    };
    let wanted = body["message_id"]
        .as_str()
        .and_then(|m| m.parse::<u64>().ok());
    let Some((mid, msg)) = (match wanted {
        Some(m) => chan.messages.get_mut(&m).map(|msg| (m, msg)),
        None => chan
            .messages
            .iter_mut()
            .next_back()
            .map(|(m, msg)| (*m, msg)),
    }) else {
        return refused("no such message in the channel");
    };
    let entry = msg
        .reactions
        .entry(key)
        .or_insert_with(|| (emoji.clone(), Vec::new()));
    if !entry.1.contains(&uid) {
        entry.1.push(uid);
    }
    drop(state);
    let d = json!({"user_id": uid.to_string(), "channel_id": cid.to_string(), "message_id": mid.to_string(),
        "guild_id": channel["guild_id"], "member": member, "emoji": emoji, "burst": false, "type": 0});
    world.hub.publish("MESSAGE_REACTION_ADD", d.clone());
    (200, d)
}

fn member_join(world: &World, body: &Value) -> (u16, Value) {
    let name = body["username"].as_str().unwrap_or("");
    if !(2..=32).contains(&name.chars().count()) {
        return refused("username must be 2 to 32 characters");
    }
    let uid = world.next_id();
    let user = json!({"id": uid.to_string(), "username": name, "discriminator": "0", "global_name": name,
        "avatar": null, "bot": false, "system": false, "public_flags": 0, "flags": 0});
    let member = json!({"user": user, "nick": null, "avatar": null, "banner": null, "roles": [],
        "joined_at": timestamp_of(uid), "premium_since": null, "deaf": false, "mute": false, "flags": 0,
        "pending": false, "communication_disabled_until": null});
    let mut state = world.lock();
    let gid = body["guild_id"]
        .as_str()
        .and_then(|g| g.parse::<u64>().ok())
        .or_else(|| state.guilds.keys().next().copied());
    let Some(guild) = gid.and_then(|g| state.guilds.get_mut(&g)) else {
        return refused("no such guild");
    };
    guild.members.insert(uid, member.clone());
    state.users.insert(uid, user);
    drop(state);
    let mut d = member;
    d["guild_id"] = json!(gid.map(|g| g.to_string()));
    world.hub.publish("GUILD_MEMBER_ADD", d.clone());
    (200, d)
}
