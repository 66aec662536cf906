//! The admin routes under `/_sandbox/` (no auth): fault injection, the request log, seeded
//! messages, the list of implemented operations, and the gateway's own admin routes.

use serde_json::{json, Value};

use super::reply::{error, not_found};
use crate::faults::Fault;
use crate::http::{Request, Response};
use crate::state::World;

/// Answers `/_sandbox{path}`.
pub fn admin(world: &World, req: &Request, path: &str) -> Response {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    match (req.method.as_str(), path) {
        ("POST", "/faults") => match serde_json::from_value::<Fault>(body) {
            Ok(fault) => {
                let id = world.faults.add(fault);
                Response::json(200, &json!({"id": id, "ok": true}))
            }
            Err(e) => error(400, 0, &format!("bad fault: {e}")),
        },
        ("DELETE", "/faults") => {
            let cleared = world.faults.clear();
            Response::json(200, &json!({ "cleared": cleared }))
        }
        ("GET", "/requests") => Response::json(200, &Value::Array(world.faults.log())),
        ("DELETE", "/requests") => {
            world.faults.clear_log();
            Response::no_content()
        }
        ("POST", "/seed-messages") => seed_messages(world, &body),
        ("GET", "/operations") => Response::json(200, &operations()),
        ("POST", "/trigger") => {
            let (status, value) = crate::trigger::trigger(world, &body);
            Response::json(status, &value)
        }
        ("POST", "/invoke") => {
            let (status, value) = crate::interactions::invoke(world, &body);
            Response::json(status, &value)
        }
        ("POST", "/cdn") => match body.get("ttl_seconds").and_then(Value::as_u64) {
            Some(ttl) => {
                world.cdn.set_ttl(ttl);
                Response::json(200, &json!({ "ttl_seconds": ttl }))
            }
            None => error(400, 0, "/_sandbox/cdn needs {\"ttl_seconds\": N}"),
        },
        (method, p) if p.starts_with("/gateway") => {
            let (status, value) =
                crate::gateway::admin(world, method, &format!("/_sandbox{p}"), &body);
            Response::json(status, &value)
        }
        _ => not_found(),
    }
}

/// Adds `count` bot-authored messages to a channel without publishing events, so exports of
/// many pages can be benchmarked without as many POSTs.
fn seed_messages(world: &World, body: &Value) -> Response {
    let channel = body["channel_id"]
        .as_str()
        .and_then(|c| c.parse::<u64>().ok())
        .or_else(|| body["channel_id"].as_u64());
    let (Some(channel_id), Some(count)) = (channel, body["count"].as_u64()) else {
        return error(
            400,
            0,
            "seed-messages needs \"channel_id\" (a channel's id) and \"count\"",
        );
    };
    let count = count.min(1_000_000);
    let author = world.bot_user();
    let mut state = world.lock();
    let Some(chan) = state.channels.get_mut(&channel_id) else {
        return error(404, 10003, "Unknown Channel");
    };
    for i in 0..count {
        let mid = world.next_id();
        let object = json!({"id": mid.to_string(), "type": 0, "channel_id": channel_id.to_string(),
            "author": author, "content": format!("seeded message {i}"),
            "timestamp": crate::state::timestamp_of(mid), "edited_timestamp": null, "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "pinned": false, "flags": 0, "components": []});
        chan.object["last_message_id"] = json!(mid.to_string());
        chan.messages.insert(
            mid,
            crate::state::Message {
                object,
                reactions: Default::default(),
            },
        );
    }
    Response::json(
        200,
        &json!({ "seeded": count, "total": chan.messages.len() }),
    )
}

/// The operations the sandbox implements (name, method, path), and how many the table has.
pub fn operations() -> Value {
    let implemented: Vec<Value> = super::implemented()
        .iter()
        .map(|e| json!({"name": e.name, "method": e.method.as_str(), "path": e.path}))
        .collect();
    json!({"implemented": implemented, "operations": discord_protocol::endpoints::ENDPOINTS.len()})
}
