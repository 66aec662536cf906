//! Webhooks: create and list (per channel, per guild); get, modify and delete with the bot's
//! token or with the webhook's own; execute with its token (`?wait=true` for the message).

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::{guild_exists, guild_of};
use super::{done, field_error, ok, unknown, Ctx, Handler, Reply};
use crate::http::Response;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("create-webhook", create_webhook),
    ("get-channel-webhooks", get_channel_webhooks),
    ("get-guild-webhooks", get_guild_webhooks),
    ("get-webhook", get_webhook),
    ("get-webhook-with-token", get_webhook_with_token),
    ("modify-webhook", modify_webhook),
    ("modify-webhook-with-token", modify_webhook),
    ("delete-webhook", delete_webhook),
    ("delete-webhook-with-token", delete_webhook),
    ("execute-webhook", execute_webhook),
];

/// Characters of a webhook token.
const TOKEN_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn create_webhook(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
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
        .map(|_| TOKEN_CHARS[fastrand::usize(..TOKEN_CHARS.len())] as char)
        .collect();
    let bot = ctx.world.bot_user();
    let mut state = ctx.world.lock();
    let guild_id = guild_of(&state, channel_id)?;
    let hook = json!({"id": wid.to_string(), "type": 1, "guild_id": guild_id, "channel_id": channel_id.to_string(),
        "name": name, "avatar": null, "token": token, "application_id": null, "user": bot});
    state.webhooks.insert(wid, hook.clone());
    drop(state);
    let entry = Entry::new(action::WEBHOOK_CREATE, wid).change("name", Value::Null, json!(name));
    audit::record(ctx, guild_id.as_deref(), entry);
    ctx.world.hub.publish(
        "WEBHOOKS_UPDATE",
        json!({"guild_id": guild_id, "channel_id": channel_id.to_string()}),
    );
    ok(hook)
}

fn get_channel_webhooks(ctx: &Ctx) -> Reply {
    let channel_id = ctx.id("channel_id", "Channel")?;
    let state = ctx.world.lock();
    guild_of(&state, channel_id)?;
    let key = json!(channel_id.to_string());
    ok(Value::Array(
        state
            .webhooks
            .values()
            .filter(|w| w["channel_id"] == key)
            .cloned()
            .collect(),
    ))
}

fn get_guild_webhooks(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let state = ctx.world.lock();
    guild_exists(&state, gid)?;
    let key = json!(gid.to_string());
    ok(Value::Array(
        state
            .webhooks
            .values()
            .filter(|w| w["guild_id"] == key)
            .cloned()
            .collect(),
    ))
}

/// The path's webhook; when the path carries a token it must be the webhook's (else, as on
/// Discord, the webhook is unknown).
fn webhook(ctx: &Ctx) -> Result<(u64, Value), Response> {
    let wid = ctx.id("webhook_id", "Webhook")?;
    let hook = ctx
        .world
        .lock()
        .webhooks
        .get(&wid)
        .cloned()
        .ok_or_else(|| unknown("Webhook"))?;
    let with_token = ctx.endpoint.path_params.len() > 1;
    if with_token && hook["token"] != json!(ctx.param("webhook_token")) {
        return Err(unknown("Webhook"));
    }
    Ok((wid, hook))
}

fn get_webhook(ctx: &Ctx) -> Reply {
    ok(webhook(ctx)?.1)
}

/// With its token, a webhook is answered without the `user` who made it.
fn get_webhook_with_token(ctx: &Ctx) -> Reply {
    let mut hook = webhook(ctx)?.1;
    if let Some(o) = hook.as_object_mut() {
        o.remove("user");
    }
    ok(hook)
}

fn modify_webhook(ctx: &Ctx) -> Reply {
    let (wid, before) = webhook(ctx)?;
    // With the webhook's token instead of the bot's, the channel cannot be changed.
    let keys: &[&str] = if ctx.endpoint.path_params.len() > 1 {
        &["name", "avatar"]
    } else {
        &["name", "avatar", "channel_id"]
    };
    let mut state = ctx.world.lock();
    let h = state
        .webhooks
        .get_mut(&wid)
        .ok_or_else(|| unknown("Webhook"))?;
    let mut entry = Entry::new(action::WEBHOOK_UPDATE, wid);
    for key in keys {
        if let Some(v) = ctx.body.get(*key) {
            entry = entry.change(key, h[*key].clone(), v.clone());
            h[*key] = v.clone();
        }
    }
    let hook = h.clone();
    drop(state);
    audit::record(ctx, before["guild_id"].as_str(), entry);
    ok(hook)
}

fn delete_webhook(ctx: &Ctx) -> Reply {
    let (wid, hook) = webhook(ctx)?;
    ctx.world.lock().webhooks.remove(&wid);
    let entry =
        Entry::new(action::WEBHOOK_DELETE, wid).change("name", hook["name"].clone(), Value::Null);
    audit::record(ctx, hook["guild_id"].as_str(), entry);
    done()
}

fn execute_webhook(ctx: &Ctx) -> Reply {
    if super::interactions::addresses_application(ctx) {
        return super::interactions::followup(ctx);
    }
    let (wid, hook) = webhook(ctx)?;
    let channel_id: u64 = hook["channel_id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let name = ctx
        .str_field("username")
        .unwrap_or_else(|| hook["name"].as_str().unwrap_or("webhook"));
    let author = json!({"id": wid.to_string(), "username": name, "avatar": null, "discriminator": "0000", "bot": true});
    let message = super::messages::post_message(ctx, channel_id, author, Some(wid))?;
    let wait = ctx
        .req
        .query("wait")
        .is_some_and(|w| w == "true" || w == "1" || w == "True");
    if wait {
        ok(message)
    } else {
        done()
    }
}
