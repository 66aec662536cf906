//! A typed endpoint subcommand: check every argument against its kind, build the request from
//! the route table entry, then send it through [`crate::request::execute`] like any raw request.

use std::io::{self, BufRead, IsTerminal, Write};

use clap::{ArgMatches, FromArgMatches};
use serde_json::{Map, Value};

use crate::cli::{FileArgs, PageArgs, RequestArgs};
use crate::config::Settings;
use crate::endpoints::clap::{flag_id, long_flag, path_id, Place};
use crate::endpoints::{check, permissions, Auth, Body, Endpoint, Field, Kind};
use crate::error::shown;
use crate::names::{self, Scope, Target};
use crate::rest::url::encode_segment;
use crate::rest::RequestSpec;
use crate::{Error, Result};

/// Runs one typed endpoint with its parsed arguments.
pub fn run(settings: &Settings, endpoint: &'static Endpoint, matches: &ArgMatches) -> Result<()> {
    let files = if endpoint.multipart {
        FileArgs::from_arg_matches(matches).map_err(|e| Error::usage(e.to_string()))?
    } else {
        FileArgs::default()
    };
    let page = if endpoint.paging.is_some() {
        PageArgs::from_arg_matches(matches).map_err(|e| Error::usage(e.to_string()))?
    } else {
        PageArgs::default()
    };
    let attempt = || {
        let spec = build(endpoint, matches)?;
        // `--yes` is accepted everywhere (scripts pass it uniformly) and only matters here.
        if let Some(question) = endpoint.confirm {
            if !settings.dry_run && !matches.get_flag("yes") {
                confirm(&question_for(endpoint, question, matches, &spec))?;
            }
        }
        crate::request::execute(settings, spec, &files, &page)
    };
    // A walk may have printed pages before a 404, so only single requests are tried again
    // after a stale name.
    if page.paginate {
        attempt()
    } else {
        names::retry(attempt)
    }
}

/// Builds the request: checked ids substituted into the path, typed flags into the query and
/// body, then the shared request flags merged on top.
pub fn build(endpoint: &'static Endpoint, matches: &ArgMatches) -> Result<RequestSpec> {
    let mut path = endpoint.path.to_string();
    // Ids given by name are looked up in the guild named before them.
    let mut scope = Scope::default();
    for p in endpoint.path_params {
        let label = format!("<{}>", p.name.to_ascii_uppercase());
        let text = matches
            .get_one::<String>(&path_id(p))
            .ok_or_else(|| Error::usage(format!("{label} is required; see --help")))?;
        let value = parse_arg(p, &label, text, &mut scope)?;
        let segment = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        path = path.replace(&format!("{{{}}}", p.name), &encode_segment(&segment));
    }
    let mut spec = RequestSpec::new(endpoint.method, path);
    spec.auth = endpoint.auth != Auth::Never;
    spec.auth_optional = endpoint.auth == Auth::Optional;
    spec.form = endpoint.form;
    for f in endpoint.query {
        let label = format!("--{}", long_flag(endpoint, Place::Query, f));
        let given = matches.get_many::<String>(&flag_id(Place::Query, f));
        for text in given.into_iter().flatten() {
            // A list is sent as one key per value (the spec's default form style, exploded).
            let values = match parse_arg(f, &label, text, &mut scope)? {
                Value::Array(items) => items,
                one => vec![one],
            };
            for value in values {
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                spec.query.push((f.name.to_string(), text));
            }
        }
    }
    let mut body = Map::new();
    for f in endpoint.fields {
        if let Some(text) = matches.get_one::<String>(&flag_id(Place::Body, f)) {
            let label = format!("--{}", long_flag(endpoint, Place::Body, f));
            // A field with a nested schema is read as any JSON here: its shape, outer and inner,
            // is checked against the whole schema with the rest of the body (check_nested).
            let value = match crate::endpoints::nested::find(endpoint.name, f.name) {
                Some(_) => parse_value(Kind::Json, &label, text)?,
                None => parse_arg(f, &label, text, &mut scope)?,
            };
            body.insert(f.name.to_string(), value);
        }
    }
    if !body.is_empty() {
        spec.body = Some(Value::Object(body));
    }
    let request =
        RequestArgs::from_arg_matches(matches).map_err(|e| Error::usage(e.to_string()))?;
    if request.reason.is_some() && !endpoint.reason {
        return Err(Error::usage(format!(
            "{} does not take an audit log reason; leave out --reason",
            endpoint.name
        )));
    }
    crate::request::apply_request_args(&mut spec, None, &request)?;
    if endpoint.body.is_none() && spec.body.is_some() {
        return Err(Error::usage(format!(
            "{} takes no request body; leave out --body, -f and -F",
            endpoint.name
        )));
    }
    if endpoint.body_required && endpoint.body == Some(Body::Json) && spec.body.is_none() {
        return Err(Error::usage(format!(
            "{} needs a request body: give it whole with --body JSON (or --body @file.json); see --help",
            endpoint.name
        )));
    }
    check_required(endpoint, &spec)?;
    check_nested(endpoint, &spec)?;
    Ok(spec)
}

/// Every JSON-valued field of the body, from its flag or from -F/--body, is checked against its
/// whole nested schema, so a wrong shape deep inside is refused before sending.
fn check_nested(endpoint: &Endpoint, spec: &RequestSpec) -> Result<()> {
    let Some(body) = spec.body.as_ref().and_then(Value::as_object) else {
        return Ok(());
    };
    for f in endpoint.fields {
        if let Some(value) = body.get(f.name) {
            let flag = format!("--{}", long_flag(endpoint, Place::Body, f));
            nested_value(endpoint.name, f.name, &flag, value)?;
        }
    }
    Ok(())
}

/// Checks one JSON value given for `field` of `operation` against its nested schema; the error
/// names `flag` and the place inside the value (`--embeds[0].title is 300 characters ...`).
pub fn nested_value(operation: &str, field: &str, flag: &str, value: &Value) -> Result<()> {
    let Some(nested) = crate::endpoints::nested::find(operation, field) else {
        return Ok(());
    };
    nested.check(value).map_err(|p| {
        Error::usage(format!(
            "{flag}{} {}; for example {flag} '{}'",
            p.path, p.why, nested.example
        ))
    })
}

/// Required query parameters and body fields must be there, from a flag or from -f/-F/--body.
fn check_required(endpoint: &Endpoint, spec: &RequestSpec) -> Result<()> {
    for f in endpoint.query.iter().filter(|f| f.required) {
        if !spec.query.iter().any(|(k, _)| k == f.name) {
            return Err(Error::usage(format!(
                "{} needs --{}; see --help",
                endpoint.name,
                long_flag(endpoint, Place::Query, f)
            )));
        }
    }
    if endpoint.body != Some(Body::Object) {
        return Ok(());
    }
    let body = spec.body.as_ref().and_then(Value::as_object);
    for f in endpoint.fields.iter().filter(|f| f.required) {
        if !body.is_some_and(|b| b.contains_key(f.name)) {
            return Err(Error::usage(format!(
                "{} needs --{} (or -f {}=...); see --help",
                endpoint.name,
                long_flag(endpoint, Place::Body, f),
                f.name
            )));
        }
    }
    let Some((field, variant)) = body.and_then(|b| check::chosen_variant(endpoint, b)) else {
        return Ok(());
    };
    let missing = variant
        .required
        .iter()
        .find(|name| !body.is_some_and(|b| b.contains_key(**name)));
    if let Some(name) = missing {
        let flag_of = |name: &str| {
            endpoint
                .fields
                .iter()
                .find(|f| f.name == name)
                .map_or(name.replace('_', "-"), |f| {
                    long_flag(endpoint, Place::Body, f)
                })
        };
        let value = body.and_then(|b| b.get(field)).map(Value::to_string);
        return Err(Error::usage(format!(
            "{} with --{} {} needs --{}; see --help",
            endpoint.name,
            flag_of(field),
            value.unwrap_or_default(),
            flag_of(name)
        )));
    }
    Ok(())
}

/// Reads one argument of the route table: ids through [`names::resolve_id`] (names, mentions,
/// links, `@me`), a time where a `before`/`after`/`around` cursor is taken, a custom emoji's
/// mention where a reaction's emoji goes; everything else through [`parse_value`].
pub fn parse_arg(f: &Field, label: &str, text: &str, scope: &mut Scope) -> Result<Value> {
    let cursor = matches!(f.name, "before" | "after" | "around");
    match f.kind {
        Kind::Snowflake => {
            if let Some(id) = cursor.then(|| time_cursor(text, false)).flatten() {
                return Ok(Value::String(id));
            }
            names::resolve_id(Target::of(f.name), label, text, scope)
                .map(|id| Value::String(id.to_string()))
        }
        Kind::String { .. } if cursor => {
            let at = time_cursor(text, true);
            parse_value(f.kind, label, at.as_deref().unwrap_or(text))
        }
        Kind::String { .. } if f.name == "emoji_name" => {
            // Discord's reaction routes take a custom emoji as name:id (docs/resources/message.md
            // "Create Reaction"); its mention <:name:id> is how people copy it.
            let emoji = match names::notation::parse(text) {
                Ok(names::notation::Notation::Emoji { name, id }) => format!("{name}:{id}"),
                _ => text.to_string(),
            };
            parse_value(f.kind, label, &emoji)
        }
        _ => parse_value(f.kind, label, text),
    }
}

/// A time typed as a cursor (`2h`, RFC 3339) as Discord takes it: the boundary snowflake, or
/// for timestamp cursors the RFC 3339 time. `None` when `text` is not a time.
pub fn time_cursor(text: &str, timestamps: bool) -> Option<String> {
    names::time::cursor(text, timestamps, jiff::Timestamp::now())
}

/// Checks one argument against its kind and turns it into the JSON value Discord expects.
/// `label` names the argument in the error (`<CHANNEL_ID>`, `--limit`).
pub fn parse_value(kind: Kind, label: &str, text: &str) -> Result<Value> {
    let bad = |why: &str| Error::usage(format!("invalid value {} for {label}: {why}", shown(text)));
    match kind {
        Kind::Snowflake => {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(
                    "a snowflake id is digits only, like 123456789012345678",
                ));
            }
            text.parse::<u64>()
                .map_err(|_| bad("a snowflake id must fit in 64 bits"))?;
            Ok(Value::String(text.to_string()))
        }
        Kind::Integer { min, max } => {
            let n = text
                .parse::<i64>()
                .map_err(|_| bad("expected a whole number"))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                let range = check::range_text(min, max).unwrap_or_default();
                return Err(bad(&format!("Discord accepts {range}")));
            }
            Ok(Value::from(n))
        }
        Kind::Number { min, max } => {
            let n = text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| bad("expected a number"))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                let range = check::range_text(min, max).unwrap_or_default();
                return Err(bad(&format!("Discord accepts {range}")));
            }
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| bad("expected a number"))
        }
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err(bad("expected true or false")),
        },
        Kind::String { min_len, max_len } => {
            let n = text.chars().count();
            if let Some(max) = max_len.filter(|m| n > *m as usize) {
                return Err(Error::usage(format!(
                    "{label} is {n} characters long; Discord accepts at most {max}"
                )));
            }
            if let Some(min) = min_len.filter(|m| n < *m as usize) {
                return Err(Error::usage(format!(
                    "{label} is {n} characters long; Discord needs at least {min}"
                )));
            }
            Ok(Value::String(text.to_string()))
        }
        Kind::DateTime => {
            if check::is_rfc3339(text) {
                Ok(Value::String(text.to_string()))
            } else {
                Err(bad(
                    "expected an RFC 3339 date-time such as 2026-01-31T18:00:00Z",
                ))
            }
        }
        Kind::Enum(values) => {
            let wanted = text.to_ascii_lowercase().replace('_', "-");
            let found = values.iter().find(|(name, value)| {
                *name == wanted || *value == text || value.trim_matches('"') == text
            });
            match found {
                Some((_, value)) => serde_json::from_str(value)
                    .map_err(|e| Error::runtime(format!("bad enum value in the route table: {e}"))),
                None => {
                    let names: Vec<&str> = values.iter().map(|v| v.0).collect();
                    Err(bad(&format!("expected one of {}", names.join(", "))))
                }
            }
        }
        Kind::Permissions { max } => {
            let bits = permissions::parse(text).map_err(|why| bad(&why))?;
            if max.is_some_and(|m| bits > m) {
                let max = max.unwrap_or_default();
                return Err(bad(&format!(
                    "Discord accepts permission bits up to {max} (no flag above bit {})",
                    63 - max.leading_zeros()
                )));
            }
            Ok(Value::String(bits.to_string()))
        }
        Kind::Colour => parse_colour(text)
            .map(Value::from)
            .ok_or_else(|| bad("expected a colour as #rrggbb or a number")),
        Kind::List(item) => {
            let items = text
                .split(',')
                .map(|part| parse_value(*item, label, part))
                .collect::<Result<Vec<Value>>>()?;
            Ok(Value::Array(items))
        }
        Kind::Json | Kind::JsonObject | Kind::JsonArray => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| bad(&format!("not valid JSON ({e})")))?;
            match (kind, &value) {
                (Kind::JsonObject, v) if !v.is_object() => Err(bad(
                    "Discord expects a JSON object here, like {\"key\":\"value\"}",
                )),
                (Kind::JsonArray, v) if !v.is_array() => {
                    Err(bad("Discord expects a JSON array here, like [{...}]"))
                }
                _ => Ok(value),
            }
        }
    }
}

fn parse_colour(text: &str) -> Option<u32> {
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 {
            return None;
        }
        return u32::from_str_radix(hex, 16).ok();
    }
    text.parse::<u32>().ok().filter(|n| *n <= 0xFF_FFFF)
}

/// The confirmation question of `endpoint` with the ids given and the request filled in:
/// "Delete channel 123 (DELETE /channels/123)? This cannot be undone."
pub fn question_for(
    endpoint: &Endpoint,
    template: &str,
    matches: &ArgMatches,
    spec: &RequestSpec,
) -> String {
    let mut text = template.replace(
        "{request}",
        &format!("{} {}", spec.method.as_str(), spec.path),
    );
    for p in endpoint.path_params {
        if let Some(value) = matches.get_one::<String>(&path_id(p)) {
            text = text.replace(&format!("{{{}}}", p.name), value);
        }
    }
    text
}

/// Asks before destroying something, but only when a person can answer: a script (no terminal
/// on stdin or stderr) is never prompted and never blocked.
pub(super) fn confirm(question: &str) -> Result<()> {
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Ok(());
    }
    // Asked as one line and answered with Enter, never redrawn: a redraw of a question that
    // wraps leaves its first lines behind, so it showed twice.
    let mut err = io::stderr();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    let read = io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::runtime(format!("could not ask for confirmation: {e}")))?;
    if read == 0 {
        // Ctrl-D: end the question's line before the message.
        writeln!(err)?;
    }
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Error::usage(
            "cancelled; nothing was sent (pass --yes to skip the question)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_checked() {
        assert_eq!(
            parse_value(Kind::Snowflake, "<CHANNEL_ID>", "123").ok(),
            Some(Value::from("123"))
        );
        let err = parse_value(Kind::Snowflake, "<CHANNEL_ID>", "12a").unwrap_err();
        assert!(err.to_string().contains("<CHANNEL_ID>"));
        assert!(parse_value(Kind::Snowflake, "x", "99999999999999999999").is_err());
        let limit = Kind::Integer {
            min: Some(1),
            max: Some(100),
        };
        assert!(parse_value(limit, "--limit", "ten").is_err());
        assert!(parse_value(limit, "--limit", "0").is_err());
        assert!(parse_value(limit, "--limit", "101").is_err());
        assert_eq!(
            parse_value(limit, "--limit", "100").ok(),
            Some(Value::from(100))
        );
        assert_eq!(
            parse_value(Kind::Bool, "--tts", "yes").ok(),
            Some(Value::Bool(true))
        );
        assert_eq!(
            parse_value(Kind::Colour, "--color", "#3498db").ok(),
            Some(Value::from(0x3498db))
        );
        assert!(parse_value(Kind::Colour, "--color", "#34").is_err());
        assert_eq!(
            parse_value(
                Kind::Permissions { max: None },
                "--permissions",
                "KICK_MEMBERS,BAN_MEMBERS"
            )
            .ok(),
            Some(Value::from("6"))
        );
        let name = Kind::String {
            min_len: Some(2),
            max_len: Some(3),
        };
        assert!(parse_value(name, "--name", "abcd").is_err());
        // minLength: modify-current-user's username is 2 to 32 characters in the spec.
        assert!(parse_value(name, "--name", "x").is_err());
        assert!(parse_value(name, "--name", "xy").is_ok());
        let volume = Kind::Number {
            min: Some(0.0),
            max: Some(1.0),
        };
        assert!(parse_value(volume, "--volume", "1.5").is_err());
        assert!(parse_value(volume, "--volume", "NaN").is_err());
        assert_eq!(
            parse_value(volume, "--volume", "0.25").ok(),
            Some(Value::from(0.25))
        );
        // default_member_permissions: the spec's maximum is 2^54 - 1.
        let perms = Kind::Permissions {
            max: Some(18014398509481983),
        };
        assert!(parse_value(perms, "--p", "18014398509481984").is_err());
        assert!(parse_value(perms, "--p", "18014398509481983").is_ok());
        assert!(parse_value(Kind::DateTime, "--until", "next-tuesday").is_err());
        assert!(parse_value(Kind::JsonArray, "--embeds", r#"{"not":"an array"}"#).is_err());
        assert!(parse_value(Kind::JsonObject, "--poll", "[]").is_err());
        let has = Kind::List(&Kind::Enum(&[("link", "\"link\"")]));
        assert_eq!(
            parse_value(has, "--has", "link,link").ok(),
            Some(serde_json::json!(["link", "link"]))
        );
        assert!(parse_value(has, "--has", "link,nope").is_err());
        let types = &[("text", "0"), ("forum", "15")];
        assert_eq!(
            parse_value(Kind::Enum(types), "--type", "forum").ok(),
            Some(Value::from(15))
        );
        assert_eq!(
            parse_value(Kind::Enum(types), "--type", "0").ok(),
            Some(Value::from(0))
        );
        assert!(parse_value(Kind::Enum(types), "--type", "voice").is_err());
        assert!(parse_value(Kind::Json, "--embeds", "{").is_err());
    }
}
