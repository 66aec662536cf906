//! Reading gateway payloads cheaply: only `op`, `t`, `s` and the few fields routing needs are
//! parsed; `d` stays a borrowed slice of the original text, which is what gets printed. Also the
//! payloads the client sends.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{json, Value};

use super::json_check::{object_members, skip_space, skip_value};
use crate::{Error, ErrorKind, Result};

/// The largest gateway message accepted, as received and after decompression. A GUILD_CREATE
/// of a very large guild is tens of MB in one message, far over tungstenite's 16 MiB default;
/// 512 MiB still bounds what a hostile server can make the client hold.
pub const MAX_MESSAGE_BYTES: usize = 512 << 20;

/// Gateway opcodes. Source: Discord docs, "Opcodes and Status Codes > Gateway Opcodes".
pub mod op {
    /// An event.
    pub const DISPATCH: u8 = 0;
    /// Heartbeat (sent; received = a request to beat now).
    pub const HEARTBEAT: u8 = 1;
    /// Start a session.
    pub const IDENTIFY: u8 = 2;
    /// Update the bot's presence.
    pub const PRESENCE_UPDATE: u8 = 3;
    /// Join, move or leave voice.
    pub const VOICE_STATE_UPDATE: u8 = 4;
    /// Resume a session.
    pub const RESUME: u8 = 6;
    /// The server asks the client to reconnect and resume.
    pub const RECONNECT: u8 = 7;
    /// Ask for guild members.
    pub const REQUEST_GUILD_MEMBERS: u8 = 8;
    /// The session is invalid; `d` says whether it can be resumed.
    pub const INVALID_SESSION: u8 = 9;
    /// First message: the heartbeat interval.
    pub const HELLO: u8 = 10;
    /// The server acknowledged a heartbeat.
    pub const HEARTBEAT_ACK: u8 = 11;
    /// Ask for a guild's soundboard sounds.
    pub const REQUEST_SOUNDBOARD_SOUNDS: u8 = 31;
    /// Ask for channel info (voice status, start time).
    pub const REQUEST_CHANNEL_INFO: u8 = 43;

    /// The opcodes a user may send with `--stdin`.
    pub const USER_COMMANDS: &[u8] = &[
        PRESENCE_UPDATE,
        VOICE_STATE_UPDATE,
        REQUEST_GUILD_MEMBERS,
        REQUEST_SOUNDBOARD_SOUNDS,
        REQUEST_CHANNEL_INFO,
    ];
}

/// The routing part of one received payload. Nothing is copied: `t` borrows the text, and
/// `d` is only read when [`Frame::data`] asks for it.
#[derive(Debug)]
pub struct Frame<'a> {
    /// The opcode.
    pub op: u8,
    /// Sequence number (dispatches only).
    pub s: Option<u64>,
    /// Event name (dispatches only).
    pub t: Option<Cow<'a, str>>,
    /// The text of `d`'s value.
    d: Option<&'a str>,
    /// The text of a few of `d`'s own members, indexed by [`Field`].
    fields: [Option<&'a str>; Field::COUNT],
}

/// Members of a dispatch's `d` that the reader keeps while it checks `d` anyway, so what
/// follows events (the names cache) needs no second pass over each payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `d.guild_id`.
    GuildId,
    /// `d.author` (messages).
    Author,
    /// `d.member` (messages in a guild: the author's member object, without `user`).
    Member,
}

impl Field {
    const COUNT: usize = 3;

    fn of_key(key: &str) -> Option<Field> {
        match key {
            "guild_id" => Some(Field::GuildId),
            "author" => Some(Field::Author),
            "member" => Some(Field::Member),
            _ => None,
        }
    }
}

/// An event name as it appears in the text (owned only if it has escapes).
#[derive(Deserialize)]
struct Name<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'a> Frame<'a> {
    /// Reads the routing fields of a payload, checking that the whole payload is one valid
    /// JSON object: it is passed on as received, and every `listen` line must be valid JSON
    /// (a hostile server's broken `d` would otherwise reach the output). `d` itself is only
    /// stepped over, not built.
    pub fn parse(text: &'a str) -> Result<Frame<'a>> {
        Frame::scan(text).map_err(|e| {
            Error::new(
                ErrorKind::Network,
                format!("the gateway sent a payload that is not valid JSON: {e}"),
            )
        })
    }

    fn scan(text: &'a str) -> std::result::Result<Frame<'a>, String> {
        let bytes = text.as_bytes();
        let mut at = expect(bytes, skip_space(bytes, 0), b'{')?;
        let (mut op, mut s, mut t, mut d) = (None, None, None, None);
        let mut fields = [None; Field::COUNT];
        at = skip_space(bytes, at);
        let mut more = bytes.get(at) != Some(&b'}');
        if !more {
            at += 1;
        }
        while more {
            let (key, next): (Cow<'a, str>, usize) = match plain_str(text, at) {
                Some((k, n)) => (Cow::Borrowed(k), n),
                None => value_at(text, at)?,
            };
            at = skip_space(bytes, expect(bytes, skip_space(bytes, next), b':')?);
            let value_start = at;
            at = match key.as_ref() {
                "op" => {
                    let (v, n) = match plain_uint(bytes, at) {
                        Some((v, n)) if v <= u64::from(u8::MAX) => (v as u8, n),
                        _ => value_at(text, at)?,
                    };
                    op = Some(v);
                    n
                }
                "s" => {
                    let (v, n) = match plain_uint(bytes, at) {
                        Some((v, n)) => (Some(v), n),
                        None if bytes[at..].starts_with(b"null") => (None, at + 4),
                        None => value_at(text, at)?,
                    };
                    s = v;
                    n
                }
                "t" => {
                    let (v, n) = match plain_str(text, at) {
                        Some((name, n)) => (Some(Cow::Borrowed(name)), n),
                        None if bytes[at..].starts_with(b"null") => (None, at + 4),
                        None => {
                            let (v, n) = value_at::<Option<Name>>(text, at)?;
                            (v.map(|name| name.0), n)
                        }
                    };
                    t = v;
                    n
                }
                // An object `d` is walked member by member (checking each), which costs what
                // skipping it would and keeps the members in `Field`.
                "d" if bytes.get(at) == Some(&b'{') => {
                    fields = [None; Field::COUNT];
                    object_members(text, at, |k, v| {
                        if let Some(f) = Field::of_key(k) {
                            fields[f as usize] = Some(v);
                        }
                    })?
                }
                _ => skip_value(text, at)?,
            };
            if key == "d" {
                d = Some(&text[value_start..at]);
            }
            at = skip_space(bytes, at);
            match bytes.get(at) {
                Some(b',') => at = skip_space(bytes, at + 1),
                Some(b'}') => {
                    at += 1;
                    more = false;
                }
                _ => return Err(format!("expected ',' or '}}' at byte {at}")),
            }
        }
        if skip_space(bytes, at) < bytes.len() {
            return Err(format!("trailing characters at byte {at}"));
        }
        let op = op.ok_or("missing field `op`")?;
        Ok(Frame {
            op,
            s,
            t,
            d,
            fields,
        })
    }

    /// The text of `d` as received (checked to be JSON), if the payload has one.
    pub fn data_text(&self) -> Option<&'a str> {
        self.d
    }

    /// The text of one of `d`'s members listed in [`Field`], if `d` has it.
    pub fn field(&self, field: Field) -> Option<&'a str> {
        self.fields[field as usize]
    }

    /// `d` parsed as `T` (for the few payloads whose data the client needs).
    pub fn data<T: Deserialize<'a>>(&self) -> Option<T> {
        self.d
            .and_then(|d| T::deserialize(&mut serde_json::Deserializer::from_str(d)).ok())
    }
}

/// The position after byte `want` at `at`, or what was found instead.
fn expect(bytes: &[u8], at: usize, want: u8) -> std::result::Result<usize, String> {
    if bytes.get(at) == Some(&want) {
        Ok(at + 1)
    } else {
        Err(format!("expected '{}' at byte {at}", want as char))
    }
}

/// A JSON string at `at` with nothing to unescape or reject (no `\\`, no control
/// characters): its text and where it ended. `None` leaves the string to serde. Keys and event
/// names nearly always look like this, and serde's machinery for them was a fifth of listen's
/// time.
fn plain_str(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let len = bytes[at + 1..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    let end = at + 1 + len;
    // Only a closing quote ends a plain string; the slice is on char boundaries (ASCII quotes).
    (bytes[end] == b'"').then(|| (&text[at + 1..end], end + 1))
}

/// A JSON integer at `at` written plainly (digits, no leading zero, no sign, fraction or
/// exponent) that fits in a u64, and where it ended. `None` leaves the number to serde.
fn plain_uint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let digits = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = at + digits;
    if digits == 0
        || (digits > 1 && bytes[at] == b'0')
        || matches!(bytes.get(end), Some(b'.' | b'e' | b'E'))
    {
        return None;
    }
    bytes[at..end]
        .iter()
        .try_fold(0u64, |n, b| {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
        .map(|n| (n, end))
}

/// Reads one JSON value of type `T` starting at byte `at`; returns it and where it ended.
fn value_at<'a, T: Deserialize<'a>>(
    text: &'a str,
    at: usize,
) -> std::result::Result<(T, usize), String> {
    let rest = text.get(at..).ok_or("unexpected end")?;
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<T>();
    match values.next() {
        Some(Ok(v)) => Ok((v, at + values.byte_offset())),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("unexpected end".into()),
    }
}

/// The fields of HELLO the client uses.
#[derive(Debug, Deserialize)]
pub struct Hello {
    /// Milliseconds between heartbeats.
    pub heartbeat_interval: u64,
}

/// The fields of READY the client keeps.
#[derive(Debug, Deserialize)]
pub struct Ready {
    /// The new session's id.
    pub session_id: String,
    /// Where to resume it.
    pub resume_gateway_url: String,
}

/// What the bot says it is and how it appears, for IDENTIFY.
#[derive(Debug, Clone, Default)]
pub struct IdentifyConfig {
    /// Intents bitfield.
    pub intents: u64,
    /// `large_threshold` (50..=250).
    pub large_threshold: u8,
    /// The presence to show, if any (`{since, activities, status, afk}`).
    pub presence: Option<Value>,
}

/// The IDENTIFY payload. The token is sent bare, as Discord's docs show.
pub fn identify(token: &str, config: &IdentifyConfig, shard: [u32; 2]) -> String {
    let mut d = json!({
        "token": token,
        "intents": config.intents,
        "properties": {
            "os": std::env::consts::OS,
            "browser": "discord-cli",
            "device": "discord-cli",
        },
        "large_threshold": config.large_threshold,
        "shard": shard,
    });
    if let Some(presence) = &config.presence {
        d["presence"] = presence.clone();
    }
    json!({"op": op::IDENTIFY, "d": d}).to_string()
}

/// The RESUME payload.
pub fn resume(token: &str, session_id: &str, seq: Option<u64>) -> String {
    json!({"op": op::RESUME, "d": {"token": token, "session_id": session_id, "seq": seq}})
        .to_string()
}

/// A heartbeat carrying the last sequence number.
pub fn heartbeat(seq: Option<u64>) -> String {
    match seq {
        Some(s) => format!(r#"{{"op":1,"d":{s}}}"#),
        None => r#"{"op":1,"d":null}"#.to_string(),
    }
}

/// The presence object for IDENTIFY from `--status` and `--activity`.
pub fn presence(status: Option<&str>, activity: Option<&str>) -> Option<Value> {
    if status.is_none() && activity.is_none() {
        return None;
    }
    let activities = match activity {
        Some(name) => json!([{"name": name, "type": 0}]),
        None => json!([]),
    };
    Some(json!({
        "since": null,
        "activities": activities,
        "status": status.unwrap_or("online"),
        "afk": false,
    }))
}

/// Checks a `--stdin` line: one JSON object with an `op` a user may send. Returns the line
/// compacted when it was not already one line of JSON.
pub fn user_command(line: &str) -> Result<(u8, Value)> {
    let value: Value = serde_json::from_str(line).map_err(|e| {
        Error::usage(format!(
            "gateway command not sent: the line is not JSON ({e}); send one object per line, e.g. {{\"op\":8,\"d\":{{\"guild_id\":\"1\",\"query\":\"\",\"limit\":0}}}}"
        ))
    })?;
    let op = value
        .get("op")
        .and_then(Value::as_u64)
        .and_then(|o| u8::try_from(o).ok());
    match op {
        Some(o) if op::USER_COMMANDS.contains(&o) => Ok((o, value)),
        _ => Err(Error::usage(
            "gateway command not sent: \"op\" must be 3 (presence), 4 (voice state), 8 (request guild members), 31 (soundboard sounds) or 43 (channel info)",
        )),
    }
}

/// A valid JSON payload as one line: unchanged unless it holds a raw line break, which valid
/// JSON allows only as whitespace between tokens; that whitespace is then dropped (text inside
/// strings is kept byte for byte). Raw control characters inside strings are not valid JSON,
/// so [`Frame::parse`] has already refused them.
pub fn one_line(payload: &str) -> Cow<'_, str> {
    // memchr, not a byte loop: this check runs over every payload, and the loop was a quarter
    // of listen's time.
    if memchr::memchr2(b'\n', b'\r', payload.as_bytes()).is_none() {
        return Cow::Borrowed(payload);
    }
    let mut out = String::with_capacity(payload.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in payload.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_string = c == '"';
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes a payload as one output line, as received, with `,"shard":[id,count]` spliced
/// inside its outer object when `shard` is given and the rest left untouched.
pub fn write_line(
    payload: &str,
    shard: Option<[u32; 2]>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let trimmed = payload.trim_end();
    match (shard, trimmed.strip_suffix('}')) {
        (Some([id, count]), Some(body)) => {
            out.write_all(body.as_bytes())?;
            write!(out, ",\"shard\":[{id},{count}]}}")?;
        }
        _ => out.write_all(trimmed.as_bytes())?,
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_d_are_kept_while_it_is_checked() {
        let text = r#"{"op":0,"t":"MESSAGE_CREATE","s":2,"d":{"id":"1","author":{"id":"5","username":"a"},"embeds":[{"author":{"name":"x"}}],"guild_id":"9"}}"#;
        let frame = Frame::parse(text).unwrap();
        assert_eq!(
            frame.field(Field::Author),
            Some(r#"{"id":"5","username":"a"}"#)
        );
        assert_eq!(frame.field(Field::GuildId), Some(r#""9""#));
        assert_eq!(frame.field(Field::Member), None);
        // A `d` that is not an object, or a broken one, keeps nothing / is refused.
        assert_eq!(
            Frame::parse(r#"{"op":11,"d":null}"#)
                .unwrap()
                .field(Field::Author),
            None
        );
        assert!(Frame::parse(r#"{"op":0,"d":{"author":}}"#).is_err());
    }

    #[test]
    fn parses_routing_fields_and_borrows_d() {
        let text = r#"{"t":"MESSAGE_CREATE","s":42,"op":0,"d":{"content":"hi \"there\""}}"#;
        let f = Frame::parse(text).unwrap();
        assert_eq!(
            (f.op, f.s, f.t.as_deref()),
            (0, Some(42), Some("MESSAGE_CREATE"))
        );
        assert_eq!(
            f.data::<Value>().unwrap(),
            json!({"content": "hi \"there\""})
        );
        let hello = Frame::parse(r#"{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}"#)
            .unwrap();
        assert_eq!(hello.data::<Hello>().unwrap().heartbeat_interval, 41250);
        assert!(Frame::parse("{").is_err());
    }

    #[test]
    fn reads_members_in_any_order_and_rejects_what_is_not_a_payload() {
        // `d` first: it is stepped over to reach the routing fields, and still readable.
        let f = Frame::parse(r#" { "d" : [1, {"x":"}"}], "op" : 0 , "s":7, "t":"A\u005fB" } "#)
            .unwrap();
        assert_eq!((f.op, f.s, f.t.as_deref()), (0, Some(7), Some("A_B")));
        assert_eq!(f.data::<Value>().unwrap(), json!([1, {"x": "}"}]));
        // No `d` at all, or unknown members.
        let f = Frame::parse(r#"{"op":11,"extra":{"a":[null]}}"#).unwrap();
        assert_eq!((f.op, f.s, f.t.as_deref()), (11, None, None));
        assert!(f.data::<Value>().is_none());
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"op":0,"s":1,"t":"A","d":{"a":1"#,
            r#"{"op":0} x"#,
            r#"{"op":0,}"#,
            r#"{"op":"0"}"#,
            r#"{"op":0 "s":1}"#,
            r#"{"s":1,"d":{"a":}"op":0}"#,
            "{\"op\":0}\u{c}",
        ] {
            assert!(Frame::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn plainly_written_fields_read_the_same_as_through_serde() {
        // Each pair: what the plain-text readers take, and the same value written so that
        // only serde can read it (an escape, or a number form JSON allows but not plainly).
        let cases = [
            (
                r#"{"t":"GUILD_CREATE","s":18446744073709551615,"op":0,"d":1}"#,
                (0, Some(u64::MAX), Some("GUILD_CREATE")),
            ),
            (
                r#"{"t":"GUILD\u005fCREATE","s":7,"op":0,"d":1}"#,
                (0, Some(7), Some("GUILD_CREATE")),
            ),
            (r#"{"\u0074":null,"s":null,"op":11}"#, (11, None, None)),
            (r#"{"t":null,"s":0,"op":255}"#, (255, Some(0), None)),
        ];
        for (text, want) in cases {
            let f = Frame::parse(text).unwrap();
            assert_eq!((f.op, f.s, f.t.as_deref()), want, "{text}");
        }
        // What JSON (RFC 8259 section 6, 7) forbids stays an error, whichever reader sees it.
        for bad in [
            r#"{"op":01}"#,
            r#"{"op":256}"#,
            r#"{"op":0,"s":18446744073709551616}"#,
            r#"{"op":0,"s":1.5}"#,
            r#"{"op":0,"s":nullx}"#,
            "{\"op\":0,\"t\":\"A\u{1}B\"}",
            r#"{"op":0,"t":"unterminated}"#,
        ] {
            assert!(Frame::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_damaged_d_is_refused_even_after_the_routing_fields() {
        // Issue 14 item 16: the payload is printed as received, so all of it must be valid
        // JSON (RFC 8259 section 7: control characters in strings must be escaped).
        for bad in [
            r#"{"t":"X","s":3,"op":0,"d":{"a":[1,2}}"#,
            "{\"t\":\"X\",\"s\":3,\"op\":0,\"d\":{\"content\":\"two\nlines\"}}",
            "{\"t\":\"X\",\"s\":3,\"op\":0,\"d\":{\"content\":\"\u{1b}[2J\"}}",
            r#"{"t":"X","s":3,"op":0,"d":{}} trailing"#,
        ] {
            assert!(Frame::parse(bad).is_err(), "{bad:?}");
        }
        let f =
            Frame::parse(r#"{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":5}}"#).unwrap();
        assert_eq!(f.data::<Hello>().unwrap().heartbeat_interval, 5);
    }

    #[test]
    fn line_breaks_between_tokens_are_dropped_and_strings_kept() {
        let pretty = "{\n  \"op\": 0,\r\n  \"d\": {\"a b\": \"x\\\" \\n y\"}\n}";
        assert!(Frame::parse(pretty).is_ok());
        let line = one_line(pretty);
        assert_eq!(line, r#"{"op":0,"d":{"a b":"x\" \n y"}}"#);
        let back: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(pretty).unwrap());
        assert!(matches!(one_line(r#"{"op":0}"#), Cow::Borrowed(_)));
    }

    #[test]
    fn identify_has_the_documented_fields() {
        let cfg = IdentifyConfig {
            intents: 513,
            large_threshold: 100,
            presence: presence(Some("idle"), Some("tests")),
        };
        let v: Value = serde_json::from_str(&identify("tok", &cfg, [1, 4])).unwrap();
        assert_eq!(v["op"], 2);
        assert_eq!(v["d"]["token"], "tok");
        assert_eq!(v["d"]["intents"], 513);
        assert_eq!(v["d"]["properties"]["browser"], "discord-cli");
        assert_eq!(v["d"]["shard"], json!([1, 4]));
        assert_eq!(v["d"]["presence"]["status"], "idle");
        assert_eq!(v["d"]["presence"]["activities"][0]["name"], "tests");
        assert_eq!(heartbeat(Some(7)), r#"{"op":1,"d":7}"#);
    }

    #[test]
    fn shard_is_spliced_in_textually() {
        let mut out = Vec::new();
        write_line("{\"op\":0,\"d\":{\"a\":1}}\n", Some([2, 3]), &mut out).unwrap();
        write_line("{\"op\":0}\r\n", None, &mut out).unwrap();
        assert_eq!(
            out,
            b"{\"op\":0,\"d\":{\"a\":1},\"shard\":[2,3]}\n{\"op\":0}\n"
        );
    }

    #[test]
    fn user_commands_are_checked() {
        assert_eq!(user_command(r#"{"op":8,"d":{}}"#).unwrap().0, 8);
        assert!(user_command(r#"{"op":2,"d":{}}"#).is_err());
        assert!(user_command("nope").is_err());
    }
}
