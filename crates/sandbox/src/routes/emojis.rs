//! Guild emojis: list, get, create (from a data URI image), modify, delete.

use serde_json::{json, Value};

use super::audit::{self, action, Entry};
use super::lookup::guild;
use super::{done, ok, unknown, Ctx, FormErrors, Handler, Reply};
use crate::http::Response;

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("list-guild-emojis", list_guild_emojis),
    ("get-guild-emoji", get_guild_emoji),
    ("create-guild-emoji", create_guild_emoji),
    ("modify-guild-emoji", modify_guild_emoji),
    ("delete-guild-emoji", delete_guild_emoji),
];

/// The largest emoji image Discord takes: 256 KiB (Emoji > Create Guild Emoji), here counted
/// on the data URI's base64 text, which is a third larger than the image.
const MAX_IMAGE_BASE64: usize = 256 * 1024 * 4 / 3 + 4;

fn list_guild_emojis(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let mut state = ctx.world.lock();
    ok(Value::Array(
        guild(&mut state, gid)?.emojis.values().cloned().collect(),
    ))
}

fn get_guild_emoji(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let eid = ctx.id("emoji_id", "Emoji")?;
    let mut state = ctx.world.lock();
    guild(&mut state, gid)?
        .emojis
        .get(&eid)
        .cloned()
        .ok_or_else(|| unknown("Emoji"))
        .and_then(ok)
}

/// Discord's checks on an emoji's `name`: 2 to 32 characters, letters, digits and `_`.
fn check_name(name: Option<&Value>, required: bool, errors: &mut FormErrors) {
    match name.filter(|v| !v.is_null()) {
        None if required => errors.push("name", "BASE_TYPE_REQUIRED", "This field is required"),
        None => {}
        Some(v) => {
            errors.string_value(v, "name", 2, 32);
            let text = v.as_str().unwrap_or("");
            if !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                errors.push(
                    "name",
                    "STRING_TYPE_REGEX",
                    "String value did not match validation regex.",
                );
            }
        }
    }
}

/// The image must be a `data:image/...;base64,` URI of at most 256 KiB; returns whether it is
/// a GIF (an animated emoji).
fn check_image(image: Option<&Value>, errors: &mut FormErrors) -> bool {
    let Some(text) = image.and_then(Value::as_str) else {
        errors.push("image", "BASE_TYPE_REQUIRED", "This field is required");
        return false;
    };
    let data = text
        .strip_prefix("data:image/")
        .and_then(|rest| rest.split_once(";base64,"));
    match data {
        None => errors.push("image", "IMAGE_INVALID", "Invalid image data"),
        Some((_, base64)) if base64.len() > MAX_IMAGE_BASE64 => errors.push(
            "image",
            "BINARY_TYPE_MAX_SIZE",
            "File cannot be larger than 256.0 kb.",
        ),
        Some((kind, _)) => return kind == "gif",
    }
    false
}

fn create_guild_emoji(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let mut errors = FormErrors::default();
    check_name(ctx.body.get("name"), true, &mut errors);
    let animated = check_image(ctx.body.get("image"), &mut errors);
    errors.result()?;
    let eid = ctx.world.next_id();
    let emoji = json!({"id": eid.to_string(), "name": ctx.body["name"],
        "roles": ctx.body.get("roles").cloned().unwrap_or(json!([])), "user": ctx.world.bot_user(),
        "require_colons": true, "managed": false, "animated": animated, "available": true});
    let mut state = ctx.world.lock();
    guild(&mut state, gid)?.emojis.insert(eid, emoji.clone());
    drop(state);
    let entry =
        Entry::new(action::EMOJI_CREATE, eid).change("name", Value::Null, emoji["name"].clone());
    finish(ctx, gid, entry)?;
    Ok(Response::json(201, &emoji))
}

fn modify_guild_emoji(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let eid = ctx.id("emoji_id", "Emoji")?;
    let mut errors = FormErrors::default();
    check_name(ctx.body.get("name"), false, &mut errors);
    errors.result()?;
    let mut state = ctx.world.lock();
    let emoji = guild(&mut state, gid)?
        .emojis
        .get_mut(&eid)
        .ok_or_else(|| unknown("Emoji"))?;
    let mut entry = Entry::new(action::EMOJI_UPDATE, eid);
    for key in ["name", "roles"] {
        if let Some(v) = ctx.body.get(key).filter(|v| !v.is_null()) {
            entry = entry.change(key, emoji[key].clone(), v.clone());
            emoji[key] = v.clone();
        }
    }
    let emoji = emoji.clone();
    drop(state);
    finish(ctx, gid, entry)?;
    ok(emoji)
}

fn delete_guild_emoji(ctx: &Ctx) -> Reply {
    let gid = ctx.id("guild_id", "Guild")?;
    let eid = ctx.id("emoji_id", "Emoji")?;
    let mut state = ctx.world.lock();
    let emoji = guild(&mut state, gid)?
        .emojis
        .remove(&eid)
        .ok_or_else(|| unknown("Emoji"))?;
    drop(state);
    let entry =
        Entry::new(action::EMOJI_DELETE, eid).change("name", emoji["name"].clone(), Value::Null);
    finish(ctx, gid, entry)?;
    done()
}

/// Writes the audit log entry and publishes GUILD_EMOJIS_UPDATE with the guild's emojis now.
fn finish(ctx: &Ctx, gid: u64, entry: Entry) -> Result<(), Response> {
    let gid_s = gid.to_string();
    audit::record(ctx, Some(&gid_s), entry);
    let mut state = ctx.world.lock();
    let emojis: Vec<Value> = guild(&mut state, gid)?.emojis.values().cloned().collect();
    drop(state);
    ctx.world.hub.publish(
        "GUILD_EMOJIS_UPDATE",
        json!({"guild_id": gid_s, "emojis": emojis}),
    );
    Ok(())
}
