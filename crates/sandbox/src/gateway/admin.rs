//! The sandbox gateway's admin routes under `/_sandbox/gateway/` (config, last IDENTIFY,
//! sessions, faults, bursts, dispatches) and the `/gateway/bot` body for its URL.

use super::*;

/// The `/gateway/bot` body for this world's gateway (`None` until [`serve_world`] started).
pub fn gateway_bot_world<W: GatewayWorld>(world: &W) -> Option<Value> {
    let server = server_of(world)?;
    let c = lock(&server.config).clone();
    Some(gateway_bot_body(&server.url, &c))
}

/// The `/gateway/bot` body for a gateway at `url` with settings `c`.
pub(super) fn gateway_bot_body(url: &str, c: &Config) -> Value {
    json!({
        "url": url,
        "shards": c.shards,
        "session_start_limit": {
            "total": c.start_total,
            "remaining": c.start_remaining,
            "reset_after": c.reset_after,
            "max_concurrency": c.max_concurrency,
        }
    })
}

/// Handles `/_sandbox/gateway/...` admin calls (the path may keep or drop that prefix).
pub fn admin_world<W: GatewayWorld>(
    world: &W,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let Some(server) = server_of(world) else {
        return (
            503,
            json!({"message": "the sandbox gateway is not running"}),
        );
    };
    let route = path
        .split('?')
        .next()
        .unwrap_or("")
        .trim_start_matches("/_sandbox")
        .trim_start_matches("/gateway")
        .trim_matches('/');
    match (method.to_ascii_uppercase().as_str(), route) {
        ("GET", "config") => (200, config_json(&lock(&server.config))),
        ("POST" | "PATCH", "config") => {
            // The guard must be gone before config_json locks again.
            let updated = update_config(&mut lock(&server.config), body);
            match updated {
                Ok(()) => (200, config_json(&lock(&server.config))),
                Err(message) => (400, json!({ "message": message })),
            }
        }
        ("GET", "identify") => (
            200,
            lock(&server.last_identify).clone().unwrap_or(Value::Null),
        ),
        ("GET", "sessions") => (200, sessions_json(&server)),
        ("POST", "faults") => {
            if !body["kind"].is_string() {
                return (
                    400,
                    json!({"message": "a fault needs \"kind\": reconnect, invalid_session, invalid_session_resumable, drop, stop_acks, heartbeat_request, fragment or close"}),
                );
            }
            let n = send_control(&server, body, Control::Fault(body.clone()));
            (200, json!({ "applied": n }))
        }
        ("POST", "burst") => {
            let count = body["count"].as_u64().unwrap_or(1000);
            let n = send_control(&server, body, Control::Burst(count));
            (200, json!({ "sessions": n, "count": count }))
        }
        ("POST", "dispatch") => match body["t"].as_str() {
            Some(t) => {
                world.hub().publish(t, body["d"].clone());
                (200, json!({"published": t}))
            }
            None => (
                400,
                json!({"message": "a dispatch needs \"t\" (and \"d\")"}),
            ),
        },
        _ => (
            404,
            json!({"message": format!("no sandbox gateway route {method} /_sandbox/gateway/{route}: use config, identify, sessions, faults, burst or dispatch")}),
        ),
    }
}

fn config_json(c: &Config) -> Value {
    json!({
        "heartbeat_interval": c.heartbeat_interval,
        "privileged_enabled": intents::names(c.privileged_enabled),
        "shards": c.shards,
        "min_shards": c.min_shards,
        "max_concurrency": c.max_concurrency,
        "session_start_limit": {"total": c.start_total, "remaining": c.start_remaining, "reset_after": c.reset_after},
    })
}

fn update_config(c: &mut Config, body: &Value) -> Result<(), String> {
    let num = |k: &str| body.get(k).and_then(Value::as_u64);
    if let Some(v) = num("heartbeat_interval") {
        c.heartbeat_interval = v.max(1);
    }
    if let Some(v) = body.get("privileged_enabled") {
        let text = match v {
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err("privileged_enabled takes a list of intent names".into()),
        };
        c.privileged_enabled = if text.trim().is_empty() {
            0
        } else {
            intents::parse(&text).map_err(|e| e.message)? & intents::privileged()
        };
    }
    if let Some(v) = num("shards") {
        c.shards = v.clamp(1, 1024) as u32;
    }
    if let Some(v) = num("min_shards") {
        c.min_shards = v.clamp(1, 1024) as u32;
    }
    if let Some(v) = num("max_concurrency") {
        c.max_concurrency = v.clamp(1, 1024) as u32;
    }
    let limit = &body["session_start_limit"];
    if let Some(v) = limit["total"].as_u64() {
        c.start_total = v;
    }
    if let Some(v) = limit["remaining"].as_u64() {
        c.start_remaining = v;
    }
    if let Some(v) = limit["reset_after"].as_u64() {
        c.reset_after = v;
    }
    Ok(())
}

fn sessions_json(server: &Server) -> Value {
    let live: HashMap<String, (Option<Compression>, Beats)> = lock(&server.live)
        .iter()
        .filter_map(|l| {
            let name = lock(&l.session).clone()?;
            Some((name, (l.compression, lock(&l.beats).clone())))
        })
        .collect();
    let sessions = lock(&server.sessions);
    let mut list: Vec<Value> = sessions
        .values()
        .map(|s| {
            let inner = lock(&s.inner);
            let conn = live.get(&s.id);
            json!({
                "session_id": s.id,
                "seq": inner.seq,
                "intents": s.intents,
                "shard": s.shard,
                "identified_at_ms": s.identified_at_ms,
                "connected": conn.is_some(),
                "resumes": inner.resumes,
                "resumes_elsewhere": inner.resumes_elsewhere,
                "compress": conn.and_then(|c| c.0).map(Compression::query_value),
                "heartbeats_after_hello_ms": conn.map(|c| c.1.after_hello_ms.clone()),
                "heartbeat_request_answered_ms": conn.and_then(|c| c.1.request_answered_ms),
            })
        })
        .collect();
    list.sort_by(|a, b| a["session_id"].as_str().cmp(&b["session_id"].as_str()));
    Value::Array(list)
}

/// Sends a control message to the live connections `body` targets (all identified ones, or
/// the one whose `session_id` matches); returns how many.
fn send_control(server: &Server, body: &Value, control: Control) -> usize {
    let target = body["session_id"].as_str();
    let live = lock(&server.live);
    let sessions = lock(&server.sessions);
    let mut n = 0;
    for l in live.iter() {
        let session = lock(&l.session).clone();
        // Only the connection that owns its session: one the client left behind for a
        // RESUME elsewhere may linger a moment, and must not get a burst or a fault.
        let owner = session
            .as_ref()
            .and_then(|s| sessions.get(s))
            .is_some_and(|s| s.owner.load(Ordering::SeqCst) == l.conn);
        let hit = owner
            && match (target, session) {
                (Some(t), Some(s)) => t == s,
                (None, Some(_)) => true,
                (_, None) => false,
            };
        if hit && l.control.send(control.clone()).is_ok() {
            n += 1;
        }
    }
    n
}
