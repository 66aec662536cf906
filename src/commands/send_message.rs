//! `discord send-message CHANNEL [CONTENT]`: the everyday way to post a message, with content
//! from stdin, embeds, components, polls, stickers, files, replies, threads, direct messages,
//! and `--split` for text over Discord's 2000-character limit.

use std::io::{self, IsTerminal, Read};

use serde_json::{json, Map, Value};

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

/// Where the path of a `--dm` message stands until the DM channel is known.
const DM_PLACEHOLDER: &str = "/channels/{dm_channel_id}/messages";

/// Sends the message (or, with `--split`, the messages in order).
pub fn run(settings: &Settings, mut args: SendMessageArgs) -> Result<()> {
    prepare(&mut args)?;
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

/// With `--dm`, the one positional is the content: `send-message --dm USER 'hi'`.
pub fn prepare(args: &mut SendMessageArgs) -> Result<()> {
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
    let path = match (&args.dm, &args.thread, &args.channel) {
        (Some(_), _, _) => DM_PLACEHOLDER.to_string(),
        (None, thread, Some(channel)) => {
            let channel = names::resolve_id(Target::Channel, "<CHANNEL_ID>", channel, &mut scope)?
                .to_string();
            // A thread is a channel of its own: its messages are posted to it directly.
            let target = match thread {
                Some(t) => {
                    names::resolve_id(Target::Channel, "--thread", t, &mut scope)?.to_string()
                }
                None => channel,
            };
            format!("/channels/{}/messages", encode_segment(&target))
        }
        (None, _, None) => return Err(Error::usage("give a CHANNEL_ID, or --dm USER_ID")),
    };
    if args.request.reason.is_some() {
        return Err(Error::usage(
            "send-message takes no audit log reason; leave out --reason",
        ));
    }
    let content = args.content.clone().filter(|c| !c.is_empty());
    let extras = extras(args)?;
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

/// The body fields of `--embed`, `--components`, `--poll` and `--sticker`, checked.
fn extras(args: &SendMessageArgs) -> Result<Map<String, Value>> {
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
        out.insert("embeds".into(), Value::Array(embeds));
    }
    if let Some(text) = &args.components {
        let why =
            "components are a JSON array of action rows like '[{\"type\":1,\"components\":[...]}]'";
        out.insert(
            "components".into(),
            json_of("--components", text, why, Value::is_array)?,
        );
    }
    if let Some(text) = &args.poll {
        let why = "a poll is a JSON object like '{\"question\":{\"text\":\"Lunch?\"},\"answers\":[{\"poll_media\":{\"text\":\"Pizza\"}}]}'";
        out.insert(
            "poll".into(),
            json_of("--poll", text, why, Value::is_object)?,
        );
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

    #[test]
    fn split_counts_characters_not_bytes() {
        let text = "é".repeat(5);
        assert_eq!(split(&text, 2), ["éé", "éé", "é"]);
    }
}
