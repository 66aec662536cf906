//! `discord sandbox invoke` (admin route `POST /_sandbox/invoke`): a member uses a registered
//! command, clicks a component, submits a modal or types into an autocompleted option. The
//! sandbox builds INTERACTION_CREATE as Discord does (resolved data, member with permissions,
//! app_permissions, token, locale), delivers it over the gateway, or, when the application has
//! an interactions endpoint URL, POSTs it there signed with Ed25519, then waits for the answer
//! and reports what the user would see.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::apps::Interaction;
use super::routes::interactions::{apply, RESPONSE_WINDOW_MS};
use super::state::now_ms;
use super::World;

/// Interaction types (Receiving and Responding > Interaction Type).
const PING: u64 = 1;
const APPLICATION_COMMAND: u64 = 2;
const MESSAGE_COMPONENT: u64 = 3;
const AUTOCOMPLETE: u64 = 4;
const MODAL_SUBMIT: u64 = 5;

/// A failed invocation: what went wrong, as `invoke` reports it.
type Failed = (u16, Value);

fn failure(status: u16, message: impl Into<String>) -> Failed {
    (status, json!({"ok": false, "error": message.into()}))
}

/// Answers `POST /_sandbox/invoke`: builds, delivers and waits; the outcome JSON says what
/// the user saw (`ok` false when the interaction failed).
pub fn invoke(world: &World, request: &Value) -> (u16, Value) {
    match build(world, request) {
        Err(e) => e,
        Ok(payload) => deliver(world, payload, request["wait"].as_f64().unwrap_or(10.0)),
    }
}

/// Where the interaction happens: the guild, channel and member.
struct Place {
    guild: Value,
    channel: Value,
    member: Value,
}

fn place(world: &World, request: &Value, command_guild: Option<&str>) -> Result<Place, Failed> {
    let state = world.lock();
    let guild_id = request["guild_id"]
        .as_str()
        .or(command_guild)
        .map(str::to_string)
        .or_else(|| state.guilds.keys().next().map(u64::to_string));
    let guild = guild_id
        .as_deref()
        .and_then(|g| g.parse::<u64>().ok())
        .and_then(|g| state.guilds.get(&g))
        .ok_or_else(|| failure(404, "no such guild"))?;
    let gid = guild.object["id"].clone();
    let channel = match request["channel_id"].as_str() {
        Some(spec) => find_channel(&state, spec),
        None => state
            .channels
            .values()
            .find(|c| c.object["guild_id"] == gid && c.object["name"] == "general")
            .map(|c| c.object.clone()),
    }
    .filter(|c| c["guild_id"] == gid)
    .ok_or_else(|| {
        failure(
            404,
            "no such text channel in the guild (give its id or #name)",
        )
    })?;
    let member = match request["user_id"].as_str() {
        Some(spec) => find_member(guild, spec),
        None => guild.object["owner_id"]
            .as_str()
            .and_then(|o| o.parse::<u64>().ok())
            .and_then(|o| guild.members.get(&o))
            .cloned(),
    }
    .ok_or_else(|| {
        failure(
            404,
            "no such member of the guild (give a user id or @username)",
        )
    })?;
    let mut member = member;
    member["permissions"] = json!(permissions(guild, &member).to_string());
    let mut g = guild.object.clone();
    g["roles"] = Value::Array(guild.roles.values().cloned().collect());
    Ok(Place {
        guild: g,
        channel,
        member,
    })
}

/// A channel by id or `#name`.
pub fn find_channel(state: &super::state::State, spec: &str) -> Option<Value> {
    let name = spec.strip_prefix('#');
    state
        .channels
        .iter()
        .find(|(id, c)| match name {
            Some(n) => c.object["name"] == n,
            None => id.to_string() == spec,
        })
        .map(|(_, c)| c.object.clone())
}

/// A member by user id, `@username` or username.
pub fn find_member(guild: &super::state::Guild, spec: &str) -> Option<Value> {
    let name = spec.trim_start_matches('@');
    guild
        .members
        .iter()
        .find(|(id, m)| id.to_string() == spec || m["user"]["username"] == name)
        .map(|(_, m)| m.clone())
}

/// A member's guild permissions: @everyone's and their roles' bits; the owner and
/// administrators have all.
fn permissions(guild: &super::state::Guild, member: &Value) -> u64 {
    const ALL: u64 = (1 << 53) - 1;
    if guild.object["owner_id"] == member["user"]["id"] {
        return ALL;
    }
    let bits = |id: &str| {
        id.parse::<u64>()
            .ok()
            .and_then(|r| guild.roles.get(&r))
            .and_then(|r| r["permissions"].as_str())
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut p = guild.object["id"].as_str().map_or(0, bits);
    for role in member["roles"].as_array().into_iter().flatten() {
        p |= role.as_str().map_or(0, bits);
    }
    if p & 8 != 0 {
        ALL
    } else {
        p
    }
}

/// The INTERACTION_CREATE payload for the request.
fn build(world: &World, request: &Value) -> Result<Value, Failed> {
    let (kind, data, command_guild, message) = if request.get("custom_id").is_some() {
        component(world, request)?
    } else if request.get("modal").is_some() {
        let fields: Vec<Value> = pairs(&request["fields"]).into_iter().map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "id": 0, "custom_id": id, "value": value}]})).collect();
        (
            MODAL_SUBMIT,
            json!({"custom_id": request["modal"], "components": fields}),
            None,
            None,
        )
    } else {
        let (data, guild) = command(world, request)?;
        let kind = if request.get("focused").is_some_and(|f| !f.is_null()) {
            AUTOCOMPLETE
        } else {
            APPLICATION_COMMAND
        };
        (kind, data, guild, None)
    };
    // A click happens where its message is.
    let mut request = request.clone();
    if let (Some(m), true) = (&message, request["channel_id"].is_null()) {
        request["channel_id"] = m["channel_id"].clone();
    }
    let place = place(world, &request, command_guild.as_deref())?;
    let mut data = data;
    if kind == APPLICATION_COMMAND || kind == AUTOCOMPLETE {
        resolve(world, &place, &mut data)?;
    }
    let bot_member = place.guild["id"]
        .as_str()
        .and_then(|g| g.parse::<u64>().ok())
        .and_then(|g| {
            world.lock().guilds.get(&g).map(|guild| {
                let m = guild
                    .members
                    .get(&world.bot_id())
                    .cloned()
                    .unwrap_or(Value::Null);
                permissions(guild, &m)
            })
        })
        .unwrap_or(0);
    let id = world.next_id();
    let mut token = String::from("aW50ZXJhY3Rpb24");
    for _ in 0..3 {
        token.push_str(&format!("{:016x}", fastrand::u64(..)));
    }
    let locale = place.guild["preferred_locale"].clone();
    let mut payload = json!({"id": id.to_string(), "application_id": world.bot_id().to_string(), "type": kind, "data": data,
        "guild_id": place.guild["id"], "guild": {"id": place.guild["id"], "locale": locale, "features": place.guild["features"]},
        "channel_id": place.channel["id"], "channel": place.channel, "member": place.member, "token": token, "version": 1,
        "app_permissions": bot_member.to_string(), "locale": "en-US", "guild_locale": locale, "entitlements": [],
        "authorizing_integration_owners": {"0": place.guild["id"]}, "context": 0, "attachment_size_limit": 10_485_760});
    if let Some(m) = message {
        payload["message"] = m;
    }
    Ok(payload)
}

/// `[["name", "value"], ...]` or `{"name": "value"}` as pairs.
fn pairs(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|p| Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

/// The command's data: `/name [group] [sub]` found among the guild's and global commands,
/// its options typed by their definitions.
fn command(world: &World, request: &Value) -> Result<(Value, Option<String>), Failed> {
    let line = request["command"].as_str().unwrap_or("");
    let mut words = line.trim_start_matches('/').split_whitespace();
    let name = words
        .next()
        .ok_or_else(|| failure(400, "no command given: name one like '/ping'"))?;
    let path: Vec<&str> = words.collect();
    let guild = request["guild_id"].as_str();
    let found = {
        let apps = world.apps.lock();
        let scoped = |g: Option<u64>| {
            apps.scope(g)
                .into_iter()
                .find(|c| c["name"] == name && c["type"] == json!(1))
        };
        guild
            .and_then(|g| g.parse().ok())
            .and_then(|g| scoped(Some(g)))
            .or_else(|| {
                apps.commands
                    .values()
                    .find(|(g, c)| {
                        g.is_some() && guild.is_none() && c["name"] == name && c["type"] == json!(1)
                    })
                    .map(|(_, c)| c.clone())
            })
            .or_else(|| scoped(None))
    };
    let Some(cmd) = found else {
        return Err(failure(
            404,
            format!("no slash command '/{name}' is registered (see 'discord commands list')"),
        ));
    };
    let mut defs = cmd["options"].as_array().cloned().unwrap_or_default();
    let mut nest: Vec<Value> = Vec::new();
    for word in &path {
        let sub = defs
            .iter()
            .find(|o| o["name"] == *word && matches!(o["type"].as_u64(), Some(1 | 2)))
            .cloned()
            .ok_or_else(|| failure(400, format!("'/{name}' has no subcommand '{word}'")))?;
        defs = sub["options"].as_array().cloned().unwrap_or_default();
        nest.push(sub);
    }
    if defs
        .iter()
        .any(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
    {
        return Err(failure(
            400,
            format!("'/{line}' needs a subcommand: {}", names(&defs)),
        ));
    }
    let focused = request["focused"].as_str();
    let values = options(&defs, &pairs(&request["options"]), focused)
        .map_err(|e| failure(400, format!("/{name}: {e}")))?;
    let mut opts = Value::Array(values);
    for sub in nest.iter().rev() {
        opts = json!([{"name": sub["name"], "type": sub["type"], "options": opts}]);
    }
    let mut data = json!({"id": cmd["id"], "name": name, "type": 1});
    if opts.as_array().is_some_and(|o| !o.is_empty()) {
        data["options"] = opts;
    }
    if let Some(g) = cmd.get("guild_id") {
        data["guild_id"] = g.clone();
    }
    Ok((data, cmd["guild_id"].as_str().map(str::to_string)))
}

fn names(defs: &[Value]) -> String {
    defs.iter()
        .filter_map(|o| o["name"].as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Typed option values, as a Discord client would send them: required options present,
/// values of the option's type, one of its choices when it has any.
fn options(
    defs: &[Value],
    given: &[(String, String)],
    focused: Option<&str>,
) -> Result<Vec<Value>, String> {
    for (name, _) in given {
        if !defs.iter().any(|d| d["name"] == name.as_str()) {
            return Err(format!(
                "unknown option '{name}' (options: {})",
                names(defs)
            ));
        }
    }
    let mut out = Vec::new();
    for def in defs {
        let name = def["name"].as_str().unwrap_or("");
        let kind = def["type"].as_u64().unwrap_or(3);
        let Some((_, text)) = given.iter().find(|(n, _)| n == name) else {
            if def["required"] == json!(true) && focused.is_none() {
                return Err(format!("option '{name}' is required"));
            }
            continue;
        };
        let mut option = json!({"name": name, "type": kind});
        if focused == Some(name) {
            // An autocompleted option carries what has been typed so far, as a string.
            option["value"] = json!(text);
            option["focused"] = json!(true);
            out.push(option);
            continue;
        }
        let value = match kind {
            4 => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("option '{name}' takes an integer")),
            5 => text
                .parse::<bool>()
                .map(Value::from)
                .map_err(|_| format!("option '{name}' takes true or false")),
            10 => text
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .ok_or(format!("option '{name}' takes a number")),
            _ => Ok(json!(text)),
        }?;
        if let Some(choices) = def["choices"].as_array().filter(|c| !c.is_empty()) {
            if !choices
                .iter()
                .any(|c| c["value"] == value || c["name"] == json!(text))
            {
                return Err(format!(
                    "option '{name}' takes one of its choices: {}",
                    names(choices)
                ));
            }
            let chosen = choices
                .iter()
                .find(|c| c["value"] == value || c["name"] == json!(text));
            option["value"] = chosen.map_or(value, |c| c["value"].clone());
        } else {
            option["value"] = value;
        }
        out.push(option);
    }
    Ok(out)
}

/// Fills `data.resolved` for user, channel, role and mentionable options (given as ids,
/// `@name` or `#name`), replacing each value by the id, as Discord does.
fn resolve(world: &World, place: &Place, data: &mut Value) -> Result<(), Failed> {
    let state = world.lock();
    let gid: u64 = place.guild["id"]
        .as_str()
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    let guild = state
        .guilds
        .get(&gid)
        .ok_or_else(|| failure(404, "no such guild"))?;
    let mut resolved: Map<String, Value> = Map::new();
    let mut stack: Vec<&mut Value> = vec![&mut data["options"]];
    while let Some(list) = stack.pop() {
        for opt in list.as_array_mut().into_iter().flatten() {
            if opt.get("options").is_some() {
                stack.push(&mut opt["options"]);
                continue;
            }
            if opt["focused"] == json!(true) {
                continue;
            }
            resolve_option(&state, guild, opt, &mut resolved)?;
        }
    }
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    Ok(())
}

/// Resolves one user, channel, role or mentionable option: the value becomes the id, and the
/// object goes into `resolved` (members with their permissions, as Discord sends them).
fn resolve_option(
    state: &super::state::State,
    guild: &super::state::Guild,
    opt: &mut Value,
    resolved: &mut Map<String, Value>,
) -> Result<(), Failed> {
    let spec = opt["value"].as_str().unwrap_or("").to_string();
    let kind = opt["type"].as_u64().unwrap_or(0);
    let name = opt["name"].clone();
    let user = || find_member(guild, &spec);
    let role = || {
        guild
            .roles
            .iter()
            .find(|(id, r)| id.to_string() == spec || r["name"] == spec.trim_start_matches('@'))
            .map(|(_, r)| r.clone())
    };
    let (bucket, object) = match kind {
        6 => ("users", user()),
        7 => ("channels", find_channel(state, &spec)),
        8 => ("roles", role()),
        9 => user()
            .map(|m| ("users", Some(m)))
            .unwrap_or(("roles", role())),
        11 => {
            return Err(failure(
                400,
                format!("option {name}: attachments cannot be invoked in the sandbox"),
            ))
        }
        _ => return Ok(()),
    };
    let object = object.ok_or_else(|| {
        failure(
            404,
            format!("option {name}: nothing in the guild is called {spec}"),
        )
    })?;
    let id = if bucket == "users" {
        object["user"]["id"].clone()
    } else {
        object["id"].clone()
    };
    opt["value"] = id.clone();
    let key = id.as_str().unwrap_or_default().to_string();
    if bucket == "users" {
        let mut member = object.clone();
        let user = member
            .as_object_mut()
            .and_then(|m| m.remove("user"))
            .unwrap_or(Value::Null);
        member["permissions"] = json!(permissions(guild, &object).to_string());
        resolved.entry("members").or_insert_with(|| json!({}))[&key] = member;
        resolved.entry("users").or_insert_with(|| json!({}))[&key] = user;
    } else {
        let mut o = object.clone();
        if bucket == "channels" {
            o["permissions"] = json!("2251799813685247");
        }
        resolved.entry(bucket).or_insert_with(|| json!({}))[&key] = o;
    }
    Ok(())
}

/// A component click: finds the message carrying `custom_id` (the one named, else the newest
/// in the channel or among interaction responses).
fn component(
    world: &World,
    request: &Value,
) -> Result<(u64, Value, Option<String>, Option<Value>), Failed> {
    let custom_id = request["custom_id"].as_str().unwrap_or("");
    let wanted = request["message_id"].as_str();
    let mut candidates: Vec<Value> = world
        .apps
        .lock()
        .interactions
        .values()
        .flat_map(|i| {
            i.original
                .iter()
                .chain(&i.followups)
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect();
    candidates.extend(
        world
            .lock()
            .channels
            .values()
            .flat_map(|c| c.messages.values().map(|m| m.object.clone())),
    );
    candidates.sort_by_key(|m| {
        m["id"]
            .as_str()
            .and_then(|i| i.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let message = candidates
        .into_iter()
        .rev()
        .filter(|m| wanted.is_none_or(|w| m["id"] == w))
        .find_map(|m| find_component(&m["components"], custom_id).map(|c| (m.clone(), c)));
    let Some((message, comp)) = message else {
        return Err(failure(
            404,
            format!("no message has a component with custom_id '{custom_id}'"),
        ));
    };
    let component_type = comp["type"].as_u64().unwrap_or(2);
    let mut data = json!({"custom_id": custom_id, "component_type": component_type});
    if component_type != 2 {
        data["values"] = request.get("values").cloned().unwrap_or(json!([]));
    }
    let guild = message["guild_id"].as_str().map(str::to_string);
    Ok((MESSAGE_COMPONENT, data, guild, Some(message)))
}

fn find_component(components: &Value, custom_id: &str) -> Option<Value> {
    for c in components.as_array().into_iter().flatten() {
        if c["custom_id"] == custom_id {
            return Some(c.clone());
        }
        for key in ["components", "accessory", "component"] {
            let inner = match &c[key] {
                Value::Array(_) => find_component(&c[key], custom_id),
                v @ Value::Object(_) => find_component(&json!([v]), custom_id),
                _ => None,
            };
            if inner.is_some() {
                return inner;
            }
        }
    }
    None
}

/// Sends the interaction, waits for the initial response (3 s) and, for a deferred one, for
/// the edit that replaces "thinking" (`wait` seconds), then reports.
fn deliver(world: &World, payload: Value, wait: f64) -> (u16, Value) {
    let id: u64 = payload["id"]
        .as_str()
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    world.apps.lock().interactions.insert(
        id,
        Interaction {
            token: payload["token"].as_str().unwrap_or_default().to_string(),
            created_ms: now_ms(),
            payload: payload.clone(),
            response_type: None,
            response_data: Value::Null,
            original: None,
            ephemeral: false,
            followups: Vec::new(),
            failure: None,
        },
    );
    let url = world.apps.application(&world.bot_user())["interactions_endpoint_url"]
        .as_str()
        .map(str::to_string);
    match url {
        Some(url) => {
            if let Err(why) = over_http(world, &url, id, &payload) {
                if let Some(ix) = world.apps.lock().interactions.get_mut(&id) {
                    ix.failure = Some(why);
                }
            }
        }
        None => world.hub.publish("INTERACTION_CREATE", payload),
    }
    let start = Instant::now();
    let window = Duration::from_millis(RESPONSE_WINDOW_MS);
    let mut state = world.apps.lock();
    while let Some(ix) = state.interactions.get(&id) {
        if ix.failure.is_some() || ix.response_type.is_some() && !still_thinking(ix) {
            break;
        }
        let limit = if ix.response_type.is_some() {
            Duration::from_secs_f64(wait.max(0.0))
        } else {
            window
        };
        let Some(left) = limit.checked_sub(start.elapsed()) else {
            break;
        };
        state = world.apps.wait(state, left);
    }
    let ix = state.interactions.get(&id).cloned();
    drop(state);
    ix.map_or_else(
        || failure(500, "the interaction vanished"),
        |ix| outcome(&ix),
    )
}

fn still_thinking(ix: &Interaction) -> bool {
    ix.response_type == Some(5)
        && ix
            .original
            .as_ref()
            .is_some_and(|m| m["flags"].as_u64().unwrap_or(0) & 128 != 0)
}

/// What the user sees, as JSON: the message (and whether only they see it), the modal, the
/// choices, or why the interaction failed.
fn outcome(ix: &Interaction) -> (u16, Value) {
    let base = |ok: bool| json!({"ok": ok, "interaction_id": ix.payload["id"], "interaction_type": ix.payload["type"], "response_type": ix.response_type});
    if let Some(why) = &ix.failure {
        let mut v = base(false);
        v["error"] = json!(format!("the application did not respond: {why}"));
        return (200, v);
    }
    let Some(kind) = ix.response_type else {
        let mut v = base(false);
        v["error"] =
            json!("the application did not respond (no initial response within 3 seconds)");
        return (200, v);
    };
    let mut v = base(true);
    if still_thinking(ix) {
        v["ok"] = json!(false);
        v["error"] = json!(
            "the application deferred (\"is thinking...\") and did not edit its response in time"
        );
    }
    match kind {
        8 => v["choices"] = ix.response_data["choices"].clone(),
        9 => v["modal"] = ix.response_data.clone(),
        6 => v["deferred_update"] = json!(true),
        _ => {}
    }
    if let Some(m) = ix.original.clone() {
        v["message"] = m;
        v["ephemeral"] = json!(ix.ephemeral);
    }
    v["followups"] = Value::Array(ix.followups.clone());
    (200, v)
}

/// POSTs a signed interaction to the application's URL and applies the answer in its body.
fn over_http(world: &World, url: &str, id: u64, payload: &Value) -> Result<(), String> {
    let body = payload.to_string().into_bytes();
    let (status, answer) = post_signed(world, url, &body, true)?;
    if status != 200 {
        return Err(format!("its URL answered {status}"));
    }
    if answer.is_empty() {
        // Answered through the REST callback instead; wait for it as for the gateway.
        return Ok(());
    }
    let answer: Value = serde_json::from_slice(&answer)
        .map_err(|e| format!("its URL answered with invalid JSON ({e})"))?;
    apply(world, id, None, &answer).map(|_| ()).map_err(|r| {
        format!(
            "its answer was refused: {}",
            String::from_utf8_lossy(&r.body)
        )
    })
}

/// Sends `body` to `url` the way Discord sends HTTP interactions: `X-Signature-Ed25519` over
/// `X-Signature-Timestamp` + body (a wrong signature when `good` is false, for the check that
/// the application refuses it). Returns the status and body.
pub fn post_signed(
    world: &World,
    url: &str,
    body: &[u8],
    good: bool,
) -> Result<(u16, Vec<u8>), String> {
    let timestamp = (now_ms() / 1000).to_string();
    let mut signature = world.apps.sign(&timestamp, body);
    if !good {
        // Flip one hex digit: still well-formed, no longer valid.
        let first = if signature.starts_with('0') { "1" } else { "0" };
        signature.replace_range(0..1, first);
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(RESPONSE_WINDOW_MS))
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .post(url)
        .header("Content-Type", "application/json")
        .header(
            "User-Agent",
            "Discord-Interactions/1.0 (+https://discord.com)",
        )
        .header("X-Signature-Ed25519", signature)
        .header("X-Signature-Timestamp", timestamp)
        .body(body.to_vec())
        .send()
        .map_err(|e| {
            if e.is_timeout() {
                "no answer within 3 seconds".to_string()
            } else {
                format!("could not reach it ({e})")
            }
        })?;
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .map_err(|e| format!("its answer broke off ({e})"))?;
    Ok((status, bytes.to_vec()))
}

/// Discord's checks when an interactions endpoint URL is set: a signed PING answered with a
/// PONG (`{"type": 1}`), and a request with a bad signature refused with 401.
pub fn check_endpoint(world: &World, url: &str) -> Result<(), String> {
    let ping = json!({"id": world.next_id().to_string(), "application_id": world.bot_id().to_string(), "type": PING,
        "token": "ping-token", "version": 1, "user": world.bot_user()});
    let body = ping.to_string().into_bytes();
    let (status, answer) = post_signed(world, url, &body, true)?;
    let pong = serde_json::from_slice::<Value>(&answer)
        .ok()
        .and_then(|v| v["type"].as_u64());
    if status != 200 || pong != Some(1) {
        return Err(format!(
            "a signed PING got {status} {} instead of 200 {{\"type\":1}}",
            String::from_utf8_lossy(&answer)
                .chars()
                .take(100)
                .collect::<String>()
        ));
    }
    let (status, _) = post_signed(world, url, &body, false)?;
    if status != 401 {
        return Err(format!(
            "a request with an invalid signature got {status} instead of 401"
        ));
    }
    Ok(())
}
