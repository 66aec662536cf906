//! Finding things in the world's state for a handler: a guild, a channel, a message, with
//! Discord's `Unknown ...` 404 when the id names nothing.

use serde_json::{json, Value};

use super::reply::unknown;
use crate::http::Response;
use crate::state::{Channel, Guild, Message, State};

/// A guild, mutably.
pub fn guild(state: &mut State, gid: u64) -> Result<&mut Guild, Response> {
    state.guilds.get_mut(&gid).ok_or_else(|| unknown("Guild"))
}

/// 404 unless the guild exists.
pub fn guild_exists(state: &State, gid: u64) -> Result<(), Response> {
    if state.guilds.contains_key(&gid) {
        Ok(())
    } else {
        Err(unknown("Guild"))
    }
}

/// The channel's guild id (None for DMs); 404 when the channel does not exist.
pub fn guild_of(state: &State, channel_id: u64) -> Result<Option<String>, Response> {
    let c = state
        .channels
        .get(&channel_id)
        .ok_or_else(|| unknown("Channel"))?;
    Ok(c.object["guild_id"].as_str().map(str::to_string))
}

/// A channel.
pub fn channel(state: &State, channel_id: u64) -> Result<&Channel, Response> {
    state
        .channels
        .get(&channel_id)
        .ok_or_else(|| unknown("Channel"))
}

/// A channel, mutably.
pub fn channel_mut(state: &mut State, channel_id: u64) -> Result<&mut Channel, Response> {
    state
        .channels
        .get_mut(&channel_id)
        .ok_or_else(|| unknown("Channel"))
}

/// A message of a channel.
pub fn message(state: &State, channel_id: u64, mid: u64) -> Result<&Message, Response> {
    channel(state, channel_id)?
        .messages
        .get(&mid)
        .ok_or_else(|| unknown("Message"))
}

/// A user.
pub fn user(state: &State, uid: u64) -> Result<Value, Response> {
    state
        .users
        .get(&uid)
        .cloned()
        .ok_or_else(|| unknown("User"))
}

/// A dispatch's data with `guild_id` added for guild channels.
pub fn with_guild(mut d: Value, guild_id: &Option<String>) -> Value {
    if let Some(g) = guild_id {
        d["guild_id"] = json!(g);
    }
    d
}

/// Snowflake strings, as Discord writes ids in JSON.
pub fn id_str(id: u64) -> Value {
    json!(id.to_string())
}
