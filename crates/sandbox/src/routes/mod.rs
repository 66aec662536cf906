//! The sandbox's router: admin routes under `/_sandbox/`, then for `/api/v10/...` the token
//! check, injected faults, rate limits, the handler, and the request log.

mod applications;
pub(crate) mod channels;
mod guilds;
pub mod interactions;

use serde_json::{json, Map, Value};

use super::faults::Fault;
use super::http::{decode, Misbehave, Request, Response};
use super::multipart::{self, Part};
use super::state::World;

/// The API prefix the sandbox serves.
pub const API_PREFIX: &str = "/api/v10";

/// A handler's outcome: an answer, or an error answer.
pub type Reply = Result<Response, Response>;

/// What a handler sees of a request.
pub struct Ctx<'a> {
    /// The world.
    pub world: &'a World,
    /// The request.
    pub req: &'a Request,
    /// The JSON body (or `payload_json` of a multipart body).
    pub body: Value,
    /// Multipart parts other than `payload_json`.
    pub files: Vec<Part>,
}

impl Ctx<'_> {
    /// A string field of the body.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.body.get(key).and_then(Value::as_str)
    }
}

/// Answers one request.
pub fn handle(world: &World, req: &Request) -> Response {
    if let Some(admin_path) = req.path.strip_prefix("/_sandbox") {
        return admin(world, req, admin_path);
    }
    if let (Some(file), "GET") = (req.path.strip_prefix("/cdn/"), req.method.as_str()) {
        return world.cdn.serve(file, &req.query);
    }
    let Some(api_path) = req.path.strip_prefix(API_PREFIX) else {
        return not_found();
    };
    let raw_segments: Vec<&str> = api_path.split('/').filter(|s| !s.is_empty()).collect();
    let decoded: Vec<String> = raw_segments.iter().map(|s| decode(s)).collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let response = route(world, req, api_path, &segments);
    world.faults.record(log_entry(req, api_path, &response));
    response
}

fn route(world: &World, req: &Request, api_path: &str, segments: &[&str]) -> Response {
    let method = req.method.as_str();
    // What Discord serves without a bot token: the gateway URL, an invite, and webhooks
    // addressed with their own token.
    let public = matches!((method, segments), ("GET", ["gateway"] | ["invites", _]))
        || matches!(
            segments,
            ["webhooks", _, _, ..] | ["interactions", _, _, ..]
        );
    let auth = req.header("authorization").unwrap_or("");
    // Bot tokens as Discord expects them; an OAuth2 bearer token is accepted as the same
    // identity so `--bearer` can be tried (the request log records which scheme came).
    let authorized =
        auth == format!("Bot {}", world.token()) || auth == format!("Bearer {}", world.token());
    if !public && !authorized {
        return error(401, 0, "401: Unauthorized");
    }
    if let Some(fault) = world.faults.take(method, api_path) {
        return fault_response(&fault);
    }
    let verdict = world
        .limits
        .check(method, segments, if authorized { "bot" } else { "anon" });
    let mut response = if let Some((retry_after, global)) = verdict.refused {
        let mut r = Response::json(
            429,
            &json!({"message": "You are being rate limited.", "retry_after": (retry_after * 1000.0).ceil() / 1000.0, "global": global}),
        )
        .with_header("Retry-After", format!("{}", retry_after.ceil() as u64))
        .with_header("X-RateLimit-Scope", if global { "global" } else { "user" });
        if global {
            r = r.with_header("X-RateLimit-Global", "true");
        }
        r
    } else {
        match parse_body(req) {
            Err(r) => r,
            Ok((body, files)) => {
                let ctx = Ctx {
                    world,
                    req,
                    body,
                    files,
                };
                dispatch(&ctx, method, segments).unwrap_or_else(|e| e)
            }
        }
    };
    if !matches!((method, segments), ("GET", ["gateway"])) {
        response.headers.extend(verdict.headers);
    }
    response
}

fn dispatch(ctx: &Ctx, method: &str, segments: &[&str]) -> Reply {
    match segments.first().copied() {
        Some("channels") => channels::route(ctx, method, segments),
        Some("webhooks") if interactions::is_application_webhook(ctx.world, segments) => {
            interactions::webhook(ctx, method, segments)
        }
        Some("webhooks") => channels::webhooks(ctx, method, segments),
        Some("applications") => applications::route(ctx, method, segments),
        Some("interactions") => interactions::callback(ctx, method, segments),
        Some("invites") => channels::invites(ctx, method, segments),
        Some("attachments") if method == "POST" && segments == ["attachments", "refresh-urls"] => {
            ctx.world
                .cdn
                .refresh(&ctx.body)
                .map(|v| Response::json(200, &v))
        }
        Some("guilds" | "users" | "gateway") => guilds::route(ctx, method, segments),
        _ => Err(not_found()),
    }
}

/// The JSON body, from JSON or from a multipart body's `payload_json`.
fn parse_body(req: &Request) -> Result<(Value, Vec<Part>), Response> {
    let content_type = req.header("content-type").unwrap_or("");
    if let Some(boundary) = multipart::boundary(content_type) {
        let parts = multipart::parse(&req.body, &boundary)
            .ok_or_else(|| error(400, 50035, "Invalid Form Body"))?;
        let mut body = Value::Object(Map::new());
        let mut files = Vec::new();
        for part in parts {
            if part.name == "payload_json" {
                body = serde_json::from_slice(&part.data)
                    .map_err(|_| error(400, 50109, "The request body contains invalid JSON."))?;
            } else {
                files.push(part);
            }
        }
        return Ok((body, files));
    }
    if req.body.is_empty() {
        return Ok((Value::Object(Map::new()), Vec::new()));
    }
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(error(400, 50035, "Invalid Form Body"));
    }
    let body = serde_json::from_slice(&req.body)
        .map_err(|_| error(400, 50109, "The request body contains invalid JSON."))?;
    Ok((body, Vec::new()))
}

fn fault_response(fault: &Fault) -> Response {
    let mut r = if let Some(body) = &fault.body {
        Response {
            status: fault.status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.clone().into_bytes(),
            misbehave: Misbehave::No,
        }
    } else if fault.status == 429 {
        let mut body = json!({"message": "You are being rate limited.", "global": fault.global});
        if let Some(ra) = fault.retry_after {
            body["retry_after"] = json!(ra);
        }
        let scope = if fault.global { "global" } else { "user" };
        let mut r = Response::json(429, &body).with_header("X-RateLimit-Scope", scope);
        if fault.global {
            r = r.with_header("X-RateLimit-Global", "true");
        }
        r
    } else {
        Response::json(
            fault.status,
            &json!({"message": format!("{}: injected fault", fault.status), "code": 0}),
        )
    };
    r.misbehave = if fault.close {
        Misbehave::Close
    } else if fault.truncate {
        Misbehave::Truncate
    } else {
        Misbehave::No
    };
    r
}

fn admin(world: &World, req: &Request, path: &str) -> Response {
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
        ("POST", "/trigger") => {
            let (status, value) = super::trigger::trigger(world, &body);
            Response::json(status, &value)
        }
        ("POST", "/invoke") => {
            let (status, value) = super::interactions::invoke(world, &body);
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
                super::gateway::admin(world, method, &format!("/_sandbox{p}"), &body);
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
            "timestamp": super::state::timestamp_of(mid), "edited_timestamp": null, "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "pinned": false, "flags": 0, "components": []});
        chan.object["last_message_id"] = json!(mid.to_string());
        chan.messages.insert(
            mid,
            super::state::Message {
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

fn log_entry(req: &Request, api_path: &str, response: &Response) -> Value {
    let mut headers = Map::new();
    for (name, value) in &req.headers {
        let value = if name == "authorization" {
            "<present>".to_string()
        } else {
            value.clone()
        };
        headers.insert(name.clone(), Value::String(value));
    }
    let mut query = Map::new();
    for (k, v) in &req.query {
        query.insert(k.clone(), Value::String(v.clone()));
    }
    let query_pairs: Vec<Value> = req.query.iter().map(|(k, v)| json!([k, v])).collect();
    let content_type = req.header("content-type").unwrap_or("");
    let (body, parts) = match multipart::boundary(content_type) {
        Some(b) => {
            let parts = multipart::parse(&req.body, &b).unwrap_or_default();
            let body = parts
                .iter()
                .find(|p| p.name == "payload_json")
                .and_then(|p| serde_json::from_slice(&p.data).ok())
                .unwrap_or(Value::Null);
            let listed: Vec<Value> = parts
                .iter()
                .map(|p| json!({"name": p.name, "filename": p.filename, "content_type": p.content_type, "size": p.data.len()}))
                .collect();
            (body, Value::Array(listed))
        }
        None => (
            serde_json::from_slice(&req.body).unwrap_or(Value::Null),
            Value::Null,
        ),
    };
    json!({"method": req.method, "path": api_path, "query": query, "query_pairs": query_pairs, "headers": headers,
           "auth_scheme": auth_scheme(req.header("authorization")),
           "body": body, "multipart": parts, "status": response.status})
}

/// The scheme of an `Authorization` header (`Bot`, `Bearer`), never the credentials: `null`
/// without the header, `"<other>"` for anything else (whose first word could be a token).
fn auth_scheme(header: Option<&str>) -> Value {
    let Some(value) = header else {
        return Value::Null;
    };
    let first = value.split(' ').next().unwrap_or("");
    match first {
        "Bot" | "Bearer" if value.len() > first.len() => json!(first),
        _ => json!("<other>"),
    }
}

/// Discord's error JSON.
pub fn error(status: u16, code: u64, message: &str) -> Response {
    Response::json(status, &json!({"message": message, "code": code}))
}

/// The 404 for a route that does not exist.
pub fn not_found() -> Response {
    error(404, 0, "404: Not Found")
}

/// The 404 for an id that does not exist, with Discord's message and code.
pub fn unknown(what: &str) -> Response {
    let code = match what {
        "Channel" => 10003,
        "Guild" => 10004,
        "Invite" => 10006,
        "Member" => 10007,
        "Message" => 10008,
        "Role" => 10011,
        "User" => 10013,
        "Emoji" => 10014,
        "Webhook" => 10015,
        "Ban" => 10026,
        _ => 0,
    };
    error(404, code, &format!("Unknown {what}"))
}

/// A 400 Invalid Form Body with one field error in Discord's nested shape.
pub fn field_error(field: &str, code: &str, message: &str) -> Response {
    let mut errors = FormErrors::default();
    errors.push(field, code, message);
    errors.response()
}

/// Field errors collected over a whole body, answered together as Discord does: one 400
/// Invalid Form Body (50035) whose `errors` object nests each field's path (`embeds.0.title`).
#[derive(Debug, Default)]
pub struct FormErrors {
    errors: Vec<(String, String, String)>,
}

impl FormErrors {
    /// Adds an error for a dotted field path.
    pub fn push(&mut self, field: &str, code: &str, message: &str) {
        self.errors
            .push((field.to_string(), code.to_string(), message.to_string()));
    }

    /// Whether nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` when empty, else the 400 answer.
    pub fn result(self) -> Result<(), Response> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.response())
        }
    }

    /// The 400 answer with every error in the nested shape.
    pub fn response(&self) -> Response {
        let mut root = Map::new();
        for (field, code, message) in &self.errors {
            let path: Vec<&str> = field.split('.').collect();
            insert_error(&mut root, &path, json!({"code": code, "message": message}));
        }
        Response::json(
            400,
            &json!({"code": 50035, "message": "Invalid Form Body", "errors": root}),
        )
    }

    /// Checks a string field of `body` if present and not null: a string, `min..=max`
    /// characters long.
    pub fn string(&mut self, body: &Value, field: &str, min: usize, max: usize) {
        let Some(value) = body.get(field).filter(|v| !v.is_null()) else {
            return;
        };
        self.string_value(value, field, min, max);
    }

    /// Checks one value that must be a string of `min..=max` characters.
    pub fn string_value(&mut self, value: &Value, field: &str, min: usize, max: usize) {
        let Some(text) = value.as_str() else {
            self.push(
                field,
                "BASE_TYPE_STRING",
                &format!("Could not interpret {} as string.", shown(value)),
            );
            return;
        };
        let len = text.chars().count();
        if min > 0 && len < min {
            self.push(
                field,
                "BASE_TYPE_BAD_LENGTH",
                &format!("Must be between {min} and {max} in length."),
            );
        } else if len > max {
            let message = if min > 0 {
                format!("Must be between {min} and {max} in length.")
            } else {
                format!("Must be {max} or fewer in length.")
            };
            let code = if min > 0 {
                "BASE_TYPE_BAD_LENGTH"
            } else {
                "BASE_TYPE_MAX_LENGTH"
            };
            self.push(field, code, &message);
        }
    }
}

/// Puts one error under `path` in a nested `errors` object, creating the levels on the way.
fn insert_error(node: &mut Map<String, Value>, path: &[&str], error: Value) {
    match path.split_first() {
        None => {
            let list = node
                .entry("_errors".to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(error);
            }
        }
        Some((key, rest)) => {
            let entry = node
                .entry((*key).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(next) = entry {
                insert_error(next, rest, error);
            }
        }
    }
}

/// A value as Discord quotes it in type errors: `"5"`, `"[1, 2]"`.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("\"{}\"", text.chars().take(100).collect::<String>())
}

/// Checks that a string field of the body, if present, is a string of at most `max`
/// characters.
pub fn max_len(ctx: &Ctx, field: &str, max: usize) -> Result<(), Response> {
    let mut errors = FormErrors::default();
    errors.string(&ctx.body, field, 0, max);
    errors.result()
}

/// Parses a snowflake path segment, answering 404 for `what` when it is not one.
pub fn id(segment: &str, what: &str) -> Result<u64, Response> {
    segment.parse::<u64>().map_err(|_| unknown(what))
}

/// `limit` from the query: an integer (else `Value "abc" is not int.`), checked against
/// `1..=max` with Discord's messages.
pub fn limit(ctx: &Ctx, default: u64, max: u64) -> Result<u64, Response> {
    let Some(v) = ctx.req.query("limit") else {
        return Ok(default);
    };
    let Ok(n) = v.trim().parse::<i64>() else {
        return Err(field_error(
            "limit",
            "NUMBER_TYPE_COERCE",
            &format!("Value \"{v}\" is not int."),
        ));
    };
    if n < 1 {
        return Err(field_error(
            "limit",
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        ));
    }
    if n as u64 > max {
        return Err(field_error(
            "limit",
            "NUMBER_TYPE_MAX",
            &format!("int value should be less than or equal to {max}."),
        ));
    }
    Ok(n as u64)
}

/// A snowflake query parameter (`before`, `after`, `around`).
pub fn query_id(ctx: &Ctx, key: &str) -> Result<Option<u64>, Response> {
    match ctx.req.query(key) {
        None => Ok(None),
        Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
            field_error(
                key,
                "NUMBER_TYPE_COERCE",
                &format!("Value \"{v}\" is not snowflake."),
            )
        }),
    }
}

/// `200` with a JSON value.
pub fn ok(value: Value) -> Reply {
    Ok(Response::json(200, &value))
}

/// `204 No Content`.
pub fn done() -> Reply {
    Ok(Response::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_field_errors() {
        let r = field_error("embeds.0.title", "X", "bad");
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            v["errors"]["embeds"]["0"]["title"]["_errors"][0]["message"],
            "bad"
        );
    }

    #[test]
    fn form_errors_merge_into_one_nested_object() {
        let mut errors = FormErrors::default();
        errors.string(&json!({"content": 5}), "content", 0, 2000);
        errors.push("embeds.0.title", "BASE_TYPE_MAX_LENGTH", "long");
        errors.push("embeds.0.description", "BASE_TYPE_MAX_LENGTH", "longer");
        errors.string(&json!({"name": null}), "name", 1, 100);
        let v: Value = serde_json::from_slice(&errors.response().body).unwrap();
        assert_eq!(v["code"], 50035);
        assert_eq!(
            v["errors"]["content"]["_errors"][0],
            json!({"code": "BASE_TYPE_STRING", "message": "Could not interpret \"5\" as string."})
        );
        assert_eq!(
            v["errors"]["embeds"]["0"]["title"]["_errors"][0]["message"],
            "long"
        );
        assert_eq!(
            v["errors"]["embeds"]["0"]["description"]["_errors"][0]["message"],
            "longer"
        );
        assert!(v["errors"].get("name").is_none());
        assert!(FormErrors::default().result().is_ok());
    }

    #[test]
    fn auth_scheme_never_shows_credentials() {
        assert_eq!(auth_scheme(Some("Bot abc.def")), json!("Bot"));
        assert_eq!(auth_scheme(Some("Bearer xyz")), json!("Bearer"));
        assert_eq!(auth_scheme(Some("abc.def")), json!("<other>"));
        assert_eq!(auth_scheme(Some("Bot")), json!("<other>"));
        assert_eq!(auth_scheme(None), Value::Null);
    }

    #[test]
    fn emoji_segments_are_decoded_exactly_once() {
        let (key, emoji) = channels::parse_emoji(&decode("%F0%9F%91%8D")).unwrap();
        assert_eq!(key, "👍");
        assert_eq!(emoji, json!({"id": null, "name": "👍"}));
        // An escaped percent sign stays escaped after the one decoding.
        assert_eq!(decode("%2541"), "%41");
        let (key, emoji) = channels::parse_emoji(&decode("party%3A123")).unwrap();
        assert_eq!(key, "party:123");
        assert_eq!(emoji, json!({"id": "123", "name": "party"}));
        assert_eq!(channels::parse_emoji("party:x").unwrap_err().status, 404);
        assert_eq!(channels::parse_emoji("").unwrap_err().status, 404);
    }
}
