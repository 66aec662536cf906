//! `discord get|post|put|patch|delete PATH`: raw requests. The request pipeline they share with
//! the typed commands, `send-message` and `batch` is [`crate::request`].

use std::borrow::Cow;

use discord_protocol::webhook::WebhookUrl;

use crate::cli::RawArgs;
use crate::config::{Settings, DEFAULT_API_URL};
use crate::endpoints::{find_route, Auth};
use crate::request::{apply_request_args, execute};
use crate::rest::{Method, RequestSpec};
use crate::Result;

/// Runs a raw request command.
pub fn run(settings: &Settings, method: Method, args: RawArgs) -> Result<()> {
    let (settings, path) = webhook_target(settings, &args.path);
    let mut spec = RequestSpec::new(method, path);
    // A token in the path (a webhook's, an interaction's) authorizes by itself: the bot token
    // must not travel with it.
    let api_path = spec.path.split('?').next().unwrap_or_default().to_string();
    if find_route(method, &api_path).is_some_and(|e| e.auth == Auth::Never) {
        spec.auth = false;
    }
    apply_request_args(&mut spec, args.body.as_deref(), &args.request)?;
    execute(&settings, spec, &args.files, &args.page)
}

/// A webhook URL as Discord hands it out (`https://discord.com/api/webhooks/ID/TOKEN`) is taken
/// as the API path it names; it goes to its own host's API (canary, ptb, discordapp) unless an
/// API URL was chosen (`--api-url`, `--sandbox`), which wins.
fn webhook_target<'a>(settings: &'a Settings, path: &str) -> (Cow<'a, Settings>, String) {
    match WebhookUrl::parse(path) {
        Some(w) if settings.api_url == DEFAULT_API_URL => {
            let mut own = settings.clone();
            own.api_url = w.api_base.clone();
            (Cow::Owned(own), w.api_path())
        }
        Some(w) => (Cow::Borrowed(settings), w.api_path()),
        None => (Cow::Borrowed(settings), path.to_string()),
    }
}
