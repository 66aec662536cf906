//! Direct messages: `POST /users/@me/channels` opens the DM channel with a user, or answers the
//! one already open, as Discord does.

use serde_json::{json, Value};

use super::{field_error, unknown, Ctx, Reply};
use crate::http::Response;
use crate::state::Channel;

/// Channel type DM (Discord's docs: Channel Types, `DM = 1`).
const DM: u64 = 1;

/// Opens (or finds) the DM channel with the body's `recipient_id`.
pub fn open(ctx: &Ctx) -> Reply {
    let Some(recipient) = ctx.str_field("recipient_id") else {
        return Err(field_error(
            "recipient_id",
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    };
    let uid: u64 = recipient.parse().map_err(|_| unknown("User"))?;
    let world = ctx.world;
    let cid = world.next_id();
    let mut state = world.lock();
    let user = state
        .users
        .get(&uid)
        .cloned()
        .ok_or_else(|| unknown("User"))?;
    let existing = state.channels.values().find(|c| {
        c.object["type"] == DM && c.object["recipients"][0]["id"] == Value::String(recipient.into())
    });
    if let Some(channel) = existing {
        return Ok(Response::json(200, &channel.object));
    }
    let object = json!({"id": cid.to_string(), "type": DM, "last_message_id": null,
        "flags": 0, "recipients": [user]});
    state.channels.insert(
        cid,
        Channel {
            object: object.clone(),
            messages: Default::default(),
            pins: Vec::new(),
        },
    );
    Ok(Response::json(200, &object))
}
