//! `discord send-message CHANNEL [CONTENT]`: the everyday way to post a message, with content
//! from stdin, embeds, files, replies, and `--split` for text over Discord's 2000-character limit.

use std::io::{self, Read};

use serde_json::{json, Map, Value};

use super::typed;
use crate::cli::{FileArgs, PageArgs, SendMessageArgs};
use crate::config::Settings;
use crate::endpoints::Kind;
use crate::rest::url::encode_segment;
use crate::rest::{Method, RequestSpec};
use crate::{Error, Result};

/// The most characters Discord accepts in one message's content.
pub const MAX_CONTENT: usize = 2000;

/// Message flag SUPPRESS_NOTIFICATIONS: no push or desktop notification.
const SUPPRESS_NOTIFICATIONS: u64 = 1 << 12;

/// Sends the message (or, with `--split`, the messages in order).
pub fn run(settings: &Settings, mut args: SendMessageArgs) -> Result<()> {
    if args.content.as_deref() == Some("-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::usage(format!("could not read the content from stdin: {e}")))?;
        // The newline a shell pipeline ends with is not part of the message.
        args.content = Some(text.trim_end_matches(['\n', '\r']).to_string());
    }
    // A part that was sent but could not be printed (a --jq error, a closed stdout) does not
    // stop the others: the message is sent whole, and the first such problem reported after.
    let mut printing = None;
    for spec in requests(&args)? {
        let problem = crate::request::execute_reporting(
            settings,
            spec,
            &FileArgs::default(),
            &PageArgs::default(),
        )?;
        printing = printing.or(problem);
    }
    printing.map_or(Ok(()), Err)
}

/// The checked requests that send the message: one, or with `--split` one per part, in order.
/// The content is taken as it stands (the caller has already read a '-' from stdin); the files
/// ride on the last request.
pub fn requests(args: &SendMessageArgs) -> Result<Vec<RequestSpec>> {
    let channel = typed::parse_value(Kind::Snowflake, "<CHANNEL_ID>", &args.channel)?;
    let channel = channel.as_str().unwrap_or_default().to_string();
    let content = args.content.clone().filter(|c| !c.is_empty());
    let embeds = args
        .embeds
        .iter()
        .map(|text| match typed::parse_value(Kind::Json, "--embed", text)? {
            Value::Object(o) => Ok(Value::Object(o)),
            _ => Err(Error::usage(format!(
                "invalid value '{text}' for --embed: an embed is a JSON object like '{{\"title\":\"hi\"}}'"
            ))),
        })
        .collect::<Result<Vec<Value>>>()?;
    if embeds.len() > 10 {
        return Err(Error::usage("a message takes at most 10 embeds"));
    }
    let reply_to = args
        .reply_to
        .as_deref()
        .map(|id| typed::parse_value(Kind::Snowflake, "--reply-to", id))
        .transpose()?;
    let allowed_mentions = args
        .allowed_mentions
        .as_deref()
        .map(|text| typed::parse_value(Kind::Json, "--allowed-mentions", text))
        .transpose()?;
    if content.is_none() && embeds.is_empty() && args.files.files.is_empty() {
        return Err(Error::usage(
            "nothing to send: give CONTENT ('-' reads stdin), --embed or --file",
        ));
    }
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
    let last = chunks.len() - 1;
    let path = format!("/channels/{}/messages", encode_segment(&channel));
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
        if let Some(m) = &allowed_mentions {
            body.insert("allowed_mentions".into(), m.clone());
        }
        // A split message reads as one: the reply is the first part, embeds and files follow
        // the last.
        if i == 0 {
            if let Some(id) = &reply_to {
                body.insert("message_reference".into(), json!({ "message_id": id }));
            }
        }
        let mut spec = RequestSpec::new(Method::Post, path.clone());
        if i == last {
            if !embeds.is_empty() {
                body.insert("embeds".into(), Value::Array(embeds.clone()));
            }
            spec.files = args.files.files.clone();
        }
        spec.body = Some(Value::Object(body));
        specs.push(spec);
    }
    Ok(specs)
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
