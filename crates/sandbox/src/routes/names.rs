//! What name lookups ask that the rest of the sandbox did not serve: member search
//! (`GET /guilds/{id}/members/search`) and the current application (`GET /applications/@me`).
//! Kept in its own file so that a fuller member search elsewhere can replace it.

use serde_json::{json, Value};

use super::{field_error, id, limit, ok, unknown, Ctx, Reply};

/// Answers the routes above, `None` for any other.
pub fn route(ctx: &Ctx, method: &str, seg: &[&str]) -> Option<Reply> {
    match (method, seg) {
        ("GET", ["guilds", g, "members", "search"]) => Some(search(ctx, g)),
        ("GET", ["applications", "@me"]) => {
            let bot = ctx.world.bot_user();
            Some(ok(
                json!({"id": bot["id"], "name": bot["username"], "description": "",
                           "bot_public": true, "bot_require_code_grant": false, "bot": bot, "flags": 0}),
            ))
        }
        _ => None,
    }
}

/// Discord's Search Guild Members: members whose username or nickname starts with `query`
/// (any case), `limit` 1 to 1000 (default 1); `query` is required.
fn search(ctx: &Ctx, g: &str) -> Reply {
    let gid = id(g, "Guild")?;
    let Some(query) = ctx.req.query("query") else {
        return Err(field_error(
            "query",
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    };
    let query = query.to_lowercase();
    let limit = limit(ctx, 1, 1000)? as usize;
    let state = ctx.world.lock();
    let guild = state.guilds.get(&gid).ok_or_else(|| unknown("Guild"))?;
    let starts = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.to_lowercase().starts_with(&query))
    };
    let found: Vec<Value> = guild
        .members
        .values()
        .filter(|m| starts(&m["user"]["username"]) || starts(&m["nick"]))
        .take(limit)
        .cloned()
        .collect();
    ok(Value::Array(found))
}
