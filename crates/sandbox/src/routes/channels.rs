//! Channel routes: channels, messages (JSON and multipart), reactions, pins, typing, webhooks
//! and invites. Every write publishes the matching gateway dispatch.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{
    done, error, field_error, id, limit, not_found, ok, query_id, unknown, Ctx, FormErrors, Reply,
};
use crate::state::{now_ms, snowflake, timestamp_of, Channel, Message, State, DISCORD_EPOCH_MS};
use discord_protocol::paging::parse_timestamp;

/// How old a message bulk delete still takes: 14 days, in milliseconds.
const BULK_DELETE_MAX_AGE_MS: u64 = 14 * 24 * 60 * 60 * 1000;

/// Routes under `/channels/{id}`.
pub fn route(ctx: &Ctx, method: &str, seg: &[&str]) -> Reply {
    let channel_id = id(seg.get(1).copied().unwrap_or(""), "Channel")?;
    match (method, &seg[2..]) {
        ("GET", []) => ok(channel(ctx, channel_id)?),
        ("PATCH", []) => modify_channel(ctx, channel_id),
        ("DELETE", []) => delete_channel(ctx, channel_id),
        ("GET", ["messages"]) => list_messages(ctx, channel_id),
        ("POST", ["messages"]) => {
            let author = ctx.world.bot_user();
            let message = create_message(ctx, channel_id, author, None)?;
            ok(message)
        }
        ("POST", ["messages", "bulk-delete"]) => bulk_delete(ctx, channel_id),
        ("GET", ["messages", "pins"]) => list_pins(ctx, channel_id, true),
        ("GET", ["pins"]) => list_pins(ctx, channel_id, false),
        ("PUT", ["pins", m]) | ("PUT", ["messages", "pins", m]) => pin(ctx, channel_id, m, true),
        ("DELETE", ["pins", m]) | ("DELETE", ["messages", "pins", m]) => {
            pin(ctx, channel_id, m, false)
        }
        ("GET", ["messages", m]) => {
            let mid = id(m, "Message")?;
            let state = ctx.world.lock();
            let msg = message_ref(&state, channel_id, mid)?;
            ok(msg.render(ctx.world.bot_id()))
        }
        ("PATCH", ["messages", m]) => edit_message(ctx, channel_id, m),
        ("DELETE", ["messages", m]) => delete_message(ctx, channel_id, m),
        (_, ["messages", m, "reactions", rest @ ..]) => reactions(ctx, method, channel_id, m, rest),
        ("POST", ["typing"]) => typing(ctx, channel_id),
        ("POST", ["webhooks"]) => create_webhook(ctx, channel_id),
        ("GET", ["webhooks"]) => {
            let state = ctx.world.lock();
            guild_of(&state, channel_id)?;
            ok(Value::Array(
                state
                    .webhooks
                    .values()
                    .filter(|w| w["channel_id"] == json!(channel_id.to_string()))
                    .cloned()
                    .collect(),
            ))
        }
        ("POST", ["invites"]) => create_invite(ctx, channel_id),
        ("GET", ["invites"]) => {
            let state = ctx.world.lock();
            guild_of(&state, channel_id)?;
            ok(Value::Array(
                state
                    .invites
                    .values()
                    .filter(|i| i["channel"]["id"] == json!(channel_id.to_string()))
                    .cloned()
                    .collect(),
            ))
        }
        _ => Err(not_found()),
    }
}

fn channel(ctx: &Ctx, channel_id: u64) -> Result<Value, crate::http::Response> {
    ctx.world
        .lock()
        .channels
        .get(&channel_id)
        .map(|c| c.object.clone())
        .ok_or_else(|| unknown("Channel"))
}

/// The channel's guild id (None for DMs); 404 when the channel does not exist.
fn guild_of(state: &State, channel_id: u64) -> Result<Option<String>, crate::http::Response> {
    let c = state
        .channels
        .get(&channel_id)
        .ok_or_else(|| unknown("Channel"))?;
    Ok(c.object["guild_id"].as_str().map(str::to_string))
}

fn channel_mut(state: &mut State, channel_id: u64) -> Result<&mut Channel, crate::http::Response> {
    state
        .channels
        .get_mut(&channel_id)
        .ok_or_else(|| unknown("Channel"))
}

fn message_ref(
    state: &State,
    channel_id: u64,
    mid: u64,
) -> Result<&Message, crate::http::Response> {
    state
        .channels
        .get(&channel_id)
        .ok_or_else(|| unknown("Channel"))?
        .messages
        .get(&mid)
        .ok_or_else(|| unknown("Message"))
}

fn with_guild(mut d: Value, guild_id: &Option<String>) -> Value {
    if let Some(g) = guild_id {
        d["guild_id"] = json!(g);
    }
    d
}

fn modify_channel(ctx: &Ctx, channel_id: u64) -> Reply {
    let mut errors = FormErrors::default();
    if let Some(name) = ctx.body.get("name") {
        errors.string_value(name, "name", 1, 100);
    }
    errors.string(&ctx.body, "topic", 0, 1024);
    errors.result()?;
    let mut state = ctx.world.lock();
    let chan = channel_mut(&mut state, channel_id)?;
    for key in [
        "name",
        "topic",
        "nsfw",
        "position",
        "rate_limit_per_user",
        "parent_id",
        "bitrate",
        "user_limit",
    ] {
        if let Some(v) = ctx.body.get(key) {
            chan.object[key] = v.clone();
        }
    }
    let updated = chan.object.clone();
    drop(state);
    ctx.world.hub.publish("CHANNEL_UPDATE", updated.clone());
    ok(updated)
}

fn delete_channel(ctx: &Ctx, channel_id: u64) -> Reply {
    let removed = ctx
        .world
        .lock()
        .channels
        .remove(&channel_id)
        .ok_or_else(|| unknown("Channel"))?;
    ctx.world
        .hub
        .publish("CHANNEL_DELETE", removed.object.clone());
    ok(removed.object)
}

fn list_messages(ctx: &Ctx, channel_id: u64) -> Reply {
    let limit = limit(ctx, 50, 100)? as usize;
    let before = query_id(ctx, "before")?;
    let after = query_id(ctx, "after")?;
    let around = query_id(ctx, "around")?;
    let state = ctx.world.lock();
    let chan = state
        .channels
        .get(&channel_id)
        .ok_or_else(|| unknown("Channel"))?;
    let me = ctx.world.bot_id();
    let msgs = &chan.messages;
    let picked: Vec<&Message> = if let Some(a) = around {
        let half = limit / 2;
        let mut older: Vec<&Message> = msgs.range(..a).rev().take(half).map(|(_, m)| m).collect();
        let newer: Vec<&Message> = msgs
            .range(a..)
            .take(limit - older.len().min(limit))
            .map(|(_, m)| m)
            .collect();
        let mut all: Vec<&Message> = newer.into_iter().rev().collect();
        all.append(&mut older);
        all.truncate(limit);
        all
    } else if let Some(a) = after {
        let mut v: Vec<&Message> = msgs.range(a + 1..).take(limit).map(|(_, m)| m).collect();
        v.reverse();
        v
    } else {
        let upper = before.unwrap_or(u64::MAX);
        msgs.range(..upper)
            .rev()
            .take(limit)
            .map(|(_, m)| m)
            .collect()
    };
    ok(Value::Array(picked.iter().map(|m| m.render(me)).collect()))
}

/// Creates a message in a channel (for the bot, or a webhook when `webhook_id` is given).
fn create_message(
    ctx: &Ctx,
    channel_id: u64,
    author: Value,
    webhook_id: Option<u64>,
) -> Result<Value, crate::http::Response> {
    let body = &ctx.body;
    let mut errors = FormErrors::default();
    check_message_fields(body, &mut errors);
    errors.result()?;
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    let embeds = body
        .get("embeds")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if ctx.files.len() > 10 {
        return Err(error(400, 50035, "Invalid Form Body"));
    }
    let declared: Vec<Value> = body
        .get("attachments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let attachments = uploads(ctx.world, &ctx.files, &declared, channel_id);
    let has_poll = body.get("poll").is_some_and(|p| !p.is_null());
    let has_stickers = body
        .get("sticker_ids")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    if content.is_empty()
        && embeds.is_empty()
        && attachments.is_empty()
        && !has_poll
        && !has_stickers
    {
        return Err(error(400, 50006, "Cannot send an empty message"));
    }
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let mid = ctx.world.next_id();
    let reference = body
        .get("message_reference")
        .filter(|r| !r.is_null())
        .cloned();
    let mut object = json!({"id": mid.to_string(), "type": if reference.is_some() { 19 } else { 0 },
        "channel_id": channel_id.to_string(), "author": author, "content": content,
        "timestamp": timestamp_of(mid), "edited_timestamp": null, "tts": body.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": attachments, "embeds": embeds,
        "pinned": false, "flags": body.get("flags").and_then(Value::as_u64).unwrap_or(0) & 4100, "components": body.get("components").cloned().unwrap_or(json!([]))});
    if let Some(r) = reference {
        object["message_reference"] = r;
    }
    if let Some(nonce) = body.get("nonce") {
        object["nonce"] = nonce.clone();
    }
    if let Some(w) = webhook_id {
        object["webhook_id"] = json!(w.to_string());
    }
    if let Some(poll) = body.get("poll").filter(|p| !p.is_null()) {
        object["poll"] = poll.clone();
    }
    let chan = channel_mut(&mut state, channel_id)?;
    chan.object["last_message_id"] = json!(mid.to_string());
    chan.messages.insert(
        mid,
        Message {
            object: object.clone(),
            reactions: BTreeMap::new(),
        },
    );
    drop(state);
    ctx.world
        .hub
        .publish("MESSAGE_CREATE", with_guild(object.clone(), &guild_id));
    Ok(object)
}

/// The attachments of a message from its uploaded `files[n]` parts, named as the body's
/// `attachments` entries with the same ids declare, stored on the sandbox's CDN.
pub(super) fn uploads(
    world: &crate::World,
    files: &[crate::multipart::Part],
    declared: &[Value],
    channel_id: u64,
) -> Vec<Value> {
    let mut attachments = Vec::new();
    let mut files: Vec<(usize, &crate::multipart::Part)> = files
        .iter()
        .filter_map(|p| {
            let n = p
                .name
                .strip_prefix("files[")?
                .strip_suffix(']')?
                .parse()
                .ok()?;
            Some((n, p))
        })
        .collect();
    files.sort_by_key(|(n, _)| *n);
    for (n, part) in files {
        let entry = declared
            .iter()
            .find(|a| a["id"] == json!(n) || a["id"] == json!(n.to_string()));
        let filename = entry
            .and_then(|a| a["filename"].as_str())
            .map(str::to_string)
            .or_else(|| part.filename.clone())
            .unwrap_or_else(|| format!("file{n}"));
        let aid = world.next_id();
        let url = world
            .cdn
            .store(channel_id, aid, &filename, part.data.clone());
        attachments.push(json!({"id": aid.to_string(), "filename": filename, "size": part.data.len(),
            "url": url, "proxy_url": url,
            "content_type": part.content_type, "description": entry.and_then(|a| a.get("description")).cloned()}));
    }
    attachments
}

/// Discord's checks on a message body's `content` and `embeds`: types, each embed's field
/// lengths, at most 10 embeds and 6000 characters across them.
pub(super) fn check_message_fields(body: &Value, errors: &mut FormErrors) {
    errors.string(body, "content", 0, 2000);
    let embeds = match body.get("embeds") {
        None | Some(Value::Null) => return,
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.push(
                "embeds",
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType.",
            );
            return;
        }
    };
    if embeds.len() > 10 {
        errors.push(
            "embeds",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 10 or fewer in length.",
        );
        return;
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let at = format!("embeds.{i}");
        match embed {
            Value::Object(_) => {}
            Value::Null => {
                errors.push(
                    &at,
                    "LIST_ITEM_VALUE_REQUIRED",
                    "List item values of ModelType are required",
                );
                continue;
            }
            _ => {
                errors.push(
                    &at,
                    "MODEL_TYPE_CONVERT",
                    "Only dictionaries may be used in a ModelType",
                );
                continue;
            }
        }
        let mut text = |value: Option<&Value>, field: &str, max: usize| {
            if let Some(v) = value.filter(|v| !v.is_null()) {
                errors.string_value(v, &format!("{at}.{field}"), 0, max);
                total += v.as_str().map_or(0, |t| t.chars().count());
            }
        };
        text(embed.get("title"), "title", 256);
        text(embed.get("description"), "description", 4096);
        text(embed.pointer("/footer/text"), "footer.text", 2048);
        text(embed.pointer("/author/name"), "author.name", 256);
        match embed.get("fields") {
            None | Some(Value::Null) => {}
            Some(Value::Array(fields)) if fields.len() > 25 => errors.push(
                &format!("{at}.fields"),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.",
            ),
            Some(Value::Array(fields)) => {
                for (j, field) in fields.iter().enumerate() {
                    text(field.get("name"), &format!("fields.{j}.name"), 256);
                    text(field.get("value"), &format!("fields.{j}.value"), 1024);
                }
            }
            Some(_) => errors.push(
                &format!("{at}.fields"),
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType.",
            ),
        }
    }
    if total > 6000 && errors.is_empty() {
        errors.push(
            "embeds",
            "BASE_TYPE_MAX_LENGTH",
            "Embed size exceeds maximum size of 6000",
        );
    }
}

fn edit_message(ctx: &Ctx, channel_id: u64, m: &str) -> Reply {
    let mid = id(m, "Message")?;
    let mut errors = FormErrors::default();
    check_message_fields(&ctx.body, &mut errors);
    errors.result()?;
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let me = ctx.world.bot_id();
    let chan = channel_mut(&mut state, channel_id)?;
    let msg = chan
        .messages
        .get_mut(&mid)
        .ok_or_else(|| unknown("Message"))?;
    if msg.object["author"]["id"] != json!(me.to_string()) {
        return Err(error(
            403,
            50005,
            "Cannot edit a message authored by another user",
        ));
    }
    for key in ["content", "embeds", "flags", "components", "attachments"] {
        if let Some(v) = ctx.body.get(key) {
            msg.object[key] = v.clone();
        }
    }
    msg.object["edited_timestamp"] = json!(timestamp_of(ctx.world.next_id()));
    let rendered = msg.render(me);
    drop(state);
    ctx.world
        .hub
        .publish("MESSAGE_UPDATE", with_guild(rendered.clone(), &guild_id));
    ok(rendered)
}

fn delete_message(ctx: &Ctx, channel_id: u64, m: &str) -> Reply {
    let mid = id(m, "Message")?;
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let chan = channel_mut(&mut state, channel_id)?;
    chan.messages
        .remove(&mid)
        .ok_or_else(|| unknown("Message"))?;
    chan.pins.retain(|(p, _)| *p != mid);
    drop(state);
    ctx.world.hub.publish(
        "MESSAGE_DELETE",
        with_guild(
            json!({"id": mid.to_string(), "channel_id": channel_id.to_string()}),
            &guild_id,
        ),
    );
    done()
}

/// Bulk delete as Discord checks it: `messages` a list of 2 to 100 snowflakes without
/// repeats, none older than 14 days (50034, judged by the id's time, existing or not). Ids of
/// messages that do not exist count towards the limits and are skipped.
fn bulk_delete(ctx: &Ctx, channel_id: u64) -> Reply {
    let mut errors = FormErrors::default();
    let items = match ctx.body.get("messages") {
        Some(Value::Array(items)) => items.clone(),
        None | Some(Value::Null) => {
            errors.push("messages", "BASE_TYPE_REQUIRED", "This field is required");
            Vec::new()
        }
        Some(_) => {
            errors.push(
                "messages",
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType.",
            );
            Vec::new()
        }
    };
    if errors.is_empty() && !(2..=100).contains(&items.len()) {
        errors.push(
            "messages",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 2 and 100 in length.",
        );
    }
    let mut ids: Vec<u64> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let parsed = match item {
            Value::String(s) => s.parse::<u64>().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        };
        match parsed {
            None => errors.push(
                &format!("messages.{i}"),
                "NUMBER_TYPE_COERCE",
                &format!(
                    "Value \"{}\" is not snowflake.",
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_string)
                ),
            ),
            Some(mid) if ids.contains(&mid) => errors.push(
                &format!("messages.{i}"),
                "SET_TYPE_ALREADY_CONTAINS_VALUE",
                "The set already contains this value.",
            ),
            Some(mid) => ids.push(mid),
        }
    }
    errors.result()?;
    let oldest_allowed = snowflake(now_ms().saturating_sub(BULK_DELETE_MAX_AGE_MS), 0);
    if ids.iter().any(|mid| *mid < oldest_allowed) {
        return Err(error(
            400,
            50034,
            "You can only bulk delete messages that are under 14 days old.",
        ));
    }
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let chan = channel_mut(&mut state, channel_id)?;
    let mut deleted = Vec::new();
    for mid in ids {
        if chan.messages.remove(&mid).is_some() {
            deleted.push(mid.to_string());
        }
    }
    drop(state);
    ctx.world.hub.publish(
        "MESSAGE_DELETE_BULK",
        with_guild(
            json!({"ids": deleted, "channel_id": channel_id.to_string()}),
            &guild_id,
        ),
    );
    done()
}

fn list_pins(ctx: &Ctx, channel_id: u64, new_shape: bool) -> Reply {
    // The new route pages: newest pin first, `before` a pin time, 1 to 50 a page.
    let page = if new_shape { limit(ctx, 50, 50)? } else { 50 } as usize;
    let before = match ctx.req.query("before").filter(|_| new_shape) {
        None => None,
        Some(v) => Some(parse_timestamp(v).ok_or_else(|| {
            field_error(
                "before",
                "DATE_TIME_TYPE_PARSE",
                &format!("Could not parse {v}. Should be ISO8601."),
            )
        })?),
    };
    let state = ctx.world.lock();
    let chan = state
        .channels
        .get(&channel_id)
        .ok_or_else(|| unknown("Channel"))?;
    let me = ctx.world.bot_id();
    let mut pinned = chan
        .pins
        .iter()
        .rev()
        .filter(|(_, at)| before.is_none_or(|b| i128::from(*at) * 1000 < b))
        .filter_map(|(mid, at)| chan.messages.get(mid).map(|m| (m.render(me), *at)));
    if new_shape {
        let items: Vec<Value> = pinned
            .by_ref()
            .take(page)
            .map(|(m, at)| json!({"pinned_at": timestamp_of(snowflake(at, 0)), "message": m}))
            .collect();
        let has_more = pinned.next().is_some();
        ok(json!({"items": items, "has_more": has_more}))
    } else {
        ok(Value::Array(pinned.map(|(m, _)| m).collect()))
    }
}

fn pin(ctx: &Ctx, channel_id: u64, m: &str, pinned: bool) -> Reply {
    let mid = id(m, "Message")?;
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let chan = channel_mut(&mut state, channel_id)?;
    let msg = chan
        .messages
        .get_mut(&mid)
        .ok_or_else(|| unknown("Message"))?;
    msg.object["pinned"] = json!(pinned);
    chan.pins.retain(|(p, _)| *p != mid);
    if pinned {
        if chan.pins.len() >= 50 {
            return Err(error(400, 30003, "Maximum number of pins reached (50)"));
        }
        // Pin times only go up, so `before` a pin's time never skips or repeats one.
        let now = (ctx.world.next_id() >> 22) + DISCORD_EPOCH_MS;
        let at = chan.pins.last().map_or(now, |(_, last)| now.max(last + 1));
        chan.pins.push((mid, at));
    }
    drop(state);
    ctx.world.hub.publish(
        "CHANNEL_PINS_UPDATE",
        with_guild(json!({"channel_id": channel_id.to_string(), "last_pin_timestamp": timestamp_of(ctx.world.next_id())}), &guild_id),
    );
    done()
}

/// An emoji path segment (already percent-decoded once): `name:id` for a custom emoji, the
/// character itself for a unicode one.
pub fn parse_emoji(segment: &str) -> Result<(String, Value), crate::http::Response> {
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

fn reactions(ctx: &Ctx, method: &str, channel_id: u64, m: &str, rest: &[&str]) -> Reply {
    let mid = id(m, "Message")?;
    let me = ctx.world.bot_id();
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let chan = channel_mut(&mut state, channel_id)?;
    let msg = chan
        .messages
        .get_mut(&mid)
        .ok_or_else(|| unknown("Message"))?;
    let base = json!({"channel_id": channel_id.to_string(), "message_id": mid.to_string()});
    let (event, data) = match (method, rest) {
        ("DELETE", []) => {
            msg.reactions.clear();
            ("MESSAGE_REACTION_REMOVE_ALL", base)
        }
        ("GET", [e]) => {
            let (key, _) = parse_emoji(e)?;
            let limit = limit(ctx, 25, 100)? as usize;
            let after = query_id(ctx, "after")?.unwrap_or(0);
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
            return ok(Value::Array(list));
        }
        ("DELETE", [e]) => {
            let (key, emoji) = parse_emoji(e)?;
            msg.reactions.remove(&key);
            let mut d = base;
            d["emoji"] = emoji;
            ("MESSAGE_REACTION_REMOVE_EMOJI", d)
        }
        ("PUT", [e, "@me"]) => {
            let (key, emoji) = parse_emoji(e)?;
            let entry = msg
                .reactions
                .entry(key)
                .or_insert((emoji.clone(), Vec::new()));
            if entry.1.contains(&me) {
                return done();
            }
            entry.1.push(me);
            let mut d = base;
            d["emoji"] = emoji;
            d["user_id"] = json!(me.to_string());
            d["type"] = json!(0);
            d["burst"] = json!(false);
            ("MESSAGE_REACTION_ADD", d)
        }
        ("DELETE", [e, who]) => {
            let (key, emoji) = parse_emoji(e)?;
            let uid = if *who == "@me" { me } else { id(who, "User")? };
            if let Some((_, users)) = msg.reactions.get_mut(&key) {
                users.retain(|u| *u != uid);
                if users.is_empty() {
                    msg.reactions.remove(&key);
                }
            }
            let mut d = base;
            d["emoji"] = emoji;
            d["user_id"] = json!(uid.to_string());
            ("MESSAGE_REACTION_REMOVE", d)
        }
        _ => return Err(not_found()),
    };
    drop(state);
    ctx.world.hub.publish(event, with_guild(data, &guild_id));
    done()
}

fn typing(ctx: &Ctx, channel_id: u64) -> Reply {
    let guild_id = guild_of(&ctx.world.lock(), channel_id)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    ctx.world.hub.publish(
        "TYPING_START",
        with_guild(json!({"channel_id": channel_id.to_string(), "user_id": ctx.world.bot_id().to_string(), "timestamp": now}), &guild_id),
    );
    done()
}

fn create_webhook(ctx: &Ctx, channel_id: u64) -> Reply {
    let name = ctx.str_field("name").unwrap_or("");
    if !(1..=80).contains(&name.chars().count()) {
        return Err(field_error(
            "name",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 80 in length.",
        ));
    }
    let wid = ctx.world.next_id();
    let token: String = (0..68)
        .map(|_| {
            let chars = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            chars[fastrand::usize(..chars.len())] as char
        })
        .collect();
    let bot = ctx.world.bot_user();
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let hook = json!({"id": wid.to_string(), "type": 1, "guild_id": guild_id, "channel_id": channel_id.to_string(),
        "name": name, "avatar": null, "token": token, "application_id": null, "user": bot});
    state.webhooks.insert(wid, hook.clone());
    drop(state);
    ctx.world.hub.publish(
        "WEBHOOKS_UPDATE",
        json!({"guild_id": guild_id, "channel_id": channel_id.to_string()}),
    );
    ok(hook)
}

/// Routes under `/webhooks/{id}[/{token}]`.
pub fn webhooks(ctx: &Ctx, method: &str, seg: &[&str]) -> Reply {
    let wid = id(seg.get(1).copied().unwrap_or(""), "Webhook")?;
    let hook = ctx
        .world
        .lock()
        .webhooks
        .get(&wid)
        .cloned()
        .ok_or_else(|| unknown("Webhook"))?;
    let token_ok = |t: &str| hook["token"] == json!(t);
    match (method, &seg[2..]) {
        ("GET", []) => ok(hook),
        ("GET", [t]) if token_ok(t) => {
            let mut h = hook.clone();
            h.as_object_mut().map(|o| o.remove("user"));
            ok(h)
        }
        ("PATCH", rest @ ([] | [_])) => {
            if let [t] = rest {
                if !token_ok(t) {
                    return Err(unknown("Webhook"));
                }
            }
            // With the webhook's token instead of the bot's, the channel cannot be changed.
            let keys: &[&str] = if rest.is_empty() {
                &["name", "avatar", "channel_id"]
            } else {
                &["name", "avatar"]
            };
            let mut state = ctx.world.lock();
            let h = state
                .webhooks
                .get_mut(&wid)
                .ok_or_else(|| unknown("Webhook"))?;
            for key in keys {
                if let Some(v) = ctx.body.get(*key) {
                    h[*key] = v.clone();
                }
            }
            ok(h.clone())
        }
        ("DELETE", []) => {
            ctx.world.lock().webhooks.remove(&wid);
            done()
        }
        ("DELETE", [t]) if token_ok(t) => {
            ctx.world.lock().webhooks.remove(&wid);
            done()
        }
        ("POST", [t]) if token_ok(t) => {
            let channel_id: u64 = hook["channel_id"]
                .as_str()
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let name = ctx
                .str_field("username")
                .unwrap_or_else(|| hook["name"].as_str().unwrap_or("webhook"));
            let author = json!({"id": wid.to_string(), "username": name, "avatar": null, "discriminator": "0000", "bot": true});
            let message = create_message(ctx, channel_id, author, Some(wid))?;
            if ctx
                .req
                .query("wait")
                .is_some_and(|w| w == "true" || w == "1" || w == "True")
            {
                ok(message)
            } else {
                done()
            }
        }
        (_, [_, ..]) => Err(unknown("Webhook")),
        _ => Err(not_found()),
    }
}

fn create_invite(ctx: &Ctx, channel_id: u64) -> Reply {
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
        .map(|_| {
            let chars = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
            chars[fastrand::usize(..chars.len())] as char
        })
        .collect();
    let invite = json!({"type": 0, "code": code, "guild": {"id": guild_id, "name": guild_name},
        "channel": {"id": chan["id"], "name": chan["name"], "type": chan["type"]},
        "inviter": bot, "uses": 0,
        "max_age": ctx.body.get("max_age").cloned().unwrap_or(json!(86400)),
        "max_uses": ctx.body.get("max_uses").cloned().unwrap_or(json!(0)),
        "temporary": ctx.body.get("temporary").cloned().unwrap_or(json!(false)),
        "created_at": timestamp_of(ctx.world.next_id())});
    state.invites.insert(code.clone(), invite.clone());
    drop(state);
    ctx.world.hub.publish(
        "INVITE_CREATE",
        json!({"channel_id": channel_id.to_string(), "guild_id": guild_id, "code": code, "created_at": invite["created_at"],
               "inviter": invite["inviter"], "max_age": invite["max_age"], "max_uses": invite["max_uses"], "temporary": invite["temporary"], "uses": 0}),
    );
    ok(invite)
}

/// Routes under `/invites/{code}`.
pub fn invites(ctx: &Ctx, method: &str, seg: &[&str]) -> Reply {
    let code = seg.get(1).copied().unwrap_or("");
    match (method, seg.len()) {
        ("GET", 2) => ctx
            .world
            .lock()
            .invites
            .get(code)
            .cloned()
            .map(Ok)
            .unwrap_or_else(|| Err(unknown("Invite")))
            .and_then(ok),
        ("DELETE", 2) => {
            let invite = ctx
                .world
                .lock()
                .invites
                .remove(code)
                .ok_or_else(|| unknown("Invite"))?;
            ctx.world.hub.publish(
                "INVITE_DELETE",
                json!({"channel_id": invite["channel"]["id"], "guild_id": invite["guild"]["id"], "code": code}),
            );
            ok(invite)
        }
        _ => Err(not_found()),
    }
}
