//! What an application sends back about an interaction, taking effect as on Discord: the
//! initial response (`POST /interactions/{id}/{token}/callback`, or the body of an HTTP
//! interaction's answer), then the original message and follow-ups through
//! `/webhooks/{application_id}/{token}`. Messages appear in the channel with MESSAGE_CREATE /
//! MESSAGE_UPDATE, except ephemeral ones, which only the invoking user (and these routes) see.
//!
//! Rules from Discord's docs (Receiving and Responding): one initial response per interaction
//! (40060 otherwise), within 3 seconds (10062 Unknown interaction after that); the token then
//! works for 15 minutes for the original message and follow-ups.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{done, error, ok, unknown, Ctx, FormErrors, Handler, Reply};
use crate::apps::Interaction;
use crate::http::Response;
use crate::state::{now_ms, timestamp_of, Message};
use crate::World;

/// The initial response must come within this many milliseconds.
pub const RESPONSE_WINDOW_MS: u64 = 3_000;
/// The interaction token works this long for edits and follow-ups.
pub const TOKEN_LIFETIME_MS: u64 = 15 * 60 * 1000;
/// Message flag EPHEMERAL.
pub const EPHEMERAL: u64 = 1 << 6;
/// Message flag LOADING (a deferred response still "thinking").
const LOADING: u64 = 1 << 7;

/// A message body with its uploaded files as attachment objects, stored under the
/// interaction's channel.
fn with_uploads(ctx: &Ctx, message: &Value, channel: &Value) -> Value {
    if ctx.files.is_empty() {
        return message.clone();
    }
    let declared = message["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let channel_id = channel.as_str().and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut out = message.clone();
    out["attachments"] = Value::Array(super::messages::uploads(
        ctx.world, &ctx.files, &declared, channel_id,
    ));
    out
}

/// This module's operations. The follow-up routes are Discord's webhook routes addressed with
/// the application's id and the interaction's token; `execute-webhook` comes here through
/// [`super::webhooks`] when it addresses the application.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("create-interaction-response", callback),
    ("get-original-interaction-response", get_message),
    ("get-webhook-message", get_message),
    ("edit-original-interaction-response", edit_message),
    ("edit-webhook-message", edit_message),
    ("delete-original-interaction-response", delete_message),
    ("delete-webhook-message", delete_message),
];

/// `POST /interactions/{interaction_id}/{interaction_token}/callback`.
fn callback(ctx: &Ctx) -> Reply {
    let token = ctx.param("interaction_token");
    let iid: u64 = ctx
        .param("interaction_id")
        .parse()
        .map_err(|_| unknown_interaction())?;
    let mut body = ctx.body.clone();
    if !ctx.files.is_empty() {
        let channel = ctx
            .world
            .apps
            .lock()
            .interactions
            .get(&iid)
            .map(|i| i.payload["channel_id"].clone());
        body["data"] = with_uploads(ctx, &body["data"], &channel.unwrap_or(Value::Null));
    }
    let result = apply(ctx.world, iid, Some(token), &body)?;
    if ctx.req.query("with_response") == Some("true") {
        ok(result)
    } else {
        done()
    }
}

fn unknown_interaction() -> Response {
    error(404, 10062, "Unknown interaction")
}

/// Applies an initial response to interaction `iid` (its token checked when given) and
/// returns Discord's interaction callback response object.
pub fn apply(
    world: &World,
    iid: u64,
    token: Option<&str>,
    body: &Value,
) -> Result<Value, Response> {
    let mut state = world.apps.lock();
    let ix = state
        .interactions
        .get_mut(&iid)
        .ok_or_else(unknown_interaction)?;
    if token.is_some_and(|t| t != ix.token) {
        return Err(unknown_interaction());
    }
    if ix.response_type.is_some() {
        return Err(error(
            400,
            40060,
            "Interaction has already been acknowledged.",
        ));
    }
    if now_ms() > ix.created_ms + RESPONSE_WINDOW_MS {
        return Err(unknown_interaction());
    }
    let kind = body["type"].as_u64().unwrap_or(0);
    let interaction_type = ix.payload["type"].as_u64().unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    check_type(kind, interaction_type, &data)?;
    let mut message = None;
    match kind {
        4 | 5 => {
            let flags = data["flags"].as_u64().unwrap_or(0);
            ix.ephemeral = flags & EPHEMERAL != 0;
            let mut m = data.clone();
            if kind == 5 {
                m = json!({"content": "", "flags": flags | LOADING});
            }
            message = Some(post(world, ix, &m));
            ix.original = message.clone();
        }
        7 => {
            // The updated message is the interaction's original from now on.
            message = update_component_message(world, ix, &data)?;
            ix.original = message.clone();
        }
        _ => {}
    }
    ix.response_type = Some(kind);
    ix.response_data = data;
    drop(state);
    world.apps.changed.notify_all();
    let mut resource = json!({"type": kind});
    if let Some(m) = &message {
        resource["message"] = m.clone();
    }
    Ok(
        json!({"interaction": {"id": iid.to_string(), "type": interaction_type, "activity_instance_id": null,
        "response_message_id": message.as_ref().map(|m| m["id"].clone()),
        "response_message_loading": kind == 5, "response_message_ephemeral": message.is_some() && data_ephemeral(body)},
        "resource": resource}),
    )
}

fn data_ephemeral(body: &Value) -> bool {
    body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

/// Which response types fit which interaction types ("Interaction Callback Type"), and that a
/// message response has something in it.
fn check_type(kind: u64, interaction_type: u64, data: &Value) -> Result<(), Response> {
    let fits = match kind {
        1 => interaction_type == 1,
        4 | 5 => matches!(interaction_type, 2 | 3 | 5),
        6 | 7 => matches!(interaction_type, 3 | 5),
        8 => interaction_type == 4,
        9 => matches!(interaction_type, 2 | 3),
        _ => false,
    };
    if !fits {
        return Err(super::field_error("type", "INTERACTION_RESPONSE_TYPE_INVALID", &format!(
            "Interaction response type {kind} is not valid for interaction type {interaction_type}")));
    }
    let mut errors = FormErrors::default();
    match kind {
        4 => check_message(data)?,
        8 if !data["choices"].is_array() => errors.push(
            "data.choices",
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ),
        8 if data["choices"].as_array().is_some_and(|c| c.len() > 25) => errors.push(
            "data.choices",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        ),
        9 => {
            errors.string(data, "custom_id", 1, 100);
            errors.string(data, "title", 1, 45);
            for key in ["custom_id", "title", "components"] {
                if data.get(key).is_none() {
                    errors.push(
                        &format!("data.{key}"),
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    );
                }
            }
        }
        _ => {}
    }
    errors.result()
}

/// Posts an interaction's message as the application: into the channel (with MESSAGE_CREATE)
/// unless ephemeral, where it exists only for the invoking user.
pub fn post(world: &World, ix: &Interaction, data: &Value) -> Value {
    let p = &ix.payload;
    let mid = world.next_id();
    let user = p["member"]["user"]
        .clone()
        .as_object()
        .map(|_| p["member"]["user"].clone())
        .unwrap_or_else(|| p["user"].clone());
    let flags = data["flags"].as_u64().unwrap_or(0) & (EPHEMERAL | LOADING | 4 | 4096);
    let kind = if p["type"] == json!(2) { 20 } else { 0 };
    let object = json!({"id": mid.to_string(), "type": kind, "channel_id": p["channel_id"], "author": world.bot_user(),
        "content": data["content"].as_str().unwrap_or(""), "timestamp": timestamp_of(mid), "edited_timestamp": null,
        "tts": data["tts"].as_bool().unwrap_or(false), "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": data.get("attachments").cloned().unwrap_or(json!([])), "embeds": data.get("embeds").cloned().unwrap_or(json!([])),
        "components": data.get("components").cloned().unwrap_or(json!([])), "pinned": false, "flags": flags,
        "application_id": p["application_id"], "webhook_id": p["application_id"],
        "interaction_metadata": {"id": p["id"], "type": p["type"], "user": user, "authorizing_integration_owners": p["authorizing_integration_owners"]}});
    if flags & EPHEMERAL == 0 {
        publish_new(world, object.clone(), p["guild_id"].as_str(), None);
    }
    object
}

/// Stores a message in its channel and announces it with MESSAGE_CREATE (with the guild id
/// and the author's member object when given); returns the dispatch's data.
pub fn publish_new(
    world: &World,
    object: Value,
    guild_id: Option<&str>,
    member: Option<Value>,
) -> Value {
    let channel_id: u64 = object["channel_id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mid: u64 = object["id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if let Some(chan) = world.lock().channels.get_mut(&channel_id) {
        chan.object["last_message_id"] = json!(mid.to_string());
        chan.messages.insert(
            mid,
            Message {
                object: object.clone(),
                reactions: BTreeMap::new(),
            },
        );
    }
    let mut d = object;
    if let Some(g) = guild_id {
        d["guild_id"] = json!(g);
    }
    if let Some(m) = member {
        d["member"] = m;
    }
    world.hub.publish("MESSAGE_CREATE", d.clone());
    d
}

/// Type 7: edits the message the clicked component is on.
fn update_component_message(
    world: &World,
    ix: &Interaction,
    data: &Value,
) -> Result<Option<Value>, Response> {
    let Some(message) = ix.payload.get("message") else {
        return Ok(None);
    };
    let edited = edit_stored(world, message, data, ix.payload["guild_id"].as_str());
    Ok(Some(edited))
}

/// Applies an edit to a message object; if it is in a channel, there too, with MESSAGE_UPDATE.
fn edit_stored(world: &World, message: &Value, data: &Value, guild_id: Option<&str>) -> Value {
    let mut m = message.clone();
    for key in [
        "content",
        "embeds",
        "components",
        "attachments",
        "allowed_mentions",
    ] {
        if let Some(v) = data.get(key) {
            m[key] = v.clone();
        }
    }
    let flags = m["flags"].as_u64().unwrap_or(0) & !LOADING;
    m["flags"] = json!(flags);
    m["edited_timestamp"] = json!(timestamp_of(world.next_id()));
    if flags & EPHEMERAL != 0 {
        return m;
    }
    let channel_id: u64 = m["channel_id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mid: u64 = m["id"].as_str().and_then(|c| c.parse().ok()).unwrap_or(0);
    if let Some(stored) = world
        .lock()
        .channels
        .get_mut(&channel_id)
        .and_then(|c| c.messages.get_mut(&mid))
    {
        stored.object = m.clone();
    }
    let mut d = m.clone();
    if let Some(g) = guild_id {
        d["guild_id"] = json!(g);
    }
    world.hub.publish("MESSAGE_UPDATE", d);
    m
}

/// Whether `/webhooks/{webhook_id}/{webhook_token}/...` addresses the application
/// (interaction follow-ups) rather than a channel webhook.
pub fn addresses_application(ctx: &Ctx) -> bool {
    ctx.param("webhook_id") == ctx.world.bot_id().to_string()
}

/// Runs `action` on the interaction whose token the follow-up webhook path carries, while its
/// token still works; wakes whoever waits on the application's state afterwards. A channel
/// webhook's messages are not kept by the sandbox, so those paths answer 501.
fn on_interaction(ctx: &Ctx, action: impl FnOnce(&mut Interaction) -> Reply) -> Reply {
    if !addresses_application(ctx) {
        return Err(super::not_implemented(ctx.endpoint));
    }
    let token = ctx.param("webhook_token");
    let mut state = ctx.world.apps.lock();
    let ix = state
        .interactions
        .values_mut()
        .find(|i| i.token == token)
        .ok_or_else(|| unknown("Webhook"))?;
    if now_ms() > ix.created_ms + TOKEN_LIFETIME_MS {
        return Err(error(401, 50027, "Invalid Webhook Token"));
    }
    let result = action(ix);
    drop(state);
    ctx.world.apps.changed.notify_all();
    result
}

/// `POST /webhooks/{application_id}/{token}`: a follow-up message, once there is an initial
/// response.
pub fn followup(ctx: &Ctx) -> Reply {
    on_interaction(ctx, |ix| {
        if ix.response_type.is_none() {
            return Err(unknown("Webhook"));
        }
        let body = with_uploads(ctx, &ctx.body, &ix.payload["channel_id"].clone());
        check_message(&body)?;
        let m = post(ctx.world, ix, &body);
        ix.followups.push(m.clone());
        ok(m)
    })
}

/// The message a follow-up route names: `@original` (the routes without `message_id`) or a
/// follow-up by id.
fn slot<'a>(ctx: &Ctx, ix: &'a mut Interaction) -> Result<&'a mut Value, Response> {
    let found = match ctx.param("message_id") {
        "" => ix.original.as_mut(),
        which => ix.followups.iter_mut().find(|m| m["id"] == json!(which)),
    };
    found.ok_or_else(|| unknown("Message"))
}

fn get_message(ctx: &Ctx) -> Reply {
    on_interaction(ctx, |ix| ok(slot(ctx, ix)?.clone()))
}

fn edit_message(ctx: &Ctx) -> Reply {
    on_interaction(ctx, |ix| {
        slot(ctx, ix)?;
        let guild = ix.payload["guild_id"].as_str().map(str::to_string);
        let body = with_uploads(ctx, &ctx.body, &ix.payload["channel_id"].clone());
        check_message_edit(&body)?;
        let slot = slot(ctx, ix)?;
        *slot = edit_stored(ctx.world, slot, &body, guild.as_deref());
        ok(slot.clone())
    })
}

fn delete_message(ctx: &Ctx) -> Reply {
    on_interaction(ctx, |ix| {
        let guild = ix.payload["guild_id"].as_str().map(str::to_string);
        delete_stored(ctx.world, slot(ctx, ix)?, guild.as_deref());
        done()
    })
}

fn check_message(body: &Value) -> Result<(), Response> {
    let mut errors = FormErrors::default();
    super::messages::check_message_fields(body, &mut errors);
    errors.result()?;
    let empty = ["content", "embeds", "components", "attachments", "poll"]
        .iter()
        .all(|k| {
            body.get(*k)
                .is_none_or(|v| v.is_null() || v == "" || v == &json!([]))
        });
    if empty {
        return Err(error(400, 50006, "Cannot send an empty message"));
    }
    Ok(())
}

fn check_message_edit(body: &Value) -> Result<(), Response> {
    let mut errors = FormErrors::default();
    super::messages::check_message_fields(body, &mut errors);
    errors.result()
}

fn delete_stored(world: &World, message: &mut Value, guild_id: Option<&str>) {
    let channel_id: u64 = message["channel_id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mid: u64 = message["id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let removed = world
        .lock()
        .channels
        .get_mut(&channel_id)
        .and_then(|c| c.messages.remove(&mid));
    if removed.is_some() {
        let mut d = json!({"id": mid.to_string(), "channel_id": channel_id.to_string()});
        if let Some(g) = guild_id {
            d["guild_id"] = json!(g);
        }
        world.hub.publish("MESSAGE_DELETE", d);
    }
    message["deleted"] = json!(true);
}
