//! The sandbox's router. A request under `/api/v10` is matched against the endpoint table
//! ([`discord_protocol::endpoints::find_route`]); the operation it names is answered by the
//! handler registered under that name in one of the per-resource modules below, or with a 501
//! saying the sandbox does not implement it. A path no operation has is a 404. Before the
//! handler: the token check, injected faults, rate limits (bucketed by operation name),
//! Discord's permission checks and the body; after it, the request log. Admin routes under
//! `/_sandbox/` are in [`admin`].
//!
//! To add a route: write `fn handler(ctx: &Ctx) -> Reply` in the resource's module and list it
//! in that module's `HANDLERS` under its endpoint name.

mod admin;
mod applications;
mod audit;
mod bans;
mod channels;
mod emojis;
mod gateway;
mod guilds;
pub mod interactions;
mod invites;
mod lookup;
mod members;
pub(crate) mod messages;
mod permissions;
pub(crate) mod reactions;
pub mod reply;
mod request;
mod roles;
mod threads;
mod users;
mod webhooks;

use serde_json::{json, Value};

pub use reply::*;

use super::http::{decode, Request, Response};
use super::multipart::Part;
use super::ratelimit;
use super::state::World;
use discord_protocol::endpoints::{find_route, Auth, Endpoint, ENDPOINTS};
use discord_protocol::Method;

/// The API prefix the sandbox serves.
pub const API_PREFIX: &str = "/api/v10";

/// A handler: answers one operation.
pub type Handler = fn(&Ctx) -> Reply;

/// Every resource module's handlers, by endpoint name.
const RESOURCES: &[&[(&str, Handler)]] = &[
    users::HANDLERS,
    gateway::HANDLERS,
    guilds::HANDLERS,
    members::HANDLERS,
    roles::HANDLERS,
    bans::HANDLERS,
    emojis::HANDLERS,
    audit::HANDLERS,
    channels::HANDLERS,
    messages::HANDLERS,
    reactions::HANDLERS,
    threads::HANDLERS,
    webhooks::HANDLERS,
    invites::HANDLERS,
    applications::HANDLERS,
    interactions::HANDLERS,
];

/// What a handler sees of a request.
pub struct Ctx<'a> {
    /// The world.
    pub world: &'a World,
    /// The request.
    pub req: &'a Request,
    /// The operation the request's method and path name.
    pub endpoint: &'static Endpoint,
    /// The path's `{placeholder}` values, percent-decoded once, by name.
    pub params: Vec<(&'static str, String)>,
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

    /// A path parameter's value (empty if the route has no such placeholder).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A path parameter that must be a snowflake; Discord's `Unknown {what}` 404 otherwise.
    pub fn id(&self, name: &str, what: &str) -> Result<u64, Response> {
        id(self.param(name), what)
    }

    /// A user id parameter where `@me` stands for the bot.
    pub fn user_or_me(&self, name: &str, what: &str) -> Result<u64, Response> {
        match self.param(name) {
            "@me" => Ok(self.world.bot_id()),
            other => id(other, what),
        }
    }

    /// The audit log reason sent in `X-Audit-Log-Reason` (percent-decoded, as Discord reads it).
    pub fn reason(&self) -> Option<String> {
        self.req.header("x-audit-log-reason").map(decode)
    }
}

/// The handler registered under an endpoint name.
pub fn handler(name: &str) -> Option<Handler> {
    RESOURCES
        .iter()
        .flat_map(|r| r.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, h)| *h)
}

/// The operations the sandbox implements, in the table's order.
pub fn implemented() -> Vec<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .filter(|e| handler(e.name).is_some())
        .collect()
}

/// Answers one request.
pub fn handle(world: &World, req: &Request) -> Response {
    if let Some(admin_path) = req.path.strip_prefix("/_sandbox") {
        return admin::admin(world, req, admin_path);
    }
    if let (Some(file), "GET") = (req.path.strip_prefix("/cdn/"), req.method.as_str()) {
        return world.cdn.serve(file, &req.query);
    }
    let Some(api_path) = req.path.strip_prefix(API_PREFIX) else {
        return not_found();
    };
    let response = route(world, req, api_path);
    world
        .faults
        .record(request::log_entry(req, api_path, &response));
    response
}

fn method_of(name: &str) -> Option<Method> {
    [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ]
    .into_iter()
    .find(|m| m.as_str() == name)
}

fn route(world: &World, req: &Request, api_path: &str) -> Response {
    let method = req.method.as_str();
    let endpoint = method_of(method).and_then(|m| find_route(m, api_path));
    // What Discord serves without a bot token (the gateway URL, an invite, webhooks addressed
    // with their own token) is the table's `auth` other than Required.
    let public = endpoint.is_some_and(|e| e.auth != Auth::Required);
    let auth = req.header("authorization").unwrap_or("");
    // Bot tokens as Discord expects them; an OAuth2 bearer token is accepted as the same
    // identity so `--bearer` can be tried (the request log records which scheme came).
    let authorized =
        auth == format!("Bot {}", world.token()) || auth == format!("Bearer {}", world.token());
    if !public && !authorized {
        return error(401, 0, "401: Unauthorized");
    }
    if let Some(fault) = world.faults.take(method, api_path) {
        return fault.response();
    }
    let captures = endpoint
        .and_then(|e| e.captures(api_path))
        .unwrap_or_default();
    let verdict = world.limits.check(
        endpoint.map(|e| e.name),
        &ratelimit::major_of(&captures),
        if authorized { "bot" } else { "anon" },
    );
    let mut response = if let Some((retry_after, global)) = verdict.refused {
        rate_limited(retry_after, global)
    } else {
        match endpoint {
            None if method == "POST" && api_path == REFRESH_URLS => {
                refresh_urls(world, req).unwrap_or_else(|e| e)
            }
            None => not_found(),
            Some(endpoint) => run(world, req, endpoint, api_path).unwrap_or_else(|e| e),
        }
    };
    if endpoint.is_none_or(|e| e.name != "get-gateway") {
        response.headers.extend(verdict.headers);
    }
    response
}

/// Discord's route for fresh signed attachment URLs, which its OpenAPI description (and so
/// the endpoint table) lacks; the sandbox serves it beside the table.
const REFRESH_URLS: &str = "/attachments/refresh-urls";

/// `POST /attachments/refresh-urls`: fresh signed URLs for the CDN's `attachment_urls`.
fn refresh_urls(world: &World, req: &Request) -> Reply {
    let (body, _) = request::parse_body(req)?;
    world.cdn.refresh(&body).map(|v| Response::json(200, &v))
}

/// Discord's 429 for a request the sandbox's buckets refused.
fn rate_limited(retry_after: f64, global: bool) -> Response {
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
}

/// Runs the operation's handler, or answers that the sandbox does not implement it.
fn run(world: &World, req: &Request, endpoint: &'static Endpoint, api_path: &str) -> Reply {
    let Some(handler) = handler(endpoint.name) else {
        return Err(not_implemented(endpoint));
    };
    let params = endpoint
        .captures(api_path)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| (name, decode(value)))
        .collect();
    let (body, files) = request::parse_body(req)?;
    let ctx = Ctx {
        world,
        req,
        endpoint,
        params,
        body,
        files,
    };
    permissions::check(&ctx)?;
    handler(&ctx)
}

/// The 501 for an operation Discord has and the sandbox does not, in Discord's error shape,
/// naming the operation so that it cannot be mistaken for a wrong id.
pub fn not_implemented(endpoint: &Endpoint) -> Response {
    error(
        501,
        0,
        &format!(
            "the sandbox does not implement {} ({} {})",
            endpoint.name,
            endpoint.method.as_str(),
            endpoint.path
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_handler_is_registered_once_under_a_table_name() {
        let mut seen = HashSet::new();
        for (name, _) in RESOURCES.iter().flat_map(|r| r.iter()) {
            assert!(
                ENDPOINTS.iter().any(|e| e.name == *name),
                "{name} is not an endpoint name"
            );
            assert!(seen.insert(*name), "{name} is registered twice");
        }
        assert_eq!(implemented().len(), seen.len());
    }

    #[test]
    fn unimplemented_operations_say_which_in_discords_shape() {
        let emojis = ENDPOINTS
            .iter()
            .find(|e| e.name == "list-sticker-packs")
            .unwrap();
        let r = not_implemented(emojis);
        assert_eq!(r.status, 501);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            v["message"],
            "the sandbox does not implement list-sticker-packs (GET /sticker-packs)"
        );
        assert_eq!(v["code"], 0);
    }

    #[test]
    fn every_operation_is_reached_by_its_own_path() {
        for e in ENDPOINTS {
            let sample = e.path_params.iter().fold(e.path.to_string(), |p, f| {
                p.replace(&format!("{{{}}}", f.name), "1")
            });
            let found = find_route(e.method, &sample).map(|f| f.name);
            assert_eq!(found, Some(e.name), "{} {}", e.method.as_str(), sample);
            let values: Vec<&str> = e.captures(&sample).unwrap().iter().map(|c| c.1).collect();
            assert_eq!(values, vec!["1"; e.path_params.len()], "{}", e.name);
        }
    }

    #[test]
    fn methods_are_read_exactly() {
        assert_eq!(method_of("PATCH"), Some(Method::Patch));
        assert_eq!(method_of("patch"), None);
        assert_eq!(method_of("OPTIONS"), None);
    }
}
