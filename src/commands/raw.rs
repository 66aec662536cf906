//! `discord get|post|put|patch|delete PATH`: raw requests. The request pipeline they share with
//! the typed commands, `send-message` and `batch` is [`crate::request`].
//!
//! Habits from neighbouring tools are met here: a piped stdin is the body (as in `xh`, and
//! `gh api --input -`), `-` as the body means stdin, and httpie's `key=value` / `key==value`
//! arguments are answered with the flag that does the same.

use std::io::{self, IsTerminal, Read};

use std::borrow::Cow;

use discord_protocol::webhook::WebhookUrl;

use crate::cli::RawArgs;
use crate::config::{Settings, DEFAULT_API_URL};
use crate::endpoints::{find_route, Auth};
use crate::request::{apply_request_args, execute};
use crate::rest::{Method, RequestSpec};
use crate::{Error, Result};

/// Runs a raw request command.
pub fn run(settings: &Settings, method: Method, args: RawArgs) -> Result<()> {
    let body = body_text(method, &args)?;
    let (settings, path) = webhook_target(settings, &args.path);
    let mut spec = RequestSpec::new(method, path);
    // A token in the path (a webhook's, an interaction's) authorizes by itself: the bot token
    // must not travel with it.
    let api_path = spec.path.split('?').next().unwrap_or_default().to_string();
    if find_route(method, &api_path).is_some_and(|e| e.auth == Auth::Never) {
        spec.auth = false;
    }
    apply_request_args(&mut spec, body.as_deref(), &args.request)?;
    execute(&settings, spec, &args.files, &args.page)
}

/// A webhook URL as Discord hands it out (`https://discord.com/api/webhooks/ID/TOKEN`) is taken
/// as the API path it names; it goes to its own host's API (canary, ptb, discordapp) unless an
/// API URL was chosen (`--api-url`, `--sandbox`), which wins.
pub(crate) fn webhook_target<'a>(
    settings: &'a Settings,
    path: &str,
) -> (Cow<'a, Settings>, String) {
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

/// The body argument's text: as given (after checking it is not httpie syntax), stdin for
/// `-`, or a piped stdin when a POST, PUT or PATCH has no other body. An empty stdin is no
/// body.
fn body_text(method: Method, args: &RawArgs) -> Result<Option<String>> {
    match args.body.as_deref() {
        Some("-") => return read_stdin().map(Some),
        Some(text) => {
            if let Some(hint) = httpie_hint(text) {
                return Err(Error::usage(hint));
            }
            return Ok(Some(text.to_string()));
        }
        None => {}
    }
    let r = &args.request;
    let other_body = r.data.is_some()
        || !r.raw_fields.is_empty()
        || !r.fields.is_empty()
        || !args.files.files.is_empty();
    let takes_body = matches!(method, Method::Post | Method::Put | Method::Patch);
    if !takes_body || other_body || args.ignore_stdin || io::stdin().is_terminal() {
        return Ok(None);
    }
    let text = read_stdin()?;
    Ok((!text.trim().is_empty()).then_some(text))
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).map_err(|e| {
        Error::usage(format!(
            "cannot read the body from stdin as UTF-8 text: {e}"
        ))
    })?;
    Ok(text)
}

/// The flag to use instead of an httpie/xh item (`content=hi`, `limit==5`, `tts:=true`,
/// `X-Trace:1`), when the body argument is one rather than JSON.
pub fn httpie_hint(text: &str) -> Option<String> {
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return None;
    }
    let is_key = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-[].".contains(c))
    };
    let hint = |flag: &str, key: &str, value: &str, what: &str| {
        Some(format!(
            "'{text}' is httpie syntax, not JSON; {what} here is {flag} '{key}={value}'"
        ))
    };
    if let Some((k, v)) = text.split_once("==").filter(|(k, _)| is_key(k)) {
        return hint("-q", k, v, "a query parameter");
    }
    if let Some((k, v)) = text.split_once(":=").filter(|(k, _)| is_key(k)) {
        return hint("-F", k, v, "a typed (JSON) field");
    }
    if let Some((k, v)) = text.split_once('=').filter(|(k, _)| is_key(k)) {
        return hint("-f", k, v, "a string field");
    }
    if let Some((k, v)) = text.split_once(':').filter(|(k, _)| is_key(k)) {
        return Some(format!(
            "'{text}' is httpie syntax, not JSON; a header here is -H '{k}: {}'",
            v.trim()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn httpie_items_get_the_matching_flag() {
        let h = |t: &str| httpie_hint(t).unwrap_or_default();
        assert!(h("content=hi").ends_with("a string field here is -f 'content=hi'"));
        assert!(h("limit==5").ends_with("a query parameter here is -q 'limit=5'"));
        assert!(h("tts:=true").ends_with("a typed (JSON) field here is -F 'tts=true'"));
        assert!(h("X-Trace:1").ends_with("a header here is -H 'X-Trace: 1'"));
        assert_eq!(httpie_hint(r#"{"content":"a=b"}"#), None);
        assert_eq!(httpie_hint("{not json"), None);
    }
}
