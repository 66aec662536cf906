//! Gateway discovery: the URL, and for a bot the shard count and session start limit.

use serde_json::json;

use super::{ok, Ctx, Handler, Reply};

/// This module's operations.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get-gateway", get_gateway),
    ("get-gateway-bot", get_gateway_bot),
];

fn get_gateway(ctx: &Ctx) -> Reply {
    ok(json!({"url": ctx.world.gateway_url}))
}

fn get_gateway_bot(ctx: &Ctx) -> Reply {
    ok(crate::gateway::gateway_bot(ctx.world))
}
