//! Reactions: add the bot's, remove the bot's or another user's, list who reacted, clear one
//! emoji or all. The emoji path segment is percent-decoded exactly once.

use serde_json::{json, Value};

use super::lookup::{channel_mut, guild_of, with_guild};
use super::{done, id, limit, ok, query_id, unknown, Ctx, Handler, Reply};
use crate::http::Response;
use crate::state::Message;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-reactions", get_reactions),
    ("create-reaction", create_reaction),
    ("delete-own-reaction", delete_user_reaction),
    ("delete-user-reaction", delete_user_reaction),
    ("delete-all-reactions", delete_all_reactions),
    (
        "delete-all-reactions-for-emoji",
        delete_all_reactions_for_emoji,
    ),
];

/// An emoji path segment (already percent-decoded once): `name:id` for a custom emoji, the
/// character itself for a unicode one.
pub fn parse_emoji(segment: &str) -> Result<(String, Value), Response> {
    if segment.is_empty() {
        return Err(unknown("Emoji"));
    }
    match segment.split_once(':') {
        Some((name, eid)) => {
            let eid: u64 = eid.parse().map_err(|_| unknown("Emoji"))?;
            Ok((
                format!("{name}:{eid}"),
                json!({"id": eid.to_string(), "name": name}),
            ))
        }
        None => Ok((segment.to_string(), json!({"id": null, "name": segment}))),
    }
}

/// Changes the path's message with `change`, which gets the message and the dispatch's base
/// data and returns the dispatch to publish (if any).
fn change_message(
    ctx: &Ctx,
    change: impl FnOnce(&mut Message, Value) -> Result<Option<(&'static str, Value)>, Response>,
) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let msg = channel_mut(&mut state, channel_id)?
        .messages
        .get_mut(&mid)
        .ok_or_else(|| unknown("Message"))?;
    let base = json!({"channel_id": channel_id.to_string(), "message_id": mid.to_string()});
    let event = change(msg, base)?;
    drop(state);
    if let Some((event, data)) = event {
        ctx.world.hub.publish(event, with_guild(data, &guild_id));
    }
    done()
}

fn get_reactions(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
    let (key, _) = parse_emoji(ctx.param("emoji_name"))?;
    let limit = limit(ctx, 25, 100)? as usize;
    let after = query_id(ctx, "after")?.unwrap_or(0);
    let state = ctx.world.lock();
    let msg = super::lookup::message(&state, channel_id, mid)?;
    let mut users: Vec<u64> = msg
        .reactions
        .get(&key)
        .map(|(_, u)| u.clone())
        .unwrap_or_default();
    users.sort_unstable();
    let list: Vec<Value> = users
        .into_iter()
        .filter(|u| *u > after)
        .take(limit)
        .map(|u| {
            state
                .users
                .get(&u)
                .cloned()
                .unwrap_or(json!({"id": u.to_string()}))
        })
        .collect();
    ok(Value::Array(list))
}

fn create_reaction(ctx: &Ctx) -> Reply {
    let (key, emoji) = parse_emoji(ctx.param("emoji_name"))?;
    let me = ctx.world.bot_id();
    change_message(ctx, |msg, mut d| {
        let entry = msg
            .reactions
            .entry(key)
            .or_insert((emoji.clone(), Vec::new()));
        if entry.1.contains(&me) {
            return Ok(None);
        }
        entry.1.push(me);
        d["emoji"] = emoji;
        d["user_id"] = json!(me.to_string());
        d["type"] = json!(0);
        d["burst"] = json!(false);
        Ok(Some(("MESSAGE_REACTION_ADD", d)))
    })
}

/// Also the bot's own (`@me`, Delete Own Reaction).
fn delete_user_reaction(ctx: &Ctx) -> Reply {
    let (key, emoji) = parse_emoji(ctx.param("emoji_name"))?;
    let uid = match ctx.param("user_id") {
        "" | "@me" => ctx.world.bot_id(),
        other => id(other, "User")?,
    };
    change_message(ctx, |msg, mut d| {
        if let Some((_, users)) = msg.reactions.get_mut(&key) {
            users.retain(|u| *u != uid);
            if users.is_empty() {
                msg.reactions.remove(&key);
            }
        }
        d["emoji"] = emoji;
        d["user_id"] = json!(uid.to_string());
        Ok(Some(("MESSAGE_REACTION_REMOVE", d)))
    })
}

fn delete_all_reactions(ctx: &Ctx) -> Reply {
    change_message(ctx, |msg, d| {
        msg.reactions.clear();
        Ok(Some(("MESSAGE_REACTION_REMOVE_ALL", d)))
    })
}

fn delete_all_reactions_for_emoji(ctx: &Ctx) -> Reply {
    let (key, emoji) = parse_emoji(ctx.param("emoji_name"))?;
    change_message(ctx, |msg, mut d| {
        msg.reactions.remove(&key);
        d["emoji"] = emoji;
        Ok(Some(("MESSAGE_REACTION_REMOVE_EMOJI", d)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::decode;

    #[test]
    fn emoji_segments_are_decoded_exactly_once() {
        let (key, emoji) = parse_emoji(&decode("%F0%9F%91%8D")).unwrap();
        assert_eq!(key, "👍");
        assert_eq!(emoji, json!({"id": null, "name": "👍"}));
        // An escaped percent sign stays escaped after the one decoding.
        assert_eq!(decode("%2541"), "%41");
        let (key, emoji) = parse_emoji(&decode("party%3A123")).unwrap();
        assert_eq!(key, "party:123");
        assert_eq!(emoji, json!({"id": "123", "name": "party"}));
        assert_eq!(parse_emoji("party:x").unwrap_err().status, 404);
        assert_eq!(parse_emoji("").unwrap_err().status, 404);
    }
}
