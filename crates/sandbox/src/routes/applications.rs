//! Application routes: `/applications/@me` (get, edit; setting `interactions_endpoint_url`
//! runs Discord's PING check), and application commands, global and per guild (list, create,
//! get, edit, delete, bulk overwrite), with Discord's validation and its limit of 200 command
//! creates a day (error 30034).

use serde_json::{json, Value};

use super::{done, error, id, ok, unknown, Ctx, FormErrors, Handler, Reply};
use crate::apps::{AppState, DAILY_CREATES};
use crate::http::Response;
use crate::state::now_ms;
use discord_protocol::endpoints::app_commands::{self as rules, Problem};

/// This module's operations (the guild and global command routes share handlers; the scope
/// comes from the path).
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-current-application", get_application),
    ("get-application", get_application),
    ("edit-current-application", edit_application),
    ("get-global-application-commands", list_commands),
    ("get-guild-application-commands", list_commands),
    ("create-global-application-command", create),
    ("create-guild-application-command", create),
    ("bulk-overwrite-global-application-commands", overwrite),
    ("bulk-overwrite-guild-application-commands", overwrite),
    ("get-global-application-command", get_command),
    ("get-guild-application-command", get_command),
    ("edit-global-application-command", edit),
    ("edit-guild-application-command", edit),
    ("delete-global-application-command", delete_command),
    ("delete-guild-application-command", delete_command),
];

/// Checks that the path's application (absent for `/applications/@me`, or `@me`) is the
/// sandbox's bot: Discord answers Unknown Application (10002) for any other.
fn check_application(ctx: &Ctx) -> Result<(), Response> {
    let app = match ctx.param("application_id") {
        "" | "@me" => return Ok(()),
        other => id(other, "Application")?,
    };
    if app == ctx.world.bot_id() {
        Ok(())
    } else {
        Err(error(404, 10002, "Unknown Application"))
    }
}

/// The commands' scope the path names: a guild (which must exist), or global (None).
fn scope(ctx: &Ctx) -> Result<Option<u64>, Response> {
    check_application(ctx)?;
    match ctx.param("guild_id") {
        "" => Ok(None),
        g => {
            let guild = id(g, "Guild")?;
            if !ctx.world.lock().guilds.contains_key(&guild) {
                return Err(unknown("Guild"));
            }
            Ok(Some(guild))
        }
    }
}

fn get_application(ctx: &Ctx) -> Reply {
    check_application(ctx)?;
    ok(ctx.world.apps.application(&ctx.world.bot_user()))
}

/// Keys `PATCH /applications/@me` changes (the ones the sandbox shows back).
const EDITABLE: &[&str] = &[
    "description",
    "icon",
    "cover_image",
    "interactions_endpoint_url",
    "role_connections_verification_url",
    "tags",
    "install_params",
    "custom_install_url",
    "flags",
    "event_webhooks_url",
];

fn edit_application(ctx: &Ctx) -> Reply {
    let mut errors = FormErrors::default();
    errors.string(&ctx.body, "description", 0, 400);
    errors.string(&ctx.body, "interactions_endpoint_url", 0, 2048);
    errors.result()?;
    if let Some(url) = ctx
        .body
        .get("interactions_endpoint_url")
        .and_then(Value::as_str)
    {
        if !url.is_empty() {
            // Discord refuses a URL whose server does not pass its checks (Receiving and
            // Responding > Security and Authorization): a signed PING must be answered with
            // PONG, and a request with a bad signature must be refused.
            if let Err(why) = crate::interactions::check_endpoint(ctx.world, url) {
                let message =
                    format!("The specified interactions endpoint url could not be verified: {why}");
                return Err(super::field_error(
                    "interactions_endpoint_url",
                    "APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID",
                    &message,
                ));
            }
        }
    }
    {
        let mut state = ctx.world.apps.lock();
        for key in EDITABLE {
            if let Some(v) = ctx.body.get(*key) {
                let v = if v.as_str() == Some("") {
                    Value::Null
                } else {
                    v.clone()
                };
                state.edits.insert((*key).to_string(), v);
            }
        }
    }
    ok(ctx.world.apps.application(&ctx.world.bot_user()))
}

fn list_commands(ctx: &Ctx) -> Reply {
    let guild = scope(ctx)?;
    let localized = ctx.req.query("with_localizations") == Some("true");
    let list = ctx.world.apps.lock().scope(guild);
    ok(Value::Array(
        list.into_iter().map(|c| shown(c, localized)).collect(),
    ))
}

fn get_command(ctx: &Ctx) -> Reply {
    let guild = scope(ctx)?;
    ok(shown(find(ctx, guild)?.1, true))
}

fn delete_command(ctx: &Ctx) -> Reply {
    let guild = scope(ctx)?;
    let (cid, _) = find(ctx, guild)?;
    ctx.world.apps.lock().commands.remove(&cid);
    done()
}

/// A stored command as the API returns it: without localization dictionaries unless asked for
/// with `with_localizations=true` (then `name_localized` is left out).
fn shown(mut command: Value, localized: bool) -> Value {
    if !localized {
        if let Some(o) = command.as_object_mut() {
            o.remove("name_localizations");
            o.remove("description_localizations");
        }
    }
    command
}

/// The command the path's `command_id` names, in this scope: its id and stored object.
fn find(ctx: &Ctx, guild: Option<u64>) -> Result<(u64, Value), Response> {
    let cid = ctx.id("command_id", "Application Command")?;
    match ctx.world.apps.lock().commands.get(&cid) {
        Some((g, c)) if *g == guild => Ok((cid, c.clone())),
        _ => Err(unknown_command()),
    }
}

fn unknown_command() -> Response {
    error(404, 10063, "Unknown application command")
}

/// Discord's 400 for field problems, with each problem under its path (`options.0.name`,
/// prefixed with the command's index for a bulk overwrite).
fn invalid(problems: &[(Option<usize>, Problem)]) -> Response {
    let mut errors = FormErrors::default();
    for (index, p) in problems {
        let field = p.field.replace('[', ".").replace(']', "");
        let path = match (index, field.is_empty()) {
            (Some(i), true) => i.to_string(),
            (Some(i), false) => format!("{i}.{field}"),
            (None, true) => "_".to_string(),
            (None, false) => field,
        };
        errors.push(&path, "APPLICATION_COMMAND_INVALID", &p.message);
    }
    errors.response()
}

/// Error 30034, when a day's creates in this scope are used up.
fn too_many_creates() -> Response {
    error(
        400,
        30034,
        &format!(
            "Max number of daily application command creates has been reached ({DAILY_CREATES})"
        ),
    )
}

/// The stored form of a command: Discord's defaults filled in, plus its ids and version.
fn stored(ctx: &Ctx, body: &Value, cid: u64, guild: Option<u64>) -> Value {
    let mut c = rules::canonical(body);
    c["id"] = json!(cid.to_string());
    c["application_id"] = json!(ctx.world.bot_id().to_string());
    c["version"] = json!(ctx.world.next_id().to_string());
    if let Some(g) = guild {
        c["guild_id"] = json!(g.to_string());
    }
    c
}

/// The id of the command with this name and type in the scope, if any.
fn same_name(state: &AppState, guild: Option<u64>, body: &Value) -> Option<u64> {
    state.commands.iter().find_map(|(id, (g, c))| {
        (*g == guild
            && c["name"] == body["name"]
            && rules::command_type(c) == rules::command_type(body))
        .then_some(*id)
    })
}

fn create(ctx: &Ctx) -> Reply {
    let guild = scope(ctx)?;
    let problems: Vec<_> = rules::validate(&ctx.body)
        .into_iter()
        .map(|p| (None, p))
        .collect();
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let mut state = ctx.world.apps.lock();
    // A create with the name of an existing command of the same type replaces it, keeping
    // its id ("Create Global Application Command"); only new commands count as creates.
    if let Some(existing) = same_name(&state, guild, &ctx.body) {
        let command = stored(ctx, &ctx.body, existing, guild);
        state.commands.insert(existing, (guild, command.clone()));
        return ok(command);
    }
    let now = now_ms();
    if state.creates_today(guild, now) >= DAILY_CREATES {
        return Err(too_many_creates());
    }
    let chat_input = |c: &Value| rules::command_type(c) == rules::CHAT_INPUT;
    if guild.is_none()
        && chat_input(&ctx.body)
        && state.scope(None).iter().filter(|c| chat_input(c)).count()
            >= rules::MAX_GLOBAL_CHAT_INPUT
    {
        return Err(error(
            400,
            30032,
            "Maximum number of application commands reached (100)",
        ));
    }
    let cid = ctx.world.next_id();
    let command = stored(ctx, &ctx.body, cid, guild);
    state.commands.insert(cid, (guild, command.clone()));
    state.creates.push((now, guild));
    Ok(Response::json(201, &command))
}

fn edit(ctx: &Ctx) -> Reply {
    let guild = scope(ctx)?;
    let (cid, old) = find(ctx, guild)?;
    // A PATCH changes only the fields it names.
    let mut merged = old.clone();
    if let (Some(m), Some(b)) = (merged.as_object_mut(), ctx.body.as_object()) {
        for (k, v) in b {
            m.insert(k.clone(), v.clone());
        }
    }
    let problems: Vec<_> = rules::validate(&merged)
        .into_iter()
        .map(|p| (None, p))
        .collect();
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let command = stored(ctx, &merged, cid, guild);
    ctx.world
        .apps
        .lock()
        .commands
        .insert(cid, (guild, command.clone()));
    ok(command)
}

/// Bulk overwrite: the scope becomes exactly the given list. Commands matched by id, or by
/// name and type, keep their id (and count as no create); the rest are created, and all of it
/// is refused if that would pass the day's creates.
fn overwrite(ctx: &Ctx) -> Reply {
    let guild = scope(ctx)?;
    let Some(list) = ctx.body.as_array() else {
        return Err(error(400, 50035, "Invalid Form Body"));
    };
    let problems: Vec<_> = rules::validate_set(list, guild.is_none())
        .into_iter()
        .map(|(i, _, p)| (Some(i), p))
        .collect();
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let mut state = ctx.world.apps.lock();
    let mut plan = Vec::new();
    for body in list {
        let by_id = body["id"]
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|i| state.commands.get(i).is_some_and(|(g, _)| *g == guild));
        plan.push((by_id.or_else(|| same_name(&state, guild, body)), body));
    }
    let new = plan.iter().filter(|(id, _)| id.is_none()).count();
    let now = now_ms();
    if new > 0 && state.creates_today(guild, now) + new > DAILY_CREATES {
        return Err(too_many_creates());
    }
    state.commands.retain(|_, (g, _)| *g != guild);
    let mut out = Vec::new();
    for (existing, body) in plan {
        let cid = existing.unwrap_or_else(|| {
            state.creates.push((now, guild));
            ctx.world.next_id()
        });
        let command = stored(ctx, body, cid, guild);
        state.commands.insert(cid, (guild, command.clone()));
        out.push(command);
    }
    ok(Value::Array(out))
}
