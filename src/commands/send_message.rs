//! `discord send-message CHANNEL [CONTENT]`: the everyday way to post a message, with content
//! from stdin, embeds, components, polls, stickers, files, replies, threads, direct messages,
//! webhooks (`--webhook URL`, `DISCORD_WEBHOOK_URL`), and `--split` for text over Discord's
//! 2000-character limit.

use std::io::{self, IsTerminal, Read};

use serde_json::{json, Map, Value};

use discord_protocol::webhook::WebhookUrl;

use super::typed;
use crate::cli::{FileArgs, PageArgs, SendMessageArgs};
use crate::config::Settings;
use crate::endpoints::Kind;
use crate::names::{self, Scope, Target};
use crate::rest::url::encode_segment;
use crate::rest::{Method, RequestSpec};
use crate::{Error, Result};

/// The most characters Discord accepts in one message's content.
pub const MAX_CONTENT: usize = 2000;

/// Message flag SUPPRESS_NOTIFICATIONS: no push or desktop notification.
const SUPPRESS_NOTIFICATIONS: u64 = 1 << 12;

/// The environment variable naming the webhook `send-message` uses when no target is given.
pub const WEBHOOK_ENV: &str = "DISCORD_WEBHOOK_URL";

/// Where the path of a `--dm` message stands until the DM channel is known.
const DM_PLACEHOLDER: &str = "/channels/{dm_channel_id}/messages";

/// Sends the message (or, with `--split`, the messages in order).
pub fn run(settings: &Settings, mut args: SendMessageArgs) -> Result<()> {
    prepare(&mut args)?;
    // A webhook URL goes to its own host's API unless an API URL was chosen, as in raw paths.
    let settings = match &args.webhook {
        Some(url) => super::raw::webhook_target(settings, url).0,
        None => std::borrow::Cow::Borrowed(settings),
    };
    let settings = settings.as_ref();
    let nothing_else = args.embeds.is_empty()
        && args.files.files.is_empty()
        && args.components.is_none()
        && args.poll.is_none()
        && args.stickers.is_empty()
        && args.request.data.is_none()
        && args.request.raw_fields.is_empty()
        && args.request.fields.is_empty();
    let piped = args.content.is_none() && nothing_else && !io::stdin().is_terminal();
    if args.content.as_deref() == Some("-") || piped {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::usage(format!("could not read the content from stdin: {e}")))?;
        // The newline a shell pipeline ends with is not part of the message.
        args.content = Some(text.trim_end_matches(['\n', '\r']).to_string());
        args.content_from_stdin = true;
    }
    let dm_path = match args.dm.as_deref() {
        Some(user) => Some(dm_channel_path(settings, user)?),
        None => None,
    };
    let send = |spec| {
        crate::request::execute_reporting(
            settings,
            spec,
            &FileArgs::default(),
            &PageArgs::default(),
        )
    };
    // A part that was sent but could not be printed (a --jq error, a closed stdout) does not
    // stop the others: the message is sent whole, and the first such problem reported after.
    // Only the first request may be tried again after a stale channel name: once a part of a
    // split message went out, repeating would send it twice.
    let (mut printing, rest) = names::retry(|| {
        let mut specs = requests(&args)?;
        if let Some(path) = &dm_path {
            for spec in &mut specs {
                spec.path = path.clone();
            }
        }
        let mut specs = specs.into_iter();
        let problem = match specs.next() {
            Some(first) => send(first)?,
            None => None,
        };
        Ok((problem, specs))
    })?;
    for spec in rest {
        printing = printing.or(send(spec)?);
    }
    printing.map_or(Ok(()), Err)
}

/// With `--dm` or `--webhook`, the one positional is the content: `send-message --dm USER 'hi'`.
/// Without a target, `DISCORD_WEBHOOK_URL` is the webhook.
pub fn prepare(args: &mut SendMessageArgs) -> Result<()> {
    let env = std::env::var(WEBHOOK_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty());
    prepare_with(args, env)
}

/// [`prepare`], given the value of `DISCORD_WEBHOOK_URL`.
pub fn prepare_with(args: &mut SendMessageArgs, env_webhook: Option<String>) -> Result<()> {
    if let Some(url) = env_webhook.filter(|_| args.webhook.is_none() && args.dm.is_none()) {
        match (&args.channel, &args.content) {
            (Some(one), None) if looks_like_channel(one) => {
                return Err(Error::usage(format!(
                    "{} could be the channel or the message for {WEBHOOK_ENV}: give CHANNEL CONTENT to post in the channel, or --webhook \"${WEBHOOK_ENV}\" CONTENT to send it through the webhook",
                    crate::error::shown(one)
                )))
            }
            (_, None) => {
                check_webhook_url(&url, WEBHOOK_ENV)?;
                args.webhook = Some(url);
            }
            // A channel and a message: the channel is the target.
            (_, Some(_)) => {}
        }
    }
    if let Some(url) = &args.webhook {
        check_webhook_url(url, "--webhook")?;
        if args.content.is_some() {
            return Err(Error::usage(
                "with --webhook URL give only the CONTENT, not a channel: the webhook posts to its own channel",
            ));
        }
        let refused = [
            (args.reply_to.is_some(), "--reply-to"),
            (!args.stickers.is_empty(), "--sticker"),
        ];
        if let Some((_, flag)) = refused.iter().find(|(given, _)| *given) {
            return Err(Error::usage(format!(
                "{flag} does not work through a webhook (Discord's Execute Webhook takes no such field); send it with a bot token to a channel"
            )));
        }
        args.content = args.channel.take();
        return Ok(());
    }
    if args.dm.is_some() {
        if args.content.is_some() {
            return Err(Error::usage(
                "with --dm USER_ID give only the CONTENT, not a channel: the DM channel is found from the user",
            ));
        }
        if args.thread.is_some() {
            return Err(Error::usage("--dm and --thread cannot be combined"));
        }
        args.content = args.channel.take();
    }
    Ok(())
}

/// Whether a lone positional reads as a channel (an id, `#name`, `guild/#name`, `<#id>`, a
/// channel link) rather than as a message.
fn looks_like_channel(text: &str) -> bool {
    let t = text.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        || t.starts_with('#')
        || t.starts_with("<#")
        || t.contains("/#")
        || t.contains("discord.com/channels/")
}

/// Checks a webhook URL without ever echoing it: it carries the webhook's token.
fn check_webhook_url(url: &str, from: &str) -> Result<WebhookUrl> {
    match WebhookUrl::parse(url.trim()) {
        Some(w) if w.rest.is_empty() => Ok(w),
        Some(_) => Err(Error::usage(format!(
            "{from} must be the webhook's own URL (https://discord.com/api/webhooks/ID/TOKEN), without a path after the token"
        ))),
        None => Err(Error::usage(format!(
            "{from} is not a webhook URL as Discord gives it: https://discord.com/api/webhooks/ID/TOKEN (Server Settings > Integrations > Webhooks > Copy Webhook URL)"
        ))),
    }
}

/// Where a message goes: the path, and for a webhook the query it carries and the fact that
/// the token in the path authorizes it.
struct Destination {
    path: String,
    query: Vec<(String, String)>,
    webhook: bool,
}

/// The destination of the message: the webhook, the DM channel (a placeholder until it is
/// opened), or the channel or its thread (a thread is a channel of its own: its messages are
/// posted to it directly).
fn destination(args: &SendMessageArgs, scope: &mut Scope) -> Result<Destination> {
    if args.webhook.is_some() {
        return webhook_destination(args, scope);
    }
    let path = match (&args.dm, &args.thread, &args.channel) {
        (Some(_), _, _) => DM_PLACEHOLDER.to_string(),
        (None, thread, Some(channel)) => {
            let channel =
                names::resolve_id(Target::Channel, "<CHANNEL_ID>", channel, scope)?.to_string();
            let target = match thread {
                Some(t) => names::resolve_id(Target::Channel, "--thread", t, scope)?.to_string(),
                None => channel,
            };
            format!("/channels/{}/messages", encode_segment(&target))
        }
        (None, _, None) => {
            return Err(Error::usage(format!(
                "give a CHANNEL_ID, --dm USER_ID or --webhook URL (or set {WEBHOOK_ENV})"
            )))
        }
    };
    Ok(Destination {
        path,
        query: Vec::new(),
        webhook: false,
    })
}

/// A webhook message goes to Execute Webhook with `wait=true` (so Discord answers with the
/// message, as a channel post does) and the thread, from `--thread` or the URL's own
/// `?thread_id=`.
fn webhook_destination(args: &SendMessageArgs, scope: &mut Scope) -> Result<Destination> {
    let url = args.webhook.as_deref().unwrap_or_default();
    let w = check_webhook_url(url, "--webhook")?;
    let mut query = vec![("wait".to_string(), "true".to_string())];
    for pair in w.query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k != "wait" {
            query.push((k.to_string(), v.to_string()));
        }
    }
    if let Some(thread) = &args.thread {
        if query.iter().any(|(k, _)| k == "thread_id") {
            return Err(Error::usage(
                "the webhook URL already names a thread (?thread_id=); leave out --thread or the URL's thread_id",
            ));
        }
        let id = names::resolve_id(Target::Channel, "--thread", thread, scope)?.to_string();
        query.push(("thread_id".to_string(), id));
    }
    let path = format!(
        "/webhooks/{}/{}",
        encode_segment(&w.id),
        encode_segment(&w.token)
    );
    Ok(Destination {
        path,
        query,
        webhook: true,
    })
}

/// Opens (or reuses: Discord answers the existing one) the DM channel with `user` and returns
/// the path its messages are posted to. With `--dry-run` the request is shown and the path
/// keeps a placeholder.
fn dm_channel_path(settings: &Settings, user: &str) -> Result<String> {
    let user = names::resolve_id(Target::User, "--dm", user, &mut Scope::default())?.to_string();
    let mut open = RequestSpec::new(Method::Post, "/users/@me/channels");
    open.body = Some(json!({ "recipient_id": user }));
    let client = settings.client()?;
    if settings.dry_run {
        crate::output::write_stdout(client.describe(&open)?.as_bytes())?;
        return Ok(DM_PLACEHOLDER.to_string());
    }
    let channel = client.send(&open)?.json()?;
    let id = channel.get("id").and_then(Value::as_str).ok_or_else(|| {
        Error::new(
            crate::ErrorKind::Api,
            "opening the DM channel gave no channel id",
        )
    })?;
    Ok(format!("/channels/{}/messages", encode_segment(id)))
}

/// The arguments of `send-message CHANNEL --reply-to MESSAGE --split`, for programs that
/// reply with text they did not get from a person (`listen --exec --reply`).
pub fn reply_args(channel: &str, message: &str) -> Result<SendMessageArgs> {
    #[derive(clap::Parser)]
    struct Line {
        #[command(flatten)]
        args: SendMessageArgs,
    }
    let argv = ["send-message", channel, "--reply-to", message, "--split"];
    <Line as clap::Parser>::try_parse_from(argv)
        .map(|line| line.args)
        .map_err(|e| Error::usage(format!("cannot reply to message {message}: {e}")))
}

/// The checked requests that send the message: one, or with `--split` one per part, in order.
/// The content is taken as it stands (the caller has already read a '-' from stdin); embeds,
/// components, poll, stickers, files and the `-f`/`-F`/`--body` fields ride on the last
/// request. A `--dm` message's path is a placeholder the caller replaces.
pub fn requests(args: &SendMessageArgs) -> Result<Vec<RequestSpec>> {
    let mut scope = Scope::default();
    let destination = destination(args, &mut scope)?;
    let path = destination.path.clone();
    if args.request.reason.is_some() {
        return Err(Error::usage(
            "send-message takes no audit log reason; leave out --reason",
        ));
    }
    let content = args.content.clone().filter(|c| !c.is_empty());
    // The nested fields are checked against the operation that sends them.
    let operation = if destination.webhook {
        "execute-webhook"
    } else {
        "create-message"
    };
    let extras = extras(args, operation)?;
    let chunks = match content {
        None => vec![None],
        Some(text) if text.chars().count() <= MAX_CONTENT => vec![Some(text)],
        Some(text) if args.split => split(&text, MAX_CONTENT).into_iter().map(Some).collect(),
        Some(text) => {
            return Err(Error::usage(format!(
                "the message is {} characters long and Discord accepts at most {MAX_CONTENT}; pass --split to send it as several messages",
                text.chars().count()
            )))
        }
    };
    let mentions = allowed_mentions(args)?;
    if let (Some(m), Some(_)) = (&mentions, &args.allowed_mentions) {
        typed::nested_value(operation, "allowed_mentions", "--allowed-mentions", m)?;
    }
    let reply_to = args
        .reply_to
        .as_deref()
        .map(|id| names::resolve_id(Target::Message, "--reply-to", id, &mut scope))
        .transpose()?
        .map(|id| id.to_string());
    let last = chunks.len() - 1;
    let mut specs = Vec::with_capacity(chunks.len());
    for (i, chunk) in chunks.into_iter().enumerate() {
        let mut body = Map::new();
        if let Some(text) = chunk {
            body.insert("content".into(), Value::String(text));
        }
        if args.tts {
            body.insert("tts".into(), Value::Bool(true));
        }
        if args.silent {
            body.insert("flags".into(), json!(SUPPRESS_NOTIFICATIONS));
        }
        if let Some(m) = &mentions {
            body.insert("allowed_mentions".into(), m.clone());
        }
        // A split message reads as one: the reply is the first part, the rest follows the last.
        if i == 0 {
            if let Some(id) = &reply_to {
                body.insert("message_reference".into(), json!({ "message_id": id }));
            }
        }
        let mut spec = RequestSpec::new(Method::Post, path.clone());
        if destination.webhook {
            // The token in the path authorizes; the bot token must not travel with it.
            spec.auth = false;
            spec.query = destination.query.clone();
        }
        if i == last {
            body.extend(extras.clone());
            spec.body = Some(Value::Object(body));
            crate::request::apply_request_args(&mut spec, None, &args.request)?;
            spec.files = args.files.files.clone();
        } else {
            spec.body = Some(Value::Object(body));
        }
        specs.push(spec);
    }
    let says_something = |s: &RequestSpec| {
        !s.files.is_empty()
            || s.body.as_ref().and_then(Value::as_object).is_some_and(|b| {
                ["content", "embeds", "components", "poll", "sticker_ids"]
                    .iter()
                    .any(|k| b.contains_key(*k))
            })
    };
    if !specs.iter().any(says_something) {
        return Err(Error::usage(
            "nothing to send: give CONTENT ('-' reads stdin), --embed, --components, --poll, --sticker or --file",
        ));
    }
    Ok(specs)
}

fn snowflake(label: &str, text: &str) -> Result<String> {
    let value = typed::parse_value(Kind::Snowflake, label, text)?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// The body fields of `--embed`, `--components`, `--poll` and `--sticker`, checked against the
/// nested schemas of `operation` (the one that sends them).
fn extras(args: &SendMessageArgs, operation: &str) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    let embeds = args
        .embeds
        .iter()
        .map(|text| {
            json_of(
                "--embed",
                text,
                "an embed is a JSON object like '{\"title\":\"hi\"}'",
                Value::is_object,
            )
        })
        .collect::<Result<Vec<Value>>>()?;
    if embeds.len() > 10 {
        return Err(Error::usage("a message takes at most 10 embeds"));
    }
    if !embeds.is_empty() {
        let embeds = Value::Array(embeds);
        typed::nested_value(operation, "embeds", "--embed", &embeds)?;
        out.insert("embeds".into(), embeds);
    }
    if let Some(text) = &args.components {
        let why =
            "components are a JSON array of action rows like '[{\"type\":1,\"components\":[...]}]'";
        let components = json_of("--components", text, why, Value::is_array)?;
        typed::nested_value(operation, "components", "--components", &components)?;
        out.insert("components".into(), components);
    }
    if let Some(text) = &args.poll {
        let why = "a poll is a JSON object like '{\"question\":{\"text\":\"Lunch?\"},\"answers\":[{\"poll_media\":{\"text\":\"Pizza\"}}]}'";
        let poll = json_of("--poll", text, why, Value::is_object)?;
        typed::nested_value(operation, "poll", "--poll", &poll)?;
        out.insert("poll".into(), poll);
    }
    // Discord's docs (Create Message): sticker_ids takes up to 3 stickers.
    if args.stickers.len() > 3 {
        return Err(Error::usage("a message takes at most 3 stickers"));
    }
    if !args.stickers.is_empty() {
        let ids = args
            .stickers
            .iter()
            .map(|s| snowflake("--sticker", s).map(Value::String))
            .collect::<Result<Vec<Value>>>()?;
        out.insert("sticker_ids".into(), Value::Array(ids));
    }
    Ok(out)
}

/// Parses a JSON flag value and checks its shape; `why` says what the shape is.
fn json_of(flag: &str, text: &str, why: &str, shape: fn(&Value) -> bool) -> Result<Value> {
    let value = typed::parse_value(Kind::Json, flag, text)?;
    if shape(&value) {
        Ok(value)
    } else {
        Err(Error::usage(format!(
            "invalid value {} for {flag}: {why}",
            crate::error::shown(text)
        )))
    }
}

/// Whether the content came from somewhere other than the command line (stdin, a file), where
/// an `@everyone` in a log or a pasted text is not meant as a ping.
fn content_from_outside(args: &SendMessageArgs) -> bool {
    let from_file = |v: &str| v.starts_with('@');
    args.content_from_stdin
        || args.request.data.as_deref().is_some_and(from_file)
        || args
            .request
            .fields
            .iter()
            .any(|f| f.split_once('=').is_some_and(|(_, v)| from_file(v)))
}

/// The `allowed_mentions` to send: `--allowed-mentions` as given; for content from stdin or a
/// file, none parsed unless `--allow-mentions`; `--no-reply-ping` turns off the reply's ping.
/// Discord's docs (Allowed Mentions): when the object is sent, `replied_user` defaults to false,
/// so the object this tool adds for a reply keeps the ping unless `--no-reply-ping` says so.
fn allowed_mentions(args: &SendMessageArgs) -> Result<Option<Value>> {
    let replying = args.reply_to.is_some();
    let mut mentions = match &args.allowed_mentions {
        Some(text) => {
            let why = "allowed_mentions is a JSON object like '{\"parse\":[\"users\"]}'";
            Some(json_of("--allowed-mentions", text, why, Value::is_object)?)
        }
        None if !args.allow_mentions && content_from_outside(args) => {
            let mut m = json!({ "parse": [] });
            if replying {
                m["replied_user"] = Value::Bool(!args.no_reply_ping);
            }
            Some(m)
        }
        // Without the object Discord parses every mention in the content: keep that, minus
        // the reply's ping.
        None if args.no_reply_ping => Some(json!({
            "parse": ["users", "roles", "everyone"],
            "replied_user": false
        })),
        None => None,
    };
    if args.no_reply_ping {
        if let Some(Value::Object(m)) = mentions.as_mut() {
            m.insert("replied_user".into(), Value::Bool(false));
        }
    }
    Ok(mentions)
}

/// Cuts text into pieces of at most `max` characters, preferring to cut at the last newline,
/// else the last space, of each piece (that separator is dropped); a word longer than `max` is
/// cut where it must be.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let hard = rest
            .char_indices()
            .nth(max)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let window = &rest[..hard];
        let (piece, next) = match window.rfind('\n').or_else(|| window.rfind(' ')) {
            Some(cut) if cut > 0 => (&rest[..cut], &rest[cut + 1..]),
            _ => (window, &rest[hard..]),
        };
        pieces.push(piece.to_string());
        rest = next;
    }
    if !rest.is_empty() {
        pieces.push(rest.to_string());
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_prefers_newlines_then_spaces() {
        assert_eq!(split("aaa\nbbb ccc", 8), ["aaa", "bbb ccc"]);
        assert_eq!(split("aaaa bbbb", 6), ["aaaa", "bbbb"]);
        assert_eq!(split("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(split("short", 10), ["short"]);
        let long = "word ".repeat(1000);
        let parts = split(long.trim_end(), MAX_CONTENT);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_CONTENT));
        assert_eq!(parts.join(" "), long.trim_end());
    }

    fn args(words: &[&str]) -> SendMessageArgs {
        use clap::{Args, FromArgMatches};
        let cmd = SendMessageArgs::augment_args(clap::Command::new("send-message"));
        let matches = cmd
            .try_get_matches_from(std::iter::once("send-message").chain(words.iter().copied()))
            .expect("parses");
        SendMessageArgs::from_arg_matches(&matches).expect("args")
    }

    const URL: &str = "https://discord.com/api/webhooks/1/tok-0123456789abcdef";

    #[test]
    fn the_webhook_comes_from_the_flag_or_else_the_environment() {
        let mut a = args(&["--webhook", URL, "hi"]);
        prepare_with(&mut a, None).expect("ok");
        assert_eq!(
            (a.webhook.as_deref(), a.content.as_deref()),
            (Some(URL), Some("hi"))
        );
        // Only when no other target is given.
        let mut a = args(&["hi"]);
        prepare_with(&mut a, Some(URL.into())).expect("ok");
        assert_eq!(
            (a.webhook.as_deref(), a.content.as_deref()),
            (Some(URL), Some("hi"))
        );
        let mut a = args(&["123", "hi"]);
        prepare_with(&mut a, Some(URL.into())).expect("ok");
        assert_eq!((a.webhook, a.channel.as_deref()), (None, Some("123")));
        let mut a = args(&["--dm", "5", "hi"]);
        prepare_with(&mut a, Some(URL.into())).expect("ok");
        assert!(a.webhook.is_none());
        // One word that reads as a channel is ambiguous with the variable set.
        for one in ["123", "#general", "<#123>", "guild/#general"] {
            assert!(
                prepare_with(&mut args(&[one]), Some(URL.into())).is_err(),
                "{one}"
            );
        }
        assert!(prepare_with(&mut args(&["--webhook", URL, "123", "hi"]), None).is_err());
        let bad = prepare_with(
            &mut args(&["--webhook", "https://x/tok-secret", "hi"]),
            None,
        );
        assert!(!bad.expect_err("refused").message.contains("tok-secret"));
    }

    #[test]
    fn a_webhook_message_goes_to_execute_webhook_without_the_bot_token() {
        let mut a = args(&["--webhook", URL, "hi", "--embed", r#"{"title":"t"}"#]);
        prepare_with(&mut a, None).expect("ok");
        let specs = requests(&a).expect("requests");
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].path, "/webhooks/1/tok-0123456789abcdef");
        assert!(!specs[0].auth);
        assert_eq!(specs[0].query, [("wait".to_string(), "true".to_string())]);
        let mut a = args(&["--webhook", URL, "hi", "--sticker", "1"]);
        assert!(prepare_with(&mut a, None).is_err());
    }

    #[test]
    fn split_counts_characters_not_bytes() {
        let text = "é".repeat(5);
        assert_eq!(split(&text, 2), ["éé", "éé", "é"]);
    }
}
