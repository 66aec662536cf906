//! Messages: list, create (JSON or multipart, replies with `referenced_message`), get, edit,
//! delete, bulk delete, and pins (the paged route and the deprecated one).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{channel, channel_mut, guild_of, message, with_guild};
use super::{
    done, error, field_error, limit, ok, query_id, unknown, Ctx, FormErrors, Handler, Reply,
};
use crate::http::Response;
use crate::multipart::Part;
use crate::state::{now_ms, snowflake, timestamp_of, Message, DISCORD_EPOCH_MS};
use discord_protocol::paging::parse_timestamp;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-channel-messages", get_channel_messages),
    ("create-message", create_message),
    ("get-channel-message", get_channel_message),
    ("edit-message", edit_message),
    ("delete-message", delete_message),
    ("bulk-delete-messages", bulk_delete_messages),
    ("get-channel-pins", get_channel_pins),
    (
        "get-pinned-messages-deprecated",
        get_pinned_messages_deprecated,
    ),
    ("pin-message", pin_message),
    ("pin-message-deprecated", pin_message),
    ("unpin-message", unpin_message),
    ("unpin-message-deprecated", unpin_message),
];

/// How old a message bulk delete still takes: 14 days, in milliseconds.
const BULK_DELETE_MAX_AGE_MS: u64 = 14 * 24 * 60 * 60 * 1000;

/// Message flags a client may set when sending (SUPPRESS_EMBEDS 1<<2, SUPPRESS_NOTIFICATIONS
/// 1<<12).
const SENDABLE_FLAGS: u64 = 4100;

fn get_channel_messages(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let limit = limit(ctx, 50, 100)? as usize;
    let before = query_id(ctx, "before")?;
    let after = query_id(ctx, "after")?;
    let around = query_id(ctx, "around")?;
    let state = ctx.world.lock();
    let chan = channel(&state, channel_id)?;
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

/// Discord's checks on a message body's `content` and `embeds`: types, each embed's field
/// lengths, at most 10 embeds and 6000 characters across them.
pub(crate) fn check_message_fields(body: &Value, errors: &mut FormErrors) {
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
    let total: usize = embeds
        .iter()
        .enumerate()
        .map(|(i, embed)| check_embed(embed, &format!("embeds.{i}"), errors))
        .sum();
    if total > 6000 && errors.is_empty() {
        errors.push(
            "embeds",
            "BASE_TYPE_MAX_LENGTH",
            "Embed size exceeds maximum size of 6000",
        );
    }
}

/// Checks one embed at `at` (`embeds.0`): an object, its texts within Discord's lengths, at
/// most 25 fields. Returns how many characters its texts count towards the 6000 of a message.
fn check_embed(embed: &Value, at: &str, errors: &mut FormErrors) -> usize {
    match embed {
        Value::Object(_) => {}
        Value::Null => {
            let message = "List item values of ModelType are required";
            errors.push(at, "LIST_ITEM_VALUE_REQUIRED", message);
            return 0;
        }
        _ => {
            let message = "Only dictionaries may be used in a ModelType";
            errors.push(at, "MODEL_TYPE_CONVERT", message);
            return 0;
        }
    }
    let mut total = 0;
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
    total
}

/// Bulk delete as Discord checks it: `messages` a list of 2 to 100 snowflakes without
/// repeats, none older than 14 days (50034, judged by the id's time, existing or not). Ids of
/// messages that do not exist count towards the limits and are skipped.
fn bulk_delete_messages(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
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
    let ids = bulk_ids(&items, &mut errors);
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
    let entry = Entry::new(action::MESSAGE_BULK_DELETE, channel_id)
        .options(json!({"count": deleted.len().to_string()}));
    audit::record(ctx, guild_id.as_deref(), entry);
    ctx.world.hub.publish(
        "MESSAGE_DELETE_BULK",
        with_guild(
            json!({"ids": deleted, "channel_id": channel_id.to_string()}),
            &guild_id,
        ),
    );
    done()
}

/// The snowflakes of a bulk delete's `messages`, with an error for each item that is not one
/// or repeats an earlier one.
fn bulk_ids(items: &[Value], errors: &mut FormErrors) -> Vec<u64> {
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
    ids
}

fn get_channel_pins(ctx: &Ctx) -> Reply {
    list_pins(ctx, true)
}

fn get_pinned_messages_deprecated(ctx: &Ctx) -> Reply {
    list_pins(ctx, false)
}

fn pin_message(ctx: &Ctx) -> Reply {
    pin(ctx, true)
}

fn unpin_message(ctx: &Ctx) -> Reply {
    pin(ctx, false)
}

/// Pinned messages, newest pin first: the new route pages them in `items`, the deprecated one
/// answers a plain list.
fn list_pins(ctx: &Ctx, new_shape: bool) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
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
    let chan = channel(&state, channel_id)?;
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

fn pin(ctx: &Ctx, pinned: bool) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
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
    let kind = if pinned {
        action::MESSAGE_PIN
    } else {
        action::MESSAGE_UNPIN
    };
    let options = json!({"channel_id": channel_id.to_string(), "message_id": mid.to_string()});
    audit::record(
        ctx,
        guild_id.as_deref(),
        Entry::new(kind, mid).options(options),
    );
    ctx.world.hub.publish(
        "CHANNEL_PINS_UPDATE",
        with_guild(json!({"channel_id": channel_id.to_string(), "last_pin_timestamp": timestamp_of(ctx.world.next_id())}), &guild_id),
    );
    done()
}

fn create_message(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let author = ctx.world.bot_user();
    ok(post_message(ctx, channel_id, author, None)?)
}

fn get_channel_message(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
    let state = ctx.world.lock();
    ok(message(&state, channel_id, mid)?.render(ctx.world.bot_id()))
}

/// The attachments of a multipart message: each `files[n]` part, named by the body's
/// `attachments` entry with id `n` (else by its filename), in `n` order.
fn attachments(ctx: &Ctx, channel_id: u64) -> Vec<Value> {
    let declared: Vec<Value> = ctx
        .body
        .get("attachments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    uploads(ctx.world, &ctx.files, &declared, channel_id)
}

/// The attachments made from uploaded `files[n]` parts, named as the `declared` attachment
/// entries with the same ids say, stored on the sandbox's CDN (also for interaction replies).
pub(crate) fn uploads(
    world: &crate::World,
    files: &[Part],
    declared: &[Value],
    channel_id: u64,
) -> Vec<Value> {
    let mut files: Vec<(usize, &Part)> = files
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
    let mut attachments = Vec::new();
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

/// A reply's `message_reference` completed as Discord answers it, with the message it
/// replies to for `referenced_message` (Message > Message Reference). A reference to a
/// message that does not exist is a 400, unless `fail_if_not_exists` is false: then the
/// message is sent as a plain one (`None`).
fn reference(
    ctx: &Ctx,
    channel_id: u64,
    guild_id: &Option<String>,
) -> Result<Option<(Value, Option<Value>)>, Response> {
    let Some(r) = ctx.body.get("message_reference").filter(|r| !r.is_null()) else {
        return Ok(None);
    };
    let forward = r["type"] == json!(1);
    let in_channel = r["channel_id"]
        .as_str()
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(channel_id);
    let target = r["message_id"].as_str().and_then(|m| m.parse::<u64>().ok());
    let state = ctx.world.lock();
    let found = target.and_then(|m| message(&state, in_channel, m).ok());
    let Some(found) = found else {
        if r["fail_if_not_exists"] == json!(false) {
            return Ok(None);
        }
        return Err(field_error(
            "message_reference",
            "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
            "Unknown message",
        ));
    };
    let mut referenced = found.render(ctx.world.bot_id());
    if let Some(o) = referenced.as_object_mut() {
        o.remove("referenced_message");
    }
    let completed = json!({"type": if forward { 1 } else { 0 }, "message_id": referenced["id"],
        "channel_id": in_channel.to_string(), "guild_id": guild_id, "fail_if_not_exists": r["fail_if_not_exists"] != json!(false)});
    Ok(Some((completed, (!forward).then_some(referenced))))
}

/// Creates a message in a channel (for the bot, or a webhook when `webhook_id` is given),
/// after Discord's checks on its body.
pub fn post_message(
    ctx: &Ctx,
    channel_id: u64,
    author: Value,
    webhook_id: Option<u64>,
) -> Result<Value, Response> {
    let body = &ctx.body;
    let mut errors = FormErrors::default();
    check_message_fields(body, &mut errors);
    errors.result()?;
    if ctx.files.len() > 10 {
        return Err(error(400, 50035, "Invalid Form Body"));
    }
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    let embeds = body
        .get("embeds")
        .cloned()
        .filter(Value::is_array)
        .unwrap_or(json!([]));
    let attachments = attachments(ctx, channel_id);
    let has_poll = body.get("poll").is_some_and(|p| !p.is_null());
    let has_stickers = body["sticker_ids"]
        .as_array()
        .is_some_and(|s| !s.is_empty());
    let empty_embeds = embeds.as_array().is_none_or(Vec::is_empty);
    if content.is_empty() && empty_embeds && attachments.is_empty() && !has_poll && !has_stickers {
        return Err(error(400, 50006, "Cannot send an empty message"));
    }
    let guild_id = guild_of(&ctx.world.lock(), channel_id)?;
    let reference = reference(ctx, channel_id, &guild_id)?;
    let mid = ctx.world.next_id();
    let reply = reference.as_ref().is_some_and(|(_, m)| m.is_some());
    let flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0) & SENDABLE_FLAGS;
    let mut object = json!({"id": mid.to_string(), "type": if reply { 19 } else { 0 },
        "channel_id": channel_id.to_string(), "author": author, "content": content,
        "timestamp": timestamp_of(mid), "edited_timestamp": null, "tts": body.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": attachments, "embeds": embeds,
        "pinned": false, "flags": flags, "components": body.get("components").cloned().unwrap_or(json!([]))});
    if let Some((r, referenced)) = reference {
        object["message_reference"] = r;
        if let Some(m) = referenced {
            object["referenced_message"] = m;
        }
    }
    for key in ["nonce", "poll"] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            object[key] = v.clone();
        }
    }
    if let Some(w) = webhook_id {
        object["webhook_id"] = json!(w.to_string());
    }
    let mut state = ctx.world.lock();
    let chan = channel_mut(&mut state, channel_id)?;
    chan.object["last_message_id"] = json!(mid.to_string());
    super::threads::count_message(&mut chan.object);
    let stored = Message {
        object: object.clone(),
        reactions: BTreeMap::new(),
    };
    chan.messages.insert(mid, stored);
    drop(state);
    ctx.world
        .hub
        .publish("MESSAGE_CREATE", with_guild(object.clone(), &guild_id));
    Ok(object)
}

fn edit_message(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
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

/// Deleting someone else's message takes MANAGE_MESSAGES and is audited (Channel > Delete
/// Message); the bot's own needs neither.
fn delete_message(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
    let me = ctx.world.bot_id();
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let author = message(&state, channel_id, mid)?.object["author"]["id"].clone();
    let others = author != json!(me.to_string());
    if others {
        let chan = &channel(&state, channel_id)?.object;
        let manage = super::permissions::bit("MANAGE_MESSAGES");
        let bits = super::permissions::in_channel_of(&state, chan, me).unwrap_or(manage);
        if bits & manage == 0 {
            return Err(super::permissions::missing());
        }
    }
    let chan = channel_mut(&mut state, channel_id)?;
    chan.messages.remove(&mid);
    chan.pins.retain(|(p, _)| *p != mid);
    drop(state);
    if others {
        let options = json!({"channel_id": channel_id.to_string(), "count": "1"});
        let entry =
            Entry::new(action::MESSAGE_DELETE, author.as_str().unwrap_or("")).options(options);
        audit::record(ctx, guild_id.as_deref(), entry);
    }
    ctx.world.hub.publish(
        "MESSAGE_DELETE",
        with_guild(
            json!({"id": mid.to_string(), "channel_id": channel_id.to_string()}),
            &guild_id,
        ),
    );
    done()
}
