//! Threads: start one from a message or on its own, list the guild's active threads and a
//! channel's archived ones (public, private, private the bot joined), and thread members
//! (join, leave, add, remove, get, list). Archiving and locking are channel modifications
//! ([`modify_metadata`]).

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{channel, channel_mut, guild_exists, id_str};
use super::{done, error, field_error, limit, ok, query_id, unknown, Ctx, Handler, Reply};
use crate::http::Response;
use crate::state::{timestamp_of, Channel, State};
use discord_protocol::paging::parse_timestamp;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("start-thread-from-message", start_thread_from_message),
    ("start-thread-without-message", start_thread_without_message),
    ("list-active-guild-threads", list_active_guild_threads),
    ("list-public-archived-threads", list_public_archived_threads),
    (
        "list-private-archived-threads",
        list_private_archived_threads,
    ),
    (
        "list-joined-private-archived-threads",
        list_joined_private_archived_threads,
    ),
    ("join-thread", join_thread),
    ("leave-thread", leave_thread),
    ("add-thread-member", add_thread_member),
    ("remove-thread-member", remove_thread_member),
    ("get-thread-member", get_thread_member),
    ("list-thread-members", list_thread_members),
];

/// Channel types of threads: announcement, public, private (Channel > Channel Types).
const THREAD_TYPES: [u64; 3] = [10, 11, 12];
/// A private thread's type.
const PRIVATE_THREAD: u64 = 12;
/// The message flag HAS_THREAD (1 << 5).
const HAS_THREAD: u64 = 32;
/// Auto-archive durations Discord accepts, in minutes.
const ARCHIVE_DURATIONS: [u64; 4] = [60, 1440, 4320, 10080];

/// Whether a channel object is a thread.
pub fn is_thread(channel: &Value) -> bool {
    channel["type"]
        .as_u64()
        .is_some_and(|t| THREAD_TYPES.contains(&t))
}

/// Counts a message sent in a thread (`message_count`, `total_message_sent`).
pub fn count_message(channel: &mut Value) {
    if is_thread(channel) {
        for key in ["message_count", "total_message_sent"] {
            channel[key] = json!(channel[key].as_u64().unwrap_or(0) + 1);
        }
    }
}

/// Applies a modify-channel body's thread fields (`archived`, `locked`,
/// `auto_archive_duration`, `invitable`) to a thread's `thread_metadata`; archiving or
/// unarchiving sets `archive_timestamp` to now.
pub fn modify_metadata(ctx: &Ctx, thread: &mut Value, mut entry: Entry) -> Entry {
    let meta = &mut thread["thread_metadata"];
    for key in ["archived", "locked", "auto_archive_duration", "invitable"] {
        if let Some(v) = ctx.body.get(key).filter(|v| !v.is_null()) {
            entry = entry.change(key, meta[key].clone(), v.clone());
            if key == "archived" && meta[key] != *v {
                meta["archive_timestamp"] = json!(timestamp_of(ctx.world.next_id()));
            }
            meta[key] = v.clone();
        }
    }
    entry
}

/// A thread's `name` (1 to 100 characters, required) and `auto_archive_duration`.
fn name_and_duration(ctx: &Ctx) -> Result<(String, u64), Response> {
    let name = ctx.str_field("name").unwrap_or("");
    if !(1..=100).contains(&name.chars().count()) {
        return Err(field_error(
            "name",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        ));
    }
    let duration = ctx.body["auto_archive_duration"].as_u64().unwrap_or(4320);
    if !ARCHIVE_DURATIONS.contains(&duration) {
        return Err(field_error(
            "auto_archive_duration",
            "BASE_TYPE_CHOICES",
            "Value must be one of {60, 1440, 4320, 10080}.",
        ));
    }
    Ok((name.to_string(), duration))
}

/// A new thread in `parent` (which must be a guild text or announcement channel), with the
/// bot as its owner and first member; stored, published and audited. Returns it.
fn create_thread(ctx: &Ctx, id: u64, kind: u64, parent: u64) -> Result<Value, Response> {
    let (name, duration) = name_and_duration(ctx)?;
    let me = ctx.world.bot_id();
    let now = timestamp_of(ctx.world.next_id());
    let mut state = ctx.world.lock();
    let parent_object = &channel(&state, parent)?.object;
    if !matches!(parent_object["type"].as_u64(), Some(0 | 5)) {
        return Err(error(
            400,
            50024,
            "Cannot execute action on this channel type",
        ));
    }
    if state.channels.contains_key(&id) {
        return Err(error(
            400,
            160004,
            "A thread has already been created for this message",
        ));
    }
    let guild_id = parent_object["guild_id"].clone();
    let mut metadata = json!({"archived": false, "auto_archive_duration": duration,
        "archive_timestamp": now, "locked": false, "create_timestamp": now});
    if kind == PRIVATE_THREAD {
        metadata["invitable"] = json!(ctx.body["invitable"].as_bool().unwrap_or(true));
    }
    let rate = ctx.body["rate_limit_per_user"].as_u64().unwrap_or(0);
    let mut thread = json!({"id": id.to_string(), "type": kind, "guild_id": guild_id,
        "parent_id": parent.to_string(), "owner_id": me.to_string(), "name": name,
        "last_message_id": null, "rate_limit_per_user": rate, "message_count": 0,
        "member_count": 1, "total_message_sent": 0, "flags": 0, "thread_metadata": metadata});
    let mut stored = Channel {
        object: thread.clone(),
        ..Channel::default()
    };
    stored.members.insert(me, thread_member(id, me, &now));
    state.channels.insert(id, stored);
    drop(state);
    let entry = Entry::new(action::THREAD_CREATE, id).change("name", Value::Null, json!(name));
    audit::record(ctx, guild_id.as_str(), entry);
    thread["member"] = thread_member(id, me, &now);
    let mut d = thread.clone();
    d["newly_created"] = json!(true);
    ctx.world.hub.publish("THREAD_CREATE", d);
    Ok(thread)
}

/// The thread's id is the message's, and the message then carries the thread.
fn start_thread_from_message(ctx: &Ctx) -> Reply {
    let parent = ctx.id("channel_id", "Channel")?;
    let mid = ctx.id("message_id", "Message")?;
    let parent_type = {
        let state = ctx.world.lock();
        super::lookup::message(&state, parent, mid)?;
        channel(&state, parent)?.object["type"].as_u64()
    };
    let kind = if parent_type == Some(5) { 10 } else { 11 };
    let thread = create_thread(ctx, mid, kind, parent)?;
    let mut state = ctx.world.lock();
    if let Some(m) = channel_mut(&mut state, parent)?.messages.get_mut(&mid) {
        m.object["thread"] = thread.clone();
        m.object["flags"] = json!(m.object["flags"].as_u64().unwrap_or(0) | HAS_THREAD);
    }
    Ok(Response::json(201, &thread))
}

/// `type` defaults to a private thread, as Discord documents for API v10.
fn start_thread_without_message(ctx: &Ctx) -> Reply {
    let parent = ctx.id("channel_id", "Channel")?;
    let kind = ctx.body["type"]
        .as_u64()
        .or_else(|| ctx.body["type"].as_str().and_then(|t| t.parse().ok()))
        .unwrap_or(PRIVATE_THREAD);
    if !THREAD_TYPES.contains(&kind) {
        return Err(field_error(
            "type",
            "BASE_TYPE_CHOICES",
            "Value must be one of {10, 11, 12}.",
        ));
    }
    let id = ctx.world.next_id();
    let thread = create_thread(ctx, id, kind, parent)?;
    Ok(Response::json(201, &thread))
}

/// A thread member object.
fn thread_member(thread: u64, user: u64, joined: &str) -> Value {
    json!({"id": thread.to_string(), "user_id": user.to_string(), "join_timestamp": joined, "flags": 0})
}

/// The bot's thread member objects for these threads.
fn my_memberships(state: &State, threads: &[Value], me: u64) -> Vec<Value> {
    threads
        .iter()
        .filter_map(|t| t["id"].as_str()?.parse::<u64>().ok())
        .filter_map(|id| state.channels.get(&id)?.members.get(&me).cloned())
        .collect()
}

fn list_active_guild_threads(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let state = ctx.world.lock();
    guild_exists(&state, gid)?;
    let threads: Vec<Value> = state
        .channels
        .values()
        .map(|c| &c.object)
        .filter(|c| is_thread(c) && c["guild_id"] == id_str(gid))
        .filter(|c| c["thread_metadata"]["archived"] != json!(true))
        .cloned()
        .collect();
    let members = my_memberships(&state, &threads, ctx.world.bot_id());
    ok(json!({"threads": threads, "members": members}))
}

fn list_public_archived_threads(ctx: &Ctx) -> Reply {
    archived(ctx, |t| t["type"] != json!(PRIVATE_THREAD))
}

fn list_private_archived_threads(ctx: &Ctx) -> Reply {
    archived(ctx, |t| t["type"] == json!(PRIVATE_THREAD))
}

/// A channel's archived threads that `which` keeps, newest archived first; `before` is an
/// ISO8601 timestamp, `limit` 2 to 100 (default 50); `has_more` says whether more are older.
fn archived(ctx: &Ctx, which: impl Fn(&Value) -> bool) -> Reply {
    let parent = ctx.id("channel_id", "Channel")?;
    let before = match ctx.req.query("before") {
        None => None,
        Some(v) => Some(parse_timestamp(v).ok_or_else(|| {
            field_error(
                "before",
                "DATE_TIME_TYPE_PARSE",
                &format!("Could not parse {v}. Should be ISO8601."),
            )
        })?),
    };
    let limit = limit(ctx, 50, 100)?.max(2) as usize;
    let state = ctx.world.lock();
    channel(&state, parent)?;
    let archived_at = |t: &Value| {
        t["thread_metadata"]["archive_timestamp"]
            .as_str()
            .and_then(parse_timestamp)
            .unwrap_or(0)
    };
    let mut threads: Vec<&Value> = state
        .channels
        .values()
        .map(|c| &c.object)
        .filter(|t| is_thread(t) && t["parent_id"] == id_str(parent))
        .filter(|t| t["thread_metadata"]["archived"] == json!(true) && which(t))
        .filter(|t| before.is_none_or(|b| archived_at(t) < b))
        .collect();
    threads.sort_by_key(|t| std::cmp::Reverse(archived_at(t)));
    page(&state, threads, limit, ctx.world.bot_id())
}

/// One page of threads with the bot's memberships and `has_more`.
fn page(state: &State, threads: Vec<&Value>, limit: usize, me: u64) -> Reply {
    let has_more = threads.len() > limit;
    let threads: Vec<Value> = threads.into_iter().take(limit).cloned().collect();
    let members = my_memberships(state, &threads, me);
    ok(json!({"threads": threads, "members": members, "has_more": has_more}))
}

/// Archived private threads the bot is a member of, newest id first; `before` is a thread id.
fn list_joined_private_archived_threads(ctx: &Ctx) -> Reply {
    let parent = ctx.id("channel_id", "Channel")?;
    let before = query_id(ctx, "before")?.unwrap_or(u64::MAX);
    let limit = limit(ctx, 50, 100)?.max(2) as usize;
    let me = ctx.world.bot_id();
    let state = ctx.world.lock();
    channel(&state, parent)?;
    let threads: Vec<&Value> = state
        .channels
        .range(..before)
        .rev()
        .filter(|(_, c)| c.members.contains_key(&me))
        .map(|(_, c)| &c.object)
        .filter(|t| t["type"] == json!(PRIVATE_THREAD) && t["parent_id"] == id_str(parent))
        .filter(|t| t["thread_metadata"]["archived"] == json!(true))
        .collect();
    page(&state, threads, limit, me)
}

fn join_thread(ctx: &Ctx) -> Reply {
    set_member(ctx, ctx.world.bot_id(), true)
}

fn leave_thread(ctx: &Ctx) -> Reply {
    set_member(ctx, ctx.world.bot_id(), false)
}

fn add_thread_member(ctx: &Ctx) -> Reply {
    let uid = ctx.user_or_me("user_id", "Member")?;
    set_member(ctx, uid, true)
}

fn remove_thread_member(ctx: &Ctx) -> Reply {
    let uid = ctx.user_or_me("user_id", "Member")?;
    set_member(ctx, uid, false)
}

/// The path's channel, which must be a thread (50024 otherwise).
fn thread_mut(state: &mut State, id: u64) -> Result<&mut Channel, Response> {
    let thread = channel_mut(state, id)?;
    if !is_thread(&thread.object) {
        return Err(error(
            400,
            50024,
            "Cannot execute action on this channel type",
        ));
    }
    Ok(thread)
}

/// Adds or removes one thread member (who must be a member of the guild) and publishes
/// THREAD_MEMBERS_UPDATE; 204 either way, as Discord answers.
fn set_member(ctx: &Ctx, uid: u64, join: bool) -> Reply {
    let tid = ctx.id("channel_id", "Channel")?;
    let joined = timestamp_of(ctx.world.next_id());
    let mut state = ctx.world.lock();
    let guild_id = channel(&state, tid)?.object["guild_id"].clone();
    let gid = guild_id
        .as_str()
        .and_then(|g| g.parse::<u64>().ok())
        .unwrap_or(0);
    let member = state
        .guilds
        .get(&gid)
        .and_then(|g| g.members.get(&uid))
        .cloned();
    if join && member.is_none() {
        return Err(unknown("Member"));
    }
    let thread = thread_mut(&mut state, tid)?;
    let changed = if join {
        let new = !thread.members.contains_key(&uid);
        thread
            .members
            .entry(uid)
            .or_insert_with(|| thread_member(tid, uid, &joined));
        new
    } else {
        thread.members.remove(&uid).is_some()
    };
    thread.object["member_count"] = json!(thread.members.len());
    let count = thread.members.len();
    drop(state);
    if changed {
        let mut d = json!({"id": tid.to_string(), "guild_id": guild_id, "member_count": count});
        if join {
            let mut m = thread_member(tid, uid, &joined);
            m["member"] = member.unwrap_or(Value::Null);
            d["added_members"] = json!([m]);
        } else {
            d["removed_member_ids"] = json!([uid.to_string()]);
        }
        ctx.world.hub.publish("THREAD_MEMBERS_UPDATE", d);
    }
    done()
}

/// A thread member, with the guild member under `member` when `with_member=true`.
fn render_member(state: &State, gid: u64, m: &Value, with_member: bool) -> Value {
    let mut m = m.clone();
    if with_member {
        let uid = m["user_id"]
            .as_str()
            .and_then(|u| u.parse::<u64>().ok())
            .unwrap_or(0);
        m["member"] = state
            .guilds
            .get(&gid)
            .and_then(|g| g.members.get(&uid))
            .cloned()
            .unwrap_or(Value::Null);
    }
    m
}

fn get_thread_member(ctx: &Ctx) -> Reply {
    let tid = ctx.id("channel_id", "Channel")?;
    let uid = ctx.user_or_me("user_id", "Member")?;
    let with_member = ctx.req.query("with_member") == Some("true");
    let mut state = ctx.world.lock();
    let thread = thread_mut(&mut state, tid)?;
    let m = thread
        .members
        .get(&uid)
        .cloned()
        .ok_or_else(|| unknown("Member"))?;
    let gid = thread.object["guild_id"]
        .as_str()
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    ok(render_member(&state, gid, &m, with_member))
}

/// By user id; `after` a user id, `limit` 1 to 100 (default 100).
fn list_thread_members(ctx: &Ctx) -> Reply {
    let tid = ctx.id("channel_id", "Channel")?;
    let with_member = ctx.req.query("with_member") == Some("true");
    let after = query_id(ctx, "after")?.unwrap_or(0);
    let limit = limit(ctx, 100, 100)? as usize;
    let mut state = ctx.world.lock();
    let thread = thread_mut(&mut state, tid)?;
    let gid = thread.object["guild_id"]
        .as_str()
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    let members: Vec<Value> = thread
        .members
        .range(after + 1..)
        .take(limit)
        .map(|(_, m)| m.clone())
        .collect();
    let list = members
        .iter()
        .map(|m| render_member(&state, gid, m, with_member))
        .collect();
    ok(Value::Array(list))
}
